"""What the steering summary is made from: a run's own tables, its approval, and the approved run it
compares with.

Inside a run (and at release) the summary reads the run folder's `data/`; opened on its own in
JupyterLab it computes the same tables from the params. It compares with the same run as the run's
risk trend (the runner's `previous_run`; at release the manifest's `compared_to`), and only while that
run still verifies as approved: the arrows and "what changed" never name different runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpro_econ.inputs.history import AUTO, ComparedRun, compared_run, find_previous_run, is_approved
from kpro_econ.inputs.overrides import ParamsReader, parse_overrides
from kpro_econ.inputs.run_records import MANIFEST, RunApprovals, read_approval, read_manifest, read_tables
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.params.models import Params
from kpro_econ.tables import Table


@dataclass(frozen=True)
class SteeringInputs:
    params: Params
    tables: dict[Table, pd.DataFrame]
    approval: RunApprovals | None
    compared: ComparedRun | None
    previous_tables: dict[Table, pd.DataFrame] | None


def load_steering_inputs(
    params_path: Path, run_dir: str | Path = "", overrides: Sequence[str] = (), previous_run: str | Path = AUTO,
) -> SteeringInputs:
    """The summary's inputs from the run folder `run_dir`, or computed from the params when it is "".

    `overrides` are the run's `--set PATH=VALUE` (at release, those its manifest records). `previous_run`
    is the run the trend compared with (the runner's, "" for none); `auto` looks for the newest approved
    one. A finished run's manifest (`compared_to`) decides over both.
    """
    params_path = Path(params_path)
    manifest = read_manifest(Path(run_dir)) if str(run_dir) and (Path(run_dir) / MANIFEST).is_file() else None
    if not overrides and manifest is not None:
        overrides = manifest.overrides
    reader = ParamsReader(parse_overrides(overrides))
    params = load_params(params_path, reader)[0][BASE_SCENARIO]
    if str(run_dir):
        run = Path(run_dir)
        tables = _declared(read_tables(run))
        approval = read_approval(run)
        reports = run.parent
    else:
        from kpro_econ.inputs.load import load_inputs
        from kpro_econ.workbook import compute_tables

        inputs = load_inputs(params_path, previous_run, overrides=reader.overrides)
        tables = compute_tables(inputs)
        approval = None
        reports = params_path.resolve().parent.parent / "reports"
        previous_run = inputs.previous_run or ""  # as its trend compared
    if manifest is not None:
        previous = reports / manifest.compared_to if manifest.compared_to else None
    elif str(previous_run) == AUTO:
        previous = find_previous_run(reports, params_path, approved=True)
    else:
        previous = Path(previous_run) if str(previous_run) else None
    if previous is not None and not is_approved(previous):
        previous = None  # changed since: the summary neither compares with it nor shows its arrows
    previous_tables = _declared(read_tables(previous)) if previous is not None else None
    return SteeringInputs(params, tables, approval, compared_run(previous), previous_tables)


def _declared(tables: dict[str, pd.DataFrame]) -> dict[Table, pd.DataFrame]:
    """A run folder's tables by their `Table` (a file no table is named after is not one of them)."""
    return {Table(name): table for name, table in tables.items() if name in {str(table) for table in Table}}
