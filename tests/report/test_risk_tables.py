"""The risk report's tables: the right rows, in the right order, with Danish labels, every cell escaped.

A small hand-made register; the expected values are worked out in the comments.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from model_helpers import register as change_request_register
from model_helpers import small_params

from kpro_econ.errors import KproError
from kpro_econ.inputs.earlier import ComparedRun
from kpro_econ.inputs.load import ScenarioInputs
from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.report import risk_tables as rp
from kpro_econ.report.formatting import kr, number
from kpro_econ.workbook import RiskResult, compute_risk, cost_with_risks

YEARS = [2025, 2026]
# Started 23.30 UTC on 1 November: already 2 November in Denmark (UTC+1 in winter).
PREVIOUS_RUN = ComparedRun(Path("reports") / "20261101-233000-default", datetime(2026, 11, 1, 23, 30, tzinfo=UTC))


def item(risk_id: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": risk_id, "title": f"Risiko {risk_id}", "category": "drift", "owner": "Systemforvaltningen",
        "likelihood_inherent": 3, "impact_inherent": 3, "likelihood_residual": 3, "impact_residual": 3,
        "status": "open", "cost_low": 100, "cost_mode": 200, "cost_high": 600, "last_reviewed": "2023-06-23",
        "source": "Referat 23.6.2023", "estimate_source": "Antagelse",
    }
    return {**base, **changes}


# Scores (inherent → residual), probability, PERT mean and expected value (open risks only):
# R1 4×4=16 kritisk → 3×4=12 høj; p from likelihood 3 = 0.50; mean (100+800+600)/6 = 250; EV 125
# R2 3×3=9 middel → 2×3=6 middel; p given 0.35; mean 600; EV 210
# R3 2×2=4 lav → 1×2=2 lav; p from likelihood 1 = 0.05; mean 1000; EV 50
# R4 closed, 3×4=12 → 1×1=1; R5 occurred, 4×3=12 → 4×3=12, its mitigation (500) is paid
ITEMS = [
    item("R1", title="Bølge 5 <b>bliver</b> nødvendig", likelihood_inherent=4, impact_inherent=4,
         impact_residual=4, mitigation_cost=1000, proximity=2025),
    item("R2", likelihood_residual=2, probability=0.35, cost_low=600, cost_mode=600, cost_high=600,
         proximity=2026),
    item("R3", likelihood_inherent=2, impact_inherent=2, likelihood_residual=1, impact_residual=2,
         cost_low=1000, cost_mode=1000, cost_high=1000),
    item("R4", status="closed", impact_inherent=4, likelihood_residual=1, impact_residual=1,
         cost_low=None, cost_mode=None, cost_high=None, mitigation="Aftale indgået"),
    item("R5", status="occurred", likelihood_inherent=4, likelihood_residual=4, probability=1.0,
         cost_low=100, cost_mode=200, cost_high=300, mitigation_cost=500, proximity=2025),
]


def scenario(items: list[dict[str, Any]] = ITEMS, **params: Any) -> ScenarioInputs:
    settings = {"monte_carlo": {"iterations": 2_000, "seed": 11}, "risk": {"items": items}, **params}
    return ScenarioInputs("Basis", small_params(**settings), change_request_register(), pd.DataFrame(),
                          risk_register_from_items(items, "params.yaml", YEARS))


def risk_of(inputs: ScenarioInputs, previous: pd.DataFrame | None = None) -> RiskResult:
    return rp.require_risk(compute_risk(inputs, previous))


@pytest.fixture(scope="module")
def risk() -> RiskResult:
    return risk_of(scenario())


def test_no_register_is_a_clear_error():
    with pytest.raises(KproError, match="ingen risikosektion"):
        rp.require_risk(None)


def test_key_figures(risk):
    figures = dict(rp.key_figures(risk, YEARS, None).itertuples(index=False, name=None))
    assert figures["Åbne risici"] == "3"
    assert figures["– heraf kritisk (score 15–25 efter tiltag)"] == "0"
    assert figures["– heraf høj (score 10–14 efter tiltag)"] == "1"
    assert figures["– heraf middel (score 5–9 efter tiltag)"] == "1"
    assert figures["– heraf lav (score 1–4 efter tiltag)"] == "1"
    assert figures["Lukkede og indtrufne risici"] == "2"
    assert figures["Risikopulje (3 risici, forventet værdi af det, der endnu kan ske)"] == "385 kr."  # 125 + 210 + 50
    assert figures["Reserve ved P80 (over budgettet med risikopulje)"] == kr(risk.simulation.contingency)
    assert {"Basisbudget 2025–2026 (uden risikopulje)", "P50 2025–2026", "P95 2025–2026"} <= set(figures)
    assert figures["Udviklingen er målt mod"] == "ingen tidligere godkendt kørsel"
    compared = dict(rp.key_figures(risk, YEARS, PREVIOUS_RUN).itertuples(index=False, name=None))
    assert compared["Udviklingen er målt mod"] == "senest godkendte kørsel 20261101-233000-default (2. nov. 2026)"


def test_register_is_sorted_by_score_then_expected_value_with_danish_columns(risk):
    frame = rp.register_frame(risk.register)
    assert list(frame.columns) == ["Id", "Titel", "Kategori", "Ejer", "Status", "Score før tiltag",
                                   "Score efter tiltag", "Sandsynlighed", "Forventet værdi", "I puljen", "Udvikling",
                                   "Senest vurderet"]
    # R1 and R5 both score 12; R1 first as it expects more (R5 has occurred: nothing)
    assert list(frame["Id"]) == ["R1", "R5", "R2", "R3", "R4"]
    assert list(frame["Status"]) == ["Åben", "Indtruffet", "Åben", "Åben", "Lukket"]
    assert list(frame["Score før tiltag"]) == ["16", "12", "9", "4", "12"]
    assert list(frame["Score efter tiltag"]) == ["12", "12", "6", "2", "1"]
    assert frame["Forventet værdi"].tolist()[:3] == pytest.approx([125, float("nan"), 210], nan_ok=True)
    assert list(frame["I puljen"]) == ["Ja", "", "Ja", "Ja", ""]
    assert frame["Udvikling"].isna().all()  # nothing to compare with


def test_register_table_colours_scores_by_band_and_escapes_titles(risk):
    page = rp.register_table(risk).to_html()
    for colour in ("#ef9a9a", "#ffcc80", "#fff59d", "#c8e6c9"):  # kritisk, høj, middel, lav
        assert f"background-color: {colour}" in page
    assert "Bølge 5 &lt;b&gt;bliver&lt;/b&gt; nødvendig" in page
    assert "<b>bliver</b>" not in page
    assert "50 %" in page and "125 kr." in page and "35 %" in page


def test_trend_against_an_earlier_register():
    earlier = risk_register_from_items([item("R1", likelihood_residual=2, impact_residual=4), item("R2"),
                                        item("R9")], "previous.csv", YEARS)
    frame = rp.register_frame(risk_of(scenario(), earlier).register).set_index("Id")
    # R1 8 → 12 ↑; R2 9 → 6 ↓; R3 and R5 new; R4 closed
    assert frame["Udvikling"].to_dict() == {"R1": "↑", "R5": "ny", "R2": "↓", "R3": "ny", "R4": "lukket"}
    note = rp.trend_note(ComparedRun(Path("reports") / "<run>", None)).data
    assert "&lt;run&gt;" in note and "<run>" not in note
    assert "den <strong>senest godkendte kørsel 20261101-233000-default (2. nov. 2026)</strong>" in \
        rp.trend_note(PREVIOUS_RUN).data
    assert "ingen tidligere godkendt kørsel" in rp.trend_note(None).data


def test_top_by_expected_value_lists_open_risks_only(risk):
    frame = rp.top_by_expected_value(risk, n=2).data
    assert list(frame["Rang"]) == [1, 2]
    assert list(frame["Id"]) == ["R2", "R1"]
    assert frame["Forventet værdi"].tolist() == pytest.approx([210, 125])
    assert list(rp.top_by_expected_value(risk).data["Id"]) == ["R2", "R1", "R3"]


def test_pool_table_has_a_total(risk):
    frame = rp.pool_table(risk).data
    assert list(frame["Id"].iloc[:3]) == ["R2", "R1", "R3"]
    assert list(frame["År"].iloc[:3]) == ["2026", "2025", "2025–2026"]
    assert frame["Rang"].iloc[-1] == "I alt"
    assert frame["Forventet værdi"].iloc[-1] == pytest.approx(385)


def test_pool_by_year_as_it_enters_the_cost_model():
    frame = rp.pool_by_year_frame(cost_with_risks(scenario())).set_index("Udgiftslinje")
    assert list(frame.columns) == ["2025", "2026", "I alt"]
    # pool: R1 125 in 2025, R2 210 in 2026, R3 50 spread 25 + 25
    assert frame.loc["Risikopulje"].tolist() == pytest.approx([150, 235, 385])
    # mitigation: R1 1000 and the occurred R5 500, both in 2025
    assert frame.loc["Risikoreducerende tiltag"].tolist() == pytest.approx([1500, 0, 1500])
    # the occurred R5's own cost, PERT mean (100 + 4 · 200 + 300) / 6 = 200, in 2025
    assert frame.loc["Indtrufne risici"].tolist() == pytest.approx([200, 0, 200])
    assert frame.loc["I alt"].tolist() == pytest.approx([1850, 235, 2085])


def test_montecarlo_table_in_danish(risk):
    frame = rp.montecarlo_frame(risk)
    assert list(frame["Størrelse"]) == ["Middelværdi", "P50", "P80", "P95", "Basisbudget", "Risikopulje",
                                        "Budget med risikopulje", "Reserve (P80 − budget med risikopulje, mindst 0)"]
    assert frame["Beløb"].tolist() == pytest.approx(risk.summary["value_dkk"].tolist())
    assert frame["Forklaring"].notna().all()
    at_90 = rp.montecarlo_frame(risk_of(scenario(monte_carlo={"iterations": 2_000, "confidence": 0.9})))
    assert at_90["Størrelse"].iloc[-1] == "Reserve (P90 − budget med risikopulje, mindst 0)"
    assert "90 %" in at_90["Forklaring"].iloc[-1]


def test_simulation_text_names_iterations_seed_and_groups():
    correlated = {"iterations": 2_000, "seed": 11,
                  "correlations": {"<Sammen & co>": {"inputs": ["risk.R1", "risk.R2"], "rank_correlation": 0.5}}}
    inputs = scenario(monte_carlo=correlated)
    result = risk_of(inputs)
    text = rp.simulation_text(result, inputs.params.monte_carlo).data
    assert "2.000 udfald" in text and "20240101" not in text and "11" in text
    assert "&lt;Sammen &amp; co&gt;" in text and "<Sammen" not in text
    assert "Risiko R1: Bølge 5 &lt;b&gt;bliver&lt;/b&gt; nødvendig" in text
    assert "ønsket rangkorrelation 0,50" in text
    achieved = float(result.simulation.achieved_rank_correlations["<Sammen & co>"])
    assert f"opnået {number(achieved, 2)}" in text
    # risks that often cost 0 tie, which caps the rank correlation; the report says so when it falls short
    assert ("ens udfald" in text) == (abs(achieved - 0.5) > rp.TIES_NOTE_ABOVE)


def test_a_group_left_with_one_simulated_input_says_it_was_not_used():
    # As when R2's year is booked: R2 is out of the simulation (no sensitivity row), the group is dropped
    # from it (no achieved correlation), and the page must say so rather than end on "opnået".
    correlated = {"iterations": 2_000,
                  "correlations": {"Sammen": {"inputs": ["risk.R1", "risk.R2"], "rank_correlation": 0.5}}}
    inputs = scenario(monte_carlo=correlated)
    result = risk_of(inputs)
    simulation = replace(result.simulation, achieved_rank_correlations=pd.Series(dtype="float64"))
    sensitivity = result.sensitivity[result.sensitivity["input"] != "risk.R2"]
    text = rp.simulation_text(replace(result, simulation=simulation, sensitivity=sensitivity),
                              inputs.params.monte_carlo).data
    assert "R2 (ikke i simuleringen)" in text and "risk.R2" not in text
    assert "ønsket rangkorrelation 0,50" in text
    assert "ikke brugt: færre end to af gruppens input er med i simuleringen" in text and "opnået" not in text


def test_variance_table_largest_share_first(risk):
    frame = rp.variance_frame(risk.sensitivity)
    assert list(frame.columns) == ["Input", "Total ved lavt skøn", "Total ved højt skøn", "Udsving",
                                   "Andel af variansen"]
    assert len(frame) == len(risk.sensitivity)
    assert frame["Andel af variansen"].is_monotonic_decreasing
    assert frame["Andel af variansen"].sum() == pytest.approx(1)


def test_closed_and_occurred_are_listed(risk):
    frame = rp.closed_and_occurred_frame(risk.register)
    assert list(frame["Id"]) == ["R4", "R5"]
    assert list(frame["Status"]) == ["Lukket", "Indtruffet"]
    assert frame["Tiltag"].iloc[0] == "Aftale indgået"
    # the occurred R5's own cost (PERT mean 200) is budgeted as Indtrufne risici; a closed risk has none
    assert frame["Egen udgift"].tolist()[1] == pytest.approx(200)
    assert pd.isna(frame["Egen udgift"].iloc[0])
    assert frame["I budgettet som"].tolist() == ["", "Indtrufne risici"]
    assert "23. jun. 2023" in rp.closed_and_occurred(risk).to_html()


def test_assumptions_show_sources_and_mark_derived_probabilities(risk):
    frame = rp.assumptions_frame(risk.register).set_index("Id")
    assert frame["Sandsynlighed"].to_dict() == {"R1": "50 % *", "R2": "35 %", "R3": "5 % *", "R4": "", "R5": "100 %"}
    assert frame.loc["R1", "Udgift lav / mest sandsynlig / høj"] == "100 / 200 / 600 kr."
    assert frame.loc["R4", "Udgift lav / mest sandsynlig / høj"] == ""
    assert set(frame["Kilde"]) == {"Referat 23.6.2023"}
    assert set(frame["Grundlag for skøn"]) == {"Antagelse"}
    assert "1 → 5 %, 2 → 20 %, 3 → 50 %" in rp.probability_note(risk.settings).data


def test_band_legend_in_band_colours(risk):
    page = rp.band_legend(risk.settings).to_html()
    assert all(name in page for name in ("lav", "middel", "høj", "kritisk"))
    assert "1–4" in page and "15–25" in page and "background-color: #ef9a9a" in page


def test_the_register_flags_overdue_reviews_and_the_report_counts_them(risk):
    from datetime import date

    from kpro_econ.risk.assessment import risk_register_table

    # every risk was reviewed 23 June 2023; on 31 October 2025 the four not closed are overdue
    register = risk_register_table(risk_register_from_items(ITEMS, "params.yaml", YEARS), risk.settings,
                                   reviewed_by=date(2025, 10, 31))
    stale = RiskResult(risk.settings, register, risk.pool, risk.simulation, risk.summary, risk.sensitivity)
    shown = dict(zip(rp.register_frame(register)["Id"], rp.register_frame(register)["Senest vurderet"], strict=True))
    assert shown == {"R1": "23. jun. 2023 (forældet)", "R5": "23. jun. 2023 (forældet)",
                     "R2": "23. jun. 2023 (forældet)", "R3": "23. jun. 2023 (forældet)", "R4": "23. jun. 2023"}
    assert rp.review_note(stale, date(2025, 10, 31)).data == (
        "<p><strong>4 af 4 risici er ikke vurderet i 6 måneder</strong> før 31. okt. 2025; den ældste vurdering "
        "er fra 23. jun. 2023. De er markeret <em>forældet</em> i registret og bør gennemgås med risikoejerne.</p>")


def test_the_risk_report_names_open_risks_whose_year_is_closed():
    # as of 31 October 2026 the year 2025 is closed: R1 (2025) can no longer occur and leaves the pool
    closed = compute_risk(scenario(actuals={"register": "actuals.csv", "as_of": "2026-10-31"}),
                          books=_books_as_of("2026-10-31"))
    assert closed is not None
    assert "R1" not in set(closed.pool["id"])
    costs = pd.DataFrame(columns=["year", "line_code", "kind", "amount_dkk", "basis"])
    text = rp.books_notes(closed, costs, {}).data
    assert text.startswith("<p>Åbne risici i afsluttede år: R1 Bølge 5 &lt;b&gt;bliver&lt;/b&gt; nødvendig (2025). "
                           "Året er afsluttet, så de kan ikke længere indtræffe")


def _books_as_of(as_of: str) -> Any:
    from kpro_econ.model.costs import books_for

    params = small_params(actuals={"register": "actuals.csv", "as_of": as_of})
    actuals = pd.DataFrame({"date": pd.to_datetime([]), "line_code": [], "supplier": [], "reference": [],
                            "amount_dkk": [], "text": []})
    return books_for(params, actuals, change_request_register())
