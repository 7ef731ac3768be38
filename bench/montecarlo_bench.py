"""Benchmark (not a test): the vectorised Monte Carlo against a plain-Python loop of the same model.

Runs the default model (params/default.yaml, data/change_requests.csv, data/risk_register.csv):
- the vectorised `montecarlo.simulate` at 100,000 iterations (median of several runs);
- a plain-Python loop: per iteration every input is drawn with `random.betavariate` (PERT) and
  `random.random` (does a risk occur?), and the total is Python arithmetic. The loop does not call
  the cost model each iteration (its pandas code would dominate and flatter the comparison); it uses
  each input's coefficient in the total, taken from the cost model once (the total is affine in
  every input, which is checked at each input's mode), so it computes the same total;
- the vectorised run at 1,000,000 iterations: time, and peak traced memory (tracemalloc, separately,
  since tracing slows allocation).

    python bench/montecarlo_bench.py [--loop-iterations 20000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from kpro_econ.inputs.registers import change_requests
from kpro_econ.inputs.risk_register import risk_register
from kpro_econ.inputs.tables import read_table
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.params.figures import Amount, ThreePoint
from kpro_econ.params.models import Params
from kpro_econ.risk.montecarlo import (
    SimulationResult,
    UncertainInput,
    base_total,
    cost_model_total,
    pert_shape,
    simulate,
    uncertain_inputs,
)

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS, GOAL_SPEED_UP = 0.3, 15


def load_default() -> tuple[Params, pd.DataFrame, pd.DataFrame]:
    params = load_params(ROOT / "params" / "default.yaml")[0]["Basis"]
    data = ROOT / "data"
    requests = change_requests(read_table(data / "change_requests.csv"), "data/change_requests.csv")
    risks = risk_register(read_table(data / "risk_register.csv"), "data/risk_register.csv", params.years)
    return params, requests, risks


def coefficients(params: Params, requests: pd.DataFrame, inputs: list[UncertainInput]) -> dict[str, float]:
    """d total / d input for every cost-model input (a risk adds its draw itself: coefficient 1)."""
    def total_at(name: str, value: float) -> float:
        def resolve(figure_name: str, figure: Amount | ThreePoint) -> float:
            return value if figure_name == name else figure.mean
        return float(cost_model_total(params, requests, resolve))

    slopes = {}
    for item in inputs:
        if item.is_risk:
            slopes[item.name] = 1.0
            continue
        low, high = total_at(item.name, item.low), total_at(item.name, item.high)
        slope = (high - low) / (item.high - item.low)
        at_mode = low + slope * (item.mode - item.low)
        affine = abs(total_at(item.name, item.mode) - at_mode) < 1e-6 * abs(at_mode)
        # S101: a check of the benchmark's own premise; this script is never run with -O.
        assert affine, f"{item.name}: the total is not affine in this input; the loop would differ"  # noqa: S101
        slopes[item.name] = slope
    return slopes


def loop_totals(
    params: Params, requests: pd.DataFrame, risks: pd.DataFrame, n: int, seed: int
) -> list[float]:
    """The plain-Python version: one input at a time, one iteration at a time."""
    inputs = uncertain_inputs(params, requests, risks)
    slopes = coefficients(params, requests, inputs)
    # total = base + Σ slope · (draw − mean) over cost inputs + Σ risk draws
    cost_inputs = [i for i in inputs if not i.is_risk]
    constant = base_total(params, requests, risks) - sum(slopes[i.name] * i.mean for i in cost_inputs)
    plan = [
        (i.low, i.high - i.low, *pert_shape(i.low, i.mode, i.high), i.probability, slopes[i.name], i.is_risk)
        for i in inputs
    ]
    rng = random.Random(seed)  # noqa: S311 (a seeded draw for a benchmark, nothing secret)
    totals = []
    for _ in range(n):
        total = constant
        for low, span, alpha, beta, probability, slope, is_risk in plan:
            if is_risk and rng.random() >= probability:
                continue
            total += slope * (low + span * rng.betavariate(alpha, beta))
        totals.append(total)
    return totals


def timed_simulation(params: Params, requests: pd.DataFrame, risks: pd.DataFrame, n: int,
                     repeats: int) -> tuple[list[float], SimulationResult]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = simulate(params, requests, risks, iterations=n)
        times.append(time.perf_counter() - start)
    assert result is not None  # noqa: S101 (a check of the script's own result)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loop-iterations", type=int, default=20_000)
    args = parser.parse_args()
    params, requests, risks = load_default()
    n = 100_000
    inputs = uncertain_inputs(params, requests, risks)
    print(f"Default model: {len(inputs)} uncertain inputs "
          f"({sum(i.is_risk for i in inputs)} open risks), years {params.years[0]}–{params.years[-1]}")

    # Times are the best of several runs (as timeit reports): the machine is shared, and the best run
    # is the one least disturbed by others. The median is printed beside it.
    simulate(params, requests, risks, iterations=10_000)  # warm-up: imports, caches
    times, result = timed_simulation(params, requests, risks, n, repeats=7)
    vector_seconds = min(times)
    print(f"vectorised: {n:,} iterations in {vector_seconds:.3f} s (best of 7; median "
          f"{statistics.median(times):.3f} s); median total {result.percentiles['P50']:,.0f} kr.")

    m = args.loop_iterations
    loop_times = []
    for repeat in range(3):
        start = time.perf_counter()
        totals = loop_totals(params, requests, risks, m, params.monte_carlo.seed + repeat)
        loop_times.append(time.perf_counter() - start)
    loop_seconds = min(loop_times)
    scaled = loop_seconds * n / m
    print(f"plain loop: {m:,} iterations in {loop_seconds:.3f} s (best of 3), scaled per iteration to "
          f"{n:,}: {scaled:.2f} s; median total {statistics.median(totals):,.0f} kr. (its own random numbers)")
    speed_up = scaled / vector_seconds
    print(f"ratio: vectorised is {speed_up:.0f}× faster "
          f"(goal < {GOAL_SECONDS} s: {'met' if vector_seconds < GOAL_SECONDS else 'NOT met'}; "
          f"≥ {GOAL_SPEED_UP}×: {'met' if speed_up >= GOAL_SPEED_UP else 'NOT met'})")

    big = 1_000_000
    big_times, big_result = timed_simulation(params, requests, risks, big, repeats=1)
    big_seconds = big_times[0]
    tracemalloc.start()
    simulate(params, requests, risks, iterations=big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"1,000,000 iterations: {big_seconds:.2f} s, peak traced memory {peak / 2**20:.0f} MiB "
          f"(chunk size {params.monte_carlo.chunk_size:,}); P50 {big_result.percentiles['P50']:,.0f}, "
          f"P80 {big_result.percentiles['P80']:,.0f}, base {big_result.base:,.0f}, "
          f"contingency {big_result.contingency:,.0f} kr.")


if __name__ == "__main__":
    main()
