"""Shared runs: each is slow (kernels start, notebooks execute), so each is made once per session.

- `project_runs`: a project folder of its own (copies of params/ and data/) in which two
  `kpro-econ run params/default.yaml` start at the same moment, through the installed script on the
  real notebooks. The approval tests work on copies of it; `default_run` is the first of the two,
  which the end-to-end and browser tests read. The default pack is run nowhere else at session scope.
- `fixture_run`: `run_workbook` on the tiny fixture notebook, with stand-in inputs and tables, so the
  runner's own machinery is tested whatever state the model and its notebooks are in. It also puts a
  decoy `python3` kernelspec first on the Jupyter path, to prove the runner ignores kernelspecs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURE_NOTEBOOKS = REPO / "tests" / "fixtures" / "notebooks"
DEFAULT_PARAMS = Path("params") / "default.yaml"
FIXTURE_TITLE = "Prøvepakke <med> & tegn"
FIXTURE_SEED = 4242
CLI_TIMEOUT_S = 1200
CHROMIUM = Path("/usr/bin/chromium")
# The flags that work on this project's machines: no sandbox as root, and no background traffic
# (a closed network refuses it, and it would show up as requests the page did not make).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class CliRun:
    """One `kpro-econ run` through the command line: where it wrote and what it printed."""

    out_dir: Path
    returncode: int
    stdout: str
    stderr: str
    run_id: str | None = None  # which run folder in out_dir is this run's, when there are more

    @property
    def run_dir(self) -> Path:
        if self.run_id is not None:
            return self.out_dir / self.run_id
        folders = [p for p in self.out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
        assert len(folders) == 1, f"expected one run folder in {self.out_dir}, found {folders}\n{self.stderr}"
        return folders[0]


@dataclass(frozen=True)
class FixtureRun:
    """One `run_workbook` on the fixture notebook."""

    run_dir: Path
    params_path: Path
    tables: dict[str, pd.DataFrame]
    progress: list[str] = field(default_factory=list)


def kpro_econ_command() -> list[str]:
    """The installed `kpro-econ` script beside this Python, else the same entry point via `-m`."""
    script = Path(sys.executable).with_name("kpro-econ")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kpro_econ.cli"]


def run_cli(*args: str, cwd: Path = REPO, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """`kpro-econ ARGS` in `cwd`, its output captured; it fails the test if it outlasts `timeout` seconds."""
    return subprocess.run(
        [*kpro_econ_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one for the whole session (Playwright's sync API
    allows one instance at a time); never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass(frozen=True)
class ProjectRuns:
    """A project folder (params/, data/) and the two runs started together in it, in start order."""

    root: Path
    runs: tuple[CliRun, CliRun]


@pytest.fixture(scope="session")
def project_runs(tmp_path_factory: pytest.TempPathFactory) -> ProjectRuns:
    """Two runs of the default params started at the same moment, in a project of their own (so they
    neither read nor write the repository's reports/), each through the installed `kpro-econ` script."""
    root = tmp_path_factory.mktemp("project")
    for folder in ("params", "data"):
        shutil.copytree(REPO / folder, root / folder)
    out_dir = root / "reports"
    started = [
        subprocess.Popen([*kpro_econ_command(), "run", DEFAULT_PARAMS.as_posix(), "--out", str(out_dir)], cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    done = []
    for process in started:
        stdout, stderr = process.communicate(timeout=CLI_TIMEOUT_S)
        done.append((process.returncode, stdout, stderr))
    names = sorted(p.name for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) if (
        out_dir.is_dir()) else []
    runs = [
        # each run printed where its index.html is: that names its folder
        CliRun(out_dir, code, stdout, stderr, next((n for n in names if str(out_dir / n / "index.html") in stdout),
                                                    None))
        for code, stdout, stderr in done
    ]
    first, second = sorted(runs, key=lambda run: run.run_id or "")
    return ProjectRuns(root, (first, second))


@pytest.fixture(scope="session")
def default_run(project_runs: ProjectRuns) -> CliRun:
    """`kpro-econ run params/default.yaml` on the real notebooks: the first of the project's two runs."""
    return project_runs.runs[0]


@pytest.fixture(scope="session")
def default_run_dir(default_run: CliRun) -> Path:
    assert default_run.returncode == 0, default_run.stderr
    return default_run.run_dir


def fixture_tables() -> dict[str, pd.DataFrame]:
    """Stand-in for `compute_tables`: Danish text, decimals, an index worth keeping, a long name."""
    return {
        "cost_by_year": pd.DataFrame(
            {"år": [2025, 2026], "udgift_kr": [1234.5, 0.1 + 0.2], "art": ["drift", "æø"]}
        ),
        "allocation": pd.DataFrame(
            {"andel": [0.25, 0.75]}, index=pd.Index(["Aalborg", "Læsø"], name="kommune")
        ),
        "a_table_name_longer_than_excel_allows_for_sheets": pd.DataFrame({"x": [1]}),
    }


def fake_inputs(params_path: Path, previous_run: str = "auto", reports_dir: Path | None = None) -> Any:
    """Stand-in for `load_inputs`: only what the runner reads from a WorkbookInputs."""
    params = SimpleNamespace(title=FIXTURE_TITLE, monte_carlo=SimpleNamespace(seed=FIXTURE_SEED))
    return SimpleNamespace(params_path=params_path, files=[params_path], base=SimpleNamespace(params=params),
                           previous_run=None)


def use_fixture_stand_ins(monkeypatch: pytest.MonkeyPatch, notebooks: Path) -> None:
    from kpro_econ import workbook
    from kpro_econ.inputs import load as inputs
    from kpro_econ.run import runner

    # The runner imports these two where it calls them, so patching their home modules is enough.
    monkeypatch.setattr(inputs, "load_inputs", fake_inputs)
    monkeypatch.setattr(workbook, "compute_tables", lambda inputs: fixture_tables())
    monkeypatch.setattr(runner, "default_notebooks_dir", lambda: notebooks)


def notebooks_folder(target: Path, *names: str) -> Path:
    """A folder holding copies of the named fixture notebooks (the runner runs a whole folder)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURE_NOTEBOOKS / name, target / name)
    return target


def install_decoy_kernelspec(jupyter_dir: Path) -> None:
    """A `python3` kernelspec that cannot start: if the runner used kernelspecs, runs would fail."""
    spec = jupyter_dir / "kernels" / "python3"
    spec.mkdir(parents=True)
    decoy = {
        "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Decoy",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(decoy), encoding="utf-8")


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureRun]:
    from kpro_econ.run.runner import run_workbook

    base = tmp_path_factory.mktemp("fixture-run")
    notebooks = notebooks_folder(base / "notebooks", "tiny_ok.ipynb")
    params_path = base / "tiny.yaml"
    params_path.write_text("title: prøve\n", encoding="utf-8")
    install_decoy_kernelspec(base / "jupyter")
    progress: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_fixture_stand_ins(monkeypatch, notebooks)
        monkeypatch.setenv("JUPYTER_PATH", str(base / "jupyter"))
        run_dir = run_workbook(
            params_path, out_dir=base / "reports", notebooks_dir=notebooks, progress=progress.append
        )
    yield FixtureRun(run_dir, params_path, fixture_tables(), progress)


def files_in(folder: Path) -> set[str]:
    """Every file under `folder`, as POSIX paths relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
