"""The KPI report's charts: operations, adoption and roadmap, with Danish labels and number formats.

Each function takes a frame from `kpi.py` and returns a matplotlib Figure; no global pyplot state
(the theme is set once, when `charts` is imported). A chart's size does not grow with its input: a
register of any length gives at most `TOP_CATEGORIES` stacked categories (the rest as one), at most
`MAX_MONTH_TICKS` month ticks and at most `MAX_ESTIMATES` rows of estimates; every row stays in the
run's CSV and Excel tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kpro_econ.kpi.measures import STATUSES
from kpro_econ.params.codes import ChangeRequestStatus
from kpro_econ.report import kpi_summaries as ks
from kpro_econ.report.charts import DPI, PALETTE, ChartFigure, danish_ticks, new_figure, trend_words
from kpro_econ.report.dates import danish_month
from kpro_econ.report.formatting import number, percent
from kpro_econ.report.labels import CHANGE_REQUEST_STATUS_LABELS, CHANNEL_LABELS, SEVERITY_LABELS, STAGE_LABELS

GOOD, BAD, TARGET = "#2e7d32", "#c62828", "#424242"
OTHERS, OTHERS_COLOUR = "Øvrige kategorier", "#bdbdbd"
TOP_CATEGORIES = 8  # a legend of more is not read; the rest are stacked as one
MAX_MONTH_TICKS = 16
MAX_ESTIMATES = 25
SEVERITY_COLOURS = {"kritisk": "#b71c1c", "høj": "#ef6c00", "middel": "#fbc02d", "lav": "#90a4ae"}


def _month_axis(ax: Axes, months: pd.Series) -> None:
    """Quarterly ticks on a date axis, read the Danish way: `jan. 2025`; half-yearly, yearly or every
    few years when the months span so long that quarters would give more than `MAX_MONTH_TICKS`."""
    shown = pd.to_datetime(pd.Series(months).drop_duplicates())
    span = (shown.max().to_period("M") - shown.min().to_period("M")).n + 1 if len(shown) else 0
    step = next(s for s in (3, 6, 12, 24, 60, 120, 600, 1200, 10**6) if span / s <= MAX_MONTH_TICKS)
    ticks = sorted({m for m in shown if (m.year * 12 + m.month - 1) % step == 0})
    labels = [danish_month(m, short=True) for m in ticks]
    ax.set_xticks(pd.DatetimeIndex(ticks).to_numpy(), labels, rotation=45, ha="right", rotation_mode="anchor")

def _finish_monthly(ax: Axes, months: pd.Series, ylabel: str, title: str) -> None:
    """What every monthly chart ends with: quarterly month ticks, the y label, the title, the legend."""
    _month_axis(ax, months)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    _legend(ax)



def _numbers(ax: Axes, axis: str = "y") -> None:
    danish_ticks(ax, axis)


def _legend(ax: Axes) -> None:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")


def _stacked_bars(ax: Axes, long: pd.DataFrame, column: str, value: str, labels: Mapping[str, str],
                  colours: Mapping[str, object]) -> None:
    wide = long.pivot_table(index="month", columns=column, values=value, aggfunc="sum", sort=False, fill_value=0)
    bottom = np.zeros(len(wide))
    for key in wide.columns:
        ax.bar(wide.index, wide[key], bottom=bottom, width=25, label=labels.get(key, key), color=colours[key])
        bottom += wide[key].to_numpy()


# --- operations ------------------------------------------------------------------------------

def availability_chart(availability: pd.DataFrame) -> Figure:
    """Each month's availability against the target; months below it in red."""
    fig, ax = new_figure(8.0, 3.8)
    colours = np.where(availability["meets_target"], GOOD, BAD)
    ax.bar(availability["month"], availability["availability"], width=25, color=colours)
    target = float(availability["target"].iloc[0]) if len(availability) else 1.0
    ax.axhline(target, color=TARGET, linestyle="--", linewidth=1, label=f"Mål: {percent(target, 1)}")
    low = min(float(availability["availability"].min()), target) if len(availability) else target
    ax.set_ylim(max(0.0, low - (1 - low) * 0.5), 1.0)  # zoomed in: the differences are tenths of a percent
    danish_ticks(ax, as_percent=True)
    _finish_monthly(ax, availability["month"], "Tilgængelighed", "Driftsstabilitet: tilgængelighed pr. måned")
    fig.summary = ks.availability_summary(availability)
    return fig


def response_time_chart(response: pd.DataFrame) -> Figure:
    """Monthly median and 95th-percentile response times, with their targets when set."""
    fig, ax = new_figure(8.0, 3.8)
    colours = sns.color_palette(PALETTE, 2)
    for (column, label), colour in zip((("median_ms", "Median"), ("p95_ms", "95 %-fraktil")), colours,
                                       strict=True):
        ax.plot(response["month"], response[column], marker="o", markersize=3, color=colour, label=label)
        target = response[column.replace("_ms", "_target_ms")].iloc[0] if len(response) else np.nan
        if pd.notna(target):
            ax.axhline(float(target), color=colour, linestyle="--", linewidth=1,
                       label=f"Mål, {label.lower()}: {number(target)} ms")
    ax.set_ylim(bottom=0)
    _numbers(ax)
    _finish_monthly(ax, response["month"], "Millisekunder", "Svartider pr. måned")
    fig.summary = ks.response_time_summary(response)
    return fig


def support_channel_chart(by_channel: pd.DataFrame) -> Figure:
    """Support requests per month, stacked by channel (`kpi.support_by_month(…, "channel")`)."""
    colours = dict(zip(CHANNEL_LABELS, sns.color_palette(PALETTE, len(CHANNEL_LABELS)), strict=True))
    fig = _monthly_stack(by_channel, "channel", "requests", CHANNEL_LABELS, colours, "Henvendelser",
                         "Supporthenvendelser pr. måned fordelt på kanal")
    fig.summary = ks.monthly_stack_summary(by_channel, "channel", "requests", CHANNEL_LABELS, "henvendelser", "kanal")
    return fig


def support_category_chart(by_category: pd.DataFrame) -> Figure:
    """Support requests per month, stacked by category (`kpi.support_by_month(…, "category")`): the
    `TOP_CATEGORIES` with most requests, the others together as *Øvrige kategorier*."""
    shown = top_and_others(by_category, "category", "requests", TOP_CATEGORIES)
    categories = [c for c in dict.fromkeys(shown["category"]) if c != OTHERS]
    colours: dict[str, object] = dict(zip(categories, sns.color_palette(PALETTE, len(categories)), strict=True))
    colours[OTHERS] = OTHERS_COLOUR
    others = by_category["category"].nunique() - len(categories)
    labels = {OTHERS: f"{OTHERS} ({number(others)})"} if others else {}
    fig = _monthly_stack(shown, "category", "requests", labels, colours, "Henvendelser",
                         "Supporthenvendelser pr. måned fordelt på kategori")
    fig.summary = ks.monthly_stack_summary(shown, "category", "requests", labels, "henvendelser", "kategori")
    return fig


def top_and_others(frame: pd.DataFrame, key: str, value: str, n: int) -> pd.DataFrame:
    """month, `key`, `value` with at most `n` + 1 keys: the `n` with the largest total (ties by name),
    in their first order, and every other key summed per month as `OTHERS`."""
    totals = frame.groupby(key, sort=True)[value].sum()
    if len(totals) <= n:
        return frame[["month", key, value]]
    kept = set(totals.sort_values(ascending=False, kind="stable").index[:n])
    grouped = frame[key].where(frame[key].isin(kept), OTHERS)
    order = [k for k in dict.fromkeys(frame[key]) if k in kept] + [OTHERS]
    summed = frame.assign(**{key: grouped}).groupby(["month", key], sort=False)[value].sum().reset_index()
    rank = summed[key].map({k: i for i, k in enumerate(order)})
    shown = summed.assign(_rank=rank).sort_values(["month", "_rank"], kind="stable", ignore_index=True)
    return shown.drop(columns="_rank")


def errors_chart(errors: pd.DataFrame) -> Figure:
    """Registered errors per month, stacked by severity, the most severe at the bottom."""
    fig = _monthly_stack(errors, "severity", "errors", SEVERITY_LABELS, SEVERITY_COLOURS, "Registrerede fejl",
                         "Registrerede fejl pr. måned fordelt på alvorlighed")
    fig.summary = ks.monthly_stack_summary(errors, "severity", "errors", SEVERITY_LABELS, "registrerede fejl",
                                           "alvorlighed")
    return fig


def _monthly_stack(frame: pd.DataFrame, key: str, value: str, labels: Mapping[str, str],
                   colours: Mapping[str, object], ylabel: str, title: str) -> ChartFigure:
    """Bars per month, stacked by `key`, with whole numbers up the side."""
    fig, ax = new_figure()
    _stacked_bars(ax, frame, key, value, labels, colours)
    _numbers(ax)
    _finish_monthly(ax, frame["month"], ylabel, title)
    return fig


# --- adoption --------------------------------------------------------------------------------

def live_against_plan_chart(live: pd.DataFrame) -> Figure:
    """Municipalities live (solid) against planned live (dashed), one colour per wave."""
    fig, ax = new_figure()
    waves = sorted(live["wave"].unique())
    for wave, colour in zip(waves, sns.color_palette(PALETTE, len(waves)), strict=True):
        rows = live[live["wave"] == wave]
        ax.plot(rows["month"], rows["live"], color=colour, label=f"Bølge {wave}, i drift")
        ax.plot(rows["month"], rows["planned_live"], color=colour, linestyle="--",
                label=f"Bølge {wave}, planlagt")
    ax.set_ylim(bottom=0)
    _numbers(ax)
    _finish_monthly(ax, live["month"], "Kommuner", "Kommuner i drift mod plan, pr. bølge")
    fig.summary = ks.live_against_plan_summary(live)
    return fig


def adoption_chart(by_month: pd.DataFrame) -> Figure:
    """Active citizens and staff with access in the whole country, month by month."""
    fig = ChartFigure(figsize=(8.0, 4.8), dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    colours = sns.color_palette(PALETTE, 2)
    top.plot(by_month["month"], by_month["active_citizens"], color=colours[0], marker="o", markersize=3)
    top.set_ylabel("Aktive borgere")
    top.set_title("Aktive borgere og medarbejdere med adgang pr. måned")
    bottom.plot(by_month["month"], by_month["staff_with_access"], color=colours[1], marker="o", markersize=3)
    bottom.set_ylabel("Medarbejdere")
    for ax in (top, bottom):
        ax.set_ylim(bottom=0)
        _numbers(ax)
    _month_axis(bottom, by_month["month"])
    fig.summary = ks.adoption_summary(by_month)
    return fig


def per_1000_chart(per_1000: pd.DataFrame) -> Figure:
    """Active citizens per 1,000 inhabitants: one dot per municipality, grouped by region."""
    fig, ax = new_figure(8.0, 3.6)
    shown = per_1000.dropna(subset=["active_per_1000"])
    regions = list(dict.fromkeys(shown["region"]))
    # A swarm, not a strip: a strip's random jitter would make two runs of the same params differ.
    sns.swarmplot(data=shown, x="active_per_1000", y="region", order=regions, ax=ax,
                  color=sns.color_palette(PALETTE)[0], size=4, orient="h")
    # The region's median as a bar across its dots (seaborn's boxplot warns under Matplotlib 3.11).
    medians = shown.groupby("region")["active_per_1000"].median().reindex(regions)
    ax.scatter(medians.to_numpy(), range(len(regions)), marker="|", s=900, color=TARGET, linewidths=2,
               label="Median i regionen", zorder=3)
    _legend(ax)
    _numbers(ax, "x")
    ax.set_xlabel("Aktive borgere pr. 1.000 indbyggere")
    ax.set_ylabel("")
    ax.set_title("Aktive borgere pr. 1.000 indbyggere – hver prik er en kommune")
    fig.summary = ks.per_1000_summary(per_1000)
    return fig


# --- roadmap ---------------------------------------------------------------------------------

def change_request_chart(counts: pd.DataFrame) -> Figure:
    """Change requests by priority, stacked by status (`kpi.change_request_counts`)."""
    fig, ax = new_figure(8.0, 2.8)
    wide = counts.pivot(index="priority", columns="status", values="count").reindex(columns=list(STATUSES))
    wide = wide.reindex(list(dict.fromkeys(counts["priority"])))[::-1]  # høj at the top
    left = np.zeros(len(wide))
    for status, colour in zip(wide.columns, sns.color_palette(PALETTE, len(wide.columns)), strict=True):
        label = CHANGE_REQUEST_STATUS_LABELS[ChangeRequestStatus(status)]
        ax.barh(wide.index.str.capitalize(), wide[status], left=left, label=label, color=colour)
        left += wide[status].to_numpy()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Ændringsønsker")
    ax.set_title("Ændringsønsker efter prioritet og status")
    _legend(ax)
    fig.summary = ks.change_request_summary(counts)
    return fig


def lead_time_chart(trend: pd.DataFrame) -> Figure:
    """Median lead time in days per period, one line per stage (`kpi.lead_time_trend`)."""
    fig, ax = new_figure(8.0, 3.6)
    stages = [s for s in STAGE_LABELS if s in set(trend["stage"])]
    periods = every_period(trend["period"])
    for stage, colour in zip(stages, sns.color_palette(PALETTE, len(stages)), strict=True):
        rows = trend[trend["stage"] == stage].set_index("period").reindex(periods)
        ax.plot(periods, rows["median_days"], marker="o", color=colour, label=STAGE_LABELS[stage])
        finished = rows["median_days"].dropna()
        if len(finished) and stage == stages[-1]:  # the whole way, from request to delivery
            fig.summary = (f"{STAGE_LABELS[stage]}: median {number(finished.iloc[0])} dage i {finished.index[0]} og "
                           f"{number(finished.iloc[-1])} dage i {finished.index[-1]} "
                           f"({trend_words(finished.iloc[0], finished.iloc[-1])}).")
    ax.set_ylim(bottom=0)
    _numbers(ax)
    # slanted, as the month axes: a dozen quarters side by side would run into each other
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set(ha="right", rotation_mode="anchor")
    ax.set_xlabel("Periode (afsluttet)")
    ax.set_ylabel("Dage (median)")
    ax.set_title("Gennemløbstid for ændringsønsker")
    _legend(ax)
    return fig


def every_period(periods: pd.Series) -> list[str]:
    """Every period from the first to the last, those without a finished request too (`2024K1` …
    `2025K1`, or years), so that the axis skips none; other labels as they come, sorted."""
    found = sorted(set(map(str, periods)))
    if found and all(re.fullmatch(r"\d{4}K[1-4]", p) for p in found):
        quarters = pd.period_range(found[0].replace("K", "Q"), found[-1].replace("K", "Q"), freq="Q")
        return [str(q).replace("Q", "K") for q in quarters]
    if found and all(re.fullmatch(r"\d{4}", p) for p in found):
        return [str(year) for year in range(int(found[0]), int(found[-1]) + 1)]
    return found


def estimates_chart(estimates: pd.DataFrame) -> Figure:
    """Each delivered request's estimate range and PERT mean beside its actual cost; of more than
    `MAX_ESTIMATES`, those furthest from their PERT mean (in the register's order)."""
    title = "Leverede ændringsønsker: estimat og faktisk udgift"
    summary = ks.estimates_summary(estimates)  # of all, not only those shown
    if len(estimates) > MAX_ESTIMATES:
        title += f"\n(de {MAX_ESTIMATES} største afvigelser af {number(len(estimates))})"
        furthest = estimates["difference_dkk"].abs().fillna(-1.0).sort_values(ascending=False, kind="stable")
        estimates = estimates.loc[sorted(furthest.index[:MAX_ESTIMATES])]
    fig, ax = new_figure(8.0, max(2.0, 0.45 * len(estimates) + 1.2))
    y = np.arange(len(estimates))
    ax.hlines(y, estimates["estimate_low"], estimates["estimate_high"], color="#90a4ae", linewidth=6,
              label="Estimat, lav–høj")
    ax.plot(estimates["pert_mean"], y, "o", color=TARGET, label="PERT-middel")
    ax.plot(estimates["actual_cost"], y, "D", color=BAD, label="Faktisk udgift")
    ax.set_yticks(y, estimates["id"])
    ax.invert_yaxis()
    danish_ticks(ax, "x", 1000)
    ax.set_xlabel("Tusinde kr.")
    ax.set_title(title)
    _legend(ax)
    fig.summary = summary
    return fig
