"""The Monte Carlo: PERT draws, risks as Bernoulli × PERT, shared draws per input, Iman–Conover,
reproducibility and the summary. Expectations are worked out by hand beside each test."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REPO
from model_helpers import CERTAIN, C, certain_params, cr, event, register, risks, small_params
from scipy import stats

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.tables import read_table
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.model.costs import cost_by_year
from kpro_econ.params.models import Params
from kpro_econ.risk.iman_conover import iman_conover, target_matrix
from kpro_econ.risk.montecarlo import (
    SUMMARY_COLUMNS,
    montecarlo_summary,
    pert_shape,
    sample_pert,
    simulate,
    uncertain_inputs,
)

NO_CHANGE_REQUESTS = register()

# --- PERT ------------------------------------------------------------------------------------

def test_pert_shape_gives_the_pert_mean_and_variance():
    # L, M, H = 100, 200, 600: mean (100 + 800 + 600) / 6 = 250; variance (250−100)(600−250)/7 = 7,500
    pert = stats.beta(*pert_shape(100, 200, 600), loc=100, scale=500)
    assert pert.mean() == pytest.approx(250)
    assert pert.var() == pytest.approx(7_500)
    assert (pert.ppf(0), pert.ppf(1)) == pytest.approx((100, 600))


def test_pert_sampler_matches_mean_and_variance():
    n = 400_000
    draws = sample_pert(100, 200, 600, n, np.random.default_rng(1))
    standard_error = np.sqrt(7_500 / n)  # ≈ 0.14
    assert abs(draws.mean() - 250) < 4 * standard_error
    assert draws.var() == pytest.approx(7_500, rel=0.01)
    assert draws.min() >= 100 and draws.max() <= 600


def test_pert_with_low_equal_high_is_certain():
    assert sample_pert(5, 5, 5, 3, np.random.default_rng(1)).tolist() == [5, 5, 5]


# --- risks as events -------------------------------------------------------------------------

def test_a_certain_event_gives_every_percentile_its_cost():
    result = simulate(certain_params(), NO_CHANGE_REQUESTS, risks(event("R1", 1.0, 250_000)))
    assert result.base == pytest.approx(C)  # the risk is not in the base
    assert result.s_curve["total_dkk"].to_numpy() == pytest.approx(C + 250_000)
    assert [result.percentiles[p] - C for p in ("P50", "P80", "P95")] == pytest.approx([250_000] * 3)
    # the pool holds its expected value 1.0 · 250,000: the budget covers every outcome, no reserve on top
    assert result.pool == pytest.approx(250_000)
    assert result.contingency == 0


def test_an_event_with_probability_03_gives_p50_nothing_and_p80_its_cost():
    result = simulate(certain_params(), NO_CHANGE_REQUESTS, risks(event("R1", 0.3, 100_000)))
    # 70 % of the outcomes are C, 30 % are C + 100,000: the median is C, the 80th percentile C + 100,000
    assert result.percentiles["P50"] == pytest.approx(C)
    assert result.percentiles["P80"] == pytest.approx(C + 100_000)
    assert result.mean == pytest.approx(C + 30_000, abs=4 * 100_000 * np.sqrt(0.21 / 20_000))


def test_closed_risks_are_not_simulated_an_occurred_ones_cost_is_certain_and_in_the_base():
    register_ = risks({**event("OPEN", 0.5, 1000), "mitigation_cost": 10},
                      {**event("GONE", 0.5, 1000), "status": "closed", "mitigation_cost": 20},
                      {**event("HIT", 0.5, 3000), "status": "occurred", "mitigation_cost": 40})
    inputs = uncertain_inputs(certain_params(), NO_CHANGE_REQUESTS, register_)
    # the occurred risk happens for sure (p = 1); only its amount could be uncertain
    assert [(i.name, i.probability) for i in inputs] == [("risk.OPEN", 0.5), ("risk.HIT", 1.0)]
    result = simulate(certain_params(), NO_CHANGE_REQUESTS, register_)
    # base: the model, both mitigations (open and occurred) and the occurred risk's own 3,000
    assert result.base == pytest.approx(C + 10 + 40 + 3000)
    # every outcome holds the 3,000; P50 of a 50 % event of 1,000 lies on its edge, P80 holds it
    assert result.percentiles["P80"] == pytest.approx(C + 50 + 3000 + 1000)


# --- the cost model's inputs -----------------------------------------------------------------

def test_a_figure_used_every_year_is_one_input_with_the_same_draws():
    # fees.solution PERT(0, 0, 600,000) in both years: the total moves by 2·X, so its standard
    # deviation is 2·σ_X, not √2·σ_X as it would be with a fresh draw each year.
    params = small_params(support=CERTAIN["support"], monte_carlo={"iterations": 50_000},
                          fees={"solution": {"low": 0, "mode": 0, "high": 600_000}, "infrastructure": 0})
    result = simulate(params, NO_CHANGE_REQUESTS)
    assert [i.name for i in result.inputs] == ["fees.solution"]
    sigma = np.sqrt((100_000 - 0) * (600_000 - 100_000) / 7)  # mean 600,000 / 6 = 100,000
    assert result.standard_deviation == pytest.approx(2 * sigma, rel=0.02)


def test_simulated_mean_is_the_deterministic_expected_total():
    # The default params without their correlation group, which names risks of the default register.
    default = load_params(REPO / "params" / "default.yaml")[0]["Basis"]
    params = default.model_copy(update={"monte_carlo": default.monte_carlo.model_copy(update={"correlations": {}})})
    requests = register(
        cr("A", "approved", 2025, 100_000, 200_000, 600_000),                              # PERT mean 250,000
        cr("B", "proposed", 2026, 0, 300_000, 300_000, approval_probability=0.5),         # 0.5 · 250,000
        cr("C", "delivered", 2024, 10, 20, 30, actual_cost=50_000),                       # certain 50,000
        cr("D", "rejected", 2025, 1, 2, 3),
    )
    register_ = risks({**event("R1", 0.3, 0), "cost_high": 600_000, "proximity": 2025},  # 0.3 · 100,000
                      {**event("R2", 0.5, 100_000), "mitigation_cost": 20_000})         # 0.5 · 100,000
    result = simulate(params, requests, register_, iterations=100_000)
    cost_model = cost_by_year(params, requests)["amount_dkk"].sum()
    expected = cost_model + 20_000 + 0.3 * 100_000 + 0.5 * 100_000
    assert result.expected_total == pytest.approx(expected)
    assert abs(result.mean - expected) < 3 * result.standard_deviation / np.sqrt(result.iterations)
    assert result.base == pytest.approx(cost_model + 20_000)
    inputs = {i.name for i in result.inputs}
    assert inputs == {"fees.solution", "support.renegotiation.change", "change_requests.A", "change_requests.B",
                      "risk.R1", "risk.R2"}


# --- correlation -----------------------------------------------------------------------------

def test_iman_conover_reaches_the_target_rank_correlation_and_keeps_the_values():
    rng = np.random.default_rng(3)
    samples = np.column_stack([sample_pert(0, 1, 5, 10_000, rng), rng.normal(size=10_000),
                               np.where(rng.random(10_000) < 0.4, 1.0, 0.0) * sample_pert(1, 2, 3, 10_000, rng)])
    correlated = iman_conover(samples[:, :2], target_matrix(2, 0.7))
    assert stats.spearmanr(correlated[:, 0], correlated[:, 1]).statistic == pytest.approx(0.7, abs=0.05)
    assert np.array_equal(np.sort(correlated, axis=0), np.sort(samples[:, :2], axis=0))
    three = iman_conover(samples, target_matrix(3, -0.3))
    rho = stats.spearmanr(three).statistic
    assert rho[0, 1] == pytest.approx(-0.3, abs=0.05)
    assert rho[0, 2] == pytest.approx(-0.3, abs=0.1)  # 60 % ties at 0 limit what ranks can achieve


def correlated_params(rho: float) -> Params:
    return small_params(
        support={**CERTAIN["support"], "renegotiation": {"year": 2026, "change": {"low": 0, "mode": 0.1,
                                                                                   "high": 0.5}}},
        monte_carlo={"iterations": 30_000, "correlations": {"sammen": {
            "inputs": ["support.renegotiation.change", "fees.infrastructure.2026"], "rank_correlation": rho}}},
    )


def test_a_correlation_group_gets_its_rank_correlation_and_widens_the_tail():
    together, apart = simulate(correlated_params(0.8), NO_CHANGE_REQUESTS), simulate(correlated_params(0.0),
                                                                                        NO_CHANGE_REQUESTS)
    assert together.achieved_rank_correlations["sammen"] == pytest.approx(0.8, abs=0.05)
    assert apart.achieved_rank_correlations["sammen"] == pytest.approx(0.0, abs=0.05)
    assert together.mean == pytest.approx(apart.mean, rel=1e-3)  # same draws, only reordered
    assert together.percentiles["P95"] > apart.percentiles["P95"]
    assert together.standard_deviation > apart.standard_deviation


def test_unknown_or_repeated_correlation_inputs_are_params_problems():
    params = small_params(monte_carlo={"correlations": {
        "a": {"inputs": ["fees.infrastructure.2026", "fees.solution"], "rank_correlation": 0.5},
        "b": {"inputs": ["fees.infrastructure.2026", "support.renegotiation.change"], "rank_correlation": 0.5}}})
    with pytest.raises(ParamsError) as raised:
        simulate(params, NO_CHANGE_REQUESTS, params_file="params/default.yaml")
    found = [(p.file, p.field, p.value) for p in raised.value.problems]
    assert found == [("params/default.yaml", "monte_carlo.correlations.a.inputs", "fees.solution"),  # certain
                     ("params/default.yaml", "monte_carlo.correlations.b.inputs", "fees.infrastructure.2026")]


# --- reproducibility and outputs -------------------------------------------------------------

def test_same_seed_same_numbers_whatever_the_chunk_size():
    register_ = risks(event("R1", 0.4, 50_000))
    first = simulate(correlated_params(0.5), NO_CHANGE_REQUESTS, register_, iterations=25_000)
    again = simulate(correlated_params(0.5), NO_CHANGE_REQUESTS, register_, iterations=25_000)
    small_chunks = correlated_params(0.5).model_copy(update={"monte_carlo": correlated_params(0.5).monte_carlo
                                                             .model_copy(update={"chunk_size": 10_000})})
    chunked = simulate(small_chunks, NO_CHANGE_REQUESTS, register_, iterations=25_000)
    other_seed = correlated_params(0.5).model_copy(update={"monte_carlo": correlated_params(0.5).monte_carlo
                                                           .model_copy(update={"seed": 1})})
    assert montecarlo_summary(first).equals(montecarlo_summary(again))
    assert montecarlo_summary(first).equals(montecarlo_summary(chunked))
    assert first.s_curve.equals(chunked.s_curve)
    assert simulate(other_seed, NO_CHANGE_REQUESTS, register_, iterations=25_000).mean != first.mean


def test_summary_rows_and_distribution_data():
    result = simulate(correlated_params(0.0), NO_CHANGE_REQUESTS, iterations=12_345)
    summary = montecarlo_summary(result)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert summary["statistic"].tolist() == ["mean", "P50", "P80", "P95", "base", "pool", "budget", "contingency"]
    values = dict(zip(summary["statistic"], summary["value_dkk"], strict=True))
    # no risks: no pool, the budget is the base and the reserve what P80 lies above it
    assert values["pool"] == 0 and values["budget"] == values["base"]
    assert values["contingency"] == pytest.approx(values["P80"] - values["base"])
    assert values["P50"] <= values["P80"] <= values["P95"]
    assert len(result.s_curve) == 201 and result.s_curve["total_dkk"].is_monotonic_increasing
    assert result.histogram["count"].sum() == 12_345


def test_contingency_follows_the_confidence_level():
    params = certain_params(confidence=0.9)
    result = simulate(params, NO_CHANGE_REQUESTS, risks(event("R1", 0.15, 100_000)))
    # 85 % of outcomes are C: P80 = C, but P90 = C + 100,000; the pool holds 0.15 · 100,000 = 15,000,
    # so the reserve on top of the budget (C + 15,000) is 85,000
    assert result.percentiles["P80"] == pytest.approx(C)
    assert result.pool == pytest.approx(15_000)
    assert result.contingency == pytest.approx(85_000)


def test_the_default_model_runs_with_the_default_register():
    from kpro_econ.inputs.registers import change_requests
    from kpro_econ.inputs.risk_register import risk_register

    params = load_params(REPO / "params" / "default.yaml")[0]["Basis"]
    requests = change_requests(read_table(REPO / "data" / "change_requests.csv"), "change_requests.csv")
    register_ = risk_register(read_table(REPO / "data" / "risk_register.csv"), "risk_register.csv", params.years)
    result = simulate(params, requests, register_, iterations=20_000)
    assert result.base < result.percentiles["P50"] < result.percentiles["P95"]
    assert result.contingency > 0


def test_a_million_iterations_run_in_chunks_in_well_under_a_gigabyte():
    import tracemalloc

    from kpro_econ.inputs.load import load_inputs

    base = load_inputs(REPO / "params" / "default.yaml").base
    tracemalloc.start()
    try:
        result = simulate(base.params, base.change_requests, base.risks, iterations=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.iterations == 1_000_000
    assert peak < 256 * 2**20  # measured about 85 MiB; a gigabyte is the limit the issue sets
    assert result.percentiles["P50"] < result.percentiles["P80"] < result.percentiles["P95"]
