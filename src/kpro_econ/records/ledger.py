"""The approval ledger `approvals.jsonl` beside the runs: append-only, hash-chained, one writer at a time.

Each line holds one approval or release and the sha256 of the line before it, so a line removed,
edited or put in another place breaks the chain. Lines are appended under an exclusive `filelock`
lock, and the decision whether an approval may be added is taken under the same lock, so of two
simultaneous approvals none is lost and each is told the outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from kpro_econ.errors import ApprovalError
from kpro_econ.records.run_records import (
    GENESIS,
    LEDGER,
    Approval,
    LedgerHead,
    LedgerLine,
    ReleaseRecord,
    SignersRecord,
    append_ledger_line,
    os_reason,
    read_ledger_lines,
    sha256_bytes,
)

_LOCK_TIMEOUT_S = 120


@dataclass(frozen=True)
class Ledger:
    """The ledger's records in order, and every place where its chain is broken."""

    path: Path
    records: list[Approval | ReleaseRecord | SignersRecord]
    problems: list[str]
    last_sha256: str
    hashes: tuple[str, ...] = ()
    """The sha256 of each line as written, in order."""

    @property
    def head(self) -> LedgerHead:
        """How many lines the ledger has, and the sha256 of the last (GENESIS for none)."""
        return LedgerHead(lines=len(self.hashes), sha256=self.last_sha256)

    def approvals(self, run_id: str) -> list[Approval]:
        return [r for r in self.records if isinstance(r, Approval) and r.run_id == run_id]

    def releases(self, run_id: str) -> list[ReleaseRecord]:
        return [r for r in self.records if isinstance(r, ReleaseRecord) and r.run_id == run_id]

    def signers(self) -> list[SignersRecord]:
        """Every recorded version of the allowed signers file and the approval rules, oldest first."""
        return [r for r in self.records if isinstance(r, SignersRecord)]


def ledger_path(run_dir: Path) -> Path:
    """The ledger of the reports folder that holds `run_dir`."""
    return run_dir.resolve().parent / LEDGER


def read_ledger(path: Path) -> Ledger:
    """The ledger at `path` (empty if there is none), with a problem for each broken link."""
    records: list[Approval | ReleaseRecord | SignersRecord] = []
    problems: list[str] = []
    prev = GENESIS
    hashes: list[str] = []
    for number, (text, line) in enumerate(read_ledger_lines(path), start=1):
        where = f"{path.name}:{number}"
        if line is None:
            problems.append(f"{where}: linjen er ikke en godkendelse eller frigivelse")
        else:
            if line.prev != prev:
                problems.append(f"{where}: kæden er brudt (forrige linjes sha256 passer ikke)")
            # Kept even after a break: the run it names must show the break, not look unapproved.
            records.append(line.record)
        prev = sha256_bytes(text.encode("utf-8"))
        hashes.append(prev)
    return Ledger(path, records, problems, prev, tuple(hashes))


@contextmanager
def locked(path: Path) -> Iterator[Ledger]:
    """The ledger, read under its exclusive lock, held until the block ends."""
    lock = FileLock(str(path.with_name(f"{path.name}.lock")), timeout=_LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout:
        raise ApprovalError(f"{path}: godkendelsesloggen er låst af en anden; prøv igen") from None
    except OSError as exc:  # a read-only reports folder: the lock file cannot be made
        raise ApprovalError(f"{path}: godkendelsesloggen kan ikke låses ({os_reason(exc)}); intet er tilføjet") \
            from None
    try:
        yield read_ledger(path)
    finally:
        lock.release()


def append(ledger: Ledger, record: Approval | ReleaseRecord | SignersRecord) -> LedgerHead:
    """Append `record` to a ledger read under `locked` (refused while its chain is broken); the new head."""
    require_intact(ledger)
    line = LedgerLine(prev=ledger.last_sha256, record=record)
    try:
        append_ledger_line(ledger.path, line)
    except OSError as exc:
        raise ApprovalError(f"{ledger.path}: godkendelsesloggen kan ikke skrives ({os_reason(exc)}); "
                            "intet er tilføjet") from None
    return LedgerHead(lines=len(ledger.hashes) + 1, sha256=sha256_bytes(line.text().encode("utf-8")))


def require_writable(path: Path) -> None:
    """Refuse early (before a key's passphrase is asked for) when the ledger cannot be appended to."""
    if not path.exists() and not path.is_symlink():
        return
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        raise ApprovalError(f"{path}: godkendelsesloggen kan ikke skrives ({os_reason(exc)}); "
                            "intet er tilføjet") from None


def require_intact(ledger: Ledger) -> None:
    """Refuse to build on a ledger whose chain is broken, naming each break."""
    if ledger.problems:
        raise ApprovalError("\n".join([f"{ledger.path}: godkendelsesloggen er ikke intakt:",
                                       *(f"  {p}" for p in ledger.problems)]))
