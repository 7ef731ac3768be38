"""The default params and registers read the minutes of 23 June 2023 right (controller-loop.md)."""

from __future__ import annotations

import csv
import re

import yaml
from conftest import DEFAULT_PARAMS, REPO

from kpro_econ.inputs.yaml_params import BASE_SCENARIO, load_params
from kpro_econ.report import steering

FUT_S_DELIVERIES = ("uddata", "nsis", "kih")


def _texts(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in _texts(value)]
    return []


def _default_texts() -> list[str]:
    raw = yaml.safe_load((REPO / DEFAULT_PARAMS).read_text(encoding="utf-8"))
    texts = _texts(raw)
    for name in ("risk_register.csv", "change_requests.csv"):
        with (REPO / "data" / name).open(encoding="utf-8") as stream:
            texts += [cell for row in csv.reader(stream) for cell in row]
    return texts


def test_item_5_an_orientation_is_never_called_a_decision():
    # Item 5 (Status fra forvaltningen) was marked O; only items 1 and 6 were decisions (B).
    for text in _default_texts():
        if re.search(r"pkt\.\s*5\b", text) or "23. juni 2023" in text:
            assert "beslut" not in text.lower(), text


def test_no_default_text_claims_an_approval_a_run_does_not_hold():
    summary = yaml.safe_load((REPO / DEFAULT_PARAMS).read_text(encoding="utf-8"))["summary"]
    for text in _texts(summary):
        assert "Rapporten er godkendt" not in text, text
        assert "beslut" not in text.lower(), text


def test_fut_s_deliveries_booked_as_change_requests_say_that_this_is_an_assumption():
    with (REPO / "data" / "change_requests.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    fut_s = [row for row in rows if any(word in row["title"].lower() for word in FUT_S_DELIVERIES)]
    assert len(fut_s) == 3  # uddata, NSIS and KIH, item 8
    for row in fut_s:
        source = row["source"].lower()
        assert "fut-s" in source and "bogføres som kommunal pro-æø, er en antagelse" in source, row["id"]


def test_months_active_notice_and_renegotiation_year_carry_sources():
    params = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO]
    spoc, renegotiation = params.support.spoc_option, params.support.renegotiation
    assert spoc is not None and renegotiation is not None
    assert renegotiation.year_source and "pkt. 6" in renegotiation.year_source
    assert spoc.notice_months_source and "pkt. 6" in spoc.notice_months_source
    # not in the minutes, so an assumption that says so
    assert spoc.months_active_source and spoc.months_active_source.startswith("Antagelse")


def test_the_default_draft_summary_claims_no_approval():
    params = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO]
    page = steering.case_presentation(params, [], None).data + steering.heading(params, None).data
    assert "afventer intern godkendelse" in page
    assert "er godkendt internt" not in page and "Godkendt internt" not in page
    assert steering.DRAFT_MARK in page


def test_the_settings_the_minutes_do_not_give_carry_a_source_or_say_they_are_assumptions():
    params = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO]
    assert params.risk is not None and params.budget is not None
    sources = [params.monte_carlo.confidence_source, params.risk.pool_size_source, params.risk.review_months_source,
               params.allocation.kombit_threshold_source,
               *(group.rank_correlation_source for group in params.monte_carlo.correlations.values()),
               *(agreement.tolerance_dkk_source for agreement in params.budget.agreements)]
    assert len(sources) == 8
    for source in sources:
        assert source and source.startswith("Antagelse"), source


def test_the_two_support_prices_of_item_6_are_told_apart():
    params = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO]
    source = params.support.base_price.source or ""
    assert "380.000 kr. lige nu" in source and "6.708 kr." in source  # 386,708 − 380,000


def test_regulated_at_a_months_notice_is_not_read_as_ended_or_taken_up():
    # item 6: the option "kan reguleres med 1 måneds varsel"; ending or starting it is our assumption
    spoc = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO].support.spoc_option
    assert spoc is not None and spoc.notice_months_source
    assert "reguleres" in spoc.notice_months_source and "er en antagelse" in spoc.notice_months_source
    notebook = (REPO / "notebooks" / "cost_model.ipynb").read_text(encoding="utf-8")
    assert "kan opsiges eller tages i brug" not in notebook and "kan justeres" not in notebook


def test_item_5_announced_a_risk_report_and_nobody_was_told_about_it_yet():
    summary = yaml.safe_load((REPO / DEFAULT_PARAMS).read_text(encoding="utf-8"))["summary"]
    assert "orienteret om" not in summary["sagsfremstilling"]
    assert "som varslet 23. juni 2023 (pkt. 5" in summary["sagsfremstilling"]


def test_the_log_records_the_decisions_of_the_minutes_and_leaves_the_wave_route_open():
    params = load_params(REPO / DEFAULT_PARAMS)[0][BASE_SCENARIO]
    assert [(d.item, d.option) for d in params.decisions] == [("pkt. 6 (B)", None)]  # the support agreement
    assert params.wave_routes is not None and params.wave_routes.deadline is not None
    assert params.wave_routes.deadline_source and "pkt. 4" in params.wave_routes.deadline_source
