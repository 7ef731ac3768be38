"""The runner hands its computed workbook to the notebooks; a notebook on its own computes the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEFAULT_PARAMS, REPO

from kpro_econ.errors import KproError
from kpro_econ.inputs.load import load_inputs
from kpro_econ.model.costs import cost_by_year
from kpro_econ.run.handover import hand_over, workbook_for
from kpro_econ.workbook import Workbook

PARAMS = REPO / DEFAULT_PARAMS


@pytest.fixture(scope="module")
def computed() -> Workbook:
    workbook = Workbook(load_inputs(PARAMS))
    workbook.tables()  # every part computed, as the runner does before it hands the workbook over
    return workbook


def test_a_handed_over_workbook_is_read_back_with_every_part(computed: Workbook, tmp_path: Path) -> None:
    path = hand_over(computed, tmp_path)
    read = workbook_for(PARAMS, path)
    assert set(read.scenarios) == set(computed.scenarios)
    for name, table in computed.tables().items():
        pd.testing.assert_frame_equal(read.tables()[name], table, obj=name)
    assert read.risk is not None and computed.risk is not None
    assert read.risk.simulation.percentiles == computed.risk.simulation.percentiles


def test_a_notebook_refuses_a_workbook_computed_from_other_params(computed: Workbook, tmp_path: Path) -> None:
    path = hand_over(computed, tmp_path)
    other = tmp_path / "other.yaml"
    shutil.copy(PARAMS, other)
    with pytest.raises(KproError, match="er ikke beregnet ud fra"):
        workbook_for(other, path)


def test_without_a_handed_over_file_the_notebook_computes_from_the_params() -> None:
    workbook = workbook_for(PARAMS, "", previous_run="")
    assert workbook.inputs.params_path == PARAMS
    assert workbook.inputs.previous_run is None


def test_the_base_scenario_is_computed_once_and_holds_the_risk_lines(computed: Workbook) -> None:
    base = computed.inputs.base
    assert computed.base is computed.scenarios[base.name]
    lines = set(computed.base.costs["line_code"])
    assert lines > set(cost_by_year(base.params, base.change_requests)["line_code"]), "risk pool and mitigation"
