"""Run the workbook: validate inputs, execute every notebook in parallel, render, publish a run folder.

One orchestration function, `run_workbook`, wires together the pieces that each own one thing:
`inputs` (validation), `workbook` (the tables), `execute` (Papermill and the report, in worker
processes), `render` (HTML) and `runfolder` (the atomic folder, data files and manifest).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kpro_econ.errors import ApprovalError, KproError, NotebookRunError, ParamsError, Problem, suggestion
from kpro_econ.params.codes import ManifestStatus, RunState
from kpro_econ.records.maker import Maker, sign_manifest
from kpro_econ.records.run_records import DATA_DIR, MANIFEST, Manifest, NotebookRecord, RunErrorRecord
from kpro_econ.run import runfolder
from kpro_econ.run.execute import (
    NotebookJob,
    NotebookResult,
    execute_and_render,
    failure_text,
    start_worker,
    worker_ready,
)
from kpro_econ.run.kernels import import_lines
from kpro_econ.run.pack_pdf import DRAFT_PACK_PDF, pack_pages, print_pack
from kpro_econ.run.pack_status import write_pack_status
from kpro_econ.run.pdf import check_browser
from kpro_econ.run.render import IndexPage, ReportLink, notebook_title, render_index

if TYPE_CHECKING:
    import pandas as pd

    from kpro_econ.inputs.load import WorkbookInputs
    from kpro_econ.params.models import Params
    from kpro_econ.report.excel import RunAbout
    from kpro_econ.tables import Table

    Computed = tuple[dict[Table, pd.DataFrame], Path]
    """The run's tables, and where the computed workbook is handed over."""

# The model (pandas, pydantic, the workbook) is imported only where this process needs it; `render`
# and `runfolder` likewise import nbconvert and pandas only when used.

Progress = Callable[[str], None]
_ASSIGNED = re.compile(r"^(\w+)\s*=", re.MULTILINE)  # a name assigned in a parameters cell


def run_workbook(
    params_path: Path,
    out_dir: Path = Path("reports"),
    run_id: str | None = None,
    notebooks_dir: Path | None = None,
    cell_timeout: int = 600,
    progress: Progress | None = None,
    overrides: Sequence[str] = (),
    only: Sequence[str] = (),
    pack: Sequence[str] | None = None,
    maker: Maker | None = None,
    pdf_browser: str | None = None,
) -> Path:
    """Execute the pack's notebooks with `params_path` and publish `out_dir/<run-id>/`; return that folder.

    `overrides` are `--set PATH=VALUE` (applied to the base before the scenarios), `only` the names of
    the reports to make (`--only`), `pack` the notebooks that make up the pack: by default PACK in the
    workbook's own `notebooks/`, every notebook in a `notebooks_dir` given. `maker` (`--key`, `--as`)
    signs the finished manifest (`records.maker`); a signature the project's allowed signers would not
    accept stops the run before it is published. `pdf_browser` (`--pdf`) prints the whole pack to
    `pakke.pdf` in the run folder with that browser, before the manifest hashes it.
    Raises ParamsError (nothing written) for invalid input, NotebookRunError when a notebook fails
    (the run folder then holds only a `manifest.json` with `status: failed`).
    """
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.inputs.overrides import parse_overrides
    from kpro_econ.records.history import RunArchive

    say = progress or _print_progress
    if pdf_browser is not None:  # before any work: a browser that is not there is a mistyped argument
        check_browser(pdf_browser)
    started = datetime.now(UTC)
    params_path = Path(params_path)
    out_dir = Path(out_dir)
    inputs = load_inputs(params_path, parse_overrides(overrides), RunArchive(out_dir))
    if pack is None and notebooks_dir is None:
        pack = PACK
    note = None
    if notebooks_dir is None:
        notebooks_dir, note = project_notebooks(params_path)
    found = find_notebooks(notebooks_dir, pack, say)
    chosen = _only(found, only, say)
    if note:  # whose notebooks, once the run is sure to go ahead with them
        say(note)
    partial = Partial(list(only), [nb.stem for nb in found if nb not in chosen], pack_links(found))
    notebooks = [nb for nb in chosen if _applies(nb, inputs.base.params, say)]
    signers = maker_signers(params_path, inputs) if maker is not None else None
    if run_id is not None:
        runfolder.check_run_id(run_id)
        runfolder.ensure_free(out_dir, run_id)
    try:
        folder = runfolder.claim_run_folder(
            out_dir, run_id or runfolder.new_run_id(params_path, started), exact=run_id is not None
        )
    except OSError as exc:  # a read-only or full disk, a file where the folder should be
        raise runfolder.not_writable(out_dir, exc) from None
    for name in folder.cleaned:
        say(f"Fjernede {out_dir / name}: en ufærdig kørselsmappe efter en kørsel, der blev afbrudt")
    try:
        return _build_and_publish(folder, inputs, notebooks, params_path, out_dir, cell_timeout, started, say,
                                  partial, (maker, signers) if maker is not None and signers is not None else None,
                                  pdf_browser)
    except BaseException:
        # Published folders are never removed; only a half-built temporary folder is.
        if folder.tmp.exists():
            runfolder.discard(folder)
        raise


@dataclass(frozen=True)
class Partial:
    """A `--only` run: the names asked for, the pack's reports left out (none: a whole run), and the
    pack's reports by title, for the notice on every page."""

    only: list[str]
    left_out: list[str]
    reports: tuple[ReportLink, ...]

    def notice(self) -> str:
        """What every page of a partial run says (empty for a whole run)."""
        if not self.left_out:
            return ""
        titles = {link.href.removesuffix(".html"): link.title for link in self.reports}
        missing = ", ".join(titles.get(name, name) for name in self.left_out)
        only = " ".join(f"--only {name}" for name in self.only)
        return (f"Delvis kørsel ({only}): {missing} blev ikke lavet. "
                "Kørslen kan ikke godkendes; lav en hel kørsel til godkendelse.")


def maker_signers(params_path: Path, inputs: WorkbookInputs) -> Path:
    """The allowed signers file the maker's signature must verify against: the one approve will use,
    found before the notebooks run, so that a run that could not be signed is refused at once."""
    from kpro_econ.records.approvals import approval_settings
    from kpro_econ.records.run_records import FileHash

    params = FileHash(path=runfolder.portable_path(params_path), sha256=runfolder.sha256_file(params_path))
    stub = Manifest(params=params, inputs=runfolder.hash_inputs(inputs.files), overrides=list(inputs.overrides))
    _, signers = approval_settings(stub)
    if signers is None:
        raise ApprovalError(f"{params_path}: approval.allowed_signers: params nævner ingen fil med godkendere, "
                            "som kørslens signatur (--key, --as) kan verificeres mod")
    return signers


def default_notebooks_dir() -> Path:
    """`notebooks/` of the workbook checkout this package is installed from (editable install)."""
    return Path(__file__).resolve().parents[3] / NOTEBOOKS


NOTEBOOKS = "notebooks"


def project_notebooks(params_path: Path) -> tuple[Path, str | None]:
    """The notebooks a run of `params_path` uses (and a release of it), with a line to say when they are
    not the project's own.

    The project folder is the nearest folder above the params file with a `notebooks/` folder holding
    notebooks (`params/default.yaml` in the project folder: the project folder's `notebooks/`): its
    notebooks are used, never another copy's. A params file in no such folder is run with the
    workbook's own notebooks (`default_notebooks_dir`), and the line names them."""
    for folder in Path(params_path).resolve().parents:
        if any((folder / NOTEBOOKS).glob("*.ipynb")):
            return folder / NOTEBOOKS, None
    own = default_notebooks_dir()
    return own, (f"Notesbøger: {own} (ingen mappe over {params_path} har en {NOTEBOOKS}/-mappe med "
                 "notesbøger, så arbejdsbogens egne bruges)")


PACK: tuple[str, ...] = ("cost_model", "kpi_status", "risk_register", "steering_summary")
"""The notebooks that make up the pack, by name: a JupyterLab copy beside them (`cost_model-Copy1.ipynb`,
`Untitled.ipynb`) is neither run nor published."""


def find_notebooks(folder: Path, pack: Sequence[str] | None = None, say: Progress | None = None) -> list[Path]:
    """The notebooks in `folder` (those named in `pack`, when given), in name order; each one becomes
    `<name>.html` in the run folder. A notebook not in the pack gets one warning line."""
    notebooks = sorted(Path(folder).glob("*.ipynb"))
    if pack is not None:
        strays = [nb.name for nb in notebooks if nb.stem not in pack]
        if strays:
            (say or _print_progress)(f"Advarsel: {', '.join(strays)} i {folder} er ikke en del af pakken og "
                                     "køres ikke")
        notebooks = [nb for nb in notebooks if nb.stem in pack]
    if not notebooks:
        raise KproError(f"{folder}: ingen notesbøger (*.ipynb) at køre")
    if any(nb.stem == "index" for nb in notebooks):
        raise KproError(f"{folder}: en notesbog må ikke hedde index.ipynb (navnet bruges af forsiden)")
    return notebooks


def _only(notebooks: list[Path], only: Sequence[str], say: Progress) -> list[Path]:
    """The reports `--only` names (every one without it); an unknown name is bad input."""
    if not only:
        return notebooks
    names = [nb.stem for nb in notebooks]
    unknown = [name for name in only if name not in names]
    if unknown:
        raise ParamsError([Problem(f"--only {name}", "--only NAVN", f"ukendt rapport; vælg en af: {', '.join(names)}"
                                   + suggestion(name, names))
                           for name in unknown])
    if "steering_summary" in only:
        say("steering_summary læser kørslens egne tabeller; de beregnes og skrives som altid")
    return [nb for nb in notebooks if nb.stem in only]


def _build_and_publish(
    folder: runfolder.RunFolder,
    inputs: WorkbookInputs,
    notebooks: list[Path],
    params_path: Path,
    out_dir: Path,
    cell_timeout: int,
    started: datetime,
    say: Progress,
    partial: Partial,
    signing: tuple[Maker, Path] | None,
    pdf_browser: str | None = None,
) -> Path:
    build_dir = out_dir.resolve().parent / "build" / folder.run_id
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise runfolder.not_writable(out_dir, exc) from None
    jobs = [
        NotebookJob(
            source=source.resolve(),
            executed=build_dir / source.name,
            params_path=params_path.resolve(),
            run_id=folder.run_id,
            params_name=params_path.name,
            cell_timeout=cell_timeout,
            previous_run=str(inputs.previous_run.resolve()) if inputs.previous_run else "",
            period=inputs.base.params.summary.period or "",
            reports=pack_links(notebooks),
            overrides=tuple(inputs.overrides),
            notice=partial.notice(),
        )
        for source in notebooks
    ]
    workers = min(len(jobs), os.cpu_count() or 1)
    say(
        f"Kørsel {folder.run_id}: {_count(len(jobs), 'notesbog', 'notesbøger')}, "
        f"{_count(workers, 'proces', 'processer')}"
    )
    from kpro_econ.report.excel import RunAbout

    about = RunAbout(
        title=inputs.base.params.title,
        run_id=folder.run_id,
        params_file=runfolder.portable_path(params_path),
        params_sha256=runfolder.sha256_file(params_path),
        started=started,
        state=RunState.DRAFT,
    )
    results, tables = _execute_in_parallel(jobs, inputs, workers, say, folder.tmp / DATA_DIR, about)

    manifest = runfolder.new_manifest(
        run_id=folder.run_id,
        params_path=params_path,
        input_files=inputs.files,
        notebooks=_notebook_records(notebooks, results),
        seed=inputs.base.params.monte_carlo.seed,
        workbook_dir=notebooks[0].parent,
        started=started,
    )
    compared_to = inputs.previous_run.name if inputs.previous_run is not None else None
    # the params file's extends chain: every parent, also hashed among the inputs
    extends = [runfolder.portable_path(path) for path in inputs.files[1:] if path.suffix in {".yaml", ".yml"}]
    manifest = manifest.model_copy(update={"compared_to": compared_to, "overrides": list(inputs.overrides),
                                           "extends": extends, "only": partial.only, "left_out": partial.left_out})
    failures = [r.failure for r in results if r.failure is not None]
    if failures or isinstance(tables, BaseException):
        _publish_failure(folder, manifest, failures, tables, say, build_dir)

    for result in results:
        assert result.html is not None  # noqa: S101 (a notebook that did not fail has its HTML)
        (folder.tmp / f"{result.name}.html").write_text(result.html, encoding="utf-8")
    written = sorted((folder.tmp / DATA_DIR).iterdir())
    index = _index_page(inputs, params_path, folder.run_id, started, results, written, folder.tmp)
    index = replace(index, notice=partial.notice())
    (folder.tmp / "index.html").write_text(render_index(index), encoding="utf-8")
    write_pack_status(folder.tmp, RunState.DRAFT, None, started)
    if pdf_browser is not None:
        say(f"Udskriver hele pakken til {DRAFT_PACK_PDF}")
        print_pack(f"{inputs.base.params.title} – kørsel {folder.run_id}",
                   pack_pages(folder.tmp, pack_links(notebooks)), folder.tmp / DRAFT_PACK_PDF, pdf_browser)
    if signing is not None:  # who signs is part of what is signed
        manifest = manifest.model_copy(update={"made_by": signing[0].identity})
    runfolder.write_manifest(folder.tmp, runfolder.finish_manifest(manifest, folder.tmp, errors=[]))
    if signing is not None:
        fingerprint = sign_manifest(folder.tmp, *signing)
        say(f"Kørslen er signeret af {signing[0].identity} (nøgle {fingerprint})")
    return runfolder.publish(folder)


def _execute_in_parallel(
    jobs: list[NotebookJob], inputs: WorkbookInputs, workers: int, say: Progress, data_dir: Path, about: RunAbout
) -> tuple[list[NotebookResult], dict[Table, pd.DataFrame] | BaseException]:
    """Notebooks in worker processes while this process computes the workbook and writes its tables.

    The workers start their kernels at once. A notebook that takes the computed workbook (it has a
    `computed_path` parameter) starts once the workbook is handed over; one that reads the run's own
    tables (a `run_dir` parameter, like the steering summary) once they are written; any other at once.
    """
    # "spawn", not fork: this process has imported pandas and may hold threads, and a forked copy
    # of a process with threads can deadlock; spawned workers start clean.
    context = multiprocessing.get_context("spawn")
    results: dict[str, NotebookResult] = {}
    declared = {job.source: declared_parameters(job.source) for job in jobs}
    waiting = [job for job in jobs if declared[job.source] & {"computed_path", "run_dir"}]
    with (
        ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                            initargs=(jobs[0].source.parent, import_lines(job.source for job in jobs))) as pool,
        ThreadPoolExecutor(max_workers=1) as tables_thread,
    ):
        futures = {pool.submit(execute_and_render, job): job for job in jobs if job not in waiting}
        # A worker process starts when a task waits for one: start them all now, so that their
        # kernels start while the workbook is computed.
        for _ in range(workers - len(futures)):
            pool.submit(worker_ready)
        computed = _outcome(tables_thread.submit(_compute, inputs, jobs[0].executed.parent))
        tables = computed if isinstance(computed, BaseException) else computed[0]
        if not isinstance(computed, BaseException):
            run_dir = str(data_dir.parent.resolve())
            handed = {replace(job, computed_path=str(computed[1]), run_dir=run_dir): job for job in waiting}
            futures.update({
                pool.submit(execute_and_render, ready): job for ready, job in handed.items()
                if "run_dir" not in declared[job.source]
            })
            runfolder.write_tables(data_dir, computed[0], about)
            futures.update({
                pool.submit(execute_and_render, ready): job for ready, job in handed.items()
                if "run_dir" in declared[job.source]
            })
        for done, future in enumerate(as_completed(futures), start=1):
            result = _result_of(future, futures[future])
            results[result.name] = result
            say(_progress_line(done, len(futures), result))
    missing = [job for job in jobs if job.source.stem not in results]  # not started: the tables failed
    for job in missing:
        results[job.source.stem] = NotebookResult(job.source.stem, job.source.stem, 0.0, None, None)
    return [results[job.source.stem] for job in jobs], tables


def _compute(inputs: WorkbookInputs, build_dir: Path) -> Computed:
    """The run's tables, and the computed workbook handed over in `build_dir` (its path)."""
    from kpro_econ import workbook
    from kpro_econ.run.handover import hand_over

    computed = workbook.Workbook(inputs)
    tables = computed.tables()
    return tables, hand_over(computed, build_dir)


def _applies(notebook: Path, params: Params, say: Progress) -> bool:
    """Whether the params have every section the notebook's metadata `kpro.requires` names (a name that is
    no section of the params is one they do not have)."""
    required = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("kpro", {}).get("requires", [])
    fields = type(params).model_fields
    missing = [section for section in required if section not in fields or getattr(params, section) is None]
    if missing:
        say(f"Springer {notebook.stem} over: parametrene har ingen {', '.join(missing)}-sektion")
    return not missing


def pack_links(notebooks: list[Path]) -> tuple[ReportLink, ...]:
    """Each notebook's report, by its Danish title, for the links between the pages of the pack."""
    return tuple(
        ReportLink(notebook_title(json.loads(nb.read_text(encoding="utf-8")), nb.stem), f"{nb.stem}.html")
        for nb in notebooks
    )


def declared_parameters(notebook: Path) -> set[str]:
    """The names the notebook's parameters cell assigns (`run_dir`: it reads the run's own tables;
    `computed_path`: it takes the workbook the runner computed)."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    return {
        match.group(1)
        for cell in cells if "parameters" in cell.get("metadata", {}).get("tags", [])
        for match in _ASSIGNED.finditer("".join(cell.get("source", "")))
    }


def _result_of(future: Future[NotebookResult], job: NotebookJob) -> NotebookResult:
    try:
        return future.result()
    except Exception as exc:  # the worker process itself died; still a failure of this notebook
        failure = RunErrorRecord(notebook=job.source.stem, ename=type(exc).__name__, evalue=str(exc))
        return NotebookResult(job.source.stem, job.source.stem, 0.0, None, failure)


def _outcome(future: Future[Computed]) -> Computed | BaseException:
    try:
        return future.result()
    except Exception as exc:
        return exc


def _progress_line(done: int, total: int, result: NotebookResult) -> str:
    seconds = f"{result.seconds:.1f}".replace(".", ",")
    if result.failure is None:
        return f"[{done}/{total}] {result.name} … færdig ({seconds} s)"
    return f"[{done}/{total}] {result.name} … FEJLEDE{failure_text(result.failure)} ({seconds} s)"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _print_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _notebook_records(notebooks: list[Path], results: list[NotebookResult]) -> dict[str, NotebookRecord]:
    by_name = {r.name: r for r in results}
    return {
        nb.stem: NotebookRecord(
            source=runfolder.portable_path(nb),
            sha256=runfolder.sha256_file(nb),
            title=by_name[nb.stem].title,
            seconds=round(by_name[nb.stem].seconds, 2),
            status=ManifestStatus.OK if by_name[nb.stem].failure is None else ManifestStatus.FAILED,
        )
        for nb in notebooks
    }


def _publish_failure(
    folder: runfolder.RunFolder,
    manifest: Manifest,
    failures: list[RunErrorRecord],
    tables: Mapping[Table, pd.DataFrame] | BaseException,
    say: Progress,
    build_dir: Path,
) -> NoReturn:
    """Publish a folder holding only the manifest, which says what failed; then raise."""
    errors = list(failures)
    if isinstance(tables, BaseException):
        errors.append(RunErrorRecord(ename=type(tables).__name__, evalue=f"compute_tables: {tables}"))
    # The tables may already be written for the notebooks that read them: a failed run keeps none.
    shutil.rmtree(folder.tmp / DATA_DIR, ignore_errors=True)
    runfolder.write_manifest(folder.tmp, runfolder.finish_manifest(manifest, folder.tmp, errors=errors))
    run_dir = runfolder.publish(folder)
    say(f"Fejlen er gemt i {run_dir / MANIFEST}")
    first = errors[0]
    if first.notebook is None:
        raise KproError(f"Tabellerne kunne ikke beregnes: {first.ename}: {first.evalue}")
    executed = build_dir / f"{first.notebook}.ipynb"
    raise NotebookRunError(first.notebook, first.cell_index, f"{first.ename}: {first.evalue}",
                           str(executed) if executed.is_file() else None)


def _index_page(
    inputs: WorkbookInputs,
    params_path: Path,
    run_id: str,
    started: datetime,
    results: list[NotebookResult],
    written: list[Path],
    run_dir: Path,
) -> IndexPage:
    data = [path.relative_to(run_dir).as_posix() for path in written]
    return IndexPage(
        title=inputs.base.params.title,
        run_id=run_id,
        params_name=runfolder.portable_path(params_path),
        params_sha256=runfolder.sha256_file(params_path),
        started=started,
        reports=[ReportLink(r.title, f"{r.name}.html") for r in results],
        workbook=f"{DATA_DIR}/{runfolder.WORKBOOK_XLSX}",
        csv_files=[path for path in data if path.endswith(".csv")],
        overrides=list(inputs.overrides),
    )
