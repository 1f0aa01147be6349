"""The widened ``elm`` fast path (issue 21) gives rdflib's triples, and numbers its blank nodes
in document order.

The fast path now also takes a type name no context defines (``"VerifiableAttestation"``), a
plain relative reference (``"en"``), a node object under a datatyped term (``elm:status``)
and a plain string where a language map is expected: rdflib's parser resolves the first two
against the document's base, reads the third as a node and the fourth as a string without
language. Every shared ELM document the fast path takes must give a graph isomorphic to rdflib's.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from credbridge.context import Context
from credbridge.errors import CredbridgeError
from credbridge.laws import documents_under
from credbridge.plugins.elm import jades
from credbridge.plugins.elm.fast import FastGraph, fast_graph
from credbridge.plugins.elm.graphs import BASE, jsonld_graph
from credbridge.plugins.elm.options import ElmOptions
from credbridge.plugins.elm.upgrade import upgrade
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

ANNEX = Path("samples") / "elm" / "Sample-MC-Annex1-unsigned.jsonld"


def _as_read(data: bytes) -> Any:
    """The JSON-LD document as the reader hands it to the graph builders (seal unwrapped,
    upgraded, embedded proof left out), or None when it does not read."""
    try:
        doc = json.loads(data)
        if jades.is_jades(doc):
            doc, _ = jades.unwrap(doc)
        doc = upgrade(doc, Context(format="elm", options=ElmOptions()))
    except (ValueError, CredbridgeError):
        return None
    if not isinstance(doc, dict) or "@context" not in doc:
        return None
    return {k: v for k, v in doc.items() if k != "proof"}


def _rdflib(fast: FastGraph) -> Graph:
    graph = Graph()
    for triple in fast:
        graph.add(triple)
    return graph


def test_every_fast_shared_document_matches_rdflib(shared: Path) -> None:
    folders = [p for p in sorted((shared / "samples").glob("elm*")) if p.is_dir()]
    folders.append(shared / "corpus" / "elm")
    fast_count = 0
    for path in documents_under(*folders):
        doc = _as_read(path.read_bytes())
        if doc is None:
            continue
        fast = fast_graph(doc)
        if fast is None:
            continue
        fast_count += 1
        assert isomorphic(_rdflib(fast), jsonld_graph(doc)), path.name
    assert fast_count >= 20  # the samples and most of the corpus (26 when written)


def test_relative_names_and_node_valued_datatyped_terms(shared: Path) -> None:
    doc = json.loads((shared / ANNEX).read_bytes())
    doc["type"] = [*doc["type"], "VerifiableAttestation"] if isinstance(doc["type"], list) \
        else [doc["type"], "VerifiableAttestation"]
    doc["credentialSubject"]["id"] = "learner1"
    doc["credentialSubject"]["givenName"] = "Lea"
    doc["status"] = {"id": "https://status.example/list#3", "type": "StatusList2021Entry"}
    fast = fast_graph(copy.deepcopy(doc))
    assert fast is not None
    graph = _rdflib(fast)
    assert isomorphic(graph, jsonld_graph(doc))
    assert (None, RDF.type, URIRef(BASE + "VerifiableAttestation")) in graph
    assert (URIRef(BASE + "learner1"), None, None) in graph
    assert (URIRef(BASE + "learner1"), URIRef("http://xmlns.com/foaf/0.1/givenName"),
            Literal("Lea")) in graph
    assert (URIRef("https://status.example/list#3"), RDF.type,
            URIRef(BASE + "StatusList2021Entry")) in graph


@pytest.mark.parametrize("value", ["relative/id", "../up", "a.b", "x y", "_:b0"])
def test_other_relative_references_stay_with_rdflib(value: str) -> None:
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1",
                        "http://data.europa.eu/snb/model/context/edc-ap"], "id": value}
    assert fast_graph(doc) is None


def test_blank_nodes_are_numbered_in_document_order(shared: Path) -> None:
    """Reading: blank nodes in document order, the same labels every run (the reader orders
    blank-node values by label). Writing (lexical): rdflib's unique labels, since the writer
    merges the graphs of many documents."""
    doc = json.loads((shared / ANNEX).read_bytes())
    doc["credentialSubject"]["identifier"] = [{"type": "Identifier", "notation": n}
                                              for n in ("a", "b", "c")]
    first, again = fast_graph(doc), fast_graph(doc)
    assert first is not None and again is not None
    blanks = [t for triple in first for t in triple if isinstance(t, BNode)]
    assert blanks and {str(b) for b in blanks} == {str(b) for triple in again
                                                   for b in triple if isinstance(b, BNode)}
    labels = {str(b) for b in blanks}
    assert labels == {f"N{n}" for n in range(1, len(labels) + 1)}
    written = fast_graph(doc, lexical=True)
    assert written is not None
    assert not {t for triple in written for t in triple if isinstance(t, BNode)} & set(blanks)
