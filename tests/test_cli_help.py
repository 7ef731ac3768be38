"""The command line speaks Danish: help with examples and exit codes for every command, `--version`,
and argparse's own errors. Through `cli.main` in this process; the program's help, `--version` and one
mistyped command line also through the installed script (marked `e2e`), so the entry point is covered."""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from conftest import REPO, run_cli, run_in_process

COMMANDS = ("validate", "run", "approve", "release", "status", "verify", "approvers", "folk1a")
SUBCOMMANDS = ("approvers add", "approvers list")
# argparse's English words; none may reach the user.
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help", "error:",
           "the following arguments", "invalid choice")


def _assert_danish(text: str) -> None:
    for word in ENGLISH:
        assert word not in text, f"English {word!r} in:\n{text}"


@pytest.mark.parametrize("script", [pytest.param(True, marks=pytest.mark.e2e, id="script"), False])
def test_program_help_lists_every_command_with_examples_and_exit_codes(script: bool) -> None:
    done = run_cli("--help", timeout=120) if script else run_in_process("--help", cwd=REPO)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    _assert_danish(out)
    assert out.startswith("Brug: kpro-econ ")
    for command in COMMANDS:
        assert re.search(rf"^    {command}\s+\S", out, re.MULTILINE), f"{command} is not listed with its summary"
        assert re.search(rf"^  kpro-econ {command}\b", out, re.MULTILINE), f"no example of {command}"
    exits = out[out.index("Afslutningskoder:"):]
    for code in ("0", "1", "2"):
        assert re.search(rf"^  {code}  \S", exits, re.MULTILINE), f"exit code {code} is not explained"


@pytest.mark.parametrize("command", COMMANDS + SUBCOMMANDS)
def test_each_command_has_danish_help_with_examples_and_exit_codes(command: str) -> None:
    done = run_in_process(*command.split(), "--help", cwd=REPO)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    _assert_danish(out)
    assert out.startswith(f"Brug: kpro-econ {command} ")
    assert "vis denne hjælp og afslut" in out
    examples = out[out.index("Eksempler:"):out.index("Afslutningskoder:")]
    assert re.search(rf"^  kpro-econ {command}\b", examples, re.MULTILINE)
    assert re.search(r"^  0  \S", out[out.index("Afslutningskoder:"):], re.MULTILINE)


@pytest.mark.e2e  # the installed script
def test_version() -> None:
    done = run_cli("--version", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"kpro-econ {metadata.version('kpro-econ')}\n"


@pytest.mark.parametrize(("args", "message"), [
    (("approve", "reports/x"), "kpro-econ approve: fejl: mangler: --as"),
    (("frobnicate",), "kpro-econ: fejl: KOMMANDO: ugyldigt valg 'frobnicate' (vælg mellem 'validate'"),
    (("run",), "kpro-econ run: fejl: mangler: params"),
    (("status", "--out"), "kpro-econ status: fejl: --out: mangler en værdi"),
    (("validate", "a.yaml", "b.yaml"), "kpro-econ: fejl: ukendte argumenter: b.yaml"),
])
def test_a_mistyped_command_line_is_answered_in_danish_with_exit_2(args: tuple[str, ...], message: str) -> None:
    done = run_in_process(*args, cwd=REPO)
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    assert done.stderr.startswith("Brug: kpro-econ")
    _assert_danish(done.stderr)


def test_help_and_the_index_page_name_the_danish_guides() -> None:
    from datetime import UTC, datetime

    from kpro_econ.run.render import IndexPage, render_index

    done = run_in_process("--help", cwd=REPO)
    guides = done.stdout[done.stdout.index("Vejledninger (i projektmappen):"):]
    assert re.search(r"^  docs/kontrollant\.md  controllerens vejledning", guides, re.MULTILINE)
    assert re.search(r"^  docs/godkendelse\.md  godkenderens vejledning", guides, re.MULTILINE)
    assert "docs/kontrollant.md" in run_in_process("run", "--help", cwd=REPO).stdout
    assert "docs/godkendelse.md" in run_in_process("approve", "--help", cwd=REPO).stdout
    assert (REPO / "docs" / "kontrollant.md").read_text(encoding="utf-8").startswith("# ")
    page = render_index(IndexPage("T", "r", "p.yaml", "0" * 64, datetime(2026, 1, 1, tzinfo=UTC), [], "data/x.xlsx"))
    assert "Vejledninger (i projektmappen): <code>docs/kontrollant.md</code>" in page
    assert "<code>docs/godkendelse.md</code>" in page
