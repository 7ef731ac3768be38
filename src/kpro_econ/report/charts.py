"""The reports' charts: seaborn styling, Danish labels and Danish number formats on the axes.

Importing this module sets the charts' look once for the whole process: the seaborn theme
(`whitegrid`, `notebook` context) in matplotlib's global rcParams, which every figure made
afterwards reads. The chart functions themselves change no global state: each returns a new
matplotlib Figure (a `ChartFigure`, which gives the report its alt text), not a pyplot one.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from kpro_econ.params.codes import CostLineCode
from kpro_econ.report.formatting import mio_kr, number, percent
from kpro_econ.report.labels import COST_LINE_LABELS, labelled
from kpro_econ.tables import Table

with warnings.catch_warnings():
    # tol-colors 2.2 makes its colour maps with `Colormap.set_bad`, which matplotlib 3.11 marks as to be
    # deprecated: on import and on each call (`distinct_colours`).
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    import tol_colors

PALETTE = "tab10"
DPI = 110
_MAX_DISTINCT = 23  # Paul Tol's discrete rainbow has at most this many colours


def distinct_colours(n: int) -> list[str]:
    """`n` colours that differ from each other, also for colour-blind readers: Paul Tol's discrete
    rainbow for `n` (tol-colors), for a chart with one colour per series (the cost lines)."""
    if n <= 0:
        return []
    k = min(n, _MAX_DISTINCT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        rainbow = tol_colors.rainbow_discrete(k)
    return [to_hex(rainbow(i % k)) for i in range(n)]

# Titles sit at the top of their axes (`axes.titley` set), where matplotlib would put them anyway:
# none of the charts has ticks or a label above its axes. Left unset, matplotlib measures every tick
# label again on each draw to see whether the title must move up: about a seventh of a chart's time.
sns.set_theme(style="whitegrid", context="notebook", rc={"axes.titley": 1.0})


ALT_PREFIX = "Diagram: "
_MAX_DECIMALS = 6


class ChartFigure(Figure):
    """A Figure that tells Jupyter its alt text (from its titles and `summary`, what it shows), so the
    HTML report describes it.

    IPython asks an object for `_repr_mimebundle_` first; the image itself still comes from the
    inline backend's PNG formatter, and the metadata returned here goes with it. nbconvert's
    template (`run/templates/kpro_report`) writes it as the image's `alt`.
    """

    summary = ""
    """What the chart shows, in a sentence or two (its largest series, its trend): after the title in
    the alt text, for a reader who cannot see it."""

    def alt_text(self) -> str:
        return alt_text(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        return {}, {"image/png": {"alt": self.alt_text()}}


def alt_text(fig: Figure) -> str:
    """`Diagram: <title>. <summary>`: the figure's title, else its axes' titles joined by `; `, then
    what it shows when the chart says (`ChartFigure.summary`)."""
    suptitle = fig.get_suptitle()
    titles = [suptitle] if suptitle else [ax.get_title() for ax in fig.axes]
    text = "; ".join(t.replace("\n", " ") for t in titles if t)
    summary = str(getattr(fig, "summary", ""))
    return ALT_PREFIX + (text or "uden titel") + (f". {summary}" if summary else "")


def trend_words(first: float, last: float) -> str:
    """`stigende`, `faldende` or `uændret` from `first` to `last` (within 1 % is unchanged)."""
    if abs(last - first) <= 0.01 * max(abs(first), abs(last)):
        return "uændret"
    return "stigende" if last > first else "faldende"


def danish_and(items: Sequence[str]) -> str:
    """`a, b og c`: a list as a Danish sentence says it."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}" if items else ""


def sentences(*parts: str) -> str:
    """Sentences joined, each ended by one full stop: `… 1,2 mio. kr.` ends with its abbreviation's."""
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts if part)


def tick_decimals(values: Iterable[float]) -> int:
    """The fewest decimals that state every value exactly: steps of 0,25 → 2, of 0,5 → 1, whole → 0."""
    finite = [v for v in values if math.isfinite(v)]
    for decimals in range(_MAX_DECIMALS + 1):
        scale = 10**decimals
        if all(abs(v * scale - round(v * scale)) <= 1e-6 * max(1.0, abs(v * scale)) for v in finite):
            return decimals
    return _MAX_DECIMALS


class DanishTicks(Formatter):
    """Tick labels the Danish way (`1.234,5`, `99,75 %`) with as many decimals as the ticks need to
    state their values: the decimals come from the tick values, so a step of 0,25 shows two."""

    def __init__(self, scale: float = 1.0, *, as_percent: bool = False) -> None:
        self.scale = scale
        self.as_percent = as_percent
        self.decimals = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        shown = [float(v) / self.scale * (100 if self.as_percent else 1) for v in locs]
        self.decimals = tick_decimals(shown)

    def __call__(self, x: float, pos: int | None = None) -> str:
        if self.as_percent:
            return percent(x / self.scale, self.decimals)
        return number(x / self.scale, self.decimals)


def danish_ticks(ax: Axes, axis: str = "y", scale: float = 1.0, *, as_percent: bool = False) -> None:
    """Put `DanishTicks` on the axis (`x` or `y`)."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(DanishTicks(scale, as_percent=as_percent))


def new_figure(width: float = 8.0, height: float = 4.2) -> tuple[ChartFigure, Axes]:
    """A figure of the reports' size and resolution, with one axes, laid out by constrained layout."""
    fig = ChartFigure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def _millions(ax: Axes, axis: str = "y") -> None:
    danish_ticks(ax, axis, 1e6)


def cost_bars(costs: pd.DataFrame) -> Figure:
    """Stacked bars: each year's cost by line, in millions of kroner, each line in a colour of its own."""
    wide = costs.pivot_table(index="year", columns="line_code", values="amount_dkk", aggfunc="sum", sort=False)
    wide = wide.loc[:, wide.abs().sum() > 0]
    fig, ax = new_figure()
    bottom = np.zeros(len(wide))
    for colour, line in zip(distinct_colours(len(wide.columns)), wide.columns, strict=True):
        label = COST_LINE_LABELS[CostLineCode(line)]
        ax.bar(wide.index.astype(str), wide[line], bottom=bottom, label=label, color=colour)
        bottom += wide[line].to_numpy()
    _millions(ax)
    ax.set_xlabel("År")
    ax.set_ylabel("Mio. kr.")
    ax.set_title("Udgifter pr. år fordelt på udgiftslinjer")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    if len(wide.columns):
        totals, by_line = wide.sum(axis=1), wide.sum()
        largest = str(by_line.idxmax())
        first, last = wide.index[0], wide.index[-1]
        fig.summary = (
            f"I alt {mio_kr(totals.iloc[0])} i {first} og {mio_kr(totals.iloc[-1])} i {last} "
            f"({trend_words(totals.iloc[0], totals.iloc[-1])}). Største udgiftslinje: "
            f"{COST_LINE_LABELS[CostLineCode(largest)]} med {mio_kr(by_line[largest])} i alt.")
    return fig


def fut_fee_bars(fut_fee: pd.DataFrame) -> Figure:
    """What Kommunal PRO and Telma pay now, and would pay under each volume key."""
    fut_fee = labelled(Table.FUT_FEE_COMPARISON, fut_fee)
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
    # Beside the bars, not on them: the longest bar reaches the right edge.
    ax.legend(title="", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    fig.summary = "; ".join(
        f"{row.label}: Kommunal PRO {mio_kr(row.kommunal_pro_fee_by_key_dkk, 2)}, Telma "
        f"{mio_kr(row.telma_fee_by_key_dkk, 2)}" for row in fut_fee.itertuples()) + "."
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
    if len(by_region):
        top = by_region.iloc[-1]
        fig.summary = (f"Mest betaler {top['region']} med {mio_kr(top['amount_dkk'])}; "
                       f"mindst {by_region.iloc[0]['region']} med {mio_kr(by_region.iloc[0]['amount_dkk'])}.")
    return fig
