"""The risk register: validation, scores, bands, probabilities, the pool, its cost lines and the trend.

Every expectation is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from conftest import REPO
from model_helpers import small_params
from pydantic import ValidationError

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs.risk_register import RISK_COLUMNS, risk_register, risk_register_from_items
from kpro_econ.inputs.tables import read_table
from kpro_econ.kpi.measures import fired_triggers
from kpro_econ.params.codes import KpiTrigger
from kpro_econ.params.models import Band, RiskSettings
from kpro_econ.risk.assessment import (
    REGISTER_TABLE_COLUMNS,
    apply_triggers,
    pool_members,
    risk_cost_lines,
    risk_pool,
    risk_register_table,
    score_risks,
    trend,
)

FILE = "risici.csv"
YEARS = [2025, 2026]

GOOD_ROW: dict[str, str | None] = {
    "id": "R1", "title": "Bølge 5", "description": None, "category": "implementering",
    "owner": "Implementeringsprogrammet", "cause": None, "consequence": None,
    "likelihood_inherent": "4", "impact_inherent": "4", "likelihood_residual": "3", "impact_residual": "4",
    "mitigation": None, "mitigation_cost": None, "status": "open", "proximity": "2025", "probability": None,
    "cost_low": "100000", "cost_mode": "200000", "cost_high": "600000", "cost_line": None,
    "last_reviewed": "2023-06-23", "source": "Referat 23.6.2023, pkt. 4", "estimate_source": "Antagelse",
}


def as_read(*rows: dict[str, str | None], decimal: str = ".") -> pd.DataFrame:
    """A register as `tables_io.read_table` gives it: strings or None, the CSV line in the index."""
    frame = pd.DataFrame(list(rows), dtype=object, index=pd.Index(range(2, 2 + len(rows)), name="line"))
    frame.attrs["decimal"] = decimal
    return frame


def row(**changes: str | None) -> dict[str, str | None]:
    return {**GOOD_ROW, **changes}


def problems_of(frame: pd.DataFrame) -> list[Problem]:
    with pytest.raises(ParamsError) as raised:
        risk_register(frame, FILE, YEARS)
    return raised.value.problems


def item(risk_id: str, **changes: Any) -> dict[str, Any]:
    """An inline register item (typed values, as YAML gives them)."""
    base: dict[str, Any] = {
        "id": risk_id, "title": f"Risiko {risk_id}", "category": "drift", "owner": "Systemforvaltningen",
        "likelihood_inherent": 3, "impact_inherent": 3, "likelihood_residual": 3, "impact_residual": 3,
        "status": "open", "cost_low": 100, "cost_mode": 200, "cost_high": 600, "last_reviewed": "2023-06-23",
    }
    return {**base, **changes}


def register(*items: dict[str, Any]) -> pd.DataFrame:
    return risk_register_from_items(items, "params.yaml", YEARS)


# --- validation ------------------------------------------------------------------------------

def test_a_good_register_is_typed():
    frame = risk_register(as_read(row(), row(id="R2", probability="0.35", mitigation_cost="5000")), FILE, YEARS)
    assert list(frame.columns) == RISK_COLUMNS
    assert frame["likelihood_residual"].tolist() == [3, 3]
    assert frame["probability"].isna().tolist() == [True, False]
    assert frame.loc[1, "probability"] == 0.35
    assert frame["mitigation_cost"].tolist() == [0.0, 5000.0]  # blank is 0
    assert frame["proximity"].tolist() == [2025, 2025]
    assert frame.loc[0, "last_reviewed"] == pd.Timestamp("2023-06-23")


def test_decimal_comma_and_danish_dates_as_danish_excel_writes_them():
    danish = row(probability="0,35", cost_high="1.200.000", last_reviewed="23-06-2023")
    frame = risk_register(as_read(danish, decimal=","), FILE, YEARS)
    assert frame.loc[0, "probability"] == 0.35
    assert frame.loc[0, "cost_high"] == 1_200_000
    assert frame.loc[0, "last_reviewed"] == pd.Timestamp("2023-06-23")


def test_a_closed_risk_may_leave_its_costs_and_owner_blank():
    closed = row(status="closed", owner=None, cost_low=None, cost_mode=None, cost_high=None, proximity="2019")
    frame = risk_register(as_read(closed), FILE, YEARS)
    assert frame.loc[0, "status"] == "closed"


BAD_REGISTERS = [
    # (what is wrong, the row's changes, the field the problem must name)
    ("likelihood above 5", {"likelihood_residual": "6"}, "likelihood_residual"),
    ("impact below 1", {"impact_inherent": "0"}, "impact_inherent"),
    ("likelihood not whole", {"likelihood_inherent": "3.5"}, "likelihood_inherent"),
    ("probability above 1", {"probability": "1.2"}, "probability"),
    ("probability with a decimal comma in a point file", {"probability": "0,3"}, "probability"),
    ("cost_low above cost_mode", {"cost_low": "300000"}, "cost_mode"),
    ("cost_mode above cost_high", {"cost_high": "150000"}, "cost_high"),
    ("negative cost", {"cost_low": "-5"}, "cost_low"),
    ("open risk without a cost", {"cost_mode": None}, "cost_mode"),
    ("unknown status", {"status": "pending"}, "status"),
    ("unknown category", {"category": "vejr"}, "category"),
    ("open risk without owner", {"owner": None}, "owner"),
    ("proximity outside the budget years", {"proximity": "2031"}, "proximity"),
    ("proximity not a year", {"proximity": "næste år"}, "proximity"),
    ("last_reviewed not a date", {"last_reviewed": "2023-13-01"}, "last_reviewed"),
    ("last_reviewed blank", {"last_reviewed": None}, "last_reviewed"),
    ("negative mitigation cost", {"mitigation_cost": "-1"}, "mitigation_cost"),
    ("blank title", {"title": None}, "title"),
]


@pytest.mark.parametrize(("case", "changes", "field"), BAD_REGISTERS, ids=[c[0] for c in BAD_REGISTERS])
def test_a_bad_cell_is_one_problem_naming_file_line_and_field(case, changes, field):
    problems = problems_of(as_read(row(id="R0"), row(**changes)))
    assert [(p.file, p.line, p.field) for p in problems] == [(FILE, 3, field)], case
    assert str(problems[0]).startswith(f"{FILE}:3: {field}: ")


def test_an_unreadable_cost_is_one_problem_not_also_a_blank_one():
    problems = problems_of(as_read(row(cost_high="600 tkr")))
    assert [(p.line, p.field, p.value) for p in problems] == [(2, "cost_high", "600 tkr")]
    assert problems[0].message.startswith("ikke et tal med decimalpunktum")


def test_a_missing_required_column_is_one_problem_at_the_header_line():
    frame = as_read(row(), row(id="R2")).drop(columns=["last_reviewed"])
    frame.attrs["header_line"] = 3  # blank lines above the header
    assert [str(p) for p in problems_of(frame)] == [f"{FILE}:3: last_reviewed: kolonnen mangler; den skal være med"]


def test_plain_messages_and_values_as_typed():
    danish = as_read(row(likelihood_inherent="0", mitigation_cost="-5000", cost_mode="1.300.000",
                         cost_high="1.200.000"),
                     row(id="R2", proximity="1999"), decimal=",")
    assert [str(p) for p in problems_of(danish)] == [
        f"{FILE}:2: likelihood_inherent: skal være et helt tal fra 1 til 5 (fik 0)",
        f"{FILE}:2: mitigation_cost: skal være mindst 0 (fik -5000)",
        # a check across columns runs on the cells it compares, even in a row with another bad cell
        f"{FILE}:2: cost_high: må ikke være mindre end cost_mode (1.300.000) (fik 1.200.000)",
        # pydantic refuses a year before 2000; the controller's fix is a budget year all the same
        f"{FILE}:3: proximity: skal være et af budgetårene 2025–2026 eller tom (fik 1999)",
    ]
    assert [str(p) for p in problems_of(as_read(row(cost_mode="1.300.000", cost_high="1.200.000"),
                                                  decimal=","))] == [
        f"{FILE}:2: cost_high: må ikke være mindre end cost_mode (1.300.000) (fik 1.200.000)"]


def test_a_duplicate_id_names_the_line_of_the_first():
    problems = problems_of(as_read(row(), row(), row(id="R2")))
    assert [(p.line, p.field) for p in problems] == [(3, "id")]
    assert problems[0].message == "står to gange: samme id som på linje 2"
    assert problems[0].value == "R1"


def test_unknown_and_missing_columns_are_named():
    frame = as_read(row()).rename(columns={"probability": "probabilty"}).drop(columns=["status"])
    problems = {(p.field, p.message.split(";")[0]) for p in problems_of(frame)}
    assert ("probabilty", "ukendt kolonne – mente du 'probability'?") in problems
    assert ("status", "kolonnen mangler") in problems


def test_every_problem_is_collected_before_raising():
    problems = problems_of(as_read(row(likelihood_residual="9"), row(id="R2", owner=None, status="åbn")))
    assert [(p.line, p.field) for p in problems] == [(2, "likelihood_residual"), (3, "status")]
    # an unknown status is reported; the owner check needs a known status, so it waits for the fix


def test_inline_items_name_the_item_and_its_line():
    with pytest.raises(ParamsError) as raised:
        risk_register_from_items([item("A"), item("B", likelihood_residual=7)], "params.yaml", YEARS, lines=[40, 52])
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.field, problem.value) == (
        "params.yaml", 52, "risk.items.1.likelihood_residual", 7)


def test_inline_items_name_the_line_of_the_bad_key_where_it_is_given():
    items = [item("A"), item("B", likelihood_residual=7, title=None), item("A")]
    key_lines = [{}, {"id": 52, "likelihood_residual": 58}, {"id": 64}]
    with pytest.raises(ParamsError) as raised:
        risk_register_from_items(items, "params.yaml", YEARS, lines=[40, 52, 64], key_lines=key_lines)
    assert [str(p) for p in raised.value.problems] == [
        "params.yaml:52: risk.items.1.title: skal udfyldes, men er tom",  # no key: the item's line
        "params.yaml:58: risk.items.1.likelihood_residual: skal være et helt tal fra 1 til 5 (fik 7)",
        "params.yaml:64: risk.items.2.id: står to gange: samme id som på linje 40 (fik 'A')",
    ]


def test_a_misspelt_key_of_an_inline_risk_gets_the_key_it_was_meant_to_be():
    misspelt = item("A")
    misspelt["titel"] = misspelt.pop("title")
    with pytest.raises(ParamsError) as raised:
        risk_register_from_items([misspelt], "params.yaml", YEARS, lines=[40], key_lines=[{"titel": 42}])
    # One problem: not also "title: skal udfyldes", which the misspelt key was meant to fill.
    assert [str(p) for p in raised.value.problems] == [
        "params.yaml:42: risk.items.0.titel: ukendt nøgle – mente du 'title'?"]


def test_a_band_colour_must_be_one_matplotlib_can_read():
    assert Band(name="lav", min_score=1, max_score=25, colour="LightGreen").colour == "LightGreen"
    for colour in ("grøn", "#ff00f", "red; background: url(x)", "none"):
        with pytest.raises(ValidationError, match="ikke en farve"):
            Band(name="lav", min_score=1, max_score=25, colour=colour)


def test_bands_must_cover_every_score_once():
    lav, hoj = Band(name="lav", min_score=1, max_score=9, colour="#fff"), Band(name="høj", min_score=10,
                                                                                max_score=25, colour="#f00")
    assert RiskSettings(bands=(hoj, lav)).bands == (hoj, lav)  # order does not matter
    gap = hoj.model_copy(update={"min_score": 11})
    overlap = hoj.model_copy(update={"min_score": 9})
    short = hoj.model_copy(update={"max_score": 24})
    for bands, message in [((lav, gap), "score 10 er i intet bånd"), ((lav, overlap), "overlapper"),
                           ((lav, short), "score 25 er i intet bånd"), ((hoj,), "score 1–9 er i intet bånd")]:
        with pytest.raises(ValidationError, match=message):
            RiskSettings(bands=bands)


def test_probability_map_needs_every_likelihood():
    with pytest.raises(ValidationError, match="hver sandsynlighedsscore 1–5"):
        RiskSettings(probability_by_likelihood={1: 0.1, 2: 0.2, 3: 0.5, 4: 0.7})


# --- scores, bands, probabilities, expected values -------------------------------------------

def test_scores_bands_probability_and_expected_value():
    scored = score_risks(register(
        item("A", likelihood_inherent=5, impact_inherent=5, likelihood_residual=3, impact_residual=4),
        item("B", likelihood_inherent=1, impact_inherent=4, likelihood_residual=1, impact_residual=5,
             probability=0.35),
        item("C", likelihood_inherent=3, impact_inherent=3, likelihood_residual=2, impact_residual=3),
        item("D", status="closed"),
    ), RiskSettings()).set_index("id")
    # 5×5 = 25 kritisk, 3×4 = 12 høj, 1×4 = 4 lav, 1×5 = 5 middel, 3×3 = 9 middel, 2×3 = 6 middel
    assert scored["score_inherent"].to_dict() == {"A": 25, "B": 4, "C": 9, "D": 9}
    assert scored["score_residual"].to_dict() == {"A": 12, "B": 5, "C": 6, "D": 9}
    assert scored["band_inherent"].to_dict() == {"A": "kritisk", "B": "lav", "C": "middel", "D": "middel"}
    assert scored["band_residual"].to_dict() == {"A": "høj", "B": "middel", "C": "middel", "D": "middel"}
    # residual likelihood 3 → 0.50, given 0.35, likelihood 2 → 0.20
    assert scored["probability_resolved"].to_dict() == {"A": 0.5, "B": 0.35, "C": 0.2, "D": 0.5}
    # PERT mean (100 + 4·200 + 600) / 6 = 250; closed risks expect nothing
    assert scored["cost_mean"].to_dict() == {"A": 250, "B": 250, "C": 250, "D": 250}
    assert scored["expected_value_dkk"].to_dict() == pytest.approx({"A": 125, "B": 87.5, "C": 50, "D": 0})


def test_probability_map_is_configurable():
    settings = RiskSettings(probability_by_likelihood={1: 0.01, 2: 0.1, 3: 0.3, 4: 0.6, 5: 0.95})
    scored = score_risks(register(item("A", likelihood_residual=4)), settings)
    assert scored.loc[0, "probability_resolved"] == 0.6


# --- the pool --------------------------------------------------------------------------------

def thirteen_open_and_a_closed() -> pd.DataFrame:
    # Risk Rk (k = 1..13) costs exactly 1000·k with p = 0.5: expected value 500·k.
    items = [item(f"R{k:02d}", cost_low=1000 * k, cost_mode=1000 * k, cost_high=1000 * k, probability=0.5,
                  proximity=2025 + k % 2) for k in range(1, 14)]
    items.append(item("X", status="closed", cost_low=10**7, cost_mode=10**7, cost_high=10**7, probability=1))
    return register(*items)


def test_pool_is_the_twelve_open_risks_with_the_largest_expected_value():
    members = pool_members(score_risks(thirteen_open_and_a_closed(), RiskSettings()), 12)
    assert members["id"].tolist() == [f"R{k:02d}" for k in range(13, 1, -1)]  # R01 (smallest) and X out
    # Σ 500·k for k = 2..13 = 500 · (91 − 1) = 45,000
    assert members["expected_value_dkk"].sum() == pytest.approx(45_000)


def test_pool_table_ranks_and_places_each_risk():
    pool = risk_pool(thirteen_open_and_a_closed(), RiskSettings(pool_size=3), YEARS)
    assert pool["rank"].tolist() == [1, 2, 3]
    assert pool["id"].tolist() == ["R13", "R12", "R11"]
    assert pool["expected_value_dkk"].tolist() == [6500, 6000, 5500]
    assert pool["years"].tolist() == ["2026", "2025", "2026"]  # 2025 + k % 2


def test_cost_lines_place_the_pool_and_mitigation_by_proximity_or_spread():
    risks = register(
        item("A", probability=0.5, proximity=2026, mitigation_cost=1000),       # EV 125 in 2026
        item("B", probability=0.2, mitigation_cost=300),                        # EV 50, spread: 25 a year
        item("C", status="occurred", proximity=2025, mitigation_cost=700),      # mitigation and own cost
        item("D", status="closed", proximity=2025, mitigation_cost=10**6),      # nothing
        item("E", status="occurred", mitigation_cost=0, cost_low=60, cost_mode=60, cost_high=60),  # spread
    )
    pool, mitigation, occurred = risk_cost_lines(risks, small_params())  # years 2025, 2026
    assert (pool.code, mitigation.code, occurred.code) == ("risk_pool", "mitigation", "occurred_risks")
    assert (pool.kind, mitigation.kind, occurred.kind) == ("engangs", "engangs", "engangs")
    assert pool.amounts == pytest.approx({2025: 25, 2026: 150})
    assert mitigation.amounts == pytest.approx({2025: 150 + 700, 2026: 1000 + 150})
    # C's PERT mean (100 + 4 · 200 + 600) / 6 = 250 in 2025; E's 60 spread 30 a year
    assert occurred.amounts == pytest.approx({2025: 250 + 30, 2026: 30})


# --- KPI triggers ----------------------------------------------------------------------------

def test_a_trigger_that_fires_moves_the_risk_out_of_the_pool_and_its_cost_into_the_budget():
    risks = register(
        item("WAVE", probability=0.5, proximity=2025),   # EV 0.5 · 250 = 125 while open
        item("OTHER", probability=0.2, proximity=2026),  # EV 50, untouched
    )
    settings = RiskSettings()
    not_fired = apply_triggers(risks, {"WAVE": KpiTrigger.WAVE5}, fired=set())
    assert pool_members(score_risks(not_fired, settings), 12)["id"].tolist() == ["WAVE", "OTHER"]
    assert risk_cost_lines(not_fired, small_params())[2].amounts == pytest.approx({2025: 0, 2026: 0})

    fired = apply_triggers(risks, {"WAVE": KpiTrigger.WAVE5}, fired={KpiTrigger.WAVE5})
    assert fired.set_index("id")["status"].to_dict() == {"WAVE": "occurred", "OTHER": "open"}
    assert fired.set_index("id")["trigger"].to_dict() == {"WAVE": "wave5", "OTHER": None}
    assert pool_members(score_risks(fired, settings), 12)["id"].tolist() == ["OTHER"]
    pool, _, occurred = risk_cost_lines(fired, small_params())
    assert pool.amounts == pytest.approx({2025: 0, 2026: 50})
    assert occurred.amounts == pytest.approx({2025: 250, 2026: 0})  # the whole PERT mean, not 50 %
    table = risk_register_table(fired, settings)
    assert table.set_index("id").loc["WAVE", ["status", "in_pool", "expected_value_dkk"]].tolist() == [
        "occurred", False, 0.0]


def test_the_wave5_rule_fires_at_the_threshold():
    assert fired_triggers(14, 15) == set()
    assert fired_triggers(15, 15) == {KpiTrigger.WAVE5}  # inclusive, as decide_wave5


# --- trend -----------------------------------------------------------------------------------

def test_trend_arrows_on_the_residual_score():
    previous = register(item("UP", impact_residual=2), item("DOWN", impact_residual=4), item("SAME"),
                        item("CLOSING"), item("DROPPED"))
    current = register(item("UP", impact_residual=4), item("DOWN", impact_residual=2), item("SAME"),
                       item("CLOSING", status="closed"), item("NEW"))
    assert trend(current, previous).to_dict() == {
        "UP": "up", "DOWN": "down", "SAME": "same", "CLOSING": "closed", "NEW": "new", "DROPPED": "closed"}


def test_trend_reads_an_earlier_run_table_as_strings():
    current = register(item("A", likelihood_residual=4))  # score 4 × 3 = 12
    earlier = pd.DataFrame({"id": ["A"], "status": ["open"], "score_residual": ["9"]}, dtype=object)
    assert trend(current, earlier).to_dict() == {"A": "up"}


def test_register_table_has_every_column_pool_flag_and_trend():
    risks = thirteen_open_and_a_closed()
    table = risk_register_table(risks, RiskSettings(), previous=risks)
    assert list(table.columns) == REGISTER_TABLE_COLUMNS
    assert table.set_index("id")["in_pool"].to_dict() == {**{f"R{k:02d}": k > 1 for k in range(1, 14)}, "X": False}
    assert set(table["trend"]) == {"same", "closed"}
    assert risk_register_table(risks, RiskSettings())["trend"].isna().all()  # nothing to compare with


# --- the shipped default register ------------------------------------------------------------

def test_the_default_register_is_valid_and_as_the_minutes_imply():
    path = REPO / "data" / "risk_register.csv"
    risks = risk_register(read_table(path), str(path), [2024, 2025, 2026, 2027, 2028])
    statuses = risks["status"].value_counts().to_dict()
    assert statuses == {"open": 13, "closed": 1, "occurred": 1}
    assert risks["source"].notna().all()
    assert risks["source"].str.contains("Referat 23.6.2023").sum() >= 10
    assert set(risks.loc[risks["status"] != "closed", "estimate_source"].str[:9]) == {"Antagelse"}
    assert len(pool_members(score_risks(risks, RiskSettings()), 12)) == 12


def test_a_review_older_than_review_months_is_overdue_except_for_a_closed_risk():
    # on 30 June 2025 with 6 months the limit is 30 December 2024: the 31st is in time, the 29th is not
    risks = register(item("IN", last_reviewed="2024-12-31"), item("OLD", last_reviewed="2024-12-29"),
                     item("SHUT", last_reviewed="2020-01-01", status="closed", cost_low=None, cost_mode=None,
                          cost_high=None))
    table = risk_register_table(risks, RiskSettings(review_months=6), reviewed_by=date(2025, 6, 30))
    assert dict(zip(table["id"], table["review_overdue"], strict=True)) == {"IN": False, "OLD": True, "SHUT": False}
    # three months: the 31 December review is overdue too
    shorter = risk_register_table(risks, RiskSettings(review_months=3), reviewed_by=date(2025, 6, 30))
    assert shorter["review_overdue"].tolist() == [True, True, False]
    assert not risk_register_table(risks, RiskSettings()).loc[:, "review_overdue"].any()  # no date: no flag
