"""The KPIs on small hand-made inputs; every expectation is worked out by hand in the comments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from kpro_econ.inputs import kpi_registers as kpi_inputs
from kpro_econ.kpi import measures as kpi

OPS_COLUMNS = ["month", "measure", "channel", "category", "severity", "value"]
ADOPTION_COLUMNS = ["month", "code", "wave", "planned_go_live", "actual_go_live", "staff_with_access",
                    "active_citizens"]


def operations(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Validated operations from rows written as a controller would (strings, None where blank)."""
    cells = [[None if v is None else str(v) for v in row] for row in rows]
    return kpi_inputs.operations(pd.DataFrame(cells, columns=OPS_COLUMNS, dtype=object), "operations.csv")


def adoption(*rows: tuple[Any, ...]) -> pd.DataFrame:
    cells = [[None if v is None else str(v) for v in row] for row in rows]
    return kpi_inputs.adoption(pd.DataFrame(cells, columns=ADOPTION_COLUMNS, dtype=object), "adoption.csv")


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


# --- operations ------------------------------------------------------------------------------

def test_minutes_in_month():
    assert kpi.minutes_in_month(month("2024-01")) == 31 * 1440 == 44_640
    assert kpi.minutes_in_month(month("2024-02")) == 29 * 1440 == 41_760  # leap year
    assert kpi.minutes_in_month(month("2025-02")) == 28 * 1440 == 40_320
    assert kpi.minutes_in_month(month("2024-04")) == 30 * 1440 == 43_200


def test_availability_from_percent_and_from_minutes_down():
    ops = operations(
        ("2024-01", "availability_pct", None, None, None, "99.5"),      # exactly the target: meets it
        ("2024-02", "downtime_minutes", None, None, None, "41.76"),     # 41.76 / 41,760 = 0.1 % down
        ("2024-03", "availability_pct", None, None, None, "99.49"),     # just below
        ("2024-04", "downtime_minutes", None, None, None, "216"),       # 216 / 43,200 = 0.5 %: at target
    )
    table = kpi.availability_by_month(ops, 0.995)
    assert list(table["month"]) == [month("2024-01"), month("2024-02"), month("2024-03"), month("2024-04")]
    assert table["availability"].tolist() == pytest.approx([0.995, 0.999, 0.9949, 0.995])
    # 0.5 % of January's 44,640 minutes is 223.2 minutes down; 0.51 % of March's is 227.664.
    assert table["downtime_minutes"].tolist() == pytest.approx([223.2, 41.76, 227.664, 216.0])
    assert table["meets_target"].tolist() == [True, True, False, True]


def test_response_times_against_targets():
    ops = operations(
        ("2024-01", "availability_pct", None, None, None, "100"),
        ("2024-01", "response_median_ms", None, None, None, "400"),
        ("2024-01", "response_p95_ms", None, None, None, "1500"),     # both at or within the targets
        ("2024-02", "availability_pct", None, None, None, "100"),
        ("2024-02", "response_median_ms", None, None, None, "450"),
        ("2024-02", "response_p95_ms", None, None, None, "1501"),     # P95 one millisecond over
    )
    table = kpi.response_times_by_month(ops, median_target_ms=500, p95_target_ms=1500)
    assert table["median_ms"].tolist() == [400, 450]
    assert table["p95_ms"].tolist() == [1500, 1501]
    assert table["meets_target"].tolist() == [True, False]
    only_median = kpi.response_times_by_month(ops, median_target_ms=420)
    assert only_median["meets_target"].tolist() == [True, False]
    assert kpi.response_times_by_month(ops)["meets_target"].isna().all()


SUPPORT = (
    ("2024-01", "availability_pct", None, None, None, "100"),
    ("2024-01", "support_requests", "borger", "Log-in", None, "2"),
    ("2024-01", "support_requests", "borger", "Andet", None, "1"),
    ("2024-01", "support_requests", "medarbejder", "Log-in", None, "9"),
    ("2024-01", "errors", None, None, "kritisk", "1"),
    ("2024-01", "errors", None, None, "lav", "4"),
    ("2024-02", "availability_pct", None, None, None, "100"),   # no support requests, no errors
)


def test_support_by_channel_fills_months_without_requests_with_zero():
    table = kpi.support_by_month(operations(*SUPPORT), "channel")
    assert table.to_dict("list") == {
        "month": [month("2024-01")] * 2 + [month("2024-02")] * 2,
        "channel": ["borger", "medarbejder"] * 2,
        "requests": [3, 9, 0, 0],
    }


def test_support_by_category():
    table = kpi.support_by_month(operations(*SUPPORT), "category")
    january = table[table["month"] == month("2024-01")]
    assert dict(zip(january["category"], january["requests"], strict=True)) == {"Andet": 1, "Log-in": 11}


def test_staff_share_of_support_requests():
    table = kpi.support_channel_share(operations(*SUPPORT))
    # January: 3 from citizens, 9 from staff → 9 / 12 = 75 % from staff. February: none → no share.
    assert table["citizen_requests"].tolist() == [3, 0]
    assert table["staff_requests"].tolist() == [9, 0]
    assert table["total_requests"].tolist() == [12, 0]
    assert table["staff_share"].iloc[0] == pytest.approx(0.75)
    assert np.isnan(table["staff_share"].iloc[1])


def test_errors_by_severity_every_month_most_severe_first():
    table = kpi.errors_by_month(operations(*SUPPORT))
    assert table["severity"].tolist() == ["kritisk", "høj", "middel", "lav"] * 2
    assert table["errors"].tolist() == [1, 0, 0, 4, 0, 0, 0, 0]


# --- adoption --------------------------------------------------------------------------------

# Aalborg (851) goes live on plan; Frederikshavn (813) is planned for 1 March but goes live 10 April;
# Læsø (825) is planned for 1 May and never goes live; København (101) has been live since wave 2.
ADOPTION = (
    ("2024-03", "851", "4", "2024-03-01", "2024-03-01", "40", "100"),
    ("2024-03", "813", "4", "2024-03-01", None, "10", "0"),
    ("2024-03", "825", "4", "2024-05-01", None, "0", "0"),
    ("2024-03", "101", "2", "2023-03-01", "2023-03-01", "300", "1000"),
    ("2024-04", "851", "4", "2024-03-01", "2024-03-01", "40", "500"),
    ("2024-04", "813", "4", "2024-03-01", "2024-04-10", "20", "30"),
    ("2024-04", "825", "4", "2024-05-01", None, "0", "0"),
    ("2024-04", "101", "2", "2023-03-01", "2023-03-01", "300", "1200"),
)


def test_live_against_plan_by_wave_each_month_from_its_own_extract():
    table = kpi.live_against_plan(adoption(*ADOPTION))
    wave4 = table[table["wave"] == 4]
    # End of March: Aalborg and Frederikshavn due (2), only Aalborg live, Frederikshavn behind.
    # End of April: both live; Læsø not due until May, so it is not behind.
    assert wave4["municipalities"].tolist() == [3, 3]
    assert wave4["planned_live"].tolist() == [2, 2]
    assert wave4["live"].tolist() == [1, 2]
    assert wave4["behind_plan"].tolist() == [1, 0]
    wave2 = table[table["wave"] == 2]
    assert wave2[["planned_live", "live", "behind_plan"]].to_numpy().tolist() == [[1, 1, 0], [1, 1, 0]]


def test_wave4_not_ready_counts_the_late_not_the_not_yet_due():
    frame = adoption(*ADOPTION)
    april = kpi.wave4_not_ready(frame)  # the latest extract
    # Frederikshavn went live 40 days late (1 March → 10 April); Læsø is not due yet.
    assert april[["code", "live", "days_late"]].to_numpy().tolist() == [[813, True, 40]]
    march = kpi.wave4_not_ready(frame, month("2024-03"))
    # Not live at the end of March: 31 March − 1 March = 30 days late so far.
    assert march[["code", "live", "days_late"]].to_numpy().tolist() == [[813, False, 30]]


@pytest.mark.parametrize(("not_ready", "decision"), [
    (14, kpi.BILATERAL),   # just below the threshold: handled bilaterally
    (15, kpi.WAVE5),       # at the threshold: a wave 5 (inclusive, as "15–20" in the minutes)
    (16, kpi.WAVE5),       # just above
    (0, kpi.BILATERAL),
])
def test_wave5_rule_at_and_around_the_threshold(not_ready, decision):
    assert kpi.decide_wave5(not_ready, 15) == decision


def test_wave5_decision_on_an_extract():
    frame = adoption(*ADOPTION)
    at_threshold = kpi.wave5_decision(frame, threshold=1, wave4_planned=49)
    assert at_threshold.iloc[0].to_dict() == {
        "month": month("2024-04"), "wave4_planned": 49, "wave4_municipalities": 3, "due": 2,
        "not_ready": 1, "threshold": 1, "decision": kpi.WAVE5,
    }
    assert kpi.wave5_decision(frame, threshold=2, wave4_planned=49)["decision"].iloc[0] == kpi.BILATERAL


def test_extract_of_a_month_not_in_the_data_is_refused():
    with pytest.raises(ValueError, match="2023-12"):
        kpi.extract(adoption(*ADOPTION), month("2023-12"))


def test_adoption_by_month_totals():
    table = kpi.adoption_by_month(adoption(*ADOPTION))
    assert table["live_municipalities"].tolist() == [2, 3]
    assert table["staff_with_access"].tolist() == [350, 360]
    assert table["active_citizens"].tolist() == [1100, 1730]


def test_active_citizens_per_1000_inhabitants():
    municipalities = pd.DataFrame({
        "code": [101, 813, 825, 851, 563],
        "name": ["København", "Frederikshavn", "Læsø", "Aalborg", "Fanø"],
        "region": ["Region Hovedstaden", "Region Nordjylland", "Region Nordjylland", "Region Nordjylland",
                   "Region Syddanmark"],
        "citizens": [600_000, 60_000, 1_800, 200_000, 3_500],
    })
    table = kpi.active_citizens_per_1000(adoption(*ADOPTION), municipalities).set_index("code")
    # 1,200 / 600,000 × 1,000 = 2; 30 / 60,000 × 1,000 = 0.5; 0 of 1,800 = 0; 500 / 200,000 × 1,000 = 2.5.
    assert table.loc[[101, 813, 825, 851], "active_per_1000"].tolist() == pytest.approx([2.0, 0.5, 0.0, 2.5])
    assert np.isnan(table.loc[563, "active_per_1000"])  # Fanø is not in the extract
    assert table.loc[851, "live"] == True  # noqa: E712 (an object column holding a numpy bool)


# --- roadmap ---------------------------------------------------------------------------------

def register(*rows: dict[str, Any]) -> pd.DataFrame:
    columns = ["id", "title", "status", "priority", "estimate_low", "estimate_mode", "estimate_high", "year",
               "actual_cost", "requested_date", "approved_date", "delivered_date"]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    dates = {c: pd.to_datetime(frame[c]) for c in ("requested_date", "approved_date", "delivered_date")}
    return frame.astype({c: "float64" for c in ("estimate_low", "estimate_mode", "estimate_high",
                                                 "actual_cost")}).assign(**dates)


def cr(cr_id: str, status: str, priority: str = "middel", **extra: Any) -> dict[str, Any]:
    return {"id": cr_id, "title": cr_id, "status": status, "priority": priority, "year": 2024,
            "estimate_low": 100, "estimate_mode": 100, "estimate_high": 100, **extra}


ROADMAP = register(
    # 1 Jan → 31 Jan: 30 days to approval; → 30 Apr: 90 days to delivery; 120 in all.
    cr("A", "delivered", "høj", requested_date="2024-01-01", approved_date="2024-01-31",
       delivered_date="2024-04-30", estimate_low=100, estimate_mode=200, estimate_high=600, actual_cost=300),
    # 1 Feb → 2 Mar (leap year): 30 days; → 1 Jul: 29 + 30 + 31 + 30 + 1 = 121 days; 151 in all.
    cr("B", "delivered", "høj", requested_date="2024-02-01", approved_date="2024-03-02",
       delivered_date="2024-07-01", estimate_low=1, estimate_mode=2, estimate_high=3, actual_cost=10),
    cr("C", "approved", "lav", requested_date="2024-03-01", approved_date="2024-04-10"),  # 40 days, in Q2
    cr("D", "proposed", "lav", requested_date="2024-05-01"),
    cr("E", "delivered", "middel", delivered_date="2024-08-01"),  # no other dates, no actual cost
)


def test_change_requests_by_priority_and_status_every_combination():
    table = kpi.change_request_counts(ROADMAP)
    assert len(table) == 3 * 5
    counts = {(p, s): n for p, s, n in table.itertuples(index=False)}
    assert counts[("høj", "delivered")] == 2
    assert counts[("lav", "approved")] == counts[("lav", "proposed")] == counts[("middel", "delivered")] == 1
    assert sum(counts.values()) == 5
    assert table["priority"].iloc[0] == "høj" and table["status"].iloc[0] == "proposed"


def test_lead_times_in_days():
    table = kpi.lead_times(ROADMAP).set_index("id")
    assert table.loc["A", ["days_to_approval", "days_to_delivery", "days_total"]].tolist() == [30, 90, 120]
    assert table.loc["B", ["days_to_approval", "days_to_delivery", "days_total"]].tolist() == [30, 121, 151]
    assert table.loc["C", "days_to_approval"] == 40
    assert np.isnan(table.loc["C", "days_to_delivery"]) and np.isnan(table.loc["D", "days_to_approval"])


def test_lead_time_trend_by_quarter_counts_each_stage_when_it_ended():
    table = kpi.lead_time_trend(ROADMAP)
    rows = {(p, s): (n, m) for p, s, n, m, _ in table.itertuples(index=False)}
    assert rows == {
        ("2024K1", "requested_to_approved"): (2, 30.0),    # A and B approved in Q1
        ("2024K2", "requested_to_approved"): (1, 40.0),    # C approved in April
        ("2024K2", "approved_to_delivered"): (1, 90.0),    # A delivered 30 April
        ("2024K2", "requested_to_delivered"): (1, 120.0),
        ("2024K3", "approved_to_delivered"): (1, 121.0),   # B delivered 1 July
        ("2024K3", "requested_to_delivered"): (1, 151.0),
    }


def test_lead_time_trend_by_year():
    table = kpi.lead_time_trend(ROADMAP, "year").set_index("stage")
    assert set(table["period"]) == {"2024"}
    # Deliveries 90 and 121 days after approval: median (90 + 121) / 2 = 105.5; in all (120 + 151) / 2.
    assert table.loc["approved_to_delivered", "median_days"] == 105.5
    assert table.loc["requested_to_delivered", "median_days"] == 135.5
    assert table.loc["requested_to_approved", "mean_days"] == pytest.approx((30 + 30 + 40) / 3)


def test_estimates_beside_actual_costs_of_delivered_requests():
    table = kpi.estimates_vs_actual(ROADMAP).set_index("id")
    assert list(table.index) == ["A", "B", "E"]
    # A: PERT (100 + 4 × 200 + 600) / 6 = 250; actual 300 → +50, +20 %, inside 100–600.
    assert table.loc["A", ["pert_mean", "difference_dkk", "difference_share"]].tolist() == pytest.approx(
        [250, 50, 0.2])
    assert table.loc["A", "within_range"] == True  # noqa: E712 (pandas' nullable boolean)
    # B: PERT (1 + 8 + 3) / 6 = 2; actual 10 → +8, +400 %, above the high estimate.
    assert table.loc["B", ["pert_mean", "difference_dkk", "difference_share"]].tolist() == pytest.approx(
        [2, 8, 4.0])
    assert table.loc["B", "within_range"] == False  # noqa: E712
    assert pd.isna(table.loc["E", "within_range"]) and np.isnan(table.loc["E", "difference_dkk"])


# --- cost per use ----------------------------------------------------------------------------

def test_cost_per_active_citizen_and_per_live_municipality():
    costs = pd.DataFrame(
        [(2024, "support", "drift", 600_000.0), (2024, "solution_fee", "drift", 400_000.0),
         (2024, "cr_approved", "engangs", 1_000_000.0),   # one-off: not running cost
         (2025, "support", "drift", 1_200_000.0), (2026, "support", "drift", 5.0)],
        columns=["year", "line_code", "kind", "amount_dkk"],
    )
    frame = adoption(
        ("2024-11", "851", "4", "2024-01-01", "2024-01-01", "1", "900"),
        ("2024-11", "813", "4", "2024-12-01", None, "0", "0"),
        ("2024-11", "101", "4", "2024-12-01", None, "0", "0"),
        ("2024-11", "147", "4", "2024-12-01", None, "0", "0"),
        ("2024-12", "851", "4", "2024-01-01", "2024-01-01", "1", "500"),
        ("2024-12", "813", "4", "2024-12-01", "2024-12-01", "1", "300"),
        ("2024-12", "101", "4", "2024-12-01", "2024-12-15", "1", "300"),
        ("2024-12", "147", "4", "2024-12-01", None, "0", "0"),
        ("2025-01", "851", "4", "2024-01-01", "2024-01-01", "1", "400"),
        ("2025-01", "813", "4", "2024-12-01", "2024-12-01", "1", "300"),
        ("2025-01", "101", "4", "2024-12-01", "2024-12-15", "1", "300"),
        ("2025-01", "147", "4", "2024-12-01", "2025-01-02", "1", "200"),
    )
    table = kpi.cost_per_use(costs, frame).set_index("year")
    assert list(table.index) == [2024, 2025]  # 2026 has no adoption data
    # 2024: running 1,000,000; active (900 + 1,100) / 2 = 1,000 → 1,000 kr.; live (1 + 3) / 2 = 2 → 500,000.
    # 2025: 1,200,000 over 1,200 active → 1,000 kr.; over 4 live → 300,000 kr.
    assert table["running_cost_dkk"].tolist() == [1_000_000, 1_200_000]
    assert table["months"].tolist() == [2, 1]
    assert table["active_citizens"].tolist() == [1000, 1200]
    assert table["live_municipalities"].tolist() == [2, 4]
    assert table["cost_per_active_citizen_dkk"].tolist() == pytest.approx([1000, 1000])
    assert table["cost_per_live_municipality_dkk"].tolist() == pytest.approx([500_000, 300_000])


# --- the report on the shipped sample data: every table and chart renders --------------------

@pytest.mark.e2e
def test_report_on_the_sample_data_renders_and_warns_that_it_is_sample(tmp_path):
    from pathlib import Path

    from matplotlib.figure import Figure

    from kpro_econ.inputs import registers
    from kpro_econ.inputs.tables import read_table
    from kpro_econ.kpi.tables import compute_kpis
    from kpro_econ.params.kpi import KpiSettings
    from kpro_econ.report import kpi_charts
    from kpro_econ.report import kpi_tables as kpi_presentation
    from kpro_econ.workbook import kpi_tables

    data = REPO / "data"
    settings = KpiSettings(operations=Path("o.csv"), adoption=Path("a.csv"), response_p95_target_ms=2500)
    costs = pd.DataFrame([(2025, "support", "drift", 1_000_000.0)],
                         columns=["year", "line_code", "kind", "amount_dkk"])
    result = compute_kpis(
        settings,
        kpi_inputs.operations(read_table(data / "operations.csv"), "operations.csv"),
        kpi_inputs.adoption(read_table(data / "adoption.csv"), "adoption.csv"),
        registers.change_requests(read_table(data / "change_requests.csv"), "change_requests.csv"),
        registers.municipalities(read_table(data / "municipalities.csv"), "municipalities.csv"),
        costs,
    )
    assert "Advarsel: eksempeldata" in kpi_presentation.sample_data_notice(result).data
    figures = dict(zip(kpi_presentation.key_figures(result)["Nøgletal"],
                       kpi_presentation.key_figures(result)["Værdi"], strict=True))
    assert figures["Bølge 4: kommuner ikke klar på planlagt dato"] == "16 (tærskel 15): Bølge 5"
    assert figures["Kommuner i drift, oktober 2026"] == "90 af 98"
    tables = [getattr(kpi_presentation, name)(result) for name in (
        "availability_table", "response_table", "support_table", "errors_table", "live_table",
        "not_ready_table", "change_request_count_table", "lead_time_table", "lead_time_trend_table",
        "estimates_table", "cost_per_use_table")]
    tables += list(kpi_presentation.per_1000_extremes(result))
    assert all("<table" in table.to_html() for table in tables)
    charts = [
        kpi_charts.availability_chart(result.availability), kpi_charts.response_time_chart(result.response_times),
        kpi_charts.support_channel_chart(result.support_by_channel),
        kpi_charts.support_category_chart(result.support_by_category), kpi_charts.errors_chart(result.errors),
        kpi_charts.live_against_plan_chart(result.live_against_plan),
        kpi_charts.adoption_chart(result.adoption_by_month),
        kpi_charts.per_1000_chart(result.active_citizens_per_1000),
        kpi_charts.change_request_chart(result.change_request_counts),
        kpi_charts.lead_time_chart(result.lead_time_trend), kpi_charts.estimates_chart(result.estimates_vs_actual),
    ]
    for i, figure in enumerate(charts):
        assert isinstance(figure, Figure)
        figure.savefig(tmp_path / f"{i}.png")
    assert set(kpi_tables(result)) >= {"kpi_availability", "kpi_wave5_decision", "kpi_cost_per_use"}


def test_lead_time_trend_of_a_register_with_nothing_approved_yet():
    table = kpi.lead_time_trend(register(cr("D", "proposed", requested_date="2024-05-01")))
    assert table.empty and list(table.columns) == ["period", "stage", "requests", "median_days", "mean_days"]
