"""Fixed prices: convert an amount stated in one year's prices to the model's price level."""

from __future__ import annotations

import math
from collections.abc import Mapping

from kpro_econ.errors import KproError


class MissingPriceIndexError(KproError):
    """A price conversion needs a year's price change that the params do not give."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"price_index.{year}: needed to convert prices, but missing")


def price_factor(from_year: int, to_year: int, changes: Mapping[int, float]) -> float:
    """Factor that takes an amount in `from_year` prices to `to_year` prices.

    `changes[y]` is the change from y-1 to y. Forward, the factor is the product of (1 + g) over
    the years after `from_year` up to `to_year`; backward, the inverse of the same product.
    A missing change is an error, never a silent zero.
    """
    low, high = sorted((from_year, to_year))
    steps = []
    for year in range(low + 1, high + 1):
        if year not in changes:
            raise MissingPriceIndexError(year)
        steps.append(1 + changes[year])
    product = math.prod(steps)
    return product if from_year <= to_year else 1 / product


def years_needed(from_year: int, to_year: int) -> range:
    """The years whose price change a conversion between the two years needs."""
    low, high = sorted((from_year, to_year))
    return range(low + 1, high + 1)
