"""What `kpro-econ status` prints for a run: its state, what the overview page says of it (its key figures),
and, once approved, who signed and what still verifies."""

from __future__ import annotations

from pathlib import Path

from kpro_econ.errors import KproError
from kpro_econ.params.codes import RunState
from kpro_econ.records import ledger_heads
from kpro_econ.release.approval import RunCheck, StartedElsewhere
from kpro_econ.release.overview import checked_row
from kpro_econ.release.stamp import sync_pack_status
from kpro_econ.report.formatting import approver_name
from kpro_econ.report.run_overview import run_lines
from kpro_econ.report.times import danish_recorded_time

_INDENT = "    "


def status_lines(run_dir: Path) -> list[str]:
    """`RUN  STATE` and, for a run with approvals, one line per approver and what differs, if anything.

    The check of record also puts its finding on the run's pages (`stamp.sync_pack_status`)."""
    try:
        check, unstamped = sync_pack_status(run_dir)
    except StartedElsewhere as exc:
        return [f"{run_dir.name}  ikke kontrolleret", f"{_INDENT}{exc}"]
    except KproError as exc:  # one unreadable run must not hide the others
        return [f"{run_dir.name}  ulæselig", *(f"{_INDENT}{line}" for line in str(exc).splitlines())]
    lines = [f"{run_dir.name}  {check.label}"]
    if check.state == RunState.FAILED:
        return lines
    lines += [f"{_INDENT}{note}" for note in check.notes]
    lines += [f"{_INDENT}{line}" for line in _overview_lines(check)]
    lines += _made_lines(check)
    for approval in check.approvals:
        who = approver_name(approval)
        signed = "signatur ok" if approval.signature is not None else "usigneret"
        when = danish_recorded_time(approval.approved_at)
        lines.append(f"{_INDENT}godkendt af {who} <{approval.identity}> {when}: {signed}")
    if check.state in (RunState.APPROVED, RunState.RELEASED):
        lines.append(f"{_INDENT}filer: uændrede siden godkendelsen")
    if check.release is not None and check.state == RunState.RELEASED:
        lines.append(f"{_INDENT}frigivet {danish_recorded_time(check.release.released_at)}: pakken er uændret")
    lines += [f"{_INDENT}afviger: {problem}" for problem in check.problems]
    if unstamped is not None:
        lines.append(f"{_INDENT}{unstamped}")
    return lines


def ledger_lines(path: Path) -> list[str]:
    """The ledger's head (line count and the last line's sha256, for anyone to note and compare later),
    or why it cannot be read; then every break of its chain and every recorded head it does not reach."""
    try:
        ledger, cut = ledger_heads.read_checked(path)
    except KproError as exc:
        return str(exc).splitlines()
    if not path.exists():
        return [f"{path}: ingen godkendelseslog endnu"]
    lines = [f"{path}: godkendelsesloggens hoved: {ledger_heads.head_text(ledger.head)}"]
    return lines + [f"{_INDENT}afviger: {problem}" for problem in [*ledger.problems, *cut]]


def _overview_lines(check: RunCheck) -> list[str]:
    """What the overview page says of the run (`reports/index.html`): when, by whom, its period, its key figures;
    nothing when that cannot be read (the overview's own line says why)."""
    try:
        return run_lines(checked_row(check))
    except (KproError, OSError, ValueError):
        return []


def _made_lines(check: RunCheck) -> list[str]:
    """How the run was made: signed by its maker (`run --key`), and the values `run --set` changed."""
    lines = []
    maker = check.maker
    if maker is not None and maker.signed:
        lines.append(f"{_INDENT}lavet og signeret af {maker.identity} (nøgle {maker.fingerprint}): signatur ok")
    elif maker is not None and check.state == RunState.DRAFT:  # otherwise among the differences below
        lines.append(f"{_INDENT}kørslens signatur: {maker.problem}")
    if check.manifest.overrides:
        lines.append(f"{_INDENT}ændret ved kørslen (--set): {'; '.join(check.manifest.overrides)}")
    return lines
