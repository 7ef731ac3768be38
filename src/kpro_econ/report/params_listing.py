"""`kpro-econ params`: every figure and setting of a params file with its path, value, unit, price
year and source, in Danish — the list of what `run --set PATH=VALUE` can change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pydantic import BaseModel

from kpro_econ.model.assumptions import assumptions
from kpro_econ.params.models import Params
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import MISSING_SOURCE, with_figure_labels

SOURCE_SUFFIX = "_source"
COLUMNS = ["Sti", "Betegnelse", "Værdi", "Lav", "Sandsynligst", "Høj", "Enhed", "Prisår", "Kilde"]
SETTING_UNITS = {"months_active": "måneder", "notice_months": "måneder", "year": "år", "capacity": "kommuner"}
SETTING_LABELS = {
    "support.renegotiation.year": "Supportpris, første år med genforhandlet pris",
    "support.spoc_option.notice_months": "FUT SPOC-option, varsel",
    "support.spoc_option.months_active": "FUT SPOC-option, måneder aktiv",
    "wave_routes.bilateral.capacity": "Bilateralt, supportens kapacitet",
    "wave_routes.year": "Bølge 5 eller bilateralt, budgetår",
}


def params_listing(params: Params) -> pd.DataFrame:
    """COLUMNS: every figure (as the table of assumptions has it), then every setting a `…_source` field
    documents (e.g. `support.renegotiation.year` with `year_source`), numbers as numbers."""
    figures = with_figure_labels(assumptions(params))
    rows = [
        (row["parameter"], row["label"], row["value"], row["low"], row["mode"], row["high"], row["unit"],
         row["price_year"], row["source"])
        for row in figures.to_dict("records")
    ]
    rows += [(path, _setting_label(path), value, None, None, None, unit, None, source)
             for path, value, unit, source in documented_settings(params)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["Værdi"] = pd.Series([row[2] for row in rows], dtype=object)  # a year stays 2024, not 2024.0
    frame["Prisår"] = frame["Prisår"].astype("Int64")
    return frame


def documented_settings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any, str, str]]:
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
            unit = SETTING_UNITS.get(name, "")
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


def params_text(frame: pd.DataFrame) -> str:
    """One line per figure: `sti: værdi enhed (lav–høj) [prisår-priser] – kilde`, Danish number formats."""
    lines = []
    for row in frame.to_dict("records"):
        value = str(row["Værdi"]) if row["Enhed"] == "år" else _number(row["Værdi"])
        spread = (f" (lav {_number(row['Lav'])}, sandsynligst {_number(row['Sandsynligst'])}, "
                  f"høj {_number(row['Høj'])})") if pd.notna(row["Lav"]) else ""
        unit = f" {row['Enhed']}" if row["Enhed"] else ""
        price_year = f" [{row['Prisår']}-priser]" if pd.notna(row["Prisår"]) else ""
        lines.append(f"{row['Sti']}: {value}{unit}{spread}{price_year} – {row['Betegnelse']}. Kilde: {row['Kilde']}")
    return "\n".join(lines)


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number(value, 4).rstrip("0").rstrip(",")
    return number(value) if isinstance(value, int | float) else str(value)
