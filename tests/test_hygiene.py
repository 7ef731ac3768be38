"""The repository stays clean: notebooks without outputs, outputs git-ignored, every package saying what it
offers (`__all__`), no history in the code. (Lint, types and the layers contract are checked by `.ci/run`
beside the tests: ruff, mypy, lint-imports.)"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURE_NOTEBOOKS, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(FIXTURE_NOTEBOOKS.glob("*.ipynb"))


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {index} has outputs"
            assert cell.get("execution_count") is None, f"cell {index} has an execution count"


def test_notebooks_have_a_parameters_cell_and_a_danish_title() -> None:
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{notebook.name}: needs exactly one cell tagged 'parameters'"
        assert "params_path" in "".join(tagged[0]["source"]), notebook.name
        # Every parameter is explained in Danish on the line above it, for the controller in JupyterLab.
        lines = "".join(tagged[0]["source"]).splitlines()
        for number, line in enumerate(lines):
            if re.match(r"^\w+\s*=", line):
                above = lines[number - 1] if number else ""
                assert above.startswith("# "), f"{notebook.name}: {line!r} has no comment above it"
                assert not re.search(r"\b(the|computes|runner|here)\b", above), f"{notebook.name}: {above!r}"
        markdown = next(c for c in cells if c["cell_type"] == "markdown")
        assert "".join(markdown["source"]).startswith("# "), (
            f"{notebook.name}: first markdown is not '# Title'"
        )


@pytest.mark.parametrize("output", ["reports/20261125-184512-default/index.html", "build/x/cost_model.ipynb"])
def test_run_outputs_are_git_ignored(output: str) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = _run("git", "check-ignore", "-q", output)
    assert done.returncode == 0, f"{output} is not git-ignored"


def _git(repo: Path, *args: str) -> bytes:
    # The filter runs `python -m nbstripout`: the Python of this test run, first on the PATH.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.fixture
def filtered_repo(tmp_path: Path) -> Path:
    """A fresh repository with the project's notebook filter turned on, as the README says."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    _git(repo, "init", "-q")
    for name in (".gitattributes", "nbstripout.gitconfig"):
        shutil.copy(REPO / name, repo / name)
    _git(repo, "config", "include.path", "../nbstripout.gitconfig")
    return repo


@pytest.mark.e2e
def test_the_git_filter_leaves_committed_notebooks_as_they_are(filtered_repo: Path) -> None:
    """Turning the filter on must not show every notebook as changed: the filter's command, as git is told to
    run it, changes none of them. (Given every notebook at once: one Python instead of one per notebook, as
    `git add` would start; the next test goes through git itself.)"""
    copies = [shutil.copy(notebook, filtered_repo / "notebooks" / notebook.name) for notebook in NOTEBOOKS]
    clean = shlex.split(_git(filtered_repo, "config", "filter.nbstripout.clean").decode())
    assert clean[0] == "python"
    # In the repository, so that nbstripout reads the filter's extrakeys from its git config as git's run does.
    done = subprocess.run([sys.executable, *clean[1:], *map(str, copies)], cwd=filtered_repo, capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    for notebook, copy in zip(NOTEBOOKS, copies, strict=True):
        assert Path(copy).read_bytes() == notebook.read_bytes(), f"{notebook.name} is not as the filter stores it"


@pytest.mark.e2e
def test_the_git_filter_strips_what_jupyterlab_saves(filtered_repo: Path) -> None:
    source = REPO / "notebooks" / "cost_model.ipynb"
    saved = json.loads(source.read_text(encoding="utf-8"))
    # What JupyterLab writes after running every cell and saving.
    saved["metadata"]["language_info"].update({
        "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py", "mimetype": "text/x-python",
        "nbconvert_exporter": "python", "pygments_lexer": "ipython3", "version": "3.11.7",
    })
    for count, cell in enumerate((c for c in saved["cells"] if c["cell_type"] == "code"), start=1):
        cell["execution_count"] = count
        cell["outputs"] = [{"output_type": "execute_result", "execution_count": count, "metadata": {},
                            "data": {"text/plain": ["'hemmeligt resultat'"]}}]
        cell["metadata"]["execution"] = {"iopub.status.busy": "2026-11-25T18:45:12.000Z"}
    target = filtered_repo / "notebooks" / source.name
    target.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _git(filtered_repo, "add", "notebooks")
    staged = _git(filtered_repo, "show", f":notebooks/{source.name}")
    assert b"hemmeligt resultat" not in staged
    assert staged == source.read_bytes()  # outputs, counts and JupyterLab's metadata gone; ids kept


# ---------- the packages' public faces, and no history in the code ----------

SRC = REPO / "src"
PACKAGES = sorted(path.parent for path in (SRC / "kpro_econ").rglob("__init__.py"))


def _package_name(folder: Path) -> str:
    return ".".join(folder.relative_to(SRC).parts)


@pytest.mark.parametrize("folder", PACKAGES, ids=_package_name)
def test_every_package_says_what_it_offers_and_each_name_is_there(folder: Path) -> None:
    package = importlib.import_module(_package_name(folder))
    offered = getattr(package, "__all__", None)
    assert isinstance(offered, list) and offered, f"{package.__name__}: no __all__"
    assert len(set(offered)) == len(offered), f"{package.__name__}: a name twice in __all__"
    for name in offered:
        found = hasattr(package, name) or importlib.util.find_spec(f"{package.__name__}.{name}") is not None
        assert found, f"{package.__name__}.__all__ names {name!r}, which is neither defined nor a module"


def _imported_modules(source: str) -> Iterator[str]:
    """Every kpro_econ module the source imports: `import a.b`, `from a.b import c` (c when a module)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _sources() -> Iterator[tuple[str, str]]:
    """(importing module, its code) for the package's modules and the notebooks' code cells."""
    for path in (SRC / "kpro_econ").rglob("*.py"):
        yield ".".join(path.relative_to(SRC).with_suffix("").parts), path.read_text(encoding="utf-8")
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield f"notebooks/{notebook.name}", "\n".join(line for line in code.splitlines() if not line.startswith("%"))


def test_no_layer_imports_a_module_its_package_keeps_to_itself() -> None:
    offered = {name: set(importlib.import_module(name).__all__) for name in map(_package_name, PACKAGES)}
    private = []
    for importer, source in _sources():
        for module in _imported_modules(source):
            package, _, name = module.rpartition(".")
            if package not in offered or importer.startswith(f"{package}.") or name in offered[package]:
                continue
            if importlib.util.find_spec(module) is not None:  # a module, not a name imported from one
                private.append(f"{importer} imports {module}, which {package}.__all__ does not offer")
    assert not private, "\n".join(private)


HISTORY = re.compile(r"\bissues?\s+(?:#|no\.?\s*|items?\s+)?\d+", re.IGNORECASE)


def test_no_comment_or_docstring_tells_its_history() -> None:
    """History (issue numbers) belongs in the commit messages; the code, tests, benchmarks and notebooks
    say what is and why."""
    folders = [SRC, REPO / "tests", REPO / "bench", REPO / "scripts", REPO / "notebooks"]
    files = [path for folder in folders for path in sorted(folder.rglob("*"))
             if path.is_file() and path.suffix not in {".pyc", ".png", ".woff2"} and "__pycache__" not in path.parts
             and path != Path(__file__).resolve()]
    told = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
            for path in files
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if HISTORY.search(line)]
    assert not told, "\n".join(told)
