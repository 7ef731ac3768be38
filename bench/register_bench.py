"""Benchmark: read and validate a 200,000-row register, against pandas.read_csv of the same file.

    python bench/register_bench.py [--rows 200000] [--register risk|change_requests|both]

Writes a seeded register CSV to a temporary folder, then for each register:
- times `read_table` + the register's validator (what `kpro-econ validate` does with the file), best
  of `--repeat` runs, and the validator alone;
- measures the peak memory of read + validate with tracemalloc (a separate run: tracing slows it), and
  the peak resident size of a fresh process that imports the package, reads and validates (Linux/macOS);
- times `pandas.read_csv` of the same file in the same run as the baseline, and prints the ratio.
Goal: under 10 s and under 500 MB for 200,000 rows. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import csv
import gc
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpro_econ.inputs.registers import change_requests
from kpro_econ.inputs.risk_register import risk_register
from kpro_econ.inputs.tables import read_table

YEARS = list(range(2024, 2029))
CATEGORIES = ["drift", "økonomi", "leverance", "implementering", "support", "kontrakt", "organisation",
              "sikkerhed", "data"]


def write_risks(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    low = rng.integers(1, 100, rows) * 1000
    mode = low + rng.integers(0, 100, rows) * 1000
    high = mode + rng.integers(0, 100, rows) * 1000
    status = rng.choice(["open", "open", "open", "closed", "occurred"], rows)
    header = ["id", "title", "description", "category", "owner", "cause", "consequence", "likelihood_inherent",
              "impact_inherent", "likelihood_residual", "impact_residual", "mitigation", "mitigation_cost",
              "status", "proximity", "probability", "cost_low", "cost_mode", "cost_high", "cost_line",
              "last_reviewed", "source", "estimate_source"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for i in range(rows):
            writer.writerow([
                f"R{i:06d}", f"Risiko {i}", "Beskrivelse af hvad der kan ske", CATEGORIES[i % len(CATEGORIES)],
                "Programleder", "Årsag", "Konsekvens", rng.integers(1, 6), rng.integers(1, 6), rng.integers(1, 6),
                rng.integers(1, 6), "Tiltag", int(rng.integers(0, 50)) * 1000, status[i],
                YEARS[i % len(YEARS)] if i % 3 else "", f"{rng.uniform(0.01, 0.9):.3f}" if i % 2 else "",
                low[i], mode[i], high[i], "Supportaftale", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "Referat 23.6.2023, pkt. 4", "Skøn fra workshop",
            ])


def write_change_requests(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    statuses = ["proposed", "approved", "in_progress", "delivered", "rejected"]
    header = ["id", "title", "status", "priority", "estimate_low", "estimate_mode", "estimate_high", "year",
              "approval_probability", "actual_cost", "requested_date", "approved_date", "delivered_date", "source"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for i in range(rows):
            status = statuses[i % len(statuses)]
            low = int(rng.integers(1, 100)) * 1000
            writer.writerow([
                f"ÆØ-{i:06d}", f"Ændring {i}", status, ["høj", "middel", "lav"][i % 3], low, low + 5000, low + 9000,
                YEARS[i % len(YEARS)], "0.5" if status == "proposed" else "",
                f"{low + 1234.5}" if status == "delivered" else "", "2024-01-15",
                "2024-02-01" if status != "proposed" else "", "2024-06-01" if status == "delivered" else "",
                "Estimat",
            ])


def best_of(repeat: int, call: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(call: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


_RSS = """
import resource, sys
from pathlib import Path

def peak():
    # Linux: the peak of this process's own memory (VmHWM starts afresh at exec; ru_maxrss would carry
    # over the peak of the benchmark process that started it). Elsewhere ru_maxrss (bytes on macOS).
    status = Path("/proc/self/status")
    if status.is_file():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

sys.path.insert(0, {bench!r})
from register_bench import YEARS, read_table, risk_register, change_requests
path = Path({path!r})
before = peak()
table = read_table(path)
{call}
print(before, peak())
"""
_CALLS = {"risk": "risk_register(table, 'r.csv', YEARS)", "change_requests": "change_requests(table, 'r.csv')"}


def peak_rss_mb(name: str, path: Path) -> tuple[float, float] | None:
    """(after the imports, after read + validate): a fresh process's peak resident size, in MB."""
    try:
        import resource  # noqa: F401  (not on Windows)
    except ImportError:
        return None
    code = _RSS.format(bench=str(Path(__file__).parent), path=str(path), call=_CALLS[name])
    # S603: this Python on code the script wrote itself, an argument list (no shell).
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    before, after = (float(v) for v in done.stdout.split())
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--register", choices=["risk", "change_requests", "both"], default="both")
    args = parser.parse_args()
    registers: dict[str, tuple[Callable[[Path, int], None], Callable[[pd.DataFrame, str], pd.DataFrame]]] = {
        "risk": (write_risks, lambda df, file: risk_register(df, file, YEARS)),
        "change_requests": (write_change_requests, change_requests),
    }
    chosen = list(registers) if args.register == "both" else [args.register]
    with tempfile.TemporaryDirectory() as folder:
        for name in chosen:
            write, validate = registers[name]
            path = Path(folder) / f"{name}.csv"
            write(path, args.rows)
            table = read_table(path)
            assert len(validate(table, path.name)) == args.rows  # noqa: S101 (the generated register is valid)

            baseline = best_of(args.repeat, lambda path=path: pd.read_csv(path))
            read = best_of(args.repeat, lambda path=path: read_table(path))
            only = best_of(args.repeat, lambda table=table, validate=validate: validate(table, "r.csv"))
            both = best_of(args.repeat, lambda path=path, validate=validate: validate(read_table(path), "r.csv"))
            del table
            peak = peak_mb(lambda path=path, validate=validate: validate(read_table(path), "r.csv"))
            rss = peak_rss_mb(name, path)
            size = path.stat().st_size / 1e6
            print(f"{name}: {args.rows:,} rows, {size:.1f} MB CSV")
            print(f"  pandas.read_csv (baseline)   {baseline:7.2f} s")
            print(f"  read_table                   {read:7.2f} s")
            print(f"  validate (table already read){only:7.2f} s")
            print(f"  read_table + validate        {both:7.2f} s   ratio to baseline {both / baseline:5.1f}")
            print(f"  peak memory, read + validate {peak:7.0f} MB (tracemalloc)")
            if rss is not None:
                print(f"  peak resident size           {rss[1]:7.0f} MB (fresh process; {rss[0]:.0f} MB after imports)")


if __name__ == "__main__":
    main()
