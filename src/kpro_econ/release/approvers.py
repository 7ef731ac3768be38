"""Who may approve, as the ledger records it: `kpro-econ approvers add` and `kpro-econ approvers list`.

A change of the allowed signers file (or of the `approval` rules) counts only once an approver who was
allowed before it has signed it into the ledger; `add` writes that line, `list` shows every version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpro_econ.errors import ApprovalError
from kpro_econ.records import ledger as ledgers
from kpro_econ.records.approvals import params_approval
from kpro_econ.records.run_records import LEDGER, SignersRecord, sha256_bytes
from kpro_econ.records.trust import RunSigners, inside_project, rules_of, same_rules, trust_chain
from kpro_econ.release.approval import require_uncut, sign_version


@dataclass(frozen=True)
class Recorded:
    """A version of the allowed signers written to the ledger (or found there already), and how it differs
    from the one before: the identities added and removed."""

    record: SignersRecord
    new: bool
    added: list[str]
    removed: list[str]


def record_signers(params: Path, identity: str, key: Path, out_dir: Path) -> Recorded:
    """Sign `params`' allowed signers file and approval rules, as they are now, into the ledger of `out_dir`.

    `identity`'s `key` must be listed in the version recorded before (with nothing recorded, this is the
    genesis: the file itself must list it), and `identity` must be an approver by that version's rules."""
    settings, signers = params_approval(params)
    if signers is None:
        raise ApprovalError(f"{params}: approval.allowed_signers: params nævner ingen fil med godkendere")
    inside_project(params, Path(), out_dir, "params-filen")
    inside_project(signers, Path(), out_dir, "filen med godkendere")
    if not signers.is_file():
        raise ApprovalError(f"{signers.as_posix()}: filen med godkendere findes ikke")
    content = signers.read_text(encoding="utf-8")
    run = RunSigners(settings, signers, signers.as_posix(), sha256_bytes(content.encode("utf-8")), rules_of(settings))
    path = out_dir.resolve() / LEDGER
    chain = trust_chain(ledgers.read_ledger(path))
    if chain.problems:
        raise ApprovalError("\n".join([f"{path}: godkendelsesloggens filer med godkendere holder ikke:",
                                       *(f"  {p}" for p in chain.problems)]))
    before = chain.current
    if before is not None and before.sha256 == run.sha256 and same_rules(before.rules, run.rules):
        return Recorded(before, False, [], [])
    roles = before.rules.get("roles") if before is not None else run.rules.get("roles")
    if roles and identity not in roles:
        raise ApprovalError(f"--as: {identity} er ikke godkender efter de registrerede regler (approval.roles); "
                            "en, der allerede er godkender, skal registrere ændringen")
    ledgers.require_writable(path)
    record = sign_version(run, before, identity, key)
    out_dir.mkdir(parents=True, exist_ok=True)
    with ledgers.locked(path) as ledger:
        ledgers.require_intact(ledger)
        require_uncut(ledger)
        now = trust_chain(ledger).current
        if now != before:
            raise ApprovalError(f"{path}: en anden har registreret en fil med godkendere i mellemtiden; prøv igen")
        ledgers.append(ledger, record)
    old, new = _listed(before.content if before else ""), _listed(content)
    return Recorded(record, True, sorted({i for i, k in new - old}), sorted({i for i, k in old - new}))


def versions(out_dir: Path) -> tuple[list[SignersRecord], list[str]]:
    """Every recorded version of the allowed signers that verifies, oldest first, and why any other does not."""
    chain = trust_chain(ledgers.read_ledger(out_dir.resolve() / LEDGER))
    return [record for _, record in chain.versions], chain.problems


def listed(content: str) -> list[str]:
    """The identities an allowed signers text lists, in order, each once."""
    return list(dict.fromkeys(identity for identity, _ in sorted(_listed(content), key=lambda p: content.find(p[1]))))


def _listed(content: str) -> set[tuple[str, str]]:
    """(identity, key) for each identity on each line `IDENTITY[,…] [OPTIONS] KEYTYPE KEY [COMMENT]`."""
    pairs: set[tuple[str, str]] = set()
    for line in content.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        keys = [f for f in fields[1:] if f.startswith(("ssh-", "ecdsa-", "sk-"))]
        at = fields.index(keys[0]) if keys else -1
        key = fields[at + 1] if keys and at + 1 < len(fields) else line
        pairs.update((identity, key) for identity in fields[0].split(","))
    return pairs
