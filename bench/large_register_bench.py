"""Benchmark: `kpro-econ run --only kpi_status` over a 200,000-row operations register, against the
shipped register, both measured in the same session. A measurement, not a test.

    python bench/large_register_bench.py [--rows 200000] [--months 0] [--repeat 1]

For each register it copies `params/` and `data/` into a temporary project, writes the register as
`data/operations.csv` and times `kpro-econ run params/default.yaml --only kpi_status` (the model, the
tables, `tables.xlsx` and the KPI report). Memory is the peak of the whole process tree (the command,
its worker processes and their kernels), summed and sampled every 50 ms with psutil, and the largest
single process's peak resident size (`ru_maxrss` of the waited-for descendants, Linux).

The large register keeps the shipped months and rows and adds support requests in as many categories
as it takes to reach `--rows` (the shape a category free-text field gets from a ticket system);
`--months N` spreads it over N months instead (from 2000-01), with fewer categories a month;
`--unique` gives every added row a category of its own (the worst case for a chart per category).
Goal: under 60 s and under 1 GB for 200,000 rows.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil

REPO = Path(__file__).resolve().parents[1]
SOURCE = "Benchmark (genereret)"


def write_register(path: Path, rows: int, months: int, unique: bool = False) -> int:
    """A valid operations register of `rows` rows at `path`; returns the number of categories added."""
    shipped = pd.read_csv(REPO / "data" / "operations.csv", dtype=str, keep_default_na=False)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(shipped.columns)
        if months:
            periods = [str(p) for p in pd.period_range("2000-01", periods=months, freq="M")]
            for i, month in enumerate(periods):
                writer.writerow([month, "availability_pct", "", "", "", f"{99.0 + (i % 10) / 10:.2f}", "true", SOURCE])
                writer.writerow([month, "response_median_ms", "", "", "", 400 + i % 50, "true", SOURCE])
                writer.writerow([month, "response_p95_ms", "", "", "", 1400 + i % 90, "true", SOURCE])
                for severity, count in zip(("kritisk", "høj", "middel", "lav"), (0, 1, 3, 6), strict=True):
                    writer.writerow([month, "errors", "", "", severity, count + i % 3, "true", SOURCE])
            written = 7 * months
        else:
            periods = sorted(shipped["month"].unique())
            writer.writerows(shipped.itertuples(index=False))
            written = len(shipped)
        per_category = 2 * len(periods)  # each category once per month and channel
        added = max(0, rows - written)
        categories = added if unique else -(-added // per_category)
        for category in range(categories):
            for month in periods:
                for channel in ("borger", "medarbejder"):
                    if written == rows:
                        return categories
                    name = f"Kategori {written if unique else category:06d}"
                    writer.writerow([month, "support_requests", channel, name, "",
                                     (category * 7 + len(month) + len(channel)) % 13, "true", SOURCE])
                    written += 1
    return categories


@dataclass(frozen=True)
class Measured:
    seconds: float
    tree_peak_mb: float
    process_peak_mb: float


def measure_run(project: Path) -> Measured:
    """`kpro-econ run --only kpi_status` in `project`: wall time and peak memory (see the module doc)."""
    script = Path(sys.executable).with_name("kpro-econ")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kpro_econ.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak = 0
    start = time.perf_counter()
    process = psutil.Popen([*command, "run", "params/default.yaml", "--only", "kpi_status"], cwd=project,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
    reader.start()
    while process.poll() is None:
        total = 0
        with contextlib.suppress(psutil.Error):
            for member in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # ended between listing and reading
                    total += member.memory_info().rss
        peak = max(peak, total)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    reader.join()
    if process.returncode != 0:
        raise SystemExit("".join(output))
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    largest = after / 1024 if after > before else float("nan")  # an earlier, larger child hides it
    return Measured(seconds, peak / 1e6, largest)


def project_with(folder: Path, register: Path | None) -> Path:
    for name in ("params", "data"):
        shutil.copytree(REPO / name, folder / name)
    if register is not None:
        shutil.copyfile(register, folder / "data" / "operations.csv")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=0, help="spread over this many months (0: the shipped ones)")
    parser.add_argument("--unique", action="store_true", help="a category of its own for every added row")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpro-large-") as scratch:
        work = Path(scratch)
        register = work / "operations.csv"
        categories = write_register(register, args.rows, args.months, args.unique)
        size = register.stat().st_size / 1e6
        print(f"Stort register: {args.rows:,} rækker, {categories:,} kategorier, {size:.1f} MB")
        results: dict[str, list[Measured]] = {"standard": [], "stort": []}
        for rep in range(args.repeat):
            for name, source in (("standard", None), ("stort", register)):
                project = project_with(work / f"{name}-{rep}", source)
                measured = measure_run(project)
                results[name].append(measured)
                print(f"  [{rep + 1}/{args.repeat}] {name:<8} {measured.seconds:6.1f} s, "
                      f"top {measured.tree_peak_mb:6.0f} MB (alle processer), "
                      f"største proces {measured.process_peak_mb:6.0f} MB")
                shutil.rmtree(project)
        best = {name: min(runs, key=lambda m: m.seconds) for name, runs in results.items()}
        ratio = best["stort"].seconds / best["standard"].seconds
        memory = max(m.tree_peak_mb for m in results["stort"]) / max(m.tree_peak_mb for m in results["standard"])
        print(f"Forhold stort/standard: tid {ratio:.2f}, hukommelse (top, alle processer) {memory:.2f}")


if __name__ == "__main__":
    main()
