"""The kernels the notebooks run in: the runner's own Python, one per worker process, reused.

Each worker process starts its kernel as soon as it starts (while the runner computes the workbook)
and imports the workbook's package and the report modules in it. A notebook then runs in that kernel with an emptied
namespace (`%reset -f`), so it sees no variable of the one before, but the second notebook of a
worker does not pay for a kernel start and the imports again. A notebook that fails takes its
kernel with it: the next one gets a new kernel.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

# What the notebooks import (importing charts also sets the charts' theme), once per kernel: the
# saving of a reused kernel. Inside a function, so that the first notebook finds the namespace as
# empty as the next ones do.
WARM_UP = """
def _warm_up():
    import IPython.display
    import matplotlib_inline.backend_inline
    import kpro_econ.run.handover
    import kpro_econ.run.steering_inputs
    from kpro_econ.report import (budget, charts, cost_tables, decisions, formatting, kpi_charts, kpi_tables,
                                  risk_charts, risk_tables, steering)
_warm_up()
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


def start_worker_kernel(folder: Path) -> None:
    """Start this process's kernel in the notebooks' folder and import the package in it."""
    manager = OwnPythonKernelManager()
    run_sync(manager.start_kernel)(cwd=str(folder))
    _WorkerKernel.manager, _WorkerKernel.folder, _WorkerKernel.used = manager, folder, False
    _run(manager, WARM_UP)


def kernel_for(folder: Path) -> OwnPythonKernelManager:
    """The process's kernel with an empty namespace; a new one if there is none or it is elsewhere."""
    if _WorkerKernel.manager is None or _WorkerKernel.folder != folder or not _alive(_WorkerKernel.manager):
        discard_kernel()
        start_worker_kernel(folder)
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
