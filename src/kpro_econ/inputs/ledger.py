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
from kpro_econ.inputs.run_records import (
    GENESIS,
    LEDGER,
    Approval,
    LedgerLine,
    ReleaseRecord,
    SignersRecord,
    append_ledger_line,
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
    return Ledger(path, records, problems, prev)


@contextmanager
def locked(path: Path) -> Iterator[Ledger]:
    """The ledger, read under its exclusive lock, held until the block ends."""
    lock = FileLock(str(path.with_name(f"{path.name}.lock")), timeout=_LOCK_TIMEOUT_S)
    try:
        with lock:
            yield read_ledger(path)
    except Timeout:
        raise ApprovalError(f"{path}: godkendelsesloggen er låst af en anden; prøv igen") from None


def append(ledger: Ledger, record: Approval | ReleaseRecord | SignersRecord) -> None:
    """Append `record` to a ledger read under `locked` (refused while its chain is broken)."""
    require_intact(ledger)
    append_ledger_line(ledger.path, LedgerLine(prev=ledger.last_sha256, record=record))


def require_intact(ledger: Ledger) -> None:
    """Refuse to build on a ledger whose chain is broken, naming each break."""
    if ledger.problems:
        raise ApprovalError("\n".join([f"{ledger.path}: godkendelsesloggen er ikke intakt:",
                                       *(f"  {p}" for p in ledger.problems)]))
