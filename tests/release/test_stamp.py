"""The pages' stamp follows the check of record: a run changed after approval says so on its pages.

On a copy of the approved project (the first run approved by Anna): `status`, and an `approve` that is
refused, rewrite `approval-status.js` when the run differs from its approval, and put it back when the
run is restored. What the browser shows of it is in `test_browser.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ApprovalProject, approve_cli, copy_project, run_in_process

pytestmark = pytest.mark.e2e


def _stamp(run: Path) -> dict[str, object]:
    text = (run / "approval-status.js").read_text(encoding="utf-8")
    match = re.search(r"^window\.kproPackStatus = (\{.*\});$", text, re.MULTILINE)
    assert match, text
    record: dict[str, object] = json.loads(match.group(1))
    return record


def test_status_and_a_refused_approval_restamp_a_changed_run(approved_project: ApprovalProject, tmp_path: Path):
    project = copy_project(approved_project, tmp_path / "project")
    run = project.runs()[0]
    assert _stamp(run)["state"] == "approved"
    page = run / "cost_model.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", "<p>Tilføjet efter godkendelsen</p></body>".encode()))

    refused = approve_cli(project, run, "bent")
    assert refused.returncode == 1 and "cost_model.html: ændret" in refused.stderr
    stamp = _stamp(run)
    assert stamp["state"] == "changed" and stamp["changed"] == ["cost_model.html"]
    assert stamp["text"] == "Ændret efter godkendelse – må ikke bruges"

    page.write_bytes(original)  # put back as approved: the check says so, and so do the pages
    status = run_in_process("status", str(run.relative_to(project.root)), cwd=project.root)
    assert status.stdout.splitlines()[0] == f"{run.name}  godkendt"
    stamp = _stamp(run)
    assert stamp["state"] == "approved" and "changed" not in stamp
    assert str(stamp["text"]).startswith("Godkendt internt af Anna (afdelingsleder) ")

    (run / "approval-status.js").write_text('window.kproPackStatus = {"state": "released", "text": "Frigivet"};\n',
                                            encoding="utf-8")
    run_in_process("status", cwd=project.root)  # every run in reports/, the stamp as the check finds it
    assert _stamp(run)["state"] == "approved"


def test_status_on_an_unchanged_draft_writes_nothing(approval_project: ApprovalProject, tmp_path: Path):
    project = copy_project(approval_project, tmp_path / "project")
    before = {p: p.stat().st_mtime_ns for p in (project.root / "reports").rglob("*")}
    status = run_in_process("status", cwd=project.root)
    runs = [line.split()[-1] for line in status.stdout.splitlines() if not line.startswith((" ", "reports"))]
    assert runs == ["udkast", "udkast"]
    assert {p: p.stat().st_mtime_ns for p in (project.root / "reports").rglob("*")} == before
