"""JOSE signatures (RFC 7515/7518, RFC 8037): verify and make one signature with a key.

Shared by the suites built on JWS: JAdES, VC-JWT, OB 2.0 signed badges.
"""

from __future__ import annotations

import json
from typing import Any

from ._crypto import crypto
from .keys import PublicKey, b64url_decode, b64url_encode

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
              "ES256K", "EdDSA", "Ed25519")


def _hash(alg: str) -> Any:
    c = crypto()
    return {"256": c.hashes.SHA256, "384": c.hashes.SHA384, "512": c.hashes.SHA512}.get(
        alg[-3:], c.hashes.SHA256)()


def verify_signature(alg: str, public: PublicKey, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` over ``data`` holds under ``public`` with JOSE ``alg``;
    ``ValueError`` when ``alg`` is not supported or does not fit the key."""
    c = crypto()
    try:
        if alg in ("EdDSA", "Ed25519"):
            if not isinstance(public, c.ed25519.Ed25519PublicKey):
                raise ValueError(f"{alg} needs an Ed25519 key")
            public.verify(signature, data)
        elif alg.startswith("ES"):
            if not isinstance(public, c.ec.EllipticCurvePublicKey):
                raise ValueError(f"{alg} needs an EC key")
            size = (public.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            der = c.utils.encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                               int.from_bytes(signature[size:], "big"))
            public.verify(der, data, c.ec.ECDSA(_hash(alg)))
        elif alg[:2] in ("RS", "PS"):
            if not isinstance(public, c.rsa.RSAPublicKey):
                raise ValueError(f"{alg} needs an RSA key")
            pad = (c.padding.PKCS1v15() if alg.startswith("RS") else
                   c.padding.PSS(c.padding.MGF1(_hash(alg)), _hash(alg).digest_size))
            public.verify(signature, data, pad, _hash(alg))
        else:
            raise ValueError(f"JWS algorithm not supported: {alg!r}")
    except c.InvalidSignature:
        return False
    return True


def algorithm_for(private: Any) -> str:
    """The JOSE ``alg`` credbridge signs with for a private key."""
    c = crypto()
    if isinstance(private, c.ed25519.Ed25519PrivateKey):
        return "EdDSA"
    if isinstance(private, c.ec.EllipticCurvePrivateKey):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512",
                "secp256k1": "ES256K"}[private.curve.name]
    if isinstance(private, c.rsa.RSAPrivateKey):
        return "RS256"
    raise ValueError("key type not supported for signing")


def sign_bytes(private: Any, data: bytes, alg: str | None = None) -> bytes:
    """The JOSE signature of ``data`` (EC signatures as ``r || s``)."""
    c = crypto()
    alg = alg or algorithm_for(private)
    if alg == "EdDSA":
        return bytes(private.sign(data))
    if alg.startswith("ES"):
        r, s = c.utils.decode_dss_signature(private.sign(data, c.ec.ECDSA(_hash(alg))))
        size = (private.curve.key_size + 7) // 8
        return bytes(r.to_bytes(size, "big") + s.to_bytes(size, "big"))
    return bytes(private.sign(data, c.padding.PKCS1v15(), _hash(alg)))


def compact(header: dict[str, Any], payload: bytes, private: Any) -> str:
    """A compact JWS ``header.payload.signature`` (``alg`` set from the key)."""
    header = {"alg": algorithm_for(private), **header}
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    body = b64url_encode(payload)
    signature = sign_bytes(private, f"{protected}.{body}".encode("ascii"), header["alg"])
    return f"{protected}.{body}.{b64url_encode(signature)}"


def split_compact(token: str) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """(header, payload, signature, signing input) of a compact JWS; ``ValueError`` when it
    is not one."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ValueError("a compact JWS has three parts")
    header = json.loads(b64url_decode(parts[0]))
    if not isinstance(header, dict):
        raise ValueError("the JWS header is not a JSON object")
    return (header, b64url_decode(parts[1]), b64url_decode(parts[2]),
            f"{parts[0]}.{parts[1]}".encode("ascii"))
