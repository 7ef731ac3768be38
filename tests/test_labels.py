"""Danish labels looked up from codes: every code has one, and the run's tables carry both."""

from __future__ import annotations

import pandas as pd

from kpro_econ.params.codes import ChangeRequestStatus, CostKind, CostLineCode, RiskStatus, RunState
from kpro_econ.report import labels


def test_every_code_has_a_danish_label() -> None:
    assert set(labels.COST_LINE_LABELS) == set(CostLineCode)
    assert set(labels.COST_KIND_LABELS) == set(CostKind)
    assert set(labels.CHANGE_REQUEST_STATUS_LABELS) == set(ChangeRequestStatus)
    assert set(labels.RISK_STATUS_LABELS) == set(RiskStatus)
    assert set(labels.RUN_STATE_LABELS) == set(RunState)


def test_labels_are_found_from_the_plain_text_a_table_holds() -> None:
    assert pd.Series(["risk_pool", "fut_fee"]).map(labels.COST_LINE_LABELS).tolist() == [
        "Risikopulje", "Tilslutningsafgift til FUT"]
    assert pd.Series(["occurred"]).map(labels.RISK_STATUS_LABELS).tolist() == ["Indtruffet"]


def test_a_cost_table_gets_the_line_name_beside_its_code() -> None:
    costs = pd.DataFrame({"scenario": ["Basis", "Basis"], "year": [2025, 2025],
                          "line_code": ["support", "cr_pipeline"], "kind": ["drift", "engangs"],
                          "amount_dkk": [1.0, 2.0]})
    labelled = labels.with_cost_line_labels(costs)
    assert list(labelled.columns) == ["scenario", "year", "line_code", "line", "kind", "amount_dkk"]
    assert labelled["line"].tolist() == ["Supportaftale", "ÆØ, pipeline (forventet)"]
    assert list(costs.columns) == ["scenario", "year", "line_code", "kind", "amount_dkk"], "input unchanged"
    other = pd.DataFrame({"x": [1]})
    assert labels.with_cost_line_labels(other) is other


def test_the_cost_table_names_lines_and_kinds_in_danish() -> None:
    from types import SimpleNamespace

    from kpro_econ.report.cost_tables import cost_table

    costs = pd.DataFrame({"year": [2025, 2026, 2025], "line_code": ["support", "support", "risk_pool"],
                          "kind": ["drift", "drift", "engangs"], "amount_dkk": [100.0, 200.0, 50.0]})
    frame = cost_table(SimpleNamespace(costs=costs)).data  # type: ignore[arg-type]
    assert frame["Udgiftslinje"].tolist() == ["Supportaftale", "Risikopulje", "I alt"]
    assert frame["Art"].tolist() == ["Drift", "Engangs", ""]
    assert frame["I alt"].tolist() == [300.0, 50.0, 350.0]  # 100 + 200; 50; both
