"""A VC-JWT (compact JWS) inside a CLR: its payload, read without verifying the signature."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from credbridge.errors import InputError
from credbridge.safety import load_json

_NESTED = "credentialSubject.verifiableCredential"


def payload(token: str, field: str | None = _NESTED) -> Any:
    """The credential a compact JWS carries: the payload's ``vc`` claim (VC 1.1 JWT), else the
    payload itself (VC 2.0 JOSE). ``field`` names where the token is (errors say it): by
    default a credential nested in the CLR; ``None`` for the CLR itself."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InputError("a verifiableCredential string is not a compact JWS (three parts)",
                         field=field)
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    except (binascii.Error, ValueError):
        raise InputError("the payload of a VC-JWT is not base64url", field=field) from None
    claims = load_json(raw, what="VC-JWT payload")
    if isinstance(claims, dict) and isinstance(claims.get("vc"), dict):
        vc = dict(claims["vc"])
        if "id" not in vc and isinstance(claims.get("jti"), str):
            vc["id"] = claims["jti"]
        return vc
    return claims
