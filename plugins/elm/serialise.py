"""EDC 3 JSON-LD documents as RDF for the Turtle and RDF/XML writers, literals as written.

rdflib's JSON-LD parser would normalise typed literals (``PT125H`` becomes ``P5DT5H``); the
writer's documents are in the compact shape of :mod:`.fast`, so their graph is built from the
JSON with each literal's text kept, without touching rdflib's process-wide settings.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from .fast import FastGraph, fast_graph
from .graphs import bind_prefixes, jsonld_graph

Triple = tuple[Node, Node, Node]


def document_graph(doc: dict[str, Any]) -> Graph:
    """The RDF graph of one written document, typed literals keeping their lexical form."""
    triples = document_triples(doc)
    return triples.to_rdflib() if isinstance(triples, FastGraph) else triples


def document_triples(doc: dict[str, Any]) -> FastGraph | Graph:
    """The triples of one written document (typed literals keeping their lexical form), in
    whatever holds them first: the writer merges them into one graph, built once."""
    fast = fast_graph(doc, lexical=True)
    # every document the writer makes is in the fast shape (tests/test_elm_fast.py); rdflib's
    # parser is the fallback for anything else, with rdflib's own literal forms
    return fast if fast is not None else jsonld_graph(doc)


def serialise_graph(graph: Iterable[Triple], rdf_format: str) -> bytes:
    """The triples of ``graph`` in ``rdf_format`` (``turtle``, ``xml``) with the usual ELM
    prefixes; the same triples always give the same bytes (the order they come in does not
    matter: each writer orders what it writes)."""
    # rdflib's RDF/XML writer follows the store's order, and its default store keeps the
    # triples in a set (an order that changes from one process to the next): a store that
    # keeps the order of insertion, filled in sorted order. The Turtle writer sorts subjects,
    # predicates and objects itself.
    xml = rdf_format == "xml"
    ordered = Graph(store="SimpleMemory") if xml else Graph(store=_WriteStore())
    add = ordered.store.add
    for triple in sorted(set(graph)) if xml else graph:
        add(triple, ordered)
    bind_prefixes(ordered)
    if xml:
        data: bytes = ordered.serialize(format=rdf_format, encoding="utf-8")
        return data
    stream = io.BytesIO()
    _Turtle(ordered).serialize(stream, base=ordered.base, encoding="utf-8")
    return stream.getvalue()


class _WriteStore(Memory):
    """The store of a graph the Turtle writer serialises: rdflib's in-memory store for the
    prefixes (bound as rdflib binds them, and counted: see :class:`_Turtle`), the triples in
    a plain index by subject, each subject's in the order they were added (as rdflib's store
    keeps them). rdflib's store keeps contexts, events and two more indexes for each triple,
    which a graph made to be written once never asks for; the serialiser asks by subject, for
    all triples and for the subjects of a type, which this index answers."""

    def __init__(self) -> None:
        super().__init__()
        self.bindings = 0
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        """Bind ``prefix`` to ``namespace`` (as rdflib's store does), counted."""
        self.bindings += 1
        super().bind(prefix, namespace, override=override)

    def add(self, triple: Triple, context: Any, quoted: bool = False) -> None:
        """Add one triple (once)."""
        s, p, o = triple
        self._spo.setdefault(s, {}).setdefault(p, {})[o] = None

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:
        """Add triples (their graph is this one)."""
        for s, p, o, context in quads:
            self.add((s, p, o), context)

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        """The triples matching ``(s, p, o)`` (``None`` matches anything), each with no
        contexts (rdflib's Graph takes only the triples)."""
        s, p, o = triple_pattern
        subjects = self._spo.items() if s is None else \
            [(s, self._spo[s])] if s in self._spo else []
        for subject, props in subjects:
            preds = props.items() if p is None else [(p, props[p])] if p in props else []
            for pred, objects in preds:
                if o is None:
                    for obj in list(objects):
                        yield (subject, pred, obj), iter(())
                elif o in objects:
                    yield (subject, pred, o), iter(())

    def __len__(self, context: Any = None) -> int:
        """The number of triples."""
        return sum(len(objects) for props in self._spo.values() for objects in props.values())


class _Turtle(TurtleSerializer):
    """rdflib's Turtle writer, the same bytes, with each IRI's prefixed name worked out once
    per document: rdflib works it out for every occurrence (twice: once to collect the
    prefixes, once to write), and for an IRI without a prefix (the writer's ``urn:`` ids)
    through an exception each time, which was most of the time of writing Turtle. A name
    found stays valid (rdflib keeps it in the namespace manager's cache, and noting its
    prefix again changes nothing); an IRI without one may get one only when a prefix is
    bound, so that answer is kept only while no prefix has been bound since."""

    def reset(self) -> None:
        """Forget the names with everything else of a document (rdflib resets per call)."""
        super().reset()
        self._pnames: dict[tuple[URIRef, bool], tuple[str | None, int]] = {}

    def get_pname(self, uri: Node, gen_prefix: bool = True) -> str | None:
        """The prefixed name of ``uri`` (``None``: written in full), as rdflib's writer."""
        if not isinstance(uri, URIRef):
            return None
        store = self.store.store
        assert isinstance(store, _WriteStore)
        key = (uri, gen_prefix)
        known = self._pnames.get(key)
        if known is not None and (known[0] is not None or known[1] == store.bindings):
            return known[0]
        pname = super().get_pname(uri, gen_prefix)
        self._pnames[key] = (pname, store.bindings)
        return pname


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
"""What an IRI may not hold (RFC 3987; Turtle writes ``<...>``)."""

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""What XML 1.0 cannot carry, not even as a character reference."""


def unwritable(graph: Iterable[Triple], rdf_format: str) -> str | None:
    """Why the triples of ``graph`` cannot be written in ``rdf_format`` so that they read back
    (an IRI Turtle cannot write, a character XML cannot carry), or ``None``."""
    for triple in graph:
        for term in triple:
            text = str(term)
            if isinstance(term, URIRef):
                bad = _NOT_IN_IRI.search(text)
                if bad:
                    return (f"the IRI {text[:80]!r} holds {bad.group()!r}, which an IRI "
                            "cannot hold")
            if rdf_format == "xml" and isinstance(term, URIRef | Literal):
                bad = _NOT_IN_XML.search(text)
                if bad:
                    return (f"the text {text[:40]!r}... holds U+{ord(bad.group()):04X}, a "
                            "character XML cannot carry")
    return None
