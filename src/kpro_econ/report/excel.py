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

from kpro_econ.report.formatting import number
from kpro_econ.report.labels import BOOL_LABELS, CODE_LABELS, EXCEL_ABOUT_SHEET, SHEET_LABELS, header
from kpro_econ.tables import ExcelFormat, Table, written_columns

_DATE_FORMATS = {ExcelFormat.DATE, ExcelFormat.MONTH}
MAX_SHEET_ROWS = 10_000
_WIDTH_MIN, _WIDTH_MAX = 6, 60
_WIDTH_SAMPLE = 500  # rows looked at to size a column
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")  # as the reports' table headers
_SHEET_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its name in the table, its Danish header, its Excel format and, for codes,
    their labels."""

    name: str
    header: str
    format: str = ExcelFormat.GENERAL
    labels: Mapping[Any, str] | None = None


@dataclass(frozen=True)
class Sheet:
    """One table's sheet: its Danish name and the columns a person is shown."""

    name: str
    columns: tuple[Col, ...]


@dataclass(frozen=True)
class RunAbout:
    """What the first sheet says about the run."""

    title: str
    run_id: str
    params_file: str
    params_sha256: str
    started: datetime
    status: str


def tables_workbook(tables: Mapping[Table, pd.DataFrame], about: RunAbout) -> Workbook:
    """The workbook: a sheet about the run, then one sheet per table in the order given (each table as
    written, `tables.conformed`)."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheets = [sheet_for(table, frame) for table, frame in tables.items()]
    sheet_names = unique_sheet_names([EXCEL_ABOUT_SHEET, *(sheet.name for sheet in sheets)])
    _about_sheet(first, about, dict(zip(tables, sheet_names[1:], strict=True)),
                 {table: len(frame) for table, frame in tables.items() if len(frame) > MAX_SHEET_ROWS})
    first.title = sheet_names[0]
    for (table, frame), sheet, sheet_name in zip(tables.items(), sheets, sheet_names[1:], strict=True):
        written = book.create_sheet(sheet_name)
        _table_sheet(written, frame.iloc[:MAX_SHEET_ROWS], sheet)
        if len(frame) > MAX_SHEET_ROWS:
            put(written.cell(row=MAX_SHEET_ROWS + 3, column=1), _cut_note(table, len(frame)))
    return book


def _cut_note(table: Table, rows: int) -> str:
    return (f"Arket viser de første {number(MAX_SHEET_ROWS)} af {number(rows)} rækker; "
            f"alle står i {table}.csv ved siden af.")


def sheet_for(table: Table, frame: pd.DataFrame) -> Sheet:
    """The sheet of `table` as `tables.TABLES` declares it: every column shown to people, in order."""
    columns = tuple(
        Col(column.name, header(column), column.excel_format, CODE_LABELS[column.codes] if column.codes else None)
        for column in written_columns(table, [str(name) for name in frame.columns]) if column.shown
    )
    return Sheet(SHEET_LABELS[table], columns)


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


def _table_sheet(sheet: Worksheet, frame: pd.DataFrame, spec: Sheet) -> None:
    widths: list[int] = []
    for index, col in enumerate(spec.columns, start=1):
        _header(sheet.cell(row=1, column=index), col.header)
        width = len(col.header)
        for row, raw in enumerate(frame[col.name].tolist(), start=2):
            cell = sheet.cell(row=row, column=index)
            value = _cell_value(raw, col)
            put(cell, value)
            if value is not None:
                cell.number_format = ExcelFormat.TEXT if isinstance(value, str) else col.format
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
        return 14 if fmt == ExcelFormat.MONTH else 10
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt in (ExcelFormat.PERCENT, ExcelFormat.PERCENT2):
            return 8
        if fmt == ExcelFormat.PLAIN:
            return len(str(value))
        digits = len(f"{abs(value):,.0f}") + (1 if value < 0 else 0)
        decimals = (ExcelFormat.DECIMAL, ExcelFormat.DECIMAL2, ExcelFormat.GENERAL)
        return digits + (4 if fmt == ExcelFormat.AMOUNT else 3 if fmt in decimals else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _about_sheet(sheet: Worksheet, about: RunAbout, sheets: Mapping[Table, str], cut: Mapping[Table, int]) -> None:
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
