"""The kernels the notebooks run in: the runner's own Python, one per worker process, reused.

Each worker process starts its kernel as soon as it starts (while the runner computes the workbook)
and imports in it what the run's notebooks import. A notebook then runs in that kernel with an emptied
namespace (`%reset -f`), so it sees no variable of the one before, but the second notebook of a
worker does not pay for a kernel start and the imports again. A notebook that fails takes its
kernel with it: the next one gets a new kernel.
"""

from __future__ import annotations

import ast
import atexit
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

# The import lines of the run's notebooks, run once per kernel before any notebook: the saving of a reused
# kernel, made while the runner computes the workbook. Each line in a namespace of its own, inside a
# function, so that the first notebook finds the namespace as empty as the next ones do; a line that fails
# is left to fail in its notebook, where the report names the cell.
WARM_UP = """
def _warm_up(lines):
    for line in lines:
        try:
            exec(line, {{}})
        except Exception:
            pass
_warm_up({lines!r})
del _warm_up
"""
RESET = "get_ipython().run_line_magic('reset', '-f')"


class OwnPythonKernelManager(AsyncKernelManager):
    """Starts ipykernel under the runner's own Python, whatever kernelspec is installed.

    The notebooks ask for the `python3` kernelspec, which on a given machine may point at another
    interpreter (a user-wide Jupyter, an old virtual environment) that lacks this package or has
    other versions. The manifest records the runner's versions, so the kernel must be the runner's.
    Async, like nbclient's own default: with a blocking client nbclient cannot enforce cell timeouts.
    """

    def __init__(self, **kwargs: Any) -> None:
        # Encrypt the kernel's TCP sockets (CurveZMQ) where jupyter_client and libzmq can: nothing
        # else on the machine can then read the workbook's data in transit, and ipykernel stops
        # warning about plain TCP on every start. "auto" encrypts only if the spec below says the
        # installed ipykernel supports it.
        if "transport_encryption" in self.class_trait_names() and zmq.has("curve"):
            kwargs.setdefault("transport_encryption", "auto")
        kwargs.setdefault("client_factory", _KeptClient)
        super().__init__(**kwargs)
        self.clients: list[AsyncKernelClient] = []

    def close_clients(self) -> None:
        """Stop the channels of every client handed out (Papermill's among them).

        Papermill leaves its client's channels open when the kernel manager is not its own; their
        sockets would then hold the worker's exit for seconds (zmq lingers to deliver their messages).
        """
        clients, self.clients = self.clients, []
        for client in clients:
            client.stop_channels()

    @property
    def kernel_spec(self) -> KernelSpec:
        # ipykernel's own spec for the Python running this code (its argv starts with
        # sys.executable), exactly as `ipykernel install` would write it, but never read from disk.
        from ipykernel.kernelspec import get_kernel_dict

        spec = get_kernel_dict()
        # The kernel works in the notebooks' folder but imports nothing from it: neither Python's `-m`
        # (`-P`) nor ipykernel (`ignore_cwd`) puts that folder on sys.path. A `kpro_econ/` or `pandas/`
        # dropped beside the notebooks would otherwise be imported before the installed package, and
        # an approved run's summary could be released from code the code fingerprint never saw.
        python, *rest = spec["argv"]
        spec["argv"] = [python, "-P", *rest, "--IPKernelApp.ignore_cwd=True"]
        return KernelSpec(**{key: value for key, value in spec.items() if KernelSpec.class_traits().get(key)})


class _KeptClient(AsyncKernelClient):
    """A kernel client that its kernel manager keeps, so that it can close it (`close_clients`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(self.parent, OwnPythonKernelManager):  # the manager passes itself as parent
            self.parent.clients.append(self)


class _WorkerKernel:
    """This process's kernel: where it was started, and whether a notebook has used it."""

    manager: OwnPythonKernelManager | None = None
    folder: Path | None = None
    used = False
    imports: tuple[str, ...] = ()
    """What a kernel of this process imports as it starts (`import_lines` of the run's notebooks)."""


def import_lines(notebooks: Iterable[Path]) -> tuple[str, ...]:
    """The import statements at the top level of the notebooks' code cells, each once, in order.

    IPython's own lines (`%matplotlib inline`, `!pip`) are left out; a cell that is not Python, or a
    notebook that cannot be read, gives none (its run fails and says why)."""
    lines: dict[str, None] = {}
    for notebook in notebooks:
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            if cell.get("cell_type") == "code":
                lines.update(dict.fromkeys(_top_level_imports(cell.get("source", ""))))
    return tuple(lines)


def _top_level_imports(source: str | list[str]) -> list[str]:
    text = source if isinstance(source, str) else "".join(source)
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())
    try:
        body = ast.parse(python).body
    except SyntaxError:
        return []
    return [ast.unparse(node) for node in body
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0)]


def start_worker_kernel(folder: Path, imports: tuple[str, ...] = ()) -> None:
    """Start this process's kernel in the notebooks' folder and run `imports` in it (`import_lines`); a
    kernel that replaces it later imports the same."""
    manager = OwnPythonKernelManager()
    run_sync(manager.start_kernel)(cwd=str(folder))
    _WorkerKernel.manager, _WorkerKernel.folder, _WorkerKernel.used = manager, folder, False
    _WorkerKernel.imports = imports
    if imports:
        _run(manager, WARM_UP.format(lines=list(imports)))


def kernel_for(folder: Path) -> OwnPythonKernelManager:
    """The process's kernel with an empty namespace; a new one if there is none or it is elsewhere."""
    if _WorkerKernel.manager is None or _WorkerKernel.folder != folder or not _alive(_WorkerKernel.manager):
        discard_kernel()
        start_worker_kernel(folder, _WorkerKernel.imports)
    assert _WorkerKernel.manager is not None  # noqa: S101 (started just above if there was none)
    if _WorkerKernel.used:
        _run(_WorkerKernel.manager, RESET)
    _WorkerKernel.used = True
    return _WorkerKernel.manager


def discard_kernel() -> None:
    """Shut the process's kernel down (after a failure, and when the process ends)."""
    manager, _WorkerKernel.manager, _WorkerKernel.folder = _WorkerKernel.manager, None, None
    if manager is not None:
        manager.close_clients()
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)


atexit.register(discard_kernel)


def _alive(manager: OwnPythonKernelManager) -> bool:
    return bool(manager.has_kernel and run_sync(manager.is_alive)())


def _run(manager: OwnPythonKernelManager, code: str) -> Any:
    client = manager.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=120)
        return run_sync(client.execute_interactive)(code, timeout=300)
    finally:
        client.stop_channels()
