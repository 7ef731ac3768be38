"""The run folder: claimed atomically, built beside its final place, published by one rename.

A run folder is written as `OUT/.tmp-<run-id>/` and renamed to `OUT/<run-id>/` only when it is
complete, so nobody ever sees half a run, and no earlier run folder is ever opened for writing.
This module also writes the data tables and the manifest that `approve` will check.
"""

from __future__ import annotations

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

from kpro_econ.errors import KproError
from kpro_econ.inputs import run_records
from kpro_econ.inputs.run_records import MANIFEST, Manifest
from kpro_econ.params.codes import ManifestStatus
from kpro_econ.run.fingerprint import code_fingerprint

if TYPE_CHECKING:
    import pandas as pd

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

_EXCEL_SHEET_MAX = 31
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_EXCEL_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RUN_ID = re.compile(r"^\w[\w.-]*$")


@dataclass(frozen=True)
class RunFolder:
    """A claimed run: `tmp` is where it is built, `final` where `publish` moves it."""

    run_id: str
    tmp: Path
    final: Path


def new_run_id(params_path: Path, started: datetime) -> str:
    """`YYYYMMDD-HHMMSS-<params stem>`: sorts by start time, says which params it ran."""
    stem = _UNSAFE_NAME.sub("_", Path(params_path).stem).strip("._") or "params"
    return f"{started:%Y%m%d-%H%M%S}-{stem}"


def check_run_id(run_id: str) -> None:
    """A run id must be one plain folder name (no path, no leading dot that would hide it)."""
    if not _RUN_ID.match(run_id):
        raise KproError(
            f"--run-id: må kun indeholde bogstaver, tal, '-', '_' og '.' og ikke starte med '.' (got {run_id!r})"
        )


def ensure_free(out_dir: Path, run_id: str) -> None:
    """Refuse a run id the user chose if that run folder already exists."""
    if (out_dir / run_id).exists():
        raise KproError(f"{out_dir / run_id}: kørselsmappen findes allerede; vælg et andet --run-id")


def claim_run_folder(out_dir: Path, run_id: str, *, exact: bool = False) -> RunFolder:
    """Reserve `run_id` (or `run_id-2`, `-3`, … when taken) by creating its temporary folder.

    `mkdir` is atomic, so of two runs that start in the same second exactly one gets each name. A
    name is taken while either its temporary folder or its final folder exists, and `publish` swaps
    one for the other in a single rename, so there is no moment when a taken name looks free.
    With `exact`, the name is the user's choice and is never changed: a clash is an error.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        candidate = run_id if attempt == 1 else f"{run_id}-{attempt}"
        tmp = out_dir / f"{TMP_PREFIX}{candidate}"
        try:
            tmp.mkdir()
        except FileExistsError:
            if exact:
                break
            continue
        final = out_dir / candidate
        if final.exists():
            tmp.rmdir()
            if exact:
                break
            continue
        return RunFolder(run_id=candidate, tmp=tmp, final=final)
    raise KproError(f"{out_dir / run_id}: kørselsmappen findes allerede; vælg et andet --run-id")


def publish(folder: RunFolder) -> Path:
    """Move the finished temporary folder to its final name in one atomic rename."""
    os.rename(folder.tmp, folder.final)
    return folder.final


def discard(folder: RunFolder) -> None:
    """Remove an unfinished temporary folder (the run was interrupted before it could be published)."""
    shutil.rmtree(folder.tmp, ignore_errors=True)


def plain_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it is written: a meaningful index becomes ordinary columns, so nothing is lost."""
    # Imported here, not above: worker processes import this module and never write tables.
    import pandas as pd

    if isinstance(table.index, pd.RangeIndex) and table.index.name is None:
        return table
    return table.reset_index()


def write_tables(data_dir: Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Each table as `data/<name>.csv` (UTF-8, comma, dot decimals) and all of them in `tables.xlsx`.

    A table of cost lines gets each line's Danish name beside its code (`report.labels`).
    """
    import pandas as pd

    from kpro_econ.report.labels import with_cost_line_labels

    tables = {name: with_cost_line_labels(table) for name, table in tables.items()}
    data_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    files = {name: _UNSAFE_NAME.sub("_", name) for name in tables}
    if len(set(files.values())) != len(files):
        raise KproError(f"tabelnavne giver ens filnavne: {sorted(tables)}")
    for name, table in tables.items():
        path = data_dir / f"{files[name]}.csv"
        plain_table(table).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    workbook = data_dir / WORKBOOK_XLSX
    with pd.ExcelWriter(workbook, engine="openpyxl") as excel:
        for name, sheet in excel_sheet_names(tables).items():
            plain_table(tables[name]).to_excel(excel, sheet_name=sheet, index=False)
    written.append(workbook)
    return written


def excel_sheet_names(names: Iterable[str]) -> dict[str, str]:
    """A valid, unique Excel sheet name (at most 31 characters) for every table name."""
    sheets: dict[str, str] = {}
    for name in names:
        base = _EXCEL_FORBIDDEN.sub("_", name)[:_EXCEL_SHEET_MAX] or "tabel"
        sheet, n = base, 1
        while sheet.lower() in {s.lower() for s in sheets.values()}:
            n += 1
            suffix = f"~{n}"
            sheet = base[: _EXCEL_SHEET_MAX - len(suffix)] + suffix
        sheets[name] = sheet
    return sheets


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_outputs(run_dir: Path) -> dict[str, str]:
    """sha256 of every file in the run folder but the manifest, by POSIX path relative to the folder."""
    return {
        path.relative_to(run_dir).as_posix(): sha256_file(path)
        for path in sorted(run_dir.rglob("*"))
        if path.is_file() and path.relative_to(run_dir).as_posix() != MANIFEST
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
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def new_manifest(
    *,
    run_id: str,
    params_path: Path,
    input_files: Iterable[Path],
    notebooks: Mapping[str, Any],
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
        "notebooks": dict(notebooks),
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


def finish_manifest(manifest: Manifest, run_dir: Path, errors: list[dict[str, Any]]) -> Manifest:
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
