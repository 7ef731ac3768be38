"""The `approval` params section: who may approve a run, in which role, and how many must.

Optional: without it a run can be approved only once the section names an allowed signers file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kpro_econ.params.codes import SignatureMode


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _role_or_mapping(raw: Any) -> Any:
    """`anna@rn.dk: afdelingsleder` is short for `anna@rn.dk: {role: afdelingsleder}`."""
    return {"role": raw} if isinstance(raw, str) else raw


class Approver(_Frozen):
    """One person who may approve, by the identity they sign with."""

    role: str = Field(min_length=1, description="The approver's role, e.g. afdelingsleder.")
    name: str | None = Field(None, min_length=1, description="The approver's name as pages show it.")


class ApprovalSettings(_Frozen):
    """Who may approve a run and how: OpenSSH signatures checked against an allowed signers file."""

    allowed_signers: Path | None = Field(
        None, description="OpenSSH allowed signers file (one `IDENTITY KEYTYPE KEY` a line), relative to the "
        "params file; its sha256 is in the manifest like every input.",
    )
    roles: dict[str, Annotated[Approver, BeforeValidator(_role_or_mapping)]] = Field(
        default_factory=dict, description="Identity (e.g. anna@rn.dk) → role, or {role, name}. When "
        "given, only these identities may approve.",
    )
    required: int = Field(1, ge=1, le=10, description="How many distinct approvers a run needs (four eyes: 2).")
    exclude_runner: bool = Field(
        False, description="Whether the person who made the run may not approve it: the run must be signed by its "
        "maker (`run --key`), and an approver's key or identity may not be the maker's.",
    )
    signatures: SignatureMode = Field(
        SignatureMode.REQUIRED, description="`required` (default): every approval is signed with the approver's "
        "key; `optional`: unsigned approvals are accepted and shown as usigneret.",
    )

    @model_validator(mode="after")
    def _signers_when_signed(self) -> ApprovalSettings:
        if self.signatures == SignatureMode.REQUIRED and self.allowed_signers is None:
            raise ValueError("allowed_signers skal udfyldes, medmindre signatures er optional")
        return self
