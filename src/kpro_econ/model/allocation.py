"""Allocation of each year's total to the municipalities, in whole kroner that add up exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpro_econ.params.models import Allocation

ALLOCATION_COLUMNS = [
    "year", "municipality_code", "municipality", "region", "citizens", "weight", "share", "amount_dkk"
]


def allocation_weights(municipalities: pd.DataFrame, key: str, kombit_threshold: int = 150_000) -> pd.Series:
    """Each municipality's weight under the key, indexed like `municipalities`.

    `kombit` is KOMBIT's infrastructure price model: citizens up to the threshold count in full,
    citizens above it count half.
    """
    citizens = municipalities["citizens"].astype(float)
    if key == "population":
        return citizens
    if key == "equal":
        return pd.Series(1.0, index=municipalities.index)
    if key == "kombit":
        return citizens.clip(upper=kombit_threshold) + 0.5 * (citizens - kombit_threshold).clip(lower=0)
    raise ValueError(f"unknown allocation key {key!r}")


def round_half_up(amount: float) -> int:
    """Kroner rounded the way a controller rounds: .5 goes up (not to the even number)."""
    return int(np.floor(amount + 0.5))


def split_largest_remainder(total: int, weights: pd.Series) -> pd.Series:
    """`total` whole kroner split in proportion to `weights`, summing exactly to `total`.

    Each gets the floor of its quota; the kroner left over go one each to the largest remainders
    (ties go to the earlier row, so the result is deterministic).
    """
    quotas = total * weights / weights.sum()
    floors = np.floor(quotas)
    left_over = int(total - floors.sum())
    remainders = (quotas - floors).to_numpy()
    order = np.argsort(-remainders, kind="stable")[:left_over]
    extra = np.zeros(len(weights))
    extra[order] = 1
    return pd.Series((floors.to_numpy() + extra).astype(np.int64), index=weights.index)


def payers_in_year(municipalities: pd.DataFrame, payers: str, year: int) -> pd.DataFrame:
    """All municipalities, or with `live` those whose go-live date falls in or before `year`."""
    if payers == "all":
        return municipalities
    go_live = pd.to_datetime(municipalities["go_live_date"])
    return municipalities[go_live.dt.year <= year]


def allocate(totals: pd.Series, municipalities: pd.DataFrame, allocation: Allocation) -> pd.DataFrame:
    """Each year's total (a Series indexed by year) split over the paying municipalities.

    A year with no paying municipality gets no rows: its cost is shown as not allocated.
    """
    frames = []
    for year, total in zip(totals.index.astype(int), totals.to_numpy(dtype=float), strict=True):
        payers = payers_in_year(municipalities, allocation.payers, year)
        if payers.empty:
            continue
        weights = allocation_weights(payers, allocation.key, allocation.kombit_threshold)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "municipality_code": payers["code"],
                    "municipality": payers["name"],
                    "region": payers["region"],
                    "citizens": payers["citizens"],
                    "weight": weights,
                    "share": weights / weights.sum(),
                    "amount_dkk": split_largest_remainder(round_half_up(total), weights),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=ALLOCATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ALLOCATION_COLUMNS]
