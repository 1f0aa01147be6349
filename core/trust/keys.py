"""Offline key sources: ``did:key`` resolved locally, and what the user gives with ``--trust``
(DID documents, JWK sets, PEM certificates and trust anchors). Nothing is ever fetched.

A certificate given with ``--trust`` is a trust anchor when it is self-signed (a root) and an
intermediate otherwise; a certificate chain is checked link by link up to an anchor, each
certificate valid at the signing time.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credbridge.errors import UsageError

from ._crypto import crypto

PublicKey = Any
"""A ``cryptography`` public key (Ed25519, EC or RSA)."""

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_MULTICODEC = {  # varint prefix -> key kind
    b"\xed\x01": "Ed25519",
    b"\x80\x24": "P-256",
    b"\x81\x24": "P-384",
    b"\xe7\x01": "secp256k1",
}


def b58decode(text: str) -> bytes:
    """Base58 (bitcoin alphabet) to bytes."""
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def b58encode(data: bytes) -> str:
    """Bytes to base58 (bitcoin alphabet)."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b64url_decode(text: str) -> bytes:
    """Base64url without padding to bytes (``ValueError`` when it is not)."""
    stripped = text.strip()
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), altchars=b"-_",
                                validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64url") from exc


def b64url_encode(data: bytes) -> str:
    """Bytes to base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def multikey_public(value: str) -> PublicKey:
    """The public key of a multibase (``z``, base58btc) multicodec key: a ``did:key``
    identifier or a ``publicKeyMultibase``."""
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase key")
    raw = b58decode(value[1:])
    kind = _MULTICODEC.get(raw[:2])
    if kind is None:
        raise ValueError("key type not supported (multicodec prefix "
                         f"{raw[:2].hex()})")
    return _raw_public(kind, raw[2:])


def _raw_public(kind: str, raw: bytes) -> PublicKey:
    c = crypto()
    if kind == "Ed25519":
        return c.ed25519.Ed25519PublicKey.from_public_bytes(raw)
    curve = {"P-256": c.ec.SECP256R1, "P-384": c.ec.SECP384R1, "secp256k1": c.ec.SECP256K1}[kind]
    return c.ec.EllipticCurvePublicKey.from_encoded_point(curve(), raw)


def multikey_of(public: PublicKey) -> str:
    """The ``z…`` multibase of an Ed25519 public key (a ``did:key`` identifier's body)."""
    c = crypto()
    if not isinstance(public, c.ed25519.Ed25519PublicKey):
        raise UsageError("only Ed25519 keys have a did:key here")
    raw = public.public_bytes(c.serialization.Encoding.Raw, c.serialization.PublicFormat.Raw)
    return "z" + b58encode(b"\xed\x01" + raw)


def did_key_of(public: PublicKey) -> str:
    """The verification method id ``did:key:z…#z…`` of an Ed25519 public key."""
    body = multikey_of(public)
    return f"did:key:{body}#{body}"


def jwk_public(jwk: Any) -> PublicKey:
    """The public key of a JWK (OKP Ed25519, EC P-256/P-384/P-521/secp256k1, RSA)."""
    c = crypto()
    if not isinstance(jwk, dict):
        raise ValueError("a JWK is a JSON object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return c.ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(str(jwk["x"])))
    if kty == "EC":
        curves = {"P-256": c.ec.SECP256R1, "P-384": c.ec.SECP384R1, "P-521": c.ec.SECP521R1,
                  "secp256k1": c.ec.SECP256K1}
        if crv not in curves:
            raise ValueError(f"EC curve not supported: {crv!r}")
        x = int.from_bytes(b64url_decode(str(jwk["x"])), "big")
        y = int.from_bytes(b64url_decode(str(jwk["y"])), "big")
        return c.ec.EllipticCurvePublicNumbers(x, y, curves[crv]()).public_key()
    if kty == "RSA":
        n = int.from_bytes(b64url_decode(str(jwk["n"])), "big")
        e = int.from_bytes(b64url_decode(str(jwk["e"])), "big")
        return c.rsa.RSAPublicNumbers(e, n).public_key()
    raise ValueError(f"JWK key type not supported: {kty!r} {crv or ''}".strip())


def jwk_of(public: PublicKey) -> dict[str, str]:
    """The public JWK of a key (Ed25519, EC or RSA)."""
    c = crypto()
    if isinstance(public, c.ed25519.Ed25519PublicKey):
        raw = public.public_bytes(c.serialization.Encoding.Raw,
                                  c.serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if isinstance(public, c.ec.EllipticCurvePublicKey):
        numbers = public.public_numbers()
        size = (public.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521",
               "secp256k1": "secp256k1"}[public.curve.name]
        return {"kty": "EC", "crv": crv, "x": b64url_encode(numbers.x.to_bytes(size, "big")),
                "y": b64url_encode(numbers.y.to_bytes(size, "big"))}
    if isinstance(public, c.rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length()
                                                                        + 7) // 8, "big")),
                "e": b64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8,
                                                      "big"))}
    raise UsageError("key type not supported")


@dataclass(frozen=True)
class KeyInfo:
    """A public key found offline, and who controls it."""

    public: PublicKey
    controller: str | None
    source: str
    """Where it came from: ``did:key`` (also for ``did:jwk``: resolved from the identifier
    itself) or the ``--trust`` file."""


@dataclass
class TrustStore:
    """The keys and certificates given with ``--trust`` (plus ``did:key``, always)."""

    keys: dict[str, KeyInfo] = field(default_factory=dict)
    """Verification method id (or JOSE ``kid``) -> key."""
    anchors: list[Any] = field(default_factory=list)
    """Self-signed certificates: the roots a chain must reach."""
    certificates: list[Any] = field(default_factory=list)
    """Other certificates given: intermediates, or signer certificates a proof only names."""

    def resolve(self, key_id: str) -> KeyInfo | None:
        """The key of a verification method id / ``kid``: given, else ``did:key`` resolved
        locally; ``None`` when it is not available offline."""
        found = self.keys.get(key_id)
        if found is not None:
            return found
        if key_id.startswith("did:jwk:"):
            body = key_id[len("did:jwk:"):].split("#", 1)[0]
            try:
                return KeyInfo(jwk_public(json.loads(b64url_decode(body))), f"did:jwk:{body}",
                               "did:key")
            except (ValueError, KeyError):
                return None
        if key_id.startswith("did:key:"):
            body = key_id[len("did:key:"):].split("#", 1)[0]
            try:
                return KeyInfo(multikey_public(body), f"did:key:{body}", "did:key")
            except (ValueError, KeyError):
                return None
        return None

    def certificate_for(self, thumbprint_s256: bytes | None) -> Any | None:
        """A given certificate whose SHA-256 thumbprint is ``thumbprint_s256``."""
        c = crypto()
        for cert in [*self.certificates, *self.anchors]:
            if thumbprint_s256 and cert.fingerprint(c.hashes.SHA256()) == thumbprint_s256:
                return cert
        return None

    def add_file(self, path: Path) -> None:
        """Add what a file holds: PEM/DER certificates, a DID document, a JWK or JWK set."""
        data = path.read_bytes()
        stripped = data.lstrip()
        if stripped.startswith(b"{"):
            try:
                doc = json.loads(data)
            except ValueError as exc:
                raise UsageError(f"--trust {path}: not JSON ({exc})") from None
            self._add_json(doc, str(path))
            return
        c = crypto()
        try:
            if b"-----BEGIN" in data:
                certs = c.x509.load_pem_x509_certificates(data)
            else:
                certs = [c.x509.load_der_x509_certificate(data)]
        except ValueError:
            raise UsageError(f"--trust {path}: neither certificates (PEM/DER), a DID document "
                             "nor a JWK set") from None
        for cert in certs:
            self.add_certificate(cert)

    def add_certificate(self, cert: Any) -> None:
        """A root (self-signed) becomes an anchor, any other certificate an intermediate."""
        (self.anchors if _self_signed(cert) else self.certificates).append(cert)

    def _add_json(self, doc: Any, where: str) -> None:
        if not isinstance(doc, dict):
            raise UsageError(f"--trust {where}: a JSON object is expected")
        if isinstance(doc.get("keys"), list):  # JWK set
            for jwk in doc["keys"]:
                self._add_jwk(jwk, str(jwk.get("kid") or "") if isinstance(jwk, dict) else "",
                              None, where)
            return
        if "kty" in doc:
            self._add_jwk(doc, str(doc.get("kid") or ""), None, where)
            return
        did = doc.get("id")
        if not isinstance(did, str):
            raise UsageError(f"--trust {where}: neither a DID document, a JWK nor a JWK set")
        methods = doc.get("verificationMethod") or []
        for relation in ("assertionMethod", "authentication"):
            methods += [m for m in doc.get(relation) or [] if isinstance(m, dict)]
        for method in methods:
            if not isinstance(method, dict) or not isinstance(method.get("id"), str):
                continue
            key_id = method["id"] if not method["id"].startswith("#") else did + method["id"]
            controller = str(method.get("controller") or did)
            try:
                if "publicKeyJwk" in method:
                    public = jwk_public(method["publicKeyJwk"])
                elif isinstance(method.get("publicKeyMultibase"), str):
                    public = multikey_public(method["publicKeyMultibase"])
                else:
                    continue
            except (ValueError, KeyError) as exc:
                raise UsageError(f"--trust {where}: key {key_id}: {exc}") from None
            self.keys[key_id] = KeyInfo(public, controller, where)

    def _add_jwk(self, jwk: Any, kid: str, controller: str | None, where: str) -> None:
        try:
            public = jwk_public(jwk)
        except (ValueError, KeyError) as exc:
            raise UsageError(f"--trust {where}: {exc}") from None
        self.keys[kid or b64url_encode(json.dumps(jwk, sort_keys=True).encode())] = KeyInfo(
            public, controller, where)


def load_trust(paths: Iterable[str | os.PathLike[str]]) -> TrustStore:
    """A trust store from files and directories (every file of a directory, sorted)."""
    store = TrustStore()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                store.add_file(child)
        elif path.is_file():
            store.add_file(path)
        else:
            raise UsageError(f"--trust {given}: no such file or directory")
    return store


def _self_signed(cert: Any) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, crypto().InvalidSignature):
        return False
    return True


@dataclass(frozen=True)
class ChainResult:
    """A chain check: ``trusted`` None when no anchor was given (not checked)."""

    trusted: bool | None
    anchor: str | None = None
    detail: str = ""


def valid_at(cert: Any, when: dt.datetime | None) -> bool:
    """True when ``cert`` is within its validity period at ``when`` (None: not checked)."""
    if when is None:
        return True
    return bool(cert.not_valid_before_utc <= when <= cert.not_valid_after_utc)


def check_chain(leaf: Any, extra: list[Any], store: TrustStore,
                when: dt.datetime | None) -> ChainResult:
    """Walk from ``leaf`` through ``extra`` and the given intermediates to a given anchor,
    each link's signature checked and each certificate valid at ``when``."""
    if not store.anchors:
        return ChainResult(None, detail="no trust anchor given (--trust): the certificate "
                                        "is the document's own, not chained")
    c = crypto()
    pool = [*extra, *store.certificates]
    current = leaf
    for _ in range(10):
        for anchor in store.anchors:
            if current.issuer == anchor.subject or current == anchor:
                try:
                    if current != anchor:
                        current.verify_directly_issued_by(anchor)
                except (ValueError, TypeError, c.InvalidSignature):
                    continue
                if not valid_at(anchor, when):
                    return ChainResult(False, detail="the trust anchor "
                                       f"{subject_of(anchor)} was not valid at "
                                       "signing time")
                return ChainResult(True, subject_of(anchor))
        parent = None
        for cert in pool:
            if cert.subject == current.issuer and cert != current:
                try:
                    current.verify_directly_issued_by(cert)
                except (ValueError, TypeError, c.InvalidSignature):
                    continue
                parent = cert
                break
        if parent is None:
            return ChainResult(False, detail="the certificate does not chain to a given trust "
                               f"anchor (issuer {dn(current.issuer)} not found)")
        if not valid_at(parent, when):
            return ChainResult(False, detail=f"the issuing certificate "
                               f"{subject_of(parent)} was not valid at signing "
                               "time")
        current = parent
    return ChainResult(False, detail="certificate chain too long")


def subject_of(cert: Any) -> str:
    """A certificate's subject DN as written (``C=EE, O=…, CN=…``), ``organizationIdentifier``
    by name."""
    return dn(cert.subject)


def dn(name: Any) -> str:
    """An X.509 name as written (``C=EE, O=…, CN=…``), ``organizationIdentifier`` by name."""
    c = crypto()
    names = {c.x509.NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier"}
    return ", ".join(rdn.rfc4514_string(names) for rdn in name.rdns)
