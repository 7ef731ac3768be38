"""Earlier runs as loading the inputs sees them: which one to compare with is asked, not looked up.

Whether an earlier run was approved rests on its signatures, which only the archive (`kpro_econ.records`)
checks. Loading takes the archive as an `EarlierRuns` and runs no `ssh-keygen` of its own: without one
(`NO_EARLIER_RUNS`) a run compares with nothing and its budget is its own estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pandas as pd

from kpro_econ.inputs.risk_register import risk_register
from kpro_econ.inputs.tables import display_path, read_table

__all__ = ["AUTO", "COST_BY_YEAR_CSV", "NO_EARLIER_RUNS", "REGISTER_CSV", "ComparedRun", "EarlierRuns",
           "previous_register"]

AUTO = "auto"
REGISTER_CSV = Path("data") / "risk_register.csv"
COST_BY_YEAR_CSV = Path("data") / "cost_by_year.csv"


@dataclass(frozen=True)
class ComparedRun:
    """The approved earlier run that a run's trend and "what changed" compare with: its folder and start."""

    folder: Path
    started: datetime | None

    @property
    def run_id(self) -> str:
        return self.folder.name


class EarlierRuns(Protocol):
    """The earlier runs a new run may rest on (implemented by `records.history.RunArchive`)."""

    def compared_with(self, compare_to: str | None, params_path: Path) -> ComparedRun | None:
        """The approved run the risk trend compares with (`risk.compare_to`); a ParamsError if it is unusable."""
        ...

    def budget_baseline(self, baseline: str, params_path: Path) -> Path | None:
        """The approved run whose cost is the budget (`budget.baseline`); a ParamsError if it is unusable."""
        ...


class _NoEarlierRuns:
    def compared_with(self, compare_to: str | None, params_path: Path) -> ComparedRun | None:
        return None

    def budget_baseline(self, baseline: str, params_path: Path) -> Path | None:
        return None


NO_EARLIER_RUNS: EarlierRuns = _NoEarlierRuns()
"""No archive: nothing to compare with, no approved budget."""


def previous_register(run_dir: Path) -> pd.DataFrame:
    """The risk register an earlier run wrote, validated as a register."""
    path = run_dir / REGISTER_CSV
    return risk_register(read_table(path), display_path(path))
