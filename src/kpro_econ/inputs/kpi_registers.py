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

import re
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from kpro_econ.errors import Problem
from kpro_econ.inputs.municipalities import BY_CODE, code_for_name, not_a_municipality_code
from kpro_econ.inputs.rows import BLANK, Column, Register, Rows, check_table
from kpro_econ.inputs.tables import parse_date
from kpro_econ.kpi.measures import CHANNELS, SEVERITIES

AVAILABILITY_MEASURES = ("availability_pct", "downtime_minutes")
MEASURES = (*AVAILABILITY_MEASURES, "response_median_ms", "response_p95_ms", "support_requests", "errors")

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
            raise ValueError("ikke en måned (skriv ÅÅÅÅ-MM, fx 2024-03, eller MM-ÅÅÅÅ)") from None
    first, second = (int(g) for g in found.groups())
    year, month = (first, second) if found.re is _YEAR_MONTH else (second, first)
    if not 1 <= month <= 12:
        raise ValueError(f"ikke en måned (måned {month} er ikke 1–12)")
    return date(year, month, 1)


_MONTH = Column("month", "date", required=True, parse=parse_month)  # the month the row reports
_SAMPLE = Column("sample", "bool", default=False)  # true when the row is sample data
_SOURCE = Column("source")  # where the figures come from

OPERATIONS = Register((
    _MONTH,
    Column("measure", required=True, choices=MEASURES),
    Column("channel", choices=CHANNELS, aliases=_ALIASES),  # support requests
    Column("category"),  # support requests
    Column("severity", choices=SEVERITIES, aliases=_ALIASES),  # errors
    Column("value", "number", required=True),
    _SAMPLE,
    _SOURCE,
))
OPERATIONS_COLUMNS = OPERATIONS.names

ADOPTION = Register((
    _MONTH,
    Column("code", "integer", required=True),  # official municipality code (kommunekode)
    Column("name"),  # checked against the code
    Column("wave", "integer", required=True, minimum=1, maximum=5),  # implementation wave (bølge)
    Column("planned_go_live", "date", required=True),
    Column("actual_go_live", "date"),  # blank while not live
    Column("staff_with_access", "integer", required=True, minimum=0),
    Column("active_citizens", "integer", required=True, minimum=0),  # citizens who used it in the month
    _SAMPLE,
    _SOURCE,
))
ADOPTION_COLUMNS = ADOPTION.names


def operations(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The operations table in OPERATIONS_COLUMNS, sorted by month (file order within a month).

    `month` is datetime64 (first of the month), `value` float; blank dimensions are missing values.
    """
    rows = check_table(df, file, OPERATIONS)
    frame = rows.frame
    measure, value = frame["measure"], frame["value"]
    for column in ("channel", "category", "severity"):
        needed = measure.isin([m for m, columns in _DIMENSIONS.items() if column in columns]).to_numpy()
        given = frame[column].notna().to_numpy()
        rows.fail(needed & ~given, column, lambda i: f"{BLANK} (påkrævet for {measure.iat[i]})", show=False,
                  needs=["measure"])
        rows.fail(given & ~needed, column, lambda i: f"skal være tom for {measure.iat[i]}", needs=["measure"])
    minutes = (frame["month"].dt.days_in_month * 24 * 60).to_numpy(dtype="float64", na_value=np.nan)
    # Each value check is about one measure, so a value fails at most one.
    rows.fail((measure == "availability_pct") & ~value.between(0, 100), "value",
              "skal være en procent mellem 0 og 100 for availability_pct", needs=["measure"])
    rows.fail((measure == "downtime_minutes") & ~((value >= 0) & (value <= minutes)), "value",
              lambda i: f"skal være mellem 0 og månedens {int(minutes[i])} minutter for downtime_minutes",
              needs=["measure", "month"])
    rows.fail(measure.str.startswith("response", na=False) & (value <= 0), "value",
              lambda i: f"skal være større end 0 ms for {measure.iat[i]}", needs=["measure"])
    rows.fail(measure.isin(list(_DIMENSIONS)) & ((value < 0) | (value != np.floor(value))), "value",
              lambda i: f"skal være et helt tal, 0 eller mere, for {measure.iat[i]}", needs=["measure"])
    keys = frame.assign(measure=measure.map(_availability_or))[["month", "measure", "channel", "category",
                                                                "severity"]]
    rows.repeats(list(keys.columns), "måned og måling", keys=keys)
    if not rows.problems():  # on a table with bad rows these would only repeat them as missing figures
        for problem in [*_month_gaps(frame["month"], file), *_monthly_figures(rows)]:
            rows.add(problem)
    rows.raise_problems()
    return frame.sort_values("month", kind="stable", ignore_index=True)


def _availability_or(measure: str | None) -> str | None:
    # Percent and minutes down are two ways of giving the one availability figure of a month.
    return "availability" if measure in AVAILABILITY_MEASURES else measure


def _monthly_figures(rows: Rows) -> list[Problem]:
    """Each month has an availability figure; its 95th percentile is not below its median."""
    frame, file = rows.frame, rows.where.file
    problems = []
    for _, figures in frame.groupby("month", sort=True):
        month = pd.Timestamp(figures["month"].iloc[0])
        positions = figures.index.to_list()
        measures = dict(zip(figures["measure"], positions, strict=True))
        if not measures.keys() & set(AVAILABILITY_MEASURES):
            message = f"{month:%Y-%m} mangler et tal for oppetid (en række med availability_pct eller downtime_minutes)"
            problems.append(Problem(file, "measure", message, line=rows.lines[positions[0]]))
        median, p95 = measures.get("response_median_ms"), measures.get("response_p95_ms")
        values = figures["value"].to_numpy(dtype="float64")
        if median is not None and p95 is not None and values[positions.index(p95)] < values[positions.index(median)]:
            message = (f"response_p95_ms er mindre end response_median_ms for {month:%Y-%m} "
                       f"({values[positions.index(median)]:g})")
            problems.append(Problem(file, "value", message, rows.shown("value", p95), rows.lines[p95]))
    return problems


def _month_gaps(months: Iterable[pd.Timestamp], file: str) -> list[Problem]:
    present = {pd.Timestamp(month).date() for month in months}
    if not present:
        return [Problem(file, "month", "tabellen har ingen rækker")]
    first, last = min(present), max(present)
    expected = pd.period_range(first, last, freq="M")
    return [
        Problem(file, "month", f"ingen rækker for {period} (månederne går fra {first:%Y-%m} til {last:%Y-%m})")
        for period in expected if period.to_timestamp().date() not in present
    ]


def adoption(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The adoption extract in ADOPTION_COLUMNS, sorted by month and code.

    `month` and the go-live dates are datetime64 (NaT while not live); `code`, `wave`, the counts int64;
    `name` is the official name.
    """
    rows = check_table(df, file, ADOPTION)
    frame = rows.frame
    codes = frame["code"].to_numpy(dtype="float64", na_value=np.nan)
    known = np.isin(codes, list(BY_CODE))
    rows.fail(~known, "code", lambda i: not_a_municipality_code(codes[i]))
    official = pd.Series([BY_CODE[int(c)][0] if k else "" for c, k in zip(codes, known, strict=True)],
                         index=frame.index, dtype=object)
    named = frame["name"].map(lambda n: code_for_name(str(n)), na_action="ignore").astype("float64")
    rows.fail(known & frame["name"].notna().to_numpy() & (named.to_numpy() != codes), "name",
              lambda i: f"passer ikke til koden {int(codes[i])} ({official.iat[i]})", needs=["code"])
    month, month_end = frame["month"], frame["month"] + pd.offsets.MonthEnd(0)
    rows.fail(frame["actual_go_live"] > month_end, "actual_go_live",
              lambda i: f"ligger efter den måned, rækken gælder ({month.iat[i]:%Y-%m}); "
                        "et udtræk kan ikke melde en senere idriftsættelse", needs=["month"])
    rows.repeats(["month", "code"], "kommune og måned", field="code")
    if not rows.problems():
        for problem in _month_gaps(frame["month"], file):
            rows.add(problem)
    rows.raise_problems()
    types = {"code": "int64", "wave": "int64", "staff_with_access": "int64", "active_citizens": "int64"}
    result = frame.assign(name=official.infer_objects()).astype(types)
    return result.sort_values(["month", "code"], ignore_index=True)
