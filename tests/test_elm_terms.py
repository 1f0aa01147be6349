"""The project's own JSON-LD term table expands every term exactly as the official contexts do.

The official contexts (../shared/schemas/jsonld-contexts/) are read here only to compare: the
converter itself never reads nor fetches them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from credbridge import convert, read
from credbridge.plugins.elm.contexts import EDC_AP_URL, VC1_URL, VC2_URL
from credbridge.plugins.elm.graphs import jsonld_graph
from credbridge.plugins.elm.terms import Term, all_terms, elm_terms, vc_terms
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

SUBJECT = "urn:test:subject"
OBJECT = "urn:test:object"


@pytest.fixture(scope="session")
def official(shared: Path) -> dict[str, Any]:
    folder = shared / "schemas" / "jsonld-contexts"

    def ctx(name: str) -> Any:
        return json.loads((folder / name).read_text("utf-8"))["@context"]

    return {VC1_URL: ctx("w3c-credentials-v1.jsonld"), VC2_URL: ctx("w3c-credentials-v2.jsonld"),
            EDC_AP_URL: ctx("edc-ap-context_v3.2.jsonld")}


def _official_graph(doc: dict[str, Any], official: dict[str, Any]) -> Graph:
    """The graph of ``doc`` under the official contexts (inlined: nothing is fetched)."""
    inlined = dict(doc)
    inlined["@context"] = [official[url] for url in doc["@context"]]
    graph = Graph()
    graph.parse(data=json.dumps(inlined), format="json-ld")  # rdflib's literals, as ours
    return graph


def _value(term: Term) -> Any:
    if term.kind == "@id":
        return OBJECT
    if term.kind == "@language":
        return {"en": "text"}
    if term.kind == "xsd:boolean":
        return True
    if term.kind in ("xsd:positiveInteger", "xsd:integer"):
        return 1
    if term.kind == "xsd:decimal":
        return "2.5"
    if term.kind in ("xsd:string", ""):
        return "text"
    return "2024-01-01T00:00:00Z" if "date" in term.kind.lower() else "PT1H"


def _probe(name: str, term: Term, contexts: list[str]) -> dict[str, Any]:
    """A one-property document; VC terms sit on a VerifiableCredential (their scope)."""
    doc: dict[str, Any] = {"@context": contexts, "id": SUBJECT,
                           "type": ["VerifiableCredential"]}
    if name[0].isupper():
        doc["type"] = ["VerifiableCredential", name]
    else:
        doc[name] = _value(term)
    return doc


@pytest.mark.parametrize("name", sorted(elm_terms()))
def test_every_elm_term_expands_as_under_the_official_context(name: str,
                                                              official: dict[str, Any]) -> None:
    term = elm_terms()[name]
    doc = _probe(name, term, [VC1_URL, EDC_AP_URL])
    ours, theirs = jsonld_graph(doc), _official_graph(doc, official)
    assert isomorphic(ours, theirs), (name, sorted(ours), sorted(theirs))
    iri = URIRef(term.full_iri)
    if name[0].isupper():
        assert (URIRef(SUBJECT), RDF.type, iri) in ours
    else:
        assert any(p == iri for _, p, _ in ours), (name, term.full_iri)


@pytest.mark.parametrize("name", sorted(vc_terms()))
def test_every_vc_term_expands_as_under_the_official_vc_1_1_context(
        name: str, official: dict[str, Any]) -> None:
    term = vc_terms()[name]
    doc = _probe(name, term, [VC1_URL])
    assert isomorphic(jsonld_graph(doc), _official_graph(doc, official)), name


# Terms of the VC 1.1 data model that VC 2.0 no longer defines.
NOT_IN_VC2 = {"issued", "issuanceDate", "expirationDate", "VerifiablePresentation", "holder"}


@pytest.mark.parametrize("name", sorted(set(vc_terms()) - NOT_IN_VC2))
def test_vc_terms_also_expand_as_under_the_official_vc_2_context(
        name: str, official: dict[str, Any]) -> None:
    term = vc_terms()[name]
    doc = _probe(name, term, [VC2_URL])
    assert isomorphic(jsonld_graph(doc), _official_graph(doc, official)), name


def test_every_term_written_is_in_the_table_and_documents_read_the_same(
        shared: Path, fixtures: Path, official: dict[str, Any]) -> None:
    """Whole documents: what credbridge writes, and the EC samples, give the same graph under
    the project's contexts as under the official ones."""
    sources = [*sorted((shared / "samples" / "elm").glob("*.jsonld")),
               fixtures / "elm" / "microcredential-full.canonical.json",
               shared / "samples" / "csv" / "microcredentials.csv"]
    written_terms: set[str] = set()
    for source in sources:
        out = convert(source, to="elm").output
        assert out
        for line in out.splitlines():
            doc = json.loads(line)
            written_terms |= _keys(doc)
            assert isomorphic(jsonld_graph(doc), _official_graph(doc, official)), source.name
    assert written_terms - {"@context", "id", "type"} <= set(all_terms())
    for sample in sorted((shared / "samples" / "elm").glob("*.jsonld")):
        doc = json.loads(sample.read_text("utf-8"))
        assert isomorphic(jsonld_graph(doc), _official_graph(doc, official)), sample.name
        assert list(read(sample))  # and it reads


def _keys(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_keys(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    if all(len(k) == 2 for k in node) and all(isinstance(v, str) for v in node.values()):
        return set()  # a language map
    out = set(node)
    for value in node.values():
        out |= _keys(value)
    return out
