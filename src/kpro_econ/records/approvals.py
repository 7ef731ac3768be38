"""Earlier runs' approvals: which approvals in the ledger count for a run, and whether a later run may
rely on a run as approved (its budget, the comparison in the steering summary).

The truth is the ledger `approvals.jsonl` and the approvers' OpenSSH signatures in it, never the
convenience copy `approval.json` in a run folder, which anyone with write access could write.
`release.approval` approves and releases with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kpro_econ.errors import ApprovalError, KproError
from kpro_econ.inputs.overrides import ParamsReader
from kpro_econ.params.approval import ApprovalSettings
from kpro_econ.params.codes import ManifestStatus, SignatureMode
from kpro_econ.records.ledger import Ledger, ledger_path
from kpro_econ.records.ledger_heads import read_checked
from kpro_econ.records.maker import MakerCheck, check_maker, runner_problem
from kpro_econ.records.run_records import (
    MANIFEST,
    MANIFEST_SIG,
    Approval,
    Manifest,
    ReleaseRecord,
    RunRecordError,
    SignersRecord,
    manifest_sha256,
    read_manifest,
    sha256_bytes,
)
from kpro_econ.records.signatures import verify_text
from kpro_econ.records.trust import TrustChain, is_version, run_signers, trust_chain, trusted_version


def approval_settings(manifest: Manifest, base: Path = Path()) -> tuple[ApprovalSettings, Path | None]:
    """The run's `approval` params section and its allowed signers file (whose hash the manifest holds).

    The manifest's relative paths are taken from `base`, the folder the run was started from (approve,
    status and release run from it too: the current folder)."""
    if manifest.params is None:
        raise ApprovalError("manifest.json nævner ingen params-fil")
    params_path = base / manifest.params.path
    # Who may approve is decided by the reviewed files, never by the maker of the run: no --set.
    relaxed = [o for o in manifest.overrides if o.split("=", 1)[0].strip().split(".")[0] == "approval"]
    if relaxed:
        raise ApprovalError(f"--set {relaxed[0]}: kørslen blev lavet med ændrede godkendelsesregler; de kan kun "
                            "ændres i params-filen (lav en ny kørsel uden --set approval...)")
    settings, signers = params_approval(params_path)
    if signers is None:
        return settings, None
    recorded = {(base / path).resolve() for path in manifest.inputs}
    if signers.resolve() not in recorded:
        raise ApprovalError(f"{signers}: filen med godkendere er ikke blandt kørslens input; lav en ny kørsel")
    return settings, signers


def params_approval(params_path: Path) -> tuple[ApprovalSettings, Path | None]:
    """The `approval` section of a params file (with its `extends:` chain) and the allowed signers file it names."""
    raw, _ = ParamsReader()(params_path)  # the file and its extends chain, as reviewed (hashes in the manifest)
    section = raw.get("approval")
    if section is None:
        raise ApprovalError(f"{params_path}: approval: params siger ikke, hvem der må godkende "
                            "(se README, »Godkendelse og frigivelse«)")
    try:
        settings = ApprovalSettings.model_validate(section)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(["approval", *(str(p) for p in first["loc"])])
        raise ApprovalError(f"{params_path}: {where}: {first['msg']}") from None
    if settings.allowed_signers is None:
        return settings, None
    return settings, params_path.parent / settings.allowed_signers


@dataclass(frozen=True)
class Counted:
    """A run's approvals that count (one per approver, one per key), the key each was signed with, why any
    other does not count (`problems`: the run no longer stands as approved) and what else to say (`notes`)."""

    approvals: list[Approval] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def count_approvals(ledger: Ledger, chain: TrustChain, run_dir: Path, manifest: Manifest,
                    settings: ApprovalSettings, version: SignersRecord, signers: Path | None) -> Counted:
    """The ledger's valid approvals of this manifest, each verified against `version` (the recorded allowed
    signers the run was made with), which must be the version in force where the approval stands.

    Approvers are counted by key: an approval signed with a key that already counted (under another
    identity) adds no pair of eyes. `signers` is the allowed signers file on disk (as the run recorded it:
    its sha256 is `version`'s), against which the maker's signature is checked."""
    counted = Counted()
    current = manifest_sha256(run_dir)
    recorded = ledger.approvals(run_dir.name)
    maker = maker_of(run_dir, manifest, signers)
    refused = run_refusal(manifest, maker)
    if refused is not None and any(a.manifest_sha256 == current for a in recorded):
        counted.problems.append(refused)
        return counted
    unsigned_run = MakerCheck(None, None, None)
    for position, approval in enumerate(ledger.records):
        if not isinstance(approval, Approval) or approval.run_id != run_dir.name:
            continue
        if approval.manifest_sha256 != current:
            continue
        who = f"godkendelsen fra {approval.identity}"
        fingerprint = None
        if manifest.code is None or approval.code_fingerprint != manifest.code.sha256:
            counted.problems.append(f"{who}: kodefingeraftrykket passer ikke til manifest.json")
            continue
        if approval.signature is None and settings.signatures == SignatureMode.REQUIRED:
            counted.problems.append(f"{who}: er ikke signeret, og params kræver signaturer")
            continue
        if not is_version(chain.in_force_at(position), version):
            counted.problems.append(f"{who}: står i godkendelsesloggen, hvor en anden fil med godkendere eller "
                                    "andre regler gjaldt end dem, kørslen blev lavet med")
            continue
        if approval.signature is not None:
            verified = verify_text(approval.statement(), approval.signature, version.content, approval.identity,
                                   version.path)
            if verified.problem is not None:
                counted.problems.append(f"{who}: {verified.problem}")
                continue
            fingerprint = verified.fingerprint
        if settings.roles and approval.identity not in settings.roles:
            counted.problems.append(f"{who}: er ikke godkender i params (approval.roles)")
        elif settings.exclude_runner and (
            why := runner_problem(approval.identity, fingerprint, maker or unsigned_run)
        ):
            counted.problems.append(f"{who}: {why}")
        elif approval.identity in {a.identity for a in counted.approvals}:
            continue
        elif fingerprint is not None and fingerprint in counted.fingerprints.values():
            same = next(i for i, f in counted.fingerprints.items() if f == fingerprint)
            counted.notes.append(f"{who}: tæller ikke, den er signeret med samme nøgle ({fingerprint}) som "
                                 f"godkendelsen fra {same}; én nøgle er ét par øjne")
        else:
            counted.approvals.append(approval)
            if fingerprint is not None:
                counted.fingerprints[approval.identity] = fingerprint
    if recorded and not counted.approvals and not counted.problems and not counted.notes:
        counted.problems.append(f"{run_dir.name}/{MANIFEST}: ændret siden godkendelsen")
    return counted


def release_problem(release: ReleaseRecord, settings: ApprovalSettings, version: SignersRecord) -> str | None:
    """Why a release line in the ledger does not count, or None when it does: it is signed by a key that
    `version` (the allowed signers the run was made with) lists for its identity, an approver in the
    params (`approval.roles`, when given). Unsigned it counts only where params accept unsigned approvals."""
    who = f"frigivelsen {release.released_at}"
    if release.signature is None or release.identity is None:
        if settings.signatures == SignatureMode.REQUIRED:
            return f"{who}: er ikke signeret, og params kræver signaturer"
        return None
    if settings.roles and release.identity not in settings.roles:
        return f"{who}: {release.identity} er ikke godkender i params (approval.roles)"
    verified = verify_text(release.statement(), release.signature, version.content, release.identity, version.path)
    return None if verified.problem is None else f"{who}: {verified.problem}"


def run_refusal(manifest: Manifest, maker: MakerCheck | None) -> str | None:
    """Why the run itself cannot be approved, whoever approves: a partial run (`--only`), or a maker's
    signature that no longer verifies (the manifest was edited after the run); `maker` is `maker_of`'s."""
    if manifest.left_out:
        return partial_refusal(manifest)
    return maker.problem if maker is not None else None


def partial_refusal(manifest: Manifest) -> str:
    only = " ".join(f"--only {name}" for name in manifest.only)
    return (f"delvis kørsel ({only}): {', '.join(manifest.left_out)} blev ikke lavet, så ingen har kunnet "
            "læse dem; en delvis kørsel kan ikke godkendes (lav en hel kørsel uden --only)")


def maker_of(run_dir: Path, manifest: Manifest, signers: Path | None) -> MakerCheck | None:
    """The run's maker as its signature shows, or None for a run nobody signed."""
    if manifest.made_by is None and not (run_dir / MANIFEST_SIG).exists():
        return None
    return check_maker(run_dir, manifest, signers)


def approved_as_written(run_dir: Path, started_in: Path) -> bool:
    """Whether a later run may rely on `run_dir` as approved: the ledger's chain is intact, reaches every
    head recorded beside it (`ledger_heads`) and holds the approvals its params require, signed as they
    require, of its `manifest.json` as it is now; and
    every report and table the manifest lists is as it was written, and so is the allowed signers file.

    Its other inputs may have changed since: the controller edits them for the next run. `started_in` is
    the folder the run was started from: the manifest's relative paths are relative to it.
    """
    try:
        manifest = read_manifest(run_dir)
        if manifest.status != ManifestStatus.OK or manifest.params is None:
            return False
        ledger, cut = read_checked(ledger_path(run_dir))
        if ledger.problems or cut or not ledger.approvals(run_dir.name):
            return False
        chain = trust_chain(ledger)
        if chain.problems:
            return False
        settings, signers = approval_settings(manifest, started_in)
        version = trusted_version(chain, run_signers(manifest, settings, signers, run_dir, started_in))
        if signers is not None and not _as_recorded(signers, manifest, started_in):
            return False  # the file on disk is no longer the one the run (and `version`) recorded
        counted = count_approvals(ledger, chain, run_dir, manifest, settings, version, signers)
        if counted.problems or len(counted.approvals) < settings.required:
            return False
        return all((run_dir / rel).is_file() and sha256_bytes((run_dir / rel).read_bytes()) == sha
                   for rel, sha in manifest.outputs.items())
    except (KproError, RunRecordError, OSError):
        return False


def _as_recorded(path: Path, manifest: Manifest, started_in: Path) -> bool:
    """Whether the input file `path` still has the sha256 the run's manifest recorded for it."""
    recorded = [sha for name, sha in manifest.inputs.items() if (started_in / name).resolve() == path.resolve()]
    return bool(recorded) and sha256_bytes(path.read_bytes()) == recorded[0]
