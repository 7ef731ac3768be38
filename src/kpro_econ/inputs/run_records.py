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

    return {
        path.stem: pd.read_csv(path, encoding="utf-8", float_precision="round_trip")
        for path in sorted((run_dir / DATA_DIR).glob("*.csv"))
    }
