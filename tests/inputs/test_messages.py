"""One language for the user: validation speaks Danish, suggests the key or code that was
meant, names a decimal comma in YAML, accepts Danish status words and names both date forms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.messages import pydantic_message
from kpro_econ.inputs.registers import change_requests
from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.inputs.tables import parse_date, read_table
from kpro_econ.inputs.yaml_params import load_params, parse_yaml
from kpro_econ.params.codes import (
    CHANGE_REQUEST_STATUS_WORDS,
    COST_LINE_WORDS,
    RISK_STATUS_WORDS,
    ChangeRequestStatus,
    RiskStatus,
)
from kpro_econ.report.labels import CHANGE_REQUEST_STATUS_LABELS, COST_LINE_LABELS, RISK_STATUS_LABELS

DEFAULT = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")

# What pydantic says in English; none of it may reach the user.
ENGLISH = re.compile(r"Input should|Field required|Keys should|Extra inputs|valid (integer|number|string)|"
                     r"unknown key|must be|not a |required,? but")


def problems(tmp_path: Path, text: str) -> list[str]:
    """The problems `load_params` finds in a copy of params/default.yaml changed to `text`."""
    (tmp_path / "params").mkdir(exist_ok=True)
    path = tmp_path / "params" / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as raised:
        load_params(path)
    found = [str(p).removeprefix(f"{path}") for p in raised.value.problems]
    for line in found:
        assert not ENGLISH.search(line), line
    return found


def swap(old: str, new: str) -> str:
    assert DEFAULT.count(old) == 1, old
    return DEFAULT.replace(old, new)


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


# --- misspelt keys and codes -----------------------------------------------------------------

def test_a_misspelt_key_gets_the_key_it_was_meant_to_be_and_no_missing_key(tmp_path: Path) -> None:
    text = swap("discount_rate:", "discount_rte:")
    assert problems(tmp_path, text) == [
        f":{line_of(text, 'discount_rte')}: discount_rte: ukendt nøgle – mente du 'discount_rate'?"]


def test_a_misspelt_optional_and_nested_key_gets_a_suggestion(tmp_path: Path) -> None:
    text = swap("  seed: 20240101", "  sead: 20240101")
    assert problems(tmp_path, text) == [
        f":{line_of(text, '  sead')}: monte_carlo.sead: ukendt nøgle – mente du 'seed'?"]
    text = swap("    price_year: 2023\n    source: \"Referat 23.6.2023, pkt. 6: supportaftale",
                "    prise_year: 2023\n    source: \"Referat 23.6.2023, pkt. 6: supportaftale")
    assert problems(tmp_path, text) == [
        f":{line_of(text, '    prise_year')}: support.base_price.prise_year: ukendt nøgle – mente du 'price_year'?"]


def test_a_key_like_no_other_gets_no_suggestion(tmp_path: Path) -> None:
    text = swap("price_level_year: 2026", "price_level_year: 2026\nxyzzy: 1")
    assert problems(tmp_path, text) == [f":{line_of(text, 'xyzzy')}: xyzzy: ukendt nøgle"]


def test_a_misspelt_code_gets_the_code_it_was_meant_to_be(tmp_path: Path) -> None:
    text = swap("  key: kombit", "  key: kombti")
    assert problems(tmp_path, text) == [
        f":{line_of(text, '  key')}: allocation.key: skal være en af: population, equal, kombit – mente du 'kombit'? "
        "(fik 'kombti')"]


def test_a_misspelt_status_gets_the_status_it_was_meant_to_be(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_text(_CR_HEADER + "ÆØ-1,Uddata,levered,høj,1,2,3,2025,,,,,,\n", encoding="utf-8")
    with pytest.raises(ParamsError) as raised:
        change_requests(read_table(path), "cr.csv")
    [problem] = raised.value.problems
    assert str(problem).endswith("– mente du 'leveret'? (fik 'levered')")


# --- the decimal comma -----------------------------------------------------------------------

def test_a_decimal_comma_in_a_flow_mapping_is_named(tmp_path: Path) -> None:
    # YAML reads {value: 0,035} as value 0 and a key 035, octal for 29.
    text = swap("discount_rate: {value: 0.035,", "discount_rate: {value: 0,035,")
    assert problems(tmp_path, text) == [
        f":{line_of(text, 'discount_rate')}: discount_rate.value: decimalkomma: brug punktum som decimaltegn i YAML "
        "(0.035) (fik 0,035)"]


def test_a_decimal_comma_in_a_block_and_a_list_is_named() -> None:
    with pytest.raises(ParamsError) as raised:
        parse_yaml("fte:\n  annual_cost:\n    value: 650.000,50\nyears: [2024, 0,5]\n", "p.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "p.yaml:3: fte.annual_cost.value: decimalkomma: brug punktum som decimaltegn i YAML (650000.50) "
        "(fik 650.000,50)",
        "p.yaml:4: years.1: decimalkomma: brug punktum som decimaltegn i YAML (0.5) (fik 0,5)",
    ]


def test_commas_that_separate_are_no_decimal_commas() -> None:
    parsed = parse_yaml("years: [2024, 2025, 2026]\ntitle: 'Kommunal PRO 1,5'\nmonths: {2024: 6, 2025: 12}\n", "p")
    assert parsed.data == {"years": [2024, 2025, 2026], "title": "Kommunal PRO 1,5", "months": {2024: 6, 2025: 12}}
    # Without the space, a whole number, a comma and digits read as a decimal comma: refused, not guessed.
    with pytest.raises(ParamsError, match="decimalkomma"):
        parse_yaml("years: [2024, 2025,2026]\n", "p")


# --- Danish, not pydantic's English ----------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ("price_level_year: 2026", "price_level_year: toogtyve"),
    ("price_level_year: 2026", "price_level_year: [2026]"),
    ("discount_rate: {value: 0.035,", "discount_rate: {value: nul,"),
    ("discount_rate: {value: 0.035,", "discount_rate: {value: .inf,"),
    ("  iterations: 100000", "  iterations: 10"),
    ("  confidence: 0.80 ", "  confidence: 1.5 "),
    ("  key: kombit", "  key: {a: 1}"),
    ("title: Kommunal PRO – økonomi og risici", "title: [a, b]"),
    ("  2024: {value: 0.040,", "  tyve: {value: 0.040,"),
    ("  notice_months: 1", "  notice_months: -1"),
])
def test_messages_are_danish(tmp_path: Path, old: str, new: str) -> None:
    found = problems(tmp_path, swap(old, new))
    assert found  # and, checked in `problems`, no English


def test_every_pydantic_error_kind_is_worded_in_danish() -> None:
    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid")
        a: int = Field(ge=1, le=5)
        b: float = Field(gt=0, allow_inf_nan=False)
        c: list[int] = Field(min_length=2)
        d: str = Field(min_length=1)
        e: dict[int, float]
        f: bool
        g: Path

    with pytest.raises(ValidationError) as raised:
        Row.model_validate({"a": 9, "b": float("inf"), "c": [1], "d": "", "e": {"x": 1}, "f": "måske", "g": 3, "h": 1})
    messages = {".".join(map(str, err["loc"])): pydantic_message(err) for err in raised.value.errors()}
    assert messages == {
        "a": "må højst være 5",
        "b": "skal være et endeligt tal",
        "c": "skal have mindst 2 elementer",
        "d": "må ikke være tom",
        "e.x.[key]": "en nøgle her skal være et heltal (fx et år)",
        "f": "skal være ja eller nej (true/false)",
        "g": "skal være en filsti (tekst)",
        "h": "ukendt nøgle",
    }


def test_danish_numbers_in_bounds() -> None:
    err: dict[str, Any] = {"type": "less_than_equal", "loc": ("x",), "ctx": {"le": 1_000_000_000_000.0}}
    assert pydantic_message(err) == "må højst være 1.000.000.000.000"
    assert pydantic_message({"type": "greater_than", "loc": ("x",), "ctx": {"gt": 0.5}}) == "skal være større end 0,5"


# --- Danish status words ---------------------------------------------------------------------

_CR_HEADER = ("id,title,status,priority,estimate_low,estimate_mode,estimate_high,year,approval_probability,"
              "actual_cost,requested_date,approved_date,delivered_date,source\n")


def test_danish_change_request_statuses_are_read_as_their_codes(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_text(_CR_HEADER + "".join(
        f"ÆØ-{i},T,{word},høj,1,2,3,2025,0.5,,,,,\n"
        for i, word in enumerate(["foreslået", "Godkendt", "under  udvikling", "LEVERET", "afvist", "approved"])
    ), encoding="utf-8")
    frame = change_requests(read_table(path), "cr.csv")
    assert list(frame["status"]) == ["proposed", "approved", "in_progress", "delivered", "rejected", "approved"]


def test_danish_statuses_in_inline_items(tmp_path: Path) -> None:
    text = swap("change_requests:\n  register: ../data/change_requests.csv",
                "change_requests:\n  items:\n    - {id: A, title: T, status: godkendt, priority: høj, estimate_low: 1, "
                "estimate_mode: 2, estimate_high: 3, year: 2025}")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    scenarios, _ = load_params(path)
    items = scenarios["Basis"].change_requests.items
    assert items is not None and items[0].status == "approved"


def test_danish_risk_statuses_are_read_as_their_codes() -> None:
    base: dict[str, Any] = {
        "title": "R", "category": "drift", "owner": "S", "likelihood_inherent": 3, "impact_inherent": 3,
        "likelihood_residual": 3, "impact_residual": 3, "cost_low": 1, "cost_mode": 2, "cost_high": 3,
        "last_reviewed": "2023-06-23", "proximity": 2025,
    }
    items = [{**base, "id": f"R{i}", "status": word} for i, word in enumerate(["Åben", "lukket", "indtruffet"])]
    frame = risk_register_from_items(items, "p.yaml", [2025, 2026])
    assert list(frame["status"]) == ["open", "closed", "occurred"]


def test_an_open_risk_written_in_danish_needs_its_owner() -> None:
    item = {"id": "R1", "title": "R", "category": "drift", "owner": None, "likelihood_inherent": 3,
            "impact_inherent": 3, "likelihood_residual": 3, "impact_residual": 3, "status": "åben",
            "cost_low": 1, "cost_mode": 2, "cost_high": 3, "last_reviewed": "2023-06-23"}
    with pytest.raises(ParamsError) as raised:
        risk_register_from_items([item], "p.yaml", [2025])
    assert [p.field for p in raised.value.problems] == ["risk.items.0.owner"]


def test_the_accepted_words_are_the_labels_the_reports_show() -> None:
    """A controller writes the status as the reports show it; the two lists must not drift apart."""
    for status in ChangeRequestStatus:
        assert CHANGE_REQUEST_STATUS_WORDS[CHANGE_REQUEST_STATUS_LABELS[status].lower()] == status
    for risk_status in RiskStatus:
        assert RISK_STATUS_WORDS[RISK_STATUS_LABELS[risk_status].lower()] == risk_status


def test_the_actuals_cost_line_names_are_the_labels_the_reports_show() -> None:
    """The actuals register accepts a line's Danish name as the reports show it, in the same order."""
    assert list(COST_LINE_WORDS.items()) == [(text, code) for code, text in COST_LINE_LABELS.items()]


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["marts 2024", "2024-02-30", "31/13/2024"])
def test_a_date_message_names_both_forms(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(text)
    assert "ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ" in str(raised.value)


# --- codes in the Monte Carlo settings -------------------------------------------------------

def test_a_misspelt_correlated_input_gets_the_input_it_was_meant_to_be(tmp_path: Path) -> None:
    from cli_cases import PARAMS, copy_project

    from kpro_econ.inputs.load import load_inputs

    root = copy_project(tmp_path)
    text = (root / PARAMS).read_text(encoding="utf-8")
    misspelt = text.replace("inputs: [support.renegotiation.change,", "inputs: [support.renegotiaton.change,")
    (root / PARAMS).write_text(misspelt, encoding="utf-8")
    with pytest.raises(ParamsError) as raised:
        load_inputs(root / PARAMS)
    [problem] = raised.value.problems
    assert problem.field == "monte_carlo.correlations.Supportpres.inputs"
    assert problem.message.startswith("ikke et usikkert input i modellen")
    assert problem.message.endswith("– mente du 'support.renegotiation.change'?")


def test_a_run_record_that_is_not_what_it_should_be_is_named_in_danish(tmp_path: Path) -> None:
    from kpro_econ.records.run_records import RunRecordError, read_manifest

    (tmp_path / "manifest.json").write_text('{"run_id": 5}', encoding="utf-8")  # valid JSON, a number for a text
    with pytest.raises(RunRecordError) as raised:
        read_manifest(tmp_path)
    assert str(raised.value).endswith("manifest.json: run_id: skal være tekst (fik 5)")
    assert not ENGLISH.search(str(raised.value))
