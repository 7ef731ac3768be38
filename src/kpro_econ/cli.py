"""The command line: parses arguments and calls the package, nothing more."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from kpro_econ import __version__
from kpro_econ.errors import KproError, NotebookRunError, ParamsError
from kpro_econ.report.cli_texts import VERSION_HELP, DanishArgumentParser


def main(argv: Sequence[str] | None = None) -> int:
    # Danish help, examples and exit codes for every command: report/cli_texts.py.
    parser = DanishArgumentParser(prog="kpro-econ")
    parser.add_argument("--version", action="version", version=f"kpro-econ {__version__}", help=VERSION_HELP)
    commands = parser.add_subparsers(dest="command", required=True, title="kommandoer", metavar="KOMMANDO")

    validate = commands.add_parser("validate", help="kontrollér en parameterfil og hver fil, den henviser til")
    validate.add_argument("params", type=Path, help="parameterfilen (YAML), fx params/default.yaml")

    run = commands.add_parser("run", help="kør notesbøgerne og skriv en kørselsmappe med rapporterne")
    run.add_argument("params", type=Path, help="parameterfilen (YAML), fx params/default.yaml")
    run.add_argument("--out", type=Path, default=Path("reports"), help="mappen til kørselsmapperne (standard: reports)")
    run.add_argument("--run-id", help="kørselsmappens navn (standard: starttidspunkt og parameterfilens navn)")

    approve = commands.add_parser("approve", help="registrér den interne godkendelse af en kørsel")
    approve.add_argument("run", type=Path, help="kørselsmappen, fx reports/20261125-184512-default")
    approve.add_argument("--by", required=True, help="godkenderens navn")
    approve.add_argument("--role", help="godkenderens rolle, fx afdelingschef")
    approve.add_argument("--note", help="en bemærkning, der gemmes med godkendelsen")

    release = commands.add_parser("release", help="frigiv en godkendt, uændret kørsel til forretningsstyregruppen")
    release.add_argument("run", type=Path, help="kørselsmappen, fx reports/20261125-184512-default")

    status = commands.add_parser("status", help="vis kørslerne og deres tilstand")
    status.add_argument("run", type=Path, nargs="?", help="én kørselsmappe (standard: alle kørsler i --out)")
    status.add_argument("--out", type=Path, default=Path("reports"),
                        help="mappen med kørselsmapperne (standard: reports)")

    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.params)
        if args.command == "run":
            return _run(args.params, args.out, args.run_id)
        if args.command == "approve":
            return _approve(args.run, args.by, args.role, args.note)
        if args.command == "release":
            return _release(args.run)
        if args.command == "status":
            return _status(args.run, args.out)
    except ParamsError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except NotebookRunError as exc:
        print(f"Kørslen fejlede: {exc}", file=sys.stderr)
        if exc.executed:
            print(f"Den kørte notesbog med output og fejl: {exc.executed}", file=sys.stderr)
        return 1
    except KproError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _validate(params: Path) -> int:
    from kpro_econ.inputs.load import load_inputs

    inputs = load_inputs(params)
    names = ", ".join(inputs.scenarios)
    print(f"OK: {params} ({len(inputs.files)} filer; scenarier: {names})")
    return 0


def _run(params: Path, out: Path, run_id: str | None) -> int:
    from kpro_econ.run.runner import run_workbook

    run_dir = run_workbook(params, out_dir=out, run_id=run_id)
    print(f"Rapporterne er klar: {run_dir / 'index.html'}")
    return 0


def _approve(run: Path, by: str, role: str | None, note: str | None) -> int:
    from kpro_econ.release.approval import approve

    approval = approve(run, by, role, note)
    print(f"Godkendt: {run} af {approval['approved_by']} ({approval['approved_at']})")
    return 0


def _release(run: Path) -> int:
    from kpro_econ.release.steering_pack import release

    pdf = release(run)
    print(f"Frigivet til forretningsstyregruppen: {pdf}")
    return 0


def _status(run: Path | None, out: Path) -> int:
    from kpro_econ.release.approval import list_runs, run_state

    rows = [(run.name, run_state(run))] if run is not None else list_runs(out)
    if not rows:
        print(f"Ingen kørsler i {out}")
    for run_id, state in rows:
        print(f"{run_id}  {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
