"""The overview of runs (`reports/index.html`): its key figures, its page, and the commands that rewrite it."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import ApprovalProject, approve_cli, copy_project, run_in_process

from kpro_econ.report.run_overview import KeyFigures, RunRow, key_figures, key_figures_line, overview_html, run_lines

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WRITTEN = datetime(2026, 11, 29, 15, 33, tzinfo=UTC)  # 16.33 in Copenhagen


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "cost_by_year": pd.DataFrame({
            "scenario": ["Basis", "Basis", "Basis", "Høj"],
            "year": [2026, 2026, 2027, 2026],
            "line_code": ["a", "b", "a", "a"],
            "amount_dkk": [100.0, 250.0, 1000.0, 99999.0],
        }),
        "montecarlo_summary": pd.DataFrame({"statistic": ["mean", "P50", "P80"], "value_dkk": [1.0, 2.0, 3.5]}),
        "budget_followup": pd.DataFrame({
            "year": [2025, 2026, 2026],
            "line_code": ["a", "a", "b"],
            "budget_dkk": [7.0, 40.0, 60.0],
            "forecast_dkk": [8.0, 45.0, 70.0],
        }),
    }


def test_key_figures_sum_the_base_scenario_and_the_years_followup() -> None:
    figures = key_figures(_tables(), 2026)
    # Basis only: 100 + 250 + 1000; 2026 only: forecast 45 + 70, budget 40 + 60
    assert figures == KeyFigures(total_dkk=1350.0, p80_dkk=3.5, year=2026, forecast_dkk=115.0, budget_dkk=100.0)


def test_key_figures_leave_out_what_a_run_did_not_write() -> None:
    tables = {"cost_by_year": pd.DataFrame({"scenario": ["Basis"], "wrong": [1.0]})}
    assert key_figures(tables, 2026) == KeyFigures(year=2026)
    assert key_figures(_tables(), 2031).forecast_dkk is None


def test_the_page_escapes_every_text_and_links_each_run() -> None:
    row = RunRow(
        run_id="javascript:alert(1)", state="godkendt", started=WRITTEN, period="2. halvår <2026>",
        overrides=["summary.period=<script>x</script>"], only=["cost_model"], made_by="bent@rn.dk",
        approved_by="Anna (afdelingsleder) og Bent", released=True,
        figures=KeyFigures(1350.0, 3_500_000.4, 2026, 115.0, 100.0),
    )
    page = overview_html([row, RunRow("20260101-000000-a", "udkast")])
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "2. halvår &lt;2026&gt;" in page
    # a folder named like a URL scheme stays a relative link
    assert 'href="./javascript%3Aalert%281%29/index.html"' in page
    assert 'href="./javascript%3Aalert%281%29/steering/"' in page
    assert 'href="./20260101-000000-a/index.html"' in page and "20260101-000000-a/steering" not in page
    assert "<td>Anna (afdelingsleder) og Bent</td>" in page
    assert "29. november 2026 kl. 16.33" in page and "2 kørsler i mappen" in page
    assert "1 kørsel i mappen" in overview_html([row])
    assert "1.350 kr." in page and "3.500.000 kr." in page and "115 kr." in page and "100 kr." in page
    # newest first: the run ids sort by their start
    assert page.index("javascript%3A") < page.index("20260101-000000-a")
    # the table scrolls in its own box on a phone
    assert re.search(r"\.scroll \{ overflow-x: auto", page) and '<div class="scroll">' in page


def test_status_says_the_key_figures_in_the_pages_formats() -> None:
    figures = KeyFigures(total_dkk=386_708.4, p80_dkk=3_500_000.5, year=2026, forecast_dkk=1_115.0, budget_dkk=-0.3)
    # whole kroner with a dot between thousands, as on the page; -0,3 rounds to 0, never "-0"
    assert key_figures_line(figures) == (
        "nøgletal: i alt, basis 386.708 kr.; P80 inkl. risici 3.500.000 kr.; prognose 2026 1.115 kr. mod budget 0 kr.")
    assert key_figures_line(KeyFigures(total_dkk=99.5)) == "nøgletal: i alt, basis 100 kr."
    assert key_figures_line(KeyFigures(year=2026, budget_dkk=7.0)) == "nøgletal: budget 2026 7 kr."
    assert key_figures_line(KeyFigures(year=2026)) is None


def test_status_says_when_and_by_whom_a_run_was_started_in_danish_time() -> None:
    row = RunRow(run_id="r", state="udkast", started=WRITTEN, period="2. halvår 2026", only=["cost_model"],
                 made_by="bent", figures=KeyFigures(total_dkk=1350.0))
    # 15.33 UTC is 16.33 in Copenhagen, as the page says it ("29. november 2026 kl. 16.33")
    assert run_lines(row) == [
        "startet 29. nov. 2026 kl. 16.33 af bent; periode 2. halvår 2026; kun cost_model (--only)",
        "nøgletal: i alt, basis 1.350 kr.",
    ]
    summer = RunRow(run_id="r", state="udkast", started=datetime(2026, 6, 29, 15, 33, tzinfo=UTC))
    assert run_lines(summer) == ["startet 29. jun. 2026 kl. 17.33"]
    assert run_lines(RunRow(run_id="r", state="ulæselig")) == []


def _run_block(stdout: str, run: Path) -> list[str]:
    """The lines `status` printed for `run`: its own and the indented ones under it."""
    lines = stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"{run.name}  ")))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        block.append(line)
    return block


@pytest.mark.e2e
def test_status_shows_each_runs_key_figures_and_start_as_the_overview_page_does(
    approved_project: ApprovalProject, tmp_path: Path
) -> None:
    project = copy_project(approved_project, tmp_path / "project")
    done = run_in_process("status", cwd=project.root)
    assert done.returncode == 0, done.stderr
    page = (project.root / "reports" / "index.html").read_text(encoding="utf-8")
    months = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
    long_months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
                   "november", "december"]
    for run in project.runs():
        row = next(r for r in page.split("<tr>") if f'href="./{run.name}/index.html"' in r)
        total, p80, forecast, budget = re.findall(r'<td class="num">(.*?)</td>', row, re.DOTALL)
        amount, year = re.fullmatch(r"(.* kr\.)\n\((\d{4})\)", forecast).groups()  # type: ignore[union-attr]
        # the page's figures are the run's own: its base scenario's total over the years
        assert total == f"{round(_base_total(run)):,} kr.".replace(",", ".")
        block = _run_block(done.stdout, run)
        said = f"nøgletal: i alt, basis {total}; P80 inkl. risici {p80}; prognose {year} {amount} mod budget {budget}"
        assert f"    {said}" in block, block
        # started at the same Copenhagen time as the page says
        started = datetime.fromisoformat(json.loads((run / "manifest.json").read_text(encoding="utf-8"))["started"])
        local = started.astimezone(COPENHAGEN)
        assert f"{local.day}. {long_months[local.month - 1]} {local.year} kl. {local:%H.%M}" in row
        short = f"{local.day}. {months[local.month - 1]} {local.year} kl. {local:%H.%M}"
        assert block[1].startswith(f"    startet {short} af "), block


def _base_total(run: Path) -> float:
    with (run / "data" / "cost_by_year.csv").open(encoding="utf-8") as file:
        return sum(float(row["amount_dkk"]) for row in csv.DictReader(file) if row["scenario"] == "Basis")


@pytest.mark.e2e
def test_status_writes_the_overview_of_a_released_project(
    released_project: ApprovalProject, tmp_path: Path
) -> None:
    project = copy_project(released_project, tmp_path / "project")
    overview = project.root / "reports" / "index.html"
    overview.unlink(missing_ok=True)
    done = run_in_process("status", cwd=project.root)
    assert done.returncode == 0, done.stderr
    page = overview.read_text(encoding="utf-8")
    first, second = project.runs()
    rows = page.split("<tr>")
    row_first = next(r for r in rows if f'href="./{first.name}/index.html"' in r)
    row_second = next(r for r in rows if f'href="./{second.name}/index.html"' in r)
    assert "<td>frigivet</td>" in row_first and f'href="./{first.name}/steering/"' in row_first
    assert "Anna (afdelingsleder)" in row_first
    # nobody signed the run (no --key): its login name, never a "signeret" maker
    run_by = json.loads((first / "manifest.json").read_text(encoding="utf-8"))["run_by"]
    assert f"<td>{run_by}</td>" in row_first and "signeret" not in row_first
    assert "<td>udkast</td>" in row_second and "steering/" not in row_second
    total = f"{round(_base_total(first)):,} kr.".replace(",", ".")
    assert total in row_first


@pytest.mark.e2e
def test_approve_goes_on_when_the_overview_cannot_be_written(
    approval_project: ApprovalProject, tmp_path: Path
) -> None:
    project = copy_project(approval_project, tmp_path / "project")
    blocked = project.root / "reports" / "index.html"
    shutil.rmtree(blocked, ignore_errors=True)
    blocked.unlink(missing_ok=True)
    blocked.mkdir()  # a folder where the page goes: it cannot be replaced
    done = approve_cli(project, project.runs()[0], "anna")
    assert done.returncode == 0, done.stderr
    assert "Godkendt: " in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("Oversigten ")]
    assert lines == ["Oversigten reports/index.html blev ikke skrevet: det er en mappe, ikke en fil"]


def test_recorded_times_are_shown_in_danish_time() -> None:
    from kpro_econ.report.times import danish_recorded_time

    assert danish_recorded_time("2026-11-29T15:33:00+00:00") == "29. nov. 2026 kl. 16.33"
    assert danish_recorded_time("2026-06-29T15:33:00+00:00") == "29. jun. 2026 kl. 17.33"  # summer time
    assert danish_recorded_time("i går") == "i går"  # a hand-written ledger line, shown as it is


@pytest.mark.e2e
def test_status_shows_approval_and_release_in_danish_time(released_project: ApprovalProject) -> None:
    from kpro_econ.records.run_records import read_approval

    done = run_in_process("status", cwd=released_project.root)
    assert done.returncode == 0, done.stderr
    run = released_project.runs()[0]
    approvals = read_approval(run)
    assert approvals is not None and approvals.release is not None
    approved = datetime.fromisoformat(approvals.approvals[0].approved_at).astimezone(COPENHAGEN)
    released = datetime.fromisoformat(approvals.release.released_at).astimezone(COPENHAGEN)
    months = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
    def shown(moment: datetime) -> str:
        return f"{moment.day}. {months[moment.month - 1]} {moment.year} kl. {moment:%H.%M}"
    assert f"<anna@rn.dk> {shown(approved)}: signatur ok" in done.stdout
    assert f"frigivet {shown(released)}: pakken er uændret" in done.stdout
    assert "+00:00" not in done.stdout


@pytest.mark.e2e
def test_run_writes_the_overview(approval_project: ApprovalProject) -> None:
    page = (approval_project.root / "reports" / "index.html").read_text(encoding="utf-8")
    first, second = approval_project.runs()
    # the two runs started together: the second to finish lists both
    for run in (first, second):
        row = next(r for r in page.split("<tr>") if f'href="./{run.name}/index.html"' in r)
        assert "<td>udkast</td>" in row
