"""The books: closed years are their bookings, the current year booked plus what is still to come by
each line's phasing, in the cost table, the NPV, the pool and the Monte Carlo. Figures by hand.

Model: `small_params` over 2024–2026 in 2025 prices (price change 4 %, 5 %, 10 %), so a booking of
2024 is worth ×1.05 in 2025 prices. At the means the model gives per year (2024 / 2025 / 2026):
FUT fee 600,000 each; support 400,000 · 1.05 = 420,000 / 420,000 / 462,000 (renegotiated +10 %);
SPOC 6 months in 2025 = 60,000; solution fee 1,000,000 each; infrastructure 0 / 500,000 / 550,000
(PERT 400–500–900); own staff 2 · 600,000 = 1,200,000 each. As of 30 June 2025: 2024 is closed,
six months of 2025 are elapsed, 2026 is estimated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from model_helpers import cr, register, small_params

from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.model.books import Basis
from kpro_econ.model.budget import ACTUALS_COLUMNS, budget_followup
from kpro_econ.model.costs import books_for, cost_by_year, net_present_value, total_by_year
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import Params, RiskSettings
from kpro_econ.risk.assessment import risk_cost_lines, risk_pool
from kpro_econ.risk.montecarlo import simulate

YEARS = [2024, 2025, 2026]
AS_OF = "2025-06-30"
NO_REQUESTS = register()


def params(as_of: str = AS_OF, **overrides: Any) -> Params:
    return small_params(years=YEARS, price_index={2024: 0.04, 2025: 0.05, 2026: 0.10},
                        actuals={"register": "actuals.csv", "as_of": as_of}, **overrides)


def bookings(*rows: tuple[str, str, float]) -> pd.DataFrame:
    frame = pd.DataFrame([(d, line, "Leverandør", f"B-{i}", amount, "") for i, (d, line, amount) in enumerate(rows)],
                         columns=ACTUALS_COLUMNS)
    return frame.assign(date=pd.to_datetime(frame["date"]))


ACTUALS = bookings(
    ("2024-03-31", "support", 400_000),           # 2024 in 2025 prices: 420,000
    ("2024-01-10", "fut_fee", 630_000),           # 661,500
    ("2024-12-31", "solution_fee", 1_050_000),    # 1,102,500
    ("2025-02-01", "support", 200_000),
    ("2025-05-31", "solution_fee", 480_000),
    ("2025-06-30", "infrastructure_fee", 250_000),
)


def by_year_and_line(table: pd.DataFrame) -> dict[tuple[int, str], float]:
    return table.groupby(["year", "line_code"])["amount_dkk"].sum().to_dict()


def test_a_closed_year_is_its_bookings_in_the_models_prices():
    p = params()
    table = cost_by_year(p, NO_REQUESTS, books_for(p, ACTUALS, NO_REQUESTS))
    amounts = by_year_and_line(table)
    assert amounts[(2024, "support")] == pytest.approx(420_000)
    assert amounts[(2024, "fut_fee")] == pytest.approx(661_500)
    assert amounts[(2024, "solution_fee")] == pytest.approx(1_102_500)
    # nothing booked: the estimate (1,200,000 staff, 0 SPOC) is gone, not kept
    assert amounts[(2024, "administration")] == 0
    assert total_by_year(table)[2024] == pytest.approx((400_000 + 630_000 + 1_050_000) * 1.05)


def test_the_current_year_is_booked_plus_what_is_still_to_come():
    p = params()
    amounts = by_year_and_line(cost_by_year(p, NO_REQUESTS, books_for(p, ACTUALS, NO_REQUESTS)))
    assert amounts[(2025, "fut_fee")] == pytest.approx(0 + 600_000 * 6 / 12)
    assert amounts[(2025, "support")] == pytest.approx(200_000 + 420_000 * 6 / 12)
    assert amounts[(2025, "spoc_option")] == pytest.approx(60_000)  # active July–December: all to come
    assert amounts[(2025, "solution_fee")] == pytest.approx(480_000 + 1_000_000 * 6 / 12)
    assert amounts[(2025, "infrastructure_fee")] == pytest.approx(250_000 + 500_000 * 6 / 12)
    assert amounts[(2025, "administration")] == pytest.approx(1_200_000 * 6 / 12)
    assert amounts[(2026, "support")] == pytest.approx(462_000)  # a later year: the estimate


def test_totals_and_npv_rest_on_the_books():
    p = params()
    totals = total_by_year(cost_by_year(p, NO_REQUESTS, books_for(p, ACTUALS, NO_REQUESTS)))
    # 2024: 2,184,000 booked; 2025: 300,000 + 410,000 + 60,000 + 980,000 + 500,000 + 600,000;
    # 2026: 600,000 + 462,000 + 1,000,000 + 550,000 + 1,200,000
    assert totals.to_dict() == pytest.approx({2024: 2_184_000, 2025: 2_850_000, 2026: 3_812_000})
    assert net_present_value(totals, 0.05) == pytest.approx(2_184_000 + 2_850_000 / 1.05 + 3_812_000 / 1.05**2)


def test_each_row_says_what_it_rests_on():
    p = params()
    table = cost_by_year(p, NO_REQUESTS, books_for(p, ACTUALS, NO_REQUESTS))
    assert table.groupby("year")["basis"].unique().map(list).to_dict() == {
        2024: [Basis.BOOKED], 2025: [Basis.FORECAST], 2026: [Basis.ESTIMATED]}
    assert set(cost_by_year(p, NO_REQUESTS)["basis"]) == {Basis.ESTIMATED}  # no books: all estimated


def test_an_override_replaces_the_line_and_a_booked_line_the_model_lacks_joins():
    p = params(budget={"forecast_overrides": [{"line": "infrastructure_fee", "year": 2026, "amount_dkk": 660_000,
                                               "source": "ny pris"}]})
    extra = pd.concat([ACTUALS, bookings(("2024-05-01", "cr_pipeline", 10_000))], ignore_index=True)
    amounts = by_year_and_line(cost_by_year(p, NO_REQUESTS, books_for(p, extra, NO_REQUESTS)))
    assert amounts[(2026, "infrastructure_fee")] == pytest.approx(660_000 / 1.10)  # nominal 2026 → 2025 prices
    assert amounts[(2024, "cr_pipeline")] == pytest.approx(10_500)


# --- phasing: the follow-up's forecast --------------------------------------------------------

def test_a_one_off_line_due_in_november_shows_no_variance_in_october():
    p = params(as_of="2025-10-31")
    requests = register(cr("A", "approved", 2025, 300_000, 300_000, 300_000, due_date="2025-11-15"))
    books = books_for(p, ACTUALS, requests)
    assert books is not None
    budget = cost_by_year(p, requests)  # the run's own estimate
    row = budget_followup(budget, ACTUALS, p, date(2025, 10, 31), books.phasing).set_index(
        ["year", "line_code"]).loc[(2025, "cr_approved")]
    # nothing booked and nothing due yet: the forecast is the whole 300,000, as budgeted
    assert (row["budget_dkk"], row["actual_dkk"], row["forecast_dkk"]) == pytest.approx((300_000, 0, 300_000))
    assert row["variance_dkk"] == pytest.approx(0)
    amounts = by_year_and_line(cost_by_year(p, requests, books))
    assert amounts[(2025, "cr_approved")] == pytest.approx(300_000)


def test_a_one_off_line_due_and_not_booked_is_a_variance_and_a_delivered_one_its_booking():
    p = params(as_of="2025-10-31")
    requests = register(cr("A", "approved", 2025, 300_000, 300_000, 300_000, due_date="2025-03-15"),
                        cr("B", "delivered", 2025, 1, 2, 3, actual_cost=100_000, delivered_date="2025-04-02"))
    actuals = pd.concat([ACTUALS, bookings(("2025-04-30", "cr_approved", 95_000))], ignore_index=True)
    books = books_for(p, actuals, requests)
    assert books is not None
    budget = cost_by_year(p, requests)
    row = budget_followup(budget, actuals, p, date(2025, 10, 31), books.phasing).set_index(
        ["year", "line_code"]).loc[(2025, "cr_approved")]
    # both were due by October: the forecast is what is booked, 95,000 against 400,000
    assert row["forecast_dkk"] == pytest.approx(95_000)
    assert row["variance_dkk"] == pytest.approx(95_000 - 400_000)


def test_a_one_off_line_without_a_date_is_due_at_the_end_of_its_year():
    p = params(as_of="2025-10-31")
    requests = register(cr("A", "approved", 2025, 120_000, 120_000, 120_000))
    books = books_for(p, ACTUALS, requests)
    assert books is not None
    assert books.share(2025, CostLineCode.CR_APPROVED) == 1
    assert books.share(2025, CostLineCode.SOLUTION_FEE) == pytest.approx(2 / 12)


# --- the pool and the Monte Carlo -------------------------------------------------------------

def risks(*items: dict[str, Any]) -> pd.DataFrame:
    full = [{"title": "t", "category": "drift", "owner": "Systemforvaltningen", "likelihood_inherent": 3,
             "impact_inherent": 3, "likelihood_residual": 3, "impact_residual": 3, "status": "open",
             "last_reviewed": "2025-01-01", **i} for i in items]
    return risk_register_from_items(full, "params.yaml", YEARS)


def event(risk_id: str, probability: float, cost: float, **extra: Any) -> dict[str, Any]:
    return {"id": risk_id, "probability": probability, "cost_low": cost, "cost_mode": cost, "cost_high": cost,
            **extra}


REGISTER = risks(event("PAST", 0.5, 100_000, proximity=2024),   # its year is closed: it can no longer occur
                 event("ANY", 0.5, 90_000))                      # EV 45,000 spread 15,000 a year


def test_the_pool_keeps_only_what_is_still_to_come():
    p = params()
    books = books_for(p, ACTUALS, NO_REQUESTS)
    pool, _, _ = risk_cost_lines(REGISTER, p, books)
    assert pool.amounts == pytest.approx({2024: 0, 2025: 15_000, 2026: 15_000})
    table = risk_pool(REGISTER, RiskSettings(), YEARS, books)
    assert table["id"].tolist() == ["ANY"]
    assert table["expected_value_dkk"].tolist() == pytest.approx([30_000])
    # without books both are pooled, at their whole expected value
    assert risk_pool(REGISTER, RiskSettings(), YEARS)["expected_value_dkk"].sum() == pytest.approx(95_000)


def test_a_closed_year_has_no_spread_and_the_current_year_only_that_of_what_is_to_come():
    solution = {"low": 800_000, "mode": 1_000_000, "high": 1_200_000}  # σ² = 200,000 · 200,000 / 7
    p = params(fees={"solution": solution, "infrastructure": {2025: 500_000, 2026: 550_000}},
               monte_carlo={"iterations": 40_000, "seed": 3})
    books = books_for(p, ACTUALS, NO_REQUESTS)
    result = simulate(p, NO_REQUESTS, REGISTER, books=books)
    years = result.by_year.set_index("year")
    assert years.loc[2024, "sd_dkk"] == pytest.approx(0, abs=1e-3)
    assert years.loc[2024, "mean_dkk"] == pytest.approx(2_184_000)
    sigma = np.sqrt(200_000 * 200_000 / 7)
    # half the solution fee is still to come in 2025; ANY adds 1/3 of a 50 % event of 90,000 in 2025
    risk_sd = 90_000 / 3 * 0.5
    assert years.loc[2025, "sd_dkk"] == pytest.approx(np.sqrt((sigma / 2) ** 2 + risk_sd**2), rel=0.03)
    assert "risk.PAST" not in {i.name for i in result.inputs}
    # the budget is the cost table's total: base (model + nothing booked on the risk lines) + pool
    table = cost_by_year(p, NO_REQUESTS, books)
    assert result.base == pytest.approx(table["amount_dkk"].sum())
    assert result.pool == pytest.approx(30_000)
    assert result.expected_total == pytest.approx(result.base + 30_000)


def test_budget_plus_reserve_is_the_percentile_or_the_budget_when_that_covers_more():
    certain = {"solution": 1_000_000, "infrastructure": 500_000}
    p = params(fees=certain, support={"base_price": {"value": 400_000, "price_year": 2024}},
               monte_carlo={"iterations": 20_000, "seed": 5})
    books = books_for(p, ACTUALS, NO_REQUESTS)
    # a 30 % event of 100,000 in 2026: the pool holds 30,000; P80 holds the whole 100,000
    thirty = simulate(p, NO_REQUESTS, risks(event("R", 0.3, 100_000, proximity=2026)), books=books)
    assert thirty.pool == pytest.approx(30_000)
    assert thirty.contingency == pytest.approx(70_000)
    assert thirty.budget + thirty.contingency == pytest.approx(thirty.percentiles["P80"])
    # a 15 % event: P80 holds nothing of it, the budget with its pool of 15,000 already covers 85 %
    fifteen = simulate(p, NO_REQUESTS, risks(event("R", 0.15, 100_000, proximity=2026)), books=books)
    assert fifteen.contingency == 0
    coverage = fifteen.coverage.set_index("mark")["share"]
    assert coverage["budget"] == pytest.approx(0.85, abs=0.01)
    assert coverage["base"] == pytest.approx(0.85, abs=0.01)
    assert coverage["budget_with_reserve"] == coverage["budget"]


def test_the_cost_report_says_which_years_are_booked_forecast_and_estimated():
    from types import SimpleNamespace

    from kpro_econ.report.budget import periods_note

    p = params()
    result: Any = SimpleNamespace(books=books_for(p, ACTUALS, NO_REQUESTS))
    text = periods_note(result, p).data.replace("\xa0", " ")
    assert text == (
        "<p>2024 er regnskab: det bogførte, omregnet til 2025-priser med pris- og lønskønnet; 2025 er forventet "
        "regnskab: bogført til og med 30. jun. 2025 plus det, der endnu forfalder efter hver linjes "
        "faktureringsrytme eller forfaldsdato (skøn); 2026 er skøn. Nutidsværdien diskonterer alle år til 2024 "
        "med den reale rente 5,0 %, bogførte år med; beslutningerne (bølge 5 eller bilateralt, FUT SPOC-optionen) "
        "regner kun med det, der endnu ligger foran, diskonteret til beslutningsåret 2025.</p>")


def test_an_agreed_support_price_replaces_the_estimate_in_the_years_it_covers():
    # 110,000 a quarter in 2025 (2025 prices: 440,000) and 121,000 in 2026 (484,000 nominal, ÷ 1.10 = 440,000);
    # 2024 has no agreed price: the model's 400,000 · 1.05 = 420,000 stays
    agreement = {"id": "support", "name": "Supportaftale", "line": "support", "cadence": "quarterly",
                 "expected_dkk": {2025: 110_000, 2026: 121_000}, "source": "Aftale"}
    p = params(budget={"agreements": [agreement]})
    amounts = by_year_and_line(cost_by_year(p, NO_REQUESTS))
    assert [amounts[(y, "support")] for y in YEARS] == pytest.approx([420_000, 440_000, 440_000])
    # the agreement starts in July 2025: two quarters agreed, January–June the estimate (420,000 · 6/12)
    half = params(budget={"agreements": [{**agreement, "start": "2025-07-01"}]})
    assert by_year_and_line(cost_by_year(half, NO_REQUESTS))[(2025, "support")] == pytest.approx(220_000 + 210_000)
