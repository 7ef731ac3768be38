"""Budget follow-up (budgetopfølgning): budget, actual, forecast and variance per year and cost line,
and the reconciliation of the agreements' invoices, as `budget-followup.md` defines them.

Pure: takes the budget baseline (the cost model's `year, line_code, amount_dkk` in the model's fixed
prices), the validated actuals register and the params, and returns DataFrames in nominal kroner
(løbende priser). The fixed prices are converted with `prices.price_factor` and the params' price
index, exactly as the cost model converts a figure to its price level.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

import pandas as pd

from kpro_econ.model.phasing import Phasing, agreement_parts, agreement_periods, line_phasing
from kpro_econ.model.prices import price_factor
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import Agreement, BudgetSettings, Params

FOLLOWUP_COLUMNS = ["year", "line_code", "budget_dkk", "actual_dkk", "forecast_dkk", "variance_dkk",
                    "variance_pct", "flag"]
RECONCILIATION_COLUMNS = ["agreement", "period", "expected_dkk", "booked_dkk", "difference_dkk", "status",
                          "references"]
ACTUALS_COLUMNS = ["date", "line_code", "supplier", "reference", "amount_dkk", "text"]


class FollowupFlag(StrEnum):
    """What a follow-up row says beyond its figures; blank when nothing."""

    NONE = ""
    UNBUDGETED = "ikke_budgetteret"  # bookings on a line without a budget
    NO_BOOKINGS = "ingen_bogfoering"  # a past year's budget line without a booking
    OVERRIDE = "skoen"  # the forecast is the controller's own estimate


class ReconciliationStatus(StrEnum):
    OK = "ok"
    MISSING = "mangler"
    DUPLICATE = "dobbelt"
    DEVIATION = "afvigelse"


def nominal_factor(params: Params, year: int) -> float:
    """Factor from the model's fixed prices (`price_level_year`) to `year`'s prices (løbende priser)."""
    changes = {y: figure.mean for y, figure in params.price_index.items()}
    return price_factor(params.price_level_year, year, changes)


def budget_followup(
    baseline: pd.DataFrame, actuals: pd.DataFrame, params: Params, as_of: date, phasing: Phasing | None = None
) -> pd.DataFrame:
    """One row per year of `params.years` and cost line that has a budget, a booking or an override.

    `baseline`: `year, line_code, amount_dkk` in fixed prices; `actuals`: ACTUALS_COLUMNS with `date`
    as datetime64. A past year's forecast is its actual; the current year's is the actual plus the
    budget not yet due by the line's phasing (`phasing.line_phasing`; without one, by the params'
    agreements and the lines' kinds), unless overridden; a future year's is its budget (or its override).
    """
    phasing = phasing if phasing is not None else line_phasing(params)
    settings = params.budget or BudgetSettings()
    fixed = baseline.groupby(["year", "line_code"])["amount_dkk"].sum()
    fixed = fixed[fixed != 0]  # a line the budget gives nothing in that year (no approved request) is no line
    booked = actuals.assign(year=pd.DatetimeIndex(actuals["date"]).year).groupby(["year", "line_code"])[
        "amount_dkk"].sum()
    overrides = {(o.year, CostLineCode(o.line)): o.amount_dkk for o in settings.forecast_overrides}
    order = list(CostLineCode)
    rows = []
    for year in params.years:
        lines = {CostLineCode(code) for (y, code) in [*fixed.index, *booked.index, *overrides] if y == year}
        factor = nominal_factor(params, year)
        for line in sorted(lines, key=order.index):
            budget = float(fixed.get((year, line), 0.0)) * factor
            actual = float(booked.get((year, line), 0.0))
            has_bookings = (year, line) in booked.index
            flag = FollowupFlag.NONE
            if year < as_of.year:
                forecast = actual
            elif (year, line) in overrides:
                forecast, flag = overrides[(year, line)], FollowupFlag.OVERRIDE
            elif year == as_of.year:
                forecast = actual + budget * phasing.share_to_come(year, line, as_of)
            else:
                forecast = budget
            if budget == 0 and has_bookings:
                flag = FollowupFlag.UNBUDGETED
            elif year < as_of.year and budget != 0 and not has_bookings:
                flag = FollowupFlag.NO_BOOKINGS
            variance = forecast - budget
            rows.append((year, line.value, budget, actual, forecast, variance,
                         variance / budget if budget else float("nan"), flag.value))
    return pd.DataFrame(rows, columns=FOLLOWUP_COLUMNS)


def share_not_yet_due(agreement: Agreement | None, year: int, as_of: date) -> float:
    """The share of `year`'s budget not yet due at `as_of`: the agreement's periods in the year that have
    not started, else the whole months not yet elapsed (as_of 30 June: 6 of 12)."""
    parts = agreement_parts(agreement, year) if agreement is not None else ()
    return Phasing({(year, CostLineCode.SUPPORT): parts}).share_to_come(year, CostLineCode.SUPPORT, as_of)


def invoice_reconciliation(
    actuals: pd.DataFrame, agreements: Sequence[Agreement], years: Sequence[int], as_of: date
) -> pd.DataFrame:
    """Expected against booked per agreement and invoicing period that has begun by `as_of`.

    A booking counts for an agreement when it is on the agreement's line (and from its supplier, when
    one is given), and for the period its date falls in. Status: `mangler` (nothing booked), `dobbelt`
    (a reference booked before, for this agreement), `afvigelse` (booked net of credit notes is off the
    expected by more than the tolerance), else `ok`.
    """
    rows = []
    for agreement in agreements:
        mine = _bookings_of(actuals, agreement).sort_values(["date", "reference"], kind="stable")
        seen: set[str] = set()
        repeated: set[int] = set()
        for position, reference in enumerate(mine["reference"]):
            if reference in seen:
                repeated.add(position)
            seen.add(reference)
        dates = pd.DatetimeIndex(mine["date"]).date
        for period in agreement_periods(agreement, years):
            if period.start > as_of:
                continue
            expected = agreement.expected_in(period.start.year)
            if expected is None:
                continue
            inside = [i for i, d in enumerate(dates) if period.start <= d <= period.end]
            booked = float(mine["amount_dkk"].iloc[inside].sum())
            if not inside:
                status = ReconciliationStatus.MISSING
            elif any(i in repeated for i in inside):
                status = ReconciliationStatus.DUPLICATE
            elif abs(booked - expected) > agreement.tolerance_dkk:
                status = ReconciliationStatus.DEVIATION
            else:
                status = ReconciliationStatus.OK
            references = "; ".join(str(r) for r in mine["reference"].iloc[inside])
            rows.append((agreement.id, period.label, expected, booked, booked - expected, status.value, references))
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)


def _bookings_of(actuals: pd.DataFrame, agreement: Agreement) -> pd.DataFrame:
    mine = actuals[actuals["line_code"] == agreement.line]
    if agreement.supplier is not None:
        mine = mine[mine["supplier"].str.strip().str.casefold() == agreement.supplier.strip().casefold()]
    return mine
