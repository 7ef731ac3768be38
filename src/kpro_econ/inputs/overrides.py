"""The controller's loop on the parsed params: `extends:` chains and `run --set PATH=VALUE` overrides.

Both work on the mapping `yaml_params.read_yaml` returns, before the scenarios are merged and the params
validated: a parent file (`extends: default.yaml`) is deep-merged under its child like a scenario, and
each override replaces one value of the base. A problem the validation then finds in an overridden
value names `--set PATH`; one in a value that comes from a parent names the parent file and its line.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kpro_econ.errors import ParamsError, Problem, suggestion
from kpro_econ.inputs.tables import resolved_path
from kpro_econ.inputs.yaml_params import DECIMAL_COMMA, decimal_comma, deep_merge, read_yaml

EXTENDS = "extends"
FIGURE_KEYS = ("value", "low", "mode", "high")

Lines = dict[tuple[str, ...], int]


@dataclass(frozen=True)
class Override:
    """One `--set PATH=VALUE`: the dotted path, the value as typed, and the value read as YAML."""

    path: tuple[str, ...]
    text: str
    value: Any

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def __str__(self) -> str:
        return f"{self.dotted}={self.text}"


def parse_overrides(arguments: Sequence[str]) -> list[Override]:
    """Each `PATH=VALUE`, its value read as YAML; a ParamsError naming every malformed one."""
    overrides, problems = [], []
    for argument in arguments:
        path, equals, text = argument.partition("=")
        parts = tuple(path.strip().split("."))
        if not equals or not path.strip() or any(not part.strip() for part in parts):
            problems.append(Problem(f"--set {argument}", "--set STI=VÆRDI", "skriv STI=VÆRDI, fx discount_rate=0.04"))
            continue
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "ikke en YAML-værdi"
            message = f"VÆRDI er ikke gyldig YAML: {problem}"
            problems.append(Problem(f"--set {path.strip()}", path.strip(), message, text))
            continue
        if isinstance(value, str) and DECIMAL_COMMA.fullmatch(text.strip()):  # 0,04 is a text to YAML
            problems.append(decimal_comma(f"--set {path.strip()}", (path.strip(),), text.strip(), None, "i --set"))
            continue
        overrides.append(Override(tuple(p.strip() for p in parts), text, value))
    if problems:
        raise ParamsError(problems)
    return overrides


@dataclass
class ParamsReader:
    """Reads a params file as `yaml_params.read_yaml` does, following `extends:` and applying overrides.

    After a read, `files` holds the chain (the file itself first, then each parent) and `origin` the
    file and line of every key that came from a parent, for `rewrite` to name the right place.
    """

    overrides: Sequence[Override] = ()
    files: list[Path] = field(default_factory=list)
    origin: dict[tuple[str, ...], tuple[str, int | None]] = field(default_factory=dict)
    validated: list[tuple[str, ...]] = field(default_factory=list)
    """Each override's path as the validation names it (a list's item by its position)."""

    def __call__(self, path: Path) -> tuple[dict[str, Any], Lines]:
        self.files, self.origin, self.validated = [], {}, []
        data, lines = self._chain(Path(path), [])
        for override in self.overrides:
            data, validated = _set(data, override)
            self.validated.append(validated)
        return data, lines

    def _chain(self, path: Path, seen: list[Path]) -> tuple[dict[str, Any], Lines]:
        data, lines = read_yaml(path)
        resolved = resolved_path(path)
        self.files.append(resolved)
        parent_ref = data.pop(EXTENDS, None)
        if parent_ref is None:
            return data, lines
        line = lines.get((EXTENDS,))
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise ParamsError([Problem(str(path), EXTENDS, "skal navngive en parameterfil, fx default.yaml", parent_ref,
                                       line)])
        parent = resolved_path(path.parent / parent_ref)
        if parent in [*seen, resolved]:
            raise ParamsError([Problem(str(path), EXTENDS,
                                       "extends-kæden går i ring tilbage til en fil, der allerede er i den",
                                       parent_ref, line)])
        if not parent.is_file():
            raise ParamsError([Problem(str(path), EXTENDS, f"filen findes ikke: {parent}", parent_ref, line)])
        parent_data, parent_lines = self._chain(parent, [*seen, resolved])
        for key, parent_line in parent_lines.items():
            if key not in lines:
                self.origin.setdefault(key, (str(parent), parent_line))
        return deep_merge(parent_data, data), {**parent_lines, **lines}


def _set(data: dict[str, Any], override: Override) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`data` with the value at the override's path replaced (mappings on the way made as needed), and the
    path as the validation names it (an item of a list by its position).

    An item of a list is named by its `id` (`budget.agreements.support.tolerance_dkk`) or its position
    from 0 (`budget.forecast_overrides.0.amount_dkk`). A figure given as a mapping keeps its price year
    and gets the override as its value and source, so that the table of assumptions says where the
    number came from.
    """
    result = copy.deepcopy(data)
    node: Any = result
    *parents, last = override.path
    path: list[str] = []
    for key in parents:
        if isinstance(node, list):
            index = _item(node, key, override)
            path.append(str(index))
            node = node[index]
            continue
        child = node.get(_key(node, key))
        if not isinstance(child, dict | list):
            child = {}
            node[_key(node, key)] = child
        path.append(key)
        node = child
    if isinstance(node, list):
        index = _item(node, last, override)
        node[index] = override.value
        return result, (*path, str(index))
    key = _key(node, last)
    current = node.get(key)
    if isinstance(current, Mapping) and "value" in current and not isinstance(override.value, Mapping):
        node[key] = {**{k: v for k, v in current.items() if k == "price_year"},
                     "value": override.value, "source": f"--set {override}"}
    else:
        node[key] = override.value
    return result, (*path, last)


def _item(items: list[Any], key: str, override: Override) -> int:
    """The position of the list item `key` names: the item whose `id` it is, else its position from 0."""
    ids = [str(item["id"]) for item in items if isinstance(item, Mapping) and "id" in item]
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and str(item.get("id")) == key:
            return index
    if key.isdigit() and int(key) < len(items):
        return int(key)
    known = f"id: {', '.join(ids)}" if ids else f"nummer fra 0 til {len(items) - 1}"
    raise ParamsError([Problem(f"--set {override.dotted}", override.dotted,
                               f"listen har intet element {key!r}; skriv et {known}" + suggestion(key, ids))])


def _key(node: Mapping[Any, Any], key: str) -> Any:
    """A YAML mapping may have integer keys (years); `--set price_index.2026=0.03` means the year."""
    if key not in node and key.lstrip("-").isdigit() and int(key) in node:
        return int(key)
    if key not in node and key.isdigit():
        return int(key)
    return key


def rewrite(problems: Sequence[Problem], reader: ParamsReader) -> list[Problem]:
    """Problems pointing at an overridden value name `--set PATH`; those at a parent's value its file and line."""
    out = []
    for problem in problems:
        path = tuple(part for part in problem.field.split(".") if part)
        base_path = path[2:] if path[:1] == ("scenarios",) else path
        paths = reader.validated or [o.path for o in reader.overrides]
        override = next((o for o, at in zip(reader.overrides, paths, strict=False) if _overlaps(at, base_path)), None)
        if override is not None:
            out.append(replace(problem, file=f"--set {override.dotted}", line=None))
            continue
        for end in range(len(base_path), 0, -1):
            if base_path[:end] in reader.origin:
                file, line = reader.origin[base_path[:end]]
                out.append(replace(problem, file=file, line=line))
                break
        else:
            out.append(problem)
    return out


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One path lies within the other (a problem in a figure the override replaced, or under it)."""
    n = min(len(a), len(b))
    return n > 0 and a[:n] == b[:n]
