"""Wires the model together per scenario and gives the tables the run folder writes to `data/`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpro_econ.inputs.load import ScenarioInputs, WorkbookInputs
from kpro_econ.inputs.run_records import Table
from kpro_econ.kpi.tables import compute_kpis, kpi_tables
from kpro_econ.model.allocation import allocate
from kpro_econ.model.assumptions import assumptions
from kpro_econ.model.costs import cost_by_year, long_cost_table, net_present_value, total_by_year
from kpro_econ.model.fut_fee import fut_fee_comparison
from kpro_econ.params.models import RiskSettings
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
    risk_rows = long_cost_table(risk_cost_lines(scenario.risks, scenario.params))
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


def compute_tables(inputs: WorkbookInputs) -> dict[str, pd.DataFrame]:
    """The main tables of a run, by file name (without `.csv`), every scenario in each."""
    results = compute_scenarios(inputs)
    tables: dict[str, pd.DataFrame] = {
        Table.COST_BY_YEAR: _with_scenario(results, "costs"),
        Table.SCENARIO_COMPARISON: scenario_comparison(results),
        Table.FUT_FEE_COMPARISON: _with_scenario(results, "fut_fee"),
        Table.ALLOCATION: _with_scenario(results, "allocation"),
        Table.ASSUMPTIONS: _with_scenario(results, "assumptions"),
    }
    risk = compute_risk(inputs.base, inputs.previous_risks, str(inputs.params_path))
    if risk is not None:
        tables.update({
            Table.RISK_REGISTER: risk.register,
            Table.RISK_POOL: risk.pool,
            Table.MONTECARLO_SUMMARY: risk.summary,
            Table.SENSITIVITY: risk.sensitivity,
        })
    base = inputs.base
    if base.params.kpi is not None and base.operations is not None and base.adoption is not None:
        kpis = compute_kpis(base.params.kpi, base.operations, base.adoption, base.change_requests,
                            base.municipalities, results[base.name].costs)
        tables.update({Table(name): table for name, table in kpi_tables(kpis).items()})
    return tables
