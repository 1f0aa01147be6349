"""The proofs of an input, checked: as report messages (``convert --verify``) and as the
answer of ``credbridge verify`` and ``POST /verify`` (:func:`check_document`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from credbridge.context import Context
from credbridge.errors import CredbridgeError
from credbridge.report import Code

from .evidence import credential_json
from .keys import TrustStore
from .outcome import Outcome, Status
from .status import StatusList, StatusResult, check_status
from .verify import summary, verify_bytes

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


@dataclass(frozen=True)
class DocumentCheck:
    """Every proof of one document checked, and its status entries looked up."""

    outcomes: list[Outcome]
    statuses: list[StatusResult] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    """The document's entry of ``credbridge verify --json``: ``verified``, ``proofs`` and
    (with status lists) ``status``; not verified when an entry is not clear."""


def check_document(data: bytes, store: TrustStore, lists: dict[str, StatusList] | None,
                   detached: bytes | None = None) -> DocumentCheck:
    """Check every proof of ``data`` offline (a detached JAdES ``payload`` if given) and look
    its status entries up in ``lists``; a document the trust code cannot read raises
    :class:`~credbridge.errors.CredbridgeError`."""
    outcomes = verify_bytes(data, store, detached=detached)
    result = summary(outcomes)
    statuses = check_status(credential_json(data), lists) if lists is not None else []
    if statuses:
        result["status"] = [r.to_dict() for r in statuses]
        if any(r.state != "clear" for r in statuses):
            result["verified"] = False
    return DocumentCheck(outcomes, statuses, result)
