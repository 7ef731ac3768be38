"""Approval and release through the real command line, on real runs in a project of their own.

Two runs of the same params are started at the same moment (that is one of the things tested; the
session's `project_runs`); every other test works on a copy of that project, so tampering never
touches the repository or the runs the other tests read.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import ProjectRuns, run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(project_runs: ProjectRuns) -> Path:
    """A project folder (params, data) with two runs of the same params started together (conftest)."""
    for run in project_runs.runs:
        assert run.returncode == 0, run.stderr
    return project_runs.root


def runs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "reports").iterdir() if p.is_dir())


@pytest.fixture
def copy(project: Path, tmp_path: Path) -> Path:
    """A copy of the project whose first run is approved; tests may change anything in it."""
    target = tmp_path / "project"
    shutil.copytree(project, target)
    done = run_cli("approve", str(runs(target)[0].relative_to(target)), "--by", "Helen Rasmussen",
                   "--role", "Kontorchef", cwd=target)
    assert done.returncode == 0, done.stderr
    return target


def test_two_runs_started_together_both_finish_in_their_own_folders(project: Path):
    first, second = runs(project)
    assert first.name != second.name
    for run in (first, second):
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "ok"
        assert (run / "index.html").is_file() and (run / "steering_summary.html").is_file()
    assert not [p for p in (project / "reports").iterdir() if p.name.startswith(".")]


# Run ids and the times of a run are the only things that may differ between two runs.
TIMES = re.compile(r"\d{8}-\d{6}-default(-\d+)?|\d{1,2}\. \w+\.? \d{4}( kl\.)? \d{2}\.\d{2}|\d{4}-\d{2}-\d{2}T[\d:+]+")


def test_the_same_params_give_the_same_pages(project: Path):
    first, second = runs(project)
    pages = sorted(p.name for p in first.glob("*.html"))
    assert pages == sorted(p.name for p in second.glob("*.html"))
    for page in pages:
        a = TIMES.sub("…", (first / page).read_text(encoding="utf-8"))
        b = TIMES.sub("…", (second / page).read_text(encoding="utf-8"))
        assert a == b, page
    for table in sorted((first / "data").glob("*.csv")):
        assert table.read_bytes() == (second / "data" / table.name).read_bytes(), table.name


def test_the_draft_summary_is_marked_as_draft(project: Path):
    page = (runs(project)[0] / "steering_summary.html").read_text(encoding="utf-8")
    assert "UDKAST – ikke godkendt" in page


def test_approve_then_release_makes_the_steering_pack(copy: Path):
    run = runs(copy)[0]
    approval = json.loads((run / "approval.json").read_text(encoding="utf-8"))
    assert approval["approved_by"] == "Helen Rasmussen" and approval["role"] == "Kontorchef"
    assert len(approval["manifest_sha256"]) == 64
    done = run_cli("release", str(run), cwd=copy)
    assert done.returncode == 0, done.stderr
    pack = run / "steering"
    pdf = pack / "Bilag - Risikorapport Kommunal PRO 2. halvår 2026.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    page = (pack / "Bilag - Risikorapport Kommunal PRO 2. halvår 2026.html").read_text(encoding="utf-8")
    assert "UDKAST" not in page
    assert "Godkendt internt i Digitalisering og IT" in page and "Helen Rasmussen" in page
    assert run_cli("status", "--out", "reports", cwd=copy).stdout.splitlines()[0].endswith("frigivet")


def change_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


# What is done to which file after approval; a path under RUN/ is in the run folder, any other in the project.
TAMPERING = {
    "report": ("RUN/risk_register.html", "ændret"),
    "front page": ("RUN/index.html", "ændret"),
    "table": ("RUN/data/risk_pool.csv", "ændret"),
    "excel": ("RUN/data/tables.xlsx", "ændret"),
    "manifest": ("RUN/manifest.json", "ændret"),
    "input file": ("data/risk_register.csv", "ændret"),
    "params": ("params/default.yaml", "ændret"),
    "added file": ("RUN/data/extra.csv", "tilføjet"),
    "removed file": ("RUN/kpi_status.html", "fjernet"),
    "removed input": ("data/adoption.csv", "fjernet"),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_any_change_after_approval_blocks_the_release_and_names_the_file(copy: Path, case: str):
    run = runs(copy)[0]
    name, change = TAMPERING[case]
    path = run / name.removeprefix("RUN/") if name.startswith("RUN/") else copy / name
    if change == "ændret":
        change_one_byte(path)
    elif change == "tilføjet":
        path.write_text("x\n", encoding="utf-8")
    else:
        path.unlink()
    expected = f"{name.replace('RUN', run.name)}: {change}"
    done = run_cli("release", str(run), cwd=copy)
    assert done.returncode != 0
    assert expected in done.stderr
    assert not (run / "steering").exists()
    assert run_cli("status", str(run), cwd=copy).stdout.strip().endswith("ændret efter godkendelse")


def test_approval_is_refused_twice_and_for_a_changed_run(copy: Path):
    approved, other = runs(copy)
    again = run_cli("approve", str(approved), "--by", "X", cwd=copy)
    assert again.returncode != 0 and "allerede godkendt" in again.stderr
    change_one_byte(other / "cost_model.html")
    changed = run_cli("approve", str(other), "--by", "X", cwd=copy)
    assert changed.returncode != 0 and "cost_model.html: ændret" in changed.stderr
    assert not (other / "approval.json").exists()


def test_a_failed_run_cannot_be_approved(copy: Path):
    failed = copy / "reports" / "20260101-000000-default"
    failed.mkdir()
    (failed / "manifest.json").write_text(json.dumps({"status": "failed", "outputs": {}}), encoding="utf-8")
    done = run_cli("approve", str(failed), "--by", "X", cwd=copy)
    assert done.returncode != 0 and "fejlede" in done.stderr
    assert run_cli("status", str(failed), cwd=copy).stdout.strip().endswith("fejlet")


def test_a_later_run_shows_the_trend_and_what_changed_since_the_approved_run(copy: Path):
    approved = runs(copy)[0]
    register = pd.read_csv(copy / "data" / "risk_register.csv", dtype=str, keep_default_na=False)
    at = register["id"] == "R04"
    assert register.loc[at, ["likelihood_residual", "impact_residual"]].values.tolist() == [["4", "2"]]
    register.loc[at, "likelihood_residual"] = "5"  # residual score 4 × 2 = 8 → 5 × 2 = 10
    register.to_csv(copy / "data" / "risk_register.csv", index=False)
    done = run_cli("run", "params/default.yaml", cwd=copy)
    assert done.returncode == 0, done.stderr
    latest = runs(copy)[-1]
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["compared_to"] == runs(copy)[-2].name
    trend = pd.read_csv(latest / "data" / "risk_register.csv").set_index("id")["trend"]
    assert trend["R04"] == "↑" and trend["R01"] == "→"
    summary = (latest / "steering_summary.html").read_text(encoding="utf-8")
    assert f"senest godkendte kørsel {approved.name}" in summary
    assert "score 8 → 10" in summary
