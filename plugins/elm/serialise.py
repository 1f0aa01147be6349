"""EDC 3 JSON-LD documents as RDF for the Turtle and RDF/XML writers, literals as written.

rdflib's JSON-LD parser would normalise typed literals (``PT125H`` becomes ``P5DT5H``); the
writer's documents are in the compact shape of :mod:`.fast`, so their graph is built from the
JSON with each literal's text kept, without touching rdflib's process-wide settings.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from .fast import fast_graph
from .graphs import bind_prefixes, jsonld_graph


def document_graph(doc: dict[str, Any]) -> Graph:
    """The RDF graph of one written document, typed literals keeping their lexical form."""
    fast = fast_graph(doc, lexical=True)
    # every document the writer makes is in the fast shape (tests/test_elm_fast.py); rdflib's
    # parser is the fallback for anything else, with rdflib's own literal forms
    return fast.to_rdflib() if fast is not None else jsonld_graph(doc)


def serialise_graph(graph: Graph, rdf_format: str) -> bytes:
    """``graph`` in ``rdf_format`` (``turtle``, ``xml``) with the usual ELM prefixes."""
    data: bytes = bind_prefixes(graph).serialize(format=rdf_format, encoding="utf-8")
    return data
