"""The steering group's questions in the reports: wave 5 or bilateral (KPI report) and the SPOC option
(cost report), in Danish, from the pure functions of `model.decisions`."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from kpro_econ.model.decisions import (
    break_even_of,
    chosen_route,
    route_comparison,
    route_cost,
    spoc_ending_by_month,
    spoc_with_and_without,
)
from kpro_econ.params.codes import WaveRoute
from kpro_econ.params.models import Params
from kpro_econ.report.charts import danish_ticks, new_figure
from kpro_econ.report.formatting import declared_table, kr, number, style_table
from kpro_econ.report.labels import WAVE_ROUTE_LABELS
from kpro_econ.tables import Table

ROUTE_COLOURS = {WaveRoute.WAVE5: "#1565c0", WaveRoute.BILATERAL: "#ef6c00"}
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def wave_route_text(params: Params) -> str:
    """The costed decision in Markdown: the break-even number, the rule's threshold, the count and the route."""
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
    route = chosen_route(params)
    if route is not None and routes.not_ready is not None:
        cost = float(route_cost(params, route, routes.not_ready))
        label = WAVE_ROUTE_LABELS[route].lower()
        text += (f" Med {routes.not_ready} kommuner, der ikke er klar, er vejen **{label}**, "
                 f"som indgår i budgettet {routes.year} med {kr(cost)}")  # kr() ends the sentence
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
    ax.set_title("Bølge 5 eller bilateralt: udgift efter antal kommuner, der ikke er klar")  # also the alt text
    # Beside the lines, not on them: the routes' bands fill the axes.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    return fig


def spoc_table(params: Params) -> Styler:
    """The SPOC option's cost per year with and without it."""
    frame = spoc_with_and_without(params)
    shown = frame.assign(year=frame["year"].astype(str))
    return declared_table(Table.SPOC_OPTION, shown, {"months_active": lambda v: number(v, 1 if v % 1 else 0),
                                                     "with_dkk": kr, "without_dkk": kr})


def spoc_ending_table(params: Params, year: int) -> Styler:
    """What ending the option saves over the budget years, by the month of `year` notice is given in."""
    frame = spoc_ending_by_month(params, year)
    shown = pd.DataFrame({
        "Opsigelse givet i": [f"{MONTHS[m - 1]} {year}" for m in frame["notice_month"]],
        "Ophører fra": [f"1. {MONTHS[p.month - 1]} {p.year}" for p in pd.PeriodIndex(frame["effective"], freq="M")],
        "Besparelse": frame["saving_dkk"],
    })
    return style_table(shown, {"Besparelse": kr})
