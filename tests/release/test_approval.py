"""Approval and release through the real command line, on real runs in a project of their own.

Two runs of the same params are started at the same moment (that is one of the things tested);
every other test works on a copy of that project, so tampering never touches the repository.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import ApprovalProject, approve_cli, copy_project, run_in_process

from kpro_econ.records.run_records import Approval, RunApprovals, manifest_sha256, write_approval

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(approval_project: ApprovalProject) -> Path:
    return approval_project.root


def runs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "reports").iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture
def copied(approved_project: ApprovalProject, tmp_path: Path) -> ApprovalProject:
    """A copy of the project whose first run Anna has approved; tests may change anything in it."""
    return copy_project(approved_project, tmp_path / "project")


@pytest.fixture
def copy(copied: ApprovalProject) -> Path:
    return copied.root


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


def test_approval_is_signed_into_the_ledger_and_status_names_the_signer(copied: ApprovalProject):
    run = copied.runs()[0]
    text = (copied.root / "reports" / "approvals.jsonl").read_text(encoding="utf-8")
    ledger = [json.loads(line) for line in text.splitlines()]
    assert len(ledger) == 2 and ledger[0]["prev"] == "0" * 64
    genesis = ledger[0]["record"]  # the first approval recorded the allowed signers file it rests on
    signers = (copied.root / "params" / "approvers").read_bytes()
    assert (genesis["kind"], genesis["path"], genesis["identity"]) == ("signers", "params/approvers", "anna@rn.dk")
    assert genesis["sha256"] == hashlib.sha256(signers).hexdigest() and genesis["content"] == signers.decode()
    assert genesis["rules"]["required"] == 1 and sorted(genesis["rules"]["roles"]) == ["anna@rn.dk", "bent@rn.dk"]
    record = ledger[1]["record"]
    assert (record["identity"], record["name"], record["role"]) == ("anna@rn.dk", "Anna", "afdelingsleder")
    assert record["manifest_sha256"] == hashlib.sha256((run / "manifest.json").read_bytes()).hexdigest()
    assert record["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    copy_of = json.loads((run / "approval.json").read_text(encoding="utf-8"))
    assert copy_of["approvals"][0]["signature"] == record["signature"]
    status = json.loads((run / "approval-status.json").read_text(encoding="utf-8"))
    assert (status["state"], status["label"], status["unsigned"]) == ("approved", "godkendt", False)
    lines = run_in_process("status", "--out", "reports", cwd=copied.root).stdout.splitlines()
    assert lines[0] == f"{run.name}  godkendt"
    assert lines[1].startswith("    startet ") and lines[2].startswith("    nøgletal: i alt, basis ")
    assert "godkendt af Anna (afdelingsleder) <anna@rn.dk>" in lines[3] and lines[3].endswith("signatur ok")
    assert lines[4].strip() == "filer: uændrede siden godkendelsen"
    assert lines[5] == f"{copied.runs()[1].name}  udkast"


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
    if name == "RUN/manifest.json":  # one digit of a recorded hash: still valid JSON, another manifest
        text = path.read_text(encoding="utf-8")
        at = re.search(r'"[0-9a-f]{64}"', text)
        assert at is not None
        digit = "1" if text[at.start() + 1] == "0" else "0"
        path.write_text(text[:at.start() + 1] + digit + text[at.start() + 2:], encoding="utf-8")
    elif change == "ændret":
        change_one_byte(path)
    elif change == "tilføjet":
        path.write_text("x\n", encoding="utf-8")
    else:
        path.unlink()
    expected = f"{name.replace('RUN', run.name)}: {change}"
    done = run_in_process("release", str(run), cwd=copy)
    assert done.returncode != 0
    assert expected in done.stderr
    assert not (run / "steering").exists()
    status = run_in_process("status", str(run), cwd=copy).stdout
    assert status.splitlines()[0].endswith("ændret efter godkendelse") and f"afviger: {expected}" in status


def test_an_unreadable_manifest_is_named_and_the_other_runs_still_listed(copy: Path):
    approved, other = runs(copy)
    text = (approved / "manifest.json").read_text(encoding="utf-8")
    (approved / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    done = run_in_process("release", str(approved), cwd=copy)
    assert done.returncode == 1 and "manifest.json: ikke gyldig JSON" in done.stderr
    lines = run_in_process("status", "--out", "reports", cwd=copy).stdout.splitlines()
    assert lines[0] == f"{approved.name}  ulæselig"
    assert f"{other.name}  udkast" in lines


def test_approval_is_refused_twice_and_for_a_changed_run(copied: ApprovalProject):
    approved, other = copied.runs()
    again = approve_cli(copied, approved, "anna")
    assert again.returncode == 1 and "allerede godkendt af Anna" in again.stderr
    bent = approve_cli(copied, approved, "bent")  # one approval is all these params require
    assert bent.returncode == 1 and "allerede godkendt af Anna (afdelingsleder)" in bent.stderr
    change_one_byte(other / "cost_model.html")
    changed = approve_cli(copied, other, "bent")
    assert changed.returncode == 1 and "cost_model.html: ændret" in changed.stderr
    assert not (other / "approval.json").exists()
    assert len((copied.root / "reports" / "approvals.jsonl").read_text("utf-8").splitlines()) == 2


def test_who_may_approve_and_how(copied: ApprovalProject):
    run = copied.runs()[1]
    carl = approve_cli(copied, run, "carl")  # his key is not in the allowed signers, nor he in the roles
    assert carl.returncode == 1 and "carl@rn.dk er ikke godkender i params" in carl.stderr
    as_anna = run_in_process("approve", str(run), "--key", str(copied.keys["carl"]), "--as", "anna@rn.dk",
                             cwd=copied.root)  # Carl's key, Anna's name: one Danish line saying what to do
    assert as_anna.returncode == 1 and len(as_anna.stderr.splitlines()) == 1
    assert as_anna.stderr.startswith("params/approvers: anna@rn.dk kan ikke godkende med nøglen ")
    assert "nøglen står ikke for anna@rn.dk i filen med godkendere" in as_anna.stderr
    assert "registrerer ændringen med kpro-econ approvers add. Lav derefter en ny kørsel" in as_anna.stderr
    assert "Could not verify" not in as_anna.stderr
    unsigned = run_in_process("approve", str(run), "--as", "bent@rn.dk", cwd=copied.root)
    assert unsigned.returncode == 1 and "--key: mangler" in unsigned.stderr
    wrong_role = approve_cli(copied, run, "bent", "--role", "direktør")
    assert wrong_role.returncode == 1 and "godkender som controller" in wrong_role.stderr
    assert run_in_process("status", str(run), cwd=copied.root).stdout.splitlines()[0].endswith("udkast")


def test_a_failed_run_cannot_be_approved(copy: Path):
    failed = copy / "reports" / "20260101-000000-default"
    failed.mkdir()
    (failed / "manifest.json").write_text(json.dumps({"status": "failed", "outputs": {}}), encoding="utf-8")
    done = run_in_process("approve", str(failed), "--as", "anna@rn.dk", cwd=copy)
    assert done.returncode != 0 and "fejlede" in done.stderr
    assert run_in_process("status", str(failed), cwd=copy).stdout.strip().endswith("fejlet")


def test_a_later_run_shows_the_trend_and_what_changed_since_the_approved_run(copy: Path):
    approved, draft = runs(copy)
    # A hand-written approval.json makes the newer draft look approved to anyone who trusts the copy.
    forged = Approval(run_id=draft.name, manifest_sha256=manifest_sha256(draft), code_fingerprint="x",
                      identity="anna@rn.dk", name="Anna", approved_at="2026-11-29T10:00:00+00:00")
    write_approval(draft, RunApprovals(run_id=draft.name, required=1, approvals=[forged]))
    register = pd.read_csv(copy / "data" / "risk_register.csv", dtype=str, keep_default_na=False)
    at = register["id"] == "R04"
    assert register.loc[at, ["likelihood_residual", "impact_residual"]].values.tolist() == [["4", "2"]]
    register.loc[at, "likelihood_residual"] = "5"  # residual score 4 × 2 = 8 → 5 × 2 = 10
    register.to_csv(copy / "data" / "risk_register.csv", index=False)
    done = run_in_process("run", "params/default.yaml", "--only", "steering_summary", cwd=copy)
    assert done.returncode == 0, done.stderr
    latest = runs(copy)[-1]
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["compared_to"] == approved.name  # the approved run, not the newer draft
    trend = pd.read_csv(latest / "data" / "risk_register.csv").set_index("id")["trend"]
    assert trend["R04"] == "up" and trend["R01"] == "same"  # codes in the CSV; the pages show ↑ and →
    summary = (latest / "steering_summary.html").read_text(encoding="utf-8")
    named = re.findall(r"senest godkendte kørsel ([\w-]+)", summary)  # the whole run id: not -2 after it
    assert named and set(named) == {approved.name}  # by the ledger, not the forged copy
    # named with the day it was started, in Danish time and the pages' date format
    started = datetime.fromisoformat(json.loads((approved / "manifest.json").read_text(encoding="utf-8"))["started"])
    day = started.astimezone(ZoneInfo("Europe/Copenhagen"))
    months = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
    assert f"senest godkendte kørsel {approved.name} ({day.day}. {months[day.month - 1]} {day.year})" in summary
    assert "score 8 → 10" in summary
