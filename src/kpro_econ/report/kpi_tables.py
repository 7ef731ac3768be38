"""The KPI report's tables, shaped and labelled in Danish, and its key figures for the steering summary.

Each function takes a `KpiResult` (or one of its frames) and returns a Styler, HTML or a small frame;
the numbers come from `kpi.py`.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from kpro_econ.kpi.measures import STATUSES, WAVE5
from kpro_econ.kpi.tables import KpiResult
from kpro_econ.params.codes import Channel, Severity
from kpro_econ.report.dates import danish_date, danish_month
from kpro_econ.report.formatting import kr, number, percent, style_table
from kpro_econ.report.labels import (
    CHANGE_REQUEST_STATUS_LABELS,
    CHANNEL_LABELS,
    DECISION_LABELS,
    ID,
    MONTH,
    SEVERITY_LABELS,
    STAGE_LABELS,
    STATUS,
    TITLE,
    TOTAL,
    YEAR,
)

MONTHS_SHOWN = 12


def _yes_no(value: Any) -> str:
    return "" if pd.isna(value) else ("Ja" if value else "Nej")


def _last(frame: pd.DataFrame, months: int = MONTHS_SHOWN) -> pd.DataFrame:
    recent = sorted(frame["month"].unique())[-months:]
    return frame[frame["month"].isin(recent)]


def sample_data_notice(result: KpiResult) -> HTML:
    """A visible warning when the operations or adoption figures are sample data."""
    if not result.sample_sources:
        return HTML("<p>Drifts- og udbredelsestallene er indberettede tal, ikke eksempeldata.</p>")
    sources = html.escape("; ".join(result.sample_sources))
    return HTML(
        '<div class="kpro-warning" style="border:2px solid #b00020;background:#fdecea;padding:8px 12px;'
        'margin:8px 0"><strong>Advarsel: eksempeldata.</strong> Drifts- og udbredelsestallene i denne '
        "rapport er eksempeldata, ikke indberettede tal, så nøgletallene viser kun, hvordan rapporten kommer "
        f"til at se ud. Kilde i filerne: {sources}. Erstat filerne under <code>kpi</code> i parametrene med "
        "driftsleverandørens og systemets udtræk.</div>"
    )


def key_figures(result: KpiResult) -> pd.DataFrame:
    """The KPI strip: the handful of figures the steering group looks for first (Nøgletal, Værdi)."""
    availability, response = result.availability.iloc[-1], result.response_times.iloc[-1]
    recent = _last(result.availability)
    share = _last(result.support_channel_share)
    requests = int(share["total_requests"].sum())
    errors = _last(result.errors)
    decision = result.wave5_decision.iloc[0]
    latest_live = result.adoption_by_month.iloc[-1]
    delivered = result.lead_times.dropna(subset=["days_total"])
    rows = [
        (f"Tilgængelighed, {danish_month(availability['month'])}",
         f"{percent(availability['availability'], 2)} (mål {percent(availability['target'], 1)})"),
        (f"Måneder under målet, seneste {len(recent)}", f"{int((~recent['meets_target']).sum())} af {len(recent)}"),
        (f"Svartid, {danish_month(response['month'])} (median / 95 %-fraktil)",
         f"{number(response['median_ms'])} / {number(response['p95_ms'])} ms"),
        (f"Supporthenvendelser, seneste {len(share)} måneder",
         f"{number(requests)} ({percent(share['staff_requests'].sum() / max(1, requests), 0)} fra medarbejdere)"),
        (f"Kritiske fejl, seneste {errors['month'].nunique()} måneder",
         number(errors.loc[errors["severity"] == Severity.CRITICAL, "errors"].sum())),
        (f"Kommuner i drift, {danish_month(latest_live['month'])}", f"{int(latest_live['live_municipalities'])} af 98"),
        ("Bølge 4: kommuner ikke klar på planlagt dato",
         f"{decision['not_ready']} (tærskel {decision['threshold']}): {DECISION_LABELS[decision['decision']]}"),
        ("Ændringsønsker leveret", f"{len(delivered)} af {int(result.change_request_counts['count'].sum())}"),
        ("Gennemløbstid ønsket → leveret (median)",
         f"{number(delivered['days_total'].median())} dage" if len(delivered) else "ingen leveret endnu"),
    ]
    cost = _cost_year(result.cost_per_use)
    if cost is not None:
        year = int(cost["year"])  # a row of mixed columns comes back as floats
        rows += [(f"Driftsudgift pr. aktiv borger, {year}", kr(cost["cost_per_active_citizen_dkk"])),
                 (f"Driftsudgift pr. kommune i drift, {year}", kr(cost["cost_per_live_municipality_dkk"]))]
    return pd.DataFrame(rows, columns=["Nøgletal", "Værdi"])


def _cost_year(cost_per_use: pd.DataFrame) -> pd.Series | None:
    """The latest year with all twelve months of adoption data, else the latest year at all."""
    if cost_per_use.empty:
        return None
    full = cost_per_use[cost_per_use["months"] == 12]
    return (full if len(full) else cost_per_use).iloc[-1]


def wave5_text(result: KpiResult) -> str:
    """The *bølge 5 eller bilateralt* decision in one Markdown sentence."""
    d = result.wave5_decision.iloc[0]
    rule = (f"Ved {d['threshold']} eller flere kommuner, der ikke er klar, planlægges en bølge 5; "
            "færre håndteres bilateralt.")
    outcome = "en bølge 5" if d["decision"] == WAVE5 else "at håndtere dem bilateralt"
    return (f"I udtrækket for {danish_month(d['month'])} var **{d['not_ready']}** af bølge 4's "
            f"{d['wave4_municipalities']} kommuner ikke i drift på deres planlagte dato "
            f"(af de {d['due']}, der efter planen skulle være i drift). {rule} Tallene peger derfor på **{outcome}**.")


def availability_table(result: KpiResult) -> Styler:
    frame = _last(result.availability)
    shown = pd.DataFrame({
        MONTH: frame["month"].map(danish_month), "Tilgængelighed": frame["availability"],
        "Nedetid, minutter": frame["downtime_minutes"], "Mål": frame["target"],
        "Opfyldt": frame["meets_target"].map(_yes_no),
    })
    return style_table(shown, {"Tilgængelighed": lambda v: percent(v, 2), "Nedetid, minutter": number,
                               "Mål": lambda v: percent(v, 1)})


def response_table(result: KpiResult) -> Styler:
    frame = _last(result.response_times)
    shown = pd.DataFrame({MONTH: frame["month"].map(danish_month), "Median, ms": frame["median_ms"],
                          "95 %-fraktil, ms": frame["p95_ms"], "Inden for målet": frame["meets_target"].map(_yes_no)})
    return style_table(shown, {"Median, ms": number, "95 %-fraktil, ms": number})


def support_table(result: KpiResult) -> Styler:
    frame = _last(result.support_channel_share)
    shown = pd.DataFrame({
        MONTH: frame["month"].map(danish_month), CHANNEL_LABELS[Channel.CITIZEN]: frame["citizen_requests"],
        CHANNEL_LABELS[Channel.STAFF]: frame["staff_requests"], TOTAL: frame["total_requests"],
        "Andel fra medarbejdere": frame["staff_share"],
    })
    return style_table(shown, {c: number for c in CHANNEL_LABELS.values()} | {
        TOTAL: number, "Andel fra medarbejdere": lambda v: percent(v, 0)})


def errors_table(result: KpiResult) -> Styler:
    frame = _last(result.errors)
    wide = frame.pivot(index="month", columns="severity", values="errors")[list(SEVERITY_LABELS)]
    wide = wide.rename(columns=SEVERITY_LABELS).rename_axis(columns=None).reset_index()
    wide["month"] = wide["month"].map(danish_month)
    shown = wide.rename(columns={"month": MONTH})
    return style_table(shown, {c: number for c in SEVERITY_LABELS.values()})


def live_table(result: KpiResult) -> Styler:
    """The latest extract by wave: municipalities, planned live, live, behind plan."""
    live = result.live_against_plan
    latest = live[live["month"] == live["month"].max()]
    shown = pd.DataFrame({
        "Bølge": latest["wave"].astype(str), "Kommuner": latest["municipalities"],
        "Planlagt i drift": latest["planned_live"], "I drift": latest["live"], "Bag planen": latest["behind_plan"],
    })
    total = {"Bølge": TOTAL, **shown.drop(columns="Bølge").sum().to_dict()}
    shown = pd.concat([shown, pd.DataFrame([total])], ignore_index=True)
    return style_table(shown, {c: number for c in shown.columns if c != "Bølge"}, bold_last_row=True)


def not_ready_table(result: KpiResult) -> Styler:
    frame = result.wave4_not_ready
    shown = pd.DataFrame({
        "Kommune": frame["name"], "Planlagt i drift": frame["planned_go_live"].map(danish_date),
        "I drift": frame["actual_go_live"].map(danish_date),
        "Dage efter planen": frame["days_late"], STATUS: frame["live"].map(
            lambda live: "I drift, forsinket" if live else "Ikke i drift"),
    })
    return style_table(shown, {"Dage efter planen": number})


def per_1000_extremes(result: KpiResult, n: int = 10) -> tuple[Styler, Styler]:
    """The `n` municipalities with most and fewest active citizens per 1,000 inhabitants."""
    frame = result.active_citizens_per_1000.sort_values("active_per_1000", ascending=False)
    shown = pd.DataFrame({
        "Kommune": frame["name"], "Region": frame["region"], "Indbyggere": frame["citizens"],
        "Medarbejdere med adgang": frame["staff_with_access"], "Aktive borgere": frame["active_citizens"],
        "Pr. 1.000 indbyggere": frame["active_per_1000"],
    })
    formats = {"Indbyggere": number, "Medarbejdere med adgang": number, "Aktive borgere": number,
               "Pr. 1.000 indbyggere": lambda v: number(v, 2)}
    return style_table(shown.head(n), formats), style_table(shown.tail(n).iloc[::-1], formats)


def change_request_count_table(result: KpiResult) -> Styler:
    counts = result.change_request_counts
    wide = counts.pivot(index="priority", columns="status", values="count")
    wide = wide.reindex(list(dict.fromkeys(counts["priority"])))[list(STATUSES)]
    wide = wide.rename(columns=CHANGE_REQUEST_STATUS_LABELS)
    wide[TOTAL] = wide.sum(axis=1)
    wide = wide.rename_axis(columns=None).reset_index().rename(columns={"priority": "Prioritet"})
    wide["Prioritet"] = wide["Prioritet"].str.capitalize()
    return style_table(wide, {c: number for c in wide.columns if c != "Prioritet"})


def lead_time_table(result: KpiResult) -> Styler:
    frame = result.lead_times
    shown = pd.DataFrame({
        ID: frame["id"], TITLE: frame["title"], "Prioritet": frame["priority"],
        STATUS: frame["status"].map(CHANGE_REQUEST_STATUS_LABELS), "Ønsket": frame["requested_date"].map(danish_date),
        "Godkendt": frame["approved_date"].map(danish_date), "Leveret": frame["delivered_date"].map(danish_date),
        "Dage til godkendelse": frame["days_to_approval"], "Dage til levering": frame["days_to_delivery"],
        "Dage i alt": frame["days_total"],
    })
    return style_table(shown, {c: number for c in ("Dage til godkendelse", "Dage til levering", "Dage i alt")})


def lead_time_trend_table(result: KpiResult) -> Styler:
    trend = result.lead_time_trend.assign(stage=lambda t: t["stage"].map(STAGE_LABELS))
    shown = trend.rename(columns={"period": "Periode", "stage": "Forløb", "requests": "Antal",
                                  "median_days": "Median, dage", "mean_days": "Gennemsnit, dage"})
    return style_table(shown, {"Antal": number, "Median, dage": number, "Gennemsnit, dage": number})


def estimates_table(result: KpiResult) -> Styler:
    frame = result.estimates_vs_actual
    shown = pd.DataFrame({
        ID: frame["id"], TITLE: frame["title"], "Estimat, lav": frame["estimate_low"],
        "Estimat, mest sandsynlig": frame["estimate_mode"], "Estimat, høj": frame["estimate_high"],
        "PERT-middel": frame["pert_mean"], "Faktisk": frame["actual_cost"], "Afvigelse": frame["difference_dkk"],
        "Afvigelse, pct.": frame["difference_share"], "Inden for estimatet": frame["within_range"].map(_yes_no),
    })
    money = ("Estimat, lav", "Estimat, mest sandsynlig", "Estimat, høj", "PERT-middel", "Faktisk", "Afvigelse")
    return style_table(shown, {c: kr for c in money} | {"Afvigelse, pct.": lambda v: percent(v, 0)})


def cost_per_use_table(result: KpiResult) -> Styler:
    frame = result.cost_per_use
    shown = pd.DataFrame({
        YEAR: frame["year"].astype(str), "Driftsudgift": frame["running_cost_dkk"],
        "Måneder med data": frame["months"], "Aktive borgere (gns. pr. måned)": frame["active_citizens"],
        "Kommuner i drift (gns.)": frame["live_municipalities"],
        "Pr. aktiv borger": frame["cost_per_active_citizen_dkk"],
        "Pr. kommune i drift": frame["cost_per_live_municipality_dkk"],
    })
    return style_table(shown, {"Driftsudgift": kr, "Måneder med data": number,
                               "Aktive borgere (gns. pr. måned)": number,
                               "Kommuner i drift (gns.)": lambda v: number(v, 1),
                               "Pr. aktiv borger": kr, "Pr. kommune i drift": kr})
