"""The steering group's questions as costed decisions: wave 5 or bilateral, and the FUT SPOC option.

Every expectation is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from model_helpers import register as cr_register
from model_helpers import risks, small_params

from kpro_econ.model.costs import compute_cost_lines
from kpro_econ.model.decisions import (
    break_even,
    break_even_of,
    chosen_route,
    present_value,
    route_comparison,
    route_for,
    spoc_change,
    spoc_ending_by_month,
    spoc_months_after,
    spoc_with_and_without,
    wave_route_decision,
    wave_route_line,
)
from kpro_econ.params.codes import CostLineCode, KpiTrigger, WaveRoute
from kpro_econ.risk.assessment import apply_triggers, risk_cost_lines
from kpro_econ.risk.montecarlo import uncertain_inputs

# A wave: 600 fixed + 20 a municipality; bilateral: 60 a municipality, at most 20 (certain figures, 2025 prices).
ROUTES: dict[str, Any] = {
    "wave": {"fixed": 600, "per_municipality": 20},
    "bilateral": {"per_municipality": 60, "capacity": 20},
    "year": 2026,
}


def routed(**changes: Any) -> Any:
    return small_params(wave_routes={**ROUTES, **changes})


# --- break-even ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fixed", "per_wave", "per_bilateral", "capacity", "expected"), [
    (600, 20, 60, 20, 15),     # 600 + 20n <= 60n from 40n >= 600: n = 15 (900 = 900)
    (600, 20, 60, 10, 11),     # at 10 bilateral is cheaper (600 < 800), at 11 it is no longer possible
    (610, 20, 60, 20, 16),     # 40n >= 610: n = 15.25, so 16
    (1000, 50, 50, 98, None),  # a wave never catches up
    (0, 10, 20, 5, 0),         # a free wave is never dearer
])
def test_break_even_by_hand(fixed, per_wave, per_bilateral, capacity, expected):
    assert break_even(fixed, per_wave, per_bilateral, capacity) == expected


def test_break_even_of_three_point_routes_uses_their_pert_means():
    # fixed (300 + 4·600 + 1200)/6 = 650; per wave (10 + 4·20 + 30)/6 = 20; bilateral 60: 40n >= 650, n = 16.25 → 17
    params = routed(wave={"fixed": {"low": 300, "mode": 600, "high": 1200},
                          "per_municipality": {"low": 10, "mode": 20, "high": 30}})
    assert break_even_of(params) == 17


def test_the_route_follows_the_threshold_else_the_break_even():
    assert route_for(16, 15, None) == WaveRoute.WAVE5
    assert route_for(15, 15, None) == WaveRoute.WAVE5   # inclusive, as the wave-5 rule
    assert route_for(14, 15, 3) == WaveRoute.BILATERAL  # the steering group's threshold wins
    assert route_for(14, None, 12) == WaveRoute.WAVE5   # no threshold: the cheaper route
    assert route_for(3, None, None) == WaveRoute.BILATERAL


def test_the_comparison_runs_over_0_to_30_with_three_points_and_capacity():
    params = routed(wave={"fixed": {"low": 300, "mode": 600, "high": 1200}, "per_municipality": 20})
    table = route_comparison(params).set_index("not_ready")
    assert list(table.index) == list(range(31))
    # n = 0: the wave's fixed cost alone, mean 650; bilateral nothing
    assert table.loc[0, ["wave5_low", "wave5_mode", "wave5_high", "wave5_mean"]].tolist() == [300, 600, 1200, 650]
    assert table.loc[0, "bilateral_mean"] == 0 and table.loc[0, "cheaper"] == "bilateral"
    # n = 15: wave 650 + 300 = 950 > bilateral 900; n = 17: 990 <= 1020
    assert table.loc[15, ["wave5_mean", "bilateral_mean", "cheaper"]].tolist() == [950, 900, "bilateral"]
    assert table.loc[17, ["wave5_mean", "bilateral_mean", "cheaper"]].tolist() == [990, 1020, "wave5"]
    # above the capacity of 20 bilateral handling is not possible
    assert math.isnan(table.loc[21, "bilateral_mean"]) and table.loc[21, "cheaper"] == "wave5"


# --- the chosen route in the budget ----------------------------------------------------------

def test_the_count_picks_the_route_and_its_cost_enters_the_budget_in_its_year():
    # small_params has no kpi section: the route is the cheaper one (break-even 15)
    wave = wave_route_line(routed(not_ready=16))
    assert wave is not None and wave.code == CostLineCode.WAVE_ROUTE
    assert wave.amounts == {2025: 0.0, 2026: 600 + 20 * 16}
    bilateral = wave_route_line(routed(not_ready=10))
    assert bilateral is not None and bilateral.amounts == {2025: 0.0, 2026: 60 * 10}
    assert chosen_route(routed(not_ready=10)) == WaveRoute.BILATERAL
    assert wave_route_line(routed()) is None  # no count: no line
    lines = [line.code for line in compute_cost_lines(routed(not_ready=16), cr_register())]
    assert lines[-1] == CostLineCode.WAVE_ROUTE


def test_a_three_point_route_is_an_input_of_the_monte_carlo():
    # break-even 17 (mean fixed 650): at 20 not ready the wave is chosen, and its fixed cost is drawn
    params = routed(not_ready=20, wave={"fixed": {"low": 300, "mode": 600, "high": 1200}, "per_municipality": 20})
    names = [i.name for i in uncertain_inputs(params, cr_register(), None)]
    assert "wave_routes.wave.fixed" in names


def test_a_fired_wave5_rule_with_costed_routes_is_budgeted_once_in_the_route_line():
    register = risks({"id": "WAVE", "probability": 0.5, "proximity": 2025, "cost_low": 100, "cost_mode": 200,
                      "cost_high": 600})
    fired = apply_triggers(register, {"WAVE": KpiTrigger.WAVE5}, {KpiTrigger.WAVE5}, routed={KpiTrigger.WAVE5})
    assert fired["booked_in"].tolist() == [str(CostLineCode.WAVE_ROUTE)]
    pool, _, occurred = risk_cost_lines(fired, small_params())
    # out of the pool, and its own estimate (mean 250) not budgeted a second time beside the route
    assert pool.amounts == {2025: 0.0, 2026: 0.0} and occurred.amounts == {2025: 0.0, 2026: 0.0}
    assert [i.name for i in uncertain_inputs(small_params(), cr_register(), fired)] == [
        "support.renegotiation.change", "fees.infrastructure.2026"]


# --- the SPOC option -------------------------------------------------------------------------

def test_ending_honours_the_notice_and_keeps_the_months_before_it():
    # active Jul–Dec 2024 and all 2025; notice in September, one month: ends from 1 October → Jul, Aug, Sep kept
    after = spoc_months_after({2024: 6, 2025: 12}, [2024, 2025], "end", 2024, 9, 1)
    assert after == {2024: 3, 2025: 0}
    # notice in May: ends from 1 June, before the option started in July
    assert spoc_months_after({2024: 6, 2025: 12}, [2024, 2025], "end", 2024, 5, 1) == {2024: 0, 2025: 0}
    # no notice, given in January 2025: 2024 untouched
    assert spoc_months_after({2024: 6, 2025: 12}, [2024, 2025], "end", 2025, 1, 0) == {2024: 6, 2025: 0}


def test_starting_honours_the_notice():
    # notice in March 2024, one month: from 1 April → Apr–Dec = 9 months, then all of 2025
    assert spoc_months_after({}, [2024, 2025], "start", 2024, 3, 1) == {2024: 9, 2025: 12}
    # already active Jul–Dec: notice in October adds nothing in 2024
    assert spoc_months_after({2024: 6}, [2024, 2025], "start", 2024, 10, 1) == {2024: 6, 2025: 12}


def test_what_ending_the_option_saves_in_kroner():
    # small_params: 10,000 a month (2025 prices, the model's), active 6 months of 2025, notice 1 month
    change = spoc_change(small_params(), "end", 2025, 8).set_index("year")
    # notice in August: ends from 1 September, Jul and Aug kept: 2 − 6 = −4 months = −40,000
    assert change["change_dkk"].to_dict() == {2025: -40_000.0, 2026: 0.0}
    # no books: every month of the decision year 2025 can still be chosen
    by_month = spoc_ending_by_month(small_params()).set_index("notice")
    assert by_month.index.tolist() == [f"2025-{m:02d}" for m in range(1, 13)]
    assert by_month.loc["2025-01", "saving_dkk"] == 60_000      # before July: the whole 6 months
    assert by_month.loc["2025-08", "saving_dkk"] == 40_000
    assert by_month.loc["2025-12", ["effective", "saving_dkk"]].tolist() == ["2026-01", 0.0]


def test_the_option_with_and_without():
    table = spoc_with_and_without(small_params()).set_index("year")
    assert table["with_dkk"].to_dict() == {2025: 60_000.0, 2026: 0.0}
    assert table["without_dkk"].to_dict() == {2025: 0.0, 2026: 0.0}


# --- in the reports --------------------------------------------------------------------------

def test_the_kpi_report_states_the_break_even_the_threshold_and_the_route():
    from kpro_econ.report.decisions import wave_route_text

    # no kpi section: break-even 15 decides; 16 not ready → a wave: 600 + 20 · 16 = 920 kr. in 2026,
    # bilateral 60 · 16 = 960 kr.; nothing in the log, so it is recommended, due by 1 January 2026
    text = wave_route_text(routed(not_ready=16))
    assert text.startswith("Ved **15** kommuner eller flere, der ikke er klar, er en bølge 5 billigst")
    assert text.endswith(
        "Vejen er ikke besluttet. **Indstilling**: **bølge 5** for 16 kommuner, der ikke er klar (bølge 5 920 kr.; "
        "bilateralt 960 kr.); budgettet 2026 bærer den indstillede vej, markeret **indstillet**. "
        "Frist: 1. jan. 2026.")
    decided = wave_route_text(small_params(wave_routes={**ROUTES, "not_ready": 16}, decisions=[DECIDED_BILATERAL]))
    assert decided.endswith("Vejen er besluttet 20. sep. 2025 (Forretningsstyregruppen, pkt. 4): **bilateralt** for "
                            "16 kommuner, i budgettet 2026 med 960 kr.")


def test_a_count_from_after_the_deadline_is_flagged():
    from kpro_econ.report.decisions import wave_route_text

    params = routed(not_ready=16, deadline="2025-03-31")
    assert "**Bemærk:** optællingen er fra udtrækket for juni 2025, efter fristen 31. mar. 2025" in wave_route_text(
        params, pd.Timestamp("2025-06-01"))
    assert "Bemærk" not in wave_route_text(params, pd.Timestamp("2025-03-01"))  # the count the decision had


# --- decided or recommended, and only what is still to come ----------------------------------

DECIDED_BILATERAL = {"date": "2025-09-20", "body": "Forretningsstyregruppen", "item": "pkt. 4",
                     "decided": "Kommuner, der ikke er klar, håndteres bilateralt", "source": "Referat 20.9.2025",
                     "option": "wave_route", "choice": "bilateral"}


def test_the_log_settles_the_route_else_the_rule_recommends_it():
    # 16 not ready: the rule (break-even 15) recommends a wave, 600 + 20 · 16 = 920; the log says bilateral
    recommended = wave_route_decision(routed(not_ready=16)).iloc[0]
    assert (recommended["route"], bool(recommended["decided"])) == ("wave5", False)
    assert (recommended["wave5_dkk"], recommended["bilateral_dkk"]) == (920, 960)
    assert recommended["deadline"] == pd.Timestamp("2026-01-01")  # no deadline: the start of the route's year
    decided_params = small_params(wave_routes={**ROUTES, "not_ready": 16}, decisions=[DECIDED_BILATERAL])
    decided = wave_route_decision(decided_params).iloc[0]
    assert (decided["route"], bool(decided["decided"]), decided["decided_on"]) == (
        "bilateral", True, pd.Timestamp("2025-09-20"))
    line = wave_route_line(decided_params)
    assert line is not None and line.amounts == {2025: 0.0, 2026: 60 * 16}


def test_a_decision_names_option_and_choice_together():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="option og choice angives sammen"):
        small_params(decisions=[{**DECIDED_BILATERAL, "choice": None}])


def test_present_value_counts_from_the_decision_year():
    # 2024 is spent; 105 in 2026 is worth 100 in 2025 at 5 %
    assert present_value({2024: 1_000.0, 2025: 100.0, 2026: 105.0}, 0.05, 2025) == pytest.approx(200.0)


def test_the_option_offers_only_months_still_open_and_counts_what_is_still_to_come():
    # as of 31 August 2025: September is the first month notice can be given. The option runs Jul–Dec 2025
    # (6 months) and all 2026 here, 10,000 a month in 2025 prices; discount 5 % to 2025.
    params = small_params(actuals={"register": "actuals.csv", "as_of": "2025-08-31"},
                          support={"base_price": {"value": 400_000, "price_year": 2024},
                                   "spoc_option": {"monthly_price": 10_000, "months_active": {2025: 6, 2026: 12}}})
    table = spoc_ending_by_month(params).set_index("notice")
    assert table.index.tolist() == [*(f"2025-{m:02d}" for m in range(9, 13)), *(f"2026-{m:02d}" for m in range(1, 9))]
    # notice in September: ends from October, Oct–Dec 2025 (30,000) and all 2026 (120,000) saved
    assert table.loc["2025-09", "saving_dkk"] == pytest.approx(150_000)
    assert table.loc["2025-09", "saving_npv_dkk"] == pytest.approx(30_000 + 120_000 / 1.05)
    # notice in March 2026: ends from April, Apr–Dec 2026 saved
    assert table.loc["2026-03", "saving_dkk"] == pytest.approx(90_000)
    # with and without: only what is still to come, Sep–Dec 2025 of the option's Jul–Dec = 4 months
    with_without = spoc_with_and_without(params).set_index("year")
    assert with_without["months_active"].to_dict() == {2025: 4, 2026: 12}
    assert with_without["with_dkk"].to_dict() == pytest.approx({2025: 40_000, 2026: 120_000})
