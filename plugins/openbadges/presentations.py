"""The credentials inside a wrapper: a Verifiable Presentation (JSON-LD, or the ``vp`` claim of
a VP-JWT, as walt.id issues them), and a VC 2.0 ``EnvelopedVerifiableCredential`` (a
``data:application/vc+jwt,…`` URL). JWTs are decoded, never verified; nothing is fetched."""

from __future__ import annotations

from typing import Any

from credbridge.errors import InputError
from credbridge.safety import Limits

from . import jws, refusals
from .common import Source, as_list, types_of
from .loader import check_contexts

PRESENTATION = "VerifiablePresentation"
ENVELOPED = "EnvelopedVerifiableCredential"
_OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential",
                       "Assertion"})
MAX_HELD = 1000
"""The most credentials of one presentation that are read."""


def is_wrapper(data: dict[str, Any]) -> bool:
    """True for a presentation or an enveloped credential."""
    types = types_of(data)
    return PRESENTATION in types or ENVELOPED in types or isinstance(data.get("vp"), dict)


def _is_badge(data: dict[str, Any]) -> bool:
    subject = as_list(data.get("credentialSubject"))
    return bool(set(types_of(data)) & _OB_TYPES) or (
        bool(subject) and isinstance(subject[0], dict) and "achievement" in subject[0])


def _enveloped(item: dict[str, Any], limits: Limits | None) -> Source:
    """The credential of an ``EnvelopedVerifiableCredential`` (its ``data:`` URL id)."""
    url = item.get("id")
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise InputError("an EnvelopedVerifiableCredential whose id is not a data: URL")
    media, body = url[5:].split(",", 1)
    if "jwt" not in media and not jws.looks_like_jws(body.encode()):
        raise InputError(f"an EnvelopedVerifiableCredential of media type {media!r}: "
                         "credbridge reads enveloped VC-JWTs")
    return _jwt(body, limits)


def _jwt(text: str, limits: Limits | None) -> Source:
    header, payload = jws.decode(text.strip().encode("ascii", "replace"))
    vc = payload.get("vc")
    data: dict[str, Any] = dict(vc) if isinstance(vc, dict) else dict(payload)
    for claim, key in (("jti", "id"), ("iss", "issuer")):
        if claim in payload and key not in data:
            data[key] = payload[claim]
    check_contexts(data, limits)
    return Source(data, "jwt", header)


def held(source: Source, limits: Limits | None = None) -> list[Source]:
    """The Open Badges credentials a wrapper holds (a presentation's, or the enveloped one);
    raises an :class:`InputError` that says what the presentation holds when none is one."""
    data = source.data
    if ENVELOPED in types_of(data):
        return [_enveloped(data, limits)]
    vp = data.get("vp")
    holder: dict[str, Any] = vp if isinstance(vp, dict) else data
    found: list[Source] = []
    kinds: list[list[str]] = []
    for item in as_list(holder.get("verifiableCredential"))[:MAX_HELD]:
        if isinstance(item, str):
            inner = _jwt(item, limits)
        elif isinstance(item, dict) and ENVELOPED in types_of(item):
            inner = _enveloped(item, limits)
        elif isinstance(item, dict):
            check_contexts(item, limits)
            inner = Source(item, source.container)
        else:
            continue
        kinds.append(types_of(inner.data))
        if _is_badge(inner.data):
            found.append(inner)
    if not found:
        raise InputError(refusals.presentation(kinds))
    return found
