"""The maker's signature of a run, and the four-eyes rule `approval.exclude_runner` that rests on it.

`kpro-econ run PARAMS --key KEY --as IDENTITY` records `made_by: IDENTITY` in `manifest.json` and
signs the finished manifest with the maker's SSH key (`ssh-keygen -Y sign -n kpro-econ-run`) into
`manifest.sig` beside it. The signature counts only when it verifies against the project's allowed
signers file for that identity in the run namespace: a throw-away key signs nothing, and a manifest
edited after the run no longer verifies. `exclude_runner` then compares keys: an approver whose key
(or identity) is the maker's made the run. The login name `run_by` decides nothing: anyone can set it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpro_econ.errors import ApprovalError
from kpro_econ.records.run_records import (
    MANIFEST,
    MANIFEST_SIG,
    Manifest,
    read_manifest_signature,
    write_manifest_signature,
)
from kpro_econ.records.signatures import RUN_NAMESPACE, check_signature, checked_text, sign

NOT_SIGNED = ("kørslen er ikke signeret af den, der lavede den (kpro-econ run --key NØGLE --as IDENTITET), "
              "så det kan ikke vises, at godkenderen ikke selv lavede den")


@dataclass(frozen=True)
class Maker:
    """Who makes a run and signs its manifest: `run --key KEY --as IDENTITY`."""

    key: Path
    identity: str

    @classmethod
    def given(cls, key: Path | None, identity: str | None) -> Maker | None:
        """The maker from the two options, which come together or not at all."""
        if key is None and identity is None:
            return None
        if key is None or identity is None:
            missing = "--key" if key is None else "--as"
            raise ApprovalError(f"{missing}: mangler; kørslen signeres kun med både --key og --as "
                                "(fx --key ~/.ssh/id_ed25519 --as bent@rn.dk)")
        identity = checked_text(identity, "--as")
        if not identity:
            raise ApprovalError("--as: identiteten mangler (fx bent@rn.dk)")
        key = Path(key).expanduser()
        if not key.is_file():
            raise ApprovalError(f"{key}: nøglen findes ikke (--key)")
        return cls(key, identity)


@dataclass(frozen=True)
class MakerCheck:
    """A run's maker as its signature shows: the identity the manifest names, and the key's fingerprint
    when `manifest.sig` verifies; else why not (None when the run is simply unsigned)."""

    identity: str | None
    fingerprint: str | None
    problem: str | None

    @property
    def signed(self) -> bool:
        return self.fingerprint is not None


def sign_manifest(run_dir: Path, maker: Maker, signers: Path) -> str:
    """Sign `run_dir/manifest.json` as `maker` into `manifest.sig`; return the key's fingerprint.

    Refused (nothing written) when the signature does not verify against `signers` for the maker's
    identity in the run namespace: a signature no check would accept is no signature."""
    data = (run_dir / MANIFEST).read_bytes()
    signature = sign(data, maker.key, RUN_NAMESPACE)
    checked = check_signature(data, signature, signers, maker.identity, RUN_NAMESPACE)
    if checked.fingerprint is None:
        raise ApprovalError(f"--as {maker.identity}: {checked.problem} (en kørsel signeres med en nøgle, der står i "
                            f"{signers} med namespaces=\"{RUN_NAMESPACE}\")")
    write_manifest_signature(run_dir, signature)
    return checked.fingerprint


def check_maker(run_dir: Path, manifest: Manifest, signers: Path | None) -> MakerCheck:
    """Whether the run's `manifest.sig` is its maker's signature of `manifest.json` as it is now."""
    signature = read_manifest_signature(run_dir)
    if manifest.made_by is None:
        problem = f"{MANIFEST_SIG} findes, men {MANIFEST} nævner ingen, der har signeret" if signature else None
        return MakerCheck(None, None, problem)
    if signature is None:
        return MakerCheck(manifest.made_by, None,
                          f"{MANIFEST_SIG} mangler (kørslen blev signeret af {manifest.made_by})")
    if signers is None:
        return MakerCheck(manifest.made_by, None, "params nævner ingen fil med godkendere at verificere kørslen mod")
    checked = check_signature((run_dir / MANIFEST).read_bytes(), signature, signers, manifest.made_by, RUN_NAMESPACE)
    if checked.fingerprint is None:
        return MakerCheck(manifest.made_by, None,
                          f"{MANIFEST} passer ikke til kørslens signatur ({MANIFEST_SIG}): {checked.problem}")
    return MakerCheck(manifest.made_by, checked.fingerprint, None)


def runner_problem(identity: str, fingerprint: str | None, maker: MakerCheck) -> str | None:
    """Why an approver (by identity and, for a signed approval, key) counts as the run's maker under
    `approval.exclude_runner`, or None when the maker's signature shows someone else made the run."""
    if not maker.signed:
        return f"{maker.problem or NOT_SIGNED} (approval.exclude_runner)"
    if fingerprint is None:
        return "godkendelsen er ikke signeret, så det kan ikke vises, at godkenderen ikke selv lavede kørslen " \
               "(approval.exclude_runner)"
    if fingerprint == maker.fingerprint or identity.casefold() == (maker.identity or "").casefold():
        return f"lavede selv kørslen (signeret af {maker.identity} med nøglen {maker.fingerprint}; " \
               "approval.exclude_runner)"
    return None
