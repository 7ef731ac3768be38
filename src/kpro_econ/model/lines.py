"""What a cost line is and how its figures are resolved: the words the cost model and the decisions share.

Below both `costs` (which adds the chosen wave route as a line) and `decisions` (which costs the routes
as lines), so neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from kpro_econ.model.prices import price_factor
from kpro_econ.params.codes import CostKind, CostLineCode
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import Params

Value: TypeAlias = float | NDArray[np.float64]
"""A mean or an array of Monte Carlo draws: the same code computes either."""
Resolve: TypeAlias = Callable[[str, Amount | ThreePoint], Value]
"""`resolve(name, figure)`: a figure's value by its input name (its mean, its draws, its low or high)."""


def resolve_mean(name: str, figure: Amount | ThreePoint) -> float:
    """The deterministic model's value of a figure: its PERT mean (a certain figure's value)."""
    return figure.mean


@dataclass(frozen=True)
class CostLine:
    """One cost line's amount per year, named by its code."""

    code: CostLineCode
    kind: CostKind
    amounts: dict[int, Value]


def price_level_converter(params: Params) -> Callable[[Value, Amount | ThreePoint], Value]:
    """`to_level(value, figure)`: the figure's value (or draws) from its price year to the model's."""
    changes = {year: figure.mean for year, figure in params.price_index.items()}

    def to_level(value: Value, figure: Amount | ThreePoint) -> Value:
        stated = figure.price_year or params.price_level_year
        return value * price_factor(stated, params.price_level_year, changes)

    return to_level
