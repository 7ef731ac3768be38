"""Wires the model together per scenario and gives the tables the run folder writes to `data/`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpro_econ.inputs.budget import LINE_LABELS, costs_by_code
from kpro_econ.inputs.load import ScenarioInputs, WorkbookInputs
from kpro_econ.kpi.tables import compute_kpis, kpi_tables
from kpro_econ.model.allocation import allocate
from kpro_econ.model.assumptions import assumptions
from kpro_econ.model.budget import budget_followup, invoice_reconciliation
from kpro_econ.model.costs import COST_COLUMNS, cost_by_year, net_present_value, total_by_year
from kpro_econ.model.fut_fee import fut_fee_comparison
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import BudgetSettings, RiskSettings
from kpro_econ.risk.assessment import risk_cost_lines, risk_pool, risk_register_table, risk_settings
from kpro_econ.risk.montecarlo import SimulationResult, montecarlo_summary, simulate
from kpro_econ.risk.sensitivity import sensitivity


@dataclass(frozen=True)
class ScenarioResult:
    """Everything the cost report shows for one scenario."""

    name: str
    costs: pd.DataFrame
    totals: pd.Series
    npv: float
    allocation: pd.DataFrame
    fut_fee: pd.DataFrame
    assumptions: pd.DataFrame


@dataclass(frozen=True)
class RiskResult:
    """Everything the risk report shows: the register, the pool, the simulation and the tornado."""

    settings: RiskSettings
    register: pd.DataFrame
    pool: pd.DataFrame
    simulation: SimulationResult
    summary: pd.DataFrame
    sensitivity: pd.DataFrame


def cost_with_risks(scenario: ScenarioInputs) -> pd.DataFrame:
    """The cost model's lines plus, where there is a register, the risk pool and the mitigation."""
    costs = cost_by_year(scenario.params, scenario.change_requests)
    if scenario.risks is None:
        return costs
    risk_rows = pd.DataFrame(
        [(year, line.line, line.kind, float(amount))
         for line in risk_cost_lines(scenario.risks, scenario.params) for year, amount in line.amounts.items()],
        columns=COST_COLUMNS,
    )
    return pd.concat([costs, risk_rows], ignore_index=True)


def compute_risk(
    scenario: ScenarioInputs, previous: pd.DataFrame | None = None, params_file: str = "params"
) -> RiskResult | None:
    """The risk report of one scenario, with the trend against `previous` (an earlier register)."""
    if scenario.risks is None:
        return None
    params, requests, risks = scenario.params, scenario.change_requests, scenario.risks
    settings = risk_settings(params)
    simulation = simulate(params, requests, risks, params_file=params_file)
    return RiskResult(
        settings=settings,
        register=risk_register_table(risks, settings, previous),
        pool=risk_pool(risks, settings, params.years),
        simulation=simulation,
        summary=montecarlo_summary(simulation),
        sensitivity=sensitivity(params, requests, risks, simulation),
    )


def compute_scenario(scenario: ScenarioInputs) -> ScenarioResult:
    params = scenario.params
    costs = cost_with_risks(scenario)
    totals = total_by_year(costs)
    return ScenarioResult(
        name=scenario.name,
        costs=costs,
        totals=totals,
        npv=net_present_value(totals, params.discount_rate.mean),
        allocation=allocate(totals, scenario.municipalities, params.allocation),
        fut_fee=fut_fee_comparison(params),
        assumptions=assumptions(params),
    )


def compute_scenarios(inputs: WorkbookInputs) -> dict[str, ScenarioResult]:
    """Every scenario computed in full, the base first."""
    return {name: compute_scenario(scenario) for name, scenario in inputs.scenarios.items()}


def scenario_comparison(results: dict[str, ScenarioResult]) -> pd.DataFrame:
    """Scenarios side by side: total per year, over all years, and the net present value."""
    rows = []
    for name, result in results.items():
        row: dict[str, object] = {"scenario": name}
        row.update({str(year): float(total) for year, total in result.totals.items()})
        row["total_dkk"] = float(result.totals.sum())
        row["npv_dkk"] = result.npv
        rows.append(row)
    return pd.DataFrame(rows)


def _with_scenario(results: dict[str, ScenarioResult], table: str) -> pd.DataFrame:
    frames: list[pd.DataFrame] = [getattr(r, table).assign(scenario=name) for name, r in results.items()]
    combined = pd.concat(frames, ignore_index=True)
    return combined.reindex(columns=["scenario", *[c for c in combined.columns if c != "scenario"]])


@dataclass(frozen=True)
class BudgetResult:
    """The budget follow-up: per year and line (with its flag), the reconciliation, and what it rests on."""

    followup: pd.DataFrame
    reconciliation: pd.DataFrame
    as_of: date
    baseline_run: str | None  # None: no approved run yet, the run's own forecast is the budget
    sample: bool  # the actuals are sample data


def compute_budget(inputs: WorkbookInputs, base_costs: pd.DataFrame | None = None) -> BudgetResult | None:
    """The budget follow-up of the base scenario, when the params have an actuals section.

    `base_costs` is the base scenario's cost table (computed when not given); it is the budget when
    no approved run is.
    """
    params, actuals = inputs.base.params, inputs.actuals
    if params.actuals is None or actuals is None:
        return None
    baseline = inputs.budget_baseline
    if baseline is None:
        baseline = costs_by_code(base_costs if base_costs is not None else cost_with_risks(inputs.base))
    as_of = params.actuals.as_of
    settings = params.budget or BudgetSettings()
    return BudgetResult(
        followup=budget_followup(baseline, actuals, params, as_of),
        reconciliation=invoice_reconciliation(actuals, settings.agreements, params.years, as_of),
        as_of=as_of,
        baseline_run=inputs.budget_baseline_run.name if inputs.budget_baseline_run is not None else None,
        sample=bool(actuals["sample"].any()),
    )


def budget_tables(budget: BudgetResult) -> dict[str, pd.DataFrame]:
    """`budget_followup` (with each line's Danish label) and `invoice_reconciliation`, as `data/` holds them."""
    followup = budget.followup.drop(columns="flag")
    followup.insert(2, "line", followup["line_code"].map(lambda code: LINE_LABELS[CostLineCode(code)]))
    return {"budget_followup": followup, "invoice_reconciliation": budget.reconciliation}


def compute_tables(inputs: WorkbookInputs) -> dict[str, pd.DataFrame]:
    """The main tables of a run, by file name (without `.csv`), every scenario in each."""
    results = compute_scenarios(inputs)
    tables = {
        "cost_by_year": _with_scenario(results, "costs"),
        "scenario_comparison": scenario_comparison(results),
        "fut_fee_comparison": _with_scenario(results, "fut_fee"),
        "allocation": _with_scenario(results, "allocation"),
        "assumptions": _with_scenario(results, "assumptions"),
    }
    risk = compute_risk(inputs.base, inputs.previous_risks, str(inputs.params_path))
    if risk is not None:
        tables.update({
            "risk_register": risk.register,
            "risk_pool": risk.pool,
            "montecarlo_summary": risk.summary,
            "sensitivity": risk.sensitivity,
        })
    base = inputs.base
    if base.params.kpi is not None and base.operations is not None and base.adoption is not None:
        kpis = compute_kpis(base.params.kpi, base.operations, base.adoption, base.change_requests,
                            base.municipalities, results[base.name].costs)
        tables.update(kpi_tables(kpis))
    budget = compute_budget(inputs, results[base.name].costs)
    if budget is not None:
        tables.update(budget_tables(budget))
    return tables
