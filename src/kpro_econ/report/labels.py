"""Every Danish label a user reads, looked up from a stable code (never compared against).

One mapping per kind of code. A report, a chart, the Excel workbook and the command line take
their Danish text from here; logic and files use the codes of `kpro_econ.params.codes`.
"""

from __future__ import annotations

import pandas as pd

from kpro_econ.kpi.measures import BILATERAL, STAGES, WAVE5
from kpro_econ.model.budget import FollowupFlag, ReconciliationStatus
from kpro_econ.params.codes import (
    ChangeRequestStatus,
    CostKind,
    CostLineCode,
    Headline,
    KpiTrigger,
    RiskStatus,
    RunState,
    WaveRoute,
)

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
    CostLineCode.OCCURRED_RISKS: "Indtrufne risici",
    CostLineCode.WAVE_ROUTE: "Bølge 5 eller bilateralt",
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


# --- column headers typed in many tables ----------------------------------------------------

ID = "Id"
TITLE = "Titel"
OWNER = "Ejer"
STATUS = "Status"
YEAR = "År"
MONTH = "Måned"
COST_LINE = "Udgiftslinje"
KIND = "Art"
TOTAL = "I alt"
KEY_FIGURE = "Nøgletal"
VALUE = "Værdi"
AMOUNT = "Beløb"

# --- KPIs: the codes of `kpi.measures` ------------------------------------------------------

CHANNEL_LABELS = {"borger": "Borgere", "medarbejder": "Medarbejdere"}
SEVERITY_LABELS = {"kritisk": "Kritisk", "høj": "Høj", "middel": "Middel", "lav": "Lav"}
DECISION_LABELS = {WAVE5: "Bølge 5", BILATERAL: "Bilateralt"}
STAGE_LABELS = dict(zip(STAGES, ("Ønsket → godkendt", "Godkendt → leveret", "Ønsket → leveret"), strict=True))

# --- the steering summary's headline figures ------------------------------------------------

HEADLINE_LABELS: dict[Headline, str] = {
    Headline.COSTS_IN_YEAR: "Udgifter {year}",
    Headline.COSTS_TOTAL: "Udgifter i alt {period}",
    Headline.NET_PRESENT_VALUE: "Nutidsværdi {period}",
    Headline.RISK_POOL: "Risikopulje",
    Headline.RESERVE: "Reserve ({percentile} over basis)",
}
"""Templates: `year` the report year, `period` the budget years (2025–2026), `percentile` e.g. P80."""


def with_cost_line_labels(table: pd.DataFrame) -> pd.DataFrame:
    """A table with a `line_code` column gets the line's Danish name as `line` right after it (others as
    they are): the run's CSV files carry both, the code for machines and the name for people."""
    if "line_code" not in table.columns or "line" in table.columns:
        return table
    labelled = table.copy()
    position = list(table.columns).index("line_code") + 1
    labelled.insert(position, "line", table["line_code"].map(COST_LINE_LABELS))
    return labelled


# --- budget follow-up (budgetopfølgning) -----------------------------------------------------

FOLLOWUP_FLAG_LABELS: dict[FollowupFlag, str] = {
    FollowupFlag.NONE: "",
    FollowupFlag.UNBUDGETED: "ikke budgetteret",
    FollowupFlag.NO_BOOKINGS: "budget uden bogføring",
    FollowupFlag.OVERRIDE: "controllerens skøn",
}

RECONCILIATION_STATUS_LABELS: dict[ReconciliationStatus, str] = {
    ReconciliationStatus.OK: "OK",
    ReconciliationStatus.MISSING: "Mangler",
    ReconciliationStatus.DUPLICATE: "Dobbelt",
    ReconciliationStatus.DEVIATION: "Afvigelse",
}

# --- Approval and release (issue 9) ---

UNSIGNED_LABEL = "usigneret"
"""Shown beside the state of a run approved without a signature (`approval.signatures: optional`)."""

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


# --- issue 11: the steering group's questions in the model -----------------------------------


KPI_TRIGGER_LABELS: dict[KpiTrigger, str] = {
    KpiTrigger.WAVE5: "Bølge 4 ikke klar ≥ tærsklen for bølge 5",
}

WAVE_ROUTE_LABELS: dict[WaveRoute, str] = {WaveRoute.WAVE5: "Bølge 5", WaveRoute.BILATERAL: "Bilateralt"}
