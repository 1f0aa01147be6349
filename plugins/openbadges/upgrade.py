"""Open Badges 0.5, 1.0 and 1.1 documents upgraded to 2.0, step by step (0.5 -> 1.0 -> 1.1 ->
2.0), as the 1EdTech validator (openbadges-validator-core) does before it checks a badge.

Each step is a small function from one version's JSON to the next one's; :func:`upgrade`
finds the version a document is in and runs the steps from there, and the reader reports each
step it went through (``Code.UPGRADED``). Nothing is fetched: a badge class or issuer named by
URL stays a URL (the documents given alongside complete it, as for 2.0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

OB1_CONTEXT = "https://w3id.org/openbadges/v1"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "http://w3id.org/openbadges/v2",
                 "https://openbadgespec.org/v2", "http://openbadgespec.org/v2")
_OB1_CONTEXTS = ("https://w3id.org/openbadges/v1", "http://w3id.org/openbadges/v1",
                 "http://openbadges.org/")
_HASHES = ("sha256$", "sha1$", "md5$", "sha512$")

Doc = dict[str, Any]
Step = Callable[[Doc], Doc]


def version_of(doc: Doc) -> str | None:
    """``"0.5"``, ``"1.0"``, ``"1.1"`` or ``"2.0"``: the Open Badges version of a document
    (None when it is none of them, e.g. another JSON-LD document)."""
    contexts = doc.get("@context")
    urls = [c for c in (contexts if isinstance(contexts, list) else [contexts])
            if isinstance(c, str)]
    if any(u.startswith(_OB2_CONTEXTS) for u in urls):
        return "2.0"
    if any(u.startswith(_OB1_CONTEXTS) for u in urls):
        return "1.1"
    if contexts is not None:
        return "2.0" if _kind(doc) else None  # an inline OB 2.0 context: read as 2.0
    badge = doc.get("badge")
    if isinstance(doc.get("recipient"), str) or (
            isinstance(badge, dict) and str(badge.get("version", "")).startswith("0.")):
        return "0.5"
    if _kind(doc):
        return "1.0"
    return None


def _kind(doc: Doc) -> str | None:
    """What a document is by type, or (typeless, 1.0) by shape."""
    types = doc.get("type", doc.get("@type"))
    names = types if isinstance(types, list) else [types]
    for kind in ("Assertion", "BadgeClass", "Issuer", "Profile"):
        if kind in names:
            return kind
    if "recipient" in doc and "badge" in doc:
        return "Assertion"
    if {"name", "criteria", "issuer"} <= doc.keys():
        return "BadgeClass"
    if "name" in doc and ("url" in doc or "origin" in doc):
        return "Issuer"
    return None


def step_0_5_to_1_0(doc: Doc) -> Doc:
    """0.5 -> 1.0: the recipient string becomes an identity object (hashed when it is a
    ``sha256$`` hash, with the assertion's ``salt``), ``issued_on`` becomes ``issuedOn``; the
    embedded badge loses ``version`` and its issuer's ``origin``/``contact`` become
    ``url``/``email``."""
    out = {k: v for k, v in doc.items() if k not in ("recipient", "salt", "issued_on")}
    recipient = doc.get("recipient")
    if isinstance(recipient, str):
        hashed = recipient.startswith(_HASHES)
        identity: Doc = {"type": "email", "hashed": hashed, "identity": recipient}
        if hashed and isinstance(doc.get("salt"), str):
            identity["salt"] = doc["salt"]
        out["recipient"] = identity
    elif recipient is not None:
        out["recipient"] = recipient
    if doc.get("issued_on") is not None:
        out["issuedOn"] = doc["issued_on"]
    badge = doc.get("badge")
    if isinstance(badge, dict):
        badge = {k: v for k, v in badge.items() if k != "version"}
        issuer = badge.get("issuer")
        if isinstance(issuer, dict):
            renamed = {"origin": "url", "contact": "email"}
            badge["issuer"] = {renamed.get(k, k): v for k, v in issuer.items()}
        out["badge"] = badge
    return out


def step_1_0_to_1_1(doc: Doc) -> Doc:
    """1.0 -> 1.1: the OB 1.1 context and a ``type`` (Assertion, BadgeClass, Issuer); a
    hosted assertion's ``verify.url`` becomes its ``id``; an embedded badge class and issuer
    get theirs too."""
    kind = _kind(doc)
    out: Doc = {"@context": OB1_CONTEXT, "type": kind or "Assertion", **doc}
    verify = doc.get("verify")
    if kind == "Assertion" and "id" not in doc and isinstance(verify, dict) and \
            verify.get("type") == "hosted" and isinstance(verify.get("url"), str):
        out["id"] = verify["url"]
    for key in ("badge", "issuer"):
        inner = out.get(key)
        if isinstance(inner, dict) and "type" not in inner:
            out[key] = {"type": "BadgeClass" if key == "badge" else "Issuer", **inner}
            nested = out[key].get("issuer")
            if key == "badge" and isinstance(nested, dict) and "type" not in nested:
                out[key]["issuer"] = {"type": "Issuer", **nested}
    return out


def step_1_1_to_2_0(doc: Doc) -> Doc:
    """1.1 -> 2.0: the OB 2.0 context; ``verify`` becomes ``verification`` (``hosted`` /
    ``signed`` -> ``HostedBadge`` / ``SignedBadge``); a Unix-time ``issuedOn``/``expires``
    becomes an ISO 8601 date-time; embedded objects lose their own 1.1 context."""
    out: Doc = {"@context": OB2_CONTEXT}
    for key, value in doc.items():
        if key == "@context":
            continue
        if key == "verify" and isinstance(value, dict):
            kind = {"hosted": "HostedBadge", "signed": "SignedBadge"}.get(
                str(value.get("type")), value.get("type"))
            out["verification"] = {**{k: v for k, v in value.items() if k != "url"},
                                   "type": kind}
        elif key in ("issuedOn", "expires"):
            out[key] = _iso(value)
        elif key in ("badge", "issuer") and isinstance(value, dict):
            out[key] = {k: v for k, v in step_1_1_to_2_0(value).items() if k != "@context"}
        else:
            out[key] = value
    return out


def _iso(value: Any) -> Any:
    """A Unix time (number or digits) as an ISO 8601 date-time in UTC; anything else as is."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            0 <= value < 32503680000:
        return dt.datetime.fromtimestamp(value, dt.UTC).isoformat().replace(
            "+00:00", "Z")
    return value


STEPS: tuple[tuple[str, str, Step], ...] = (
    ("0.5", "1.0", step_0_5_to_1_0),
    ("1.0", "1.1", step_1_0_to_1_1),
    ("1.1", "2.0", step_1_1_to_2_0),
)
"""The chain, in order: (from, to, step)."""


def upgrade(doc: Doc) -> tuple[Doc, list[str]]:
    """``doc`` as Open Badges 2.0 and the steps it went through (``"1.0 -> 1.1"``...); a 2.0
    document, or one of no Open Badges version, comes back unchanged with no steps."""
    version = version_of(doc)
    done: list[str] = []
    for start, end, step in STEPS:
        if version == start:
            doc = step(doc)
            done.append(f"{start} -> {end}")
            version = end
    return doc, done
