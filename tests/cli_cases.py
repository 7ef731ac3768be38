"""Bad input through the command line: the machinery the test_bad_*input.py modules share.

A case copies params/default.yaml and data/ into a temporary folder (so the relative paths in the
params keep working), breaks one thing there and says, as an `Expect`, which line stderr must hold.
`validate_refuses` and `run_refuses` run such a case through `kpro_econ.cli.main` in that folder,
in this process, its output captured (`kpro`): starting a Python per case made these cases most of
the suite's time. One or two cases per module pass `script=True` and go through the installed
`kpro-econ` script instead, so the entry point itself stays covered; those start a Python and are
marked `e2e` (`script_marked`), outside the fast subset.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, run_cli, run_in_process

PARAMS = "params/default.yaml"
# Each call is one validation or one refused run: far quicker than a real run (conftest's limit).
CASE_TIMEOUT_S = 120


@dataclass(frozen=True)
class Expect:
    """What stderr must hold: `file` (`:line` when given) then `field`, and a part of the message; and how
    many problems the case makes in all (one line each), for the tests that count them."""

    file: str
    field: str
    message: str
    line: int | None = None
    problems: int = 1

    def check(self, stderr: str) -> None:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        pattern = rf"^{re.escape(where)}: {re.escape(self.field)}: .*{re.escape(self.message)}"
        assert re.search(pattern, stderr, re.MULTILINE), f"no line like {pattern!r} in:\n{stderr}"


Case = Callable[[Path], Expect]


def copy_project(target: Path) -> Path:
    """`target` holding copies of params/default.yaml, params/approvers and data/, as in the repository."""
    (target / "params").mkdir(parents=True)
    shutil.copy(REPO / PARAMS, target / PARAMS)
    shutil.copy(REPO / "params" / "approvers", target / "params" / "approvers")
    shutil.copytree(REPO / "data", target / "data")
    return target


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace `old` (which must occur once) and return the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def line_of(path: Path, start: str) -> int:
    """1-based line of the line that starts with `start`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def read_rows(path: Path) -> list[list[str]]:
    """The CSV file's rows, header first; row i is on line i + 1 (no cell spans lines)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert not any("\n" in cell for row in rows for cell in row), "row i must be on line i + 1"
    return rows


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    """Write `rows` as CSV, one line each."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def script_marked(cases: list[Case], script_cases: set[Case]) -> list[Case | object]:
    """The cases to parametrize a test with, those that go through the installed script marked `e2e`."""
    return [pytest.param(case, marks=pytest.mark.e2e) if case in script_cases else case for case in cases]


def kpro(*args: str, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """`kpro-econ ARGS` in `cwd`: in this process through `cli.main`, or with `script` through the installed
    script in a process of its own; either way its exit code and what it printed."""
    if script:
        return run_cli(*args, cwd=cwd, timeout=CASE_TIMEOUT_S)
    return run_in_process(*args, cwd=cwd)


def validate(root: Path, *, script: bool = False) -> subprocess.CompletedProcess[str]:
    """`kpro-econ validate params/default.yaml` in `root`."""
    return kpro("validate", PARAMS, cwd=root, script=script)


# Common English words of a message; none may reach a Danish controller (the literal "(fik VALUE)" aside).
# (Not "line" or "item": a register has a column named line, and a message may list the columns.)
ENGLISH = re.compile(r"\b(must|required|unknown|duplicate|misspelt|not an?|should|is|are|missing|blank|before|"
                     r"after|between|above|below|or more|or less|also on|expected|invalid|write|only|the)\b",
                     re.IGNORECASE)


def english_in(stderr: str) -> list[str]:
    """The lines of `stderr` whose message (after `file[:line]: field: `, without the value it shows and
    without the names quoted in it) holds a common English word."""
    found = []
    for line in stderr.splitlines():
        message = line.split(": ", 2)[-1]
        message = re.sub(r"\(fik .*\)$|'[^']*'", "", message)
        if ENGLISH.search(message):
            found.append(line)
    return found


def assert_refused(result: subprocess.CompletedProcess[str], *expected: Expect) -> None:
    """Exit code 2, stderr holds each expected `file[:line]: field: message` line, and every line is Danish."""
    assert result.returncode == 2, result.stderr
    for expect in expected:
        expect.check(result.stderr)
    assert not english_in(result.stderr), f"English in a message: {english_in(result.stderr)}"


def validate_refuses(
    case: Case, tmp_path: Path, *, script: bool = False
) -> tuple[Expect, subprocess.CompletedProcess[str]]:
    """`validate` on a copy broken by `case`: refused with the case's line and no traceback."""
    root = copy_project(tmp_path)
    expect = case(root)

    result = validate(root, script=script)

    assert_refused(result, expect)
    assert "Traceback" not in result.stderr
    return expect, result


def run_refuses(case: Case, tmp_path: Path, *, script: bool = False) -> Path:
    """`run --out tmp_path/out` on a copy in tmp_path/project broken by `case`: refused with the case's line,
    no traceback and no reports/ in the project. Returns the `--out` folder, for the caller's checks of it."""
    root = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    expect = case(root)

    result = kpro("run", PARAMS, "--out", str(out), cwd=root, script=script)

    assert_refused(result, expect)
    assert "Traceback" not in result.stderr
    assert not (root / "reports").exists()
    return out


def assert_nothing_written(out: Path) -> None:
    """Neither the `--out` folder nor the build/ folder beside it (executed notebooks go there) exists."""
    assert not out.exists()
    assert not (out.parent / "build").exists()
