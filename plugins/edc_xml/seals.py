"""XAdES seals (``proof/ds:Signature``): summarised into the canonical ``proof``, never written.

A converter cannot keep a seal valid: the signed bytes change. The reader records who sealed
the document and when (``kind`` ``xades``, ``signer``, ``created``); the writer never writes a
``proof``, and the report says the seal was not carried.
"""

from __future__ import annotations

from typing import Any

from credbridge.report import Code, Report

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
    if subject is not None and (subject.text or "").strip():
        out["signer"] = " ".join(subject.text.split())
    elif signature.find(f".//{q('X509Certificate', DS)}") is not None:
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


def report_not_carried(proofs: list[dict[str, Any]], report: Report, format_name: str,
                       record: str | int | None) -> None:
    """Say that the seal(s) of the input are summarised only: no output carries them."""
    for proof in proofs:
        who = f" by {proof['signer']}" if proof.get("signer") else ""
        report.add(Code.NOTE, f"the input is sealed ({proof['kind']}{who}); the seal is "
                   "summarised in 'proof' and is not carried to any output (it would no longer "
                   "verify)", field="proof", format=format_name, record=record)


def has_signature(element: Any) -> bool:
    """True when ``element`` (a ``proof``) holds a ``ds:Signature``."""
    return any(local(c) == "Signature" for c in element)
