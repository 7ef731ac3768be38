import pandas as pd
import pytest
from model_helpers import cr, register, small_params

from kpro_econ.model import costs
from kpro_econ.model.fut_fee import fut_fee_comparison
from kpro_econ.params.codes import CostLineCode as Line

REGISTER = register(
    cr("A", "approved", 2025, 100, 200, 600),                       # PERT (100 + 800 + 600) / 6 = 250
    cr("B", "delivered", 2025, 1, 2, 3, actual_cost=300),           # the actual cost, 300
    cr("C", "delivered", 2026, 0, 60, 120),                         # no actual cost: PERT 60
    cr("D", "proposed", 2026, 100, 100, 100, approval_probability=0.5),  # 0.5 * 100 = 50
    cr("E", "rejected", 2025, 500, 500, 500),                       # nothing
    cr("F", "approved", 2030, 500, 500, 500),                       # outside the budget years
    cr("G", "in_progress", 2026, 30, 30, 30),                       # 30
)


def amounts(frame: pd.DataFrame, line: Line) -> dict[int, float]:
    rows = frame[frame["line_code"] == line]
    return dict(zip(rows["year"], rows["amount_dkk"], strict=True))


@pytest.fixture
def table() -> pd.DataFrame:
    return costs.cost_by_year(small_params(), REGISTER)


def test_fut_fee_is_one_full_time_position(table):
    assert amounts(table, Line.FUT_FEE) == {2025: pytest.approx(600_000), 2026: pytest.approx(600_000)}


def test_support_is_converted_to_the_price_level_then_renegotiated(table):
    # 400,000 in 2024 prices * 1.05 = 420,000; from 2026 times (1 + PERT(0, 0.1, 0.2) = 0.1) = 462,000
    assert amounts(table, Line.SUPPORT) == {2025: pytest.approx(420_000), 2026: pytest.approx(462_000)}


def test_spoc_option_is_monthly_price_times_active_months(table):
    assert amounts(table, Line.SPOC_OPTION) == {2025: pytest.approx(60_000), 2026: 0}


def test_change_requests_by_status(table):
    assert amounts(table, Line.CR_APPROVED) == {2025: pytest.approx(550), 2026: pytest.approx(90)}
    assert amounts(table, Line.CR_PIPELINE) == {2025: 0, 2026: pytest.approx(50)}


def test_fees_per_year_or_every_year(table):
    assert amounts(table, Line.SOLUTION_FEE) == {2025: pytest.approx(1_000_000), 2026: pytest.approx(1_000_000)}
    # 2026 is three-point: (400,000 + 2,000,000 + 900,000) / 6 = 550,000
    assert amounts(table, Line.INFRASTRUCTURE_FEE) == {2025: pytest.approx(500_000), 2026: pytest.approx(550_000)}


def test_own_administration_is_staff_times_fte_cost(table):
    assert amounts(table, Line.ADMINISTRATION) == {2025: pytest.approx(1_200_000), 2026: pytest.approx(1_200_000)}


def test_kinds(table):
    kinds = dict(zip(table["line_code"], table["kind"], strict=False))
    assert kinds[Line.CR_APPROVED] == kinds[Line.CR_PIPELINE] == "engangs"
    assert kinds[Line.SUPPORT] == kinds[Line.FUT_FEE] == "drift"


def test_totals_and_net_present_value(table):
    totals = costs.total_by_year(table)
    # 600,000 + 420,000 + 60,000 + 550 + 0 + 1,000,000 + 500,000 + 1,200,000
    assert totals[2025] == pytest.approx(3_780_550)
    # 600,000 + 462,000 + 0 + 90 + 50 + 1,000,000 + 550,000 + 1,200,000
    assert totals[2026] == pytest.approx(3_812_140)
    # 3,780,550 + 3,812,140 / 1.05
    assert costs.net_present_value(totals, 0.05) == pytest.approx(7_411_159.5238, abs=1e-3)


def test_the_table_names_lines_by_code_only(table):
    assert list(table.columns) == ["year", "line_code", "kind", "amount_dkk", "basis"]
    assert set(table["line_code"]) == {"fut_fee", "support", "spoc_option", "cr_approved", "cr_pipeline",
                                       "solution_fee", "infrastructure_fee", "administration"}
    assert set(table["kind"]) == {"drift", "engangs"}


def test_telma_is_compared_but_never_in_the_total(table):
    assert not any("telma" in code for code in table["line_code"])
    fee = fut_fee_comparison(small_params()).set_index("basis")
    assert fee.loc["fte", "kommunal_pro_fee_dkk"] == pytest.approx(600_000)
    assert fee.loc["fte", "telma_fee_dkk"] == pytest.approx(300_000)
    assert fee.loc["fte", "kommunal_pro_share"] == pytest.approx(2 / 3)


def test_transparency_table_splits_both_fees_by_each_volume_key():
    params = small_params(fut_fee={
        "kommunal_pro_fte_share": 1.0, "telma_fte_share": 0.5,
        "volumes": {"citizens": {"label": "Aktive borgere", "kommunal_pro": 1000, "telma": 3000}},
    })
    row = fut_fee_comparison(params).set_index("basis").loc["citizens"]
    assert row["kommunal_pro_per_unit_dkk"] == pytest.approx(600)   # 600,000 / 1,000
    assert row["telma_per_unit_dkk"] == pytest.approx(100)          # 300,000 / 3,000
    assert row["kommunal_pro_share"] == pytest.approx(0.25)
    assert row["kommunal_pro_fee_by_key_dkk"] == pytest.approx(225_000)  # 0.25 * 900,000
    assert row["telma_fee_by_key_dkk"] == pytest.approx(675_000)


def test_change_request_amounts_name_each_request():
    got = {cr_id: (year, line, amount) for cr_id, year, line, amount in
           costs.change_request_amounts(small_params(), REGISTER)}
    assert set(got) == {"A", "B", "C", "D", "G"}
    assert got["D"] == (2026, Line.CR_PIPELINE, pytest.approx(50))


def test_each_figure_is_resolved_under_its_attribute_path():
    params = small_params()
    resolved: dict[str, object] = {}
    costs.compute_cost_lines(params, REGISTER, lambda name, figure: resolved.setdefault(name, figure).mean)
    assert list(resolved) == [
        "fte.annual_cost", "fut_fee.kommunal_pro_fte_share", "support.base_price", "support.renegotiation.change",
        "support.spoc_option.monthly_price", "change_requests.A", "change_requests.B", "change_requests.C",
        "change_requests.D", "change_requests.G",
        "fees.solution",  # one figure for every year: one input
        "fees.infrastructure.2025", "fees.infrastructure.2026",  # a figure per year: one input each
        "administration.staff_fte",
    ]
    assert resolved["support.base_price"] is params.support.base_price
    assert resolved["support.renegotiation.change"] is params.support.renegotiation.change
    assert resolved["fees.infrastructure.2026"] is params.fees.infrastructure[2026]
