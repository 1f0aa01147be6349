"""A tolerant look at the top of a JSON document, for format detection.

A sniffer is given the first bytes of an input (``formats.SNIFF_BYTES``), which may end in the
middle of a value, and real documents often put bulk first (a 120 kB embedded image before
``@context``). :func:`json_top` reads the top-level members one by one with the C JSON
scanner and stops at the first value that does not fit in the head, so a sniffer can decide
on what the document *declares* (its ``@context``, ``type``, ``@type``) rather than on words
that happen to occur somewhere inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_DECODER = json.JSONDecoder()
_UNREAD: Any = object()


class Head(bytes):
    """The head of one input while its format is detected: every sniffer that asks
    :func:`json_top` of it gets the answer computed for the first (it is read once per
    detection, not once per format)."""

    _json_top: JsonTop | None


def as_head(head: bytes) -> Head:
    """``head`` as a :class:`Head` (the bytes themselves when it is one)."""
    return head if isinstance(head, Head) else Head(head)


@dataclass(frozen=True)
class JsonTop:
    """The top-level members of a JSON object that fit in the sniffed head."""

    members: dict[str, Any] = field(default_factory=dict)
    """Each top-level key whose value was read whole, with that value."""
    keys: tuple[str, ...] = ()
    """Every top-level key seen, in order (also the one whose value was cut off)."""
    complete: bool = False
    """Whether the whole object fitted in the head."""

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a top-level member, else ``default``."""
        return self.members.get(key, default)

    def types(self) -> set[str]:
        """The names given by ``type`` and ``@type`` (a string or a list of strings)."""
        found: set[str] = set()
        for key in ("type", "@type"):
            value = self.members.get(key)
            values = value if isinstance(value, list) else [value]
            found.update(v for v in values if isinstance(v, str))
        return found

    def contexts(self) -> list[str]:
        """The context URLs named by ``@context`` (strings of a list or the string itself);
        embedded context objects are not URLs and are left out."""
        value = self.members.get("@context")
        values = value if isinstance(value, list) else [value]
        return [v for v in values if isinstance(v, str)]


def json_top(head: bytes) -> JsonTop | None:
    """The top-level members of the JSON object that ``head`` starts with; None when ``head``
    is not (the start of) a JSON object. A top-level array or JSON Lines gives its first
    object. Never raises. For a :class:`Head` the answer is computed once."""
    known = getattr(head, "_json_top", _UNREAD)
    if known is not _UNREAD:
        return known  # type: ignore[no-any-return]
    top = _json_top(head)
    if isinstance(head, Head):
        head._json_top = top
    return top


def _json_top(head: bytes) -> JsonTop | None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:  # cut in the middle of a character: keep what decodes
        text = head[:exc.start].decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        text = text[1:].lstrip(" \t\r\n")
    if not text.startswith("{"):
        return None
    members: dict[str, Any] = {}
    keys: list[str] = []
    pos = 1
    end = len(text)
    try:
        while True:
            pos = _skip(text, pos)
            if pos >= end:
                break
            if text[pos] == "}":
                return JsonTop(members, tuple(keys), True)
            if text[pos] == ",":
                pos += 1
                continue
            key, pos = _DECODER.raw_decode(text, pos)
            if not isinstance(key, str):
                break
            keys.append(key)
            pos = _skip(text, pos)
            if pos >= end or text[pos] != ":":
                break
            value, pos = _DECODER.raw_decode(text, _skip(text, pos + 1))
            members[key] = value
    except (ValueError, RecursionError):
        pass
    return JsonTop(members, tuple(keys), False)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def jws_payload_head(head: bytes) -> bytes:
    """The decoded beginning of a compact JWS's payload (a VC-JWT), as far as ``head`` goes,
    for sniffing; empty when ``head`` is not one."""
    import base64

    parts = head.strip().split(b".")
    if len(parts) < 2 or not parts[0].startswith(b"eyJ"):
        return b""
    body = parts[1][: (len(parts[1]) // 4) * 4]
    try:
        return base64.urlsafe_b64decode(body)
    except ValueError:  # binascii.Error is one
        return b""
