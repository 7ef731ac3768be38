"""Validate registers (as read by `tables_io`) into tidy, typed DataFrames.

Every function collects all problems in a register and raises one ParamsError naming the file,
the row's line, the column and the value. No file is read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from numbers import Integral
from typing import Any, Generic, Literal, NamedTuple, TypeVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kpro_econ.errors import AsTyped, ParamsError, Problem
from kpro_econ.inputs.messages import pydantic_message
from kpro_econ.inputs.municipalities import BY_CODE, REGIONS, code_for_name, region_for
from kpro_econ.inputs.tables import HEADER_LINE, parse_bool, parse_date, parse_integer, parse_number
from kpro_econ.params.models import ChangeRequest

Kind = Literal["text", "number", "integer", "date", "bool"]

CHANGE_REQUEST_KINDS: dict[str, Kind] = {
    "id": "text", "title": "text", "status": "text", "priority": "text",
    "estimate_low": "number", "estimate_mode": "number", "estimate_high": "number", "year": "integer",
    "approval_probability": "number", "actual_cost": "number",
    "requested_date": "date", "approved_date": "date", "delivered_date": "date", "source": "text",
}
CHANGE_REQUEST_COLUMNS = list(CHANGE_REQUEST_KINDS)

MUNICIPALITY_KINDS: dict[str, Kind] = {
    "code": "integer", "name": "text", "region": "text", "citizens": "integer", "citizens_date": "date",
    "citizens_source": "text", "citizens_is_sample": "bool", "wave": "integer", "go_live_date": "date",
}
MUNICIPALITY_COLUMNS = list(MUNICIPALITY_KINDS)
_LIST_MISSING_UP_TO = 5

_PARSERS: dict[Kind, Callable[[str, str], Any]] = {
    "number": parse_number,
    "integer": parse_integer,
    "date": lambda text, _: parse_date(text).isoformat(),
    "bool": lambda text, _: parse_bool(text),
}


class Municipality(BaseModel):
    """One row of the municipality reference file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: int = Field(description="Official three-digit municipality code (kommunekode).")
    name: str = Field(min_length=1, description="Name as Statistics Denmark writes it, e.g. København.")
    region: str = Field(description="Region Hovedstaden, Sjælland, Syddanmark, Midtjylland or Nordjylland.")
    citizens: int = Field(gt=0, description="Number of citizens.")
    citizens_date: date | None = Field(None, description="Date of the count (YYYY-MM-DD).")
    citizens_source: str | None = Field(None, description="Where the count comes from.")
    citizens_is_sample: bool = Field(description="True when the count is sample data, not an official count.")
    wave: int | None = Field(None, ge=1, le=5, description="Implementation wave (bølge) 1–5; blank if none.")
    go_live_date: date | None = Field(None, description="Date the municipality went live; blank if not yet.")

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        region = region_for(value)
        if region is None:
            raise ValueError(f"must be one of {', '.join(REGIONS)}")
        return region


# --- change requests -------------------------------------------------------------------------

def change_requests(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The change-request register (ÆØ) in CHANGE_REQUEST_COLUMNS, one row per request.

    Floats with NaN where blank, `year` as int, the dates as datetime64 (NaT where blank).
    """
    rows, problems = validate_rows(df, file, ChangeRequest, CHANGE_REQUEST_KINDS)
    ids = [(line, text) for line, text in _cells(df, "id") if text is not None]
    problems += [Problem(file, "id", message, ids[i][1], ids[i][0]) for i, message in repeats(ids, "id")]
    if problems:
        raise ParamsError(problems)
    frame = _change_request_frame([row.model.model_dump() for row in rows])
    problems = date_order_problems(frame, file, [row.line for row in rows])
    if problems:
        raise ParamsError(problems)
    return frame


def change_requests_from_items(items: Sequence[ChangeRequest], file: str) -> pd.DataFrame:
    """The inline register (`change_requests.items` in the params) as the same DataFrame."""
    problems: list[Problem] = []
    records = []
    for i, item in enumerate(items):
        record = item.model_dump()
        for column, kind in CHANGE_REQUEST_KINDS.items():
            if kind == "date" and record[column] is not None:
                try:
                    record[column] = parse_date(str(record[column]).strip()).isoformat()
                except ValueError as exc:
                    field = f"change_requests.items.{i}.{column}"
                    problems.append(Problem(file, field, str(exc), record[column]))
        records.append(record)
    problems += [
        Problem(file, f"change_requests.items.{i}.id", message, items[i].id)
        for i, message in repeats([(None, item.id) for item in items], "id")
    ]
    if problems:
        raise ParamsError(problems)
    frame = _change_request_frame(records)
    problems = date_order_problems(frame, file)
    if problems:
        raise ParamsError(problems)
    return frame


def date_order_problems(register: pd.DataFrame, file: str, lines: Sequence[Any] | None = None) -> list[Problem]:
    """A request approved before it was requested, or delivered before it was approved (or requested).

    `register` is the validated change-request register (`registers.change_requests`); `lines` are the
    source lines of its rows in order (the index of the frame `tables_io.read_table` returned).
    """
    columns = ("requested_date", "approved_date", "delivered_date")
    dates = {c: [None if pd.isna(d) else pd.Timestamp(d) for d in register[c]] for c in columns}
    problems: list[Problem] = []
    for position in range(len(register)):
        label = lines[position] if lines is not None else None
        line = int(label) if isinstance(label, Integral) else None
        requested, approved, delivered = (dates[c][position] for c in columns)
        if approved is not None and requested is not None and approved < requested:
            problems.append(Problem(file, "approved_date", f"before requested_date ({requested:%Y-%m-%d})",
                                    f"{approved:%Y-%m-%d}", line))
        # Delivery is checked against the approval, or the request where there is no approval date.
        earlier = ("approved_date", approved) if approved is not None else ("requested_date", requested)
        if delivered is not None and earlier[1] is not None and delivered < earlier[1]:
            problems.append(Problem(file, "delivered_date", f"before {earlier[0]} ({earlier[1]:%Y-%m-%d})",
                                    f"{delivered:%Y-%m-%d}", line))
    return problems


def _change_request_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=CHANGE_REQUEST_COLUMNS)
    return frame.astype(
        {c: "float64" for c, kind in CHANGE_REQUEST_KINDS.items() if kind == "number"} | {"year": "int64"}
    ).assign(**{c: _dates(frame[c]) for c, kind in CHANGE_REQUEST_KINDS.items() if kind == "date"})


# --- municipalities --------------------------------------------------------------------------

def municipalities(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The 98 municipalities in MUNICIPALITY_COLUMNS, sorted by code, checked against the official list.

    `code`, `citizens` int; `wave` nullable Int64; `citizens_is_sample` bool; the dates datetime64.
    """
    rows, problems = validate_rows(df, file, Municipality, MUNICIPALITY_KINDS)
    for row in rows:
        problems += _against_official_list(row.model, file, row.line, row.cells.get("region"))
    # Codes from every row, also those with other faults, so that such a row is not reported missing.
    codes = _codes(df)
    problems += [
        Problem(file, "code", message, codes[i][1], codes[i][0])
        for i, message in repeats(codes, "municipality")
    ]
    seen = {code for _, code in codes}
    problems += _missing(file, "code", [code for code in BY_CODE if code not in seen])
    if problems:
        raise ParamsError(problems)
    records = [row.model.model_dump() | {"name": BY_CODE[row.model.code][0]} for row in rows]
    frame = pd.DataFrame(records, columns=MUNICIPALITY_COLUMNS).sort_values("code", ignore_index=True)
    types = {"code": "int64", "citizens": "int64", "wave": "Int64", "citizens_is_sample": "bool"}
    return frame.astype(types).assign(
        citizens_date=_dates(frame["citizens_date"]), go_live_date=_dates(frame["go_live_date"])
    )


def _against_official_list(row: Municipality, file: str, line: int | None, raw_region: Any) -> list[Problem]:
    if row.code not in BY_CODE:
        hint = " (Christiansø is not a municipality)" if row.code == 411 else ""
        return [Problem(file, "code", f"not a Danish municipality code{hint}", row.code, line)]
    name, region = BY_CODE[row.code]
    problems = []
    if code_for_name(row.name) != row.code:
        problems.append(Problem(file, "name", f"does not match code {row.code} ({name})", row.name, line))
    if row.region != region:
        problems.append(Problem(file, "region", f"{name} ({row.code}) is in {region}", raw_region, line))
    return problems


def _missing(file: str, field: str, codes: list[int]) -> list[Problem]:
    """One problem per missing municipality; one for all when so many are missing that the file is wrong."""
    names = [f"{code} {BY_CODE[code][0]}" for code in codes]
    if len(names) <= _LIST_MISSING_UP_TO:
        return [Problem(file, field, f"municipality missing: {name}") for name in names]
    return [Problem(file, field, f"{len(names)} municipalities missing: {', '.join(names[:3])}, …")]


def _codes(df: pd.DataFrame) -> list[tuple[int | None, int]]:
    """(line, code) of every row whose code cell is a whole number."""
    codes = []
    for line, text in _cells(df, "code"):
        try:
            codes.append((line, parse_integer(text or "", df.attrs.get("decimal", "."))))
        except ValueError:
            continue
    return codes


# --- FOLK1A (Statistics Denmark) -------------------------------------------------------------

_FOLK1A_COLUMNS = ("OMRÅDE", "TID", "INDHOLD")
_TOTALS = {"i alt", "alder i alt", "total", "tot", "ialt", "iald"}
_NOT_MUNICIPALITY = re.compile(r"hele landet|region .*|landsdel .*|christiansø", re.IGNORECASE)
_QUARTER = re.compile(r"(\d{4})K([1-4])")


class _Count(NamedTuple):
    quarter: tuple[int, int]
    tid: str
    citizens: int
    line: int | None


def apply_folk1a(municipalities: pd.DataFrame, folk1a: pd.DataFrame, file: str) -> pd.DataFrame:
    """The municipalities with `citizens` from a FOLK1A export (OMRÅDE;TID;INDHOLD), latest quarter each.

    Rows of other dimensions (KØN, ALDER, CIVILSTAND, …) count only where they are the totals;
    the whole country, regions, landsdele and Christiansø are ignored. `citizens_date` becomes the
    first day of the quarter, `citizens_source` names FOLK1A and the quarter.
    """
    table = folk1a.rename(columns=lambda c: str(c).strip().upper())
    missing = [c for c in _FOLK1A_COLUMNS if c not in table]
    if missing:
        raise ParamsError([
            Problem(file, c, "required column is missing (a FOLK1A export has OMRÅDE;TID;INDHOLD)",
                    line=folk1a.attrs.get(HEADER_LINE, 1))
            for c in missing
        ])
    counts, problems = _latest_counts(table, file)
    problems += _missing(file, "OMRÅDE", [code for code in municipalities["code"] if code not in counts])
    if problems:
        raise ParamsError(problems)
    latest = [counts[code] for code in municipalities["code"]]
    return municipalities.assign(
        citizens=pd.array([c.citizens for c in latest], dtype="int64"),
        citizens_date=_dates(pd.Series([date(c.quarter[0], 3 * c.quarter[1] - 2, 1) for c in latest],
                                        index=municipalities.index)),
        citizens_source=[f"Danmarks Statistik, FOLK1A {c.tid}" for c in latest],
        citizens_is_sample=False,
    )


def _latest_counts(table: pd.DataFrame, file: str) -> tuple[dict[int, _Count], list[Problem]]:
    dimensions = [c for c in table.columns if c not in _FOLK1A_COLUMNS]
    decimal = table.attrs.get("decimal", ",")
    counts: dict[int, _Count] = {}
    problems: list[Problem] = []
    for line, row in _records(table):
        if any(str(row[d] or "").lower() not in _TOTALS for d in dimensions):
            continue  # a breakdown (men, one age group, …), not the total
        code = _folk1a_code(row["OMRÅDE"] or "", file, line, problems)
        if code is None:
            continue
        quarter = _QUARTER.fullmatch(row["TID"] or "")
        if quarter is None:
            problems.append(Problem(file, "TID", "not a quarter like 2024K3", row["TID"], line))
            continue
        try:
            citizens = parse_integer(row["INDHOLD"] or "", decimal)
        except ValueError as exc:
            problems.append(Problem(file, "INDHOLD", str(exc), row["INDHOLD"], line))
            continue
        if citizens <= 0:
            problems.append(Problem(file, "INDHOLD", "citizens must be above 0", AsTyped(str(row["INDHOLD"])), line))
        count = _Count((int(quarter[1]), int(quarter[2])), quarter[0], citizens, line)
        if code in counts and counts[code].quarter == count.quarter:
            problems.append(Problem(
                file, "OMRÅDE", f"a second row for {BY_CODE[code][0]} in {count.tid} (first on line "
                f"{counts[code].line}); export only the totals (e.g. KØN: I alt, ALDER: Alder i alt)",
                row["OMRÅDE"], line))
        elif code not in counts or count.quarter > counts[code].quarter:
            counts[code] = count
    return counts, problems


def _folk1a_code(area: str, file: str, line: int | None, problems: list[Problem]) -> int | None:
    """A municipality's code from its name or code; None for anything else (a problem if unknown)."""
    if area.isdigit():
        code = int(area)
        if code in BY_CODE:
            return code
        if code >= 100 and code != 411:  # below 100: the country, regions, landsdele; 411: Christiansø
            problems.append(Problem(file, "OMRÅDE", "not a municipality code", area, line))
        return None
    found = code_for_name(area)
    if found is None and not _NOT_MUNICIPALITY.fullmatch(area.strip()):
        problems.append(Problem(file, "OMRÅDE", "not a municipality, region or the country", area, line))
    return found


# --- shared row validation -------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


class _Row(NamedTuple, Generic[M]):
    line: int | None
    model: M
    cells: dict[str, str | None]


def validate_rows(
    df: pd.DataFrame, file: str, model: type[M], kinds: dict[str, Kind]
) -> tuple[list[_Row[M]], list[Problem]]:
    """Each row's cells parsed by kind and validated by `model`; the good rows and every problem."""
    df, problems = _known_columns(df, file, model, kinds)
    missing_columns = {p.field for p in problems if p.message.startswith("required column")}
    decimal = df.attrs.get("decimal", ".")
    rows = []
    for line, cells in _records(df):
        values: dict[str, Any] = {}
        reported = set(missing_columns)
        for column, text in cells.items():
            if text is None:
                continue
            parse = _PARSERS.get(kinds[column])
            try:
                values[column] = parse(text, decimal) if parse else text
            except ValueError as exc:
                problems.append(Problem(file, column, str(exc), text, line))
                reported.add(column)
            else:
                cells[column] = shown_as_typed(text, kinds[column])
        try:
            rows.append(_Row(line, model.model_validate(values), cells))
        except ValidationError as exc:
            found = _row_problems(exc, file, line, cells, set(model.model_fields))
            problems += [p for p in found if p.field not in reported]
    return rows, problems


def shown_as_typed(text: str, kind: str) -> str:
    """A cell that was read without fault, as a problem shows it: a number bare as the user typed it
    (`(got 6)`, `(got 1.200.000)`), anything else quoted (`(got 'åben')`)."""
    return AsTyped(text) if kind in ("number", "integer") else text


def _known_columns(
    df: pd.DataFrame, file: str, model: type[BaseModel], kinds: dict[str, Kind]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Columns matched case-insensitively; unknown ones and missing required ones are problems."""
    renamed = df.rename(columns=lambda c: str(c).strip().lower())
    header = df.attrs.get(HEADER_LINE, 1)
    problems = [
        Problem(file, str(c), f"unknown column (misspelt?); known columns: {', '.join(kinds)}", line=header)
        for c in df.columns if str(c).strip().lower() not in kinds
    ]
    problems += [
        Problem(file, str(name), "duplicate column", line=header)
        for name in renamed.columns[renamed.columns.duplicated()].unique()
    ]
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    problems += [
        Problem(file, c, "required column is missing", line=header) for c in required if c not in renamed
    ]
    renamed = renamed.loc[:, ~renamed.columns.duplicated()]
    return renamed[[c for c in renamed.columns if c in kinds]], problems


def _row_problems(
    exc: ValidationError, file: str, line: int | None, cells: dict[str, str | None], fields: set[str]
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        message = pydantic_message(err)
        field = str(err["loc"][0]) if err["loc"] else "-"
        value = cells.get(field)
        if not err["loc"]:  # a check across columns: its message starts with the column it is about
            first, _, rest = message.partition(" ")
            if first in fields and rest:
                field, message, value = first, rest, cells.get(first)
                if "(got " in message:  # it already shows what it compared, e.g. (got 300,000 > 150,000)
                    value = None
        if err["type"] == "missing":
            problems.append(Problem(file, field, "required, but the cell is blank", line=line))
        else:
            problems.append(Problem(file, field, message, value, line))
    return problems


def _cells(df: pd.DataFrame, column: str) -> list[tuple[int | None, str | None]]:
    """(line, cell) of one column, matched case-insensitively; empty if the column is not there."""
    renamed = df.rename(columns=lambda c: str(c).strip().lower())
    renamed = renamed.loc[:, ~renamed.columns.duplicated()]
    return [(line, cells[column]) for line, cells in _records(renamed)] if column in renamed else []


def repeats(keys: list[tuple[int | None, Any]], label: str) -> list[tuple[int, str]]:
    """(position, message) for every repeat of a key, naming the line (or item) where it first was."""
    first: dict[Any, tuple[int, int | None]] = {}
    found = []
    for position, (line, key) in enumerate(keys):
        if key in first:
            where = f"line {first[key][1]}" if first[key][1] is not None else f"item {first[key][0]}"
            found.append((position, f"duplicate {label} (also on {where})"))
        else:
            first[key] = (position, line)
    return found


def _dates(values: pd.Series) -> pd.Series:
    """Dates (ISO text or `date`, None where blank) as one datetime64 unit whatever their source."""
    return pd.to_datetime(values).astype("datetime64[ns]")


def _records(df: pd.DataFrame) -> list[tuple[int | None, dict[str, str | None]]]:
    """Each row's source line (None for a frame not read from a file) and its cells by column.

    Records, not iterrows: a row Series would turn the blank cells' None into NaN.
    """
    return [
        (int(label) if isinstance(label, Integral) else None, {str(k): v for k, v in record.items()})
        for label, record in zip(df.index, df.to_dict("records"), strict=True)
    ]
