"""Loading ELM documents into rdflib graphs, offline.

Literals are made by rdflib's parsers as rdflib makes them (its literal normalisation may
rewrite ``PT60H`` as ``P2DT12H``); this module never changes rdflib's process-wide settings or
its logger. The reader interprets values from their text whatever the normalisation.
"""

from __future__ import annotations

import json
import re
from typing import Any

from credbridge.errors import InputError, UnsafeInputError
from rdflib import Graph, URIRef

from .contexts import resolve_contexts
from .terms import ELM, ELM_ALT, PREFIXES, all_terms

BASE = "http://credbridge.invalid/input/"
"""Base IRI for relative references in an input (never the local file path; ``.invalid`` is a
reserved domain that resolves nowhere)."""

_KEYWORDS = {"@context", "@id", "@type", "@value", "@language", "@graph", "id", "type"}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the usual ELM prefixes (for readable Turtle)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def jsonld_graph(doc: Any) -> Graph:
    """Parse a JSON-LD document (already loaded as JSON) with the project's own contexts."""
    resolved = resolve_contexts(doc)
    graph = Graph()
    try:
        graph.parse(data=json.dumps(resolved), format="json-ld", publicID=BASE)
    except UnsafeInputError:
        raise
    except Exception as exc:  # rdflib raises many kinds on bad JSON-LD
        raise InputError(f"invalid JSON-LD: {_one_line(exc)}") from None
    return unify_namespace(graph)


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def rdf_graph(data: bytes, rdf_format: str) -> Graph:
    """Parse Turtle, N-Triples or RDF/XML; DTDs and entities are refused in RDF/XML."""
    if rdf_format == "xml" and _DOCTYPE.search(data[:65536]):
        raise UnsafeInputError("RDF/XML with a DOCTYPE or ENTITY declaration is refused")
    graph = Graph()
    try:
        graph.parse(data=data, format=rdf_format, publicID=BASE)
    except Exception as exc:
        raise InputError(f"invalid {rdf_format_label(rdf_format)}: {_one_line(exc)}") from None
    return unify_namespace(graph)


def rdf_format_label(rdf_format: str) -> str:
    """A human name for an rdflib format name."""
    return {"turtle": "Turtle", "nt": "N-Triples", "xml": "RDF/XML"}.get(rdf_format, rdf_format)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def unify_namespace(graph: Graph) -> Graph:
    """Rewrite IRIs of the alternative ELM namespace (``…/model/ontology/``) to ``…/model/elm/``."""
    if not any(ELM_ALT in str(t) for triple in graph for t in triple):
        return graph
    out = Graph()

    def fix(term: Any) -> Any:
        if isinstance(term, URIRef) and str(term).startswith(ELM_ALT):
            return URIRef(ELM + str(term)[len(ELM_ALT):])
        return term

    for s, p, o in graph:
        out.add((fix(s), fix(p), fix(o)))
    return out


def unknown_keys(doc: Any) -> dict[str, int]:
    """JSON keys of ``doc`` that no known term defines (a JSON-LD processor drops them
    silently, so the reader reports them): key -> number of occurrences."""
    terms = all_terms()
    found: dict[str, int] = {}

    def walk(node: Any, in_context: bool = False) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "@value" in node or "@language" in node:
                return
            for key, value in node.items():
                if key == "@context":
                    continue
                if key not in _KEYWORDS and key not in terms and ":" not in key \
                        and not _is_language_map_key(node):
                    found[key] = found.get(key, 0) + 1
                walk(value)

    walk(doc)
    return found


def _is_language_map_key(node: dict[str, Any]) -> bool:
    """True when ``node`` looks like a language map (all keys language tags, values strings)."""
    return bool(node) and all(
        isinstance(v, str | list) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*|@none", k)
        for k, v in node.items()
    )
