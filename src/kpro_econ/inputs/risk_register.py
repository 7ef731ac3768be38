"""The risk register (CSV/XLSX as read by `tables.read_table`, or inline in the params), read through the
row engine (`rows.py`).

Every problem in the register is collected and raised at once as a ParamsError whose problems name
the file, the row's line, the column and the value. No file is read here; scores, bands, the pool
and the trend are in `risk/assessment.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpro_econ.inputs.rows import BLANK, Column, Register, Rows, check_items, check_table, plain_number
from kpro_econ.params.codes import RISK_STATUS_WORDS, RiskStatus, status_code
from kpro_econ.risk.assessment import REGISTER_TABLE_COLUMNS
from kpro_econ.risk.columns import RISK_COLUMNS

CATEGORIES = ("drift", "økonomi", "leverance", "implementering", "support", "kontrakt", "organisation", "sikkerhed",
              "data")
STATUSES = tuple(status.value for status in RiskStatus)
SCORE = "skal være et helt tal fra 1 til 5"

# The columns the run's output table adds (risk/assessment.py): an earlier run's table is accepted as a register again.
DERIVED_COLUMNS = frozenset(REGISTER_TABLE_COLUMNS) - frozenset(RISK_COLUMNS)


def _score(name: str) -> Column:
    """Likelihood or impact 1–5."""
    return Column(name, "integer", required=True, minimum=1, maximum=5, range_message=SCORE)


RISKS = Register((
    Column("id", required=True),  # unique, e.g. R01
    Column("title", required=True),  # short Danish title
    Column("description"),  # what could happen
    Column("category", required=True, choices=CATEGORIES),
    Column("owner"),  # the role that owns the risk; required while it is open
    Column("cause"),
    Column("consequence"),
    _score("likelihood_inherent"), _score("impact_inherent"),  # before mitigation
    _score("likelihood_residual"), _score("impact_residual"),  # after mitigation
    Column("mitigation"),  # what is done to reduce the risk
    Column("mitigation_cost", "number", minimum=0, default=0.0),  # kroner; blank is 0
    Column("status", required=True, choices=STATUSES,
           parse=lambda text: str(status_code(text, RiskStatus, RISK_STATUS_WORDS))),
    Column("proximity", "integer"),  # the budget year the risk may occur in
    # of the residual risk, "60 %" or 0.6; blank: from the likelihood
    Column("probability", "number", minimum=0, maximum=1, share=True),
    Column("cost_low", "number", minimum=0),  # cost if it occurs: lowest, most likely, highest
    Column("cost_mode", "number", minimum=0),
    Column("cost_high", "number", minimum=0),
    Column("cost_line"),  # the cost line the risk threatens (free text)
    Column("last_reviewed", "date", required=True),
    Column("source"),  # where the risk comes from, e.g. Referat 23.6.2023, pkt. 4
    Column("estimate_source"),  # where the probability and costs come from
), ignored=DERIVED_COLUMNS)
"""The risk register: one row per risk, amounts in kroner at the model's price level (faste priser)."""
assert RISKS.names == RISK_COLUMNS  # noqa: S101 (the row declaration names RISK_COLUMNS, in order)


def risk_register(df: pd.DataFrame, file: str, years: Sequence[int] | None = None) -> pd.DataFrame:
    """The register from `tables.read_table` (strings, source line in the index) as a typed frame.

    Columns RISK_COLUMNS; see `_frame` for the types. With `years`, an open or occurred risk's
    proximity must be one of them (the pool and the mitigation line are placed in that year).
    """
    return _frame(check_table(df, file, RISKS), years)


def risk_register_from_items(
    items: Sequence[Mapping[str, Any]], file: str, years: Sequence[int] | None = None,
    lines: Sequence[int | None] | None = None, key_lines: Sequence[Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """The inline register (`risk.items` in the params) as the same frame; fields `risk.items.N.x`.

    `lines` are the items' lines in the params file and `key_lines` the line of each key of each item:
    a problem with a key names the key's line, any other (a missing key) the item's.
    """
    return _frame(check_items(items, file, RISKS, "risk.items.{}.", lines, key_lines), years)


def _frame(rows: Rows, years: Sequence[int] | None) -> pd.DataFrame:
    """The checks across columns and rows, then the frame: text columns as object (None where blank),
    scores int64, proximity Int64, amounts float64 (NaN where blank; mitigation_cost 0), last_reviewed
    datetime64; or every problem raised at once as one ParamsError."""
    frame = rows.frame
    status = frame["status"]
    closed = (status == RiskStatus.CLOSED).to_numpy()
    # A closed risk can no longer cost anything; its estimate may be blank.
    for name in ("cost_low", "cost_mode", "cost_high"):
        rows.fail(~closed & frame[name].isna(), name, lambda i: f"{BLANK} (påkrævet for en risiko med status "
                  f"{status.iat[i]})", show=False, needs=["status"])
    low, mode, high = (frame[c].to_numpy(dtype="float64") for c in ("cost_low", "cost_mode", "cost_high"))
    rows.fail(low > mode, "cost_mode", _not_below("cost_low", low), needs=["cost_low"])
    rows.fail(mode > high, "cost_high", _not_below("cost_mode", mode), needs=["cost_mode"])
    rows.fail(np.isnan(mode) & (low > high), "cost_high", _not_below("cost_low", low), needs=["cost_low", "cost_mode"])
    rows.fail((status == RiskStatus.OPEN) & frame["owner"].isna(), "owner", f"{BLANK} (påkrævet for en åben risiko)",
              show=False, needs=["status"])
    proximity = frame["proximity"].astype("float64")
    given = proximity.notna().to_numpy()
    # An open or occurred risk is placed in its proximity year, so that must be a budget year.
    budgeted = ~closed if years else np.zeros(len(frame), dtype=bool)
    if years:
        outside = given & budgeted & ~proximity.isin(list(years)).to_numpy()
        rows.fail(outside, "proximity", f"skal være et af budgetårene {min(years)}–{max(years)} eller tom",
                  needs=["status"])
    rows.fail(given & ~budgeted & ~proximity.between(2000, 2100).to_numpy(), "proximity",
              "skal være et år fra 2000 til 2100 eller tom", needs=["status"])
    rows.repeats(["id"], "id")
    rows.raise_problems()
    integers = {c: "int64" for c in RISK_COLUMNS if c.startswith(("likelihood", "impact"))}
    return frame.astype({**integers, "last_reviewed": "datetime64[s]"})



def _not_below(other: str, bound: np.ndarray) -> Callable[[int], str]:
    """`må ikke være mindre end cost_low (150.000)` for the row at a position."""
    return lambda i: f"må ikke være mindre end {other} ({plain_number(bound[i])})"
