"""Defences for untrusted input: budgets, a hardened XML parser, bounded JSON.

Nothing an input says is trusted. Every document is read within :class:`Limits` — budgets
that hold *by construction*: they are checked while the document is parsed (XML as it is fed
to lxml, JSON before the decoder builds anything large, RDF triple by triple), before any other
library sees it, so that no input can make credbridge use more than a bounded amount of memory
or time. Exceeding a budget is a :class:`~credbridge.errors.LimitExceededError` (exit 2) whose
one line names the budget and how to raise it. docs/security.md lists the budgets.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from itertools import islice
from typing import IO, Any

from .errors import InputError, LimitExceededError, UnsafeInputError, UsageError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Default limit for one document (a JSON or XML credential, a whole canonical array)."""

DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024
"""Default limit for one record of a streamed format (a CSV row, a JSON Lines line)."""

DEFAULT_MAX_NODES = 100_000
"""Values of one JSON document; elements, attributes and comments of one XML document (the
largest credential of the shared corpus has about 7,000)."""

DEFAULT_MAX_TRIPLES = 30_000
"""RDF triples of one document's graph (the corpus' largest: about 4,400). rdflib's graphs
take about 1.3 KB and its Turtle parser up to 80 µs a triple: this bounds both."""

DEFAULT_MAX_DEPTH = 64
"""Nesting depth of one JSON or XML document (the corpus' deepest: 18)."""

DEFAULT_MAX_ITEMS = 10_000
"""Items of one JSON array or object, one multi-valued CSV cell, one CSV header."""

DEFAULT_MAX_DECLARATIONS = 1_000
"""Namespace declarations (XML), prefix and base declarations (Turtle), and context entries
given inline in a JSON-LD document (the corpus' most: 252)."""

DEFAULT_MAX_COMMENTS = 10_000
"""Comments of one XML document."""

DEFAULT_MAX_SECONDS = 5.0
"""Wall time to parse one document (a last line of defence: the other budgets stop hostile
inputs long before)."""


@dataclass(frozen=True)
class Limits:
    """The budgets of one read. ``max_bytes`` ``None`` means no size limit; the other budgets
    always apply (raise them for an unusually large trusted input)."""

    max_bytes: int | None = DEFAULT_MAX_BYTES
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    max_nodes: int = DEFAULT_MAX_NODES
    max_triples: int = DEFAULT_MAX_TRIPLES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_items: int = DEFAULT_MAX_ITEMS
    max_declarations: int = DEFAULT_MAX_DECLARATIONS
    max_comments: int = DEFAULT_MAX_COMMENTS
    max_seconds: float = DEFAULT_MAX_SECONDS

    def deadline(self, what: str = "the document") -> Deadline:
        """A wall-time budget starting now, for parsing one document."""
        return Deadline(self.max_seconds, what)


DEFAULT_LIMITS = Limits()

LIMIT_NAMES: dict[str, str] = {
    "nodes": "max_nodes",
    "triples": "max_triples",
    "depth": "max_depth",
    "items": "max_items",
    "declarations": "max_declarations",
    "comments": "max_comments",
    "seconds": "max_seconds",
}
"""The budgets by the name ``--limit NAME=N`` gives them (``max_bytes`` is ``--max-bytes``)."""

LIMITS_KEY = ("credbridge", "limits")
"""Where the core keeps a batch's :class:`Limits` in ``Context.scratch``."""


def limits_of(ctx: Any) -> Limits:
    """The budgets of the batch a format's context belongs to (the defaults when the caller
    set none)."""
    scratch = getattr(ctx, "scratch", None)
    found = scratch.get(LIMITS_KEY) if isinstance(scratch, dict) else None
    return found if isinstance(found, Limits) else DEFAULT_LIMITS


def with_limits(assignments: Any, base: Limits = DEFAULT_LIMITS) -> Limits:
    """``base`` with budgets changed by ``NAME=N`` strings or a ``{name: N}`` mapping (names of
    :data:`LIMIT_NAMES`, or the field names); a bad name or value is a :class:`UsageError`."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(assignments, dict):
        pairs = list(assignments.items())
    else:
        for item in assignments:
            name, sep, value = str(item).partition("=")
            if not sep:
                raise UsageError(f"--limit {item}: give NAME=N (names: {_names()})")
            pairs.append((name, value))
    changes: dict[str, Any] = {}
    valid = {f.name for f in fields(Limits)} - {"max_bytes", "max_record_bytes"}
    for name, value in pairs:
        key = LIMIT_NAMES.get(name.strip(), name.strip())
        if key not in valid:
            raise UsageError(f"--limit {name}: unknown budget (names: {_names()})")
        try:
            number = float(value) if key == "max_seconds" else int(str(value).replace("_", ""))
        except ValueError:
            raise UsageError(f"--limit {name}={value}: not a number") from None
        if number <= 0:
            raise UsageError(f"--limit {name}={value}: must be positive")
        changes[key] = number
    return replace(base, **changes)


def _names() -> str:
    return ", ".join(LIMIT_NAMES)


def over_budget(what: str, budget: str, value: float) -> LimitExceededError:
    """The error for ``what`` exceeding the budget ``budget`` (a :data:`LIMIT_NAMES` key) of
    ``value``: one line naming the budget and how to raise it."""
    shown = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return LimitExceededError(f"{what} (budget {budget} = {shown}; raise it with --limit "
                              f"{budget}=N)")


class Deadline:
    """A wall-time budget: :meth:`check` raises once ``seconds`` have passed since it was made.
    Parsers call it between chunks and every few hundred triples (cooperative: nothing is
    interrupted from outside)."""

    def __init__(self, seconds: float | None, what: str = "the document") -> None:
        self.seconds = seconds
        self.what = what
        self._end = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        """Raise :class:`LimitExceededError` when the time is up."""
        if self._end is not None and time.monotonic() > self._end:
            raise over_budget(f"parsing {self.what} took longer than {self.seconds:g} s",
                              "seconds", float(self.seconds or 0))


class LimitedReader(io.RawIOBase):
    """A binary stream that raises :class:`LimitExceededError` past ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int | None, name: str | None = None,
                 progress: Any = None) -> None:
        self._raw = raw
        self._limit = limit
        self._seen = 0
        self._name = name
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        self._seen += n
        if self._progress is not None:
            self._progress.bytes_done += n
        if self._limit is not None and self._seen > self._limit:
            raise LimitExceededError(
                f"input is larger than the limit of {self._limit:,} bytes (raise it with "
                "--max-bytes)",
                file=self._name,
            )
        buffer[:n] = data
        return n


class PrefixedReader(io.RawIOBase):
    """Replays ``head`` (already read for detection), then continues with ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# --- JSON ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def load_json(data: bytes | str, *, what: str = "JSON", limits: Limits | None = None) -> Any:
    """Parse JSON from untrusted input within ``limits`` (default :data:`DEFAULT_LIMITS`):
    clear error with line and column, NaN/Infinity refused, and the ``nodes`` budget checked
    on the text before the decoder builds anything; ``depth`` and ``items`` are checked on
    the result (:func:`check_json`)."""
    limits = limits or DEFAULT_LIMITS
    within = _check_json_size(data, what, limits)  # on the bytes: no copy of a hostile one
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 (byte {exc.start})") from None
    try:
        if text.startswith("\ufeff"):  # as json.loads says it (after one BOM is taken off)
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _decoder(what).decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid {what}: {exc.msg} at line {exc.lineno}, column {exc.colno}") \
            from None
    except RecursionError:  # the C decoder refuses nesting beyond the recursion limit
        raise over_budget(f"{what} is nested too deeply (more than {limits.max_depth} "
                          "levels)",
                          "depth", limits.max_depth) from None
    if not within:  # else the text's counts already prove every budget of check_json kept
        check_json(value, what=what, limits=limits)
    return value


@lru_cache(maxsize=64)
def _decoder(what: str) -> json.JSONDecoder:
    """The decoder :func:`load_json` uses for ``what`` (what ``json.loads`` would build for
    each call with these hooks; the json module shares its own default one the same way)."""
    def no_constants(name: str) -> Any:
        raise InputError(f"{what} contains {name}, which is not JSON")

    return json.JSONDecoder(parse_constant=no_constants, parse_int=_json_number(int, what),
                            parse_float=_json_number(float, what))


MAX_NUMBER_DIGITS = 1000
"""Longest number :func:`load_json` accepts, in characters (Python refuses integers over
4,300 digits with a ValueError of its own; no credential value needs more than a few)."""


def _json_number(kind: type[int] | type[float], what: str) -> Any:
    """The decoder's hook for numbers: a clean error for one too long to parse (``int()``
    refuses 4,300 digits) or out of range (``float()`` makes ``1e999`` inf, which JSON cannot
    write back)."""
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_DIGITS:
            raise LimitExceededError(f"{what} holds a number of {len(text):,} characters (the "
                                     f"limit is {MAX_NUMBER_DIGITS:,})")
        number = kind(text)
        if number in (_INF, -_INF):
            raise InputError(f"{what} holds a number out of range ({text[:20]})")
        return number
    return parse


_INF = float("inf")


def _check_json_size(text: bytes | str, what: str, limits: Limits) -> bool:
    """Refuse, before decoding, a text with more values than the ``nodes`` budget, without
    copying it. Commas and opening brackets bound the number of values; only when that quick
    bound is over the budget are the strings looked at (their commas and brackets do not
    count), at most ``nodes`` of them: each string is a value or a key.

    True when the counts prove that the decoded value keeps every budget of
    :func:`check_json` (:func:`json_within_budgets`), which then need not walk it."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    budget = limits.max_nodes
    brackets = data.count(b"[") + data.count(b"{")
    quick = data.count(b",") + brackets
    if quick <= budget:
        return json_within_budgets(quick, brackets, limits)
    inside = 0
    for number, match in enumerate(_JSON_STRING.finditer(data), start=1):
        if number > budget:
            break
        found = match.group()
        inside += found.count(b",") + found.count(b"[") + found.count(b"{")
    else:
        if quick - inside <= budget:
            return False
    raise over_budget(f"{what} has more than {budget:,} values", "nodes", budget)


def json_within_budgets(separators: int, brackets: int, limits: Limits) -> bool:
    """True when a JSON text with ``separators`` commas and opening brackets (``brackets`` of
    them ``[`` or ``{``; those inside strings may be counted too) decodes to a value that
    :func:`check_json` would pass. Every value but the outermost follows a comma or the
    opening bracket of its container (values <= separators + 1); a container's entries follow
    its own bracket or a comma (entries <= separators); a value k containers deep is under k
    opening brackets (levels <= brackets + 1)."""
    return (separators < limits.max_nodes and separators <= limits.max_items
            and brackets < limits.max_depth)


def check_json(value: Any, *, what: str = "JSON", limits: Limits | None = None) -> None:
    """Raise :class:`LimitExceededError` when ``value`` (decoded JSON) is nested deeper than
    the ``depth`` budget, has a container with more entries than ``items`` or more values than
    ``nodes``. Iterative, one level of the tree at a time (no tuple per value: 3.6x the speed
    of a stack of (value, depth) pairs): any depth is safe to check."""
    limits = limits or DEFAULT_LIMITS
    max_items = limits.max_items
    level: list[Any] = [value]
    depth = nodes = 0
    while level:
        depth += 1
        if depth > limits.max_depth:
            raise over_budget(f"{what} is nested too deeply (more than {limits.max_depth} "
                              "levels)", "depth", limits.max_depth)
        nodes += len(level)
        if nodes > limits.max_nodes:
            raise over_budget(f"{what} has more than {limits.max_nodes:,} values", "nodes",
                              limits.max_nodes)
        below: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                children: Any = node.values()
            elif isinstance(node, list):
                children = node
            else:
                continue
            if len(children) > max_items:
                kind = "an object with" if isinstance(node, dict) else "an array of"
                raise over_budget(f"{what} has {kind} more than {max_items:,} entries",
                                  "items", max_items)
            below.extend(children)
        level = below


# --- XML -------------------------------------------------------------------------------------


def xml_parser() -> Any:
    """An lxml parser that never resolves entities, loads DTDs or touches the network (for
    trusted files such as the official schemas; untrusted input goes through
    :func:`parse_xml`)."""
    from lxml import etree

    return etree.XMLParser(**_PARSER_OPTIONS)


_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
}

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
_XINCLUDE = "{" + XINCLUDE_NS + "}"
_CHUNK = 1 << 16
# what may be an attribute: a name, "=", a quote (text can match too: an upper bound)
_ATTRIBUTE = re.compile(rb"""[\s"'][^\s=<>"'/]+\s*=\s*["']""")
_DOCTYPE_REFUSED = ("{what} with a DOCTYPE is not accepted (credbridge never processes DTDs "
                    "or entities)")


def parse_xml(data: bytes, *, what: str = "XML", limits: Limits | None = None,
              deadline: Deadline | None = None, allow_doctype: bool = False) -> Any:
    """Parse untrusted XML with the hardened parser, within ``limits``, and return its root.

    The whole document is parsed before anything else sees it. A DOCTYPE (internal or
    external DTD, entity declarations), a processing instruction (``xml-stylesheet``...) and
    XInclude anywhere in it raise :class:`UnsafeInputError`; broken XML raises
    :class:`InputError` naming the line. The document is fed to lxml in chunks and its events
    counted as they come, so the ``nodes`` (elements, attributes, comments), ``comments``,
    ``depth`` and ``declarations`` (namespace declarations) budgets stop a hostile document
    after at most one chunk more than the budget allows.

    ``allow_doctype`` (for SVG images, which design tools write with the SVG 1.1 DOCTYPE)
    accepts a DOCTYPE that declares no entity; its external DTD is never loaded, and an entity
    reference is refused anywhere all the same.
    """
    from lxml import etree

    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_xml takes the document's bytes")
    if not data or data.isspace():
        raise InputError(f"{what} is empty")
    limits = limits or DEFAULT_LIMITS
    deadline = deadline or limits.deadline(what)
    _check_attribute_count(data, what, limits)
    parser = etree.XMLPullParser(events=("start", "end", "start-ns", "comment", "pi"),
                                 **_PARSER_OPTIONS)
    budget = _XmlBudget(what, limits, allow_doctype)
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(bytes(data[offset:offset + _CHUNK]))
            budget.take(parser.read_events())
            deadline.check()
        root = parser.close()
        budget.take(parser.read_events())
    except etree.XMLSyntaxError as exc:
        if _declares_doctype(data) and (not allow_doctype or "entit" in str(exc).lower()):
            # libxml2 may stop inside the DTD (entity amplification of a "billion laughs")
            # before the DOCTYPE is seen as such: the document is refused for it all the same
            raise UnsafeInputError(_DOCTYPE_REFUSED.format(what=what)) from None
        line, column = exc.position if exc.position else (exc.lineno, exc.offset)
        message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
        # the push parser may report only "no element found": its log has the first error
        first = next((e for e in exc.error_log if e.level_name == "FATAL"), None)
        if first is not None and (message == "no element found" or not line):
            line, column, message = first.line, first.column, first.message
        raise InputError(f"{what} is not well-formed XML: line {line}, column {column}: "
                         f"{message or 'no element'}") from None
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot honour
        raise InputError(f"{what} cannot be parsed: {exc}") from None
    if root is None:
        raise InputError(f"{what} is empty")
    check_xml(root, what=what, allow_doctype=allow_doctype)
    return root


_DOCTYPE_MARKS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _declares_doctype(data: bytes | bytearray) -> bool:
    """True when the first 64 KiB of ``data`` hold a DOCTYPE declaration (in UTF-8 or UTF-16)."""
    head = bytes(data[:65536])
    return any(mark in head for mark in _DOCTYPE_MARKS)


def _check_attribute_count(data: bytes | bytearray, what: str, limits: Limits) -> None:
    """libxml2 builds a start tag's attributes before it reports the element: bound them on
    the bytes first (``=`` signs, then attribute-like text, both upper bounds)."""
    budget = limits.max_nodes
    if data.count(b"=") <= budget:
        return
    if sum(1 for _ in islice(_ATTRIBUTE.finditer(data), budget + 1)) > budget:
        raise over_budget(f"{what} has more than {limits.max_nodes:,} attributes", "nodes",
                          limits.max_nodes)


class _XmlBudget:
    """Counts the parse events of one document against its budgets."""

    def __init__(self, what: str, limits: Limits, allow_doctype: bool) -> None:
        self.what = what
        self.limits = limits
        self.allow_doctype = allow_doctype
        self.nodes = self.comments = self.declarations = self.depth = 0
        self.started = False

    def take(self, events: Any) -> None:
        limits, what = self.limits, self.what
        for event, node in events:
            if event == "start":
                if not self.started:
                    self.started = True
                    _refuse_doctype(node, what, self.allow_doctype)
                self.depth += 1
                self.nodes += 1 + len(node.attrib)
                if self.depth > limits.max_depth:
                    raise over_budget(f"{what} is nested too deeply (more than "
                                      f"{limits.max_depth} levels)", "depth", limits.max_depth)
                if isinstance(node.tag, str) and node.tag.startswith(_XINCLUDE):
                    raise UnsafeInputError(f"{what} with XInclude is not accepted")
            elif event == "end":
                self.depth -= 1
            elif event == "start-ns":
                self.declarations += 1
                if self.declarations > limits.max_declarations:
                    raise over_budget(f"{what} has more than {limits.max_declarations:,} "
                                      "namespace declarations", "declarations",
                                      limits.max_declarations)
            elif event == "comment":
                self.nodes += 1
                self.comments += 1
                if self.comments > limits.max_comments:
                    raise over_budget(f"{what} has more than {limits.max_comments:,} comments",
                                      "comments", limits.max_comments)
            elif event == "pi":
                raise UnsafeInputError(f"{what} with a processing instruction "
                                       f"(<?{node.target} ...?>) is not accepted")
            if self.nodes > limits.max_nodes:
                raise over_budget(f"{what} has more than {limits.max_nodes:,} elements, "
                                  "attributes and comments", "nodes", limits.max_nodes)


def _refuse_doctype(node: Any, what: str, allow_doctype: bool = False) -> None:
    docinfo = node.getroottree().docinfo
    internal = docinfo.internalDTD
    if not (docinfo.doctype or internal is not None or docinfo.externalDTD is not None):
        return
    if allow_doctype and docinfo.externalDTD is None and (
            internal is None or not any(True for _ in internal.iterentities())):
        return
    raise UnsafeInputError(_DOCTYPE_REFUSED.format(what=what))


def check_xml(root: Any, *, what: str = "XML", allow_doctype: bool = False) -> None:
    """Raise :class:`UnsafeInputError` for a DTD, a processing instruction or XInclude
    anywhere in the tree of ``root`` (:func:`parse_xml` checks as it parses; this is for a
    tree built otherwise)."""
    from lxml import etree

    _refuse_doctype(root, what, allow_doctype)
    for node in (*root.itersiblings(preceding=True), *root.itersiblings(),
                 *root.iter(etree.PI)):
        if isinstance(node, etree._ProcessingInstruction):
            raise UnsafeInputError(
                f"{what} with a processing instruction (<?{node.target} ...?>) is not accepted")
    for node in root.iter(f"{_XINCLUDE}*"):
        raise UnsafeInputError(f"{what} with XInclude ({etree.QName(node).localname}) is not "
                               "accepted")
    for _node in root.iter(etree.Entity):
        raise UnsafeInputError(f"{what} with an entity reference is not accepted")
