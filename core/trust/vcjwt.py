"""VC-JWT (VC Data Model 1.1 JWT encoding, as Open Badges 3.0 uses it, and VC 2.0 ``vc+jwt``)
and OB 2.0 signed badges (a JWS whose payload is the assertion): verify and sign.

The key is the header's ``kid`` (a DID URL, resolved offline) or its ``jwk``; a ``jwk`` in the
header is the signer's own claim, so with a ``kid`` as well the ``kid`` decides.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .jws import ALGORITHMS, compact, split_compact, verify_signature
from .keys import TrustStore, jwk_of, jwk_public
from .outcome import Outcome, invalid, unsupported, unverifiable, verified

VC_JWT = "vc-jwt"
OB2_JWS = "ob2-jws"


def credential_of(payload: Any) -> tuple[dict[str, Any] | None, str]:
    """(credential, suite) inside a JWS payload: the ``vc`` claim (VC 1.1), the payload itself
    (VC 2.0 ``vc+jwt``), or an OB 2.0 assertion."""
    if not isinstance(payload, dict):
        return None, VC_JWT
    if isinstance(payload.get("vc"), dict):
        return payload["vc"], VC_JWT
    if "@context" in payload and ("credentialSubject" in payload or "type" in payload) and (
            "recipient" not in payload):
        return payload, VC_JWT
    return payload, OB2_JWS


def verify_token(token: str, store: TrustStore) -> Outcome:
    """The outcome of a compact VC-JWT or OB 2.0 signed badge."""
    try:
        header, body, signature, signing_input = split_compact(token)
        payload = json.loads(body)
    except ValueError:
        return invalid(VC_JWT, "not a compact JWS with a JSON payload")
    credential, suite = credential_of(payload)
    facts: dict[str, Any] = {"signer": _issuer(payload, credential)}
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        return unsupported(suite, f"algorithm {alg!r} not implemented", **facts)
    if header.get("crit"):
        return unsupported(suite, f"critical header not implemented: {header['crit']}",
                           **facts)
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    facts["key_id"] = kid
    public = None
    if kid:
        info = store.resolve(kid)
        if info is None and facts["signer"] and kid.startswith("#"):
            info = store.resolve(str(facts["signer"]) + kid)
        public = info.public if info else None
    if public is None and isinstance(header.get("jwk"), dict):
        try:
            public = jwk_public(header["jwk"])
        except (ValueError, KeyError) as exc:
            return invalid(suite, f"the header's jwk: {exc}", **facts)
        facts["key_id"] = facts["key_id"] or "jwk in header"
    if public is None:
        return unverifiable(suite, f"the key {kid or '(none named)'} is not available offline "
                            "(did:key resolves locally; give others with --trust)", **facts)
    try:
        holds = verify_signature(str(alg), public, signature, signing_input)
    except ValueError as exc:
        return invalid(suite, str(exc), **facts)
    if not holds:
        return invalid(suite, "the signature does not match the token", **facts)
    if suite == VC_JWT and isinstance(payload, dict) and credential is not None:
        mismatch = _claims_mismatch(payload, credential)
        if mismatch:
            return invalid(suite, f"the signature holds, but {mismatch}", **facts)
    if isinstance(payload, dict) and isinstance(payload.get("iat"), int | float):
        facts["signed_at"] = dt.datetime.fromtimestamp(payload["iat"], dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return verified(suite, **facts)


def _claims_mismatch(payload: dict[str, Any], credential: dict[str, Any]) -> str | None:
    """VC 1.1 §6.3.1: ``iss``/``jti`` must be the credential's issuer and id when both say."""
    if payload is credential:
        return None
    issuer = _id(credential.get("issuer"))
    if isinstance(payload.get("iss"), str) and issuer and payload["iss"] != issuer:
        return f"iss {payload['iss']} is not the credential's issuer {issuer}"
    cid = credential.get("id")
    if isinstance(payload.get("jti"), str) and isinstance(cid, str) and payload["jti"] != cid:
        return f"jti {payload['jti']} is not the credential's id {cid}"
    return None


def sign_vc_jwt(credential: dict[str, Any], private: Any, kid: str, *,
                issued_at: dt.datetime | None = None) -> str:
    """A compact VC-JWT of ``credential`` (the OB 3.0 form: the ``vc`` claim plus ``iss``,
    ``jti``, ``sub``, ``nbf``, ``exp`` and ``iat``, the signing time; the header names ``kid``
    and carries the public ``jwk``)."""
    claims: dict[str, Any] = {"vc": credential}
    claims["iat"] = int((issued_at or dt.datetime.now(dt.UTC)).timestamp())
    issuer = _id(credential.get("issuer"))
    if issuer:
        claims["iss"] = issuer
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    for name, claim in (("validFrom", "nbf"), ("issuanceDate", "nbf"), ("validUntil", "exp"),
                        ("expirationDate", "exp")):
        when = _epoch(credential.get(name))
        if when is not None:
            claims.setdefault(claim, when)
    header = {"typ": "JWT", "kid": kid, "jwk": jwk_of(private.public_key())}
    return compact(header, json.dumps(claims, separators=(",", ":"),
                                      ensure_ascii=False).encode("utf-8"), private)


def _epoch(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int((when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp())


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _issuer(payload: Any, credential: Any) -> str | None:
    if isinstance(credential, dict):
        found = _id(credential.get("issuer"))
        if found:
            return found
        badge = credential.get("badge")
        if isinstance(badge, dict):
            return _id(badge.get("issuer"))
    return payload.get("iss") if isinstance(payload, dict) and isinstance(
        payload.get("iss"), str) else None
