"""Detection of Open Badges documents by what they declare: the top-level ``@context`` and
``type`` (:func:`credbridge.sniffing.json_top`, so leading bulk such as an embedded image does
not hide them), the shape of the typeless Open Badges 0.5 / 1.0 documents, and the credential
inside a JWS, a VC-JWT or a presentation.

The rule for mixed documents: a declared type decides (``OpenBadgeCredential`` or
``AchievementCredential`` is OB 3.0 whatever other contexts it names: ``OWN_TYPE``); a
context or a shape only names the family (``GENERIC``).
"""

from __future__ import annotations

from typing import Any

from credbridge.formats import GENERIC, OWN_TYPE
from credbridge.sniffing import JsonTop, json_top, jws_payload_head

from . import baking, jws
from .drafts import DRAFT_CONTEXTS

OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})
"""Declared types that make a document an OB 3.0 one (an endorsement is refused by name)."""
OB3_CONTEXTS = ("https://purl.imsglobal.org/spec/ob/v3p0/",
                "https://imsglobal.github.io/openbadges-specification/",
                *DRAFT_CONTEXTS)  # the VC-EDU draft OB 3.0 grew from (read through a step)
OB2_CONTEXTS = ("https://w3id.org/openbadges/v", "http://w3id.org/openbadges/v",
                "https://openbadgespec.org/v", "http://openbadgespec.org/v")
"""OB 1.1 / 2.0 contexts, including the old ``openbadgespec.org/v2/context.json``."""
OB2_TYPES = frozenset({"Assertion", "BadgeClass", "Issuer", "Profile", "Endorsement"})
PRESENTATION = "VerifiablePresentation"
ENVELOPED = "EnvelopedVerifiableCredential"
CLR_TYPES = frozenset({"ClrCredential"})
_BADGECLASS_1_0 = frozenset({"name", "description", "image", "criteria", "issuer"})


def top_of(head: bytes) -> JsonTop | None:
    """The top-level members of a JSON head, or of the payload of a compact JWS / VC-JWT
    (its ``vc`` claim when there is one)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    # the head itself (not a stripped copy) for JSON: detection reads it once for every sniffer
    top = json_top(jws_payload_head(text) if text.startswith(b"eyJ") else head)
    if top is not None and isinstance(top.get("vc"), dict):
        return JsonTop(top.get("vc"), tuple(top.get("vc")), True)
    return top


def _inner(top: JsonTop) -> list[dict[str, Any]]:
    """The credentials a presentation (``verifiableCredential`` or a JWT's ``vp`` claim)
    holds, decoded where they are VC-JWTs or enveloped ones (as far as the head goes)."""
    holder = top.get("vp") if isinstance(top.get("vp"), dict) else top.members
    found: list[dict[str, Any]] = []
    value = holder.get("verifiableCredential")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and ENVELOPED in _types(item):
            item = item.get("id")
            if isinstance(item, str) and "," in item:
                item = item.split(",", 1)[1]
        if isinstance(item, str):
            inner = top_of(item.encode("utf-8", "replace"))
            item = inner.members if inner is not None else None
        if isinstance(item, dict):
            found.append(item)
    return found


def _types(node: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("type", "@type"):
        value = node.get(key)
        found.update(v for v in (value if isinstance(value, list) else [value])
                     if isinstance(v, str))
    return found


def _contexts(node: dict[str, Any]) -> list[str]:
    value = node.get("@context")
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def is_presentation(top: JsonTop) -> bool:
    """True for a Verifiable Presentation (JSON-LD, or the ``vp`` claim of a VP-JWT)."""
    return PRESENTATION in top.types() or isinstance(top.get("vp"), dict)


def ob3_score(head: bytes) -> int:
    """How surely ``head`` is an OB 3.0 document (0, ``GENERIC`` or ``OWN_TYPE``)."""
    if baking.is_png(head):
        return GENERIC if baking.OB2_KEYWORD.encode() + b"\x00" not in head else 0
    if baking.is_svg(head):
        return GENERIC if baking.OB2_SVG_NS.encode() + b'"' not in head else 0
    top = top_of(head)
    if top is None:
        # a JWS protected header alone (its payload detached or cut): the reader says so
        return GENERIC if head[:3] == b"eyJ" and jws.header_only(head) is not None else 0
    if is_presentation(top) or ENVELOPED in top.types():
        inner = _inner(top) if ENVELOPED not in top.types() else _inner(
            JsonTop({"verifiableCredential": top.members}, ("verifiableCredential",), True))
        if any(_types(c) & OB3_TYPES for c in inner):
            return OWN_TYPE
        if any("BlockcertsCredential" in _types(c) for c in inner):
            return GENERIC  # read by the ob3 reader, which says what they are
        return 0
    types = top.types()
    if types & CLR_TYPES:
        return 0
    if types & OB3_TYPES:
        return OWN_TYPE
    if any(c.startswith(OB3_CONTEXTS) for c in top.contexts()):
        return GENERIC
    subject = top.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict) and "achievement" in subject:
        return GENERIC
    if "@context" not in top.members and not top.complete:  # cut off before it: by words
        text = head[:65536]
        return GENERIC if (b"purl.imsglobal.org/spec/ob/v3p0" in text
                           or b'"OpenBadgeCredential"' in text) else 0
    return 0


def _inline_ob2(value: Any) -> bool:
    """True when an inline context (an object, or one in a list) maps terms into the Open
    Badges vocabulary (the OB 2.0 context copied into the document)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and any(isinstance(v, str) and v.startswith(
                ("https://w3id.org/openbadges#", "https://w3id.org/openbadges/"))
                for v in item.values()):
            return True
    return False


def ob2_score(head: bytes) -> int:
    """How surely ``head`` is an Open Badges 0.5 to 2.0 document (0, ``GENERIC`` or
    ``OWN_TYPE``)."""
    if baking.is_png(head):
        return GENERIC if baking.OB2_KEYWORD.encode() + b"\x00" in head else 0
    if baking.is_svg(head):
        return GENERIC if baking.OB2_SVG_NS.encode() + b'"' in head else 0
    top = top_of(head)
    if top is None or is_presentation(top):
        return 0
    types = top.types()
    if types & OB3_TYPES or types & CLR_TYPES:
        return 0
    contexts = top.contexts()
    if any(c.startswith(OB3_CONTEXTS) for c in contexts):
        return 0
    if any(c.startswith(OB2_CONTEXTS) for c in contexts) or _inline_ob2(top.get("@context")):
        return OWN_TYPE if types & OB2_TYPES else GENERIC
    if "@context" in top.members:
        return 0
    if not top.keys and b"w3id.org/openbadges/v" in head[:4096]:
        return GENERIC  # not JSON (comments?): the reader says where it breaks
    keys = set(top.keys)
    if {"recipient", "badge"} <= keys:  # an assertion of 0.5 / 1.0 (no context, no type)
        return GENERIC
    if keys >= _BADGECLASS_1_0:  # a 1.0 badge class
        return GENERIC
    return 0
