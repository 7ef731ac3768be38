"""The KPI inputs as controllers write them: good files load, bad ones name file, line and field."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from openpyxl import Workbook
from pydantic import ValidationError

from kpro_econ.errors import ParamsError, Problem
from kpro_econ.inputs import kpi_registers as kpi_inputs
from kpro_econ.inputs import registers
from kpro_econ.inputs.tables import read_table
from kpro_econ.kpi import measures as kpi
from kpro_econ.params.kpi import KpiSettings

DATA = REPO / "data"

OPS_HEADER = "month,measure,channel,category,severity,value"
GOOD_MONTH = [
    "2024-01,availability_pct,,,,99.9",
    "2024-01,response_median_ms,,,,400",
    "2024-01,response_p95_ms,,,,1200",
    "2024-01,support_requests,borger,Log-in,,5",
    "2024-01,errors,,,lav,2",
]
ADOPTION_HEADER = "month,code,name,wave,planned_go_live,actual_go_live,staff_with_access,active_citizens"
GOOD_MUNICIPALITY = "2024-03,851,Aalborg,4,2024-03-01,2024-03-01,40,100"

Validate = Callable[[pd.DataFrame, str], pd.DataFrame]


def load(tmp_path: Path, name: str, lines: list[str], validate: Validate) -> pd.DataFrame:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return validate(read_table(path), name)


def problems(tmp_path: Path, name: str, lines: list[str], validate: Validate) -> list[Problem]:
    with pytest.raises(ParamsError) as caught:
        load(tmp_path, name, lines, validate)
    return caught.value.problems


def where(found: list[Problem]) -> set[tuple[str, int | None, str]]:
    return {(p.file, p.line, p.field) for p in found}


# --- good input ------------------------------------------------------------------------------

def test_operations_load_typed_with_aliases_and_month_spellings(tmp_path):
    table = load(tmp_path, "operations.csv", [
        OPS_HEADER + ",source",
        *[line + ",Driftsleverandør" for line in GOOD_MONTH],
        "03-2024,downtime_minutes,,,,12,",               # Danish month order
        "2024-02-01,availability_pct,,,,100,",           # a date, as Excel may turn 2024-02 into one
        "2024-02,support_requests,Staff,Andet,,3,",      # English alias, any case
        "2024-03,errors,,,High,1,",
    ], kpi_inputs.operations)
    assert table["month"].dt.strftime("%Y-%m").tolist() == ["2024-01"] * 5 + ["2024-02"] * 2 + ["2024-03"] * 2
    assert table["month"].dtype.kind == "M" and table["value"].dtype == "float64"
    assert set(table["channel"].dropna()) == {"borger", "medarbejder"}
    assert set(table["severity"].dropna()) == {"lav", "høj"}
    assert not table["sample"].any()


def test_operations_from_danish_excel_csv_with_decimal_comma(tmp_path):
    path = tmp_path / "operations.csv"
    path.write_bytes("month;measure;channel;category;severity;value\r\n"
                     "2024-01;availability_pct;;;;99,87\r\n".encode("cp1252"))
    table = kpi_inputs.operations(read_table(path), "operations.csv")
    assert table["value"].tolist() == [99.87]


def test_adoption_from_xlsx_with_date_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(ADOPTION_HEADER.split(","))
    sheet.append([datetime(2024, 3, 1), 851, "Aalborg", 4, datetime(2024, 3, 1), None, 40, 0])
    book.save(tmp_path / "adoption.xlsx")
    table = kpi_inputs.adoption(read_table(tmp_path / "adoption.xlsx"), "adoption.xlsx")
    row = table.iloc[0]
    assert (row["month"], row["code"], row["wave"]) == (pd.Timestamp("2024-03-01"), 851, 4)
    assert pd.isna(row["actual_go_live"]) and row["name"] == "Aalborg"


# --- bad operations --------------------------------------------------------------------------

@pytest.mark.parametrize(("bad_row", "field", "message"), [
    ("2024-02,availability_pct,,,,100.5", "value", "mellem 0 og 100"),  # February: not a second figure
    ("2024-01,support_requests,medarbejder,Log-in,,-3", "value", "0 eller mere"),
    ("2024-01,support_requests,medarbejder,Log-in,,2.5", "value", "et helt tal"),
    ("2024-01,support_requests,fax,Log-in,,3", "channel", "borger, medarbejder"),
    ("2024-01,support_requests,borger,,,3", "category", "skal udfyldes, men er tom (påkrævet for support_requests)"),
    ("2024-01,errors,,,fatal,1", "severity", "kritisk, høj, middel, lav"),
    ("2024-13,errors,,,lav,1", "month", "ikke en måned (måned 13 er ikke 1–12)"),
    ("januar 2024,errors,,,lav,1", "month", "ikke en måned (skriv ÅÅÅÅ-MM, fx 2024-03, eller MM-ÅÅÅÅ)"),
    ("2024-01,uptime,,,,99", "measure", "skal være en af: availability_pct"),
    ("2024-01,errors,,,høj,n/a", "value", "ikke et tal"),
    ("2024-01,availability_pct,borger,,,99", "channel", "skal være tom for availability_pct"),
    ("2024-02,response_median_ms,,,,0", "value", "skal være større end 0 ms"),
])
def test_bad_operations_row_names_file_line_and_field(tmp_path, bad_row, field, message):
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, *GOOD_MONTH, bad_row], kpi_inputs.operations)
    assert where(found) == {("operations.csv", 7, field)}  # header line 1, five good rows, then line 7
    assert message in found[0].message


def test_category_required_for_support_requests_is_named(tmp_path):
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, *GOOD_MONTH,
                                                  "2024-01,support_requests,borger,,,3"], kpi_inputs.operations)
    # the column once
    assert str(found[0]) == "operations.csv:7: category: skal udfyldes, men er tom (påkrævet for support_requests)"


def test_a_check_across_columns_names_the_column_once_and_shows_its_cell_as_typed(tmp_path):
    lines = [OPS_HEADER, *GOOD_MONTH, "2024-01,support_requests,borger,Andet,kritisk,3"]
    found = problems(tmp_path, "operations.csv", lines, kpi_inputs.operations)
    assert [str(p) for p in found] == [
        "operations.csv:7: severity: skal være tom for support_requests (fik 'kritisk')"]
    # A number is shown bare, as the user typed it: here with the decimal comma of Danish Excel.
    path = tmp_path / "operations.csv"
    path.write_text("month;measure;channel;category;severity;value\n2024-01;availability_pct;;;;100,5\n",
                    encoding="utf-8")
    with pytest.raises(ParamsError) as caught:
        kpi_inputs.operations(read_table(path), "operations.csv")
    assert [str(p) for p in caught.value.problems] == [
        "operations.csv:2: value: skal være en procent mellem 0 og 100 for availability_pct (fik 100,5)"]


def test_downtime_longer_than_the_month(tmp_path):
    # February 2024 has 29 × 1,440 = 41,760 minutes.
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, "2024-02,downtime_minutes,,,,41761"],
                     kpi_inputs.operations)
    assert where(found) == {("operations.csv", 2, "value")}
    assert "41760" in found[0].message


def test_duplicate_month_and_measure(tmp_path):
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, *GOOD_MONTH, "2024-01,availability_pct,,,,99.5"],
                     kpi_inputs.operations)
    assert where(found) == {("operations.csv", 7, "month")}
    assert "samme måned og måling som på linje 2" in found[0].message


def test_availability_as_percent_and_as_minutes_in_one_month_is_a_duplicate(tmp_path):
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, *GOOD_MONTH, "2024-01,downtime_minutes,,,,5"],
                     kpi_inputs.operations)
    assert where(found) == {("operations.csv", 7, "month")}


def test_month_without_availability_and_a_gap_between_months(tmp_path):
    found = problems(tmp_path, "operations.csv", [OPS_HEADER, *GOOD_MONTH, "2024-04,errors,,,lav,1"],
                     kpi_inputs.operations)
    messages = {p.message for p in found}
    assert "2024-04 mangler et tal for oppetid (en række med availability_pct eller downtime_minutes)" in messages
    assert "ingen rækker for 2024-02 (månederne går fra 2024-01 til 2024-04)" in messages
    assert "ingen rækker for 2024-03 (månederne går fra 2024-01 til 2024-04)" in messages
    # The month without availability is named at its first row; a gap has no row to point at.
    assert {(p.line, p.message[:7]) for p in found} == {(7, "2024-04"), (None, "ingen r")}


def test_p95_below_median(tmp_path):
    lines = [OPS_HEADER, "2024-01,availability_pct,,,,99.9", "2024-01,response_median_ms,,,,400",
             "2024-01,response_p95_ms,,,,399"]
    found = problems(tmp_path, "operations.csv", lines, kpi_inputs.operations)
    assert where(found) == {("operations.csv", 4, "value")}
    assert found[0].value == "399" and str(found[0]).endswith("(fik 399)")


def test_missing_and_unknown_columns(tmp_path):
    found = problems(tmp_path, "operations.csv", ["month,measure,channel,tal", "2024-01,availability_pct,,99"],
                     kpi_inputs.operations)
    assert ("operations.csv", 1, "value") in where(found)
    assert ("operations.csv", 1, "tal") in where(found)
    # A misspelling of the missing column: one problem, naming the column meant.
    found = problems(tmp_path, "operations.csv", ["month,measure,channel,valeu", "2024-01,availability_pct,,99"],
                     kpi_inputs.operations)
    assert [str(p) for p in found] == ["operations.csv:1: valeu: ukendt kolonne – mente du 'value'?"]


def test_every_problem_is_reported_at_once(tmp_path):
    lines = [OPS_HEADER, *GOOD_MONTH, "2024-01,errors,,,fatal,1", "2024-01,support_requests,fax,Andet,,1"]
    found = problems(tmp_path, "operations.csv", lines, kpi_inputs.operations)
    assert where(found) == {("operations.csv", 7, "severity"), ("operations.csv", 8, "channel")}


# --- bad adoption ----------------------------------------------------------------------------

@pytest.mark.parametrize(("bad_row", "field", "message"), [
    ("2024-03,999,,4,2024-03-01,,0,0", "code", "ikke en dansk kommunekode"),
    ("2024-03,411,,4,2024-03-01,,0,0", "code", "Christiansø er ikke en kommune"),
    ("2024-03,813,Aalborg,4,2024-03-01,,0,0", "name", "passer ikke til koden 813 (Frederikshavn)"),
    ("2024-03,813,,6,2024-03-01,,0,0", "wave", "må højst være 5"),
    ("2024-03,813,,4,2024-03-01,2024-04-01,0,0", "actual_go_live", "ligger efter den måned, rækken gælder"),
    ("2024-03,813,,4,31-02-2024,,0,0", "planned_go_live", "ikke en gyldig dato"),
    ("2024-03,813,,4,,,0,0", "planned_go_live", "skal udfyldes, men er tom"),
    ("2024-03,813,,4,2024-03-01,,-1,0", "staff_with_access", "skal være mindst 0"),
    ("2024-03,813,,4,2024-03-01,,0,12.5", "active_citizens", "ikke et heltal"),
    ("2024-03,851,,4,2024-03-01,,0,0", "code", "står to gange: samme kommune og måned som på linje 2"),
])
def test_bad_adoption_row_names_file_line_and_field(tmp_path, bad_row, field, message):
    found = problems(tmp_path, "adoption.csv", [ADOPTION_HEADER, GOOD_MUNICIPALITY, bad_row], kpi_inputs.adoption)
    assert where(found) == {("adoption.csv", 3, field)}
    assert message in found[0].message


# --- change-request dates --------------------------------------------------------------------

CR_HEADER = ("id,title,status,priority,estimate_low,estimate_mode,estimate_high,year,requested_date,"
             "approved_date,delivered_date")


def test_change_request_approved_before_requested_or_delivered_before_approved(tmp_path):
    path = tmp_path / "change_requests.csv"
    path.write_text("\n".join([
        CR_HEADER,
        "ÆØ-1,Godt,delivered,høj,1,2,3,2024,2024-01-01,2024-02-01,2024-03-01",
        "ÆØ-2,Godkendt før ønsket,approved,høj,1,2,3,2024,2024-02-01,2024-01-31,",
        "ÆØ-3,Leveret før godkendt,delivered,lav,1,2,3,2024,2024-01-01,2024-03-01,2024-02-28",
        "ÆØ-4,Leveret før ønsket,delivered,lav,1,2,3,2024,2024-05-01,,2024-04-30",
    ]) + "\n", encoding="utf-8")
    with pytest.raises(ParamsError) as caught:
        registers.change_requests(read_table(path), "change_requests.csv")
    assert [str(p) for p in caught.value.problems] == [
        "change_requests.csv:3: approved_date: ligger før requested_date (2024-02-01) (fik '2024-01-31')",
        "change_requests.csv:4: delivered_date: ligger før approved_date (2024-03-01) (fik '2024-02-28')",
        "change_requests.csv:5: delivered_date: ligger før requested_date (2024-05-01) (fik '2024-04-30')",
    ]


def test_shipped_change_request_register_has_dates_in_order():
    registers.change_requests(read_table(DATA / "change_requests.csv"), "change_requests.csv")


# --- the shipped sample data -----------------------------------------------------------------

def test_shipped_sample_data_loads_is_marked_sample_and_matches_the_municipalities():
    operations = kpi_inputs.operations(read_table(DATA / "operations.csv"), "operations.csv")
    adoption = kpi_inputs.adoption(read_table(DATA / "adoption.csv"), "adoption.csv")
    municipalities = registers.municipalities(read_table(DATA / "municipalities.csv"), "municipalities.csv")
    for table in (operations, adoption):
        assert table["sample"].all()
        assert table["source"].str.startswith("Eksempeldata (genereret, seed ").all()
    assert operations["month"].min() == pd.Timestamp("2024-01-01")
    assert operations["month"].max() == pd.Timestamp("2026-10-01")
    latest = kpi.extract(adoption).set_index("code").sort_index()
    reference = municipalities.set_index("code").sort_index()
    assert len(latest) == 98
    assert (latest["wave"] == reference["wave"]).all()
    assert (latest["wave"] == 4).sum() == 49
    pd.testing.assert_series_equal(latest["actual_go_live"], reference["go_live_date"], check_names=False)


@pytest.mark.e2e  # runs the generator script
def test_generator_is_seeded_and_wrote_the_shipped_files(tmp_path):
    script = REPO / "scripts" / "make_sample_data.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path),
                    "--municipalities", str(DATA / "municipalities.csv")], check=True, capture_output=True)
    for name in ("operations.csv", "adoption.csv", "actuals.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"data/{name} is not what the generator writes: run scripts/make_sample_data.py")


def test_a_table_with_only_its_header(tmp_path):
    found = problems(tmp_path, "adoption.csv", [ADOPTION_HEADER], kpi_inputs.adoption)
    assert [str(p) for p in found] == ["adoption.csv: month: tabellen har ingen rækker"]


# --- settings --------------------------------------------------------------------------------

def test_kpi_settings_defaults_and_descriptions():
    settings = KpiSettings(operations=Path("../data/operations.csv"), adoption=Path("../data/adoption.csv"))
    assert (settings.availability_target, settings.wave4_municipalities, settings.wave5_threshold) == (
        0.995, 49, 15)
    assert all(field.description for field in KpiSettings.model_fields.values())


@pytest.mark.parametrize(("override", "location"), [
    ({"wave5_threshold": 50}, ()),                    # above the wave's 49: could never be reached
    ({"availability_target": 99.5}, ("availability_target",)),   # a percent where a fraction belongs
    ({"wave5_treshold": 15}, ("wave5_treshold",)),    # misspelt key
])
def test_kpi_settings_refuse(override, location):
    with pytest.raises(ValidationError) as caught:
        KpiSettings.model_validate({"operations": "o.csv", "adoption": "a.csv", **override})
    assert caught.value.errors()[0]["loc"] == location
