"""`kpro-econ params`: every path `run --set PATH=VALUE` accepts, grouped by section, with its value,
unit, price year and source, in Danish.

The paths are the params file's own (a field's YAML name, a year or a key of a mapping, an item of a
list by its `id` or its position from 0), as `inputs.overrides` reads them. A figure is one path
(its parts `value`, `low`, `mode`, `high` can be set one by one); a field that documents another
(`…_source`, a section's `source`) is that one's source, not a line of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel

from kpro_econ.model.assumptions import assumptions
from kpro_econ.params.codes import FigureUnit, SettingUnit
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import Params
from kpro_econ.report.formatting import number
from kpro_econ.report.labels import (
    MISSING_SOURCE,
    SETTING_UNIT_LABELS,
    SETTING_UNIT_SINGULAR,
    UNIT_LABELS,
    figure_label,
)

Unit = FigureUnit | SettingUnit

SOURCE, SOURCE_SUFFIX = "source", "_source"
HEADERS = {"group": "Gruppe", "path": "Sti", "label": "Betegnelse", "value": "Værdi", "low": "Lav",
           "mode": "Sandsynligst", "high": "Høj", "unit": "Enhed", "price_year": "Prisår", "source": "Kilde"}
"""The listing's columns (codes) and their Danish headers, as `kpro-econ params --csv` writes them."""

INTRO = ("Alt, hvad kpro-econ run --set STI=VÆRDI kan ændre i grundscenariet. Andele vises i procent, men "
         "skrives som decimaltal med punktum: --set discount_rate=0.04 er 4 %. En kilde ændres med "
         "STI_source eller afsnittets source.")

GROUPS: dict[str, str] = {
    "title": "Generelt", "years": "Generelt", "price_level_year": "Generelt",
    "price_index": "Priser og diskontering", "discount_rate": "Priser og diskontering",
    "fte": "Årsværk og FUT-afgift", "fut_fee": "Årsværk og FUT-afgift",
    "support": "Supportaftale og FUT SPOC-option", "change_requests": "Ændringsønsker (ÆØ)",
    "fees": "Vederlag", "administration": "Systemforvaltning", "allocation": "Fordeling på kommuner",
    "risk": "Risici", "monte_carlo": "Monte Carlo", "summary": "Resumé til styregruppen", "kpi": "KPI'er",
    "wave_routes": "Bølge 5 eller bilateralt", "actuals": "Bogførte udgifter",
    "budget": "Budgetopfølgning og aftaler",
    "approval": "Godkendelse (en kørsel med --set approval.… kan ikke godkendes)",
}
"""The Danish heading of each top-level section; sections follow the params' own order."""

# The Danish name of each setting by its path; `*` is any one key (a year, an id), `{0}`, `{1}` … the
# keys it stood for.
SETTING_LABELS: dict[str, str] = {
    "title": "Titel på rapporterne",
    "years": "Budgetår",
    "price_level_year": "Prisniveau: resultaterne er i dette års priser",
    "fut_fee.volumes.*.label": "Fordelingsnøgle {0}, navn",
    "fut_fee.volumes.*.kommunal_pro": "Fordelingsnøgle {0}, Kommunal PRO's volumen",
    "fut_fee.volumes.*.telma": "Fordelingsnøgle {0}, Telmas volumen",
    "support.renegotiation.year": "Supportpris, første år med genforhandlet pris",
    "support.spoc_option.notice_months": "FUT SPOC-option, varsel",
    "support.spoc_option.months_active.*": "FUT SPOC-option, måneder aktiv {0}",
    "change_requests.register": "ÆØ-registeret (fil)",
    "change_requests.items": "ÆØ skrevet i parametrene i stedet for et register",
    "change_requests.price_year": "ÆØ-beløbenes prisår",
    "allocation.key": "Fordelingsnøgle (population, equal eller kombit)",
    "allocation.payers": "Hvem betaler (all eller live)",
    "allocation.municipalities": "Kommuner og indbyggertal (fil)",
    "allocation.population": "Indbyggertal fra FOLK1A (fil)",
    "allocation.kombit_threshold": "KOMBIT's model: indbyggere, der tæller fuldt",
    "risk.register": "Risikoregisteret (fil)",
    "risk.items": "Risici skrevet i parametrene i stedet for et register",
    "risk.bands": "Risikoniveauer (hele listen)",
    "risk.probability_by_likelihood": "Sandsynlighed ved hver sandsynlighedsscore 1–5 (hele mappingen)",
    "risk.probability_by_likelihood.*": "Sandsynlighed ved sandsynlighedsscore {0}",
    "risk.pool_size": "Risikopuljen højst",
    "risk.compare_to": "Udviklingen sammenlignes med (auto: seneste kørsel)",
    "risk.triggers.*": "Risiko {0} indtræffer ved KPI-reglen",
    "monte_carlo.iterations": "Monte Carlo, trækninger",
    "monte_carlo.seed": "Monte Carlo, startværdi (samme tal giver samme resultat)",
    "monte_carlo.confidence": "Reserven sættes ved denne fraktil",
    "monte_carlo.chunk_size": "Monte Carlo, trækninger ad gangen",
    "monte_carlo.correlations.*.inputs": "Korrelationsgruppe {0}, input",
    "monte_carlo.correlations.*.rank_correlation": "Korrelationsgruppe {0}, rangkorrelation",
    "summary.period": "Periode på resuméet til styregruppen",
    "summary.sagsfremstilling": "Sagsfremstilling",
    "summary.indstilling": "Indstilling",
    "kpi.operations": "Driftstal (fil)",
    "kpi.adoption": "Udbredelse pr. kommune (fil)",
    "kpi.availability_target": "Mål for tilgængelighed",
    "kpi.response_median_target_ms": "Mål for svartid, median",
    "kpi.response_p95_target_ms": "Mål for svartid, 95 %-fraktil",
    "kpi.wave4_municipalities": "Kommuner i bølge 4",
    "kpi.wave5_threshold": "Tærskel for bølge 5: så mange kommuner i bølge 4, der ikke er klar",
    "wave_routes.bilateral.capacity": "Bilateralt, supportens kapacitet",
    "wave_routes.year": "Bølge 5 eller bilateralt, budgetår",
    "wave_routes.not_ready": "Kommuner, der ikke er klar (i stedet for KPI'ens optælling)",
    "actuals.register": "Bogføringsregisteret (fil)",
    "actuals.as_of": "Bogført til og med",
    "budget.baseline": "Budgettet (auto: seneste godkendte kørsel)",
    "budget.agreements.*.name": "Aftale {0}, navn",
    "budget.agreements.*.line": "Aftale {0}, udgiftslinje",
    "budget.agreements.*.supplier": "Aftale {0}, leverandør",
    "budget.agreements.*.expected_dkk": "Aftale {0}, forventet pr. faktura",
    "budget.agreements.*.expected_dkk.*": "Aftale {0}, forventet pr. faktura {1}",
    "budget.agreements.*.cadence": "Aftale {0}, faktureres (yearly, quarterly eller monthly)",
    "budget.agreements.*.tolerance_dkk": "Aftale {0}, tolerance",
    "budget.agreements.*.start": "Aftale {0}, første dag",
    "budget.agreements.*.end": "Aftale {0}, sidste dag",
    "budget.forecast_overrides": "Controllerens skøn (hele listen; et skøn ændres med nr. fra 0, fx .0.amount_dkk)",
    "approval.allowed_signers": "Fil med godkendere (allowed signers)",
    "approval.required": "Godkendere, en kørsel skal have",
    "approval.exclude_runner": "Den, der laver kørslen, må ikke godkende den",
    "approval.signatures": "Signaturer (required eller optional)",
    "approval.roles": "Godkendernes navne og roller",
    "approval.roles.*.role": "Godkender {0}, rolle",
    "approval.roles.*.name": "Godkender {0}, navn",
}

SETTING_UNITS: dict[str, Unit] = {
    "price_level_year": SettingUnit.YEAR,
    "support.renegotiation.year": SettingUnit.YEAR,
    "support.spoc_option.notice_months": SettingUnit.MONTHS,
    "support.spoc_option.months_active.*": SettingUnit.MONTHS,
    "change_requests.price_year": SettingUnit.YEAR,
    "allocation.kombit_threshold": SettingUnit.CITIZENS,
    "risk.probability_by_likelihood.*": FigureUnit.SHARE,
    "risk.pool_size": SettingUnit.RISKS,
    "monte_carlo.iterations": SettingUnit.DRAWS,
    "monte_carlo.confidence": FigureUnit.SHARE,
    "monte_carlo.chunk_size": SettingUnit.DRAWS,
    "kpi.availability_target": FigureUnit.SHARE,
    "kpi.response_median_target_ms": SettingUnit.MILLISECONDS,
    "kpi.response_p95_target_ms": SettingUnit.MILLISECONDS,
    "kpi.wave4_municipalities": SettingUnit.MUNICIPALITIES,
    "kpi.wave5_threshold": SettingUnit.MUNICIPALITIES,
    "wave_routes.bilateral.capacity": SettingUnit.MUNICIPALITIES,
    "wave_routes.year": SettingUnit.YEAR,
    "wave_routes.not_ready": SettingUnit.MUNICIPALITIES,
    "budget.agreements.*.expected_dkk": FigureUnit.DKK,
    "budget.agreements.*.expected_dkk.*": FigureUnit.DKK,
    "budget.agreements.*.tolerance_dkk": FigureUnit.DKK,
    "approval.required": SettingUnit.APPROVERS,
}
"""The unit of each setting by its path (`*` any one key); a setting not here has none."""

PLAIN = {"monte_carlo.seed"}
"""Numbers written as they are, without thousands separators."""

NOT_GIVEN = "(ikke angivet)"


@dataclass(frozen=True)
class _Setting:
    path: tuple[str, ...]
    value: Any
    source: str | None  # None: nothing documents it
    figure: bool = False  # a figure, or a mapping of one per year: the table of assumptions has it


def params_rows(params: Params) -> pd.DataFrame:
    """The columns of HEADERS, one row per path `--set` accepts, in the params' order: a figure as the
    table of assumptions has it, a setting with its value as it is (a year stays 2024, a list a list);
    the unit as its code (`FigureUnit`, `SettingUnit`; None when it has none)."""
    figures = {str(row["parameter"]): row for row in assumptions(params).to_dict("records")}
    rows: list[dict[str, Any]] = []
    for item in _walk(params, (), None):
        dotted = ".".join(item.path)
        group = GROUPS.get(item.path[0], item.path[0])
        if item.figure:
            for parameter in [p for p in figures if p == dotted or p.startswith(dotted + ".")]:
                row = figures.pop(parameter)
                label, unit = figure_label(parameter)
                source = row["source"] if pd.notna(row["source"]) and row["source"] != "" else MISSING_SOURCE
                rows.append({"group": group, "path": parameter, "label": label, "value": row["value"],
                             "low": row["low"], "mode": row["mode"], "high": row["high"], "unit": unit,
                             "price_year": row["price_year"], "source": source})
            continue
        rows.append({"group": group, "path": dotted, "label": _setting_label(item.path), "value": item.value,
                     "low": None, "mode": None, "high": None, "unit": _lookup(SETTING_UNITS, item.path)[0],
                     "price_year": None, "source": item.source})
    frame = pd.DataFrame(rows, columns=list(HEADERS))
    for column in ("value", "unit", "source"):
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    frame["price_year"] = frame["price_year"].astype("Int64")
    return frame


def _walk(node: Any, path: tuple[str, ...], source: str | None) -> Iterator[_Setting]:
    """Every path under `node` that `--set` accepts, with the source that documents it."""
    if isinstance(node, Amount | ThreePoint) or (
            isinstance(node, dict) and node and all(isinstance(v, Amount | ThreePoint) for v in node.values())):
        yield _Setting(path, node, None, figure=True)
    elif isinstance(node, BaseModel):
        fields = type(node).model_fields
        own = getattr(node, SOURCE, None) if SOURCE in fields else None
        for name, info in fields.items():
            key = info.alias or name
            if name == SOURCE or (name.endswith(SOURCE_SUFFIX) and name.removesuffix(SOURCE_SUFFIX) in fields):
                continue
            if name == "id" and path and path[-1] == str(getattr(node, "id", None)):
                continue  # an item named by its id
            documented = f"{name}{SOURCE_SUFFIX}"
            if documented in fields:
                field_source: str | None = getattr(node, documented) or MISSING_SOURCE
            else:
                field_source = own or source
            value = getattr(node, name)
            if isinstance(value, dict) and name not in node.model_fields_set:
                yield _Setting((*path, key), value, field_source)  # a default: set whole, not key by key
                continue
            yield from _walk(value, (*path, key), field_source)
    elif isinstance(node, dict) and node and all(isinstance(v, BaseModel) for v in node.values()):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)), source)
    elif isinstance(node, dict) and node:
        for key, value in node.items():
            yield _Setting((*path, str(key)), value, source)
    elif isinstance(node, list | tuple) and node and all(isinstance(v, BaseModel) and hasattr(v, "id") for v in node):
        for value in node:  # items named by their id (a list without ids is one value, set whole)
            yield from _walk(value, (*path, str(value.id)), source)
    else:
        yield _Setting(path, node, source)


def _lookup(table: Mapping[str, Any], path: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """The entry of `table` whose pattern matches `path` (`*` any one key) and the keys `*` stood for."""
    for pattern, entry in table.items():
        parts = pattern.split(".")
        if len(parts) == len(path) and all(p in ("*", key) for p, key in zip(parts, path, strict=True)):
            return entry, tuple(key for p, key in zip(parts, path, strict=True) if p == "*")
    return None, ()


def _setting_label(path: tuple[str, ...]) -> str:
    label, keys = _lookup(SETTING_LABELS, path)
    return str(label).format(*keys) if label is not None else ".".join(path)


def params_listing(params: Params) -> pd.DataFrame:
    """`params_rows` as a person reads it: Danish headers and unit names."""
    frame = params_rows(params)
    frame["unit"] = [unit_label(unit) for unit in frame["unit"]]
    frame["value"] = [_csv_value(value) for value in frame["value"]]
    return frame.rename(columns=HEADERS)


def unit_label(unit: Unit | None, value: Any = None) -> str:
    """The Danish name of `unit`, in the singular after 1 (`1 måned`)."""
    if isinstance(unit, FigureUnit):
        return UNIT_LABELS[unit]
    if isinstance(unit, SettingUnit):
        if _is_one(value) and unit in SETTING_UNIT_SINGULAR:
            return SETTING_UNIT_SINGULAR[unit]
        return SETTING_UNIT_LABELS[unit]
    return ""


def _is_one(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 1


def params_text(params: Params) -> str:
    """The listing for the terminal: a line of introduction, then per group its heading and one line per
    path: `sti: værdi enhed [prisår-priser] – betegnelse. Kilde: kilde`. A three-point figure's first
    number is its PERT mean (`PERT-middel 7,5 % (lav …, sandsynligst …, høj …)`); shares in percent."""
    lines = [INTRO]
    group = None
    for row in params_rows(params).to_dict("records"):
        if row["group"] != group:
            group = row["group"]
            lines += ["", str(group)]
        unit = row["unit"]
        value = str(row["value"]) if row["path"] in PLAIN else _shown(row["value"], unit)
        if pd.notna(row["low"]):
            value = (f"PERT-middel {value} (lav {_shown(row['low'], unit)}, sandsynligst "
                     f"{_shown(row['mode'], unit)}, høj {_shown(row['high'], unit)})")
        price_year = f" [{row['price_year']}-priser]" if pd.notna(row["price_year"]) else ""
        source = f". Kilde: {row['source']}" if row["source"] else ""
        lines.append(f"  {row['path']}: {value}{price_year} – {row['label']}{source}")
    return "\n".join(lines)


def _shown(value: Any, unit: Unit | None) -> str:
    """A value in its unit, Danish style: `386.708 kr.`, `7,5 %`, `1 måned`, `2024`, a text as it is."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NOT_GIVEN
    if unit == FigureUnit.SHARE and isinstance(value, int | float):
        return f"{_number(float(value) * 100)} %"
    if unit == SettingUnit.YEAR:
        return f"{value} {unit_label(unit)}"
    if isinstance(value, bool | str | Path | date | Enum):
        return _text(value)
    if isinstance(value, list | tuple):
        return _text(value)
    if isinstance(value, int | float):
        name = unit_label(unit, value) if unit is not None else ""
        return f"{_number(value)} {name}".rstrip()
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        if any(isinstance(v, BaseModel) for v in value):  # as YAML would write it, on one line
            dumped = [v.model_dump(mode="json", by_alias=True, exclude_none=True) for v in value]
            return yaml.safe_dump(dumped, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                  width=1_000_000).strip()
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def _csv_value(value: Any) -> Any:
    """A value as the CSV holds it: a number as a number, anything else as its text."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return _text(value)


def _number(value: Any) -> str:
    """As many decimals as the number has (up to four), Danish separators: `20.833,3333`, `7,5`, `2`."""
    if isinstance(value, float) and not value.is_integer():
        return number(value, 4).rstrip("0").rstrip(",")
    return number(value)
