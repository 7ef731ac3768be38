"""Shared runs: each is slow (kernels start, notebooks execute), so each is made once per session, and
once for all of pytest-xdist's workers together (`made_once`).

- `approval_project`: a project folder with two approvers and two runs of `kpro-econ run
  params/default.yaml`, started at the same moment through the real command line on the real notebooks.
- `default_run`: the first of those runs, as the README's run command makes it; the end-to-end and
  browser tests read it. (A run of its own would cost the suite a whole run more.)
- `fixture_run`: `run_workbook` on the tiny fixture notebook, with stand-in inputs and tables, so the
  runner's own machinery is tested whatever state the model and its notebooks are in. It also puts a
  decoy `python3` kernelspec first on the Jupyter path, to prove the runner ignores kernelspecs.

Of the fixture notebooks, `tiny_ok` shows a table and a chart (its kernel imports pandas and matplotlib, about
a CPU-second a run); a test of the runner's mechanics runs `tiny_plain`, which only prints a line.
"""

from __future__ import annotations

import compileall
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from filelock import FileLock

import kpro_econ.run  # noqa: F401  (first: the test modules' nbformat then loads fast, see its __init__)

if TYPE_CHECKING:
    from kpro_econ.inputs.load import WorkbookInputs
    from kpro_econ.tables import Table

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
    """One `kpro-econ run` through the command line: where it wrote and what it printed.

    Its run folder is the one folder in `out_dir`, or `out_dir / run_id` when several runs share it."""

    out_dir: Path
    returncode: int
    stdout: str
    stderr: str
    run_id: str | None = None

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


def run_in_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`kpro-econ ARGS` in `cwd` through `cli.main` in this process, its output captured: the same code as
    the script without starting a Python and importing the package again (one to two CPU-seconds each).
    Not for a release or `run --pdf`, which print with Playwright's sync API: it refuses to start where the
    session's browser already runs one."""
    from kpro_econ import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["kpro-econ", *args], code, stdout.getvalue(), stderr.getvalue())


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package once, before any test starts a Python: the suite starts about a hundred (each run's
    workers and kernels, the command line), and where bytecode is never written (PYTHONDONTWRITEBYTECODE, as
    this project's machines set it) each of them would compile every module it imports again. Measured: the
    whole suite took 191–198 s so, 176–179 s with the bytecode cached. Written beside the sources, as Python
    itself writes it (`__pycache__`, git-ignored); once, by the process that starts pytest-xdist's workers."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        compileall.compile_dir(REPO / "src", quiet=2)  # a tree that cannot be written is simply not cached


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per CPU this process may run on (a container's CPU set, not the host's count
    `os.cpu_count` shows), at most 4: past that the longest test files, not the workers, set the time,
    and each worker's runs start kernels of their own."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(usable, 4))


# Fixtures that make real runs (kernels, notebooks) or open the browser: a test that uses one is slow, and
# is marked so by what it uses, whoever writes it (`-m "not e2e and not browser"` is the fast subset).
_RUN_FIXTURES = {"default_run", "default_run_dir", "fixture_run", "approval_project", "approved_project",
                 "released_project"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _RUN_FIXTURES:
            item.add_marker(pytest.mark.e2e)
        if "browser" in used:
            item.add_marker(pytest.mark.browser)


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """`make(folder)` once for the whole session, its folder and what it returned (JSON).

    Under pytest-xdist every worker is a session of its own: the first to ask makes the folder under a
    lock in the folder the workers share, the others wait for it and read what it recorded.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    shared = tmp_path_factory.getbasetemp().parent  # this session's, above each worker's own
    folder, record = shared / name, shared / f"{name}.json"
    with FileLock(shared / f"{name}.lock"):
        if record.is_file():
            return folder, json.loads(record.read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)  # left by a worker whose `make` failed
        folder.mkdir()
        result = make(folder)
        record.write_text(json.dumps(result), encoding="utf-8")
        return folder, result


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
def default_run(approval_project: ApprovalProject) -> CliRun:
    """`kpro-econ run params/default.yaml` from a project folder, as the README says: the first of the
    approval project's runs (the shipped params and data, two approvers named in the params)."""
    first = approval_project.printed[0]
    printed = re.search(r"reports[/\\]([^/\\\s]+)[/\\]index\.html", first["stdout"])  # / or \ (Windows)
    return CliRun(approval_project.root / "reports", first["returncode"], first["stdout"], first["stderr"],
                  run_id=printed.group(1) if printed else None)


@pytest.fixture(scope="session")
def default_run_dir(default_run: CliRun) -> Path:
    assert default_run.returncode == 0, default_run.stderr
    return default_run.run_dir


def fixture_tables() -> dict[Table, pd.DataFrame]:
    """Stand-in for the workbook's tables, each as `kpro_econ.tables` declares it: Danish text, decimals."""
    from kpro_econ.tables import Table

    return {
        Table.COST_BY_YEAR: pd.DataFrame({
            "scenario": ["Basis", "Højere årsværkspris"], "year": [2025, 2026], "line_code": ["support", "fut_fee"],
            "kind": ["drift", "engangs"], "amount_dkk": [1234.5, 0.1 + 0.2], "basis": ["booked", "estimated"],
        }),
        Table.MONTECARLO_SUMMARY: pd.DataFrame({"statistic": ["mean", "contingency"], "value_dkk": [10.0, 2.5]}),
    }


def fake_inputs(params_path: Path, overrides: Any = (), earlier: Any = None) -> WorkbookInputs:
    """Stand-in for `load_inputs` (same arguments): real inputs of small params without registers, so the
    runner reads what it always reads (the stand-in workbook's tables are `fixture_tables`)."""
    from kpro_econ.inputs.load import ScenarioInputs, WorkbookInputs
    from kpro_econ.params.models import Params

    params = Params.model_validate({
        "title": FIXTURE_TITLE, "monte_carlo": {"seed": FIXTURE_SEED},
        "years": [2026], "price_level_year": 2026, "price_index": {2026: 0.0}, "discount_rate": 0.0,
        "fte": {"annual_cost": 1}, "fut_fee": {"kommunal_pro_fte_share": 0, "telma_fte_share": 0},
        "support": {"base_price": 1}, "change_requests": {"items": []}, "fees": {"solution": 1, "infrastructure": 1},
        "allocation": {"key": "population", "municipalities": "municipalities.csv"},
    })
    base = ScenarioInputs("Basis", params, pd.DataFrame(), pd.DataFrame())
    return WorkbookInputs(params_path, {base.name: base}, files=[params_path], overrides=[str(o) for o in overrides])


def use_fixture_stand_ins(monkeypatch: pytest.MonkeyPatch, notebooks: Path) -> None:
    from kpro_econ import workbook
    from kpro_econ.inputs import load as inputs
    from kpro_econ.run import runner

    # The runner imports these two where it calls them, so patching their home modules is enough.
    monkeypatch.setattr(inputs, "load_inputs", fake_inputs)
    monkeypatch.setattr(workbook.Workbook, "tables", lambda self: fixture_tables())
    monkeypatch.setattr(runner, "default_notebooks_dir", lambda: notebooks)
    # the stand-in notebooks are a pack of their own
    monkeypatch.setattr(runner, "PACK", tuple(nb.stem for nb in sorted(FIXTURE_NOTEBOOKS.glob("*.ipynb"))))


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
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> FixtureRun:
    from kpro_econ.run.runner import run_workbook

    def make(base: Path) -> dict[str, Any]:
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
        return {"run_dir": run_dir.name, "progress": progress}

    base, made = made_once(tmp_path_factory, "fixture-run", make)
    return FixtureRun(base / "reports" / made["run_dir"], base / "tiny.yaml", fixture_tables(), made["progress"])


def files_in(folder: Path) -> set[str]:
    """Every file under `folder`, as POSIX paths relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# --- Approval and release ---

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
    printed: tuple[dict[str, Any], ...] = ()  # each run's exit code, stdout and stderr, as started

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

    def make(root: Path) -> dict[str, Any]:
        for folder in ("params", "data"):
            shutil.copytree(REPO / folder, root / folder)
        setup_approvers(root)
        started = [
            subprocess.Popen([*kpro_econ_command(), "run", "params/default.yaml"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        printed = []
        for process in started:
            stdout, stderr = process.communicate(timeout=CLI_TIMEOUT_S)
            printed.append({"returncode": process.returncode, "stdout": stdout, "stderr": stderr})
        return {"printed": printed}

    root, made = made_once(tmp_path_factory, "approval-project", make)
    for run in made["printed"]:
        assert run["returncode"] == 0, run["stderr"]
    return ApprovalProject(root, {name: root / "keys" / name for name in APPROVERS}, tuple(made["printed"]))


APPROVAL_NOTE = "Gennemgået <b>med</b> økonomi"


@pytest.fixture(scope="session")
def approved_project(tmp_path_factory: pytest.TempPathFactory, approval_project: ApprovalProject) -> ApprovalProject:
    """A copy of `approval_project` whose first run Anna has approved, with a note; the second is a draft.
    Her approval, the project's first, also wrote the ledger's genesis (params/approvers recorded, signed).
    Tests that change anything work on a copy of it (`copy_project`)."""

    def make(folder: Path) -> dict[str, Any]:
        project = copy_project(approval_project, folder / "project")
        done = approve_cli(project, project.runs()[0], "anna", "--note", APPROVAL_NOTE)
        return {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

    folder, done = made_once(tmp_path_factory, "approved-project", make)
    root = folder / "project"
    assert done["returncode"] == 0, done["stderr"]
    first_run = approval_project.runs()[0].name
    printed = done["stdout"].splitlines()
    # The project's first approval also records params/approvers in the ledger (its genesis).
    assert printed[0].startswith("Første udgave af params/approvers (sha256 ") and len(printed) == 2
    assert printed[1] == f"Godkendt: {first_run} af Anna (afdelingsleder), signatur ok"
    return ApprovalProject(root, {name: root / "keys" / name for name in APPROVERS})


@pytest.fixture(scope="session")
def released_project(tmp_path_factory: pytest.TempPathFactory, approved_project: ApprovalProject) -> ApprovalProject:
    """A copy of `approved_project` whose first run is released too, printed by the browser named by path
    (through the installed script: printing starts a browser of its own). Tests that change anything work on
    a copy of it (`copy_project`)."""

    def make(folder: Path) -> dict[str, Any]:
        project = copy_project(approved_project, folder / "project")
        run = project.runs()[0]
        done = run_cli("release", str(run.relative_to(project.root)), "--browser", str(CHROMIUM),
                       *release_key(project), cwd=project.root)
        return {"returncode": done.returncode, "stderr": done.stderr}

    folder, done = made_once(tmp_path_factory, "released-project", make)
    assert done["returncode"] == 0, done["stderr"]
    root = folder / "project"
    return ApprovalProject(root, {name: root / "keys" / name for name in APPROVERS})


def copy_project(project: ApprovalProject, target: Path) -> ApprovalProject:
    shutil.copytree(project.root, target)
    return ApprovalProject(target, {name: target / "keys" / name for name in project.keys})


def release_key(project: ApprovalProject, who: str = "anna") -> tuple[str, ...]:
    """`--key KEY --as IDENTITY` for `release`: an approver signs the release as they sign an approval."""
    return ("--key", str(project.keys[who]), "--as", APPROVERS[who][0])


def approve_cli(project: ApprovalProject, run: Path, who: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`kpro-econ approve RUN --key keys/WHO --as IDENTITY` in the project folder (in this process)."""
    identity = APPROVERS[who][0]
    return run_in_process("approve", str(run.relative_to(project.root)), "--key", str(project.keys[who]), "--as",
                          identity, *extra, cwd=project.root)
