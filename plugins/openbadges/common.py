"""Helpers shared by the OB 2.0 and OB 3.0 readers and writers."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from credbridge import jsonld, vocab
from credbridge.errors import InputError
from credbridge.report import Code
from credbridge.safety import Limits, load_json

from . import baking, drafts, jws
from .loader import check_contexts, known

if TYPE_CHECKING:
    from credbridge.context import Context

UUID_NS = uuid.UUID("6f3c7a52-3f57-4e8e-9c7b-0a4f0c5d3b21")


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (``None`` -> ``[]``, a single value -> ``[value]``)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(node: Any) -> list[str]:
    """The ``type`` of a JSON-LD node as a list of strings (string or array accepted)."""
    if not isinstance(node, dict):
        return []
    return [t for t in as_list(node.get("type", node.get("@type"))) if isinstance(t, str)]


def stable_urn(*parts: Any) -> str:
    """A ``urn:uuid`` derived from ``parts``: the same credential always gets the same id."""
    return "urn:uuid:" + str(uuid.uuid5(UUID_NS, json.dumps(parts, sort_keys=True, default=str)))


def pick_text(text: dict[str, str] | None, prefer: list[str] | None = None) -> tuple[str | None,
                                                                                    str | None]:
    """(language, text) of one language of a LangText: a preferred language, then English,
    then ``und``, then the first."""
    if not text:
        return None, None
    for lang in [*(prefer or []), "en", "und"]:
        if lang in text:
            return lang, text[lang]
    lang = next(iter(text))
    return lang, text[lang]


def iso_datetime(value: Any) -> str:
    """An ISO 8601 date-time with zone for a canonical date or date-time (dates at 00:00Z)."""
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    return str(value)


@dataclass
class Source:
    """One Open Badges document as read: its JSON, the container and any JWS around it."""

    data: dict[str, Any]
    container: str = "json"  # json, png, svg, jwt
    jws_header: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    unknown_contexts: list[str] = field(default_factory=list)
    """Context URLs of the top-level ``@context`` beside a known Open Badges one that
    credbridge does not know: left out (never fetched); the reader reports them."""
    upgrades: list[str] = field(default_factory=list)
    """What the VC-EDU draft step changed (:mod:`.drafts`); the reader reports them."""


OB_CONTEXT_PREFIXES = (
    "https://purl.imsglobal.org/spec/ob/", "https://imsglobal.github.io/openbadges-specification/",
    "https://w3id.org/openbadges/", "https://purl.imsglobal.org/spec/clr/",
)
"""The Open Badges (and CLR) contexts themselves: only beside one of them is an unknown
context an extension that can be left out."""


def without_unknown_contexts(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``doc`` without the published context URLs credbridge does not know listed beside an
    Open Badges context (a vendor's extension context), and those URLs
    (:func:`credbridge.jsonld.without_unknown_contexts`); an unknown context in place of the
    Open Badges one, or a local reference, is left for the context check to refuse."""
    out, unknown = jsonld.without_unknown_contexts(
        doc, known, lambda url: url.startswith(OB_CONTEXT_PREFIXES))
    return out, unknown


def open_document(raw: bytes, *, what: str, limits: Limits | None = None) -> Source:
    """Decode a JSON document, a compact JWS, or a baked PNG/SVG into a :class:`Source`,
    within the batch's budgets ``limits`` (the defaults when None)."""
    container = "json"
    text: bytes = raw
    if baking.is_png(raw) or baking.is_svg(raw):
        baked = baking.unbake(raw, limits)
        container = baked.container
        if baked.version == "ob1":
            raise InputError(f"the {baked.container.upper()} holds only a badge URL "
                             f"({baked.text}); credbridge never fetches it")
        text = baked.text.encode("utf-8")
    stripped = text.strip()
    if stripped[:3] == b"eyJ" and jws.header_only(stripped) is not None:
        raise InputError("a JWS protected header alone (no payload, no signature: a detached "
                         "or cut signature), not a credential")
    if stripped[:1] not in (b"{", b"[") and jws.looks_like_jws(stripped):
        header, payload = jws.decode(stripped)
        data = payload.get("vc", payload) if isinstance(payload.get("vc"), dict) else payload
        if data is not payload:
            data = {**data}
            for claim, key in (("jti", "id"), ("iss", "issuer")):
                if claim in payload and key not in data:
                    data[key] = payload[claim]
        data, upgrades = drafts.upgrade(data)
        data, unknown = without_unknown_contexts(data)
        check_contexts(data, limits)
        return Source(data, container if container != "json" else "jwt", header,
                      unknown_contexts=unknown, upgrades=upgrades)
    value = load_json(text, what=what, limits=limits)
    if not isinstance(value, dict):
        raise InputError(f"an {what} must be a JSON object")
    value, upgrades = drafts.upgrade(value)
    value, unknown = without_unknown_contexts(value)
    check_contexts(value, limits)  # every context reference, at any depth: known ones only
    return Source(value, container, unknown_contexts=unknown, upgrades=upgrades)


class Node:
    """A JSON object being mapped: ``take`` marks keys as used; ``rest`` is what is left."""

    def __init__(self, data: Any, where: str) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.where = where
        self.used: set[str] = set()

    def take(self, key: str) -> Any:
        """The value of ``key`` (None when absent), marked as used."""
        self.used.add(key)
        return self.data.get(key)

    def skip(self, *keys: str) -> None:
        """Mark keys as used without reading them (handled elsewhere)."""
        self.used.update(keys)

    def rest(self) -> dict[str, Any]:
        """The keys nobody took."""
        return {k: v for k, v in self.data.items() if k not in self.used}


def checked(ctx: Context, field_name: str, value: Any, normalise: Callable[[Any], Any]) -> Any:
    """``normalise(value)``, or None after reporting ``invalid-value`` naming the field."""
    if value is None:
        return None
    try:
        return normalise(value)
    except (ValueError, TypeError, InputError) as exc:
        message = getattr(exc, "message", str(exc))
        ctx.say(Code.INVALID_VALUE, field_name, f"{value!r} ignored: {message}")
        return None


def country(ctx: Context, field_name: str, value: Any) -> str | None:
    """A country code, or None (reported) when the value is not a known country."""
    if not isinstance(value, str):
        return None
    result: str | None = checked(ctx, field_name, value, vocab.country_code)
    return result


def text_value(value: Any) -> str | None:
    """A plain string from a string or a JSON-LD language map / value object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        for v in value.values():
            if isinstance(v, str):
                return v
    if isinstance(value, list) and value:
        return text_value(value[0])
    return None


def dumps(data: Any, indent: int | None = 2) -> bytes:
    """JSON bytes of a document (UTF-8, key order kept)."""
    if indent == 2:
        fast = _orjson_indented(data)
        if fast is not None:
            return fast
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


_INT64 = 1 << 63


@cache
def _orjson() -> Any:
    """The orjson module, or ``None`` when it is not installed: looked for once per process
    (Python does not remember an import that failed; trying it for every document cost about
    0.1 ms each)."""
    try:
        import orjson
    except ImportError:
        return None
    return orjson


def _orjson_indented(data: Any) -> bytes | None:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` + newline, as UTF-8, by orjson (the
    pure-Python encoder runs for indented output), when orjson is installed and gives the
    same bytes: plain JSON types only (no subclass, string keys, 64-bit integers, floats whose
    repr orjson writes alike: not ``1e-07``, nan or inf). Else ``None``."""
    orjson = _orjson()
    if orjson is None:  # an optional speed-up: the json module gives the same bytes
        return None
    stack = [data]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if not all(type(k) is str for k in node):
                return None
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind is int:
            if not -_INT64 <= node < _INT64:
                return None
        elif kind is float:
            if orjson.dumps(node) != repr(node).encode():
                return None
        elif not (kind is str or kind is bool or node is None):
            return None
    try:
        out: bytes = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    except orjson.JSONEncodeError:  # a lone surrogate: json's bytes fail the same way
        return None
    return out


def prune_json(value: Any) -> Any:
    """Remove None, empty lists and empty dicts (the OB writers write no nulls or empties)."""
    if isinstance(value, dict):
        out = {k: prune_json(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        items = [prune_json(v) for v in value]
        return [v for v in items if v is not None and v != [] and v != {}]
    return value
