"""Writing a file so that no reader ever sees half of it: the run's records, its pages' status, the
overview and comparison pages, a downloaded FOLK1A.

Apart from `tables` (which reads registers with pandas): the records, and with them every worker
process of a run, write files without loading pandas.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """`data` (text as UTF-8) to `path` through a hidden temporary file beside it (`.NAME.PID.tmp`, one per
    process), so that a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
