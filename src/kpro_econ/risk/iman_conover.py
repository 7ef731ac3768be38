"""Rank correlation between simulated inputs by Iman–Conover (1982), and checks of the groups.

Iman–Conover reorders each column of a sample so that the columns get a target rank correlation,
leaving every column's values (its marginal distribution) exactly as drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kpro_econ.errors import Problem
from kpro_econ.params.models import MonteCarlo

Matrix = NDArray[np.float64]

_NOT_AN_INPUT = ("not an uncertain input of the model (a three-point figure with low < high, e.g. "
                 "fees.solution or change_requests.<id>, or an open risk, risk.<id>)")
_EDGE = 1e-9  # a correlation of exactly ±1 (or the lowest possible) has no Cholesky factor


def target_matrix(size: int, rank_correlation: float) -> Matrix:
    """The `size` × `size` correlation matrix with `rank_correlation` between every pair."""
    lowest = -1 / (size - 1) if size > 1 else -1.0
    rho = min(max(rank_correlation, lowest + _EDGE), 1 - _EDGE)
    matrix = np.full((size, size), rho)
    np.fill_diagonal(matrix, 1.0)
    return matrix


def iman_conover(samples: Matrix, target: Matrix) -> Matrix:
    """`samples` (n × k) with each column reordered so the rank correlation is close to `target`.

    Van der Waerden scores Φ⁻¹(i / (n + 1)) are laid out in each column's own order (the columns
    are independent draws, so that is a random permutation); the scores' actual correlation E is
    undone and the target C imposed by T = S (P F⁻¹)ᵀ with E = F Fᵀ and C = P Pᵀ (Cholesky); each
    column of the samples is then sorted into the rank order of the matching column of T.
    """
    n = samples.shape[0]
    from scipy.special import ndtri  # the normal quantile; imported here, as scipy is slow to import

    scores = ndtri(np.arange(1, n + 1) / (n + 1))
    laid_out = scores[_ranks(samples)]
    actual = np.corrcoef(laid_out, rowvar=False)
    transform = np.linalg.cholesky(target) @ np.linalg.inv(np.linalg.cholesky(actual))
    targets = laid_out @ transform.T
    return np.take_along_axis(np.sort(samples, axis=0), _ranks(targets), axis=0)


def mean_rank_correlation(samples: Matrix) -> float:
    """Mean Spearman correlation over every pair of columns, tied values sharing their mean rank.

    A risk that does not occur in most iterations is a column of tied zeros; no reordering can give
    it the full target correlation, and this measure says how much it got.
    """
    # scipy.stats takes most of a second to import: only a simulation with correlations needs it.
    from scipy.stats import rankdata

    ranks = rankdata(samples, method="average", axis=0)
    correlation = np.corrcoef(ranks, rowvar=False)
    k = samples.shape[1]
    return float((correlation.sum() - k) / (k * (k - 1)))


def _ranks(samples: Matrix) -> NDArray[np.intp]:
    """0-based rank of every value within its column: the inverse of the sorting permutation
    (one sort, not the two of argsort(argsort(...)))."""
    order = np.argsort(samples, axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(samples.shape[0])[:, np.newaxis], axis=0)
    return ranks


def correlation_problems(settings: MonteCarlo, input_names: Sequence[str], file: str) -> list[Problem]:
    """Problems with `monte_carlo.correlations`: unknown inputs, an input in two groups or twice in
    one, and a negative correlation no group of that size can have (below −1 / (k − 1))."""
    known = set(input_names)
    group_of: dict[str, str] = {}
    problems: list[Problem] = []
    for group, spec in settings.correlations.items():
        field = f"monte_carlo.correlations.{group}"
        for name in spec.inputs:
            if name not in known:
                problems.append(Problem(file, f"{field}.inputs", _NOT_AN_INPUT, name))
            elif name in group_of:
                other = group_of[name]
                where = "twice in this group" if other == group else f"also in group {other!r}"
                message = f"{where}; an input can be in one group only"
                problems.append(Problem(file, f"{field}.inputs", message, name))
            group_of.setdefault(name, group)
        k = len(spec.inputs)
        if spec.rank_correlation < -1 / (k - 1):
            problems.append(Problem(
                file, f"{field}.rank_correlation",
                f"{k} inputs cannot all have a correlation below {-1 / (k - 1):.3g} with each other",
                spec.rank_correlation))
    return problems
