"""A worker's kernel is reused from notebook to notebook, but with nothing left in its namespace."""

from __future__ import annotations

import json
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


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    path = folder / name
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": cell} for cell in cells]}), encoding="utf-8")
    return path


def test_the_warm_up_is_the_notebooks_own_import_lines_each_once(tmp_path: Path) -> None:
    first = _notebook(tmp_path, "a.ipynb", "%matplotlib inline\nimport json\nfrom pathlib import Path as P",
                      ["import json\n", "x = 1\n", "from . import here\n"])
    second = _notebook(tmp_path, "b.ipynb", "def f():\n    import csv\n", "import email.utils, json",
                       "this is not ( python", "!pip install x\nimport string")
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    assert kernels.import_lines([first, second, tmp_path / "broken.ipynb", tmp_path / "gone.ipynb"]) == (
        "import json", "from pathlib import Path as P", "import email.utils, json", "import string"
    )


@pytest.mark.e2e
def test_the_kernel_is_reused_with_an_empty_namespace_and_replaced_after_a_failure(tmp_path: Path) -> None:
    warm_up = ("import wave as w", "import kpro_econ_no_such_module", "from tabnanny import check")
    try:
        kernels.start_worker_kernel(tmp_path, warm_up)
        first = kernels.kernel_for(tmp_path)
        loaded = "print(*(name in __import__('sys').modules for name in ('wave', 'tabnanny')))"
        # the warm-up's modules are imported, past the line that failed, and leave no name behind
        assert printed(first, f"{loaded}; print('w' in globals(), 'check' in globals())") == "True True\nFalse False"
        printed(first, "leftover = 1")
        again = kernels.kernel_for(tmp_path)
        assert again is first
        assert printed(again, "print('leftover' in globals())") == "False"  # the variable is gone
        assert printed(again, "import os; print(os.getcwd())") == str(tmp_path)
        kernels.discard_kernel()  # what a failed notebook does
        replaced = kernels.kernel_for(tmp_path)
        assert replaced is not first
        assert printed(replaced, loaded) == "True True"  # the new kernel imports what the first did
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
