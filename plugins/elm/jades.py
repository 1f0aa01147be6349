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
    """The signer: the subject of the signing certificate (the first of ``x5c``), written as
    the EDC XML reader writes a XAdES signer (``CN=…, O=…, organizationIdentifier=…, C=…``).
    Else a ``kid`` that is a URI (a DID URL names the signer's key); never a base64 ``kid``:
    in an EDC seal it is the issuer and serial number of the certificate (the CA's name), not
    who sealed."""
    chain = header.get("x5c")
    if isinstance(chain, list) and chain and isinstance(chain[0], str):
        subject = certificate_subject(chain[0])
        if subject:
            return subject
    kid = header.get("kid")
    if isinstance(kid, str) and re.match(r"[a-z][a-z0-9+.-]*:\S+$", kid):
        return kid
    return None


_NAME_ORDER = ("CN", "O", "OU", "organizationIdentifier", "serialNumber", "L", "C")
_NAME_OIDS = {"2.5.4.3": "CN", "2.5.4.10": "O", "2.5.4.11": "OU",
              "2.5.4.97": "organizationIdentifier", "2.5.4.5": "serialNumber",
              "2.5.4.7": "L", "2.5.4.6": "C"}


def certificate_subject(text: str) -> str | None:
    """The subject of a base64 DER X.509 certificate (decoded with ``cryptography``, the
    ``sign`` extra) as ``CN=…, O=…, organizationIdentifier=…, C=…``; ``None`` when it cannot
    be decoded or ``cryptography`` is not installed."""
    try:
        from cryptography import x509
    except ImportError:
        return None
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
        subject = x509.load_der_x509_certificate(der).subject
    except (ValueError, binascii.Error):
        return None
    parts = []
    for attribute in subject:
        name = _NAME_OIDS.get(attribute.oid.dotted_string)
        if name is not None and isinstance(attribute.value, str):
            parts.append((_NAME_ORDER.index(name), f"{name}={attribute.value}"))
    return ", ".join(text for _, text in sorted(parts, key=lambda p: p[0])) or None
