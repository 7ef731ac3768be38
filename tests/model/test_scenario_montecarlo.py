"""The Monte Carlo per scenario: `scenario_comparison` carries each scenario's P50, P80 and contingency."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from model_helpers import C, certain_params, event, register, risks

from kpro_econ.inputs.load import ScenarioInputs, WorkbookInputs
from kpro_econ.model.costs import net_present_value, total_by_year
from kpro_econ.workbook import _correlations_within, cost_with_risks, scenario_comparison, simulate_scenarios


def scenario(name: str, cost: float, **monte_carlo: object) -> ScenarioInputs:
    # a certain cost model (C) and one risk that occurs for sure at `cost` (p = 1, so not in the base)
    return ScenarioInputs(name, certain_params(**monte_carlo), register(), pd.DataFrame(),
                          risks(event("R", 1.0, cost)))


def test_every_scenario_is_simulated_with_its_own_percentiles_and_contingency():
    inputs = WorkbookInputs(Path("p.yaml"), {"Basis": scenario("Basis", 1000), "Dyrere": scenario("Dyrere", 3000)})
    simulations = simulate_scenarios(inputs)
    # every outcome is C + the risk's cost: P50 = P80 = that; the pool (p = 1) holds the cost, so the
    # budget covers every outcome and the reserve on top of it is nil
    assert simulations["Basis"].percentiles["P80"] == pytest.approx(C + 1000)
    assert simulations["Dyrere"].percentiles["P50"] == pytest.approx(C + 3000)
    results = totals_only(inputs)
    table = scenario_comparison(results, simulations).set_index("scenario")
    assert table.loc["Basis", ["p50_dkk", "p80_dkk", "contingency_dkk"]].tolist() == pytest.approx(
        [C + 1000, C + 1000, 0])
    assert table.loc["Dyrere", ["p50_dkk", "p80_dkk", "contingency_dkk"]].tolist() == pytest.approx(
        [C + 3000, C + 3000, 0])
    assert "p80_dkk" not in scenario_comparison(results).columns  # without a simulation: no columns


def totals_only(inputs: WorkbookInputs) -> dict[str, Any]:
    """What `scenario_comparison` reads of a ScenarioResult (`compute_scenarios` would also need
    municipalities for the allocation, which these tests do not)."""
    return {name: SimpleNamespace(totals=(totals := total_by_year(cost_with_risks(s))),
                                  npv=net_present_value(totals, 0.05))
            for name, s in inputs.scenarios.items()}


def test_a_group_keeps_only_the_inputs_still_uncertain_in_a_scenario():
    # the support change is certain in certain_params: a group naming it and one risk is left with one input
    group = {"inputs": ["support.renegotiation.change", "risk.R"], "rank_correlation": 0.5}
    s = ScenarioInputs("S", certain_params(correlations={"G": group}), register(), pd.DataFrame(),
                       risks({**event("R", 0.5, 0), "cost_high": 10}))
    assert _correlations_within(s).monte_carlo.correlations == {}

