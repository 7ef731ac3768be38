"""A long operations or change-request register gives charts, tables and sheets of a bounded size:
top N and the rest as one, thinned month ticks, and a capped Excel sheet (every row stays in the CSV).
Expectations are worked out by hand in the comments; nothing here measures time
(`bench/large_register_bench.py` does)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook

from kpro_econ.inputs import kpi_registers as kpi_inputs
from kpro_econ.kpi import measures as kpi
from kpro_econ.params.codes import RunState
from kpro_econ.report import kpi_charts
from kpro_econ.report.excel import MAX_SHEET_ROWS, RunAbout
from kpro_econ.run.runfolder import write_tables
from kpro_econ.tables import Table

MONTHS = pd.date_range("2024-01-01", periods=34, freq="MS")


def by_category(categories: int) -> pd.DataFrame:
    """34 months × `categories` categories; category k has k + 1 requests every month."""
    return pd.DataFrame({
        "month": [m for m in MONTHS for _ in range(categories)],
        "category": [f"K{k:05d}" for _ in MONTHS for k in range(categories)],
        "requests": [k + 1 for _ in MONTHS for k in range(categories)],
    })


def test_top_and_others_keeps_the_largest_and_sums_the_rest():
    frame = pd.DataFrame({
        "month": pd.to_datetime(["2024-01-01"] * 4 + ["2024-02-01"] * 4),
        "category": ["a", "b", "c", "d"] * 2,
        "requests": [5, 1, 7, 2, 5, 4, 0, 0],
    })
    # Totals a 10, b 5, c 7, d 2: the two largest are a and c; b and d go together.
    shown = kpi_charts.top_and_others(frame, "category", "requests", 2)
    assert shown.to_dict("list") == {
        "month": list(pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3)),
        "category": ["a", "c", kpi_charts.OTHERS] * 2,
        "requests": [5, 7, 1 + 2, 5, 0, 4 + 0],
    }
    assert kpi_charts.top_and_others(frame, "category", "requests", 4).equals(frame)


def test_the_category_chart_of_thousands_of_categories_has_a_bounded_stack_and_legend():
    frame = by_category(3000)
    figure = kpi_charts.support_category_chart(frame)
    ax = figure.axes[0]
    top = kpi_charts.TOP_CATEGORIES
    assert len(ax.containers) == top + 1  # one stacked bar series per kept category, one for the rest
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    # The largest are K02999 … K02992 (3000 … 2993 requests); 2992 others in one.
    assert legend == [f"K{k:05d}" for k in range(2999 - top + 1, 3000)] + ["Øvrige kategorier (2.992)"]
    # Every month's bar still adds up to all of its requests: 1 + 2 + … + 3000.
    heights = sum(bar.get_height() for container in ax.containers for bar in container.patches[:1])
    assert heights == 3000 * 3001 // 2
    FigureCanvasAgg(figure).draw()
    assert figure.get_size_inches().tolist() == [8.0, 4.2]  # the chart's size, not the register's


def test_category_totals_are_kept_per_month_only_where_given():
    # 200 categories, each in one month only: 200 rows out, not 200 × the 2 months.
    rows = [("2024-01", "availability_pct", None, None, None, "100"),
            ("2024-02", "availability_pct", None, None, None, "100")]
    rows += [(f"2024-0{1 + k % 2}", "support_requests", "borger", f"K{k}", None, "1") for k in range(200)]
    cells = [[None if v is None else str(v) for v in row] for row in rows]
    columns = ["month", "measure", "channel", "category", "severity", "value"]
    ops = kpi_inputs.operations(pd.DataFrame(cells, columns=columns, dtype=object), "operations.csv")
    table = kpi.support_by_month(ops, "category")
    assert len(table) == 200 and table["requests"].sum() == 200
    # Channels stay a full grid: both channels in both months, 0 where none.
    assert kpi.support_by_month(ops, "channel")["requests"].tolist() == [100, 0, 100, 0]


def test_fifty_years_of_months_get_at_most_sixteen_ticks():
    months = pd.Series(pd.date_range("2000-01-01", periods=600, freq="MS"))
    figure = kpi_charts.availability_chart(pd.DataFrame({
        "month": months, "availability": 0.999, "target": 0.995, "meets_target": True}))
    ticks = figure.axes[0].get_xticklabels()
    # 600 months: quarters 200 ticks, half-years 100, years 50, two years 25, five years 10.
    assert [t.get_text() for t in ticks] == [f"jan. {year}" for year in range(2000, 2050, 5)]
    shipped = kpi_charts.availability_chart(pd.DataFrame({
        "month": MONTHS, "availability": 0.999, "target": 0.995, "meets_target": True}))
    # 34 months from January 2024: quarterly, as before (12 ticks).
    assert len(shipped.axes[0].get_xticklabels()) == 12


def test_estimates_of_a_long_register_show_the_largest_differences():
    n = 500
    frame = pd.DataFrame({
        "id": [f"ÆØ-{i:03d}" for i in range(n)],
        "estimate_low": 100.0, "estimate_high": 300.0, "pert_mean": 200.0,
        # ÆØ-i is i kroner off, alternately above and below: the largest are the last 25.
        "actual_cost": [200.0 + (i if i % 2 else -i) for i in range(n)],
    })
    frame["difference_dkk"] = frame["actual_cost"] - frame["pert_mean"]
    figure = kpi_charts.estimates_chart(frame)
    shown = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert shown == [f"ÆØ-{i:03d}" for i in range(n - kpi_charts.MAX_ESTIMATES, n)]
    assert "de 25 største afvigelser af 500" in figure.axes[0].get_title()


def test_an_excel_sheet_is_capped_and_says_where_every_row_is(tmp_path: Path):
    rows = MAX_SHEET_ROWS + 5
    table = pd.DataFrame({"month": pd.Timestamp("2024-01-01"), "category": [f"K{i}" for i in range(rows)],
                          "requests": range(rows)})
    about = RunAbout("t", "r", "p.yaml", "0" * 64, datetime(2026, 1, 1, tzinfo=UTC), RunState.DRAFT)
    write_tables(tmp_path, {Table.KPI_SUPPORT_BY_CATEGORY: table}, about)
    assert len(pd.read_csv(tmp_path / "kpi_support_by_category.csv")) == rows  # the CSV has them all
    book = load_workbook(tmp_path / "tables.xlsx")
    sheet = book.worksheets[1]
    note = "Arket viser de første 10.000 af 10.005 rækker; alle står i kpi_support_by_category.csv ved siden af."
    assert sheet.cell(MAX_SHEET_ROWS + 1, 2).value == f"K{MAX_SHEET_ROWS - 1}"  # header, then 10,000 rows
    assert sheet.cell(MAX_SHEET_ROWS + 2, 2).value is None
    assert sheet.cell(MAX_SHEET_ROWS + 3, 1).value == note
    first = [cell.value for row in book.worksheets[0].iter_rows() for cell in row]
    assert note in first
