"""Bad actuals and budget input through `kpro_econ.cli.main`, in-process: exit code 2 and one line per
problem naming the file, the row's line and the field (see cli_cases.py for the copied project)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from cli_cases import PARAMS, Case, Expect, copy_project, line_of, read_rows, replace_once, write_rows

from kpro_econ.cli import main
from kpro_econ.inputs.load import load_inputs
from kpro_econ.records.history import RunArchive

ACTUALS = "data/actuals.csv"
HEADER = ["date", "line", "supplier", "reference", "amount_dkk", "text", "sample"]


def set_cell(root: Path, row: int, column: str, value: str) -> int:
    """Set one cell of data/actuals.csv (row 1 is the first booking); returns the row's line."""
    rows = read_rows(root / ACTUALS)
    rows[row][rows[0].index(column)] = value
    write_rows(root / ACTUALS, rows)
    return row + 1


def future_date(root: Path) -> Expect:
    return Expect(ACTUALS, "date", "efter opgørelsesdatoen 2026-10-31 (actuals.as_of)",
                  set_cell(root, 3, "date", "2026-11-05"))


def future_date_danish(root: Path) -> Expect:
    return Expect(ACTUALS, "date", "efter opgørelsesdatoen 2026-10-31", set_cell(root, 4, "date", "01-11-2026"))


def year_outside_the_model(root: Path) -> Expect:
    return Expect(ACTUALS, "date", "i 2023, uden for modellens år 2024–2028",
                  set_cell(root, 5, "date", "2023-12-15"))


def not_a_date(root: Path) -> Expect:
    return Expect(ACTUALS, "date", "ikke en gyldig dato", set_cell(root, 6, "date", "31-02-2025"))


def unknown_line_code(root: Path) -> Expect:
    return Expect(ACTUALS, "line", "ukendt udgiftslinje; skriv en kode (fut_fee, support,",
                  set_cell(root, 7, "line", "suport"))


def amount_as_text(root: Path) -> Expect:
    return Expect(ACTUALS, "amount_dkk", "ikke et tal med decimalpunktum",
                  set_cell(root, 8, "amount_dkk", "tolv tusind"))


def decimal_point_in_a_danish_csv(root: Path) -> Expect:
    rows = read_rows(root / ACTUALS)
    rows[9][4] = "108000.50"  # Danish Excel writes 108.000,50 or 108000,50
    write_rows(root / ACTUALS, rows, delimiter=";")
    return Expect(ACTUALS, "amount_dkk", "ikke et tal med decimalkomma", 10)


def blank_reference(root: Path) -> Expect:
    return Expect(ACTUALS, "reference", "skal udfyldes, men er tom", set_cell(root, 11, "reference", ""))


def missing_column(root: Path) -> Expect:
    rows = [row[:3] + row[4:] for row in read_rows(root / ACTUALS)]
    write_rows(root / ACTUALS, rows)
    return Expect(ACTUALS, "reference", "kolonnen mangler; den skal være med", 1)


def misspelt_column(root: Path) -> Expect:
    rows = read_rows(root / ACTUALS)
    rows[0][4] = "amount"
    write_rows(root / ACTUALS, rows)
    return Expect(ACTUALS, "amount", "ukendt kolonne – mente du 'amount_dkk'?", 1)


def duplicate_header(root: Path) -> Expect:
    rows = [[*row, row[4]] for row in read_rows(root / ACTUALS)]
    write_rows(root / ACTUALS, rows)
    return Expect(ACTUALS, "amount_dkk", "kolonnen står to gange (kolonne 5 og 8)", 1)


def empty_file(root: Path) -> Expect:
    (root / ACTUALS).write_text("", encoding="utf-8")
    return Expect(ACTUALS, "actuals.register", "filen er tom (ingen overskriftsrække)")


def register_not_found(root: Path) -> Expect:
    (root / ACTUALS).unlink()
    return Expect("params/default.yaml", "actuals.register", "filen findes ikke",
                  line_of(root / PARAMS, "  register: ../data/actuals.csv"))


def as_of_not_a_date(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "as_of: 2026-10-31", "as_of: ultimo oktober")
    return Expect(PARAMS, "actuals.as_of", "ikke en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)", line)


def override_of_a_closed_year(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "      year: 2026\n      amount_dkk: 1200000", "      year: 2025\n"
                        "      amount_dkk: 1200000")
    return Expect(PARAMS, "budget.forecast_overrides.0.year", "et afsluttet år (actuals.as_of er 2026-10-31)", line)


def unknown_cadence(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "cadence: monthly", "cadence: weekly")
    return Expect(PARAMS, "budget.agreements.2.cadence", "skal være en af: yearly, quarterly, monthly", line)


def unknown_agreement_line(root: Path) -> Expect:
    line = replace_once(root / PARAMS, "      line: fut_fee\n", "      line: fut\n")
    return Expect(PARAMS, "budget.agreements.1.line", "fut_fee", line)


def budget_without_actuals(root: Path) -> Expect:
    text = (root / PARAMS).read_text(encoding="utf-8")
    start = text.index("actuals:\n")
    (root / PARAMS).write_text(text[:start] + text[text.index("budget:\n"):], encoding="utf-8")
    return Expect(PARAMS, "budget", "kræver et actuals-afsnit", line_of(root / PARAMS, "budget:"))


def baseline_run_not_there(root: Path) -> Expect:
    replace_once(root / PARAMS, "baseline: auto", "baseline: 2026-01-01_default")
    return Expect(PARAMS, "budget.baseline", "ingen kørselsmappe med data/cost_by_year.csv")


CASES: list[Case] = [
    future_date, future_date_danish, year_outside_the_model, not_a_date, unknown_line_code, amount_as_text,
    decimal_point_in_a_danish_csv, blank_reference, missing_column, misspelt_column, duplicate_header, empty_file,
    register_not_found, as_of_not_a_date, override_of_a_closed_year, unknown_cadence, unknown_agreement_line,
    budget_without_actuals, baseline_run_not_there,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_bad_actuals_input_is_refused_with_file_line_and_field(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    expect = case(root)
    monkeypatch.chdir(root)

    code = main(["validate", PARAMS])

    stderr = capsys.readouterr().err
    assert code == 2, stderr
    expect.check(stderr)
    assert "Traceback" not in stderr


def test_a_danish_label_and_a_danish_excel_csv_are_read_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = copy_project(tmp_path)
    rows = read_rows(root / ACTUALS)
    first = rows[1]
    rows[1] = ["15-01-2024", "Supportaftale", first[2], "X-1", "108.000,50", "", "ja"]
    rows = [[cell.replace(".", ",") if column == 4 and i > 1 else cell for column, cell in enumerate(row)]
            for i, row in enumerate(rows)]
    write_rows(root / ACTUALS, rows, delimiter=";")
    monkeypatch.chdir(root)
    actuals = load_inputs(Path(PARAMS), earlier=RunArchive(tmp_path / "reports")).actuals
    assert actuals is not None
    booking = actuals[actuals["reference"] == "X-1"].iloc[0]
    assert (str(booking["date"].date()), booking["line_code"], booking["amount_dkk"]) == (
        "2024-01-15", "support", 108000.5)


def test_an_xlsx_register_reads_like_the_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from datetime import date

    from openpyxl import Workbook

    root = copy_project(tmp_path)
    rows = read_rows(root / ACTUALS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:  # typed cells, as Excel keeps them: a date, a number, a boolean
        sheet.append([date.fromisoformat(row[0]), *row[1:4], float(row[4]), row[5], row[6] == "true"])
    workbook.save(root / "data" / "actuals.xlsx")
    monkeypatch.chdir(root)
    from_csv = load_inputs(Path(PARAMS), earlier=RunArchive(tmp_path / "reports")).actuals
    replace_once(root / PARAMS, "register: ../data/actuals.csv", "register: ../data/actuals.xlsx")
    from_xlsx = load_inputs(Path(PARAMS), earlier=RunArchive(tmp_path / "reports")).actuals
    assert from_csv is not None and from_xlsx is not None and len(from_xlsx) == len(rows) - 1
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
