"""A fast path for EDC 3 JSON-LD: the compact JSON read straight into an in-memory graph.

rdflib's JSON-LD parser expands the whole document through a generic JSON-LD processor; for
the compact shape the EC samples and credbridge's writer use (contexts VC 1.1 / 2.0 + edc-ap,
only terms of the project's term table, string values) the triples follow directly from the
term table. :func:`fast_graph` builds them into a :class:`FastGraph`, which answers the few
graph queries :class:`~.reader.ElmReader` makes (``objects``, ``subjects``, ``predicates``,
``predicate_objects``, ``value``, iteration) with the same rdflib terms the parser would
produce. Anything outside that shape returns ``None`` and the caller uses the graph path;
``tests/test_elm_fast.py`` proves both paths read every sample identically.

Typed literals are made as rdflib's parser makes them (rdflib's literal normalisation applies),
unless ``lexical=True``: then they keep their text as written (``PT60H`` stays ``PT60H``), which
is what the Turtle and RDF/XML writers want. Either way this is decided per literal, never by
changing rdflib's process-wide settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from credbridge.safety import DEFAULT_LIMITS, DEFAULT_MAX_TRIPLES, Limits, over_budget
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node, _is_valid_langtag

from .contexts import (
    BUNDLE,
    EDC_AP_URL,
    STATUS_LIST_2021_URL,
    VC1_URL,
    VC2_URL,
    _key,
    status_list_2021_context,
)
from .graphs import BASE
from .terms import ELM_ALT, PREFIXES, Term, elm_terms, expand, vc_terms


@cache
def _status_list_terms() -> dict[str, Term]:
    """The terms of the Status List 2021 context (flat: no scoped contexts) as a term table."""
    out = {}
    for name, definition in status_list_2021_context().items():
        if isinstance(definition, str):
            out[name] = Term(name, definition, "")
        else:
            out[name] = Term(name, definition["@id"], definition.get("@type", ""))
    return out


_CONTEXTS = {_key(VC1_URL): vc_terms, _key(VC2_URL): vc_terms, _key(EDC_AP_URL): elm_terms,
             _key(STATUS_LIST_2021_URL): _status_list_terms}
# An absolute IRI whose scheme is not a prefix of the term table (those would be expanded).
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_RDF_TYPE = RDF.type  # rdflib resolves namespace attributes on every access
_UNSAFE = re.compile(r"[\s<>\"{}|\\^`]|/\.|#.*#")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# a relative reference of one segment that starts with a digit, colons allowed (a date given
# where an IRI is expected, "2010-01-01T00:00:00Z"): no scheme can start with a digit, so it
# resolves against the base as a plain name does
_DIGIT_NAME = re.compile(r"[0-9][A-Za-z0-9_:+-]*")


class NotFast(Exception):
    """The document is outside the shape the fast path understands."""


class FastGraph:
    """The triples of one document, indexed by subject (the subset of rdflib's Graph API the
    ELM reader uses)."""

    def __init__(self, max_triples: int = DEFAULT_MAX_TRIPLES) -> None:
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._budget = max_triples
        self._added = 0

    def add(self, s: Node, p: Node, o: Node) -> None:
        """Add one triple (duplicates are ignored) within the ``triples`` budget."""
        self._added += 1
        if self._added > self._budget:
            raise over_budget(f"the JSON-LD document has more than {self._budget:,} triples",
                              "triples", self._budget)
        # (get before set: setdefault would build a new dict for every triple)
        props = self._spo.get(s)
        if props is None:
            props = self._spo[s] = {}
        values = props.get(p)
        if values is None:
            values = props[p] = {}
        values[o] = None

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        """The objects of ``subject`` for ``predicate``."""
        if subject is None or predicate is None:
            for s, p, o in self:
                if (subject is None or s == subject) and (predicate is None or p == predicate):
                    yield o
            return
        yield from self._spo.get(subject, {}).get(predicate, ())

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        """The subjects having ``predicate`` ``obj`` (each once)."""
        for s, props in self._spo.items():
            values = props.get(predicate, {}) if predicate is not None else \
                {o: None for v in props.values() for o in v}
            if (obj is None and values) or (obj is not None and obj in values):
                yield s

    def predicates(self, subject: Node) -> Iterator[Node]:
        """The predicates of ``subject``."""
        yield from self._spo.get(subject, {})

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        """(predicate, object) pairs of ``subject``."""
        for p, values in self._spo.get(subject, {}).items():
            for o in values:
                yield p, o

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject`` for ``predicate``, or ``None``."""
        return next(iter(self._spo.get(subject, {}).get(predicate, ())), None)

    @classmethod
    def of(cls, graph: Graph) -> FastGraph:
        """The triples of an rdflib Graph already read within its budgets (a parser filled
        it), indexed once: rdflib's store answers each of the reader's thousands of queries
        through its bookkeeping of contexts. Each subject's values keep the store's order (the
        order the parser added them), which the reader keeps where its own order ties."""
        index = cls()
        spo = index._spo
        # rdflib's in-memory store keeps exactly this index (subject -> predicate -> objects,
        # in order of insertion): copied when it is there, else asked for subject by subject
        stored = getattr(graph.store, "_Memory__spo", None)
        if isinstance(stored, dict):
            for s, props in stored.items():
                kept = {p: dict.fromkeys(values) for p, values in props.items() if values}
                if kept:
                    spo[s] = kept
            return index
        for s in dict.fromkeys(graph.subjects()):
            props = spo[s] = {}
            for p, o in graph.predicate_objects(s):
                props.setdefault(p, {})[o] = None
        return index

    def to_rdflib(self) -> Graph:
        """The same triples in an rdflib Graph (for pyshacl)."""
        graph = Graph()
        for triple in self:
            graph.add(triple)
        return graph

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        for s, props in self._spo.items():
            for p, values in props.items():
                for o in values:
                    yield s, p, o

    def __len__(self) -> int:
        return sum(len(v) for props in self._spo.values() for v in props.values())


def fast_graph(doc: Any, *, lexical: bool = False,
               limits: Limits | None = None) -> FastGraph | None:
    """The graph of a compact EDC 3 JSON-LD document, or ``None`` when it is outside the
    fast path's shape (then rdflib's JSON-LD parser must read it). With ``lexical``, typed
    literals keep the text the document gives them. Only the bundled contexts are fast (the
    same :data:`.contexts.BUNDLE` the loader serves), and the graph holds at most
    ``limits.max_triples`` triples."""
    if not isinstance(doc, dict):
        return None
    tables = _active_tables(doc.get("@context"))
    if tables is None:
        return None
    graph = FastGraph((limits or DEFAULT_LIMITS).max_triples)
    builder = _Builder(graph, tables, lexical=lexical)
    try:
        if set(doc) == {"@context", "@graph"}:
            # a top-level @graph of node objects (no named graph: the top object has nothing
            # else), each read with the top context
            nodes = doc["@graph"]
            for node in nodes if isinstance(nodes, list) else [nodes]:
                if not isinstance(node, dict):
                    raise NotFast
                builder.node(node)
        else:
            builder.node(doc, top=True)
    except NotFast:
        return None
    return graph


def _active_terms(context: Any) -> dict[str, Term] | None:
    """The terms of the known context URLs, in document order (later ones override)."""
    tables = _active_tables(context)
    return tables.terms if tables is not None else None


def _active_tables(context: Any) -> _Tables | None:
    """The :class:`_Tables` of the known context URLs the document names, else ``None``."""
    urls = context if isinstance(context, list) else [context]
    keys = []
    for url in urls:
        key = _key(url) if isinstance(url, str) else None
        if key is None or key not in _CONTEXTS or BUNDLE.factory(url) is None:
            return None
        keys.append(key)
    return _tables(tuple(keys)) if keys else None


_MEMO_ENTRIES = 4096
"""Entries a memo of :class:`_Tables` holds at most (then it is emptied): the keys and values
come from the input."""


@dataclass(frozen=True)
class _Tables:
    """The terms of one list of contexts, and what was decided from them alone, kept across
    documents (pure functions of the key or value and the terms): a JSON key's term and
    predicate, a type name's IRI, an IRI's term. Bounded: see :data:`_MEMO_ENTRIES`; shared
    by the threads of a service (each entry is computed alike by any of them)."""

    terms: dict[str, Term]
    keys: dict[str, tuple[Term, URIRef] | tuple[()]] = field(default_factory=dict)
    types: dict[str, URIRef] = field(default_factory=dict)
    iris: dict[str, URIRef] = field(default_factory=dict)
    predicates: dict[str, URIRef] = field(default_factory=dict)


def _remember(memo: dict[str, Any], key: str, value: Any) -> None:
    if len(memo) >= _MEMO_ENTRIES:
        memo.clear()  # (a document's own ids fill it: the vocabularies' IRIs come back)
    memo[key] = value


@lru_cache(maxsize=16)
def _tables(keys: tuple[str, ...]) -> _Tables:
    terms: dict[str, Term] = {}
    for key in keys:
        terms.update(_CONTEXTS[key]())
    return _Tables(terms)


class _Builder:
    """Turns node objects of the compact JSON into triples."""

    def __init__(self, graph: FastGraph, tables: _Tables, *, lexical: bool) -> None:
        self.graph = graph
        self.tables = tables
        self.terms = tables.terms
        # None: rdflib's default, as its parser does; False: the text as written
        self._normalize: bool | None = False if lexical else None
        self._lexical = lexical
        self._blanks = 0
        self._iris = tables.iris
        self._types = tables.types
        self._datatypes: dict[str, URIRef] = {}
        self._predicates = tables.predicates
        self._literals: dict[tuple[str, str], Literal] = {}
        self._keys = tables.keys

    def iri(self, value: Any) -> URIRef:
        """An absolute IRI as written, or a plain relative name (compact, other relative or
        odd IRIs are not fast)."""
        known = self._iris.get(value) if isinstance(value, str) else None
        if known is not None:
            return known
        if isinstance(value, str) and (_PLAIN_NAME.fullmatch(value)
                                       or _DIGIT_NAME.fullmatch(value)):
            # a relative reference of one plain segment (``"en"``): resolved against the
            # document's base, as rdflib's parser does (no bundled context has a @base)
            ref = URIRef(BASE + value)
            _remember(self._iris, value, ref)
            return ref
        if not isinstance(value, str) or not _ABSOLUTE.match(value) or _UNSAFE.search(value) \
                or value.partition(":")[0] in PREFIXES or value.startswith(ELM_ALT) \
                or value.startswith("_:"):
            raise NotFast
        ref = URIRef(value)
        _remember(self._iris, value, ref)
        return ref

    def type_iri(self, value: Any) -> URIRef:
        """A class IRI: a term of the table or an absolute IRI."""
        known = self._types.get(value) if isinstance(value, str) else None
        if known is not None:
            return known
        term = self.terms.get(value) if isinstance(value, str) else None
        if term is not None and not term.kind:
            ref = URIRef(expand(term.iri))
        elif term is None and isinstance(value, str) and _PLAIN_NAME.fullmatch(value):
            # a type name no context defines is a relative IRI (no bundled context has a
            # @vocab or @base): resolved against the document's base, as rdflib's parser does
            ref = URIRef(BASE + value)
        else:
            ref = self.iri(value)
        if str(ref).startswith(ELM_ALT):
            raise NotFast
        _remember(self._types, value, ref)
        return ref

    def _blank(self) -> BNode:
        """A blank node. The reader orders a property's values by their text, blank nodes
        too: in a graph that is read, they are numbered in document order (rdflib's random
        labels made the order of, say, blank-node parts change from run to run); a graph
        for writing gets rdflib's unique labels, as the writer merges many into one."""
        if self._lexical:
            return BNode()
        self._blanks += 1
        return BNode(f"N{self._blanks}")

    def node(self, obj: dict[str, Any], top: bool = False) -> Node:
        """Add the triples of a node object; its subject."""
        ident = obj.get("id", obj.get("@id"))
        if "id" in obj and "@id" in obj:
            raise NotFast
        subject: Node = self._blank() if ident is None and "id" not in obj and "@id" not in obj \
            else self.iri(ident)
        add = self.graph.add
        for key, value in obj.items():
            if key in ("id", "@id"):
                continue
            if key == "@context" and top:
                continue
            if key in ("type", "@type"):
                if "type" in obj and "@type" in obj:
                    raise NotFast
                for t in value if isinstance(value, list) else [value]:
                    add(subject, _RDF_TYPE, self.type_iri(t))
                continue
            known = self._keys.get(key)
            if known is None:
                known = self._key(key)
                _remember(self._keys, key, known)
            if not known:
                continue  # an unknown plain key: JSON-LD drops it (the format reports it)
            term, pred = known
            for item in value if isinstance(value, list) else [value]:
                for o in self.values(term, item):
                    add(subject, pred, o)
        return subject

    def _key(self, key: str) -> tuple[Term, URIRef] | tuple[()]:
        """The term and predicate of a JSON key, ``()`` for an unknown plain key (decided
        once per key and document)."""
        term = self.terms.get(key) or self._compact_key(key)
        if term is None:
            return ()
        if not term.kind and term.iri in ("@id", "@type"):
            raise NotFast
        return term, self._predicate(term)

    @staticmethod
    def _compact_key(key: str) -> Term | None:
        """A compact-IRI key of a known prefix (``sec:proof``): an uncoerced property.
        Keywords and other keys with a colon are not fast; other keys are unknown."""
        prefix, colon, rest = key.partition(":")
        if key.startswith("@") or (colon and (prefix not in PREFIXES or rest.startswith("//"))):
            raise NotFast
        return Term(key, key, "") if colon else None

    def _predicate(self, term: Term) -> URIRef:
        ref = self._predicates.get(term.name)
        if ref is None:
            full = expand(term.iri)
            if not _ABSOLUTE.match(full) or full.startswith(ELM_ALT):
                raise NotFast
            ref = URIRef(full)
            _remember(self._predicates, term.name, ref)
        return ref

    def values(self, term: Term, item: Any) -> list[Node]:
        """The RDF values of one JSON value of ``term``."""
        kind = term.kind
        if isinstance(item, dict):
            # (keyword keys other than @id / @type are refused by node() and _language_map)
            if kind == "@language":
                return self._language_map(item)
            # a node object is a node whatever the term's datatype: coercion applies to
            # strings, numbers and booleans only (EC samples give elm:status, typed
            # xsd:string, a node object)
            return [self.node(item)]
        if item is None or isinstance(item, list) or (kind in ("@id", "@language") \
                and not isinstance(item, str)):
            raise NotFast  # null, nested lists, non-string IRIs or language values
        if kind == "@id":
            return [self.iri(item)]
        if kind == "@language":
            # a plain string where a language map is expected: a string without language
            # (no bundled context sets a default @language), as rdflib's parser reads it
            return [self._literal(item, "")]
        if kind:
            # As rdflib's parser: a coerced value (string, number or boolean) is typed.
            datatype = self._datatypes.get(kind)
            if datatype is None:
                datatype = self._datatypes[kind] = URIRef(expand(kind))
            if isinstance(item, str):
                return [self._literal(item, kind, datatype=datatype, normalize=self._normalize)]
            return [Literal(item, datatype=datatype)]
        if isinstance(item, float):
            return [Literal(item, datatype=XSD.double)]
        if isinstance(item, str):
            return [self._literal(item, "")]
        return [Literal(item)]  # a native integer / boolean

    def _literal(self, text: str, key: str, **kwargs: Any) -> Literal:
        """A string literal (a repeated one is built once: literals are immutable)."""
        lit = self._literals.get((text, key))
        if lit is None:
            lit = self._literals[(text, key)] = Literal(text, **kwargs)
        return lit

    def _language_map(self, obj: dict[str, Any]) -> list[Node]:
        out: list[Node] = []
        for lang, texts in obj.items():
            if " " in lang:
                continue  # rdflib's parser drops a value whose language has a space ("en ")
            if lang.startswith("@") or not _is_valid_langtag(lang):  # rdflib's parser says why
                raise NotFast
            for text in texts if isinstance(texts, list) else [texts]:
                if not isinstance(text, str):
                    raise NotFast
                out.append(self._literal(text, "@" + lang, lang=lang))
        return out
