"""Writes `kpro-econ compare`'s page: two runs' tables side by side (`report.run_compare`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kpro_econ.errors import KproError
from kpro_econ.inputs.files import write_atomically
from kpro_econ.records.run_records import DATA_DIR, MANIFEST, os_reason, read_tables
from kpro_econ.report.run_compare import compare_html


class CompareError(KproError):
    """A run to compare is missing, or its tables cannot be read."""


def default_page(run_a: Path, run_b: Path) -> Path:
    """`compare-A-B.html` beside run B, in the reports folder."""
    return run_b.parent / f"compare-{run_a.name}-{run_b.name}.html"


def write_comparison(run_a: Path, run_b: Path, out: Path | None = None) -> Path:
    """Write the page comparing run A with run B to `out` (default `default_page`); return its path."""
    a, b = _tables(run_a), _tables(run_b)
    page = out or default_page(run_a, run_b)
    try:
        write_atomically(page, compare_html(run_a.name, run_b.name, a, b, datetime.now(UTC)))
    except OSError as exc:
        raise CompareError(f"{page}: kan ikke skrives: {os_reason(exc)}") from exc
    return page


def _tables(run: Path) -> dict[str, pd.DataFrame]:
    if not (run / MANIFEST).is_file():
        raise CompareError(f"{run}: ingen kørselsmappe ({MANIFEST} mangler)")
    if not (run / DATA_DIR).is_dir():
        raise CompareError(f"{run}/{DATA_DIR}: mangler; kørslen har ingen tabeller at sammenligne")
    try:
        return read_tables(run)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CompareError(f"{run}/{DATA_DIR}: en tabel kan ikke læses: {exc}") from exc
