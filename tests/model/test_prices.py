import pandas as pd
import pytest

from kpro_econ.model.prices import MissingPriceIndexError, price_factor
from kpro_econ.params.figures import ThreePoint, pert_mean

PL = {2024: 0.04, 2025: 0.03, 2026: 0.027, 2027: 0.025, 2028: 0.025}


def test_forward_conversion_multiplies_the_changes_after_the_stated_year():
    # 2023 prices to 2026 prices: 1.04 * 1.03 * 1.027 = 1.1001224
    assert price_factor(2023, 2026, PL) == pytest.approx(1.1001224)


def test_backward_conversion_divides_by_the_changes_up_to_the_stated_year():
    # 2028 prices to 2026 prices: 1 / (1.025 * 1.025) = 1 / 1.050625
    assert price_factor(2028, 2026, PL) == pytest.approx(0.9518143961927424)


def test_same_year_is_unchanged():
    assert price_factor(2026, 2026, {}) == 1.0


def test_a_missing_year_is_an_error_not_a_zero():
    with pytest.raises(MissingPriceIndexError) as err:
        price_factor(2021, 2026, PL)
    assert err.value.year == 2022
    assert "price_index.2022" in str(err.value)


def test_pert_mean_weights_the_mode_four_times():
    assert pert_mean(1, 2, 9) == pytest.approx(3.0)  # (1 + 8 + 9) / 6
    assert ThreePoint(low=100, mode=200, high=600).mean == pytest.approx(250.0)


@pytest.mark.parametrize(("low", "mode", "high", "word"), [(3, 2, 5, "low"), (1, 6, 5, "mode")])
def test_three_point_order_is_enforced(low, mode, high, word):
    with pytest.raises(ValueError, match=f"{word} må ikke være større end"):
        ThreePoint(low=low, mode=mode, high=high)


def test_pert_mean_of_numbers_and_of_columns():
    assert pert_mean(100, 200, 600) == pytest.approx(250)  # (100 + 800 + 600) / 6
    means = pert_mean(pd.Series([0.0, 6.0]), pd.Series([3.0, 6.0]), pd.Series([6.0, 12.0]))
    assert means.tolist() == pytest.approx([3.0, 7.0])  # (0 + 12 + 6) / 6; (6 + 24 + 12) / 6
