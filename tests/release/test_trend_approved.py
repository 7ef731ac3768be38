"""The risk trend and the steering summary's "what changed" compare only with an approved run.

A real run in a copy of the approval project, whose two earlier runs are drafts nobody approved: the
trend must not compare with them (a draft may be a what-if run), and both pages say there is no
earlier approved run. The case with an approved run is in `test_approval.py`
(`test_a_later_run_shows_the_trend_and_what_changed_since_the_approved_run`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ApprovalProject, copy_project, run_in_process

pytestmark = pytest.mark.e2e


def test_with_only_drafts_before_it_a_run_has_no_trend_and_says_so(approval_project: ApprovalProject,
                                                                   tmp_path: Path):
    project = copy_project(approval_project, tmp_path / "project")
    drafts = project.runs()
    assert len(drafts) == 2 and not (project.root / "reports" / "approvals.jsonl").exists()
    done = run_in_process("run", "params/default.yaml", "--only", "risk_register", "--only", "steering_summary",
                          cwd=project.root)
    assert done.returncode == 0, done.stderr
    [latest] = [run for run in project.runs() if run not in drafts]
    assert json.loads((latest / "manifest.json").read_text(encoding="utf-8"))["compared_to"] is None
    trend = pd.read_csv(latest / "data" / "risk_register.csv", keep_default_na=False)["trend"]
    assert set(trend) == {""}  # no arrow, no "ny": nothing to compare with
    risk_page = (latest / "risk_register.html").read_text(encoding="utf-8")
    assert "ingen tidligere godkendt kørsel" in risk_page
    assert "Der er ingen tidligere godkendt kørsel at sammenligne med" in risk_page
    assert not any(draft.name in risk_page for draft in drafts)
    summary = (latest / "steering_summary.html").read_text(encoding="utf-8")
    assert "Ingen tidligere godkendt kørsel at sammenligne med." in summary
    assert ">Udvikling<" not in summary and "↑" not in summary and "↓" not in summary  # no trend column
    assert not any(draft.name in summary for draft in drafts)
