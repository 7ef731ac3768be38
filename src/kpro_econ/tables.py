"""The one declaration of every table a run writes: its columns, their dtypes, units, label keys and
Excel formats, and which of them a person is shown.

`workbook.Workbook.tables` computes each `Table`; the CSV writer writes the columns declared here in
this order, the Excel workbook makes one sheet per table from its declaration, and the reports and the
steering summary take a column's Danish header from `report.labels.COLUMN_LABELS` by its label key.
Adding a column is one `Column` below plus its computation; a frame that does not match its
declaration is refused when the run writes it (`conformed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from kpro_econ.errors import KproError


class Table(StrEnum):
    """The tables a run writes to `data/<name>.csv` (and as sheets of `tables.xlsx`), by file name."""

    COST_BY_YEAR = "cost_by_year"
    SCENARIO_COMPARISON = "scenario_comparison"
    FUT_FEE_COMPARISON = "fut_fee_comparison"
    ALLOCATION = "allocation"
    ASSUMPTIONS = "assumptions"
    RISK_REGISTER = "risk_register"
    RISK_POOL = "risk_pool"
    MONTECARLO_SUMMARY = "montecarlo_summary"
    SENSITIVITY = "sensitivity"
    KPI_AVAILABILITY = "kpi_availability"
    KPI_RESPONSE_TIMES = "kpi_response_times"
    KPI_SUPPORT_BY_CHANNEL = "kpi_support_by_channel"
    KPI_SUPPORT_BY_CATEGORY = "kpi_support_by_category"
    KPI_ERRORS = "kpi_errors"
    KPI_LIVE_AGAINST_PLAN = "kpi_live_against_plan"
    KPI_WAVE4_NOT_READY = "kpi_wave4_not_ready"
    KPI_WAVE5_DECISION = "kpi_wave5_decision"
    KPI_ADOPTION_BY_MONTH = "kpi_adoption_by_month"
    KPI_ACTIVE_CITIZENS_PER_1000 = "kpi_active_citizens_per_1000"
    KPI_CHANGE_REQUEST_COUNTS = "kpi_change_request_counts"
    KPI_LEAD_TIMES = "kpi_lead_times"
    KPI_LEAD_TIME_TREND = "kpi_lead_time_trend"
    KPI_ESTIMATES_VS_ACTUAL = "kpi_estimates_vs_actual"
    KPI_COST_PER_USE = "kpi_cost_per_use"
    BUDGET_FOLLOWUP = "budget_followup"
    INVOICE_RECONCILIATION = "invoice_reconciliation"
    WAVE_ROUTE_COMPARISON = "wave_route_comparison"
    WAVE_ROUTE_DECISION = "wave_route_decision"
    SPOC_OPTION = "spoc_option"
    SPOC_ENDING = "spoc_ending"


class Dtype(StrEnum):
    """A column's dtype in the workbook's frame."""

    TEXT = "text"  # pandas' string dtype, or object holding only texts and blanks
    INT = "int64"
    INT_OR_BLANK = "Int64"
    FLOAT = "float64"
    BOOL = "bool"
    BOOL_OR_BLANK = "boolean"
    DATETIME = "datetime64"  # any resolution


class Unit(StrEnum):
    """What a column's values are."""

    DKK = "dkk"
    SHARE = "share"
    COUNT = "count"
    NUMBER = "number"  # a measure of its own (volume, weight, days, minutes, milliseconds, a figure)
    SCORE = "score"
    YEAR = "year"
    MONTH = "month"
    DATE = "date"
    CODE = "code"
    TEXT = "text"


class ExcelFormat(StrEnum):
    """Excel number formats. Excel shows them with the reader's own separators, so a Danish Excel shows
    `1.234 kr.` and `3,5 %`; `[$-406]` (Danish) makes month names Danish in any Excel."""

    AMOUNT = '#,##0 "kr."'
    PERCENT = "0.0%"
    PERCENT2 = "0.00%"
    NUMBER = "#,##0"
    DECIMAL = "#,##0.0"
    DECIMAL2 = "#,##0.00"
    PLAIN = "0"  # years and codes: no thousands separator
    DATE = "dd-mm-yyyy"
    MONTH = "[$-406]mmmm yyyy"
    GENERAL = "General"
    TEXT = "@"


class Codes(StrEnum):
    """A family of codes whose Danish labels `report.labels.CODE_LABELS` holds (a column's values are shown
    as their labels in Excel)."""

    BOOL = "bool"
    COST_LINE = "cost_line"
    COST_KIND = "cost_kind"
    CHANGE_REQUEST_STATUS = "change_request_status"
    RISK_STATUS = "risk_status"
    TREND = "trend"
    WAVE_ROUTE = "wave_route"
    MONTE_CARLO_STATISTIC = "monte_carlo_statistic"
    CHANNEL = "channel"
    SEVERITY = "severity"
    DECISION = "decision"
    STAGE = "stage"
    RECONCILIATION_STATUS = "reconciliation_status"
    BASIS = "basis"


_DEFAULT_FORMAT = {
    Unit.DKK: ExcelFormat.AMOUNT, Unit.SHARE: ExcelFormat.PERCENT, Unit.COUNT: ExcelFormat.NUMBER,
    Unit.SCORE: ExcelFormat.PLAIN, Unit.YEAR: ExcelFormat.PLAIN, Unit.MONTH: ExcelFormat.MONTH,
    Unit.DATE: ExcelFormat.DATE, Unit.CODE: ExcelFormat.TEXT, Unit.TEXT: ExcelFormat.TEXT,
}


@dataclass(frozen=True)
class Column:
    """One column: its name in the frame and the CSV, its dtype and unit, the key of its Danish header in
    `report.labels.COLUMN_LABELS` (the name when not given), its Excel format (by its unit when not
    given), the codes its values are (shown as their labels), and

    - `shown`: a person sees it (a code column whose label column beside it says the same is not);
    - `added`: the Danish names beside codes, added when the run writes the table
      (`report.labels.labelled`), so not in the workbook's frame;
    - `written`: in the CSV (a text that an added column replaces is not);
    - `optional`: only when the run has what it needs (a risk register, say);
    - `per_year`: one column per budget year, each named by its year, the year its header;
    - `unit_of`: the values' unit differs by row: it is the unit of the figure whose path the row's
      column `unit_of` holds (the table of assumptions: a rate as percent, an amount in kroner).
    """

    name: str
    dtype: Dtype
    unit: Unit
    format: ExcelFormat | None = None
    label: str | None = None
    codes: Codes | None = None
    shown: bool = True
    added: bool = False
    written: bool = True
    optional: bool = False
    per_year: bool = False
    unit_of: str | None = None

    @property
    def label_key(self) -> str:
        return self.label or self.name

    @property
    def excel_format(self) -> ExcelFormat:
        return self.format or _DEFAULT_FORMAT.get(self.unit, ExcelFormat.GENERAL)


def _text(name: str, **kw: Any) -> Column:
    return Column(name, Dtype.TEXT, Unit.TEXT, **kw)


def _code(name: str, codes: Codes | None = None, **kw: Any) -> Column:
    return Column(name, Dtype.TEXT, Unit.CODE, codes=codes, **kw)


def _dkk(name: str, dtype: Dtype = Dtype.FLOAT, **kw: Any) -> Column:
    return Column(name, dtype, Unit.DKK, **kw)


def _share(name: str, **kw: Any) -> Column:
    return Column(name, Dtype.FLOAT, Unit.SHARE, **kw)


def _count(name: str, dtype: Dtype = Dtype.INT, **kw: Any) -> Column:
    return Column(name, dtype, Unit.COUNT, **kw)


def _number(name: str, format: ExcelFormat, dtype: Dtype = Dtype.FLOAT, **kw: Any) -> Column:
    return Column(name, dtype, Unit.NUMBER, format, **kw)


def _year(name: str = "year", dtype: Dtype = Dtype.INT, **kw: Any) -> Column:
    return Column(name, dtype, Unit.YEAR, **kw)


def _month(name: str = "month", **kw: Any) -> Column:
    return Column(name, Dtype.DATETIME, Unit.MONTH, **kw)


def _date(name: str, **kw: Any) -> Column:
    return Column(name, Dtype.DATETIME, Unit.DATE, **kw)


def _yes_no(name: str, dtype: Dtype = Dtype.BOOL, **kw: Any) -> Column:
    return Column(name, dtype, Unit.CODE, codes=Codes.BOOL, **kw)


def _score(name: str) -> Column:
    return Column(name, Dtype.INT, Unit.SCORE)


SCENARIO = _text("scenario")
ID, TITLE = _text("id"), _text("title")
MUNICIPALITY_CODE = Column("municipality_code", Dtype.INT, Unit.CODE, ExcelFormat.PLAIN)
WAVE_ROUTE_STATISTICS = ("low", "mode", "high", "mean")
WAVE_ROUTES = ("wave5", "bilateral")  # the values of params.codes.WaveRoute, in their order

TABLES: dict[Table, tuple[Column, ...]] = {
    Table.COST_BY_YEAR: (
        SCENARIO, _year(), _code("line_code", Codes.COST_LINE, shown=False),
        _text("line", label="cost_line", added=True), _code("kind", Codes.COST_KIND), _dkk("amount_dkk"),
        _code("basis", Codes.BASIS, label="cost_basis"),
    ),
    Table.SCENARIO_COMPARISON: (
        SCENARIO, _dkk("{year}", per_year=True), _dkk("total_dkk"), _dkk("npv_dkk"),
        _dkk("p50_dkk", optional=True), _dkk("p80_dkk", optional=True), _dkk("contingency_dkk", optional=True),
    ),
    Table.FUT_FEE_COMPARISON: (
        SCENARIO, _code("basis", shown=False), _text("label", label="volume_key"),
        _number("kommunal_pro_volume", ExcelFormat.DECIMAL), _number("telma_volume", ExcelFormat.DECIMAL),
        _dkk("kommunal_pro_fee_dkk"), _dkk("telma_fee_dkk"),
        _dkk("kommunal_pro_per_unit_dkk"), _dkk("telma_per_unit_dkk"),
        _share("kommunal_pro_share"), _share("telma_share"),
        _dkk("kommunal_pro_fee_by_key_dkk"), _dkk("telma_fee_by_key_dkk"),
    ),
    Table.ALLOCATION: (
        SCENARIO, _year(), MUNICIPALITY_CODE, _text("municipality"), _text("region"), _count("citizens"),
        _number("weight", ExcelFormat.NUMBER), _share("share", format=ExcelFormat.PERCENT2),
        _dkk("amount_dkk", Dtype.INT),
    ),
    Table.ASSUMPTIONS: (
        SCENARIO, _code("parameter"), _text("label", label="assumption", added=True),
        _text("unit", added=True),
        *(_number(name, ExcelFormat.GENERAL, unit_of="parameter") for name in ("value", "low", "mode", "high")),
        _year("price_year", Dtype.FLOAT), _text("source"), _text("note"),
    ),
    Table.RISK_REGISTER: (
        ID, TITLE, _text("description"), _text("category"), _text("owner"), _text("cause"), _text("consequence"),
        _score("likelihood_inherent"), _score("impact_inherent"),
        _score("likelihood_residual"), _score("impact_residual"),
        _text("mitigation"), _dkk("mitigation_cost"), _code("status", Codes.RISK_STATUS),
        _year("proximity", Dtype.INT_OR_BLANK), _share("probability", label="probability_stated"),
        _dkk("cost_low"), _dkk("cost_mode"), _dkk("cost_high"), _code("cost_line", Codes.COST_LINE),
        _date("last_reviewed"), _text("source"), _text("estimate_source"),
        _score("score_inherent"), _score("score_residual"), _code("band_inherent"), _code("band_residual"),
        _share("probability_resolved"), _dkk("cost_mean"), _dkk("expected_value_dkk"), _yes_no("in_pool"),
        _code("trend", Codes.TREND), _code("trigger", Codes.WAVE_ROUTE), _code("booked_in", Codes.COST_LINE),
        _share("share_to_come"), _yes_no("review_overdue"),
    ),
    Table.RISK_POOL: (
        Column("rank", Dtype.INT, Unit.COUNT, ExcelFormat.PLAIN), ID, TITLE, _text("owner"), _share("probability"),
        _dkk("cost_mean"), _dkk("expected_value_dkk"), _year("proximity", Dtype.INT_OR_BLANK), _text("years"),
    ),
    Table.MONTECARLO_SUMMARY: (_code("statistic", Codes.MONTE_CARLO_STATISTIC), _dkk("value_dkk")),
    Table.SENSITIVITY: (
        _code("input", label="parameter"), _text("title", written=False),
        _text("label", label="input_label", added=True),
        _dkk("low_total_dkk"), _dkk("high_total_dkk"), _dkk("swing_dkk"), _share("variance_share"),
    ),
    Table.KPI_AVAILABILITY: (
        _month(), _share("availability", format=ExcelFormat.PERCENT2), _count("downtime_minutes", Dtype.FLOAT),
        _share("target"), _yes_no("meets_target"),
    ),
    Table.KPI_RESPONSE_TIMES: (
        _month(), *(_count(name, Dtype.FLOAT) for name in ("median_ms", "p95_ms", "median_target_ms", "p95_target_ms")),
        _yes_no("meets_target", Dtype.BOOL_OR_BLANK, label="within_target"),
    ),
    Table.KPI_SUPPORT_BY_CHANNEL: (_month(), _code("channel", Codes.CHANNEL), _count("requests")),
    Table.KPI_SUPPORT_BY_CATEGORY: (_month(), _text("category"), _count("requests")),
    Table.KPI_ERRORS: (_month(), _code("severity", Codes.SEVERITY), _count("errors")),
    Table.KPI_LIVE_AGAINST_PLAN: (
        _month(), Column("wave", Dtype.INT, Unit.CODE, ExcelFormat.PLAIN), _count("municipalities"),
        _count("planned_live"), _count("live"), _count("behind_plan"),
    ),
    Table.KPI_WAVE4_NOT_READY: (
        replace(MUNICIPALITY_CODE, name="code", label="municipality_code"), _text("name", label="municipality"),
        _date("planned_go_live"), _date("actual_go_live"), _yes_no("live", label="live_now"), _count("days_late"),
    ),
    Table.KPI_WAVE5_DECISION: (
        _month(label="extract_month"), _count("wave4_planned"), _count("wave4_municipalities"), _count("due"),
        _count("not_ready", label="not_live"), _count("threshold"), _code("decision", Codes.DECISION),
    ),
    Table.KPI_ADOPTION_BY_MONTH: (
        _month(), _count("live_municipalities"), _count("staff_with_access"), _count("active_citizens"),
    ),
    Table.KPI_ACTIVE_CITIZENS_PER_1000: (
        replace(MUNICIPALITY_CODE, name="code", label="municipality_code"), _text("name", label="municipality"),
        _text("region"), Column("wave", Dtype.INT, Unit.CODE, ExcelFormat.PLAIN), _yes_no("live"),
        _count("citizens"), _count("staff_with_access"), _count("active_citizens"),
        _number("active_per_1000", ExcelFormat.DECIMAL2),
    ),
    Table.KPI_CHANGE_REQUEST_COUNTS: (
        _code("priority"), _code("status", Codes.CHANGE_REQUEST_STATUS, label="change_request_status"),
        _count("count"),
    ),
    Table.KPI_LEAD_TIMES: (
        ID, TITLE, _code("priority"), _code("status", Codes.CHANGE_REQUEST_STATUS, label="change_request_status"),
        _date("requested_date"), _date("approved_date"), _date("delivered_date"),
        _count("days_to_approval", Dtype.FLOAT), _count("days_to_delivery", Dtype.FLOAT),
        _count("days_total", Dtype.FLOAT),
    ),
    Table.KPI_LEAD_TIME_TREND: (
        _text("period"), _code("stage", Codes.STAGE), _count("requests", label="count"),
        _number("median_days", ExcelFormat.DECIMAL), _number("mean_days", ExcelFormat.DECIMAL),
    ),
    Table.KPI_ESTIMATES_VS_ACTUAL: (
        ID, TITLE, _code("priority"), _year(),
        _dkk("estimate_low"), _dkk("estimate_mode"), _dkk("estimate_high"), _dkk("pert_mean"), _dkk("actual_cost"),
        _dkk("difference_dkk"), _share("difference_share"), _yes_no("within_range", Dtype.BOOL_OR_BLANK),
    ),
    Table.KPI_COST_PER_USE: (
        _year(), _dkk("running_cost_dkk"), _count("months"),
        _count("active_citizens", Dtype.FLOAT, label="active_citizens_mean"),
        _number("live_municipalities", ExcelFormat.DECIMAL, label="live_municipalities_mean"),
        _dkk("cost_per_active_citizen_dkk"), _dkk("cost_per_live_municipality_dkk"),
    ),
    Table.BUDGET_FOLLOWUP: (
        _year(), _code("line_code", Codes.COST_LINE, shown=False), _text("line", label="cost_line", added=True),
        _dkk("budget_dkk"), _dkk("actual_dkk"), _dkk("forecast_dkk"), _dkk("variance_dkk"), _share("variance_pct"),
        _text("budget_run"),
    ),
    Table.INVOICE_RECONCILIATION: (
        _code("agreement", shown=False), _text("agreement_name", label="agreement"), _text("period"),
        _dkk("expected_dkk"), _dkk("booked_dkk"),
        _dkk("difference_dkk", label="invoice_difference"),
        _code("status", Codes.RECONCILIATION_STATUS), _text("references"),
    ),
    Table.WAVE_ROUTE_COMPARISON: (
        _count("not_ready"),
        *(_dkk(f"{route}_{statistic}") for route in WAVE_ROUTES for statistic in WAVE_ROUTE_STATISTICS),
        _code("cheaper", Codes.WAVE_ROUTE),
    ),
    Table.WAVE_ROUTE_DECISION: (
        _count("not_ready"), _count("threshold"), _count("break_even"), _code("route", Codes.WAVE_ROUTE),
        _year(), _dkk("cost_mean_dkk"), _dkk("wave5_dkk"), _dkk("bilateral_dkk"), _yes_no("decided"),
        _date("decided_on"), _date("deadline"), _yes_no("to_come"),
    ),
    Table.SPOC_OPTION: (_year(), _number("months_active", ExcelFormat.DECIMAL), _dkk("with_dkk"), _dkk("without_dkk")),
    Table.SPOC_ENDING: (_text("notice"), _text("effective"), _dkk("saving_dkk"), _dkk("saving_npv_dkk")),
}


@dataclass(frozen=True)
class Pivot:
    """How people are shown a long table (`tables.xlsx`), as the reports show it: the columns `rows`
    down, one column per value of `across` (in order) and a total column, the sums of `value` in the
    cells and a total row; one sheet per value of `per` (the first, the base scenario, under the
    table's own sheet name, each other under its own: `report.labels.PIVOT_SHEET_LABELS`)."""

    rows: tuple[str, ...]
    across: str
    value: str
    per: str | None = None
    across_note: str | None = None
    """A column with one value per `across` value, said in that column's header: `2026 (Forventet regnskab)`."""


PIVOTS: dict[Table, Pivot] = {
    Table.COST_BY_YEAR: Pivot(rows=("line", "kind"), across="year", value="amount_dkk", per="scenario",
                              across_note="basis"),
}
"""The tables `tables.xlsx` shows wide, as the reports do (the CSV keeps the long table)."""


class TableContractError(KproError):
    """A table the workbook computed does not match its declaration (a programming error, named in full)."""


def columns(table: Table, present: Iterable[str], *, written: bool) -> list[Column]:
    """The declared columns of `table` for a frame holding the columns `present`: the workbook's frame
    (`written=False`) or the table as written (`written=True`, with the added label columns). A per-year
    column becomes one column per year column present (in their order); an optional one not present is left out."""
    names = [str(name) for name in present]
    found = set(names)
    expected: list[Column] = []
    for column in TABLES[table]:
        if (column.added and not written) or (written and not column.written):
            continue
        if column.per_year:
            expected += [replace(column, name=name) for name in names if name.isdigit()]
        elif not column.optional or column.name in found:
            expected.append(column)
    return expected


def frame_problems(table: Table, frame: pd.DataFrame, *, written: bool = False) -> list[str]:
    """Every way `frame` differs from the declaration of `table`: its columns (names and order), then
    each column's dtype. Empty when it matches."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        return [f"{table}: index {frame.index.name or type(frame.index).__name__}; a table keeps every column "
                "as a column"]
    declared = columns(table, frame.columns, written=written)
    names = [column.name for column in declared]
    if list(map(str, frame.columns)) != names:
        undeclared = [str(c) for c in frame.columns if str(c) not in names]
        missing = [name for name in names if name not in set(map(str, frame.columns))]
        return [f"{table}: columns {list(map(str, frame.columns))}, declared {names}"
                f" (undeclared {undeclared}, missing {missing})"]
    return [f"{table}.{column.name}: dtype {frame[column.name].dtype}, declared {column.dtype}"
            for column in declared if not has_dtype(frame[column.name], column.dtype)]


def has_dtype(values: pd.Series, dtype: Dtype) -> bool:
    """Whether `values` has the declared dtype (a text column: the string dtype, or objects that are texts or blank)."""
    if dtype == Dtype.TEXT:
        if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
            return True
        return values.dtype == object and all(isinstance(v, str) for v in values.dropna())
    if dtype == Dtype.DATETIME:
        return pd.api.types.is_datetime64_any_dtype(values.dtype)
    return str(values.dtype) == dtype.value


def conformed(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The written table's columns in their declared order; a TableContractError if any column is
    undeclared or missing."""
    declared = columns(table, frame.columns, written=True)
    names = [column.name for column in declared]
    if sorted(map(str, frame.columns)) != sorted(names):
        raise TableContractError("; ".join(frame_problems(table, frame, written=True)))
    return frame[names]


def written_columns(table: Table, present: Sequence[str]) -> list[Column]:
    """The columns of `table` as written, for a table holding `present`."""
    return columns(table, present, written=True)
