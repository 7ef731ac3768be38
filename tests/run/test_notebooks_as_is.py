"""Each notebook opens and runs as it is, on its default params, as in JupyterLab (no Papermill).

The notebooks run once for the module, one after the other in one kernel of the runner's (`kernels.kernel_for`),
emptied between them as a run's kernel is: a kernel start and the imports once, not once per notebook. Each
test then checks one notebook's outcome.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import REPO
from jupyter_core.utils import ensure_event_loop
from nbclient import NotebookClient

from kpro_econ.run import kernels

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

Outcome = nbformat.NotebookNode | BaseException


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every notebook executed as it is: the notebook with its outputs, or what it raised."""
    # A copy of the checkout's notebooks, params and data: `risk.compare_to: auto` looks for earlier
    # runs in reports/ beside params/, which must be this test's (none), not the user's.
    root = tmp_path_factory.mktemp("as-is")
    for folder_name in ("notebooks", "params", "data"):
        shutil.copytree(REPO / folder_name, root / folder_name)

    def execute(path: Path) -> Outcome:
        nb = nbformat.read(path, as_version=4)
        # Like JupyterLab: the kernel works in the notebook's own folder, so `../params/default.yaml` works.
        kernel = kernels.kernel_for(path.parent)
        try:
            NotebookClient(nb, timeout=600, km=kernel).execute()
        except Exception as exc:  # the test of this notebook reports it
            kernels.discard_kernel()  # the next notebook gets a kernel of its own
            return exc
        finally:
            kernel.close_clients()
        return nb

    def execute_all() -> list[Outcome]:
        try:
            return [execute(root / "notebooks" / nb.name) for nb in NOTEBOOKS]
        finally:
            kernels.discard_kernel()
            ensure_event_loop().close()  # the loop jupyter_core made for this thread, which ends here

    # In a thread of its own: the session's browser (Playwright's sync API) keeps an event loop running in
    # this one, and the kernel's client runs one of its own.
    with ThreadPoolExecutor(max_workers=1) as thread:
        outcomes = thread.submit(execute_all).result()
    return dict(zip([nb.stem for nb in NOTEBOOKS], outcomes, strict=True))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_as_it_is(notebook: Path, executed: dict[str, Outcome]) -> None:
    nb = executed[notebook.stem]
    if isinstance(nb, BaseException):
        raise nb
    errors = [out for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert errors == []
    assert any(out.get("output_type") == "display_data" for cell in nb.cells for out in cell.get("outputs", []))
