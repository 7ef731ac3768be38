"""Validate the risk register (CSV/XLSX as read by `tables_io`, or inline in the params).

Every problem in the register is collected and raised at once as a ParamsError whose problems name
the file, the row's line, the column and the value. No file is read here; scores, bands, the pool
and the trend are in `risk.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from numbers import Integral
from typing import Any, Literal, get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.tables_io import parse_date, parse_integer, parse_number

Category = Literal[
    "drift", "økonomi", "leverance", "implementering", "support", "kontrakt", "organisation", "sikkerhed",
    "data",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
Status = Literal["open", "closed", "occurred"]
STATUS_LABELS = {"open": "Åben", "closed": "Lukket", "occurred": "Indtruffet"}

_Kind = Literal["text", "number", "integer", "date"]
RISK_KINDS: dict[str, _Kind] = {
    "id": "text", "title": "text", "description": "text", "category": "text", "owner": "text",
    "cause": "text", "consequence": "text",
    "likelihood_inherent": "integer", "impact_inherent": "integer",
    "likelihood_residual": "integer", "impact_residual": "integer",
    "mitigation": "text", "mitigation_cost": "number", "status": "text", "proximity": "integer",
    "probability": "number", "cost_low": "number", "cost_mode": "number", "cost_high": "number",
    "cost_line": "text", "last_reviewed": "date", "source": "text", "estimate_source": "text",
}
RISK_COLUMNS = list(RISK_KINDS)

# Columns the output table adds (risk.py): a previous run's table is accepted as a register again.
DERIVED_COLUMNS = frozenset({
    "score_inherent", "score_residual", "band_inherent", "band_residual", "probability_resolved",
    "cost_mean", "expected_value_dkk", "in_pool", "trend",
})

_PARSERS: dict[_Kind, Callable[[str, str], Any]] = {
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
    status: Status = Field(description="open, closed or occurred.")
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
    decimal = str(df.attrs.get("decimal", "."))
    rows: list[tuple[int | None, str, Risk]] = []
    for label, cells in frame.iterrows():
        line = int(label) if isinstance(label, Integral) else None
        values: dict[str, Any] = {}
        unparsed: set[str] = set()
        for column, text in cells.items():
            if text is None or pd.isna(text):
                continue
            parse = _PARSERS.get(RISK_KINDS[str(column)])
            try:
                values[str(column)] = parse(str(text), decimal) if parse else str(text)
            except ValueError as exc:
                problems.append(Problem(file, str(column), str(exc), text, line))
                unparsed.add(str(column))
        risk = _validate(values, file, line, "", problems, skip=unparsed)
        if risk is not None:
            rows.append((line, "", risk))
    problems += _register_problems(rows, file, years)
    if problems:
        raise ParamsError(problems)
    return _frame([risk for _, _, risk in rows])


def risk_register_from_items(
    items: Sequence[Mapping[str, Any]], file: str, years: Sequence[int] | None = None,
    lines: Sequence[int | None] | None = None,
) -> pd.DataFrame:
    """The inline register (`risk.items` in the params) as the same frame; fields `risk.items.N.x`."""
    problems: list[Problem] = []
    rows: list[tuple[int | None, str, Risk]] = []
    for i, item in enumerate(items):
        line = lines[i] if lines is not None and i < len(lines) else None
        prefix = f"risk.items.{i}."
        values = {str(k): v for k, v in item.items() if str(k) not in DERIVED_COLUMNS and v is not None}
        risk = _validate(values, file, line, prefix, problems)
        if risk is not None:
            rows.append((line, prefix, risk))
    problems += _register_problems(rows, file, years)
    if problems:
        raise ParamsError(problems)
    return _frame([risk for _, _, risk in rows])


def _known_columns(df: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Columns matched case-insensitively; unknown and missing required columns are problems."""
    renamed = df.rename(columns=lambda c: str(c).strip().lower())
    known = set(RISK_KINDS) | DERIVED_COLUMNS
    problems = [
        Problem(file, str(c), f"unknown column (misspelt?); known columns: {', '.join(RISK_KINDS)}", line=1)
        for c in df.columns if str(c).strip().lower() not in known
    ]
    duplicated = renamed.columns[renamed.columns.duplicated()]
    problems += [Problem(file, str(c), "duplicate column", line=1) for c in duplicated]
    required = [name for name, info in Risk.model_fields.items() if info.is_required()]
    problems += [Problem(file, c, "required column is missing", line=1) for c in required if c not in renamed]
    renamed = renamed.loc[:, ~renamed.columns.duplicated()]
    return renamed[[c for c in renamed.columns if c in RISK_KINDS]], problems


def _validate(
    values: dict[str, Any], file: str, line: int | None, prefix: str, problems: list[Problem],
    skip: set[str] | None = None,
) -> Risk | None:
    """The row as a Risk, or None with its problems appended (not again for cells already reported)."""
    try:
        return Risk.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "-"
            if skip and field in skip:
                continue
            if err["type"] == "missing":
                problems.append(Problem(file, prefix + field, "required, but blank", line=line))
            elif err["type"] == "extra_forbidden":
                problems.append(Problem(file, prefix + field, "unknown key (misspelt?)", line=line))
            else:
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(file, prefix + field, message, values.get(field), line))
        return None


def _register_problems(
    rows: list[tuple[int | None, str, Risk]], file: str, years: Sequence[int] | None
) -> list[Problem]:
    """Checks across fields and rows: costs in order, owners, proximity in the budget years, unique ids."""
    problems: list[Problem] = []
    first_line: dict[str, int | None] = {}
    for line, prefix, risk in rows:
        problems += [Problem(file, prefix + field, message, value, line)
                     for field, message, value in _row_problems(risk, years)]
        if risk.id in first_line:
            where = f"line {first_line[risk.id]}" if first_line[risk.id] is not None else "an earlier item"
            problems.append(Problem(file, prefix + "id", f"duplicate id (also on {where})", risk.id, line))
        else:
            first_line[risk.id] = line
    return problems


def _row_problems(risk: Risk, years: Sequence[int] | None) -> list[tuple[str, str, Any]]:
    found: list[tuple[str, str, Any]] = []
    costs = {"cost_low": risk.cost_low, "cost_mode": risk.cost_mode, "cost_high": risk.cost_high}
    if risk.status != "closed":  # a closed risk can no longer cost anything; its estimate may be blank
        found += [(name, f"required for a risk that is {risk.status}, but blank", None)
                  for name, value in costs.items() if value is None]
    low, mode, high = costs.values()
    if low is not None and mode is not None and low > mode:
        found.append(("cost_mode", f"must be >= cost_low ({low:g})", _plain(mode)))
    if mode is not None and high is not None and mode > high:
        found.append(("cost_high", f"must be >= cost_mode ({mode:g})", _plain(high)))
    if low is not None and high is not None and mode is None and low > high:
        found.append(("cost_high", f"must be >= cost_low ({low:g})", _plain(high)))
    if risk.status == "open" and not (risk.owner or "").strip():
        found.append(("owner", "required for an open risk, but blank", None))
    if years and risk.status != "closed" and risk.proximity is not None and risk.proximity not in years:
        found.append(("proximity", f"must be one of the budget years {min(years)}–{max(years)}, or blank",
                      risk.proximity))
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
