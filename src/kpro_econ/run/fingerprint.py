"""The code fingerprint: sha256 of every notebook, template and package file that shapes a page.

Recorded in the manifest at run time and signed with each approval; release recomputes it from
the code it is about to use and refuses when anything differs.
"""

from __future__ import annotations

import json
from pathlib import Path

import kpro_econ
from kpro_econ.records.run_records import CodeFingerprint, sha256_bytes

PACKAGE_DIR = Path(kpro_econ.__file__).resolve().parent
_SKIPPED_DIRS = {"__pycache__"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def code_fingerprint(notebooks_dir: Path) -> CodeFingerprint:
    """Every `*.ipynb` in `notebooks_dir` (as `notebooks/NAME`) and every file of the package
    (as `kpro_econ/PATH`: sources, templates), each with its sha256; `sha256` covers them all."""
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    files = {f"notebooks/{nb.name}": sha256_bytes(nb.read_bytes()) for nb in notebooks}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR)
        if path.is_file() and not _SKIPPED_DIRS & set(rel.parts) and path.suffix not in _SKIPPED_SUFFIXES:
            files[f"kpro_econ/{rel.as_posix()}"] = sha256_bytes(path.read_bytes())
    whole = json.dumps(files, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return CodeFingerprint(sha256=sha256_bytes(whole), files=files)


def code_differences(recorded: CodeFingerprint, current: CodeFingerprint) -> list[str]:
    """`FILE: ændret|fjernet|tilføjet` for each file whose code differs from the recorded fingerprint."""
    problems = [f"{name}: {'ændret' if name in current.files else 'fjernet'}"
                for name, sha in recorded.files.items() if current.files.get(name) != sha]
    problems += [f"{name}: tilføjet" for name in current.files if name not in recorded.files]
    return sorted(problems)
