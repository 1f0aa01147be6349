"""The JSON-LD contexts Data Integrity proofs are canonicalised with (``contexts/``), served by
credbridge's one document loader: any other context is refused, never fetched."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from credbridge.jsonld import ContextBundle, DocumentLoader
from credbridge.safety import Limits

BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "w3c-credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "w3c-credentials-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "security-suites-ed25519-2020-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
}
"""Context URL -> bundled file (contexts/SOURCES.md)."""


@cache
def _document(name: str) -> dict[str, Any]:
    text = (resources.files(__package__) / "contexts" / name).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _factory(name: str) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        context: dict[str, Any] = _document(name)["@context"]
        return context
    return make


BUNDLE = ContextBundle("Data Integrity",
                       contexts={url: _factory(name) for url, name in BUNDLED.items()})


def loader(limits: Limits | None = None) -> DocumentLoader:
    """A document loader for one document (bundled contexts only)."""
    return DocumentLoader(BUNDLE, limits)
