"""Every proof of one document, checked offline: the suite is chosen by the document's family
(a JAdES JSON serialisation, a compact JWS, a JSON-LD credential with ``proof``, an XML
document with ``ds:Signature``), and each proof gives one :class:`Outcome`."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from credbridge.errors import CredbridgeError, InputError
from credbridge.safety import load_json

from . import dataintegrity, jades, vcjwt
from .evidence import MAX_DEPTH, credential_json, embedded_sources
from .jws import split_compact
from .keys import TrustStore
from .outcome import Outcome

_COMPACT = re.compile(rb"^\s*(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\s*$")


def verify_bytes(data: bytes, store: TrustStore, *, detached: bytes | None = None,
                 depth: int = 0) -> list[Outcome]:
    """The outcomes of every proof in a document's bytes, then those of the documents it
    embeds as evidence (``--embed-source``; ``where`` names the evidence entry; embedded
    evidence without a proof adds none); ``[]`` when it carries none.
    :class:`~credbridge.errors.InputError` when the bytes are not a document (bad JSON)."""
    outcomes = _own(data, store, detached)
    if depth >= MAX_DEPTH:
        return outcomes
    for where, inner in embedded_sources(credential_json(data)):
        try:
            found = verify_bytes(inner, store, depth=depth + 1)
        except CredbridgeError:  # evidence that is no document (an image, a PDF): no proof
            continue
        outcomes += [replace(o, where=f"{where} (source)" + (f" {o.where}" if o.where else ""))
                     for o in found]
    return outcomes


def _own(data: bytes, store: TrustStore, detached: bytes | None) -> list[Outcome]:
    """The outcomes of the proofs of the document itself."""
    from .baked import baked

    inner = baked(data)
    if inner is not None:  # an Open Badges image: the proof of the credential baked into it
        return verify_bytes(inner, store, detached=detached) if baked(inner) is None else []
    head = data.lstrip()[:1]
    if _COMPACT.match(data):
        return [_compact(data.decode("ascii").strip(), store, detached)]
    tokens = [line for line in data.splitlines() if line.strip()]
    if len(tokens) > 1 and all(_COMPACT.match(line) for line in tokens):  # JWS lines
        return [replace(o, where=f"line {n}")
                for n, line in enumerate(tokens, 1)
                for o in [_compact(line.decode("ascii").strip(), store, detached)]]
    if head in (b"{", b"["):
        lines = [line for line in data.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip()[:1] == b"{" for line in lines):
            try:  # JSON Lines (a document spread over lines fails one of them)
                parsed = [load_json(line, what="a JSON line") for line in lines]
            except InputError:
                parsed = []
            if parsed:
                return [replace(o, where=f"line {n}" + (f" {o.where}" if o.where else ""))
                        for n, doc in enumerate(parsed, 1)
                        for o in verify_json(doc, store, detached=detached)]
        return verify_json(load_json(data, what="the document"), store, detached=detached)
    if head == b"<" and b"Signature" in data and b"http://www.w3.org/2000/09/xmldsig#" in data:
        from .xades import verify_xml

        return verify_xml(data, store)
    return []


def verify_json(doc: Any, store: TrustStore, *, detached: bytes | None = None
                ) -> list[Outcome]:
    """The outcomes of every proof of a parsed JSON document."""
    if isinstance(doc, list):
        return [o for item in doc for o in verify_json(item, store, detached=detached)]
    if not isinstance(doc, dict):
        return []
    if jades.is_jades_document(doc):
        return jades.verify_document(doc, store, detached)
    outcomes = [dataintegrity.verify_proof(doc, proof, store, _where(doc, n))
                for n, proof in enumerate(dataintegrity.proofs_of(doc))]
    return outcomes


def _where(doc: dict[str, Any], n: int) -> str:
    return f"proof[{n}]" if isinstance(doc.get("proof"), list) else "proof"


def _compact(token: str, store: TrustStore, detached: bytes | None) -> Outcome:
    try:
        header = split_compact(token)[0]
    except ValueError:
        header = {}
    if any(k in header for k in ("sigT", "x5t#S256", "adoTst")) or header.get("b64") is False:
        return jades.verify_compact(token, store, detached)
    return vcjwt.verify_token(token, store)


def verify_text(text: str, store: TrustStore) -> list[Outcome]:
    """:func:`verify_bytes` of a text."""
    return verify_bytes(text.encode("utf-8"), store)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """The JSON form of a document's outcomes."""
    return {"verified": bool(outcomes) and all(o.ok for o in outcomes),
            "proofs": [o.to_dict() for o in outcomes]}



