"""Registers: the municipality list, the change-request register, FOLK1A, and load_inputs."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.load import load_inputs
from kpro_econ.inputs.municipalities import BY_CODE, MUNICIPALITIES, REGIONS, code_for_name, region_for
from kpro_econ.inputs.registers import (
    CHANGE_REQUEST_COLUMNS,
    MUNICIPALITY_COLUMNS,
    apply_folk1a,
    change_requests,
    change_requests_from_items,
    municipalities,
)
from kpro_econ.inputs.tables import read_table
from kpro_econ.params.models import ChangeRequest

MUNICIPALITIES_CSV = REPO / "data" / "municipalities.csv"

NO_DAY = "den dag findes ikke (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ, fx 2024-03-31 eller 31-03-2024)"


def _csv(tmp_path: Path, text: str, name: str = "r.csv", encoding: str = "utf-8") -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return read_table(path)


def _messages(call: object, *args: object) -> list[str]:
    with pytest.raises(ParamsError) as caught:
        call(*args)  # type: ignore[operator]
    return [str(p) for p in caught.value.problems]


# --- the official list -----------------------------------------------------------------------

def test_98_municipalities_in_five_regions() -> None:
    assert len(MUNICIPALITIES) == 98
    counts = Counter(region for _, _, region in MUNICIPALITIES)
    assert counts == {
        "Region Hovedstaden": 29, "Region Sjælland": 17, "Region Syddanmark": 22,
        "Region Midtjylland": 19, "Region Nordjylland": 11,
    }
    assert len({code for code, _, _ in MUNICIPALITIES}) == 98
    assert len({name for _, name, _ in MUNICIPALITIES}) == 98
    assert set(counts) == set(REGIONS)


def test_known_codes() -> None:
    assert BY_CODE[101] == ("København", "Region Hovedstaden")
    assert BY_CODE[147] == ("Frederiksberg", "Region Hovedstaden")
    assert BY_CODE[400] == ("Bornholm", "Region Hovedstaden")
    assert BY_CODE[751] == ("Aarhus", "Region Midtjylland")
    assert BY_CODE[813] == ("Frederikshavn", "Region Nordjylland")
    assert BY_CODE[851] == ("Aalborg", "Region Nordjylland")
    assert BY_CODE[860] == ("Hjørring", "Region Nordjylland")
    assert 411 not in BY_CODE  # Christiansø is not a municipality


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("København", 101), ("Københavns Kommune", 101), ("Århus", 751), ("Aarhus", 751),
        ("Aabenraa", 580), ("Åbenrå", 580), ("Brønderslev", 810), ("Brønderslev-Dronninglund", 810),
        ("Lyngby-Taarbæk", 173), ("lyngby taarbæk kommune", 173), ("Ikast-Brande", 756),
        ("Ringkøbing-Skjern", 760), ("Høje Taastrup", 169), ("Vesthimmerlands", 820), ("Vesthimmerland", 820),
        ("Nordfyns", 480), ("Christiansø", None), ("Hele landet", None),
    ],
)
def test_name_quirks(name: str, code: int | None) -> None:
    assert code_for_name(name) == code


def test_region_names() -> None:
    assert region_for("Nordjylland") == "Region Nordjylland"
    assert region_for(" region sjælland ") == "Region Sjælland"
    assert region_for("Jylland") is None


# --- municipalities --------------------------------------------------------------------------

def test_the_shipped_municipality_file_is_valid() -> None:
    df = municipalities(read_table(MUNICIPALITIES_CSV), "data/municipalities.csv")
    assert list(df.columns) == MUNICIPALITY_COLUMNS
    assert len(df) == 98
    assert list(df["code"]) == sorted(BY_CODE)
    assert df["citizens_is_sample"].all()
    assert (df["wave"] == 4).sum() == 49  # the minutes: wave 4 holds 49 municipalities
    assert set(df["wave"].dropna()) == {1, 2, 3, 4}
    live_years = df["go_live_date"].dropna().dt.year
    assert set(live_years) <= {2022, 2023, 2024}
    assert df["go_live_date"].isna().sum() == 8
    assert df.dtypes["code"] == "int64" and df.dtypes["citizens"] == "int64"
    assert pd.api.types.is_datetime64_any_dtype(df["go_live_date"])


def _municipality_text(edit: dict[str, str] | None = None, drop: str | None = None, extra: str = "") -> str:
    lines = MUNICIPALITIES_CSV.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if drop and line.startswith(drop):
            continue
        for old, new in (edit or {}).items():
            if line.startswith(old.split(",")[0] + ","):
                line = line.replace(old, new)
        out.append(line)
    return "\n".join(out) + "\n" + extra


def test_municipality_problems_name_code_line_and_value(tmp_path: Path) -> None:
    # Line 1 is the header, then the 98 codes in order: 101 on line 2, 147 on line 3, 851 (the 97th)
    # on line 98, but on line 97 once 840 is dropped; the added row is then line 1 + 97 + 1 = 99.
    text = _municipality_text(
        edit={"147,Frederiksberg": "147,Frederiksbjerg",
              "851,Aalborg,Region Nordjylland": "851,Aalborg,Region Midtjylland"},
        drop="840,",
        extra="101,København,Region Hovedstaden,1000,2024-01-01,x,ja,9,\n",
    )
    df = _csv(tmp_path, text)
    # Row by row (line 3, 97, 99), then the checks across rows.
    assert _messages(municipalities, df, "m.csv") == [
        "m.csv:3: name: passer ikke til koden 147 (Frederiksberg) (fik 'Frederiksbjerg')",
        "m.csv:97: region: Aalborg (851) ligger i Region Nordjylland (fik 'Region Midtjylland')",
        "m.csv:99: wave: må højst være 5 (fik 9)",
        "m.csv:99: code: står to gange: samme kommune som på linje 2 (fik 101)",
        "m.csv: code: kommunen mangler: 840 Rebild",
    ]


def test_duplicate_and_unknown_codes(tmp_path: Path) -> None:
    text = _municipality_text(extra="101,København,Region Hovedstaden,1000,,,nej,,\n"
                                    "411,Christiansø,Region Hovedstaden,90,,,nej,,\n")
    assert _messages(municipalities, _csv(tmp_path, text), "m.csv") == [
        "m.csv:101: code: ikke en dansk kommunekode (Christiansø er ikke en kommune) (fik 411)",
        "m.csv:100: code: står to gange: samme kommune som på linje 2 (fik 101)",
    ]


def test_danish_excel_municipality_file(tmp_path: Path) -> None:
    """Semicolons, Danish dates, SAND/FALSK and short region names, as Danish Excel saves it."""
    rows = ["Code;Name;Region;Citizens;Citizens_date;Citizens_source;Citizens_is_sample;Wave;Go_live_date"]
    for code, name, region in MUNICIPALITIES:
        rows.append(f"{code};{name};{region.removeprefix('Region ')};1.234;01-07-2024;FOLK1A;FALSK;;")
    df = municipalities(_csv(tmp_path, "\n".join(rows), encoding="cp1252"), "m.csv")
    assert (df["citizens"] == 1234).all()
    assert not df["citizens_is_sample"].any()
    assert (df["citizens_date"] == pd.Timestamp("2024-07-01")).all()
    assert df["wave"].isna().all() and df["go_live_date"].isna().all()
    assert df.loc[df["code"] == 851, "region"].item() == "Region Nordjylland"


# --- FOLK1A ----------------------------------------------------------------------------------

def _folk1a_text(skip: int | None = None, with_codes: bool = False) -> str:
    """A FOLK1A export with KØN: the total and the men per municipality for two quarters."""
    lines = ["OMRÅDE;KØN;TID;INDHOLD", "Hele landet;I alt;2024K3;5961249",
             "Region Nordjylland;I alt;2024K3;597000", "Landsdel Nordjylland;I alt;2024K3;597000",
             "Christiansø;I alt;2024K3;90"]
    for code, name, _ in MUNICIPALITIES:
        if code == skip:
            continue
        area = str(code) if with_codes else {"Aarhus": "Århus"}.get(name, name)
        lines += [f"{area};I alt;2024K2;{code * 1000 + 2}", f"{area};I alt;2024K3;{code * 1000 + 3}",
                  f"{area};Mænd;2024K3;{code * 500}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("with_codes", [False, True])
def test_folk1a_latest_quarter_replaces_the_counts(tmp_path: Path, with_codes: bool) -> None:
    base = municipalities(read_table(MUNICIPALITIES_CSV), "data/municipalities.csv")
    folk1a = _csv(tmp_path, _folk1a_text(with_codes=with_codes), encoding="cp1252")
    df = apply_folk1a(base, folk1a, "folk1a.csv")

    assert list(df.columns) == MUNICIPALITY_COLUMNS
    by_code = df.set_index("code")
    assert by_code.loc[101, "citizens"] == 101003  # 2024K3 total, not K2 and not the men
    assert by_code.loc[751, "citizens"] == 751003  # written "Århus" in the export
    assert by_code.loc[860, "citizens"] == 860003
    assert (df["citizens_date"] == pd.Timestamp("2024-07-01")).all()
    assert (df["citizens_source"] == "Danmarks Statistik, FOLK1A 2024K3").all()
    assert not df["citizens_is_sample"].any()
    assert list(df["wave"]) == list(base["wave"])  # everything else is kept
    assert df["citizens"].dtype == "int64"


def test_folk1a_problems(tmp_path: Path) -> None:
    base = municipalities(read_table(MUNICIPALITIES_CSV), "data/municipalities.csv")
    text = _folk1a_text(skip=840) + "Atlantis;I alt;2024K3;10\nAalborg;I alt;2024Q4;10\n"
    folk1a = _csv(tmp_path, text)
    last = 5 + 97 * 3  # 5 lines before the municipalities, three lines each for the 97 left
    assert _messages(apply_folk1a, base, folk1a, "folk1a.csv") == [
        f"folk1a.csv:{last + 1}: OMRÅDE: hverken en kommune, en region eller hele landet (fik 'Atlantis')",
        f"folk1a.csv:{last + 2}: TID: ikke et kvartal som 2024K3 (fik '2024Q4')",
        "folk1a.csv: OMRÅDE: kommunen mangler: 840 Rebild",
    ]


def test_folk1a_without_totals_is_refused(tmp_path: Path) -> None:
    base = municipalities(read_table(MUNICIPALITIES_CSV), "data/municipalities.csv")
    text = _folk1a_text().replace("I alt;", "").replace("Mænd;", "").replace("OMRÅDE;KØN;", "OMRÅDE;")
    messages = _messages(apply_folk1a, base, _csv(tmp_path, text), "folk1a.csv")
    assert messages[0] == (
        "folk1a.csv:8: OMRÅDE: en række mere for København i 2024K3 (den første på linje 7); "
        "udtræk kun totalerne (fx KØN: I alt, ALDER: Alder i alt) (fik 'København')"
    )


def test_folk1a_needs_its_columns(tmp_path: Path) -> None:
    base = municipalities(read_table(MUNICIPALITIES_CSV), "data/municipalities.csv")
    assert _messages(apply_folk1a, base, _csv(tmp_path, "OMRÅDE;TID\nAalborg;2024K3\n"), "f.csv") == [
        "f.csv:1: INDHOLD: kolonnen mangler; den skal være med (et FOLK1A-udtræk har OMRÅDE;TID;INDHOLD)"
    ]


# --- change requests -------------------------------------------------------------------------

CR_HEADER = ("id,title,status,priority,estimate_low,estimate_mode,estimate_high,year,approval_probability,"
             "actual_cost,requested_date,approved_date,delivered_date,source\n")
CR_ROWS = (
    "ÆØ-1,Uddata,proposed,Høj,100000,150000,260000,2025,0.6,,2024-01-15,,,Antagelse: estimat\n"
    "ÆØ-2,NSIS,delivered,lav,50000,50000,50000,2024,,48000.5,2023-02-01,2023-03-01,2024-02-14,\n"
)


def test_change_requests_to_a_typed_frame(tmp_path: Path) -> None:
    df = change_requests(_csv(tmp_path, CR_HEADER + CR_ROWS), "cr.csv")
    assert list(df.columns) == CHANGE_REQUEST_COLUMNS
    assert list(df["id"]) == ["ÆØ-1", "ÆØ-2"]
    assert list(df["priority"]) == ["høj", "lav"]  # written "Høj"
    assert list(df["estimate_high"]) == [260000.0, 50000.0]
    assert df["year"].dtype == "int64" and list(df["year"]) == [2025, 2024]
    assert df.loc[0, "approval_probability"] == 0.6 and pd.isna(df.loc[1, "approval_probability"])
    assert pd.isna(df.loc[0, "actual_cost"]) and df.loc[1, "actual_cost"] == 48000.5
    assert pd.api.types.is_datetime64_any_dtype(df["requested_date"])
    assert df.loc[1, "delivered_date"] == pd.Timestamp("2024-02-14")
    assert pd.isna(df.loc[0, "delivered_date"])
    assert pd.isna(df.loc[1, "source"])


def test_decimal_comma_register_reads_the_same(tmp_path: Path) -> None:
    text = (CR_HEADER.replace(",", ";")
            + "ÆØ-1;Uddata;proposed;Høj;100.000;150.000;260.000;2025;0,6;;15-01-2024;;;Antagelse: estimat\n"
            + "ÆØ-2;NSIS;delivered;lav;50.000;50.000;50.000;2024;;48.000,50;"
              "2023-02-01;2023-03-01;2024-02-14;\n")
    expected = change_requests(_csv(tmp_path, CR_HEADER + CR_ROWS, "a.csv"), "cr.csv")
    pd.testing.assert_frame_equal(change_requests(_csv(tmp_path, text, "b.csv"), "cr.csv"), expected)


def test_inline_items_give_the_same_frame(tmp_path: Path) -> None:
    items = [
        ChangeRequest(id="ÆØ-1", title="Uddata", status="proposed", priority="høj", estimate_low=100000,
                      estimate_mode=150000, estimate_high=260000, year=2025, approval_probability=0.6,
                      requested_date="2024-01-15", source="Antagelse: estimat"),
        ChangeRequest(id="ÆØ-2", title="NSIS", status="delivered", priority="lav", estimate_low=50000,
                      estimate_mode=50000, estimate_high=50000, year=2024, actual_cost=48000.5,
                      requested_date="2023-02-01", approved_date="2023-03-01", delivered_date="2024-02-14"),
    ]
    expected = change_requests(_csv(tmp_path, CR_HEADER + CR_ROWS), "cr.csv")
    pd.testing.assert_frame_equal(change_requests_from_items(items, "p.yaml"), expected)
    assert _messages(change_requests_from_items, [items[0], items[0]], "p.yaml") == [
        "p.yaml: change_requests.items.1.id: står to gange: samme id som på element 0 (fik 'ÆØ-1')"
    ]


def test_empty_register_keeps_its_columns_and_types(tmp_path: Path) -> None:
    df = change_requests(_csv(tmp_path, CR_HEADER), "cr.csv")
    assert df.empty and list(df.columns) == CHANGE_REQUEST_COLUMNS
    assert df["year"].dtype == "int64" and df["estimate_low"].dtype == "float64"


def test_change_request_problems(tmp_path: Path) -> None:
    rows = (
        "ÆØ-1,Uddata,proposed,høj,100000,150000,260000,2025,,,,,,\n"  # line 2: no probability
        "ÆØ-1,NSIS,approved,høj,300000,150000,260000,2024,,,2024-13-01,,,\n"  # 3: id, low > mode, date
        "ÆØ-3,KIH,godkent,medium,1e5x,,260000,2024,,,,,,\n"  # 4: status, priority, number, blank
    )
    # Row by row: each row's cells in the register's column order, then its checks across columns;
    # then the checks across rows.
    assert _messages(change_requests, _csv(tmp_path, CR_HEADER + rows), "cr.csv") == [
        "cr.csv:2: approval_probability: skal udfyldes, men er tom (påkrævet for et foreslået ændringsønske, "
        "status proposed)",
        "cr.csv:3: requested_date: ikke en gyldig dato; den dag findes ikke (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅ"
        "ÅÅ, fx 2024-03-31 eller 31-03-2024) (fik '2024-13-01')",
        "cr.csv:3: estimate_low: må ikke være større end estimate_mode (300.000 > 150.000)",
        "cr.csv:4: status: ukendt status; skriv en af proposed (foreslået), approved (godkendt), "
        "in_progress (under udvikling), delivered (leveret), rejected (afvist) – mente du 'godkendt'? "
        "(fik 'godkent')",
        "cr.csv:4: priority: skal være en af: høj, middel, lav (fik 'medium')",
        "cr.csv:4: estimate_low: ikke et tal med decimalpunktum, som filen bruger (fx 386708.50) "
        "(fik '1e5x')",
        "cr.csv:4: estimate_mode: skal udfyldes, men er tom",
        "cr.csv:3: id: står to gange: samme id som på linje 2 (fik 'ÆØ-1')",
    ]


def test_misspelt_and_missing_columns(tmp_path: Path) -> None:
    text = "id,title,status,priority,estimate_low,estimate_mod,estimate_high\nA,x,approved,lav,1,2,3\n"
    assert _messages(change_requests, _csv(tmp_path, text), "cr.csv") == [
        "cr.csv:1: estimate_mod: ukendt kolonne – mente du 'estimate_mode'?",  # and not also "mangler"
        "cr.csv:1: year: kolonnen mangler; den skal være med",
    ]


# --- load_inputs -----------------------------------------------------------------------------

def test_load_inputs_reads_each_file_once_for_every_scenario(tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / "data" / "folk1a.csv").write_bytes(_folk1a_text().encode("cp1252"))
    text = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("  municipalities: ../data/municipalities.csv",
                        "  municipalities: ../data/municipalities.csv\n  population: ../data/folk1a.csv")
    params = tmp_path / "params" / "p.yaml"
    params.write_text(text, encoding="utf-8")
    shutil.copy(REPO / "params" / "approvers", tmp_path / "params" / "approvers")

    inputs = load_inputs(params)

    assert next(iter(inputs.scenarios)) == "Basis" and len(inputs.scenarios) >= 2
    data = tmp_path / "data"
    assert inputs.files == [params.resolve()] + [(data / name).resolve() for name in (
        "change_requests.csv", "municipalities.csv", "folk1a.csv", "risk_register.csv", "operations.csv",
        "adoption.csv", "actuals.csv")] + [(tmp_path / "params" / "approvers").resolve()]
    base = inputs.base.municipalities
    assert base.set_index("code").loc[851, "citizens"] == 851003
    assert not base["citizens_is_sample"].any()
    for scenario in inputs.scenarios.values():  # one validated frame, shared
        assert scenario.change_requests is inputs.base.change_requests
        assert scenario.municipalities is inputs.base.municipalities


def test_load_inputs_with_inline_change_requests(tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    shutil.copytree(REPO / "data", tmp_path / "data")
    text = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("  register: ../data/change_requests.csv", (
        "  items:\n"
        "    - {id: ÆØ-1, title: Uddata, status: approved, priority: høj, estimate_low: 100000,\n"
        "       estimate_mode: 150000, estimate_high: 260000, year: 2025, requested_date: 2024-01-15}\n"
    ))
    params = tmp_path / "params" / "p.yaml"
    params.write_text(text, encoding="utf-8")
    shutil.copy(REPO / "params" / "approvers", tmp_path / "params" / "approvers")

    inputs = load_inputs(params)

    register = inputs.base.change_requests
    assert list(register.columns) == CHANGE_REQUEST_COLUMNS
    assert register.loc[0, "requested_date"] == pd.Timestamp("2024-01-15")  # unquoted in YAML: a date
    assert register.loc[0, "estimate_mode"] == 150000.0
    assert (tmp_path / "data" / "change_requests.csv").resolve() not in inputs.files


# --- one engine: the same mistake gets the same words ----------------------------------------

RISK_HEADER = ("id,title,category,owner,likelihood_inherent,impact_inherent,likelihood_residual,impact_residual,"
               "mitigation_cost,status,cost_low,cost_mode,cost_high,last_reviewed\n")
RISK_ROW = "R1,Bølge 5,drift,Program,3,3,3,3,0,open,1,2,3,2024-01-01\n"
ADOPTION_HEADER = "month,code,wave,planned_go_live,staff_with_access,active_citizens\n"
ADOPTION_ROW = "2024-03,851,4,2024-03-01,40,100\n"


def _words(tmp_path: Path, reader: object, header: str, row: str, column: str, cell: str) -> str:
    """The words (`what is wrong (fik VALUE)`) of the one problem `reader` finds when `column`'s cell is `cell`."""
    names = header.strip().split(",")
    cells = row.strip().split(",")
    cells[names.index(column)] = cell
    [message] = _messages(reader, _csv(tmp_path, header + ",".join(cells) + "\n", f"{column}.csv"), "f.csv")
    return message.split(f": {column}: ", 1)[1]


def test_the_same_mistake_gets_the_same_words_in_every_register(tmp_path: Path) -> None:
    from kpro_econ.inputs.kpi_registers import adoption
    from kpro_econ.inputs.risk_register import risk_register

    def risks(df: pd.DataFrame, file: str) -> pd.DataFrame:
        return risk_register(df, file, [2024])

    cr_row = CR_ROWS.splitlines()[1] + "\n"
    # a blank cell in a required column
    assert _words(tmp_path, change_requests, CR_HEADER, cr_row, "title", "") == "skal udfyldes, men er tom"
    assert _words(tmp_path, risks, RISK_HEADER, RISK_ROW, "title", "") == "skal udfyldes, men er tom"
    assert _words(tmp_path, adoption, ADOPTION_HEADER, ADOPTION_ROW, "planned_go_live", "") == (
        "skal udfyldes, men er tom")
    # a negative amount where 0 is the least
    assert _words(tmp_path, change_requests, CR_HEADER, cr_row, "estimate_low", "-5") == "skal være mindst 0 (fik -5)"
    assert _words(tmp_path, risks, RISK_HEADER, RISK_ROW, "mitigation_cost", "-5") == "skal være mindst 0 (fik -5)"
    assert _words(tmp_path, adoption, ADOPTION_HEADER, ADOPTION_ROW, "staff_with_access", "-5") == (
        "skal være mindst 0 (fik -5)")
    # a status that is not one of the codes
    assert _words(tmp_path, change_requests, CR_HEADER, cr_row, "status", "xyz") == (
        "ukendt status; skriv en af proposed (foreslået), approved (godkendt), in_progress (under udvikling), "
        "delivered (leveret), rejected (afvist) (fik 'xyz')")
    assert _words(tmp_path, risks, RISK_HEADER, RISK_ROW, "status", "xyz") == (
        "ukendt status; skriv en af open (åben), closed (lukket), occurred (indtruffet) (fik 'xyz')")
    # a date that is not a date
    assert _words(tmp_path, change_requests, CR_HEADER, cr_row, "requested_date", "2024-02-30") == (
        f"ikke en gyldig dato; {NO_DAY} (fik '2024-02-30')")
    assert _words(tmp_path, risks, RISK_HEADER, RISK_ROW, "last_reviewed", "2024-02-30") == (
        f"ikke en gyldig dato; {NO_DAY} (fik '2024-02-30')")


def test_a_probability_written_as_danish_excel_writes_a_percentage_is_a_share(tmp_path: Path) -> None:
    # Danish Excel saves a cell formatted as percent as "60 %" (or "60%"): the register reads 0.6.
    text = (CR_HEADER.replace(",", ";")
            + "ÆØ-1;Uddata;proposed;Høj;100.000;150.000;260.000;2025;60 %;;15-01-2024;;;Antagelse: estimat\n"
            + "ÆØ-2;NSIS;proposed;lav;50.000;50.000;50.000;2024;7,5%;;2023-02-01;;;\n")
    df = change_requests(_csv(tmp_path, text), "cr.csv")
    assert df["approval_probability"].tolist() == [pytest.approx(0.6), pytest.approx(0.075)]
