import numpy as np
import pandas as pd
import pytest

from kpro_econ.model.allocation import allocate, allocation_weights, round_half_up, split_largest_remainder
from kpro_econ.params.models import Allocation

MUNICIPALITIES = pd.DataFrame({
    "code": [101, 147, 151],
    "name": ["A", "B", "C"],
    "region": ["Region Hovedstaden"] * 3,
    "citizens": [100_000, 200_000, 50_000],
    "go_live_date": pd.to_datetime(["2024-05-01", "2026-01-01", None]),
})


def test_population_key_is_citizens():
    assert allocation_weights(MUNICIPALITIES, "population").tolist() == [100_000, 200_000, 50_000]


def test_equal_key_is_one_each():
    assert allocation_weights(MUNICIPALITIES, "equal").tolist() == [1, 1, 1]


def test_kombit_key_counts_citizens_above_the_threshold_half():
    # 200,000 citizens: 150,000 + 0.5 * 50,000 = 175,000
    assert allocation_weights(MUNICIPALITIES, "kombit").tolist() == [100_000, 175_000, 50_000]


def test_largest_remainder_gives_left_over_kroner_to_largest_remainders():
    # quotas 5.5, 3.0, 1.5 → floors 5, 3, 1 → one krone left; the tie goes to the first
    got = split_largest_remainder(10, pd.Series([0.55, 0.30, 0.15]))
    assert got.tolist() == [6, 3, 1]
    assert split_largest_remainder(100, pd.Series([1.0, 1.0, 1.0])).tolist() == [34, 33, 33]


def test_largest_remainder_always_adds_up_exactly():
    rng = np.random.default_rng(1)
    for _ in range(200):
        weights = pd.Series(rng.uniform(0.1, 1000, size=98))
        total = int(rng.integers(0, 50_000_000))
        assert split_largest_remainder(total, weights).sum() == total


def test_round_half_up():
    assert [round_half_up(x) for x in (2.5, 3.5, 2.49, 0.5)] == [3, 4, 2, 1]


def test_allocate_all_payers_sums_to_the_rounded_total():
    totals = pd.Series({2025: 1000.5, 2026: 999.4})
    result = allocate(totals, MUNICIPALITIES, Allocation(key="population", municipalities="m.csv"))
    assert result.groupby("year")["amount_dkk"].sum().to_dict() == {2025: 1001, 2026: 999}
    in_2025 = result[result["year"] == 2025]
    # shares 100/350, 200/350, 50/350 of 1001 = 286, 572, 143
    assert in_2025["amount_dkk"].tolist() == [286, 572, 143]
    assert in_2025["share"].sum() == pytest.approx(1.0)


def test_live_payers_are_those_live_by_the_year():
    totals = pd.Series({2025: 900.0, 2026: 900.0})
    result = allocate(totals, MUNICIPALITIES, Allocation(key="equal", payers="live", municipalities="m.csv"))
    assert result[result["year"] == 2025]["municipality"].tolist() == ["A"]
    assert result[result["year"] == 2026]["amount_dkk"].tolist() == [450, 450]


def test_each_row_shows_the_citizens_its_weight_comes_from():
    # KOMBIT's key at a threshold of 150,000: B's 200,000 citizens weigh 150,000 + 50,000 / 2 = 175,000
    totals = pd.Series({2025: 1000.0})
    allocation = Allocation(key="kombit", kombit_threshold=150_000, municipalities="m.csv")
    result = allocate(totals, MUNICIPALITIES, allocation)
    assert result["citizens"].tolist() == [100_000, 200_000, 50_000]
    assert result["weight"].tolist() == [100_000, 175_000, 50_000]
