"""The ``elm`` fast path (plain-JSON read of compact EDC 3) reads exactly as the graph path.

Every EC sample, every project fixture written to ``elm`` and 100 generated credentials are
read twice, through :mod:`credbridge.plugins.elm.fast` and through rdflib's JSON-LD parser; the
canonical credentials and every report message must be identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.plugins.elm.fast import FastGraph, fast_graph
from credbridge.plugins.elm.format import ElmJsonLdFormat
from credbridge.report import Report
from credbridge.strategies import micro_credentials
from hypothesis import HealthCheck, given, settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read_both(data: bytes) -> tuple[Any, Any]:
    """(fast path result, graph path result): canonical dicts and report messages."""
    results = []
    for fast in (True, False):
        ElmJsonLdFormat.fast_path = fast
        report = Report()
        try:
            creds = [c.to_json_dict() for c in read(data, from_format="elm", report=report)]
        finally:
            ElmJsonLdFormat.fast_path = True
        results.append((creds, [m.to_dict() for m in report]))
    return results[0], results[1]


def uses_fast_path(data: bytes) -> bool:
    """True when every document of ``data`` is in the fast path's shape."""
    try:
        docs = [json.loads(data)]
    except json.JSONDecodeError:  # JSON Lines
        docs = [json.loads(line) for line in data.splitlines() if line.strip()]
    return all(isinstance(fast_graph(d), FastGraph) for d in docs)


def _fixture_documents() -> list[tuple[str, bytes]]:
    """Every project fixture credential that reads, written to ``elm``."""
    out = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or "invalid" in path.parts:
            continue
        try:
            creds = list(read(path))
        except CredbridgeError:
            continue  # refusals (malformed documents) and non-credential files (tables)
        if creds:
            out.append((str(path.relative_to(FIXTURES)), write(creds, None, to="elm")))
    return out


def test_samples_read_identically(shared: Path) -> None:
    """Each EC sample: same credential, same messages, and the fast path was taken."""
    samples = sorted((shared / "samples" / "elm").glob("*.jsonld"))
    assert len(samples) >= 3
    for path in samples:
        data = path.read_bytes()
        fast, graph = read_both(data)
        assert fast == graph, path.name
        assert uses_fast_path(data), path.name
    annex = (shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld").read_bytes()
    (cred,), _ = read_both(annex)[0]
    assert cred["levels"]["eqf"] == 6
    assert cred["workload"]["ects"] == "2"


def test_fixtures_written_to_elm_read_identically() -> None:
    """Every fixture credential written to elm reads the same through both paths."""
    documents = _fixture_documents()
    assert len(documents) >= 10
    for name, data in documents:
        fast, graph = read_both(data)
        assert fast == graph, name
        assert fast[0], name
        assert uses_fast_path(data), name


@settings(max_examples=100, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(micro_credentials())
def test_generated_credentials_read_identically(cred: Any) -> None:
    """100 generated credentials written to elm read the same through both paths."""
    data = write([cred], None, to="elm")
    assert uses_fast_path(data)
    fast, graph = read_both(data)
    assert fast == graph


def test_other_shapes_fall_back(shared: Path) -> None:
    """A document outside the fast path's shape (an expanded property IRI, a value object)
    is read by the graph path: same result as before, and fast_graph declines it."""
    doc = json.loads((shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld")
                     .read_bytes())
    doc["http://data.europa.eu/snb/model/elm/extra"] = {"@value": "x", "@language": "en"}
    assert fast_graph(doc) is None
    data = json.dumps(doc).encode()
    fast, graph = read_both(data)
    assert fast == graph
    assert any("elm:extra" in m["detail"] for m in fast[1])
    assert fast_graph({"@context": "https://example.org/ctx", "id": "urn:x"}) is None
    assert fast_graph({"@context": ["https://www.w3.org/2018/credentials/v1"],
                       "id": "relative/id"}) is None


def test_fast_graph_triples_match_rdflib(shared: Path) -> None:
    """The fast graph holds the same triples as rdflib's parse (isomorphic graphs)."""
    from credbridge.plugins.elm.graphs import jsonld_graph
    from rdflib import Graph
    from rdflib.compare import isomorphic

    for path in sorted((shared / "samples" / "elm").glob("*.jsonld")):
        doc = json.loads(path.read_bytes())
        fast = fast_graph(doc)
        assert fast is not None
        graph = Graph()
        for triple in fast:
            graph.add(triple)
        assert isomorphic(graph, jsonld_graph(doc)), path.name
        assert len(fast) == len(graph)


@pytest.fixture(autouse=True)
def _restore_fast_path() -> Any:
    yield
    ElmJsonLdFormat.fast_path = True


def test_written_graphs_keep_lexical_forms_and_match_rdflib(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The Turtle / RDF/XML writers build each document's graph with the fast builder,
    literals as written: the same triples rdflib's JSON-LD parser gives with its literal
    normalisation off (switched off here, in the test only; credbridge never does)."""
    import rdflib
    from credbridge.plugins.elm.graphs import jsonld_graph
    from credbridge.plugins.elm.serialise import document_graph
    from rdflib import XSD, Literal
    from rdflib.compare import isomorphic

    documents = [json.loads(line) for _, data in _fixture_documents()
                 for line in data.splitlines()]
    graphs = [document_graph(doc) for doc in documents]  # rdflib's default setting
    durations = {str(o) for g in graphs for o in g.objects()
                 if isinstance(o, Literal) and o.datatype == XSD.duration}
    assert "PT125H" in durations and "P5DT5H" not in durations
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    for doc, graph in zip(documents, graphs, strict=True):
        assert isomorphic(graph, jsonld_graph(doc)), doc.get("id")


def test_parsed_graph_index_keeps_the_store_order() -> None:
    """The Turtle / RDF/XML reader indexes the parser's graph once (:meth:`FastGraph.of`):
    the same triples, each subject's predicates and values in the order the store holds them
    (the reader's order ties on blank nodes that hold the same), whether the index is copied
    from rdflib's in-memory store or asked for through the Graph API (another store)."""
    from credbridge.plugins.elm.graphs import rdf_graph
    from rdflib import Graph

    data = write([c for _, d in _fixture_documents()[:3] for c in read(d, from_format="elm")],
                 None, to="elm-ttl") or b""
    parsed = rdf_graph(data, "turtle")
    other = Graph(store="SimpleMemory")
    for triple in parsed:
        other.add(triple)
    copied, asked = FastGraph.of(parsed), FastGraph.of(other)
    assert len(copied) == len(asked) == len(parsed) > 100
    assert set(copied) == set(asked) == set(parsed)
    for s in {s for s, _, _ in parsed}:
        assert list(copied.predicate_objects(s)) == list(parsed.predicate_objects(s))
        assert list(asked.predicate_objects(s)) == list(other.predicate_objects(s))


def _two_graphs(triples: list[Any], prefixes: dict[str, str]) -> tuple[Any, Any]:
    """Two graphs of the same triples, added in the same order, with the same prefixes."""
    from credbridge.plugins.elm.serialise import _WriteStore
    from rdflib import Graph, Namespace

    graphs = []
    for _ in range(2):
        graph = Graph(store=_WriteStore())
        for prefix, ns in prefixes.items():
            graph.bind(prefix, Namespace(ns), override=True, replace=True)
        for triple in triples:
            graph.add(triple)
        graphs.append(graph)
    return graphs[0], graphs[1]


def test_turtle_writer_gives_rdflib_bytes() -> None:
    """The Turtle writer's serialiser (rdflib's, each IRI's prefixed name worked out once)
    writes the bytes rdflib's own gives, also where rdflib makes up a prefix half-way (an
    unbound predicate namespace whose IRIs were already met as subjects or objects), for
    IRIs that cannot be a prefixed name (ending in a dot, ``urn:`` ids) and literal
    datatypes without a prefix."""
    import io

    from credbridge.plugins.elm.graphs import bind_prefixes
    from credbridge.plugins.elm.serialise import _Turtle
    from rdflib import BNode, Literal, URIRef
    from rdflib.plugins.serializers.turtle import TurtleSerializer

    ex, other = "http://example.org/ns/", "http://other.example/v#"
    node = BNode()
    triples = [
        (URIRef(ex + "a"), URIRef(ex + "p"), URIRef(other + "x")),
        (URIRef(other + "x"), URIRef(other + "q"), Literal("1", datatype=URIRef(ex + "dt"))),
        (URIRef("urn:id:1"), URIRef(other + "q"), URIRef("urn:id:2.")),
        (URIRef("urn:id:2."), URIRef(ex + "p"), node),
        (node, URIRef(other + "q"), Literal("text", lang="en")),
        (URIRef(ex + "b."), URIRef(ex + "p"), URIRef(ex + "a")),
    ]
    # subjects of a namespace that gets its prefix only from a predicate met later (the store
    # gives its triples in no set order: with 60 of them, some come before that predicate)
    triples += [(URIRef(f"{ex}s{i}"), URIRef(other + "q"), Literal(i)) for i in range(60)]
    creds = [c for _, d in _fixture_documents()[:3] for c in read(d, from_format="elm")]
    written = write(creds, None, to="elm-ttl") or b""
    from credbridge.plugins.elm.graphs import rdf_graph

    cases = [(triples, {}), (triples, {"_x": ex}), (list(rdf_graph(written, "turtle")), {})]
    for case, prefixes in cases:
        for bound in (False, True):
            ours, theirs = _two_graphs(case, prefixes)
            if bound:
                bind_prefixes(ours), bind_prefixes(theirs)
            out: list[bytes] = []
            for graph, serialiser in ((ours, _Turtle), (theirs, TurtleSerializer)):
                stream = io.BytesIO()
                serialiser(graph).serialize(stream, encoding="utf-8")
                out.append(stream.getvalue())
            assert out[0] == out[1]
            assert b"ns1:" in out[0] or bound or case is cases[2][0]


def test_turtle_writer_store_gives_the_bytes_of_rdflibs_store() -> None:
    """The Turtle writer's graph keeps its triples in a plain index by subject: the bytes
    are those rdflib writes from its own in-memory store, with the same prefixes."""
    from credbridge.plugins.elm.graphs import bind_prefixes, rdf_graph
    from credbridge.plugins.elm.serialise import serialise_graph
    from rdflib import Graph

    creds = [c for _, d in _fixture_documents() for c in read(d, from_format="elm")]
    assert len(creds) > 3
    for group in (creds[:1], creds):
        triples = list(rdf_graph(write(group, None, to="elm-ttl") or b"", "turtle"))
        theirs = Graph()
        for triple in triples:
            theirs.add(triple)
        expected = bind_prefixes(theirs).serialize(format="turtle", encoding="utf-8")
        assert serialise_graph(triples, "turtle") == expected
        assert serialise_graph(reversed(triples), "turtle") == expected


def _corpus_elm_documents(shared: Path) -> list[Path]:
    """The shared samples and corpus documents the elm format reads (ELM JSON-LD)."""
    out = []
    for path in sorted([*(shared / "corpus" / "elm").glob("*"),
                        *(shared / "samples" / "elm").glob("*")]):
        if path.suffix not in (".json", ".jsonld"):
            continue
        try:
            if list(read(path.read_bytes(), from_format="elm")):
                out.append(path)
        except CredbridgeError:
            continue
    return out


def test_corpus_documents_read_identically_and_fast_graphs_match_rdflib(shared: Path) -> None:
    """Every shared ELM document that reads: the same credentials and messages through both
    paths, and where the fast path takes the document (after the seal is unwrapped and the
    upgrade steps applied), its triples are rdflib's (isomorphic graphs)."""
    from credbridge.context import Context
    from credbridge.plugins.elm.format import json_ld_document
    from credbridge.plugins.elm.graphs import jsonld_graph
    from credbridge.plugins.elm.options import ElmOptions
    from rdflib import Graph
    from rdflib.compare import isomorphic

    paths = _corpus_elm_documents(shared)
    assert len(paths) >= 30
    taken = 0
    for path in paths:
        data = path.read_bytes()
        fast, graph = read_both(data)
        assert fast == graph, path.name
        doc = json_ld_document(json.loads(data), Context(format="elm", options=ElmOptions()))[0]
        found = fast_graph(doc)
        if found is None:
            continue
        taken += 1
        built = Graph()
        for triple in found:
            built.add(triple)
        assert isomorphic(built, jsonld_graph(doc)), path.name
    assert taken >= len(paths) - 3  # (odd relative IRIs; a number in a language map)


@pytest.mark.parametrize("change", ["space-language", "digit-reference", "top-graph"])
def test_shapes_the_fast_path_reads_as_rdflib(change: str) -> None:
    """Shapes of published documents the fast path reads as rdflib's parser does: a language
    key with a space ("en ", EC EDCI samples; rdflib drops the value), a relative reference
    starting with a digit (a date where an IRI is expected; resolved against the base), a
    top-level @graph of node objects."""
    from credbridge.plugins.elm.contexts import EDC_AP_URL, VC1_URL
    from credbridge.plugins.elm.graphs import jsonld_graph
    from rdflib import Graph
    from rdflib.compare import isomorphic

    person: dict[str, Any] = {"id": "urn:x:person", "type": "Person",
                              "givenName": {"en": "Ann"}}
    if change == "space-language":
        person["familyName"] = {"en ": "Lee", "fr": "Li"}
    elif change == "digit-reference":
        person["contactPoint"] = "2010-01-01T00:00:00Z"
    doc: dict[str, Any] = {"@context": [VC1_URL, EDC_AP_URL], "id": "urn:x:cred",
                           "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
                           "credentialSubject": person}
    if change == "top-graph":
        doc = {"@context": doc["@context"], "@graph": [
            {k: v for k, v in doc.items() if k != "@context"}, {"id": "urn:x:other",
                                                                "type": "Person"}]}
    found = fast_graph(doc)
    assert found is not None
    built = Graph()
    for triple in found:
        built.add(triple)
    reference = jsonld_graph(doc)
    assert isomorphic(built, reference)
    assert len(built) == len(reference) >= 4
