"""Every Danish label a user reads, looked up from a stable code (never compared against).

One mapping per kind of code. A report, a chart, the Excel workbook and the command line take
their Danish text from here; logic and files use the codes of `kpro_econ.params.codes`.
"""

from __future__ import annotations

import pandas as pd

from kpro_econ.inputs.run_records import Table
from kpro_econ.kpi.measures import BILATERAL, STAGES, WAVE5
from kpro_econ.model.budget import FollowupFlag, ReconciliationStatus
from kpro_econ.model.fut_fee import AGREED_BASIS
from kpro_econ.params.codes import (
    ChangeRequestStatus,
    CostKind,
    CostLineCode,
    FigureUnit,
    Headline,
    KpiTrigger,
    RiskStatus,
    RunState,
    Trend,
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

TREND_LABELS: dict[Trend, str] = {
    Trend.UP: "↑",
    Trend.DOWN: "↓",
    Trend.SAME: "→",
    Trend.NEW: "ny",
    Trend.CLOSED: "lukket",
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


def labelled(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """The run's table `name` with its Danish names beside the codes, as its CSV file, its Excel sheet and
    the reports show it: cost lines (`line`), figures (`label`, `unit`, a missing source said), the
    sensitivity's inputs (`label`) and the FUT fee's agreed basis. Idempotent."""
    table = with_cost_line_labels(table)
    if name == Table.ASSUMPTIONS:
        return with_figure_labels(table)
    if name == Table.SENSITIVITY:
        return with_input_labels(table)
    if name == Table.FUT_FEE_COMPARISON and "label" in table.columns:
        return table.assign(label=[FUT_FEE_BASIS_LABELS.get(basis, label)
                                   for basis, label in zip(table["basis"], table["label"], strict=True)])
    return table


# --- figures of the params (the table of assumptions, the sensitivity) -----------------------

# Danish name and unit of each figure, by its parameter path (a year is added after the name).
FIGURE_LABELS: dict[str, tuple[str, FigureUnit]] = {
    "price_index": ("Pris- og lønudvikling (PL)", FigureUnit.SHARE),
    "discount_rate": ("Diskonteringsrente (real)", FigureUnit.SHARE),
    "fte.annual_cost": ("Pris for ét årsværk", FigureUnit.DKK),
    "fut_fee.kommunal_pro_fte_share": ("FUT-afgift, Kommunal PRO", FigureUnit.FTE),
    "fut_fee.telma_fte_share": ("FUT-afgift, Telma", FigureUnit.FTE),
    "support.base_price": ("Supportaftale, årlig pris", FigureUnit.DKK),
    "support.renegotiation.change": ("Supportpris, ændring ved genforhandling", FigureUnit.SHARE),
    "support.spoc_option.monthly_price": ("FUT SPOC-option, pris pr. måned", FigureUnit.DKK),
    "fees.solution": ("Vederlag for løsningen", FigureUnit.DKK),
    "fees.infrastructure": ("Vederlag for infrastruktur og samarbejde", FigureUnit.DKK),
    "administration.staff_fte": ("Systemforvaltning, egne årsværk", FigureUnit.FTE),
    "wave_routes.wave.fixed": ("Bølge 5, fast programudgift", FigureUnit.DKK),
    "wave_routes.wave.per_municipality": ("Bølge 5, pr. kommune", FigureUnit.DKK),
    "wave_routes.bilateral.per_municipality": ("Bilateralt, pr. kommune", FigureUnit.DKK),
}
UNIT_LABELS: dict[FigureUnit, str] = {FigureUnit.DKK: "kr.", FigureUnit.SHARE: "andel", FigureUnit.FTE: "årsværk"}
MISSING_SOURCE = "kilde mangler"
# The FUT fee as agreed, before any volume key (the volume keys are labelled in the params).
FUT_FEE_BASIS_LABELS = {AGREED_BASIS: "Aftalt andel af et årsværk"}


def figure_label(parameter: str) -> tuple[str, FigureUnit | None]:
    """Danish name and unit of the figure at `parameter` (e.g. `price_index.2026`): the name of the
    nearest labelled path, with the rest (a year) after it; the path itself when none is labelled."""
    parts = parameter.split(".")
    for end in range(len(parts), 0, -1):
        found = FIGURE_LABELS.get(".".join(parts[:end]))
        if found is not None:
            return " ".join([found[0], *parts[end:]]), found[1]
    return parameter, None


def with_figure_labels(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The table of assumptions with `label` and `unit` after `parameter`, and *kilde mangler* for a
    figure without a source."""
    if "label" in assumptions.columns:
        return assumptions
    names = [figure_label(str(parameter)) for parameter in assumptions["parameter"]]
    table = assumptions.copy()
    position = list(table.columns).index("parameter") + 1
    table.insert(position, "label", [name for name, _ in names])
    table.insert(position + 1, "unit", [UNIT_LABELS[unit] if unit else "" for _, unit in names])
    table["source"] = table["source"].where(table["source"].notna() & (table["source"] != ""), MISSING_SOURCE)
    return table


def input_label(name: str, title: str) -> str:
    """Danish label of a Monte Carlo input: the figure's name (and year), or the risk's or the change
    request's id and `title`."""
    # Here, not above: the run's workers import this module for the page status and need no risk model.
    from kpro_econ.risk.montecarlo import RISK_PREFIX
    from kpro_econ.risk.sensitivity import CHANGE_REQUEST_PREFIX

    if name.startswith(RISK_PREFIX):
        return f"Risiko {name.removeprefix(RISK_PREFIX)}: {title}"
    if name.startswith(CHANGE_REQUEST_PREFIX):
        request_id = name.removeprefix(CHANGE_REQUEST_PREFIX)
        prefix = "" if request_id.upper().startswith("ÆØ") else "ÆØ "
        return f"{prefix}{request_id}: {title}"
    return figure_label(name)[0]


def with_input_labels(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity table with each input's Danish `label` in place of its `title`."""
    if "label" in sensitivity.columns:
        return sensitivity
    titles = sensitivity["title"].fillna("").astype(str)
    table = sensitivity.copy()
    table.insert(list(table.columns).index("title"),
                 "label", [input_label(str(n), t) for n, t in zip(table["input"], titles, strict=True)])
    return table.drop(columns="title")


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
CHANGED_PAGE_TEXT = "Denne side er ændret efter godkendelsen – må ikke bruges"


# --- issue 11: the steering group's questions in the model -----------------------------------


KPI_TRIGGER_LABELS: dict[KpiTrigger, str] = {
    KpiTrigger.WAVE5: "Bølge 4 ikke klar ≥ tærsklen for bølge 5",
}

WAVE_ROUTE_LABELS: dict[WaveRoute, str] = {WaveRoute.WAVE5: "Bølge 5", WaveRoute.BILATERAL: "Bilateralt"}
