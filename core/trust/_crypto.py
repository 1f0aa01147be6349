"""``cryptography``, imported when a proof is checked or made (the ``sign`` extra)."""

from __future__ import annotations

import types
from functools import cache
from typing import Any

from credbridge.errors import UsageError

EXTRA_HINT = "pip install 'credbridge[sign]'"


@cache
def crypto() -> Any:
    """The ``cryptography`` modules trust code uses, as one namespace; a clear error naming the
    extra when it is not installed."""
    try:
        from cryptography import exceptions, x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils
    except ImportError:
        raise UsageError(f"checking and making proofs needs cryptography: {EXTRA_HINT}") from None
    return types.SimpleNamespace(
        x509=x509, hashes=hashes, serialization=serialization, ec=ec, ed25519=ed25519,
        padding=padding, rsa=rsa, utils=utils, InvalidSignature=exceptions.InvalidSignature)
