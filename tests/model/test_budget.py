"""Budget follow-up and invoice reconciliation on a small register, every figure worked out by hand.

Model: years 2024–2026 in 2025 prices; the price change is 5 % into 2025 and 10 % into 2026, so a
fixed-price amount is worth /1.05 in 2024 and ×1.10 in 2026. As of 30 June 2025: 2024 is past,
2025 current (6 whole months elapsed), 2026 future.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest
from model_helpers import small_params

from kpro_econ.model.budget import (
    ACTUALS_COLUMNS,
    budget_followup,
    invoice_reconciliation,
    nominal_factor,
    share_not_yet_due,
)
from kpro_econ.params.models import Agreement

AS_OF = date(2025, 6, 30)

AGREEMENTS = [
    {"id": "support", "name": "Supportaftale", "line": "support", "supplier": "Frederikshavn Kommune",
     "expected_dkk": {2024: 400_000, 2025: 420_000, 2026: 440_000}, "cadence": "yearly", "source": "aftale"},
    {"id": "fut", "name": "FUT", "line": "fut_fee", "expected_dkk": 150_000, "cadence": "quarterly",
     "start": "2025-01-01", "source": "referat"},
    {"id": "spoc", "name": "SPOC", "line": "spoc_option", "expected_dkk": 10_000, "cadence": "monthly",
     "start": "2025-03-01", "source": "option"},
]


def params(**budget: object):
    return small_params(
        years=[2024, 2025, 2026],
        price_index={2024: 0.04, 2025: 0.05, 2026: 0.10},
        budget={"agreements": AGREEMENTS,
                "forecast_overrides": [{"line": "infrastructure_fee", "year": 2025, "amount_dkk": 700_000,
                                        "source": "ny pris fra leverandøren"}],
                **budget},
    )


def baseline() -> pd.DataFrame:
    rows = [
        (2024, "support", 420_000), (2025, "support", 420_000), (2026, "support", 440_000),
        (2024, "fut_fee", 630_000), (2025, "fut_fee", 600_000),
        (2025, "spoc_option", 100_000),
        (2025, "solution_fee", 1_200_000),
        (2025, "infrastructure_fee", 600_000),
    ]
    return pd.DataFrame(rows, columns=["year", "line_code", "amount_dkk"])


def bookings(*rows: tuple[str, str, str, str, float]) -> pd.DataFrame:
    frame = pd.DataFrame([(*row, "") for row in rows], columns=ACTUALS_COLUMNS)
    return frame.assign(date=pd.to_datetime(frame["date"]))


ACTUALS = bookings(
    ("2024-01-20", "support", "Frederikshavn Kommune", "F-2024", 400_000),
    ("2025-01-15", "support", "frederikshavn kommune", "F-2025", 420_000),  # the yearly invoice, paid
    ("2025-01-10", "fut_fee", "KOMBIT", "K-1", 150_000),
    ("2025-04-10", "fut_fee", "KOMBIT", "K-2", 160_000),
    ("2025-04-30", "fut_fee", "KOMBIT", "K-2C", -10_000),  # credit note: Q2 nets 150.000
    ("2025-03-05", "spoc_option", "Frederikshavn Kommune", "S-3", 10_000),
    ("2025-04-05", "spoc_option", "Frederikshavn Kommune", "S-4", 10_000),
    ("2025-04-20", "spoc_option", "Frederikshavn Kommune", "S-4", 10_000),  # the same invoice twice
    ("2025-06-05", "spoc_option", "Frederikshavn Kommune", "S-6", 12_000),  # off the agreement; May missing
    ("2025-05-31", "solution_fee", "Leverandør", "L-1", 500_000),
    ("2025-02-01", "infrastructure_fee", "Leverandør", "I-1", 200_000),
    ("2025-03-01", "administration", "Egen", "A-1", 50_000),  # no budget for this line
)


@pytest.fixture(scope="module")
def followup() -> pd.DataFrame:
    return budget_followup(baseline(), ACTUALS, params(), AS_OF).set_index(["year", "line_code"])


def row(followup: pd.DataFrame, year: int, line: str) -> dict[str, object]:
    return followup.loc[(year, line)].to_dict()


def test_fixed_prices_become_nominal_before_and_after_the_price_level():
    p = params()
    assert nominal_factor(p, 2024) == pytest.approx(1 / 1.05)
    assert nominal_factor(p, 2025) == 1.0
    assert nominal_factor(p, 2026) == pytest.approx(1.10)


def test_a_past_year_forecasts_its_actual(followup):
    support = row(followup, 2024, "support")
    assert support["budget_dkk"] == pytest.approx(400_000)  # 420.000 / 1,05
    assert support["actual_dkk"] == support["forecast_dkk"] == 400_000
    assert support["variance_dkk"] == pytest.approx(0)


def test_a_past_budget_line_without_bookings_is_flagged(followup):
    fut = row(followup, 2024, "fut_fee")
    assert fut["budget_dkk"] == pytest.approx(600_000)  # 630.000 / 1,05
    assert (fut["actual_dkk"], fut["forecast_dkk"]) == (0, 0)
    assert fut["variance_dkk"] == pytest.approx(-600_000)
    assert fut["variance_pct"] == pytest.approx(-1.0)
    assert fut["flag"] == "ingen_bogfoering"


def test_a_yearly_invoice_already_paid_leaves_nothing_to_come(followup):
    support = row(followup, 2025, "support")
    assert (support["budget_dkk"], support["actual_dkk"], support["forecast_dkk"]) == (420_000, 420_000, 420_000)


def test_a_quarterly_cadence_with_a_credit_note(followup):
    # Q1 and Q2 have begun: 2 of 4 quarters still to come, half of the 600.000 budget.
    fut = row(followup, 2025, "fut_fee")
    assert fut["actual_dkk"] == 150_000 + 160_000 - 10_000
    assert fut["forecast_dkk"] == pytest.approx(300_000 + 600_000 * 2 / 4)
    assert fut["variance_dkk"] == pytest.approx(0)


def test_a_monthly_cadence_from_the_agreements_start(followup):
    # March–December: 10 months, March–June begun, 6 of 10 to come.
    spoc = row(followup, 2025, "spoc_option")
    assert spoc["actual_dkk"] == 42_000
    assert spoc["forecast_dkk"] == pytest.approx(42_000 + 100_000 * 6 / 10)
    assert spoc["variance_dkk"] == pytest.approx(2_000)
    assert spoc["variance_pct"] == pytest.approx(0.02)


def test_a_line_without_agreement_by_months_elapsed(followup):
    solution = row(followup, 2025, "solution_fee")
    assert solution["forecast_dkk"] == pytest.approx(500_000 + 1_200_000 * 6 / 12)
    assert solution["variance_pct"] == pytest.approx(-100_000 / 1_200_000)


def test_an_override_replaces_the_mechanical_forecast(followup):
    infrastructure = row(followup, 2025, "infrastructure_fee")
    assert infrastructure["forecast_dkk"] == 700_000
    assert infrastructure["variance_dkk"] == pytest.approx(100_000)
    assert infrastructure["flag"] == "skoen"


def test_an_unbudgeted_line_is_shown(followup):
    administration = row(followup, 2025, "administration")
    assert (administration["budget_dkk"], administration["actual_dkk"]) == (0, 50_000)
    assert administration["forecast_dkk"] == administration["variance_dkk"] == 50_000
    assert math.isnan(administration["variance_pct"])
    assert administration["flag"] == "ikke_budgetteret"


def test_a_future_year_forecasts_its_budget(followup):
    support = row(followup, 2026, "support")
    assert support["budget_dkk"] == support["forecast_dkk"] == pytest.approx(484_000)  # 440.000 × 1,10
    assert list(followup.loc[2026].index) == ["support"]  # no other line has a budget in 2026


def test_an_override_of_a_future_year_applies():
    p = params(forecast_overrides=[{"line": "support", "year": 2026, "amount_dkk": 500_000, "source": "x"}])
    future = budget_followup(baseline(), ACTUALS, p, AS_OF).set_index(["year", "line_code"]).loc[(2026, "support")]
    assert future["forecast_dkk"] == 500_000
    assert future["variance_dkk"] == pytest.approx(500_000 - 484_000)


def test_months_elapsed_counts_whole_months_only():
    assert share_not_yet_due(None, 2025, date(2025, 6, 30)) == 6 / 12
    assert share_not_yet_due(None, 2025, date(2025, 6, 29)) == 7 / 12
    assert share_not_yet_due(None, 2025, date(2025, 12, 31)) == 0


def test_reconciliation_gives_each_status():
    agreements = [Agreement.model_validate(a) for a in AGREEMENTS]
    table = invoice_reconciliation(ACTUALS, agreements, [2024, 2025, 2026], AS_OF)
    got = {(r["agreement"], r["period"]): r for r in table.to_dict("records")}
    assert list(got) == [("support", "2024"), ("support", "2025"), ("fut", "2025K1"), ("fut", "2025K2"),
                         ("spoc", "2025-03"), ("spoc", "2025-04"), ("spoc", "2025-05"), ("spoc", "2025-06")]
    assert [r["status"] for r in got.values()] == ["ok", "ok", "ok", "ok", "ok", "dobbelt", "mangler", "afvigelse"]
    assert got[("fut", "2025K2")]["booked_dkk"] == 150_000
    assert got[("fut", "2025K2")]["references"] == "K-2; K-2C"
    assert got[("spoc", "2025-04")]["booked_dkk"] == 20_000
    assert got[("spoc", "2025-04")]["references"] == "S-4; S-4"
    assert (got[("spoc", "2025-05")]["booked_dkk"], got[("spoc", "2025-05")]["difference_dkk"]) == (0, -10_000)
    assert got[("spoc", "2025-06")]["difference_dkk"] == 2_000


def test_within_the_tolerance_is_ok_and_another_supplier_does_not_count():
    agreement = Agreement.model_validate({**AGREEMENTS[2], "tolerance_dkk": 5})
    register = bookings(("2025-03-02", "spoc_option", "X", "S-3", 10_004),
                        ("2025-04-02", "spoc_option", "X", "S-4", 10_006))
    table = invoice_reconciliation(register, [agreement], [2025], date(2025, 4, 30))
    assert list(table["status"]) == ["ok", "afvigelse"]
    other = Agreement.model_validate({**AGREEMENTS[2], "supplier": "Y"})
    assert list(invoice_reconciliation(register, [other], [2025], date(2025, 4, 30))["status"]) == [
        "mangler", "mangler"]


@pytest.mark.parametrize(("budget", "message"), [
    ({"agreements": [AGREEMENTS[0], AGREEMENTS[0]]}, "agreements: hvert id kun én gang (fik ['support'])"),
    ({"agreements": [{**AGREEMENTS[2], "end": "2025-01-31"}]}, "end må ikke ligge før start"),
    ({"forecast_overrides": [{"line": "support", "year": 2025, "amount_dkk": 1, "source": "x"}] * 2},
     "én ændring pr. linje og år (fik support 2025 to gange)"),
    ({"agreements": [{**AGREEMENTS[1], "expected_dkk": -1}]}, "må ikke være negativt"),
])
def test_budget_settings_refuse_contradictions(budget: dict[str, object], message: str):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=re.escape(message)):
        small_params(budget=budget)
