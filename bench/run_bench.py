"""Time `kpro-econ run` against the naive chain it replaces. A measurement, not a test.

The naive chain is what one would type by hand: for each notebook, one after the other, the
`papermill` command line, then `jupyter nbconvert --to html --no-input`. Both are timed in the same
session, repetitions interleaved (and the order alternated) so that a busy machine hurts both alike.
Note that `kpro-econ run` does more: it also validates inputs, writes data/*.csv, tables.xlsx,
index.html and the manifest.

    python bench/run_bench.py [--repeat 3] [--params params/default.yaml] [--only cost_model]

`--only NAME` times one notebook: `kpro-econ run --only NAME` against that notebook's chain.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each (default 3)")
    parser.add_argument("--params", type=Path, default=Path("params/default.yaml"))
    parser.add_argument("--only", metavar="NAME", help="one notebook (e.g. cost_model) instead of all")
    args = parser.parse_args()

    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    if args.only:
        notebooks = [nb for nb in notebooks if nb.stem == args.only]
        if not notebooks:
            raise SystemExit(f"no notebook named {args.only} in {REPO / 'notebooks'}")
    only = ["--only", args.only] if args.only else []
    params = (REPO / args.params).resolve()
    print(f"{len(notebooks)} notesbøger, {args.repeat} gentagelser, parametre {args.params}")
    timings: dict[str, list[float]] = {"kpro-econ run": [], "papermill + nbconvert": []}
    with tempfile.TemporaryDirectory(prefix="kpro-bench-") as scratch:
        work = Path(scratch)
        contenders: list[tuple[str, Callable[[Path], None]]] = [
            ("kpro-econ run", lambda out: _ours(params, out, only)),
            ("papermill + nbconvert", lambda out: _naive(notebooks, params, out)),
        ]
        for rep in range(args.repeat):
            order = contenders if rep % 2 == 0 else contenders[::-1]
            for name, contender in order:
                out = work / f"{rep}-{name.split()[0]}"
                out.mkdir()
                seconds = _timed(contender, out)
                timings[name].append(seconds)
                print(f"  [{rep + 1}/{args.repeat}] {name:<22} {seconds:6.2f} s")

    ours = statistics.median(timings["kpro-econ run"])
    naive = statistics.median(timings["papermill + nbconvert"])
    print(f"median kpro-econ run:          {ours:6.2f} s")
    print(f"median papermill + nbconvert:  {naive:6.2f} s")
    print(f"ratio naive / kpro-econ run:   {naive / ours:6.2f}")
    print(f"kpro-econ run / naive:         {ours / naive:6.2f}  (goal: at most 0.33)")
    return 0


def _timed(action: Callable[[Path], None], out: Path) -> float:
    start = time.perf_counter()
    action(out)
    return time.perf_counter() - start


def _ours(params: Path, out: Path, only: list[str]) -> None:
    _check([*_command("kpro-econ", "kpro_econ.cli"), "run", str(params), "--out", str(out / "reports"), *only])


def _naive(notebooks: list[Path], params: Path, out: Path) -> None:
    for notebook in notebooks:
        executed = out / notebook.name
        _check(
            [
                *_command("papermill", "papermill"),
                str(notebook),
                str(executed),
                "-p",
                "params_path",
                str(params),
                "--cwd",
                str(notebook.parent),
            ]
        )
        _check([*_command("jupyter", "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])


def _command(script: str, module: str) -> list[str]:
    """The console script beside this Python (or on PATH), else the same program via `-m`."""
    beside = Path(sys.executable).with_name(script)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(script)
    return [found] if found else [sys.executable, "-m", module]


def _check(command: list[str]) -> None:
    # S603: the commands this benchmark times (kpro-econ, papermill, jupyter), an argument list (no shell).
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")


if __name__ == "__main__":
    sys.exit(main())
