"""Danish formats shared by the reports, the pages and the command line."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpro_econ.records.run_records import Approval, ApproverStamp
from kpro_econ.report.dates import danish_month
from kpro_econ.report.formatting import approver_name, approver_names


def _approval(name: str, role: str | None) -> Approval:
    return Approval(run_id="r", manifest_sha256="0" * 64, code_fingerprint="1" * 64, identity=f"{name}@rn.dk",
                    name=name, role=role, approved_at="2026-11-25T10:00:00+00:00")


def test_an_approver_is_named_with_the_role_in_brackets() -> None:
    assert approver_name(_approval("Anna", "afdelingsleder")) == "Anna (afdelingsleder)"
    assert approver_name(_approval("Bent", None)) == "Bent"
    stamp = ApproverStamp(name="Carl", identity="carl@rn.dk", role="teamleder", approved_at="x", signed=True)
    assert approver_name(stamp) == "Carl (teamleder)"


def test_approvers_are_joined_with_og_in_their_order() -> None:
    approvals = [_approval("Anna", "afdelingsleder"), _approval("Bent", None), _approval("Carl", "teamleder")]
    assert approver_names(approvals) == "Anna (afdelingsleder) og Bent og Carl (teamleder)"
    assert approver_names(approvals[1:2]) == "Bent"
    assert approver_names([]) == ""


def test_a_month_is_said_in_danish_whole_or_short() -> None:
    assert danish_month(date(2025, 3, 1)) == "marts 2025"
    assert danish_month(pd.Timestamp("2026-10-31"), short=True) == "okt. 2026"
    assert danish_month(pd.Timestamp("2026-05-01"), short=True) == "maj 2026"
