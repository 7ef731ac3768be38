"""The parameter models: frozen, strict (`extra="forbid"`), every field described.

These are the strict core's view of `params/*.yaml`. Reading YAML, resolving paths and merging
scenarios happen in `inputs.py`; here are only the shapes and the rules a value must obey.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from kpro_econ.params.approval import ApprovalSettings
from kpro_econ.params.codes import (
    CHANGE_REQUEST_STATUS_WORDS,
    ChangeRequestStatus,
    CostLineCode,
    KpiTrigger,
    Priority,
    status_code,
)
from kpro_econ.params.decisions import WaveRoutes
from kpro_econ.params.figures import MAX_KRONER, Amount, Figure, Money, Share, ThreePoint
from kpro_econ.params.kpi import KpiSettings

EVERY_YEAR: Final = "every_year"
"""Key under which a single figure that applies to every year is stored in a yearly mapping."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _yearly(raw: Any) -> Any:
    """A mapping `{2024: …, 2025: …}` stays; a single figure applies to every year."""
    if isinstance(raw, dict) and raw and all(isinstance(k, int) and not isinstance(k, bool) for k in raw):
        return raw
    return {EVERY_YEAR: raw}


YearlyMoney = Annotated[dict[int | Literal["every_year"], Money], BeforeValidator(_yearly)]


Yearly = dict[int | Literal["every_year"], Amount | ThreePoint]


def figure_for_year(yearly: Yearly, year: int) -> Amount | ThreePoint | None:
    """The figure that applies in `year`: its own, else the every-year one, else None."""
    return yearly[year] if year in yearly else yearly.get(EVERY_YEAR)


class Fte(_Frozen):
    annual_cost: Money = Field(description="Kroner for one full-time position a year (salary and overhead).")


class SolutionVolumes(_Frozen):
    label: str = Field(description="Danish name of the volume key, shown in the transparency table.")
    kommunal_pro: float = Field(ge=0, description="Kommunal PRO's volume under this key.")
    telma: float = Field(ge=0, description="Telma's volume under this key.")
    source: str | None = Field(None, description="Where the volumes come from.")


class FutFee(_Frozen):
    kommunal_pro_fte_share: Share = Field(description="Kommunal PRO's FUT fee in full-time positions (1.0).")
    telma_fte_share: Share = Field(description="Telma's FUT fee in full-time positions (0.5).")
    volumes: dict[str, SolutionVolumes] = Field(
        default_factory=dict, description="Per-solution volumes by key, for the transparency table."
    )


class Renegotiation(_Frozen):
    year: int = Field(description="First year the renegotiated support price applies.")
    year_source: str | None = Field(None, description="Where the renegotiation year comes from.")
    change: Figure = Field(description="Change in the support price as a fraction (0.10 = +10 %).")

    @field_validator("change")
    @classmethod
    def _above_minus_one(cls, figure: Amount | ThreePoint) -> Amount | ThreePoint:
        lowest = figure.value if isinstance(figure, Amount) else figure.low
        if lowest <= -1:
            raise ValueError(f"en prisændring skal være over -1 (-100 %) (fik {lowest:g})")
        return figure


class SpocOption(_Frozen):
    monthly_price: Money = Field(description="Price a month of the FUT SPOC option.")
    notice_months: int = Field(1, ge=0, description="Months of notice to adjust the option.")
    months_active: dict[int, float] = Field(
        default_factory=dict, description="Months the option is active, per year (0 when absent)."
    )
    months_active_source: str | None = Field(None, description="Where the months active come from.")
    notice_months_source: str | None = Field(None, description="Where the months of notice come from.")

    @field_validator("months_active")
    @classmethod
    def _months(cls, months: dict[int, float]) -> dict[int, float]:
        for year, n in months.items():
            if not 0 <= n <= 12:
                raise ValueError(f"månederne i {year} skal være mellem 0 og 12 (fik {n:g})")
        return months


class Support(_Frozen):
    base_price: Money = Field(description="Yearly price of the support agreement with Frederikshavn Kommune.")
    renegotiation: Renegotiation | None = Field(None, description="The renegotiated price from a given year.")
    spoc_option: SpocOption | None = Field(None, description="The FUT SPOC option, priced per month.")


class ChangeRequest(_Frozen):
    """One row of the change-request register (ÆØ)."""

    id: str = Field(min_length=1, description="Unique id, e.g. ÆØ-001.")
    title: str = Field(min_length=1, description="Short Danish title.")
    status: ChangeRequestStatus = Field(description=(
        "proposed, approved, in_progress, delivered or rejected; or in Danish: foreslået, godkendt, "
        "under udvikling, leveret, afvist."))
    priority: Priority = Field(description="høj, middel or lav.")
    estimate_low: float = Field(ge=0, le=MAX_KRONER, description="Lowest estimate, kroner.", allow_inf_nan=False)
    estimate_mode: float = Field(ge=0, le=MAX_KRONER, description="Most likely estimate, kroner.", allow_inf_nan=False)
    estimate_high: float = Field(ge=0, le=MAX_KRONER, description="Highest estimate, kroner.", allow_inf_nan=False)
    year: int = Field(description="Budget year the cost falls in.")
    approval_probability: float | None = Field(
        None, ge=0, le=1, description="Chance a proposed request is approved (0–1)."
    )
    actual_cost: float | None = Field(
        None, ge=0, le=MAX_KRONER, allow_inf_nan=False, description="Actual cost of a delivered request, kroner."
    )
    requested_date: str | None = Field(None, description="Date requested (YYYY-MM-DD).")
    approved_date: str | None = Field(None, description="Date approved (YYYY-MM-DD).")
    delivered_date: str | None = Field(None, description="Date delivered (YYYY-MM-DD).")
    due_date: str | None = Field(
        None, description="Date the request is due to be delivered and invoiced (YYYY-MM-DD); phases its budget."
    )
    source: str | None = Field(None, description="Where the estimate comes from.")

    @field_validator("priority", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        """The code, or its Danish word as the reports show it (godkendt, under udvikling, …)."""
        return status_code(value, ChangeRequestStatus, CHANGE_REQUEST_STATUS_WORDS)

    @field_validator("requested_date", "approved_date", "delivered_date", "due_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        """YAML reads an unquoted 2024-01-15 in inline items as a date; keep the ISO text a register holds."""
        return value.isoformat() if isinstance(value, date) else value

    @model_validator(mode="after")
    def _consistent(self) -> ChangeRequest:
        if self.estimate_low > self.estimate_mode:
            raise ValueError(
                f"estimate_low må ikke være større end estimate_mode "
                f"(fik {self.estimate_low:.10g} > {self.estimate_mode:.10g})"
            )
        if self.estimate_mode > self.estimate_high:
            raise ValueError(
                f"estimate_mode må ikke være større end estimate_high "
                f"(fik {self.estimate_mode:.10g} > {self.estimate_high:.10g})"
            )
        if self.status == ChangeRequestStatus.PROPOSED and self.approval_probability is None:
            raise ValueError("approval_probability skal udfyldes for et foreslået ændringsønske (status proposed)")
        return self


class ChangeRequests(_Frozen):
    register_file: Path | None = Field(
        None, alias="register", description="CSV or XLSX register, relative to the params file."
    )
    items: list[ChangeRequest] | None = Field(None, description="Inline register instead of a file.")
    price_year: int | None = Field(None, description="Price level of the estimates; default the model's.")
    source: str | None = Field(None, description="Where the register comes from.")

    @model_validator(mode="after")
    def _one_source(self) -> ChangeRequests:
        if (self.register_file is None) == (self.items is None):
            raise ValueError("angiv præcis én af register (en fil) eller items (i parameterfilen)")
        return self


class Fees(_Frozen):
    solution: YearlyMoney = Field(description="Vederlag for løsningen: per year or one figure for every year.")
    infrastructure: YearlyMoney = Field(
        description="Vederlag for infrastruktur og samarbejde: per year or one figure for every year."
    )


class Administration(_Frozen):
    staff_fte: Figure = Field(description="The systemforvaltning's own staff in full-time positions.")


class Allocation(_Frozen):
    key: Literal["population", "equal", "kombit"] = Field(description="How each year's total is split.")
    payers: Literal["all", "live"] = Field("all", description="All 98 municipalities, or only those live.")
    municipalities: Path = Field(description="Reference file of the 98 municipalities, relative to params.")
    population: Path | None = Field(
        None, description="Optional Statistics Denmark FOLK1A CSV export that replaces the citizen counts."
    )
    kombit_threshold: int = Field(150_000, gt=0, description="Citizens above which KOMBIT's key counts half.")


class Band(_Frozen):
    name: str = Field(description="Danish band name, e.g. lav, middel, høj, kritisk.")
    min_score: int = Field(ge=1, le=25, description="Lowest score in the band.")
    max_score: int = Field(ge=1, le=25, description="Highest score in the band.")
    colour: str = Field(description="Background colour of the band in tables and heat maps, e.g. #ef9a9a.")

    @field_validator("colour")
    @classmethod
    def _readable_colour(cls, colour: str) -> str:
        from matplotlib.colors import is_color_like  # here: reading params need not load matplotlib

        if not is_color_like(colour) or colour.strip().lower() == "none":  # none: no colour, black in a table
            raise ValueError("ikke en farve (skriv en hex-kode som #ef9a9a eller et navn som salmon)")
        return colour


DEFAULT_BANDS = (
    Band(name="lav", min_score=1, max_score=4, colour="#c8e6c9"),
    Band(name="middel", min_score=5, max_score=9, colour="#fff59d"),
    Band(name="høj", min_score=10, max_score=14, colour="#ffcc80"),
    Band(name="kritisk", min_score=15, max_score=25, colour="#ef9a9a"),
)


class RiskSettings(_Frozen):
    register_file: Path | None = Field(
        None, alias="register", description="CSV or XLSX risk register, relative to the params file."
    )
    items: list[dict[str, Any]] | None = Field(None, description="Inline register instead of a file.")
    bands: tuple[Band, ...] = Field(DEFAULT_BANDS, description="Score bands, covering 1–25 without gaps.")
    probability_by_likelihood: dict[int, float] = Field(
        default_factory=lambda: {1: 0.05, 2: 0.20, 3: 0.50, 4: 0.70, 5: 0.90},
        description="Probability of a residual likelihood 1–5 where a risk gives none.",
    )
    pool_size: int = Field(12, ge=1, description="How many risks at most form the risk pool.")
    compare_to: str | None = Field(
        None, description="An approved earlier run folder for the trend, or `auto` (the newest approved one).")
    triggers: dict[str, KpiTrigger] = Field(
        default_factory=dict,
        description="Risk id → KPI rule (wave5) that, when it fires, makes the risk occur: it leaves the pool "
        "and its cost enters the budget.",
    )

    @field_validator("bands")
    @classmethod
    def _bands_cover_scores(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        """Every score 1–25 must fall in exactly one band, so each risk gets one band."""
        for band in bands:
            if band.min_score > band.max_score:
                raise ValueError(f"båndet {band.name!r}: min_score må ikke være større end max_score "
                                 f"(fik {band.min_score} > {band.max_score})")
        expected = 1
        for band in sorted(bands, key=lambda b: b.min_score):
            if band.min_score > expected:
                gap = _score_range(expected, band.min_score - 1)
                raise ValueError(f"{gap} i intet bånd (hul før {band.name!r})")
            if band.min_score < expected:
                raise ValueError(f"båndet {band.name!r} overlapper båndet før (starter ved {band.min_score})")
            expected = band.max_score + 1
        if expected <= 25:
            raise ValueError(f"{_score_range(expected, 25)} i intet bånd")
        return bands

    @field_validator("probability_by_likelihood")
    @classmethod
    def _probability_per_likelihood(cls, probabilities: dict[int, float]) -> dict[int, float]:
        if sorted(probabilities) != [1, 2, 3, 4, 5]:
            raise ValueError(f"angiv en sandsynlighed for hver sandsynlighedsscore 1–5 (fik {sorted(probabilities)})")
        for likelihood, probability in probabilities.items():
            if not 0 <= probability <= 1:
                raise ValueError(f"sandsynligheden for score {likelihood} skal være mellem 0 og 1 "
                                 f"(fik {probability:g})")
        return probabilities


def _score_range(first: int, last: int) -> str:
    return f"score {first} er" if first == last else f"score {first}–{last} er"


class CorrelationGroup(_Frozen):
    inputs: list[str] = Field(min_length=2, description="Names of inputs that move together.")
    rank_correlation: float = Field(ge=-1, le=1, description="Target rank correlation between them.")


class MonteCarlo(_Frozen):
    iterations: int = Field(100_000, ge=100, le=10_000_000, description="Number of simulated outcomes.")
    seed: int = Field(20240101, ge=0, description="Random seed: the same seed gives the same numbers.")
    confidence: float = Field(0.80, gt=0.5, lt=1, description="Percentile the contingency is set at.")
    chunk_size: int = Field(200_000, ge=1_000, description="Iterations simulated at a time (memory bound).")
    correlations: dict[str, CorrelationGroup] = Field(
        default_factory=dict, description="Named groups of inputs with a rank correlation (Iman–Conover)."
    )


class Summary(_Frozen):
    period: str | None = Field(None, description="The period the steering pack covers, e.g. 2. halvår 2026.")
    sagsfremstilling: str = Field("", description="Case presentation text for the steering group.")
    indstilling: str = Field("", description="Recommendation text for the steering group.")


class Params(_Frozen):
    """Everything one scenario of the workbook needs."""

    title: str = Field("Kommunal PRO – økonomi og risici", description="Title on every report.")
    years: list[int] = Field(min_length=1, description="Budget years, consecutive, e.g. 2024–2028.")
    price_level_year: int = Field(description="All results are in this year's prices (faste priser).")
    price_index: dict[int, Figure] = Field(
        description="Yearly price and wage change g_y (from y-1 to y), as fractions; KL's PL estimates."
    )
    discount_rate: Figure = Field(description="Real discount rate for the net present value (0.035).")
    fte: Fte = Field(description="The kroner value of one full-time position.")
    fut_fee: FutFee = Field(description="The FUT connection fee (tilslutningsaftale til FUT).")
    support: Support = Field(description="The support agreement with Frederikshavn Kommune.")
    change_requests: ChangeRequests = Field(description="The change-request register (ÆØ).")
    fees: Fees = Field(description="Fees for the solution and for the infrastructure and collaboration.")
    administration: Administration | None = Field(None, description="Own administration, optional.")
    allocation: Allocation = Field(description="Allocation of the cost to the municipalities.")
    risk: RiskSettings | None = Field(None, description="The risk register and its settings.")
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo, description="Monte Carlo settings.")
    summary: Summary = Field(default_factory=Summary, description="Text for the steering summary.")
    kpi: KpiSettings | None = Field(
        None, description="Operations, adoption and roadmap KPIs: their input files, targets and threshold."
    )
    wave_routes: WaveRoutes | None = Field(
        None, description="Wave 5 or bilateral: each route's costs; the KPI's count picks the route."
    )
    actuals: Actuals | None = Field(
        None, description="Bogførte udgifter (the actuals register) and the as-of date of the budget follow-up."
    )
    budget: BudgetSettings | None = Field(
        None, description="Budgetopfølgning: the budget baseline, the agreements to reconcile, forecast overrides."
    )
    approval: ApprovalSettings | None = Field(
        None, description="Who may approve a run: allowed signers, roles, how many approvers, signatures."
    )

    @field_validator("years")
    @classmethod
    def _consecutive(cls, years: list[int]) -> list[int]:
        if years != list(range(years[0], years[0] + len(years))):
            raise ValueError(f"årene skal følge hinanden i stigende orden (fik {years})")
        return years

    @field_validator("price_index")
    @classmethod
    def _changes_above_minus_one(cls, index: dict[int, Amount | ThreePoint]) -> dict[int, Amount | ThreePoint]:
        for year, figure in index.items():
            if figure.mean <= -1:
                raise ValueError(f"ændringen i {year} skal være over -1 (fik {figure.mean:g})")
        return index

    @field_validator("discount_rate")
    @classmethod
    def _rate(cls, figure: Amount | ThreePoint) -> Amount | ThreePoint:
        if not 0 <= figure.mean < 1:
            raise ValueError(f"skal være en rente mellem 0 og 1 (fik {figure.mean:g})")
        return figure


# --- budget follow-up (budgetopfølgning) -------------------------------------------------------

Cadence = Literal["yearly", "quarterly", "monthly"]


class Actuals(_Frozen):
    """Bogførte udgifter: the actuals register and the date it runs to."""

    register_file: Path = Field(
        alias="register",
        description="Bogføringsregister (CSV or XLSX, relative to the params file): date, line, supplier, "
                    "reference, amount_dkk (nominal kroner excl. moms; credit notes negative), text.",
    )
    as_of: date = Field(description="Opgørelsesdato: the register holds the bookings up to and including this date.")
    source: str | None = Field(None, description="Where the register comes from (e.g. the ERP system's export).")


class Agreement(_Frozen):
    """An agreement with a contractual price whose invoices are reconciled period by period."""

    id: str = Field(min_length=1, description="Short stable code of the agreement, e.g. support.")
    name: str = Field(min_length=1, description="Danish name shown in the reconciliation, e.g. Supportaftale.")
    line: CostLineCode = Field(description="Udgiftslinje: the cost-line code the invoices are booked on.")
    supplier: str | None = Field(
        None, description="Leverandør: only bookings from this supplier count (case-insensitive); default any."
    )
    expected_dkk: float | dict[int, float] = Field(
        description="Forventet beløb pr. faktura, nominal kroner excl. moms: one amount, or one per year."
    )
    cadence: Cadence = Field(description="Faktureringshyppighed: yearly, quarterly or monthly.")
    tolerance_dkk: float = Field(
        1.0, ge=0, description="Tolerance: a period booked within this many kroner of the expected is ok."
    )
    start: date | None = Field(None, description="First day the agreement is invoiced for; default the first year.")
    end: date | None = Field(None, description="Last day the agreement is invoiced for; default the last year.")
    source: str = Field(min_length=1, description="Kilde: the contract or minutes the expected amount comes from.")

    @field_validator("expected_dkk")
    @classmethod
    def _not_negative(cls, expected: float | dict[int, float]) -> float | dict[int, float]:
        amounts = expected.values() if isinstance(expected, dict) else [expected]
        if any(amount < 0 for amount in amounts):
            raise ValueError("et forventet fakturabeløb må ikke være negativt")
        return expected

    @model_validator(mode="after")
    def _start_before_end(self) -> Agreement:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end må ikke ligge før start (fik {self.end.isoformat()} < {self.start.isoformat()})")
        return self

    def expected_in(self, year: int) -> float | None:
        """The expected amount per invoice in `year`; None when the agreement gives none for that year."""
        return self.expected_dkk.get(year) if isinstance(self.expected_dkk, dict) else self.expected_dkk


class ForecastOverride(_Frozen):
    """The controller's own forecast of a line in a year, where the mechanical forecast is wrong."""

    line: CostLineCode = Field(description="Udgiftslinje: the cost-line code.")
    year: int = Field(description="Budgetår: the current year or a later one.")
    amount_dkk: float = Field(
        allow_inf_nan=False, description="Forventet regnskab: the year's forecast, nominal kroner."
    )
    source: str = Field(min_length=1, description="Kilde: why and on what the override rests.")


class BudgetSettings(_Frozen):
    """Budgetopfølgning: the approved budget, the agreements and the overrides."""

    baseline: str = Field(
        "auto", min_length=1,
        description="Budgetgrundlag: auto (the newest approved run of the same params file) or a run id in "
                    "the reports folder; none approved yet: the run's own forecast serves as budget.",
    )
    agreements: list[Agreement] = Field(default_factory=list, description="Aftaler, whose invoices are reconciled.")
    forecast_overrides: list[ForecastOverride] = Field(
        default_factory=list, description="Controllerens egne skøn for en linje og et år, each with a source."
    )

    @model_validator(mode="after")
    def _unique(self) -> BudgetSettings:
        ids = [a.id for a in self.agreements]
        if len(set(ids)) < len(ids):
            raise ValueError(f"agreements: hvert id kun én gang (fik {sorted({i for i in ids if ids.count(i) > 1})})")
        keys = [(o.line.value, o.year) for o in self.forecast_overrides]
        if len(set(keys)) < len(keys):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            line, year = twice[0]
            raise ValueError(f"forecast_overrides: én ændring pr. linje og år (fik {line} {year} to gange)")
        return self


Params.model_rebuild()  # the budget sections are defined after Params
