"""The one JSON-LD document loader: contexts come from a format's bundle, never from anywhere.

A JSON-LD processor fetches the contexts a document names: as ``@context`` URLs at any depth,
inside context objects (a context object that itself holds ``@context``), in the scoped
contexts of term definitions and through ``@import``. credbridge never lets it. Every JSON-LD
path (a format's reader and its fast path, ``validate``, SHACL) hands its documents to
:class:`DocumentLoader` first, which walks every context reference of the document and

- replaces a URL of the format's :class:`ContextBundle` by the bundled context (so the
  processor receives a document with no reference left to fetch: offline by construction),
- refuses every other reference — ``http(s)://``, ``file://``, relative, unknown — with an
  :class:`~credbridge.errors.UnsafeInputError` before anything is opened or connected to,
- counts the context entries given inline against the ``declarations`` budget.

Formats that read JSON-LD as plain JSON (Open Badges) use :meth:`DocumentLoader.check`: the
same walk, nothing replaced. The loader is also callable as a pyld-style document loader
(``loader(url) -> {"document": ...}``) serving the bundle only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import UnsafeInputError
from .safety import DEFAULT_LIMITS, Limits, over_budget

ContextFactory = Callable[[], Mapping[str, Any]]
"""Makes a bundled context: the value a remote context document holds under ``@context``."""


def _same(url: str) -> str:
    return url


@dataclass(frozen=True)
class ContextBundle:
    """The contexts a format ships, by URL: ``contexts`` maps a URL (as ``normalise`` spells
    it) to its context; ``known`` accepts URLs whose terms the format knows without needing
    their content (it never expands them: :meth:`DocumentLoader.check` only)."""

    name: str
    contexts: Mapping[str, ContextFactory] = field(default_factory=dict)
    normalise: Callable[[str], str] = _same
    known: Callable[[str], bool] | None = None

    def factory(self, url: str) -> ContextFactory | None:
        """The bundled context of ``url``, or ``None``."""
        return self.contexts.get(self.normalise(url))

    def accepts(self, url: str) -> bool:
        """True when ``url`` is bundled or known."""
        return self.factory(url) is not None or (self.known is not None and self.known(url))


class DocumentLoader:
    """Resolves the context references of one document from a :class:`ContextBundle`; see the
    module docstring. One loader per document (it counts that document's declarations)."""

    def __init__(self, bundle: ContextBundle, limits: Limits | None = None) -> None:
        self.bundle = bundle
        self.limits = limits or DEFAULT_LIMITS
        self.declarations = 0
        self._cache: dict[str, dict[str, Any]] = {}

    # --- the pyld-style loader -------------------------------------------------------------

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        """A remote document of the bundle (``{"contextUrl": None, "documentUrl": url,
        "document": {"@context": ...}}``); any other URL is refused."""
        return {"contextUrl": None, "documentUrl": url,
                "document": {"@context": self.context(url)}}

    def context(self, url: Any, via: str = "names") -> dict[str, Any]:
        """The bundled context of ``url`` (a private copy); anything else is refused (``via``
        says how the document referenced it, for the message)."""
        if not isinstance(url, str):
            raise self._refused(f"a JSON-LD context reference must be a URL, not {url!r}")
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        factory = self.bundle.factory(url)
        if factory is None:
            raise self._refused(
                f"the document {via} the JSON-LD context {url!r}, which credbridge does not "
                f"know; it is never fetched (credbridge never fetches contexts: the "
                f"{self.bundle.name} ones are bundled)")
        made = copy.deepcopy(dict(factory()))
        if _references(made):  # a bundled context must not send the processor elsewhere
            raise self._refused(f"the bundled context {url!r} references other contexts")
        self._cache[url] = made
        return made

    # --- whole documents -------------------------------------------------------------------

    def inline(self, doc: Any) -> Any:
        """A copy of ``doc`` in which every context reference is replaced by its bundled
        context; any reference the bundle does not hold raises :class:`UnsafeInputError`."""
        return self._walk(doc, resolve=True)

    def check(self, doc: Any) -> None:
        """Refuse ``doc`` when it references a context the bundle neither holds nor knows
        (nothing is replaced: for formats that read JSON-LD as JSON)."""
        self._check(doc)

    def _check(self, node: Any) -> None:
        # the walk of ``inline`` in the same order (the same first refusal), copying nothing
        if isinstance(node, list):
            for item in node:
                if isinstance(item, list | dict):
                    self._check(item)
        elif isinstance(node, dict) and "@value" not in node:
            for key, value in node.items():
                if key == "@context":
                    self._context_value(value, False)
                elif isinstance(value, list | dict):
                    self._check(value)

    def _walk(self, node: Any, *, resolve: bool) -> Any:
        if isinstance(node, list):
            return [self._walk(item, resolve=resolve) for item in node]
        if not isinstance(node, dict):
            return node
        if "@value" in node:  # a value object: its value is data, never a context
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = self._context_value(value, resolve)
            else:
                out[key] = self._walk(value, resolve=resolve)
        return out

    def _context_value(self, value: Any, resolve: bool) -> Any:
        """The value of an ``@context`` key: null, a URL, a context object or a list."""
        self._count(1)
        if value is None:
            return None
        if isinstance(value, list):
            return [self._context_value(item, resolve) for item in value]
        if isinstance(value, str):
            return self._reference(value, resolve)
        if isinstance(value, dict):
            return self._context_object(value, resolve)
        raise self._refused(f"invalid JSON-LD @context value {value!r}")

    def _reference(self, url: Any, resolve: bool, via: str = "names") -> Any:
        if resolve or not isinstance(url, str) or not self.bundle.accepts(url):
            return self.context(url, via)  # the bundled context, or the refusal
        return url

    def _context_object(self, obj: dict[str, Any], resolve: bool) -> Any:
        self._count(len(obj))
        if "@context" in obj:
            # a context object wrapping a context (as a remote context document does):
            # its content is resolved like any other context, never fetched
            if len(obj) > 1:
                raise self._refused("a JSON-LD context object holds @context next to other "
                                    "entries")
            return self._context_value(obj["@context"], resolve)
        out: dict[str, Any] = {}
        if "@import" in obj:
            imported = self._reference(obj["@import"], resolve, "@imports")
            if not resolve:
                out["@import"] = imported
            elif "@import" in imported:
                raise self._refused(f"the context @import {obj['@import']!r} imports again")
            else:
                out.update(imported)
        for key, value in obj.items():
            if key == "@import":
                continue
            if isinstance(value, dict) and "@context" in value and not key.startswith("@"):
                # a term definition with a scoped context
                value = {**value, "@context": self._context_value(value["@context"], resolve)}
            out[key] = value
        return out

    def _count(self, n: int) -> None:
        self.declarations += n
        budget = self.limits.max_declarations
        if self.declarations > budget:
            raise over_budget(f"the document declares more than {budget:,} JSON-LD context "
                              "entries", "declarations", budget)

    @staticmethod
    def _refused(message: str) -> UnsafeInputError:
        return UnsafeInputError(message, field="@context")


def _references(context: Any) -> bool:
    """True when a context (decoded JSON) holds a reference to another context: a string, or a
    list holding one, under ``@context`` or ``@import`` at any depth."""
    stack = [context]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import") and (
                        isinstance(value, str)
                        or (isinstance(value, list) and any(isinstance(v, str) for v in value))):
                    return True
                stack.append(value)
    return False


PUBLISHED = ("https://", "http://")
"""The context references that may be left out beside a format's own context: published on
the web. A ``file:``, ``data:`` or relative reference names something local and is refused."""


def without_unknown_contexts(doc: Any, known: Callable[[str], bool],
                             family: Callable[[str], bool]) -> tuple[Any, list[str]]:
    """``doc`` without the context URLs of its top-level ``@context`` list that ``known``
    does not know, and those URLs, when a context of the format's ``family`` is named too and
    each of them is published (``http(s)``): a vendor's extension context, or a schema URL
    given as a context, beside the format's own. Any other document comes back as it is, for
    :class:`DocumentLoader` to refuse: without the family's context an unknown one would define
    the terms, and a local reference is never left out. Nothing is fetched either way."""
    value = doc.get("@context") if isinstance(doc, dict) else None
    if not isinstance(value, list):
        return doc, []
    urls = [c for c in value if isinstance(c, str)]
    unknown = [c for c in urls if not known(c)]
    if not unknown or not any(family(c) for c in urls) or not all(
            c.lower().startswith(PUBLISHED) for c in unknown):
        return doc, []
    kept = [c for c in value if not (isinstance(c, str) and c in unknown)]
    return {**doc, "@context": kept}, unknown
