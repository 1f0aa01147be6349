"""The proofs of an input, checked and reported as messages (``convert --verify``)."""

from __future__ import annotations

from credbridge.context import Context
from credbridge.errors import CredbridgeError
from credbridge.report import Code

from .evidence import credential_json
from .keys import TrustStore
from .outcome import Status
from .status import StatusList, check_status
from .verify import verify_bytes

_CODES = {Status.VERIFIED: Code.PROOF_VERIFIED, Status.INVALID: Code.PROOF_INVALID,
          Status.UNVERIFIABLE: Code.PROOF_UNCHECKED, Status.UNSUPPORTED: Code.PROOF_UNCHECKED}


def report_proofs(data: bytes, store: TrustStore, ctx: Context,
                  lists: dict[str, StatusList] | None = None) -> None:
    """One message per proof of the document ``data`` (``proof-verified``, ``proof-invalid``,
    ``proof-unchecked``), a note when it carries none; with status ``lists``, one message per
    status entry (``status``, a warning, when revoked, suspended or unknown; a note when
    clear)."""
    try:
        outcomes = verify_bytes(data, store)
    except CredbridgeError:
        return  # not a document the trust code reads: the reader reports what is wrong
    if not outcomes:
        ctx.say(Code.NOTE, "proof", "--verify: the input carries no proof")
    for outcome in outcomes:
        where = f"{outcome.where}: " if outcome.where else ""
        ctx.say(_CODES[outcome.status], "proof", where + outcome.line())
    if lists is None:
        return
    for result in check_status(credential_json(data), lists):
        ctx.say(Code.NOTE if result.state == "clear" else Code.STATUS,
                "verification.status_service", result.line())
