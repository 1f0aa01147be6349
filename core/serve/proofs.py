"""The answer of ``POST /verify``: every proof of each document checked offline, by the calls
``credbridge verify --json`` makes (:mod:`credbridge.trust`), in the same JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import CredbridgeError
from ..report import Code, Severity
from .problems import kind_of


def verify_documents(documents: Sequence[tuple[str, bytes]], trust: Sequence[str],
                     status_lists: Sequence[str], payload: bytes | None
                     ) -> dict[str, dict[str, Any]]:
    """``credbridge verify --json`` of ``documents`` (name, bytes) with the ``trust`` files,
    the ``status_lists`` files and a detached JAdES ``payload``: name -> ``verified``,
    ``proofs`` (and ``status``). A document that cannot be read has ``error`` (the CLI's
    text) and ``kind`` (its problem kind, for the service); an unusable trust or status list
    file raises."""
    from ..trust import load_trust
    from ..trust.proofs import check_document
    from ..trust.status import load_status_lists

    store = load_trust(trust)
    lists = load_status_lists(status_lists, store) if status_lists else None
    results: dict[str, dict[str, Any]] = {}
    for name, data in documents:
        try:
            results[name] = check_document(data, store, lists, payload).result
        except CredbridgeError as exc:
            results[name] = {"verified": False, "error": exc.message, "proofs": [],
                             "kind": kind_of(exc)}
    return results


def error_message(name: str, detail: str) -> dict[str, Any]:
    """The report message of a document that cannot be read (a problem's ``messages``)."""
    return {"code": str(Code.INVALID_RECORD), "severity": str(Severity.ERROR),
            "detail": detail, "file": name}
