"""Bad risk registers through the command line: exit code 2, one line per problem naming the file,
the row's line and the field, and for `run` nothing written under `--out`.

As in test_bad_input.py, each case copies params/default.yaml and data/ into a temporary folder, breaks
one thing in the risk register (CSV, semicolon CSV, XLSX or inline `risk.items`) or in the correlation
groups that refer to it, and runs `kpro-econ` there (see cli_cases.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_cases import (
    PARAMS,
    Case,
    Expect,
    assert_nothing_written,
    assert_refused,
    copy_project,
    line_of,
    read_rows,
    replace_once,
    run_refuses,
    script_marked,
    validate,
    validate_refuses,
    write_rows,
)
from openpyxl import Workbook

RISKS = "data/risk_register.csv"
RISKS_XLSX = "data/risk_register.xlsx"
NUMBER_COLUMNS = ("mitigation_cost", "probability", "cost_low", "cost_mode", "cost_high")


def _set(root: Path, risk_id: str, **cells: str) -> int:
    """Set cells of risk `risk_id` in the CSV register; return the row's line (the header is line 1)."""
    rows = read_rows(root / RISKS)
    header = rows[0]
    (index,) = [i for i, row in enumerate(rows) if i and row[0] == risk_id]
    for column, value in cells.items():
        rows[index][header.index(column)] = value
    write_rows(root / RISKS, rows)
    return index + 1


# --- one cell of the CSV register ---------------------------------------------------------------

def likelihood_inherent_0(root: Path) -> Expect:
    line = _set(root, "R03", likelihood_inherent="0")
    return Expect(RISKS, "likelihood_inherent", "skal være et helt tal fra 1 til 5 (fik 0)", line)


def likelihood_residual_6(root: Path) -> Expect:
    line = _set(root, "R03", likelihood_residual="6")
    return Expect(RISKS, "likelihood_residual", "skal være et helt tal fra 1 til 5 (fik 6)", line)


def impact_inherent_7(root: Path) -> Expect:
    line = _set(root, "R02", impact_inherent="7")
    return Expect(RISKS, "impact_inherent", "skal være et helt tal fra 1 til 5 (fik 7)", line)


def impact_residual_0(root: Path) -> Expect:
    line = _set(root, "R11", impact_residual="0")
    return Expect(RISKS, "impact_residual", "skal være et helt tal fra 1 til 5 (fik 0)", line)


def likelihood_not_whole(root: Path) -> Expect:
    line = _set(root, "R10", likelihood_inherent="2.5")
    return Expect(RISKS, "likelihood_inherent", "ikke et heltal (fik '2.5')", line)


def probability_above_1(root: Path) -> Expect:
    line = _set(root, "R04", probability="1.5")
    return Expect(RISKS, "probability", "må højst være 1 (fik 1.5)", line)


def probability_negative(root: Path) -> Expect:
    line = _set(root, "R04", probability="-0.1")
    return Expect(RISKS, "probability", "skal være mindst 0 (fik -0.1)", line)


def cost_low_above_mode(root: Path) -> Expect:
    line = _set(root, "R05", cost_low="200000")  # mode 150000
    return Expect(RISKS, "cost_mode", "må ikke være mindre end cost_low (200.000) (fik 150000)", line)


def cost_mode_above_high(root: Path) -> Expect:
    line = _set(root, "R05", cost_mode="500000")  # high 400000
    return Expect(RISKS, "cost_high", "må ikke være mindre end cost_mode (500.000) (fik 400000)", line)


def non_numeric_cost(root: Path) -> Expect:
    line = _set(root, "R10", cost_high="600 tkr")
    return Expect(RISKS, "cost_high", "ikke et tal med decimalpunktum, som filen bruger", line)


def negative_mitigation_cost(root: Path) -> Expect:
    line = _set(root, "R10", mitigation_cost="-5000")
    return Expect(RISKS, "mitigation_cost", "skal være mindst 0 (fik -5000)", line)


def unknown_status(root: Path) -> Expect:
    line = _set(root, "R06", status="åbn")
    return Expect(RISKS, "status", "ukendt status; skriv en af open (åben), closed (lukket), occurred (indtruffet) "
                  "– mente du 'åben'? (fik 'åbn')", line)


def unknown_category(root: Path) -> Expect:
    line = _set(root, "R06", category="teknik")
    return Expect(RISKS, "category", "skal være en af: drift, økonomi, leverance", line)


def duplicate_id(root: Path) -> Expect:
    first = line_of(root / RISKS, "R01,")
    line = _set(root, "R07", id="R01")
    return Expect(RISKS, "id", f"står to gange: samme id som på linje {first} (fik 'R01')", line)


def open_risk_without_owner(root: Path) -> Expect:
    line = _set(root, "R08", owner="")
    return Expect(RISKS, "owner", "skal udfyldes, men er tom (påkrævet for en åben risiko)", line)


def blank_title(root: Path) -> Expect:
    line = _set(root, "R12", title="")
    return Expect(RISKS, "title", "skal udfyldes, men er tom", line)


def proximity_outside_budget_years(root: Path) -> Expect:
    line = _set(root, "R08", proximity="2030")
    return Expect(RISKS, "proximity", "skal være et af budgetårene 2024–2028 eller tom (fik 2030)", line)


def proximity_before_2000(root: Path) -> Expect:
    # Outside the years the model accepts at all, yet the controller's fix is the same: a budget year.
    line = _set(root, "R08", proximity="1999")
    return Expect(RISKS, "proximity", "skal være et af budgetårene 2024–2028 eller tom (fik 1999)", line)


def bad_last_reviewed(root: Path) -> Expect:
    line = _set(root, "R09", last_reviewed="2023-02-30")
    return Expect(RISKS, "last_reviewed",
                  "ikke en gyldig dato; den dag findes ikke (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ, "
                  "fx 2024-03-31 eller 31-03-2024) (fik '2023-02-30')",
                  line)


def last_reviewed_in_words(root: Path) -> Expect:
    line = _set(root, "R09", last_reviewed="juni 2023")
    return Expect(RISKS, "last_reviewed", "ikke en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ", line)


# --- the header, the file format ----------------------------------------------------------------

def missing_required_column(root: Path) -> Expect:
    rows = read_rows(root / RISKS)
    drop = rows[0].index("last_reviewed")
    write_rows(root / RISKS, [row[:drop] + row[drop + 1:] for row in rows])
    return Expect(RISKS, "last_reviewed", "kolonnen mangler; den skal være med", 1)


def misspelt_column(root: Path) -> Expect:
    replace_once(root / RISKS, ",probability,", ",probabilty,")
    return Expect(RISKS, "probabilty", "ukendt kolonne – mente du 'probability'?", 1)


def decimal_comma_file_with_a_point(root: Path) -> Expect:
    # As Danish Excel saves it: semicolons and decimal comma; R04's probability keeps an English point.
    rows = read_rows(root / RISKS)
    numbers = [rows[0].index(c) for c in NUMBER_COLUMNS]
    for row in rows[1:]:
        for i in numbers:
            row[i] = row[i].replace(".", ",")
    (index,) = [i for i, row in enumerate(rows) if row[0] == "R04"]
    rows[index][rows[0].index("probability")] = "0.6"
    write_rows(root / RISKS, rows, delimiter=";")
    return Expect(RISKS, "probability", "ikke et tal med decimalkomma, som filen bruger (fx 386.708,50) "
                  "(fik '0.6')", index + 1)


def xlsx_register_bad_cell(root: Path) -> Expect:
    rows = read_rows(root / RISKS)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(rows[0])
    for row in rows[1:]:  # numbers as numbers, as Excel keeps them
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    (index,) = [i for i, row in enumerate(rows) if row[0] == "R06"]
    sheet.cell(row=index + 1, column=rows[0].index("impact_inherent") + 1, value="høj")
    workbook.save(root / RISKS_XLSX)
    replace_once(root / PARAMS, "../data/risk_register.csv", "../data/risk_register.xlsx")
    return Expect(RISKS_XLSX, "impact_inherent", "ikke et heltal (fik 'høj')", index + 1)


# --- the params file ----------------------------------------------------------------------------

_ITEM = """\
    - id: {id}
      title: {title}
      category: support
      owner: Systemforvaltningen
      likelihood_inherent: 4
      impact_inherent: 3
      likelihood_residual: 3
      impact_residual: {impact_residual}
      status: open
      proximity: 2024
      cost_low: 100000
      cost_mode: 250000
      cost_high: 600000
      last_reviewed: 2023-06-23
"""


def inline_item_out_of_range(root: Path) -> Expect:
    items = (_ITEM.format(id="R03", title="Stort supportpres fra bølge 4", impact_residual=3)
             + _ITEM.format(id="R05", title="Supportvolumen og 2024-prisen er ukendt", impact_residual=7))
    replace_once(root / PARAMS, "  register: ../data/risk_register.csv\n", "  items:\n" + items)
    # The line of the key itself, not of its item's first line.
    line = (line_of(root / PARAMS, "    - id: R05")
            + _ITEM.splitlines().index("      impact_residual: {impact_residual}"))
    return Expect(PARAMS, "risk.items.1.impact_residual", "skal være et helt tal fra 1 til 5 (fik 7)", line)


def correlation_with_unknown_risk(root: Path) -> Expect:
    replace_once(root / PARAMS, "risk.R03, risk.R05]", "risk.R03, risk.R50]")
    line = line_of(root / PARAMS, "      inputs: [support.renegotiation.change")  # the group's inputs
    return Expect(PARAMS, "monte_carlo.correlations.Supportpres.inputs",
                  "ikke et usikkert input i modellen (et trepunktsestimat med low < high", line)


def correlation_with_closed_risk(root: Path) -> Expect:
    replace_once(root / PARAMS, "risk.R03, risk.R05]", "risk.R03, risk.R14]")  # R14 is closed: no cost
    line = line_of(root / PARAMS, "      inputs: [support.renegotiation.change")
    return Expect(PARAMS, "monte_carlo.correlations.Supportpres.inputs",
                  "eller en åben risiko, risk.<id>) (fik 'risk.R14')", line)


CASES: list[Case] = [
    likelihood_inherent_0, likelihood_residual_6, impact_inherent_7, impact_residual_0, likelihood_not_whole,
    probability_above_1, probability_negative, cost_low_above_mode, cost_mode_above_high, non_numeric_cost,
    negative_mitigation_cost, unknown_status, unknown_category, duplicate_id, open_risk_without_owner,
    blank_title, proximity_outside_budget_years, proximity_before_2000, bad_last_reviewed, last_reviewed_in_words,
    missing_required_column, misspelt_column, decimal_comma_file_with_a_point, xlsx_register_bad_cell,
    inline_item_out_of_range, correlation_with_unknown_risk, correlation_with_closed_risk,
]
RUN_CASES: list[Case] = [likelihood_inherent_0, duplicate_id, decimal_comma_file_with_a_point, xlsx_register_bad_cell,
                         inline_item_out_of_range, correlation_with_unknown_risk]
SCRIPT_RUN_CASES = {xlsx_register_bad_cell}  # through the installed `kpro-econ` script


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_validate_refuses(case: Case, tmp_path: Path) -> None:
    validate_refuses(case, tmp_path)


@pytest.mark.parametrize("case", script_marked(RUN_CASES, SCRIPT_RUN_CASES), ids=lambda case: case.__name__)
def test_run_refuses_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    assert_nothing_written(run_refuses(case, tmp_path, script=case in SCRIPT_RUN_CASES))


def test_all_problems_in_the_register_are_reported_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    expected = [likelihood_residual_6(root), unknown_category(root), proximity_outside_budget_years(root)]

    result = validate(root)

    assert_refused(result, *expected)
    assert len(result.stderr.splitlines()) == len(expected), result.stderr


# One problem, one line: the cases below each break one cell or the header, so stderr must hold exactly one
# line: an unreadable cost is not reported again as blank, nor a missing column again on every row.
@pytest.mark.parametrize("case", [
    likelihood_inherent_0, cost_low_above_mode, misspelt_column, non_numeric_cost, missing_required_column,
    negative_mitigation_cost, proximity_before_2000, inline_item_out_of_range,
], ids=lambda case: case.__name__)
def test_one_line_per_problem(case: Case, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    expect = case(root)

    result = validate(root)

    assert_refused(result, expect)
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_header_problem_names_the_header_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    misspelt_column(root)
    path = root / RISKS
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")  # the header is now on line 2

    result = validate(root)

    assert_refused(result, Expect(RISKS, "probabilty", "ukendt kolonne – mente du 'probability'?", 2))


def test_a_scenario_with_its_own_years_checks_the_register_against_them(tmp_path: Path) -> None:
    # The base's years are 2024–2028; the shared register is valid for them. A scenario of 2027–2028 must
    # check the same register against its own years: every open or occurred risk whose proximity is
    # 2024, 2025 or 2026 is outside them (R04, R09, R11 have none, R14 is closed).
    root = copy_project(tmp_path)
    with (root / PARAMS).open("a", encoding="utf-8") as params:
        params.write("  Kort horisont:\n    years: [2027, 2028]\n")
    outside = {"R01": 2024, "R02": 2024, "R03": 2024, "R05": 2025, "R06": 2026, "R07": 2024, "R08": 2025,
               "R10": 2025, "R12": 2025, "R13": 2024, "R15": 2024}
    expected = [
        Expect(RISKS, "proximity", f"skal være et af budgetårene 2027–2028 eller tom (fik {year})",
               int(risk_id[1:]) + 1)  # R01 is on line 2
        for risk_id, year in outside.items()
    ]

    result = validate(root)

    assert_refused(result, *expected)
    assert len(result.stderr.splitlines()) == len(expected), result.stderr
