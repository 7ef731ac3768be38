"""Every Danish label a user reads, looked up from a stable code (never compared against).

One mapping per kind of code. A report, a chart, the Excel workbook and the command line take
their Danish text from here; logic and files use the codes of `kpro_econ.params.codes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kpro_econ.kpi.measures import BILATERAL, STAGES, WAVE5
from kpro_econ.model.budget import FollowupFlag, ReconciliationStatus
from kpro_econ.model.fut_fee import AGREED_BASIS
from kpro_econ.params.codes import (
    ChangeRequestStatus,
    Channel,
    CostKind,
    CostLineCode,
    FigureUnit,
    Headline,
    KpiTrigger,
    RiskStatus,
    RunState,
    SettingUnit,
    Severity,
    Trend,
    WaveRoute,
)
from kpro_econ.tables import Codes, Column, Table, written_columns

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

CHANNEL_LABELS: dict[str, str] = {Channel.CITIZEN: "Borgere", Channel.STAFF: "Medarbejdere"}
SEVERITY_LABELS: dict[str, str] = {
    Severity.CRITICAL: "Kritisk", Severity.HIGH: "Høj", Severity.MEDIUM: "Middel", Severity.LOW: "Lav",
}
DECISION_LABELS = {WAVE5: "Bølge 5", BILATERAL: "Bilateralt"}
STAGE_LABELS = dict(zip(STAGES, ("Ønsket → godkendt", "Godkendt → leveret", "Ønsket → leveret"), strict=True))

# --- the steering summary's headline figures ------------------------------------------------

HEADLINE_LABELS: dict[Headline, str] = {
    Headline.COSTS_IN_YEAR: "Udgifter {year}",
    Headline.COSTS_TOTAL: "Udgifter i alt {period}",
    Headline.NET_PRESENT_VALUE: "Nutidsværdi {period}",
    Headline.RISK_POOL: "Risikopulje",
    Headline.RESERVE: "Reserve (til {percentile}, oven i budget med risikopulje)",
}
"""Templates: `year` the report year, `period` the budget years (2025–2026), `percentile` e.g. P80."""

BASIS_LABELS: dict[str, str] = {"booked": "Bogført", "forecast": "Forventet regnskab", "estimated": "Skøn"}
"""What a year of the cost table rests on (`model.books.Basis`)."""

COSTS_IN_YEAR_BY_BASIS: dict[str, str] = {
    "booked": "Regnskab {year} (bogført)",
    "forecast": "Forventet regnskab {year} (bogført + resten af året)",
    "estimated": "Udgifter {year} (skøn)",
}
"""The report year's costs named by what they rest on (`model.books.Basis`, the cost table's `basis`)."""


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
SETTING_UNIT_LABELS: dict[SettingUnit, str] = {
    SettingUnit.MONTHS: "måneder", SettingUnit.YEAR: "år", SettingUnit.MUNICIPALITIES: "kommuner",
    SettingUnit.CITIZENS: "indbyggere", SettingUnit.MILLISECONDS: "ms", SettingUnit.DRAWS: "trækninger",
    SettingUnit.RISKS: "risici", SettingUnit.APPROVERS: "godkendere",
}
SETTING_UNIT_SINGULAR: dict[SettingUnit, str] = {
    SettingUnit.MONTHS: "måned", SettingUnit.MUNICIPALITIES: "kommune", SettingUnit.CITIZENS: "indbygger",
    SettingUnit.DRAWS: "trækning", SettingUnit.RISKS: "risiko", SettingUnit.APPROVERS: "godkender",
}
"""A unit after the number 1 (`1 måned`); a unit not here is the same after 1."""
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
    "pool": "Risikopulje",
    "budget": "Budget med risikopulje",
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


# --- The run's tables (`kpro_econ.tables`): sheet names, column headers, the labels of their codes ---

SHEET_LABELS: dict[Table, str] = {
    Table.COST_BY_YEAR: "Udgifter pr. år",
    Table.SCENARIO_COMPARISON: "Scenarier",
    Table.FUT_FEE_COMPARISON: "FUT-afgift",
    Table.ALLOCATION: "Fordeling på kommuner",
    Table.ASSUMPTIONS: "Forudsætninger",
    Table.RISK_REGISTER: "Risikoregister",
    Table.RISK_POOL: "Risikopulje",
    Table.MONTECARLO_SUMMARY: "Monte Carlo",
    Table.SENSITIVITY: "Følsomhed",
    Table.KPI_AVAILABILITY: "Tilgængelighed",
    Table.KPI_RESPONSE_TIMES: "Svartider",
    Table.KPI_SUPPORT_BY_CHANNEL: "Support pr. kanal",
    Table.KPI_SUPPORT_BY_CATEGORY: "Support pr. kategori",
    Table.KPI_ERRORS: "Fejl",
    Table.KPI_LIVE_AGAINST_PLAN: "I drift mod plan",
    Table.KPI_WAVE4_NOT_READY: "Bølge 4 ikke klar",
    Table.KPI_WAVE5_DECISION: "Bølge 5, KPI-udtræk",
    Table.KPI_ADOPTION_BY_MONTH: "Udbredelse pr. måned",
    Table.KPI_ACTIVE_CITIZENS_PER_1000: "Aktive borgere pr. 1.000",
    Table.KPI_CHANGE_REQUEST_COUNTS: "ÆØ pr. status",
    Table.KPI_LEAD_TIMES: "ÆØ gennemløbstider",
    Table.KPI_LEAD_TIME_TREND: "ÆØ gennemløb over tid",
    Table.KPI_ESTIMATES_VS_ACTUAL: "ÆØ estimat og faktisk",
    Table.KPI_COST_PER_USE: "Udgift pr. brug",
    Table.BUDGET_FOLLOWUP: "Budgetopfølgning",
    Table.INVOICE_RECONCILIATION: "Fakturaafstemning",
    Table.WAVE_ROUTE_COMPARISON: "Bølge 5 eller bilateralt",
    Table.WAVE_ROUTE_DECISION: "Bølge 5-beslutning",
    Table.SPOC_OPTION: "SPOC-option",
    Table.SPOC_ENDING: "SPOC-option, opsigelse",
}
"""The Danish name of each table: its sheet in `tables.xlsx`."""

PIVOT_SHEET_LABELS: dict[Table, str] = {Table.COST_BY_YEAR: "Udgifter, {value}"}
"""The sheet of a table shown wide (`tables.PIVOTS`) for each other scenario: `{value}` its name."""

COLUMN_LABELS: dict[str, str] = {
    "cost_basis": "Grundlag",
    "budget_run": "Budget fra kørsel",
    "scenario": "Scenarie",
    "year": "År",
    "cost_line": "Udgiftslinje",
    "kind": "Art",
    "amount_dkk": "Beløb",
    "total_dkk": "I alt",
    "npv_dkk": "Nutidsværdi",
    "p50_dkk": "P50",
    "p80_dkk": "P80",
    "contingency_dkk": "Reserve",
    "volume_key": "Fordelingsnøgle",
    "kommunal_pro_volume": "Kommunal PRO, volumen",
    "telma_volume": "Telma, volumen",
    "kommunal_pro_fee_dkk": "Kommunal PRO, aftalt afgift",
    "telma_fee_dkk": "Telma, aftalt afgift",
    "kommunal_pro_per_unit_dkk": "Kommunal PRO, kr. pr. enhed",
    "telma_per_unit_dkk": "Telma, kr. pr. enhed",
    "kommunal_pro_share": "Kommunal PRO, andel",
    "telma_share": "Telma, andel",
    "kommunal_pro_fee_by_key_dkk": "Kommunal PRO ville betale",
    "telma_fee_by_key_dkk": "Telma ville betale",
    "municipality_code": "Kommunekode",
    "municipality": "Kommune",
    "region": "Region",
    "weight": "Vægt",
    "share": "Andel",
    "parameter": "Parameter",
    "assumption": "Forudsætning",
    "unit": "Enhed",
    "value": "Værdi",
    "low": "Lav",
    "mode": "Mest sandsynlig",
    "high": "Høj",
    "price_year": "Prisår",
    "source": "Kilde",
    "note": "Bemærkning",
    "id": "Id",
    "title": "Titel",
    "description": "Beskrivelse",
    "category": "Kategori",
    "owner": "Ejer",
    "cause": "Årsag",
    "consequence": "Konsekvens",
    "likelihood_inherent": "Sandsynlighed før tiltag (1–5)",
    "impact_inherent": "Konsekvens før tiltag (1–5)",
    "likelihood_residual": "Sandsynlighed efter tiltag (1–5)",
    "impact_residual": "Konsekvens efter tiltag (1–5)",
    "mitigation": "Tiltag",
    "mitigation_cost": "Udgift til tiltag",
    "status": "Status",
    "proximity": "Forventet år",
    "probability_stated": "Sandsynlighed (angivet)",
    "cost_low": "Udgift, lav",
    "cost_mode": "Udgift, mest sandsynlig",
    "cost_high": "Udgift, høj",
    "last_reviewed": "Senest vurderet",
    "estimate_source": "Grundlag for skøn",
    "score_inherent": "Score før tiltag",
    "score_residual": "Score efter tiltag",
    "band_inherent": "Niveau før tiltag",
    "band_residual": "Niveau efter tiltag",
    "probability_resolved": "Sandsynlighed",
    "cost_mean": "Udgift hvis den indtræffer (PERT-middel)",
    "expected_value_dkk": "Forventet værdi",
    "in_pool": "I puljen",
    "trend": "Udvikling",
    "trigger": "Udløses af",
    "booked_in": "I budgettet som",
    "rank": "Rang",
    "probability": "Sandsynlighed",
    "years": "År",
    "statistic": "Størrelse",
    "value_dkk": "Beløb",
    "input_label": "Input",
    "low_total_dkk": "Total ved lavt skøn",
    "high_total_dkk": "Total ved højt skøn",
    "swing_dkk": "Udsving",
    "variance_share": "Andel af variansen",
    "month": "Måned",
    "availability": "Tilgængelighed",
    "downtime_minutes": "Nedetid, minutter",
    "target": "Mål",
    "meets_target": "Opfyldt",
    "median_ms": "Median, ms",
    "p95_ms": "95 %-fraktil, ms",
    "median_target_ms": "Mål for median, ms",
    "p95_target_ms": "Mål for 95 %-fraktil, ms",
    "within_target": "Inden for målet",
    "channel": "Kanal",
    "requests": "Henvendelser",
    "severity": "Alvorlighed",
    "errors": "Fejl",
    "wave": "Bølge",
    "municipalities": "Kommuner",
    "planned_live": "Planlagt i drift",
    "live": "I drift",
    "behind_plan": "Bag planen",
    "planned_go_live": "Planlagt i drift",
    "actual_go_live": "Faktisk i drift",
    "live_now": "I drift nu",
    "days_late": "Dage efter planen",
    "extract_month": "Udtræk",
    "wave4_planned": "Planlagt i bølge 4",
    "wave4_municipalities": "Kommuner i bølge 4",
    "due": "Skulle være i drift",
    "not_live": "Ikke i drift",
    "threshold": "Tærskel",
    "decision": "Det peger på",
    "live_municipalities": "Kommuner i drift",
    "staff_with_access": "Medarbejdere med adgang",
    "active_citizens": "Aktive borgere",
    "citizens": "Indbyggere",
    "active_per_1000": "Pr. 1.000 indbyggere",
    "priority": "Prioritet",
    "change_request_status": "Status",
    "count": "Antal",
    "requested_date": "Ønsket",
    "approved_date": "Godkendt",
    "delivered_date": "Leveret",
    "days_to_approval": "Dage til godkendelse",
    "days_to_delivery": "Dage til levering",
    "days_total": "Dage i alt",
    "period": "Periode",
    "stage": "Forløb",
    "median_days": "Median, dage",
    "mean_days": "Gennemsnit, dage",
    "estimate_low": "Estimat, lav",
    "estimate_mode": "Estimat, mest sandsynlig",
    "estimate_high": "Estimat, høj",
    "pert_mean": "PERT-middel",
    "actual_cost": "Faktisk",
    "difference_dkk": "Afvigelse",
    "difference_share": "Afvigelse, pct.",
    "within_range": "Inden for estimatet",
    "running_cost_dkk": "Driftsudgift",
    "months": "Måneder med data",
    "active_citizens_mean": "Aktive borgere (gns. pr. måned)",
    "live_municipalities_mean": "Kommuner i drift (gns.)",
    "cost_per_active_citizen_dkk": "Pr. aktiv borger",
    "cost_per_live_municipality_dkk": "Pr. kommune i drift",
    "budget_dkk": "Budget",
    "actual_dkk": "Bogført",
    "forecast_dkk": "Forventet regnskab",
    "variance_dkk": "Afvigelse",
    "variance_pct": "Afvigelse i %",
    "agreement": "Aftale",
    "expected_dkk": "Forventet",
    "booked_dkk": "Bogført",
    "invoice_difference": "Difference",
    "references": "Bilag",
    "not_ready": "Kommuner, der ikke er klar",
    "cheaper": "Billigst",
    "break_even": "Lige dyrt ved",
    "route": "Vej",
    "cost_mean_dkk": "Udgift (PERT-middel)",
    "months_active": "Måneder aktiv",
    "with_dkk": "Med option",
    "without_dkk": "Uden option",
    "notice_month": "Opsigelse givet i måned",
    "effective": "Ophører fra (år-måned)",
    "saving_dkk": "Besparelse",
    **{f"{route}_{statistic}": f"{WAVE_ROUTE_LABELS[route]}, {name}"
       for route in WaveRoute
       for statistic, name in (("low", "lav"), ("mode", "mest sandsynlig"), ("high", "høj"), ("mean", "PERT-middel"))},
    # the steering summary's largest risks
    "risk": "Risiko",
    "band": "Niveau",
}
"""The Danish header of each column, by its label key (`tables.Column.label_key`)."""

CODE_LABELS: dict[Codes, Mapping[Any, str]] = {
    Codes.BOOL: BOOL_LABELS,
    Codes.COST_LINE: COST_LINE_LABELS,
    Codes.COST_KIND: COST_KIND_LABELS,
    Codes.CHANGE_REQUEST_STATUS: CHANGE_REQUEST_STATUS_LABELS,
    Codes.RISK_STATUS: RISK_STATUS_LABELS,
    Codes.TREND: TREND_LABELS,
    Codes.WAVE_ROUTE: WAVE_ROUTE_LABELS,
    Codes.MONTE_CARLO_STATISTIC: MONTE_CARLO_STATISTIC_LABELS,
    Codes.CHANNEL: CHANNEL_LABELS,
    Codes.SEVERITY: SEVERITY_LABELS,
    Codes.DECISION: DECISION_LABELS,
    Codes.STAGE: STAGE_LABELS,
    Codes.RECONCILIATION_STATUS: RECONCILIATION_STATUS_LABELS,
    Codes.BASIS: BASIS_LABELS,
}
"""The Danish labels of each family of codes a column may hold."""


def header(column: Column) -> str:
    """The Danish header of a declared column (a year column's header is its year)."""
    return column.name if column.per_year else COLUMN_LABELS[column.label_key]


def headers(table: Table, present: Iterable[str]) -> dict[str, str]:
    """The Danish header of each of `present`'s columns of `table`, by column name, for renaming a frame."""
    names = list(present)
    return {column.name: header(column) for column in written_columns(table, names) if column.name in names}
