"""The books (bogføringen): once money is spent, the model's figures rest on it.

A year before the as-of date's year is closed: every line is its bookings, converted from nominal
kroner to the model's fixed prices. In the as-of date's year a line is its bookings so far plus the
share of its estimate still to come by its phasing (`phasing.Phasing`). A later year is the estimate.
A forecast override (the controller's own figure for a line and year) replaces the line outright.

The same arithmetic, `booked + share × estimate`, applies to a draw of the Monte Carlo as to a mean,
so a closed year has no spread and the current year only the spread of what is still to come.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import pandas as pd

from kpro_econ.model.budget import nominal_factor
from kpro_econ.model.lines import Value
from kpro_econ.model.phasing import Phasing
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import BudgetSettings, Params


class Basis(StrEnum):
    """What a year's figures rest on."""

    BOOKED = "booked"  # a closed year: the bookings
    FORECAST = "forecast"  # the as-of date's year: booked so far plus the estimate still to come
    ESTIMATED = "estimated"  # a later year (or no books at all): the model's estimate


@dataclass(frozen=True)
class Books:
    """Bookings and overrides per (year, line) in fixed prices, and the phasing of what is to come."""

    as_of: date
    booked: Mapping[tuple[int, CostLineCode], float] = field(default_factory=dict)
    overrides: Mapping[tuple[int, CostLineCode], float] = field(default_factory=dict)
    phasing: Phasing = field(default_factory=Phasing)

    def basis(self, year: int) -> Basis:
        if year < self.as_of.year:
            return Basis.BOOKED
        return Basis.FORECAST if year == self.as_of.year else Basis.ESTIMATED

    def share(self, year: int, line: CostLineCode) -> float:
        """The share of the line's estimate in `year` that still counts (0 once booked or overridden)."""
        if (year, line) in self.overrides:
            return 0.0
        return self.phasing.share_to_come(year, line, self.as_of)

    def certain(self, year: int, line: CostLineCode) -> float:
        """The part of the line in `year` that is known: its override, else what is booked."""
        if (year, line) in self.overrides:
            return self.overrides[(year, line)]
        return self.booked.get((year, line), 0.0)

    def apply(self, year: int, line: CostLineCode, estimate: Value) -> Value:
        """The line's amount in `year`: what is known plus the share of `estimate` still to come."""
        share = self.share(year, line)
        return self.certain(year, line) + (share * estimate if share else 0.0)

    def lines(self) -> set[CostLineCode]:
        return {line for _, line in [*self.booked, *self.overrides]}


def books_from(params: Params, actuals: pd.DataFrame, phasing: Phasing) -> Books | None:
    """The books of `params.actuals` from the validated actuals register (None without an actuals section).

    Amounts are nominal kroner; each year's are taken to the model's fixed prices with the same price
    index the budget follow-up converts the other way with. Overrides apply from the as-of date's year.
    """
    if params.actuals is None:
        return None
    as_of = params.actuals.as_of
    years = pd.DatetimeIndex(actuals["date"]).year
    booked = actuals.assign(year=years).groupby(["year", "line_code"])["amount_dkk"].sum()
    fixed: dict[tuple[int, CostLineCode], float] = {}
    for key, amount in booked.items():
        year, line = int(key[0]), CostLineCode(key[1])  # type: ignore[index]
        if year <= as_of.year:
            fixed[(year, line)] = float(amount) / nominal_factor(params, year)
    settings = params.budget or BudgetSettings()
    overrides = {(o.year, CostLineCode(o.line)): o.amount_dkk / nominal_factor(params, o.year)
                 for o in settings.forecast_overrides if o.year >= as_of.year and o.year in params.years}
    return Books(as_of, fixed, overrides, phasing)
