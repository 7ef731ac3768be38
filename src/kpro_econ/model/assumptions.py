"""The table of assumptions and sources (Forudsætninger og kilder): every figure in the params."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pydantic import BaseModel

from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import EVERY_YEAR, Params

ASSUMPTION_COLUMNS = ["parameter", "value", "low", "mode", "high", "price_year", "source", "note"]


def assumptions(params: Params) -> pd.DataFrame:
    """One row per figure, in the order of the params, with its source (None when it has none).

    Its Danish name and unit are the report's (`report.labels.with_figure_labels`)."""
    rows = []
    for path, figure in figures_in(params):
        low, mode, high = (figure.low, figure.mode, figure.high) if isinstance(figure, ThreePoint) else (None,) * 3
        rows.append({
            "parameter": ".".join(path),
            "value": figure.mean,
            "low": low,
            "mode": mode,
            "high": high,
            "price_year": figure.price_year,
            "source": figure.source or None,
            "note": figure.note,
        })
    return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)


def figures_in(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Amount | ThreePoint]]:
    """(parameter path, figure) of every figure in the params, in their order; a figure that applies
    to every year has the path of its field, one per year has the year after it."""
    if isinstance(node, Amount | ThreePoint):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from figures_in(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from figures_in(value, path if key == EVERY_YEAR else (*path, str(key)))
