"""Earlier runs: which one a new run compares its risks with, and that run's register.

`risk.compare_to` is a run folder (relative to the params file) or `auto`: the newest earlier
approved run of the same params file in the reports folder. Either way the run compared with must
be approved as release would accept it (`approvals.approved_as_written`): the trend and the steering
summary's "what changed" never rest on a draft or a what-if run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs.approvals import approved_as_written
from kpro_econ.inputs.risk_register import risk_register
from kpro_econ.inputs.run_records import RunRecordError, read_manifest
from kpro_econ.inputs.tables import display_path, read_table
from kpro_econ.params.codes import ManifestStatus

AUTO = "auto"
REGISTER_CSV = Path("data") / "risk_register.csv"


def find_previous_run(
    reports_dir: Path, params_path: Path, *, approved: bool = False, before: str | None = None,
    needs: Path = REGISTER_CSV,
) -> Path | None:
    """The newest successful run folder under `reports_dir` made from the same params file.

    With `approved`, only runs the ledger shows approved count, with their files as approved
    (`approvals.approved_as_written`); with `before` (an ISO start time), only runs started before it.
    A run counts only if it holds the file `needs`.
    """
    if not reports_dir.is_dir():
        return None
    wanted = params_path.resolve()
    candidates = []
    for folder in reports_dir.iterdir():
        manifest = folder / "manifest.json"
        if folder.name.startswith(".") or not manifest.is_file() or not (folder / needs).is_file():
            continue
        try:
            data = read_manifest(folder)
        except RunRecordError:
            continue  # an unreadable run is nobody's previous run; `status` names it
        started = data.started or ""
        if before is not None and started >= before:
            continue
        base = started_in(data.params.path if data.params is not None else None, wanted, reports_dir)
        if data.status == ManifestStatus.OK and base is not None:
            candidates.append((started, folder.name, folder, base))
    # Newest first; the approval (signatures, hashes) is checked only until one holds.
    for _, _, folder, base in sorted(candidates, reverse=True):
        if not approved or approved_as_written(folder, base):
            return folder
    return None


def started_in(recorded: str | None, wanted: Path, reports_dir: Path) -> Path | None:
    """The folder from which the params path a manifest `recorded` names the file `wanted`, or None.

    A relative path was recorded from the folder the run started in: the current folder or the
    reports folder's parent (an absolute path names the same file from anywhere)."""
    if not recorded:
        return None
    for base in (Path.cwd(), reports_dir.resolve().parent):
        if (base / recorded).resolve() == wanted:
            return base
    return None


def started_from(run_dir: Path, reports_dir: Path) -> Path:
    """The folder a run was most likely started from: the current folder when its recorded params
    path is found from there, else the reports folder's parent (where `run` puts `reports/`)."""
    try:
        manifest = read_manifest(run_dir)
    except RunRecordError:
        return reports_dir.resolve().parent
    recorded = manifest.params.path if manifest.params is not None else ""
    return Path.cwd() if recorded and (Path.cwd() / recorded).is_file() else reports_dir.resolve().parent


def previous_run(compare_to: str | None, params_path: Path, reports_dir: Path) -> Path | None:
    """The approved run folder `compare_to` points at, or None when there is none to compare with."""
    if compare_to is None:
        return None
    if compare_to == AUTO:
        return find_previous_run(reports_dir, params_path, approved=True)
    folder = (params_path.parent / compare_to).resolve()
    if not (folder / REGISTER_CSV).is_file():
        raise ParamsError([Problem(display_path(params_path), "risk.compare_to",
                                   f"ingen kørselsmappe med {REGISTER_CSV.as_posix()} dér", compare_to)])
    if not is_approved(folder):
        raise ParamsError([Problem(display_path(params_path), "risk.compare_to",
                                   "kørslen er ikke godkendt (eller ændret siden godkendelsen); udviklingen "
                                   "måles kun mod godkendte kørsler", compare_to)])
    return folder


def is_approved(run_dir: Path) -> bool:
    """Whether `run_dir` is approved as release would accept it, its paths read as `started_from` finds them."""
    return approved_as_written(run_dir, started_from(run_dir, run_dir.parent))


@dataclass(frozen=True)
class ComparedRun:
    """The approved earlier run that a run's trend and "what changed" compare with: its folder and start."""

    folder: Path
    started: datetime | None

    @property
    def run_id(self) -> str:
        return self.folder.name


def compared_run(folder: Path | None) -> ComparedRun | None:
    """`folder` with the start time its manifest records (None when unreadable)."""
    if folder is None:
        return None
    try:
        recorded = read_manifest(folder).started
    except RunRecordError:
        recorded = None
    try:
        started = datetime.fromisoformat(recorded) if recorded else None
    except ValueError:
        started = None
    return ComparedRun(folder, started)


def previous_register(run_dir: Path) -> pd.DataFrame:
    """The risk register an earlier run wrote, validated as a register."""
    path = run_dir / REGISTER_CSV
    return risk_register(read_table(path), display_path(path))
