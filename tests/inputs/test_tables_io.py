"""read_table: the same register in every form a controller may save it reads to the same values."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.tables import display_path, parse_bool, parse_date, parse_integer, parse_number, read_table

# Line 1 header, line 2 a row, line 3 empty (skipped), line 4 a row with a blank cell.
COMMA_DOT = (
    "id,title,estimate,requested_date\n"
    "ÆØ-001,Uddata for kommuner – æøå,386708.50,2024-03-01\n"
    "\n"
    "ÆØ-002,Brugerstyring ÆØÅ,1500000,\n"
)
SEMICOLON_COMMA = (
    "id;title;estimate;requested_date\n"
    "ÆØ-001;Uddata for kommuner – æøå;386.708,50;2024-03-01\n"
    ";;;\n"
    "ÆØ-002;Brugerstyring ÆØÅ;1.500.000;\n"
)


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "title", "estimate", "requested_date"])
    sheet.append(["ÆØ-001", "Uddata for kommuner – æøå", 386708.5, datetime(2024, 3, 1)])
    sheet.append([])
    sheet.append(["ÆØ-002", "Brugerstyring ÆØÅ", 1500000, None])
    workbook.save(path)
    return path


@pytest.fixture(params=["utf8", "utf8-bom", "cp1252", "semicolon", "semicolon-cp1252", "xlsx"])
def register_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    kind = request.param
    if kind == "utf8":
        return _write(tmp_path / "r.csv", COMMA_DOT)
    if kind == "utf8-bom":
        return _write(tmp_path / "r.csv", b"\xef\xbb\xbf" + COMMA_DOT.encode("utf-8"))
    if kind == "cp1252":
        return _write(tmp_path / "r.csv", COMMA_DOT.encode("cp1252"))
    if kind == "semicolon":
        return _write(tmp_path / "r.csv", SEMICOLON_COMMA)
    if kind == "semicolon-cp1252":
        return _write(tmp_path / "r.csv", SEMICOLON_COMMA.replace("\n", "\r\n").encode("cp1252"))
    return _xlsx(tmp_path / "r.xlsx")


def test_every_form_reads_to_the_same_values(register_file: Path) -> None:
    df = read_table(register_file)

    assert list(df.columns) == ["id", "title", "estimate", "requested_date"]
    assert list(df.index) == [2, 4]  # the empty row 3 is skipped; lines are the source's
    assert df.index.name == "line"
    assert list(df["id"]) == ["ÆØ-001", "ÆØ-002"]
    assert list(df["title"]) == ["Uddata for kommuner – æøå", "Brugerstyring ÆØÅ"]
    decimal = df.attrs["decimal"]
    assert [parse_number(v, decimal) for v in df["estimate"]] == [386708.5, 1500000.0]
    assert df.loc[2, "requested_date"] == "2024-03-01"
    assert df.loc[4, "requested_date"] is None  # blank cells are None, not "" or NaN


def test_decimal_convention_follows_the_separator(tmp_path: Path) -> None:
    assert read_table(_write(tmp_path / "a.csv", COMMA_DOT)).attrs["decimal"] == "."
    assert read_table(_write(tmp_path / "b.csv", SEMICOLON_COMMA)).attrs["decimal"] == ","
    assert read_table(_xlsx(tmp_path / "c.xlsx")).attrs["decimal"] == "."


def test_cells_are_kept_as_stripped_strings(tmp_path: Path) -> None:
    df = read_table(_write(tmp_path / "r.csv", "code;name\n 0101 ;  Aalborg \n"))
    assert df.loc[2, "code"] == "0101"  # not 101: types are the validators' business
    assert df.loc[2, "name"] == "Aalborg"


def test_a_quoted_cell_over_two_lines_keeps_later_lines_right(tmp_path: Path) -> None:
    text = 'id,title\nA,"first line\nsecond line"\nB,plain\n'
    df = read_table(_write(tmp_path / "r.csv", text))
    assert list(df.index) == [2, 4]
    assert df.loc[2, "title"] == "first line\nsecond line"


def test_leading_blank_lines_move_the_header(tmp_path: Path) -> None:
    df = read_table(_write(tmp_path / "r.csv", "\n\nid,title\nA,x\n"))
    assert df.attrs["header_line"] == 3
    assert list(df.index) == [4]


def test_header_only_gives_an_empty_table(tmp_path: Path) -> None:
    df = read_table(_write(tmp_path / "r.csv", "id,title\n"))
    assert df.empty
    assert list(df.columns) == ["id", "title"]


def test_an_empty_trailing_excel_column_is_dropped(tmp_path: Path) -> None:
    df = read_table(_write(tmp_path / "r.csv", "id;title;\nA;x;\n"))
    assert list(df.columns) == ["id", "title"]


def _problems(path: Path) -> list[str]:
    with pytest.raises(ParamsError) as caught:
        read_table(path)
    return [str(p) for p in caught.value.problems]


def test_utf16_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "r.csv", COMMA_DOT.encode("utf-16"))
    assert _problems(path) == ["r.csv: -: filen er UTF-16-tekst; gem den som CSV UTF-8 eller almindelig CSV"]


def test_bytes_invalid_in_both_encodings_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "r.csv", b"id,title\nA,\x81\n")  # 0x81 is undefined in Windows-1252
    assert _problems(path) == ["r.csv: -: hverken UTF-8- eller Windows-1252-tekst (byte 0x81 ved position 11)"]


def test_empty_missing_and_unknown_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _problems(_write(tmp_path / "e.csv", "")) == ["e.csv: -: filen er tom (ingen overskriftsrække)"]
    assert _problems(_write(tmp_path / "b.csv", "\n ; \n")) == ["b.csv: -: filen er tom (ingen overskriftsrække)"]
    assert _problems(tmp_path / "nope.csv") == ["nope.csv: -: filen findes ikke"]
    assert _problems(_write(tmp_path / "r.xls", "x")) == [
        "r.xls: -: skal være en .csv- eller .xlsx-fil (fik '.xls')"
    ]
    assert _problems(_write(tmp_path / "r.xlsx", "not a zip"))[0].startswith(
        "r.xlsx: -: ikke en XLSX-projektmappe, der kan læses"
    )


def test_duplicate_header_names_both_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "r.csv", "id,title,id\nA,x,B\n")
    assert _problems(path) == ["r.csv:1: id: kolonnen står to gange (kolonne 1 og 3)"]


def test_a_value_without_a_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "r.csv", "id,title\nA,x\nB,y,stray\n")
    assert _problems(path) == ["r.csv:3: -: en værdi i kolonne 3, som ikke har nogen overskrift (fik 'stray')"]


def test_xlsx_lines_are_sheet_rows(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A3"], sheet["B3"] = "id", "year"
    sheet["A5"], sheet["B5"] = "ÆØ-001", 2025.0  # Excel keeps every number as a float
    sheet["A6"], sheet["B6"] = "ÆØ-002", True
    workbook.save(tmp_path / "r.xlsx")
    df = read_table(tmp_path / "r.xlsx")
    assert df.attrs["header_line"] == 3
    assert list(df.index) == [5, 6]
    assert list(df["year"]) == ["2025", "true"]


def test_display_path_is_relative_inside_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")
    assert display_path(Path("../inside/data/x.csv")) == str(Path("data/x.csv"))
    assert display_path(tmp_path / "other.csv") == str(tmp_path.resolve() / "other.csv")


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("386.708,50", ",", 386708.5),
        ("386708,5", ",", 386708.5),
        ("1.500.000", ",", 1500000.0),
        ("0,7", ",", 0.7),
        ("-12", ",", -12.0),
        ("386708.50", ".", 386708.5),
        ("1,500,000", ".", 1500000.0),
        ("1e-05", ".", 0.00001),
    ],
)
def test_parse_number(text: str, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "decimal"),
    [("1.5", ","), ("400000.50", ","), ("150,000.50", ","), ("0,7", "."), ("12 kr.", "."), ("nan", "."),
     ("", ",")],
)
def test_parse_number_refuses_the_other_convention(text: str, decimal: str) -> None:
    with pytest.raises(ValueError, match="decimal"):
        parse_number(text, decimal)


def test_parse_integer_dates_and_yes_no() -> None:
    assert parse_integer("2.025", ",") == 2025
    with pytest.raises(ValueError, match="ikke et heltal"):
        parse_integer("2025,5", ",")
    assert parse_date("2024-03-31") == date(2024, 3, 31)
    assert parse_date("31-03-2024") == date(2024, 3, 31)
    assert parse_date("1.7.2024") == date(2024, 7, 1)
    with pytest.raises(ValueError, match="ikke en gyldig dato"):
        parse_date("2024-02-30")
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ"):
        parse_date("marts 2024")
    assert [parse_bool(t) for t in ("true", "JA", "1", "SAND", "false", "nej", "0", "FALSK")] == [
        True, True, True, True, False, False, False, False,
    ]
    with pytest.raises(ValueError, match="ikke ja eller nej"):
        parse_bool("måske")
