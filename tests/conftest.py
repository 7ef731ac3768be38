"""Shared runs: each is slow (kernels start, notebooks execute), so each is made once per session.

- `default_run`: `kpro-econ run params/default.yaml` through the real command line on the real
  notebooks; the end-to-end and browser tests read it.
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

    @property
    def run_dir(self) -> Path:
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


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    out_dir = tmp_path_factory.mktemp("default-run") / "reports"
    done = run_cli("run", str(DEFAULT_PARAMS), "--out", str(out_dir))
    return CliRun(out_dir, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def default_run_dir(default_run: CliRun) -> Path:
    assert default_run.returncode == 0, default_run.stderr
    return default_run.run_dir


def fixture_tables() -> dict[str, pd.DataFrame]:
    """Stand-in for the workbook's tables: Danish text, decimals, an index worth keeping, a long name."""
    return {
        "cost_by_year": pd.DataFrame(
            {"år": [2025, 2026], "udgift_kr": [1234.5, 0.1 + 0.2], "art": ["drift", "æø"]}
        ),
        "allocation": pd.DataFrame(
            {"andel": [0.25, 0.75]}, index=pd.Index(["Aalborg", "Læsø"], name="kommune")
        ),
        "a_table_name_longer_than_excel_allows_for_sheets": pd.DataFrame({"x": [1]}),
    }


def fake_inputs(params_path: Path, previous_run: str = "auto", reports_dir: Path | None = None,
                overrides: Any = ()) -> Any:
    """Stand-in for `load_inputs`: only what the runner reads from a WorkbookInputs."""
    params = SimpleNamespace(title=FIXTURE_TITLE, monte_carlo=SimpleNamespace(seed=FIXTURE_SEED))
    return SimpleNamespace(params_path=params_path, files=[params_path], base=SimpleNamespace(params=params),
                           previous_run=None, overrides=[str(o) for o in overrides])


def use_fixture_stand_ins(monkeypatch: pytest.MonkeyPatch, notebooks: Path) -> None:
    from kpro_econ import workbook
    from kpro_econ.inputs import load as inputs
    from kpro_econ.run import runner

    # The runner imports these two where it calls them, so patching their home modules is enough.
    monkeypatch.setattr(inputs, "load_inputs", fake_inputs)
    monkeypatch.setattr(workbook.Workbook, "tables", lambda self: fixture_tables())
    monkeypatch.setattr(runner, "default_notebooks_dir", lambda: notebooks)
    monkeypatch.setattr(runner, "PACK", None)  # the stand-in notebooks are a pack of their own


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


# --- Approval and release (issue 9) ---

# Throw-away approvers: anna and bent are in the project's allowed signers and roles, carl is not.
APPROVERS = {
    "anna": ("anna@rn.dk", "Anna", "afdelingsleder"),
    "bent": ("bent@rn.dk", "Bent", "controller"),
    "carl": ("carl@rn.dk", "Carl", "praktikant"),
}


def make_key(folder: Path, name: str) -> Path:
    """A new ed25519 key pair without passphrase, `folder/name` and `folder/name.pub`."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True,
                   capture_output=True)
    return key


def allowed_signers_line(identity: str, key: Path) -> str:
    public = key.with_name(f"{key.name}.pub").read_text(encoding="utf-8").strip()
    return f'{identity} namespaces="kpro-econ-approval" {public}\n'


@dataclass(frozen=True)
class ApprovalProject:
    """A project folder (params, data, keys) whose allowed signers are anna and bent, with two runs."""

    root: Path
    keys: dict[str, Path]

    def runs(self) -> list[Path]:
        return sorted(p for p in (self.root / "reports").iterdir() if p.is_dir() and not p.name.startswith("."))


def setup_approvers(root: Path) -> dict[str, Path]:
    """Keys for every approver in `root/keys`; anna and bent in `params/approvers` and in the roles."""
    keys = {name: make_key(root / "keys", name) for name in APPROVERS}
    (root / "params" / "approvers").write_text(
        "".join(allowed_signers_line(APPROVERS[n][0], keys[n]) for n in ("anna", "bent")), encoding="utf-8")
    params = root / "params" / "default.yaml"
    roles = ", ".join(f"{identity}: {{name: {name}, role: {role}}}"
                      for identity, name, role in (APPROVERS["anna"], APPROVERS["bent"]))
    text = params.read_text(encoding="utf-8")
    assert text.count("  roles: {}") == 1
    params.write_text(text.replace("  roles: {}", f"  roles: {{{roles}}}"), encoding="utf-8")
    return keys


@pytest.fixture(scope="session")
def approval_project(tmp_path_factory: pytest.TempPathFactory) -> ApprovalProject:
    """Two runs of the same params, started at the same moment, in a project of their own."""
    root = tmp_path_factory.mktemp("approval-project")
    for folder in ("params", "data"):
        shutil.copytree(REPO / folder, root / folder)
    keys = setup_approvers(root)
    started = [
        subprocess.Popen([*kpro_econ_command(), "run", "params/default.yaml"], cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in started:
        _, stderr = process.communicate(timeout=CLI_TIMEOUT_S)
        assert process.returncode == 0, stderr
    return ApprovalProject(root, keys)


def copy_project(project: ApprovalProject, target: Path) -> ApprovalProject:
    shutil.copytree(project.root, target)
    return ApprovalProject(target, {name: target / "keys" / name for name in project.keys})


def approve_cli(project: ApprovalProject, run: Path, who: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`kpro-econ approve RUN --key keys/WHO --as IDENTITY` in the project folder."""
    identity = APPROVERS[who][0]
    return run_cli("approve", str(run.relative_to(project.root)), "--key", str(project.keys[who]), "--as",
                   identity, *extra, cwd=project.root)
