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

# --- The Excel workbook (report/excel.py) ---------------------------------------------------------

EXCEL_ABOUT_SHEET = "Om kørslen"

BOOL_LABELS: dict[bool, str] = {True: "Ja", False: "Nej"}

MONTE_CARLO_STATISTIC_LABELS: dict[str, str] = {
    "mean": "Middelværdi",
    "P50": "P50",
    "P80": "P80",
    "P95": "P95",
    "base": "Basisbudget",
    "contingency": "Reserve",
}


# --- The state a run's pages show (run/pack_status.py) ---------------------------------------------

PACK_STATUS_TEXTS: dict[RunState, str] = {
    RunState.DRAFT: "Udkast – afventer intern godkendelse",
    RunState.APPROVED: "Godkendt internt af {approver} {when}",
    RunState.RELEASED: "Frigivet til forretningsstyregruppen {when} (godkendt internt af {approver})",
    RunState.CHANGED: "Ændret efter godkendelse – må ikke bruges",
    RunState.FAILED: "Kørslen fejlede",
}
