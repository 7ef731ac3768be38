"""The command line: parses arguments and calls the package, nothing more."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kpro_econ.errors import KproError, NotebookRunError, ParamsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kpro-econ", description="Økonomi og risici for Kommunal PRO.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a params file and every file it refers to")
    validate.add_argument("params", type=Path)

    run = commands.add_parser("run", help="execute the notebooks and write a run folder")
    run.add_argument("params", type=Path)
    run.add_argument("--out", type=Path, default=Path("reports"), help="folder for run folders")
    run.add_argument("--run-id", help="name of the run folder (default: time stamp and params name)")

    approve = commands.add_parser("approve", help="record the internal approval of a run")
    approve.add_argument("run", type=Path)
    approve.add_argument("--by", required=True, help="the approver's name")
    approve.add_argument("--role", help="the approver's role, e.g. afdelingschef")
    approve.add_argument("--note", help="a remark kept with the approval")

    release = commands.add_parser("release", help="write the steering pack of an approved, unchanged run")
    release.add_argument("run", type=Path)

    status = commands.add_parser("status", help="list runs and their state")
    status.add_argument("run", type=Path, nargs="?", help="one run folder (default: every run in --out)")
    status.add_argument("--out", type=Path, default=Path("reports"), help="folder of run folders")

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
    from kpro_econ.release.approval import list_runs, readable_run_state

    rows = [(run.name, readable_run_state(run))] if run is not None else list_runs(out)
    if not rows:
        print(f"Ingen kørsler i {out}")
    for run_id, state in rows:
        print(f"{run_id}  {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
