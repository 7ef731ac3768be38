"""The row engine every register reader uses: a register declares its columns, the engine reads the cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.rows import Column, Register, check_items, check_table
from kpro_econ.inputs.tables import read_table

# The actuals register of budget-followup.md, declared as a later reader would: nothing else is needed
# for its cells to be read, typed and checked with the same words as every other register.
ACTUALS = Register((
    Column("date", "date", required=True),
    Column("line", required=True, choices=("support", "fut_fee")),
    Column("supplier"),
    Column("reference", required=True),
    Column("amount_dkk", "number", required=True),
    Column("text"),
))

_NO_DAY = "den dag findes ikke (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ, fx 2024-03-31 eller 31-03-2024)"


def _read(tmp_path: Path, text: str) -> pd.DataFrame:
    path = tmp_path / "actuals.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path)


def test_a_declared_register_is_read_typed(tmp_path: Path) -> None:
    table = _read(tmp_path, "date;line;supplier;reference;amount_dkk;text\n"
                            "15-01-2025;Support;Netcompany;F-1;1.234,50;januar\n"
                            "2025-02-01;fut_fee;;F-2;-100;\n")
    rows = check_table(table, "actuals.csv", ACTUALS)
    assert rows.problems() == []
    frame = rows.frame
    assert list(frame.columns) == ["date", "line", "supplier", "reference", "amount_dkk", "text"]
    assert frame["date"].tolist() == [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-02-01")]
    assert frame["line"].tolist() == ["support", "fut_fee"]  # codes matched ignoring case
    assert frame["amount_dkk"].tolist() == [1234.5, -100.0]  # decimal comma, thousands dot
    assert frame["supplier"].isna().tolist() == [False, True]
    assert rows.lines == [2, 3]


def test_problems_name_line_and_field_row_by_row_in_the_declared_order(tmp_path: Path) -> None:
    table = _read(tmp_path, "amount_dkk,reference,line,date,noter\n"
                            "12x,F-1,husleje,2025-13-01,\n"
                            ",F-1,support,2025-01-01,\n")
    rows = check_table(table, "a.csv", ACTUALS)
    rows.repeats(["reference"], "reference")
    assert [str(p) for p in rows.problems()] == [
        "a.csv:1: noter: ukendt kolonne; kendte kolonner: date, line, supplier, reference, amount_dkk, text",
        # line 2: date, line, amount_dkk, as the register declares them, not as the file has them
        f"a.csv:2: date: ikke en gyldig dato; {_NO_DAY} (fik '2025-13-01')",
        "a.csv:2: line: skal være en af: support, fut_fee (fik 'husleje')",
        "a.csv:2: amount_dkk: ikke et tal med decimalpunktum, som filen bruger (fx 386708.50) (fik '12x')",
        "a.csv:3: amount_dkk: skal udfyldes, men er tom",
        "a.csv:3: reference: står to gange: samme reference som på linje 2 (fik 'F-1')",
    ]
    with pytest.raises(ParamsError):
        rows.raise_problems()


def test_a_missing_required_column_is_one_problem_and_no_row_repeats_it(tmp_path: Path) -> None:
    rows = check_table(_read(tmp_path, "date,line,amount_dkk\n2025-01-01,support,5\n2025-01-02,support,6\n"),
                       "a.csv", ACTUALS)
    assert [str(p) for p in rows.problems()] == ["a.csv:1: reference: kolonnen mangler; den skal være med"]


def test_ranges_and_a_check_across_columns(tmp_path: Path) -> None:
    register = Register((Column("low", "number", minimum=0), Column("high", "number", maximum=10),
                         Column("count", "integer", above=0)))
    rows = check_table(_read(tmp_path, "low,high,count\n-1,11,0\n5,4,2\n2,3,1.5\n"), "r.csv", register)
    frame = rows.frame
    rows.fail(frame["low"] > frame["high"], "high", lambda i: f"må ikke være mindre end low ({frame['low'].iat[i]:g})",
              needs=["low"])
    assert [str(p) for p in rows.problems()] == [
        "r.csv:2: low: skal være mindst 0 (fik -1)",  # a number the column accepts is shown as typed
        "r.csv:2: high: må højst være 10 (fik 11)",
        "r.csv:2: count: skal være større end 0 (fik 0)",
        "r.csv:3: high: må ikke være mindre end low (5) (fik 4)",
        "r.csv:4: count: ikke et heltal (fik '1.5')",
    ]
    assert frame["count"].dtype == "Int64" and frame["count"].iat[1] == 2


def test_inline_items_name_the_item_and_the_key_line() -> None:
    items = [{"date": "2025-01-01", "line": "support", "reference": "F-1", "amount_dkk": 10},
             {"date": "2025-01-02", "line": "support", "reference": "F-2", "amount_dkk": "ti", "colour": "red"}]
    rows = check_items(items, "p.yaml", ACTUALS, "actuals.items.{}.", lines=[10, 20],
                       key_lines=[{}, {"amount_dkk": 24, "colour": 25}])
    assert [str(p) for p in rows.problems()] == [
        "p.yaml:25: actuals.items.1.colour: ukendt nøgle; kendte nøgler: date, line, supplier, reference, amount_dkk, "
        "text",
        "p.yaml:24: actuals.items.1.amount_dkk: ikke et tal med decimalpunktum, som filen bruger "
        "(fx 386708.50) (fik 'ti')",
    ]
    assert rows.frame["amount_dkk"].iat[0] == 10.0


def test_a_number_cell_holding_a_line_break_is_one_problem(tmp_path: Path) -> None:
    table = _read(tmp_path, 'date,line,reference,amount_dkk\n'
                            '2025-01-01,support,F-1,"12\n34"\n'  # a quoted cell over two lines
                            '2025-01-02,support,F-2,5\n')
    rows = check_table(table, "a.csv", ACTUALS)
    assert [str(p) for p in rows.problems()] == [
        "a.csv:2: amount_dkk: ikke et tal med decimalpunktum, som filen bruger (fx 386708.50) (fik '12\\n34')",
    ]
    assert rows.frame["amount_dkk"].iat[1] == 5.0


def test_a_misspelt_column_gets_the_column_it_was_meant_to_be(tmp_path: Path) -> None:
    # "refrence" is close to "reference", which the file lacks; "amount" is close to "amount_dkk", which it has:
    # that one is no suggestion, so the known columns are listed. The missing "reference" is not another
    # problem: the misspelt column's says which it was meant to be.
    rows = check_table(_read(tmp_path, "date,line,refrence,amount_dkk,amount\n2025-01-01,support,F-1,5,5\n"),
                       "a.csv", ACTUALS)
    assert [str(p) for p in rows.problems()] == [
        "a.csv:1: refrence: ukendt kolonne – mente du 'reference'?",
        "a.csv:1: amount: ukendt kolonne; kendte kolonner: date, line, supplier, reference, amount_dkk, text",
    ]


def test_a_misspelt_key_of_an_item_gets_the_key_it_was_meant_to_be_and_no_blank() -> None:
    items = [{"date": "2025-01-01", "line": "support", "referense": "F-1", "amount_dkk": 10}]
    rows = check_items(items, "p.yaml", ACTUALS, "actuals.items.{}.", lines=[10], key_lines=[{"referense": 12}])
    # Not also "reference: skal udfyldes": the one mistake is one problem.
    assert [str(p) for p in rows.problems()] == [
        "p.yaml:12: actuals.items.0.referense: ukendt nøgle – mente du 'reference'?"]


def test_a_share_may_be_written_as_a_percentage_as_danish_excel_writes_it(tmp_path: Path) -> None:
    register = Register((Column("id", required=True), Column("p", "number", minimum=0, maximum=1, share=True)))
    table = _read(tmp_path, "id;p\nA;50 %\nB;50%\nC;0,5\nD;12,5 %\nE;\nF;150 %\nG;x %\n")
    rows = check_table(table, "r.csv", register)
    assert [str(problem) for problem in rows.problems()] == [
        "r.csv:7: p: må højst være 1 (fik 150 %)",
        "r.csv:8: p: ikke et tal med decimalkomma, som filen bruger (fx 386.708,50) (fik 'x %')",
    ]
    assert rows.frame["p"].tolist()[:4] == [0.5, 0.5, 0.5, 0.125]
    assert pd.isna(rows.frame["p"][4])
    items = check_items([{"id": "A", "p": "40 %"}, {"id": "B", "p": 0.4}], "params.yaml", register, "risk.items.{}.")
    assert items.problems() == [] and items.frame["p"].tolist() == [0.4, 0.4]
