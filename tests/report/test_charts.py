"""Every chart of the reports, made from the default params: ticks that state their values in Danish,
legends that cover no data, and an alt text from the chart's title."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from alt_helpers import split_alt
from conftest import DEFAULT_PARAMS, REPO
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from kpro_econ.inputs.load import load_inputs
from kpro_econ.kpi.tables import compute_kpis
from kpro_econ.report import budget as budget_report
from kpro_econ.report import charts, decisions
from kpro_econ.report import kpi_charts as kc
from kpro_econ.report import risk_charts as rc
from kpro_econ.report.charts import DanishTicks, tick_decimals
from kpro_econ.workbook import compute_budget, compute_risk, compute_scenarios


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    inputs = load_inputs(REPO / DEFAULT_PARAMS)
    base = compute_scenarios(inputs)[inputs.base.name]
    params = inputs.base.params
    risk = compute_risk(inputs.base)
    assert risk is not None and params.kpi is not None
    assert inputs.base.operations is not None and inputs.base.adoption is not None
    bands = risk.settings.bands
    kpis = compute_kpis(params.kpi, inputs.base.operations, inputs.base.adoption, inputs.base.change_requests,
                        inputs.base.municipalities, base.costs)
    made = {
        "cost_bars": charts.cost_bars(base.costs),
        "fut_fee_bars": charts.fut_fee_bars(base.fut_fee),
        "allocation_by_region": charts.allocation_by_region(base.allocation, params.years[0]),
        "availability": kc.availability_chart(kpis.availability),
        "response_time": kc.response_time_chart(kpis.response_times),
        "support_channel": kc.support_channel_chart(kpis.support_by_channel),
        "support_category": kc.support_category_chart(kpis.support_by_category),
        "errors": kc.errors_chart(kpis.errors),
        "live_against_plan": kc.live_against_plan_chart(kpis.live_against_plan),
        "adoption": kc.adoption_chart(kpis.adoption_by_month),
        "per_1000": kc.per_1000_chart(kpis.active_citizens_per_1000),
        "change_requests": kc.change_request_chart(kpis.change_request_counts),
        "lead_time": kc.lead_time_chart(kpis.lead_time_trend),
        "estimates": kc.estimates_chart(kpis.estimates_vs_actual),
        "heat_maps": rc.heat_maps(risk.register, bands),
        "top_risks": rc.top_risks(risk.register, bands),
        "s_curve": rc.s_curve(risk.simulation),
        "histogram": rc.histogram(risk.simulation),
        "tornado": rc.tornado(risk.sensitivity, risk.simulation.expected_total),
        "residual_heat_map": rc.residual_heat_map(risk.register, bands),
        "wave_route": decisions.wave_route_chart(params),
        "budget_years": budget_report.years_chart(compute_budget(inputs)),
    }
    for fig in made.values():
        FigureCanvasAgg(fig).draw()
    return made


@pytest.mark.parametrize(("values", "decimals"), [
    ([0.0, 0.25, 0.5, 0.75, 1.0, 1.25], 2),
    ([0.0, 0.5, 1.0, 1.5], 1),
    ([0.0, 0.2, 0.4, 0.6000000000000001], 1),
    ([0.0, 2.0, 4.0, 6.0], 0),
    ([-500.0, 0.0, 500.0, 1000.0], 0),
    ([99.75, 99.8, 99.85], 2),
])
def test_tick_decimals_are_those_the_values_need(values: list[float], decimals: int) -> None:
    assert tick_decimals(values) == decimals


def _danish_number(label: str) -> float:
    """`1.234,5` or `99,75 %` or `−1` read back as a number (a percent label as its fraction)."""
    text = label.replace("\u2212", "-").replace("\xa0", " ").strip()
    fraction = text.endswith("%")
    value = float(text.rstrip("%").strip().replace(".", "").replace(",", "."))
    return value / 100 if fraction else value


def _danish_axes(fig: Figure) -> list[tuple[str, Axis, DanishTicks]]:
    found = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, DanishTicks):
                found.append((ax.get_title(), axis, formatter))
    return found


def test_every_tick_label_states_its_value(figures: dict[str, Figure]) -> None:
    checked = 0
    for name, fig in figures.items():
        for title, axis, formatter in _danish_axes(fig):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                location, label = tick.get_loc(), tick.label1.get_text()
                if not low <= location <= high or not label:
                    continue
                shown = _danish_number(label) * formatter.scale
                assert shown == pytest.approx(location, rel=1e-9, abs=1e-9 * formatter.scale), (
                    f"{name} ({title}): tick at {location} reads {label!r}")
                checked += 1
    assert checked > 100  # the money, count and percent axes of every report


def _visible_labels(axis: Axis) -> list[str]:
    low, high = sorted(axis.get_view_interval())
    return [t.label1.get_text() for t in axis.get_major_ticks() if low <= t.get_loc() <= high and t.label1.get_text()]


def test_a_quarter_step_gets_two_decimals_and_a_whole_step_none(figures: dict[str, Figure]) -> None:
    fig = figures["allocation_by_region"]
    axis = fig.axes[0].xaxis
    axis.set_major_locator(MultipleLocator(250_000))  # steps of 0,25 mio. kr.
    FigureCanvasAgg(fig).draw()
    assert _visible_labels(axis)[:4] == ["0,00", "0,25", "0,50", "0,75"]
    axis.set_major_locator(MultipleLocator(1_000_000))
    FigureCanvasAgg(fig).draw()
    assert _visible_labels(axis)[:3] == ["0", "1", "2"]


def test_availability_percent_ticks_are_danish(figures: dict[str, Figure]) -> None:
    labels = _visible_labels(figures["availability"].axes[0].yaxis)
    assert labels and all(label.endswith(" %") and "." not in label for label in labels)


def _data_boxes(fig: Figure) -> list[tuple[str, np.ndarray]]:
    """Display-space boxes of the drawn data: bars and patches, and every point of lines and dots."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes: list[tuple[str, np.ndarray]] = []
    for ax in fig.axes:
        for patch in ax.patches:
            box = patch.get_window_extent(renderer)
            if box.width > 1 and box.height > 1:
                boxes.append((f"bar {patch.get_label()}", box.get_points()))
        for line in ax.lines:
            points = line.get_transform().transform(line.get_xydata())
            boxes.extend((f"line {line.get_label()}", np.array([p, p])) for p in points if np.isfinite(p).all())
        for collection in ax.collections:
            offsets = collection.get_offset_transform().transform(collection.get_offsets())
            boxes.extend((f"dot {collection.get_label()}", np.array([p, p])) for p in offsets if np.isfinite(p).all())
    return boxes


def test_no_legend_covers_data(figures: dict[str, Figure]) -> None:
    for name, fig in figures.items():
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
        for legend in legends:
            (x0, y0), (x1, y1) = legend.get_window_extent(renderer).get_points()
            for what, ((bx0, by0), (bx1, by1)) in _data_boxes(fig):
                overlaps = bx0 < x1 and x0 < bx1 and by0 < y1 and y0 < by1
                assert not overlaps, f"{name}: the legend covers {what}"


def test_every_chart_tells_jupyter_its_title_and_what_it_shows_as_alt_text(figures: dict[str, Figure]) -> None:
    for name, fig in figures.items():
        assert isinstance(fig, charts.ChartFigure), name
        data, metadata = fig._repr_mimebundle_()
        assert data == {}  # the image itself comes from the inline backend's PNG formatter
        if name == "residual_heat_map":  # no title drawn (the summary's heading says it): see test_risk_charts
            assert metadata["image/png"]["alt"].startswith("Diagram: Åbne risici efter tiltag. "), metadata
            continue
        titles = [fig.get_suptitle()] if fig.get_suptitle() else [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles, name
        summary = f". {fig.summary}" if fig.summary else ""
        assert metadata == {"image/png": {"alt": "Diagram: " + "; ".join(titles) + summary}}, name
    # What the chart shows, not only its title: the largest line and the trend (test_alt_texts, by hand).
    for name, fig in figures.items():
        title, shows = split_alt(fig.alt_text())  # type: ignore[attr-defined]
        expected = "Åbne risici efter tiltag" if name == "residual_heat_map" else "; ".join(
            t.replace("\n", " ") for t in ([fig.get_suptitle()] if fig.get_suptitle() else
                                           [ax.get_title() for ax in fig.axes if ax.get_title()]))
        assert title == expected and shows, f"{name}: {fig.alt_text()!r}"  # type: ignore[attr-defined]
    cost_alt = figures["cost_bars"].alt_text()  # type: ignore[attr-defined]
    assert cost_alt.startswith("Diagram: Udgifter pr. år fordelt på udgiftslinjer. I alt ")
    assert "Største udgiftslinje: " in cost_alt
    assert figures["lead_time"].alt_text().startswith(  # type: ignore[attr-defined]
        "Diagram: Gennemløbstid for ændringsønsker. Ønsket → leveret: median ")


def test_the_lead_time_axis_has_every_quarter_also_one_without_a_finished_request(
        figures: dict[str, Figure]) -> None:
    # data/change_requests.csv: nothing approved or delivered in 2024K3; its quarter is on the axis.
    [ax] = figures["lead_time"].axes
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels == ["2023K1", "2023K2", "2023K3", "2023K4", "2024K1", "2024K2", "2024K3", "2024K4", "2025K1"]


def test_no_two_axis_labels_run_into_each_other(figures: dict[str, Figure]) -> None:
    """Neighbouring labels along the x axis keep a gap a reader can see (the lead-time quarters ran together
    as "2023K12023K2" before they were slanted)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    touching = []
    for name, fig in figures.items():
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        for ax in fig.axes:
            # level labels only: slanted ones stand apart by their slant
            labels = [label for label in ax.get_xticklabels()
                      if label.get_visible() and label.get_text() and label.get_rotation() == 0]
            boxes = [label.get_window_extent(renderer) for label in labels]
            touching += [f"{name}: {labels[i].get_text()} | {labels[i + 1].get_text()}"
                         for i in range(len(labels) - 1) if boxes[i + 1].x0 - boxes[i].x1 < 3]
    assert touching == []


@pytest.mark.e2e
def test_the_report_writes_the_alt_text_escaped(tmp_path: Path) -> None:
    import nbformat

    from kpro_econ.run.render import ReportHeader, render_report

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    nb = nbformat.v4.new_notebook()
    described = nbformat.v4.new_output("display_data", data={"image/png": png},
                                       metadata={"image/png": {"alt": 'Diagram: "A" <b>&</b>'}})
    bare = nbformat.v4.new_output("display_data", data={"image/png": png})
    cell = nbformat.v4.new_code_cell("chart()", outputs=[described, bare])
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel"), cell]
    html = render_report(nb, ReportHeader("Titel", "run", "p.yaml"))
    images = _ImageAlts()
    images.feed(html)
    assert images.alts == ['Diagram: "A" <b>&</b>', "Diagram uden beskrivelse"]
    assert images.bold == 0  # the text stayed an attribute value, no markup
    assert "No description" not in html


class _ImageAlts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []
        self.bold = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))
        self.bold += tag == "b"
