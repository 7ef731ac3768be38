"""Every chart's alt text says what it shows (counts, the largest series, the trend), not only its title:
each from a small hand-made frame, its expected text worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpro_econ.params.models import RiskSettings
from kpro_econ.report import budget as budget_report
from kpro_econ.report import kpi_charts as kc
from kpro_econ.report import risk_charts as rc
from kpro_econ.report.charts import danish_and, sentences
from kpro_econ.report.decisions import route_chart_summary
from kpro_econ.risk.montecarlo import SimulationResult

BANDS = RiskSettings().bands  # lav 1–4, middel 5–9, høj 10–14, kritisk 15–25
JAN, FEB, MAR = (pd.Timestamp(f"2025-0{m}-01") for m in (1, 2, 3))


def alt(fig: object) -> str:
    return fig.alt_text()  # type: ignore[attr-defined, no-any-return]


def test_danish_lists_and_sentences() -> None:
    assert danish_and([]) == "" and danish_and(["a"]) == "a"
    assert danish_and(["a", "b", "c"]) == "a, b og c"
    # an amount ends its sentence with the abbreviation's full stop, not two
    assert sentences("I alt 1,2 mio. kr.", "", "Størst i 2025") == "I alt 1,2 mio. kr. Størst i 2025."


# --- KPI charts --------------------------------------------------------------------------------

def test_availability_names_the_months_below_target_and_the_lowest() -> None:
    frame = pd.DataFrame({"month": [JAN, FEB, MAR], "availability": [0.999, 0.993, 0.9995],
                          "downtime_minutes": [0.0, 0.0, 0.0], "target": [0.995] * 3,
                          "meets_target": [True, False, True]})
    assert alt(kc.availability_chart(frame)) == (
        "Diagram: Driftsstabilitet: tilgængelighed pr. måned. Målet på 99,5 % er nået i 2 af 3 måneder; "
        "under målet i februar 2025. Lavest 99,30 % i februar 2025.")


def test_response_times_give_both_trends_and_the_months_on_target() -> None:
    frame = pd.DataFrame({"month": [JAN, FEB, MAR], "median_ms": [500.0, 450.0, 400.0],
                          "p95_ms": [1500.0, 1600.0, 2600.0], "median_target_ms": [800.0] * 3,
                          "p95_target_ms": [2500.0] * 3,
                          "meets_target": pd.array([True, True, False], dtype="boolean")})
    assert alt(kc.response_time_chart(frame)) == (
        "Diagram: Svartider pr. måned. Median fra 500 ms i januar 2025 til 400 ms i marts 2025 (faldende); "
        "95 %-fraktil fra 1.500 ms i januar 2025 til 2.600 ms i marts 2025 (stigende). "
        "Målene (median 800 ms, 95 %-fraktil 2.500 ms) er nået i 2 af 3 måneder.")


def test_support_by_channel_counts_each_channel_the_largest_first() -> None:
    frame = pd.DataFrame({"month": [JAN, JAN, FEB, FEB], "channel": ["borger", "medarbejder"] * 2,
                          "requests": [10, 30, 20, 40]})
    # 40 in January, 60 in February; staff 30 + 40 = 70, citizens 10 + 20 = 30
    assert alt(kc.support_channel_chart(frame)) == (
        "Diagram: Supporthenvendelser pr. måned fordelt på kanal. I alt 100 henvendelser over 2 måneder: "
        "40 i januar 2025 og 60 i februar 2025 (stigende). Efter kanal: Medarbejdere 70 og Borgere 30.")


def test_support_by_category_of_one_month_counts_the_others_together() -> None:
    requests = [100, 90, 80, 70, 60, 50, 40, 30, 2, 1]
    frame = pd.DataFrame({"month": [JAN] * 10, "category": [f"k{i}" for i in range(10)], "requests": requests})
    # the 8 largest by name, k8 and k9 (2 + 1) as one; 523 in all
    assert alt(kc.support_category_chart(frame)) == (
        "Diagram: Supporthenvendelser pr. måned fordelt på kategori. I alt 523 henvendelser i januar 2025. "
        "Efter kategori: k0 100, k1 90, k2 80, k3 70, k4 60, k5 50, k6 40, k7 30 og Øvrige kategorier (2) 3.")


def test_errors_count_each_severity() -> None:
    frame = pd.DataFrame({"month": [JAN, JAN, JAN, FEB, FEB], "severity": ["kritisk", "høj", "lav", "høj", "lav"],
                          "errors": [1, 2, 5, 1, 3]})
    # 8 in January, 4 in February; lav 8, høj 3, kritisk 1
    assert alt(kc.errors_chart(frame)) == (
        "Diagram: Registrerede fejl pr. måned fordelt på alvorlighed. I alt 12 registrerede fejl over 2 måneder: "
        "8 i januar 2025 og 4 i februar 2025 (faldende). Efter alvorlighed: Lav 8, Høj 3 og Kritisk 1.")


def test_live_against_plan_says_the_last_month_in_all_and_by_wave() -> None:
    frame = pd.DataFrame({"month": [JAN, JAN, FEB, FEB], "wave": [1, 4, 1, 4], "municipalities": [12, 49, 12, 49],
                          "planned_live": [12, 30, 12, 40], "live": [12, 20, 12, 30], "behind_plan": [0, 10, 0, 10]})
    assert alt(kc.live_against_plan_chart(frame)) == (
        "Diagram: Kommuner i drift mod plan, pr. bølge. I februar 2025 er 42 af 61 kommuner i drift mod "
        "52 planlagt; bølge 1: 12 af 12 i drift, 12 planlagt; bølge 4: 30 af 49 i drift, 40 planlagt.")


def test_adoption_gives_both_series_first_to_last() -> None:
    frame = pd.DataFrame({"month": [JAN, FEB], "live_municipalities": [50, 60], "staff_with_access": [200, 200],
                          "active_citizens": [1000, 1500]})
    assert alt(kc.adoption_chart(frame)) == (
        "Diagram: Aktive borgere og medarbejdere med adgang pr. måned. Aktive borgere fra 1.000 i januar 2025 "
        "til 1.500 i februar 2025 (stigende); medarbejdere med adgang fra 200 i januar 2025 til 200 i "
        "februar 2025 (uændret).")


def test_per_1000_names_the_highest_and_lowest_and_each_regions_median() -> None:
    frame = pd.DataFrame({"name": ["A", "B", "C", "D"], "region": ["R1", "R1", "R2", "R2"],
                          "active_per_1000": [2.0, 4.0, 1.0, math.nan]})
    # D has no inhabitants counted: not shown; medians R1 (2 + 4) / 2 = 3, R2 1
    assert alt(kc.per_1000_chart(frame)) == (
        "Diagram: Aktive borgere pr. 1.000 indbyggere – hver prik er en kommune. Højest B (R1) med 4,0 og "
        "lavest C (R2) med 1,0 af 3 kommuner. Median pr. region: R1 3,0; R2 1,0.")


def test_change_requests_are_counted_by_status_and_priority() -> None:
    frame = pd.DataFrame({"priority": ["høj", "høj", "lav", "lav"],
                          "status": ["proposed", "delivered", "approved", "rejected"], "count": [1, 2, 3, 0]})
    assert alt(kc.change_request_chart(frame)) == (
        "Diagram: Ændringsønsker efter prioritet og status. I alt 6 ændringsønsker. Efter status: Foreslået 1, "
        "Godkendt 3 og Leveret 2. Efter prioritet: Høj 3 og Lav 3.")


def test_estimates_count_over_and_under_and_name_the_largest_difference() -> None:
    frame = pd.DataFrame({"id": ["A", "B", "C"], "estimate_low": [80_000.0] * 3,
                          "estimate_high": [200_000.0] * 3, "pert_mean": [100_000.0] * 3,
                          "actual_cost": [110_000.0, 70_000.0, math.nan],
                          "difference_dkk": [10_000.0, -30_000.0, math.nan],
                          "within_range": pd.array([True, False, None], dtype="boolean")})
    assert alt(kc.estimates_chart(frame)) == (
        "Diagram: Leverede ændringsønsker: estimat og faktisk udgift. Af 2 leverede ændringsønsker med en faktisk "
        "udgift kostede 1 mere og 1 mindre end PERT-middel; 1 lå inden for estimatet. Største afvigelse: B, "
        "30.000 kr. under PERT-middel.")


# --- risk charts -------------------------------------------------------------------------------

def _register() -> pd.DataFrame:
    # before: R1 5 × 5 = 25 kritisk, R2 4 × 3 = 12 høj, R3 1 × 2 = 2 lav, R5 2 × 3 = 6 middel;
    # after: R1 3 × 3 = 9 middel, R2 2 × 2 = 4 lav, R3 1 × 1 = 1 lav, R5 2 × 2 = 4 lav; R4 is closed
    return pd.DataFrame({
        "id": ["R1", "R2", "R3", "R4", "R5"], "title": ["Nedbrud", "Forsinkelse", "Små fejl", "Lukket", "Pris"],
        "status": ["open", "open", "open", "closed", "open"],
        "likelihood_inherent": [5, 4, 1, 5, 2], "impact_inherent": [5, 3, 2, 5, 3],
        "likelihood_residual": [3, 2, 1, 5, 2], "impact_residual": [3, 2, 1, 5, 2],
        "expected_value_dkk": [300_000.0, 500_000.0, 100_000.0, 900_000.0, 200_000.0],
        "band_residual": ["middel", "lav", "lav", "kritisk", "lav"],
    })


def test_the_risk_reports_heat_maps_name_the_risks_in_each_band_before_and_after() -> None:
    assert alt(rc.heat_maps(_register(), BANDS)) == (
        "Diagram: Åbne risici efter sandsynlighed og konsekvens. "
        "Før tiltag – Kritisk: R1; Høj: R2; Middel: R5; Lav: R3. "
        "Efter tiltag – Kritisk: ingen; Høj: ingen; Middel: R1; Lav: R2, R3, R5.")


def test_top_risks_name_the_three_largest_and_the_sum_shown() -> None:
    # open: R2 500.000, R1 300.000, R5 200.000, R3 100.000 (R4 closed): 1.100.000 in all
    assert alt(rc.top_risks(_register(), BANDS)) == (
        "Diagram: De 4 største åbne risici efter forventet værdi. Størst: R2 Forsinkelse med 500.000 kr., "
        "R1 Nedbrud med 300.000 kr. og R5 Pris med 200.000 kr. De 4 viste risici har i alt en forventet værdi "
        "på 1.100.000 kr.")


def _simulation() -> SimulationResult:
    # base 10,0 mio. kr. and a pool of 0,3: the budget 10,3; P80 10,6, so the reserve is 0,3
    return SimulationResult(
        iterations=100, seed=1, confidence=0.8, mean=10_300_000.0, standard_deviation=1.0,
        percentiles={"P50": 10_200_000.0, "P80": 10_600_000.0, "P95": 11_000_000.0},
        base=10_000_000.0, pool=300_000.0, expected_total=10_300_000.0,
        s_curve=pd.DataFrame({"probability": [0.0, 0.5, 1.0], "total_dkk": [9_800_000.0, 10_200_000.0, 11_200_000.0]}),
        histogram=pd.DataFrame({"bin_low_dkk": [9_800_000.0, 10_000_000.0, 10_200_000.0, 10_400_000.0],
                                "bin_high_dkk": [10_000_000.0, 10_200_000.0, 10_400_000.0, 11_200_000.0],
                                "count": [5, 40, 30, 25]}),
        input_correlations=pd.Series(dtype=float), achieved_rank_correlations=pd.Series(dtype=float), inputs=(),
        by_year=pd.DataFrame(),
        coverage=pd.DataFrame({"mark": ["base", "budget", "budget_with_reserve", "P80"],
                               "value_dkk": [10_000_000.0, 10_300_000.0, 10_600_000.0, 10_600_000.0],
                               "share": [0.1, 0.55, 0.8, 0.8]}),
    )


def test_the_s_curve_gives_the_percentiles_and_what_each_budget_covers() -> None:
    assert alt(rc.s_curve(_simulation())) == (
        "Diagram: S-kurve for de samlede udgifter inkl. risici. P50 10,2 mio. kr., P80 10,6 mio. kr. og P95 "
        "11,0 mio. kr. Af de simulerede udfald dækker basisbudgettet (10,0 mio. kr.) 10 %, budgettet med "
        "risikopulje (10,3 mio. kr.) 55 % og budgettet med pulje og reserve (10,6 mio. kr.) 80 %.")


def test_the_histogram_gives_the_range_the_peak_and_the_marks() -> None:
    # the fullest bin, 40 outcomes, is 10,0–10,2 mio. kr.: around 10,1
    assert alt(rc.histogram(_simulation())) == (
        "Diagram: Fordeling af de samlede udgifter (100 simulerede udfald). Udfaldene går fra 9,8 mio. kr. til "
        "11,2 mio. kr., flest omkring 10,1 mio. kr. Basisbudget 10,0 mio. kr., budget med risikopulje 10,3 mio. "
        "kr., P80 10,6 mio. kr.; reserve 0,3 mio. kr.")


def test_the_tornado_names_the_three_inputs_that_swing_the_total_most() -> None:
    sensitivity = pd.DataFrame({
        "input": ["risk.R3", "fees.solution", "risk.R1", "risk.R2"],
        "title": ["Små fejl", "", "Nedbrud", "Forsinkelse"],
        "low_total_dkk": [9_990_000.0, 9_500_000.0, 9_900_000.0, 9_960_000.0],
        "high_total_dkk": [10_090_000.0, 10_500_000.0, 10_400_000.0, 10_260_000.0],
        "swing_dkk": [100_000.0, 1_000_000.0, 500_000.0, 300_000.0],
    })
    assert alt(rc.tornado(sensitivity, 10_000_000.0)) == (
        "Diagram: Følsomhed: de 4 input, der flytter totalen mest. Flytter totalen mest, omkring den forventede "
        "total på 10,0 mio. kr.: Vederlag for løsningen fra 9,5 til 10,5 mio. kr., Risiko R1: Nedbrud fra 9,9 "
        "til 10,4 mio. kr. og Risiko R2: Forsinkelse fra 10,0 til 10,3 mio. kr.")


# --- budget and the wave 5 decision -------------------------------------------------------------

def test_the_budget_years_give_the_totals_and_the_year_furthest_from_budget() -> None:
    totals = pd.DataFrame({"budget_dkk": [1_000_000.0, 2_000_000.0, 3_000_000.0],
                           "actual_dkk": [1_100_000.0, 500_000.0, 0.0],
                           "forecast_dkk": [1_100_000.0, 1_750_000.0, 3_000_000.0]}, index=[2024, 2025, 2026])
    # forecast − budget: +100.000, −250.000, 0: 2025 is furthest
    assert budget_report.years_summary(totals) == (
        "Samlet 2024–2026: budget 6,0 mio. kr., forventet regnskab 5,8 mio. kr., heraf bogført 1,6 mio. kr. "
        "Størst afvigelse i 2025: forventet regnskab 250.000 kr. under budgettet.")
    even = totals.assign(forecast_dkk=totals["budget_dkk"] + 0.4)  # rounding noise: no deviation
    assert budget_report.years_summary(even.loc[[2026]]) == (
        "Samlet 2026: budget 3,0 mio. kr., forventet regnskab 3,0 mio. kr., heraf bogført 0,0 mio. kr. "
        "Forventet regnskab følger budgettet i alle år.")


def _routes() -> pd.DataFrame:
    # bilateral up to capacity 2; cheaper from 2 municipalities on is wave 5
    return pd.DataFrame({"not_ready": [0, 1, 2, 3], "wave5_mean": [400_000.0, 450_000.0, 500_000.0, 550_000.0],
                         "bilateral_mean": [0.0, 100_000.0, 600_000.0, math.nan],
                         "cheaper": ["bilateral", "bilateral", "wave5", "wave5"]})


@pytest.mark.parametrize(("not_ready", "said"), [
    (1, " Ved 1 kommune, der ikke er klar nu: bølge 5 0,45 mio. kr., bilateralt 0,10 mio. kr."),
    (3, " Ved 3 kommuner, der ikke er klar nu: bølge 5 0,55 mio. kr., bilateralt ikke muligt (over kapaciteten)."),
    (None, ""),
])
def test_the_wave_route_chart_says_where_each_route_is_cheaper(not_ready: int | None, said: str) -> None:
    assert route_chart_summary(_routes(), not_ready) == (
        "Bilateralt er billigst op til 1 kommune, bølge 5 fra 2 (PERT-middel). Bilateralt er kun muligt op til "
        "2 kommuner." + said)
    all_bilateral = _routes().iloc[:2]
    assert route_chart_summary(all_bilateral, None) == (
        "Bilateralt er billigst i hele intervallet 0–1 kommuner (PERT-middel).")
