"""Validate the KPI inputs (as read by `tables_io`) into tidy, typed DataFrames.

Like `registers.py`, every function collects all problems in a table and raises one ParamsError
naming the file, the row's line, the column and the value. No file is read here.

**operations** (one row per month and figure; a new month is appended at the bottom):

| column | meaning |
|---|---|
| month | the month, `YYYY-MM` (a date counts as its month, as Excel may turn 2024-03 into one) |
| measure | `availability_pct` (0–100) or `downtime_minutes` (all minutes down, instead of the percent); |
|  | `response_median_ms`, `response_p95_ms`; `support_requests`; `errors` |
| channel | `borger` or `medarbejder`, for `support_requests` only |
| category | the support category (free text), for `support_requests` only |
| severity | `kritisk`, `høj`, `middel` or `lav`, for `errors` only |
| value | the figure |
| sample, source | optional: true for sample data, and where the figures come from |

Every month from the first to the last needs one availability figure (percent or minutes down).

**adoption** (the monthly extract: one row per month and municipality):
`month, code, name (optional), wave, planned_go_live, actual_go_live (blank: not live), staff_with_access,
active_citizens, sample, source`. The wave and dates are as the month's extract reports them, so a later
extract may replan a municipality; `actual_go_live` cannot lie after the end of its row's month.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs.municipalities import BY_CODE, code_for_name

# The row validation of the registers is reused so that both speak with the same one-line problems.
from kpro_econ.inputs.registers import Kind, repeats, validate_rows
from kpro_econ.inputs.tables import parse_date
from kpro_econ.kpi.measures import CHANNELS, SEVERITIES, minutes_in_month

AVAILABILITY_MEASURES = ("availability_pct", "downtime_minutes")
MEASURES = (*AVAILABILITY_MEASURES, "response_median_ms", "response_p95_ms", "support_requests", "errors")

Measure = Literal["availability_pct", "downtime_minutes", "response_median_ms", "response_p95_ms",
                  "support_requests", "errors"]

OPERATIONS_KINDS: dict[str, Kind] = {
    "month": "text", "measure": "text", "channel": "text", "category": "text", "severity": "text",
    "value": "number", "sample": "bool", "source": "text",
}
OPERATIONS_COLUMNS = list(OPERATIONS_KINDS)

ADOPTION_KINDS: dict[str, Kind] = {
    "month": "text", "code": "integer", "name": "text", "wave": "integer", "planned_go_live": "date",
    "actual_go_live": "date", "staff_with_access": "integer", "active_citizens": "integer",
    "sample": "bool", "source": "text",
}
ADOPTION_COLUMNS = list(ADOPTION_KINDS)

_ALIASES = {
    "citizen": "borger", "borgere": "borger", "staff": "medarbejder", "medarbejdere": "medarbejder",
    "critical": "kritisk", "high": "høj", "hoej": "høj", "medium": "middel", "low": "lav",
}
_DIMENSIONS = {"support_requests": ("channel", "category"), "errors": ("severity",)}
_YEAR_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-./](\d{4})")


def parse_month(text: str) -> date:
    """The first day of a month written `YYYY-MM`, `MM-YYYY` or as any date in it."""
    found = _YEAR_MONTH.fullmatch(text) or _MONTH_YEAR.fullmatch(text)
    if found is None:
        try:
            return parse_date(text).replace(day=1)
        except ValueError:
            raise ValueError("not a month (write YYYY-MM, e.g. 2024-03)") from None
    first, second = (int(g) for g in found.groups())
    year, month = (first, second) if found.re is _YEAR_MONTH else (second, first)
    if not 1 <= month <= 12:
        raise ValueError(f"not a month (month {month} is not 1–12)")
    return date(year, month, 1)


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _choice(value: Any, allowed: Sequence[str]) -> Any:
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    word = _ALIASES.get(word, word)
    if word not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return word


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    month: date = Field(description="The month the row reports (first day).")
    sample: bool = Field(False, description="True when the row is sample data.")
    source: str | None = Field(None, description="Where the figures come from.")

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> Any:
        return parse_month(value) if isinstance(value, str) else value


class OperationsRow(_Row):
    """One figure of one month's operations."""

    measure: Measure = Field(description="What the value measures; see the module docstring.")
    channel: str | None = Field(None, description="borger or medarbejder (support requests).")
    category: str | None = Field(None, description="Support category (support requests).")
    severity: str | None = Field(None, description="kritisk, høj, middel or lav (errors).")
    value: float = Field(allow_inf_nan=False, description="The figure.")

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, value: Any) -> Any:
        return _choice(value, MEASURES)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> Any:
        return _choice(value, CHANNELS)

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        return _choice(value, SEVERITIES)

    @model_validator(mode="after")
    def _consistent(self) -> OperationsRow:
        # Each message starts with the column it is about: the problem names that column and shows its cell.
        needed = _DIMENSIONS.get(self.measure, ())
        for column in ("channel", "category", "severity"):
            given = getattr(self, column) is not None
            if column in needed and not given:
                raise ValueError(f"{column} is required for {self.measure}")
            if given and column not in needed:
                raise ValueError(f"{column} must be blank for {self.measure}")
        value, measure = self.value, self.measure
        if measure == "availability_pct" and not 0 <= value <= 100:
            raise ValueError(f"value must be a percentage between 0 and 100 for {measure}")
        if measure == "downtime_minutes" and not 0 <= value <= minutes_in_month(self.month):
            minutes = minutes_in_month(self.month)
            raise ValueError(f"value must be between 0 and the month's {minutes} minutes for {measure}")
        if measure.startswith("response") and value <= 0:
            raise ValueError(f"value must be above 0 ms for {measure}")
        if measure in _DIMENSIONS and (value < 0 or not value.is_integer()):
            raise ValueError(f"value must be a whole number, 0 or more, for {measure}")
        return self


class AdoptionRow(_Row):
    """One municipality in one month's adoption extract."""

    code: int = Field(description="Official municipality code (kommunekode).")
    name: str | None = Field(None, description="Municipality name, checked against the code.")
    wave: int = Field(ge=1, le=5, description="Implementation wave (bølge) 1–5.")
    planned_go_live: date = Field(description="Planned go-live date.")
    actual_go_live: date | None = Field(None, description="Actual go-live date; blank while not live.")
    staff_with_access: int = Field(ge=0, description="Staff with access to the solution.")
    active_citizens: int = Field(ge=0, description="Citizens who used the solution in the month.")

    @field_validator("code")
    @classmethod
    def _code(cls, code: int) -> int:
        if code not in BY_CODE:
            hint = " (Christiansø is not a municipality)" if code == 411 else ""
            raise ValueError(f"not a Danish municipality code{hint}")
        return code

    @model_validator(mode="after")
    def _consistent(self) -> AdoptionRow:
        if self.name is not None and code_for_name(self.name) != self.code:
            raise ValueError(f"name does not match code {self.code} ({BY_CODE[self.code][0]})")
        if self.actual_go_live is not None and self.actual_go_live > _month_end(self.month):
            raise ValueError(f"actual_go_live is after the month this row reports ({self.month:%Y-%m}); "
                             "an extract cannot report a later go-live")
        return self


def operations(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The operations table in OPERATIONS_COLUMNS, sorted by month (file order within a month).

    `month` is datetime64 (first of the month), `value` float; blank dimensions are missing values.
    """
    rows, problems = validate_rows(df, file, OperationsRow, OPERATIONS_KINDS)
    keys = [(row.line, (row.model.month, _availability_or(row.model.measure), row.model.channel,
                        row.model.category, row.model.severity)) for row in rows]
    problems += [
        Problem(file, "month", message, rows[i].cells.get("month"), rows[i].line)
        for i, message in repeats(keys, "row for this month and measure")
    ]
    if not problems:  # on a table with bad rows these would only repeat them as missing figures
        problems += _month_gaps([row.model.month for row in rows], file)
        problems += _monthly_figures([(row.line, row.model, row.cells) for row in rows], file)
    if problems:
        raise ParamsError(problems)
    records = [row.model.model_dump() for row in rows]
    frame = pd.DataFrame(records, columns=OPERATIONS_COLUMNS)
    frame = frame.assign(month=_dates(frame["month"]), value=frame["value"].astype("float64"),
                         sample=frame["sample"].astype("bool"))
    return frame.sort_values("month", kind="stable", ignore_index=True)


def _dates(values: pd.Series) -> pd.Series:
    """One datetime64 unit whatever the source, as the registers use, so frames merge and compare."""
    return pd.to_datetime(values).astype("datetime64[ns]")


def _availability_or(measure: str) -> str:
    # Percent and minutes down are two ways of giving the one availability figure of a month.
    return "availability" if measure in AVAILABILITY_MEASURES else measure


_Figure = tuple[int | None, OperationsRow, Mapping[str, Any]]


def _monthly_figures(rows: list[_Figure], file: str) -> list[Problem]:
    """Each month has an availability figure; its 95th percentile is not below its median."""
    problems = []
    by_month: dict[date, dict[str, _Figure]] = {}
    first_line: dict[date, int | None] = {}
    for line, row, cells in rows:
        by_month.setdefault(row.month, {})[row.measure] = (line, row, cells)
        first_line.setdefault(row.month, line)
    for month, figures in sorted(by_month.items()):
        if not figures.keys() & set(AVAILABILITY_MEASURES):
            problems.append(Problem(file, "measure", f"{month:%Y-%m} has no availability figure "
                                    "(a row with availability_pct or downtime_minutes)", line=first_line[month]))
        median, p95 = figures.get("response_median_ms"), figures.get("response_p95_ms")
        if median and p95 and p95[1].value < median[1].value:
            message = f"response_p95_ms is below response_median_ms of {month:%Y-%m} ({median[1].value:g})"
            problems.append(Problem(file, "value", message, p95[2].get("value"), p95[0]))
    return problems


def _month_gaps(months: Iterable[date], file: str) -> list[Problem]:
    present = set(months)
    if not present:
        return [Problem(file, "month", "the table has no rows")]
    first, last = min(present), max(present)
    expected = pd.period_range(first, last, freq="M")
    return [
        Problem(file, "month", f"no rows for {period} (the months run from {first:%Y-%m} to {last:%Y-%m})")
        for period in expected if period.to_timestamp().date() not in present
    ]


def adoption(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The adoption extract in ADOPTION_COLUMNS, sorted by month and code.

    `month` and the go-live dates are datetime64 (NaT while not live); `code`, `wave`, the counts int64;
    `name` is the official name.
    """
    rows, problems = validate_rows(df, file, AdoptionRow, ADOPTION_KINDS)
    problems += [
        Problem(file, "code", message, rows[i].cells.get("code"), rows[i].line)
        for i, message in repeats([(row.line, (row.model.month, row.model.code)) for row in rows],
                                   "municipality in this month")
    ]
    if not problems:
        problems += _month_gaps([row.model.month for row in rows], file)
    if problems:
        raise ParamsError(problems)
    records = [row.model.model_dump() | {"name": BY_CODE[row.model.code][0]} for row in rows]
    frame = pd.DataFrame(records, columns=ADOPTION_COLUMNS)
    dates = {c: _dates(frame[c]) for c in ("month", "planned_go_live", "actual_go_live")}
    types = {"code": "int64", "wave": "int64", "staff_with_access": "int64", "active_citizens": "int64",
             "sample": "bool"}
    return frame.astype(types).assign(**dates).sort_values(["month", "code"], ignore_index=True)
