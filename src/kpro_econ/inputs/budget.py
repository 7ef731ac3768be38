"""The budget follow-up's inputs: the actuals register (bogførte udgifter) and the budget baseline.

**actuals** (one row per posted invoice or booking; CSV from any Excel or XLSX, as every register):

| column | meaning |
|---|---|
| date | booking date, `YYYY-MM-DD` or `DD-MM-YYYY`; not after `actuals.as_of`, in one of the model's years |
| line | the cost-line code (`support`, `fut_fee`, …) or its Danish label (`Supportaftale`, …) |
| supplier | the supplier (leverandør) |
| reference | the invoice or voucher number (bilagsnummer) |
| amount_dkk | nominal kroner excl. VAT; a credit note is negative |
| text | optional: the booking text |
| sample | optional: true for sample data |

The baseline is the `cost_by_year` an approved earlier run wrote: its base scenario's amounts in
the model's fixed prices, by cost-line code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kpro_econ.errors import ParamsError, Problem, suggestion
from kpro_econ.inputs.earlier import COST_BY_YEAR_CSV
from kpro_econ.inputs.rows import Column, Register, check_table
from kpro_econ.inputs.tables import display_path
from kpro_econ.model.budget import ACTUALS_COLUMNS
from kpro_econ.params.codes import BASE_SCENARIO, COST_LINE_WORDS, CostLineCode

# A controller may write a line as the report names it (`params.codes.COST_LINE_WORDS`) or as its code.
_BY_TEXT = {text.casefold(): code for text, code in COST_LINE_WORDS.items()} | {c.value: c for c in CostLineCode}


def line_code(text: str) -> CostLineCode | None:
    """The cost-line code written as its code or its Danish label (any case); None if neither."""
    return _BY_TEXT.get(text.strip().casefold())


def _line(text: str) -> str:
    code = line_code(text)
    if code is None:
        raise ValueError(f"ukendt udgiftslinje; skriv en kode ({', '.join(CostLineCode)}) eller dens danske navn"
                         + suggestion(text, [*map(str, CostLineCode), *COST_LINE_WORDS]))
    return code.value


ACTUALS = Register((
    Column("date", "date", required=True),
    Column("line", required=True, parse=_line),
    Column("supplier", required=True),
    Column("reference", required=True),
    Column("amount_dkk", "number", required=True),
    Column("text"),
    Column("sample", "bool", default=False),
))
"""The actuals register (bogførte udgifter): one row per posted invoice or booking."""


def actuals_register(df: pd.DataFrame, file: str, years: Sequence[int], as_of: dt.date) -> pd.DataFrame:
    """The validated register in ACTUALS_COLUMNS plus `sample`, `date` as datetime64, in file order.

    A booking after `as_of`, or in a year outside `years`, is a problem naming its row.
    """
    rows = check_table(df, file, ACTUALS)
    booked = pd.to_datetime(rows.frame["date"])
    first, last = years[0], years[-1]
    rows.fail(booked > pd.Timestamp(as_of), "date", f"efter opgørelsesdatoen {as_of.isoformat()} (actuals.as_of)")
    year = booked.dt.year.to_numpy()
    rows.fail((booked <= pd.Timestamp(as_of)) & ~booked.dt.year.isin(list(years)), "date",
              lambda position: f"i {year[position]}, uden for modellens år {first}–{last}")
    rows.raise_problems()
    frame = rows.frame.rename(columns={"line": "line_code"})
    frame["amount_dkk"] = frame["amount_dkk"].astype("float64")
    frame["date"] = booked.astype("datetime64[ns]")
    frame["text"] = frame["text"].fillna("").astype(str)
    frame["sample"] = frame["sample"].fillna(False).astype(bool)
    return frame[[*ACTUALS_COLUMNS, "sample"]].reset_index(drop=True)


def baseline_costs(run_dir: Path) -> pd.DataFrame:
    """An earlier run's base-scenario cost as `year, line_code, amount_dkk` (its fixed prices).

    A run made before the tables carried codes names its lines by their Danish names only.
    """
    path = run_dir / COST_BY_YEAR_CSV
    table = pd.read_csv(path, encoding="utf-8")
    table = table[table["scenario"] == BASE_SCENARIO]
    column = "line_code" if "line_code" in table else "line"
    codes = table[column].map(lambda text: line_code(str(text)))
    if codes.isna().any():
        unknown = table.loc[codes.isna(), column].iloc[0]
        raise ParamsError([Problem(display_path(path), column, "ukendt udgiftslinje", unknown)])
    return pd.DataFrame({"year": table["year"].astype("int64"), "line_code": codes.map(str),
                         "amount_dkk": table["amount_dkk"].astype("float64")}).reset_index(drop=True)

