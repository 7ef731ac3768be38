"""Which inputs move the total: a tornado of one-at-a-time swings and each input's share of the
variance in the Monte Carlo.

The tornado's centre is the deterministic expected total (every figure at its PERT mean and every
open risk at its expected value p × PERT mean). Each uncertain figure swings from its low to its
high with the others at their means. A risk swings from not occurring (0; its low cost if it is
certain, p = 1) to occurring at its high cost.

The variance share is each input's squared (Pearson) correlation with the simulated total,
normalised to sum to 1. The cost model is a sum of terms each affine in one input, so with
independent inputs the squared correlations are exactly the inputs' shares of the variance;
normalising absorbs sampling noise and the covariance that a correlation group adds.
"""

from __future__ import annotations

import pandas as pd

from kpro_econ.model.books import Books
from kpro_econ.model.lines import Resolve, Value
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import Params
from kpro_econ.risk.montecarlo import (
    RISK_PREFIX,
    SimulationResult,
    UncertainInput,
    cost_model_total,
    risk_lines,
    uncertain_inputs,
)

CHANGE_REQUEST_PREFIX = "change_requests."
TORNADO_COLUMNS = ["input", "title", "low_total_dkk", "high_total_dkk", "swing_dkk"]
SENSITIVITY_COLUMNS = [*TORNADO_COLUMNS, "variance_share"]


def tornado(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, books: Books | None = None
) -> pd.DataFrame:
    """TORNADO_COLUMNS, one row per uncertain input, the largest swing first (ties by input name).
    With `books`, only what is still to come swings."""
    inputs = uncertain_inputs(params, change_requests, risks, books)
    risk_mean = sum(i.expected for i in inputs if i.is_risk)
    outside_cost_model = sum(risk_lines(params, risks, books).certain.values()) + risk_mean
    centre = float(cost_model_total(params, change_requests, books=books)) + outside_cost_model
    rows = []
    for item in inputs:
        if item.is_risk:
            without = centre - item.expected
            low, high = (without + cost * item.exposure for cost in risk_swing(item))
        else:
            at_low = cost_model_total(params, change_requests, _at(item.name, item.low), books)
            at_high = cost_model_total(params, change_requests, _at(item.name, item.high), books)
            low, high = float(at_low) + outside_cost_model, float(at_high) + outside_cost_model
        rows.append((item.name, input_title(item.name, change_requests, risks), low, high, abs(high - low)))
    table = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
    table = table[table["swing_dkk"] > 0]  # a figure only booked years use moves nothing
    return table.sort_values(["swing_dkk", "input"], ascending=[False, True], ignore_index=True)


def risk_swing(item: UncertainInput) -> tuple[float, float]:
    """A risk's cost when it does not occur (its low cost if it is certain to) and at its worst."""
    return (0.0 if item.probability < 1 else item.low), (item.high if item.probability > 0 else 0.0)


def _at(name: str, value: float) -> Resolve:
    """Every figure at its mean, except `name` at `value`."""

    def resolve(figure_name: str, figure: Amount | ThreePoint) -> Value:
        return value if figure_name == name else figure.mean

    return resolve


def variance_shares(simulation: SimulationResult) -> pd.Series:
    """Each input's squared correlation with the simulated total, normalised to sum to 1."""
    squared = simulation.input_correlations**2
    total = float(squared.sum())
    return squared / total if total > 0 else squared


def sensitivity(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, simulation: SimulationResult,
    books: Books | None = None,
) -> pd.DataFrame:
    """SENSITIVITY_COLUMNS: the tornado with each input's share of the simulated variance."""
    table = tornado(params, change_requests, risks, books)
    shares = variance_shares(simulation)
    return table.assign(variance_share=[float(shares.get(name, 0.0)) for name in table["input"]])


def input_title(name: str, change_requests: pd.DataFrame, risks: pd.DataFrame | None) -> str:
    """The risk's or the change request's title from its register; "" for a figure of the params
    (the report names inputs, `report.labels.input_label`)."""
    if name.startswith(RISK_PREFIX):
        return _title(risks, name.removeprefix(RISK_PREFIX))
    if name.startswith(CHANGE_REQUEST_PREFIX):
        return _title(change_requests, name.removeprefix(CHANGE_REQUEST_PREFIX))
    return ""


def _title(register: pd.DataFrame | None, item_id: str) -> str:
    if register is None:
        return ""
    titles = register.loc[register["id"].astype(str) == item_id, "title"]
    return str(titles.iloc[0]) if len(titles) else ""
