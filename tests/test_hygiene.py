"""The repository stays clean: notebooks without outputs, outputs git-ignored. (Lint, types and the layers
contract are checked by `.ci/run` beside the tests: ruff, mypy, lint-imports.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
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
    """Turning the filter on must not show every notebook as changed."""
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, filtered_repo / "notebooks" / notebook.name)
    _git(filtered_repo, "add", "notebooks")
    for notebook in NOTEBOOKS:
        staged = _git(filtered_repo, "show", f":notebooks/{notebook.name}")
        assert staged == notebook.read_bytes(), f"{notebook.name} is not as the filter stores it"


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
