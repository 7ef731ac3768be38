"""Stable codes used in files and logic: cost lines, statuses, the base scenario, run states.

Codes never change with the wording of a report; the Danish text for each lives in
`kpro_econ.report.labels` and is looked up from the code, never compared against.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from kpro_econ.errors import suggestion


class CostLineCode(StrEnum):
    """The cost lines of `cost-model.md` and `budget-followup.md`."""

    FUT_FEE = "fut_fee"
    SUPPORT = "support"
    SPOC_OPTION = "spoc_option"
    CR_APPROVED = "cr_approved"
    CR_PIPELINE = "cr_pipeline"
    SOLUTION_FEE = "solution_fee"
    INFRASTRUCTURE_FEE = "infrastructure_fee"
    ADMINISTRATION = "administration"
    RISK_POOL = "risk_pool"
    MITIGATION = "mitigation"
    # issue 11: occurred risks' own costs, and the chosen wave-5 or bilateral route
    OCCURRED_RISKS = "occurred_risks"
    WAVE_ROUTE = "wave_route"


class CostKind(StrEnum):
    """One-off (engangs) or running (drift) cost."""

    RUNNING = "drift"
    ONE_OFF = "engangs"


class ChangeRequestStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    REJECTED = "rejected"


class RiskStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    OCCURRED = "occurred"


class Priority(StrEnum):
    """A change request's priority, as the register writes it (Danish words are the codes here)."""

    HIGH = "høj"
    MEDIUM = "middel"
    LOW = "lav"


class Severity(StrEnum):
    """An error's severity in the operations register, the most severe first."""

    CRITICAL = "kritisk"
    HIGH = "høj"
    MEDIUM = "middel"
    LOW = "lav"


class Channel(StrEnum):
    """Who a support request came from, in the operations register."""

    CITIZEN = "borger"
    STAFF = "medarbejder"


class FigureUnit(StrEnum):
    """The unit of a figure in the params, for the table of assumptions and `kpro-econ params`."""

    DKK = "dkk"
    SHARE = "share"
    FTE = "fte"


class SettingUnit(StrEnum):
    """The unit of a setting `kpro-econ params` lists (a figure's is a `FigureUnit`)."""

    MONTHS = "months"
    YEAR = "year"
    MUNICIPALITIES = "municipalities"
    CITIZENS = "citizens"
    MILLISECONDS = "milliseconds"
    DRAWS = "draws"
    RISKS = "risks"
    APPROVERS = "approvers"


class Trend(StrEnum):
    """A risk's residual score against the last approved run's register (`risk.assessment.trend`)."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"
    CLOSED = "closed"


class RunState(StrEnum):
    """A run folder's state as `status` reports it."""

    FAILED = "failed"
    DRAFT = "draft"
    APPROVED = "approved"
    RELEASED = "released"
    CHANGED = "changed"


BASE_SCENARIO = "Basis"
"""The name of the base scenario (the params without overrides), as written in files."""


class Headline(StrEnum):
    """The steering summary's headline figures (its table and the comparison with the last approved run)."""

    COSTS_IN_YEAR = "costs_in_year"
    COSTS_TOTAL = "costs_total"
    NET_PRESENT_VALUE = "net_present_value"
    RISK_POOL = "risk_pool"
    RESERVE = "reserve"


# --- Approval and release (issue 9) ---


class SignatureMode(StrEnum):
    """Whether an approval must carry the approver's OpenSSH signature (`approval.signatures`)."""

    REQUIRED = "required"
    OPTIONAL = "optional"


class ManifestStatus(StrEnum):
    """How a run ended, as `manifest.json` records it."""

    OK = "ok"
    FAILED = "failed"


# --- issue 11: the steering group's questions in the model -----------------------------------


class KpiTrigger(StrEnum):
    """A KPI rule a risk can be tied to: when it fires, the risk has occurred."""

    WAVE5 = "wave5"
    """The KPI's count of wave-4 municipalities not ready reaches the wave-5 threshold."""


class WaveRoute(StrEnum):
    """How municipalities not ready after wave 4 are brought in (minutes 23.6.2023, item 4)."""

    WAVE5 = "wave5"
    BILATERAL = "bilateral"


# --- Danish words accepted for codes in input files -------------------------------------------
# Controllers write a status as the reports show it. These are the words a file may hold instead of
# the code; the file's value then means the code. They sit here, below every layer that reads input
# (the params models validate inline items, the register readers validate files), not in
# `report.labels`, which is above the readers; a test holds them to the report's labels.

CHANGE_REQUEST_STATUS_WORDS: dict[str, ChangeRequestStatus] = {
    "foreslået": ChangeRequestStatus.PROPOSED,
    "godkendt": ChangeRequestStatus.APPROVED,
    "under udvikling": ChangeRequestStatus.IN_PROGRESS,
    "leveret": ChangeRequestStatus.DELIVERED,
    "afvist": ChangeRequestStatus.REJECTED,
}

RISK_STATUS_WORDS: dict[str, RiskStatus] = {
    "åben": RiskStatus.OPEN,
    "lukket": RiskStatus.CLOSED,
    "indtruffet": RiskStatus.OCCURRED,
}


def status_code(value: object, codes: type[StrEnum], words: Mapping[str, StrEnum]) -> object:
    """A file's status as its code: the code itself or its Danish word, in any case and spacing.

    Text that is neither raises a ValueError in Danish naming both forms and the closest one; a
    value that is not text is returned for the model to refuse.
    """
    if not isinstance(value, str):
        return value
    text = " ".join(value.split()).lower()
    if text in words:
        return str(words[text])
    if text in {str(code) for code in codes}:
        return text
    by_code = {str(code): word for word, code in words.items()}
    both = ", ".join(f"{code} ({by_code[str(code)]})" if str(code) in by_code else str(code) for code in codes)
    return _refuse(f"ukendt status; skriv en af {both}" + suggestion(text, [*map(str, codes), *words]))


def _refuse(message: str) -> object:
    raise ValueError(message)
