"""Rank correlation between simulated inputs by Iman–Conover (1982), and checks of the groups.

Iman–Conover reorders each column of a sample so that the columns get a target rank correlation,
leaving every column's values (its marginal distribution) exactly as drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kpro_econ.errors import Problem, suggestion
from kpro_econ.params.models import MonteCarlo

Matrix = NDArray[np.float64]

_NOT_AN_INPUT = ("ikke et usikkert input i modellen (et trepunktsestimat med low < high, fx "
                 "fees.solution eller change_requests.<id>, eller en åben risiko, risk.<id>)")
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


def _meant(name: str, input_names: Sequence[str]) -> str:
    """"mente du …?" for a misspelt figure; not for a register id, where a near one (R14, R04) is
    another risk or request, not a spelling of it."""
    if name.startswith(_REGISTER_PREFIXES):
        return ""
    return suggestion(name, [n for n in input_names if not n.startswith(_REGISTER_PREFIXES)])


_REGISTER_PREFIXES = ("risk.", "change_requests.")


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
                problems.append(Problem(file, f"{field}.inputs", _NOT_AN_INPUT + _meant(name, input_names), name))
            elif name in group_of:
                other = group_of[name]
                where = "to gange i denne gruppe" if other == group else f"også i gruppen {other!r}"
                message = f"{where}; et input kan kun være i én gruppe"
                problems.append(Problem(file, f"{field}.inputs", message, name))
            group_of.setdefault(name, group)
        k = len(spec.inputs)
        if spec.rank_correlation < -1 / (k - 1):
            problems.append(Problem(
                file, f"{field}.rank_correlation",
                f"{k} input kan ikke alle have en korrelation under {-1 / (k - 1):.3g} med hinanden",
                spec.rank_correlation))
    return problems
