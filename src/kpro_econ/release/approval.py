"""Internal approval of a run, and the checks that say whether a run is still exactly what was approved.

The truth is the ledger `approvals.jsonl` beside the runs and the approvers' OpenSSH signatures in
it; `approval.json` and `approval-status.json` in a run folder are convenience copies. A run counts
as approved when the ledger's chain is intact and holds `approval.required` valid approvals by
distinct approvers: each signed (unless the params say signatures are optional) by a key the
allowed signers file lets that identity use, of this very `manifest.json` and code fingerprint.
Which approvals count is decided in `records/approvals.py`, which later runs use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kpro_econ.errors import ApprovalError, KproError
from kpro_econ.params.approval import ApprovalSettings
from kpro_econ.params.codes import ManifestStatus, RunState, SignatureMode
from kpro_econ.records import ledger as ledgers
from kpro_econ.records import ledger_heads
from kpro_econ.records.approvals import (
    approval_settings,
    count_approvals,
    maker_of,
    partial_refusal,
    release_problem,
    run_refusal,
)
from kpro_econ.records.maker import MakerCheck, runner_problem
from kpro_econ.records.run_records import (
    APPROVAL,
    APPROVAL_STATUS,
    MANIFEST,
    MANIFEST_SIG,
    PACK_STATUS,
    Approval,
    ApprovalStatus,
    ApproverStamp,
    LedgerHead,
    Manifest,
    ReleaseRecord,
    RunApprovals,
    SignersRecord,
    being_written,
    manifest_sha256,
    read_manifest,
    write_approval,
    write_approval_status,
)
from kpro_econ.records.signatures import checked_text, listed_as, sign, signing_key, verify_text
from kpro_econ.records.trust import (
    ADD_COMMAND,
    RunSigners,
    TrustChain,
    is_version,
    new_version,
    run_signers,
    trust_chain,
    trusted_version,
)
from kpro_econ.report.formatting import approver_names
from kpro_econ.report.labels import RUN_STATE_LABELS, UNSIGNED_LABEL
from kpro_econ.run.pack_status import write_pack_status
from kpro_econ.run.runfolder import TMP_PREFIX, sha256_file

STEERING = "steering"
# Written after the run by approve and release (convenience copies); everything else is checked.
_WRITTEN_LATER = {MANIFEST, APPROVAL, APPROVAL_STATUS, PACK_STATUS}


@dataclass(frozen=True)
class ApprovalOutcome:
    """An approval that was recorded, and how many of the required approvals the run now has."""

    approval: Approval
    count: int
    required: int
    genesis: SignersRecord | None = None
    """The allowed signers file and rules this approval recorded first in the ledger, if it did."""


@dataclass(frozen=True)
class RunCheck:
    """A run as `status` and `release` see it: its state and everything that differs from the approval."""

    run_dir: Path
    manifest: Manifest
    state: RunState
    approvals: list[Approval] = field(default_factory=list)
    required: int = 1
    release: ReleaseRecord | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ledger_head: LedgerHead | None = None
    """The head of the ledger the check read (every head recorded elsewhere is within it, or a problem)."""
    maker: MakerCheck | None = None
    """The maker's signature of the manifest (`run --key`), None for a run nobody signed."""
    settings: ApprovalSettings | None = None
    signers: SignersRecord | None = None
    """The approval rules and the recorded allowed signers the run was judged by (a release is signed
    against them, `records.approvals.release_problem`); None for a draft."""

    @property
    def unsigned(self) -> bool:
        return any(a.signature is None for a in self.approvals)

    @property
    def label(self) -> str:
        """The state in Danish, with *usigneret* when an approval carries no signature and *delvis* for a
        partial run (`--only`)."""
        text = RUN_STATE_LABELS[self.state]
        if self.unsigned and self.state != RunState.DRAFT:
            text = f"{text} ({UNSIGNED_LABEL})"
        return f"{text} (delvis)" if self.manifest.left_out else text


class StartedElsewhere(ApprovalError):
    """approve, status or release run from another folder than the one the run's inputs are relative to."""


def started_elsewhere(run_dir: Path, manifest: Manifest) -> StartedElsewhere | None:
    """Why the run cannot be checked from the current folder, when none of the inputs its manifest names
    relative to the folder `run` was started from is found here: naming that folder when it holds the run."""
    named = [*manifest.inputs, *([manifest.params.path] if manifest.params is not None else [])]
    relative = sorted({Path(name) for name in named if not Path(name).is_absolute()})
    if not relative or any(path.exists() for path in relative):
        return None
    here = Path.cwd()
    for folder in run_dir.resolve().parents:
        if any((folder / path).exists() for path in relative):
            return StartedElsewhere(f"kør fra projektmappen {folder}: manifest.json nævner kørslens inputfiler i "
                                    f"forhold til den (fx {relative[0].as_posix()}), og du står i {here}", run_dir)
    return StartedElsewhere(f"kør fra projektmappen, den mappe kpro-econ run blev kørt fra: ingen af kørslens "
                            f"{len(relative)} inputfiler (fx {relative[0].as_posix()}) findes i {here}", run_dir)


def changed_files(run_dir: Path, manifest: Manifest | None = None) -> list[str]:
    """Every file that differs from the manifest: `PATH: ændret|fjernet|tilføjet`, sorted.

    Input files are looked up as the manifest names them (relative to the folder the run was started
    from, which is also where approve and release are run from, or absolute). Hidden files and
    folders count like any other; only the convenience copies and `steering/` (checked against the
    release record) are not compared here.
    """
    manifest = manifest or read_manifest(run_dir)
    problems = []
    expected = {run_dir / rel: sha for rel, sha in manifest.outputs.items()}
    expected.update({Path(path): sha for path, sha in manifest.inputs.items()})
    if manifest.params is not None:
        expected.setdefault(Path(manifest.params.path), manifest.params.sha256)
    for path, sha in expected.items():
        shown = _shown(path, run_dir)
        if not path.is_file():
            problems.append(f"{shown}: fjernet")
        elif sha256_file(path) != sha:
            problems.append(f"{shown}: ændret")
    for path in sorted(run_dir.rglob("*")):
        rel = path.relative_to(run_dir)
        if rel.parts[0] == STEERING or rel.as_posix() in _WRITTEN_LATER:
            continue
        if rel.as_posix() == MANIFEST_SIG and manifest.made_by is not None:
            continue  # the maker's signature of the manifest, checked by `records.maker`
        if len(rel.parts) == 1 and being_written(rel.name, _WRITTEN_LATER):
            continue  # a copy another approve or release is writing this moment (under the ledger's lock)
        if (path.is_file() or path.is_symlink()) and path not in expected:
            problems.append(f"{_shown(path, run_dir)}: tilføjet")
    return sorted(problems)


def _shown(path: Path, run_dir: Path) -> str:
    try:
        return (run_dir.name / path.relative_to(run_dir)).as_posix()
    except ValueError:
        return path.as_posix()


def approve(
    run_dir: Path, identity: str, key: Path | None = None, role: str | None = None, note: str | None = None
) -> ApprovalOutcome:
    """Sign and record `identity`'s approval of an unchanged, successful run; refuse anything else, saying why."""
    identity = checked_text(identity, "--as")
    role = checked_text(role, "--role") or None if role is not None else None
    run_dir = _existing_run(run_dir)
    manifest = read_manifest(run_dir)
    if manifest.status != ManifestStatus.OK:
        raise ApprovalError("kørslen fejlede og kan ikke godkendes", run_dir)
    if manifest.run_id != run_dir.name:
        raise ApprovalError(_other_run(manifest), run_dir)
    if manifest.left_out:
        raise ApprovalError(partial_refusal(manifest), run_dir)
    if manifest.code is None:
        raise ApprovalError("manifest.json har intet kodefingeraftryk; lav en ny kørsel", run_dir)
    elsewhere = started_elsewhere(run_dir, manifest)
    if elsewhere is not None:
        raise elsewhere
    settings, signers = approval_settings(manifest)
    run = run_signers(manifest, settings, signers, run_dir)
    ledgers.require_writable(ledgers.ledger_path(run_dir))  # before a passphrase is asked for
    chain = trust_chain(ledgers.read_ledger(ledgers.ledger_path(run_dir)))
    if chain.problems:
        raise ApprovalError("\n".join(["godkendelsesloggens filer med godkendere holder ikke:",
                                       *(f"  {p}" for p in chain.problems)]), run_dir)
    version = _version_in_force(chain, run, run_dir, manifest)
    changes = changed_files(run_dir, manifest)
    if changes:
        raise _refusal(run_dir, "godkendes", changes)
    if not identity:
        raise ApprovalError("--as: godkenderens identitet mangler (fx anna@rn.dk)")
    approver = settings.roles.get(identity)
    if settings.roles and approver is None:
        raise ApprovalError(f"--as: {identity} er ikke godkender i params (approval.roles)")
    if approver is not None and role is not None and role != approver.role:
        raise ApprovalError(f"--role: {identity} godkender som {approver.role} ifølge params (fik {role!r})")
    maker = maker_of(run_dir, manifest, signers)
    refused = run_refusal(manifest, maker)
    if refused is not None:
        raise ApprovalError(refused, run_dir)
    made_by = maker or MakerCheck(None, None, None)
    if settings.exclude_runner and (not made_by.signed or key is None):
        # Said before the approver is asked for a passphrase: no signature of theirs would help.
        raise ApprovalError(f"{identity} kan ikke godkende: {runner_problem(identity, None, made_by)}", run_dir)
    approval = Approval(
        run_id=run_dir.name,
        manifest_sha256=manifest_sha256(run_dir),
        code_fingerprint=manifest.code.sha256,
        identity=identity,
        name=approver.name if approver is not None and approver.name else identity,
        role=approver.role if approver is not None else role,
        approved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=note,
    )
    genesis = None
    if version is None:  # nothing recorded yet: this approval records the file it rests on (the genesis)
        if key is None:
            raise ApprovalError(f"--key: mangler; den første godkendelse registrerer {run.shown} i "
                                "godkendelsesloggen og skal derfor signeres med godkenderens SSH-nøgle")
        genesis = version = sign_version(run, None, identity, key)
    fingerprint = None
    if key is not None:
        signature = sign(approval.statement(), key)
        checked = verify_text(approval.statement(), signature, version.content, identity, run.shown)
        if checked.problem is not None:
            raise ApprovalError(not_allowed(run.shown, version.content, identity, key, approval.statement(),
                                            signature))
        why = runner_problem(identity, checked.fingerprint, made_by) if settings.exclude_runner else None
        if why is not None:
            raise ApprovalError(f"{identity} kan ikke godkende: {why}", run_dir)
        fingerprint = checked.fingerprint
        approval = approval.model_copy(update={"signature": signature})
    elif settings.signatures == SignatureMode.REQUIRED:
        raise ApprovalError("--key: mangler; params kræver, at godkendelser signeres med godkenderens SSH-nøgle")
    with ledgers.locked(ledgers.ledger_path(run_dir)) as ledger:
        # Decided under the lock: of two approvals at once, the second sees the first.
        ledgers.require_intact(ledger)
        require_uncut(ledger)
        chain = trust_chain(ledger)
        if genesis is not None and chain.current is None:
            ledgers.append(ledger, genesis)
            ledger = ledgers.read_ledger(ledger.path)
            chain = trust_chain(ledger)
        if not is_version(chain.current, version):
            raise ApprovalError(f"{run.shown} er registreret i en anden udgave i godkendelsesloggen i mellemtiden; "
                                "lav en ny kørsel og godkend den", run_dir)
        counted = count_approvals(ledger, chain, run_dir, manifest, settings, version, signers)
        earlier = counted.approvals
        before = [a for a in earlier if a.identity == identity]
        if before:
            raise ApprovalError(f"allerede godkendt af {before[0].name} ({before[0].approved_at})", run_dir)
        if len(earlier) >= settings.required:
            raise ApprovalError(f"kørslen er allerede godkendt af {approver_names(earlier)}", run_dir)
        same_key = [i for i, f in counted.fingerprints.items() if f == fingerprint]
        if same_key:
            raise ApprovalError(f"nøglen {fingerprint} har allerede godkendt kørslen som {same_key[0]}; "
                                "én nøgle er ét par øjne, også under en anden identitet", run_dir)
        head = ledgers.append(ledger, approval)
        approvals = [*earlier, approval]
        state = RunState.APPROVED if len(approvals) >= settings.required else RunState.DRAFT
        write_convenience_copies(run_dir, RunApprovals(run_id=run_dir.name, required=settings.required,
                                                       approvals=approvals, ledger_head=head), state)
    return ApprovalOutcome(approval, len(approvals), settings.required, genesis)


def _version_in_force(chain: TrustChain, run: RunSigners, run_dir: Path, manifest: Manifest) -> SignersRecord | None:
    """The recorded version of the allowed signers the run rests on, which must be the one in force now;
    None when nothing is recorded yet. A run made before a change of the file needs a new run."""
    current = chain.current
    if current is None:
        return None
    params = manifest.params.path if manifest.params else "PARAMS"
    if current.sha256 != run.sha256 and chain.recorded(run.sha256) is not None:
        raise ApprovalError(f"{run.shown} er ændret siden kørslen ({current.identity} registrerede den gældende "
                            f"udgave {current.recorded_at}); godkendelser afgives mod den gældende udgave: lav en ny "
                            f"kørsel (kpro-econ run {params}) og godkend den", run_dir)
    version = trusted_version(chain, run)
    if not is_version(current, version):
        raise ApprovalError(f"godkendelsesreglerne er ændret siden kørslen ({current.identity} registrerede de "
                            f"gældende {current.recorded_at}); lav en ny kørsel (kpro-econ run {params}) "
                            "og godkend den", run_dir)
    return version


def sign_version(run: RunSigners, before: SignersRecord | None, identity: str, key: Path) -> SignersRecord:
    """The allowed signers file as it is now and the rules, signed by `identity`'s `key`, which the version
    `before` must list (the genesis, `before` None: which the file itself must list)."""
    content = run.path.read_text(encoding="utf-8")
    record = new_version(run.shown, content, run.settings, before, identity)
    signature = sign(record.statement(), key)
    allowed = before.content if before is not None else content
    verified = verify_text(record.statement(), signature, allowed, identity, run.shown)
    if verified.problem is not None or verified.fingerprint is None:
        raise ApprovalError(not_allowed(run.shown, allowed, identity, key, record.statement(), signature))
    return record.model_copy(update={"signature": signature, "fingerprint": verified.fingerprint})


def not_allowed(shown: str, signers: str, identity: str, key: Path, statement: bytes, signature: str) -> str:
    """Why `identity` cannot sign with `key`, in Danish, with the step to take (not ssh-keygen's English)."""
    fingerprint = signing_key(statement, signature) or "ukendt fingeraftryk"
    listed = listed_as(signature, signers)
    if listed is not None and listed != identity:
        return (f"{shown}: din nøgle ({fingerprint}) står i filen med godkendere som {listed}, ikke som {identity}; "
                f"brug --as {listed}")
    public = key if key.name.endswith(".pub") else key.with_name(f"{key.name}.pub")
    return (f"{shown}: {identity} kan ikke godkende med nøglen {key} ({fingerprint}): signaturen kan ikke "
            f"verificeres, for nøglen står ikke for {identity} i filen med godkendere. Send din offentlige "
            f"nøgle ({public}) til en, der allerede er godkender; vedkommende tilføjer den til {shown} og "
            f"registrerer ændringen med {ADD_COMMAND}. Lav derefter en ny kørsel (se docs/godkendelse.md)")


def _other_run(manifest: Manifest) -> str:
    if manifest.run_id:
        return f"mappen hedder ikke som kørslen i manifest.json ({manifest.run_id})"
    return "manifest.json nævner ikke, hvilken kørsel det er (run_id mangler)"


def check_run(run_dir: Path) -> RunCheck:
    """The run's state, its valid approvals and release, and everything that differs from them."""
    run_dir = _existing_run(run_dir)
    manifest = read_manifest(run_dir)
    if manifest.status != ManifestStatus.OK:
        return RunCheck(run_dir, manifest, RunState.FAILED)
    elsewhere = started_elsewhere(run_dir, manifest)
    if elsewhere is not None:
        raise elsewhere
    ledger, cut = ledger_heads.read_checked(ledgers.ledger_path(run_dir))
    recorded = ledger.approvals(run_dir.name)
    if not recorded:
        if cut and _claims_approval(run_dir):  # its approval may be among the lines cut off
            return RunCheck(run_dir, manifest, RunState.CHANGED, problems=cut, ledger_head=ledger.head)
        notes = [f"{APPROVAL} findes, men godkendelsen står ikke i godkendelsesloggen"] \
            if (run_dir / APPROVAL).is_file() else []
        if manifest.left_out:
            notes.append(partial_refusal(manifest))
        return RunCheck(run_dir, manifest, RunState.DRAFT, notes=notes, ledger_head=ledger.head,
                        maker=_maker(run_dir, manifest))
    chain = trust_chain(ledger)
    problems = [*ledger.problems, *cut, *chain.problems]
    try:
        settings, signers = approval_settings(manifest)
        version = trusted_version(chain, run_signers(manifest, settings, signers, run_dir))
    except KproError as exc:
        settings, signers, version = None, None, None
        problems.append(str(exc))
    if manifest.run_id != run_dir.name:
        problems.append(f"{run_dir.name}: {_other_run(manifest)}")
    approvals: list[Approval] = []
    required = 1
    counted_notes: list[str] = []
    if settings is not None and version is not None:
        counted = count_approvals(ledger, chain, run_dir, manifest, settings, version, signers)
        approvals, counted_notes = counted.approvals, counted.notes
        problems += counted.problems
        required = settings.required
    problems += changed_files(run_dir, manifest)
    current = manifest_sha256(run_dir)
    releases = []
    for line in ledger.releases(run_dir.name):
        if line.manifest_sha256 != current:
            continue
        why = release_problem(line, settings, version) if settings and version else None
        if why is None:
            releases.append(line)
        else:
            problems.append(why)
    release = releases[-1] if releases else None
    problems += _pack_problems(run_dir, release)
    if problems:
        state = RunState.CHANGED
    elif len(approvals) < required:
        state = RunState.DRAFT
    else:
        state = RunState.RELEASED if release is not None else RunState.APPROVED
    notes = [f"{len(approvals)} af {required} godkendelser", *counted_notes] if state == RunState.DRAFT else []
    maker = maker_of(run_dir, manifest, signers) if settings is not None else _maker(run_dir, manifest)
    return RunCheck(run_dir, manifest, state, approvals, required, release, problems, notes, ledger.head, maker,
                    settings, version)


def _claims_approval(run_dir: Path) -> bool:
    """Whether the run folder says it was approved or released (its copies, its pack)."""
    return any((run_dir / name).exists() for name in (APPROVAL, APPROVAL_STATUS, STEERING))


def require_uncut(ledger: ledgers.Ledger, extra: Iterable[ledger_heads.RecordedHead] = ()) -> None:
    """Refuse to build on a ledger (read under its lock) that no longer reaches a head recorded beside it."""
    cut = ledger_heads.unreached_heads(ledger, extra)
    if cut:
        raise ApprovalError("\n".join(cut))


def _maker(run_dir: Path, manifest: Manifest) -> MakerCheck | None:
    """The maker's signature as `status` shows it, also for a draft whose params say nothing about approval."""
    if manifest.made_by is None and not (run_dir / MANIFEST_SIG).exists():
        return None
    try:
        _, signers = approval_settings(manifest)
    except KproError as exc:
        return MakerCheck(manifest.made_by, None, str(exc))
    return maker_of(run_dir, manifest, signers)


def _pack_problems(run_dir: Path, release: ReleaseRecord | None) -> list[str]:
    """How `steering/` differs from the release record (a pack without a record is itself a change)."""
    pack = run_dir / STEERING
    if release is None:
        return [f"{run_dir.name}/{STEERING}/: findes, men frigivelsen står ikke i godkendelsesloggen"] \
            if pack.exists() else []
    problems = []
    for name, sha in release.files.items():
        path = pack / name
        if not path.is_file():
            problems.append(f"{run_dir.name}/{STEERING}/{name}: fjernet")
        elif sha256_file(path) != sha:
            problems.append(f"{run_dir.name}/{STEERING}/{name}: ændret")
    if pack.is_dir():
        for path in sorted(pack.rglob("*")):
            rel = path.relative_to(pack).as_posix()
            if (path.is_file() or path.is_symlink()) and rel not in release.files:
                problems.append(f"{run_dir.name}/{STEERING}/{rel}: tilføjet")
    return sorted(problems)


def refusal(check: RunCheck, verb: str) -> ApprovalError | None:
    """Why the checked run cannot be released (`verb` = "frigives"), or None when it is approved and intact."""
    if check.state == RunState.APPROVED:
        return None
    run_dir = check.run_dir
    if check.state == RunState.FAILED:
        return ApprovalError(f"kørslen fejlede og kan ikke {verb}", run_dir)
    if check.manifest.left_out:
        return ApprovalError(f"kan ikke {verb}: {partial_refusal(check.manifest)}", run_dir)
    if check.state == RunState.DRAFT:
        why = f" ({'; '.join(check.notes)})" if check.notes else ""
        return ApprovalError(f"kørslen er ikke godkendt{why}; kør først kpro-econ approve", run_dir)
    if check.state == RunState.RELEASED:
        return ApprovalError(f"kørslen er allerede frigivet ({run_dir / STEERING})", run_dir)
    return _refusal(run_dir, verb, check.problems)


def _refusal(run_dir: Path, verb: str, changes: list[str]) -> ApprovalError:
    return ApprovalError(f"kan ikke {verb}, fordi dette er ændret eller ikke passer:", run_dir, changes)


def write_convenience_copies(run_dir: Path, approvals: RunApprovals, state: RunState) -> None:
    """`approval.json` (the run's approvals, as in the ledger) and `approval-status.json` (for the pages)."""
    write_approval(run_dir, approvals)
    label = RUN_STATE_LABELS[state]
    if approvals.unsigned and state != RunState.DRAFT:
        label = f"{label} ({UNSIGNED_LABEL})"
    write_approval_status(run_dir, ApprovalStatus(
        state=state, label=label, unsigned=approvals.unsigned, required=approvals.required,
        approvers=[ApproverStamp(name=a.name, identity=a.identity, role=a.role, approved_at=a.approved_at,
                                 signed=a.signature is not None) for a in approvals.approvals],
        released_at=approvals.release.released_at if approvals.release else None,
        ledger_head=approvals.ledger_head,
    ))
    # What the pages show (approval-status.js beside them; run/pack_status.py).
    write_pack_status(run_dir, state, *stamp_of(approvals, state), steering=steering_of(approvals, state))


def stamp_of(approvals: RunApprovals, state: RunState) -> tuple[str | None, datetime]:
    """Who the pages' stamp names (with *usigneret*), and when: the release's time once released, else
    the latest approval's."""
    names = approver_names(approvals.approvals) + (f" ({UNSIGNED_LABEL})" if approvals.unsigned else "")
    released = approvals.release is not None and state == RunState.RELEASED
    moments = [approvals.release.released_at] if approvals.release and released else [
        a.approved_at for a in approvals.approvals]
    return names or None, datetime.fromisoformat(max(moments)) if moments else datetime.now(UTC)


def steering_of(approvals: RunApprovals, state: RunState) -> list[str]:
    """The files of a released run's steering pack, which its index links (none before release)."""
    released = approvals.release is not None and state == RunState.RELEASED
    return sorted(approvals.release.files) if approvals.release is not None and released else []


def run_state(run_dir: Path) -> RunState:
    return check_run(run_dir).state


def list_runs(out_dir: Path) -> list[RunCheck]:
    """Every finished run folder under `out_dir`, checked, oldest first."""
    return [check_run(folder) for folder in run_folders(out_dir)]


def run_folders(out_dir: Path) -> list[Path]:
    return [
        folder for folder in (sorted(out_dir.iterdir()) if out_dir.is_dir() else [])
        if folder.is_dir() and not folder.name.startswith((TMP_PREFIX, ".")) and (folder / MANIFEST).is_file()
    ]


def _existing_run(run_dir: Path) -> Path:
    if not (run_dir / MANIFEST).is_file():
        raise ApprovalError("ingen kørselsmappe (manifest.json mangler)", run_dir)
    return run_dir
