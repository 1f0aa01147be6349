"""JAdES (ETSI TS 119 182-1) seals of EDC 3 credentials: JWS in JSON serialisation (general or
flattened) or compact, the payload attached, unencoded (``b64: false``, as the EC seals it) or
detached.

The signature is checked with the certificate of ``x5c`` (or one given with ``--trust`` that
``x5t#S256``/``kid`` names); the certificate must match ``x5t#S256`` and be valid at ``sigT``;
with trust anchors given, it must chain to one. Time-stamp tokens (``adoTst``, ``etsiU``) are
understood as critical headers but not checked (the outcome says so).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from ._crypto import crypto
from .jws import ALGORITHMS, verify_signature
from .keys import TrustStore, b64url_decode, b64url_encode, check_chain, subject_of, valid_at
from .outcome import Outcome, invalid, unsupported, unverifiable, verified

SUITE = "jades"

UNDERSTOOD = frozenset({"b64", "sigT", "adoTst", "sigX5ts", "srCms", "srAts", "sigPl",
                        "sigPId", "x5t#o", "cty", "typ"})
"""Critical header parameters credbridge processes (or, for signed attributes of the signer,
reads as facts): a ``crit`` naming any other makes the seal ``unsupported`` (RFC 7515 §4.1.11)."""


def is_jades_document(doc: Any) -> bool:
    """True when ``doc`` is a JWS in JSON serialisation."""
    return isinstance(doc, dict) and ("signatures" in doc or "signature" in doc) and (
        "payload" in doc or "protected" in doc or "signatures" in doc)


def signatures_of(doc: dict[str, Any]) -> list[Any]:
    """The signature objects of a general or flattened JSON serialisation."""
    found = doc.get("signatures")
    return found if isinstance(found, list) else [doc]


def verify_compact(token: str, store: TrustStore, detached: bytes | None = None) -> Outcome:
    """The outcome of a compact JAdES ``header.payload.signature`` (an empty payload part is a
    detached payload)."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return invalid(SUITE, "a compact JWS has three parts")
    doc = {"payload": parts[1], "protected": parts[0], "signature": parts[2]}
    return verify_document(doc, store, detached)[0]


def verify_document(doc: dict[str, Any], store: TrustStore,
                    detached: bytes | None = None) -> list[Outcome]:
    """One outcome per signature of a JAdES document."""
    payload = doc.get("payload")
    return [_verify_one(sig, payload, store, detached, f"signatures[{n}]")
            for n, sig in enumerate(signatures_of(doc))]


def _verify_one(sig: Any, payload: Any, store: TrustStore, detached: bytes | None,
                where: str) -> Outcome:
    if not isinstance(sig, dict) or not isinstance(sig.get("protected"), str):
        return invalid(SUITE, "a signature without a protected header", where=where)
    try:
        header = json.loads(b64url_decode(sig["protected"]))
        signature = b64url_decode(str(sig.get("signature", "")))
    except ValueError:
        return invalid(SUITE, "the protected header or signature is not base64url JSON",
                       where=where)
    if not isinstance(header, dict):
        return invalid(SUITE, "the protected header is not a JSON object", where=where)
    alg = header.get("alg")
    facts: dict[str, Any] = {"where": where, "signed_at": _str(header.get("sigT"))}
    if alg not in ALGORITHMS:
        return unsupported(SUITE, f"algorithm {alg!r} not implemented", **facts)
    crit = header.get("crit") or []
    unknown = [c for c in crit if c not in UNDERSTOOD] if isinstance(crit, list) else [crit]
    if unknown or "sigD" in header:
        name = "sigD (payload by reference)" if "sigD" in header else ", ".join(map(str, unknown))
        return unsupported(SUITE, f"critical header not implemented: {name}", **facts)
    encoded = header.get("b64", True) is not False
    if isinstance(payload, str) and payload:
        body = payload.encode("utf-8")
    elif detached is None:
        return unverifiable(SUITE, "the payload is detached and was not given", **facts)
    else:
        body = b64url_encode(detached).encode("ascii") if encoded else detached
    signing_input = sig["protected"].encode("ascii") + b"." + body
    key, cert, chain, problem = _signer_key(header, store)
    facts["key_id"] = _str(header.get("x5t#S256")) or _str(header.get("kid"))
    if problem is not None:
        problem_facts = {**facts, "signer": subject_of(cert) if cert is not None else None}
        if key is None:
            return unverifiable(SUITE, problem, **problem_facts)
        return invalid(SUITE, problem, **problem_facts)
    if cert is not None:
        facts["signer"] = subject_of(cert)
    signing_time = _time(facts["signed_at"])
    if cert is not None and not valid_at(cert, signing_time):
        return invalid(SUITE, "the signer's certificate was not valid at signing time "
                       f"({cert.not_valid_before_utc:%Y-%m-%d} to "
                       f"{cert.not_valid_after_utc:%Y-%m-%d})", **facts)
    try:
        holds = verify_signature(str(alg), key, signature, signing_input)
    except ValueError as exc:
        return invalid(SUITE, str(exc), **facts)
    if not holds:
        return invalid(SUITE, "the signature does not match the signed payload and header",
                       **facts)
    notes = []
    if cert is not None:
        result = check_chain(cert, chain, store, signing_time)
        if result.trusted is False:
            return invalid(SUITE, f"signature holds, but {result.detail}", **facts)
        facts["anchor"] = result.anchor
        if result.trusted is None:
            notes.append(result.detail)
    if "adoTst" in header or "etsiU" in sig.get("header", {}):
        notes.append("time-stamp tokens not checked")
    return verified(SUITE, detail="; ".join(notes), **facts)


def _signer_key(header: dict[str, Any], store: TrustStore
                ) -> tuple[Any, Any, list[Any], str | None]:
    """(public key, certificate, rest of the chain, problem) of a JAdES header."""
    c = crypto()
    thumb = header.get("x5t#S256")
    try:
        wanted = b64url_decode(thumb) if isinstance(thumb, str) else None
    except ValueError:
        return None, None, [], "x5t#S256 is not base64url"
    x5c = header.get("x5c")
    if isinstance(x5c, list) and x5c:
        try:
            chain = [c.x509.load_der_x509_certificate(base64.b64decode(str(v), validate=True))
                     for v in x5c]
        except (ValueError, binascii.Error):
            return None, None, [], "x5c holds a certificate that cannot be read"
        cert = chain[0]
        if wanted is not None and cert.fingerprint(c.hashes.SHA256()) != wanted:
            return cert.public_key(), cert, [], "x5t#S256 does not match the x5c certificate"
        return cert.public_key(), cert, chain[1:], None
    cert = store.certificate_for(wanted)
    if cert is not None:
        return cert.public_key(), cert, [], None
    kid = header.get("kid")
    if isinstance(kid, str):
        info = store.resolve(kid)
        if info is not None:
            return info.public, None, [], None
    return None, None, [], ("the signer's certificate is not in the seal and was not given "
                            "(--trust)")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def seal(payload: bytes, private: Any, chain: list[Any], *, signing_time: dt.datetime | None
         = None, detached: bool = False, form: str = "json") -> str:
    """A JAdES-B seal of ``payload`` in the EC's form (unencoded payload ``b64: false``,
    ``sigT``, ``x5t#S256``, ``x5c``), as the JSON serialisation (``form="json"``) or compact
    (``form="compact"``, base64url payload); ``detached`` leaves the payload out."""
    from .jws import algorithm_for, sign_bytes

    c = crypto()
    when = (signing_time or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    compact = form == "compact"
    header: dict[str, Any] = {
        "alg": algorithm_for(private), "cty": "json", "typ": "jose+json" if not compact
        else "jose",
        "x5t#S256": b64url_encode(chain[0].fingerprint(c.hashes.SHA256())),
        "x5c": [base64.b64encode(cert.public_bytes(c.serialization.Encoding.DER)).decode()
                for cert in chain],
        "sigT": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "crit": ["sigT"] if compact else ["b64", "sigT"],
    }
    if not compact:
        header["b64"] = False
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    body = b64url_encode(payload) if compact else payload.decode("utf-8")
    signature = b64url_encode(sign_bytes(private, f"{protected}.{body}".encode()))
    if compact:
        return f"{protected}.{'' if detached else body}.{signature}"
    doc: dict[str, Any] = {"signatures": [{"protected": protected, "signature": signature}]}
    if not detached:
        doc = {"payload": body, **doc}
    return json.dumps(doc, ensure_ascii=False)
