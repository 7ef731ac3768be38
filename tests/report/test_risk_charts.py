"""The risk report's charts: Figures (no pyplot), the right cells, bars and marks, Danish labels."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from model_helpers import register as change_request_register
from model_helpers import small_params

from kpro_econ.inputs.load import ScenarioInputs
from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.params.models import Band, RiskSettings
from kpro_econ.report import risk_charts as rc
from kpro_econ.report.formatting import percent
from kpro_econ.report.labels import input_label
from kpro_econ.workbook import RiskResult, compute_risk

YEARS = [2025, 2026]
BANDS = RiskSettings().bands


def item(risk_id: str, likelihood: tuple[int, int], impact: tuple[int, int], **changes: Any) -> dict[str, Any]:
    """A risk at (likelihood, impact) before and after mitigation."""
    base: dict[str, Any] = {
        "id": risk_id, "title": f"Risiko {risk_id}", "category": "drift", "owner": "Systemforvaltningen",
        "likelihood_inherent": likelihood[0], "impact_inherent": impact[0],
        "likelihood_residual": likelihood[1], "impact_residual": impact[1],
        "status": "open", "cost_low": 100, "cost_mode": 200, "cost_high": 600, "last_reviewed": "2023-06-23",
    }
    return {**base, **changes}


# Before mitigation R1 and R2 share the cell (4, 4); after, R1 is alone at (3, 4), R2 and R3 share (2, 3).
# R4 is closed and R5 has occurred: neither is on the heat maps.
ITEMS = [
    item("R1", (4, 3), (4, 4), title="Pris i $ og <b>fed</b>", cost_high=3000),
    item("R2", (4, 2), (4, 3)),
    item("R3", (2, 2), (3, 3), probability=0.9),
    item("R4", (5, 1), (5, 1), status="closed", cost_low=None, cost_mode=None, cost_high=None),
    item("R5", (5, 5), (5, 5), status="occurred", probability=1.0),
]


@pytest.fixture(scope="module")
def risk() -> RiskResult:
    register = risk_register_from_items(ITEMS, "params.yaml", YEARS)
    params = small_params(monte_carlo={"iterations": 2_000, "seed": 3}, risk={"items": ITEMS})
    result = compute_risk(ScenarioInputs("Basis", params, change_request_register(), pd.DataFrame(), register))
    assert result is not None
    return result


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def texts_with(ax: Axes, text: str) -> list[str]:
    return [t for t in texts(ax) if text in t]


def assert_readable(fig: Figure) -> None:
    width, height = fig.get_size_inches()
    assert 8 <= width <= 10 and height >= 3


def test_heat_maps_put_each_open_risk_in_its_cell(risk):
    fig = rc.heat_maps(risk.register, BANDS)
    assert isinstance(fig, Figure)
    assert_readable(fig)
    before, after = fig.axes
    assert (before.get_title(), after.get_title()) == ("Før tiltag", "Efter tiltag")
    assert before.get_xlabel().startswith("Konsekvens") and before.get_ylabel().startswith("Sandsynlighed")
    for ax in (before, after):
        assert sum(isinstance(p, Rectangle) for p in ax.patches) == 25
        assert len(texts_with(ax, "R1")) == 1
        assert texts_with(ax, "R4") == [] and texts_with(ax, "R5") == []
    assert len(texts_with(before, "R")) == 2  # R1 + R2 together, R3 alone
    assert texts_with(before, "R1") == ["R1, R2"]
    assert len(texts_with(after, "R")) == 2  # R1 alone, R2 + R3 together
    assert texts_with(after, "R2") == ["R2, R3"]


def test_residual_heat_map_reads_a_run_table_too(risk, tmp_path):
    risk.register.to_csv(tmp_path / "risk_register.csv", index=False)
    as_written = pd.read_csv(tmp_path / "risk_register.csv", dtype=str)  # a run's data/risk_register.csv
    for register in (risk.register, as_written):
        ax = rc.residual_heat_map(register, BANDS).axes[0]
        assert len(texts_with(ax, "R")) == 2
        assert texts_with(ax, "R2") == ["R2, R3"] and texts_with(ax, "R4") == []


def test_heat_map_cells_are_coloured_by_band(risk):
    fig = rc.heat_maps(risk.register, BANDS)
    cells = {(round(p.get_y() + 0.5), round(p.get_x() + 0.5)): p.get_facecolor()
             for p in fig.axes[0].patches if isinstance(p, Rectangle)}
    colours = rc.band_colours(BANDS)
    expected = {(1, 1): "lav", (2, 3): "middel", (3, 4): "høj", (5, 5): "kritisk"}
    for (likelihood, impact), band in expected.items():
        assert cells[(likelihood, impact)][:3] == pytest.approx(to_rgb(colours[band]))


def test_top_risks_bars_largest_first(risk):
    fig = rc.top_risks(risk.register, BANDS, n=2)
    ax = fig.axes[0]
    assert_readable(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # R1 expects 0.5 × (100 + 800 + 3000)/6 = 325; R3 0.9 × 250 = 225; R2 0.2 × 250 = 50
    assert labels == ["R3: Risiko R3", r"R1: Pris i \$ og <b>fed</b>"]  # drawn bottom up: largest on top
    assert len(ax.containers[0]) == 2
    assert ax.get_xlabel().endswith(", kr.")  # amounts this small in whole kroner, not 0,00 mio. kr.
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert len(set(ticks)) == len(ticks) and "300" in ticks
    assert {t.get_text() for t in ax.texts} >= {"325 kr.", "225 kr."}


def test_s_curve_marks_the_percentiles(risk):
    fig = rc.s_curve(risk.simulation)
    ax = fig.axes[0]
    assert_readable(fig)
    for name in ("P50", "P80", "P95", "Basisbudget"):
        assert len(texts_with(ax, name)) == 1, name
    assert "mio. kr." in ax.get_xlabel() and ax.get_ylabel() == "Sandsynlighed for ikke at overskride"
    assert texts_with(ax, "P80")[0].endswith("mio. kr.")


def test_histogram_marks_base_p80_and_reserve(risk):
    fig = rc.histogram(risk.simulation)
    ax = fig.axes[0]
    assert len(ax.patches) == len(risk.simulation.histogram)
    assert len(texts_with(ax, "Basisbudget")) == 1 and len(texts_with(ax, "P80")) == 1
    assert len(texts_with(ax, "Reserve")) == 1
    assert ax.get_ylabel() == "Antal simulerede udfald"


def test_tornado_shows_the_largest_swings(risk):
    table = risk.sensitivity
    fig = rc.tornado(table, risk.simulation.expected_total, n=3)
    ax = fig.axes[0]
    assert_readable(fig)
    assert len(ax.patches) == 2 * 3
    labels = [t.get_text() for t in ax.get_yticklabels()]
    largest = table.iloc[0]  # the largest swing, on top, named as the report names inputs
    assert labels[-1] == rc.plain(input_label(largest["input"], largest["title"]))
    assert len(rc.tornado(table, risk.simulation.expected_total).axes[0].patches) == 2 * min(15, len(table))


def test_user_text_is_drawn_literally():
    assert rc.plain("Pris i $ og $") == r"Pris i \$ og \$"
    long = rc.plain("ord " * 40)
    assert long.count("\n") == 1 and long.endswith("…")


def test_band_colours_are_hex_and_text_contrasts():
    assert rc.band_colours([Band(name="x", min_score=1, max_score=25, colour="red")]) == {"x": "#ff0000"}
    assert rc.band_colours(BANDS)["kritisk"] == "#ef9a9a"
    assert rc.text_colour_on("#ffffff") == "#000000" and rc.text_colour_on("#000000") == "#ffffff"


def test_the_summary_heat_map_is_drawn_for_print_and_names_the_risks_in_each_band(risk):
    from matplotlib.text import Text

    fig = rc.residual_heat_map(risk.register, BANDS)
    fig.canvas.draw()
    # Drawn at the size the summary prints it: 318 × 168 CSS pixels at 96 to the inch, 84 × 44 mm.
    width, height = fig.get_size_inches()
    assert (round(width * 25.4), round(height * 25.4)) == (84, 44)
    shown = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert {"R1", "R2, R3", "Konsekvens", "Sandsynlighed"} <= {t.get_text() for t in shown}
    assert min(t.get_fontsize() for t in shown) >= 7  # points on paper at that size
    # After mitigation R1 is at likelihood 3, impact 4: 12 (høj); R2 and R3 at 2 × 3 = 6 (middel); R4 is closed
    # and R5 has occurred: neither is open, so neither is named. No open risk is kritisk or lav.
    assert fig.alt_text() == "Diagram: Åbne risici efter tiltag. Kritisk: ingen; Høj: R1; Middel: R2, R3; Lav: ingen."


def test_s_curve_shows_the_budget_its_pool_and_the_reserve_with_the_share_each_covers():
    # A certain model and one open risk: 30 % of 100,000. The pool holds 30,000; 70 % of the outcomes are
    # the base, so base and budget (base + pool) each cover 70 %; P80 holds the risk: the reserve of
    # 70,000 on top of the budget covers every outcome.
    params = small_params(support={"base_price": 400_000}, fees={"solution": 1_000_000, "infrastructure": 0},
                          monte_carlo={"iterations": 20_000, "seed": 4})
    one = [item("R", (3, 3), (3, 3), probability=0.3, cost_low=100_000, cost_mode=100_000, cost_high=100_000)]
    register = risk_register_from_items(one, "params.yaml", YEARS)
    result = compute_risk(ScenarioInputs("Basis", params, change_request_register(), pd.DataFrame(), register))
    assert result is not None
    simulation = result.simulation
    assert simulation.pool == pytest.approx(30_000)
    assert simulation.contingency == pytest.approx(70_000)
    covers = simulation.coverage.set_index("mark")["share"]
    assert covers["base"] == covers["budget"] == pytest.approx(0.70, abs=0.015)
    assert covers["budget_with_reserve"] == 1.0
    ax = rc.s_curve(simulation).axes[0]
    for label, mark in (("Basisbudget", "base"), ("Budget med risikopulje", "budget"),
                        ("Budget med pulje og reserve", "budget_with_reserve")):
        [text] = texts_with(ax, f"{label}: ")
        assert text.endswith(f"dækker {percent(float(covers[mark]), 0)}"), text
    assert texts_with(ax, "Budget med pulje og reserve")[0].endswith("dækker 100 %")
