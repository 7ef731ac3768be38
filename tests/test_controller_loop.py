"""The controller's loop through the command line, in-process (`kpro_econ.cli.main`): KPI triggers,
`--set`, `extends:`, `params`, `--only` and the explicit list of notebooks (controller-loop.md)."""

from __future__ import annotations

import shutil
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
    assert rest.startswith("risk.triggers.R02: ") and "(fik 'wave6')" in rest


def test_the_default_trigger_fires_and_r02_has_occurred(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs

    inputs = load_inputs(copy_project(tmp_path) / PARAMS)
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
                     "= 14, det højeste antal, bølge 5-reglen sender bilateralt (fik 10)"]


def test_with_costed_routes_r02_is_budgeted_once_in_the_route_line(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.workbook import Workbook

    workbook = Workbook(load_inputs(copy_project(tmp_path) / PARAMS))
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
    ("discount_rate", "--set discount_rate: --set STI=VÆRDI: skriv STI=VÆRDI"),
    ("=0.04", "--set =0.04: --set STI=VÆRDI: skriv STI=VÆRDI"),
    # A decimal comma is a text to YAML: said as in the params file, not "skal være et tal".
    ("discount_rate=0,04", "--set discount_rate: discount_rate: decimalkomma: brug punktum som decimaltegn i --set "
                           "(0.04) (fik 0,04)"),
    ("budget.agreements.suport.tolerance_dkk=50", "--set budget.agreements.suport.tolerance_dkk: "
     "budget.agreements.suport.tolerance_dkk: listen har intet element 'suport'; skriv et id: support, fut_fee, "
     "spoc_option – mente du 'support'?"),
    ("budget.agreements.fut_fee.tolerance_dkk=-5", "--set budget.agreements.fut_fee.tolerance_dkk: "
     "budget.agreements.1.tolerance_dkk: skal være mindst 0 (fik -5)"),
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
    inputs = load_inputs(copy_project(tmp_path) / PARAMS, overrides=overrides)
    base, top = inputs.scenarios["Basis"].params, inputs.scenarios["Supportpris i top"].params
    assert base.discount_rate.mean == 0.04 and base.discount_rate.source == "--set discount_rate=0.04"
    assert top.discount_rate.mean == 0.04  # applied to the base, so every scenario has it
    assert base.support.renegotiation is not None and top.support.renegotiation is not None
    assert base.support.renegotiation.change.mean == pytest.approx((-0.05 + 4 * 0.1 + 0.30) / 6)
    assert top.support.renegotiation.change.mean == 0.30  # the scenario's own value still wins
    assert base.price_index[2026].mean == 0.03
    assert inputs.overrides == ["discount_rate=0.04", "support.renegotiation.change.mode=0.1",
                                "price_index.2026=0.03"]


def test_set_reaches_an_agreement_by_its_id_and_an_override_by_its_position(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.inputs.overrides import parse_overrides

    overrides = parse_overrides(["budget.agreements.fut_fee.expected_dkk.2026=700000",
                                 "budget.forecast_overrides.0.amount_dkk=1300000"])
    budget = load_inputs(copy_project(tmp_path) / PARAMS, overrides=overrides).base.params.budget
    assert budget is not None
    fut = next(agreement for agreement in budget.agreements if agreement.id == "fut_fee")
    assert fut.expected_dkk == {2024: 650_000, 2025: 669_500, 2026: 700_000}  # the other years as in the file
    assert budget.forecast_overrides[0].amount_dkk == 1_300_000


# --- extends ---------------------------------------------------------------------------------

def test_extends_deep_merges_the_parent_and_records_both_files(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs

    root = copy_project(tmp_path)
    child = root / "params" / "hvis.yaml"
    child.write_text("extends: default.yaml\ndiscount_rate: 0.05\nfte:\n  annual_cost: 700000\n", encoding="utf-8")
    inputs = load_inputs(child)
    params = inputs.base.params
    assert params.discount_rate.mean == 0.05 and params.fte.annual_cost.mean == 700_000
    assert params.support.base_price.mean == 386_708  # from the parent
    assert inputs.files[:2] == [child.resolve(), (root / PARAMS).resolve()]


def test_extends_that_loops_is_refused_naming_the_file_and_line(tmp_path, capsys):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("title: A\nextends: b.yaml\n", encoding="utf-8")
    b.write_text("extends: a.yaml\n", encoding="utf-8")
    [line] = refused(capsys, "run", str(a), "--out", str(tmp_path / "out"))
    assert line == f"{b}:1: extends: extends-kæden går i ring tilbage til en fil, der allerede er i den (fik 'a.yaml')"
    assert not (tmp_path / "out").exists()


def test_extends_naming_a_missing_file_is_refused_naming_the_file_and_line(tmp_path, capsys):
    a = tmp_path / "a.yaml"
    a.write_text("title: A\n\nextends: mangler.yaml\n", encoding="utf-8")
    [line] = refused(capsys, "validate", str(a))
    assert line == f"{a}:3: extends: filen findes ikke: {(tmp_path / 'mangler.yaml').resolve()} (fik 'mangler.yaml')"


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
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert ("support.base_price: 386.708 kr. [2023-priser] – Supportaftale, årlig pris. Kilde: Referat 23.6.2023, "
            "pkt. 6: supportaftale med Frederikshavn Kommune, 2023 (sagsfremstillingen). Referatet af drøftelsen "
            "siger »380.000 kr. lige nu«; forskellen på 6.708 kr. er ikke forklaret, og sagens tal bruges") in lines
    assert any(line.startswith("support.renegotiation.year: 2024 år – ") for line in lines)
    assert main(["params", str(REPO / PARAMS), "--scenario", "Supportpris i top", "--csv"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0] == "Gruppe,Sti,Betegnelse,Værdi,Lav,Sandsynligst,Høj,Enhed,Prisår,Kilde"
    assert any(",support.renegotiation.change," in line and ",0.3," in line for line in csv_lines)
    assert refused(capsys, "params", str(REPO / PARAMS), "--scenario", "Ukendt")[0].startswith(
        "--scenario Ukendt: --scenario NAVN: ukendt scenarie; vælg et af: Basis, ")


def test_params_writes_a_year_as_a_year_whatever_its_unit_is_called(monkeypatch, capsys):
    # The listing decides by the unit's code how to write a value, never by its Danish word.
    from conftest import REPO

    from kpro_econ.params.codes import SettingUnit
    from kpro_econ.report import labels

    monkeypatch.setitem(labels.SETTING_UNIT_LABELS, SettingUnit.YEAR, "årstal")
    assert main(["params", str(REPO / PARAMS)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert any(line.startswith("support.renegotiation.year: 2024 årstal – ") for line in lines)


def test_params_lists_every_path_set_accepts_grouped_with_units_in_danish(capsys):
    from conftest import REPO

    assert main(["params", str(REPO / PARAMS)]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    for heading in ("Generelt", "Monte Carlo", "KPI'er", "Resumé til styregruppen", "Budgetopfølgning og aftaler"):
        assert heading in lines, heading
    # params/default.yaml, by hand: shares in percent, the first number of a three-point figure named,
    # one month in the singular.
    assert "discount_rate: 3,5 % – Diskonteringsrente (real). Kilde: Finansministeriets reale diskonteringsrente, " \
           "år 0–35" in lines
    assert any(line.startswith("support.renegotiation.change: PERT-middel 7,5 % (lav -5 %, sandsynligst 5 %, "
                               "høj 30 %) – ") for line in lines)
    assert any(line.startswith("support.spoc_option.notice_months: 1 måned – ") for line in lines)
    assert any(line.startswith("support.spoc_option.months_active.2025: 12 måneder – ") for line in lines)
    assert any(line.startswith("kpi.wave5_threshold: 15 kommuner – ") for line in lines)
    assert any(line.startswith("kpi.availability_target: 99,5 % – ") for line in lines)
    assert any(line.startswith("monte_carlo.iterations: 100.000 trækninger – ") for line in lines)
    assert any(line.startswith("monte_carlo.seed: 20240101 – ") for line in lines)
    assert any(line.startswith("monte_carlo.confidence: 80 % – ") for line in lines)
    assert any(line.startswith("summary.period: 2. halvår 2026 – ") for line in lines)
    assert any(line.startswith("budget.agreements.support.expected_dkk.2026: 114.000 kr. – ") for line in lines)
    assert any(line.startswith("approval.required: 1 godkender – ") for line in lines)


def test_every_path_params_lists_is_one_set_accepts(capsys):
    # Each listed path, set to the value it has, reads and validates: the listing names no path --set
    # would refuse (a figure by its mean, a list or a text as YAML).
    import csv
    import io
    import json

    from conftest import REPO

    from kpro_econ.inputs.overrides import ParamsReader, parse_overrides
    from kpro_econ.inputs.yaml_params import load_params

    assert main(["params", str(REPO / PARAMS), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) > 100
    for row in rows:
        value = row["Værdi"]
        typed = value if value == "" or value.startswith(("[", "{")) else json.dumps(_number_or_text(value))
        load_params(REPO / PARAMS, ParamsReader(parse_overrides([f"{row['Sti']}={typed}"])))


def _number_or_text(value: str) -> object:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


# --- the pack's notebooks and --only ---------------------------------------------------------

@pytest.mark.e2e
def test_a_stray_notebook_is_neither_run_nor_published(tmp_path, monkeypatch):
    import shutil

    from conftest import FIXTURE_NOTEBOOKS, use_fixture_stand_ins

    from kpro_econ.records.run_records import read_manifest
    from kpro_econ.run import runner

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("cost_model.ipynb", "cost_model-Copy1.ipynb", "Untitled.ipynb"):
        shutil.copy(FIXTURE_NOTEBOOKS / "tiny_plain.ipynb", notebooks / name)
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
    assert line == ("--only budget: --only NAVN: ukendt rapport; vælg en af: cost_model, kpi_status, risk_register, "
                    "steering_summary")
    assert not (tmp_path / "out").exists()


# --- which notebooks a run uses -----------------------------------------------------------------

def test_a_params_file_in_a_project_folder_is_run_with_that_folders_notebooks(tmp_path, monkeypatch):
    from conftest import FIXTURE_NOTEBOOKS

    from kpro_econ.run import runner

    project = copy_project(tmp_path / "project")
    (project / "notebooks").mkdir()
    shutil.copy(FIXTURE_NOTEBOOKS / "tiny_plain.ipynb", project / "notebooks" / "cost_model.ipynb")
    own = (project / "notebooks").resolve()
    assert runner.project_notebooks(project / PARAMS) == (own, None)
    monkeypatch.chdir(project)  # as the controller runs it: kpro-econ run params/default.yaml
    assert runner.project_notebooks(Path(PARAMS)) == (own, None)
    # A params file in no project folder: the workbook's own notebooks, and a line that says so.
    elsewhere = copy_project(tmp_path / "elsewhere")
    used, note = runner.project_notebooks(elsewhere / PARAMS)
    assert used == runner.default_notebooks_dir() != own
    assert note == (f"Notesbøger: {used} (ingen mappe over {elsewhere / PARAMS} har en notebooks/-mappe med "
                    "notesbøger, så arbejdsbogens egne bruges)")


@pytest.mark.e2e
def test_run_takes_the_project_folders_notebooks_not_the_workbooks(tmp_path, monkeypatch):
    from conftest import FIXTURE_NOTEBOOKS, use_fixture_stand_ins

    from kpro_econ.run import runner

    workbooks = tmp_path / "workbook" / "notebooks"  # the installed checkout's copy
    workbooks.mkdir(parents=True)
    shutil.copy(FIXTURE_NOTEBOOKS / "tiny_raises.ipynb", workbooks / "tiny_plain.ipynb")
    use_fixture_stand_ins(monkeypatch, workbooks)
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copy(FIXTURE_NOTEBOOKS / "tiny_plain.ipynb", project / "notebooks" / "tiny_plain.ipynb")
    params = project / "tiny.yaml"
    params.write_text("title: prøve\n", encoding="utf-8")
    said: list[str] = []
    run_dir = runner.run_workbook(params, out_dir=project / "reports", progress=said.append)
    assert (run_dir / "tiny_plain.html").is_file()  # the workbook's copy raises: it was not run
    assert not [line for line in said if line.startswith("Notesbøger:")]
