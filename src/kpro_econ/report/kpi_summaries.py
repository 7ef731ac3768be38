"""What each KPI chart shows, in a sentence or two for its alt text (`ChartFigure.summary`): the counts,
the largest series and the trend a sighted reader takes from it, computed from the frame it draws."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpro_econ.kpi.measures import STATUSES
from kpro_econ.params.codes import ChangeRequestStatus
from kpro_econ.report.charts import danish_and, trend_words
from kpro_econ.report.dates import danish_month
from kpro_econ.report.formatting import kr, number, percent
from kpro_econ.report.labels import CHANGE_REQUEST_STATUS_LABELS

MAX_LISTED_MONTHS = 6  # months below target named one by one; more are counted


def _months(n: int) -> str:
    return f"{number(n)} {'måned' if n == 1 else 'måneder'}"


def _from_to(series: pd.Series, months: pd.Series, unit: str = "") -> str:
    """`fra 12.851 i januar 2024 til 40.112 i oktober 2026 (stigende)` for a monthly series."""
    first, last = float(series.iloc[0]), float(series.iloc[-1])
    if len(series) == 1:
        return f"{number(first)}{unit} i {danish_month(months.iloc[0])}"
    return (f"fra {number(first)}{unit} i {danish_month(months.iloc[0])} til {number(last)}{unit} i "
            f"{danish_month(months.iloc[-1])} ({trend_words(first, last)})")


def availability_summary(availability: pd.DataFrame) -> str:
    """How many months met the target, which did not, and the lowest month."""
    if availability.empty:
        return ""
    target = float(availability["target"].iloc[0])
    below = availability.loc[~availability["meets_target"].astype(bool), "month"]
    met = len(availability) - len(below)
    text = f"Målet på {percent(target, 1)} er nået i {number(met)} af {_months(len(availability))}"
    if 0 < len(below) <= MAX_LISTED_MONTHS:
        text += f"; under målet i {danish_and([danish_month(m) for m in below])}"
    lowest = availability.iloc[int(availability["availability"].to_numpy().argmin())]
    return f"{text}. Lavest {percent(lowest['availability'], 2)} i {danish_month(lowest['month'])}."


def response_time_summary(response: pd.DataFrame) -> str:
    """The median's and the 95th percentile's first and last month, and the months that met the targets."""
    if response.empty:
        return ""
    months = response["month"]
    text = (f"Median {_from_to(response['median_ms'], months, ' ms')}; "
            f"95 %-fraktil {_from_to(response['p95_ms'], months, ' ms')}.")
    targets = [f"{name} {number(response[column].iloc[0])} ms"
               for name, column in (("median", "median_target_ms"), ("95 %-fraktil", "p95_target_ms"))
               if pd.notna(response[column].iloc[0])]
    met = response["meets_target"].dropna()
    if targets and len(met):
        text += (f" Målene ({', '.join(targets)}) er nået i {number(int(met.astype(bool).sum()))} af "
                 f"{_months(len(met))}.")
    return text


def monthly_stack_summary(frame: pd.DataFrame, key: str, value: str, labels: Mapping[str, str],
                          noun: str, by: str) -> str:
    """`I alt 6.500 henvendelser over 34 måneder: 246 i januar 2024 og 300 i oktober 2026 (stigende).
    Efter kanal: Medarbejdere 5.000 og Borgere 1.500.`: the largest series first."""
    if frame.empty:
        return ""
    per_month = frame.groupby("month")[value].sum().sort_index()
    first, last = float(per_month.iloc[0]), float(per_month.iloc[-1])
    by_key = frame.groupby(key, sort=False)[value].sum().sort_values(ascending=False, kind="stable")
    parts = [f"{labels.get(str(k), str(k))} {number(v)}" for k, v in by_key.items()]
    if len(per_month) == 1:
        total = f"I alt {number(first)} {noun} i {danish_month(per_month.index[0])}"
    else:
        total = (f"I alt {number(per_month.sum())} {noun} over {_months(len(per_month))}: {number(first)} i "
                 f"{danish_month(per_month.index[0])} og {number(last)} i {danish_month(per_month.index[-1])} "
                 f"({trend_words(first, last)})")
    return f"{total}. Efter {by}: {danish_and(parts)}."


def live_against_plan_summary(live: pd.DataFrame) -> str:
    """The last month: municipalities live against planned, in all and by wave."""
    if live.empty:
        return ""
    month = live["month"].max()
    rows = live[live["month"] == month].sort_values("wave")
    waves = [f"bølge {w}: {number(lv)} af {number(m)} i drift, {number(p)} planlagt"
             for w, lv, m, p in zip(rows["wave"], rows["live"], rows["municipalities"], rows["planned_live"],
                                    strict=True)]
    return (f"I {danish_month(month)} er {number(rows['live'].sum())} af {number(rows['municipalities'].sum())} "
            f"kommuner i drift mod {number(rows['planned_live'].sum())} planlagt; {'; '.join(waves)}.")


def adoption_summary(by_month: pd.DataFrame) -> str:
    """Active citizens and staff with access, first month to last."""
    if by_month.empty:
        return ""
    months = by_month["month"]
    return (f"Aktive borgere {_from_to(by_month['active_citizens'], months)}; medarbejdere med adgang "
            f"{_from_to(by_month['staff_with_access'], months)}.")


def per_1000_summary(per_1000: pd.DataFrame) -> str:
    """The highest and lowest municipality, and each region's median."""
    shown = per_1000.dropna(subset=["active_per_1000"])
    if shown.empty:
        return ""
    ordered = shown.sort_values(["active_per_1000", "name"], kind="stable")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    medians = shown.groupby("region", sort=False)["active_per_1000"].median()
    regions = "; ".join(f"{region} {number(median, 1)}" for region, median in medians.items())
    return (f"Højest {high['name']} ({high['region']}) med {number(high['active_per_1000'], 1)} og lavest "
            f"{low['name']} ({low['region']}) med {number(low['active_per_1000'], 1)} af "
            f"{number(len(shown))} kommuner. Median pr. region: {regions}.")


def change_request_summary(counts: pd.DataFrame) -> str:
    """The requests in all, by status and by priority."""
    if counts.empty:
        return ""
    by_status = counts.groupby("status")["count"].sum()
    statuses = [f"{CHANGE_REQUEST_STATUS_LABELS[ChangeRequestStatus(s)]} {number(by_status[s])}"
                for s in STATUSES if by_status.get(s, 0)]
    by_priority = counts.groupby("priority", sort=False)["count"].sum()
    priorities = [f"{str(p).capitalize()} {number(n)}" for p, n in by_priority.items() if n]
    return (f"I alt {number(counts['count'].sum())} ændringsønsker. Efter status: {danish_and(statuses)}. "
            f"Efter prioritet: {danish_and(priorities)}.")


def estimates_summary(estimates: pd.DataFrame) -> str:
    """Of every delivered request (the chart may show fewer): how many cost more or less than their PERT
    mean, how many within their estimate, and the largest difference."""
    costed = estimates.dropna(subset=["difference_dkk"])
    if costed.empty:
        return ""
    over, under = int((costed["difference_dkk"] > 0).sum()), int((costed["difference_dkk"] < 0).sum())
    text = (f"Af {number(len(costed))} leverede ændringsønsker med en faktisk udgift kostede {number(over)} mere "
            f"og {number(under)} mindre end PERT-middel")
    if "within_range" in costed.columns:
        text += f"; {number(int(costed['within_range'].fillna(False).astype(bool).sum()))} lå inden for estimatet"
    largest = costed.iloc[int(costed["difference_dkk"].abs().to_numpy().argmax())]
    side = "over" if largest["difference_dkk"] > 0 else "under"
    return f"{text}. Største afvigelse: {largest['id']}, {kr(abs(largest['difference_dkk']))} {side} PERT-middel."
