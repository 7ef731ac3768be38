"""The risk report's charts: heat maps, top risks, S-curve, histogram and tornado, in Danish.

Each function takes a frame or result from the risk model and returns a matplotlib Figure; no global
pyplot state. Money axes are in millions of kroner with Danish separators; band colours come from the
params' `risk.bands`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle

from kpro_econ.params.models import Band
from kpro_econ.report import risk_summaries as rs
from kpro_econ.report.charts import ALT_PREFIX, DPI, ChartFigure, danish_ticks, new_figure
from kpro_econ.report.formatting import kr, mio_kr, number, percent
from kpro_econ.report.labels import with_input_labels
from kpro_econ.risk.assessment import band_of
from kpro_econ.risk.montecarlo import SimulationResult, percentile_name

LOW_COLOUR, HIGH_COLOUR, MARK_COLOUR = "#4c78a8", "#e45756", "#37474f"
TOTAL_AXIS = "Samlede udgifter i budgetperioden, {unit} (faste priser)"
SCALE = range(1, 6)
IDS_PER_LINE = 2
LABEL_WIDTH = 46


def band_colours(bands: Sequence[Band]) -> dict[str, str]:
    """Each band's colour as `#rrggbb` (the params accept only colours matplotlib can read), so
    nothing but a colour reaches a table's CSS."""
    return {band.name: to_hex(band.colour) for band in bands}


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (a `#rrggbb` colour)."""
    red, green, blue = to_rgb(background)
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "#ffffff"


def plain(text: object, width: int = LABEL_WIDTH, lines: int = 2) -> str:
    """User text as matplotlib should draw it: `$` literally (not as mathtext), wrapped at `width`
    characters on at most `lines` lines, the rest shortened to `…`."""
    wrapped = textwrap.wrap(str(text), width, max_lines=lines, placeholder=" …") or [""]
    return "\n".join(wrapped).replace("$", r"\$")


def _money_axis(ax: Axes, largest: float, axis: str = "x") -> str:
    """Kroner on the axis in millions (`12,5`), or in whole kroner when every amount is small; the unit."""
    if abs(largest) >= 100_000:
        danish_ticks(ax, axis, 1e6)
        return "mio. kr."
    danish_ticks(ax, axis)
    return "kr."


def _band_legend(bands: Sequence[Band], colours: dict[str, str]) -> list[Patch]:
    return [Patch(facecolor=colours[b.name], edgecolor="#9e9e9e", label=f"{b.name} ({b.min_score}–{b.max_score})")
            for b in bands]


def heat_maps(register: pd.DataFrame, bands: Sequence[Band]) -> Figure:
    """5×5 heat maps of the open risks, before mitigation beside after, each cell coloured by the band
    of its score and holding the ids of the risks in it."""
    colours = band_colours(bands)
    open_risks = register[register["status"] == "open"]
    fig = ChartFigure(figsize=(10.0, 5.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, stage, title in zip(axes, ("inherent", "residual"), ("Før tiltag", "Efter tiltag"), strict=True):
        _heat_map(ax, open_risks, stage, bands, colours)
        ax.set_title(title)
    fig.suptitle("Åbne risici efter sandsynlighed og konsekvens", fontsize="large")
    fig.legend(handles=_band_legend(bands, colours), loc="outside lower center", ncols=len(bands),
               frameon=False, title="Bånd (score = sandsynlighed × konsekvens)")
    fig.summary = (f"Før tiltag – {risks_by_band(open_risks, 'inherent', bands)} "
                   f"Efter tiltag – {risks_by_band(open_risks, 'residual', bands)}")
    return fig


def _text_scale(ax: Axes) -> float:
    """Heat-map text shrinks with the cells: a cell of the 10-inch pair is about 0.85 inch wide."""
    fig = ax.get_figure(root=True)
    if fig is None:
        return 1.0
    cell = float(fig.get_size_inches()[0]) / (5 * len(fig.axes) + 1.5)
    return min(1.0, cell / 0.85)


@dataclass(frozen=True)
class HeatMapSizes:
    """The heat map's text in points: the score in each cell's corner (none: no scores), the ids of its
    risks (smaller when they need more than `lines_at_full_size` lines), and how far below the cell's
    middle the ids sit."""

    score: float | None
    ids: float
    crowded_ids: float
    lines_at_full_size: int = 2
    ids_offset: float = 0.06


def _scores(risks: pd.DataFrame, stage: str) -> tuple[pd.Series, pd.Series]:
    return (pd.to_numeric(risks[f"likelihood_{stage}"], errors="coerce"),
            pd.to_numeric(risks[f"impact_{stage}"], errors="coerce"))


def _heat_map(ax: Axes, risks: pd.DataFrame, stage: str, bands: Sequence[Band], colours: dict[str, str],
              sizes: HeatMapSizes | None = None) -> None:
    """Cells coloured by band, each holding the ids of `risks` at its likelihood and impact in `stage`
    (`inherent` or `residual`); the scores may be numbers or, from a run's CSV, text. Text in the sizes
    given (points), else in sizes that shrink with the cells."""
    likelihoods, impacts = _scores(risks, stage)
    scale = _text_scale(ax)
    sizes = sizes or HeatMapSizes(score=7 * scale, ids=9 * scale, crowded_ids=7 * scale)
    for likelihood in SCALE:
        for impact in SCALE:
            score = likelihood * impact
            colour = colours[band_of(score, bands)]
            ax.add_patch(Rectangle((impact - 0.5, likelihood - 0.5), 1, 1, facecolor=colour,
                                   edgecolor="white", linewidth=2))
            if sizes.score is not None:
                ax.text(impact - 0.44, likelihood + 0.44, str(score), ha="left", va="top", fontsize=sizes.score,
                        color=text_colour_on(colour), alpha=0.6)
            in_cell = risks[(likelihoods == likelihood) & (impacts == impact)]
            ids = sorted(plain(i, 10, 1) for i in in_cell["id"])
            if ids:
                lines = [", ".join(ids[i : i + IDS_PER_LINE]) for i in range(0, len(ids), IDS_PER_LINE)]
                ax.text(impact, likelihood - sizes.ids_offset, "\n".join(lines), ha="center", va="center",
                        fontsize=sizes.ids if len(lines) <= sizes.lines_at_full_size else sizes.crowded_ids,
                        fontweight="bold", color=text_colour_on(colour))
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("equal")
    ax.set_xticks(list(SCALE))
    ax.set_yticks(list(SCALE))
    ax.grid(False)
    ax.set_xlabel("Konsekvens (1 = meget lille, 5 = meget stor)")
    ax.set_ylabel("Sandsynlighed (1 = meget lav, 5 = meget høj)")


def top_risks(register: pd.DataFrame, bands: Sequence[Band], n: int = 10) -> Figure:
    """Horizontal bars: the `n` open risks with the largest expected value, coloured by residual band."""
    colours = band_colours(bands)
    open_risks = register[register["status"] == "open"]
    top = open_risks.sort_values(["expected_value_dkk", "id"], ascending=[False, True], kind="stable").head(n)
    top = top.iloc[::-1]
    fig, ax = new_figure(10.0, max(3.6, 0.5 * len(top) + 1.6))
    labels = [plain(f"{i}: {t}") for i, t in zip(top["id"], top["title"], strict=True)]
    bars = ax.barh(labels, top["expected_value_dkk"], color=[colours[b] for b in top["band_residual"]],
                   edgecolor="#757575", linewidth=0.6)
    ax.bar_label(bars, labels=[kr(v) for v in top["expected_value_dkk"]], padding=4, fontsize="small")
    ax.set_xlim(0, float(top["expected_value_dkk"].max() or 1) * 1.2)
    unit = _money_axis(ax, float(top["expected_value_dkk"].max()))
    ax.set_xlabel(f"Forventet værdi (sandsynlighed × PERT-middel af udgiften), {unit}")
    ax.set_ylabel("")
    ax.set_title(f"De {len(top)} største åbne risici efter forventet værdi")
    # Below the chart, not on it: the bar labels and bars may reach any corner.
    fig.legend(handles=_band_legend(bands, colours), title="Score efter tiltag", loc="outside lower center",
               ncols=len(bands), frameon=False, fontsize="small", title_fontsize="small")
    fig.summary = rs.top_risks_summary(top)
    return fig


def s_curve(simulation: SimulationResult) -> Figure:
    """The S-curve: the probability that the total is not exceeded, with P50, P80 and P95 marked, and
    where the base budget, the budget with its risk pool and that with the reserve lie, each with the
    share of the simulated outcomes it covers."""
    fig, ax = new_figure(10.0, 5.4)
    curve = simulation.s_curve
    ax.plot(curve["total_dkk"], curve["probability"], color=LOW_COLOUR, linewidth=2)
    left = float(curve["total_dkk"].iloc[0])
    for name, probability in _marked_levels(simulation):
        value = simulation.percentiles[name]
        ax.plot([left, value, value], [probability, probability, 0], color=MARK_COLOUR, linestyle="--",
                linewidth=0.9)
        ax.annotate(f"{name}: {mio_kr(value)}", (value, probability), xytext=(6, -14),
                    textcoords="offset points", fontsize="small")
    covers = simulation.coverage.set_index("mark")["share"]
    marks = (("base", "Basisbudget", simulation.base, "#616161", 0.30),
             ("budget", "Budget med risikopulje", simulation.budget, HIGH_COLOUR, 0.45),
             ("budget_with_reserve", "Budget med pulje og reserve", simulation.budget + simulation.contingency,
              "#2e7d32", 0.60))
    for mark, label, value, colour, height in marks:
        ax.axvline(value, color=colour, linestyle=":", linewidth=1.2)
        ax.annotate(f"{label}: {mio_kr(value)}, dækker {percent(float(covers[mark]), 0)}", (value, height),
                    xytext=(-4, 0), textcoords="offset points", ha="right", fontsize="small", color=colour)
    ax.set_ylim(0, 1.0)
    ax.set_xlim(left=min(left, simulation.base) * 0.995)
    danish_ticks(ax, as_percent=True)
    ax.set_xlabel(TOTAL_AXIS.format(unit=_money_axis(ax, float(curve["total_dkk"].max()))))
    ax.set_ylabel("Sandsynlighed for ikke at overskride")
    ax.set_title("S-kurve for de samlede udgifter inkl. risici")
    fig.summary = rs.s_curve_summary(simulation, _marked_levels(simulation))
    return fig


def _marked_levels(simulation: SimulationResult) -> list[tuple[str, float]]:
    levels = {percentile_name(p): p for p in (0.50, 0.80, 0.95, simulation.confidence)}
    return sorted(levels.items(), key=lambda item: item[1])


def histogram(simulation: SimulationResult) -> Figure:
    """The distribution of the total, with the base and the total at the confidence level marked."""
    fig, ax = new_figure(10.0, 5.0)
    bins = simulation.histogram
    ax.bar(bins["bin_low_dkk"], bins["count"], width=bins["bin_high_dkk"] - bins["bin_low_dkk"], align="edge",
           color=LOW_COLOUR, alpha=0.8, edgecolor="white", linewidth=0.4)
    name = percentile_name(simulation.confidence)
    at_confidence = simulation.at_confidence
    top = float(bins["count"].max())
    # The budget's label above the arrow, the percentile's lower down: the bars right of it are lower.
    budget = simulation.budget
    marks = ((simulation.base, f"Basisbudget: {mio_kr(simulation.base)}", "#616161", 1.2),
             (budget, f"Budget med risikopulje: {mio_kr(budget)}", "#616161", 1.0),
             (at_confidence, f"{name}: {mio_kr(at_confidence)}", HIGH_COLOUR, 0.85))
    for value, label, colour, height in marks:
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.4)
        ax.annotate(label, (value, top * height), xytext=(4, 0), textcoords="offset points", fontsize="small",
                    color=colour)
    ax.annotate("", xy=(max(at_confidence, budget), top * 1.08), xytext=(budget, top * 1.08),
                arrowprops={"arrowstyle": "<->", "color": MARK_COLOUR})
    ax.annotate(f"Reserve: {mio_kr(simulation.contingency)}", ((budget + max(at_confidence, budget)) / 2, top * 1.08),
                xytext=(0, 5), textcoords="offset points", ha="center", fontsize="small", color=MARK_COLOUR)
    ax.set_ylim(0, top * 1.3)
    ax.set_xlim(left=min(float(bins["bin_low_dkk"].iloc[0]), simulation.base) * 0.995)
    danish_ticks(ax)
    ax.set_xlabel(TOTAL_AXIS.format(unit=_money_axis(ax, float(bins["bin_high_dkk"].max()))))
    ax.set_ylabel("Antal simulerede udfald")
    ax.set_title(f"Fordeling af de samlede udgifter ({number(simulation.iterations)} simulerede udfald)")
    fig.summary = rs.histogram_summary(simulation)
    return fig


def tornado(sensitivity: pd.DataFrame, centre: float, n: int = 15) -> Figure:
    """The `n` inputs that swing the total most, one at a time around the expected total `centre`."""
    top = with_input_labels(sensitivity).sort_values("swing_dkk", ascending=False, kind="stable").head(n).iloc[::-1]
    fig, ax = new_figure(10.0, max(3.6, 0.5 * len(top) + 1.9))
    labels = [plain(label) for label in top["label"]]
    ax.barh(labels, top["low_total_dkk"] - centre, left=centre, color=LOW_COLOUR,
            label="Lavt skøn (en risiko: indtræffer ikke)")
    ax.barh(labels, top["high_total_dkk"] - centre, left=centre, color=HIGH_COLOUR,
            label="Højt skøn (en risiko: indtræffer med højeste udgift)")
    ax.axvline(centre, color=MARK_COLOUR, linewidth=1)
    ax.annotate(f"Forventet total: {mio_kr(centre)}", (centre, len(top) - 0.4), xytext=(4, 0),
                textcoords="offset points", fontsize="small", color=MARK_COLOUR)
    ax.set_ylim(-0.6, len(top) + 0.2)
    ax.set_xlabel(TOTAL_AXIS.format(unit=_money_axis(ax, float(top["high_total_dkk"].max()))))
    ax.set_ylabel("")
    ax.set_title(f"Følsomhed: de {len(top)} input, der flytter totalen mest")
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize="small")
    fig.summary = rs.tornado_summary(top, centre)
    return fig


# The steering summary's heat map, drawn at the size it is printed: 318 × 168 CSS pixels (84 × 44 mm, 96
# pixels to the inch), one of two columns on A4 portrait (`report.steering`), no taller than the one page
# allows. Shown at its own size, a point in the figure is a point on paper: no text under 7 pt. The cells
# hold only the ids (the axes and colours give the scores), so that two lines of ids fit a cell.
SUMMARY_HEAT_MAP_INCHES = (318 / 96, 168 / 96)
SUMMARY_HEAT_MAP_SIZES = HeatMapSizes(score=None, ids=8, crowded_ids=7, lines_at_full_size=1, ids_offset=0)
SUMMARY_TEXT_PT = 7


class HeatMapFigure(ChartFigure):
    """A heat map whose alt text names the risks in each band, not only its title."""

    alt_title = ""
    bands_text = ""

    def alt_text(self) -> str:
        return f"{ALT_PREFIX}{self.alt_title}. {self.bands_text}"


def risks_by_band(risks: pd.DataFrame, stage: str, bands: Sequence[Band]) -> str:
    """`Kritisk: R02; Høj: R01, R05; Middel: ingen; Lav: R08.`: the ids of `risks` in each band by their
    score in `stage`, the highest band first."""
    likelihoods, impacts = _scores(risks, stage)
    scores = (likelihoods * impacts).tolist()
    parts = []
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        ids = sorted(str(i) for i, score in zip(risks["id"], scores, strict=True)
                     if score == score and band_of(int(score), bands) == band.name)  # NaN: not scored
        parts.append(f"{band.name[:1].upper()}{band.name[1:]}: {', '.join(ids) or 'ingen'}")
    return "; ".join(parts) + "."


def residual_heat_map(register: pd.DataFrame, bands: Sequence[Band]) -> Figure:
    """The residual 5×5 heat map alone, for the one-page steering summary: drawn at its printed size
    (`SUMMARY_HEAT_MAP_INCHES`), its title left to the summary's heading and to the alt text."""
    colours = band_colours(bands)
    fig = HeatMapFigure(figsize=SUMMARY_HEAT_MAP_INCHES, dpi=DPI,
                        layout=ConstrainedLayoutEngine(w_pad=0.01, h_pad=0.01))  # small margins: a small figure
    ax = fig.add_subplot()
    open_risks = register[register["status"] == "open"]
    _heat_map(ax, open_risks, "residual", bands, colours, SUMMARY_HEAT_MAP_SIZES)
    ax.set_aspect("auto")  # the cells as wide as the column allows: room for two ids on a line
    ax.tick_params(labelsize=SUMMARY_TEXT_PT, pad=2)
    ax.set_xlabel("Konsekvens", fontsize=SUMMARY_TEXT_PT, labelpad=2)
    ax.set_ylabel("Sandsynlighed", fontsize=SUMMARY_TEXT_PT, labelpad=2)
    fig.alt_title = "Åbne risici efter tiltag"
    fig.bands_text = risks_by_band(open_risks, "residual", bands)
    return fig
