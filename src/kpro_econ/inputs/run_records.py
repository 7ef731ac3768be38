"""Earlier runs as inputs: the run folder's record files (manifest, approval, tables) read back.

The run folder is written by `run/` and `release/`; later runs read it here (history, the steering
summary's comparison), so the file names and readers live in this lower layer.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
APPROVAL = "approval.json"
DATA_DIR = "data"


def read_manifest(run_dir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def read_approval(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / APPROVAL
    if not path.is_file():
        return None
    approval: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return approval


def read_tables(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables a run wrote to `data/*.csv`, by name, with floats read back exactly as written."""
    import pandas as pd

    return {
        path.stem: pd.read_csv(path, encoding="utf-8", float_precision="round_trip")
        for path in sorted((run_dir / DATA_DIR).glob("*.csv"))
    }


class Table(StrEnum):
    """The tables a run writes to `data/<name>.csv` (and as sheets of `tables.xlsx`), by file name."""

    COST_BY_YEAR = "cost_by_year"
    SCENARIO_COMPARISON = "scenario_comparison"
    FUT_FEE_COMPARISON = "fut_fee_comparison"
    ALLOCATION = "allocation"
    ASSUMPTIONS = "assumptions"
    RISK_REGISTER = "risk_register"
    RISK_POOL = "risk_pool"
    MONTECARLO_SUMMARY = "montecarlo_summary"
    SENSITIVITY = "sensitivity"
    KPI_AVAILABILITY = "kpi_availability"
    KPI_RESPONSE_TIMES = "kpi_response_times"
    KPI_SUPPORT_BY_CHANNEL = "kpi_support_by_channel"
    KPI_SUPPORT_BY_CATEGORY = "kpi_support_by_category"
    KPI_ERRORS = "kpi_errors"
    KPI_LIVE_AGAINST_PLAN = "kpi_live_against_plan"
    KPI_WAVE4_NOT_READY = "kpi_wave4_not_ready"
    KPI_WAVE5_DECISION = "kpi_wave5_decision"
    KPI_ADOPTION_BY_MONTH = "kpi_adoption_by_month"
    KPI_ACTIVE_CITIZENS_PER_1000 = "kpi_active_citizens_per_1000"
    KPI_CHANGE_REQUEST_COUNTS = "kpi_change_request_counts"
    KPI_LEAD_TIMES = "kpi_lead_times"
    KPI_LEAD_TIME_TREND = "kpi_lead_time_trend"
    KPI_ESTIMATES_VS_ACTUAL = "kpi_estimates_vs_actual"
    KPI_COST_PER_USE = "kpi_cost_per_use"
    # issue 11: the steering group's questions
    WAVE_ROUTE_COMPARISON = "wave_route_comparison"
    WAVE_ROUTE_DECISION = "wave_route_decision"
    SPOC_OPTION = "spoc_option"
    SPOC_ENDING = "spoc_ending"
