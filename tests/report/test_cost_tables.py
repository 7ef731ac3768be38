"""The cost report's tables (`report/cost_tables.py`): what an approver reads, on small hand-made results.

Every expected figure is worked out by hand in the test from the inputs it builds, and compared with the
text the table shows (Danish formats), not with the code's own intermediate numbers.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from model_helpers import COSTS, cr, register, small_params
from pandas.io.formats.style import Styler

from kpro_econ.model.assumptions import assumptions
from kpro_econ.report import cost_tables
from kpro_econ.workbook import ScenarioResult

# What the user reads for the cost lines and kinds used below.
FUT_FEE_TEXT, SUPPORT_TEXT, SPOC_TEXT = "Tilslutningsafgift til FUT", "Supportaftale", "FUT SPOC-option"


def shown(styler: Styler) -> tuple[list[str], list[list[str]]]:
    """The table as a reader sees it: the header texts, and each body row's cell texts."""
    page = styler.to_html()
    cells = re.compile(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", re.DOTALL)
    head = page[page.index("<thead>"): page.index("</thead>")]
    body = page[page.index("<tbody>"): page.index("</tbody>")]
    header = [html.unescape(text).strip() for text in cells.findall(head)]
    rows = [[html.unescape(text).strip() for text in cells.findall(row)] for row in body.split("</tr>")[:-1]]
    return header, rows


def result(costs: pd.DataFrame, npv: float = 2_000_000.0) -> ScenarioResult:
    totals = costs.groupby("year")["amount_dkk"].sum()
    return ScenarioResult("Basis", costs, totals, npv, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())


def test_key_figures_speak_of_the_price_level_year_and_the_whole_period() -> None:
    params = small_params()  # years 2025–2026, price level 2025, discount rate 5 %

    table = cost_tables.key_figures(result(COSTS), params)

    assert table.values.tolist() == [
        ["Samlede udgifter 2025", "1.080.000 kr."],
        ["Samlede udgifter 2025–2026", "2.192.000 kr."],  # 1.080.000 + 1.112.000
        ["Gennemsnit pr. år 2025–2026", "1.096.000 kr."],  # 2.192.000 / 2
        ["Nutidsværdi 2025–2026 (5,0 % diskontering)", "2.000.000 kr."],
        ["Tilslutningsafgift til FUT 2025", "600.000 kr."],
        ["Prisniveau", "2025-priser (faste priser)"],
    ]


def test_report_year_is_the_price_level_year_when_budgeted_else_the_first_year() -> None:
    assert cost_tables.report_year(small_params(price_level_year=2026)) == 2026
    assert cost_tables.report_year(small_params(price_level_year=2024)) == 2025


def test_cost_table_has_lines_down_years_across_and_totals_both_ways() -> None:
    header, rows = shown(cost_tables.cost_table(result(COSTS)))

    assert header == ["Udgiftslinje", "Art", "2025", "2026", "I alt"]
    assert rows == [
        [FUT_FEE_TEXT, "Drift", "600.000 kr.", "650.000 kr.", "1.250.000 kr."],
        [SUPPORT_TEXT, "Drift", "420.000 kr.", "462.000 kr.", "882.000 kr."],
        [SPOC_TEXT, "Drift", "60.000 kr.", "0 kr.", "60.000 kr."],
        ["I alt", "", "1.080.000 kr.", "1.112.000 kr.", "2.192.000 kr."],
    ]


def test_cost_table_makes_its_total_row_bold() -> None:
    page = cost_tables.cost_table(result(COSTS)).to_html()
    assert re.search(r"tbody tr:nth-child\(4\)\s*\{\s*font-weight: bold", page)


def test_support_table_shows_the_agreement_and_the_spoc_months_per_year() -> None:
    params = small_params()  # SPOC option active 6 months in 2025, none in 2026

    header, rows = shown(cost_tables.support_table(result(COSTS), params))

    assert header == ["År", "Supportaftale", "FUT SPOC-option, måneder", "FUT SPOC-option", "I alt"]
    assert rows == [
        ["2025", "420.000 kr.", "6", "60.000 kr.", "480.000 kr."],
        ["2026", "462.000 kr.", "0", "0 kr.", "462.000 kr."],
    ]


def test_change_request_table_shows_estimates_pert_means_and_what_enters_the_budget() -> None:
    # Estimates in 2024 prices; the model is in 2025 prices and prices rose 5 % in 2025: factor 1,05.
    params = small_params(change_requests={"items": [], "price_year": 2024})
    requests = register(
        cr("ÆØ-1", "approved", 2025, 1_000, 2_000, 6_000),  # PERT (1.000 + 4 × 2.000 + 6.000) / 6 = 2.500
        cr("ÆØ-2", "proposed", 2026, 600, 1_200, 1_800, approval_probability=0.5),  # PERT 1.200
        cr("ÆØ-3", "rejected", 2025, 100, 100, 100),
        cr("ÆØ-4", "delivered", 2025, 3_000, 3_000, 3_000, actual_cost=5_000),
    )

    header, rows = shown(cost_tables.change_request_table(requests, params))

    assert header == ["Id", "Titel", "Status", "Prioritet", "År", "Estimat (lav / mest sandsynlig / høj)",
                      "PERT-middel", "Sandsynlighed for godkendelse", "Faktisk udgift", "I budgettet (2025-priser)"]
    assert rows == [
        ["ÆØ-1", "ÆØ-1", "Godkendt", "middel", "2025", "1.000 / 2.000 / 6.000", "2.500 kr.", "", "",
         "2.625 kr."],  # 2.500 × 1,05
        ["ÆØ-2", "ÆØ-2", "Foreslået", "middel", "2026", "600 / 1.200 / 1.800", "1.200 kr.", "50,0 %", "",
         "630 kr."],  # 0,5 × 1.200 × 1,05
        ["ÆØ-3", "ÆØ-3", "Afvist", "middel", "2025", "100 / 100 / 100", "100 kr.", "", "", "0 kr."],
        ["ÆØ-4", "ÆØ-4", "Leveret", "middel", "2025", "3.000 / 3.000 / 3.000", "3.000 kr.", "", "5.000 kr.",
         "5.250 kr."],  # the actual cost, 5.000 × 1,05
    ]


def test_change_request_titles_are_escaped() -> None:
    requests = register({**cr("ÆØ-1", "approved", 2025, 1, 2, 3), "title": "<b>fed</b> & ny"})

    page = cost_tables.change_request_table(requests, small_params()).to_html()

    assert "&lt;b&gt;fed&lt;/b&gt; &amp; ny" in page
    assert "<b>fed</b>" not in page


def test_scenario_table_names_the_columns_in_danish_and_formats_kroner() -> None:
    comparison = pd.DataFrame({"scenario": ["Basis", "Høj"], "total_dkk": [1_234_567.4, 2_000_000.6],
                               "npv_dkk": [1_100_000.0, 1_800_000.0]})

    header, rows = shown(cost_tables.scenario_table(comparison))

    assert header == ["Scenarie", "I alt", "Nutidsværdi"]
    assert rows == [["Basis", "1.234.567 kr.", "1.100.000 kr."], ["Høj", "2.000.001 kr.", "1.800.000 kr."]]


def test_allocation_extremes_are_the_most_and_the_least_paying_in_the_year() -> None:
    allocation = pd.DataFrame(
        [
            (2025, "Aalborg", "Region Nordjylland", 0.5, 500.0),
            (2025, "Læsø", "Region Nordjylland", 0.1, 100.0),
            (2025, "Aarhus", "Region Midtjylland", 0.4, 400.0),
            (2026, "Læsø", "Region Nordjylland", 0.9, 9_000.0),  # another year: not shown
        ],
        columns=["year", "municipality", "region", "share", "amount_dkk"],
    )

    most, least = cost_tables.allocation_extremes(allocation, 2025, n=2)

    assert shown(most) == (["Kommune", "Region", "Andel", "Beløb"], [
        ["Aalborg", "Region Nordjylland", "50,00 %", "500 kr."],
        ["Aarhus", "Region Midtjylland", "40,00 %", "400 kr."],
    ])
    assert shown(least)[1] == [  # least first
        ["Læsø", "Region Nordjylland", "10,00 %", "100 kr."],
        ["Aarhus", "Region Midtjylland", "40,00 %", "400 kr."],
    ]


def test_assumptions_table_shows_each_figure_in_its_unit_with_price_year_and_source() -> None:
    params = small_params(discount_rate={"value": 0.035, "source": "Finansministeriet <2024>"})

    header, rows = shown(cost_tables.assumptions_table(assumptions(params)))

    assert header == ["Forudsætning", "Værdi", "Prisår", "Kilde", "Bemærkning"]
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Diskonteringsrente (real)"] == ["3,5 %", "", "Finansministeriet <2024>", ""]
    assert by_name["Supportaftale, årlig pris"] == ["400.000 kr.", "2024", "kilde mangler", ""]
    # a three-point figure: its PERT mean (400.000 + 4 × 500.000 + 900.000) / 6 = 550.000, then the three
    assert by_name["Vederlag for infrastruktur og samarbejde 2026"][0] == (
        "550.000 kr. (lav 400.000 kr., mest sandsynlig 500.000 kr., høj 900.000 kr.)"
    )
    assert by_name["Supportpris, ændring ved genforhandling"][0] == (
        "10,0 % (lav 0,0 %, mest sandsynlig 10,0 %, høj 20,0 %)"  # (0 + 4 × 0,1 + 0,2) / 6 = 0,1
    )
    assert by_name["Systemforvaltning, egne årsværk"][0] == "2,00"  # below 10: two decimals
    assert by_name["FUT-afgift, Telma"][0] == "0,50"


def municipalities(sample: list[bool]) -> pd.DataFrame:
    return pd.DataFrame({"code": range(len(sample)), "citizens_is_sample": sample,
                         "citizens_source": ["Danmarks Statistik, FOLK1A <2024K3>"] * len(sample)})


def test_sample_citizen_counts_give_a_visible_warning_that_counts_them() -> None:
    notice = cost_tables.sample_data_notice(municipalities([True, False, True])).data
    assert "Advarsel: eksempeldata." in notice
    assert "Indbyggertallet for 2 af 3 kommuner er eksempeldata" in notice


def test_official_citizen_counts_name_their_source_escaped() -> None:
    notice = cost_tables.sample_data_notice(municipalities([False, False])).data
    assert notice == "<p>Indbyggertal: Danmarks Statistik, FOLK1A &lt;2024K3&gt;.</p>"


@pytest.mark.parametrize(("key", "payers", "expected"), [
    ("population", "all", "fordeles efter indbyggertal; alle 98 kommuner betaler."),
    ("equal", "live", "fordeles ligeligt, så hver kommune betaler det samme; kun kommuner, der er gået i drift"),
    ("kombit", "all", "efter KOMBIT's infrastrukturprismodel (indbyggere op til 150.000 tæller fuldt, resten halvt)"),
])
def test_allocation_text_says_how_the_cost_is_split(key: str, payers: str, expected: str) -> None:
    params = small_params(allocation={"key": key, "payers": payers, "municipalities": "m.csv"})
    assert expected in cost_tables.allocation_text(params).data
