"""`kpro-econ params`: every figure and setting of a params file with its path, value, unit, price
year and source, in Danish — the list of what `run --set PATH=VALUE` can change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pydantic import BaseModel

from kpro_econ.model.assumptions import assumptions
from kpro_econ.params.codes import FigureUnit, SettingUnit
from kpro_econ.params.models import Params
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import MISSING_SOURCE, SETTING_UNIT_LABELS, UNIT_LABELS, figure_label

SOURCE_SUFFIX = "_source"
HEADERS = {"path": "Sti", "label": "Betegnelse", "value": "Værdi", "low": "Lav", "mode": "Sandsynligst",
           "high": "Høj", "unit": "Enhed", "price_year": "Prisår", "source": "Kilde"}
"""The listing's columns (codes) and their Danish headers, as `kpro-econ params --csv` writes them."""
SETTING_UNITS = {"months_active": SettingUnit.MONTHS, "notice_months": SettingUnit.MONTHS, "year": SettingUnit.YEAR,
                 "capacity": SettingUnit.MUNICIPALITIES}
SETTING_LABELS = {
    "support.renegotiation.year": "Supportpris, første år med genforhandlet pris",
    "support.spoc_option.notice_months": "FUT SPOC-option, varsel",
    "support.spoc_option.months_active": "FUT SPOC-option, måneder aktiv",
    "wave_routes.bilateral.capacity": "Bilateralt, supportens kapacitet",
    "wave_routes.year": "Bølge 5 eller bilateralt, budgetår",
    "wave_routes.deadline": "Bølge 5 eller bilateralt, frist for beslutningen",
    "allocation.kombit_threshold": "KOMBIT-nøglen, indbyggere der tæller fuldt",
    "risk.pool_size": "Risikopuljen, højst antal risici",
    "risk.review_months": "Risici, måneder mellem vurderinger",
    "monte_carlo.confidence": "Reserven, sikkerhedsniveau",
}


def params_rows(params: Params) -> pd.DataFrame:
    """The columns of HEADERS: every figure (as the table of assumptions has it), then every setting a
    `…_source` field documents (e.g. `support.renegotiation.year` with `year_source`), numbers as
    numbers, the unit as its code (`FigureUnit`, `SettingUnit`; None when it has none)."""
    figures = assumptions(params)
    rows: list[tuple[Any, ...]] = []
    for row in figures.to_dict("records"):
        label, unit = figure_label(str(row["parameter"]))
        source = row["source"] if pd.notna(row["source"]) and row["source"] != "" else MISSING_SOURCE
        rows.append((row["parameter"], label, row["value"], row["low"], row["mode"], row["high"], unit,
                     row["price_year"], source))
    rows += [(path, _setting_label(path), value, None, None, None, unit, None, source)
             for path, value, unit, source in documented_settings(params)]
    frame = pd.DataFrame(rows, columns=list(HEADERS))
    frame["value"] = pd.Series([row[2] for row in rows], dtype=object)  # a year stays 2024, not 2024.0
    frame["unit"] = pd.Series([row[6] for row in rows], dtype=object)
    frame["price_year"] = frame["price_year"].astype("Int64")
    return frame


def params_listing(params: Params) -> pd.DataFrame:
    """`params_rows` as a person reads it: Danish headers and unit names."""
    frame = params_rows(params)
    frame["unit"] = [_unit_label(unit) for unit in frame["unit"]]
    return frame.rename(columns=HEADERS)


def _unit_label(unit: FigureUnit | SettingUnit | None) -> str:
    if isinstance(unit, FigureUnit):
        return UNIT_LABELS[unit]
    return SETTING_UNIT_LABELS[unit] if isinstance(unit, SettingUnit) else ""


def documented_settings(
    node: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, Any, SettingUnit | None, str]]:
    """(path, value, unit, source) of each setting with a sibling `<name>_source`; a mapping per year
    gives one row per year."""
    if not isinstance(node, BaseModel):
        return
    fields = type(node).model_fields
    for name in fields:
        value = getattr(node, name)
        if name.endswith(SOURCE_SUFFIX) and name.removesuffix(SOURCE_SUFFIX) in fields:
            continue
        source_name = f"{name}{SOURCE_SUFFIX}"
        if source_name in fields:
            source = getattr(node, source_name) or MISSING_SOURCE
            unit = SETTING_UNITS.get(name)
            if isinstance(value, dict):
                for key, item in value.items():
                    yield ".".join((*path, name, str(key))), item, unit, source
            else:
                yield ".".join((*path, name)), value, unit, source
        elif isinstance(value, BaseModel):
            yield from documented_settings(value, (*path, name))
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from documented_settings(item, (*path, name, str(key)))


def _setting_label(path: str) -> str:
    parent, _, last = path.rpartition(".")
    if path in SETTING_LABELS:
        return SETTING_LABELS[path]
    return f"{SETTING_LABELS[parent]} {last}" if parent in SETTING_LABELS else path


def params_text(params: Params) -> str:
    """One line per figure: `sti: værdi enhed (lav–høj) [prisår-priser] – kilde`, Danish number formats."""
    lines = []
    for row in params_rows(params).to_dict("records"):
        value = str(row["value"]) if row["unit"] == SettingUnit.YEAR else _number(row["value"])
        spread = (f" (lav {_number(row['low'])}, sandsynligst {_number(row['mode'])}, "
                  f"høj {_number(row['high'])})") if pd.notna(row["low"]) else ""
        unit = f" {_unit_label(row['unit'])}" if row["unit"] is not None else ""
        price_year = f" [{row['price_year']}-priser]" if pd.notna(row["price_year"]) else ""
        lines.append(f"{row['path']}: {value}{unit}{spread}{price_year} – {row['label']}. Kilde: {row['source']}")
    return "\n".join(lines)


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number(value, 4).rstrip("0").rstrip(",")
    return number(value) if isinstance(value, int | float) else str(value)
