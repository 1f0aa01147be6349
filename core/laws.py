"""The fidelity laws of docs/design.md §5 as functions that list violations.

A round trip canonical -> F -> canonical must keep every present field F declares ``exact`` or
``extension``; a ``lossy`` field must come back equal or be reported (approximated/dropped); a
field F does not declare must be reported as dropped; and nothing may come back that was not
there unless the report says it was ``defaulted``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .coverage import carried_as, present_fields
from .formats import Predicate
from .model import MicroCredential
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
        if how in ("exact", "extension"):
            if not equal and not _reported(report, path, (Code.APPROXIMATED, Code.DROPPED)):
                problems.append(f"{path} is declared {how} but changed without a message: "
                                f"{value_at(a, path)!r} -> {value_at(b, path)!r}")
        elif how == "lossy":
            if not equal and not _reported(report, path, (Code.APPROXIMATED, Code.DROPPED)):
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
            if value_at(x, path) != value_at(y, path) and not _reported(
                    report, path, (Code.APPROXIMATED, Code.DROPPED)):
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
