"""Phasing (periodisering): when each part of a cost line's amount in a year falls due.

A running line is due period by period: by its agreement's invoicing periods, each due on the day
it starts (invoices are billed in advance), else month by month, each month due at its end. A
one-off line is due when its items are: a change request at the end of the month it was delivered,
else of the month the register says it is due (`due_date`), else at the end of its year; the pool,
mitigation, occurred risks and the wave route at the end of their year, when the budget year is spent.

The budget follow-up and the books split the current year with this phasing into what should have
been booked by the as-of date and what is still to come.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kpro_econ.params.codes import ChangeRequestStatus, CostKind, CostLineCode
from kpro_econ.params.models import Agreement, BudgetSettings, Params

MONTHS_PER_PERIOD = {"yearly": 12, "quarterly": 3, "monthly": 1}

LINE_KINDS: Mapping[CostLineCode, CostKind] = {
    CostLineCode.FUT_FEE: CostKind.RUNNING,
    CostLineCode.SUPPORT: CostKind.RUNNING,
    CostLineCode.SPOC_OPTION: CostKind.RUNNING,
    CostLineCode.SOLUTION_FEE: CostKind.RUNNING,
    CostLineCode.INFRASTRUCTURE_FEE: CostKind.RUNNING,
    CostLineCode.ADMINISTRATION: CostKind.RUNNING,
    CostLineCode.CR_APPROVED: CostKind.ONE_OFF,
    CostLineCode.CR_PIPELINE: CostKind.ONE_OFF,
    CostLineCode.RISK_POOL: CostKind.ONE_OFF,
    CostLineCode.MITIGATION: CostKind.ONE_OFF,
    CostLineCode.OCCURRED_RISKS: CostKind.ONE_OFF,
    CostLineCode.WAVE_ROUTE: CostKind.ONE_OFF,
}
"""Each cost line's kind, as the cost and risk models tag it (a line booked but not modelled gets it)."""

Value = float | NDArray[np.float64]

Due = tuple[date, float]
"""A part of a line's amount in a year: the day it falls due and its weight."""


@dataclass(frozen=True)
class Period:
    """One invoicing period of an agreement: `2024`, `2024K2` or `2024-07`."""

    label: str
    start: date
    end: date


def agreement_periods(agreement: Agreement, years: Iterable[int]) -> Iterator[Period]:
    """The agreement's invoicing periods in `years`, within its start and end dates."""
    months = MONTHS_PER_PERIOD[agreement.cadence]
    for year in years:
        for first in range(1, 13, months):
            start = date(year, first, 1)
            last = first + months - 1
            end = month_end(year, last)
            if (agreement.start is not None and end < agreement.start) or (
                    agreement.end is not None and start > agreement.end):
                continue
            label = {"yearly": f"{year}", "quarterly": f"{year}K{(first - 1) // 3 + 1}",
                     "monthly": f"{year}-{first:02d}"}[agreement.cadence]
            yield Period(label, start, end)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monthly_parts(year: int) -> tuple[Due, ...]:
    """Twelve equal parts, each due at the end of its month."""
    return tuple((month_end(year, month), 1.0) for month in range(1, 13))


def year_end_part(year: int) -> tuple[Due, ...]:
    return ((date(year, 12, 31), 1.0),)


def agreement_parts(agreement: Agreement, year: int) -> tuple[Due, ...]:
    """One equal part per invoicing period of the agreement in `year`, due on the day it starts."""
    return tuple((period.start, 1.0) for period in agreement_periods(agreement, [year]))


@dataclass(frozen=True)
class Phasing:
    """The parts of each line's amount per year, by (year, line code); a line without parts of its
    own is phased by its kind (running: monthly; one-off: at the end of the year)."""

    parts: Mapping[tuple[int, CostLineCode], tuple[Due, ...]] = field(default_factory=dict)

    def parts_of(self, year: int, line: CostLineCode) -> tuple[Due, ...]:
        own = self.parts.get((year, line))
        if own:
            return own
        return monthly_parts(year) if LINE_KINDS[line] == CostKind.RUNNING else year_end_part(year)

    def share_to_come(self, year: int, line: CostLineCode, as_of: date) -> float:
        """The share of `line`'s amount in `year` not yet due at `as_of`: all of a later year, none of an
        earlier one; in as_of's year the weight of the parts due after it."""
        if year != as_of.year:
            return 1.0 if year > as_of.year else 0.0
        parts = self.parts_of(year, line)
        total = sum(weight for _, weight in parts)
        if total <= 0:  # items that cost nothing: count them
            parts, total = tuple((due, 1.0) for due, _ in parts), float(len(parts))
        return sum(weight for due, weight in parts if due > as_of) / total


def agreements_by_line(params: Params) -> dict[CostLineCode, Agreement]:
    """The first agreement given for each line (the one the follow-up phases the line by)."""
    settings = params.budget or BudgetSettings()
    return {CostLineCode(a.line): a for a in reversed(settings.agreements)}


def line_phasing(params: Params, change_request_items: Sequence[tuple[str, int, CostLineCode, Value]] = (),
                 change_requests: pd.DataFrame | None = None) -> Phasing:
    """The phasing of every line and year of `params`.

    Agreements phase their lines; without one the SPOC option is due in its active months (a year's
    last ones), the other running lines month by month. `change_request_items` are `model.costs.change_request_amounts`
    (id, year, line, amount): each is a part weighed by its amount, due at the end of the month the
    register says it was delivered, else is due (`due_date`), when that month is in the item's year;
    else at the end of its year.
    """
    parts: dict[tuple[int, CostLineCode], tuple[Due, ...]] = {}
    spoc = params.support.spoc_option
    if spoc is not None:  # a year's active months are its last ones
        for year, months in spoc.months_active.items():
            active = math.ceil(months)
            if active > 0:
                parts[(year, CostLineCode.SPOC_OPTION)] = tuple(
                    (month_end(year, month), 1.0) for month in range(13 - active, 13))
    for line, agreement in agreements_by_line(params).items():
        for year in params.years:
            parts[(year, line)] = agreement_parts(agreement, year)
    due_dates = _due_dates(change_requests)
    items: dict[tuple[int, CostLineCode], list[Due]] = {}
    for request_id, year, line, amount in change_request_items:
        when = due_dates.get(request_id)
        due = month_end(year, when.month) if when is not None and when.year == year else date(year, 12, 31)
        items.setdefault((year, line), []).append((due, float(amount)))
    parts.update({key: tuple(value) for key, value in items.items()})
    return Phasing(parts)


def _due_dates(register: pd.DataFrame | None) -> dict[str, date]:
    """Each request's delivery date when delivered, else its due date, where the register gives one."""
    if register is None:
        return {}
    blank = pd.Series(pd.NaT, index=register.index)
    delivered = pd.to_datetime(register.get("delivered_date", blank), errors="coerce", format="ISO8601")
    due = pd.to_datetime(register.get("due_date", blank), errors="coerce", format="ISO8601")
    delivered = delivered.where(register["status"] == ChangeRequestStatus.DELIVERED)
    when = delivered.fillna(due)
    return {str(i): d.date() for i, d in zip(register["id"], when, strict=True) if pd.notna(d)}
