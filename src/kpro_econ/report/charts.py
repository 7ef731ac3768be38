"""The reports' charts: seaborn styling, Danish labels and Danish number formats on the axes.

Each function returns a matplotlib Figure and keeps no global pyplot state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kpro_econ.params.codes import CostLineCode
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import COST_LINE_LABELS

PALETTE = "tab10"


def new_figure(width: float = 8.0, height: float = 4.2) -> tuple[Figure, Axes]:
    sns.set_theme(style="whitegrid", context="notebook")
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig, fig.add_subplot()


def _millions(ax: Axes, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda v, _pos: number(v / 1e6, 1))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def cost_bars(costs: pd.DataFrame) -> Figure:
    """Stacked bars: each year's cost by line, in millions of kroner."""
    wide = costs.pivot_table(index="year", columns="line_code", values="amount_dkk", aggfunc="sum", sort=False)
    wide = wide.loc[:, wide.abs().sum() > 0]
    fig, ax = new_figure()
    colours = sns.color_palette(PALETTE, n_colors=len(wide.columns))
    bottom = np.zeros(len(wide))
    for colour, line in zip(colours, wide.columns, strict=True):
        label = COST_LINE_LABELS[CostLineCode(line)]
        ax.bar(wide.index.astype(str), wide[line], bottom=bottom, label=label, color=colour)
        bottom += wide[line].to_numpy()
    _millions(ax)
    ax.set_xlabel("År")
    ax.set_ylabel("Mio. kr.")
    ax.set_title("Udgifter pr. år fordelt på udgiftslinjer")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    return fig


def fut_fee_bars(fut_fee: pd.DataFrame) -> Figure:
    """What Kommunal PRO and Telma pay now, and would pay under each volume key."""
    long = pd.concat([
        fut_fee.assign(solution="Kommunal PRO", amount=fut_fee["kommunal_pro_fee_by_key_dkk"]),
        fut_fee.assign(solution="Telma", amount=fut_fee["telma_fee_by_key_dkk"]),
    ])
    fig, ax = new_figure(8.0, 3.8)
    sns.barplot(data=long, y="label", x="amount", hue="solution", ax=ax, palette=PALETTE, orient="h")
    _millions(ax, "x")
    ax.set_xlabel("Mio. kr. pr. år")
    ax.set_ylabel("")
    ax.set_title("FUT-afgift: aftalt og ved fordeling efter volumen")
    ax.legend(title="", loc="lower right", frameon=True)
    return fig


def allocation_by_region(allocation: pd.DataFrame, year: int) -> Figure:
    """Each region's municipalities' combined share of `year`'s cost."""
    in_year = allocation[allocation["year"] == year]
    by_region = in_year.groupby("region")["amount_dkk"].sum().sort_values().reset_index()
    fig, ax = new_figure(8.0, 3.2)
    sns.barplot(data=by_region, y="region", x="amount_dkk", ax=ax, color=sns.color_palette(PALETTE)[0], orient="h")
    _millions(ax, "x")
    ax.set_xlabel(f"Mio. kr. i {year}")
    ax.set_ylabel("")
    ax.set_title(f"Kommunernes betaling {year} samlet pr. region")
    return fig
