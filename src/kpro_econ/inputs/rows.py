"""The one row-validation engine of every register: columns declared once, cells checked column by column.

A register declares its columns (`Column`: kind, required, allowed codes, range, default) in a `Register`.
`check_table` takes the table `tables.read_table` returned (every cell a stripped string, the source line
in the index); `check_items` takes inline items from the params (YAML values, one mapping per item).
Both give `Rows`: the typed frame, where each row is, and the problems found in single cells. The
register's reader then adds its checks across columns (`Rows.fail`) and across rows (`Rows.repeats`,
`Rows.add`) and calls `Rows.raise_problems`.

The same mistake gets the same words in every register: every message of this engine is one of the
constants below, and every cell is parsed by the parsers of `tables.py`. Problems are listed row by
row (each row's cells in the order the register declares its columns, then its checks across
columns), then the checks across rows. Cells are checked per column, not per row: a column of numbers is
parsed with one regular expression over the column, a column with few distinct values (dates, codes)
parses each distinct value once, so a register of 200,000 rows validates in seconds
(`bench/register_bench.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd

from kpro_econ.errors import AsTyped, ParamsError, Problem, closest, suggestion
from kpro_econ.inputs.tables import (
    DATE_FORMS,
    HEADER_LINE,
    NUMBER_PATTERNS,
    parse_bool,
    parse_date,
    parse_integer,
    parse_number,
)

# --- the words ---------------------------------------------------------------------------------

BLANK = "skal udfyldes, men er tom"
MISSING_COLUMN = "kolonnen mangler; den skal være med"
UNKNOWN_COLUMN = "ukendt kolonne"
UNKNOWN_KEY = "ukendt nøgle"
MEANT_OR_KNOWN = "{unknown}; kendte {kind}: {known}"
"""An unknown column or key is followed by "– mente du 'x'?" when a known one is close, else by the known ones."""
DUPLICATE_COLUMN = "kolonnen står to gange"
NOT_ONE_OF = "skal være en af: {choices}"
AT_LEAST = "skal være mindst {bound}"
AT_MOST = "må højst være {bound}"
ABOVE = "skal være større end {bound}"
DUPLICATE = "står to gange: samme {label} som på {where}"
LINE = "linje {line}"
ITEM = "element {position}"
NOT_A_NUMBER = "ikke et tal"
NOT_AN_INTEGER = "ikke et heltal"
NOT_A_DATE = f"ikke en dato ({DATE_FORMS})"
NOT_YES_NO = "ikke ja eller nej (skriv ja/nej, true/false eller 1/0)"

Kind = Literal["text", "number", "integer", "date", "bool"]
Parse = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    """One column of a register: how its cells are read and what they must be."""

    name: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] | None = None
    """The codes a text cell may hold; a cell is matched ignoring case and surrounding space."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other spellings of a code (lower case), e.g. `{"staff": "medarbejder"}`."""
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    """A number must be above this (strictly)."""
    range_message: str | None = None
    """The register's own words for a number outside the range, instead of AT_LEAST / AT_MOST / ABOVE."""
    parse: Parse | None = None
    """A parser of a text cell for its own spelling (a month, a region); raises ValueError with the message.
    The cell's value is what it returns (a date column: a date)."""
    default: Any = None
    """The value of a blank cell in an optional column."""
    share: bool = False
    """A number that is a share (0–1): a cell may also be a percentage as Danish Excel writes it, `50 %`
    or `50%` (read as 0.5)."""


@dataclass(frozen=True)
class Register:
    """A register's columns, in the order its problems are listed and its frame has them."""

    columns: tuple[Column, ...]
    ignored: frozenset[str] = frozenset()
    """Columns accepted and left out (those an earlier run's output table adds to the register)."""

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


@dataclass(frozen=True)
class _Where:
    """Where a row is: a register file's line, or an inline item (`risk.items.N.` and its keys' lines)."""

    file: str
    lines: list[int | None]
    prefix: str = ""
    key_lines: Sequence[Mapping[str, int]] = ()

    def locate(self, position: int, column: str) -> tuple[str, int | None]:
        keys = self.key_lines[position] if position < len(self.key_lines) else {}
        line = keys.get(column, self.lines[position] if position < len(self.lines) else None)
        return self.prefix.format(position) + column, line

    def item(self, position: int) -> str:
        line = self.lines[position] if position < len(self.lines) else None
        return LINE.format(line=line) if line is not None else ITEM.format(position=position)


@dataclass
class Rows:
    """A register's rows after the checks of single cells: `frame` typed (index 0, 1, … in the order of
    the rows), each row's place, and the problems. `raw` holds the cells as the user wrote them.

    A cell with a problem is missing in `frame` and marked bad (`usable`): no later check reads it, so
    one mistake is one problem. A missing required column marks its every cell bad.
    """

    register: Register
    frame: pd.DataFrame
    raw: pd.DataFrame
    where: _Where
    text: bool
    """Whether the cells were text (a register file) rather than YAML values (inline items)."""
    _bad: dict[str, np.ndarray] = field(default_factory=dict)
    _found: list[tuple[int, int, int, int, Problem]] = field(default_factory=list)
    _after: list[Problem] = field(default_factory=list)
    _meant: set[tuple[int, str]] = field(default_factory=set)
    """(row, column) a misspelt key was meant to be: its problem says so, the column is not also "skal udfyldes"."""

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def lines(self) -> list[int | None]:
        return self.where.lines

    def usable(self, column: str) -> np.ndarray:
        """Rows whose cell in `column` has no problem (it may be blank where the column is optional)."""
        bad = self._bad.get(column)
        return np.ones(len(self), dtype=bool) if bad is None else ~bad

    def shown(self, column: str, position: int) -> Any:
        """A cell as a problem shows it: a number bare as typed (`(fik 1.200.000)`), other text quoted."""
        if column not in self.raw.columns:
            return None
        value = self.raw[column].iat[position]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        kind = self.register.column(column).kind if column in self.register.names else "text"
        return AsTyped(value) if self.text and isinstance(value, str) and kind in ("number", "integer") else value

    def fail(self, mask: Any, column: str, message: str | Callable[[int], str], show: bool = True,
             needs: Sequence[str] = ()) -> None:
        """A check across columns: a problem in `column` for each row where `mask` holds.

        `message` is one text, or a function of the row's position giving its text; with `show` the
        problem shows the cell. A row whose cell in `column` or in a column the check `needs` has a
        problem already is not checked: what the check compares is not known.
        """
        hits = np.asarray(mask, dtype=bool) & self.usable(column)
        for other in needs:
            hits &= self.usable(other)
        order = self._order(column)
        for position in np.flatnonzero(hits).tolist():
            text = message if isinstance(message, str) else message(position)
            self._row_problem(position, 1, order, column, text, self.shown(column, position) if show else None)

    def repeats(self, columns: Sequence[str], label: str, field: str | None = None,
                keys: pd.DataFrame | None = None) -> None:
        """A problem for every row whose value of `columns` an earlier row already had, naming that row.

        Only rows whose cells in `columns` are all readable take part; the problem is in `field` (by
        default the first column) and shows its cell. `keys` may give the values to compare instead of
        the columns' own (one column each, e.g. two spellings of one measure made one).
        """
        field = field or columns[0]
        usable = np.logical_and.reduce([self.usable(c) for c in columns])
        values = (self.frame if keys is None else keys).loc[usable, list(columns)]
        if values.empty:
            return
        groups = values.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
        _, first = np.unique(groups, return_index=True)
        positions = np.flatnonzero(usable)
        for at in np.flatnonzero(np.arange(len(groups)) != first[groups]).tolist():
            position, earlier = int(positions[at]), int(positions[first[groups[at]]])
            message = DUPLICATE.format(label=label, where=self.where.item(earlier))
            self.add_at(position, field, message, self.shown(field, position))

    def add_at(self, position: int, column: str, message: str, value: Any = None) -> None:
        """A problem of one row found by a check across rows (listed after the rows' own problems)."""
        name, line = self.where.locate(position, column)
        self._after.append(Problem(self.where.file, name, message, value, line))

    def add(self, problem: Problem) -> None:
        """A problem of the register as a whole (listed last)."""
        self._after.append(problem)

    def problems(self) -> list[Problem]:
        """Every problem: row by row, then those across rows, in the order they were found."""
        return [found[-1] for found in sorted(self._found, key=lambda f: f[:4])] + self._after

    def raise_problems(self) -> None:
        problems = self.problems()
        if problems:
            raise ParamsError(problems)

    # --- recording ---------------------------------------------------------------------------

    def _order(self, column: str) -> int:
        names = self.register.names
        return names.index(column) if column in names else len(names)

    def _row_problem(self, position: int, stage: int, order: int, column: str, message: str, value: Any) -> None:
        name, line = self.where.locate(position, column)
        self._found.append((position, stage, order, len(self._found), Problem(self.where.file, name, message, value,
                                                                              line)))

    def _header_problem(self, problem: Problem) -> None:
        self._found.append((-1, 0, 0, len(self._found), problem))

    def _mark(self, column: str, bad: np.ndarray) -> None:
        self._bad[column] = self._bad[column] | bad if column in self._bad else bad


# --- reading a register file -----------------------------------------------------------------------

def check_table(df: pd.DataFrame, file: str, register: Register) -> Rows:
    """The cells of a register file (`tables.read_table`) checked and typed, column by column."""
    renamed = df.rename(columns=lambda c: str(c).strip().lower())
    header = df.attrs.get(HEADER_LINE, 1)
    known = set(register.names) | register.ignored
    lines = _lines(df.index)
    rows = Rows(register, pd.DataFrame(index=pd.RangeIndex(len(df))), pd.DataFrame(index=pd.RangeIndex(len(df))),
                _Where(file, lines), text=True)
    absent = [known_name for known_name in register.names if known_name not in renamed.columns]
    meant: set[str] = set()  # columns a misspelt one was meant to be: its problem says so, not also "mangler"
    for name in df.columns:
        if str(name).strip().lower() not in known:
            message = _unknown(UNKNOWN_COLUMN, "kolonner", str(name), register.names, absent)
            rows._header_problem(Problem(file, str(name), message, line=header))
            meant.add(closest(str(name), absent) or "")
    for name in renamed.columns[renamed.columns.duplicated()].unique():
        rows._header_problem(Problem(file, str(name), DUPLICATE_COLUMN, line=header))
    renamed = renamed.loc[:, ~renamed.columns.duplicated()]
    decimal = str(df.attrs.get("decimal", "."))
    for column in register.columns:
        if column.name not in renamed.columns:
            rows.raw[column.name] = None
            if column.required:
                if column.name not in meant:
                    rows._header_problem(Problem(file, column.name, MISSING_COLUMN, line=header))
                rows._mark(column.name, np.ones(len(df), dtype=bool))  # every row lacks it: no row is checked
            rows.frame[column.name] = _blank_column(column, len(df))
            continue
        cells = pd.Series(renamed[column.name].to_numpy(dtype=object), index=rows.frame.index, dtype=object)
        rows.raw[column.name] = cells
        rows.frame[column.name] = _check_column(rows, column, cells, decimal)
    return rows


def _lines(index: pd.Index) -> list[int | None]:
    """Each row's source line: the index `read_table` gives, or None for a frame not read from a file."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [int(line) for line in index.tolist()]
    return [int(label) if isinstance(label, Integral) else None for label in index]


def check_items(items: Sequence[Mapping[str, Any]], file: str, register: Register, prefix: str,
                lines: Sequence[int | None] | None = None,
                key_lines: Sequence[Mapping[str, int]] | None = None) -> Rows:
    """Inline items (YAML values) checked and typed as the same frame; fields `prefix` with the item's
    number (`risk.items.{}.`), each problem at its key's line where known, else the item's."""
    where = _Where(file, list(lines or [None] * len(items)), prefix, list(key_lines or []))
    index = pd.RangeIndex(len(items))
    rows = Rows(register, pd.DataFrame(index=index), pd.DataFrame(index=index), where, text=False)
    known = set(register.names) | register.ignored
    for position, item in enumerate(items):
        for key in item:
            if str(key) not in known:
                name, line = where.locate(position, str(key))
                absent = [known_name for known_name in register.names if known_name not in item]
                message = _unknown(UNKNOWN_KEY, "nøgler", str(key), register.names, absent)
                meant = closest(str(key), absent)
                if meant is not None:
                    rows._meant.add((position, meant))
                rows._found.append((position, 0, -1, len(rows._found), Problem(file, name, message, None, line)))
    for column in register.columns:
        cells = pd.Series([_blank_text(item.get(column.name)) for item in items], index=index, dtype=object)
        rows.raw[column.name] = cells
        rows.frame[column.name] = _check_column(rows, column, cells, ".")
    return rows


def _unknown(unknown: str, kind: str, word: str, known: Sequence[str], absent: Sequence[str]) -> str:
    """`ukendt kolonne – mente du 'x'?` when one of the known names not yet given is close to `word`,
    else `ukendt kolonne; kendte kolonner: …`."""
    meant = suggestion(word, absent)
    return unknown + meant if meant else MEANT_OR_KNOWN.format(unknown=unknown, kind=kind, known=", ".join(known))


def _blank_text(value: Any) -> Any:
    """A YAML string as a register cell: stripped, and blank (None) when nothing is left."""
    return (value.strip() or None) if isinstance(value, str) else value


# --- one column ------------------------------------------------------------------------------------

def _blank_column(column: Column, n: int) -> pd.Series:
    if column.default is not None:
        filled: pd.Series = pd.Series([column.default] * n, dtype=_dtype(column, column.default))
        return filled
    blank: pd.Series = pd.Series([None] * n, dtype=object).astype(_dtype(column, None))
    return blank


def _dtype(column: Column, default: Any) -> Any:
    if column.parse is not None:
        return "datetime64[ns]" if column.kind == "date" else "object"
    return {"number": "float64", "integer": "Int64", "date": "datetime64[ns]",
            "bool": "bool" if default is not None else "boolean"}.get(column.kind, "object")


def _check_column(rows: Rows, column: Column, cells: pd.Series, decimal: str) -> pd.Series:
    """The column's typed values (missing where blank or bad); its problems recorded in `rows`."""
    texts = cells.to_numpy(dtype=object)
    blank = pd.isna(texts)
    order = rows._order(column.name)
    if column.required and blank.any():
        for position in np.flatnonzero(blank).tolist():
            if (position, column.name) not in rows._meant:
                rows._row_problem(position, 0, order, column.name, BLANK, None)
        rows._mark(column.name, blank)
    values, errors = _parse(column, texts, blank, decimal, rows.text)
    for position, message in errors.items():
        rows._row_problem(position, 0, order, column.name, message, texts[position])
    bad = np.zeros(len(texts), dtype=bool)
    bad[list(errors)] = True
    if column.kind in ("number", "integer"):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        for limit, check, words in ((column.minimum, np.less, AT_LEAST), (column.maximum, np.greater, AT_MOST),
                                    (column.above, np.less_equal, ABOVE)):
            if limit is None:
                continue
            out = check(numbers, limit, where=~np.isnan(numbers), out=np.zeros(len(numbers), dtype=bool)) & ~bad
            message = column.range_message or words.format(bound=plain_number(limit))
            for position in np.flatnonzero(out).tolist():
                rows._row_problem(position, 0, order, column.name, message, rows.shown(column.name, position))
            bad |= out
    if bad.any():
        rows._mark(column.name, bad)
        return values.where(~bad)  # the register will not be used: its problems are raised
    if column.default is not None and not column.required:
        values = values.where(~blank, column.default).astype(_dtype(column, column.default))
    # Text as pandas holds it read from records: str, NaN where blank (object when all are blank).
    return values.infer_objects() if values.dtype == object else values


def _parse(column: Column, texts: np.ndarray, blank: np.ndarray, decimal: str,
           text: bool) -> tuple[pd.Series, dict[int, str]]:
    """Typed values and the message of each cell that cannot be read, by position."""
    if column.share:
        return _shares(column, texts, blank, decimal, text)
    if text and column.parse is None and column.kind in ("number", "integer"):
        return _numbers(column, texts, blank, decimal)
    if text and column.kind == "text" and column.choices is None and column.parse is None:
        return pd.Series(texts, dtype=object), {}
    positions = np.flatnonzero(~blank).tolist()
    filled = [texts[p] for p in positions]
    if text:  # few distinct values (dates, codes, yes/no): each is parsed once
        parsed = {value: _parsed(column, value, decimal) for value in set(filled)}
        results = [parsed[value] for value in filled]
    else:  # inline items: a handful, and a YAML value may be a list or a mapping
        results = [_parsed(column, value, decimal) for value in filled]
    errors = {p: r.message for p, r in zip(positions, results, strict=True) if isinstance(r, _Error)}
    typed = np.full(len(texts), None, dtype=object)
    typed[positions] = [None if isinstance(r, _Error) else r for r in results]
    dtype = _dtype(column, None)
    series = pd.Series(typed, dtype=object)
    return (series if dtype == "object" else series.astype(dtype)), errors


def _shares(column: Column, texts: np.ndarray, blank: np.ndarray, decimal: str,
            text: bool) -> tuple[pd.Series, dict[int, str]]:
    """A share column: a cell written as a percentage (`50 %`, `50%`) is its number divided by 100."""
    percent = np.array([isinstance(t, str) and t.rstrip().endswith("%") for t in texts], dtype=bool)
    numbers = texts.copy()
    numbers[percent] = [t.rstrip().removesuffix("%").rstrip() for t in texts[percent]]
    values, errors = _parse(replace(column, share=False), numbers, blank, decimal, text)
    values = values.astype("float64") if values.dtype == object else values
    return values.where(~percent, values / 100), errors


def _parsed(column: Column, value: Any, decimal: str) -> Any:
    try:
        return _cell(column, value, decimal)
    except ValueError as exc:
        return _Error(str(exc))


@dataclass(frozen=True)
class _Error:
    message: str


def _numbers(column: Column, texts: np.ndarray, blank: np.ndarray, decimal: str) -> tuple[pd.Series, dict[int, str]]:
    """A text column of numbers at once. The cells joined one per line are matched by one regular
    expression and converted in one go; only where that fails is each cell matched on its own, and
    the cells refused get their message from `parse_number` / `parse_integer`."""
    filled = np.flatnonzero(~blank)
    cells: list[str] = texts[filled].tolist()
    number = NUMBER_PATTERNS[decimal].pattern
    joined = "\n".join(cells)
    # One line per cell, unless a cell holds a line break itself (a quoted cell may): then cell by cell.
    one_per_line = joined.count("\n") == len(cells) - 1
    if not cells or (one_per_line and re.fullmatch(f"(?:{number})(?:\n(?:{number}))*", joined)):
        readable = np.ones(len(cells), dtype=bool)
    else:
        readable = ~pd.isna(np.array(list(map(NUMBER_PATTERNS[decimal].fullmatch, cells)), dtype=object))
        joined = "\n".join(np.array(cells, dtype=object)[readable].tolist())
    # Thousands separators out, the decimal mark a point: 1.234,5 → 1234.5, 1,234.5 → 1234.5.
    joined = joined.replace(".", "").replace(",", ".") if decimal == "," else joined.replace(",", "")
    numbers = np.full(len(texts), np.nan)
    numbers[filled[readable]] = np.array(joined.split("\n") if joined else [], dtype=np.float64)
    errors: dict[int, str] = {}
    parser = parse_integer if column.kind == "integer" else parse_number
    for position in filled[~readable].tolist():
        try:
            parser(str(texts[position]), decimal)
        except ValueError as exc:
            errors[position] = str(exc)
    if column.kind == "integer":
        fraction = np.isfinite(numbers) & (numbers != np.floor(numbers))
        errors.update(dict.fromkeys(np.flatnonzero(fraction).tolist(), NOT_AN_INTEGER))
        numbers[fraction] = np.nan
        return pd.Series(numbers).round().astype("Int64"), errors
    return pd.Series(numbers), errors


def _cell(column: Column, value: Any, decimal: str) -> Any:
    """One cell's value: text as the file's parsers read it, or a YAML value of the right type."""
    if isinstance(value, str):
        if column.parse is not None:
            return column.parse(value)
        if column.choices is not None:
            word = value.strip().lower()
            word = column.aliases.get(word, word)
            if word not in column.choices:
                raise ValueError(NOT_ONE_OF.format(choices=", ".join(column.choices))
                                 + suggestion(word, [*column.choices, *column.aliases]))
            return word
        if column.kind == "number":
            return parse_number(value, decimal)
        if column.kind == "integer":
            return parse_integer(value, decimal)
        if column.kind == "date":
            return parse_date(value)
        if column.kind == "bool":
            return parse_bool(value)
        return value
    # A YAML value: already typed.
    if column.kind in ("number", "integer") and isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(NOT_A_NUMBER)
        if column.kind == "integer" and not float(value).is_integer():
            raise ValueError(NOT_AN_INTEGER)
        return float(value) if column.kind == "number" else int(value)
    if column.kind == "date" and isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if column.kind == "bool" and isinstance(value, bool):
        return value
    if column.kind == "text" and column.choices is None and column.parse is None:
        return str(value)
    raise ValueError({"number": NOT_A_NUMBER, "integer": NOT_AN_INTEGER, "date": NOT_A_DATE,
                      "bool": NOT_YES_NO}.get(column.kind, NOT_ONE_OF.format(choices=", ".join(column.choices or ()))))


def plain_number(amount: float) -> str:
    """A bound as a Dane reads it: 0.0 as 0, 0.5 as 0,5, 1e12 as 1.000.000.000.000."""
    if float(amount).is_integer():
        return f"{int(amount):,}".replace(",", ".")
    return f"{amount:g}".replace(".", ",")

