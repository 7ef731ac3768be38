"""The stamp a run's pages show (`approval-status.js`), kept in step with the check of record.

A page cannot check itself: opened from disk, Chromium lets it read neither its own bytes nor the
manifest. So the checks rewrite the script the pages load whenever it says something other than what
they find: `status` for every run it lists, and `approve` and `release` when they refuse a run. A run
changed after its approval then says "Ændret efter godkendelse – må ikke bruges" on every page, and a
page that is itself changed says so of itself, instead of still showing "Godkendt internt"; a run
put back as approved gets its stamp back. Only the script is written here. Written
under the ledger's lock after checking again under it, so that a stamp an approval writes at the same
moment is never replaced by an older view; through the atomic writer, so a page never loads half a file.

Like every convenience copy this says what the last check found, not more: whoever can write the run
folder can write the script too. `kpro-econ status` is the check.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from kpro_econ.errors import KproError
from kpro_econ.inputs.files import write_atomically
from kpro_econ.params.codes import RunState
from kpro_econ.records import ledger as ledgers
from kpro_econ.records.run_records import PACK_STATUS, Manifest, RunApprovals
from kpro_econ.release.approval import RunCheck, check_run, stamp_of, steering_of
from kpro_econ.run.pack_status import pack_status_script
from kpro_econ.run.runfolder import sha256_file


def sync_pack_status(run_dir: Path) -> tuple[RunCheck, str | None]:
    """Check the run and make `approval-status.js` say what the check found; the check, and why the
    script could not be written (None when it is in step)."""
    check = check_run(run_dir)
    if _in_step(check):
        return check, None
    try:
        with ledgers.locked(ledgers.ledger_path(check.run_dir)):
            check = check_run(run_dir)  # again, under the lock: an approval may have been recorded meanwhile
            if not _in_step(check):
                _write(check)
    except OSError as exc:
        return check, f"{PACK_STATUS} kunne ikke skrives ({exc.strerror or exc}); siderne viser måske en forkert status"
    except KproError as exc:
        return check, f"{PACK_STATUS} kunne ikke skrives ({exc}); siderne viser måske en forkert status"
    return check, None


def refresh_pack_status(run_dir: Path) -> None:
    """`sync_pack_status` where a refusal is being reported: whatever goes wrong here, the refusal is the news."""
    with contextlib.suppress(KproError, OSError):
        sync_pack_status(run_dir)


def changed_pages(run_dir: Path, manifest: Manifest) -> list[str]:
    """The run's pages (its top-level `.html` files) that differ from the sha256 the manifest records."""
    return sorted(
        name for name, sha in manifest.outputs.items()
        if "/" not in name and name.endswith(".html")
        and (not (run_dir / name).is_file() or sha256_file(run_dir / name) != sha)
    )


def wanted_script(check: RunCheck) -> str | None:
    """What `approval-status.js` should hold after this check (None for a failed run: it has no pages)."""
    if check.state == RunState.FAILED:
        return None
    approvals = RunApprovals(run_id=check.run_dir.name, required=check.required, approvals=check.approvals,
                             release=check.release)
    if check.state == RunState.CHANGED:
        approver, when = stamp_of(approvals, RunState.APPROVED) if check.approvals else (None, _started(check))
        return pack_status_script(check.state, approver, when, changed=changed_pages(check.run_dir, check.manifest))
    if check.state == RunState.DRAFT and not check.approvals:
        return pack_status_script(check.state, None, _started(check))  # as `run` wrote it
    return pack_status_script(check.state, *stamp_of(approvals, check.state),
                              steering=steering_of(approvals, check.state))


def _in_step(check: RunCheck) -> bool:
    wanted = wanted_script(check)
    if wanted is None:
        return True
    try:
        return (check.run_dir / PACK_STATUS).read_text(encoding="utf-8") == wanted
    except (OSError, UnicodeDecodeError):
        return False


def _write(check: RunCheck) -> None:
    # Only the pages' script: the other convenience copies hold the ledger heads approve and release
    # recorded (`ledger_heads`), which a check must not overwrite.
    wanted = wanted_script(check)
    if wanted is not None:
        write_atomically(check.run_dir / PACK_STATUS, wanted)


def _started(check: RunCheck) -> datetime:
    """The run's start, as `run` stamped its draft (a manifest without one: any fixed moment)."""
    try:
        return datetime.fromisoformat(check.manifest.started or _EPOCH)
    except ValueError:
        return datetime.fromisoformat(_EPOCH)


_EPOCH = "1970-01-01T00:00:00+00:00"
