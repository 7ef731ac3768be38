"""OpenSSH signatures of approval statements: `ssh-keygen -Y sign` and `ssh-keygen -Y verify`.

The mechanism git uses for signed commits; present on Debian, macOS and Windows 10+. No
cryptography of our own: this module only runs `ssh-keygen` on files in a temporary folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kpro_econ.errors import ApprovalError

NAMESPACE = "kpro-econ-approval"
"""The signature namespace: a signature made for something else (a git commit) never verifies here."""
_TIMEOUT_S = 120
# `ssh-keygen -Y verify` and `-Y check-novalidate` end their success line with the key's fingerprint.
_FINGERPRINT = re.compile(r"key (SHA256:[A-Za-z0-9+/=]+)")


# ssh-keygen's answer when the key is not listed for the identity, or what was signed is not this.
_IN_DANISH = {"Could not verify signature.": "nøglen står ikke for identiteten i filen, eller det signerede er ændret"}


@dataclass(frozen=True)
class Verified:
    """A signature checked against an allowed signers text: the signing key's fingerprint when it
    verifies, else why not (in Danish)."""

    fingerprint: str | None
    problem: str | None


def ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise ApprovalError("ssh-keygen mangler: installer OpenSSH (Debian: apt-get install openssh-client)")
    return found


def sign(statement: bytes, key: Path) -> str:
    """The armored signature of `statement` by the private key `key` (or its public key, with ssh-agent)."""
    key = Path(key).expanduser()
    if not key.is_file():
        raise ApprovalError(f"{key}: nøglen findes ikke (--key)")
    with tempfile.TemporaryDirectory(prefix="kpro-sign-") as scratch:
        message = Path(scratch) / "statement"
        message.write_bytes(statement)
        # stdin stays the terminal, so ssh-keygen can ask for the key's passphrase.
        done = subprocess.run([ssh_keygen(), "-Y", "sign", "-n", NAMESPACE, "-f", str(key), str(message)],
                              capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        signature = message.with_name("statement.sig")
        if done.returncode != 0 or not signature.is_file():
            raise ApprovalError(f"{key}: kunne ikke signere med nøglen: {_last_line(done.stderr)}")
        return signature.read_text(encoding="ascii")


def verify(statement: bytes, signature: str, allowed_signers: Path, identity: str) -> str | None:
    """None when `signature` is `identity`'s signature of `statement` by a key in `allowed_signers`;
    else why not (in Danish)."""
    if not allowed_signers.is_file():
        return f"{allowed_signers}: filen med godkendere (allowed signers) findes ikke"
    signers = allowed_signers.read_text(encoding="utf-8")
    return verify_text(statement, signature, signers, identity, allowed_signers.name).problem


def verify_text(statement: bytes, signature: str, signers: str, identity: str, shown: str) -> Verified:
    """`verify` against the allowed signers `signers` (a file's text, e.g. as the ledger recorded it,
    called `shown` in messages), with the fingerprint of the key that signed.

    Approvers are counted by this fingerprint: one key is one pair of eyes, whatever identities the
    file lists it under."""
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        allowed = Path(scratch) / "allowed_signers"
        allowed.write_text(signers, encoding="utf-8")
        sig = Path(scratch) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = subprocess.run(
            [ssh_keygen(), "-Y", "verify", "-f", str(allowed), "-I", identity, "-n", NAMESPACE, "-s", str(sig)],
            input=statement, capture_output=True, timeout=_TIMEOUT_S, check=False,
        )
    found = _FINGERPRINT.search(done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace"))
    if done.returncode == 0 and found is not None:
        return Verified(found.group(1), None)
    why = _last_line(done.stderr.decode("utf-8", "replace") or done.stdout.decode("utf-8", "replace"))
    why = _IN_DANISH.get(why, why)
    return Verified(None, f"signaturen fra {identity} kan ikke verificeres mod {shown}: {why}")


def signing_key(statement: bytes, signature: str) -> str | None:
    """The fingerprint of the key that made `signature` of `statement` (checked against no list), or None."""
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        sig = Path(scratch) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = subprocess.run([ssh_keygen(), "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)],
                              input=statement, capture_output=True, timeout=_TIMEOUT_S, check=False)
    found = _FINGERPRINT.search(done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace"))
    return found.group(1) if done.returncode == 0 and found is not None else None


def listed_as(signature: str, signers: str) -> str | None:
    """An identity the allowed signers text `signers` lists the signature's key under, or None."""
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        allowed = Path(scratch) / "allowed_signers"
        allowed.write_text(signers, encoding="utf-8")
        sig = Path(scratch) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = subprocess.run([ssh_keygen(), "-Y", "find-principals", "-f", str(allowed), "-s", str(sig)],
                              capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    names = done.stdout.split()
    return names[0] if done.returncode == 0 and names else None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "ingen besked fra ssh-keygen"
