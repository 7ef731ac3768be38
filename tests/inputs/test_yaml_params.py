from pathlib import Path

import pytest
from conftest import REPO

from kpro_econ.errors import ParamsError, Problem, unique_problems
from kpro_econ.inputs.yaml_params import deep_merge, load_params


def test_deep_merge_merges_mappings_and_replaces_figures_whole():
    base = {"a": {"b": 1, "c": 2}, "f": {"low": 1, "mode": 2, "high": 3, "source": "x"}, "years": [1, 2]}
    merged = deep_merge(base, {"a": {"b": 5}, "f": {"value": 9}, "years": [3]})
    assert merged == {"a": {"b": 5, "c": 2}, "f": {"value": 9}, "years": [3]}
    assert base["a"] == {"b": 1, "c": 2}  # the base is not changed


def test_each_scenario_is_the_base_with_its_overrides(tmp_path: Path):
    text = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", (REPO / "data").as_posix() + "/")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    scenarios, _ = load_params(path)
    assert next(iter(scenarios)) == "Basis"
    base, top = scenarios["Basis"], scenarios["Supportpris i top"]
    assert top.support.renegotiation is not None and base.support.renegotiation is not None
    assert top.support.renegotiation.change.mean == pytest.approx(0.30)
    assert base.support.renegotiation.change.mean == pytest.approx((-0.05 + 4 * 0.05 + 0.30) / 6)
    assert top.fte == base.fte
    assert scenarios["Højere årsværkspris"].fte.annual_cost.mean == 780_000


def _default_params(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", (REPO / "data").as_posix() + "/")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_base_fault_is_said_once_and_a_scenarios_own_value_beside_it(tmp_path: Path):
    path = _default_params(tmp_path, ("    value: 650000", "    value: -650000"),
                           ("annual_cost: {value: 780000", "annual_cost: {value: -780000"))
    with pytest.raises(ParamsError) as caught:
        load_params(path)
    # Both other scenarios inherit the base's -650000 (said once, at the base's line); the one that sets
    # its own -780000 is a fault of its own, on its own line.
    text = path.read_text(encoding="utf-8").splitlines()
    base_line = text.index("  annual_cost:") + 1
    scenario_line = next(i for i, line in enumerate(text, start=1) if "annual_cost: {value: -780000" in line)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:{base_line}: fte.annual_cost: må ikke være negativ (fik -650000)",
        f"{path}:{scenario_line}: scenarios.Højere årsværkspris.fte.annual_cost: må ikke være negativ (fik -780000)",
    ]


def test_problems_are_the_same_by_file_field_message_value_and_line():
    base = Problem("p.yaml", "fte.annual_cost", "må ikke være negativ", -5, 20)
    inherited = Problem("p.yaml", "scenarios.Høj.fte.annual_cost", "må ikke være negativ", -5, 20)
    own = Problem("p.yaml", "scenarios.Høj.fte.annual_cost", "må ikke være negativ", -7, 40)
    row_5, row_9 = (Problem("cr.csv", "status", "ukendt status", "igang", line) for line in (5, 9))
    problems = [base, inherited, own, row_5, row_9, row_5]
    assert unique_problems(problems) == [base, own, row_5, row_9]
