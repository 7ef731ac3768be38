"""The change-request register and the municipality list, read through the row engine (`rows.py`).

Every function collects all problems in a register and raises one ParamsError naming the file,
the row's line, the column and the value. No file is read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from numbers import Integral
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kpro_econ.errors import AsTyped, ParamsError, Problem, suggestion
from kpro_econ.inputs.municipalities import BY_CODE, REGIONS, code_for_name, not_a_municipality_code, region_for
from kpro_econ.inputs.rows import (
    BLANK,
    MISSING_COLUMN,
    NOT_ONE_OF,
    Column,
    Register,
    Rows,
    check_items,
    check_table,
    plain_number,
)
from kpro_econ.inputs.tables import HEADER_LINE, parse_integer
from kpro_econ.params.codes import CHANGE_REQUEST_STATUS_WORDS, ChangeRequestStatus, Priority, status_code
from kpro_econ.params.figures import MAX_KRONER
from kpro_econ.params.models import ChangeRequest

_DATES = ("requested_date", "approved_date", "delivered_date")

CHANGE_REQUESTS = Register((
    Column("id", required=True),
    Column("title", required=True),
    Column("status", required=True, choices=tuple(status.value for status in ChangeRequestStatus),
           parse=lambda text: str(status_code(text, ChangeRequestStatus, CHANGE_REQUEST_STATUS_WORDS))),
    Column("priority", required=True, choices=tuple(Priority)),
    Column("estimate_low", "number", required=True, minimum=0, maximum=MAX_KRONER),
    Column("estimate_mode", "number", required=True, minimum=0, maximum=MAX_KRONER),
    Column("estimate_high", "number", required=True, minimum=0, maximum=MAX_KRONER),
    Column("year", "integer", required=True),
    Column("approval_probability", "number", minimum=0, maximum=1, share=True),
    Column("actual_cost", "number", minimum=0, maximum=MAX_KRONER),
    *(Column(name, "date") for name in _DATES),
    Column("source"),
    Column("due_date", "date"),  # optional: when the request is to be delivered and invoiced (phasing)
))
"""The change-request register (ÆØ): one row per request, as `params.models.ChangeRequest` describes it."""
CHANGE_REQUEST_COLUMNS = CHANGE_REQUESTS.names


def _region(text: str) -> str:
    region = region_for(text)
    if region is None:
        raise ValueError(NOT_ONE_OF.format(choices=", ".join(REGIONS)) + suggestion(text, REGIONS))
    return region


MUNICIPALITIES = Register((
    Column("code", "integer", required=True),  # official three-digit municipality code (kommunekode)
    Column("name", required=True),  # as Statistics Denmark writes it, e.g. København
    Column("region", required=True, parse=_region),  # Region Hovedstaden, …; "Nordjylland" will do
    Column("citizens", "integer", required=True, above=0),
    Column("citizens_date", "date"),  # date of the count
    Column("citizens_source"),  # where the count comes from
    Column("citizens_is_sample", "bool", required=True),  # sample data, not an official count
    Column("wave", "integer", minimum=1, maximum=5),  # implementation wave (bølge); blank if none
    Column("go_live_date", "date"),  # blank if not yet live
))
"""The municipality reference file: the 98 municipalities, checked against the official list."""
MUNICIPALITY_COLUMNS = MUNICIPALITIES.names
_LIST_MISSING_UP_TO = 5


# --- change requests -------------------------------------------------------------------------

def change_requests(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The change-request register (ÆØ) in CHANGE_REQUEST_COLUMNS, one row per request.

    Floats with NaN where blank, `year` as int, the dates as datetime64 (NaT where blank).
    """
    rows = check_table(df, file, CHANGE_REQUESTS)
    return _change_request_frame(rows)


def change_requests_from_items(items: Sequence[ChangeRequest], file: str) -> pd.DataFrame:
    """The inline register (`change_requests.items` in the params) as the same DataFrame."""
    records = [item.model_dump() for item in items]
    return _change_request_frame(check_items(records, file, CHANGE_REQUESTS, "change_requests.items.{}."))


def _change_request_frame(rows: Rows) -> pd.DataFrame:
    frame = rows.frame
    low, mode, high = frame["estimate_low"], frame["estimate_mode"], frame["estimate_high"]
    rows.fail(low > mode, "estimate_low", _in_order(low, "estimate_mode", mode), show=False, needs=["estimate_mode"])
    rows.fail(mode > high, "estimate_mode", _in_order(mode, "estimate_high", high), show=False,
              needs=["estimate_high"])
    rows.fail((frame["status"] == ChangeRequestStatus.PROPOSED) & frame["approval_probability"].isna(),
              "approval_probability", f"{BLANK} (påkrævet for et foreslået ændringsønske, status proposed)",
              show=False, needs=["status"])
    rows.repeats(["id"], "id")
    rows.raise_problems()
    register = frame.astype({"year": "int64"})
    problems = date_order_problems(register, rows.where.file, rows.lines)
    if problems:
        raise ParamsError(problems)
    return register


def _in_order(low: pd.Series, second: str, high: pd.Series) -> Callable[[int], str]:
    """`må ikke være større end estimate_mode (300.000 > 150.000)` for the row at a position."""
    lows, highs = low.to_numpy(dtype="float64"), high.to_numpy(dtype="float64")
    return lambda i: f"må ikke være større end {second} ({plain_number(lows[i])} > {plain_number(highs[i])})"



def date_order_problems(register: pd.DataFrame, file: str, lines: Sequence[Any] | None = None) -> list[Problem]:
    """A request approved before it was requested, or delivered before it was approved (or requested).

    `register` is the validated change-request register (`registers.change_requests`); `lines` are the
    source lines of its rows in order (the index of the frame `tables_io.read_table` returned).
    """
    requested, approved, delivered = (pd.to_datetime(register[c]).reset_index(drop=True) for c in _DATES)
    # Delivery is checked against the approval, or the request where there is no approval date.
    earlier = approved.fillna(requested)
    found: list[tuple[int, int, Problem]] = []
    for position in np.flatnonzero((approved < requested).to_numpy()).tolist():
        message = f"ligger før requested_date ({requested[position]:%Y-%m-%d})"
        value = f"{approved[position]:%Y-%m-%d}"
        found.append((position, 0, Problem(file, "approved_date", message, value, _line(lines, position))))
    for position in np.flatnonzero((delivered < earlier).to_numpy()).tolist():
        name = "approved_date" if pd.notna(approved[position]) else "requested_date"
        message = f"ligger før {name} ({earlier[position]:%Y-%m-%d})"
        value = f"{delivered[position]:%Y-%m-%d}"
        found.append((position, 1, Problem(file, "delivered_date", message, value, _line(lines, position))))
    return [problem for _, _, problem in sorted(found, key=lambda f: f[:2])]


def _line(lines: Sequence[Any] | None, position: int) -> int | None:
    label = lines[position] if lines is not None else None
    return int(label) if isinstance(label, Integral) else None


# --- municipalities --------------------------------------------------------------------------

def municipalities(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The 98 municipalities in MUNICIPALITY_COLUMNS, sorted by code, checked against the official list.

    `code`, `citizens` int; `wave` nullable Int64; `citizens_is_sample` bool; the dates datetime64.
    """
    rows = check_table(df, file, MUNICIPALITIES)
    frame = rows.frame
    codes = frame["code"].to_numpy(dtype="float64", na_value=np.nan)
    known = np.isin(codes, list(BY_CODE))
    rows.fail(~known, "code", lambda i: not_a_municipality_code(codes[i]))
    official = [BY_CODE[int(c)] if k else ("", "") for c, k in zip(codes, known, strict=True)]
    names = pd.Series([name for name, _ in official], index=frame.index, dtype=object)
    regions = pd.Series([region for _, region in official], index=frame.index, dtype=object)
    named = frame["name"].map(lambda n: code_for_name(str(n)), na_action="ignore").astype("float64")
    rows.fail(known & (named.to_numpy() != codes), "name",
              lambda i: f"passer ikke til koden {int(codes[i])} ({names.iat[i]})", needs=["code"])
    rows.fail(known & (frame["region"] != regions).to_numpy(), "region",
              lambda i: f"{names.iat[i]} ({int(codes[i])}) ligger i {regions.iat[i]}", needs=["code"])
    rows.repeats(["code"], "kommune")
    seen = set(frame.loc[rows.usable("code") & frame["code"].notna().to_numpy(), "code"].astype(int))
    for problem in _missing(file, "code", [code for code in BY_CODE if code not in seen]):
        rows.add(problem)
    rows.raise_problems()
    result = frame.assign(name=names.infer_objects()).sort_values("code", ignore_index=True)
    types = {"code": "int64", "citizens": "int64", "wave": "Int64", "citizens_is_sample": "bool"}
    return result.astype(types)



def _missing(file: str, field: str, codes: list[int]) -> list[Problem]:
    """One problem per missing municipality; one for all when so many are missing that the file is wrong."""
    names = [f"{code} {BY_CODE[code][0]}" for code in codes]
    if len(names) <= _LIST_MISSING_UP_TO:
        return [Problem(file, field, f"kommunen mangler: {name}") for name in names]
    return [Problem(file, field, f"{len(names)} kommuner mangler: {', '.join(names[:3])}, …")]


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
            Problem(file, c, f"{MISSING_COLUMN} (et FOLK1A-udtræk har OMRÅDE;TID;INDHOLD)",
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
            problems.append(Problem(file, "TID", "ikke et kvartal som 2024K3", row["TID"], line))
            continue
        try:
            citizens = parse_integer(row["INDHOLD"] or "", decimal)
        except ValueError as exc:
            problems.append(Problem(file, "INDHOLD", str(exc), row["INDHOLD"], line))
            continue
        if citizens <= 0:
            message = "antallet af borgere skal være større end 0"
            problems.append(Problem(file, "INDHOLD", message, AsTyped(str(row["INDHOLD"])), line))
        count = _Count((int(quarter[1]), int(quarter[2])), quarter[0], citizens, line)
        if code in counts and counts[code].quarter == count.quarter:
            problems.append(Problem(
                file, "OMRÅDE", f"en række mere for {BY_CODE[code][0]} i {count.tid} (den første på linje "
                f"{counts[code].line}); udtræk kun totalerne (fx KØN: I alt, ALDER: Alder i alt)",
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
            problems.append(Problem(file, "OMRÅDE", "ikke en kommunekode", area, line))
        return None
    found = code_for_name(area)
    if found is None and not _NOT_MUNICIPALITY.fullmatch(area.strip()):
        problems.append(Problem(file, "OMRÅDE", "hverken en kommune, en region eller hele landet", area, line))
    return found


# --- helpers ---------------------------------------------------------------------------------

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
