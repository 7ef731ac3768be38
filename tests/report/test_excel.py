"""`data/tables.xlsx` for people and `data/*.csv` for machines, written from registers a user typed.

The registers hold titles a spreadsheet would run as formulas; the workbook is read back with
openpyxl (and its XML looked at), the CSVs as text.
"""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from cli_cases import copy_project
from openpyxl import Workbook, load_workbook

from kpro_econ.inputs.load import load_inputs
from kpro_econ.params.codes import RunState
from kpro_econ.records.run_records import read_tables, text_from_csv, text_to_csv
from kpro_econ.report.excel import RunAbout
from kpro_econ.run.runfolder import write_tables
from kpro_econ.tables import Table, TableContractError
from kpro_econ.workbook import compute_tables

CR_TITLE = "=1+1"
RISK_TITLE = '=HYPERLINK("http://x.invalid/","y")'
SHA = "ab" * 32
# Amounts and shares as the sheets format them: a value that rounds to zero shows as a plain 0.
AMOUNT = '[>=0.5]#,##0 "kr.";[<=-0.5]-#,##0 "kr.";"0 kr."'
PERCENT = '[>=0.0005]0.0%;[<=-0.0005]-0.0%;"0 %"'


def _replace_title(path: Path, row_id: str, title: str) -> None:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    fields = list(rows[0])
    for row in rows:
        if row["id"] == row_id:
            row["title"] = title
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of a run whose change request ÆØ-001 and risk R01 have hostile titles."""
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    _replace_title(root / "data" / "change_requests.csv", "ÆØ-001", CR_TITLE)
    _replace_title(root / "data" / "risk_register.csv", "R01", RISK_TITLE)
    tables = compute_tables(load_inputs(root / "params" / "default.yaml"))
    data = root / "run" / "data"
    about = RunAbout("Kommunal PRO <test>", "20260101-120000-default", "params/default.yaml", SHA,
                     datetime(2026, 1, 1, 12, 0, tzinfo=UTC), RunState.DRAFT)
    write_tables(data, tables, about)
    return data


def _header(sheet: object) -> list[object]:
    return [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]  # type: ignore[attr-defined]


def _row_where(sheet: object, column: str, value: object) -> dict[str, object]:
    header = _header(sheet)
    for row in sheet.iter_rows(min_row=2):  # type: ignore[attr-defined]
        cells = dict(zip(header, row, strict=True))
        if cells[column].value == value:
            return cells
    raise AssertionError(f"no row with {column} = {value!r}")


@pytest.fixture(scope="module")
def book(written: Path) -> Workbook:
    """The written tables.xlsx, opened once for the tests that only read it."""
    return load_workbook(written / "tables.xlsx")


def test_no_cell_in_the_workbook_is_a_formula(written: Path, book: Workbook) -> None:
    formulas = [(s.title, c.coordinate) for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    with zipfile.ZipFile(written / "tables.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        assert not [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]


def test_hostile_titles_are_text_cells_as_typed(book: Workbook) -> None:
    lead = _row_where(book["ÆØ gennemløbstider"], "Id", "ÆØ-001")
    assert lead["Titel"].value == CR_TITLE  # type: ignore[attr-defined]
    assert lead["Titel"].data_type == "s"  # type: ignore[attr-defined]
    risk = _row_where(book["Risikoregister"], "Id", "R01")
    assert risk["Titel"].value == RISK_TITLE  # type: ignore[attr-defined]
    assert risk["Titel"].data_type == "s"  # type: ignore[attr-defined]


def test_hostile_titles_are_quoted_in_the_csvs_and_read_back_as_typed(written: Path) -> None:
    with (written / "kpi_lead_times.csv").open(encoding="utf-8", newline="") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream)}
    assert rows["ÆØ-001"]["title"] == "'" + CR_TITLE
    with (written / "risk_register.csv").open(encoding="utf-8", newline="") as stream:
        risks = {row["id"]: row for row in csv.DictReader(stream)}
    assert risks["R01"]["title"] == "'" + RISK_TITLE
    # Numbers are untouched: the register's first mitigation cost is 75000, written as a float.
    assert risks["R01"]["mitigation_cost"] == "75000.0"
    back = read_tables(written.parent)
    assert back["risk_register"].set_index("id").loc["R01", "title"] == RISK_TITLE
    assert back["kpi_lead_times"].set_index("id").loc["ÆØ-001", "title"] == CR_TITLE


def test_no_csv_cell_starts_like_a_formula(written: Path) -> None:
    for path in written.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                for column, value in row.items():
                    if value.startswith(("=", "+", "@", "\t", "\r")):
                        pytest.fail(f"{path.name}.{column}: {value!r}")
                    if value.startswith("-"):  # only a negative number may start with a minus
                        float(value)


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=x", "''@x",
                                  "plain", "'plain", "", "1-2"])
def test_csv_quoting_reads_back_exactly(text: str) -> None:
    quoted = text_to_csv(text)
    assert text_from_csv(quoted) == text
    assert not quoted.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_sheets_have_danish_names_and_the_run_first(book: Workbook) -> None:
    assert book.sheetnames[0] == "Om kørslen"
    for name in ("Udgifter pr. år", "Scenarier", "Risikoregister", "Tilgængelighed", "ÆØ gennemløbstider"):
        assert name in book.sheetnames
    about = {row[0].value: row[1].value for row in book["Om kørslen"].iter_rows(min_row=2, max_row=8)}
    assert about["Titel"] == "Kommunal PRO <test>"
    assert about["Kørsel"] == "20260101-120000-default"
    assert about["Parameterfil"] == "params/default.yaml"
    assert about["SHA-256 af parameterfilen"] == SHA
    # The workbook is hashed with the run: it says the state it was made in and where to see the state now.
    assert "Status" not in about
    assert str(about["Tilstand ved kørslen"]).startswith("udkast; kørslens tilstand nu")
    assert "kpro-econ status" in str(about["Tilstand ved kørslen"])
    assert about["Kørt"] == "1. januar 2026 kl. 13.00"  # 12:00 UTC is 13:00 in Copenhagen in winter


def test_headers_formats_and_labels_are_for_people(book: Workbook) -> None:
    fee = _row_where(book["FUT-afgift"], "Fordelingsnøgle", "Aftalt andel af et årsværk")
    assert fee["Kommunal PRO, aftalt afgift"].number_format == AMOUNT  # type: ignore[attr-defined]
    assert isinstance(fee["Kommunal PRO, aftalt afgift"].value, float)  # type: ignore[attr-defined]

    lead = _row_where(book["ÆØ gennemløbstider"], "Id", "ÆØ-001")
    assert lead["Status"].value == "Under udvikling"  # type: ignore[attr-defined]  # code in_progress
    requested = lead["Ønsket"]  # change_requests.csv: requested_date 2023-03-15
    assert requested.value == datetime(2023, 3, 15)  # type: ignore[attr-defined]
    assert requested.number_format == "dd-mm-yyyy"  # type: ignore[attr-defined]  # a date, no 00:00:00
    assert lead["Leveret"].value is None  # type: ignore[attr-defined]  # not delivered: blank

    risk = _row_where(book["Risikoregister"], "Id", "R04")
    assert risk["Sandsynlighed (angivet)"].value == pytest.approx(0.6)  # type: ignore[attr-defined]
    assert risk["Sandsynlighed (angivet)"].number_format == PERCENT  # type: ignore[attr-defined]
    assert risk["Status"].value == "Åben"  # type: ignore[attr-defined]
    assert risk["I puljen"].value in {"Ja", "Nej"}  # type: ignore[attr-defined]

    availability = book["Tilgængelighed"]
    month = next(availability.iter_rows(min_row=2, max_row=2))[0]
    assert month.number_format == "[$-406]mmmm yyyy"


def test_every_sheet_has_a_frozen_filtered_header_and_widths(book: Workbook) -> None:
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        last = sheet.max_row - 1 if sheet.cell(sheet.max_row, 1).value == "I alt" else sheet.max_row  # a total row
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{last}"
        for cell in next(sheet.iter_rows(min_row=1, max_row=1)):
            assert cell.font.bold, f"{sheet.title}: {cell.coordinate}"
            width = sheet.column_dimensions[cell.column_letter].width
            assert 6 <= width <= 62, f"{sheet.title}: {cell.value} is {width} wide"
            assert width >= min(len(str(cell.value)), 60), f"{sheet.title}: {cell.value} is {width} wide"
    titles = book["Risikoregister"]
    title_col = _header(titles).index("Titel") + 1
    longest = max(len(str(c.value)) for c in titles[titles.cell(1, title_col).column_letter][1:])
    assert titles.column_dimensions[titles.cell(1, title_col).column_letter].width >= min(longest, 60)


def test_a_column_the_declaration_does_not_name_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    # The table's declaration (kpro_econ.tables) is the one place its columns are named: a computed
    # column it does not name is a programming error, not a sheet with guessed headers.
    table = pd.DataFrame({"statistic": ["mean"], "value_dkk": [1.0], "extra_dkk": [2.0]})
    about = RunAbout("t", "r", "p.yaml", SHA, datetime(2026, 1, 1, tzinfo=UTC), RunState.DRAFT)
    with pytest.raises(TableContractError, match=r"montecarlo_summary: .*undeclared \['extra_dkk'\]"):
        write_tables(tmp_path, {Table.MONTECARLO_SUMMARY: table}, about)
    assert list(tmp_path.iterdir()) == []


def _rows(sheet: object) -> list[dict[str, object]]:
    header = _header(sheet)
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]  # type: ignore[attr-defined]


def test_costs_are_lines_down_and_years_across_with_totals_one_sheet_per_scenario(
    written: Path, book: Workbook
) -> None:
    costs = book["Udgifter pr. år"]
    # Each year's header says what its figures rest on (actuals to 31 October 2026, params/default.yaml).
    years = ["2024 (Bogført)", "2025 (Bogført)", "2026 (Forventet regnskab)", "2027 (Skøn)", "2028 (Skøn)"]
    assert _header(costs) == ["Udgiftslinje", "Art", *years, "I alt"]
    rows = _rows(costs)
    assert len(rows) < 20  # one row per line (and the total), not 180 rows of scenario × year × line
    by_line = {row["Udgiftslinje"]: row for row in rows}
    assert by_line["Supportaftale"]["Art"] == "Drift"
    # One FTE (650.000 kr. in 2024 prices) in 2026 prices in the years estimated: 650.000 × 1,030 × 1,027.
    fut = by_line["Tilslutningsafgift til FUT"]
    for year in years[3:]:
        assert fut[year] == pytest.approx(650_000 * 1.03 * 1.027)
    for row in rows:
        assert row["I alt"] == pytest.approx(sum(row[year] or 0 for year in years))
    total = rows[-1]
    assert total["Udgiftslinje"] == "I alt" and total["Art"] is None
    assert all(cell.font.bold for cell in costs[costs.max_row])
    base = pd.read_csv(written / "cost_by_year.csv").query("scenario == 'Basis'")
    for year in years:
        assert total[year] == pytest.approx(base.loc[base["year"] == int(year[:4]), "amount_dkk"].sum())
    assert total["I alt"] == pytest.approx(base["amount_dkk"].sum())
    assert costs["C2"].number_format == AMOUNT
    # Each other scenario on a sheet of its own, in the same shape.
    assert book.sheetnames[1:4] == ["Udgifter pr. år", "Udgifter, Supportpris i top", "Udgifter, Højere årsværkspris"]
    dearer = {row["Udgiftslinje"]: row for row in _rows(book["Udgifter, Højere årsværkspris"])}
    assert dearer["Tilslutningsafgift til FUT"]["2027 (Skøn)"] == pytest.approx(780_000 * 1.03 * 1.027)


def test_assumptions_show_each_value_in_its_unit(book: Workbook) -> None:
    sheet = book["Forudsætninger"]
    cells = [dict(zip(_header(sheet), row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    rows = {row["Parameter"].value: row for row in cells if row["Scenarie"].value == "Basis"}
    rate = rows["discount_rate"]["Værdi"]
    assert rate.value == pytest.approx(0.035) and rate.number_format == PERCENT  # shown 3,5 %, not 0.035
    assert rows["price_index.2024"]["Værdi"].number_format == PERCENT
    assert rows["fte.annual_cost"]["Værdi"].number_format == AMOUNT
    change = rows["support.renegotiation.change"]
    assert change["Lav"].value == pytest.approx(-0.05) and change["Lav"].number_format == PERCENT
    assert rows["administration.staff_fte"]["Værdi"].number_format == '[>=0.005]#,##0.00;[<=-0.005]-#,##0.00;"0"'


def test_the_invoice_reconciliation_names_the_agreements(book: Workbook) -> None:
    sheet = book["Fakturaafstemning"]
    assert _header(sheet)[:2] == ["Aftale", "Periode"]
    agreements = {row["Aftale"] for row in _rows(sheet)}
    # params/default.yaml: budget.agreements' names, not their ids support, fut_fee, spoc_option.
    assert agreements == {"Supportaftale med Frederikshavn Kommune", "Tilslutningsafgift til FUT (ét årsværk)",
                          "FUT SPOC-option"}


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_each_page(book: Workbook) -> None:
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title


def test_the_first_sheet_links_to_every_sheet(book: Workbook) -> None:
    about = book["Om kørslen"]
    links = {c.value: c.hyperlink.location for c in about["A"] if c.hyperlink is not None}
    assert set(links) == set(book.sheetnames[1:])
    assert links["Udgifter pr. år"] == "'Udgifter pr. år'!A1"
    assert links["ÆØ gennemløbstider"] == "'ÆØ gennemløbstider'!A1"


def test_a_value_that_rounds_to_zero_shows_as_zero(tmp_path: Path) -> None:
    from kpro_econ.report.formatting import mio_kr, number, percent

    # Excel: the format's third section is a plain 0 for every value between -0,5 and 0,5 kr.
    table = pd.DataFrame({"statistic": ["mean", "contingency"], "value_dkk": [-1e-9, -0.4]})
    about = RunAbout("t", "r", "p.yaml", SHA, datetime(2026, 1, 1, tzinfo=UTC), RunState.DRAFT)
    write_tables(tmp_path, {Table.MONTECARLO_SUMMARY: table}, about)
    sheet = load_workbook(tmp_path / "tables.xlsx")["Monte Carlo"]
    assert [sheet["B2"].number_format, sheet["B3"].number_format] == [AMOUNT, AMOUNT]
    # The reports: rounding noise is 0, not -0.
    assert percent(-0.0001) == "0,0 %"
    assert number(-0.3) == "0"
    assert number(-0.04, 1) == "0,0"
    assert mio_kr(-1) == "0,0 mio. kr."
    assert percent(-0.012) == "-1,2 %" and number(-2.6) == "-3"
