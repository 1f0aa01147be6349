"""Keys and certificates made in the test (never anyone's real key): a test CA, a sealing
certificate it issues, Ed25519 keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def name(cn: str, org: str = "credbridge test") -> x509.Name:
    """A subject DN."""
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def certificate(subject: x509.Name, key: Any, issuer: x509.Name, issuer_key: Any, *,
                ca: bool, days: int = 365, start: dt.datetime = NOW) -> x509.Certificate:
    """A certificate valid from ``start`` for ``days``."""
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def make_ca() -> tuple[Any, x509.Certificate]:
    """A self-signed test root (P-256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = name("credbridge test root CA")
    return key, certificate(subject, key, subject, key, ca=True, days=3650,
                            start=NOW - dt.timedelta(days=10))


def sealer(ca_key: Any, ca_cert: x509.Certificate, cn: str = "Test University seal"
           ) -> tuple[Any, x509.Certificate]:
    """A sealing key and certificate issued by the test CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key, certificate(name(cn, "Test University"), key, ca_cert.subject, ca_key, ca=False,
                            days=3000, start=NOW - dt.timedelta(days=1))


def ed25519_key() -> ed25519.Ed25519PrivateKey:
    """A fresh Ed25519 key."""
    return ed25519.Ed25519PrivateKey.generate()
