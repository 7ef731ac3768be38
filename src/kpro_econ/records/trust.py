"""The root of trust: which allowed signers file and which `approval` rules may decide an approval.

Anyone with write access to the project can write `manifest.json`, the params and `params/approvers`;
so neither a path the manifest names nor a file's content decides who signs. What does:

- The run's params file (and its `extends:` parents) and its allowed signers file must lie inside the
  project folder (where approve, status and release are run from, as `run` was) and not under the
  reports folder.
- The allowed signers file, and the `approval` rules with it, count only as a version some signed
  ledger line recorded (`SignersRecord`): the first (the genesis) signed by a key it lists itself, each
  later one by a key the version before it lists. A file no such line introduced is refused, by name.
- An approval counts only against the version in force where it stands in the ledger: a key added
  later cannot approve a run made before, and a key removed cannot approve anything afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kpro_econ.errors import ApprovalError
from kpro_econ.params.approval import ApprovalSettings
from kpro_econ.records.ledger import Ledger
from kpro_econ.records.run_records import GENESIS, Manifest, SignersRecord, sha256_bytes
from kpro_econ.records.signatures import verify_text

ADD_COMMAND = "kpro-econ approvers add"


def rules_of(settings: ApprovalSettings) -> dict[str, Any]:
    """The rules as the ledger records them: the section as read, without the signers file's path."""
    rules: dict[str, Any] = settings.model_dump(mode="json", exclude={"allowed_signers"})
    return rules


def same_rules(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@dataclass(frozen=True)
class TrustChain:
    """The ledger's recorded versions of the allowed signers file (each with its position among the
    ledger's records) that verify, and why any other does not."""

    versions: list[tuple[int, SignersRecord]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def current(self) -> SignersRecord | None:
        return self.versions[-1][1] if self.versions else None

    def in_force_at(self, position: int) -> SignersRecord | None:
        """The version in force at record `position`: the last one recorded before it (the genesis also
        covers the lines before it, which it vouches for)."""
        before = [record for at, record in self.versions if at < position]
        return before[-1] if before else (self.versions[0][1] if self.versions else None)

    def recorded(self, sha256: str) -> SignersRecord | None:
        """The newest version with this sha256, or None when no signed line introduced it."""
        found = [record for _, record in self.versions if record.sha256 == sha256]
        return found[-1] if found else None


def trust_chain(ledger: Ledger) -> TrustChain:
    """Every `SignersRecord` of the ledger, checked: its content has its sha256, it builds on the version
    before it, and it is signed by a key that version lists (the genesis: a key it lists itself)."""
    versions: list[tuple[int, SignersRecord]] = []
    problems: list[str] = []
    for position, record in enumerate(ledger.records):
        if not isinstance(record, SignersRecord):
            continue
        before = versions[-1][1] if versions else None
        where = f"{ledger.path.name}: {record.path} registreret {record.recorded_at} af {record.identity}"
        if sha256_bytes(record.content.encode("utf-8")) != record.sha256:
            problems.append(f"{where}: indholdet har ikke den sha256, linjen angiver")
            continue
        if record.prev_sha256 != (before.sha256 if before else GENESIS):
            problems.append(f"{where}: bygger ikke på den forrige registrerede fil med godkendere")
            continue
        allowed = before.content if before else record.content
        verified = verify_text(record.statement(), record.signature, allowed, record.identity, record.path)
        if verified.problem is not None or verified.fingerprint != record.fingerprint:
            who = "den forrige fil med godkendere" if before else "filen selv"
            problems.append(f"{where}: er ikke signeret af en nøgle, {who} nævner "
                            f"({verified.problem or 'et andet fingeraftryk'})")
            continue
        versions.append((position, record))
    return TrustChain(versions, problems)


@dataclass(frozen=True)
class RunSigners:
    """A run's approval rules and its allowed signers file as the manifest recorded it."""

    settings: ApprovalSettings
    path: Path
    shown: str
    sha256: str
    rules: dict[str, Any]


def inside_project(path: Path, project: Path, reports: Path, what: str) -> None:
    """Refuse a file outside the project folder, or under the reports folder (anyone writes there)."""
    resolved, shown = path.resolve(), path.as_posix()
    if not resolved.is_relative_to(project.resolve()):
        raise ApprovalError(f"{shown}: {what} ligger uden for projektmappen {project.resolve()}; kun projektets "
                            "egne filer kan afgøre en godkendelse (kør fra projektmappen)")
    if resolved.is_relative_to(reports.resolve()):
        folder = reports.resolve()
        named = folder.relative_to(project.resolve()) if folder.is_relative_to(project.resolve()) else folder
        raise ApprovalError(f"{shown}: {what} ligger i rapportmappen {named.as_posix()}; kun projektets egne "
                            "filer uden for den kan afgøre en godkendelse")


def run_signers(manifest: Manifest, settings: ApprovalSettings, signers: Path | None, run_dir: Path,
                base: Path = Path()) -> RunSigners:
    """The run's rules and allowed signers file, after checking that the params (with their `extends:`
    parents) and the signers file lie in the project folder `base`, outside the reports folder."""
    reports = run_dir.resolve().parent
    assert manifest.params is not None  # noqa: S101 (approval_settings refused a manifest without params)
    for params in [manifest.params.path, *manifest.extends]:
        inside_project(base / params, base, reports, "params-filen")
    if signers is None:
        raise ApprovalError("approval.allowed_signers: params nævner ingen fil med godkendere; godkendelsesreglerne "
                            "gælder først, når en godkender har registreret dem signeret mod den fil")
    inside_project(signers, base, reports, "filen med godkendere")
    recorded = [sha for name, sha in manifest.inputs.items() if (base / name).resolve() == signers.resolve()]
    if not recorded:
        raise ApprovalError(f"{signers.as_posix()}: filen med godkendere er ikke blandt kørslens input; "
                            "lav en ny kørsel")
    return RunSigners(settings, signers, signers.as_posix(), recorded[0], rules_of(settings))


def trusted_version(chain: TrustChain, run: RunSigners) -> SignersRecord:
    """The recorded version the run's signers file and rules are, or why the run cannot rest on them."""
    if not chain.versions:
        raise ApprovalError(f"{run.shown}: filen med godkendere er ikke registreret i godkendelsesloggen endnu; "
                            f"den første signerede godkendelse registrerer den (eller {ADD_COMMAND})")
    version = chain.recorded(run.sha256)
    if version is None:
        raise ApprovalError(f"{run.shown}: filen med godkendere (sha256 {run.sha256[:12]}…) er ikke indført ved "
                            f"en signeret linje i godkendelsesloggen; en godkender registrerer en ændring med "
                            f"{ADD_COMMAND}, og så laves en ny kørsel")
    if not same_rules(version.rules, run.rules):
        raise ApprovalError(f"{run.shown}: params' approval-regler er ikke dem, godkendelsesloggen registrerede med "
                            f"filen med godkendere; en godkender registrerer ændringen med {ADD_COMMAND}, "
                            "og så laves en ny kørsel")
    return version


def is_version(record: SignersRecord | None, version: SignersRecord) -> bool:
    return record is not None and record.sha256 == version.sha256 and same_rules(record.rules, version.rules)


def new_version(path: str, content: str, settings: ApprovalSettings, before: SignersRecord | None,
                identity: str) -> SignersRecord:
    """An unsigned record of `content` and the rules, to follow `before` (None: the genesis)."""
    return SignersRecord(
        path=path, sha256=sha256_bytes(content.encode("utf-8")), content=content, rules=rules_of(settings),
        prev_sha256=before.sha256 if before else GENESIS, identity=identity, fingerprint="",
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"), signature="",
    )
