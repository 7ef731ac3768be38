"""Each notebook opens and runs as it is, on its default params, as in JupyterLab (no Papermill)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_as_it_is(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    # Like JupyterLab: the kernel starts in the notebook's own folder, so `../params/default.yaml` works.
    folder = {"metadata": {"path": str(notebook.parent)}}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources=folder).execute()
    errors = [out for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert errors == []
    assert any(out.get("output_type") == "display_data" for cell in nb.cells for out in cell.get("outputs", []))
