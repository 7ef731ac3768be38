"""The repository stays clean: lint, types, notebooks without outputs, outputs git-ignored."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_NOTEBOOKS, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(FIXTURE_NOTEBOOKS.glob("*.ipynb"))


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_passes() -> None:
    done = _run(sys.executable, "-m", "ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_passes() -> None:
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


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
