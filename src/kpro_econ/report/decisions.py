"""The steering group's questions in the reports: wave 5 or bilateral (KPI report) and the SPOC option
(cost report), in Danish, from the pure functions of `model.decisions`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from kpro_econ.model.decisions import (
    break_even_of,
    decision_year,
    first_open_month,
    route_comparison,
    route_decision,
    spoc_ending_by_month,
    spoc_with_and_without,
    wave_route_decision,
)
from kpro_econ.params.codes import WaveRoute
from kpro_econ.params.models import Params
from kpro_econ.report.charts import danish_ticks, new_figure, sentences
from kpro_econ.report.dates import danish_date
from kpro_econ.report.formatting import declared_table, kr, mio_kr, number, percent, style_table
from kpro_econ.report.labels import RECOMMENDED, WAVE_ROUTE_LABELS
from kpro_econ.tables import Table

ROUTE_COLOURS = {WaveRoute.WAVE5: "#1565c0", WaveRoute.BILATERAL: "#ef6c00"}
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def wave_route_text(params: Params, extract_month: Any = None) -> str:
    """The costed decision in Markdown: the break-even number, the rule's threshold, the count and the route,
    whether it is decided (by the decision log) or only recommended, and its deadline; with the month of
    the adoption extract the count is from, a warning when that is after the deadline."""
    routes = params.wave_routes
    if routes is None:
        return "Parametrene har ingen udgifter til bølge 5 og bilateral håndtering (`wave_routes`)."
    even = break_even_of(params)
    even_text = (f"Ved **{even}** kommuner eller flere, der ikke er klar, er en bølge 5 billigst"
                 if even is not None else "Bilateral håndtering er billigst i hele intervallet 0–30")
    text = (f"{even_text} (PERT-middelværdier, {params.price_level_year}-priser; supporten kan højst tage "
            f"{routes.bilateral.capacity} kommuner bilateralt).")
    if params.kpi is not None:
        text += f" Tærsklen i parametrene er {params.kpi.wave5_threshold}."
    rows = wave_route_decision(params)
    if not rows.empty:
        text += " " + route_status_text({str(k): v for k, v in rows.iloc[0].items()}, params, markdown=True)
    deadline = pd.Timestamp(routes.decide_by())
    if extract_month is not None and pd.Timestamp(extract_month).to_period("M").start_time > deadline:
        month = pd.Timestamp(extract_month)
        text += (f" **Bemærk:** optællingen er fra udtrækket for {MONTHS[month.month - 1]} {month.year}, efter "
                 f"fristen {danish_date(deadline)} for den beslutning, den skal oplyse: den viser, hvor mange der "
                 "ikke er klar nu, ikke hvad der kunne vides ved fristen.")
    return text


def route_status_text(row: Mapping[str, Any], params: Params, markdown: bool = False) -> str:
    """One row of `wave_route_decision` in words: the route decided (when, by whom) or recommended
    (*indstillet*) with both routes' costs and the deadline, and whether its cost is still to come."""
    label = WAVE_ROUTE_LABELS[WaveRoute(str(row["route"]))].lower()
    strong = (lambda t: f"**{t}**") if markdown else (lambda t: t)
    n, year = int(row["not_ready"]), int(row["year"])
    bilateral = row.get("bilateral_dkk")
    other = kr(float(bilateral)) if bilateral is not None and pd.notna(bilateral) else "ikke muligt (over kapaciteten)"
    both = f"bølge 5 {kr(float(row['wave5_dkk']))}; bilateralt {other}"
    decided = bool(row.get("decided", False))
    if decided:
        made = route_decision(params)
        by = f" ({made.body}, {made.item})" if made is not None else ""
        text = (f"Vejen er besluttet {danish_date(row.get('decided_on'))}{by}: {strong(label)} for {n} kommuner, "
                f"i budgettet {year} med {kr(float(row['cost_mean_dkk']))}")
    else:
        deadline = row.get("deadline")
        late = (deadline is not None and pd.notna(deadline)
                and pd.Timestamp(deadline) < pd.Timestamp(first_open_month(params).start_time))
        text = (f"Vejen er ikke besluttet. {strong('Indstilling')}: {strong(label)} for {n} kommuner, der ikke er "
                f"klar ({both}); budgettet {year} bærer den indstillede vej, markeret {strong(RECOMMENDED)}. "
                f"Frist: {danish_date(deadline)}{' (overskredet)' if late else ''}.")
    if not bool(row.get("to_come", True)):
        text += (f" {year} ligger før beslutningsåret {decision_year(params)}, "
                 "så valget flytter ingen udgifter, der endnu ligger foran.")
    return text


def wave_route_chart(params: Params) -> Figure:
    """Each route's cost (PERT mean, low–high band) for 0–30 municipalities not ready; the count marked."""
    table = route_comparison(params)
    fig, ax = new_figure(8.0, 3.6)
    for route in WaveRoute:
        prefix = str(route)
        ax.fill_between(table["not_ready"], table[f"{prefix}_low"], table[f"{prefix}_high"],
                        color=ROUTE_COLOURS[route], alpha=0.15, linewidth=0)
        ax.plot(table["not_ready"], table[f"{prefix}_mean"], color=ROUTE_COLOURS[route],
                label=WAVE_ROUTE_LABELS[route])
    routes = params.wave_routes
    if routes is not None and routes.not_ready is not None:
        ax.axvline(routes.not_ready, color="#424242", linestyle="--", linewidth=1,
                   label=f"Ikke klar nu: {routes.not_ready}")
    ax.set_xlabel("Kommuner i bølge 4, der ikke er klar")
    ax.set_ylabel("Udgift, mio. kr.")
    danish_ticks(ax, "y", 1e6)  # as many decimals as the ticks need
    ax.set_title("Bølge 5 eller bilateralt: udgift efter antal kommuner, der ikke er klar")
    # Beside the lines, not on them: the routes' bands fill the axes.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    fig.summary = route_chart_summary(table, routes.not_ready if routes is not None else None)
    return fig


def route_chart_summary(table: pd.DataFrame, not_ready: int | None) -> str:
    """Where each route is the cheaper one along the chart (`route_comparison`), and both routes' costs at
    the count of municipalities not ready now."""
    if table.empty:
        return ""
    counts = [int(n) for n in table["not_ready"]]
    wave_cheaper = [n for n, cheaper in zip(counts, table["cheaper"], strict=True) if cheaper == str(WaveRoute.WAVE5)]
    span = f"{counts[0]}–{counts[-1]} kommuner"
    if not wave_cheaper:
        text = f"Bilateralt er billigst i hele intervallet {span} (PERT-middel)."
    elif wave_cheaper[0] == counts[0]:
        text = f"Bølge 5 er billigst i hele intervallet {span} (PERT-middel)."
    else:
        text = (f"Bilateralt er billigst op til {_municipalities(wave_cheaper[0] - 1)}, bølge 5 fra {wave_cheaper[0]} "
                "(PERT-middel).")
    possible = [n for n, mean in zip(counts, table["bilateral_mean"], strict=True) if not math.isnan(mean)]
    if possible and len(possible) < len(counts):
        text += f" Bilateralt er kun muligt op til {_municipalities(possible[-1])}."
    row = table[table["not_ready"] == not_ready]
    if not_ready is None or row.empty:
        return text
    bilateral = float(row["bilateral_mean"].iloc[0])
    other = "ikke muligt (over kapaciteten)" if math.isnan(bilateral) else mio_kr(bilateral, 2)
    return sentences(text, f"Ved {_municipalities(not_ready)}, der ikke er klar nu: bølge 5 "
                           f"{mio_kr(row['wave5_mean'].iloc[0], 2)}, bilateralt {other}")


def _municipalities(n: int) -> str:
    return f"{n} {'kommune' if n == 1 else 'kommuner'}"


def spoc_table(params: Params) -> Styler:
    """The SPOC option's cost per year with and without it."""
    frame = spoc_with_and_without(params)
    shown = frame.assign(year=frame["year"].astype(str))
    return declared_table(Table.SPOC_OPTION, shown, {"months_active": lambda v: number(v, 1 if v % 1 else 0),
                                                     "with_dkk": kr, "without_dkk": kr})


def spoc_ending_table(params: Params) -> Styler:
    """What ending the option saves over the budget years, by the month notice is given in: the next
    twelve months still open (none already past), with the saving discounted to the decision year."""
    frame = spoc_ending_by_month(params)
    npv = f"Besparelse, nutidsværdi {decision_year(params)}"
    shown = pd.DataFrame({
        "Opsigelse givet i": [f"{MONTHS[p.month - 1]} {p.year}" for p in pd.PeriodIndex(frame["notice"], freq="M")],
        "Ophører fra": [f"1. {MONTHS[p.month - 1]} {p.year}" for p in pd.PeriodIndex(frame["effective"], freq="M")],
        "Besparelse": frame["saving_dkk"],
        npv: frame["saving_npv_dkk"],
    })
    return style_table(shown, {"Besparelse": kr, npv: kr})


def decision_convention(params: Params) -> str:
    """The convention the decision views follow, in one sentence."""
    start = first_open_month(params)
    return (f"Beslutningerne regner som statens business case-model kun med det, der endnu ligger foran: "
            f"udgifter fra {MONTHS[start.month - 1]} {start.year}, i {params.price_level_year}-priser og diskonteret "
            f"til beslutningsåret {decision_year(params)} med den reale rente "
            f"{percent(params.discount_rate.mean)}; det, der er brugt, tæller ikke.")
