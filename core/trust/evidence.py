"""``--embed-source`` for Open Badges 3.0 and CLR outputs: the source document travels in the
output as evidence (the EC "converted" profile idea), byte for byte, so its own seal or proof
stays checkable after conversion; and the sources embedded in a document, found again by
``verify``.

The form is the one OB 3.0 gives for it: an ``Evidence`` whose ``id`` is "the URL of a webpage
presenting evidence of achievement or the evidence encoded as a Data URI" (OB 3.0 §B.1.9,
Evidence.id). The data URL is base64 (RFC 2397): a JAdES seal with an unencoded payload holds
only for the exact bytes, which percent-encoding of JSON text would not keep readable, and
base64 keeps any bytes (XML, images) as they were. Its media type says what the bytes are
(``application/jose+json`` for a JAdES JSON serialisation, RFC 7515 §9.2). A CLR 2.0
``ClrCredential`` has no evidence of its own; the ``evidence`` property of the VC Data Model
(1.1 §5.6, in the VC context the CLR names) carries the same entry there.

ELM outputs embed their source through the elm writer's own ``embed_source`` option (an
``Evidence`` with an ``embeddedEvidence`` ``MediaObject``, base64); :func:`embedded_sources`
finds both forms.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from credbridge.errors import UsageError

TARGETS = ("ob3", "clr")
"""Targets whose ``--embed-source`` credbridge.trust adds after the writer (elm has its own)."""

OPTION = "embed_source"
GENRE = "Source document"
MAX_DEPTH = 3
"""How deep ``verify`` follows sources embedded in embedded sources."""


def take_option(options: Mapping[str, Any] | None, target: str, declared: bool = False
                ) -> tuple[Mapping[str, Any] | None, bool]:
    """(the options without ``embed_source`` for the target, whether it was asked for): for
    ob3 and clr targets, whose writers do not declare it, the flag is credbridge.trust's
    (flat ``embed_source`` or ``{target: {"embed_source": ...}}``); a target whose writer
    declares it (``declared``: elm) keeps it; for any other target a flat ``embed_source``
    is a usage error (it would reach only a reader, and be silently without effect)."""
    if not options:
        return options, False
    if target not in TARGETS:
        if not declared and _truthy(options.get(OPTION, False)):
            raise UsageError(f"--embed-source: {', '.join(TARGETS)} and elm outputs carry "
                             f"their source document; {target} does not")
        return options, False
    rest = dict(options)
    asked = _truthy(rest.pop(OPTION, False))
    own = rest.get(target)
    if isinstance(own, Mapping) and OPTION in own:
        own = dict(own)
        asked = _truthy(own.pop(OPTION)) or asked
        rest[target] = own
    return rest, asked


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def media_type(data: bytes) -> str:
    """The media type of a source document's bytes (from the bytes, not the file name)."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"\x89PNG"):
        return "image/png"
    if text.startswith(b"<"):
        return "image/svg+xml" if b"<svg" in text[:4096] else "application/xml"
    if text.startswith(b"eyJ"):
        return "application/jose"  # a compact JWS (RFC 7515 §9.2.1)
    if text.startswith(b"{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return "application/json"
        if isinstance(doc, dict) and ("signatures" in doc or "protected" in doc) and (
                "payload" in doc or "signature" in doc or "signatures" in doc):
            return "application/jose+json"
        if isinstance(doc, dict) and "@context" in doc:
            return "application/ld+json"
    return "application/json"


def data_url(data: bytes) -> str:
    """A base64 ``data:`` URL of ``data`` with its media type."""
    return f"data:{media_type(data)};base64,{base64.b64encode(data).decode('ascii')}"


def with_source(doc: dict[str, Any], data: bytes, source_format: str) -> dict[str, Any]:
    """``doc`` with one more ``evidence`` entry holding the source document."""
    entry = {"id": data_url(data), "type": ["Evidence"], "name": GENRE,
             "description": f"The {source_format} document this credential was converted from "
                            "by credbridge, byte for byte (its own seal or proof, if any, can "
                            "be checked: credbridge verify)",
             "genre": GENRE}
    out = dict(doc)
    present = out.get("evidence")
    out["evidence"] = ([*present] if isinstance(present, list) else
                       [present] if present is not None else []) + [entry]
    return out


def embedded_sources(doc: Any) -> list[tuple[str, bytes]]:
    """(where, bytes) of every document embedded as evidence in ``doc``: OB 3.0 / CLR
    ``evidence`` entries whose ``id`` is a base64 data URL, ELM ``embeddedEvidence`` media
    objects with base64 ``content``."""
    if not isinstance(doc, dict):
        return []
    evidence = doc.get("evidence")
    entries = evidence if isinstance(evidence, list) else [evidence]
    found = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        where = f"evidence[{n}]" if isinstance(evidence, list) else "evidence"
        data = _from_data_url(entry.get("id"))
        if data is None:
            data = _from_media_object(entry.get("embeddedEvidence"))
        if data is not None:
            found.append((where, data))
    return found


def _from_data_url(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value.startswith("data:"):
        return None
    head, sep, body = value.partition(",")
    if not sep or not head.endswith(";base64"):
        return None
    try:
        return base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error):
        return None


def _from_media_object(value: Any) -> bytes | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict) or not isinstance(value.get("content"), str):
        return None
    encoding = value.get("contentEncoding")
    names = json.dumps(encoding).lower() if encoding is not None else ""
    if "base64" not in names:
        return None
    try:
        return base64.b64decode("".join(value["content"].split()), validate=True)
    except (ValueError, binascii.Error):
        return None


def credential_json(data: bytes) -> Any:
    """The credential a document's bytes hold, for its status: JSON, a JAdES payload or a
    compact JWS's payload (``None`` when none is found)."""
    from .jades import is_jades_document

    text = data.strip()
    try:
        if text.startswith(b"{"):
            doc = json.loads(text)
            if is_jades_document(doc) and isinstance(doc.get("payload"), str):
                payload = doc["payload"]
                doc = json.loads(payload if payload.lstrip().startswith("{") else
                                 base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return doc
        from .jws import split_compact

        doc = json.loads(split_compact(text.decode("ascii"))[1])
        return doc.get("vc", doc) if isinstance(doc, dict) else doc
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
