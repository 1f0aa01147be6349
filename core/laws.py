"""The fidelity laws of docs/design.md §5 as functions that list violations.

A round trip canonical -> F -> canonical must keep every present field F declares ``exact`` or
``extension``; a ``lossy`` field must come back equal or be reported (approximated/dropped); a
field F does not declare must be reported as dropped; and nothing may come back that was not
there unless the report says it was ``defaulted``.
"""

from __future__ import annotations

import json
import os
import re
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .convert import read
from .coverage import carried_as, present_fields
from .errors import CredbridgeError
from .formats import Predicate
from .model import LangText, MicroCredential
from .options import OptionsInput
from .plugin_manager import get_formats
from .report import Code, Report
from .roundtrip import write_read


def value_at(data: Any, path: str) -> Any:
    """The value at a field path in canonical JSON (``[]`` paths give one value per element)."""
    head, sep, tail = path.partition(".")
    if head.endswith("[]"):
        items = data.get(head[:-2], []) if isinstance(data, dict) else []
        return [value_at(i, tail) if tail else i for i in items]
    value = data.get(head) if isinstance(data, dict) else None
    return value_at(value, tail) if sep and value is not None else value


def carried_subset(credential: MicroCredential, format_name: str) -> dict[str, Any]:
    """The canonical JSON of ``credential`` restricted to the fields ``format_name`` carries
    exactly or as an extension (what a round trip through it must keep)."""
    fmt = get_formats().get(format_name)
    data = credential.to_json_dict()
    keep = {p for p in present_fields(credential)
            if carried_as(p, fmt.fields) in ("exact", "extension")}
    return {p: value_at(data, p) for p in sorted(keep)}


def _related(field: str | None, path: str) -> bool:
    """A message about ``field`` covers ``path`` when one is a prefix of the other."""
    if not field:
        return False
    f = field.replace("[0]", "[]")
    for a, b in ((f, path), (path, f)):
        if a == b or b.startswith(a + ".") or b.startswith(a + "[]"):
            return True
    return False


def _reported(report: Report, path: str, codes: tuple[Code, ...]) -> bool:
    return any(m.code in codes and _related(m.field, path) for m in report.messages)


def only_tags_changed(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` differ at most in the language tags of their texts (``{"und":
    "x"}`` and ``{"en": "x"}``; ``{"en": "x", "und": "x"}`` written once as ``{"en": "x"}``):
    such a change is excused by a ``retagged`` message."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a and b and all(isinstance(v, str) for v in (*a.values(), *b.values())):
            return set(a.values()) == set(b.values())  # the same texts, under other tags
        return a.keys() == b.keys() and all(only_tags_changed(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(only_tags_changed(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _excused(report: Report, path: str, before: Any, after: Any,
             codes: tuple[Code, ...]) -> bool:
    """A change of ``path`` is reported with one of ``codes``, or it only re-tagged texts and
    a ``retagged`` message says so."""
    return _reported(report, path, codes) or (
        only_tags_changed(before, after) and _reported(report, path, (Code.RETAGGED,)))


def round_trip_violations(
    original: MicroCredential, back: MicroCredential | None, fields: Mapping[str, Predicate],
    report: Report,
) -> list[str]:
    """What a canonical -> F -> canonical round trip did against the laws (empty: none)."""
    if back is None:
        return ["the credential did not come back"]
    a, b = original.to_json_dict(), back.to_json_dict()
    problems: list[str] = []
    for path in present_fields(original):
        how = carried_as(path, fields)
        equal = value_at(a, path) == value_at(b, path)
        loss = (Code.APPROXIMATED, Code.DROPPED)
        if how in ("exact", "extension"):
            if not equal and not _excused(report, path, value_at(a, path), value_at(b, path),
                                          loss):
                problems.append(f"{path} is declared {how} but changed without a message: "
                                f"{value_at(a, path)!r} -> {value_at(b, path)!r}")
        elif how == "lossy":
            if not equal and not _excused(report, path, value_at(a, path), value_at(b, path),
                                          loss):
                problems.append(f"{path} (lossy) changed without an approximated/dropped message:"
                                f" {value_at(a, path)!r} -> {value_at(b, path)!r}")
        elif not _reported(report, path, (Code.DROPPED, Code.APPROXIMATED,
                                          Code.EXTENSION_DROPPED)):
            problems.append(f"{path} is not carried and the report does not say so")
    original_paths = set(present_fields(original))
    for path in present_fields(back):
        if path in original_paths or path.startswith("extensions.") or path == "proof":
            continue
        if not _reported(report, path, (Code.DEFAULTED, Code.APPROXIMATED, Code.NOTE)):
            problems.append(f"{path} came back ({value_at(b, path)!r}) but was not in the input "
                            "and no 'defaulted' message says why")
    if back.proof:
        problems.append("a proof came back: a writer must never carry a seal or signature")
    return problems


@cache
def model_paths() -> frozenset[str]:
    """Every field path of the canonical model (``awarding_bodies[].country``, ``levels.eqf``)."""
    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            path = f"{prefix}{name}"
            out.add(path)
            for sub, is_list in _models_in(hints.get(name)):
                walk(sub, f"{path}[]." if is_list else f"{path}.")
                if is_list:
                    out.add(f"{path}[]")

    walk(MicroCredential, "")
    return frozenset(out)


def _models_in(hint: Any) -> Iterator[tuple[type[BaseModel], bool]]:
    origin = get_origin(hint)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint, False
        return
    if origin is list:
        for arg in get_args(hint):
            for model, _ in _models_in(arg):
                yield model, True
        return
    for arg in get_args(hint):
        if arg is not type(None):
            yield from _models_in(arg)


def unknown_field_paths(fields: Mapping[str, Predicate]) -> list[str]:
    """Declared paths that are not canonical field paths (typos in a format's ``fields``)."""
    known = model_paths()
    return sorted(p for p in fields if p != "*" and p not in known
                  and not p.startswith("extensions."))


def pair_violations(credential: MicroCredential, a: str, b: str) -> list[str]:
    """A -> B -> A: what ``credential`` keeps after a round trip through A, then through B and
    back to A. Fields both formats carry (exact or extension) must survive unchanged or be
    reported; the rest must be reported by the B step."""
    back_a, _, _ = write_read(a, credential)
    if len(back_a) != 1:
        return [f"{a} gave {len(back_a)} credentials for one"]
    ca = back_a[0]
    back_b, _, report_b = write_read(b, ca)
    if len(back_b) != 1:
        return [f"{b} gave {len(back_b)} credentials for one"]
    back_aba, _, report_a = write_read(a, back_b[0])
    if len(back_aba) != 1:
        return [f"{a} gave {len(back_aba)} credentials for one on the way back"]
    report = Report()
    report.extend(report_b)
    report.extend(report_a)
    return _pair_problems(ca, back_aba[0], a, b, report, report_b)


def _pair_problems(ca: MicroCredential, back: MicroCredential, a: str, b: str,
                   report: Report, report_b: Report) -> list[str]:
    """What ``back`` (A -> B -> A of ``ca``) did against law 3."""
    fa, fb = get_formats().get(a), get_formats().get(b)
    x, y = ca.to_json_dict(), back.to_json_dict()
    problems = []
    for path in present_fields(ca):
        both = carried_as(path, fa.fields) in ("exact", "extension") and \
            carried_as(path, fb.fields) in ("exact", "extension")
        if path.startswith("extensions."):
            both = False
        if both:
            if value_at(x, path) != value_at(y, path) and not _excused(
                    report, path, value_at(x, path), value_at(y, path),
                    (Code.APPROXIMATED, Code.DROPPED)):
                problems.append(f"{a}->{b}->{a}: {path} carried by both but changed without a "
                                f"message: {value_at(x, path)!r} -> {value_at(y, path)!r}")
        elif value_at(x, path) != value_at(y, path) and not _reported(
                report_b, path, (Code.DROPPED, Code.APPROXIMATED, Code.KEPT_AS_EXTENSION,
                                 Code.EXTENSION_DROPPED)):
            problems.append(f"{a}->{b}->{a}: {path} was lost in {b} without a message")
    return problems


def _matched(records: list[MicroCredential], back: list[MicroCredential],
             ) -> list[tuple[MicroCredential, MicroCredential]]:
    """Each record with what came back for it: the record with its id, else at its place."""
    by_id = {b.id: b for b in back if b.id}
    return [(r, by_id.get(r.id or "", back[i])) for i, r in enumerate(records)]


def document_violations(records: list[MicroCredential], format_name: str) -> list[str]:
    """Law 1 for the records of one many-claim document written together (docs/design.md
    §2.1): as many records come back, and each keeps what the format declares."""
    fmt = get_formats().get(format_name)
    back, _, report = write_read(format_name, records)
    if len(back) != len(records):
        return [f"{format_name} gave {len(back)} records for {len(records)}"]
    problems = []
    for position, (record, other) in enumerate(_matched(records, back), start=1):
        problems += [f"record {position}: {p}"
                     for p in round_trip_violations(record, other, fmt.fields, report)]
    return problems


def document_pair_violations(records: list[MicroCredential], a: str, b: str) -> list[str]:
    """Law 3 (A -> B -> A) for the records of one many-claim document."""
    back_a, _, _ = write_read(a, records)
    back_b, _, report_b = write_read(b, back_a)
    back_aba, _, report_a = write_read(a, back_b)
    if not len(back_a) == len(back_b) == len(back_aba) == len(records):
        return [f"{a}->{b}->{a}: {len(records)} records gave {len(back_a)}, {len(back_b)}, "
                f"{len(back_aba)}"]
    report = Report()
    report.extend(report_b)
    report.extend(report_a)
    problems = []
    for record, other in _matched(back_a, back_aba):
        problems += _pair_problems(record, other, a, b, report, report_b)
    return problems


# --- the silent-loss law on real documents (issue 16) ----------------------------------------

EXPLAINING = frozenset({Code.DROPPED, Code.EXTENSION_DROPPED, Code.APPROXIMATED, Code.DEFAULTED,
                        Code.RETAGGED, Code.IGNORED_INPUT, Code.INVALID_VALUE})
"""Message codes that say an element changed (a note or kept-as-extension does not)."""


@dataclass(frozen=True)
class SilentChange:
    """A canonical element a conversion A -> B -> canonical changed without a message for its
    field or a parent field: ``kind`` is ``lost``, ``added``, ``count``, ``language``,
    ``date-precision`` or ``value``; ``before``/``after`` are the field's values (one per
    list element, in a stable order)."""

    field: str
    kind: str
    before: list[Any]
    after: list[Any]

    def __str__(self) -> str:
        return f"{self.field} ({self.kind}): {self.before!r} -> {self.after!r}"


@cache
def text_paths() -> frozenset[str]:
    """Field paths of the canonical model whose values are multilingual texts (``title``,
    ``awarding_bodies[].name``): their language tags are part of the value."""
    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            hint = hints.get(name)
            if hint == LangText:
                out.add(f"{prefix}{name}")
            for sub, is_list in _models_in(hint):
                walk(sub, f"{prefix}{name}[]." if is_list else f"{prefix}{name}.")

    walk(MicroCredential, "")
    return frozenset(out)


def field_values(data: Mapping[str, Any], prefix: str = "") -> dict[str, list[Any]]:
    """Canonical JSON as ``{field path: values}``: a path below a list holds one value per
    element (``learning_outcomes[].text``), a list of plain values is one value, an extension
    entry is ``extensions.<key>``. Values are JSON, compared as sorted lists (order is not an
    element)."""
    out: dict[str, list[Any]] = {}

    def walk(value: Any, path: str) -> None:
        if value is None or value == [] or value == {}:
            return
        if path == "extensions" and isinstance(value, dict):
            for key, item in value.items():
                out.setdefault(f"extensions.{key}", []).append(item)
        elif isinstance(value, dict) and path not in text_paths():
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for item in value:
                walk(item, f"{path}[]")
        else:
            out.setdefault(path, []).append(sorted(value, key=_order) if isinstance(value, list)
                                            else value)

    walk(dict(data), prefix)
    return {path: sorted(values, key=_order) for path, values in out.items()}


def _order(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _kind(path: str, before: list[Any], after: list[Any]) -> str:
    if not after:
        return "lost"
    if not before:
        return "added"
    if len(before) != len(after):
        return "count"
    if path in text_paths() and all(isinstance(v, dict) for v in before + after) and \
            sorted(t for v in before for t in v.values()) == \
            sorted(t for v in after for t in v.values()):
        return "language"
    if all(isinstance(v, str) for v in before + after) and all(
            len(x) != len(y) and min(x, y, key=len)[:10] == max(x, y, key=len)[:10]
            and _DATE.fullmatch(min(x, y, key=len)) for x, y in zip(before, after, strict=True)):
        return "date-precision"
    return "value"


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _explained(report: Report, path: str) -> bool:
    """A message of an :data:`EXPLAINING` code names ``path`` or a parent of it."""
    for m in report.messages:
        if m.code not in EXPLAINING or not m.field:
            continue
        f = _INDEX.sub("[]", m.field)
        if path == f or path.startswith(f + ".") or path.startswith(f + "[]"):
            return True
    return False


_INDEX = re.compile(r"\[\d+\]")


def unreported_changes(original: MicroCredential, back: MicroCredential, report: Report,
                       ) -> list[SilentChange]:
    """What changed between ``original`` and ``back`` (value, language tag, count, date
    precision, an element lost or added) that no message of ``report`` names, at the field or
    a parent field. Extension entries (a format's own data kept for its round trips, reported
    ``extension-dropped`` when another format cannot hold them) and proofs (a writer never
    carries one) are not elements of the credential."""
    a = field_values(original.to_json_dict())
    b = field_values(back.to_json_dict())
    out = []
    for path in sorted(set(a) | set(b)):
        before, after = a.get(path, []), b.get(path, [])
        if before == after or path.startswith(("extensions.", "proof")):
            continue
        if not _explained(report, path):
            out.append(SilentChange(path, _kind(path, before, after), before, after))
    return out


def silent_changes(credential: MicroCredential, target: str,
                   options: OptionsInput = None) -> list[SilentChange]:
    """The silent-loss law for one credential and one target: write ``credential`` as
    ``target``, read it back, and return every canonical element that changed without a
    report message (of the write or the read back) for its field or a parent field."""
    back, _, report = write_read(target, credential, options)
    if not back and report.has_errors:
        return []  # the record failed, and the report says why
    if len(back) != 1:
        return [SilentChange("*", "count", [credential.id or "credential"],
                             [c.id or "credential" for c in back])]
    return unreported_changes(credential, back[0], report)


def writable_targets() -> list[str]:
    """The formats a credential can be written to and read back from (``credbridge formats``
    marked ``rw``)."""
    return [f.name for f in get_formats() if f.can_read and f.can_write]


def document_silent_changes(source: str | os.PathLike[str], targets: Iterable[str] | None = None,
                            max_records: int | None = None,
                            ) -> dict[str, list[tuple[int, SilentChange]]] | None:
    """The silent-loss law for every credential of one document (the first ``max_records``)
    and every target: ``{target: [(record position, change)]}``; ``None`` when the document
    does not read (an input error or no credential)."""
    try:
        credentials = list(islice(read(source, report=Report()), max_records))
    except CredbridgeError:
        return None
    if not credentials:
        return None
    out: dict[str, list[tuple[int, SilentChange]]] = {}
    for target in writable_targets() if targets is None else targets:
        found = out.setdefault(target, [])
        for position, credential in enumerate(credentials, start=1):
            try:
                changes = silent_changes(credential, target)
            except CredbridgeError:
                continue  # a writer that refuses says why: not silent
            found += [(position, c) for c in changes]
    return out


NOT_DOCUMENTS = (".md", ".tsv", ".txt")


def documents_under(*folders: str | os.PathLike[str]) -> list[Path]:
    """The files below ``folders`` (sorted; READMEs and manifests left out): the documents to
    try the law on (``../shared/samples``, ``../shared/corpus``)."""
    return sorted(p for folder in folders for p in Path(folder).rglob("*")
                  if p.is_file() and not p.name.endswith(NOT_DOCUMENTS))
