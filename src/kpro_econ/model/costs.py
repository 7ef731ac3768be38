"""The cost model: every cost line per year in fixed prices, as `cost-model.md` defines it.

The lines are computed through a `resolve(name, figure)` callback. The deterministic model resolves
each figure to its (PERT) mean; the Monte Carlo resolves it to an array of draws and gets an array
per year back from the very same code, and the tornado resolves one input to its low or high.
"""

from __future__ import annotations

from collections.abc import Collection
from operator import attrgetter

import numpy as np
import pandas as pd

from kpro_econ.model.books import Basis, Books, books_from
from kpro_econ.model.budget import nominal_factor
from kpro_econ.model.decisions import wave_route_line
from kpro_econ.model.lines import CostLine, Resolve, Value, price_level_converter, resolve_mean
from kpro_econ.model.phasing import (
    LINE_KINDS,
    MONTHS_PER_PERIOD,
    agreement_periods,
    agreements_by_line,
    line_phasing,
)
from kpro_econ.params.codes import ChangeRequestStatus, CostKind, CostLineCode
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import EVERY_YEAR, Params, Yearly, figure_for_year

COST_COLUMNS = ["year", "line_code", "kind", "amount_dkk", "basis"]
"""The long cost table: a line's code (`CostLineCode`), its kind (`CostKind`), what the year rests on
(`books.Basis`: booked, forecast, estimated); the report labels them."""


def compute_cost_lines(
    params: Params, change_requests: pd.DataFrame, resolve: Resolve = resolve_mean, books: Books | None = None
) -> list[CostLine]:
    """Every cost line of one scenario, per year of `params.years`, in `price_level_year` prices; with
    `books`, what is booked (and overridden) replaces the estimate (`apply_books`)."""
    figure = _Figures(params, resolve)
    years = params.years
    fte = figure.priced("fte.annual_cost")
    lines = [
        CostLine(CostLineCode.FUT_FEE, CostKind.RUNNING,
                 dict.fromkeys(years, fte * figure.value("fut_fee.kommunal_pro_fte_share"))),
        _support(params, figure),
    ]
    spoc = params.support.spoc_option
    if spoc is not None:
        monthly = figure.priced("support.spoc_option.monthly_price")
        active = {y: monthly * spoc.months_active.get(y, 0.0) for y in years}
        lines.append(CostLine(CostLineCode.SPOC_OPTION, CostKind.RUNNING, active))
    lines.extend(_change_requests(params, change_requests, resolve))
    lines.append(CostLine(CostLineCode.SOLUTION_FEE, CostKind.RUNNING, figure.yearly("fees.solution")))
    lines.append(CostLine(CostLineCode.INFRASTRUCTURE_FEE, CostKind.RUNNING, figure.yearly("fees.infrastructure")))
    if params.administration is not None:
        staff = figure.value("administration.staff_fte")
        lines.append(CostLine(CostLineCode.ADMINISTRATION, CostKind.RUNNING, dict.fromkeys(years, staff * fte)))
    route = wave_route_line(params, resolve)
    if route is not None:
        lines.append(route)
    return apply_books(lines, books, years, [c for c in CostLineCode if c not in RISK_LINE_CODES])


RISK_LINE_CODES = (CostLineCode.RISK_POOL, CostLineCode.MITIGATION, CostLineCode.OCCURRED_RISKS)
"""The lines the risk model adds (`risk.assessment.risk_cost_lines`)."""


def apply_books(
    lines: list[CostLine], books: Books | None, years: list[int], add: Collection[CostLineCode] = ()
) -> list[CostLine]:
    """The cost lines with the books applied; a line of `add` booked but not among `lines` joins them with
    its kind. Without books, the lines as they are."""
    if books is None:
        return lines
    modelled = {line.code for line in lines}
    missing = [CostLine(code, LINE_KINDS[code], dict.fromkeys(years, 0.0))
               for code in add if code in books.lines() and code not in modelled]
    return [CostLine(line.code, line.kind, {year: books.apply(year, line.code, amount)
                                            for year, amount in line.amounts.items()})
            for line in [*lines, *missing]]


class _Figures:
    """The params' figures resolved by their attribute path, which is also their input name
    (`support.base_price`): the Monte Carlo, the tornado and the correlation groups know them by it."""

    def __init__(self, params: Params, resolve: Resolve) -> None:
        self._params, self._resolve = params, resolve
        self._to_level = price_level_converter(params)

    def value(self, path: str) -> Value:
        """The figure at `path` as it is (a share, a count of full-time staff)."""
        figure: Amount | ThreePoint = attrgetter(path)(self._params)
        return self._resolve(path, figure)

    def priced(self, path: str) -> Value:
        """The amount at `path` in the model's price level."""
        figure: Amount | ThreePoint = attrgetter(path)(self._params)
        return self._to_level(self._resolve(path, figure), figure)

    def yearly(self, path: str) -> dict[int, Value]:
        """The amounts per year at `path` in the model's price level; a year without one is 0. One figure
        for every year is one input (`fees.solution`), a figure per year one each (`fees.solution.2026`)."""
        yearly: Yearly = attrgetter(path)(self._params)
        amounts: dict[int, Value] = {}
        for year in self._params.years:
            figure = figure_for_year(yearly, year)
            if figure is None:
                amounts[year] = 0.0
                continue
            name = path if year not in yearly and EVERY_YEAR in yearly else f"{path}.{year}"
            amounts[year] = self._to_level(self._resolve(name, figure), figure)
        return amounts


def _support(params: Params, figure: _Figures) -> CostLine:
    """The support agreement: the base price, renegotiated from its year; in a year the agreement to
    reconcile (`budget.agreements`, line support) prices, the agreed amount per invoice times the year's
    invoices, taken from that year's prices to the model's (a known price is not an estimate), plus the
    estimate for the months no invoice covers."""
    base = figure.priced("support.base_price")
    new = params.support.renegotiation
    amounts: dict[int, Value]
    if new is None:
        amounts = dict.fromkeys(params.years, base)
    else:
        renegotiated = base * (1 + figure.value("support.renegotiation.change"))
        amounts = {year: base if year < new.year else renegotiated for year in params.years}
    agreement = agreements_by_line(params).get(CostLineCode.SUPPORT)
    for year in params.years:
        expected = agreement.expected_in(year) if agreement is not None else None
        if agreement is not None and expected is not None:
            invoices = len(list(agreement_periods(agreement, [year])))
            uncovered = max(0, 12 - invoices * MONTHS_PER_PERIOD[agreement.cadence]) / 12
            amounts[year] = expected * invoices / nominal_factor(params, year) + amounts[year] * uncovered
    return CostLine(CostLineCode.SUPPORT, CostKind.RUNNING, amounts)


def change_request_figure(row: pd.Series, price_year: int | None) -> Amount | ThreePoint:
    """A register row's cost as a figure: a delivered request's actual cost, else its estimate."""
    if row["status"] == ChangeRequestStatus.DELIVERED and pd.notna(row["actual_cost"]):
        return Amount(value=float(row["actual_cost"]), price_year=price_year)
    return ThreePoint(
        low=float(row["estimate_low"]), mode=float(row["estimate_mode"]), high=float(row["estimate_high"]),
        price_year=price_year,
    )


def change_request_amounts(
    params: Params, register: pd.DataFrame, resolve: Resolve = resolve_mean
) -> list[tuple[str, int, CostLineCode, Value]]:
    """(id, year, line code, amount) of every request that costs something within the budget years.

    Approved, in progress and delivered requests go to *ÆØ, godkendte* at their estimate's PERT mean
    (a delivered one at its actual cost when given); a proposed one goes to the pipeline line at its
    approval probability times the PERT mean; a rejected one costs nothing.
    """
    to_level = price_level_converter(params)
    amounts = []
    for _, row in register.iterrows():
        year = int(row["year"])
        if year not in params.years or row["status"] == ChangeRequestStatus.REJECTED:
            continue
        figure = change_request_figure(row, params.change_requests.price_year)
        cost = to_level(resolve(f"change_requests.{row['id']}", figure), figure)
        if row["status"] == ChangeRequestStatus.PROPOSED:
            amounts.append((str(row["id"]), year, CostLineCode.CR_PIPELINE, float(row["approval_probability"]) * cost))
        else:
            amounts.append((str(row["id"]), year, CostLineCode.CR_APPROVED, cost))
    return amounts


def _change_requests(params: Params, register: pd.DataFrame, resolve: Resolve) -> list[CostLine]:
    by_line: dict[CostLineCode, dict[int, Value]] = {
        line: dict.fromkeys(params.years, 0.0) for line in (CostLineCode.CR_APPROVED, CostLineCode.CR_PIPELINE)
    }
    for _, year, line, amount in change_request_amounts(params, register, resolve):
        by_line[line][year] = by_line[line][year] + amount
    return [CostLine(line, CostKind.ONE_OFF, amounts) for line, amounts in by_line.items()]


def long_cost_table(lines: list[CostLine], books: Books | None = None) -> pd.DataFrame:
    """Cost lines as the long table of COST_COLUMNS: year, line_code, kind, amount_dkk, basis (codes as
    plain text); without books every year is estimated."""
    rows = [
        (year, line.code.value, line.kind.value, float(amount),
         (books.basis(year) if books is not None else Basis.ESTIMATED).value)
        for line in lines
        for year, amount in line.amounts.items()
    ]
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def cost_by_year(params: Params, change_requests: pd.DataFrame, books: Books | None = None) -> pd.DataFrame:
    """The deterministic cost model as a long table of COST_COLUMNS, on the books when given."""
    return long_cost_table(compute_cost_lines(params, change_requests, books=books), books)


def books_for(params: Params, actuals: pd.DataFrame | None, change_requests: pd.DataFrame) -> Books | None:
    """The scenario's books: its actuals phased by its agreements and its change requests' delivery
    (None without an actuals section or register)."""
    if params.actuals is None or actuals is None:
        return None
    phasing = line_phasing(params, change_request_amounts(params, change_requests), change_requests)
    return books_from(params, actuals, phasing)


def total_by_year(costs: pd.DataFrame) -> pd.Series:
    """Total cost per year from a long cost table."""
    return costs.groupby("year")["amount_dkk"].sum()


def net_present_value(totals: pd.Series, rate: float) -> float:
    """Σ total_y / (1 + r)^(y − y0), with y0 the first year."""
    years = totals.index.to_numpy(dtype=int)
    return float(np.sum(totals.to_numpy(dtype=float) / (1 + rate) ** (years - years.min())))
