"""Read a params YAML file with the line of every key, merge scenarios, and validate into `Params`.

Errors become `Problem`s that name the file, the line, the field path and the value.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from kpro_econ.errors import AsTyped, ParamsError, Problem, unique_problems
from kpro_econ.inputs.messages import closest, pydantic_message, suggestion
from kpro_econ.inputs.tables import not_a_file, unreadable
from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.params.models import EVERY_YEAR, Params

MAX_PARAMS_BYTES = 5 * 1024 * 1024
"""A params file is a few kilobytes; anything above this is refused before it is read."""


@dataclass(frozen=True)
class ParsedYaml:
    """A params file's mapping and the 1-based line of every key path in it."""

    data: dict[str, Any]
    lines: dict[tuple[str, ...], int]


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The YAML mapping in `path` and the 1-based line of every key path in it."""
    parsed = read_params(path)
    return parsed.data, parsed.lines


def read_params(path: Path) -> ParsedYaml:
    """The params file at `path`, read and parsed once; a ParamsError for anything a params file may not be."""
    file = str(path)
    return parse_yaml(read_params_text(path, file), file)


def read_params_text(path: Path, file: str) -> str:
    """The text of a params file, refused with one clear problem if it is no readable, small text file."""
    try:
        problem = not_a_file(path)
        if problem is not None:
            raise ParamsError([Problem(file, "-", problem)])
        size = path.stat().st_size
        if size > MAX_PARAMS_BYTES:
            message = (f"filen er for stor til en parameterfil ({size / 1024 / 1024:.1f} MB; "
                       f"højst {MAX_PARAMS_BYTES // 1024 // 1024} MB)")
            raise ParamsError([Problem(file, "-", message)])
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"er ikke UTF-8-tekst (byte {exc.object[exc.start]:#04x} ved position {exc.start})"
        raise ParamsError([Problem(file, "-", message)]) from None
    except OSError as exc:
        raise ParamsError([Problem(file, "-", unreadable(exc))]) from None


def parse_yaml(text: str, file: str) -> ParsedYaml:
    """The mapping in `text` with the line of every key path: the one place params YAML is parsed.

    Refused, as problems naming their lines: YAML syntax errors, anchors and aliases (an alias bomb
    would expand to gigabytes; the loader stops at the first one), duplicate keys, and numbers
    written with a decimal comma.
    """
    loader = _loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ParamsError([Problem(file, "-", "filen er tom; den skal indeholde parametrene som en YAML-mapping")])
        lines: dict[tuple[str, ...], int] = {}
        problems: list[Problem] = []
        _walk(node, (), _Walk(file, loader, text.splitlines(), lines, problems))
        if problems:
            raise ParamsError(problems)
        data = loader.construct_document(node)
    except _Refused as exc:
        raise ParamsError([Problem(file, "-", exc.message, line=exc.line)]) from None
    except yaml.YAMLError as exc:
        raise ParamsError([yaml_problem(exc, file)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "en liste" if isinstance(data, list) else "en enkelt værdi"
        raise ParamsError([Problem(file, "-", f"skal være en YAML-mapping af parametre (nøgle: værdi), ikke {kind}")])
    return ParsedYaml(data, lines)


def yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    """A YAML syntax error, in Danish, at its line."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = str(getattr(exc, "problem", None) or exc)
    if "nesting depth" in problem:  # libyaml (PyYAML 6.0.4 on) may stop deep nesting before our composer
        return Problem(file, "-", _TOO_DEEP, line=line)
    for pattern, danish in _YAML_ERRORS:
        if pattern in problem:
            return Problem(file, "-", f"YAML-syntaksfejl: {danish}", line=line)
    return Problem(file, "-", f"YAML-syntaksfejl ({problem})", line=line)


_YAML_ERRORS = (
    ("cannot start any token", "et tegn, der ikke kan stå her (en tabulator? YAML indrykkes med mellemrum)"),
    ("mapping values are not allowed", "kolon, hvor YAML ikke venter et (mangler der anførselstegn om teksten?)"),
    ("could not find expected ':'", "en linje uden kolon efter nøglen"),
    ("expected <block end>", "indrykningen passer ikke med linjerne før"),
    ("end of stream", "filen slutter midt i en værdi (mangler et afsluttende anførselstegn eller en parentes?)"),
    ("found unhashable key", "en nøgle skal være tekst eller et tal"),
    ("could not determine a constructor", "ukendt YAML-mærke (tag med !); skriv værdien uden"),
    ("expected a single document", "filen må kun indeholde ét YAML-dokument (fjern '---')"),
    ("found another document", "filen må kun indeholde ét YAML-dokument (fjern '---')"),
    ("found undefined tag handle", "ukendt YAML-mærke (tag med !); skriv værdien uden"),
    ("while scanning a quoted scalar", "et anførselstegn lukkes ikke"),
)


class _Refused(Exception):
    """Something a params file may not hold, found while composing: the line and what to say."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_ANCHORS = "ankre og aliasser (& og *) er ikke tilladt i en parameterfil; skriv værdien ud"
MAX_DEPTH = 50
"""Nesting deeper than this is refused (params nest a handful of levels; composing recurses)."""
_TOO_DEEP = f"for dybt indlejret (mere end {MAX_DEPTH} niveauer)"


class _Composer(Composer):
    """Refuses an anchor or alias at its event, before any node is built from it, and nesting
    beyond MAX_DEPTH."""

    peek_event: Callable[[], Event]  # from the parser it is combined with
    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else None
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(line, _ANCHORS)
        if self._depth >= MAX_DEPTH:
            raise _Refused(line, _TOO_DEEP)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyLoader(Reader, Scanner, Parser, _Composer, SafeConstructor, Resolver):
    """Pure-Python parsing, where PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def _loader_class() -> Callable[[str], _Composer]:
    """A safe loader whose events come from libyaml when PyYAML has it (a file of 5 MB then takes a
    fraction of a second, not seconds) and whose composer is ours."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return _PyLoader

    class _CLoader(_Composer, SafeConstructor, Resolver, CParser):
        """Events from libyaml; composing (ours) and constructing (safe) in Python."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _CLoader


_LOADER = _loader_class()


def _loader(text: str) -> Any:
    return _LOADER(text)


@dataclass
class _Walk:
    file: str
    loader: Any
    text_lines: list[str]
    lines: dict[tuple[str, ...], int]
    problems: list[Problem]


_INTEGER = re.compile(r"[-+]?\d+")
_DIGITS = re.compile(r"\d+")
DECIMAL_COMMA = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})*,\d+|[-+]?\d+,\d+")


def _walk(node: Node, path: tuple[str, ...], walk: _Walk) -> None:
    """Record the line of every key path; find duplicate keys and decimal commas (each node once:
    without aliases the tree has no shared nodes)."""
    if isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            sub = (*path, str(key.value))
            line = key.start_mark.line + 1
            walk.lines.setdefault(sub, line)
            name = _key(key, walk.loader)
            if name in seen:
                message = f"nøglen står to gange (linje {seen[name]} og {line}); slet den ene"
                walk.problems.append(Problem(walk.file, ".".join(sub), message, line=line))
            elif name is not None:
                seen[name] = line
            _walk(value, sub, walk)
        if node.flow_style:
            _flow_decimal_commas([n for pair in node.value for n in pair], path, walk, mapping=True)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, str(i))
            walk.lines.setdefault(sub, item.start_mark.line + 1)
            _walk(item, sub, walk)
        if node.flow_style:
            _flow_decimal_commas(list(node.value), path, walk, mapping=False)
    elif isinstance(node, ScalarNode) and _plain(node) and DECIMAL_COMMA.fullmatch(node.value):
        walk.problems.append(decimal_comma(walk.file, path, node.value, node.start_mark.line + 1))


def _plain(node: ScalarNode) -> bool:
    """Written without quotes (libyaml says "", PyYAML None)."""
    return not node.style


def _key(key: Node, loader: Any) -> Any:
    """A key as Python compares it (so `2024` and `"2024"` differ, as in the loaded mapping); None if
    it cannot be a key (the constructor says so)."""
    if not isinstance(key, ScalarNode):
        return None
    try:
        value = loader.construct_object(key)
        hash(value)
    except (yaml.YAMLError, TypeError):
        return None
    return value


def _flow_decimal_commas(nodes: list[Node], path: tuple[str, ...], walk: _Walk, mapping: bool) -> None:
    """`{value: 0,035}` is read as `value: 0` and a key `035` (octal 29): find a whole number directly
    followed by a comma and digits, as a decimal comma would be."""
    for i, (first, second) in enumerate(itertools.pairwise(nodes)):
        if not (isinstance(first, ScalarNode) and isinstance(second, ScalarNode)):
            continue
        if not (_plain(first) and _plain(second)):
            continue
        if not (_INTEGER.fullmatch(first.value) and _DIGITS.fullmatch(second.value)):
            continue
        end, start = first.end_mark, second.start_mark
        row = walk.text_lines[end.line] if end.line < len(walk.text_lines) else ""
        if start.line == end.line and start.column == end.column + 1 and row[end.column:end.column + 1] == ",":
            # In a mapping, the number is a value and its key the node before it.
            key = str(nodes[i - 1].value) if mapping and i % 2 == 1 else str(i)
            walk.problems.append(
                decimal_comma(walk.file, (*path, key), f"{first.value},{second.value}", end.line + 1))


def decimal_comma(file: str, path: tuple[str, ...], written: str, line: int | None, where: str = "i YAML") -> Problem:
    """A number written with a decimal comma (`0,04`), with the number as YAML reads it (`0.04`)."""
    number = written.replace(".", "").replace(",", ".")
    message = f"decimalkomma: brug punktum som decimaltegn {where} ({number})"
    return Problem(file, ".".join(path) or "-", message, AsTyped(written), line=line)


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
    """`Params` from raw data, or a ParamsError with one Danish Problem per fault."""
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(_problems(exc.errors(), file, lines, prefix)) from None


def _problems(
    errors: list[Any], file: str, lines: Mapping[tuple[str, ...], int], prefix: tuple[str, ...]
) -> list[Problem]:
    """One problem per error; a misspelt key gets "mente du …?" and its meant key no "mangler"."""
    meant: set[tuple[str, ...]] = set()
    hints: dict[int, str] = {}
    for i, err in enumerate(errors):
        if err["type"] == "extra_forbidden":
            *parent, key = (str(part) for part in err["loc"])
            missing = [tuple(map(str, e["loc"])) for e in errors if e["type"] == "missing"]
            known = _keys_at(Params, tuple(parent)) | {loc[-1] for loc in missing if list(loc[:-1]) == parent}
            match = closest(key, sorted(known - {key}))
            if match is not None:
                hints[i] = suggestion(key, [match])
                meant.add((*parent, match))
    problems = []
    for i, err in enumerate(errors):
        if err["type"] == "missing" and tuple(str(part) for part in err["loc"]) in meant:
            continue  # the misspelt key's problem says which key it was meant to be
        problems.append(_problem(err, file, lines, prefix, hints.get(i, "")))
    return problems


def _problem(err: Any, file: str, lines: Mapping[tuple[str, ...], int], prefix: tuple[str, ...], hint: str) -> Problem:
    loc = tuple(str(part) for part in err["loc"] if part != EVERY_YEAR and part != "[key]")
    loc = tuple(part for part in loc if not part.startswith("function-"))
    field = ".".join((*prefix, *loc)) or "-"
    message = pydantic_message(err) + hint
    value = err.get("input") if err["type"] not in ("missing", "extra_forbidden") else None
    if isinstance(value, Mapping | list):
        value = None  # a whole sub-mapping is noise; the message says what is wrong with it
    return Problem(file, field, message, value, line=_nearest_line(loc, lines))


def _keys_at(model: Any, path: tuple[str, ...]) -> set[str]:
    """The keys the params allow at `path` (a pydantic error's location), or none where unknown."""
    annotations = [model]
    for part in path:
        annotations = [child for annotation in annotations for child in _children(annotation, part)]
    return {
        name for annotation in annotations for m in _models(annotation)
        for field_name, info in m.model_fields.items() for name in (field_name, info.alias) if name
    }


def _children(annotation: Any, part: str) -> list[Any]:
    """What is found under `part` in a value of type `annotation`: a model's field, a dict's value,
    a list's item, or a union's member named `part`."""
    found: list[Any] = []
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if member.__name__ == part:
                found.append(member)
            for name, info in member.model_fields.items():
                if part in (name, info.alias):
                    found.append(info.annotation)
        elif get_origin(member) in (dict, list, tuple):
            found.append(get_args(member)[-1] if get_origin(member) is dict else get_args(member)[0])
    return found


def _members(annotation: Any) -> list[Any]:
    """A type's alternatives: Annotated unwrapped, unions split."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]


def _models(annotation: Any) -> list[type[BaseModel]]:
    return [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]


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
    return scenarios_from(ParsedYaml(data, lines), str(path)), data


def scenarios_from(parsed: ParsedYaml, file: str) -> dict[str, Params]:
    """Every scenario's `Params` from a parsed params file, the base first as `Basis`.

    Takes `scenarios` out of `parsed.data`, leaving the base's raw data there.
    """
    data, lines = parsed.data, parsed.lines
    raw_scenarios = data.pop("scenarios", None) or {}
    problems: list[Problem] = []
    if not isinstance(raw_scenarios, dict):
        raise ParamsError([Problem(file, "scenarios", "skal være en mapping af scenariernes navne og ændringer",
                                   line=lines.get(("scenarios",)))])
    result: dict[str, Params] = {}
    for name, override in [(BASE_SCENARIO, {}), *raw_scenarios.items()]:
        prefix = () if name == BASE_SCENARIO else ("scenarios", str(name))
        if not isinstance(override, dict):
            problems.append(Problem(file, ".".join(prefix), "skal være en mapping af ændringer til basis",
                                    override, line=lines.get(prefix)))
            continue
        # A scenario's line numbers are those of its override keys, else of the base key.
        scenario_lines = {**lines, **{k[len(prefix):]: v for k, v in lines.items() if k[: len(prefix)] == prefix}}
        try:
            result[str(name)] = validate_params(deep_merge(data, override), file, scenario_lines, prefix)
        except ParamsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParamsError(unique_problems(problems))
    return result
