"""Risk scores and bands, expected values, the risk pool and its cost lines, and the trend.

Takes the validated register of `risk_register.py` (one row per risk, amounts in kroner at the
model's price level) and returns new frames; nothing is read, written or changed in place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from kpro_econ.model.books import Books
from kpro_econ.model.costs import apply_books
from kpro_econ.model.lines import CostLine, Value
from kpro_econ.params.codes import CostKind, CostLineCode, RiskStatus, Trend
from kpro_econ.params.figures import pert_mean
from kpro_econ.params.models import Band, Params, RiskSettings
from kpro_econ.risk.columns import RISK_COLUMNS

# Both lines are one-off: each pooled risk is an event that costs once, in its proximity year, and
# each mitigation is an action with its own price; neither is a standing service like the fees.
POOL_KIND = CostKind.ONE_OFF
MITIGATION_KIND = CostKind.ONE_OFF
# An occurred risk's own cost is an event that has happened: one-off, in its proximity year.
OCCURRED_KIND = CostKind.ONE_OFF
TRIGGER_COLUMN = "trigger"
"""The KPI rule a risk is tied to (a `KpiTrigger` code), blank where none; `apply_triggers` adds it."""
BOOKED_COLUMN = "booked_in"
"""The cost line (a `CostLineCode`) that carries an occurred risk's own cost, blank for other risks."""

MITIGATED_STATUSES = (RiskStatus.OPEN, RiskStatus.OCCURRED)
"""Risks whose mitigation is paid for: a closed risk's mitigation is history."""


SCORE_COLUMNS = [
    "score_inherent", "score_residual", "band_inherent", "band_residual", "probability_resolved",
    "cost_mean", "expected_value_dkk",
]
REGISTER_TABLE_COLUMNS = [*RISK_COLUMNS, *SCORE_COLUMNS, "in_pool", "trend", TRIGGER_COLUMN, BOOKED_COLUMN,
                          "share_to_come", "review_overdue"]
POOL_COLUMNS = ["rank", "id", "title", "owner", "probability", "cost_mean", "expected_value_dkk", "proximity",
                "years"]


def risk_settings(params: Params) -> RiskSettings:
    """The params' risk settings, or the defaults where the params have none."""
    return params.risk if params.risk is not None else RiskSettings()


def band_of(score: int, bands: Sequence[Band]) -> str:
    """Name of the band a score 1–25 falls in (the settings guarantee exactly one)."""
    return next(band.name for band in bands if band.min_score <= score <= band.max_score)


def score_risks(register: pd.DataFrame, settings: RiskSettings) -> pd.DataFrame:
    """The register with SCORE_COLUMNS added.

    Score = likelihood × impact; the probability is the register's, else the settings' probability
    of the residual likelihood. The expected value p × PERT mean(cost) is 0 unless the risk is open:
    a closed risk can no longer occur, and an occurred one is a cost for the budget, not a risk.
    """
    score_inherent = register["likelihood_inherent"] * register["impact_inherent"]
    score_residual = register["likelihood_residual"] * register["impact_residual"]
    from_likelihood = register["likelihood_residual"].map(settings.probability_by_likelihood)
    probability = register["probability"].astype("float64").fillna(from_likelihood)
    cost_mean = pert_mean(register["cost_low"], register["cost_mode"], register["cost_high"])
    is_open = register["status"] == RiskStatus.OPEN
    return register.assign(
        score_inherent=score_inherent,
        score_residual=score_residual,
        band_inherent=[band_of(int(s), settings.bands) for s in score_inherent],
        band_residual=[band_of(int(s), settings.bands) for s in score_residual],
        probability_resolved=probability,
        cost_mean=cost_mean,
        expected_value_dkk=(probability * cost_mean).where(is_open, 0.0).fillna(0.0),
    )


def share_to_come(register: pd.DataFrame, years: Sequence[int], books: Books | None) -> pd.Series:
    """Each risk's share still to come, by the register's index: of its proximity year's pool (none once
    the year is closed), or the mean over the years of a risk spread evenly; 1 without books."""
    if books is None:
        return pd.Series(1.0, index=register.index, dtype="float64")
    spread = sum(books.share(y, CostLineCode.RISK_POOL) for y in years) / len(years)
    return pd.Series([spread if pd.isna(p) else books.share(_place_year(int(p), years), CostLineCode.RISK_POOL)
                      for p in register["proximity"]], index=register.index, dtype="float64")


def pool_members(scored: pd.DataFrame, pool_size: int, to_come: pd.Series | None = None) -> pd.DataFrame:
    """The at most `pool_size` open risks with the largest expected value still to come (ties by id),
    largest first; a risk whose years are all closed (`to_come` 0) can no longer be in the pool."""
    open_risks = scored[scored["status"] == RiskStatus.OPEN]
    if to_come is not None:
        remaining = open_risks["expected_value_dkk"] * to_come.reindex(open_risks.index)
        open_risks = open_risks.assign(expected_value_dkk=remaining)[to_come.reindex(open_risks.index) > 0]
    ranked = open_risks.sort_values(["expected_value_dkk", "id"], ascending=[False, True], kind="stable")
    return ranked.head(pool_size)


def risk_pool(
    register: pd.DataFrame, settings: RiskSettings, years: Sequence[int], books: Books | None = None
) -> pd.DataFrame:
    """The risk pool in POOL_COLUMNS: rank, the risk, its expected value still to come (all of it without
    books) and the year(s) it is placed in."""
    members = pool_members(score_risks(register, settings), settings.pool_size,
                           share_to_come(register, years, books))
    spread = f"{min(years)}–{max(years)}"
    return pd.DataFrame({
        "rank": range(1, len(members) + 1),
        "id": members["id"].to_numpy(),
        "title": members["title"].to_numpy(),
        "owner": members["owner"].to_numpy(),
        "probability": members["probability_resolved"].to_numpy(),
        "cost_mean": members["cost_mean"].to_numpy(),
        "expected_value_dkk": members["expected_value_dkk"].to_numpy(),
        "proximity": members["proximity"].astype("Int64").array,
        "years": [str(_place_year(p, years)) if pd.notna(p) else spread for p in members["proximity"]],
    }, columns=POOL_COLUMNS)


def apply_triggers(
    register: pd.DataFrame, triggers: Mapping[str, str], fired: Collection[str], routed: Collection[str] = ()
) -> pd.DataFrame:
    """The register with TRIGGER_COLUMN (each risk's KPI rule, from `triggers` by id) and every open risk
    whose rule is in `fired` turned into an occurred one: it leaves the pool and its cost is budgeted.

    A rule in `routed` has its cost in a decision's own cost line (the wave-5 rule in *Bølge 5 eller
    bilateralt*, when the params cost the routes): BOOKED_COLUMN says so, and the risk's own estimate is
    then not budgeted a second time.
    """
    trigger = register["id"].astype(str).map(dict(triggers)).astype(object)
    occurs = trigger.isin(list(fired)) & (register["status"] == RiskStatus.OPEN)
    status = register["status"].where(~occurs, str(RiskStatus.OCCURRED))
    booked = pd.Series([_booked(s, t, routed) for s, t in zip(status, trigger, strict=True)],
                       index=register.index, dtype=object)
    return register.assign(
        status=status,
        probability=register["probability"].astype("float64").where(~occurs, 1.0),
        **{TRIGGER_COLUMN: trigger.where(trigger.notna(), None), BOOKED_COLUMN: booked},
    )


def _booked(status: str, trigger: object, routed: Collection[str]) -> str | None:
    if status != RiskStatus.OCCURRED:
        return None
    return str(CostLineCode.WAVE_ROUTE) if trigger in routed else str(CostLineCode.OCCURRED_RISKS)


def booked_in(register: pd.DataFrame) -> pd.Series:
    """BOOKED_COLUMN, or (for a register without triggers) every occurred risk in *Indtrufne risici*."""
    if BOOKED_COLUMN in register:
        return register[BOOKED_COLUMN]
    return pd.Series([_booked(s, None, ()) for s in register["status"]], index=register.index, dtype=object)


def occurred(register: pd.DataFrame) -> pd.DataFrame:
    """The occurred risks whose own cost is the line *Indtrufne risici* (those with a cost)."""
    own_line = booked_in(register) == str(CostLineCode.OCCURRED_RISKS)
    return register[own_line & register["cost_high"].fillna(0).gt(0)]


def risk_cost_lines(register: pd.DataFrame, params: Params, books: Books | None = None) -> list[CostLine]:
    """*Risikopulje* (the pool's expected values), *Risikoreducerende tiltag* (mitigation of open
    and occurred risks) and *Indtrufne risici* (each occurred risk's own cost, its PERT mean), per
    year of `params.years`: in each risk's proximity year, else spread evenly; with `books`, a closed
    year is what was booked on the line and the current year adds what is still to come.
    """
    settings = risk_settings(params)
    scored = score_risks(register, settings)
    members = pool_members(scored, settings.pool_size, share_to_come(register, params.years, books))
    members = members.assign(expected_value_dkk=scored.loc[members.index, "expected_value_dkk"])
    paying = scored[scored["status"].isin(MITIGATED_STATUSES)]
    happened = scored.loc[occurred(scored).index]
    return apply_books([
        CostLine(CostLineCode.RISK_POOL, POOL_KIND,
                 _by_year(members["expected_value_dkk"], members["proximity"], params.years)),
        CostLine(CostLineCode.MITIGATION, MITIGATION_KIND,
                 _by_year(paying["mitigation_cost"], paying["proximity"], params.years)),
        CostLine(CostLineCode.OCCURRED_RISKS, OCCURRED_KIND,
                 _by_year(happened["cost_mean"], happened["proximity"], params.years)),
    ], books, params.years)


def _by_year(amounts: pd.Series, proximity: pd.Series, years: Sequence[int]) -> dict[int, Value]:
    by_year: dict[int, Value] = dict.fromkeys(years, 0.0)
    for amount, year in zip(amounts, proximity, strict=True):
        if pd.isna(year):
            for y in years:
                by_year[y] = float(by_year[y]) + float(amount) / len(years)
        else:
            placed = _place_year(int(year), years)
            by_year[placed] = float(by_year[placed]) + float(amount)
    return by_year


def _place_year(year: int, years: Sequence[int]) -> int:
    """A proximity outside the budget years counts in the nearest one (validation normally prevents it)."""
    return min(max(int(year), min(years)), max(years))


def trend(current: pd.DataFrame, previous: pd.DataFrame) -> pd.Series:
    """Each risk's residual score against an earlier register: a `Trend` (up, down, same, new, closed).

    Indexed by id: every current risk, then risks the earlier register had and the current one has
    dropped (closed). A closed risk is closed. `previous` may be an earlier run's output table or
    a raw register, typed or as strings; its score is `score_residual`, else likelihood × impact.
    An earlier score that cannot be read gives no arrow (None).
    """
    before = _residual_scores(previous)
    now = _residual_scores(current)
    closed = {str(i).strip() for i, s in zip(current["id"], current["status"], strict=True)
              if str(s).strip().lower() == RiskStatus.CLOSED}
    arrows: dict[str, Trend | None] = {}
    for risk_id, score in now.items():
        if risk_id in closed:
            arrows[risk_id] = Trend.CLOSED
        elif risk_id not in before:
            arrows[risk_id] = Trend.NEW
        elif np.isnan(before[risk_id]) or np.isnan(score):
            arrows[risk_id] = None
        else:
            arrows[risk_id] = (Trend.UP if score > before[risk_id] else Trend.DOWN if score < before[risk_id]
                               else Trend.SAME)
    arrows.update({risk_id: Trend.CLOSED for risk_id in before if risk_id not in arrows})
    return pd.Series(arrows, name="trend", dtype=object)


def _residual_scores(register: pd.DataFrame) -> dict[str, float]:
    """Residual score by id, NaN where it cannot be read."""
    if "score_residual" in register:
        scores = pd.to_numeric(register["score_residual"], errors="coerce")
    else:
        scores = (pd.to_numeric(register["likelihood_residual"], errors="coerce")
                  * pd.to_numeric(register["impact_residual"], errors="coerce"))
    values = scores.to_numpy(dtype="float64", na_value=np.nan)
    return {str(risk_id).strip(): float(v) for risk_id, v in zip(register["id"], values, strict=True)}


def review_overdue(register: pd.DataFrame, on: date, months: int) -> pd.Series:
    """Whether each risk that is not closed was last reviewed more than `months` months before `on`."""
    limit = pd.Timestamp(on) - pd.DateOffset(months=months)
    stale = pd.to_datetime(register["last_reviewed"]) < limit
    return (stale & (register["status"] != RiskStatus.CLOSED)).astype(bool)


def risk_register_table(
    register: pd.DataFrame, settings: RiskSettings, previous: pd.DataFrame | None = None,
    to_come: pd.Series | None = None, reviewed_by: date | None = None,
) -> pd.DataFrame:
    """The register with scores, bands, resolved probability, expected value, pool membership (of the
    risks still to come, `to_come` from `share_to_come`, also a column), trend, and whether the review is
    overdue on `reviewed_by` (`settings.review_months`; never without a date) (REGISTER_TABLE_COLUMNS);
    the trend is blank without an earlier register to compare with."""
    scored = score_risks(register, settings)
    in_pool = set(pool_members(scored, settings.pool_size, to_come)["id"])
    arrows = trend(register, previous).to_dict() if previous is not None else {}
    table = scored.assign(
        in_pool=scored["id"].isin(in_pool),
        trend=pd.Series([arrows.get(str(i)) for i in scored["id"]], index=scored.index, dtype=object),
    )
    if TRIGGER_COLUMN not in table:
        table[TRIGGER_COLUMN] = None
    table[BOOKED_COLUMN] = booked_in(table)
    table["share_to_come"] = (to_come.reindex(table.index).astype("float64") if to_come is not None
                              else pd.Series(1.0, index=table.index, dtype="float64"))
    table["review_overdue"] = (review_overdue(table, reviewed_by, settings.review_months) if reviewed_by is not None
                               else pd.Series(False, index=table.index, dtype=bool))
    return table[REGISTER_TABLE_COLUMNS].reset_index(drop=True)


def open_risk_draw_parameters(
    register: pd.DataFrame, settings: RiskSettings, years: Sequence[int], books: Books | None = None
) -> pd.DataFrame:
    """Open and occurred risks as the Monte Carlo draws them: id, title, probability, cost_low/mode/high,
    and placement (each year's weight: the proximity year, else every year evenly, times the share of
    the year still to come on the pool's line, or on *Indtrufne risici* for an occurred risk).

    An occurred risk is certain (probability 1): its cost is in the budget, only its amount is uncertain.
    """
    scored = score_risks(register, settings)
    happened = scored.index.isin(occurred(scored).index)
    open_risks = scored[(scored["status"] == RiskStatus.OPEN) | happened].assign(
        probability_resolved=lambda f: f["probability_resolved"].where(f["status"] == RiskStatus.OPEN, 1.0))
    placement = [_placement(p, status, years, books)
                 for p, status in zip(open_risks["proximity"], open_risks["status"], strict=True)]
    return pd.DataFrame({
        "id": open_risks["id"].astype(str).to_numpy(),
        "title": open_risks["title"].astype(str).to_numpy(),
        "probability": open_risks["probability_resolved"].to_numpy(dtype=np.float64),
        "cost_low": open_risks["cost_low"].to_numpy(dtype=np.float64),
        "cost_mode": open_risks["cost_mode"].to_numpy(dtype=np.float64),
        "cost_high": open_risks["cost_high"].to_numpy(dtype=np.float64),
        "placement": pd.Series(placement, dtype=object).to_numpy(),
    })


def _placement(
    proximity: object, status: str, years: Sequence[int], books: Books | None
) -> tuple[tuple[int, float], ...]:
    line = CostLineCode.OCCURRED_RISKS if status == RiskStatus.OCCURRED else CostLineCode.RISK_POOL
    weights = ({_place_year(int(proximity), years): 1.0} if pd.notna(proximity)  # type: ignore[call-overload]
               else dict.fromkeys(years, 1 / len(years)))
    return tuple((year, weight * (books.share(year, line) if books is not None else 1.0))
                 for year, weight in weights.items())
