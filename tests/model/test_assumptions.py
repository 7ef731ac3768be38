"""The table of assumptions and sources (`model/assumptions.py`): every figure of the params, in their order,
with its value, spread, price year and source, on small hand-made params; and its Danish names and units as
the report adds them (`report.labels.with_figure_labels`)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from model_helpers import small_params

from kpro_econ.model.assumptions import ASSUMPTION_COLUMNS, assumptions, figures_in
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.report.labels import MISSING_SOURCE, with_figure_labels


def test_one_row_per_figure_in_the_order_of_the_params() -> None:
    table = assumptions(small_params())

    assert list(table.columns) == ASSUMPTION_COLUMNS
    # small_params, read from top to bottom: yearly figures get their year; months_active is not a figure
    assert table["parameter"].tolist() == [
        "price_index.2025", "price_index.2026", "discount_rate", "fte.annual_cost",
        "fut_fee.kommunal_pro_fte_share", "fut_fee.telma_fte_share", "support.base_price",
        "support.renegotiation.change", "support.spoc_option.monthly_price", "fees.solution",
        "fees.infrastructure.2025", "fees.infrastructure.2026", "administration.staff_fte",
    ]


def test_labels_are_danish_with_the_year_after_the_name_and_the_unit_beside() -> None:
    labelled = with_figure_labels(assumptions(small_params()))
    assert list(labelled.columns)[:3] == ["parameter", "label", "unit"]
    rows = labelled.set_index("parameter")

    assert tuple(rows.loc["price_index.2026", ["label", "unit"]]) == ("Pris- og lønudvikling (PL) 2026", "andel")
    assert tuple(rows.loc["fees.infrastructure.2025", ["label", "unit"]]) == (
        "Vederlag for infrastruktur og samarbejde 2025", "kr.")
    assert tuple(rows.loc["fte.annual_cost", ["label", "unit"]]) == ("Pris for ét årsværk", "kr.")
    assert tuple(rows.loc["administration.staff_fte", ["label", "unit"]]) == (
        "Systemforvaltning, egne årsværk", "årsværk")


def test_a_three_point_figure_has_its_pert_mean_and_its_three_points() -> None:
    rows = assumptions(small_params()).set_index("parameter")

    infrastructure = rows.loc["fees.infrastructure.2026"]
    assert infrastructure["value"] == pytest.approx((400_000 + 4 * 500_000 + 900_000) / 6)  # 550.000
    assert (infrastructure["low"], infrastructure["mode"], infrastructure["high"]) == (400_000, 500_000, 900_000)
    change = rows.loc["support.renegotiation.change"]
    assert change["value"] == pytest.approx((0.0 + 4 * 0.1 + 0.2) / 6)
    certain = rows.loc["fees.solution"]
    assert certain["value"] == 1_000_000
    assert all(math.isnan(certain[point]) for point in ("low", "mode", "high"))


def test_source_note_and_price_year_are_kept_and_a_missing_source_is_said() -> None:
    params = small_params(
        discount_rate={"value": 0.035, "source": "Finansministeriet", "note": "real rente"},
    )
    rows = assumptions(params).set_index("parameter")

    assert tuple(rows.loc["discount_rate", ["source", "note"]]) == ("Finansministeriet", "real rente")
    assert rows.loc["support.base_price", "price_year"] == 2024
    assert pd.isna(rows.loc["fte.annual_cost", "source"])  # the model says nothing; the report says so
    shown = with_figure_labels(assumptions(params)).set_index("parameter")
    assert shown.loc["fte.annual_cost", "source"] == MISSING_SOURCE == "kilde mangler"
    assert shown.loc["discount_rate", "source"] == "Finansministeriet"


def test_a_figure_for_every_year_has_the_path_of_its_field() -> None:
    params = small_params(fees={"solution": 1_000_000, "infrastructure": 500_000})  # not by year

    paths = [".".join(path) for path, _ in figures_in(params)]

    assert "fees.infrastructure" in paths
    assert not any(path.startswith("fees.infrastructure.") for path in paths)


def test_figures_in_yields_the_figures_themselves() -> None:
    found = dict(figures_in(small_params()))

    assert isinstance(found[("fees", "infrastructure", "2026")], ThreePoint)
    solution = found[("fees", "solution")]
    assert isinstance(solution, Amount) and solution.value == 1_000_000
