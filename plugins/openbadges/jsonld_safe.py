"""JSON-LD "safe mode" for Open Badges documents, offline: what a JSON-LD processor would drop
or could not resolve, found with pyld and a document loader that serves only the contexts
bundled in ``jsonld-contexts/`` (and refuses every other URL: nothing is ever fetched). An
object below the top that names its own context credbridge does not bundle (an OB 2.0
extension object) is left unchecked; a top-level context that is not bundled is a problem.

The rules are those of jsonld.js's safe mode, which the DCC signing stack applies: every key
expands to an absolute IRI or a keyword (an undefined term is dropped), no ``@type``, ``@id``
or datatype is a relative IRI, and no value is ``null`` (expansion drops it). The credential
id must be an absolute IRI (VC 2.0; verifiers refuse others). ``validate`` reports each
problem; the ob3 writer removes such members from the source JSON it carries (reported).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from credbridge.errors import UnsafeInputError
from credbridge.jsonld import ContextBundle, DocumentLoader
from credbridge.report import Code

from . import contexts as C
from .common import stable_urn

BUNDLED = {
    C.VC2_CONTEXT: "w3c-credentials-v2.jsonld",
    C.VC1_CONTEXT: "w3c-credentials-v1.jsonld",
    C.OB3_CONTEXT: "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-3.0.1.json",
    C.OB3_EXTENSIONS_CONTEXT: "ob-v3p0-extensions.json",
    C.OB2_CONTEXT: "openbadges-v2-context.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "security-suites-ed25519-2020-v1.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    C.EDUC_CONTEXT: "educredential.json",  # as published: not valid JSON-LD (it says so)
}
"""Context URL -> bundled file (the published documents; jsonld-contexts/SOURCES.md)."""

_OPAQUE = frozenset({C.CREDBRIDGE_IRI, C.CREDBRIDGE_TERM, "@value"})
"""Keys whose values are JSON data, not JSON-LD (a JSON literal): not walked for nulls."""


@cache
def bundled_context(url: str) -> dict[str, Any]:
    """The bundled context document of ``url`` (one of :data:`BUNDLED`)."""
    name = BUNDLED[url]
    text = (resources.files(__package__) / "jsonld-contexts" / name).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _factory(url: str) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        context: dict[str, Any] = bundled_context(url)["@context"]
        return context
    return make


BUNDLE = ContextBundle("Open Badges", contexts={url: _factory(url) for url in BUNDLED})
"""The bundled contexts, served by credbridge's one document loader (:mod:`credbridge.jsonld`),
which refuses every other reference."""


@dataclass(frozen=True)
class Problem:
    """One safe-mode violation: where (a path of keys), the key or value, and why."""

    path: tuple[str, ...]
    key: str | None
    message: str

    def __str__(self) -> str:
        where = "/".join(self.path) or "(document)"
        return f"{where}: {self.message}"


@cache
def _processor_class() -> type[Any]:
    from pyld.jsonld import JsonLdProcessor

    class Checker(JsonLdProcessor):  # type: ignore[misc]
        """pyld's expansion, noting each dropped key and relative IRI with its path."""

        def __init__(self, kept: BundledResolutions) -> None:
            super().__init__(on_property_dropped=self._dropped)
            self.stack: list[tuple[str, ...]] = []
            self.problems: list[Problem] = []
            self.kept = kept

        def _process_context(self, active_ctx: Any, local_ctx: Any, options: Any,
                             override_protected: bool = False, propagate: bool = True,
                             validate_scoped: bool = True, cycles: Any = None) -> Any:
            # pyld caches a processed context per active context, but a type-scoped one
            # (propagate=False) is processed against a fresh clone every time: a bundled
            # context is processed once per active context here instead
            key = self.kept.processing_key(active_ctx, local_ctx, (
                override_protected, propagate, validate_scoped, options.get("processingMode")))
            if key is not None:
                done = self.kept.processed.get(key)
                if done is not None and (done[0] is local_ctx or done[0] is None):
                    return done[1]
            result = super()._process_context(active_ctx, local_ctx, options,
                                              override_protected, propagate,
                                              validate_scoped, cycles)
            if key is not None:
                self.kept.remember(key, local_ctx, result)
            return result

        def where(self) -> tuple[str, ...]:
            return self.stack[-1] if self.stack else ()

        def _dropped(self, expanded: Any) -> None:
            key = expanded if isinstance(expanded, str) else None  # None: mapped to null
            name = repr(key) if key else "a key mapped to null"
            self.problems.append(Problem(self.where(), key, f"term {name} is not defined by "
                                         "the document's contexts (a JSON-LD processor drops "
                                         "it)"))

        def _expand_object(self, active_ctx: Any, active_property: Any, *args: Any,
                           **kwargs: Any) -> Any:
            element = args[1] if len(args) > 1 else kwargs.get("element")
            mark = element.get(_MARK) if isinstance(element, dict) else None
            self.stack.append(tuple(mark.split("/")) if mark else self.where())
            try:
                result = super()._expand_object(active_ctx, active_property, *args, **kwargs)
                expanded_parent = args[2] if len(args) > 2 else kwargs.get("expanded_parent")
                if isinstance(expanded_parent, dict):
                    self._relative(expanded_parent)
                return result
            finally:
                self.stack.pop()

        def _relative(self, node: dict[str, Any]) -> None:
            literal = "@value" in node
            for value in _as_list(node.get("@type")):
                if literal and value == "@json":
                    continue
                if isinstance(value, str) and not _absolute_or_blank(value):
                    self.problems.append(Problem(self.where(), "type", f"relative @type "
                                                 f"reference {value!r} (no context defines it)"))
            node_id = node.get("@id")
            if isinstance(node_id, str) and not _absolute_or_blank(node_id):
                self.problems.append(Problem(self.where(), "id", f"relative IRI {node_id!r} "
                                             "as a node id"))
            for key, values in node.items():
                if key.startswith("@"):
                    continue
                for value in _as_list(values):
                    if not isinstance(value, dict):
                        continue
                    ref = value.get("@id")
                    if set(value) == {"@id"} and isinstance(ref, str) and \
                            not _absolute_or_blank(ref):
                        self.problems.append(Problem(self.where(), key, f"relative IRI "
                                                     f"{ref!r} as the value of {key}"))
                    datatype = value.get("@type")
                    if "@value" in value and isinstance(datatype, str) and \
                            datatype != "@json" and not _absolute_or_blank(datatype):
                        self.problems.append(Problem(self.where(), key, f"relative datatype "
                                                     f"{datatype!r}"))

    return Checker


_MAX_PROCESSED = 1024
"""Processed contexts kept at most (then forgotten at once)."""


class BundledResolutions:
    """The bundled contexts as pyld resolved them, kept across documents: every bundled URL
    and every context object inside a bundled context (the type- and property-scoped contexts
    of the OB 3.0 context), by identity. pyld keeps each resolved context's processed forms
    (per active context, a bounded LRU), so the same bundled context is processed once, not
    once per document and per nested object. Only bundled data is kept: a context the input
    gives inline is resolved for that expansion alone."""

    def __init__(self) -> None:
        self.by_url: dict[str, list[Any]] = {}
        self.by_object: dict[int, tuple[Any, list[Any] | None]] = {}
        self.processed: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def processing_key(self, active_ctx: Any, local_ctx: Any, flags: tuple[Any, ...]
                       ) -> tuple[Any, ...] | None:
        """The key of processing ``local_ctx`` in ``active_ctx`` when both are the bundled
        contexts' own (a bundled URL or URLs, a context object of a bundled document, an
        active context pyld identified), else ``None`` (not kept)."""
        uuid = active_ctx.get("_uuid") if isinstance(active_ctx, Mapping) else None
        if uuid is None:
            return None
        if isinstance(local_ctx, str):
            return (uuid, local_ctx, flags) if local_ctx in self.by_url else None
        if isinstance(local_ctx, list):
            if all(isinstance(c, str) and c in self.by_url for c in local_ctx):
                return (uuid, tuple(local_ctx), flags)
            return None
        known = self.by_object.get(id(local_ctx))
        if known is not None and known[0] is local_ctx:
            return (uuid, id(local_ctx), flags)
        return None

    def remember(self, key: tuple[Any, ...], local_ctx: Any, result: Any) -> None:
        """Keep a processed context (bounded: active contexts made from a document's own
        inline contexts are new for every document)."""
        if len(self.processed) >= _MAX_PROCESSED:
            self.processed.clear()
        if isinstance(local_ctx, list):
            local_ctx = None  # a list of URLs is keyed by its value
        self.processed[key] = (local_ctx, result)

    def learn(self, url: str, resolved: list[Any]) -> None:
        """Keep ``resolved`` (pyld ResolvedContexts) for the bundled ``url`` and each context
        object its documents hold."""
        self.by_url[url] = resolved
        for item in resolved:
            for obj in _context_objects(item.document):
                self.by_object.setdefault(id(obj), (obj, None))


class NoReuse(BundledResolutions):
    """Keeps nothing: every context is resolved and processed afresh, as pyld alone does
    (the reference :class:`BundledResolutions` must agree with, in the tests)."""

    def processing_key(self, active_ctx: Any, local_ctx: Any, flags: tuple[Any, ...]
                       ) -> tuple[Any, ...] | None:
        """Never a key: nothing processed is kept."""
        return None

    def learn(self, url: str, resolved: list[Any]) -> None:
        """Nothing is kept."""


def _context_objects(node: Any) -> Iterator[Any]:
    """Every context object (a dict under ``@context``) at any depth below ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from _context_objects(item)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if key == "@context":
                for ctx in value if isinstance(value, list) else [value]:
                    if isinstance(ctx, Mapping):
                        yield ctx
            yield from _context_objects(value)


@cache
def bundled_resolutions() -> BundledResolutions:
    """The one :class:`BundledResolutions` (derived from the bundled files only, like
    :func:`bundled_context`)."""
    return BundledResolutions()


@cache
def _resolver_class() -> type[Any]:
    from pyld.context_resolver import ContextResolver

    class Resolver(ContextResolver):  # type: ignore[misc]
        """pyld's resolver, answering bundled contexts from :class:`BundledResolutions`
        (pyld's own cross-document cache is process-wide and keyed by URL alone: it is left
        empty, so no other pyld user ever sees credbridge's bundled documents)."""

        def __init__(self, kept: BundledResolutions, loader: DocumentLoader) -> None:
            super().__init__({}, loader)
            self.kept = kept

        def resolve(self, active_ctx: Any, context: Any, base: Any,
                    cycles: Any = None) -> list[Any]:
            if isinstance(context, Mapping) and "@context" in context:
                context = context["@context"]
            out: list[Any] = []
            for item in context if isinstance(context, list) else [context]:
                if isinstance(item, str) and item in self.kept.by_url:
                    out += self.kept.by_url[item]
                    continue
                known = self.kept.by_object.get(id(item)) if isinstance(item, Mapping) \
                    else None
                if known is not None and known[0] is item and known[1] is not None:
                    out += known[1]
                    continue
                resolved = super().resolve(active_ctx, [item], base, cycles)
                if known is not None and known[0] is item:
                    self.kept.by_object[id(item)] = (item, resolved)
                elif isinstance(item, str) and item in BUNDLED:
                    self.kept.learn(item, resolved)
                out += resolved
            return out

    return Resolver


_MARK = "urn:credbridge:json-path"
"""Put on each object of the copy pyld expands (an absolute IRI: kept, never dropped), so that
a problem names the exact object (array positions included) it was found in."""


def _marked(node: Any, path: tuple[str, ...] = ()) -> Any:
    """A copy of ``node`` with each object marked by its path (value, list and set objects and
    contexts are left as they are: a key added to them would change their meaning)."""
    if isinstance(node, list):
        return [_marked(item, (*path, str(i))) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if {"@value", "@list", "@set"} & set(node):
        return node
    out = {k: v if k in _OPAQUE or k == "@context" else _marked(v, (*path, k))
           for k, v in node.items()}
    out[_MARK] = "/".join(path)
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _absolute_or_blank(value: str) -> bool:
    return value.startswith("_:") or C.is_absolute_iri(value)


def _nulls(node: Any, path: tuple[str, ...]) -> Iterator[Problem]:
    if isinstance(node, list):
        for item in node:
            yield from _nulls(item, path)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _OPAQUE:
                continue
            if value is None and key != "@context":
                yield Problem(path, key, f"{key} is null (a JSON-LD processor drops it)")
            elif key != "@context":
                yield from _nulls(value, (*path, key))


def problems(doc: dict[str, Any], *, json_ld_10: bool = False,
             kept: BundledResolutions | None = None) -> list[Problem]:
    """The safe-mode violations of ``doc`` ([] = a JSON-LD processor keeps every member
    as written). ``json_ld_10``: process as JSON-LD 1.0 (OB 2.0 consumers' processors).
    ``kept``: the bundled contexts already processed (default: the ones kept across
    documents; a new :class:`BundledResolutions` processes every context afresh). With the
    default ``kept``, a document whose :func:`shape` was already found clean is clean."""
    key = shape(doc, json_ld_10) if kept is None else None
    if key is not None and key in _CLEAN:
        return []
    found = _full_problems(doc, json_ld_10=json_ld_10, kept=kept)
    if key is not None and not found:
        if len(_CLEAN) >= _MAX_CLEAN:
            _CLEAN.clear()
        _CLEAN[key] = True
    return found


def _full_problems(doc: dict[str, Any], *, json_ld_10: bool,
                   kept: BundledResolutions | None) -> list[Problem]:
    """:func:`problems` without the shape memo: pyld's expansion of ``doc``."""
    from pyld.jsonld import JsonLdError

    found = list(_nulls(doc, ()))
    unbundled = [c for c in _as_list(doc.get("@context")) if isinstance(c, str)
                 and c not in BUNDLED]
    if unbundled:
        return [*found, *(Problem((), "@context", f"the context {c} is not one credbridge "
                                  "bundles: JSON-LD safe mode cannot be checked offline")
                          for c in unbundled)]
    if kept is None:
        kept = bundled_resolutions()
    checker = _processor_class()(kept)
    loader = DocumentLoader(BUNDLE)
    options: dict[str, Any] = {"documentLoader": loader, "base": None,
                               "contextResolver": _resolver_class()(kept, loader)}
    if json_ld_10:
        options["processingMode"] = "json-ld-1.0"
    try:
        checker.expand(_marked(_without_unbundled(doc)), options)
    except (JsonLdError, UnsafeInputError) as exc:
        return [*found, Problem(checker.where(), None,
                                f"not valid JSON-LD: {_jsonld_error(exc)}")]
    found += checker.problems
    return found


def _jsonld_error(exc: Exception) -> str:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, UnsafeInputError):
        return cause.message
    text = str(exc.args[0]) if exc.args else str(exc)
    code = getattr(exc, "code", None)
    details = getattr(exc, "details", None)
    url = details.get("url") if isinstance(details, dict) else None
    return (f"{text} ({code})" if code else text)[:300] + (f" [{url}]" if url else "")


def id_problems(doc: dict[str, Any]) -> list[str]:
    """The credential id is an absolute IRI (VC 2.0 requires one; verifiers refuse others)."""
    value = doc.get("id")
    if value is None:
        return ["id: the credential has no id"]
    if not C.is_absolute_iri(value):
        return [f"id: the credential id {value!r} is not an absolute IRI"]
    return []


def remove(doc: dict[str, Any], found: list[Problem],
           note: Callable[[str, str], None]) -> None:
    """Remove from ``doc`` the members the problems name (an undefined term, a relative
    type value, a null), calling ``note(path, message)`` for each."""
    for problem in found:
        if problem.key is None:
            continue
        for node in _nodes_at(doc, problem.path):
            if problem.key == "type" and "relative @type" in problem.message:
                _drop_type(node, problem, note)
            elif problem.key in node and problem.key not in ("id", "@context"):
                del node[problem.key]
                note("/".join((*problem.path, problem.key)), problem.message)
    _prune_untyped(doc)


def _drop_type(node: dict[str, Any], problem: Problem,
               note: Callable[[str, str], None]) -> None:
    types = _as_list(node.get("type"))
    keep = [t for t in types if not (isinstance(t, str) and repr(t) in problem.message)]
    if keep == types:
        return
    if keep:
        node["type"] = keep if len(keep) > 1 or isinstance(node.get("type"), list) else keep[0]
        note("/".join((*problem.path, "type")), problem.message)
    else:
        # an object VC 2.0 requires to be typed (evidence, status, schema…) goes as a whole
        node[_UNTYPED] = True
        note("/".join(problem.path), problem.message + ": the object is not written")


_UNTYPED = "\x00untyped"


def _prune_untyped(node: Any) -> Any:
    """Remove the objects :func:`_drop_type` marked (and lists and keys left empty)."""
    if isinstance(node, list):
        node[:] = [item for item in node if not (isinstance(item, dict) and _UNTYPED in item)]
        for item in node:
            _prune_untyped(item)
    elif isinstance(node, dict):
        for key in list(node):
            value = node[key]
            if key in _OPAQUE or key == "@context":
                continue
            if isinstance(value, dict) and _UNTYPED in value:
                del node[key]
                continue
            _prune_untyped(value)
            if isinstance(value, list) and not value:
                del node[key]


def _nodes_at(node: Any, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _nodes_at(item, path)
        return
    if not isinstance(node, dict):
        return
    if not path:
        yield node
        return
    child = node.get(path[0])
    if isinstance(child, list) and len(path) > 1 and path[1].isdigit():
        index = int(path[1])
        if index < len(child):
            yield from _nodes_at(child[index], path[2:])
        return
    yield from _nodes_at(child, path[1:])


_OPAQUE_KEYS = frozenset({"@context", C.CREDBRIDGE_IRI, "proof", "endorsement"})
"""Values left as they are by :func:`absolute_ids`: contexts, the extension's JSON literal,
and embedded credentials (signed by others: changing them would break their proofs)."""


def absolute_ids(node: Any, note: Callable[[Code, str, str | None], object],
                 path: str = "") -> None:
    """Replace every node ``id`` that is not an absolute IRI (JSON-LD drops or resolves a
    relative one) by a urn:uuid derived from it, reported."""
    if isinstance(node, list):
        for item in node:
            absolute_ids(item, note, path)
        return
    if not isinstance(node, dict):
        return
    value = node.get("id")
    if isinstance(value, str) and not C.is_absolute_iri(value):
        node["id"] = stable_urn("id", value)
        note(Code.APPROXIMATED, f"the id {value!r} at {path or '/'} is not an absolute IRI: "
             f"{node['id']} written, derived from it", None)
    for key, child in node.items():
        if key not in _OPAQUE_KEYS:
            absolute_ids(child, note, f"{path}/{key}")




def _without_unbundled(node: Any, top: bool = True) -> Any:
    """A copy of ``node`` without the objects below the top that name a context credbridge
    does not bundle (OB 2.0 extension objects with their own published context): nothing is
    fetched, so they are left unchecked rather than reported."""
    if isinstance(node, list):
        return [item for item in (_without_unbundled(i, False) for i in node)
                if item is not _GONE]
    if not isinstance(node, dict):
        return node
    if not top and any(isinstance(c, str) and c not in BUNDLED
                       for c in _as_list(node.get("@context"))):
        return _GONE
    out = {}
    for key, value in node.items():
        kept = value if key in _OPAQUE or key == "@context" else _without_unbundled(value, False)
        if kept is not _GONE:
            out[key] = kept
    return out


_GONE = object()


_MAX_CLEAN = 4096
"""Clean shapes kept at most (then forgotten at once)."""

_CLEAN: dict[tuple[Any, ...], bool] = {}
"""The shapes (:func:`shape`) pyld's check found clean: a bounded memo of a pure function
(the check of a document depends only on its shape and the bundled contexts)."""


@cache
def _exact_keys() -> frozenset[str]:
    """The keys whose string values expansion reads as more than a literal: ``id``,
    ``type``, every term a bundled context defines as an alias of a keyword, and every term
    of any bundled context (at any depth, scoped ones included) typed ``@vocab`` (its value
    may be a term of the context)."""
    out = {"id", "type"}
    for url in BUNDLED:
        for ctx in _context_objects(bundled_context(url)):
            for term, definition in ctx.items():
                target = definition.get("@id") if isinstance(definition, Mapping) \
                    else definition
                if isinstance(target, str) and target.startswith("@"):
                    out.add(term)
                if isinstance(definition, Mapping) and definition.get("@type") == "@vocab":
                    out.add(term)
    return frozenset(out)


def shape(doc: dict[str, Any], json_ld_10: bool = False) -> tuple[Any, ...] | None:
    """What the safe-mode check of ``doc`` depends on, or ``None`` (not memoised: a context
    object, a context below the top, a context credbridge does not bundle).

    Soundness: the check is pyld's expansion with the bundled contexts and a null base,
    plus a walk for nulls. With the top-level context a list of bundled URLs (kept exactly)
    and no other context anywhere, the active context at every object is decided by the keys
    (kept exactly, at every depth) and the values of ``type`` and ``@``-keys (type-scoped
    contexts; kept exactly), and nothing in the document can change it otherwise. Expansion
    reads a key's string value beyond its literal only (a) as an IRI (``id``, an
    ``@id``-typed term, a datatype): a null base leaves a string without a colon relative
    (a problem, whatever the string), a string with one expands by its prefix (kept) unless
    the rest starts with ``//`` (kept), ``_:`` is a blank node (kept), ``@``-strings are
    keyword-like (kept); or (b) as a vocabulary term: keyword aliases and ``@vocab``-typed
    terms of any bundled context (:func:`_exact_keys`), kept exactly. Any other string is a
    literal, its content irrelevant. Numbers, booleans and nulls are kept by kind (a null is
    a problem). A list's items are expanded one by one in the same active context,
    independently of their order and number, and problems only add up: a list is the set of
    its items' shapes. Only a clean outcome is memoised (problem messages name values), so
    two documents of one shape are both clean or neither is."""
    contexts = doc.get("@context")
    if not isinstance(contexts, (str, list)) or not all(
            isinstance(c, str) and c in BUNDLED for c in _as_list(contexts)):
        return None
    try:
        body = _shape_object({k: v for k, v in doc.items() if k != "@context"}, _exact_keys())
    except _Unmemoised:
        return None
    return (json_ld_10, contexts if isinstance(contexts, str) else tuple(contexts), body)


class _Unmemoised(Exception):
    """A context below the top: the document is checked in full."""


def _shape_object(node: dict[str, Any], exact: frozenset[str]) -> tuple[Any, ...]:
    if "@context" in node:
        raise _Unmemoised
    return tuple(sorted((key, _shape(value, key.startswith("@") or key in exact, exact))
                        for key, value in node.items()))


def _shape(value: Any, exact: bool, known: frozenset[str]) -> Any:
    if isinstance(value, str):
        return ("=", value) if exact else _string_class(value)
    if isinstance(value, dict):
        return ("{}", _shape_object(value, known))
    if isinstance(value, list):
        return ("[]", frozenset(_shape(item, exact, known) for item in value))
    if value is None or isinstance(value, bool):
        return ("k", value)
    return ("k", type(value).__name__)


def _string_class(value: str) -> tuple[Any, ...]:
    """A string by what IRI expansion reads of it (see :func:`shape`)."""
    if value.startswith("_:"):
        return ("_",)
    if value.startswith("@"):
        return ("=", value)
    prefix, colon, rest = value.partition(":")
    if not colon:
        return ("s", value == "")
    return (":", prefix, rest.startswith("//"))
