"""JAdES-sealed EDC documents: a JWS in JSON serialisation ``{payload, signatures}``.

The EDC wallet and issuer seal a credential as JAdES: the credential is the (base64url)
payload. credbridge unwraps it, records what the seal said in canonical ``proof`` and never
writes the seal again (a converted document is no longer sealed). The signature is not verified.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from credbridge.errors import InputError
from credbridge.safety import load_json


@dataclass
class Seal:
    """What the JAdES header says: algorithm, signing time, signer hints."""

    algorithm: str | None
    signing_time: str | None
    signer: str | None
    count: int


def is_jades(doc: Any) -> bool:
    """True when ``doc`` is a JWS JSON serialisation (``payload`` and ``signatures``/
    ``signature``)."""
    return isinstance(doc, dict) and "payload" in doc and (
        "signatures" in doc or "signature" in doc or "protected" in doc)


_COMPACT = re.compile(rb"^\s*(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\s*$")


def from_compact(data: bytes) -> dict[str, Any] | None:
    """A compact JWS (``header.payload.signature``) as the JSON serialisation, else ``None``."""
    m = _COMPACT.match(data)
    if not m:
        return None
    protected, payload, signature = (g.decode("ascii") for g in m.groups())
    return {"payload": payload, "signatures": [{"protected": protected,
                                                "signature": signature}]}


def payload_head(head: bytes) -> bytes:
    """The decoded start of a JAdES payload in the first bytes of a document (for sniffing)."""
    m = re.search(rb'"payload"\s*:\s*"([A-Za-z0-9_-]{4,})', head)
    if not m:
        return b""
    text = m.group(1)[: len(m.group(1)) // 4 * 4]
    try:
        return base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError):
        return b""


def _b64url(text: str, what: str) -> bytes:
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    try:
        return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InputError(f"JAdES {what} is not base64url") from None


def unwrap(doc: dict[str, Any]) -> tuple[Any, Seal]:
    """The credential inside a JAdES document, and the seal's header facts."""
    payload = doc.get("payload")
    if not isinstance(payload, str):
        raise InputError("JAdES payload must be a string", field="payload")
    text = payload.strip()
    if text.startswith("{"):  # unencoded payload ("b64": false)
        credential = load_json(text, what="JAdES payload")
    else:
        credential = load_json(_b64url(text, "payload"), what="JAdES payload")
    if not isinstance(credential, dict):
        raise InputError("JAdES payload is not a JSON object", field="payload")
    signatures = doc.get("signatures")
    if not isinstance(signatures, list):
        signatures = [doc]
    header: dict[str, Any] = {}
    first = signatures[0] if signatures else {}
    if isinstance(first, dict) and isinstance(first.get("protected"), str):
        # untrusted like the payload: bounded depth and number size, never a RecursionError
        decoded = load_json(_b64url(first["protected"], "protected header"),
                            what="JAdES protected header")
        if isinstance(decoded, dict):
            header = decoded
    return credential, Seal(
        algorithm=_str(header.get("alg")),
        signing_time=_str(header.get("sigT")),
        signer=_signer(header),
        count=len(signatures),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _signer(header: dict[str, Any]) -> str | None:
    """A signer hint: the key id, else the certificate thumbprint (no X.509 parsing)."""
    for key in ("kid", "x5t#S256", "x5t#o", "x5t"):
        value = header.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("digVal"), str):
            return str(value["digVal"])
    return None
