"""OpenSSH signatures of approval statements: `ssh-keygen -Y sign` and `ssh-keygen -Y verify`.

The mechanism git uses for signed commits; present on Debian, macOS and Windows 10+. No
cryptography of our own: this module only runs `ssh-keygen` on files in a temporary folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kpro_econ.errors import ApprovalError

NAMESPACE = "kpro-econ-approval"
"""The signature namespace: a signature made for something else (a git commit) never verifies here."""
RUN_NAMESPACE = "kpro-econ-run"
"""The namespace of a maker's signature of a run's manifest (`run --key`): an approval never counts as one."""
_TIMEOUT_S = 120


def ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise ApprovalError("ssh-keygen mangler: installer OpenSSH (Debian: apt-get install openssh-client)")
    return found


def sign(statement: bytes, key: Path, namespace: str = NAMESPACE) -> str:
    """The armored signature of `statement` by the private key `key` (or its public key, with ssh-agent)."""
    key = Path(key).expanduser()
    if not key.is_file():
        raise ApprovalError(f"{key}: nøglen findes ikke (--key)")
    with tempfile.TemporaryDirectory(prefix="kpro-sign-") as scratch:
        message = Path(scratch) / "statement"
        message.write_bytes(statement)
        # stdin stays the terminal, so ssh-keygen can ask for the key's passphrase.
        # S603: ssh-keygen by its full path, an argument list (no shell); the key and file are the user's own.
        done = subprocess.run([ssh_keygen(), "-Y", "sign", "-n", namespace, "-f", str(key), str(message)],  # noqa: S603
                              capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        signature = message.with_name("statement.sig")
        if done.returncode != 0 or not signature.is_file():
            raise ApprovalError(f"{key}: kunne ikke signere med nøglen: {_sign_failure(done.stderr, key)}")
        return signature.read_text(encoding="ascii")


def verify(statement: bytes, signature: str, allowed_signers: Path, identity: str) -> str | None:
    """None when `signature` is `identity`'s signature of `statement` by a key in `allowed_signers`;
    else why not (in Danish)."""
    return check_signature(statement, signature, allowed_signers, identity).problem


def _last_line(text: str) -> str:
    lines = [_PROMPT.sub("", line).strip() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "ingen besked fra ssh-keygen"


# ssh-keygen's passphrase prompt ends without a newline, so its error follows on the same line.
_PROMPT = re.compile(r"^\s*Enter passphrase[^:]*:\s*")
_WRONG_PASSPHRASE = "incorrect passphrase"  # noqa: S105 (ssh-keygen's message, not a password)


def _sign_failure(stderr: str, key: Path) -> str:
    """Why ssh-keygen could not sign, in Danish where we know the reason; never its passphrase prompt."""
    if _WRONG_PASSPHRASE in stderr:
        return (f"nøglen er beskyttet af en adgangssætning, som ikke blev givet eller var forkert "
                f"(skriv den, når du bliver spurgt, eller læg nøglen i ssh-agent: ssh-add {key})")
    return _last_line(stderr)


@dataclass(frozen=True)
class Verification:
    """A signature checked against an allowed signers file: the signing key's SHA256 fingerprint when it
    verifies, else why not (in Danish)."""

    fingerprint: str | None
    problem: str | None


_FINGERPRINT = re.compile(r"\bkey (SHA256:[A-Za-z0-9+/=]+)")


def check_signature(statement: bytes, signature: str, allowed_signers: Path, identity: str,
                    namespace: str = NAMESPACE) -> Verification:
    """Whether `signature` is `identity`'s signature of `statement` in `namespace` by a key that
    `allowed_signers` lets that identity use for that namespace, and by which key."""
    if not allowed_signers.is_file():
        return Verification(None, f"{allowed_signers}: filen med godkendere (allowed signers) findes ikke")
    return _verify(statement, signature, allowed_signers, identity, namespace, allowed_signers.name)


def verify_text(statement: bytes, signature: str, signers: str, identity: str, shown: str,
                namespace: str = NAMESPACE) -> Verification:
    """`check_signature` against the allowed signers `signers` (a file's text, e.g. as the ledger recorded
    it, called `shown` in messages).

    Approvers are counted by the fingerprint: one key is one pair of eyes, whatever identities the file
    lists it under."""
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        allowed = Path(scratch) / "allowed_signers"
        allowed.write_text(signers, encoding="utf-8")
        return _verify(statement, signature, allowed, identity, namespace, shown)


# ssh-keygen's answer when the key is not listed for the identity, or what was signed is not this.
_IN_DANISH = {"Could not verify signature.": "nøglen står ikke for identiteten i filen, eller det signerede er ændret"}


def _verify(statement: bytes, signature: str, allowed_signers: Path, identity: str, namespace: str,
            shown: str) -> Verification:
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        sig = Path(scratch) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = subprocess.run(  # noqa: S603 (ssh-keygen by its full path, an argument list, no shell)
            [ssh_keygen(), "-Y", "verify", "-f", str(allowed_signers), "-I", identity, "-n", namespace, "-s", str(sig)],
            input=statement, capture_output=True, timeout=_TIMEOUT_S, check=False,
        )
    said = done.stdout.decode("utf-8", "replace")
    found = _FINGERPRINT.search(said)
    if done.returncode == 0 and found is not None:
        return Verification(found.group(1), None)
    why = _last_line(done.stderr.decode("utf-8", "replace") or said)
    why = _IN_DANISH.get(why, why)
    return Verification(None, f"signaturen fra {identity} kan ikke verificeres mod {shown}: {why}")


def signing_key(statement: bytes, signature: str) -> str | None:
    """The fingerprint of the key that made `signature` of `statement` (checked against no list), or None."""
    with tempfile.TemporaryDirectory(prefix="kpro-verify-") as scratch:
        sig = Path(scratch) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        # S603: ssh-keygen by its full path, an argument list (no shell), on files written just above.
        done = subprocess.run([ssh_keygen(), "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)],  # noqa: S603
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
        # S603: ssh-keygen by its full path, an argument list (no shell), on files written just above.
        done = subprocess.run([ssh_keygen(), "-Y", "find-principals", "-f", str(allowed), "-s", str(sig)],  # noqa: S603
                              capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    names = done.stdout.split()
    return names[0] if done.returncode == 0 and names else None


def checked_text(value: str, option: str) -> str:
    """`value` of a command-line option that ends up in signed records and messages (`--as`, `--role`),
    without surrounding spaces; refused when it holds a control character (ESC, newline, …), which could
    rewrite a terminal line or a record, or, for `--as`, a space, which an allowed signers line cannot hold."""
    bad = [c for c in value if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"}]
    if bad:
        raise ApprovalError(f"{option}: må ikke indeholde styretegn som ESC eller linjeskift (fik {value!r})")
    value = value.strip()
    if option == "--as" and any(c.isspace() for c in value):
        raise ApprovalError(f"{option}: identiteten må ikke indeholde mellemrum (fik {value!r})")
    return value
