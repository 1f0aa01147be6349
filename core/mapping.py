"""User mapping overrides for the JSON formats (``--map FILE``, docs/mapping.md).

A mapping file (TOML) names, per format, paths of a vendor's JSON document and the canonical
field each one holds::

    [[ob3]]
    path = "credentialSubject.achievement.SBU"   # where the vendor puts it
    field = "workload.hours"                      # the canonical field (credbridge.model)
    direction = "both"                            # or "read", "write"

Reading (after the format's reader): the value at ``path`` of the input document
(``ctx.source.data``) is set on each credential read from it, validated by the canonical
model like any value (a bad one is reported and not set). Writing: the output JSON is
post-processed, and the credential's value of ``field`` is also written at ``path``. Each
value read is reported as a ``note``, each one written as ``kept-as-extension`` (it is in the
document at a place only the vendor's readers know). A mapping never fetches anything:
it reads the bytes the batch already holds, parsed within the batch's budgets.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import CredbridgeError, UsageError
from .report import Code, Severity

if TYPE_CHECKING:
    from .context import Context
    from .model import MicroCredential

JSON_FORMATS = ("elm", "ob3", "ob2", "clr")
"""The vendors' JSON formats (what a mapping's paths point into). The canonical JSON is not
one: its keys are the canonical fields already, and a key added to it would not read back."""

MAX_MAPPING_BYTES = 1024 * 1024
MAX_RULES = 1000
MAX_PATH_SEGMENTS = 64
"""Budgets of a mapping file: its size, its rules, the segments of a path (the JSON depth
budget of the readers)."""

Segment = str | int
"""A key of an object, or (``[n]``) an index of an array."""


def parse_path(text: str) -> tuple[Segment, ...]:
    """The segments of a path: dotted (``a.b[0].c``; a segment of digits also indexes an
    array) or a JSON pointer (``/a/b/0/c``, RFC 6901 escapes ``~0`` ``~1``). A malformed path
    raises ``ValueError``."""
    if not text or text != text.strip():
        raise ValueError("a path is a non-empty text without surrounding spaces")
    segments: list[Segment] = []
    if text.startswith("/"):
        for raw in text[1:].split("/"):
            segments.append(raw.replace("~1", "/").replace("~0", "~"))
    else:
        for raw in text.split("."):
            m = re.fullmatch(r"([^\[\]]*)((?:\[\d+\])*)", raw)
            if m is None or (not m.group(1) and not m.group(2)):
                raise ValueError(f"{text!r}: segment {raw!r} is not a key or key[n] "
                                 "(use a JSON pointer, /a/b, for keys holding '.' or '[')")
            if m.group(1):
                segments.append(m.group(1))
            segments.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    if len(segments) > MAX_PATH_SEGMENTS:
        raise ValueError(f"{text!r} has more than {MAX_PATH_SEGMENTS} segments")
    return tuple(segments)


def get_at(document: Any, segments: tuple[Segment, ...]) -> tuple[bool, Any]:
    """(found, value) at ``segments`` of a JSON value."""
    node = document
    for seg in segments:
        if isinstance(node, dict) and isinstance(seg, str) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and (isinstance(seg, int) or seg.isdigit()) \
                and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return False, None
    return True, node


def set_at(document: Any, segments: tuple[Segment, ...], value: Any) -> bool:
    """Set ``value`` at ``segments``, making the objects on the way; ``False`` when the path
    goes through something that is not an object (or an array index that is not there)."""
    node = document
    for position, seg in enumerate(segments):
        last = position == len(segments) - 1
        if isinstance(node, list) and (isinstance(seg, int) or seg.isdigit()) \
                and int(seg) < len(node):
            if last:
                node[int(seg)] = value
                return True
            node = node[int(seg)]
        elif isinstance(node, dict) and isinstance(seg, str):
            if last:
                node[seg] = value
                return True
            node = node.setdefault(seg, {})
        else:
            return False
    return False


# --- the canonical fields --------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The type under ``X | None`` and ``Annotated[X, ...]``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


@cache
def canonical_fields() -> dict[str, Any]:
    """Every canonical field a mapping can name, with its annotation: dotted through
    sub-models, ``[]`` for an item of a list of sub-models (``learner.identifiers[].value``;
    a rule names the item, ``learner.identifiers[0].value``)."""
    from .model import MicroCredential

    out: dict[str, Any] = {}

    def walk(model: type[BaseModel], prefix: str, depth: int) -> None:
        for name, info in model.model_fields.items():
            key = prefix + (info.alias or name)
            if key == "extensions":  # the formats' own data, not a canonical field
                continue
            out[key] = info.annotation
            inner = _unwrap(info.annotation)
            if typing.get_origin(inner) is list:
                item = _unwrap(typing.get_args(inner)[0])
                if isinstance(item, type) and issubclass(item, BaseModel) and depth < 4:
                    walk(item, key + "[].", depth + 1)
            elif isinstance(inner, type) and issubclass(inner, BaseModel) and depth < 4:
                walk(inner, key + ".", depth + 1)

    walk(MicroCredential, "", 0)
    return out


def field_key(dotted: str) -> str:
    """The :func:`canonical_fields` key of a rule's field (``a[0].b`` -> ``a[].b``)."""
    return re.sub(r"\[\d+\]", "[]", dotted)


def _field_segments(dotted: str) -> list[str | int]:
    out: list[str | int] = []
    for part in dotted.split("."):
        m = re.fullmatch(r"(\w+)((?:\[\d+\])*)", part)
        if m is None:
            raise ValueError(f"{dotted!r}: {part!r} is not a field name or name[n]")
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\d+", m.group(2)))
    return out


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(_unwrap(annotation)) is list


# --- the mapping file ------------------------------------------------------------------------


class Rule(BaseModel):
    """One path of a vendor's document and the canonical field it holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Where the value is in the format's JSON document.")
    field: str = Field(description="The canonical field (dotted, e.g. workload.hours).")
    direction: Literal["both", "read", "write"] = Field(
        "both", description="Apply when reading, when writing, or both.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        parse_path(value)
        return value

    @field_validator("field")
    @classmethod
    def _field(cls, value: str) -> str:
        known = canonical_fields()
        _field_segments(value)
        if field_key(value) not in known:
            close = difflib.get_close_matches(field_key(value), list(known), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else \
                " (see credbridge.model: e.g. title, workload.hours, verification.status_service)"
            raise ValueError(f"unknown canonical field {value!r}{hint}")
        return value

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The parsed path."""
        return parse_path(self.path)

    def reads(self) -> bool:
        """True when the rule applies on reading."""
        return self.direction in ("both", "read")

    def writes(self) -> bool:
        """True when the rule applies on writing."""
        return self.direction in ("both", "write")


class Mapping(BaseModel):
    """A mapping file: the rules of each JSON format, and the file's name for messages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "mapping"
    rules: dict[str, tuple[Rule, ...]] = Field(default_factory=dict)

    def for_reading(self, fmt: str) -> tuple[Rule, ...]:
        """The rules that apply when reading ``fmt``."""
        return tuple(r for r in self.rules.get(fmt, ()) if r.reads())

    def for_writing(self, fmt: str) -> tuple[Rule, ...]:
        """The rules that apply when writing ``fmt``."""
        return tuple(r for r in self.rules.get(fmt, ()) if r.writes())


def parse_mapping(text: str, name: str = "mapping") -> Mapping:
    """A mapping from TOML text; any problem is one-line :class:`UsageError` naming it."""
    from .plugin_manager import get_formats

    where = f"--map {name}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: not TOML: {exc}".replace("\n", " ")) from None
    known = {f.name for f in get_formats()}
    rules: dict[str, tuple[Rule, ...]] = {}
    count = 0
    for fmt, items in data.items():
        if fmt not in known:
            close = difflib.get_close_matches(fmt, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"{where}: unknown format [[{fmt}]]{hint}")
        if fmt == "canonical":
            raise UsageError(f"{where}: [[canonical]]: the canonical JSON needs no mapping (its "
                             "keys are the canonical fields)")
        if fmt not in JSON_FORMATS:
            raise UsageError(f"{where}: [[{fmt}]]: {fmt} is not a JSON format; a mapping maps "
                             f"paths of JSON documents ({', '.join(JSON_FORMATS)}); for CSV "
                             "use --columns")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise UsageError(f"{where}: {fmt} must be an array of tables ([[{fmt}]] with path "
                             "and field)")
        parsed = []
        for position, item in enumerate(items, start=1):
            try:
                parsed.append(Rule.model_validate(item))
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(p) for p in err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                raise UsageError(f"{where}: [[{fmt}]] rule {position}: {loc}: {msg}") from None
        count += len(parsed)
        rules[fmt] = tuple(parsed)
    if count > MAX_RULES:
        raise UsageError(f"{where}: more than {MAX_RULES} rules")
    return Mapping(name=name, rules=rules)


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read and check a mapping file (at most 1 MiB); problems are one-line usage errors."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as raw:
            data = raw.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"--map {name}: cannot open: {exc.strerror}") from None
    if len(data) > MAX_MAPPING_BYTES:
        raise UsageError(f"--map {name}: larger than {MAX_MAPPING_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--map {name}: not UTF-8 text") from None
    return parse_mapping(text, os.path.basename(name))


# --- reading ---------------------------------------------------------------------------------


def _document(ctx: Context) -> tuple[bool, Any]:
    """The input document as JSON (parsed once per input, within the batch's budgets)."""
    from .safety import limits_of, load_json

    data = ctx.source.data if ctx.source is not None else None
    if data is None:
        return False, None
    key = ("credbridge", "mapping-document")  # the current input's only: memory stays flat
    cached = ctx.scratch.get(key)
    if cached is not None and cached[0] is data:
        return cached[1], cached[2]
    try:
        value = load_json(data, what="the document", limits=limits_of(ctx))
        found = True
    except CredbridgeError:  # a JWT, a baked image: not a JSON document
        value, found = None, False
    ctx.scratch[key] = (data, found, value)
    return found, value


def _set_field(data: dict[str, Any], dotted: str, value: Any) -> bool:
    """Set a canonical field in the JSON form of a credential, making the objects (and the
    next list item) on the way; ``False`` when an index is past the end of its list."""
    segments = _field_segments(dotted)
    node: Any = data
    for position, seg in enumerate(segments):
        last = position == len(segments) - 1
        nxt: Any = {} if last or isinstance(segments[position + 1], str) else []
        if isinstance(seg, int):
            if not isinstance(node, list) or seg > len(node):
                return False
            if seg == len(node):
                node.append(nxt)
        elif not isinstance(node, dict):
            return False
        elif not last and not isinstance(node.get(seg), dict | list):
            node[seg] = nxt
        if last:
            node[seg] = value
            return True
        node = node[seg]
    return False


def _get_field(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    node: Any = data
    for seg in _field_segments(dotted):
        if isinstance(seg, int):
            if not isinstance(node, list) or seg >= len(node):
                return False, None
        elif not isinstance(node, dict) or seg not in node:
            return False, None
        node = node[seg]
    return True, node


def apply_on_read(cred: MicroCredential, rules: tuple[Rule, ...], mapping: Mapping,
                  ctx: Context) -> MicroCredential:
    """``cred`` with the value of each rule's path (in the input document) set on its field,
    each one reported; a value the canonical model refuses is reported and not set."""
    from .model import MicroCredential, validation_problems

    if not rules:
        return cred
    found_doc, document = _document(ctx)
    if not found_doc:
        ctx.say(Code.NOTE, None, f"--map {mapping.name}: the {ctx.format} input is not a plain "
                "JSON document (a JWT or a baked image?): the mapping is not applied")
        return cred
    data = cred.to_json_dict()
    record = ctx.record if ctx.record is not None else cred.id
    changed: list[tuple[Rule, Any]] = []
    for rule in rules:
        found, value = get_at(document, rule.segments)
        if not found or value is None:
            continue
        if _is_list(canonical_fields()[field_key(rule.field)]) and not isinstance(value, list):
            value = [value]
        trial = json.loads(json.dumps(data))
        problem = None if _set_field(trial, rule.field, value) else \
            "the list has fewer items than the index"
        if problem is None:
            try:
                checked = MicroCredential.model_validate(trial)
            except ValidationError as exc:
                where, msg = validation_problems(exc)[0]
                problem = f"{where}: {msg}"
        if problem is not None:
            ctx.say(Code.INVALID_VALUE, rule.field,
                    f"{rule.path} = {_short(value)} (--map {mapping.name}): {problem}; "
                    "not read", record=record, severity=Severity.WARNING)
            continue
        had, before = _get_field(data, rule.field)
        data = checked.to_json_dict()
        after = _get_field(data, rule.field)[1]
        changed.append((rule, value))
        replaced = f", in place of the reader's {_short(before)}" if had and before != after \
            else ""
        ctx.say(Code.NOTE, rule.field, f"read from {rule.path} (--map {mapping.name})"
                f"{replaced}", record=record)
    if not changed:
        return cred
    return MicroCredential.model_validate(data)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


# --- writing ---------------------------------------------------------------------------------


def vendor_value(cred: MicroCredential, dotted: str,
                 data: dict[str, Any] | None = None) -> tuple[bool, Any]:
    """The value of a canonical field as a vendor's JSON holds it: numbers as numbers, a text
    of unknown language (``und``) as a string (other texts as a language map, which loses
    nothing), dates in ISO form; ``(False, None)`` when empty. ``data``: ``cred``'s JSON
    form, when the caller has it."""
    found, value = _get_field(cred.to_json_dict() if data is None else data, dotted)
    if not found:
        return False, None
    python: Any = cred
    for seg in _field_segments(dotted):
        python = python[seg] if isinstance(seg, int) else \
            getattr(python, _attribute(type(python), seg), None)
    if isinstance(python, Decimal):
        return True, int(python) if python == python.to_integral_value() else float(python)
    if isinstance(value, dict) and list(value) == ["und"] and isinstance(value["und"], str) \
            and typing.get_origin(_unwrap(canonical_fields()[field_key(dotted)])) is dict:
        return True, value["und"]
    return True, value


def _attribute(model: type[Any], alias: str) -> str:
    fields = getattr(model, "model_fields", {})
    for name, info in fields.items():
        if (info.alias or name) == alias:
            return str(name)
    return alias


@dataclass
class OutputEdit:
    """The output of a writer, held back and edited: each written credential's mapped values
    are set at their paths in its document (JSON Lines: line by line, in order) before the
    bytes go to ``stream``. A signed document (``proof``) or an output that is not JSON (a
    JWT, an image) is left as it is, and the report says so."""

    mapping: Mapping
    rules: tuple[Rule, ...]
    stream: IO[bytes]
    ctx: Context
    buffer: IO[bytes] = field(init=False)
    values: list[tuple[str | int | None, list[tuple[Rule, Any]]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        import tempfile

        self.buffer = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115

    def written(self, cred: MicroCredential, label: str | int | None) -> None:
        """``cred`` was written (in output order): take its values now."""
        taken = []
        data = cred.to_json_dict()
        for rule in self.rules:
            found, value = vendor_value(cred, rule.field, data)
            if found:
                taken.append((rule, value))
        self.values.append((label, taken))

    def finish(self) -> None:
        """Edit the held output and pass it on."""
        self.buffer.seek(0)
        data = self.buffer.read()
        self.buffer.close()
        self.stream.write(self._edited(data))

    def _edited(self, data: bytes) -> bytes:
        if not any(taken for _label, taken in self.values):
            return data
        lines = data.split(b"\n")
        lines = lines[:-1] if lines and lines[-1] == b"" else lines
        if len(self.values) > 1 and len(lines) == len(self.values) and _is_json(lines[0]):
            out = io.BytesIO()
            for (label, taken), line in zip(self.values, lines, strict=True):
                out.write(self._edit_one(line, taken, label, indent=None) + b"\n")
            return out.getvalue()
        label, taken = self.values[0]
        indent = _indent(data)
        edited = self._edit_one(data, taken, label, indent=indent)
        return edited + (b"\n" if data.endswith(b"\n") and edited is not data else b"")

    def _edit_one(self, data: bytes, taken: list[tuple[Rule, Any]], label: str | int | None,
                  indent: int | None) -> bytes:
        if not taken:
            return data
        try:
            document = json.loads(data)
        except ValueError:
            self.ctx.say(Code.NOTE, None, f"--map {self.mapping.name}: the {self.ctx.format} "
                         "output is not plain JSON (a JWT or an image): the mapping is not "
                         "applied", record=label)
            return data
        if isinstance(document, dict) and "proof" in document:
            self.ctx.say(Code.NOTE, None, f"--map {self.mapping.name}: the document is signed "
                         "(proof): a mapped value would break the signature, so none is "
                         "written", record=label, severity=Severity.WARNING)
            return data
        for rule, value in taken:
            if set_at(document, rule.segments, value):
                self.ctx.say(Code.KEPT_AS_EXTENSION, rule.field, f"also written at {rule.path} "
                             f"(--map {self.mapping.name})", record=label)
            else:
                self.ctx.say(Code.NOTE, rule.field, f"not written at {rule.path} (--map "
                             f"{self.mapping.name}): the path goes through a value that is "
                             "not an object", record=label, severity=Severity.WARNING)
        compact = indent is None and b'": ' not in data  # as the writer spaced it
        text = json.dumps(document, ensure_ascii=data.isascii() and b"\\u" in data,
                          indent=indent, separators=(",", ":") if compact else None)
        return text.encode("utf-8")


def _is_json(line: bytes) -> bool:
    """True when ``line`` is a JSON document by itself (a line of JSON Lines, not the first
    line of an indented document)."""
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _indent(data: bytes) -> int | None:
    """The indentation of a JSON document as its writer made it (None: one line)."""
    m = re.match(rb"\s*[\[{]\r?\n( +)", data)
    return len(m.group(1)) if m else None
