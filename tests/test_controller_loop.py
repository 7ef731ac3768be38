"""The controller's loop through the command line, in-process (`kpro_econ.cli.main`): KPI triggers,
`--set`, `extends:`, `params`, `--only` and the explicit list of notebooks (controller-loop.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_cases import PARAMS, copy_project, line_of, replace_once

from kpro_econ.cli import main
from kpro_econ.inputs.tables import display_path
from kpro_econ.params.codes import CostLineCode


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """`kpro-econ ARGV` in-process: exit 2, and the problem lines it printed."""
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.strip().splitlines()


# --- KPI triggers ----------------------------------------------------------------------------

def test_a_trigger_naming_an_unknown_risk_is_refused_with_its_line(tmp_path, capsys):
    root = copy_project(tmp_path)
    params = root / PARAMS
    replace_once(params, "    R02: wave5 ", "    R99: wave5 ")
    line = line_of(params, "    R99: wave5")
    lines = refused(capsys, "validate", str(params))
    assert lines == [f"{display_path(params)}:{line}: risk.triggers.R99: ingen risiko med dette id i registret"]


def test_an_unknown_trigger_is_refused_with_its_line(tmp_path, capsys):
    root = copy_project(tmp_path)
    params = root / PARAMS
    replace_once(params, "    R02: wave5 ", "    R02: wave6 ")
    line = line_of(params, "    R02: wave6")
    [problem] = refused(capsys, "validate", str(params))
    file, rest = problem.split(f":{line}: ", 1)
    assert Path(file).resolve() == params.resolve()
    assert rest.startswith("risk.triggers.R02: ") and "(got 'wave6')" in rest


def test_the_default_trigger_fires_and_r02_has_occurred(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs

    inputs = load_inputs(copy_project(tmp_path) / PARAMS, previous_run="")
    risks = inputs.base.risks
    assert risks is not None
    # the sample adoption data hold 16 wave-4 municipalities not ready against a threshold of 15
    assert risks.set_index("id").loc["R02", ["status", "trigger"]].tolist() == ["occurred", "wave5"]


def test_a_bilateral_capacity_below_the_rule_is_refused_with_its_line(tmp_path, capsys):
    root = copy_project(tmp_path)
    params = root / PARAMS
    replace_once(params, "    capacity: 20\n", "    capacity: 10\n")
    line = line_of(params, "    capacity: 10")
    lines = refused(capsys, "validate", str(params))
    # the threshold is 15: the rule sends up to 14 bilaterally
    where = f"{display_path(params)}:{line}"
    assert lines == [f"{where}: wave_routes.bilateral.capacity: skal være mindst kpi.wave5_threshold - 1 "
                     "= 14, det højeste antal, bølge 5-reglen sender bilateralt (got 10)"]


def test_with_costed_routes_r02_is_budgeted_once_in_the_route_line(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.workbook import Workbook

    workbook = Workbook(load_inputs(copy_project(tmp_path) / PARAMS, previous_run=""))
    tables = workbook.tables()
    # The model's own 2024 (`estimate`), before the books close the year on what was booked.
    assert workbook.base.estimate is not None
    costs = workbook.base.estimate.query("year == 2024").set_index("line_code")["amount_dkk"]
    # R15 alone in the occurred line: PERT mean (150,000 + 4 · 200,000 + 300,000) / 6
    assert costs[CostLineCode.OCCURRED_RISKS] == pytest.approx(1_250_000 / 6)
    decision = tables["wave_route_decision"].iloc[0]
    assert (decision["not_ready"], decision["route"]) == (16, "wave5")
    assert costs[CostLineCode.WAVE_ROUTE] == pytest.approx(decision["cost_mean_dkk"])
    assert tables["risk_register"].set_index("id").loc["R02", "booked_in"] == "wave_route"


# --- run --set -------------------------------------------------------------------------------

@pytest.mark.parametrize(("setting", "expected"), [
    ("foo.bar=1", "--set foo.bar: foo: ukendt nøgle"),
    ("discount_rate=abc", "--set discount_rate: discount_rate.value: skal være et tal"),
    ("monte_carlo.confidence=1.5", "--set monte_carlo.confidence: monte_carlo.confidence: skal være mindre end 1"),
    ("kpi.wave5_threshold=99", "--set kpi.wave5_threshold: kpi.wave5_threshold: må højst være 98"),
    ("discount_rate", "--set discount_rate: -: skriv STI=VÆRDI"),
    ("=0.04", "--set =0.04: -: skriv STI=VÆRDI"),
])
def test_a_bad_set_is_one_line_naming_it_exit_2_and_nothing_written(tmp_path, capsys, setting, expected):
    root = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    [line] = refused(capsys, "run", str(root / PARAMS), "--out", str(out), "--set", setting)
    assert line.startswith(expected), line
    assert not out.exists() and not (tmp_path / "build").exists()


def test_set_changes_the_base_before_the_scenarios_and_says_so_in_the_source(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.inputs.overrides import parse_overrides

    overrides = parse_overrides(["discount_rate=0.04", "support.renegotiation.change.mode=0.1",
                                 "price_index.2026=0.03"])
    inputs = load_inputs(copy_project(tmp_path) / PARAMS, previous_run="", overrides=overrides)
    base, top = inputs.scenarios["Basis"].params, inputs.scenarios["Supportpris i top"].params
    assert base.discount_rate.mean == 0.04 and base.discount_rate.source == "--set discount_rate=0.04"
    assert top.discount_rate.mean == 0.04  # applied to the base, so every scenario has it
    assert base.support.renegotiation is not None and top.support.renegotiation is not None
    assert base.support.renegotiation.change.mean == pytest.approx((-0.05 + 4 * 0.1 + 0.30) / 6)
    assert top.support.renegotiation.change.mean == 0.30  # the scenario's own value still wins
    assert base.price_index[2026].mean == 0.03
    assert inputs.overrides == ["discount_rate=0.04", "support.renegotiation.change.mode=0.1",
                                "price_index.2026=0.03"]


# --- extends ---------------------------------------------------------------------------------

def test_extends_deep_merges_the_parent_and_records_both_files(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs

    root = copy_project(tmp_path)
    child = root / "params" / "hvis.yaml"
    child.write_text("extends: default.yaml\ndiscount_rate: 0.05\nfte:\n  annual_cost: 700000\n", encoding="utf-8")
    inputs = load_inputs(child, previous_run="")
    params = inputs.base.params
    assert params.discount_rate.mean == 0.05 and params.fte.annual_cost.mean == 700_000
    assert params.support.base_price.mean == 386_708  # from the parent
    assert inputs.files[:2] == [child.resolve(), (root / PARAMS).resolve()]


def test_extends_that_loops_is_refused_naming_the_file_and_line(tmp_path, capsys):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("title: A\nextends: b.yaml\n", encoding="utf-8")
    b.write_text("extends: a.yaml\n", encoding="utf-8")
    [line] = refused(capsys, "run", str(a), "--out", str(tmp_path / "out"))
    assert line == f"{b}:1: extends: extends-kæden går i ring tilbage til en fil, der allerede er i den (got 'a.yaml')"
    assert not (tmp_path / "out").exists()


def test_extends_naming_a_missing_file_is_refused_naming_the_file_and_line(tmp_path, capsys):
    a = tmp_path / "a.yaml"
    a.write_text("title: A\n\nextends: mangler.yaml\n", encoding="utf-8")
    [line] = refused(capsys, "validate", str(a))
    assert line == f"{a}:3: extends: filen findes ikke: {(tmp_path / 'mangler.yaml').resolve()} (got 'mangler.yaml')"


def test_a_bad_value_from_the_parent_names_the_parent_and_its_line(tmp_path, capsys):
    root = copy_project(tmp_path)
    parent = root / PARAMS
    bad_line = replace_once(parent, "discount_rate: {value: 0.035,", "discount_rate: {value: 4,")
    child = root / "params" / "hvis.yaml"
    child.write_text("extends: default.yaml\ntitle: Hvis\n", encoding="utf-8")
    [line] = refused(capsys, "validate", str(child))
    assert line.startswith(f"{parent.resolve()}:{bad_line}: discount_rate: "), line


# --- params ----------------------------------------------------------------------------------

def test_params_lists_every_figure_with_path_value_unit_price_year_and_source(capsys):
    from conftest import REPO

    assert main(["params", str(REPO / PARAMS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ("support.base_price: 386.708 kr. [2023-priser] – Supportaftale, årlig pris. Kilde: Referat 23.6.2023, "
            "pkt. 6: supportaftale med Frederikshavn Kommune, 2023 (sagsfremstillingen). Referatet af drøftelsen "
            "siger »380.000 kr. lige nu«; forskellen på 6.708 kr. er ikke forklaret, og sagens tal bruges") in lines
    assert any(line.startswith("support.renegotiation.year: 2024 år – ") for line in lines)
    assert main(["params", str(REPO / PARAMS), "--scenario", "Supportpris i top", "--csv"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0] == "Sti,Betegnelse,Værdi,Lav,Sandsynligst,Høj,Enhed,Prisår,Kilde"
    assert any(line.startswith("support.renegotiation.change,") and ",0.3," in line for line in csv_lines)
    assert refused(capsys, "params", str(REPO / PARAMS), "--scenario", "Ukendt")[0].startswith(
        "--scenario Ukendt: -: ukendt scenarie; vælg et af: Basis, ")


def test_params_writes_a_year_as_a_year_whatever_its_unit_is_called(monkeypatch, capsys):
    # The listing decides by the unit's code how to write a value, never by its Danish word.
    from conftest import REPO

    from kpro_econ.params.codes import SettingUnit
    from kpro_econ.report import labels

    monkeypatch.setitem(labels.SETTING_UNIT_LABELS, SettingUnit.YEAR, "årstal")
    assert main(["params", str(REPO / PARAMS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("support.renegotiation.year: 2024 årstal – ") for line in lines)


# --- the pack's notebooks and --only ---------------------------------------------------------

@pytest.mark.e2e
def test_a_stray_notebook_is_neither_run_nor_published(tmp_path, monkeypatch):
    import shutil

    from conftest import FIXTURE_NOTEBOOKS, use_fixture_stand_ins

    from kpro_econ.inputs.run_records import read_manifest
    from kpro_econ.run import runner

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("cost_model.ipynb", "cost_model-Copy1.ipynb", "Untitled.ipynb"):
        shutil.copy(FIXTURE_NOTEBOOKS / "tiny_ok.ipynb", notebooks / name)
    use_fixture_stand_ins(monkeypatch, notebooks)
    monkeypatch.setattr(runner, "PACK", ("cost_model", "kpi_status", "risk_register", "steering_summary"))
    params = tmp_path / "tiny.yaml"
    params.write_text("title: prøve\n", encoding="utf-8")
    said: list[str] = []
    run_dir = runner.run_workbook(params, out_dir=tmp_path / "reports", progress=said.append,
                                  overrides=["discount_rate=0.04"])
    warnings = [line for line in said if line.startswith("Advarsel")]
    assert warnings == [f"Advarsel: Untitled.ipynb, cost_model-Copy1.ipynb i {notebooks} er ikke en del af "
                        "pakken og køres ikke"]
    assert sorted(p.name for p in run_dir.glob("*.html")) == ["cost_model.html", "index.html"]
    manifest = read_manifest(run_dir)
    assert list(manifest.notebooks) == ["cost_model"]
    assert manifest.overrides == ["discount_rate=0.04"]
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert "Ændret ved kørslen (--set)" in index and "<code>discount_rate=0.04</code>" in index
    assert not list((tmp_path / "build").glob("*/cost_model-Copy1.ipynb"))


def test_only_an_unknown_report_is_refused(tmp_path, capsys):
    root = copy_project(tmp_path / "project")
    [line] = refused(capsys, "run", str(root / PARAMS), "--out", str(tmp_path / "out"), "--only", "budget")
    assert line == ("--only budget: -: ukendt rapport; vælg en af: cost_model, kpi_status, risk_register, "
                    "steering_summary")
    assert not (tmp_path / "out").exists()
