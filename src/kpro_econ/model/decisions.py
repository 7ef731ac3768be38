"""The steering group's questions as costed decisions: wave 5 or bilateral, and the FUT SPOC option.

Pure functions of the params (and a count); nothing is read or written. Amounts are in the model's
price level, converted as the cost model converts them. As in the state's business case model, a
decision weighs only what is still to come: with an as-of date (`actuals.as_of`) nothing in or
before its month counts, and a net present value is discounted to the decision year (the as-of
date's year, else the report year).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from kpro_econ.model.lines import CostLine, Resolve, Value, price_level_converter, resolve_mean
from kpro_econ.params.codes import CostKind, CostLineCode, WaveRoute
from kpro_econ.params.decisions import Decision, WaveRoutes
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import Params

MAX_COMPARED = 30
"""The comparison runs over 0–30 municipalities not ready (the minutes speak of 15–20)."""
WAVE_FIXED = "wave_routes.wave.fixed"
WAVE_PER = "wave_routes.wave.per_municipality"
BILATERAL_PER = "wave_routes.bilateral.per_municipality"
COMPARISON_COLUMNS = [
    "not_ready", "wave5_low", "wave5_mode", "wave5_high", "wave5_mean",
    "bilateral_low", "bilateral_mode", "bilateral_high", "bilateral_mean", "cheaper",
]


# --- what is still to come ------------------------------------------------------------------

def decision_year(params: Params) -> int:
    """The year a decision is taken in: the as-of date's, else the report year (the price level's, when a
    budget year, else the first)."""
    if params.actuals is not None:
        return params.actuals.as_of.year
    return params.price_level_year if params.price_level_year in params.years else params.years[0]


def first_open_month(params: Params) -> pd.Period:
    """The first month a decision can still change: the one after the as-of date's month (a month that
    has begun is spent), else January of the decision year."""
    if params.actuals is not None:
        return pd.Period(params.actuals.as_of, freq="M") + 1
    return pd.Period(year=decision_year(params), month=1, freq="M")


def present_value(amounts: Mapping[int, float], rate: float, year0: int) -> float:
    """Σ amount_y / (1 + rate)^(y − year0) over the years from `year0` on (earlier years are spent)."""
    return float(sum(a / (1 + rate) ** (y - year0) for y, a in amounts.items() if y >= year0))


# --- wave 5 or bilateral ---------------------------------------------------------------------

def break_even(fixed: float, per_wave: float, per_bilateral: float, capacity: int,
               max_count: int = MAX_COMPARED) -> int | None:
    """The fewest municipalities not ready at which a wave costs no more than bilateral handling.

    A wave costs `fixed + per_wave · n`, bilateral handling `per_bilateral · n` while n ≤ `capacity`
    (above it bilateral handling is not possible). None if bilateral stays cheaper up to `max_count`.
    """
    for n in range(max_count + 1):
        if n > capacity or fixed + per_wave * n <= per_bilateral * n:
            return n
    return None


def route_for(not_ready: int, threshold: int | None, break_even_count: int | None) -> WaveRoute:
    """The steering group's rule when it has a threshold (`kpi.wave5_threshold`, inclusive), else the cheaper route."""
    limit = threshold if threshold is not None else break_even_count
    return WaveRoute.WAVE5 if limit is not None and not_ready >= limit else WaveRoute.BILATERAL


def _figures(routes: WaveRoutes) -> dict[str, Amount | ThreePoint]:
    return {WAVE_FIXED: routes.wave.fixed, WAVE_PER: routes.wave.per_municipality,
            BILATERAL_PER: routes.bilateral.per_municipality}


def route_cost(params: Params, route: WaveRoute, not_ready: int, resolve: Resolve = resolve_mean) -> Value:
    """The route's cost for `not_ready` municipalities, each figure resolved by `resolve` (its mean, or draws)."""
    routes = params.wave_routes
    assert routes is not None  # noqa: S101 (only called when the params have wave routes)
    to_level = price_level_converter(params)
    figures = _figures(routes)

    def value(name: str) -> Value:
        return to_level(resolve(name, figures[name]), figures[name])

    if route == WaveRoute.WAVE5:
        return value(WAVE_FIXED) + value(WAVE_PER) * not_ready
    return value(BILATERAL_PER) * not_ready


def _points(figure: Amount | ThreePoint) -> tuple[float, float, float]:
    return (figure.low, figure.mode, figure.high) if isinstance(figure, ThreePoint) else (figure.value,) * 3


def route_comparison(params: Params, max_count: int = MAX_COMPARED) -> pd.DataFrame:
    """COMPARISON_COLUMNS for 0–`max_count` municipalities not ready: each route's low, mode, high and
    PERT mean in the model's prices (bilateral blank above its capacity), and the cheaper route by mean."""
    routes = params.wave_routes
    assert routes is not None  # noqa: S101 (only called when the params have wave routes)
    rows = []
    for n in range(max_count + 1):
        wave = [float(route_cost(params, WaveRoute.WAVE5, n, _at_point(i))) for i in range(3)]
        wave_mean = float(route_cost(params, WaveRoute.WAVE5, n))
        possible = n <= routes.bilateral.capacity
        bilateral = [float(route_cost(params, WaveRoute.BILATERAL, n, _at_point(i))) if possible else math.nan
                     for i in range(3)]
        bilateral_mean = float(route_cost(params, WaveRoute.BILATERAL, n)) if possible else math.nan
        cheaper = WaveRoute.WAVE5 if not possible or wave_mean <= bilateral_mean else WaveRoute.BILATERAL
        rows.append((n, *wave, wave_mean, *bilateral, bilateral_mean, str(cheaper)))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _at_point(index: int) -> Resolve:
    def resolve(name: str, figure: Amount | ThreePoint) -> Value:
        return _points(figure)[index]

    return resolve


def break_even_of(params: Params) -> int | None:
    """`break_even` of the params' routes at their PERT means in the model's prices."""
    routes = params.wave_routes
    assert routes is not None  # noqa: S101 (only called when the params have wave routes)
    fixed = float(route_cost(params, WaveRoute.WAVE5, 0))
    per_wave = float(route_cost(params, WaveRoute.WAVE5, 1)) - fixed
    per_bilateral = float(route_cost(params, WaveRoute.BILATERAL, 1))
    return break_even(fixed, per_wave, per_bilateral, routes.bilateral.capacity)


def route_decision(params: Params) -> Decision | None:
    """The newest decision in the log that settles the route (None: the route is only recommended)."""
    settled = [d for d in params.decisions if d.option == "wave_route"]
    return max(settled, key=lambda d: d.date) if settled else None


def chosen_route(params: Params) -> WaveRoute | None:
    """The route decided in the log, else the one recommended for the params' count of municipalities
    not ready (None without routes, or without a count when nothing is decided)."""
    routes = params.wave_routes
    decided = route_decision(params)
    if routes is not None and decided is not None and decided.choice is not None:
        return decided.choice
    if routes is None or routes.not_ready is None:
        return None
    threshold = params.kpi.wave5_threshold if params.kpi is not None else None
    return route_for(routes.not_ready, threshold, break_even_of(params) if threshold is None else None)


def wave_route_line(params: Params, resolve: Resolve = resolve_mean) -> CostLine | None:
    """*Bølge 5 eller bilateralt*: the chosen route's cost in its year (None without routes or a count)."""
    route = chosen_route(params)
    routes = params.wave_routes
    if route is None or routes is None or routes.not_ready is None:
        return None
    amounts: dict[int, Value] = dict.fromkeys(params.years, 0.0)
    if routes.year in amounts:
        amounts[routes.year] = route_cost(params, route, routes.not_ready, resolve)
    return CostLine(CostLineCode.WAVE_ROUTE, CostKind.ONE_OFF, amounts)


ROUTE_DECISION_COLUMNS = ["not_ready", "threshold", "break_even", "route", "year", "cost_mean_dkk", "wave5_dkk",
                          "bilateral_dkk", "decided", "decided_on", "deadline", "to_come"]


def wave_route_decision(params: Params) -> pd.DataFrame:
    """One row (empty without a count): not_ready, threshold, break_even, the route and its year and cost
    (PERT mean), both routes' costs (bilateral blank above its capacity), whether the route is decided
    (`decided_on` the log's date) or only recommended, the deadline, and whether its cost is still to come
    (its year not before the decision year)."""
    route = chosen_route(params)
    routes = params.wave_routes
    if route is None or routes is None or routes.not_ready is None:
        return pd.DataFrame(columns=ROUTE_DECISION_COLUMNS)
    threshold = params.kpi.wave5_threshold if params.kpi is not None else None
    n = routes.not_ready
    bilateral = float(route_cost(params, WaveRoute.BILATERAL, n)) if n <= routes.bilateral.capacity else math.nan
    decided = route_decision(params)
    return pd.DataFrame([(
        n, threshold, break_even_of(params), str(route), routes.year, float(route_cost(params, route, n)),
        float(route_cost(params, WaveRoute.WAVE5, n)), bilateral, decided is not None,
        pd.Timestamp(decided.date) if decided is not None else pd.NaT, pd.Timestamp(routes.decide_by()),
        routes.year >= decision_year(params),
    )], columns=ROUTE_DECISION_COLUMNS)


# --- the FUT SPOC option ---------------------------------------------------------------------

Action = Literal["end", "start"]


def spoc_months_after(
    months_active: Mapping[int, float], years: Sequence[int], action: Action, year: int, month: int,
    notice_months: int,
) -> dict[int, float]:
    """Months active per year after notice to end or start the option is given in `month` of `year`.

    Notice given in month m takes effect `notice_months` later, from the start of month m + notice
    (one month's notice given in September: the option ends, or starts, from 1 October). A year's
    active months are its last ones (an option taken up in mid-year runs to December).
    """
    effective = (month - 1) + notice_months  # months from the start of `year` to the change
    after: dict[int, float] = {}
    for y in years:
        active = float(months_active.get(y, 0.0))
        t = effective - 12 * (y - year)  # the change, in months from the start of year y
        if action == "end":
            after[y] = min(max(t - (12 - active), 0.0), active)
        else:
            after[y] = max(active, 12 - min(max(t, 0.0), 12.0))
    return after


def spoc_change(params: Params, action: Action, year: int, month: int) -> pd.DataFrame:
    """year, months_before, months_after, change_dkk (what the change costs, negative when it saves)."""
    spoc = params.support.spoc_option
    columns = ["year", "months_before", "months_after", "change_dkk"]
    if spoc is None:
        return pd.DataFrame(columns=columns)
    monthly = float(price_level_converter(params)(spoc.monthly_price.mean, spoc.monthly_price))
    after = spoc_months_after(spoc.months_active, params.years, action, year, month, spoc.notice_months)
    before = {y: float(spoc.months_active.get(y, 0.0)) for y in params.years}
    return pd.DataFrame([(y, before[y], after[y], (after[y] - before[y]) * monthly) for y in params.years],
                        columns=columns)


def spoc_months_to_come(params: Params) -> dict[int, float]:
    """The option's active months per year from the first open month on (a year's active months are its
    last ones, so a year that has begun keeps those of its months still to come)."""
    spoc = params.support.spoc_option
    months = {y: float(spoc.months_active.get(y, 0.0)) if spoc is not None else 0.0 for y in params.years}
    start = first_open_month(params)
    return {y: 0.0 if y < start.year else min(m, 13.0 - start.month) if y == start.year else m
            for y, m in months.items()}


def spoc_with_and_without(params: Params) -> pd.DataFrame:
    """year, months_active, with_dkk, without_dkk: the option's cost still to come per year from the
    decision year on, and without it (nothing)."""
    spoc = params.support.spoc_option
    columns = ["year", "months_active", "with_dkk", "without_dkk"]
    if spoc is None:
        return pd.DataFrame(columns=columns)
    monthly = float(price_level_converter(params)(spoc.monthly_price.mean, spoc.monthly_price))
    months = spoc_months_to_come(params)
    return pd.DataFrame([(y, months[y], months[y] * monthly, 0.0) for y in params.years if y >= decision_year(params)],
                        columns=columns)


SPOC_ENDING_COLUMNS = ["notice", "effective", "saving_dkk", "saving_npv_dkk"]


def spoc_ending_by_month(params: Params, months: int = 12) -> pd.DataFrame:
    """notice (YYYY-MM), effective (YYYY-MM), saving_dkk, saving_npv_dkk: what ending the option saves over
    the budget years when notice is given in each of the `months` months from the first open month (a
    month already past is not offered), and that saving discounted to the decision year."""
    spoc = params.support.spoc_option
    if spoc is None:
        return pd.DataFrame(columns=SPOC_ENDING_COLUMNS)
    start, year0, rate = first_open_month(params), decision_year(params), params.discount_rate.mean
    rows = []
    for notice in (start + i for i in range(months)):
        if notice.year > params.years[-1]:
            break
        change = spoc_change(params, "end", notice.year, notice.month)
        saving = {int(y): -float(c) for y, c in zip(change["year"], change["change_dkk"], strict=True)}
        rows.append((str(notice), str(notice + spoc.notice_months), sum(saving.values()),
                     present_value(saving, rate, year0)))
    return pd.DataFrame(rows, columns=SPOC_ENDING_COLUMNS)
