"""Monte Carlo of the total cost over the budget years: PERT inputs and Bernoulli × PERT risks.

The cost model is `costs.compute_cost_lines` itself, given a resolver that returns each uncertain
figure's draws, looked up by name so that a figure used in several lines or years is one input with
the same draws everywhere. Each open risk adds Bernoulli(p) × PERT(cost); mitigation costs are
certain. Draws come in chunks (memory) of whole blocks of `BLOCK` iterations; Iman–Conover
correlates the named groups within each block. Every input has its own random streams, seeded by
the seed and the input's name, so the numbers depend on the seed and the number of iterations, not
on the chunk size, and adding an input leaves the other inputs' draws as they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kpro_econ.errors import KproError, ParamsError
from kpro_econ.model.costs import Resolve, Value, compute_cost_lines, resolve_mean
from kpro_econ.params.figures import Amount, ThreePoint, pert_mean
from kpro_econ.params.models import Params
from kpro_econ.risk.assessment import MITIGATED_STATUSES, occurred, open_risk_draw_parameters, risk_settings
from kpro_econ.risk.iman_conover import correlation_problems, iman_conover, mean_rank_correlation, target_matrix

BLOCK = 10_000
"""Iterations per Iman–Conover block; chunks are whole blocks, so results do not depend on chunk size."""
RISK_PREFIX = "risk."
SUMMARY_COLUMNS = ["statistic", "value_dkk"]
S_CURVE_POINTS = 201
HISTOGRAM_BINS = 50

Draws = NDArray[np.float64]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: PERT(low, mode, high), times Bernoulli(probability) for a risk."""

    name: str
    low: float
    mode: float
    high: float
    probability: float = 1.0

    @property
    def mean(self) -> float:
        return self.probability * pert_mean(self.low, self.mode, self.high)

    @property
    def is_risk(self) -> bool:
        return self.name.startswith(RISK_PREFIX)


@dataclass(frozen=True)
class SimulationResult:
    """The distribution of the total over the budget years (in price-level prices), summarised."""

    iterations: int
    seed: int
    confidence: float
    mean: float
    standard_deviation: float
    percentiles: dict[str, float]
    """P50, P80, P95 and the percentile at `confidence` (e.g. P90), by name."""
    base: float
    """Deterministic total of the cost model without the risk pool, with the mitigation costs and the
    occurred risks' own costs (their PERT means)."""
    expected_total: float
    """Deterministic expected total: base + Σ p × PERT mean of every open risk."""
    s_curve: pd.DataFrame
    """`probability, total_dkk`: the total at S_CURVE_POINTS evenly spaced probabilities 0–1."""
    histogram: pd.DataFrame
    """`bin_low_dkk, bin_high_dkk, count` over HISTOGRAM_BINS equal bins."""
    input_correlations: pd.Series
    """Pearson correlation of each input's draws with the total, by input name."""
    achieved_rank_correlations: pd.Series
    """Mean pairwise Spearman correlation achieved in each correlation group, by group name."""
    inputs: tuple[UncertainInput, ...]

    @property
    def at_confidence(self) -> float:
        return self.percentiles[percentile_name(self.confidence)]

    @property
    def contingency(self) -> float:
        """Reserve needed on top of the base to cover the total with probability `confidence`."""
        return self.at_confidence - self.base


def percentile_name(probability: float) -> str:
    return f"P{round(probability * 100, 1):g}"


def pert_shape(low: float, mode: float, high: float) -> tuple[float, float]:
    """PERT's Beta shape on [low, high]: α = 1 + 4(M − L)/(H − L), β = 1 + 4(H − M)/(H − L)."""
    span = high - low
    return 1 + 4 * (mode - low) / span, 1 + 4 * (high - mode) / span


def sample_pert(low: float, mode: float, high: float, size: int, rng: np.random.Generator) -> Draws:
    """`size` PERT draws (the scaled Beta, drawn as scipy does, without building a frozen distribution
    per call); low == high is a certain value."""
    if low == high:
        return np.full(size, float(low))
    return low + (high - low) * rng.beta(*pert_shape(low, mode, high), size=size)


def uncertain_inputs(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None
) -> list[UncertainInput]:
    """Every three-point figure of the cost model with low < high, in the order the model uses them,
    then every open risk that can cost something, as `risk.<id>`."""
    return _discover(params, change_requests, risks)[0]


def _discover(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None
) -> tuple[list[UncertainInput], float]:
    """The uncertain inputs, and the cost model's total at the means (from the same single pass)."""
    seen: dict[str, ThreePoint] = {}

    def record(name: str, figure: Amount | ThreePoint) -> float:
        if isinstance(figure, ThreePoint) and figure.is_uncertain and seen.setdefault(name, figure) != figure:
            raise KproError(f"{name}: two different figures have the same input name (duplicate id?)")
        return figure.mean

    lines = compute_cost_lines(params, change_requests, record)
    mean_total = float(sum(float(amount) for line in lines for amount in line.amounts.values()))
    inputs = [UncertainInput(name, f.low, f.mode, f.high) for name, f in seen.items()]
    if risks is not None:
        drawn = open_risk_draw_parameters(risks, risk_settings(params))
        columns = [drawn[c].tolist() for c in ("id", "cost_low", "cost_mode", "cost_high", "probability")]
        inputs += [UncertainInput(f"{RISK_PREFIX}{risk_id}", low, mode, high, probability)
                   for risk_id, low, mode, high, probability in zip(*columns, strict=True)
                   if probability > 0 and high > 0]
    return inputs, mean_total


def cost_model_total(params: Params, change_requests: pd.DataFrame, resolve: Resolve = resolve_mean) -> Value:
    """Sum of every cost line over every budget year (an array when `resolve` gives draws)."""
    total: Value = 0.0
    for line in compute_cost_lines(params, change_requests, resolve):
        for amount in line.amounts.values():
            total = total + amount
    return total


def mitigation_total(risks: pd.DataFrame | None) -> float:
    """The *Risikoreducerende tiltag* line summed over the years (`risk.risk_cost_lines` places every
    open or occurred risk's mitigation cost in some budget year): certain, as mitigation is paid for."""
    if risks is None:
        return 0.0
    return float(risks.loc[risks["status"].isin(MITIGATED_STATUSES), "mitigation_cost"].sum())


def occurred_total(risks: pd.DataFrame | None) -> float:
    """The *Indtrufne risici* line summed over the years: each occurred risk's PERT mean cost."""
    if risks is None:
        return 0.0
    happened = occurred(risks)
    columns = (happened[c].tolist() for c in ("cost_low", "cost_mode", "cost_high"))
    return float(sum(pert_mean(low, mode, high) for low, mode, high in zip(*columns, strict=True)))


def base_total(params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None) -> float:
    """The deterministic base: cost model at its means plus mitigation and occurred risks, without the pool."""
    return float(cost_model_total(params, change_requests)) + mitigation_total(risks) + occurred_total(risks)


def simulate(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None = None,
    iterations: int | None = None, params_file: str = "params",
) -> SimulationResult:
    """The Monte Carlo of `params.monte_carlo` (or `iterations` draws); `risks` is the validated register.

    Raises ParamsError (naming `params_file`) if a correlation group names an unknown input.
    """
    settings = params.monte_carlo
    n = iterations if iterations is not None else settings.iterations
    inputs, cost_model_mean = _discover(params, change_requests, risks)
    names = [i.name for i in inputs]
    problems = correlation_problems(settings, names, params_file)
    if problems:
        raise ParamsError(problems)
    groups = {
        group: ([names.index(x) for x in spec.inputs], target_matrix(len(spec.inputs), spec.rank_correlation))
        for group, spec in settings.correlations.items()
    }
    streams = [_streams(settings.seed, name) for name in names]
    risk_columns = [j for j, i in enumerate(inputs) if i.is_risk]
    mitigation = mitigation_total(risks)
    base = cost_model_mean + mitigation + occurred_total(risks)
    # the risk inputs hold the occurred risks too (p = 1), so their means are in here once
    expected = cost_model_mean + mitigation + sum(i.mean for i in inputs if i.is_risk)
    means = np.array([i.mean for i in inputs])

    totals = np.empty(n)
    sum_x, sum_xx, sum_xt = np.zeros(len(inputs)), np.zeros(len(inputs)), np.zeros(len(inputs))
    achieved = dict.fromkeys(groups, 0.0)
    for start, stop, blocks in _chunks(n, settings.chunk_size):
        draws = np.empty((stop - start, len(inputs)), order="F")  # column by column: contiguous
        for j, (item, (cost_rng, occurrence_rng)) in enumerate(zip(inputs, streams, strict=True)):
            draws[:, j] = _draw(item, stop - start, cost_rng, occurrence_rng)
        for block_start, block_stop in blocks:
            rows = slice(block_start - start, block_stop - start)
            for group, (columns, target) in groups.items():
                draws[rows, columns] = iman_conover(draws[rows, columns], target)
                weight = (block_stop - block_start) / n
                achieved[group] += mean_rank_correlation(draws[rows, columns]) * weight
        resolve = _resolver(dict(zip(names, draws.T, strict=True)))
        chunk_total = cost_model_total(params, change_requests, resolve)
        totals[start:stop] = chunk_total + mitigation + draws[:, risk_columns].sum(axis=1)
        # Moments about the known means keep the sums of squares small (no cancellation at 1e6 draws);
        # the draws are done with, so they are centred in place.
        draws -= means
        centred_total = totals[start:stop] - expected
        sum_x += draws.sum(axis=0)
        sum_xx += np.einsum("ij,ij->j", draws, draws)
        sum_xt += centred_total @ draws
    return _result(params, n, totals, inputs, (sum_x, sum_xx, sum_xt), expected, base, achieved)


def _resolver(draws_by_name: dict[str, Draws]) -> Resolve:
    """Draws for an uncertain input, by name (the same array wherever it is used); else the mean."""

    def resolve(name: str, figure: Amount | ThreePoint) -> Value:
        return draws_by_name.get(name, figure.mean)

    return resolve


def _streams(seed: int, name: str) -> tuple[np.random.Generator, np.random.Generator]:
    """The input's cost stream and occurrence stream (two, so each is read in one sequence)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng([seed, key, 0]), np.random.default_rng([seed, key, 1])


def _draw(item: UncertainInput, size: int, cost_rng: np.random.Generator,
          occurrence_rng: np.random.Generator) -> Draws:
    if not item.is_risk:
        return sample_pert(item.low, item.mode, item.high, size, cost_rng)
    # A cost is drawn only for an occurrence: the k-th occurrence gets the k-th cost of the stream.
    occurs = occurrence_rng.random(size) < item.probability
    draws = np.zeros(size)
    draws[occurs] = sample_pert(item.low, item.mode, item.high, int(occurs.sum()), cost_rng)
    return draws


def _chunks(n: int, chunk_size: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(start, stop, blocks) of each chunk: whole blocks of BLOCK iterations, the remainder joining
    the last block, as many blocks as fit in `chunk_size` (at least one)."""
    edges = [*range(0, n, BLOCK)][: max(1, n // BLOCK)]
    blocks = list(pairwise([*edges, n]))
    per_chunk = max(1, chunk_size // BLOCK)
    for i in range(0, len(blocks), per_chunk):
        chunk = blocks[i : i + per_chunk]
        yield chunk[0][0], chunk[-1][1], chunk


def _result(
    params: Params, n: int, totals: Draws, inputs: Sequence[UncertainInput],
    sums: tuple[Draws, Draws, Draws], expected: float, base: float, achieved: dict[str, float],
) -> SimulationResult:
    confidence = params.monte_carlo.confidence
    levels = {percentile_name(p): p for p in (0.50, 0.80, 0.95, confidence)}
    values = np.quantile(totals, list(levels.values()))
    sum_x, sum_xx, sum_xt = sums
    centred_total = totals - expected
    mean_x, mean_t = sum_x / n, centred_total.mean()
    covariance = sum_xt / n - mean_x * mean_t
    variance_x = np.maximum(sum_xx / n - mean_x**2, 0.0)
    spread = np.sqrt(variance_x * centred_total.var())
    correlation = np.divide(covariance, spread, out=np.zeros_like(covariance), where=spread > 0)
    probabilities = np.linspace(0.0, 1.0, S_CURVE_POINTS)
    counts, edges = np.histogram(totals, bins=HISTOGRAM_BINS)
    return SimulationResult(
        iterations=n,
        seed=params.monte_carlo.seed,
        confidence=confidence,
        mean=float(totals.mean()),
        standard_deviation=float(totals.std()),
        percentiles={name: float(v) for name, v in zip(levels, values, strict=True)},
        base=base,
        expected_total=expected,
        s_curve=pd.DataFrame({"probability": probabilities, "total_dkk": np.quantile(totals, probabilities)}),
        histogram=pd.DataFrame({"bin_low_dkk": edges[:-1], "bin_high_dkk": edges[1:], "count": counts}),
        input_correlations=pd.Series(correlation, index=[i.name for i in inputs], dtype="float64"),
        achieved_rank_correlations=pd.Series(achieved, dtype="float64"),
        inputs=tuple(inputs),
    )


def montecarlo_summary(result: SimulationResult) -> pd.DataFrame:
    """`statistic, value_dkk`: mean, P50, P80, P95, base and contingency (P_confidence − base)."""
    rows = [("mean", result.mean), ("P50", result.percentiles["P50"]), ("P80", result.percentiles["P80"]),
            ("P95", result.percentiles["P95"]), ("base", result.base), ("contingency", result.contingency)]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
