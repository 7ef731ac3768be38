"""Wires the model together per scenario and gives the tables the run folder writes to `data/`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd

from kpro_econ.inputs.load import ScenarioInputs, WorkbookInputs
from kpro_econ.kpi.tables import KpiResult, compute_kpis
from kpro_econ.model.allocation import allocate
from kpro_econ.model.assumptions import assumptions
from kpro_econ.model.books import Books
from kpro_econ.model.budget import budget_followup, invoice_reconciliation
from kpro_econ.model.costs import (
    RISK_LINE_CODES,
    apply_books,
    books_for,
    cost_by_year,
    long_cost_table,
    net_present_value,
    total_by_year,
)
from kpro_econ.model.decisions import (
    route_comparison,
    spoc_ending_by_month,
    spoc_with_and_without,
    wave_route_decision,
)
from kpro_econ.model.fut_fee import fut_fee_comparison
from kpro_econ.params.models import BudgetSettings, Params, RiskSettings
from kpro_econ.risk.assessment import (
    risk_cost_lines,
    risk_pool,
    risk_register_table,
    risk_settings,
    share_to_come,
)
from kpro_econ.risk.montecarlo import SimulationResult, montecarlo_summary, simulate, uncertain_inputs
from kpro_econ.risk.sensitivity import sensitivity
from kpro_econ.tables import Table


@dataclass(frozen=True)
class ScenarioResult:
    """Everything the cost report shows for one scenario."""

    name: str
    costs: pd.DataFrame
    """The cost table on the books: closed years booked, the current year booked plus still to come."""
    totals: pd.Series
    npv: float
    allocation: pd.DataFrame
    fut_fee: pd.DataFrame
    assumptions: pd.DataFrame
    estimate: pd.DataFrame | None = None
    """The cost table of the model alone, before the books (the run's own budget when no run is
    approved); None: the same as `costs`."""
    books: Books | None = None


@dataclass(frozen=True)
class RiskResult:
    """Everything the risk report shows: the register, the pool, the simulation and the tornado."""

    settings: RiskSettings
    register: pd.DataFrame
    pool: pd.DataFrame
    simulation: SimulationResult
    summary: pd.DataFrame
    sensitivity: pd.DataFrame


def scenario_books(scenario: ScenarioInputs, actuals: pd.DataFrame | None) -> Books | None:
    """The scenario's books (None without actuals): the same bookings in every scenario."""
    return books_for(scenario.params, actuals, scenario.change_requests)


def cost_with_risks(scenario: ScenarioInputs, books: Books | None = None) -> pd.DataFrame:
    """The cost model's lines plus, where there is a register, the risk pool and the mitigation; on the
    books when given (a booking on a risk line counts even without a register)."""
    params = scenario.params
    costs = cost_by_year(params, scenario.change_requests, books)
    if scenario.risks is None:
        risk_lines = apply_books([], books, params.years, RISK_LINE_CODES)
    else:
        risk_lines = risk_cost_lines(scenario.risks, params, books)
    if not risk_lines:
        return costs
    return pd.concat([costs, long_cost_table(risk_lines, books)], ignore_index=True)


def compute_risk(
    scenario: ScenarioInputs, previous: pd.DataFrame | None = None, params_file: str = "params",
    books: Books | None = None,
) -> RiskResult | None:
    """The risk report of one scenario, with the trend against `previous` (an earlier register)."""
    if scenario.risks is None:
        return None
    params, requests, risks = scenario.params, scenario.change_requests, scenario.risks
    settings = risk_settings(params)
    simulation = simulate(params, requests, risks, params_file=params_file, books=books)
    return RiskResult(
        settings=settings,
        register=risk_register_table(risks, settings, previous, share_to_come(risks, params.years, books)),
        pool=risk_pool(risks, settings, params.years, books),
        simulation=simulation,
        summary=montecarlo_summary(simulation),
        sensitivity=sensitivity(params, requests, risks, simulation, books),
    )


def compute_scenario(scenario: ScenarioInputs, actuals: pd.DataFrame | None = None) -> ScenarioResult:
    params = scenario.params
    books = scenario_books(scenario, actuals)
    costs = cost_with_risks(scenario, books)
    totals = total_by_year(costs)
    return ScenarioResult(
        name=scenario.name,
        costs=costs,
        totals=totals,
        npv=net_present_value(totals, params.discount_rate.mean),
        allocation=allocate(totals, scenario.municipalities, params.allocation),
        fut_fee=fut_fee_comparison(params),
        assumptions=assumptions(params),
        estimate=cost_with_risks(scenario) if books is not None else costs,
        books=books,
    )


def compute_scenarios(inputs: WorkbookInputs) -> dict[str, ScenarioResult]:
    """Every scenario computed in full, the base first."""
    return {name: compute_scenario(scenario, inputs.actuals) for name, scenario in inputs.scenarios.items()}


def scenario_comparison(
    results: dict[str, ScenarioResult], simulations: Mapping[str, SimulationResult] | None = None
) -> pd.DataFrame:
    """Scenarios side by side: total per year, over all years, and the net present value; with each
    scenario's Monte Carlo, its P50, P80 and contingency (P at the confidence level − its base)."""
    rows = []
    for name, result in results.items():
        row: dict[str, object] = {"scenario": name}
        row.update({str(year): float(total) for year, total in result.totals.items()})
        row["total_dkk"] = float(result.totals.sum())
        row["npv_dkk"] = result.npv
        if simulations is not None and name in simulations:
            simulation = simulations[name]
            row["p50_dkk"] = simulation.percentiles["P50"]
            row["p80_dkk"] = simulation.percentiles["P80"]
            row["contingency_dkk"] = simulation.contingency
        rows.append(row)
    return pd.DataFrame(rows)


def simulate_scenarios(inputs: WorkbookInputs, base: SimulationResult | None = None) -> dict[str, SimulationResult]:
    """The Monte Carlo of every scenario with a risk register (`base`, when given, is the base's own).

    A scenario may make an input of a correlation group certain; the group then correlates the inputs
    that are still uncertain (a group left with one input is dropped). The base's groups are checked
    against its inputs when the params are read, so a misspelt name never gets this far.
    """
    simulations: dict[str, SimulationResult] = {}
    for name, scenario in inputs.scenarios.items():
        if scenario.risks is None:
            continue
        if base is not None and name == inputs.base.name:
            simulations[name] = base
            continue
        params = _correlations_within(scenario)
        simulations[name] = simulate(params, scenario.change_requests, scenario.risks,
                                     params_file=str(inputs.params_path),
                                     books=scenario_books(scenario, inputs.actuals))
    return simulations


def _correlations_within(scenario: ScenarioInputs) -> Params:
    params = scenario.params
    names = {i.name for i in uncertain_inputs(params, scenario.change_requests, scenario.risks)}
    groups = {}
    for group, spec in params.monte_carlo.correlations.items():
        kept = [name for name in spec.inputs if name in names]
        if len(kept) >= 2:
            groups[group] = spec.model_copy(update={"inputs": kept})
    return params.model_copy(update={"monte_carlo": params.monte_carlo.model_copy(update={"correlations": groups})})


def _with_scenario(frames_by_scenario: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One frame of every scenario's rows, the scenario's name first."""
    frames = [frame.assign(scenario=name) for name, frame in frames_by_scenario.items()]
    combined = pd.concat(frames, ignore_index=True)
    return combined.reindex(columns=["scenario", *[c for c in combined.columns if c != "scenario"]])


def decision_tables(params: Params) -> dict[Table, pd.DataFrame]:
    """The steering group's questions for `data/`: wave 5 or bilateral, and the SPOC option."""
    tables: dict[Table, pd.DataFrame] = {}
    if params.wave_routes is not None:
        tables[Table.WAVE_ROUTE_COMPARISON] = route_comparison(params)
        tables[Table.WAVE_ROUTE_DECISION] = wave_route_decision(params)
    if params.support.spoc_option is not None:
        year = params.price_level_year if params.price_level_year in params.years else params.years[0]
        tables[Table.SPOC_OPTION] = spoc_with_and_without(params)
        tables[Table.SPOC_ENDING] = spoc_ending_by_month(params, year)
    return tables


@dataclass(frozen=True)
class BudgetResult:
    """The budget follow-up: per year and line (with its flag), the reconciliation, and what it rests on."""

    followup: pd.DataFrame
    reconciliation: pd.DataFrame
    as_of: date
    baseline_run: str | None  # None: no approved run yet, the run's own forecast is the budget
    sample: bool  # the actuals are sample data


def compute_budget(inputs: WorkbookInputs, base: ScenarioResult | None = None) -> BudgetResult | None:
    """The budget follow-up of the base scenario, when the params have an actuals section.

    `base` is the base scenario's result (computed when not given): its model estimate is the budget
    when no approved run is, and its books phase the current year.
    """
    params, actuals = inputs.base.params, inputs.actuals
    if params.actuals is None or actuals is None:
        return None
    base = base if base is not None else compute_scenario(inputs.base, actuals)
    own = base.estimate if base.estimate is not None else base.costs
    baseline = inputs.budget_baseline if inputs.budget_baseline is not None else own
    as_of = params.actuals.as_of
    settings = params.budget or BudgetSettings()
    phasing = base.books.phasing if base.books is not None else None
    return BudgetResult(
        followup=budget_followup(baseline, actuals, params, as_of, phasing),
        reconciliation=_with_agreement_names(
            invoice_reconciliation(actuals, settings.agreements, params.years, as_of), settings),
        as_of=as_of,
        baseline_run=inputs.budget_baseline_run.name if inputs.budget_baseline_run is not None else None,
        sample=bool(actuals["sample"].any()),
    )


def _with_agreement_names(reconciliation: pd.DataFrame, settings: BudgetSettings) -> pd.DataFrame:
    """The reconciliation with each agreement's name (the controller's words) beside its id."""
    names = {agreement.id: agreement.name for agreement in settings.agreements}
    table = reconciliation.copy()
    table.insert(list(table.columns).index("agreement") + 1, "agreement_name",
                 pd.Series([names[a] for a in table["agreement"]], index=table.index, dtype=object))
    return table


def kpi_tables(kpis: KpiResult) -> dict[Table, pd.DataFrame]:
    """The KPI tables for `data/` (the report also shows the support channels' shares, which are not a table)."""
    return {
        Table.KPI_AVAILABILITY: kpis.availability,
        Table.KPI_RESPONSE_TIMES: kpis.response_times,
        Table.KPI_SUPPORT_BY_CHANNEL: kpis.support_by_channel,
        Table.KPI_SUPPORT_BY_CATEGORY: kpis.support_by_category,
        Table.KPI_ERRORS: kpis.errors,
        Table.KPI_LIVE_AGAINST_PLAN: kpis.live_against_plan,
        Table.KPI_WAVE4_NOT_READY: kpis.wave4_not_ready,
        Table.KPI_WAVE5_DECISION: kpis.wave5_decision,
        Table.KPI_ADOPTION_BY_MONTH: kpis.adoption_by_month,
        Table.KPI_ACTIVE_CITIZENS_PER_1000: kpis.active_citizens_per_1000,
        Table.KPI_CHANGE_REQUEST_COUNTS: kpis.change_request_counts,
        Table.KPI_LEAD_TIMES: kpis.lead_times,
        Table.KPI_LEAD_TIME_TREND: kpis.lead_time_trend,
        Table.KPI_ESTIMATES_VS_ACTUAL: kpis.estimates_vs_actual,
        Table.KPI_COST_PER_USE: kpis.cost_per_use,
    }


def budget_tables(budget: BudgetResult) -> dict[Table, pd.DataFrame]:
    """`budget_followup` and `invoice_reconciliation` as `data/` holds them (the run adds each line's name);
    `budget_run` names the approved run whose cost is the budget, blank when it is the run's own estimate."""
    followup = budget.followup.drop(columns="flag").assign(budget_run=budget.baseline_run or "")
    return {Table.BUDGET_FOLLOWUP: followup,
            Table.INVOICE_RECONCILIATION: budget.reconciliation}


class Workbook:
    """One run's inputs and every result the reports show, each part computed once, when first asked for.

    The runner asks for every part (its tables need them all) and hands the whole to the notebooks
    (`run.handover`); a notebook opened on its own computes only the parts it shows. Either way
    every report takes a figure from the same place: the KPIs' costs are the base scenario's costs,
    risk lines included, exactly as in the cost report and the tables.
    """

    def __init__(self, inputs: WorkbookInputs) -> None:
        self.inputs = inputs

    @cached_property
    def base(self) -> ScenarioResult:
        """The base scenario, computed alone when the other scenarios are not needed."""
        return compute_scenario(self.inputs.base, self.inputs.actuals)

    @cached_property
    def scenarios(self) -> dict[str, ScenarioResult]:
        """Every scenario computed in full, the base first."""
        return {
            name: self.base if scenario is self.inputs.base else compute_scenario(scenario, self.inputs.actuals)
            for name, scenario in self.inputs.scenarios.items()
        }

    @cached_property
    def risk(self) -> RiskResult | None:
        """The base scenario's risk report, with the trend against the earlier run; None without a register."""
        return compute_risk(self.inputs.base, self.inputs.previous_risks, str(self.inputs.params_path),
                            self.base.books)

    @cached_property
    def simulations(self) -> dict[str, SimulationResult]:
        """Every scenario's Monte Carlo (the base's is the risk report's own)."""
        return simulate_scenarios(self.inputs, self.risk.simulation if self.risk is not None else None)

    @cached_property
    def kpis(self) -> KpiResult | None:
        """The KPIs of the base scenario; None unless the params have a `kpi` section and its registers."""
        base = self.inputs.base
        if base.params.kpi is None or base.operations is None or base.adoption is None:
            return None
        return compute_kpis(base.params.kpi, base.operations, base.adoption, base.change_requests,
                            base.municipalities, self.base.costs)

    @cached_property
    def budget(self) -> BudgetResult | None:
        """The base scenario's budget follow-up; None unless the params have an `actuals` section."""
        return compute_budget(self.inputs, self.base)

    def tables(self) -> dict[Table, pd.DataFrame]:
        """The main tables of a run, every scenario in each, each as `tables.TABLES` declares it."""
        results = self.scenarios
        tables: dict[Table, pd.DataFrame] = {
            Table.COST_BY_YEAR: _with_scenario({n: r.costs for n, r in results.items()}),
            Table.SCENARIO_COMPARISON: scenario_comparison(results, self.simulations),
            Table.FUT_FEE_COMPARISON: _with_scenario({n: r.fut_fee for n, r in results.items()}),
            Table.ALLOCATION: _with_scenario({n: r.allocation for n, r in results.items()}),
            Table.ASSUMPTIONS: _with_scenario({n: r.assumptions for n, r in results.items()}),
        }
        if self.risk is not None:
            tables.update({
                Table.RISK_REGISTER: self.risk.register,
                Table.RISK_POOL: self.risk.pool,
                Table.MONTECARLO_SUMMARY: self.risk.summary,
                Table.SENSITIVITY: self.risk.sensitivity,
            })
        tables.update(decision_tables(self.inputs.base.params))
        if self.kpis is not None:
            tables.update(kpi_tables(self.kpis))
        if self.budget is not None:
            tables.update(budget_tables(self.budget))
        return tables


def compute_tables(inputs: WorkbookInputs) -> dict[Table, pd.DataFrame]:
    """The main tables of a run, every scenario in each, each as `tables.TABLES` declares it."""
    return Workbook(inputs).tables()
