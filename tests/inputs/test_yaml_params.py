from pathlib import Path

import pytest
from conftest import REPO

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
