"""The controller's loop through the command line, in-process (`kpro_econ.cli.main`): KPI triggers,
`--set`, `extends:`, `params`, `--only` and the explicit list of notebooks (controller-loop.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_cases import PARAMS, copy_project, line_of, replace_once

from kpro_econ.cli import main
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
    assert lines == [f"{params}:{line}: risk.triggers.R99: no risk with this id in the register"]


def test_an_unknown_trigger_is_refused_with_its_line(tmp_path, capsys):
    root = copy_project(tmp_path)
    params = root / PARAMS
    replace_once(params, "    R02: wave5 ", "    R02: wave6 ")
    line = line_of(params, "    R02: wave6")
    [problem] = refused(capsys, "validate", str(params))
    assert problem.startswith(f"{params}:{line}: risk.triggers.R02: ") and "(got 'wave6')" in problem


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
    assert lines == [f"{params}:{line}: wave_routes.bilateral.capacity: must be at least kpi.wave5_threshold - 1 "
                     "= 14, the most the wave-5 rule sends bilaterally (got 10)"]


def test_with_costed_routes_r02_is_budgeted_once_in_the_route_line(tmp_path: Path) -> None:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.workbook import compute_tables

    tables = compute_tables(load_inputs(copy_project(tmp_path) / PARAMS, previous_run=""))
    costs = tables["cost_by_year"].query("scenario == 'Basis' and year == 2024").set_index("line_code")["amount_dkk"]
    # R15 alone in the occurred line: PERT mean (150,000 + 4 · 200,000 + 300,000) / 6
    assert costs[CostLineCode.OCCURRED_RISKS] == pytest.approx(1_250_000 / 6)
    decision = tables["wave_route_decision"].iloc[0]
    assert (decision["not_ready"], decision["route"]) == (16, "wave5")
    assert costs[CostLineCode.WAVE_ROUTE] == pytest.approx(decision["cost_mean_dkk"])
    assert tables["risk_register"].set_index("id").loc["R02", "booked_in"] == "wave_route"
