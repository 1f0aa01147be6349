"""Recipient identity hashing of Open Badges: ``sha256$`` + hex(sha256(identity + salt))."""

from __future__ import annotations

import hashlib
import secrets


def hash_identity(identity: str, salt: str | None = None, algorithm: str = "sha256") -> str:
    """The Open Badges hash of ``identity`` (``sha256$<hex>``; ``md5`` for old OB 2.0)."""
    if algorithm not in ("sha256", "md5"):
        raise ValueError(f"unsupported identity hash {algorithm!r}")
    digest = hashlib.new(algorithm, (identity + (salt or "")).encode("utf-8")).hexdigest()
    return f"{algorithm}${digest}"


def matches(identity: str, hashed: str, salt: str | None = None) -> bool:
    """True when ``hashed`` (``sha256$…`` or ``md5$…``) is the hash of ``identity``."""
    algorithm, _, _ = hashed.partition("$")
    if algorithm.lower() not in ("sha256", "md5"):
        return False
    return hash_identity(identity, salt, algorithm.lower()) == hashed.lower()


def new_salt() -> str:
    """A random salt for hashing a recipient identity."""
    return secrets.token_hex(8)
