"""A read-only view of an RDF graph that remembers which (node, property) pairs were used.

The reader interprets the graph through :class:`GraphView`; whatever it never looked at is
reported as ``ignored-input`` afterwards, so nothing in the input is lost silently.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .terms import expand


@cache
def iri(compact: str) -> URIRef:
    """A URIRef from a compact IRI (``elm:title``); the reader asks for the same few dozen
    properties thousands of times, so each is made once."""
    return URIRef(expand(compact))


class GraphView:
    """Access to a graph that records every (subject, predicate) it reads."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.used: set[tuple[Node, Node]] = set()
        self.concept_info: dict[str, dict[str, Any]] = {}
        self._covered: set[Node] = set()  # nodes whose whole subtree use_all has marked

    def objects(self, node: Node | None, prop: str) -> list[Node]:
        """The values of ``prop`` on ``node``, in a stable order (by IRI / literal text)."""
        if node is None:
            return []
        p = iri(prop)
        self.used.add((node, p))
        values = list(self.graph.objects(node, p))
        if len(values) > 1:
            if any(isinstance(v, BNode) for v in values):
                values.sort(key=self._content_key)
            else:
                values.sort(key=_order_key)
        return values

    def _content_key(self, node: Node) -> tuple[int, Any]:
        """:func:`_order_key`, blank nodes last and by what they hold: their labels are
        random (rdflib's parser), and an order by label would change from run to run."""
        if not isinstance(node, BNode):
            return _order_key(node)
        return (2, self._signature(node, 3))

    def _signature(self, node: Node, depth: int) -> tuple[Any, ...]:
        """What a blank node holds, ``depth`` levels down, as sortable text."""
        if not isinstance(node, BNode):
            return (0, str(node))
        if depth == 0:
            return (1, ())
        return (1, tuple(sorted((str(p), self._signature(o, depth - 1))
                                for p, o in self.graph.predicate_objects(node))))

    def one(self, node: Node | None, prop: str) -> Node | None:
        """The first value of ``prop`` (in stable order), or ``None``."""
        values = self.objects(node, prop)
        return values[0] if values else None

    def use_all(self, node: Node | None) -> None:
        """Mark every property of ``node`` (and of nodes below it) as used: a subtree the
        format defines but the canonical model has no place for and need not report."""
        if node is None or node in self._covered:
            return
        seen: set[Node] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if n in seen or n in self._covered:
                continue
            seen.add(n)
            for p, o in self.graph.predicate_objects(n):
                self.used.add((n, p))
                if isinstance(o, URIRef | BNode):
                    stack.append(o)
        # a concept is used by many nodes: its subtree is walked once
        self._covered |= seen

    def types(self, node: Node) -> set[str]:
        """The rdf:type IRIs of ``node``."""
        self.used.add((node, RDF.type))
        return {str(t) for t in self.graph.objects(node, RDF.type)}

    def text(self, node: Node | None, prop: str) -> str | None:
        """The first literal value as text."""
        value = self.one(node, prop)
        return str(value) if value is not None else None

    def lang_map(self, node: Node | None, prop: str) -> dict[str, str]:
        """A language map from language-tagged literals (``und`` for untagged)."""
        out: dict[str, str] = {}
        for value in self.objects(node, prop):
            if isinstance(value, Literal):
                out.setdefault(value.language or "und", str(value))
        return out

    def note(self, node: Node | None, prop: str) -> dict[str, str]:
        """The text of a Note (``noteLiteral``) linked by ``prop``."""
        return self.lang_map(self.one(node, prop), "elm:noteLiteral")

    def concept(self, node: Node | None, prop: str) -> str | None:
        """The IRI of a Concept linked by ``prop``; its scheme and labels count as read."""
        values = self.concepts(node, prop)
        return values[0] if values else None

    def concepts(self, node: Node | None, prop: str) -> list[str]:
        """The IRIs of the Concepts linked by ``prop``."""
        out = []
        for value in self.objects(node, prop):
            if isinstance(value, URIRef):
                self.use_all(value)
                out.append(str(value))
                self._remember(value)
        return out

    def _remember(self, concept: URIRef) -> None:
        """Keep the label and scheme of a concept (the writer restores them)."""
        labels = {(lit.language or "und"): str(lit)
                  for lit in self.graph.objects(concept, iri("skos:prefLabel"))
                  if isinstance(lit, Literal)}
        scheme = self.graph.value(concept, iri("skos:inScheme"))
        info: dict[str, Any] = {}
        if labels:
            info["label"] = dict(sorted(labels.items()))
        if isinstance(scheme, URIRef):
            info["scheme"] = str(scheme)
        if info:
            self.concept_info[str(concept)] = info

    def unused(self) -> dict[str, int]:
        """Properties of visited nodes that were never read: compact name -> count. (What lies
        below such a property is covered by reporting the property itself.)"""
        # only the visited subjects' triples: walking the whole graph for each credential of
        # a many-credential document made reading it quadratic
        visited = {s for s, _ in self.used}
        counts: dict[str, int] = {}
        for s in visited:
            for p, _ in self.graph.predicate_objects(s):
                if (s, p) in self.used:
                    continue
                name = _compact(str(p))
                counts[name] = counts.get(name, 0) + 1
        return counts


def _order_key(node: Node) -> tuple[int, Any]:
    """Literals after IRIs; each in natural order."""
    text = str(node)
    # long texts are not kept: the cache outlives the document
    return (0 if isinstance(node, URIRef) else 1,
            _natural(text) if len(text) <= 512 else tuple(natural_key(text)))


@lru_cache(maxsize=8192)
def _natural(text: str) -> tuple[tuple[int, Any], ...]:
    """:func:`natural_key` as a tuple (the same order), computed once per text: a document
    repeats its IRIs, and a many-credential document its concepts, across many reads."""
    return tuple(natural_key(text))


def natural_key(text: str) -> list[tuple[int, Any]]:
    """Natural order: ``…:2`` before ``…:10``. RDF values are unordered: the reader lists
    them in this order, and the writer reports a list that will come back reordered."""
    # digits compared by length, then text: int() of a 5,000-digit run raises (and "²" is a
    # digit to str.isdigit() that int() refuses)
    return [(0, (len(n), n)) if (n := p.lstrip("0") or "0") and p.isascii() and p.isdigit()
            else (1, p) for p in re.split(r"([0-9]+)", text)]


def _compact(uri: str) -> str:
    from .terms import PREFIXES

    for prefix, ns in PREFIXES.items():
        if uri.startswith(ns):
            return f"{prefix}:{uri[len(ns):]}"
    return uri
