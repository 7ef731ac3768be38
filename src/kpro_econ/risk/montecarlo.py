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
from kpro_econ.model.books import Books
from kpro_econ.model.costs import compute_cost_lines
from kpro_econ.model.lines import Resolve, Value, resolve_mean
from kpro_econ.params.figures import Amount, ThreePoint, pert_mean
from kpro_econ.params.models import MonteCarlo, Params
from kpro_econ.risk.assessment import open_risk_draw_parameters, risk_cost_lines, risk_settings
from kpro_econ.risk.iman_conover import correlation_problems, iman_conover, mean_rank_correlation, target_matrix

BLOCK = 10_000
"""Iterations per Iman–Conover block; chunks are whole blocks, so results do not depend on chunk size."""
RISK_PREFIX = "risk."
SUMMARY_COLUMNS = ["statistic", "value_dkk"]
BY_YEAR_COLUMNS = ["year", "mean_dkk", "sd_dkk", "p50_dkk", "p80_dkk"]
COVERAGE_COLUMNS = ["mark", "value_dkk", "share"]
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
    placement: tuple[tuple[int, float], ...] = ()
    """A risk's weight per year: its proximity year (or every year evenly), times the share of that year
    still to come (`risk.assessment.share_to_come`); a risk with nothing still to come is no input."""

    @property
    def mean(self) -> float:
        """The mean of one draw."""
        return self.probability * pert_mean(self.low, self.mode, self.high)

    @property
    def exposure(self) -> float:
        """The part of a draw that enters the total: a risk's placement weights summed; 1 for a figure."""
        return sum(weight for _, weight in self.placement) if self.is_risk else 1.0

    @property
    def expected(self) -> float:
        """What the input adds to the total on average."""
        return self.mean * self.exposure

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
    occurred risks' own costs (their PERT means); with books, closed years as booked."""
    pool: float
    """The risk pool still to come, as the cost model's *Risikopulje* holds it (the budget's part for risks)."""
    expected_total: float
    """Deterministic expected total: base + Σ p × PERT mean of every open risk (of what is still to come)."""
    s_curve: pd.DataFrame
    """`probability, total_dkk`: the total at S_CURVE_POINTS evenly spaced probabilities 0–1."""
    histogram: pd.DataFrame
    """`bin_low_dkk, bin_high_dkk, count` over HISTOGRAM_BINS equal bins."""
    input_correlations: pd.Series
    """Pearson correlation of each input's draws with the total, by input name."""
    achieved_rank_correlations: pd.Series
    """Mean pairwise Spearman correlation achieved in each correlation group, by group name."""
    inputs: tuple[UncertainInput, ...]
    by_year: pd.DataFrame
    """BY_YEAR_COLUMNS: each year's simulated mean, standard deviation, P50 and P80 (a closed year's
    spread is nil)."""
    coverage: pd.DataFrame
    """COVERAGE_COLUMNS: the base, the budget (base + pool), the budget with the reserve and the
    percentile at `confidence`, each with the share of the simulated outcomes at or below it."""

    @property
    def at_confidence(self) -> float:
        return self.percentiles[percentile_name(self.confidence)]

    @property
    def budget(self) -> float:
        """The budget: the base with the risk pool, the cost model's total."""
        return self.base + self.pool

    @property
    def contingency(self) -> float:
        """The reserve (*reserve*), the one figure on top of the budget: what the budget with its pool
        lacks to cover the total with probability `confidence`, never below nil. Budget + reserve is
        therefore the percentile at `confidence`, or the budget itself when that already covers more."""
        return max(self.at_confidence - self.budget, 0.0)


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
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, books: Books | None = None
) -> list[UncertainInput]:
    """Every three-point figure of the cost model with low < high, in the order the model uses them,
    then every open risk that can cost something still to come, as `risk.<id>`."""
    return _discover(params, change_requests, risks, books)[0]


def _discover(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, books: Books | None = None
) -> tuple[list[UncertainInput], float]:
    """The uncertain inputs, and the cost model's total at the means (from the same single pass).

    With books a figure that only closed years use still counts as an input (it has no effect), so that
    a correlation group naming it stays valid; a risk with nothing still to come is left out.
    """
    seen: dict[str, ThreePoint] = {}

    def record(name: str, figure: Amount | ThreePoint) -> float:
        if isinstance(figure, ThreePoint) and figure.is_uncertain and seen.setdefault(name, figure) != figure:
            raise KproError(f"{name}: two different figures have the same input name (duplicate id?)")
        return figure.mean

    lines = compute_cost_lines(params, change_requests, record, books)
    mean_total = float(sum(float(amount) for line in lines for amount in line.amounts.values()))
    inputs = [UncertainInput(name, f.low, f.mode, f.high) for name, f in seen.items()]
    if risks is not None:
        drawn = open_risk_draw_parameters(risks, risk_settings(params), params.years, books)
        columns = [drawn[c].tolist() for c in ("id", "cost_low", "cost_mode", "cost_high", "probability",
                                               "placement")]
        inputs += [UncertainInput(f"{RISK_PREFIX}{risk_id}", low, mode, high, probability, placement)
                   for risk_id, low, mode, high, probability, placement in zip(*columns, strict=True)
                   if probability > 0 and high > 0 and sum(w for _, w in placement) > 0]
    return inputs, mean_total


def cost_model_total(
    params: Params, change_requests: pd.DataFrame, resolve: Resolve = resolve_mean, books: Books | None = None
) -> Value:
    """Sum of every cost line over every budget year (an array when `resolve` gives draws)."""
    total: Value = 0.0
    for amount in cost_model_by_year(params, change_requests, resolve, books).values():
        total = total + amount
    return total


def cost_model_by_year(
    params: Params, change_requests: pd.DataFrame, resolve: Resolve = resolve_mean, books: Books | None = None
) -> dict[int, Value]:
    """Sum of every cost line per budget year (arrays when `resolve` gives draws)."""
    by_year: dict[int, Value] = dict.fromkeys(params.years, 0.0)
    for line in compute_cost_lines(params, change_requests, resolve, books):
        for year, amount in line.amounts.items():
            by_year[year] = by_year[year] + amount
    return by_year


@dataclass(frozen=True)
class RiskLines:
    """The risk model's lines per year, as certain parts: the mitigation, what is booked (or overridden)
    on the pool and on the occurred risks, and the occurred risks' and the pool's means to come."""

    certain: dict[int, float]
    """Mitigation plus the booked pool and occurred risks, per year: in every outcome."""
    occurred: float
    """The occurred risks' own costs still to come (their PERT means), summed."""
    pool: float
    """The pool still to come, summed (not in the base: the risks are drawn instead)."""


def risk_lines(params: Params, risks: pd.DataFrame | None, books: Books | None = None) -> RiskLines:
    """`RiskLines` of the register (`risk.assessment.risk_cost_lines` on the books)."""
    if risks is None:
        return RiskLines(dict.fromkeys(params.years, 0.0), 0.0, 0.0)
    pool, mitigation, happened = risk_cost_lines(risks, params, books)
    known = {line: {y: books.certain(y, line) if books is not None else 0.0 for y in params.years}
             for line in (pool.code, happened.code)}
    certain = {y: float(mitigation.amounts[y]) + known[pool.code][y] + known[happened.code][y]
               for y in params.years}
    return RiskLines(
        certain=certain,
        occurred=float(sum(float(a) - known[happened.code][y] for y, a in happened.amounts.items())),
        pool=float(sum(float(a) - known[pool.code][y] for y, a in pool.amounts.items())),
    )


def base_total(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, books: Books | None = None
) -> float:
    """The deterministic base: cost model at its means plus mitigation and occurred risks, without the pool."""
    lines = risk_lines(params, risks, books)
    return float(cost_model_total(params, change_requests, books=books)) + sum(lines.certain.values()) + lines.occurred


def simulate(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None = None,
    iterations: int | None = None, params_file: str = "params", books: Books | None = None,
) -> SimulationResult:
    """The Monte Carlo of `params.monte_carlo` (or `iterations` draws); `risks` is the validated register.
    With `books`, what is booked is certain and only what is still to come is drawn.

    Raises ParamsError (naming `params_file`) if a correlation group names an unknown input.
    """
    settings = params.monte_carlo
    n = iterations if iterations is not None else settings.iterations
    inputs, cost_model_mean = _discover(params, change_requests, risks, books)
    names = [i.name for i in inputs]
    if books is not None:  # a risk whose years are booked is no input: its group keeps the others
        settings = _within(settings, names)
    problems = correlation_problems(settings, names, params_file)
    if problems:
        raise ParamsError(problems)
    groups = {
        group: ([names.index(x) for x in spec.inputs], target_matrix(len(spec.inputs), spec.rank_correlation))
        for group, spec in settings.correlations.items()
    }
    streams = [_streams(settings.seed, name) for name in names]
    risk_columns = [j for j, i in enumerate(inputs) if i.is_risk]
    years = list(params.years)
    placement = np.zeros((len(risk_columns), len(years)))  # each risk's weight per year
    for row, j in enumerate(risk_columns):
        for year, weight in inputs[j].placement:
            placement[row, years.index(year)] += weight
    lines = risk_lines(params, risks, books)
    certain = np.array([lines.certain[y] for y in years])
    base = cost_model_mean + float(certain.sum()) + lines.occurred
    # the risk inputs hold the occurred risks too (p = 1), so their means are in here once
    expected = cost_model_mean + float(certain.sum()) + sum(i.expected for i in inputs if i.is_risk)
    means = np.array([i.mean for i in inputs])

    by_year = np.empty((n, len(years)))
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
        model = cost_model_by_year(params, change_requests, resolve, books)
        chunk = by_year[start:stop]
        chunk[:] = draws[:, risk_columns] @ placement + certain
        for column, year in enumerate(years):
            chunk[:, column] += model[year]
        totals[start:stop] = chunk.sum(axis=1)
        # Moments about the known means keep the sums of squares small (no cancellation at 1e6 draws);
        # the draws are done with, so they are centred in place.
        draws -= means
        centred_total = totals[start:stop] - expected
        sum_x += draws.sum(axis=0)
        sum_xx += np.einsum("ij,ij->j", draws, draws)
        sum_xt += centred_total @ draws
    return _result(params, n, (totals, by_year), inputs, (sum_x, sum_xx, sum_xt), (expected, base, lines.pool),
                   achieved)


def _within(settings: MonteCarlo, names: Sequence[str]) -> MonteCarlo:
    """The settings with each correlation group cut to the inputs in `names` (a group left with fewer
    than two is dropped)."""
    groups = {}
    for group, spec in settings.correlations.items():
        kept = [name for name in spec.inputs if name in names]
        if len(kept) >= 2:
            groups[group] = spec.model_copy(update={"inputs": kept})
    return settings.model_copy(update={"correlations": groups})


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
    params: Params, n: int, outcomes: tuple[Draws, Draws], inputs: Sequence[UncertainInput],
    sums: tuple[Draws, Draws, Draws], deterministic: tuple[float, float, float], achieved: dict[str, float],
) -> SimulationResult:
    totals, by_year = outcomes
    expected, base, pool = deterministic
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
    percentiles = {name: float(v) for name, v in zip(levels, values, strict=True)}
    at_confidence = percentiles[percentile_name(confidence)]
    reserve = max(at_confidence - (base + pool), 0.0)
    marks = {"base": base, "budget": base + pool, "budget_with_reserve": base + pool + reserve,
             percentile_name(confidence): at_confidence}
    # at or below, allowing for rounding: a budget that equals every outcome covers them all
    coverage = pd.DataFrame([(mark, value, float(np.mean(totals <= value + abs(value) * 1e-12)))
                             for mark, value in marks.items()], columns=COVERAGE_COLUMNS)
    year_quantiles = np.quantile(by_year, [0.5, 0.8], axis=0)
    year_table = pd.DataFrame({"year": params.years, "mean_dkk": by_year.mean(axis=0),
                               "sd_dkk": by_year.std(axis=0), "p50_dkk": year_quantiles[0],
                               "p80_dkk": year_quantiles[1]}, columns=BY_YEAR_COLUMNS)
    return SimulationResult(
        iterations=n,
        seed=params.monte_carlo.seed,
        confidence=confidence,
        mean=float(totals.mean()),
        standard_deviation=float(totals.std()),
        percentiles=percentiles,
        base=base,
        pool=pool,
        expected_total=expected,
        s_curve=pd.DataFrame({"probability": probabilities, "total_dkk": np.quantile(totals, probabilities)}),
        histogram=pd.DataFrame({"bin_low_dkk": edges[:-1], "bin_high_dkk": edges[1:], "count": counts}),
        input_correlations=pd.Series(correlation, index=[i.name for i in inputs], dtype="float64"),
        achieved_rank_correlations=pd.Series(achieved, dtype="float64"),
        inputs=tuple(inputs),
        by_year=year_table,
        coverage=coverage,
    )


def montecarlo_summary(result: SimulationResult) -> pd.DataFrame:
    """`statistic, value_dkk`: mean, P50, P80, P95, base, pool, budget (base + pool) and contingency (the
    reserve: P_confidence − budget, never below nil)."""
    rows = [("mean", result.mean), ("P50", result.percentiles["P50"]), ("P80", result.percentiles["P80"]),
            ("P95", result.percentiles["P95"]), ("base", result.base), ("pool", result.pool),
            ("budget", result.budget), ("contingency", result.contingency)]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
