"""Bad input through the command line: exit code 2, one line per problem naming file, field and
line, and for `run` nothing written under `--out`.

Each case copies params/default.yaml and data/ into a temporary folder (so the relative paths in
the params keep working), breaks one thing, and runs `kpro-econ` there: through `cli.main`, and for
the few in SCRIPT_* through the installed script (see cli_cases.py).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from cli_cases import (
    PARAMS,
    Case,
    Expect,
    assert_nothing_written,
    assert_refused,
    copy_project,
    english_in,
    line_of,
    replace_once,
    run_refuses,
    script_marked,
    validate,
    validate_refuses,
)
from openpyxl import Workbook

CR = "data/change_requests.csv"
MUNICIPALITIES = "data/municipalities.csv"


def missing_params_file(root: Path) -> Expect:
    (root / PARAMS).unlink()
    return Expect(PARAMS, "-", "filen findes ikke")


def yaml_syntax_error(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "price_level_year: 2026", "\tprice_level_year: 2026")
    return Expect(PARAMS, "-", "YAML-syntaksfejl", line)


def misspelt_key(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "discount_rate:", "discount_rte:")
    return Expect(PARAMS, "discount_rte", "ukendt nøgle – mente du 'discount_rate'?", line)


def wrong_type(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "price_level_year: 2026", "price_level_year: toogtyve")
    return Expect(PARAMS, "price_level_year", "skal være et heltal", line)


def negative_amount(root: Path) -> Expect:
    replace_once(root / PARAMS, "    value: 650000", "    value: -650000")
    line = line_of(root / PARAMS, "  annual_cost:")
    return Expect(PARAMS, "fte.annual_cost", "må ikke være negativ", line)


def low_above_mode(root: Path) -> Expect:
    replace_once(root / PARAMS, "    low: 2200000", "    low: 2500000")
    return Expect(PARAMS, "fees.solution", "low må ikke være større end mode", line_of(root / PARAMS, "  solution:"))


def mode_above_high(root: Path) -> Expect:
    replace_once(root / PARAMS, "      mode: 0.05", "      mode: 0.40")
    return Expect(PARAMS, "support.renegotiation.change", "mode må ikke være større end high",
                  line_of(root / PARAMS, "    change:"))


def share_outside_0_1(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "telma_fte_share: {value: 0.5", "telma_fte_share: {value: 1.5")
    return Expect(PARAMS, "fut_fee.telma_fte_share", "mellem 0 og 1", line)


def price_index_year_missing(root: Path) -> Expect:
    # support.base_price is in 2023 prices, price_level_year is 2026: 2024, 2025 and 2026 are needed.
    text = (root / PARAMS).read_text(encoding="utf-8")
    (root / PARAMS).write_text(re.sub(r"\n  2024: \{value: 0\.040[^\n]*", "", text), encoding="utf-8")
    return Expect(PARAMS, "price_index.2024", "support.base_price er i 2023-priser",
                  line_of(root / PARAMS, "price_index:"))


def duplicate_change_request_id(root: Path) -> Expect:
    line = replace_once(root / CR, "ÆØ-002,", "ÆØ-001,")
    return Expect(CR, "id", "står to gange: samme id som på linje 2", line)


def unknown_status(root: Path) -> Expect:
    line = replace_once(root / CR, ",in_progress,", ",igang,")
    return Expect(CR, "status", "ukendt status; skriv en af proposed (foreslået), approved (godkendt)", line)


def unknown_priority(root: Path) -> Expect:
    line = replace_once(root / CR, "ÆØ-006,KAM: kopiering og versionering af spørgeskemaer,approved,middel,",
                        "ÆØ-006,KAM: kopiering og versionering af spørgeskemaer,approved,medium,")
    return Expect(CR, "priority", "skal være en af: høj, middel, lav (fik 'medium')", line)


def municipality_missing(root: Path) -> Expect:
    replace_once(root / MUNICIPALITIES, "\n840,Rebild,", "\n999,Rebild,")
    return Expect(MUNICIPALITIES, "code", "kommunen mangler: 840 Rebild")


def duplicate_municipality(root: Path) -> Expect:
    path = root / MUNICIPALITIES
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # København again
    return Expect(MUNICIPALITIES, "code", "står to gange: samme kommune som på linje 2", len(lines) + 1)


def utf16_register(root: Path) -> Expect:
    path = root / CR
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return Expect(CR, "change_requests.register", "UTF-16")


def missing_register_file(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "../data/change_requests.csv", "../data/aendringer.csv")
    return Expect(PARAMS, "change_requests.register", "data/aendringer.csv: filen findes ikke", line)


def bad_date(root: Path) -> Expect:
    line = replace_once(root / CR, ",2023-09-27,", ",2023-09-31,")
    return Expect(CR, "approved_date", "ikke en gyldig dato", line)


def non_numeric_estimate(root: Path) -> Expect:
    line = replace_once(root / CR, ",400000,600000,1000000,", ",400000,600 tusind,1000000,")
    return Expect(CR, "estimate_mode", "ikke et tal med decimalpunktum, som filen bruger", line)


def estimate_with_bad_decimal(root: Path) -> Expect:
    # As Danish Excel saves it: semicolons and decimal comma; one estimate keeps an English decimal point.
    path = root / CR
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[3][6] = "1500000.50"  # ÆØ-003's estimate_high, on line 4
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return Expect(CR, "estimate_high", "decimalkomma", 4)


def invalid_scenario_override(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "annual_cost: {value: 780000", "annual_cost: {value: -780000")
    return Expect(PARAMS, "scenarios.Højere årsværkspris.fte.annual_cost", "må ikke være negativ", line)


def years_not_consecutive(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "years: [2024, 2025, 2026, 2027, 2028]", "years: [2024, 2025, 2027, 2028]")
    return Expect(PARAMS, "years", "følge hinanden", line)


def wrong_municipality_region(root: Path) -> Expect:
    line = replace_once(root / MUNICIPALITIES, "851,Aalborg,Region Nordjylland", "851,Aalborg,Region Midtjylland")
    return Expect(MUNICIPALITIES, "region", "Aalborg (851) ligger i Region Nordjylland", line)


def proposed_without_probability(root: Path) -> Expect:
    line = replace_once(root / CR, ",2025,0.7,", ",2025,,")
    return Expect(CR, "approval_probability", "skal udfyldes, men er tom (påkrævet for et foreslået ændringsønske, "
                  "status proposed)", line)


def empty_csv(root: Path) -> Expect:
    (root / CR).write_bytes(b"")
    return Expect(CR, "change_requests.register", "filen er tom")


def misspelt_register_column(root: Path) -> Expect:
    replace_once(root / CR, ",estimate_mode,", ",estimate_mod,")
    return Expect(CR, "estimate_mod", "ukendt kolonne – mente du 'estimate_mode'?", 1)


def municipality_name_mismatch(root: Path) -> Expect:
    line = replace_once(root / MUNICIPALITIES, "147,Frederiksberg,", "147,Frederiksbjerg,")
    return Expect(MUNICIPALITIES, "name", "passer ikke til koden 147 (Frederiksberg)", line)


def folk1a_missing_municipality(root: Path) -> Expect:
    replace_once(root / PARAMS, "  municipalities: ../data/municipalities.csv",
                 "  municipalities: ../data/municipalities.csv\n  population: ../data/folk1a.csv")
    (root / "data" / "folk1a.csv").write_bytes("OMRÅDE;TID;INDHOLD\nAalborg;2024K3;222000\n".encode("cp1252"))
    return Expect("data/folk1a.csv", "OMRÅDE", "97 kommuner mangler: 101 København, 147 Frederiksberg, "
                  "151 Ballerup, …")


def xlsx_register_cell(root: Path) -> Expect:
    rows = list(csv.reader(io.StringIO((root / CR).read_text(encoding="utf-8"))))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    sheet["H5"] = "toogtyve"  # year of the 4th request, sheet row 5
    workbook.save(root / "data" / "change_requests.xlsx")
    replace_once(root / PARAMS, "../data/change_requests.csv", "../data/change_requests.xlsx")
    return Expect("data/change_requests.xlsx", "year", "ikke et heltal (fik 'toogtyve')", 5)


CASES: list[Case] = [
    missing_params_file, yaml_syntax_error, misspelt_key, wrong_type, negative_amount, low_above_mode,
    mode_above_high, share_outside_0_1, price_index_year_missing, duplicate_change_request_id,
    unknown_status, unknown_priority, municipality_missing, duplicate_municipality, utf16_register,
    missing_register_file, bad_date, non_numeric_estimate, estimate_with_bad_decimal,
    invalid_scenario_override, years_not_consecutive, wrong_municipality_region,
    proposed_without_probability, empty_csv, misspelt_register_column, municipality_name_mismatch,
    folk1a_missing_municipality, xlsx_register_cell,
]
RUN_CASES: list[Case] = [yaml_syntax_error, price_index_year_missing, duplicate_change_request_id,
                         missing_register_file, utf16_register]
# Through the installed `kpro-econ` script, so the entry point is covered end to end.
SCRIPT_RUN_CASES = {yaml_syntax_error}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_validate_refuses(case: Case, tmp_path: Path) -> None:
    validate_refuses(case, tmp_path)


@pytest.mark.parametrize("case", script_marked(RUN_CASES, SCRIPT_RUN_CASES), ids=lambda case: case.__name__)
def test_run_refuses_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    assert_nothing_written(run_refuses(case, tmp_path, script=case in SCRIPT_RUN_CASES))


@pytest.mark.e2e  # through the installed script
def test_the_shipped_params_validate(tmp_path: Path) -> None:
    result = validate(copy_project(tmp_path), script=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"OK: {PARAMS} (")


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    expected = [unknown_status(root), wrong_municipality_region(root), price_index_year_missing(root)]

    result = validate(root)

    assert_refused(result, *expected)


# Every refused case above also checks that no message holds English (`assert_refused`); the check itself:
def test_an_english_message_is_caught_and_a_danish_one_passes() -> None:
    english = [
        "data/change_requests.csv:4: title: required, but blank",
        "data/change_requests.csv:1: estimate_mod: unknown column (misspelt?); known columns: id, title",
        "data/change_requests.csv:3: id: duplicate id (also on line 2) (fik 'ÆØ-1')",
        "data/risk_register.csv:5: probability: must be 1 or less (fik 1.5)",
        "data/change_requests.csv:4: estimate_low: not a number (fik 'x')",
    ]
    assert english_in("\n".join(english)) == english
    danish = [
        "data/change_requests.csv:4: title: skal udfyldes, men er tom",
        "data/actuals.csv:1: amount: ukendt kolonne; kendte kolonner: date, line, supplier, reference, amount_dkk",
        "data/change_requests.csv:3: id: står to gange: samme id som på linje 2 (fik 'ÆØ-1')",
        # a value and a quoted name are the user's words, not the message's
        "data/risk_register.csv:5: status: ukendt status – mente du 'åben'? (fik 'the open one')",
    ]
    assert english_in("\n".join(danish)) == []
