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
import errno
import os
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
    resolved = resolved_path(path)
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


def resolved_path(path: Path) -> Path:
    """`path` made absolute with symlinks resolved; for a symlink loop, absolute as written."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python before 3.13
        return Path(os.path.abspath(path))


def not_a_file(path: Path) -> str | None:
    """Why `path` is not a regular file one can read, in Danish; None when it is one."""
    try:
        path.stat()
    except OSError as exc:
        return unreadable(exc)
    if path.is_dir():
        return "er en mappe, ikke en fil"
    if not path.is_file():
        return "er ikke en almindelig fil"
    return None


def unreadable(exc: OSError) -> str:
    """Why a file could not be read, in Danish."""
    if exc.errno == errno.ELOOP:
        return "filen kan ikke læses: den er et symbolsk link, der peger i ring"
    if isinstance(exc, FileNotFoundError):
        return "filen findes ikke"
    if isinstance(exc, IsADirectoryError):
        return "er en mappe, ikke en fil"
    if isinstance(exc, PermissionError):
        return "filen kan ikke læses (ingen adgang)"
    return f"filen kan ikke læses ({exc.strerror or type(exc).__name__})"


def read_table(path: Path) -> pd.DataFrame:
    """The first sheet of an XLSX file or a CSV file, as strings; see the module docstring."""
    file = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ParamsError([Problem(file, "-", "skal være en .csv- eller .xlsx-fil", path.suffix or path.name)])
    problem = not_a_file(path)
    if problem is not None:
        raise ParamsError([Problem(file, "-", problem)])
    try:
        rows, decimal = _xlsx_rows(path, file) if suffix == ".xlsx" else _csv_rows(path, file)
    except OSError as exc:
        raise ParamsError([Problem(file, "-", unreadable(exc))]) from None
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
            problem = Problem(file, "-", f"ikke en gyldig CSV-fil ({exc})", line=reader.line_num)
            raise ParamsError([problem]) from None
    # Danish Excel separates with semicolons because the comma is its decimal mark.
    return rows, "," if delimiter == ";" else "."


def _encoding(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused, never guessed."""
    # NUL bytes are valid Windows-1252, so UTF-16 would otherwise decode into garbage.
    if data.startswith(_UTF16_32_BOMS) or b"\x00" in data:
        raise ParamsError([Problem(file, "-", "filen er UTF-16-tekst; gem den som CSV UTF-8 eller almindelig CSV")])
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        message = f"hverken UTF-8- eller Windows-1252-tekst (byte {data[exc.start]:#04x} ved position {exc.start})"
        raise ParamsError([Problem(file, "-", message)]) from None


def _xlsx_rows(path: Path, file: str) -> tuple[list[tuple[int, list[str | None]]], str]:
    title, cells = _xlsx_sheet(path, file, data_only=False)
    formulas = {
        (row, column) for row, values in enumerate(cells, start=1)
        for column, value in enumerate(values) if isinstance(value, str) and value.startswith("=")
    }
    if formulas:
        # Read again for the values Excel computed and saved with the formulas (openpyxl computes none).
        title, cells = _xlsx_sheet(path, file, data_only=True)
        _refuse_formulas_without_value(title, cells, formulas, file)
    rows = [(number, [_xlsx_cell(value) for value in values]) for number, values in enumerate(cells, start=1)]
    return rows, "."


def _xlsx_sheet(path: Path, file: str, data_only: bool) -> tuple[str, list[tuple[Any, ...]]]:
    """The first sheet's name and rows of cell values; with `data_only` a formula's last saved value, else its text."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        problem = Problem(file, "-", f"ikke en XLSX-projektmappe, der kan læses ({exc})")
        raise ParamsError([problem]) from None
    sheet = workbook.worksheets[0]
    title = sheet.title
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    return title, rows


def _refuse_formulas_without_value(
    title: str, cells: list[tuple[Any, ...]], formulas: set[tuple[int, int]], file: str
) -> None:
    """A formula cell whose value Excel never saved (a file written by a program, not saved in Excel)
    would read as blank: name each such cell, in any column."""
    from openpyxl.utils import get_column_letter

    header_line, header = next(
        ((number, values) for number, values in enumerate(cells, start=1) if any(v is not None for v in values)),
        (0, ()),
    )
    problems = []
    for row, column in sorted(formulas):
        if cells[row - 1][column] is not None:
            continue
        name = header[column] if row > header_line and column < len(header) and header[column] else "-"
        cell = f"{_quoted_sheet(title)}!{get_column_letter(column + 1)}{row}"
        message = (f"cellen {cell} er en formel uden gemt værdi; åbn filen i Excel og gem den, "
                   "så formlens værdi gemmes med")
        problems.append(Problem(file, str(name), message, line=row))
    if problems:
        raise ParamsError(problems)


def _quoted_sheet(title: str) -> str:
    """A sheet's name as Excel writes it in a reference: quoted when it holds more than letters and digits."""
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


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
        raise ParamsError([Problem(file, "-", "filen er tom (ingen overskriftsrække)")])
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
            message = f"en værdi i kolonne {stray[0] + 1}, som ikke har nogen overskrift"
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
            problems.append(Problem(file, name, f"kolonnen står to gange (kolonne {seen[name]} og {position})",
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
DATE_FORMS = "skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ, fx 2024-03-31 eller 31-03-2024"
"""The two ways a date may be written, as every date message names them."""
_TRUE = {"true", "sand", "ja", "j", "yes", "1"}
_FALSE = {"false", "falsk", "nej", "n", "no", "0"}


def parse_number(text: str, decimal: str) -> float:
    """A number written with the file's decimal mark ("," or "."), thousands separators allowed."""
    if not _NUMBER[decimal].fullmatch(text):
        mark = "komma" if decimal == "," else "punktum"
        raise ValueError(f"ikke et tal med decimal{mark}, som filen bruger (fx {_EXAMPLE[decimal]})")
    thousands = "." if decimal == "," else ","
    return float(text.replace(thousands, "").replace(decimal, "."))


def parse_integer(text: str, decimal: str) -> int:
    """A whole number, in the file's number format."""
    try:
        value = parse_number(text, decimal)
    except ValueError:
        raise ValueError("ikke et heltal") from None
    if not value.is_integer():
        raise ValueError("ikke et heltal")
    return int(value)


def parse_date(text: str) -> date:
    """A date as YYYY-MM-DD, or DD-MM-YYYY (also with . or /) as Danish Excel writes it."""
    iso, danish = _ISO_DATE.fullmatch(text), _DANISH_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif danish:
        day, month, year = (int(g) for g in danish.groups())
    else:
        raise ValueError(f"ikke en dato ({DATE_FORMS})")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"ikke en gyldig dato; den dag findes ikke ({DATE_FORMS})") from None


def parse_bool(text: str) -> bool:
    """Yes or no: true/false, ja/nej, 1/0 (Danish Excel writes SAND/FALSK)."""
    word = text.strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise ValueError("ikke ja eller nej (skriv ja/nej, true/false eller 1/0)")
