"""Defences for untrusted input: size limits, a hardened XML parser, bounded JSON."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import IO, Any

from .errors import InputError, LimitExceededError, UnsafeInputError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Default limit for one document (a JSON or XML credential, a whole canonical array)."""

DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024
"""Default limit for one record of a streamed format (a CSV row, a JSON Lines line)."""

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects :func:`load_json` accepts (credentials nest about
15 levels; code that walks a value recursively must never meet Python's recursion limit)."""

MAX_NUMBER_DIGITS = 1000
"""Longest number :func:`load_json` accepts, in characters (Python refuses integers over
4,300 digits with an error of its own; no credential value needs more than a few)."""



@dataclass(frozen=True)
class Limits:
    """Safety limits of one read. ``None`` means no limit."""

    max_bytes: int | None = DEFAULT_MAX_BYTES
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES


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


_INF = float("inf")


def load_json(data: bytes | str, *, what: str = "JSON") -> Any:
    """Parse JSON from untrusted input: clear error with line and column, bounded nesting
    (the C decoder stops at the interpreter's recursion limit), NaN/Infinity refused."""
    def _no_constants(name: str) -> Any:
        raise InputError(f"{what} contains {name}, which is not JSON")

    def _number(kind: type[int] | type[float]) -> Any:
        def parse(text: str) -> int | float:
            if len(text) > MAX_NUMBER_DIGITS:
                raise LimitExceededError(f"{what} holds a number of {len(text):,} digits "
                                         f"(the limit is {MAX_NUMBER_DIGITS:,})")
            number = kind(text)
            if number in (_INF, -_INF):  # "1e999": float() says inf, which JSON cannot write
                raise InputError(f"{what} holds a number out of range ({text[:20]})")
            return number
        return parse

    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_no_constants, parse_int=_number(int),
                           parse_float=_number(float))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid {what}: {exc.msg} at line {exc.lineno}, column {exc.colno}") \
            from None
    except RecursionError:  # the C decoder refuses nesting beyond the recursion limit
        raise LimitExceededError(f"{what} is nested too deeply (over {MAX_JSON_DEPTH} levels)") \
            from None
    if type(value) in (dict, list) and text.count("{") + text.count("[") > MAX_JSON_DEPTH:
        _check_depth(value, what)
    return value


def _check_depth(value: Any, what: str) -> None:
    """Raise :class:`LimitExceededError` when ``value`` nests deeper than ``MAX_JSON_DEPTH``
    (iteratively: the check itself never recurses)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise LimitExceededError(f"{what} is nested too deeply (over {MAX_JSON_DEPTH} levels)")
        children = node.values() if type(node) is dict else node
        stack.extend((c, depth + 1) for c in children if type(c) in (dict, list))


def xml_parser() -> Any:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


XINCLUDE_NS = "http://www.w3.org/2001/XInclude"


def parse_xml(data: bytes, *, what: str = "XML") -> Any:
    """Parse untrusted XML: hardened parser, then refuse what a credential never needs.

    A DOCTYPE (internal or external DTD, entity declarations), processing instructions such as
    ``xml-stylesheet`` and XInclude elements raise :class:`UnsafeInputError`; broken XML raises
    :class:`InputError` naming the line. Nesting deeper than libxml2's default limit is refused
    by the parser itself (``huge_tree`` is off).
    """
    from lxml import etree

    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise InputError(f"invalid {what}{line}: {exc.msg}") from None
    except ValueError as exc:  # e.g. an encoding declaration on a str
        raise InputError(f"invalid {what}: {exc}") from None
    check_xml(root, what=what)
    return root


def check_xml(root: Any, *, what: str = "XML") -> None:
    """Raise :class:`UnsafeInputError` for a DTD, a processing instruction or XInclude."""
    from lxml import etree

    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None \
            or tree.docinfo.externalDTD is not None:
        raise UnsafeInputError(
            f"{what} with a DOCTYPE is not accepted (credbridge never processes DTDs or "
            "entities)")
    for node in (*root.itersiblings(preceding=True), *root.iter(etree.PI)):
        if isinstance(node, etree._ProcessingInstruction):
            raise UnsafeInputError(
                f"{what} with a processing instruction (<?{node.target} ...?>) is not accepted")
    for node in root.iter(f"{{{XINCLUDE_NS}}}*"):
        raise UnsafeInputError(f"{what} with XInclude ({etree.QName(node).localname}) is not "
                               "accepted")
