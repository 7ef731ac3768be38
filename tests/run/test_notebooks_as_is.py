"""Each notebook opens and runs as it is, on its default params, as in JupyterLab (no Papermill).

The notebooks run two at a time (the machine has two cores; each waits on its own kernel), once for the
module; each test then checks one notebook's outcome.
"""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
AT_ONCE = 2

Outcome = nbformat.NotebookNode | BaseException


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every notebook executed as it is: the notebook with its outputs, or what it raised."""
    # A copy of the checkout's notebooks, params and data: `risk.compare_to: auto` looks for earlier
    # runs in reports/ beside params/, which must be this test's (none), not the user's.
    root = tmp_path_factory.mktemp("as-is")
    for folder_name in ("notebooks", "params", "data"):
        shutil.copytree(REPO / folder_name, root / folder_name)

    async def execute(path: Path, slots: asyncio.Semaphore) -> Outcome:
        nb = nbformat.read(path, as_version=4)
        # Like JupyterLab: the kernel starts in the notebook's own folder, so `../params/default.yaml` works.
        folder = {"metadata": {"path": str(path.parent)}}
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources=folder)
        async with slots:
            try:
                await client.async_execute()
            except Exception as exc:  # the test of this notebook reports it
                return exc
        return nb

    async def execute_all() -> list[Outcome]:
        slots = asyncio.Semaphore(AT_ONCE)
        return await asyncio.gather(*(execute(root / "notebooks" / nb.name, slots) for nb in NOTEBOOKS))

    # In a thread of its own: the session's browser (Playwright's sync API) keeps an event loop running in
    # this one, and asyncio.run refuses to start a second.
    with ThreadPoolExecutor(max_workers=1) as thread:
        outcomes = thread.submit(lambda: asyncio.run(execute_all())).result()
    return dict(zip([nb.stem for nb in NOTEBOOKS], outcomes, strict=True))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_as_it_is(notebook: Path, executed: dict[str, Outcome]) -> None:
    nb = executed[notebook.stem]
    if isinstance(nb, BaseException):
        raise nb
    errors = [out for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert errors == []
    assert any(out.get("output_type") == "display_data" for cell in nb.cells for out in cell.get("outputs", []))
