"""Worker processes die with the run that started them, even when the run is killed outright.

A run killed with `kill -9` (or by the operating system) runs no cleanup, so its workers must notice
on their own: otherwise a worker keeps running its notebook, and its kernel with it, for as long as
the notebook takes. On Linux the kernel itself delivers the news: `prctl(PR_SET_PDEATHSIG)` asks it
to send the worker SIGKILL the moment its parent dies. Elsewhere a watchdog thread in the worker
polls the parent once a second and ends the worker when the parent is gone.

The kernels need nothing extra: jupyter_client starts each with `JPY_PARENT_PID`, and ipykernel
then polls its parent (the worker) and exits within a second of the worker's death.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.process import BaseProcess

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL_S = 1.0
_GONE_EXIT_CODE = 1


def die_with_parent() -> None:
    """Tie this process's life to its parent's; call it first thing in a worker process."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nobody to follow
        return
    # Linux sends the signal when the *thread* that started this process ends; the runner's pool is
    # started and shut down within one call, in one thread, so that thread lives as long as the run.
    if sys.platform == "linux" and _set_parent_death_signal(signal.SIGKILL):
        # The parent may have died before the signal was asked for; then it will never come.
        if _parent_gone(parent):
            os._exit(_GONE_EXIT_CODE)
        return
    threading.Thread(target=_watch, args=(parent,), name="kpro-parent-watchdog", daemon=True).start()


def _set_parent_death_signal(signum: int) -> bool:
    """Linux only: have the kernel send `signum` to this process when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no libc prctl (unusual libc): fall back to the watchdog
        return False


def _watch(parent: BaseProcess) -> None:
    while not _parent_gone(parent):
        time.sleep(WATCH_INTERVAL_S)
    os._exit(_GONE_EXIT_CODE)  # no cleanup: the parent that would wait for it is gone


def _parent_gone(parent: BaseProcess) -> bool:
    # On POSIX an orphan is adopted by another process, so its parent id changes; on Windows the
    # parent's process handle says whether it still runs.
    if os.name == "posix":
        return os.getppid() != parent.pid
    return not parent.is_alive()
