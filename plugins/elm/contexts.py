"""Offline JSON-LD context resolution: context URLs are replaced by the project's own tables.

Nothing is ever fetched. A document that names a context this project does not know (or tries
``@import``) is refused with an :class:`~credbridge.errors.UnsafeInputError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credbridge.errors import UnsafeInputError

from .terms import elm_context, vc_context

VC1_URL = "https://www.w3.org/2018/credentials/v1"
VC2_URL = "https://www.w3.org/ns/credentials/v2"
EDC_AP_URL = "http://data.europa.eu/snb/model/context/edc-ap"

_KNOWN: dict[str, Callable[[], dict[str, Any]]] = {
    VC1_URL: vc_context,
    VC2_URL: vc_context,
    EDC_AP_URL: elm_context,
}


def _key(url: str) -> str:
    """The same context under its spelling variants: http/https for data.europa.eu, a trailing
    slash, a ``.jsonld`` / ``.json`` file suffix."""
    url = url.strip().rstrip("/").removesuffix(".jsonld").removesuffix(".json")
    if url.startswith("https://data.europa.eu/"):
        url = "http://" + url.removeprefix("https://")
    return url


def known_context(url: str) -> dict[str, Any] | None:
    """The project's own context for a context URL, or ``None`` when it is unknown."""
    factory = _KNOWN.get(_key(url))
    return factory() if factory else None


def context_urls(doc: Any) -> list[str]:
    """The context URLs named at the top of a JSON-LD document."""
    ctx = doc.get("@context") if isinstance(doc, dict) else None
    items = ctx if isinstance(ctx, list) else [ctx]
    return [c for c in items if isinstance(c, str)]


def resolve_contexts(doc: Any) -> Any:
    """A copy of ``doc`` in which every ``@context`` URL is replaced by the project's own
    context; an unknown URL or an ``@import`` raises :class:`UnsafeInputError`."""
    if isinstance(doc, list):
        return [resolve_contexts(item) for item in doc]
    if not isinstance(doc, dict):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "@context":
            out[key] = _resolve_context_value(value)
        else:
            out[key] = resolve_contexts(value)
    return out


def _resolve_context_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_resolve_context_value(v) for v in value]
    if isinstance(value, str):
        ctx = known_context(value)
        if ctx is None:
            raise UnsafeInputError(
                f"the document names the JSON-LD context {value!r}, which credbridge does not "
                "know; contexts are never fetched", field="@context")
        return ctx
    if isinstance(value, dict):
        if "@import" in value:
            raise UnsafeInputError("the document's JSON-LD context uses @import, which "
                                   "credbridge never fetches", field="@context")
        # A scoped context inside a term definition may itself name a URL.
        return {k: (_resolve_scoped(v) if isinstance(v, dict) else v) for k, v in value.items()}
    raise UnsafeInputError(f"invalid JSON-LD @context value {value!r}", field="@context")


def _resolve_scoped(definition: dict[str, Any]) -> dict[str, Any]:
    if "@context" not in definition:
        return definition
    return {**definition, "@context": _resolve_context_value(definition["@context"])}
