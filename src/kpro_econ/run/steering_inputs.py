"""What the steering summary is made from: a run's own tables, its approval, and the last approved run.

Inside a run (and at release) the summary reads the run folder's `data/`; opened on its own in
JupyterLab it computes the same tables from the params.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpro_econ.inputs.history import find_previous_run
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
    previous_approved: Path | None
    previous_tables: dict[Table, pd.DataFrame] | None


def load_steering_inputs(params_path: Path, run_dir: str | Path = "", overrides: Sequence[str] = ()) -> SteeringInputs:
    """The summary's inputs from the run folder `run_dir`, or computed from the params when it is "".

    `overrides` are the run's `--set PATH=VALUE` (at release, those its manifest records).
    """
    params_path = Path(params_path)
    if not overrides and str(run_dir) and (Path(run_dir) / MANIFEST).is_file():
        overrides = read_manifest(Path(run_dir)).overrides
    reader = ParamsReader(parse_overrides(overrides))
    params = load_params(params_path, reader)[0][BASE_SCENARIO]
    if str(run_dir):
        run = Path(run_dir)
        tables = _declared(read_tables(run))
        approval = read_approval(run)
        started = read_manifest(run).started if (run / MANIFEST).is_file() else None
        reports = run.parent
    else:
        from kpro_econ.inputs.load import load_inputs
        from kpro_econ.workbook import compute_tables

        tables = compute_tables(load_inputs(params_path, overrides=reader.overrides))
        approval, started = None, None
        reports = params_path.resolve().parent.parent / "reports"
    previous = find_previous_run(reports, params_path, approved=True, before=started)
    previous_tables = _declared(read_tables(previous)) if previous is not None else None
    return SteeringInputs(params, tables, approval, previous, previous_tables)


def _declared(tables: dict[str, pd.DataFrame]) -> dict[Table, pd.DataFrame]:
    """A run folder's tables by their `Table` (a file no table is named after is not one of them)."""
    return {Table(name): table for name, table in tables.items() if name in {str(table) for table in Table}}
