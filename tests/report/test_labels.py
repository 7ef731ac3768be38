"""Danish labels looked up from codes: every code has one, and the run's tables carry both."""

from __future__ import annotations

import pandas as pd

from kpro_econ.params.codes import (
    ChangeRequestStatus,
    CostKind,
    CostLineCode,
    FigureUnit,
    RiskStatus,
    RunState,
    Trend,
)
from kpro_econ.report import labels
from kpro_econ.tables import Table


def test_every_code_has_a_danish_label() -> None:
    assert set(labels.COST_LINE_LABELS) == set(CostLineCode)
    assert set(labels.COST_KIND_LABELS) == set(CostKind)
    assert set(labels.CHANGE_REQUEST_STATUS_LABELS) == set(ChangeRequestStatus)
    assert set(labels.RISK_STATUS_LABELS) == set(RiskStatus)
    assert set(labels.RUN_STATE_LABELS) == set(RunState)
    assert set(labels.TREND_LABELS) == set(Trend)
    assert set(labels.UNIT_LABELS) == set(FigureUnit)


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


def test_a_trend_read_back_from_a_csv_shows_as_an_arrow_or_a_word() -> None:
    assert pd.Series(["up", "down", "same", "new", "closed", None]).map(labels.TREND_LABELS).fillna("").tolist() == [
        "↑", "↓", "→", "ny", "lukket", ""]


def test_a_figure_is_named_by_the_nearest_labelled_path_with_its_year_after() -> None:
    assert labels.figure_label("price_index.2026") == ("Pris- og lønudvikling (PL) 2026", FigureUnit.SHARE)
    assert labels.figure_label("wave_routes.wave.fixed") == ("Bølge 5, fast programudgift", FigureUnit.DKK)
    assert labels.figure_label("something.new") == ("something.new", None)  # the path, never a guess


def test_inputs_are_named_by_their_figure_or_their_id_and_title() -> None:
    assert labels.input_label("risk.R07", "Udestående leverancer") == "Risiko R07: Udestående leverancer"
    assert labels.input_label("change_requests.CR-3", "Ny rapport") == "ÆØ CR-3: Ny rapport"
    assert labels.input_label("change_requests.ÆØ-12", "Eksport") == "ÆØ-12: Eksport"  # not "ÆØ ÆØ-12"
    assert labels.input_label("fees.solution", "") == "Vederlag for løsningen"


def test_each_table_gets_its_danish_names_as_the_csv_and_the_sheet_show_them() -> None:
    figures = pd.DataFrame({"scenario": ["Basis"] * 2, "parameter": ["fte.annual_cost", "discount_rate"],
                            "value": [780_000.0, 0.035], "source": [None, "Finansministeriet"]})
    shown = labels.labelled(Table.ASSUMPTIONS, figures)
    assert list(shown.columns) == ["scenario", "parameter", "label", "unit", "value", "source"]
    assert shown[["label", "unit", "source"]].values.tolist() == [
        ["Pris for ét årsværk", "kr.", "kilde mangler"], ["Diskonteringsrente (real)", "andel", "Finansministeriet"]]
    assert labels.labelled(Table.ASSUMPTIONS, shown) is shown  # once labelled, left as it is

    sensitivity = pd.DataFrame({"input": ["risk.R02", "fte.annual_cost"], "title": ["Bølge 5", ""],
                                "swing_dkk": [2.0, 1.0]})
    named = labels.labelled(Table.SENSITIVITY, sensitivity)
    assert list(named.columns) == ["input", "label", "swing_dkk"]
    assert named["label"].tolist() == ["Risiko R02: Bølge 5", "Pris for ét årsværk"]

    fee = pd.DataFrame({"basis": ["fte", "citizens"], "label": [None, "Aktive borgere"]})
    assert labels.labelled(Table.FUT_FEE_COMPARISON, fee)["label"].tolist() == [
        "Aftalt andel af et årsværk", "Aktive borgere"]


def test_headers_of_some_columns_of_a_declared_table():
    # A report shows a selection of a table's columns under the headers of their declaration.
    assert labels.headers(Table.FUT_FEE_COMPARISON, ["label", "telma_share"]) == {
        "label": "Fordelingsnøgle", "telma_share": "Telma, andel"}
    assert labels.headers(Table.SCENARIO_COMPARISON, ["scenario", "2026", "p80_dkk"]) == {
        "scenario": "Scenarie", "2026": "2026", "p80_dkk": "P80"}
