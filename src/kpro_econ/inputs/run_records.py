"""Earlier runs as inputs: the run folder's record files (manifest, approval, tables) read back.

The run folder is written by `run/` and `release/`; later runs read it here (history, the steering
summary's comparison), so the file names and readers live in this lower layer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
APPROVAL = "approval.json"
DATA_DIR = "data"
PACK_STATUS = "approval-status.js"
"""The run's current state for its pages to show, written by run, approve and release; not hashed."""

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def read_manifest(run_dir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def read_approval(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / APPROVAL
    if not path.is_file():
        return None
    approval: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return approval


def read_tables(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables a run wrote to `data/*.csv`, by name, with floats read back exactly as written."""
    import pandas as pd

    tables = {}
    for path in sorted((run_dir / DATA_DIR).glob("*.csv")):
        table = pd.read_csv(path, encoding="utf-8", float_precision="round_trip")
        for column in table.columns:
            if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
                table[column] = table[column].map(lambda v: text_from_csv(v) if isinstance(v, str) else v)
        tables[path.stem] = table
    return tables


def text_to_csv(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs as a formula: `'` before `=`, `+`, `-`, `@`, tab or CR.

    A text that already starts with `'` before one of those gets one more `'`, so `text_from_csv`
    gives back exactly what was written.
    """
    return _QUOTE + text if text.lstrip(_QUOTE).startswith(FORMULA_START) else text


def text_from_csv(text: str) -> str:
    """The text `text_to_csv` was given."""
    quoted = text.startswith(_QUOTE) and text.lstrip(_QUOTE).startswith(FORMULA_START)
    return text[1:] if quoted else text
