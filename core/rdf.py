"""rdflib behind the budgets: the only way credbridge hands untrusted RDF to rdflib.

- JSON-LD reaches rdflib's parser only after :class:`~credbridge.jsonld.DocumentLoader` has
  replaced every context reference by a bundled context (nothing is left to fetch), and as a
  Python value (never re-read from text).
- RDF/XML is parsed by the hardened lxml parser over the whole document first
  (:func:`~credbridge.safety.parse_xml`: no DOCTYPE, entity, processing instruction or
  XInclude anywhere, within the XML budgets); rdflib then reads lxml's own serialisation of
  the tree, never the input's bytes.
- Turtle's prefix and base declarations are counted against the ``declarations`` budget
  before rdflib's parser sees the text.
- The graph's store refuses triples past the ``triples`` budget and checks the wall-time
  budget as triples arrive, so no parser can build an unbounded graph.
"""

from __future__ import annotations

import io
import re
from itertools import islice
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory

from .errors import CredbridgeError, InputError, LimitExceededError
from .jsonld import DocumentLoader
from .safety import DEFAULT_LIMITS, Deadline, Limits, over_budget, parse_xml

_CHECK_EVERY = 512
# a Turtle/SPARQL-style prefix or base declaration (an IRI follows: text rarely looks so)
# the Turtle tokens whose content is not syntax: IRIs, long and short strings, comments
_TOKEN = re.compile(
    rb'<[^<>"{}|^`\\\x00-\x20]*>'
    rb'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"(?:[^"\\\r\n]|\\.)*"'
    rb"|'(?:[^'\\\r\n]|\\.)*'"
    rb"|#[^\r\n]*", re.S)
_DECLARATION = re.compile(rb"@?prefix\s+[^\s:<>\"']*:\s*<|@?base\s+<")  # on lowered text


class BoundedStore(Memory):
    """rdflib's in-memory store that refuses the triple past ``limits.max_triples`` and
    checks ``deadline`` every few hundred triples."""

    def __init__(self, limits: Limits, deadline: Deadline, what: str) -> None:
        super().__init__()
        self._budget = limits.max_triples
        self._deadline = deadline
        self._what = what
        self._added = 0

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        """Add one triple within the budgets."""
        self._added += 1
        if self._added > self._budget:
            raise over_budget(f"{self._what} has more than {self._budget:,} triples", "triples",
                              self._budget)
        if self._added % _CHECK_EVERY == 0:
            self._deadline.check()
        super().add(triple, context, quoted)


def bounded_graph(limits: Limits | None = None, deadline: Deadline | None = None,
                  what: str = "the document") -> Graph:
    """An empty graph whose store enforces the ``triples`` and ``seconds`` budgets."""
    limits = limits or DEFAULT_LIMITS
    return Graph(store=BoundedStore(limits, deadline or limits.deadline(what), what))


def parse_jsonld(doc: Any, loader: DocumentLoader, *, base: str,
                 deadline: Deadline | None = None) -> Graph:
    """The RDF graph of a JSON-LD document (decoded JSON), its contexts resolved by ``loader``
    (an unknown one is an :class:`~credbridge.errors.UnsafeInputError`), within the loader's
    budgets."""
    resolved = loader.inline(doc)
    limits = loader.limits
    graph = bounded_graph(limits, deadline, "the JSON-LD document")
    return _parse(graph, "JSON-LD", data=resolved, format="json-ld", publicID=base)


def parse_rdf(data: bytes, rdf_format: str, *, base: str, limits: Limits | None = None,
              deadline: Deadline | None = None) -> Graph:
    """The RDF graph of Turtle (``turtle``), N-Triples (``nt``) or RDF/XML (``xml``) bytes,
    within ``limits``; see the module docstring."""
    limits = limits or DEFAULT_LIMITS
    label = {"turtle": "Turtle", "nt": "N-Triples", "xml": "RDF/XML"}.get(rdf_format, rdf_format)
    deadline = deadline or limits.deadline(f"the {label} document")
    if rdf_format == "xml":
        from lxml import etree

        root = parse_xml(data, what="RDF/XML", limits=limits, deadline=deadline)
        data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    else:
        budget = limits.max_declarations
        if _declarations(data, budget) > budget:
            raise over_budget(f"the {label} document has more than {budget:,} prefix and base "
                              "declarations", "declarations", budget)
        if _triples_bound(data, limits) > limits.max_triples:
            # rdflib adds a statement's triples only once it has read the whole statement: one
            # statement of a million objects would run long before the store could refuse
            raise over_budget(f"the {label} document has more than {limits.max_triples:,} "
                              "triples", "triples", limits.max_triples)
    graph = bounded_graph(limits, deadline, f"the {label} document")
    # a stream, not data=: rdflib then reads these bytes without copying them first
    return _parse(graph, label, source=io.BytesIO(data), format=rdf_format, publicID=base)


def _declarations(data: bytes, budget: int) -> int:
    """Prefix and base declarations of a Turtle text, counted up to ``budget + 1`` (on a
    lower-cased copy, freed on return: the directives are case-insensitive, and a plain count
    first spares the regular expression for texts that cannot be over the budget)."""
    lowered = data.lower()
    if lowered.count(b"prefix") + lowered.count(b"base") <= budget:
        return 0
    return sum(1 for _ in islice(_DECLARATION.finditer(lowered), budget + 1))


def _triples_bound(data: bytes, limits: Limits) -> int:
    """An upper bound of the triples of a Turtle or N-Triples text, without parsing it: each
    triple after a statement's first follows a ``,`` or ``;`` and each statement ends with
    ``.``, so their number outside IRIs, strings and comments bounds the triples. Only when
    the quick count (those inside included) is over the budget are the tokens looked at, at
    most as many as the budget allows (a triple has three terms)."""
    quick = data.count(b",") + data.count(b";") + data.count(b".")
    if quick <= limits.max_triples:
        return quick
    cap = 3 * limits.max_triples + limits.max_declarations
    inside = 0
    for number, match in enumerate(_TOKEN.finditer(data), start=1):
        if number > cap:
            return cap  # more terms than the budget's triples can hold
        token = match.group()
        inside += token.count(b",") + token.count(b";") + token.count(b".")
    return quick - inside


def _parse(graph: Graph, label: str, **kwargs: Any) -> Graph:
    try:
        graph.parse(**kwargs)
    except CredbridgeError:
        raise
    except RecursionError:
        raise LimitExceededError(f"the {label} document is nested too deeply") from None
    except Exception as exc:  # rdflib's parsers raise many kinds on bad input
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise InputError(f"invalid {label}: {text}") from None
    return graph
