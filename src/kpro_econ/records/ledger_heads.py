"""The ledger's head as recorded elsewhere, and whether the ledger still reaches it.

A chain of hashes shows a line edited or removed in the middle, but not lines dropped at the end,
nor a whole new chain written in place of the old: both are consistent. So the head (line count and
the last line's sha256) is recorded where the ledger cannot reach: `approve` and `release` write the
head they left in the run's convenience copies, `release` prints the head it found in the pack's
footer and in its ledger line, and `status` prints the head for anyone to note. A ledger with fewer
lines than a recorded head was cut; one whose line at that count hashes to anything else was
rewritten.

A colleague with write access to `reports/` can remove the heads recorded there as well; the heads
outside it (a released PDF sent to the steering group, a head noted from `status`) they cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kpro_econ.records.ledger import Ledger, read_ledger
from kpro_econ.records.run_records import (
    APPROVAL,
    APPROVAL_STATUS,
    GENESIS,
    ApprovalStatus,
    LedgerHead,
    ReleaseRecord,
    RunApprovals,
)

STEERING = "steering"
"""The released pack's folder in a run folder."""
HEAD_ATTRIBUTE = "data-kpro-ledger-head"
"""The attribute of the released summary's footer that holds the head, `N:SHA256`."""
_IN_PAGE = re.compile(rb'data-kpro-ledger-head="(\d+):([0-9a-f]{64})"')


@dataclass(frozen=True)
class RecordedHead:
    """A head of the ledger, and where it was recorded (as shown to the user)."""

    head: LedgerHead
    where: str


def head_text(head: LedgerHead) -> str:
    """The head as `status` prints it and the pack's footer shows it, in Danish."""
    return f"{_lines(head.lines)}, sha256 {head.sha256}"


def _lines(count: int) -> str:
    return f"{count} {'linje' if count == 1 else 'linjer'}"


def heads_in_page(path: Path) -> list[LedgerHead]:
    """The heads a released summary page (HTML) carries in its footer; none when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return []
    return list(_heads_in_page(str(path), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=256)
def _heads_in_page(path: str, size: int, mtime_ns: int) -> tuple[LedgerHead, ...]:
    """Cached by size and time: `status` asks once per run, and a page is a megabyte of embedded images."""
    del size, mtime_ns  # the cache key: a page written again is read again
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ()
    return tuple(LedgerHead(lines=int(m[1]), sha256=m[2].decode("ascii")) for m in _IN_PAGE.finditer(data))


def recorded_heads(reports: Path) -> list[RecordedHead]:
    """Every head recorded in the run folders under `reports`: their `approval.json`,
    `approval-status.json` and released summaries (`steering/*.html`)."""
    found: list[RecordedHead] = []
    try:
        folders = sorted(p for p in reports.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return found
    for run in folders:
        for name, model in ((APPROVAL, RunApprovals), (APPROVAL_STATUS, ApprovalStatus)):
            head = _head_in_copy(run / name, model)
            if head is not None:
                found.append(RecordedHead(head, f"{run.name}/{name}"))
        pack = run / STEERING
        pages = sorted(pack.glob("*.html")) if pack.is_dir() else []
        found += [RecordedHead(head, f"{run.name}/{STEERING}/{page.name}") for page in pages
                  for head in heads_in_page(page)]
    return found


def _head_in_copy(path: Path, model: type[RunApprovals] | type[ApprovalStatus]) -> LedgerHead | None:
    if not path.is_file():
        return None
    try:
        return model.model_validate_json(path.read_bytes()).ledger_head
    except (ValueError, OSError):  # a damaged copy is no record (status names the copy's run otherwise)
        return None


def heads_in_ledger(ledger: Ledger) -> list[RecordedHead]:
    """The heads the ledger's own release lines recorded (the head each released pack shows)."""
    return [RecordedHead(record.ledger_head, f"{ledger.path.name} (frigivelsen af {record.run_id})")
            for record in ledger.records if isinstance(record, ReleaseRecord) and record.ledger_head is not None]


def head_problems(ledger: Ledger, recorded: Iterable[RecordedHead]) -> list[str]:
    """One line for each recorded head the ledger no longer reaches: cut (too short) or rewritten."""
    problems: list[str] = []
    have = len(ledger.hashes)
    for item in recorded:
        head = item.head
        if head.lines > have:
            now = f"den har {_lines(have)}" if ledger.path.exists() else "den findes ikke"
            problems.append(f"{ledger.path}: godkendelsesloggen er afkortet: {now}, men {item.where} "
                            f"viser hovedet {head_text(head)}")
        elif (ledger.hashes[head.lines - 1] if head.lines else GENESIS) != head.sha256:
            problems.append(f"{ledger.path}: godkendelsesloggen er omskrevet: linje {head.lines} passer ikke til "
                            f"hovedet i {item.where} ({head_text(head)})")
    return list(dict.fromkeys(problems))


def read_checked(path: Path, extra: Iterable[RecordedHead] = ()) -> tuple[Ledger, list[str]]:
    """The ledger at `path` and a line for every head recorded beside it (or in `extra`) it does not reach.

    The run folders are read before the ledger: a head written meanwhile, by an approval at this
    moment, is of a ledger that already holds that approval, so it never looks cut.
    """
    recorded = [*recorded_heads(path.parent), *extra]
    ledger = read_ledger(path)
    return ledger, head_problems(ledger, [*recorded, *heads_in_ledger(ledger)])


def unreached_heads(ledger: Ledger, extra: Iterable[RecordedHead] = ()) -> list[str]:
    """`read_checked`'s lines for a ledger already read under its lock (nothing is appended meanwhile)."""
    return head_problems(ledger, [*recorded_heads(ledger.path.parent), *extra, *heads_in_ledger(ledger)])
