"""The run's tables as an Excel workbook for people: Danish sheets, headers and labels, real formats.

`data/*.csv` are the machine-readable contract (codes, dot decimals); `tables.xlsx` is what a
controller opens. Each table gets one sheet with the Danish headers the HTML reports use, codes shown
as their Danish labels (`report.labels`), amounts as numbers formatted `#,##0 "kr."`, shares as
percent, dates as dates, a frozen and filtered header row, widths that fit and a print setup
(landscape, one page wide, the header row on every page). A table the reports show wide
(`tables.PIVOTS`: the costs, lines down and years across) is shown so, one sheet per scenario. A
value that rounds to zero shows as 0, never -0. A first sheet says which run, which params and its
sha256, and links to every sheet. No cell is ever a formula: every text is a string cell, even one
that starts with `=` (OWASP's advice against CSV/formula injection); sums are written as numbers. A sheet holds at most
`MAX_SHEET_ROWS` rows (a table of a long register would take minutes and hundreds of MB to write);
the first sheet and the sheet itself say so, and the CSV beside it holds every row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kpro_econ.params.codes import FigureUnit, RunState
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import (
    BOOL_LABELS,
    CODE_LABELS,
    EXCEL_ABOUT_SHEET,
    PIVOT_SHEET_LABELS,
    RUN_STATE_LABELS,
    SHEET_LABELS,
    TOTAL,
    figure_label,
    header,
)
from kpro_econ.report.times import danish_datetime
from kpro_econ.tables import PIVOTS, Column, ExcelFormat, Pivot, Table, written_columns

_DATE_FORMATS = {ExcelFormat.DATE, ExcelFormat.MONTH}
MAX_SHEET_ROWS = 10_000
_WIDTH_MIN, _WIDTH_MAX = 6, 60
_WIDTH_SAMPLE = 500  # rows looked at to size a column
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")  # as the reports' table headers
_SHEET_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
_FIGURE_FORMATS = {FigureUnit.DKK: ExcelFormat.AMOUNT, FigureUnit.SHARE: ExcelFormat.PERCENT,
                   FigureUnit.FTE: ExcelFormat.DECIMAL2}
_ROUNDED = {  # formats a value can round to zero in: the decimals shown, and whether it is a percentage
    ExcelFormat.AMOUNT: (0, False), ExcelFormat.NUMBER: (0, False), ExcelFormat.DECIMAL: (1, False),
    ExcelFormat.DECIMAL2: (2, False), ExcelFormat.PERCENT: (1, True), ExcelFormat.PERCENT2: (2, True),
}


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its name in the table, its Danish header, its Excel format and, for codes,
    their labels."""

    name: str
    header: str
    format: str = ExcelFormat.GENERAL
    labels: Mapping[Any, str] | None = None
    unit_of: str | None = None  # the column whose figure path gives each row's format (`tables.Column`)


@dataclass(frozen=True)
class Sheet:
    """One table's sheet: its Danish name, the columns a person is shown, and whether its last row is a
    total (bold, outside the filter)."""

    name: str
    columns: tuple[Col, ...]
    total_row: bool = False


@dataclass(frozen=True)
class RunAbout:
    """What the first sheet says about the run."""

    title: str
    run_id: str
    params_file: str
    params_sha256: str
    started: datetime
    state: RunState  # the run's state when the workbook was written (it is hashed, so it cannot follow)


def tables_workbook(tables: Mapping[Table, pd.DataFrame], about: RunAbout) -> Workbook:
    """The workbook: a sheet about the run, then the sheets of each table in the order given (each table
    as written, `tables.conformed`)."""
    book = Workbook()
    first = book.active
    assert first is not None  # noqa: S101 (a new Workbook always has an active sheet)
    pages = [(table, sheet, frame) for table, whole in tables.items() for sheet, frame in sheets_for(table, whole)]
    sheet_names = unique_sheet_names([EXCEL_ABOUT_SHEET, *(sheet.name for _, sheet, _ in pages)])
    first.title = sheet_names[0]
    _about_sheet(first, about, [(name, table) for (table, _, _), name in zip(pages, sheet_names[1:], strict=True)],
                 {table: len(frame) for table, frame in tables.items() if len(frame) > MAX_SHEET_ROWS})
    for (table, sheet, frame), sheet_name in zip(pages, sheet_names[1:], strict=True):
        written = book.create_sheet(sheet_name)
        _table_sheet(written, frame.iloc[:MAX_SHEET_ROWS], sheet)
        if len(frame) > MAX_SHEET_ROWS:
            put(written.cell(row=MAX_SHEET_ROWS + 3, column=1), _cut_note(table, len(frame)))
    return book


def _cut_note(table: Table, rows: int) -> str:
    return (f"Arket viser de første {number(MAX_SHEET_ROWS)} af {number(rows)} rækker; "
            f"alle står i {table}.csv ved siden af.")


def sheets_for(table: Table, frame: pd.DataFrame) -> list[tuple[Sheet, pd.DataFrame]]:
    """The sheets of `table`, each with the frame it shows: one, or for a table the reports show wide
    (`tables.PIVOTS`) one per scenario."""
    pivot = PIVOTS.get(table)
    if pivot is None or frame.empty:
        return [(sheet_for(table, frame), frame)]
    return _pivoted(table, frame, pivot)


def sheet_for(table: Table, frame: pd.DataFrame) -> Sheet:
    """The sheet of `table` as `tables.TABLES` declares it: every column shown to people, in order."""
    columns = tuple(
        Col(column.name, header(column), column.excel_format,
            CODE_LABELS[column.codes] if column.codes else None, column.unit_of)
        for column in written_columns(table, [str(name) for name in frame.columns]) if column.shown
    )
    return Sheet(SHEET_LABELS[table], columns)


def _pivoted(table: Table, frame: pd.DataFrame, pivot: Pivot) -> list[tuple[Sheet, pd.DataFrame]]:
    """`frame` wide: the pivot's rows (codes as their labels) down, its `across` values and a total
    across, the sums of its value in the cells and a total row; one sheet per value of `per`."""
    declared = {column.name: column for column in written_columns(table, [str(c) for c in frame.columns])}
    groups = [(None, frame)] if pivot.per is None else list(frame.groupby(pivot.per, sort=False))
    row_headers = [header(declared[name]) for name in pivot.rows]
    amount = declared[pivot.value].excel_format
    sheets = []
    for index, (key, group) in enumerate(groups):
        shown = group.copy()
        for name in pivot.rows:
            codes = declared[name].codes
            if codes is not None:
                shown[name] = [CODE_LABELS[codes].get(v, str(v)) for v in shown[name]]
        wide = shown.pivot_table(index=list(pivot.rows), columns=pivot.across, values=pivot.value,
                                 aggfunc="sum", sort=False)
        wide = wide[sorted(wide.columns)]
        wide.columns = [_across_header(c, group, pivot, declared) for c in wide.columns]
        wide[TOTAL] = wide.sum(axis=1)
        wide = wide.reset_index()
        wide.columns = [*row_headers, *wide.columns[len(row_headers):]]
        sums = {c: float(wide[c].sum()) for c in wide.columns[len(row_headers):]}
        total = {**dict.fromkeys(row_headers), row_headers[0]: TOTAL, **sums}
        wide = pd.concat([wide, pd.DataFrame([total])], ignore_index=True)
        name = SHEET_LABELS[table] if index == 0 else PIVOT_SHEET_LABELS[table].format(value=key)
        columns = tuple(Col(c, c, ExcelFormat.TEXT if c in row_headers else amount) for c in wide.columns)
        sheets.append((Sheet(name, columns, total_row=True), wide))
    return sheets


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
        formats = _formats(frame, col)
        for row, (raw, fmt) in enumerate(zip(frame[col.name].tolist(), formats, strict=True), start=2):
            cell = sheet.cell(row=row, column=index)
            value = _cell_value(raw, col)
            put(cell, value)
            if value is not None:
                cell.number_format = ExcelFormat.TEXT if isinstance(value, str) else _zero_as_zero(fmt)
            if row < _WIDTH_SAMPLE + 2:
                width = max(width, _shown_width(value, fmt))
        widths.append(width)
    rows = len(frame) + 1
    if spec.total_row and len(frame):
        for cell in sheet[rows]:
            cell.font = Font(bold=True)
    _finish(sheet, widths, rows=rows - 1 if spec.total_row and len(frame) else rows)


def _formats(frame: pd.DataFrame, col: Col) -> list[str]:
    """Each row's format of `col`: its own, or by the unit of the row's figure (`Col.unit_of`)."""
    if col.unit_of is None:
        return [col.format] * len(frame)
    return [_FIGURE_FORMATS.get(figure_label(str(path))[1], col.format)  # type: ignore[arg-type]
            for path in frame[col.unit_of].tolist()]


def _across_header(value: Any, group: pd.DataFrame, pivot: Pivot, declared: Mapping[str, Column]) -> str:
    """The header of the column for `value` of the pivot's `across`: the value, and its note when the
    table has one value of it for `value` (`2026 (Forventet regnskab)`)."""
    note = pivot.across_note
    if note is None or note not in declared:
        return str(value)
    notes = group.loc[group[pivot.across] == value, note].dropna().unique()
    if len(notes) != 1:
        return str(value)
    codes = declared[note].codes
    label = CODE_LABELS[codes].get(notes[0], str(notes[0])) if codes is not None else str(notes[0])
    return f"{value} ({label})"


def _zero_as_zero(fmt: str) -> str:
    """`fmt` such that a value that rounds to zero shows as 0, never -0 (`-0 kr.`, `-0,0 %`): Excel's
    conditional sections, the third one a literal 0, for the values between."""
    if fmt not in _ROUNDED:
        return fmt
    decimals, percentage = _ROUNDED[ExcelFormat(fmt)]
    half = 0.5 * 10 ** -(decimals + (2 if percentage else 0))
    zero = "0 kr." if fmt == ExcelFormat.AMOUNT else "0 %" if percentage else "0"
    return f'[>={half:g}]{fmt};[<=-{half:g}]-{fmt};"{zero}"'


def _header(cell: Cell, text: str) -> None:
    put(cell, text)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(vertical="top")


def _finish(sheet: Worksheet, widths: list[int], rows: int) -> None:
    """Widths that fit, the header row frozen and filtered (over `rows`, the header's included), and
    printed."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)
    sheet.freeze_panes = "A2"
    if widths:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(rows, 1)}"
    _print_setup(sheet)


def _print_setup(sheet: Worksheet) -> None:
    """Printed on A4 in landscape, every column on one page's width (as many pages down as it takes),
    the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


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


def _about_sheet(sheet: Worksheet, about: RunAbout, sheets: Iterable[tuple[str, Table]],
                 cut: Mapping[Table, int]) -> None:
    started = danish_datetime(about.started)
    rows: list[tuple[str, str]] = [
        ("Titel", about.title),
        ("Kørsel", about.run_id),
        ("Kørt", str(started)),
        ("Parameterfil", about.params_file),
        ("SHA-256 af parameterfilen", about.params_sha256),
        # The workbook is hashed with the run, so it says the state when it was written and where to
        # see the state now.
        ("Tilstand ved kørslen", f"{RUN_STATE_LABELS[about.state]}; kørslens tilstand nu (fx godkendt eller "
                                 "frigivet) vises af kpro-econ status og på forsiden index.html"),
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
    for row, (sheet_name, table) in enumerate(sheets, start=start + 1):
        link = sheet.cell(row=row, column=1)
        put(link, sheet_name)
        quoted = sheet_name.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=sheet_name)
        link.style = "Hyperlink"
        put(sheet.cell(row=row, column=2), f"{table}.csv")
        if table in cut:
            put(sheet.cell(row=row, column=3), _cut_note(table, cut[table]))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80
    sheet.freeze_panes = "A2"
    _print_setup(sheet)
