"""Loading ELM documents into rdflib graphs, offline.

Literals are made by rdflib's parsers as rdflib makes them (its literal normalisation may
rewrite ``PT60H`` as ``P2DT12H``); this module never changes rdflib's process-wide settings or
its logger. The reader interprets values from their text whatever the normalisation.
"""

from __future__ import annotations

import re
from typing import Any

from credbridge.rdf import parse_jsonld, parse_rdf
from credbridge.safety import Deadline, Limits
from rdflib import Graph, URIRef

from .contexts import loader
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


def jsonld_graph(doc: Any, limits: Limits | None = None,
                 deadline: Deadline | None = None) -> Graph:
    """Parse a JSON-LD document (already loaded as JSON) with the bundled contexts only
    (:func:`.contexts.loader`), within ``limits``."""
    graph = parse_jsonld(doc, loader(limits), base=BASE, deadline=deadline)
    return unify_namespace(graph)


def rdf_graph(data: bytes, rdf_format: str, limits: Limits | None = None,
              deadline: Deadline | None = None) -> Graph:
    """Parse Turtle, N-Triples or RDF/XML within ``limits``; RDF/XML is parsed by the
    hardened XML parser over the whole document first (no DTD, entity, processing
    instruction or XInclude anywhere), see :mod:`credbridge.rdf`."""
    graph = parse_rdf(data, rdf_format, base=BASE, limits=limits, deadline=deadline)
    if rdf_format != "xml" and _ALT_PATH not in data and b"\\" not in data:
        # Turtle / N-Triples are UTF-8 text: a term can hold the alternative namespace only
        # when the text has its last segment ("ontology/"), or an escape (\u, \/) that could
        # spell it (an IRI resolved against a base or a prefix keeps the text's segments)
        return graph
    return unify_namespace(graph)


_ALT_PATH = ELM_ALT.rsplit("/", 2)[-2].encode() + b"/"
"""``ontology/``: the segment of :data:`.terms.ELM_ALT` that is not in :data:`.terms.ELM`."""


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
    keywords = _KEYWORDS
    found: dict[str, int] = {}
    stack = [doc]
    while stack:  # (the counts do not depend on the order of the walk)
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "@value" in node or "@language" in node:
                continue
            language_map: bool | None = None  # looked at once per node, when it matters
            for key, value in node.items():
                if key == "@context":
                    continue
                if key not in terms and key not in keywords and ":" not in key:
                    if language_map is None:
                        language_map = _is_language_map_key(node)
                    if not language_map:
                        found[key] = found.get(key, 0) + 1
                if isinstance(value, (list, dict)):
                    stack.append(value)
    return found


def _is_language_map_key(node: dict[str, Any]) -> bool:
    """True when ``node`` looks like a language map (all keys language tags, values strings)."""
    return bool(node) and all(
        isinstance(v, str | list) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*|@none", k)
        for k, v in node.items()
    )
