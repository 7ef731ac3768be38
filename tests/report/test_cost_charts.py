"""The cost report's charts (`report/charts.py`), checked on the matplotlib Figure each returns: its bars
(height, position, stacking), labels and titles, against figures worked out by hand. The Danish ticks of
every chart are tested in test_charts.py."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from model_helpers import COSTS as HAND_COSTS

from kpro_econ.params.codes import CostLineCode
from kpro_econ.report import charts


def only_axes(fig: Figure) -> Axes:
    [ax] = fig.axes
    return ax


def bars(ax: Axes) -> dict[str, list[tuple[float, float, float, float]]]:
    """(x, y, width, height) of each bar, by the label of its series."""
    return {
        str(container.get_label()): [
            (patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()) for patch in container.patches
        ]
        for container in ax.containers
    }


def tick_texts(ax: Axes, axis: str) -> list[str]:
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [tick.get_text() for tick in ticks]


# What the legend says for each line.
FUT_FEE, SUPPORT, SPOC_OPTION = "Tilslutningsafgift til FUT", "Supportaftale", "FUT SPOC-option"
COSTS = pd.concat([HAND_COSTS, pd.DataFrame(
    # nothing in any year: no bar, no legend entry
    [(2025, CostLineCode.CR_PIPELINE, "engangs", 0.0), (2026, CostLineCode.CR_PIPELINE, "engangs", 0.0)],
    columns=HAND_COSTS.columns,
)], ignore_index=True)


def test_cost_bars_stack_each_years_lines_in_order() -> None:
    ax = only_axes(charts.cost_bars(COSTS))

    stacked = {line: [(y, height) for _, y, _, height in series] for line, series in bars(ax).items()}
    assert list(stacked) == [FUT_FEE, SUPPORT, SPOC_OPTION]
    assert stacked[FUT_FEE] == [(0.0, 600_000.0), (0.0, 650_000.0)]
    assert stacked[SUPPORT] == [(600_000.0, 420_000.0), (650_000.0, 462_000.0)]
    assert stacked[SPOC_OPTION] == [(1_020_000.0, 60_000.0), (1_112_000.0, 0.0)]  # on top of the two below


def test_cost_bars_are_labelled_in_danish_with_millions_on_the_axis() -> None:
    ax = only_axes(charts.cost_bars(COSTS))

    assert ax.get_title() == "Udgifter pr. år fordelt på udgiftslinjer"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("År", "Mio. kr.")
    assert tick_texts(ax, "x") == ["2025", "2026"]
    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == [FUT_FEE, SUPPORT, SPOC_OPTION]


def test_fut_fee_bars_show_both_solutions_under_each_key() -> None:
    fut_fee = pd.DataFrame({  # the agreement's row is named by the report, a volume key by the controller
        "basis": ["fte", "citizens"], "label": [None, "Efter borgere"],
        "kommunal_pro_fee_by_key_dkk": [600_000.0, 450_000.0],
        "telma_fee_by_key_dkk": [300_000.0, 750_000.0],
    })

    ax = only_axes(charts.fut_fee_bars(fut_fee))

    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["Kommunal PRO", "Telma"]
    # one series of bars per solution, in the legend's order; one bar per key, in the keys' order
    widths = [[width for _, _, width, _ in series] for series in bars(ax).values()]
    assert widths == [[600_000.0, 450_000.0], [300_000.0, 750_000.0]]
    assert tick_texts(ax, "y") == ["Aftalt andel af et årsværk", "Efter borgere"]
    assert ax.get_title() == "FUT-afgift: aftalt og ved fordeling efter volumen"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Mio. kr. pr. år", "")


def test_allocation_by_region_sums_the_years_municipalities_smallest_first() -> None:
    allocation = pd.DataFrame(
        [
            (2025, "Region Nordjylland", 500.0),
            (2025, "Region Nordjylland", 300.0),
            (2025, "Region Hovedstaden", 1_200.0),
            (2025, "Region Sjælland", 100.0),
            (2026, "Region Sjælland", 9_000.0),  # another year
        ],
        columns=["year", "region", "amount_dkk"],
    )

    ax = only_axes(charts.allocation_by_region(allocation, 2025))

    assert tick_texts(ax, "y") == ["Region Sjælland", "Region Nordjylland", "Region Hovedstaden"]
    assert [patch.get_width() for patch in ax.patches] == [100.0, 800.0, 1_200.0]  # Nordjylland 500 + 300
    assert ax.get_title() == "Kommunernes betaling 2025 samlet pr. region"
    assert ax.get_xlabel() == "Mio. kr. i 2025"


@pytest.mark.parametrize("draw", [
    lambda: charts.cost_bars(COSTS),
    lambda: charts.allocation_by_region(pd.DataFrame({"year": [2025], "region": ["R"], "amount_dkk": [1.0]}), 2025),
])
def test_charts_are_not_registered_with_pyplot(draw: object) -> None:
    # A figure pyplot knows of stays in memory until closed and is shown again by the next plt.show().
    before = plt.get_fignums()
    assert callable(draw)
    assert isinstance(draw(), Figure)
    assert plt.get_fignums() == before


def test_every_cost_line_gets_a_colour_of_its_own_and_the_alt_text_says_what_the_chart_shows() -> None:
    # Every cost line, line n costing n × 100.000 kr. in 2025 and n × 110.000 kr. in 2026.
    lines = list(CostLineCode)
    rows = [(year, line, "drift", (n + 1) * step)
            for n, line in enumerate(lines) for year, step in ((2025, 100_000.0), (2026, 110_000.0))]
    fig = charts.cost_bars(pd.DataFrame(rows, columns=["year", "line_code", "kind", "amount_dkk"]))
    ax = only_axes(fig)
    colours = {str(container.get_label()): container.patches[0].get_facecolor() for container in ax.containers}
    assert len(colours) == len(lines) == 12
    assert len(set(colours.values())) == len(lines)  # tab10 gave the 11th and 12th line the 1st and 2nd colour
    # 2025: 100.000 × (1 + … + 12) = 7,8 mio.; 2026: 8,58 mio.; the last line: 1,2 + 1,32 = 2,52 mio.
    largest = charts.COST_LINE_LABELS[lines[-1]]
    assert fig.alt_text() == ("Diagram: Udgifter pr. år fordelt på udgiftslinjer. I alt 7,8 mio. kr. i 2025 og "
                              "8,6 mio. kr. i 2026 (stigende). "
                              f"Største udgiftslinje: {largest} med 2,5 mio. kr. i alt.")
