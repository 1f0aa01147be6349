"""Offline JSON-LD context resolution: context URLs are replaced by the project's own tables.

Nothing is ever fetched: every JSON-LD path of the ELM formats resolves contexts through
:func:`loader` (:class:`credbridge.jsonld.DocumentLoader` over :data:`BUNDLE`). A document that
names a context this project does not know, at any depth, is refused with an
:class:`~credbridge.errors.UnsafeInputError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credbridge import jsonld
from credbridge.jsonld import ContextBundle, DocumentLoader
from credbridge.safety import Limits

from .terms import elm_context, vc_context

VC1_URL = "https://www.w3.org/2018/credentials/v1"
VC2_URL = "https://www.w3.org/ns/credentials/v2"
EDC_AP_URL = "http://data.europa.eu/snb/model/context/edc-ap"
STATUS_LIST_2021_URL = "https://w3id.org/vc/status-list/2021/v1"
_SL = "https://w3id.org/vc/status-list#"


def status_list_2021_context() -> dict[str, Any]:
    """The W3C CCG Status List 2021 terms (the published context's, written out here): DC4EU
    EAAs name it beside edc-ap for their ``credentialStatus``."""
    return {
        "StatusList2021Entry": _SL + "StatusList2021Entry",
        "StatusList2021Credential": _SL + "StatusList2021Credential",
        "StatusList2021": _SL + "StatusList2021",
        "statusPurpose": _SL + "statusPurpose",
        "statusListIndex": _SL + "statusListIndex",
        "statusListCredential": {"@id": _SL + "statusListCredential", "@type": "@id"},
        "encodedList": _SL + "encodedList",
    }


_KNOWN: dict[str, Callable[[], dict[str, Any]]] = {
    VC1_URL: vc_context,
    VC2_URL: vc_context,
    EDC_AP_URL: elm_context,
    STATUS_LIST_2021_URL: status_list_2021_context,
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


def is_edc_ap(url: str) -> bool:
    """True for the edc-ap context URL, in any of its spelling variants."""
    return _key(url) == EDC_AP_URL


def without_unknown_contexts(doc: Any) -> tuple[Any, list[str]]:
    """``doc`` without the published context URLs this project does not know listed beside
    edc-ap (the W3C examples context, a schema URL given as a context), and those URLs
    (:func:`credbridge.jsonld.without_unknown_contexts`)."""
    return jsonld.without_unknown_contexts(doc, lambda url: known_context(url) is not None,
                                           is_edc_ap)


BUNDLE = ContextBundle("ELM", {_key(url): factory for url, factory in _KNOWN.items()},
                       normalise=_key)
"""The contexts the ELM formats ship (VC 1.1, VC 2.0, edc-ap, Status List 2021): the only ones
ever used."""


def loader(limits: Limits | None = None) -> DocumentLoader:
    """The document loader of one ELM document: the bundled contexts, nothing else."""
    return DocumentLoader(BUNDLE, limits)


def resolve_contexts(doc: Any, limits: Limits | None = None) -> Any:
    """A copy of ``doc`` in which every context reference (at any depth, in context objects,
    scoped contexts and ``@import``) is replaced by the bundled context; anything else raises
    :class:`UnsafeInputError`."""
    return loader(limits).inline(doc)
