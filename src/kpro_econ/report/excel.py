"""The run's tables as an Excel workbook for people: Danish sheets, headers and labels, real formats.

`data/*.csv` are the machine-readable contract (codes, dot decimals); `tables.xlsx` is what a
controller opens. Each table gets one sheet with the Danish headers the HTML reports use, codes shown
as their Danish labels (`report.labels`), amounts as numbers formatted `#,##0 "kr."`, shares as
percent, dates as dates, a frozen and filtered header row and widths that fit. A first sheet says
which run, which params and its sha256. No cell is ever a formula: every text is a string cell, even
one that starts with `=` (OWASP's advice against CSV/formula injection). A sheet holds at most
`MAX_SHEET_ROWS` rows (a table of a long register would take minutes and hundreds of MB to write);
the first sheet and the sheet itself say so, and the CSV beside it holds every row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_datetime
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpro_econ.params.codes import WaveRoute
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import (
    BOOL_LABELS,
    CHANGE_REQUEST_STATUS_LABELS,
    CHANNEL_LABELS,
    COST_KIND_LABELS,
    COST_LINE_LABELS,
    DECISION_LABELS,
    EXCEL_ABOUT_SHEET,
    FOLLOWUP_FLAG_LABELS,
    MONTE_CARLO_STATISTIC_LABELS,
    RECONCILIATION_STATUS_LABELS,
    RISK_STATUS_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    TREND_LABELS,
    WAVE_ROUTE_LABELS,
)

# Excel number formats. Excel shows them with the reader's own separators, so a Danish Excel shows
# `1.234 kr.` and `3,5 %`; `[$-406]` (Danish) makes month names Danish in any Excel.
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
MAX_SHEET_ROWS = 10_000

_DATE_FORMATS = {DATE, MONTH}
_WIDTH_MIN, _WIDTH_MAX = 6, 60
_WIDTH_SAMPLE = 500  # rows looked at to size a column
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")  # as the reports' table headers
_SHEET_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its Danish header, its Excel format and, for codes, their labels."""

    header: str
    format: str = GENERAL
    labels: Mapping[Any, str] | None = None


@dataclass(frozen=True)
class Sheet:
    """One table's sheet: its Danish name, its columns, and code columns it leaves out because a
    label column beside them says the same in Danish."""

    name: str
    columns: Mapping[str, Col]
    left_out: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RunAbout:
    """What the first sheet says about the run."""

    title: str
    run_id: str
    params_file: str
    params_sha256: str
    started: datetime
    status: str


def _col(header: str, fmt: str = GENERAL, labels: Mapping[Any, str] | None = None) -> Col:
    return Col(header, fmt, labels)


SCENARIO = _col("Scenarie", TEXT)
YEAR = _col("År", PLAIN)
MONTH_COL = _col("Måned", MONTH)
ID = _col("Id", TEXT)
TITLE = _col("Titel", TEXT)
MUNICIPALITY_CODE = _col("Kommunekode", PLAIN)
PRIORITY = _col("Prioritet", TEXT)
CR_STATUS = _col("Status", TEXT, CHANGE_REQUEST_STATUS_LABELS)

# One entry per table `workbook.compute_tables` returns, headers as in the HTML reports.
SHEETS: dict[str, Sheet] = {
    # `line` is the cost line's Danish name, written beside its code `line_code` (labels.with_cost_line_labels).
    "cost_by_year": Sheet("Udgifter pr. år", {
        "scenario": SCENARIO, "year": YEAR, "line": _col("Udgiftslinje", TEXT),
        "kind": _col("Art", TEXT, COST_KIND_LABELS), "amount_dkk": _col("Beløb", AMOUNT),
    }, left_out=frozenset({"line_code"})),
    "scenario_comparison": Sheet("Scenarier", {
        "scenario": SCENARIO, "total_dkk": _col("I alt", AMOUNT), "npv_dkk": _col("Nutidsværdi", AMOUNT),
        "p50_dkk": _col("P50", AMOUNT), "p80_dkk": _col("P80", AMOUNT), "contingency_dkk": _col("Reserve", AMOUNT),
    }),
    "fut_fee_comparison": Sheet("FUT-afgift", {
        "scenario": SCENARIO,
        "label": _col("Fordelingsnøgle", TEXT),
        "kommunal_pro_volume": _col("Kommunal PRO, volumen", DECIMAL),
        "telma_volume": _col("Telma, volumen", DECIMAL),
        "kommunal_pro_fee_dkk": _col("Kommunal PRO, aftalt afgift", AMOUNT),
        "telma_fee_dkk": _col("Telma, aftalt afgift", AMOUNT),
        "kommunal_pro_per_unit_dkk": _col("Kommunal PRO, kr. pr. enhed", AMOUNT),
        "telma_per_unit_dkk": _col("Telma, kr. pr. enhed", AMOUNT),
        "kommunal_pro_share": _col("Kommunal PRO, andel", PERCENT),
        "telma_share": _col("Telma, andel", PERCENT),
        "kommunal_pro_fee_by_key_dkk": _col("Kommunal PRO ville betale", AMOUNT),
        "telma_fee_by_key_dkk": _col("Telma ville betale", AMOUNT),
    }, left_out=frozenset({"basis"})),
    "allocation": Sheet("Fordeling på kommuner", {
        "scenario": SCENARIO, "year": YEAR, "municipality_code": MUNICIPALITY_CODE,
        "municipality": _col("Kommune", TEXT), "region": _col("Region", TEXT), "weight": _col("Vægt", NUMBER),
        "share": _col("Andel", PERCENT2), "amount_dkk": _col("Beløb", AMOUNT),
    }),
    "assumptions": Sheet("Forudsætninger", {
        "scenario": SCENARIO, "label": _col("Forudsætning", TEXT), "parameter": _col("Parameter", TEXT),
        "unit": _col("Enhed", TEXT), "value": _col("Værdi"), "low": _col("Lav"), "mode": _col("Mest sandsynlig"),
        "high": _col("Høj"), "price_year": _col("Prisår", PLAIN), "source": _col("Kilde", TEXT),
        "note": _col("Bemærkning", TEXT),
    }),
    "risk_register": Sheet("Risikoregister", {
        "id": ID, "title": TITLE, "description": _col("Beskrivelse", TEXT), "category": _col("Kategori", TEXT),
        "owner": _col("Ejer", TEXT), "status": _col("Status", TEXT, RISK_STATUS_LABELS),
        "cause": _col("Årsag", TEXT), "consequence": _col("Konsekvens", TEXT),
        "likelihood_inherent": _col("Sandsynlighed før tiltag (1–5)", PLAIN),
        "impact_inherent": _col("Konsekvens før tiltag (1–5)", PLAIN),
        "score_inherent": _col("Score før tiltag", PLAIN), "band_inherent": _col("Niveau før tiltag", TEXT),
        "likelihood_residual": _col("Sandsynlighed efter tiltag (1–5)", PLAIN),
        "impact_residual": _col("Konsekvens efter tiltag (1–5)", PLAIN),
        "score_residual": _col("Score efter tiltag", PLAIN), "band_residual": _col("Niveau efter tiltag", TEXT),
        "mitigation": _col("Tiltag", TEXT), "mitigation_cost": _col("Udgift til tiltag", AMOUNT),
        "proximity": _col("Forventet år", PLAIN), "probability": _col("Sandsynlighed (angivet)", PERCENT),
        "probability_resolved": _col("Sandsynlighed", PERCENT),
        "cost_low": _col("Udgift, lav", AMOUNT), "cost_mode": _col("Udgift, mest sandsynlig", AMOUNT),
        "cost_high": _col("Udgift, høj", AMOUNT),
        "cost_mean": _col("Udgift hvis den indtræffer (PERT-middel)", AMOUNT),
        "expected_value_dkk": _col("Forventet værdi", AMOUNT),
        "in_pool": _col("I puljen", TEXT, BOOL_LABELS), "cost_line": _col("Udgiftslinje", TEXT, COST_LINE_LABELS),
        "trend": _col("Udvikling", TEXT, TREND_LABELS), "last_reviewed": _col("Senest vurderet", DATE),
        "trigger": _col("Udløses af", TEXT, WAVE_ROUTE_LABELS),
        "booked_in": _col("I budgettet som", TEXT, COST_LINE_LABELS),
        "source": _col("Kilde", TEXT), "estimate_source": _col("Grundlag for skøn", TEXT),
    }),
    "risk_pool": Sheet("Risikopulje", {
        "rank": _col("Rang", PLAIN), "id": ID, "title": TITLE, "owner": _col("Ejer", TEXT),
        "probability": _col("Sandsynlighed", PERCENT),
        "cost_mean": _col("Udgift hvis den indtræffer (PERT-middel)", AMOUNT),
        "expected_value_dkk": _col("Forventet værdi", AMOUNT), "proximity": _col("Forventet år", PLAIN),
        "years": _col("År", TEXT),
    }),
    "montecarlo_summary": Sheet("Monte Carlo", {
        "statistic": _col("Størrelse", TEXT, MONTE_CARLO_STATISTIC_LABELS), "value_dkk": _col("Beløb", AMOUNT),
    }),
    "sensitivity": Sheet("Følsomhed", {
        "label": _col("Input", TEXT), "input": _col("Parameter", TEXT),
        "low_total_dkk": _col("Total ved lavt skøn", AMOUNT), "high_total_dkk": _col("Total ved højt skøn", AMOUNT),
        "swing_dkk": _col("Udsving", AMOUNT), "variance_share": _col("Andel af variansen", PERCENT),
    }),
    "kpi_availability": Sheet("Tilgængelighed", {
        "month": MONTH_COL, "availability": _col("Tilgængelighed", PERCENT2),
        "downtime_minutes": _col("Nedetid, minutter", NUMBER), "target": _col("Mål", PERCENT),
        "meets_target": _col("Opfyldt", TEXT, BOOL_LABELS),
    }),
    "kpi_response_times": Sheet("Svartider", {
        "month": MONTH_COL, "median_ms": _col("Median, ms", NUMBER), "p95_ms": _col("95 %-fraktil, ms", NUMBER),
        "median_target_ms": _col("Mål for median, ms", NUMBER),
        "p95_target_ms": _col("Mål for 95 %-fraktil, ms", NUMBER),
        "meets_target": _col("Inden for målet", TEXT, BOOL_LABELS),
    }),
    "kpi_support_by_channel": Sheet("Support pr. kanal", {
        "month": MONTH_COL, "channel": _col("Kanal", TEXT, CHANNEL_LABELS),
        "requests": _col("Henvendelser", NUMBER),
    }),
    "kpi_support_by_category": Sheet("Support pr. kategori", {
        "month": MONTH_COL, "category": _col("Kategori", TEXT), "requests": _col("Henvendelser", NUMBER),
    }),
    "kpi_errors": Sheet("Fejl", {
        "month": MONTH_COL, "severity": _col("Alvorlighed", TEXT, SEVERITY_LABELS),
        "errors": _col("Fejl", NUMBER),
    }),
    "kpi_live_against_plan": Sheet("I drift mod plan", {
        "month": MONTH_COL, "wave": _col("Bølge", PLAIN), "municipalities": _col("Kommuner", NUMBER),
        "planned_live": _col("Planlagt i drift", NUMBER), "live": _col("I drift", NUMBER),
        "behind_plan": _col("Bag planen", NUMBER),
    }),
    "kpi_wave4_not_ready": Sheet("Bølge 4 ikke klar", {
        "code": MUNICIPALITY_CODE, "name": _col("Kommune", TEXT),
        "planned_go_live": _col("Planlagt i drift", DATE), "actual_go_live": _col("Faktisk i drift", DATE),
        "days_late": _col("Dage efter planen", NUMBER), "live": _col("I drift nu", TEXT, BOOL_LABELS),
    }),
    "kpi_wave5_decision": Sheet("Bølge 5, KPI-udtræk", {
        "month": _col("Udtræk", MONTH), "wave4_municipalities": _col("Kommuner i bølge 4", NUMBER),
        "wave4_planned": _col("Planlagt i bølge 4", NUMBER), "due": _col("Skulle være i drift", NUMBER),
        "not_ready": _col("Ikke i drift", NUMBER), "threshold": _col("Tærskel", NUMBER),
        "decision": _col("Det peger på", TEXT, DECISION_LABELS),
    }),
    "kpi_adoption_by_month": Sheet("Udbredelse pr. måned", {
        "month": MONTH_COL, "live_municipalities": _col("Kommuner i drift", NUMBER),
        "staff_with_access": _col("Medarbejdere med adgang", NUMBER),
        "active_citizens": _col("Aktive borgere", NUMBER),
    }),
    "kpi_active_citizens_per_1000": Sheet("Aktive borgere pr. 1.000", {
        "code": MUNICIPALITY_CODE, "name": _col("Kommune", TEXT), "region": _col("Region", TEXT),
        "wave": _col("Bølge", PLAIN), "live": _col("I drift", TEXT, BOOL_LABELS),
        "citizens": _col("Indbyggere", NUMBER), "staff_with_access": _col("Medarbejdere med adgang", NUMBER),
        "active_citizens": _col("Aktive borgere", NUMBER),
        "active_per_1000": _col("Pr. 1.000 indbyggere", DECIMAL2),
    }),
    "kpi_change_request_counts": Sheet("ÆØ pr. status", {
        "priority": PRIORITY, "status": CR_STATUS, "count": _col("Antal", NUMBER),
    }),
    "kpi_lead_times": Sheet("ÆØ gennemløbstider", {
        "id": ID, "title": TITLE, "priority": PRIORITY, "status": CR_STATUS,
        "requested_date": _col("Ønsket", DATE), "approved_date": _col("Godkendt", DATE),
        "delivered_date": _col("Leveret", DATE), "days_to_approval": _col("Dage til godkendelse", NUMBER),
        "days_to_delivery": _col("Dage til levering", NUMBER), "days_total": _col("Dage i alt", NUMBER),
    }),
    "kpi_lead_time_trend": Sheet("ÆØ gennemløb over tid", {
        "period": _col("Periode", TEXT), "stage": _col("Forløb", TEXT, STAGE_LABELS),
        "requests": _col("Antal", NUMBER), "median_days": _col("Median, dage", DECIMAL),
        "mean_days": _col("Gennemsnit, dage", DECIMAL),
    }),
    "kpi_estimates_vs_actual": Sheet("ÆØ estimat og faktisk", {
        "id": ID, "title": TITLE, "priority": PRIORITY, "year": YEAR,
        "estimate_low": _col("Estimat, lav", AMOUNT), "estimate_mode": _col("Estimat, mest sandsynlig", AMOUNT),
        "estimate_high": _col("Estimat, høj", AMOUNT), "pert_mean": _col("PERT-middel", AMOUNT),
        "actual_cost": _col("Faktisk", AMOUNT), "difference_dkk": _col("Afvigelse", AMOUNT),
        "difference_share": _col("Afvigelse, pct.", PERCENT),
        "within_range": _col("Inden for estimatet", TEXT, BOOL_LABELS),
    }),
    "kpi_cost_per_use": Sheet("Udgift pr. brug", {
        "year": YEAR, "running_cost_dkk": _col("Driftsudgift", AMOUNT), "months": _col("Måneder med data", NUMBER),
        "active_citizens": _col("Aktive borgere (gns. pr. måned)", NUMBER),
        "live_municipalities": _col("Kommuner i drift (gns.)", DECIMAL),
        "cost_per_active_citizen_dkk": _col("Pr. aktiv borger", AMOUNT),
        "cost_per_live_municipality_dkk": _col("Pr. kommune i drift", AMOUNT),
    }),
    "budget_followup": Sheet("Budgetopfølgning", {
        "year": YEAR, "line": _col("Udgiftslinje", TEXT), "budget_dkk": _col("Budget", AMOUNT),
        "actual_dkk": _col("Bogført", AMOUNT), "forecast_dkk": _col("Forventet regnskab", AMOUNT),
        "variance_dkk": _col("Afvigelse", AMOUNT), "variance_pct": _col("Afvigelse i %", PERCENT),
        "flag": _col("Bemærkning", TEXT, FOLLOWUP_FLAG_LABELS),
    }, left_out=frozenset({"line_code"})),
    "wave_route_comparison": Sheet("Bølge 5 eller bilateralt", {
        "not_ready": _col("Kommuner, der ikke er klar", NUMBER),
        **{f"{route}_{stat}": _col(f"{WAVE_ROUTE_LABELS[route]}, {name}", AMOUNT)
           for route in WaveRoute
           for stat, name in (("low", "lav"), ("mode", "mest sandsynlig"), ("high", "høj"), ("mean", "PERT-middel"))},
        "cheaper": _col("Billigst", TEXT, WAVE_ROUTE_LABELS),
    }),
    "wave_route_decision": Sheet("Bølge 5-beslutning", {
        "not_ready": _col("Kommuner, der ikke er klar", NUMBER), "threshold": _col("Tærskel", NUMBER),
        "break_even": _col("Lige dyrt ved", NUMBER), "route": _col("Vej", TEXT, WAVE_ROUTE_LABELS),
        "year": YEAR, "cost_mean_dkk": _col("Udgift (PERT-middel)", AMOUNT),
    }),
    "spoc_option": Sheet("SPOC-option", {
        "year": YEAR, "months_active": _col("Måneder aktiv", DECIMAL), "with_dkk": _col("Med option", AMOUNT),
        "without_dkk": _col("Uden option", AMOUNT),
    }),
    "spoc_ending": Sheet("SPOC-option, opsigelse", {
        "notice_month": _col("Opsigelse givet i måned", PLAIN), "effective": _col("Ophører fra (år-måned)", TEXT),
        "saving_dkk": _col("Besparelse", AMOUNT),
    }),
    "invoice_reconciliation": Sheet("Fakturaafstemning", {
        "agreement": _col("Aftale", TEXT), "period": _col("Periode", TEXT), "expected_dkk": _col("Forventet", AMOUNT),
        "booked_dkk": _col("Bogført", AMOUNT), "difference_dkk": _col("Difference", AMOUNT),
        "status": _col("Status", TEXT, RECONCILIATION_STATUS_LABELS), "references": _col("Bilag", TEXT),
    }),
}


def tables_workbook(tables: Mapping[str, pd.DataFrame], about: RunAbout) -> Workbook:
    """The workbook: a sheet about the run, then one sheet per table in the order given."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheet_names = unique_sheet_names([EXCEL_ABOUT_SHEET, *(sheet_for(name, t).name for name, t in tables.items())])
    _about_sheet(first, about, dict(zip(tables, sheet_names[1:], strict=True)),
                 {name: len(table) for name, table in tables.items() if len(table) > MAX_SHEET_ROWS})
    first.title = sheet_names[0]
    for (name, table), sheet_name in zip(tables.items(), sheet_names[1:], strict=True):
        spec = sheet_for(name, table)
        sheet = book.create_sheet(sheet_name)
        _table_sheet(sheet, table.iloc[:MAX_SHEET_ROWS], spec)
        if len(table) > MAX_SHEET_ROWS:
            put(sheet.cell(row=MAX_SHEET_ROWS + 3, column=1), _cut_note(name, len(table)))
    return book


def _cut_note(name: str, rows: int) -> str:
    return (f"Arket viser de første {number(MAX_SHEET_ROWS)} af {number(rows)} rækker; "
            f"alle står i {name}.csv ved siden af.")


def sheet_for(name: str, table: pd.DataFrame) -> Sheet:
    """The table's sheet spec with every column it has, in the table's order: the known ones as
    specified, any other (a year column, or one added since) under its own name with a format
    guessed from its values."""
    frame = _plain(table)
    known = SHEETS.get(name) or Sheet(name, {})
    columns = {
        str(column): known.columns.get(str(column)) or Col(str(column), _guess_format(str(column), frame[column]))
        for column in frame.columns
        if str(column) not in known.left_out
    }
    return Sheet(known.name, columns)


def _guess_format(column: str, values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values):
        return DATE
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return TEXT
    if column.isdigit() or column.endswith("_dkk"):
        return AMOUNT  # a year column of amounts (scenario_comparison), or an amount by its name
    if column.endswith("_share"):
        return PERCENT
    if pd.api.types.is_integer_dtype(values):
        return NUMBER
    return GENERAL


def unique_sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, unique Excel sheet names (at most 31 characters, none of `[]:*?/\\`), in order."""
    taken: list[str] = []
    for name in names:
        base = name.translate(_SHEET_FORBIDDEN)[:_SHEET_MAX] or "Tabel"
        sheet, n = base, 1
        while sheet.lower() in {s.lower() for s in taken}:
            n += 1
            suffix = f" ({n})"
            sheet = base[: _SHEET_MAX - len(suffix)] + suffix
        taken.append(sheet)
    return taken


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """A meaningful index becomes ordinary columns, as in the CSVs."""
    if isinstance(table.index, pd.RangeIndex) and table.index.name is None:
        return table
    return table.reset_index()


def _table_sheet(sheet: Worksheet, table: pd.DataFrame, spec: Sheet) -> None:
    frame = _plain(table)
    frame.columns = [str(c) for c in frame.columns]
    widths: list[int] = []
    for index, (column, col) in enumerate(spec.columns.items(), start=1):
        _header(sheet.cell(row=1, column=index), col.header)
        width = len(col.header)
        for row, raw in enumerate(frame[column].tolist(), start=2):
            cell = sheet.cell(row=row, column=index)
            value = _cell_value(raw, col)
            put(cell, value)
            if value is not None:
                cell.number_format = TEXT if isinstance(value, str) else col.format
            if row < _WIDTH_SAMPLE + 2:
                width = max(width, _shown_width(value, col.format))
        widths.append(width)
    _finish(sheet, widths, rows=len(frame) + 1)


def _header(cell: Cell, text: str) -> None:
    put(cell, text)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(vertical="top")


def _finish(sheet: Worksheet, widths: list[int], rows: int) -> None:
    """Widths that fit, the header row frozen and filtered."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)
    sheet.freeze_panes = "A2"
    if widths:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(rows, 1)}"


def put(cell: Cell, value: Any) -> None:
    """Write `value`; a text is always a string cell, never a formula, whatever it starts with."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _cell_value(raw: Any, col: Col) -> Any:
    """The value as the sheet holds it: a label for a code, Ja/Nej, a date, a plain number or text."""
    if _blank(raw):
        return None
    if col.labels is not None:
        key = bool(raw) if isinstance(raw, bool) or type(raw).__name__ == "bool_" else raw
        return col.labels.get(key, str(raw))
    if col.format in _DATE_FORMATS or isinstance(raw, (pd.Timestamp, datetime, date)):
        return pd.Timestamp(raw).date()
    if hasattr(raw, "item"):  # numpy scalar → Python
        raw = raw.item()
    if isinstance(raw, bool):
        return BOOL_LABELS[raw]
    if isinstance(raw, (int, float)):
        return raw
    return str(raw)


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _shown_width(value: Any, fmt: str) -> int:
    """About how many characters Excel shows for `value` in format `fmt`."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 14 if fmt == MONTH else 10
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt in (PERCENT, PERCENT2):
            return 8
        if fmt == PLAIN:
            return len(str(value))
        digits = len(f"{abs(value):,.0f}") + (1 if value < 0 else 0)
        return digits + (4 if fmt == AMOUNT else 3 if fmt in (DECIMAL, DECIMAL2, GENERAL) else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _about_sheet(sheet: Worksheet, about: RunAbout, sheets: Mapping[str, str], cut: Mapping[str, int]) -> None:
    started = format_datetime(about.started, "d. MMMM y 'kl.' HH.mm", tzinfo=ZoneInfo("Europe/Copenhagen"), locale="da")
    rows: list[tuple[str, str]] = [
        ("Titel", about.title),
        ("Kørsel", about.run_id),
        ("Kørt", str(started)),
        ("Parameterfil", about.params_file),
        ("SHA-256 af parameterfilen", about.params_sha256),
        # The workbook is approved as it is, so it cannot follow the run's state after approval.
        ("Status", f"{about.status} (da tabellerne blev lavet; kørslens aktuelle tilstand står på forsiden "
                   "index.html og vises af kpro-econ status)"),
        ("Tal", "Beløb i kroner i faste priser; CSV-filerne ved siden af har de samme tal med punktum som "
                "decimaltegn og koder i stedet for danske betegnelser."),
    ]
    _header(sheet.cell(row=1, column=1), "Om kørslen")
    _header(sheet.cell(row=1, column=2), "")
    for row, (field, value) in enumerate(rows, start=2):
        put(sheet.cell(row=row, column=1), field)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        put(sheet.cell(row=row, column=2), value)
    start = len(rows) + 3
    _header(sheet.cell(row=start, column=1), "Ark")
    _header(sheet.cell(row=start, column=2), "CSV-fil")
    if cut:
        _header(sheet.cell(row=start, column=3), "Bemærkning")
    for row, (name, sheet_name) in enumerate(sheets.items(), start=start + 1):
        put(sheet.cell(row=row, column=1), sheet_name)
        put(sheet.cell(row=row, column=2), f"{name}.csv")
        if name in cut:
            put(sheet.cell(row=row, column=3), _cut_note(name, cut[name]))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80
    sheet.freeze_panes = "A2"
