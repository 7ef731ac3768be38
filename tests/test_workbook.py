import pytest
from conftest import REPO

from kpro_econ.inputs.load import load_inputs
from kpro_econ.workbook import compute_risk, compute_tables, cost_with_risks

PARAMS = REPO / "params" / "default.yaml"


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(PARAMS)


def test_the_risk_pool_and_mitigation_enter_the_cost_model(inputs):
    risks = inputs.base.risks
    costs = cost_with_risks(inputs.base)
    pool = costs.loc[costs["line_code"] == "risk_pool", "amount_dkk"].sum()
    mitigation = costs.loc[costs["line_code"] == "mitigation", "amount_dkk"].sum()
    risk = compute_risk(inputs.base)
    assert risk is not None
    assert pool == pytest.approx(risk.pool["expected_value_dkk"].sum())
    # mitigation of open and occurred risks, summed straight from the register
    paid = risks.loc[risks["status"].isin(["open", "occurred"]), "mitigation_cost"].sum()
    assert mitigation == pytest.approx(paid)


def test_tables_hold_every_scenario_and_the_risk_tables(inputs):
    tables = compute_tables(inputs)
    assert set(tables["cost_by_year"]["scenario"]) == set(inputs.scenarios)
    summary = tables["montecarlo_summary"].set_index("statistic")["value_dkk"]
    assert list(summary.index) == ["mean", "P50", "P80", "P95", "base", "pool", "budget", "contingency"]
    # one reserve, on top of the budget with its pool: together never above P80 unless the budget is
    assert summary["contingency"] == pytest.approx(max(summary["P80"] - summary["budget"], 0))
    assert summary["budget"] + summary["contingency"] == pytest.approx(max(summary["P80"], summary["budget"]))
    base_total = tables["cost_by_year"].query("scenario == 'Basis'")["amount_dkk"].sum()
    pool = tables["risk_pool"]["expected_value_dkk"].sum()
    # the budget is the cost table's total; the deterministic base of the simulation is it without the pool
    assert summary["budget"] == pytest.approx(base_total)
    assert summary["pool"] == pytest.approx(pool)
    assert summary["base"] == pytest.approx(base_total - pool)
