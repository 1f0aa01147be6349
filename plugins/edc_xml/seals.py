"""XAdES seals (``proof/ds:Signature``): summarised into the canonical ``proof``, never written.

A converter cannot keep a seal valid: the signed bytes change. The reader records who sealed
the document and when (``kind`` ``xades``, ``signer``, ``created``); the writer never writes a
``proof``, and the report says the seal was not carried.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from credbridge.context import Context
from credbridge.report import Code

from .names import DS, XADES_NAMESPACES, local, q
from .values import parse_datetime


def _find_xades(signature: Any, name: str) -> Any | None:
    for ns in XADES_NAMESPACES:
        found = signature.find(f".//{q(name, ns)}")
        if found is not None:
            return found
    return None


def summarise(proof: Any | None, where: str) -> dict[str, Any] | None:
    """The canonical ``proof`` entry for a ``proof`` element, ``None`` when it holds no
    signature (EC samples carry an empty ``<proof></proof>``)."""
    if proof is None:
        return None
    signature = proof.find(q("Signature", DS))
    if signature is None:
        if not len(proof) and not (proof.text or "").strip():
            return None
        return {"kind": "other", "detail": f"{where}: a proof without ds:Signature"}
    out: dict[str, Any] = {"kind": "xades"}
    subject = signature.find(f".//{q('X509SubjectName', DS)}")
    certificate = signature.find(f"{q('KeyInfo', DS)}//{q('X509Certificate', DS)}")
    if subject is not None and (subject.text or "").strip():
        out["signer"] = " ".join(subject.text.split())
    elif certificate is not None:
        decoded = certificate_subject(certificate.text or "")
        if decoded:
            out["signer"] = decoded
        else:
            out["detail"] = "signer certificate present (subject not decoded)"
    signing_time = _find_xades(signature, "SigningTime")
    if signing_time is not None and signing_time.text:
        created = parse_datetime(signing_time.text)
        if created is not None:
            out["created"] = created.isoformat()
    method = signature.find(f"{q('SignedInfo', DS)}/{q('SignatureMethod', DS)}")
    algorithm = method.get("Algorithm") if method is not None else None
    detail = f"{where}: XAdES enveloped signature" + (f" ({algorithm})" if algorithm else "")
    out["detail"] = detail + (f"; {out['detail']}" if "detail" in out else "")
    return out


def report_not_carried(proofs: list[dict[str, Any]], ctx: Context) -> None:
    """Say that the seal(s) of the input are summarised only: no output carries them (the
    messages name ``ctx.record``, the credential being read)."""
    for proof in proofs:
        who = f" by {proof['signer']}" if proof.get("signer") else ""
        ctx.say(Code.NOTE, "proof", f"the input is sealed ({proof['kind']}{who}); the seal is "
                "summarised in 'proof' and is not carried to any output (it would no longer "
                "verify)")


def has_signature(element: Any) -> bool:
    """True when ``element`` (a ``proof``) holds a ``ds:Signature``."""
    return any(local(c) == "Signature" for c in element)


# --- the subject of an X.509 certificate (DER), without a cryptography dependency -----------

_NAME_ATTRIBUTES = {
    bytes([0x55, 0x04, 0x03]): "CN",
    bytes([0x55, 0x04, 0x0A]): "O",
    bytes([0x55, 0x04, 0x0B]): "OU",
    bytes([0x55, 0x04, 0x61]): "organizationIdentifier",
    bytes([0x55, 0x04, 0x05]): "serialNumber",
    bytes([0x55, 0x04, 0x07]): "L",
    bytes([0x55, 0x04, 0x06]): "C",
}
_STRING_CODECS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1",
                  0x1E: "utf-16-be"}


def _tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the DER element at ``pos`` (bounded by ``end``)."""
    if pos + 2 > end:
        raise ValueError("truncated DER")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if not 1 <= n <= 4 or pos + n > end:
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if pos + length > end:
        raise ValueError("truncated DER")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, s, e = _tlv(data, pos, end)
        out.append((tag, s, e))
        pos = e
    return out


def certificate_subject(text: str) -> str | None:
    """The subject of a base64 DER X.509 certificate as ``CN=…, O=…, C=…`` (the attributes
    that name a sealing organisation), ``None`` when it cannot be decoded."""
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
        _, cs, ce = _tlv(data, 0, len(data))
        tbs = _children(data, cs, ce)[0]
        fields = _children(data, tbs[1], tbs[2])
        if fields and fields[0][0] == 0xA0:  # explicit version
            fields = fields[1:]
        _, ns, ne = fields[4]  # serial, signature algorithm, issuer, validity, subject
        parts = []
        for _, rs, re_ in _children(data, ns, ne):
            for _, as_, ae in _children(data, rs, re_):
                (otag, os_, oe), (vtag, vs, ve) = _children(data, as_, ae)[:2]
                name = _NAME_ATTRIBUTES.get(data[os_:oe])
                codec = _STRING_CODECS.get(vtag)
                if otag == 0x06 and name and codec:
                    parts.append(f"{name}={data[vs:ve].decode(codec)}")
    except (ValueError, IndexError, binascii.Error, UnicodeDecodeError):
        return None
    order = ["CN", "O", "OU", "organizationIdentifier", "serialNumber", "L", "C"]
    parts.sort(key=lambda p: order.index(p.split("=", 1)[0]))
    return ", ".join(parts) or None
