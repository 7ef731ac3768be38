"""The steering summary's figures and texts, from small hand-made run tables."""

from __future__ import annotations

import pandas as pd
import pytest
from model_helpers import small_params

from kpro_econ.params.codes import CostLineCode, Headline
from kpro_econ.records.run_records import Approval, RunApprovals
from kpro_econ.report import steering

# Fees and change requests, 2025 and 2026 (the other scenario's rows must not count).
ECONOMY_ROWS = [
    (2025, "solution_fee", "drift", 1000.0), (2026, "solution_fee", "drift", 1100.0),
    (2025, "infrastructure_fee", "drift", 400.0), (2026, "infrastructure_fee", "drift", 410.0),
    (2025, "cr_approved", "engangs", 70.0), (2026, "cr_approved", "engangs", 30.0),
    (2025, "cr_pipeline", "engangs", 5.0), (2026, "cr_pipeline", "engangs", 6.0),
]
ECONOMY_TOTAL = sum(row[3] for row in ECONOMY_ROWS)


def tables() -> dict[str, pd.DataFrame]:
    costs = pd.DataFrame(
        [("Basis", 2025, "support", "drift", 100.0), ("Basis", 2026, "support", "drift", 200.0),
         ("Basis", 2025, "risk_pool", "engangs", 50.0), ("Andet", 2025, "support", "drift", 999.0)]
        + [("Basis", year, line, kind, amount) for year, line, kind, amount in ECONOMY_ROWS],
        columns=["scenario", "year", "line_code", "kind", "amount_dkk"],
    )
    register = pd.DataFrame({
        "id": ["R1", "R2", "R3"], "title": ["Bølge 5", "Support", "Gammel"], "owner": ["Program", "SF", "SF"],
        "status": ["open", "open", "closed"], "band_residual": ["høj", "lav", "lav"],
        "expected_value_dkk": [30.0, 20.0, 0.0], "trend": ["up", None, "closed"], "score_residual": [12, 4, 2],
        "mitigation": ["Overblik over parathed", None, "Aftale"],
    })
    return {
        "cost_by_year": costs,
        "scenario_comparison": pd.DataFrame({"scenario": ["Basis", "Andet"], "npv_dkk": [333.0, 999.0]}),
        "risk_pool": pd.DataFrame({"id": ["R1", "R2"], "title": ["Bølge 5", "Support"],
                                   "expected_value_dkk": [30.0, 20.0]}),
        "montecarlo_summary": pd.DataFrame({"statistic": ["P80", "base", "contingency"],
                                            "value_dkk": [380.0, 300.0, 80.0]}),
        "risk_register": register,
    }


def test_headline_values_are_the_base_scenarios():
    headlines = steering.headline_values(tables(), small_params())
    # small_params: years 2025–2026 at 2025 prices, so "this year" is 2025: 100 + 50
    # the economy rows add 1000 + 400 + 70 + 5 in 2025 and the rest in 2026
    assert headlines.values == {
        Headline.COSTS_IN_YEAR: 150.0 + 1475.0,
        Headline.COSTS_TOTAL: 350.0 + ECONOMY_TOTAL,
        Headline.NET_PRESENT_VALUE: 333.0,
        Headline.RISK_POOL: 50.0,
        Headline.RESERVE: 80.0,
    }
    assert list(headlines.labels.values()) == [
        "Udgifter 2025", "Udgifter i alt 2025–2026", "Nutidsværdi 2025–2026",
        "Risikopulje (forventet værdi af det, der endnu kan ske)", "Reserve, så budgettet holder i 80 % af udfaldene",
    ]


@pytest.mark.parametrize(("basis", "label"), [
    ("forecast", "Forventet regnskab 2025 (bogført + resten af året)"),
    ("booked", "Regnskab 2025 (bogført)"),
    ("estimated", "Udgifter 2025 (skøn)"),
])
def test_the_years_figure_says_what_it_rests_on(basis: str, label: str):
    with_basis = {**tables(), "cost_by_year": tables()["cost_by_year"].assign(basis=basis)}
    headlines = steering.headline_values(with_basis, small_params())
    assert headlines.labels[Headline.COSTS_IN_YEAR] == label
    assert headlines.values[Headline.COSTS_IN_YEAR] == 150.0 + 1475.0  # the same figure, only named


def _headlines(costs: float, pool: float) -> steering.Headlines:
    labels = {Headline.COSTS_IN_YEAR: "Udgifter 2025", Headline.RISK_POOL: "Risikopulje"}
    return steering.Headlines({Headline.COSTS_IN_YEAR: costs, Headline.RISK_POOL: pool}, labels)


def test_headline_table_shows_the_change_since_the_last_approved_run():
    values = _headlines(150.0, 50.0)
    table = steering.headline_table(values, _headlines(100.0, 50.0))
    assert table["Nøgletal"].tolist() == ["Udgifter 2025", "Risikopulje"]
    assert table[steering.CHANGE].tolist() == [50.0, 0.0]
    assert steering.CHANGE not in steering.headline_table(values, None).columns
    # the styled table of a first run (nothing approved before) renders, amounts formatted
    assert "150 kr." in steering.headline_styled(values, None).to_html()
    assert "+50 kr." in steering.headline_styled(values, _headlines(100.0, 50.0)).to_html()


def test_top_risks_are_open_by_expected_value():
    top = steering.top_risks(tables(), n=5)
    assert top["id"].tolist() == ["R1", "R2"]
    assert top["expected_value_dkk"].tolist() == [30.0, 20.0]
    assert top["trend"].iloc[0] == "up" and pd.isna(top["trend"].iloc[1])
    assert top["mitigation"].tolist() == ["Overblik over parathed", ""]
    assert top["owner"].tolist() == ["Program", "SF"]
    shown = steering.top_risks_shown(top)
    assert list(shown.columns) == ["Id", "Risiko", "Ejer", "Tiltag", "Niveau", "Forventet værdi", "Udvikling"]
    assert shown["Forventet værdi"].tolist() == ["30 kr.", "20 kr."]
    assert shown["Udvikling"].tolist() == ["↑", ""]


def test_the_summary_leaves_out_the_band_and_a_trend_column_with_nothing_in_it():
    with_trend = steering.top_risks_styled(tables()).to_html()
    assert "Udvikling" in with_trend and "Niveau" not in with_trend
    no_trend = tables()
    no_trend["risk_register"] = no_trend["risk_register"].assign(trend=None)
    assert "Udvikling" not in steering.top_risks_styled(no_trend).to_html()


def test_the_economy_block_shows_fees_in_the_report_year_and_change_requests_over_the_years():
    economy = steering.economy(tables(), small_params())
    assert economy.values.tolist() == [
        ["Vederlag for løsningen 2025", 1000.0],
        ["Vederlag for infrastruktur og samarbejde 2025", 400.0],
        ["Ændringsønsker, godkendte 2025–2026", 100.0],
        ["Ændringsønsker, foreslåede (forventet) 2025–2026", 11.0],
    ]
    assert "1.000 kr." in steering.economy_styled(tables(), small_params()).to_html()


def test_the_status_sentence_says_what_the_run_holds():
    draft = steering.status_sentence(None)
    assert "afventer intern godkendelse" in draft and "er godkendt" not in draft
    helen = _approval("Helen", "Kontorchef", "SIG")
    approved = steering.status_sentence(RunApprovals(run_id="r", required=1, approvals=[helen]))
    assert approved == "Rapporten er godkendt internt i Digitalisering og IT 25. nov. 2026 af Helen (Kontorchef)."
    assert "afventer" not in approved
    # four eyes: one of two approvals is still a draft, and says so
    half = steering.status_sentence(RunApprovals(run_id="r", required=2, approvals=[helen]))
    assert "afventer intern godkendelse" in half and "er godkendt" not in half


def test_risk_changes_name_new_closed_moved_and_removed_risks():
    current = tables()["risk_register"]
    previous = pd.DataFrame({
        "id": ["R1", "R3", "R9"], "title": ["Bølge 5", "Gammel", "Fjernet"],
        "status": ["open", "open", "open"], "score_residual": [9, 2, 6],
    })
    changes = steering.risk_changes(current, previous)
    assert changes.values.tolist() == [
        ["R1", "Bølge 5", "score 9 → 12"],
        ["R2", "Support", "ny"],
        ["R3", "Gammel", "lukket"],
        ["R9", "Fjernet", "fjernet fra registret"],
    ]
    assert steering.risk_changes(current, None).empty


def _approval(name: str, role: str | None, signature: str | None) -> Approval:
    return Approval(run_id="r", manifest_sha256="0" * 64, code_fingerprint="1" * 64, identity=f"{name}@x",
                    name=name, role=role, approved_at="2026-11-25T10:00:00+00:00", signature=signature)


def test_the_approval_stamp_or_the_draft_mark():
    assert steering.DRAFT_MARK in steering.approval_stamp(None).data
    helen = _approval("<b>Helen</b>", "Kontorchef", "SIG")
    stamp = steering.approval_stamp(RunApprovals(run_id="r", required=1, approvals=[helen])).data
    assert "&lt;b&gt;Helen&lt;/b&gt; (Kontorchef)" in stamp and steering.DRAFT_MARK not in stamp
    assert "usigneret" not in stamp
    # Four eyes: one of two approvals is still a draft; both are named once both have approved.
    half = RunApprovals(run_id="r", required=2, approvals=[helen])
    assert steering.DRAFT_MARK in steering.approval_stamp(half).data
    both = RunApprovals(run_id="r", required=2, approvals=[helen, _approval("Bent", None, None)])
    stamp = steering.approval_stamp(both).data
    assert "(Kontorchef) og Bent (usigneret)" in stamp and steering.DRAFT_MARK not in stamp


def test_sentences_are_written_from_the_numbers():
    values = steering.headline_values(tables(), small_params())
    previous = steering.Headlines({**values.values, Headline.COSTS_TOTAL: 3321.0}, values.labels)
    sentences = steering.generated_sentences(values, previous, tables(), small_params())
    assert sentences[0] == "De samlede udgifter til Kommunal PRO i 2025–2026 er opgjort til 3.371 kr. i 2025-priser."
    assert "Risikopuljen udgør 50 kr. fordelt på 2 risici; den største er Bølge 5 (R1)." in sentences
    assert sentences[-1] == "De samlede udgifter er steget med 50 kr. siden sidst godkendte rapport."


@pytest.mark.parametrize(("amount", "text"), [(0.4, "uændret"), (1234.0, "+1.234 kr."), (-50.0, "−50 kr.")])
def test_signed_changes(amount, text):
    assert steering._signed_kr(amount) == text


def test_occurred_risks_are_named_with_their_trigger_and_the_budget_line():
    with_occurred = tables()
    register = with_occurred["risk_register"]
    with_occurred["risk_register"] = pd.concat([register, pd.DataFrame({
        "id": ["R9", "R8"], "title": ["Bølge 5 <nu>", "Spill over"], "owner": ["Program", "Program"],
        "status": ["occurred", "occurred"], "band_residual": ["høj", "høj"], "expected_value_dkk": [0.0, 0.0],
        "trend": [None, None], "score_residual": [12, 12], "mitigation": ["", ""], "trigger": ["wave5", None],
        "booked_in": ["wave_route", "occurred_risks"], "cost_mean": [900.0, 700.0],
    })], ignore_index=True)
    # R9's cost is the chosen route's line (1,500 in the base scenario), not its own estimate of 900
    with_occurred["cost_by_year"] = pd.concat([with_occurred["cost_by_year"], pd.DataFrame(
        [("Basis", 2025, CostLineCode.WAVE_ROUTE, "engangs", 1500.0),
         ("Andet", 2025, CostLineCode.WAVE_ROUTE, "engangs", 1.0)],
        columns=["scenario", "year", "line_code", "kind", "amount_dkk"])], ignore_index=True)
    note = steering.occurred_note(with_occurred).data
    assert note == ("<p>Indtrufne risici, nu i budgettet: R8 Spill over, som indtrufne risici: 700 kr.; "
                    "R9 Bølge 5 &lt;nu&gt; (udløst: bølge 4 ikke klar ≥ tærsklen for bølge 5), "
                    "som bølge 5 eller bilateralt: 1.500 kr.</p>")
    # once their year is closed, the books speak: R9's route booked nothing, R8 booked 650
    closed = {**with_occurred, "risk_register": with_occurred["risk_register"].assign(proximity=2025),
              "cost_by_year": with_occurred["cost_by_year"].assign(basis="booked")}
    closed["cost_by_year"].loc[closed["cost_by_year"]["line_code"] == CostLineCode.WAVE_ROUTE, "amount_dkk"] = 0.0
    closed["cost_by_year"] = pd.concat([closed["cost_by_year"], pd.DataFrame(
        [("Basis", 2025, CostLineCode.OCCURRED_RISKS, "engangs", 650.0, "booked")],
        columns=["scenario", "year", "line_code", "kind", "amount_dkk", "basis"])], ignore_index=True)
    assert steering.occurred_note(closed).data == (
        "<p>Indtrufne risici i afsluttede år: R8 Spill over: bogført 650 kr. på indtrufne risici i 2025.</p>"
        "<p>Indtrufne risici i afsluttede år uden bogføring (det skete ikke, eller det er bogført på en anden "
        "linje): R9 Bølge 5 &lt;nu&gt; (udløst: bølge 4 ikke klar ≥ tærsklen for bølge 5; bølge 5 eller bilateralt, "
        "2025).</p>")
    # neither occurred risk is among the largest open ones
    assert steering.top_risks(with_occurred)["id"].tolist() == ["R1", "R2"]
    assert steering.occurred_note(tables()).data == ""


def test_a_chart_in_the_summary_is_a_vector_image_at_its_own_size_with_its_own_alt_text():
    import base64
    import re

    from kpro_econ.params.models import RiskSettings
    from kpro_econ.report.risk_charts import residual_heat_map

    register = tables()["risk_register"].assign(likelihood_residual=[3, 1, 1], impact_residual=[4, 4, 1])
    html = steering.side_by_side(("Risici efter tiltag", residual_heat_map(register, RiskSettings().bands))).data
    image = re.search(r'<img class="kpro-chart" alt="([^"]*)" width="(\d+)" height="(\d+)" '
                      r'src="data:image/svg\+xml;base64,([^"]+)">', html)
    assert image, html[:300]
    alt, width, height, data = image.groups()
    # 3 × 4 = 12 is høj, 1 × 4 = 4 lav; R3 is closed. The alt text escaped in the attribute.
    assert alt == "Diagram: Åbne risici efter tiltag. Kritisk: ingen; Høj: R1; Middel: ingen; Lav: R2."
    assert (int(width), int(height)) == (318, 168)  # CSS pixels: 84 × 44 mm, the size it is drawn at
    svg = base64.b64decode(data).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and 'width="238.5pt"' in svg  # 318 px = 238,5 pt
    again = steering.side_by_side(("Risici efter tiltag", residual_heat_map(register, RiskSettings().bands))).data
    assert again == html  # the same run gives the same page: no date, no random ids


# --- sagsfremstilling and indstilling, what is still to come, stale reviews, the KPI's extract --------

def _route_row(**changes: object) -> pd.DataFrame:
    row = {"not_ready": 16, "threshold": 15, "break_even": 13, "route": "wave5", "year": 2025,
           "cost_mean_dkk": 920.0, "wave5_dkk": 920.0, "bilateral_dkk": 960.0, "decided": False,
           "decided_on": pd.NaT, "deadline": pd.Timestamp("2024-09-30"), "to_come": False, **changes}
    return pd.DataFrame([row])


def test_the_indstilling_marks_each_point_with_its_art():
    params = small_params(actuals={"register": "actuals.csv", "as_of": "2025-10-31"},
                          risk={"items": [], "review_months": 6})
    with_route = {**tables(), "wave_route_decision": _route_row(),
                  "risk_register": tables()["risk_register"].assign(
                      last_reviewed=pd.to_datetime(["2023-06-23", "2025-09-01", "2023-01-01"]),
                      review_overdue=[True, False, False])}
    items = steering.recommendation_items(with_route, params)
    assert items == [
        ("Orientering", steering.DEFAULT_RECOMMENDATION),
        ("Beslutning", "Bølge 5 eller bilateralt (16 kommuner fra bølge 4 ikke klar): indstillet bølge 5, 920 kr. "
                       "(bilateralt 960 kr.; lige dyrt ved 13). Frist 30. sep. 2024 (overskredet). 2025 er afsluttet: "
                       "valget flytter ingen kommende udgifter."),
        # R3 is closed: of the two others, R1 was last reviewed more than 6 months before 31 October 2025
        ("Drøftelse", "1 af 2 risici er ikke vurderet i 6 måneder (ældste 23. jun. 2023); registret gennemgås med "
                      "ejerne."),
    ]
    page = steering.recommendation(with_route, params).data
    assert page.startswith('<ul class="kpro-items"><li><strong>Orientering:</strong> ')
    # decided: nothing left to decide, no stale review: only the orientation
    decided = {**tables(), "wave_route_decision": _route_row(decided=True)}
    assert [art for art, _ in steering.recommendation_items(decided, params)] == ["Orientering"]


def test_top_risks_are_those_still_to_come_and_the_others_are_named():
    # R1's year is closed (nothing to come); R2 has half its expected value of 20 still to come
    register = tables()["risk_register"].assign(share_to_come=[0.0, 0.5, 1.0], proximity=[2024, None, None])
    gone = {**tables(), "risk_register": register}
    top = steering.top_risks(gone)
    assert top["id"].tolist() == ["R2"] and top["expected_value_dkk"].tolist() == [10.0]
    assert steering.closed_years_note(register, titles=False).data == (
        "<p>Åbne risici fra afsluttede år (R1) kan ikke længere indtræffe og er ude af risikopuljen.</p>")
    assert steering.closed_years_note(register).data.startswith(
        "<p>Åbne risici i afsluttede år: R1 Bølge 5 (2024). Året er afsluttet, så de kan ikke længere indtræffe")


def test_a_route_in_a_closed_year_with_nothing_booked_is_named():
    costs = pd.DataFrame([("Basis", 2025, "wave_route", "engangs", 0.0, "booked"),
                          ("Basis", 2025, "support", "drift", 100.0, "booked")],
                         columns=["scenario", "year", "line_code", "kind", "amount_dkk", "basis"])
    closed = {**tables(), "cost_by_year": costs, "wave_route_decision": _route_row()}
    assert steering.occurred_note(closed).data == (
        "<p>Bølge 5 eller bilateralt: 2025 er afsluttet uden bogføring på linjen (det skete ikke, eller det er "
        "bogført på en anden linje).</p>")
    booked = {**closed, "cost_by_year": costs.assign(amount_dkk=[700.0, 100.0])}
    assert steering.occurred_note(booked).data == "<p>Bølge 5 eller bilateralt: bogført 700 kr. i 2025.</p>"


def test_the_kpi_strip_names_the_extract_and_warns_when_it_postdates_the_decision():
    month = pd.Timestamp("2025-10-01")
    kpis = {
        "kpi_availability": pd.DataFrame({"month": [month], "availability": [0.999], "target": [0.995]}),
        "kpi_support_by_channel": pd.DataFrame({"month": [month], "channel": ["staff"], "requests": [10]}),
        "kpi_adoption_by_month": pd.DataFrame({"month": [month], "live_municipalities": [90]}),
        "kpi_wave5_decision": pd.DataFrame({"month": [month], "not_ready": [16], "threshold": [15],
                                            "decision": ["wave5"]}),
    }
    strip = dict(steering.kpi_strip({**tables(), **kpis, "wave_route_decision": _route_row()}).values.tolist())
    assert "Tilgængelighed okt. 2025" in strip
    assert strip["Bølge 4 ikke klar (udtræk okt. 2025)"] == (
        "16 (tærskel 15): Bølge 5 – udtræk efter fristen 30. sep. 2024")
    in_time = {**tables(), **kpis, "wave_route_decision": _route_row(deadline=pd.Timestamp("2025-12-31"))}
    assert dict(steering.kpi_strip(in_time).values.tolist())["Bølge 4 ikke klar (udtræk okt. 2025)"] == (
        "16 (tærskel 15): Bølge 5")
