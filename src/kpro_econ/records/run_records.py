"""Earlier runs as inputs: the run folder's record files (manifest, approval, tables) and the ledger.

The run-folder contract lives here, typed: `Manifest` (written by `run/` at the end of a run),
`Approval`, `ReleaseRecord` and `SignersRecord` (lines of the ledger `approvals.jsonl` beside the
runs, written by `release/`), and the convenience copies `approval.json` and `approval-status.json` in a run folder.
Every record file is read and written by the functions below and nowhere else.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kpro_econ.errors import KproError
from kpro_econ.inputs.files import write_atomically
from kpro_econ.inputs.messages import pydantic_message
from kpro_econ.params.codes import ManifestStatus, RunState

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
APPROVAL = "approval.json"
APPROVAL_STATUS = "approval-status.json"
LEDGER = "approvals.jsonl"
DATA_DIR = "data"
PACK_STATUS = "approval-status.js"
"""The run's current state for its pages to show, written by run, approve and release; not hashed."""
MANIFEST_SIG = "manifest.sig"
"""The maker's OpenSSH signature of `manifest.json` (`run --key`), beside it and outside its hashes."""

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
M = TypeVar("M", bound=BaseModel)
GENESIS = "0" * 64
"""The `prev` of the ledger's first line."""


class RunRecordError(KproError):
    """A record file in a run folder (or the ledger) cannot be read; the message names it."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileHash(_Record):
    path: str
    sha256: str


class GitState(_Record):
    commit: str | None = None
    dirty: bool | None = None


class NotebookRecord(_Record):
    source: str
    sha256: str
    title: str | None = None
    seconds: float = 0.0
    status: ManifestStatus = ManifestStatus.OK


class RunErrorRecord(_Record):
    notebook: str | None = None
    cell_index: int | None = None
    ename: str
    evalue: str


class CodeFingerprint(_Record):
    """sha256 of every notebook, template and package source file that shapes a page, and of them all."""

    sha256: str
    files: dict[str, str]


class Manifest(_Record):
    """`manifest.json`: what a run was made from (inputs, code, versions) and the sha256 of every output."""

    format: int = 1
    run_id: str | None = None
    params: FileHash | None = None
    inputs: dict[str, str] = Field(default_factory=dict)
    notebooks: dict[str, NotebookRecord] = Field(default_factory=dict)
    versions: dict[str, str | None] = Field(default_factory=dict)
    git: GitState = Field(default_factory=GitState)
    code: CodeFingerprint | None = None
    run_by: str | None = None
    seed: int | None = None
    started: str | None = None
    compared_to: str | None = None
    overrides: list[str] = Field(default_factory=list)
    """`run --set PATH=VALUE` the run applied to the params' base."""
    extends: list[str] = Field(default_factory=list)
    """The params file's `extends:` chain: each parent file (its hash is among `inputs`)."""
    made_by: str | None = None
    """The identity the maker signed the manifest as (`run --key KEY --as IDENTITY`); the signature is
    `manifest.sig`. Unlike `run_by` (the login name, which anyone can set) it decides `exclude_runner`."""
    only: list[str] = Field(default_factory=list)
    """`run --only NAME`: the reports the run was asked to make."""
    left_out: list[str] = Field(default_factory=list)
    """The pack's reports a `--only` run did not make: a partial run, which cannot be approved."""
    status: ManifestStatus | None = None
    error: RunErrorRecord | None = None
    errors: list[RunErrorRecord] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    finished: str | None = None


class LedgerHead(_Record):
    """The ledger's head: how many lines it had and the sha256 of the last of them (GENESIS for none).

    Recorded where the ledger cannot reach (the runs' convenience copies, the released pack, a release
    line): a ledger shorter than a recorded head, or whose line at that count hashes otherwise, was cut
    or rewritten.
    """

    lines: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    def text(self) -> str:
        """`N:SHA256`, as the released pack's footer carries it."""
        return f"{self.lines}:{self.sha256}"


class Approval(_Record):
    """One approver's approval of one run: the statement they signed, and the signature."""

    kind: Literal["approval"] = "approval"
    run_id: str
    manifest_sha256: str
    code_fingerprint: str
    identity: str
    name: str
    role: str | None = None
    approved_at: str
    note: str | None = None
    signature: str | None = None
    """An armored OpenSSH signature of `statement()`; None for an unsigned approval."""

    def statement(self) -> bytes:
        return _statement(self)


def _statement(record: _Record) -> bytes:
    """What is signed: canonical (sorted, compact) JSON of everything but the signature."""
    fields = record.model_dump(mode="json", exclude={"signature", "kind"})
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class ReleaseRecord(_Record):
    """A run released to the steering group: the sha256 of each file of its steering pack."""

    kind: Literal["release"] = "release"
    run_id: str
    manifest_sha256: str
    released_at: str
    released_by: str | None = None
    period: str
    files: dict[str, str]
    ledger_head: LedgerHead | None = None
    """The ledger's head the released pack shows (the ledger as the release found it)."""
    identity: str | None = None
    """Who released it (`release --as`), signing with a key the run's allowed signers list."""
    signature: str | None = None
    """An armored OpenSSH signature of `statement()`: without it, anyone who can write the ledger could
    name any file as released. None only where params accept unsigned approvals."""

    def statement(self) -> bytes:
        return _statement(self)


class SignersRecord(_Record):
    """The allowed signers file and the `approval` rules as an approver recorded them in the ledger.

    The first such line (the genesis) is signed by a key the file itself lists; each later one by a key
    the version before it lists, and names that version (`prev_sha256`), so an old line appended again
    introduces nothing. Only a file whose sha256 one of these lines recorded can decide who signs.
    """

    kind: Literal["signers"] = "signers"
    path: str
    """The allowed signers file as the project names it, e.g. `params/approvers` (for people to read)."""
    sha256: str
    content: str
    """The file itself: the next version's signature is verified against it, whatever is on disk by then."""
    rules: dict[str, Any]
    """The `approval` section's rules (everything but the file's path), as `ApprovalSettings` reads them."""
    prev_sha256: str
    """`sha256` of the version this one replaces; `GENESIS` for the first."""
    identity: str
    fingerprint: str
    """The SHA256 fingerprint of the key that signed, as `ssh-keygen -Y verify` prints it (checked, not signed)."""
    recorded_at: str
    signature: str

    def statement(self) -> bytes:
        """What is signed: canonical (sorted, compact) JSON of everything but the signature and fingerprint."""
        fields = self.model_dump(mode="json", exclude={"signature", "kind", "fingerprint"})
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


LedgerRecord = Annotated[Approval | ReleaseRecord | SignersRecord, Field(discriminator="kind")]


class LedgerLine(_Record):
    """One line of `approvals.jsonl`: a record and the sha256 of the line before it."""

    prev: str
    record: LedgerRecord

    def text(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class RunApprovals(_Record):
    """`approval.json`: a convenience copy of a run's approvals in the ledger (the ledger is the truth)."""

    run_id: str
    required: int
    approvals: list[Approval]
    release: ReleaseRecord | None = None
    ledger_head: LedgerHead | None = None
    """The ledger's head when this copy was written (after the approval or release it records)."""

    @property
    def complete(self) -> bool:
        return len(self.approvals) >= self.required

    @property
    def unsigned(self) -> bool:
        return any(a.signature is None for a in self.approvals)


class ApproverStamp(_Record):
    name: str
    identity: str
    role: str | None = None
    approved_at: str
    signed: bool


class ApprovalStatus(_Record):
    """`approval-status.json`: the state pages show beside a run, rewritten on each approve and release.

    It is outside the hashed set (writing it changes no checked file); `kpro-econ status` is what
    verifies a run.
    """

    state: RunState
    label: str
    unsigned: bool
    required: int
    approvers: list[ApproverStamp]
    released_at: str | None = None
    ledger_head: LedgerHead | None = None
    """As in `approval.json`: the ledger's head when this copy was written."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_sha256(run_dir: Path) -> str:
    return sha256_bytes((run_dir / MANIFEST).read_bytes())


def read_manifest(run_dir: Path) -> Manifest:
    return _read_model(run_dir / MANIFEST, Manifest)


def write_manifest(run_dir: Path, manifest: Manifest) -> Path:
    """Write `manifest.json` with sorted keys, so the same run always gives the same bytes."""
    path = run_dir / MANIFEST
    path.write_text(_json_text(manifest), encoding="utf-8")
    return path


def read_manifest_signature(run_dir: Path) -> str | None:
    """The maker's signature `manifest.sig`, or None when the run has none."""
    path = run_dir / MANIFEST_SIG
    try:
        return path.read_text(encoding="ascii") if path.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunRecordError(f"{path}: kan ikke læses som en SSH-signatur ({exc})") from None


def write_manifest_signature(run_dir: Path, signature: str) -> None:
    (run_dir / MANIFEST_SIG).write_text(signature, encoding="ascii")


def read_approval(run_dir: Path) -> RunApprovals | None:
    """The convenience copy `approval.json`, or None; release verifies against the ledger, not this."""
    path = run_dir / APPROVAL
    return _read_model(path, RunApprovals) if path.is_file() else None


def write_approval(run_dir: Path, approvals: RunApprovals) -> None:
    write_atomically(run_dir / APPROVAL, _json_text(approvals))


def read_approval_status(run_dir: Path) -> ApprovalStatus | None:
    path = run_dir / APPROVAL_STATUS
    return _read_model(path, ApprovalStatus) if path.is_file() else None


def write_approval_status(run_dir: Path, status: ApprovalStatus) -> None:
    write_atomically(run_dir / APPROVAL_STATUS, _json_text(status))


def read_ledger_lines(path: Path) -> list[tuple[str, LedgerLine | None]]:
    """Each line of the ledger as written, with its record, or None where the line is not a record."""
    if not path.exists() and not path.is_symlink():
        return []
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:  # a folder, no access: never taken for an empty ledger
        raise RunRecordError(f"{path}: godkendelsesloggen kan ikke læses ({os_reason(exc)})") from None
    except UnicodeDecodeError as exc:
        raise RunRecordError(f"{path}: godkendelsesloggen er ikke UTF-8 (byte {exc.start})") from None
    lines: list[tuple[str, LedgerLine | None]] = []
    for text in content.splitlines():
        try:
            lines.append((text, LedgerLine.model_validate_json(text)))
        except ValidationError:
            lines.append((text, None))
    return lines


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Danish."""
    reasons = {
        errno.EISDIR: "det er en mappe, ikke en fil",
        errno.EACCES: "ingen adgang",
        errno.EPERM: "ingen adgang",
        errno.EROFS: "filsystemet er skrivebeskyttet",
        errno.ENOSPC: "der er ikke mere plads på disken",
        errno.ENOENT: "findes ikke",
        errno.ELOOP: "et symbolsk link, der peger i ring",
    }
    return reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def append_ledger_line(path: Path, line: LedgerLine) -> None:
    """Append one line and flush it to disk (the caller holds the ledger's lock). A write that fails
    half-way (a full disk) is cut off again, so the ledger is left as it was."""
    data = (line.text() + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def read_tables(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables a run wrote to `data/*.csv`, by name, with floats read back exactly as written."""
    # pandas is imported where it is used: every worker process of a run imports this module for its records.
    import pandas as pd

    tables = {}
    for path in sorted((run_dir / DATA_DIR).glob("*.csv")):
        # pandas 3 reads floats back exactly by default (and deprecates `float_precision`).
        table = pd.read_csv(path, encoding="utf-8")
        for column in table.columns:
            if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
                table[column] = table[column].map(lambda v: text_from_csv(v) if isinstance(v, str) else v)
        tables[path.stem] = table
    return tables


def text_to_csv(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs as a formula: `'` before `=`, `+`, `-`, `@`, tab or CR.

    A text that already starts with `'` before one of those gets one more `'`, so `text_from_csv`
    gives back exactly what was written.
    """
    return _QUOTE + text if text.lstrip(_QUOTE).startswith(FORMULA_START) else text


def text_from_csv(text: str) -> str:
    """The text `text_to_csv` was given."""
    quoted = text.startswith(_QUOTE) and text.lstrip(_QUOTE).startswith(FORMULA_START)
    return text[1:] if quoted else text


def _read_model(path: Path, model: type[M]) -> M:
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise RunRecordError(f"{path}: ikke gyldig JSON ({first['msg']})") from None
        where = ".".join(str(part) for part in first["loc"])
        raise RunRecordError(f"{path}: {where}: {pydantic_message(first)} (fik {first.get('input')!r:.60})") from None
    except OSError as exc:
        raise RunRecordError(f"{path}: kan ikke læses ({exc.strerror})") from None


def _json_text(model: BaseModel) -> str:
    data: Any = model.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"



def being_written(name: str, names: Collection[str]) -> bool:
    """Whether the file `name` is `write_atomically`'s temporary file for one of `names`."""
    parts = name.split(".")
    return (name.startswith(".") and name.endswith(".tmp") and len(parts) >= 4 and parts[-2].isdigit()
            and ".".join(parts[1:-2]) in names)
