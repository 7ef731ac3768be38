"""Print where an executed notebook's time went: each code cell's duration as Papermill recorded it.

Papermill stores every cell's start and end time in the cell's metadata; a run keeps its executed
notebooks in `build/<run-id>/`. A measurement aid, not a test.

    python bench/cell_times.py build/<run-id>/*.ipynb [--top 10]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path


def cell_times(notebook: Path) -> list[tuple[int, float, str]]:
    """(cell index, seconds, first source line) of every executed code cell, in notebook order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    times = []
    for index, cell in enumerate(cells):
        recorded = cell.get("metadata", {}).get("papermill", {})
        if cell["cell_type"] != "code" or not recorded.get("start_time") or not recorded.get("end_time"):
            continue
        seconds = (_when(recorded["end_time"]) - _when(recorded["start_time"])).total_seconds()
        source = "".join(cell["source"]).strip().splitlines()
        code = [line for line in source if line.strip() and not line.startswith(("%", "from ", "import "))]
        first = (code or source or [""])[0]
        times.append((index, seconds, first[:70]))
    return times


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=0, help="only the N slowest cells of each notebook")
    args = parser.parse_args()
    for notebook in args.notebooks:
        times = cell_times(notebook)
        print(f"{notebook.stem}: {sum(s for _, s, _ in times):.2f} s in {len(times)} code cells")
        shown = sorted(times, key=lambda t: -t[1])[: args.top] if args.top else times
        for index, seconds, first in shown:
            print(f"  [{index:2d}] {seconds:6.3f} s  {first}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
