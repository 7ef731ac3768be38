"""`kpro-econ run params/default.yaml` through the real command line on the real notebooks."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import DEFAULT_PARAMS, REPO, CliRun, files_in, run_in_process
from openpyxl import load_workbook

from kpro_econ.inputs.load import load_inputs
from kpro_econ.records.history import RunArchive
from kpro_econ.records.run_records import read_manifest
from kpro_econ.report.labels import labelled
from kpro_econ.run import runfolder
from kpro_econ.workbook import compute_tables

pytestmark = pytest.mark.e2e

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def expected_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    # The default run writes to an empty folder: nothing earlier to compare the risks with, and no
    # approved run to serve as the budget.
    empty = tmp_path_factory.mktemp("no-reports")
    tables = compute_tables(load_inputs(REPO / DEFAULT_PARAMS, earlier=RunArchive(empty, previous_run="")))
    return {name: labelled(name, table) for name, table in tables.items()}


def _as_written_to_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it reads back from a CSV, so dtypes compare like for like."""
    return pd.read_csv(io.StringIO(runfolder.plain_table(table).to_csv(index=False)))


def test_run_exits_0_and_prints_where_index_html_is(default_run: CliRun, default_run_dir: Path) -> None:
    assert default_run.returncode == 0, default_run.stderr
    # Run from the project folder without --out: the path is relative to it, in the default reports/.
    assert default_run.stdout.strip().splitlines()[-1] == (
        f"Rapporterne er klar: {Path('reports', default_run_dir.name, 'index.html')}")
    assert (default_run_dir / "index.html").is_file()


def test_progress_is_reported_per_notebook(default_run: CliRun) -> None:
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert f"{notebook.stem} … færdig" in default_run.stderr


def test_run_folder_holds_exactly_index_reports_data_and_manifest(
    default_run_dir: Path, expected_tables: dict[str, pd.DataFrame]
) -> None:
    reports = {f"{nb.stem}.html" for nb in (REPO / "notebooks").glob("*.ipynb")}
    data = {f"data/{name}.csv" for name in expected_tables} | {"data/tables.xlsx"}
    assert files_in(default_run_dir) == {"index.html", "manifest.json", "approval-status.js"} | reports | data
    assert not list(default_run_dir.parent.glob(".tmp-*"))


def test_csv_figures_equal_a_fresh_computation(
    default_run_dir: Path, expected_tables: dict[str, pd.DataFrame]
) -> None:
    for name, table in expected_tables.items():
        written = pd.read_csv(default_run_dir / "data" / f"{name}.csv")
        pd.testing.assert_frame_equal(
            written, _as_written_to_csv(table), check_exact=False, rtol=TOLERANCE, atol=TOLERANCE, obj=name
        )


def test_cost_lines_are_written_by_code_with_their_danish_name(default_run_dir: Path) -> None:
    costs = pd.read_csv(default_run_dir / "data" / "cost_by_year.csv")
    assert list(costs.columns) == ["scenario", "year", "line_code", "line", "kind", "amount_dkk", "basis"]
    # as of 31 October 2026: 2024–2025 booked, 2026 booked and still to come, 2027–2028 estimated
    assert costs.groupby("year")["basis"].unique().map(list).to_dict() == {
        2024: ["booked"], 2025: ["booked"], 2026: ["forecast"], 2027: ["estimated"], 2028: ["estimated"]}
    names = dict(zip(costs["line_code"], costs["line"], strict=False))
    assert names["risk_pool"] == "Risikopulje" and names["fut_fee"] == "Tilslutningsafgift til FUT"


def test_xlsx_holds_the_same_tables_for_people(
    default_run_dir: Path, expected_tables: dict[str, pd.DataFrame]
) -> None:
    book = load_workbook(default_run_dir / "data" / "tables.xlsx")
    about = book["Om kørslen"]
    assert book.sheetnames[0] == "Om kørslen"
    facts = {row[0].value: row[1].value for row in about.iter_rows(min_row=2, max_row=7)}
    manifest = read_manifest(default_run_dir)
    assert manifest.params is not None
    assert facts["Kørsel"] == default_run_dir.name
    assert facts["SHA-256 af parameterfilen"] == manifest.params.sha256
    # The first sheet lists every other sheet with the CSV file that holds the same table (the costs:
    # one sheet per scenario).
    listed = [(row[0].value, row[1].value) for row in about.iter_rows(min_row=11) if row[0].value]
    assert [sheet for sheet, _ in listed] == book.sheetnames[1:]
    assert list(dict.fromkeys(csv for _, csv in listed)) == [f"{name}.csv" for name in expected_tables]
    for name, table in expected_tables.items():
        sheet = book[next(sheet for sheet, csv in listed if csv == f"{name}.csv")]
        if name != "cost_by_year":
            assert sheet.max_row == len(table) + 1, name
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], name
    costs = [book[sheet] for sheet, csv in listed if csv == "cost_by_year.csv"]
    assert len(costs) == expected_tables["cost_by_year"]["scenario"].nunique()
    totals = [sheet.cell(sheet.max_row, sheet.max_column).value for sheet in costs]  # each scenario's I alt
    assert sum(totals) == pytest.approx(expected_tables["cost_by_year"]["amount_dkk"].sum(), rel=TOLERANCE)


def test_manifest_hashes_match_the_files(default_run_dir: Path) -> None:
    manifest = read_manifest(default_run_dir)
    assert manifest.status == "ok"
    # Every file but the manifest and the pages' status file, which approve and release rewrite.
    assert set(manifest.outputs) == files_in(default_run_dir) - {"manifest.json", "approval-status.js"}
    for name, digest in manifest.outputs.items():
        assert hashlib.sha256((default_run_dir / name).read_bytes()).hexdigest() == digest, name
    # The run went into an empty reports folder: no earlier run whose register it compared with (and the
    # user's own runs in the checkout's reports/ must not count). Inputs are named from the project folder.
    project = default_run_dir.parents[1]
    inputs = load_inputs(project / DEFAULT_PARAMS)
    assert len(manifest.inputs) == len(inputs.files)
    for name, digest in manifest.inputs.items():
        assert hashlib.sha256((project / name).read_bytes()).hexdigest() == digest, name
    assert manifest.params is not None and manifest.params.path == DEFAULT_PARAMS.as_posix()
    assert manifest.seed == inputs.base.params.monte_carlo.seed


def test_sources_are_untouched_and_executed_copies_are_in_build(default_run_dir: Path) -> None:
    build = default_run_dir.parents[1] / "build" / default_run_dir.name
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert (build / notebook.name).is_file()
        assert '"output_type"' not in notebook.read_text(encoding="utf-8"), f"{notebook.name} has outputs"


def test_every_report_has_its_danish_title_and_the_draft_header(default_run_dir: Path) -> None:
    manifest = read_manifest(default_run_dir)
    index = (default_run_dir / "index.html").read_text(encoding="utf-8")
    for name, record in manifest.notebooks.items():
        html = (default_run_dir / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="da">' in html
        assert f"<title>{record.title}</title>" in html
        assert "Udkast – afventer intern godkendelse" in html
        assert f'href="{name}.html"' in index
        # The one script a page loads is the run's status, beside it (approve and release rewrite it).
        assert re.findall(r"<script[^>]*\bsrc=[^>]*>", html) == ['<script src="approval-status.js">']


def test_params_without_risk_and_kpi_sections_run_only_the_cost_report(tmp_path: Path) -> None:
    raw = yaml.safe_load((REPO / DEFAULT_PARAMS).read_text(encoding="utf-8"))
    for section in ("risk", "kpi", "monte_carlo"):  # the correlation group names risks
        raw.pop(section)
    raw["change_requests"]["register"] = str(REPO / "data" / "change_requests.csv")
    raw["allocation"]["municipalities"] = str(REPO / "data" / "municipalities.csv")
    raw["actuals"]["register"] = str(REPO / "data" / "actuals.csv")
    raw["approval"]["allowed_signers"] = str(REPO / "params" / "approvers")
    params = tmp_path / "kun_omkostninger.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = run_in_process("run", str(params), "--out", str(tmp_path / "reports"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Springer risk_register over: parametrene har ingen risk-sektion" in done.stderr
    [run_dir] = [p for p in (tmp_path / "reports").iterdir() if p.is_dir()]  # beside it the runs' overview
    assert sorted(p.name for p in run_dir.glob("*.html")) == ["cost_model.html", "index.html"]
    assert not (run_dir / "data" / "risk_register.csv").exists()


def test_the_steering_groups_questions_are_in_the_default_pack(default_run_dir: Path) -> None:
    summary = (default_run_dir / "steering_summary.html").read_text(encoding="utf-8")
    # a draft says so, and nowhere claims an approval
    assert "afventer intern godkendelse" in summary and "Rapporten er godkendt internt" not in summary
    # R02 has occurred (16 not ready, threshold 15) and is named as such, with its cost line; its year
    # 2024 is closed and the sample books hold nothing on the route, which the summary says
    plain = summary.replace("&lt;", "<").replace("&gt;", ">")
    assert "uden bogføring (det skete ikke, eller det er bogført på en anden linje): R02 Bølge 5 bliver nødvendig " \
           "(udløst: bølge 4 ikke klar ≥ tærsklen for bølge 5; bølge 5 eller bilateralt, 2024)" in plain
    # it opens with sagsfremstilling and indstilling; the route is not in the decision log, so it is a point
    # to decide, recommended, with its deadline passed; every risk was last reviewed 23 June 2023
    assert plain.index("Sagsfremstilling") < plain.index("Indstilling") < plain.index("Nøgletal")
    assert "<strong>Beslutning:</strong> Bølge 5 eller bilateralt (16 kommuner fra bølge 4 ikke klar): " \
           "indstillet bølge 5" in plain and "Frist 30. sep. 2023 (overskredet)" in plain
    assert "<strong>Drøftelse:</strong> 14 af 14 risici er ikke vurderet i 6 måneder" in plain
    assert "udtræk efter fristen 30. sep. 2023" in plain
    cost = (default_run_dir / "cost_model.html").read_text(encoding="utf-8")
    assert "Bølge 5 eller bilateralt (indstillet: bølge 5)" in cost and "Beslutningslog" in cost
    assert "Tiltag" in summary and "Økonomi" in summary
    kpi = (default_run_dir / "kpi_status.html").read_text(encoding="utf-8")
    assert "Hvad koster vejene" in kpi and "er en bølge 5 billigst" in kpi
    comparison = pd.read_csv(default_run_dir / "data" / "scenario_comparison.csv")
    assert comparison[["p50_dkk", "p80_dkk", "contingency_dkk"]].notna().all().all()
    assert len(comparison) == 3


def test_set_and_only_through_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    done = run_in_process("run", str(DEFAULT_PARAMS), "--out", str(out), "--only", "steering_summary",
                          "--set", "summary.period=1. halvår 2027", "--set", "fte.annual_cost=780000", cwd=REPO)
    assert done.returncode == 0, done.stderr
    [run_dir] = [p for p in out.iterdir() if p.is_dir()]  # beside it the runs' overview
    assert sorted(p.name for p in run_dir.glob("*.html")) == ["index.html", "steering_summary.html"]
    manifest = read_manifest(run_dir)
    assert manifest.overrides == ["summary.period=1. halvår 2027", "fte.annual_cost=780000"]
    assert "<code>fte.annual_cost=780000</code>" in (run_dir / "index.html").read_text(encoding="utf-8")
    # the summary reads the params with the run's overrides, and the tables are computed with them
    assert "1. halvår 2027" in (run_dir / "steering_summary.html").read_text(encoding="utf-8")
    costs = pd.read_csv(run_dir / "data" / "cost_by_year.csv").query("scenario == 'Basis'")
    fut = costs[(costs["line_code"] == "fut_fee") & (costs["year"] == 2027)]["amount_dkk"]
    # 780,000 in 2024 prices to 2026 prices: × 1.03 × 1.027 (2027 is estimated; 2024–2025 are booked)
    assert fut.iloc[0] == pytest.approx(780_000 * 1.03 * 1.027)

    # a partial run: marked in the manifest, on each of its pages and in status, and never approved
    assert (manifest.only, manifest.left_out) == (["steering_summary"], ["cost_model", "kpi_status", "risk_register"])
    for page in ("index.html", "steering_summary.html"):
        assert "Delvis kørsel (--only steering_summary): " in (run_dir / page).read_text(encoding="utf-8"), page
    status = run_in_process("status", str(run_dir), cwd=REPO).stdout.splitlines()
    assert status[0] == f"{run_dir.name}  udkast (delvis)"
    assert "    ændret ved kørslen (--set): summary.period=1. halvår 2027; fte.annual_cost=780000" in status
    refused = run_in_process("approve", str(run_dir), "--as", "anna@rn.dk", cwd=REPO)
    assert refused.returncode == 1 and "en delvis kørsel kan ikke godkendes" in refused.stderr
    # the steering summary's footer names the values --set changed
    summary = (run_dir / "steering_summary.html").read_text(encoding="utf-8")
    assert ("Beregnet med ændrede værdier (kpro-econ run --set): <code>summary.period=1. halvår 2027</code>; "
            "<code>fte.annual_cost=780000</code>") in summary
