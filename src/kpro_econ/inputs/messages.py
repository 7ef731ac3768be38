"""Danish wording of what is wrong with an input: pydantic's errors, and "mente du …?" suggestions.

Every register reader and the params loader word a pydantic error through `pydantic_message`, so a
user never sees pydantic's English ("Field required", "Keys should be strings"). Our own validators
raise `ValueError`s already worded in Danish; those pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kpro_econ.errors import closest, suggestion

__all__ = ["allowed_values", "closest", "pydantic_message", "suggestion"]

_PLAIN: dict[str, str] = {
    "missing": "skal udfyldes, men mangler",
    "extra_forbidden": "ukendt nøgle",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "int_from_float": "skal være et heltal (uden decimaler)",
    "int_parsing_size": "tallet er for stort",
    "float_type": "skal være et tal",
    "float_parsing": "skal være et tal",
    "finite_number": "skal være et endeligt tal",
    "bool_type": "skal være ja eller nej (true/false)",
    "bool_parsing": "skal være ja eller nej (true/false)",
    "string_type": "skal være tekst",
    "dict_type": "skal være en samling af nøgler og værdier (en YAML-mapping)",
    "mapping_type": "skal være en samling af nøgler og værdier (en YAML-mapping)",
    "model_type": "skal være en samling af nøgler og værdier (en YAML-mapping)",
    "model_attributes_type": "skal være en samling af nøgler og værdier (en YAML-mapping)",
    "list_type": "skal være en liste",
    "tuple_type": "skal være en liste",
    "set_type": "skal være en liste",
    "path_type": "skal være en filsti (tekst)",
    "none_required": "skal være tom",
    "date_type": "skal være en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    "date_parsing": "ikke en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    "date_from_datetime_parsing": "ikke en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    "date_from_datetime_inexact": "en dato uden klokkeslæt (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    "string_too_short": "må ikke være tom",
}

_BOUNDS: dict[str, str] = {
    "greater_than": "skal være større end {gt}",
    "greater_than_equal": "skal være mindst {ge}",
    "less_than": "skal være mindre end {lt}",
    "less_than_equal": "må højst være {le}",
    "too_short": "skal have mindst {min_length}",
    "too_long": "må højst have {max_length}",
    "string_too_long": "må højst være {max_length} tegn",
}

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def pydantic_message(err: Mapping[str, Any]) -> str:
    """The Danish message for one of pydantic's `ValidationError.errors()`."""
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Our own validators: worded in Danish where they are raised.
        return str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if _is_key(err):
        return "en nøgle her skal være " + ("et heltal (fx et år)" if kind.startswith("int") else "tekst")
    if kind in ("literal_error", "enum"):
        allowed = allowed_values(err)
        text = f"skal være en af: {', '.join(allowed)}"
        value = err.get("input")
        return text + (suggestion(str(value), allowed) if isinstance(value, str) else "")
    if kind in _BOUNDS:
        bounds = {k: _number(v) for k, v in ctx.items()}
        text = _BOUNDS[kind].format(**bounds)
        if kind in ("too_short", "too_long"):
            text += " element" if ctx.get("min_length", ctx.get("max_length")) == 1 else " elementer"
        return text
    if kind in _PLAIN:
        return _PLAIN[kind]
    return "ugyldig værdi"


def allowed_values(err: Mapping[str, Any]) -> list[str]:
    """The values a `literal_error` or `enum` error allows, as the user would write them."""
    expected = str((err.get("ctx") or {}).get("expected", ""))
    return _QUOTED.findall(expected) or [part.strip() for part in re.split(r",| or ", expected) if part.strip()]


def _is_key(err: Mapping[str, Any]) -> bool:
    return bool(err.get("loc")) and err["loc"][-1] == "[key]"


def _number(value: Any) -> str:
    """A bound as a Dane reads it: 1000000 as 1.000.000, 0.5 as 0,5."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)
