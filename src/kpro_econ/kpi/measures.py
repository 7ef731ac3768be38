"""The KPIs the systemforvaltning reports to the steering group: operations, adoption, roadmap, cost per use.

Pure functions: validated frames in (`kpi_inputs.operations`, `kpi_inputs.adoption`, the change-request
register of `registers.change_requests`, the cost model's long table), tidy DataFrames out. Columns and
values are English identifiers; the charts and reports label them in Danish.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from kpro_econ.params.codes import ChangeRequestStatus, Channel, CostKind, KpiTrigger, Priority, Severity
from kpro_econ.params.figures import pert_mean

# Codes as the inputs write them; their Danish labels are in `kpro_econ.report.labels`.
CHANNELS: tuple[Channel, ...] = tuple(Channel)
SEVERITIES: tuple[Severity, ...] = tuple(Severity)
PRIORITIES: tuple[Priority, ...] = tuple(Priority)
STATUSES: tuple[str, ...] = tuple(status.value for status in ChangeRequestStatus)
WAVE5, BILATERAL = "wave5", "bilateral"
STAGES = ("requested_to_approved", "approved_to_delivered", "requested_to_delivered")

# Availability is compared with a little slack: 99.5 % read from a file is 0.995 only to float precision.
_TOLERANCE = 1e-9


def minutes_in_month(month: date | pd.Timestamp) -> int:
    """All minutes of the month: 44,640 in a 31-day month, 41,760 in February 2024."""
    return calendar.monthrange(month.year, month.month)[1] * 24 * 60


def _month_end(months: pd.Series) -> pd.Series:
    return months + pd.offsets.MonthEnd(0)


def _measure(operations: pd.DataFrame, measure: str) -> pd.DataFrame:
    return operations[operations["measure"] == measure]


# --- operations ------------------------------------------------------------------------------

def availability_by_month(operations: pd.DataFrame, target: float) -> pd.DataFrame:
    """month, availability (fraction), downtime_minutes, target, meets_target (availability >= target).

    A month given as minutes down becomes 1 − minutes down / the month's minutes, and the reverse.
    """
    rows = operations[operations["measure"].isin(["availability_pct", "downtime_minutes"])]
    minutes = rows["month"].map(minutes_in_month).astype("float64")
    from_pct = rows["measure"] == "availability_pct"
    availability = np.where(from_pct, rows["value"] / 100, 1 - rows["value"] / minutes)
    frame = pd.DataFrame({
        "month": rows["month"].to_numpy(),
        "availability": availability,
        "downtime_minutes": (1 - availability) * minutes.to_numpy(),
        "target": target,
    })
    frame["meets_target"] = frame["availability"] >= target - _TOLERANCE
    return frame.sort_values("month", ignore_index=True)


def response_times_by_month(
    operations: pd.DataFrame, median_target_ms: float | None = None, p95_target_ms: float | None = None
) -> pd.DataFrame:
    """month, median_ms, p95_ms, the two targets and meets_target (NA where no target is set)."""
    wide = (
        operations[operations["measure"].isin(["response_median_ms", "response_p95_ms"])]
        .pivot_table(index="month", columns="measure", values="value", aggfunc="sum")
        .reindex(columns=["response_median_ms", "response_p95_ms"])
        .rename(columns={"response_median_ms": "median_ms", "response_p95_ms": "p95_ms"})
        .reset_index()
        .rename_axis(columns=None)
    )
    checks = [wide[column] <= target for column, target in (("median_ms", median_target_ms),
                                                           ("p95_ms", p95_target_ms)) if target is not None]
    meets = (pd.concat(checks, axis=1).all(axis=1).astype("boolean") if checks
             else pd.Series(pd.NA, index=wide.index, dtype="boolean"))
    return wide.assign(median_target_ms=np.nan if median_target_ms is None else median_target_ms,
                       p95_target_ms=np.nan if p95_target_ms is None else p95_target_ms, meets_target=meets)


def support_by_month(
    operations: pd.DataFrame, by: Literal["channel", "category"] = "channel"
) -> pd.DataFrame:
    """month, `by`, requests: every month of the table times every channel, 0 where none; or each
    month's categories as the register gives them (a free-text category may occur once, so the grid of
    every month times every category could be the register's length times its months)."""
    rows = _measure(operations, "support_requests")
    counts = rows.groupby(["month", by])["value"].sum()
    if by == "channel":
        grid = pd.MultiIndex.from_product([sorted(operations["month"].unique()), CHANNELS], names=["month", by])
        counts = counts.reindex(grid, fill_value=0.0)
    return counts.astype("int64").rename("requests").reset_index()


def support_channel_share(operations: pd.DataFrame) -> pd.DataFrame:
    """month, citizen_requests, staff_requests, total_requests, staff_share (NaN in a month without any)."""
    wide = support_by_month(operations, "channel").pivot(index="month", columns="channel", values="requests")
    total = wide[Channel.CITIZEN] + wide[Channel.STAFF]
    return pd.DataFrame({
        "month": wide.index,
        "citizen_requests": wide[Channel.CITIZEN].to_numpy(),
        "staff_requests": wide[Channel.STAFF].to_numpy(),
        "total_requests": total.to_numpy(),
        "staff_share": (wide[Channel.STAFF] / total.where(total > 0)).to_numpy(),
    })


def errors_by_month(operations: pd.DataFrame) -> pd.DataFrame:
    """month, severity, errors: every month times every severity (kritisk first), 0 where none."""
    rows = _measure(operations, "errors")
    grid = pd.MultiIndex.from_product([sorted(operations["month"].unique()), SEVERITIES],
                                      names=["month", "severity"])
    counts = rows.groupby(["month", "severity"])["value"].sum().reindex(grid, fill_value=0.0)
    return counts.astype("int64").rename("errors").reset_index()


# --- adoption --------------------------------------------------------------------------------

def extract(adoption: pd.DataFrame, month: date | pd.Timestamp | None = None) -> pd.DataFrame:
    """One month's adoption extract (default the latest), with `month_end` and `live` at its end."""
    wanted = adoption["month"].max() if month is None else pd.Timestamp(month).to_period("M").to_timestamp()
    rows = adoption[adoption["month"] == wanted]
    if rows.empty:
        raise ValueError(f"no adoption extract for {pd.Timestamp(wanted):%Y-%m}")
    return _with_status(rows)


def _with_status(rows: pd.DataFrame) -> pd.DataFrame:
    month_end = _month_end(rows["month"])
    return rows.assign(
        month_end=month_end,
        live=rows["actual_go_live"].notna() & (rows["actual_go_live"] <= month_end),
        planned_live=rows["planned_go_live"] <= month_end,
    )


def live_against_plan(adoption: pd.DataFrame) -> pd.DataFrame:
    """month, wave, municipalities, planned_live, live, behind_plan — each month from its own extract.

    `behind_plan` counts municipalities whose planned go-live has passed by the month's end while they
    are not live (early ones do not offset late ones).
    """
    rows = _with_status(adoption)
    rows = rows.assign(behind_plan=rows["planned_live"] & ~rows["live"])
    grouped = rows.groupby(["month", "wave"], as_index=False)
    return grouped.agg(municipalities=("code", "size"), planned_live=("planned_live", "sum"),
                       live=("live", "sum"), behind_plan=("behind_plan", "sum"))


def wave4_not_ready(adoption: pd.DataFrame, month: date | pd.Timestamp | None = None) -> pd.DataFrame:
    """The wave-4 municipalities that were not live on their planned go-live date, in one extract.

    code, name, planned_go_live, actual_go_live, live, days_late (to the go-live, or to the extract's
    month end while not live). Municipalities whose planned date is still ahead are not yet due and
    are not counted.
    """
    rows = extract(adoption, month)
    wave4 = rows[(rows["wave"] == 4) & rows["planned_live"]]
    late = wave4[wave4["actual_go_live"].isna() | (wave4["actual_go_live"] > wave4["planned_go_live"])]
    reached = late["actual_go_live"].where(late["live"], late["month_end"])
    return late.assign(days_late=(reached - late["planned_go_live"]).dt.days.astype("int64"))[
        ["code", "name", "planned_go_live", "actual_go_live", "live", "days_late"]
    ].sort_values(["planned_go_live", "name"], ignore_index=True)


def decide_wave5(not_ready: int, threshold: int) -> str:
    """WAVE5 when at least `threshold` municipalities are not ready, else BILATERAL.

    Inclusive: the minutes say a wave 5 may be needed "if 15–20 are not ready", so 15 of 15 is wave 5.
    """
    return WAVE5 if not_ready >= threshold else BILATERAL


def fired_triggers(not_ready: int, threshold: int) -> set[KpiTrigger]:
    """The KPI rules that fire at this count of wave-4 municipalities not ready (`decide_wave5`)."""
    return {KpiTrigger.WAVE5} if decide_wave5(not_ready, threshold) == WAVE5 else set()


def wave5_decision(
    adoption: pd.DataFrame, threshold: int, wave4_planned: int, month: date | pd.Timestamp | None = None
) -> pd.DataFrame:
    """One row: month, wave4_planned, wave4_municipalities, due, not_ready, threshold, decision."""
    rows = extract(adoption, month)
    wave4 = rows[rows["wave"] == 4]
    not_ready = len(wave4_not_ready(adoption, rows["month"].iloc[0]))
    return pd.DataFrame([{
        "month": rows["month"].iloc[0], "wave4_planned": wave4_planned, "wave4_municipalities": len(wave4),
        "due": int(wave4["planned_live"].sum()), "not_ready": not_ready, "threshold": threshold,
        "decision": decide_wave5(not_ready, threshold),
    }])


def adoption_by_month(adoption: pd.DataFrame) -> pd.DataFrame:
    """month, live_municipalities, staff_with_access, active_citizens: the whole country per month."""
    rows = _with_status(adoption)
    return rows.groupby("month", as_index=False).agg(
        live_municipalities=("live", "sum"), staff_with_access=("staff_with_access", "sum"),
        active_citizens=("active_citizens", "sum"),
    )


def active_citizens_per_1000(
    adoption: pd.DataFrame, municipalities: pd.DataFrame, month: date | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Every municipality in one extract: code, name, region, wave, live, citizens, staff_with_access,
    active_citizens, active_per_1000 (active citizens per 1,000 inhabitants; NaN where not in the extract).
    """
    rows = extract(adoption, month)[["code", "wave", "live", "staff_with_access", "active_citizens"]]
    frame = municipalities[["code", "name", "region", "citizens"]].merge(rows, on="code", how="left")
    return frame.assign(active_per_1000=frame["active_citizens"] / frame["citizens"] * 1000)[
        ["code", "name", "region", "wave", "live", "citizens", "staff_with_access", "active_citizens",
         "active_per_1000"]
    ]


# --- roadmap ---------------------------------------------------------------------------------

def change_request_counts(register: pd.DataFrame) -> pd.DataFrame:
    """priority, status, count: every priority times every status, in their order, 0 where none."""
    grid = pd.MultiIndex.from_product([PRIORITIES, STATUSES], names=["priority", "status"])
    counts = register.groupby(["priority", "status"]).size().reindex(grid, fill_value=0)
    return counts.astype("int64").rename("count").reset_index()


def lead_times(register: pd.DataFrame) -> pd.DataFrame:
    """id, title, priority, status, the three dates and days_to_approval (requested → approved),
    days_to_delivery (approved → delivered), days_total (requested → delivered); NaN where a date is blank.
    """
    def days(start: str, end: str) -> pd.Series:
        return (register[end] - register[start]).dt.days.astype("float64")

    return register[["id", "title", "priority", "status", "requested_date", "approved_date",
                     "delivered_date"]].assign(
        days_to_approval=days("requested_date", "approved_date"),
        days_to_delivery=days("approved_date", "delivered_date"),
        days_total=days("requested_date", "delivered_date"),
    )


_STAGES = dict(zip(STAGES, (  # stage: (its lead-time column, the date whose period it is counted in)
    ("days_to_approval", "approved_date"),
    ("days_to_delivery", "delivered_date"),
    ("days_total", "delivered_date"),
), strict=True))


def lead_time_trend(register: pd.DataFrame, freq: Literal["quarter", "year"] = "quarter") -> pd.DataFrame:
    """period, stage, requests, median_days, mean_days: how fast requests move, period by period.

    A lead time counts in the period its stage ended (an approval in the approval's quarter, a delivery
    in the delivery's), so each period shows what was finished then. Quarters read `2024K1`.
    """
    times = lead_times(register)
    frames = []
    for stage, (column, ended) in _STAGES.items():
        done = times[times[column].notna()]
        if done.empty:
            continue
        period = done[ended].dt.to_period("Q" if freq == "quarter" else "Y").astype(str).str.replace("Q", "K")
        frames.append(done.assign(period=period, stage=stage, days=done[column]))
    if not frames:  # nothing approved or delivered yet
        return pd.DataFrame(columns=["period", "stage", "requests", "median_days", "mean_days"])
    combined = pd.concat(frames, ignore_index=True)
    trend = combined.groupby(["period", "stage"], as_index=False).agg(
        requests=("days", "size"), median_days=("days", "median"), mean_days=("days", "mean"))
    order = {stage: i for i, stage in enumerate(_STAGES)}
    return trend.sort_values(["period", "stage"], key=lambda s: s.map(order) if s.name == "stage" else s,
                             ignore_index=True)


def estimates_vs_actual(register: pd.DataFrame) -> pd.DataFrame:
    """The delivered requests: id, title, priority, year, the three estimates, pert_mean, actual_cost,
    difference_dkk (actual − PERT mean), difference_share (of the PERT mean) and within_range
    (low ≤ actual ≤ high; NA without an actual cost).
    """
    delivered = register[register["status"] == ChangeRequestStatus.DELIVERED]
    pert = pd.Series(
        [pert_mean(lo, mo, hi) for lo, mo, hi in zip(delivered["estimate_low"], delivered["estimate_mode"],
                                                     delivered["estimate_high"], strict=True)],
        index=delivered.index, dtype="float64")
    actual = delivered["actual_cost"]
    within = (actual >= delivered["estimate_low"]) & (actual <= delivered["estimate_high"])
    columns = ["id", "title", "priority", "year", "estimate_low", "estimate_mode", "estimate_high"]
    return delivered[columns].assign(
        pert_mean=pert,
        actual_cost=actual,
        difference_dkk=actual - pert,
        difference_share=(actual - pert) / pert.where(pert > 0),
        within_range=within.astype("boolean").mask(actual.isna()),
    ).reset_index(drop=True)


# --- cost per use ----------------------------------------------------------------------------

def cost_per_use(costs: pd.DataFrame, adoption: pd.DataFrame) -> pd.DataFrame:
    """year, running_cost_dkk, months, active_citizens, live_municipalities and the cost per each.

    The running cost is the year's `drift` lines of the cost model (one-off change requests left out).
    Active citizens and live municipalities are the averages over the year's months in the extract, so
    a municipality live half the year counts half; a year only partly in the extract uses its months.
    """
    running = costs[costs["kind"] == CostKind.RUNNING].groupby("year")["amount_dkk"].sum().rename("running_cost_dkk")
    monthly = adoption_by_month(adoption)
    use = monthly.groupby(monthly["month"].dt.year).agg(
        months=("month", "size"), active_citizens=("active_citizens", "mean"),
        live_municipalities=("live_municipalities", "mean"))
    frame = pd.concat([running, use], axis=1, join="inner").rename_axis("year").reset_index()
    return frame.assign(
        cost_per_active_citizen_dkk=frame["running_cost_dkk"] / frame["active_citizens"].where(
            frame["active_citizens"] > 0),
        cost_per_live_municipality_dkk=frame["running_cost_dkk"] / frame["live_municipalities"].where(
            frame["live_municipalities"] > 0),
    )
