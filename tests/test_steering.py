"""The steering summary's figures and texts, from small hand-made run tables."""

from __future__ import annotations

import pandas as pd
import pytest
from model_helpers import small_params

from kpro_econ.inputs.run_records import Approval, RunApprovals
from kpro_econ.params.codes import Headline
from kpro_econ.report import steering


def tables() -> dict[str, pd.DataFrame]:
    costs = pd.DataFrame(
        [("Basis", 2025, "support", "drift", 100.0), ("Basis", 2026, "support", "drift", 200.0),
         ("Basis", 2025, "risk_pool", "engangs", 50.0), ("Andet", 2025, "support", "drift", 999.0)],
        columns=["scenario", "year", "line_code", "kind", "amount_dkk"],
    )
    register = pd.DataFrame({
        "id": ["R1", "R2", "R3"], "title": ["Bølge 5", "Support", "Gammel"], "owner": ["Program", "SF", "SF"],
        "status": ["open", "open", "closed"], "band_residual": ["høj", "lav", "lav"],
        "expected_value_dkk": [30.0, 20.0, 0.0], "trend": ["↑", None, "lukket"], "score_residual": [12, 4, 2],
    })
    return {
        "cost_by_year": costs,
        "scenario_comparison": pd.DataFrame({"scenario": ["Basis", "Andet"], "npv_dkk": [333.0, 999.0]}),
        "risk_pool": pd.DataFrame({"id": ["R1", "R2"], "title": ["Bølge 5", "Support"],
                                   "expected_value_dkk": [30.0, 20.0]}),
        "montecarlo_summary": pd.DataFrame({"statistic": ["P80", "base", "contingency"],
                                            "value_dkk": [380.0, 300.0, 80.0]}),
        "risk_register": register,
    }


def test_headline_values_are_the_base_scenarios():
    headlines = steering.headline_values(tables(), small_params())
    # small_params: years 2025–2026 at 2025 prices, so "this year" is 2025: 100 + 50
    assert headlines.values == {
        Headline.COSTS_IN_YEAR: 150.0,
        Headline.COSTS_TOTAL: 350.0,
        Headline.NET_PRESENT_VALUE: 333.0,
        Headline.RISK_POOL: 50.0,
        Headline.RESERVE: 80.0,
    }
    assert list(headlines.labels.values()) == [
        "Udgifter 2025", "Udgifter i alt 2025–2026", "Nutidsværdi 2025–2026", "Risikopulje", "Reserve (P80 over basis)",
    ]


def _headlines(costs: float, pool: float) -> steering.Headlines:
    labels = {Headline.COSTS_IN_YEAR: "Udgifter 2025", Headline.RISK_POOL: "Risikopulje"}
    return steering.Headlines({Headline.COSTS_IN_YEAR: costs, Headline.RISK_POOL: pool}, labels)


def test_headline_table_shows_the_change_since_the_last_approved_run():
    values = _headlines(150.0, 50.0)
    table = steering.headline_table(values, _headlines(100.0, 50.0))
    assert table["Nøgletal"].tolist() == ["Udgifter 2025", "Risikopulje"]
    assert table[steering.CHANGE].tolist() == [50.0, 0.0]
    assert steering.CHANGE not in steering.headline_table(values, None).columns
    # the styled table of a first run (nothing approved before) renders, amounts formatted
    assert "150 kr." in steering.headline_styled(values, None).to_html()
    assert "+50 kr." in steering.headline_styled(values, _headlines(100.0, 50.0)).to_html()


def test_top_risks_are_open_by_expected_value():
    top = steering.top_risks(tables(), n=5)
    assert top["Id"].tolist() == ["R1", "R2"]
    assert top["Forventet værdi"].tolist() == ["30 kr.", "20 kr."]
    assert top["Udvikling"].tolist() == ["↑", ""]


def test_risk_changes_name_new_closed_moved_and_removed_risks():
    current = tables()["risk_register"]
    previous = pd.DataFrame({
        "id": ["R1", "R3", "R9"], "title": ["Bølge 5", "Gammel", "Fjernet"],
        "status": ["open", "open", "open"], "score_residual": [9, 2, 6],
    })
    changes = steering.risk_changes(current, previous)
    assert changes.values.tolist() == [
        ["R1", "Bølge 5", "score 9 → 12"],
        ["R2", "Support", "ny"],
        ["R3", "Gammel", "lukket"],
        ["R9", "Fjernet", "fjernet fra registret"],
    ]
    assert steering.risk_changes(current, None).empty


def _approval(name: str, role: str | None, signature: str | None) -> Approval:
    return Approval(run_id="r", manifest_sha256="0" * 64, code_fingerprint="1" * 64, identity=f"{name}@x",
                    name=name, role=role, approved_at="2026-11-25T10:00:00+00:00", signature=signature)


def test_the_approval_stamp_or_the_draft_mark():
    assert steering.DRAFT_MARK in steering.approval_stamp(None).data
    helen = _approval("<b>Helen</b>", "Kontorchef", "SIG")
    stamp = steering.approval_stamp(RunApprovals(run_id="r", required=1, approvals=[helen])).data
    assert "&lt;b&gt;Helen&lt;/b&gt;, Kontorchef" in stamp and steering.DRAFT_MARK not in stamp
    assert "usigneret" not in stamp
    # Four eyes: one of two approvals is still a draft; both are named once both have approved.
    half = RunApprovals(run_id="r", required=2, approvals=[helen])
    assert steering.DRAFT_MARK in steering.approval_stamp(half).data
    both = RunApprovals(run_id="r", required=2, approvals=[helen, _approval("Bent", None, None)])
    stamp = steering.approval_stamp(both).data
    assert "Kontorchef og Bent (usigneret)" in stamp and steering.DRAFT_MARK not in stamp


def test_sentences_are_written_from_the_numbers():
    values = steering.headline_values(tables(), small_params())
    previous = steering.Headlines({**values.values, Headline.COSTS_TOTAL: 300.0}, values.labels)
    sentences = steering.generated_sentences(values, previous, tables(), small_params())
    assert sentences[0] == "De samlede udgifter til Kommunal PRO i 2025–2026 er opgjort til 350 kr. i 2025-priser."
    assert "Risikopuljen udgør 50 kr. fordelt på 2 risici; den største er Bølge 5 (R1)." in sentences
    assert sentences[-1] == "De samlede udgifter er steget med 50 kr. siden sidst godkendte rapport."


@pytest.mark.parametrize(("amount", "text"), [(0.4, "uændret"), (1234.0, "+1.234 kr."), (-50.0, "−50 kr.")])
def test_signed_changes(amount, text):
    assert steering._signed_kr(amount) == text
