"""Read a register as controllers keep it: CSV from any Excel (Danish or not) or an XLSX workbook,
and parse its cells as they write them (decimal comma, Danish dates, ja/nej).

`read_table` returns every cell as a stripped string (None where blank), never guessing types:
the register validators convert numbers knowing the file's decimal convention, which is in
`df.attrs["decimal"]` ("," for a semicolon-separated CSV as Danish Excel writes it, else ".").
The index, named `line`, holds each row's source line: the physical line of a CSV row (the
header is line 1) or the sheet row of an XLSX row; `df.attrs["header_line"]` the header's.
Empty rows are skipped.
"""

from __future__ import annotations

import csv
import re
import sys
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from kpro_econ.errors import ParamsError, Problem

LINE = "line"
"""Name of the index that holds each row's source line."""
HEADER_LINE = "header_line"
"""Key in `df.attrs` of the header's source line (1 unless blank lines come first)."""

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")


def display_path(path: Path) -> str:
    """The path as the user recognises it: relative to the current folder when inside it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


def read_table(path: Path) -> pd.DataFrame:
    """The first sheet of an XLSX file or a CSV file, as strings; see the module docstring."""
    file = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ParamsError([Problem(file, "-", "must be a .csv or .xlsx file", path.suffix or path.name)])
    try:
        rows, decimal = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path, file)
    except FileNotFoundError:
        raise ParamsError([Problem(file, "-", "file not found")]) from None
    except OSError as exc:
        raise ParamsError([Problem(file, "-", f"cannot read the file ({exc.strerror or exc})")]) from None
    return _frame(rows, decimal, file)


def _csv_rows(path: Path, file: str) -> tuple[list[tuple[int, list[str | None]]], str]:
    # The file is streamed, not held as one text: a register of 200,000 rows stays small in memory.
    with path.open(encoding=_encoding(path.read_bytes(), file), newline="") as stream:
        header = ""
        while not header.strip() and (line := stream.readline()):
            header = line
        stream.seek(0)
        delimiter = ";" if header.count(";") > header.count(",") else ","
        reader = csv.reader(stream, delimiter=delimiter)
        rows: list[tuple[int, list[str | None]]] = []
        first_line = 1
        try:
            for cells in reader:
                # As `_clean`; one list per row, and each cell text once however many rows repeat it.
                rows.append((first_line, [sys.intern(text) if (text := cell.strip()) else None for cell in cells]))
                first_line = reader.line_num + 1  # a quoted cell may span several lines
        except csv.Error as exc:
            problem = Problem(file, "-", f"not a valid CSV file ({exc})", line=reader.line_num)
            raise ParamsError([problem]) from None
    # Danish Excel separates with semicolons because the comma is its decimal mark.
    return rows, "," if delimiter == ";" else "."


def _encoding(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused, never guessed."""
    # NUL bytes are valid Windows-1252, so UTF-16 would otherwise decode into garbage.
    if data.startswith(_UTF16_32_BOMS) or b"\x00" in data:
        raise ParamsError([Problem(file, "-", "the file is UTF-16 text; save it as CSV UTF-8 or plain CSV")])
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        message = f"neither UTF-8 nor Windows-1252 text (byte {data[exc.start]:#04x} at offset {exc.start})"
        raise ParamsError([Problem(file, "-", message)]) from None


def _xlsx_rows(path: Path) -> tuple[list[tuple[int, list[str | None]]], str]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)  # data_only: a formula's last computed value
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        problem = Problem(display_path(path), "-", f"not a readable XLSX workbook ({exc})")
        raise ParamsError([problem]) from None
    sheet = workbook.worksheets[0]
    rows = [
        (number, [_xlsx_cell(value) for value in values])
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    workbook.close()
    return rows, "."


def _xlsx_cell(value: Any) -> str | None:
    """A typed Excel cell as the text a CSV would hold, with a dot decimal and ISO dates."""
    if value is None or isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2025 as 2025.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _clean(cell: str | None) -> str | None:
    text = cell.strip() if cell is not None else ""
    return text or None


def _frame(rows: list[tuple[int, list[str | None]]], decimal: str, file: str) -> pd.DataFrame:
    rows = [(line, cells) for line, cells in rows if cells.count(None) != len(cells)]
    if not rows:
        raise ParamsError([Problem(file, "-", "the file is empty (no header row)")])
    header_line, header = rows[0]
    problems = _duplicate_columns(header, header_line, file)
    # A column with a blank header is dropped (Excel leaves such trailing columns), if it is empty.
    keep = [i for i, name in enumerate(header) if name is not None]
    width = len(header)
    records: list[list[str | None]] = []
    for line, cells in rows[1:]:
        if len(cells) == width and len(keep) == width:  # the usual row: nothing to pad, drop or report
            records.append(cells)
            continue
        cells = cells + [None] * (width - len(cells))
        stray = [i for i, c in enumerate(cells) if c is not None and (i >= width or header[i] is None)]
        if stray:
            message = f"value in column {stray[0] + 1}, which has no header"
            problems.append(Problem(file, "-", message, cells[stray[0]], line=line))
        records.append([cells[i] for i in keep])
    if problems:
        raise ParamsError(problems)
    index = pd.Index([line for line, _ in rows[1:]], name=LINE, dtype="int64")
    frame = pd.DataFrame(records, columns=[header[i] for i in keep], index=index, dtype=object)
    frame.attrs["decimal"] = decimal
    frame.attrs[HEADER_LINE] = header_line
    return frame


def _duplicate_columns(header: list[str | None], line: int, file: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for position, name in enumerate(header, start=1):
        if name is None:
            continue
        if name in seen:
            problems.append(Problem(file, name, f"duplicate column (columns {seen[name]} and {position})",
                                    line=line))
        seen.setdefault(name, position)
    return problems


# Cells as controllers write them. Each parser raises ValueError with the message for the Problem.

_NUMBER = {
    # Decimal comma: thousands dots in groups of three (386.708,50) or none (386708,5).
    ",": re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"),
    ".": re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?"),
}
NUMBER_PATTERNS = _NUMBER
"""A number as a file with each decimal mark writes it (`rows.py` matches a whole column at once)."""
_EXAMPLE = {",": "386.708,50", ".": "386708.50"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
_DANISH_DATE = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_TRUE = {"true", "sand", "ja", "j", "yes", "1"}
_FALSE = {"false", "falsk", "nej", "n", "no", "0"}


def parse_number(text: str, decimal: str) -> float:
    """A number written with the file's decimal mark ("," or "."), thousands separators allowed."""
    if not _NUMBER[decimal].fullmatch(text):
        mark = "comma" if decimal == "," else "point"
        raise ValueError(f"not a number with a decimal {mark}, as this file uses (e.g. {_EXAMPLE[decimal]})")
    thousands = "." if decimal == "," else ","
    return float(text.replace(thousands, "").replace(decimal, "."))


def parse_integer(text: str, decimal: str) -> int:
    """A whole number, in the file's number format."""
    try:
        value = parse_number(text, decimal)
    except ValueError:
        raise ValueError("not a whole number") from None
    if not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


def parse_date(text: str) -> date:
    """A date as YYYY-MM-DD, or DD-MM-YYYY (also with . or /) as Danish Excel writes it."""
    iso, danish = _ISO_DATE.fullmatch(text), _DANISH_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif danish:
        day, month, year = (int(g) for g in danish.groups())
    else:
        raise ValueError("not a date (write YYYY-MM-DD, e.g. 2024-03-31)")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a valid date ({exc})") from None


def parse_bool(text: str) -> bool:
    """Yes or no: true/false, ja/nej, 1/0 (Danish Excel writes SAND/FALSK)."""
    word = text.strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise ValueError("not a yes/no value (write true/false, ja/nej or 1/0)")
