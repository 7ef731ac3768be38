"""The run folder: claimed atomically, built beside its final place, published by one rename.

A run folder is written as `OUT/.tmp-<run-id>/` and renamed to `OUT/<run-id>/` only when it is
complete, so nobody ever sees half a run, and no earlier run folder is ever opened for writing.
This module also writes the data tables and the manifest that `approve` will check.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import BaseFileLock, FileLock, Timeout

from kpro_econ.errors import KproError
from kpro_econ.params.codes import ManifestStatus
from kpro_econ.records import run_records
from kpro_econ.records.run_records import (
    MANIFEST,
    PACK_STATUS,
    Manifest,
    NotebookRecord,
    RunErrorRecord,
    text_to_csv,
)
from kpro_econ.run.fingerprint import code_fingerprint

if TYPE_CHECKING:
    import pandas as pd

    from kpro_econ.report.excel import RunAbout
    from kpro_econ.tables import Table

WORKBOOK_XLSX = "tables.xlsx"
TMP_PREFIX = ".tmp-"
MANIFEST_FORMAT = 1

# The distributions whose versions decide what a run computes and how it looks.
RECORDED_PACKAGES = (
    "kpro-econ",
    "pandas",
    "numpy",
    "scipy",
    "pydantic",
    "PyYAML",
    "openpyxl",
    "matplotlib",
    "seaborn",
    "Babel",
    "Jinja2",
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "jupyter_client",
)

_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_RUN_ID = re.compile(r"^\w[\w.-]*$")


@dataclass(frozen=True)
class RunFolder:
    """A claimed run: `tmp` is where it is built, `final` where `publish` moves it.

    `lock` is held from the claim until the folder is published or discarded: a temporary folder
    whose lock nobody holds was left by a run that died, and may be removed (see `claim_run_folder`).
    `cleaned` names the folders of such dead runs that this claim removed.
    """

    run_id: str
    tmp: Path
    final: Path
    lock: BaseFileLock | None = None
    cleaned: tuple[str, ...] = ()


def new_run_id(params_path: Path, started: datetime) -> str:
    """`YYYYMMDD-HHMMSS-<params stem>`: sorts by start time, says which params it ran."""
    stem = _UNSAFE_NAME.sub("_", Path(params_path).stem).strip("._") or "params"
    return f"{started:%Y%m%d-%H%M%S}-{stem}"


def check_run_id(run_id: str) -> None:
    """A run id must be one plain folder name (no path, no leading dot that would hide it)."""
    if not _RUN_ID.match(run_id):
        raise KproError(
            f"--run-id: må kun indeholde bogstaver, tal, '-', '_' og '.' og ikke starte med '.' (fik {run_id!r})"
        )


def ensure_free(out_dir: Path, run_id: str) -> None:
    """Refuse a run id the user chose if that run folder already exists."""
    if (out_dir / run_id).exists():
        raise KproError(f"{out_dir / run_id}: kørselsmappen findes allerede; vælg et andet --run-id")


def claim_run_folder(out_dir: Path, run_id: str, *, exact: bool = False) -> RunFolder:
    """Reserve `run_id` (or `run_id-2`, `-3`, … when taken) by locking its name and creating its temporary folder.

    A name is claimed only under its lock (`OUT/.tmp-<id>.lock`, held until publish or discard), and
    `mkdir` is atomic, so of two runs that start in the same second exactly one gets each name. A
    name is taken while its final folder exists or a live run holds its lock; `publish` swaps the
    temporary folder for the final one in a single rename, so there is no moment when a taken name
    looks free. A temporary folder whose lock is free belongs to a run that died (killed, power
    lost): it is removed, here for the name claimed and for every other one in `out_dir`.
    With `exact`, the name is the user's choice and is never changed: a clash is an error.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    cleaned = _remove_dead_runs(out_dir)
    for attempt in range(1, 1000):
        candidate = run_id if attempt == 1 else f"{run_id}-{attempt}"
        final, tmp = out_dir / candidate, out_dir / f"{TMP_PREFIX}{candidate}"
        if final.exists():
            if exact:
                break
            continue
        lock = _try_lock(out_dir, candidate)
        if lock is None:  # a live run is building this name
            if exact:
                raise KproError(
                    f"{tmp}: en anden kørsel med --run-id {candidate} er i gang; vent til den er færdig, "
                    "eller vælg et andet --run-id"
                )
            continue
        if final.exists():  # published while we took the lock
            _unlock(lock)
            if exact:
                break
            continue
        if tmp.exists():  # we hold its lock, so its run is dead
            shutil.rmtree(tmp)
            cleaned = (*cleaned, tmp.name)
        try:
            tmp.mkdir()
        except BaseException:
            _unlock(lock)
            raise
        return RunFolder(run_id=candidate, tmp=tmp, final=final, lock=lock, cleaned=cleaned)
    raise KproError(f"{out_dir / run_id}: kørselsmappen findes allerede; vælg et andet --run-id")


def publish(folder: RunFolder) -> Path:
    """Move the finished temporary folder to its final name in one atomic rename."""
    os.rename(folder.tmp, folder.final)
    _unlock(folder.lock)
    return folder.final


def discard(folder: RunFolder) -> None:
    """Remove an unfinished temporary folder (the run was interrupted before it could be published)."""
    shutil.rmtree(folder.tmp, ignore_errors=True)
    _unlock(folder.lock)


def not_writable(out_dir: Path, exc: OSError) -> KproError:
    """The one line that says a run folder cannot be written under `out_dir`, and why, in Danish."""
    reasons = {
        errno.EROFS: "filsystemet er skrivebeskyttet",
        errno.EACCES: "ingen skriveadgang",
        errno.EPERM: "ingen skriveadgang",
        errno.ENOSPC: "der er ikke mere plads på disken",
        errno.ENOTDIR: "stien er ikke en mappe",
        errno.EEXIST: "stien er ikke en mappe",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = exc.filename or out_dir
    return KproError(f"{out_dir}: kan ikke skrive kørselsmappen her: {reason} ({where}); vælg en anden mappe med --out")


def _lock_path(out_dir: Path, run_id: str) -> Path:
    return out_dir / f"{TMP_PREFIX}{run_id}.lock"


def _try_lock(out_dir: Path, run_id: str) -> BaseFileLock | None:
    """The name's lock, held, or None if a live run holds it."""
    lock = FileLock(_lock_path(out_dir, run_id))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock


def _unlock(lock: BaseFileLock | None) -> None:
    """Release a name's lock and remove its file (its folder is gone: published, discarded or dead)."""
    if lock is None:
        return
    lock.release()
    Path(lock.lock_file).unlink(missing_ok=True)


def _remove_dead_runs(out_dir: Path) -> tuple[str, ...]:
    """Remove every temporary folder in `out_dir` whose lock no live run holds; return their names."""
    removed: list[str] = []
    for tmp in sorted(out_dir.glob(f"{TMP_PREFIX}*")):
        if not tmp.is_dir():
            continue
        lock = _try_lock(out_dir, tmp.name.removeprefix(TMP_PREFIX))
        if lock is None:
            continue
        try:
            if tmp.is_dir():  # it may have been published or discarded meanwhile
                shutil.rmtree(tmp)
                removed.append(tmp.name)
        finally:
            _unlock(lock)
    return tuple(removed)


def plain_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it is written: a meaningful index becomes ordinary columns, so nothing is lost."""
    # Imported here, not above: worker processes import this module and never write tables.
    import pandas as pd

    if isinstance(table.index, pd.RangeIndex) and table.index.name is None:
        return table
    return table.reset_index()


def write_tables(data_dir: Path, tables: Mapping[Table, pd.DataFrame], about: RunAbout) -> list[Path]:
    """Each table as `data/<name>.csv` (UTF-8, comma, dot decimals, codes) for machines, and all of
    them in `tables.xlsx` for people (Danish sheets, labels and formats; see `report.excel`).

    A table gets the Danish names beside its codes (`report.labels.labelled`): a cost line's, a figure's,
    and is written with the columns `tables.TABLES` declares, in their order (a column it does not
    declare is refused). No text can become a formula: in the CSVs a text that starts with `=`, `+`,
    `-`, `@`, tab or CR gets a leading `'`; in the workbook every text is a string cell.
    """
    # Imported here, not above: worker processes import this module and never write tables.
    from kpro_econ.report.excel import tables_workbook
    from kpro_econ.report.labels import labelled
    from kpro_econ.tables import conformed

    shown = {table: conformed(table, labelled(table, plain_table(frame))) for table, frame in tables.items()}
    data_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table, frame in shown.items():
        path = data_dir / f"{table}.csv"
        csv_safe(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    workbook = data_dir / WORKBOOK_XLSX
    tables_workbook(shown, about).save(workbook)
    written.append(workbook)
    return written


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text a spreadsheet would run as a formula quoted (`text_to_csv`)."""
    import pandas as pd

    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: text_to_csv(v) if isinstance(v, str) else v)
    return safe


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_outputs(run_dir: Path) -> dict[str, str]:
    """sha256 of every file in the run folder but the manifest and the pages' status file (which
    approve and release rewrite), by POSIX path relative to the folder."""
    return {
        path.relative_to(run_dir).as_posix(): sha256_file(path)
        for path in sorted(run_dir.rglob("*"))
        if path.is_file() and path.relative_to(run_dir).as_posix() not in {MANIFEST, PACK_STATUS}
    }


def hash_inputs(files: Iterable[Path]) -> dict[str, str]:
    """sha256 of every input file, by the path a reader can find it under (see `portable_path`)."""
    return {portable_path(path): sha256_file(Path(path)) for path in files}


def portable_path(path: Path) -> str:
    """POSIX path relative to the working folder when inside it (`params/default.yaml`), else absolute."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def package_versions() -> dict[str, str | None]:
    """The Python version and the installed version of every recorded package (None if absent)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(folder: Path) -> dict[str, Any]:
    """The workbook's commit and whether its checkout has changes; nulls outside a git checkout."""
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git(folder, "status", "--porcelain")
    return {"commit": commit, "dirty": bool(status)}


def _git(folder: Path, *args: str) -> str | None:
    # S603/S607: git from the user's PATH on purpose (Git for Windows installs it there), an argument list
    # with no shell; only read-only queries, and a missing git just leaves the commit out of the manifest.
    try:
        done = subprocess.run(  # noqa: S603
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False, timeout=30  # noqa: S607
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def new_manifest(
    *,
    run_id: str,
    params_path: Path,
    input_files: Iterable[Path],
    notebooks: Mapping[str, NotebookRecord],
    seed: int,
    workbook_dir: Path,
    started: datetime,
) -> Manifest:
    """Everything the manifest says about a run that is known before its outputs are written,
    including the code fingerprint of the notebooks in `workbook_dir` and the package."""
    return Manifest.model_validate({
        "format": MANIFEST_FORMAT,
        "run_id": run_id,
        "params": {"path": portable_path(params_path), "sha256": sha256_file(params_path)},
        "inputs": hash_inputs(input_files),
        "notebooks": {name: record.model_dump() for name, record in notebooks.items()},
        "versions": package_versions(),
        "git": git_state(workbook_dir),
        "code": code_fingerprint(workbook_dir),
        "run_by": current_user(),
        "seed": seed,
        "started": started.isoformat(timespec="seconds"),
    })


def current_user() -> str | None:
    """The login name of whoever makes the run (for the four-eyes rule); None where it is unknown."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment (a service account)
        return None


def finish_manifest(manifest: Manifest, run_dir: Path, errors: list[RunErrorRecord]) -> Manifest:
    """The manifest completed: status, errors (the first one also as `error`), outputs, end time.

    A failed run lists no outputs: its folder holds nothing but the manifest.
    """
    failed = bool(errors)
    return Manifest.model_validate({
        **manifest.model_dump(),
        "status": ManifestStatus.FAILED if failed else ManifestStatus.OK,
        "error": errors[0] if failed else None,
        "errors": errors,
        "outputs": {} if failed else hash_outputs(run_dir),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    })


def write_manifest(run_dir: Path, manifest: Manifest) -> Path:
    """Write `manifest.json` through the run-folder contract (sorted keys: same run, same bytes)."""
    return run_records.write_manifest(run_dir, manifest)
