"""One exception family. Messages name file, field and value so a controller can fix the input."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class KproError(Exception):
    """Base of every error the workbook raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: rendered as `FILE[:LINE]: field.path: message (fik VALUE)`."""

    file: str
    field: str
    message: str
    value: Any = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        got = "" if self.value is None else f" (fik {_short(self.value)})"
        field = self.field or "-"
        return f"{where}: {field}: {self.message}{got}"


def unique_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in order. Scenarios share files and most params, so each repeats the base's
    faults: a scenario's field (`scenarios.NAME.x`) counts as the base's (`x`). The same file, field,
    message, value and line is the same fault; a scenario's own value, or another row of a register, is not."""
    seen: set[tuple[str, str, str, str, int | None]] = set()
    unique = []
    for p in problems:
        field = p.field.split(".", 2)[-1] if p.field.startswith("scenarios.") else p.field
        key = (p.file, field, p.message, repr(p.value), p.line)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


class AsTyped(str):
    """A cell's text shown as the user typed it, without quotes: a number the column accepts, e.g. 6 or
    1.200.000,50. Any other text is shown quoted, so that blanks and stray characters are visible."""


def _short(value: Any) -> str:
    if isinstance(value, AsTyped):
        text = str(value)
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # -5000, not -5000.0
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ParamsError(KproError):
    """Invalid parameters or registers; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotebookRunError(KproError):
    """A notebook failed while executing; names the notebook, the cell and the error.

    `cell` is the cell's index in the notebook (0-based, as files and code count); the message
    numbers it from 1, as a person counts the cells in JupyterLab. `executed` is the path of the
    executed notebook, with its outputs and the error, when there is one.
    """

    def __init__(self, notebook: str, cell: int | None, error: str, executed: str | None = None) -> None:
        self.notebook = notebook
        self.cell = cell
        self.error = error
        self.executed = executed
        where = f"{notebook}, celle {cell + 1}" if cell is not None else notebook
        super().__init__(f"{where}: {error}")


class ApprovalError(KproError):
    """An approval, a release or a check of one was refused.

    `run` is the run folder refused (None when the refusal is not about one run), `reason` why, in Danish,
    and `files` what differs from what was run or approved, one line each (`data/x.csv: ændret`). The
    message is `RUN: reason`, with the files listed under it, indented; without a run, the reason alone.
    """

    def __init__(self, reason: str, run: Path | None = None, files: Sequence[str] = ()) -> None:
        self.reason = reason
        self.run = run
        self.files = tuple(files)
        head = reason if run is None else f"{run}: {reason}"
        super().__init__("\n".join([head, *(f"  {f}" for f in self.files)]))


def suggestion(word: str, choices: Iterable[str]) -> str:
    """` – mente du 'x'?` for the choice closest to `word`, or "" when none is close."""
    match = closest(word, choices)
    return f" – mente du '{match}'?" if match is not None else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `word` (difflib, ignoring case), or None when none is close."""
    by_folded = {str(choice).casefold(): str(choice) for choice in choices}
    close = difflib.get_close_matches(word.strip().casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None
