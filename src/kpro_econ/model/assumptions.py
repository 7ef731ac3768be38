"""The table of assumptions and sources (Forudsætninger og kilder): every figure in the params."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pydantic import BaseModel

from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import EVERY_YEAR, Params

MISSING_SOURCE = "kilde mangler"

# Danish name and unit of each figure, by its parameter path (a year is added after the name).
LABELS: dict[str, tuple[str, str]] = {
    "price_index": ("Pris- og lønudvikling (PL)", "andel"),
    "discount_rate": ("Diskonteringsrente (real)", "andel"),
    "fte.annual_cost": ("Pris for ét årsværk", "kr."),
    "fut_fee.kommunal_pro_fte_share": ("FUT-afgift, Kommunal PRO", "årsværk"),
    "fut_fee.telma_fte_share": ("FUT-afgift, Telma", "årsværk"),
    "support.base_price": ("Supportaftale, årlig pris", "kr."),
    "support.renegotiation.change": ("Supportpris, ændring ved genforhandling", "andel"),
    "support.spoc_option.monthly_price": ("FUT SPOC-option, pris pr. måned", "kr."),
    "fees.solution": ("Vederlag for løsningen", "kr."),
    "fees.infrastructure": ("Vederlag for infrastruktur og samarbejde", "kr."),
    "administration.staff_fte": ("Systemforvaltning, egne årsværk", "årsværk"),
    "wave_routes.wave.fixed": ("Bølge 5, fast programudgift", "kr."),
    "wave_routes.wave.per_municipality": ("Bølge 5, pr. kommune", "kr."),
    "wave_routes.bilateral.per_municipality": ("Bilateralt, pr. kommune", "kr."),
}
ASSUMPTION_COLUMNS = ["parameter", "label", "unit", "value", "low", "mode", "high", "price_year", "source", "note"]


def assumptions(params: Params) -> pd.DataFrame:
    """One row per figure, in the order of the params, with its source or *kilde mangler*."""
    rows = []
    for path, figure in figures_in(params):
        low, mode, high = (figure.low, figure.mode, figure.high) if isinstance(figure, ThreePoint) else (None,) * 3
        label, unit = _label(path)
        rows.append({
            "parameter": ".".join(path),
            "label": label,
            "unit": unit,
            "value": figure.mean,
            "low": low,
            "mode": mode,
            "high": high,
            "price_year": figure.price_year,
            "source": figure.source or MISSING_SOURCE,
            "note": figure.note,
        })
    return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)


def _label(path: tuple[str, ...]) -> tuple[str, str]:
    for end in range(len(path), 0, -1):
        if ".".join(path[:end]) in LABELS:
            name, unit = LABELS[".".join(path[:end])]
            return " ".join((name, *path[end:])), unit
    return ".".join(path), ""


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
