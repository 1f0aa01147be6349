"""VC-JWT (Open Badges 3.0 §8.2.4.1: the payload is the credential plus JWT claims; the VC
Data Model 1.1 ``vc`` claim; VC 2.0 ``vc+jwt``) and OB 2.0 signed badges (a JWS whose payload
is the assertion): verify, and sign both.

The key is the header's ``kid`` (a DID URL, resolved offline) or its ``jwk``; a ``jwk`` in the
header is the signer's own claim, so with a ``kid`` as well the ``kid`` decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from .jws import ALGORITHMS, compact, split_compact, verify_signature
from .keys import TrustStore, b64url_encode, jwk_of, jwk_public
from .outcome import Outcome, invalid, unsupported, unverifiable, verified

VC_JWT = "vc-jwt"
OB2_JWS = "ob2-jws"


def credential_of(payload: Any) -> tuple[dict[str, Any] | None, str]:
    """(credential, suite) inside a JWS payload: the ``vc`` claim (VC 1.1 JWT), the payload
    itself (OB 3.0 §8.2.4.1, VC 2.0 ``vc+jwt``), or an OB 2.0 assertion."""
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
    controller = None
    if kid:
        info = store.resolve(kid)
        if info is None and facts["signer"] and kid.startswith("#"):
            info = store.resolve(str(facts["signer"]) + kid)
        if info is not None:
            public, controller = info.public, info.controller
    own_key = False
    if public is None and isinstance(header.get("jwk"), dict):
        try:
            public = jwk_public(header["jwk"])
        except (ValueError, KeyError) as exc:
            return invalid(suite, f"the header's jwk: {exc}", **facts)
        facts["key_id"] = facts["key_id"] or "jwk in header"
        own_key = True
        issuer_key = store.resolve(str(facts["signer"])) if facts["signer"] else None
        if issuer_key is not None:  # a did:key / did:jwk issuer: its key must be this one
            if jwk_of(issuer_key.public) != jwk_of(public):
                return invalid(suite, "the header's jwk is not the issuer's key", **facts)
            own_key, controller = False, issuer_key.controller
    creator = _creator(payload) if suite == OB2_JWS else None
    if public is None and creator:  # OB 2.0: the assertion names its key's URL
        facts["key_id"] = creator
        info = store.resolve(creator)
        if info is not None:
            public, controller = info.public, info.controller
    if public is None:
        named = kid or creator or "(none named)"
        return unverifiable(suite, f"the key {named} is not available offline (did:key "
                            "resolves locally; give others with --trust)", **facts)
    try:
        holds = verify_signature(str(alg), public, signature, signing_input)
    except ValueError as exc:
        return invalid(suite, str(exc), **facts)
    if not holds:
        return invalid(suite, "the signature does not match the token", **facts)
    issuer = facts["signer"]
    if controller and issuer != controller:
        if isinstance(issuer, str) and issuer.startswith("did:"):
            return invalid(suite, f"the signature holds, but the key belongs to {controller}, "
                           f"not to the issuer {issuer}", **facts)
        facts["signer"] = controller
    if suite == VC_JWT and isinstance(payload, dict) and credential is not None:
        mismatch = _claims_mismatch(payload, credential)
        if mismatch:
            return invalid(suite, f"the signature holds, but {mismatch}", **facts)
    if isinstance(payload, dict) and isinstance(payload.get("iat"), int | float):
        facts["signed_at"] = dt.datetime.fromtimestamp(payload["iat"], dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    if own_key:  # the signer is the key itself, whoever the token says issued it
        facts["signer"] = f"jwk thumbprint {_thumbprint(jwk_of(public))}"
        return verified(suite, detail="the key is the token's own (jwk header), not bound to "
                        f"the issuer {issuer or '(none)'}", **facts)
    return verified(suite, **facts)


def _claims_mismatch(payload: dict[str, Any], credential: dict[str, Any]) -> str | None:
    """VC 1.1 §6.3.1: ``iss``/``jti`` must be the credential's issuer and id when both say."""
    issuer = _id(credential.get("issuer"))
    if isinstance(payload.get("iss"), str) and issuer and payload["iss"] != issuer:
        return f"iss {payload['iss']} is not the credential's issuer {issuer}"
    if payload is credential:
        return None
    cid = credential.get("id")
    if isinstance(payload.get("jti"), str) and isinstance(cid, str) and payload["jti"] != cid:
        return f"jti {payload['jti']} is not the credential's id {cid}"
    return None


def sign_vc_jwt(credential: dict[str, Any], private: Any, kid: str, *,
                issued_at: dt.datetime | None = None) -> str:
    """A compact VC-JWT of ``credential`` in the OB 3.0 form (§8.2.4.1: the payload is the
    credential, with the JWT claims ``iss``, ``jti``, ``sub``, ``nbf``, ``exp`` and ``iat``,
    the signing time); the header names ``kid`` and carries the public ``jwk``."""
    claims: dict[str, Any] = dict(credential)
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


def sign_ob2(assertion: dict[str, Any], private: Any) -> str:
    """An OB 2.0 signed badge: the compact JWS whose payload is the assertion (OB 2.0
    "Signed Badges"; its ``verification.creator`` names the key). The header carries only the
    ``alg`` of the key (EdDSA, ES256/384/512, RS256), as openbadgeslib's OB 2.0 signer
    writes it."""
    return compact({}, json.dumps(assertion, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8"), private)


def _thumbprint(jwk: dict[str, str]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"),
                "RSA": ("e", "kty", "n")}[jwk["kty"]]
    members = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(members.encode()).digest())


def _creator(payload: Any) -> str | None:
    """The ``verification.creator`` of an OB 2.0 signed assertion (its public key's URL)."""
    verification = payload.get("verification") if isinstance(payload, dict) else None
    creator = verification.get("creator") if isinstance(verification, dict) else None
    return creator if isinstance(creator, str) else None


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
