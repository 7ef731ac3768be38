"""`kpro-econ compare`: two runs' tables side by side."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import ApprovalProject, copy_project, run_in_process

from kpro_econ.report.run_compare import compare_html, cost_changes, risk_changes, scenario_changes

WRITTEN = datetime(2026, 11, 29, 15, 33, tzinfo=UTC)


def _costs(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["scenario", "line", "year", "amount_dkk"])


def _risks(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "title", "score_residual", "expected_value_dkk"])


def test_costs_per_line_and_year_of_the_base_scenario() -> None:
    a = {"cost_by_year": _costs([("Basis", "Support", 2026, 1000.0), ("Basis", "Support", 2027, 500.0),
                                 ("Høj", "Support", 2026, 9.0)])}
    b = {"cost_by_year": _costs([("Basis", "Support", 2026, 1250.4), ("Basis", "FUT", 2026, 80.0)])}
    section = cost_changes(a, b)
    # FUT only in B; Support 2027 only in A; Support 2026: 1.250 - 1.000 = +250
    assert [list(r) for r in section.rows] == [
        ["FUT", "2026", "", "80 kr.", ""],
        ["Support", "2026", "1.000 kr.", "1.250 kr.", "+250 kr."],
        ["Support", "2027", "500 kr.", "", ""],
    ]


def test_scenarios_side_by_side() -> None:
    a = {"scenario_comparison": pd.DataFrame({"scenario": ["Basis"], "total_dkk": [2000.0], "p80_dkk": [2600.0]})}
    b = {"scenario_comparison": pd.DataFrame({"scenario": ["Basis", "Høj"], "total_dkk": [1500.0, 3000.0],
                                              "p80_dkk": [2600.0, 3900.0]})}
    rows = [list(r) for r in scenario_changes(a, b).rows]
    assert rows == [
        ["Basis", "I alt", "2.000 kr.", "1.500 kr.", "-500 kr."],
        ["Basis", "P80", "2.600 kr.", "2.600 kr.", "0 kr."],
        ["Høj", "I alt", "", "3.000 kr.", ""],
        ["Høj", "P80", "", "3.900 kr.", ""],
    ]


def test_risks_added_removed_and_changed_only() -> None:
    a = {"risk_register": _risks([("R01", "Forsinkelse", 9, 1000.0), ("R02", "Gammel", 4, 200.0),
                                  ("R03", "Uændret", 6, 300.0)])}
    b = {"risk_register": _risks([("R01", "Forsinkelse", 12, 1500.0), ("R03", "Uændret", 6, 300.2),
                                  ("R04", "Ny <risiko>", 16, 50.0)])}
    rows = [list(r) for r in risk_changes(a, b).rows]
    assert rows == [
        ["R01", "Forsinkelse", "ændret", "9", "12", "1.000 kr.", "1.500 kr.", "+500 kr."],
        ["R02", "Gammel", "fjernet", "4", "", "200 kr.", "", ""],
        ["R04", "Ny <risiko>", "tilføjet", "", "16", "", "50 kr.", ""],
    ]
    page = compare_html("a", "b<i>", a, b, WRITTEN)
    assert "Ny &lt;risiko&gt;" in page and "b&lt;i&gt;" in page and "<risiko>" not in page
    # a table neither run has is named, not a crash
    assert "cost_by_year.csv mangler" in page and '<div class="scroll">' in page


@pytest.mark.e2e
def test_compare_cli_writes_the_page_beside_run_b(approved_project: ApprovalProject, tmp_path: Path) -> None:
    project = copy_project(approved_project, tmp_path / "project")
    first, second = project.runs()
    a, b = (str(run.relative_to(project.root)) for run in (first, second))
    done = run_in_process("compare", a, b, cwd=project.root)
    assert done.returncode == 0, done.stderr
    page = project.root / "reports" / f"compare-{first.name}-{second.name}.html"
    assert done.stdout.strip() == f"Sammenligningen er klar: {page.relative_to(project.root)}"
    text = page.read_text(encoding="utf-8")
    for heading in ("Udgifter pr. linje og år (basis)", "Scenarier", "Risikoregistret"):
        assert f"<h2>{heading}</h2>" in text
    # the same params twice: every cost difference is nought and no risk changed
    assert "Ingen ændringer i risikoregistret." in text and "+" not in text.split("<h2>Scenarier")[0]

    shutil.rmtree(second / "data")
    missing = run_in_process("compare", a, b, "--out", "x.html", cwd=project.root)
    assert missing.returncode == 1 and missing.stderr.strip() == (
        f"{b}/data: mangler; kørslen har ingen tabeller at sammenligne")
    nothing = run_in_process("compare", a, "reports/findes-ikke", cwd=project.root)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == "reports/findes-ikke: ingen kørselsmappe (manifest.json mangler)"
    assert not (project.root / "x.html").exists()
