"""Read a params YAML file with the line of every key, merge scenarios, and validate into `Params`.

Errors become `Problem`s that name the file, the line, the field path and the value.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.params.models import EVERY_YEAR, Params


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The YAML mapping in `path` and the 1-based line of every key path in it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ParamsError([Problem(str(path), "-", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ParamsError([Problem(str(path), "-", f"not UTF-8 text ({exc.reason})")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamsError([Problem(str(path), "-", f"YAML syntax error: {problem}", line=line)]) from None
    if not isinstance(data, dict):
        raise ParamsError([Problem(str(path), "-", "must be a YAML mapping of parameters", _kind(data))])
    lines: dict[tuple[str, ...], int] = {}
    _collect_lines(node, (), lines)
    return data, lines


def _kind(data: Any) -> str:
    return "empty file" if data is None else type(data).__name__


def _collect_lines(node: yaml.Node | None, path: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            lines[sub] = key.start_mark.line + 1
            _collect_lines(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, str(i))
            lines[sub] = item.start_mark.line + 1
            _collect_lines(item, sub, lines)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` onto `base`: mappings merge key by key, anything else replaces.

    A figure (a mapping with `value` or `low/mode/high`) is replaced whole, so that a scenario can
    turn a three-point estimate into a certain value without leaving half of the old one behind.
    """
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping) and not _is_figure(value):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _is_figure(value: Mapping[str, Any]) -> bool:
    return bool(_FIGURE_KEYS & value.keys())


_FIGURE_KEYS = {"value", "low", "mode", "high"}


def validate_params(
    data: Mapping[str, Any], file: str, lines: Mapping[tuple[str, ...], int], prefix: tuple[str, ...] = ()
) -> Params:
    """`Params` from raw data, or a ParamsError with one Problem per pydantic error."""
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        raise ParamsError([_problem(err, file, lines, prefix, data) for err in exc.errors()]) from None


def _problem(
    err: Any, file: str, lines: Mapping[tuple[str, ...], int], prefix: tuple[str, ...], data: Mapping[str, Any]
) -> Problem:
    loc = tuple(str(part) for part in err["loc"] if part != EVERY_YEAR)
    loc = tuple(part for part in loc if not part.startswith("function-"))
    field = ".".join((*prefix, *loc)) or "-"
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input") if err["type"] != "missing" else None
    if isinstance(value, Mapping | list) and err["type"] != "extra_forbidden":
        value = None  # a whole sub-mapping is noise; the message says what is wrong with it
    if err["type"] == "extra_forbidden":
        message = "unknown key (misspelt?)"
        value = None
    return Problem(file, field, message, value, line=_nearest_line(loc, lines))


def _nearest_line(path: tuple[str, ...], lines: Mapping[tuple[str, ...], int]) -> int | None:
    """Line of the key at `path`, or of its nearest ancestor present in the file."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def load_params(
    path: Path, read: Callable[[Path], tuple[dict[str, Any], dict[tuple[str, ...], int]]] | None = None
) -> tuple[dict[str, Params], dict[str, Any]]:
    """Every scenario's `Params`, the base first as `Basis`, plus the raw data; all problems at once.

    `read` reads the file (default `read_yaml`; `overrides.ParamsReader` adds `extends:` and `--set`)."""
    data, lines = (read or read_yaml)(path)
    raw_scenarios = data.pop("scenarios", None) or {}
    problems: list[Problem] = []
    if not isinstance(raw_scenarios, dict):
        raise ParamsError([Problem(str(path), "scenarios", "must be a mapping of name to overrides",
                                   line=lines.get(("scenarios",)))])
    result: dict[str, Params] = {}
    for name, override in [(BASE_SCENARIO, {}), *raw_scenarios.items()]:
        prefix = () if name == BASE_SCENARIO else ("scenarios", str(name))
        if not isinstance(override, dict):
            problems.append(Problem(str(path), ".".join(prefix), "must be a mapping of overrides",
                                    override, line=lines.get(prefix)))
            continue
        # A scenario's line numbers are those of its override keys, else of the base key.
        scenario_lines = {**lines, **{k[len(prefix):]: v for k, v in lines.items() if k[: len(prefix)] == prefix}}
        try:
            result[str(name)] = validate_params(deep_merge(data, override), str(path), scenario_lines, prefix)
        except ParamsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParamsError(_unique(problems))
    return result, data


def _unique(problems: list[Problem]) -> list[Problem]:
    """A fault in the base repeats in every scenario; say it once."""
    seen: set[str] = set()
    unique = []
    for p in problems:
        key = f"{p.field.split('.', 2)[-1] if p.field.startswith('scenarios.') else p.field}|{p.message}"
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
