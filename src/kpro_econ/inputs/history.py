"""Earlier runs: which one a new run compares its risks with, and that run's register.

`risk.compare_to` is a run folder (relative to the params file) or `auto`: the newest earlier
successful run of the same params file in the reports folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs.risk_register import risk_register
from kpro_econ.inputs.run_records import APPROVAL, RunRecordError, read_approval, read_manifest
from kpro_econ.inputs.tables import display_path, read_table
from kpro_econ.params.codes import ManifestStatus

AUTO = "auto"
REGISTER_CSV = Path("data") / "risk_register.csv"


def find_previous_run(
    reports_dir: Path, params_path: Path, *, approved: bool = False, before: str | None = None,
    needs: Path = REGISTER_CSV,
) -> Path | None:
    """The newest successful run folder under `reports_dir` made from the same params file.

    With `approved`, only runs with an internal approval count; with `before` (an ISO start time),
    only runs started before it. A run counts only if it holds the file `needs`.
    """
    if not reports_dir.is_dir():
        return None
    wanted = params_path.resolve()
    candidates = []
    for folder in reports_dir.iterdir():
        manifest = folder / "manifest.json"
        if folder.name.startswith(".") or not manifest.is_file() or not (folder / needs).is_file():
            continue
        if approved and not _approved(folder):
            continue
        try:
            data = read_manifest(folder)
        except RunRecordError:
            continue  # an unreadable run is nobody's previous run; `status` names it
        started = data.started or ""
        if before is not None and started >= before:
            continue
        recorded = data.params.path if data.params is not None else None
        if data.status == ManifestStatus.OK and _same_file(recorded, wanted, reports_dir):
            candidates.append((started, folder.name, folder))
    return max(candidates)[2] if candidates else None


def _approved(folder: Path) -> bool:
    """Whether the run's convenience copy `approval.json` says it has every approval it needs."""
    if not (folder / APPROVAL).is_file():
        return False
    try:
        approvals = read_approval(folder)
    except RunRecordError:
        return False
    return approvals is not None and approvals.complete


def _same_file(recorded: str | None, wanted: Path, reports_dir: Path) -> bool:
    if not recorded:
        return False
    path = Path(recorded)
    # A relative path was recorded from the folder the run started in: the reports folder's parent
    # or the current folder.
    options = [path] if path.is_absolute() else [Path.cwd() / path, reports_dir.resolve().parent / path]
    return any(option.resolve() == wanted for option in options)


def previous_run(compare_to: str | None, params_path: Path, reports_dir: Path) -> Path | None:
    """The run folder `compare_to` points at, or None when there is none to compare with."""
    if compare_to is None:
        return None
    if compare_to == AUTO:
        return find_previous_run(reports_dir, params_path)
    folder = (params_path.parent / compare_to).resolve()
    if not (folder / REGISTER_CSV).is_file():
        raise ParamsError([Problem(display_path(params_path), "risk.compare_to",
                                   f"ingen kørselsmappe med {REGISTER_CSV.as_posix()} dér", compare_to)])
    return folder


def previous_register(run_dir: Path) -> pd.DataFrame:
    """The risk register an earlier run wrote, validated as a register."""
    path = run_dir / REGISTER_CSV
    return risk_register(read_table(path), display_path(path))
