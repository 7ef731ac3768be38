"""Internal approval of a run and the checks that keep it honest.

An approval records the manifest's own sha256; a release is allowed only while every file the
manifest lists (params, inputs, outputs) still has the hash it had when the run was made, and no
file has been added to or removed from the run folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kpro_econ import __version__
from kpro_econ.errors import ApprovalError
from kpro_econ.inputs.run_records import APPROVAL, MANIFEST, read_approval, read_manifest
from kpro_econ.report.labels import UNREADABLE_RUN_LABEL
from kpro_econ.run.runfolder import TMP_PREFIX, git_state, sha256_file

STEERING = "steering"
RELEASE = "release.json"
# Written after the run by approve and release; everything else must be exactly as the manifest says.
_WRITTEN_LATER = {MANIFEST, APPROVAL}

FAILED, DRAFT, APPROVED, RELEASED, CHANGED = "fejlet", "udkast", "godkendt", "frigivet", "ændret efter godkendelse"


def changed_files(run_dir: Path) -> list[str]:
    """Every file that differs from the manifest: `PATH: ændret|fjernet|tilføjet`, sorted.

    Input files are looked up as the manifest names them (relative to the folder the run was started
    from, which is also where approve and release are run from, or absolute).
    """
    manifest = read_manifest(run_dir)
    problems = []
    expected = {run_dir / rel: sha for rel, sha in manifest.get("outputs", {}).items()}
    expected.update({Path(path): sha for path, sha in manifest.get("inputs", {}).items()})
    params = manifest.get("params", {})
    if params:
        expected.setdefault(Path(params["path"]), params["sha256"])
    for path, sha in expected.items():
        shown = _shown(path, run_dir)
        if not path.is_file():
            problems.append(f"{shown}: fjernet")
        elif sha256_file(path) != sha:
            problems.append(f"{shown}: ændret")
    for path in sorted(run_dir.rglob("*")):
        rel = path.relative_to(run_dir)
        if path.is_file() and path not in expected and not _written_later(rel):
            problems.append(f"{_shown(path, run_dir)}: tilføjet")
    return sorted(problems)


def _written_later(rel: Path) -> bool:
    """Written after the run: the approval, and the steering pack (also while release stages it)."""
    return rel.as_posix() in _WRITTEN_LATER or rel.parts[0] == STEERING or rel.parts[0].startswith(f".{STEERING}-")


def _shown(path: Path, run_dir: Path) -> str:
    try:
        return (run_dir.name / path.relative_to(run_dir)).as_posix()
    except ValueError:
        return path.as_posix()


def manifest_sha256(run_dir: Path) -> str:
    return hashlib.sha256((run_dir / MANIFEST).read_bytes()).hexdigest()


def approve(run_dir: Path, by: str, role: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Record the internal approval of an unchanged, successful run; refuse anything else, saying why."""
    run_dir = _existing_run(run_dir)
    manifest = read_manifest(run_dir)
    if manifest.get("status") != "ok":
        raise ApprovalError(f"{run_dir}: kørslen fejlede og kan ikke godkendes")
    if read_approval(run_dir) is not None:
        raise ApprovalError(f"{run_dir}: kørslen er allerede godkendt")
    if not by.strip():
        raise ApprovalError("--by: godkenderens navn mangler")
    changes = changed_files(run_dir)
    if changes:
        raise ApprovalError(_changed_message(run_dir, "godkendes", changes))
    approval = {
        "run_id": manifest.get("run_id"),
        "approved_by": by.strip(),
        "role": role,
        "note": note,
        "approved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "manifest_sha256": manifest_sha256(run_dir),
        "workbook_version": __version__,
        "workbook_commit": git_state(Path(__file__).parent)["commit"],
    }
    _write_json_atomically(run_dir / APPROVAL, approval)
    return approval


def check_release(run_dir: Path) -> dict[str, Any]:
    """The approval, if it still matches every file; else an ApprovalError naming each change."""
    run_dir = _existing_run(run_dir)
    approval = read_approval(run_dir)
    if approval is None:
        raise ApprovalError(f"{run_dir}: kørslen er ikke godkendt; kør først kpro-econ approve")
    problems = changed_files(run_dir)
    if approval.get("manifest_sha256") != manifest_sha256(run_dir):
        problems.insert(0, f"{run_dir.name}/{MANIFEST}: ændret")
    if problems:
        raise ApprovalError(_changed_message(run_dir, "frigives", problems))
    return approval


def _changed_message(run_dir: Path, verb: str, changes: list[str]) -> str:
    lines = [f"{run_dir}: kan ikke {verb}, fordi filer er ændret siden kørslen:"]
    return "\n".join([*lines, *(f"  {c}" for c in changes)])


def run_state(run_dir: Path) -> str:
    """failed, draft, approved, released, or changed after approval (in Danish)."""
    manifest = read_manifest(_existing_run(run_dir))
    if manifest.get("status") != "ok":
        return FAILED
    approval = read_approval(run_dir)
    if approval is None:
        return DRAFT
    if changed_files(run_dir) or approval.get("manifest_sha256") != manifest_sha256(run_dir):
        return CHANGED
    return RELEASED if (run_dir / STEERING / RELEASE).is_file() else APPROVED


def list_runs(out_dir: Path) -> list[tuple[str, str]]:
    """(run id, state) of every finished run folder under `out_dir`, oldest first."""
    runs = []
    for folder in sorted(out_dir.iterdir()) if out_dir.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith(TMP_PREFIX) and (folder / MANIFEST).is_file():
            runs.append((folder.name, readable_run_state(folder)))
    return runs


def readable_run_state(run_dir: Path) -> str:
    """The run's state, or that its manifest cannot be read: one broken run must not hide the others."""
    try:
        return run_state(run_dir)
    except (OSError, ValueError):  # a manifest cut short is not JSON (JSONDecodeError is a ValueError)
        if not (run_dir / MANIFEST).is_file():
            raise
        return UNREADABLE_RUN_LABEL


def _existing_run(run_dir: Path) -> Path:
    if not (run_dir / MANIFEST).is_file():
        raise ApprovalError(f"{run_dir}: ingen kørselsmappe (manifest.json mangler)")
    return run_dir


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
