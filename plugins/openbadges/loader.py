"""The Open Badges formats' JSON-LD context policy: credbridge's one document loader
(:class:`credbridge.jsonld.DocumentLoader`) over the contexts this package knows.

Open Badges documents are read as JSON (no JSON-LD processor expands them), so nothing is
fetched in any case; the loader still refuses, before a document is read, any context reference
— at any depth, in context objects, scoped contexts and ``@import`` — that is not one of the
known contexts (:func:`.contexts.known_context`), so that no unknown remote context is passed on
to an output either.
"""

from __future__ import annotations

from typing import Any

from credbridge.jsonld import ContextBundle, DocumentLoader
from credbridge.safety import Limits

from . import contexts as C

EXTENSION_CONTEXT_PREFIXES = (
    "https://openbadgespec.org/",  # OB 2.0 context and the IMS extension contexts
    "https://w3id.org/blockcerts/",  # Blockcerts (OB 2.0 based) certificates
    "http://data.europa.eu/snb/model/context/",  # ELM, named by OB 3.0 credentials mixing both
)
"""Context families of OB 2.0 extensions and profiles: kept as JSON, never expanded."""


def known(url: str) -> bool:
    """True for a context URL of a family credbridge knows (:func:`.contexts.known_context`
    or an OB 2.0 extension family)."""
    return C.known_context(url) or url.startswith(EXTENSION_CONTEXT_PREFIXES)


BUNDLE = ContextBundle("Open Badges", known=known)
"""Known context URLs (their terms are credbridge's own tables; none is ever fetched)."""


def check_contexts(doc: Any, limits: Limits | None = None) -> None:
    """Refuse ``doc`` (an :class:`~credbridge.errors.UnsafeInputError` on ``@context``) when it
    references a context credbridge does not know, or declares more inline context entries than
    the ``declarations`` budget."""
    DocumentLoader(BUNDLE, limits).check(doc)
