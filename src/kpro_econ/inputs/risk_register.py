"""Validate the risk register (CSV/XLSX as read by `tables_io`, or inline in the params).

Every problem in the register is collected and raised at once as a ParamsError whose problems name
the file, the row's line, the column and the value. No file is read here; scores, bands, the pool
and the trend are in `risk.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from numbers import Integral
from typing import Any, Literal, get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs.registers import shown_as_typed
from kpro_econ.inputs.tables import HEADER_LINE, parse_date, parse_integer, parse_number
from kpro_econ.params.codes import RiskStatus
from kpro_econ.risk.columns import RISK_COLUMNS, RISK_KINDS, ColumnKind

Category = Literal[
    "drift", "økonomi", "leverance", "implementering", "support", "kontrakt", "organisation", "sikkerhed",
    "data",
]
CATEGORIES: tuple[str, ...] = get_args(Category)


# Columns the output table adds (risk.py): a previous run's table is accepted as a register again.
DERIVED_COLUMNS = frozenset({
    "score_inherent", "score_residual", "band_inherent", "band_residual", "probability_resolved",
    "cost_mean", "expected_value_dkk", "in_pool", "trend",
    "trigger", "booked_in",  # the KPI rule a risk is tied to and the cost line of an occurred one (issue 11)
})

_PARSERS: dict[ColumnKind, Callable[[str, str], Any]] = {
    "number": parse_number,
    "integer": parse_integer,
    "date": lambda text, _: parse_date(text),
}


class Risk(BaseModel):
    """One row of the risk register; amounts in kroner at the model's price level (faste priser)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="Unique id, e.g. R01.")
    title: str = Field(min_length=1, description="Short Danish title.")
    description: str | None = Field(None, description="What could happen.")
    category: Category = Field(description=f"One of: {', '.join(CATEGORIES)}.")
    owner: str | None = Field(None, description="Role that owns the risk; required while it is open.")
    cause: str | None = Field(None, description="Why it could happen.")
    consequence: str | None = Field(None, description="What it would mean.")
    likelihood_inherent: int = Field(ge=1, le=5, description="Likelihood 1–5 before mitigation.")
    impact_inherent: int = Field(ge=1, le=5, description="Impact 1–5 before mitigation.")
    likelihood_residual: int = Field(ge=1, le=5, description="Likelihood 1–5 after mitigation.")
    impact_residual: int = Field(ge=1, le=5, description="Impact 1–5 after mitigation.")
    mitigation: str | None = Field(None, description="What is done to reduce the risk.")
    mitigation_cost: float = Field(
        0.0, ge=0, allow_inf_nan=False, description="Cost of the mitigation, kroner; blank is 0."
    )
    status: RiskStatus = Field(description="open, closed or occurred.")
    proximity: int | None = Field(None, ge=2000, le=2100, description="Budget year the risk may occur in.")
    probability: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False,
        description="Probability 0–1 of the residual risk; blank: from the residual likelihood.",
    )
    cost_low: float | None = Field(None, ge=0, allow_inf_nan=False, description="Lowest cost if it occurs.")
    cost_mode: float | None = Field(None, ge=0, allow_inf_nan=False, description="Most likely cost.")
    cost_high: float | None = Field(None, ge=0, allow_inf_nan=False, description="Highest cost if it occurs.")
    cost_line: str | None = Field(None, description="The cost line the risk threatens (free text).")
    last_reviewed: date = Field(description="Date the risk was last reviewed (YYYY-MM-DD).")
    source: str | None = Field(None, description="Where the risk comes from, e.g. Referat 23.6.2023, pkt. 4.")
    estimate_source: str | None = Field(None, description="Where the probability and costs come from.")

    @field_validator("category", "status", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


def risk_register(df: pd.DataFrame, file: str, years: Sequence[int] | None = None) -> pd.DataFrame:
    """The register from `tables_io.read_table` (strings, source line in the index) as a typed frame.

    Columns RISK_COLUMNS; see `_frame` for the types. With `years`, an open or occurred risk's
    proximity must be one of them (the pool and the mitigation line are placed in that year).
    """
    frame, problems = _known_columns(df, file)
    missing_columns = {p.field for p in problems if p.message == _MISSING_COLUMN}
    decimal = str(df.attrs.get("decimal", "."))
    rows: list[tuple[_Row, Risk]] = []
    for label, cells in frame.iterrows():
        line = int(label) if isinstance(label, Integral) else None
        values: dict[str, Any] = {}
        shown: dict[str, Any] = {}
        reported = set(missing_columns)  # each row would repeat the header's problem
        for column, text in cells.items():
            if text is None or pd.isna(text):
                continue
            column, text = str(column), str(text)
            parse = _PARSERS.get(RISK_KINDS[column])
            try:
                values[column] = parse(text, decimal) if parse else text
            except ValueError as exc:
                problems.append(Problem(file, column, str(exc), text, line))
                reported.add(column)  # once: not again as blank, nor by the checks across fields
            else:
                shown[column] = shown_as_typed(text, RISK_KINDS[column])
        row = _Row(file, line, "", shown, reported)
        risk = _validate(values, row, years, problems)
        if risk is not None:
            rows.append((row, risk))
    return _checked_frame(rows, years, problems)


def risk_register_from_items(
    items: Sequence[Mapping[str, Any]], file: str, years: Sequence[int] | None = None,
    lines: Sequence[int | None] | None = None, key_lines: Sequence[Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """The inline register (`risk.items` in the params) as the same frame; fields `risk.items.N.x`.

    `lines` are the items' lines in the params file and `key_lines` the line of each key of each item:
    a problem with a key names the key's line, any other (a missing key) the item's.
    """
    problems: list[Problem] = []
    rows: list[tuple[_Row, Risk]] = []
    for i, item in enumerate(items):
        line = lines[i] if lines is not None and i < len(lines) else None
        keys = key_lines[i] if key_lines is not None and i < len(key_lines) else {}
        values = {str(k): v for k, v in item.items() if str(k) not in DERIVED_COLUMNS and v is not None}
        row = _Row(file, line, f"risk.items.{i}.", values, frozenset(), keys)
        risk = _validate(values, row, years, problems)
        if risk is not None:
            rows.append((row, risk))
    return _checked_frame(rows, years, problems)


_MISSING_COLUMN = "required column is missing"
_SCORES = ("likelihood_inherent", "impact_inherent", "likelihood_residual", "impact_residual")


@dataclass(frozen=True)
class _Row:
    """Where a row of the register (or an inline item) is, and what its problems show."""

    file: str
    line: int | None
    prefix: str  # "" in a register file, "risk.items.N." inline
    shown: Mapping[str, Any]  # each field's value as the user wrote it, for `(got VALUE)`
    reported: AbstractSet[str] = frozenset()  # fields already reported: an unreadable cell, a missing column
    key_lines: Mapping[str, int] = field(default_factory=dict)  # inline: the line of each key

    def problem(self, name: str, message: str, value: Any = None) -> Problem:
        return Problem(self.file, self.prefix + name, message, value, self.key_lines.get(name, self.line))


def _known_columns(df: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Columns matched case-insensitively; unknown and missing required columns are problems."""
    renamed = df.rename(columns=lambda c: str(c).strip().lower())
    known = set(RISK_KINDS) | DERIVED_COLUMNS
    header = df.attrs.get(HEADER_LINE, 1)
    problems = [
        Problem(file, str(c), f"unknown column (misspelt?); known columns: {', '.join(RISK_KINDS)}", line=header)
        for c in df.columns if str(c).strip().lower() not in known
    ]
    duplicated = renamed.columns[renamed.columns.duplicated()]
    problems += [Problem(file, str(c), "duplicate column", line=header) for c in duplicated]
    required = [name for name, info in Risk.model_fields.items() if info.is_required()]
    problems += [Problem(file, c, _MISSING_COLUMN, line=header) for c in required if c not in renamed]
    renamed = renamed.loc[:, ~renamed.columns.duplicated()]
    return renamed[[c for c in renamed.columns if c in RISK_KINDS]], problems


def _validate(values: dict[str, Any], row: _Row, years: Sequence[int] | None, problems: list[Problem]) -> Risk | None:
    """The row as a Risk, or None with its problems appended (not again for fields already reported)."""
    try:
        return Risk.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "-"
            if name in row.reported:
                continue
            if err["type"] == "missing":
                problems.append(row.problem(name, "required, but blank"))
            elif err["type"] == "extra_forbidden":
                problems.append(row.problem(name, "unknown key (misspelt?)"))
            else:
                problems.append(row.problem(name, _message(name, err, values, years), row.shown.get(name)))
        return None


def _checked_frame(rows: list[tuple[_Row, Risk]], years: Sequence[int] | None, problems: list[Problem]) -> pd.DataFrame:
    """The register's frame of the valid `rows`; or, if the rows' own `problems` or the checks across rows
    found any, all of them raised at once as one ParamsError."""
    problems = [*problems, *_register_problems(rows, years)]
    if problems:
        raise ParamsError(problems)
    return _frame([risk for _, risk in rows])


def _message(name: str, err: Any, values: Mapping[str, Any], years: Sequence[int] | None) -> str:
    """Pydantic's message, put plainly where the register has its own words for it."""
    if name in _SCORES:
        return "must be a whole number from 1 to 5"
    if name == "proximity" and err["type"] in {"greater_than_equal", "less_than_equal"}:
        closed = str(values.get("status", "")).strip().lower() == RiskStatus.CLOSED
        return _in_budget_years(years) if years and not closed else "must be a year from 2000 to 2100, or blank"
    return str(err["msg"]).removeprefix("Value error, ")


def _in_budget_years(years: Sequence[int]) -> str:
    return f"must be one of the budget years {min(years)}–{max(years)}, or blank"


def _register_problems(rows: list[tuple[_Row, Risk]], years: Sequence[int] | None) -> list[Problem]:
    """Checks across fields and rows: costs in order, owners, proximity in the budget years, unique ids."""
    problems: list[Problem] = []
    first_line: dict[str, int | None] = {}
    for row, risk in rows:
        problems += [row.problem(name, message, row.shown.get(name) if show else None)
                     for name, message, show in _row_problems(risk, years) if name not in row.reported]
        if risk.id in first_line:
            where = f"line {first_line[risk.id]}" if first_line[risk.id] is not None else "an earlier item"
            problems.append(row.problem("id", f"duplicate id (also on {where})", row.shown.get("id")))
        else:
            first_line[risk.id] = row.line
    return problems


def _row_problems(risk: Risk, years: Sequence[int] | None) -> list[tuple[str, str, bool]]:
    """(field, message, whether to show the field's value) of each check across fields that fails."""
    found: list[tuple[str, str, bool]] = []
    costs = {"cost_low": risk.cost_low, "cost_mode": risk.cost_mode, "cost_high": risk.cost_high}
    if risk.status != RiskStatus.CLOSED:  # a closed risk can no longer cost anything; its estimate may be blank
        found += [(name, f"required for a risk that is {risk.status}, but blank", False)
                  for name, value in costs.items() if value is None]
    low, mode, high = costs.values()
    if low is not None and mode is not None and low > mode:
        found.append(("cost_mode", f"must be >= cost_low ({_plain(low)})", True))
    if mode is not None and high is not None and mode > high:
        found.append(("cost_high", f"must be >= cost_mode ({_plain(mode)})", True))
    if low is not None and high is not None and mode is None and low > high:
        found.append(("cost_high", f"must be >= cost_low ({_plain(low)})", True))
    if risk.status == RiskStatus.OPEN and not (risk.owner or "").strip():
        found.append(("owner", "required for an open risk, but blank", False))
    if years and risk.status != RiskStatus.CLOSED and risk.proximity is not None and risk.proximity not in years:
        found.append(("proximity", _in_budget_years(years), True))
    return found


def _plain(amount: float) -> float | int:
    """150000.0 shown as 150000 in a message, as the controller wrote it."""
    return int(amount) if amount.is_integer() else amount


def _frame(risks: list[Risk]) -> pd.DataFrame:
    """Text columns as object (None where blank), scores int64, proximity Int64, amounts float64
    (NaN where blank; mitigation_cost 0), last_reviewed datetime64."""
    frame = pd.DataFrame([r.model_dump() for r in risks], columns=RISK_COLUMNS)
    numbers = {c: "float64" for c, kind in RISK_KINDS.items() if kind == "number"}
    integers = {c: "int64" for c in RISK_COLUMNS if c.startswith(("likelihood", "impact"))}
    frame = frame.astype({**numbers, **integers, "proximity": "Int64"})
    return frame.assign(last_reviewed=pd.to_datetime(frame["last_reviewed"]))
