"""Compact JWS (VC-JWT, OB 2.0 signed assertions): decode the payload, never verify or write."""

from __future__ import annotations

import base64
import re
from typing import Any

from credbridge.errors import InputError
from credbridge.safety import load_json

COMPACT_JWS = re.compile(rb"^\s*([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\s*$")


def looks_like_jws(data: bytes) -> bool:
    """True when ``data`` is a compact JWS whose header decodes to a JSON object."""
    m = COMPACT_JWS.match(data[:65536]) if len(data) < 65536 else None
    if m is None:
        head = data.lstrip()[:4]
        return head.startswith(b"eyJ") and data.count(b".") >= 2 and b"{" not in data[:200]
    return m.group(1).startswith(b"eyJ")


def _b64(part: bytes) -> bytes:
    return base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4))


def decode(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a compact JWS; the signature is not checked."""
    m = COMPACT_JWS.match(data)
    if m is None:
        raise InputError("not a compact JWS (three base64url parts separated by dots)")
    try:
        header = load_json(_b64(m.group(1)), what="JWS header")
        payload = load_json(_b64(m.group(2)), what="JWS payload")
    except (ValueError, TypeError):
        raise InputError("the JWS parts are not base64url-encoded JSON") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InputError("the JWS header and payload must be JSON objects")
    return header, payload


def header_only(data: bytes) -> dict[str, Any] | None:
    """The JOSE header when ``data`` is one base64url segment that decodes to a JSON object
    with ``alg``: a JWS protected header alone (a detached or cut signature); else None."""
    text = data.strip()
    if not text.startswith(b"eyJ") or b"." in text or len(text) > 1_000_000 or \
            re.fullmatch(rb"[A-Za-z0-9_-]+", text) is None:
        return None
    try:
        header = load_json(_b64(text), what="JWS header")
    except (ValueError, TypeError, InputError):
        return None
    return header if isinstance(header, dict) and "alg" in header else None
