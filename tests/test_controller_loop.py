"""The controller's loop through the command line, in-process (`kpro_econ.cli.main`): KPI triggers,
`--set`, `extends:`, `params`, `--only` and the explicit list of notebooks (controller-loop.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_cases import PARAMS, copy_project, line_of, replace_once

from kpro_econ.cli import main


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
