"""The workbook the runner computed, handed to its notebooks: one pickle in the run's build folder.

The runner computes the workbook once, for the tables it writes, while the kernels start; a notebook
whose `computed_path` parameter names the file reads it instead of loading and computing everything
again. A notebook opened on its own (JupyterLab: `computed_path = ""`) computes what it shows itself,
with the same `Workbook`, so the figures are the same either way.

A pickle, not CSV or Parquet: the notebooks need more than tables (the params, the simulation). The
file is written by the user's own run into its own build folder and read only from the path the runner
passes; it is no exchange format and no record of the run (the run folder's `data/` is).
"""

from __future__ import annotations

import pickle
from pathlib import Path

from kpro_econ.errors import KproError
from kpro_econ.inputs.earlier import AUTO
from kpro_econ.inputs.load import load_inputs
from kpro_econ.records.history import RunArchive
from kpro_econ.workbook import Workbook

COMPUTED = "computed.pickle"


def hand_over(computed: Workbook, build_dir: Path) -> Path:
    """Pickle `computed` into `build_dir`; the path for the notebooks' `computed_path` parameter."""
    path = Path(build_dir) / COMPUTED
    # With the params file's absolute path (resolved here, where a relative one is meant), so that a
    # notebook given the file of another params set refuses it.
    handed = (str(computed.inputs.params_path.resolve()), computed)
    with path.open("wb") as file:
        pickle.dump(handed, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path.resolve()


def workbook_for(params_path: str | Path, computed_path: str | Path = "", previous_run: str | Path = AUTO) -> Workbook:
    """The runner's workbook when it handed one over (`computed_path`), else one computed from the params.

    `previous_run` is the earlier run the risk trend compares with when computing here (see `RunArchive`).
    """
    if not str(computed_path):
        return Workbook(load_inputs(Path(params_path), earlier=RunArchive(previous_run=previous_run)))
    with Path(computed_path).open("rb") as file:
        # S301: the file is the one this run's own runner wrote moments ago in its private build folder
        # (`computed_path` is set by the runner, never by a user), so it is not untrusted data.
        handed = pickle.load(file)  # noqa: S301
    match handed:
        case (str(computed_from), Workbook() as computed) if Path(computed_from) == Path(params_path).resolve():
            return computed
    raise KproError(f"{computed_path}: er ikke beregnet ud fra {params_path}")
