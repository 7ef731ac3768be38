"""A worker's kernel is reused from notebook to notebook, but with nothing left in its namespace."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_core.utils import run_sync

from kpro_econ.run import kernels


def printed(manager: kernels.OwnPythonKernelManager, code: str) -> str:
    """What `code` prints in the kernel."""
    client = manager.client()
    client.start_channels()
    out: list[str] = []

    def collect(message: dict) -> None:
        if message["msg_type"] == "stream":
            out.append(message["content"]["text"])

    try:
        run_sync(client.wait_for_ready)(timeout=60)
        run_sync(client.execute_interactive)(code, timeout=60, output_hook=collect)
    finally:
        client.stop_channels()
    return "".join(out).strip()


@pytest.mark.e2e
def test_the_kernel_is_reused_with_an_empty_namespace_and_replaced_after_a_failure(tmp_path: Path) -> None:
    try:
        first = kernels.kernel_for(tmp_path)
        printed(first, "leftover = 1")
        again = kernels.kernel_for(tmp_path)
        assert again is first
        assert printed(again, "print('leftover' in globals(), 'kpro_econ.workbook' in __import__('sys').modules)") == (
            "False True"  # the variable is gone; the package imported at start is still there
        )
        assert printed(again, "import os; print(os.getcwd())") == str(tmp_path)
        kernels.discard_kernel()  # what a failed notebook does
        assert kernels.kernel_for(tmp_path) is not first
    finally:
        kernels.discard_kernel()


@pytest.mark.e2e
def test_the_kernel_imports_nothing_from_the_notebooks_folder(tmp_path: Path) -> None:
    # A colleague who can write beside the notebooks drops a package the notebooks import.
    (tmp_path / "kpro_econ").mkdir()
    (tmp_path / "kpro_econ" / "__init__.py").write_text("raise SystemExit('skygge')\n", encoding="utf-8")
    (tmp_path / "shadow_probe.py").write_text("", encoding="utf-8")
    try:
        kernel = kernels.kernel_for(tmp_path)
        code = ("import importlib.util, os, sys, kpro_econ; "
                "print(importlib.util.find_spec('shadow_probe') is None, os.getcwd() in sys.path, '' in sys.path, "
                "os.path.dirname(os.path.dirname(kpro_econ.__file__)) == os.getcwd())")
        assert printed(kernel, code) == "True False False False"
        assert printed(kernel, "import os; print(os.getcwd())") == str(tmp_path)  # it still works there
    finally:
        kernels.discard_kernel()
