"""The budget follow-up wired up: the default sample's deliberate faults, the budget baseline from an
approved run, the tables' columns, the report's section and the steering summary's line."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from cli_cases import copy_project
from conftest import APPROVERS, DEFAULT_PARAMS, REPO, setup_approvers

from kpro_econ.errors import ParamsError
from kpro_econ.inputs.load import load_inputs
from kpro_econ.records.history import RunArchive
from kpro_econ.records.run_records import Approval, RunApprovals, manifest_sha256, write_approval, write_manifest
from kpro_econ.release import approval as approvals
from kpro_econ.report import budget as report
from kpro_econ.report.labels import with_cost_line_labels
from kpro_econ.report.steering import budget_line
from kpro_econ.run import runfolder
from kpro_econ.workbook import budget_tables, compute_budget

FOLLOWUP_COLUMNS = ["year", "line_code", "line", "budget_dkk", "actual_dkk", "forecast_dkk", "variance_dkk",
                    "variance_pct"]
RECONCILIATION_COLUMNS = ["agreement", "agreement_name", "period", "expected_dkk", "booked_dkk", "difference_dkk",
                          "status", "references"]


@pytest.fixture(scope="module")
def default_budget(tmp_path_factory: pytest.TempPathFactory):
    inputs = load_inputs(REPO / DEFAULT_PARAMS, earlier=RunArchive(tmp_path_factory.mktemp("empty"), previous_run=""))
    budget = compute_budget(inputs)
    assert budget is not None
    return inputs, budget


def test_the_tables_have_the_columns_of_the_spec(default_budget):
    _, budget = default_budget
    tables = {name: with_cost_line_labels(table) for name, table in budget_tables(budget).items()}  # as written
    # the spec's columns, then whose budget it is (blank: the run's own estimate, none approved yet)
    assert list(tables["budget_followup"].columns) == [*FOLLOWUP_COLUMNS, "budget_run"]
    assert set(tables["budget_followup"]["budget_run"]) == {""}
    assert list(tables["invoice_reconciliation"].columns) == RECONCILIATION_COLUMNS
    support = tables["budget_followup"].set_index(["year", "line_code"]).loc[(2026, "support")]
    assert support["line"] == "Supportaftale"


def test_the_sample_actuals_hold_the_deliberate_faults(default_budget):
    _, budget = default_budget
    assert budget.sample and budget.baseline_run is None
    table = budget.reconciliation
    faults = table[table["status"] != "ok"][["agreement", "period", "status"]]
    assert faults.values.tolist() == [["support", "2025K3", "mangler"], ["fut_fee", "2025", "afvigelse"],
                                      ["spoc_option", "2025-03", "dobbelt"]]
    fut = table[(table["agreement"] == "fut_fee") & (table["period"] == "2025")].iloc[0]
    assert fut["difference_dkk"] == pytest.approx(669_500 * 0.04)


def _approved_run(reports: Path, params: Path, name: str, amount: float, *, month: int,
                  approver_key: Path | None = None) -> Path:
    """A hand-made successful run of `params` started in `month` of 2026, its cost table in the old form
    (lines by Danish name), approved and signed by Anna when her key is given, else a draft."""
    run = reports / name
    (run / "data").mkdir(parents=True)
    rows = [("Basis", year, "Supportaftale", "drift", amount) for year in range(2024, 2029)]
    rows += [("Andet scenarie", 2026, "Supportaftale", "drift", 99.0)]
    pd.DataFrame(rows, columns=["scenario", "year", "line", "kind", "amount_dkk"]).to_csv(
        run / "data" / "cost_by_year.csv", index=False)
    manifest = runfolder.new_manifest(run_id=name, params_path=params.resolve(),
                                      input_files=[params.resolve(), (params.parent / "approvers").resolve()],
                                      notebooks={}, seed=1, workbook_dir=REPO / "notebooks",
                                      started=datetime(2026, month, 1, tzinfo=UTC))
    write_manifest(run, runfolder.finish_manifest(manifest, run, errors=[]))
    if approver_key is not None:
        approvals.approve(run, APPROVERS["anna"][0], approver_key)
    return run


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approve and run from the project folder (its params and signers must lie inside it)."""
    monkeypatch.chdir(tmp_path)


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """The project's params with Anna and Bent as approvers (throw-away keys), and Anna's key."""
    root = copy_project(tmp_path)
    keys = setup_approvers(root)
    return root / DEFAULT_PARAMS, keys["anna"]


def test_the_newest_approved_run_of_the_same_params_is_the_budget(tmp_path: Path):
    params, anna = _project(tmp_path)
    reports = tmp_path / "reports"
    _approved_run(reports, params, "run-a", 1_000.0, month=1, approver_key=anna)
    _approved_run(reports, params, "run-b", 500.0, month=2)  # newer, but not approved: not a budget

    inputs = load_inputs(params, earlier=RunArchive(reports, previous_run=""))
    budget = compute_budget(inputs)

    assert budget is not None and budget.baseline_run == "run-a"
    assert reports / "run-a" / "data" / "cost_by_year.csv" in inputs.files
    followup = budget.followup.set_index(["year", "line_code"])
    # The run's amounts are in 2026 prices; PL +3.0 % into 2025, +2.7 % into 2026, +2.5 % into 2027.
    assert followup.loc[(2024, "support"), "budget_dkk"] == pytest.approx(1_000 / 1.03 / 1.027)
    assert followup.loc[(2026, "support"), "budget_dkk"] == pytest.approx(1_000)
    assert followup.loc[(2027, "support"), "budget_dkk"] == pytest.approx(1_025)
    # No other line is in that budget: every booked line in 2024 is unbudgeted.
    assert (followup.loc[2024].drop(index="support")["flag"] == "ikke_budgetteret").all()


def test_a_hand_written_approval_json_does_not_make_a_run_the_budget(tmp_path: Path):
    """The ledger and the signatures say what is approved, never the convenience copy in a run folder."""
    params, anna = _project(tmp_path)
    reports = tmp_path / "reports"
    _approved_run(reports, params, "run-a", 1_000.0, month=1, approver_key=anna)
    forged = _approved_run(reports, params, "run-b", 500.0, month=2)
    approval = Approval(run_id="run-b", manifest_sha256=manifest_sha256(forged), code_fingerprint="x",
                        identity=APPROVERS["anna"][0], name="Anna", approved_at="2026-02-02T00:00:00Z")
    write_approval(forged, RunApprovals(run_id="run-b", required=1, approvals=[approval]))

    budget = compute_budget(load_inputs(params, earlier=RunArchive(reports, previous_run="")))
    assert budget is not None and budget.baseline_run == "run-a"

    text = params.read_text(encoding="utf-8").replace("baseline: auto", "baseline: run-b")
    params.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"budget\.baseline: kørslen er ikke godkendt"):
        load_inputs(params, earlier=RunArchive(reports, previous_run=""))


def test_an_approved_run_whose_table_changed_since_is_no_budget(tmp_path: Path):
    params, anna = _project(tmp_path)
    reports = tmp_path / "reports"
    run = _approved_run(reports, params, "run-a", 1_000.0, month=1, approver_key=anna)
    table = run / "data" / "cost_by_year.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("1000.0", "9000.0"), encoding="utf-8")

    budget = compute_budget(load_inputs(params, earlier=RunArchive(reports, previous_run="")))
    assert budget is not None and budget.baseline_run is None  # the run's own estimate, said as such


def test_a_named_baseline_must_be_approved(tmp_path: Path):
    params, _ = _project(tmp_path)
    reports = tmp_path / "reports"
    _approved_run(reports, params, "run-b", 500.0, month=2)
    text = params.read_text(encoding="utf-8").replace("baseline: auto", "baseline: run-b")
    params.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"budget\.baseline: kørslen er ikke godkendt"):
        load_inputs(params, earlier=RunArchive(reports, previous_run=""))


def test_the_section_says_what_it_rests_on_and_warns_on_sample_data(default_budget):
    _, budget = default_budget
    notice = report.budget_notice(budget).data
    assert "kørslens eget skøn bruges som budget" in notice
    assert "Advarsel: eksempeldata." in notice and "31. okt. 2026" in notice

    named = report.budget_notice(replace(budget, baseline_run="<kørsel>", sample=False)).data
    assert "&lt;kørsel&gt;" in named and "eksempeldata" not in named
    assert "ingen <code>actuals</code>-sektion" in report.budget_notice(None).data


def test_the_current_year_table_and_the_reconciliation_list(default_budget):
    inputs, budget = default_budget
    table = report.current_year_table(budget)
    shown = table.data
    assert shown["Udgiftslinje"].tolist()[-1] == "I alt"
    current = budget.followup[budget.followup["year"] == 2026]
    assert shown["Forventet regnskab"].iloc[-1] == pytest.approx(current["forecast_dkk"].sum())
    assert "controllerens skøn" in shown["Bemærkning"].tolist()  # the infrastructure fee's override
    listed = report.reconciliation_table(budget, inputs.base.params).data
    assert listed[["Aftale", "Periode", "Status"]].values.tolist() == [
        ["Supportaftale med Frederikshavn Kommune", "2025K3", "Mangler"],
        ["Tilslutningsafgift til FUT (ét årsværk)", "2025", "Afvigelse"],
        ["FUT SPOC-option", "2025-03", "Dobbelt"]]


def test_the_steering_line_names_the_forecast_the_budget_and_the_largest_variance(default_budget):
    inputs, _ = default_budget
    tables = {"budget_followup": pd.DataFrame({
        "year": [2025, 2026, 2026, 2026], "line_code": ["support", "support", "solution_fee", "administration"],
        "budget_dkk": [9e9, 400_000.0, 2_000_000.0, 1_000_000.0],
        "forecast_dkk": [0.0, 450_000.0, 1_900_000.0, 1_180_000.0],
        "variance_dkk": [-9e9, 50_000.0, -100_000.0, 180_000.0],
    })}
    line = budget_line(tables, inputs.base.params).data.replace("\xa0", " ")
    # One 2026 figure: the headline gives the forecast (2026 is the price level and the as-of year), the
    # line says what it is and whose budget it is set against: 450,000 + 1,900,000 + 1,180,000 − 3,400,000
    assert ("Forventet regnskab 2026 (nøgletallet) er det bogførte til og med 31. okt. 2026 plus det, der endnu "
            "forfalder i år efter hver linjes faktureringsrytme eller forfaldsdato. Budgettet for 2026 er "
            "3.400.000 kr. (kørslens eget skøn, da ingen kørsel er godkendt endnu). Afvigelse i alt +130.000 kr., "
            "størst på Systemforvaltning: +180.000 kr.</p>") in line
    assert "3.530.000" not in line
    approved = {"budget_followup": tables["budget_followup"].assign(budget_run="20260101-120000-default")}
    assert "(den godkendte kørsel 20260101-120000-default)" in budget_line(approved, inputs.base.params).data
    assert budget_line({}, inputs.base.params).data == ""


def test_the_closed_years_remarks(default_budget):
    _, budget = default_budget
    shown = report.past_year_remarks(budget).data
    # Nothing is booked on the risk pool, the mitigation or the expected pipeline in the sample, nor on
    # 2024's occurred risk (R15) and wave-5 route (R02's trigger fired), which the sample predates.
    assert set(zip(shown["År"], shown["Udgiftslinje"], shown["Bemærkning"], strict=True)) == {
        (year, line, "budget uden bogføring") for year in ("2024", "2025")
        for line in ("Risikopulje", "Risikoreducerende tiltag")} | {("2025", "ÆØ, pipeline (forventet)",
                                                                     "budget uden bogføring")} | {
        ("2024", line, "budget uden bogføring") for line in ("Indtrufne risici", "Bølge 5 eller bilateralt")}
    assert (shown["Bogført"] == 0).all()

