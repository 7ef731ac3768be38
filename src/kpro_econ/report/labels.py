"""Every Danish label a user reads, looked up from a stable code (never compared against).

One mapping per kind of code. A report, a chart, the Excel workbook and the command line take
their Danish text from here; logic and files use the codes of `kpro_econ.params.codes`.
"""

from __future__ import annotations

from kpro_econ.params.codes import ChangeRequestStatus, CostKind, CostLineCode, RiskStatus, RunState

COST_LINE_LABELS: dict[CostLineCode, str] = {
    CostLineCode.FUT_FEE: "Tilslutningsafgift til FUT",
    CostLineCode.SUPPORT: "Supportaftale",
    CostLineCode.SPOC_OPTION: "FUT SPOC-option",
    CostLineCode.CR_APPROVED: "ÆØ, godkendte",
    CostLineCode.CR_PIPELINE: "ÆØ, pipeline (forventet)",
    CostLineCode.SOLUTION_FEE: "Vederlag for løsningen",
    CostLineCode.INFRASTRUCTURE_FEE: "Vederlag for infrastruktur og samarbejde",
    CostLineCode.ADMINISTRATION: "Systemforvaltning",
    CostLineCode.RISK_POOL: "Risikopulje",
    CostLineCode.MITIGATION: "Risikoreducerende tiltag",
}

COST_KIND_LABELS: dict[CostKind, str] = {CostKind.RUNNING: "Drift", CostKind.ONE_OFF: "Engangs"}

CHANGE_REQUEST_STATUS_LABELS: dict[ChangeRequestStatus, str] = {
    ChangeRequestStatus.PROPOSED: "Foreslået",
    ChangeRequestStatus.APPROVED: "Godkendt",
    ChangeRequestStatus.IN_PROGRESS: "Under udvikling",
    ChangeRequestStatus.DELIVERED: "Leveret",
    ChangeRequestStatus.REJECTED: "Afvist",
}

RISK_STATUS_LABELS: dict[RiskStatus, str] = {
    RiskStatus.OPEN: "Åben",
    RiskStatus.CLOSED: "Lukket",
    RiskStatus.OCCURRED: "Indtruffet",
}

RUN_STATE_LABELS: dict[RunState, str] = {
    RunState.FAILED: "fejlet",
    RunState.DRAFT: "udkast",
    RunState.APPROVED: "godkendt",
    RunState.RELEASED: "frigivet",
    RunState.CHANGED: "ændret efter godkendelse",
}

# --- Run faults (tests helper) ---

# `status` on a run folder whose manifest.json cannot be read (cut short, not JSON, not readable).
UNREADABLE_RUN_LABEL = "ulæselig: manifest.json kan ikke læses (ufuldstændig eller beskadiget)"
