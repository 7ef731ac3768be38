"""Execute one notebook with Papermill and render its report: what a worker process of a run does.

Worker processes import this module to find `execute_and_render`; neither it nor what it imports loads
the model (pandas, matplotlib, the params models, the workbook), so that each worker starts without it:
the kernel loads the model, the worker only executes and renders.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kpro_econ.records.run_records import RunErrorRecord
from kpro_econ.report.times import danish_long_date
from kpro_econ.run.kernels import OwnPythonKernelManager, discard_kernel, kernel_for, start_worker_kernel
from kpro_econ.run.lifeline import die_with_parent
from kpro_econ.run.render import (
    DRAFT_STATUS,
    ReportHeader,
    ReportLink,
    notebook_title,
    read_notebook,
    render_report,
)

if TYPE_CHECKING:
    import nbformat


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute and render; plain values only, so it crosses to a worker process."""

    source: Path
    executed: Path
    params_path: Path
    run_id: str
    params_name: str
    cell_timeout: int
    previous_run: str = ""
    run_dir: str = ""
    computed_path: str = ""
    status: str = DRAFT_STATUS
    period: str = ""
    reports: tuple[ReportLink, ...] = ()
    overrides: tuple[str, ...] = ()
    """`run --set PATH=VALUE` of the run, for a notebook that reads the params itself."""
    footer: tuple[tuple[str, str], ...] = ()
    """The released summary's footer: (label, value) pairs, e.g. the run and the ledger's head."""
    ledger_head: str = ""
    """The ledger's head `N:SHA256` the released summary's footer carries for machines too."""
    notice: str = ""
    """What every page of a partial run (`--only`) says about it; empty for a whole run."""


@dataclass(frozen=True)
class NotebookResult:
    name: str
    title: str
    seconds: float
    html: str | None
    failure: RunErrorRecord | None
    """What failed, as the manifest records it."""


def failure_text(failure: RunErrorRecord) -> str:
    """` i celle 3: ValueError: …`: where and what, as a person reads it (cells counted from 1, as in
    JupyterLab; the manifest keeps the 0-based index), the error's first line only."""
    where = "" if failure.cell_index is None else f" i celle {failure.cell_index + 1}"
    return f"{where}: " + f"{failure.ename}: {failure.evalue}".strip().splitlines()[0]


def start_worker(notebooks: Path, imports: tuple[str, ...]) -> None:
    """A worker process's start: its kernel in the notebooks' folder, importing what they import
    (`kernels.import_lines`), while Papermill and nbconvert are imported beside it (the kernel's start is
    mostly waiting for it to import). First of all, it ties its life to the run's: a killed run takes its
    workers and kernels with it."""
    die_with_parent()
    importing = threading.Thread(target=_import_execution_libraries, name="import papermill and nbconvert")
    importing.start()
    start_worker_kernel(notebooks, imports)
    importing.join()


def _import_execution_libraries() -> None:
    import nbconvert
    import papermill

    del nbconvert, papermill


def worker_ready() -> None:
    """A task that does nothing: submitting it makes the pool start a worker, which starts its kernel."""


def execute_and_render(job: NotebookJob) -> NotebookResult:
    """In a worker process: execute one notebook with Papermill, then render its HTML."""
    # Imported here: only worker processes need Papermill, and its import is slow.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    name = job.source.stem
    clock = time.perf_counter()
    source_nb = read_notebook(job.source)
    title = notebook_title(source_nb, fallback=name)
    # Every notebook gets the same run: the params, and the earlier run its trend compares with
    # (resolved once by the runner, so that all reports compare with the same run).
    offered = {
        "params_path": str(job.params_path),
        "previous_run": job.previous_run,
        "run_dir": job.run_dir,
        "computed_path": job.computed_path,
        "overrides": list(job.overrides),
    }
    declared = papermill.inspect_notebook(str(job.source))
    try:
        kernel = kernel_for(job.source.parent)
        executed = papermill.execute_notebook(
            str(job.source),
            str(job.executed),
            parameters={key: value for key, value in offered.items() if key in declared},
            kernel_name="python3",
            language="python",
            progress_bar=False,
            cwd=str(job.source.parent),
            execution_timeout=job.cell_timeout,
            kernel_manager_class=OwnPythonKernelManager,
            km=kernel,
        )
        kernel.close_clients()  # Papermill leaves its client's channels open (see `close_clients`)
        html = render_report(executed, report_header(job, source_nb, title))
    except PapermillExecutionError as exc:
        discard_kernel()  # a failed notebook may leave its kernel in any state
        failure = RunErrorRecord(notebook=name, cell_index=_failed_cell(source_nb, job.executed),
                                 ename=str(exc.ename), evalue=str(exc.evalue))
        return NotebookResult(name, title, time.perf_counter() - clock, None, failure)
    except Exception as exc:  # timeout, dead kernel, render error: the notebook did not finish
        discard_kernel()
        failure = RunErrorRecord(notebook=name, cell_index=_failed_cell(source_nb, job.executed),
                                 ename=type(exc).__name__, evalue=str(exc))
        return NotebookResult(name, title, time.perf_counter() - clock, None, failure)
    return NotebookResult(name, title, time.perf_counter() - clock, html, None)


def report_header(job: NotebookJob, source_nb: nbformat.NotebookNode, title: str) -> ReportHeader:
    """The header of the notebook's report: the steering group's (metadata `kpro.header: steering`:
    title, period, date and state) or the approvers' (run and params), with links to the pack."""
    style = source_nb.metadata.get("kpro", {}).get("header", "pack")
    return ReportHeader(
        title=title,
        run_id=job.run_id,
        params_name=job.params_name,
        status=job.status,
        style=style,
        period=job.period,
        date=danish_long_date(datetime.now(UTC)),
        reports=job.reports,
        current=f"{job.source.stem}.html",
        contents=style != "steering",  # one printed page: nothing to navigate
        footer=job.footer,
        ledger_head=job.ledger_head,
        notice=job.notice,
        overrides=job.overrides,
    )


def _failed_cell(source_nb: nbformat.NotebookNode, executed_path: Path) -> int | None:
    """Index, in the source notebook the author edits, of the cell that failed or never finished.

    Papermill saves the executed notebook as it goes and marks each cell's status; it also inserts
    the injected-parameters cell and, on failure, banner cells, which shift indices. Cell ids
    survive execution, so the failed cell's id finds it in the source. A cell that timed out is
    marked completed like any other, but it is the last one that started: execution stops there.
    """
    try:
        executed = read_notebook(executed_path)
    except (OSError, ValueError):
        return None
    started = [cell for cell in executed.cells if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    failed = [
        cell for cell in started
        if cell["metadata"]["papermill"].get("status") in {"running", "failed"}
        or any(out.get("output_type") == "error" for out in cell.get("outputs", []))
    ]
    culprit = (failed or started[-1:] or [None])[0]
    if culprit is None:
        return None
    ids = [source_cell.get("id") for source_cell in source_nb.cells]
    return ids.index(culprit.get("id")) if culprit.get("id") in ids else None
