"""Bad KPI inputs through the command line: operations, adoption and the change requests' dates.

Exit code 2, one line per problem naming the file, the row's line and the field, and for `run` nothing
written under `--out`. As in test_bad_input.py, each case copies params/default.yaml and data/ into a
temporary folder, breaks one thing and runs `kpro-econ` there (see cli_cases.py).
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
    read_rows,
    replace_once,
    run_refuses,
    script_marked,
    validate,
    validate_refuses,
    write_rows,
)
from openpyxl import Workbook

OPERATIONS = "data/operations.csv"
ADOPTION = "data/adoption.csv"
CR = "data/change_requests.csv"

FEB = {"month": "2024-02"}
FEB_AVAILABILITY = FEB | {"measure": "availability_pct"}
FEB_MEDIAN = FEB | {"measure": "response_median_ms"}  # 437 ms
FEB_P95 = FEB | {"measure": "response_p95_ms"}  # 1356 ms
FEB_SUPPORT = FEB | {"measure": "support_requests", "channel": "borger", "category": "Andet"}
FEB_ERRORS = FEB | {"measure": "errors", "severity": "lav"}
AALBORG_MARCH = {"month": "2024-03", "code": "851"}


def _row(rows: list[list[str]], key: dict[str, str]) -> int:
    """Index of the one row whose cells match `key` (its line is the index + 1)."""
    header = rows[0]
    (index,) = [i for i, row in enumerate(rows) if i and all(row[header.index(c)] == v for c, v in key.items())]
    return index


def _set(path: Path, key: dict[str, str], **cells: str) -> int:
    """Set cells of the one row matching `key`; return its line (the header is line 1)."""
    rows = read_rows(path)
    index = _row(rows, key)
    for column, value in cells.items():
        rows[index][rows[0].index(column)] = value
    write_rows(path, rows)
    return index + 1


# --- operations ---------------------------------------------------------------------------------

def availability_above_100(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_AVAILABILITY, value="100.5")
    return Expect(OPERATIONS, "value", "skal være en procent mellem 0 og 100 for availability_pct (fik 100.5)", line)


def downtime_longer_than_the_month(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_AVAILABILITY, measure="downtime_minutes", value="50000")
    return Expect(OPERATIONS, "value", "mellem 0 og månedens 41760 minutter for downtime_minutes (fik 50000)",
                  line)


def unknown_measure(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_MEDIAN, measure="svartid_ms")
    return Expect(OPERATIONS, "measure", "skal være en af: availability_pct, downtime_minutes, response_median_ms, "
                  "response_p95_ms, support_requests, errors (fik 'svartid_ms')", line)


def month_13(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_MEDIAN, month="2024-13")
    return Expect(OPERATIONS, "month", "ikke en måned (måned 13 er ikke 1–12) (fik '2024-13')", line)


def channel_on_availability(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_AVAILABILITY, channel="borger")
    return Expect(OPERATIONS, "channel", "skal være tom for availability_pct (fik 'borger')", line)


def support_without_channel(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_SUPPORT, channel="")
    return Expect(OPERATIONS, "channel", "skal udfyldes, men er tom (påkrævet for support_requests)", line)


def unknown_severity(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_ERRORS, severity="alvorlig")
    return Expect(OPERATIONS, "severity", "skal være en af: kritisk, høj, middel, lav (fik 'alvorlig')", line)


def support_count_not_whole(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_SUPPORT, value="4.5")
    return Expect(OPERATIONS, "value", "skal være et helt tal, 0 eller mere, for support_requests (fik 4.5)", line)


def response_time_not_a_number(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_MEDIAN, value="437 ms")
    return Expect(OPERATIONS, "value", "ikke et tal med decimalpunktum, som filen bruger (fx 386708.50) "
                  "(fik '437 ms')", line)


def p95_below_median(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_P95, value="400")
    return Expect(OPERATIONS, "value", "response_p95_ms er mindre end response_median_ms for 2024-02 (437) (fik 400)",
                  line)


def duplicate_month_and_measure(root: Path) -> Expect:
    first = _row(read_rows(root / OPERATIONS), FEB_MEDIAN) + 1
    line = _set(root / OPERATIONS, FEB_P95, measure="response_median_ms")
    return Expect(OPERATIONS, "month", f"står to gange: samme måned og måling som på linje {first}", line)


def sample_not_yes_or_no(root: Path) -> Expect:
    line = _set(root / OPERATIONS, FEB_AVAILABILITY, sample="måske")
    return Expect(OPERATIONS, "sample", "ikke ja eller nej (skriv ja/nej, true/false eller 1/0) (fik 'måske')", line)


def decimal_comma_file_with_a_point(root: Path) -> Expect:
    # As Danish Excel saves it: semicolons and decimal comma; February's availability keeps an English point.
    rows = read_rows(root / OPERATIONS)
    value = rows[0].index("value")
    for row in rows[1:]:
        row[value] = row[value].replace(".", ",")
    index = _row(rows, FEB_AVAILABILITY)
    rows[index][value] = "99.96"
    write_rows(root / OPERATIONS, rows, delimiter=";")
    return Expect(OPERATIONS, "value", "ikke et tal med decimalkomma, som filen bruger (fx 386.708,50) "
                  "(fik '99.96')", index + 1)


def month_missing(root: Path) -> Expect:
    rows = read_rows(root / OPERATIONS)
    write_rows(root / OPERATIONS, [row for row in rows if row[0] != "2024-05"])
    # A gap has no row to point at: the file alone is named.
    return Expect(OPERATIONS, "month", "ingen rækker for 2024-05 (månederne går fra 2024-01 til 2026-10)")


def month_without_availability(root: Path) -> Expect:
    rows = read_rows(root / OPERATIONS)
    availability = _row(rows, FEB_AVAILABILITY)
    rows = rows[:availability] + rows[availability + 1:]
    write_rows(root / OPERATIONS, rows)
    line = next(i for i, row in enumerate(rows) if row[0] == "2024-02") + 1  # the month's first row
    return Expect(OPERATIONS, "measure", "2024-02 mangler et tal for oppetid (en række med availability_pct eller "
                  "downtime_minutes)", line)


# --- adoption -----------------------------------------------------------------------------------

def christianso_code(root: Path) -> Expect:
    line = _set(root / ADOPTION, AALBORG_MARCH, code="411", name="")
    return Expect(ADOPTION, "code", "ikke en dansk kommunekode (Christiansø er ikke en kommune) (fik 411)",
                  line)


def name_does_not_match_code(root: Path) -> Expect:
    line = _set(root / ADOPTION, AALBORG_MARCH, name="Aarhus")
    return Expect(ADOPTION, "name", "passer ikke til koden 851 (Aalborg) (fik 'Aarhus')", line)


def wave_6(root: Path) -> Expect:
    line = _set(root / ADOPTION, AALBORG_MARCH, wave="6")
    return Expect(ADOPTION, "wave", "må højst være 5", line)


def negative_staff(root: Path) -> Expect:
    line = _set(root / ADOPTION, AALBORG_MARCH, staff_with_access="-3")
    return Expect(ADOPTION, "staff_with_access", "skal være mindst 0", line)


def bad_planned_go_live(root: Path) -> Expect:
    line = _set(root / ADOPTION, AALBORG_MARCH, planned_go_live="2023-02-29")
    return Expect(ADOPTION, "planned_go_live",
                  "ikke en gyldig dato; den dag findes ikke (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ, "
                  "fx 2024-03-31 eller 31-03-2024) (fik '2023-02-29')",
                  line)


def go_live_after_the_month(root: Path) -> Expect:
    # Dragør is not live in the January 2024 extract; it cannot report a go-live in February.
    line = _set(root / ADOPTION, {"month": "2024-01", "code": "155"}, actual_go_live="2024-02-01")
    return Expect(ADOPTION, "actual_go_live", "ligger efter den måned, rækken gælder (2024-01); et udtræk kan "
                  "ikke melde en senere idriftsættelse (fik '2024-02-01')", line)


def duplicate_municipality_in_month(root: Path) -> Expect:
    first = _row(read_rows(root / ADOPTION), {"month": "2024-03", "code": "101"}) + 1
    line = _set(root / ADOPTION, AALBORG_MARCH, code="101", name="København")
    return Expect(ADOPTION, "code", f"står to gange: samme kommune og måned som på linje {first} (fik 101)", line)


def missing_required_column(root: Path) -> Expect:
    rows = read_rows(root / ADOPTION)
    drop = rows[0].index("wave")
    write_rows(root / ADOPTION, [row[:drop] + row[drop + 1:] for row in rows])
    return Expect(ADOPTION, "wave", "kolonnen mangler; den skal være med", 1)


def misspelt_column(root: Path) -> Expect:
    replace_once(root / ADOPTION, ",active_citizens,", ",aktive_borgere,")
    # Too far from active_citizens for a suggestion; also, rightly: "active_citizens: kolonnen mangler".
    return Expect(ADOPTION, "aktive_borgere", "ukendt kolonne; kendte kolonner: month, code", 1, problems=2)


def xlsx_adoption_bad_cell(root: Path) -> Expect:
    rows = read_rows(root / ADOPTION)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    index = _row(rows, AALBORG_MARCH)
    sheet.cell(row=index + 1, column=rows[0].index("active_citizens") + 1, value="mange")
    workbook.save(root / "data" / "adoption.xlsx")
    replace_once(root / PARAMS, "../data/adoption.csv", "../data/adoption.xlsx")
    return Expect("data/adoption.xlsx", "active_citizens", "ikke et heltal (fik 'mange')", index + 1)


def missing_operations_file(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "../data/operations.csv", "../data/drift.csv")
    return Expect(PARAMS, "kpi.operations", "data/drift.csv: filen findes ikke", line)


# --- change requests: the dates' order ----------------------------------------------------------

def approved_before_requested(root: Path) -> Expect:
    line = _set(root / CR, {"id": "ÆØ-003"}, approved_date="2022-11-29")  # requested 2023-01-20
    return Expect(CR, "approved_date", "ligger før requested_date (2023-01-20) (fik '2022-11-29')", line)


def delivered_before_approved(root: Path) -> Expect:
    line = _set(root / CR, {"id": "ÆØ-002"}, delivered_date="2023-04-01")  # approved 2023-04-19
    return Expect(CR, "delivered_date", "ligger før approved_date (2023-04-19) (fik '2023-04-01')", line)


CASES: list[Case] = [
    availability_above_100, downtime_longer_than_the_month, unknown_measure, month_13, channel_on_availability,
    support_without_channel, unknown_severity, support_count_not_whole, response_time_not_a_number,
    p95_below_median, duplicate_month_and_measure, sample_not_yes_or_no, decimal_comma_file_with_a_point,
    month_missing, month_without_availability, christianso_code, name_does_not_match_code, wave_6, negative_staff,
    bad_planned_go_live, go_live_after_the_month, duplicate_municipality_in_month, missing_required_column,
    misspelt_column, xlsx_adoption_bad_cell, missing_operations_file, approved_before_requested,
    delivered_before_approved,
]
RUN_CASES: list[Case] = [availability_above_100, p95_below_median, duplicate_municipality_in_month,
                         xlsx_adoption_bad_cell, approved_before_requested]
SCRIPT_RUN_CASES = {availability_above_100}  # through the installed `kpro-econ` script


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_validate_refuses(case: Case, tmp_path: Path) -> None:
    expect, result = validate_refuses(case, tmp_path)

    assert len(result.stderr.splitlines()) == expect.problems, result.stderr  # one line per problem


@pytest.mark.parametrize("case", script_marked(RUN_CASES, SCRIPT_RUN_CASES), ids=lambda case: case.__name__)
def test_run_refuses_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    assert_nothing_written(run_refuses(case, tmp_path, script=case in SCRIPT_RUN_CASES))


def test_the_shipped_inputs_validate(tmp_path: Path) -> None:
    result = validate(copy_project(tmp_path))
    assert result.returncode == 0, result.stderr


def test_problems_in_both_kpi_files_are_reported_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    expected = [unknown_severity(root), wave_6(root)]

    result = validate(root)

    assert_refused(result, *expected)
    assert len(result.stderr.splitlines()) == len(expected), result.stderr


def _risk_likelihood_0(root: Path) -> Expect:
    line = _set(root / "data" / "risk_register.csv", {"id": "R03"}, likelihood_inherent="0")
    return Expect("data/risk_register.csv", "likelihood_inherent", "skal være et helt tal fra 1 til 5 (fik 0)", line)


# A fault in the change requests, the municipalities or the risk register must not hide the faults in
# operations.csv and adoption.csv: every file's problems are reported at once.
@pytest.mark.parametrize("other", [approved_before_requested, _risk_likelihood_0], ids=lambda case: case.__name__)
def test_kpi_problems_are_reported_beside_other_registers_problems(other: Case, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    expected = [unknown_severity(root), other(root)]

    result = validate(root)

    assert_refused(result, *expected)


# A check across columns must still show the cell it refuses, as `(fik VALUE)`, and name the column once, as
# the municipality register does ("name: passer ikke til koden 147 (Frederiksberg) (fik 'Frederiksbjerg')").
def test_name_mismatch_shows_the_name_given(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    line = _set(root / ADOPTION, AALBORG_MARCH, name="Aarhus")

    result = validate(root)

    assert_refused(result, Expect(ADOPTION, "name", "passer ikke til koden 851 (Aalborg) (fik 'Aarhus')", line))
