"""Hostile or careless input: each is refused with exit 2 and one Danish line
`FILE[:LINE]: field: what (fik VALUE)`, no traceback, nothing written.

The command line runs in-process (`kpro_econ.cli.main`) in a copy of the project (see cli_cases.py).
"""

from __future__ import annotations

import csv
import os
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml
from cli_cases import PARAMS, copy_project, line_of, replace_once
from conftest import REPO
from openpyxl import Workbook

from kpro_econ.cli import main
from kpro_econ.errors import ParamsError
from kpro_econ.inputs import yaml_params

CR = "data/change_requests.csv"


def refused(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """`kpro-econ ARGS` in `root`: exit 2 with exactly one problem line and no traceback; that line."""
    monkeypatch.chdir(root)
    code = main(list(args) or ["validate", PARAMS])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


# --- 10: anchors and aliases -----------------------------------------------------------------

def test_an_anchor_and_alias_are_refused_at_the_anchor(root: Path, capsys, monkeypatch) -> None:
    # Harmless in itself (the old loader accepted it), but the door to an alias bomb.
    line = replace_once(root / PARAMS, "price_level_year: 2026", "price_level_year: &year 2026")
    replace_once(root / PARAMS, "  key: kombit", "  key: kombit\n  kombit_threshold: *year")
    message = refused(root, capsys, monkeypatch)
    assert message.startswith(f"{PARAMS}:{line}: -: ankre og aliasser (& og *) er ikke tilladt")


def test_an_alias_bomb_is_refused_before_it_grows(root: Path, capsys, monkeypatch) -> None:
    # Nine levels of nine aliases: 9**9 (387 million) strings if it were expanded.
    levels = ['lol0: &l0 ["lol"]'] + [
        f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)
    ]
    text = (root / PARAMS).read_text(encoding="utf-8")
    (root / PARAMS).write_text(text + "\n" + "\n".join(levels) + "\n", encoding="utf-8")
    first = len(text.splitlines()) + 2
    tracemalloc.start()
    try:
        message = refused(root, capsys, monkeypatch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith(f"{PARAMS}:{first}: -: ankre og aliasser")
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_the_pure_python_loader_refuses_aliases_too() -> None:
    """Where PyYAML has no libyaml (some platforms), the same composer refuses the same way."""
    loader = yaml_params._PyLoader("a: &x 1\nb: *x\n")
    with pytest.raises(yaml_params._Refused) as raised:
        loader.get_single_node()
    loader.dispose()
    assert (raised.value.line, raised.value.message) == (1, yaml_params._ANCHORS)


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000 + "]" * 100_000, "a: " + "{b: " * 5000 + "1" + "}" * 5000],
                         ids=["list", "mapping"])
def test_nesting_without_end_is_refused_not_a_recursion_error(text: str) -> None:
    with pytest.raises(ParamsError) as raised:
        yaml_params.parse_yaml(text, "p.yaml")
    assert [str(p) for p in raised.value.problems] == [
        f"p.yaml:{text.count(chr(10)) + 1}: -: for dybt indlejret (mere end 50 niveauer)"]


def test_libyamls_own_nesting_limit_gets_the_same_danish_line() -> None:
    """PyYAML 6.0.4's libyaml stops deep nesting itself, before our composer: the user sees the same
    Danish line, whichever stops it first."""
    mark = yaml.Mark("p.yaml", 0, 6, 9, None, None)
    error = yaml.MarkedYAMLError("while parsing a flow node", mark, "exceeded maximum nesting depth", mark)
    assert str(yaml_params.yaml_problem(error, "p.yaml")) == "p.yaml:7: -: for dybt indlejret (mere end 50 niveauer)"


# --- 11: duplicate keys ----------------------------------------------------------------------

def test_a_duplicate_key_names_both_lines(root: Path, capsys, monkeypatch) -> None:
    first = replace_once(root / PARAMS, "price_level_year: 2026", "price_level_year: 2026\ndiscount_rate: 0.04") + 1
    second = line_of(root / PARAMS, "discount_rate: {value: 0.035")
    assert first < second
    message = refused(root, capsys, monkeypatch)
    assert message == (f"{PARAMS}:{second}: discount_rate: nøglen står to gange (linje {first} og {second}); "
                       "slet den ene")


def test_a_duplicate_nested_key_and_year_are_refused() -> None:
    text = "fte:\n  annual_cost: 1\n  annual_cost: 2\nprice_index:\n  2024: 0.1\n  2024: 0.2\n  '2024': 0.3\n"
    with pytest.raises(ParamsError) as raised:
        yaml_params.parse_yaml(text, "p.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "p.yaml:3: fte.annual_cost: nøglen står to gange (linje 2 og 3); slet den ene",
        # the quoted '2024' is text, another key than the year 2024, as in the loaded mapping
        "p.yaml:6: price_index.2024: nøglen står to gange (linje 5 og 6); slet den ene",
    ]


# --- 12: amounts out of bounds ---------------------------------------------------------------

def test_a_huge_amount_is_refused_at_validation(root: Path, capsys, monkeypatch) -> None:
    replace_once(root / PARAMS, "    value: 1100000", "    value: 1.0e+308")
    line = line_of(root / PARAMS, "  infrastructure:")
    message = refused(root, capsys, monkeypatch)
    assert message == (f"{PARAMS}:{line}: fees.infrastructure: et urimeligt stort beløb; "
                       "højst 1.000.000.000.000 kr. (fik 1e+308)")


def test_a_huge_amount_is_refused_by_run_and_nothing_is_written(root: Path, capsys, monkeypatch, tmp_path) -> None:
    replace_once(root / PARAMS, "    value: 1100000", "    value: 1.0e+308")
    out = tmp_path / "out"
    message = refused(root, capsys, monkeypatch, "run", PARAMS, "--out", str(out))
    assert "fees.infrastructure: et urimeligt stort beløb" in message
    assert not out.exists()
    assert not (root / "reports").exists()


def test_a_total_that_grows_too_big_is_refused_at_validation(root: Path, capsys, monkeypatch) -> None:
    # Each figure is finite, but 10^300 full-time positions at 650.000 kr. each is 6.5 * 10^305 kr. a year.
    line = replace_once(root / PARAMS, "staff_fte: {value: 2.0,", "staff_fte: {value: 1.0e+300,")
    message = refused(root, capsys, monkeypatch)
    assert message.startswith(f"{PARAMS}:{line - 1}: administration: udgiftslinjen administration bliver "
                              "urimeligt stor i 2024")


def test_a_huge_estimate_in_a_register_is_refused(root: Path, capsys, monkeypatch) -> None:
    rows = list(csv.reader((root / CR).read_text(encoding="utf-8").splitlines()))
    rows[1][6] = "1e308"  # estimate_high
    with (root / CR).open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    message = refused(root, capsys, monkeypatch)
    assert message.startswith(f"{CR}:2: estimate_high: ")
    assert message.endswith("(fik 1e308)")


# --- 13: what is not a readable file ---------------------------------------------------------

def test_a_folder_as_params_is_one_line(root: Path, capsys, monkeypatch) -> None:
    assert refused(root, capsys, monkeypatch, "validate", "params") == (
        "params: -: er en mappe, ikke en fil")


def test_a_missing_params_file_is_one_line(root: Path, capsys, monkeypatch) -> None:
    assert refused(root, capsys, monkeypatch, "validate", "params/nej.yaml") == "params/nej.yaml: -: filen findes ikke"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_register_that_is_a_symlink_loop_is_one_line(root: Path, capsys, monkeypatch) -> None:
    (root / CR).unlink()
    (root / "data" / "loop.csv").symlink_to("change_requests.csv")
    (root / CR).symlink_to("loop.csv")
    line = line_of(root / PARAMS, "  register: ../data/change_requests.csv")
    message = refused(root, capsys, monkeypatch)
    assert message == (f"{PARAMS}:{line}: change_requests.register: {CR}: filen kan ikke læses: den er et "
                       "symbolsk link, der peger i ring (fik '../data/change_requests.csv')")


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_params_that_are_a_symlink_loop_are_one_line(root: Path, capsys, monkeypatch) -> None:
    (root / "params" / "a.yaml").symlink_to("b.yaml")
    (root / "params" / "b.yaml").symlink_to("a.yaml")
    message = refused(root, capsys, monkeypatch, "validate", "params/a.yaml")
    assert message == "params/a.yaml: -: filen kan ikke læses: den er et symbolsk link, der peger i ring"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_params_that_are_no_regular_file_are_not_read(root: Path, capsys, monkeypatch) -> None:
    os.mkfifo(root / "params" / "pipe.yaml")  # reading it would wait forever
    message = refused(root, capsys, monkeypatch, "validate", "params/pipe.yaml")
    assert message == "params/pipe.yaml: -: er ikke en almindelig fil"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_register_is_one_line(root: Path, capsys, monkeypatch) -> None:
    (root / CR).chmod(0)
    message = refused(root, capsys, monkeypatch)
    assert message.endswith("filen kan ikke læses (ingen adgang)")


# --- 14: a formula without its value ---------------------------------------------------------

def _xlsx_register(root: Path, formula_at: tuple[int, str]) -> Path:
    """data/change_requests.csv as an xlsx on sheet `Ark1`, with one cell a formula (as a program,
    not Excel, writes it: without a saved value)."""
    rows = list(csv.reader((root / CR).read_text(encoding="utf-8").splitlines()))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ark1"
    for row in rows:
        sheet.append([float(c) if c.replace(".", "").isdigit() else (c or None) for c in row])
    row, column = formula_at
    sheet[f"{column}{row}"] = "=1+1"
    path = root / "data" / "change_requests.xlsx"
    book.save(path)
    replace_once(root / PARAMS, "register: ../data/change_requests.csv", "register: ../data/change_requests.xlsx")
    return path


def test_a_formula_without_a_saved_value_in_an_optional_column_names_the_cell(root: Path, capsys, monkeypatch):
    _xlsx_register(root, (5, "J"))  # actual_cost: optional, so blank would have passed
    message = refused(root, capsys, monkeypatch)
    assert message == ("data/change_requests.xlsx:5: actual_cost: cellen Ark1!J5 er en formel uden gemt værdi; "
                       "åbn filen i Excel og gem den, så formlens værdi gemmes med")


def test_a_formula_without_a_saved_value_in_a_required_column_names_the_cell(root: Path, capsys, monkeypatch):
    _xlsx_register(root, (3, "E"))
    assert "estimate_low: cellen Ark1!E3 er en formel uden gemt værdi" in refused(root, capsys, monkeypatch)


# --- 15: size, and parsing once --------------------------------------------------------------

def test_a_params_file_over_5_mb_is_refused_unread(root: Path, capsys, monkeypatch) -> None:
    text = (root / PARAMS).read_text(encoding="utf-8")
    padding = ("# " + "x" * 97 + "\n") * 60_000  # 6 MB of comments
    (root / PARAMS).write_text(text + padding, encoding="utf-8")
    message = refused(root, capsys, monkeypatch)
    assert message.startswith(f"{PARAMS}: -: filen er for stor til en parameterfil (")
    assert message.endswith("MB; højst 5 MB)")


def test_validate_parses_the_params_once(root: Path, capsys, monkeypatch) -> None:
    calls: list[str] = []
    parse = yaml_params.parse_yaml

    def counting(text: str, file: str) -> yaml_params.ParsedYaml:
        calls.append(file)
        return parse(text, file)

    monkeypatch.setattr(yaml_params, "parse_yaml", counting)
    monkeypatch.chdir(root)
    assert main(["validate", PARAMS]) == 0, capsys.readouterr().err
    assert calls == [PARAMS]


def test_a_params_file_padded_under_the_limit_still_validates(root: Path, capsys, monkeypatch) -> None:
    text = (root / PARAMS).read_text(encoding="utf-8")
    (root / PARAMS).write_text(text + ("# " + "x" * 97 + "\n") * 45_000, encoding="utf-8")  # 4.5 MB
    monkeypatch.chdir(root)
    assert main(["validate", PARAMS]) == 0, capsys.readouterr().err


def test_the_pure_python_loader_reads_and_refuses_as_libyaml_does(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / PARAMS).read_text(encoding="utf-8")
    fast = yaml_params.parse_yaml(text, "p.yaml")
    broken = text.replace("{value: 0.035,", "{value: 0,035,") + "title: igen\n"
    with pytest.raises(ParamsError) as fast_refusal:
        yaml_params.parse_yaml(broken, "p.yaml")
    monkeypatch.setattr(yaml_params, "_LOADER", yaml_params._PyLoader)
    assert yaml_params.parse_yaml(text, "p.yaml") == fast
    with pytest.raises(ParamsError) as pure_refusal:
        yaml_params.parse_yaml(broken, "p.yaml")
    assert pure_refusal.value.problems == fast_refusal.value.problems
    assert len(pure_refusal.value.problems) == 2
