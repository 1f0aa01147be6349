"""Which canonical fields a credential holds, and which of them a format carries.

This is the mechanism behind "no silent loss": before a writer sees a credential, the core
reports every present field the target format does not declare as ``dropped`` and every field it
carries only as an extension as ``kept-as-extension``. Writers add ``approximated`` themselves,
since only they know when a value is carried approximately.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel

from .formats import Predicate
from .model import MicroCredential
from .report import Code, Report


def present_fields(obj: BaseModel, prefix: str = "") -> Iterator[str]:
    """Paths of the leaves that hold a value: ``title``, ``awarding_bodies[].country``...

    Multilingual texts and plain lists are leaves; extension entries are
    ``extensions.<format>:<name>``.
    """
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        path = f"{prefix}{name}"
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, BaseModel):
            yield from present_fields(value, path + ".")
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            seen: set[str] = set()
            for item in value:
                for sub in present_fields(item, path + "[]."):
                    if sub not in seen:
                        seen.add(sub)
                        yield sub
        elif path == "extensions":
            for key in value:
                yield f"extensions.{key}"
        else:
            yield path


def carried_as(path: str, fields: Mapping[str, Predicate]) -> Predicate | None:
    """How ``fields`` carries ``path``: a declared path covers itself and everything below it."""
    probe = path
    while True:
        if probe in fields:
            return fields[probe]
        cut = max(probe.rfind("."), probe.rfind("[]"))
        if cut <= 0:
            return None
        probe = probe[:cut]


def report_coverage(
    credential: MicroCredential,
    format_name: str,
    fields: Mapping[str, Predicate],
    report: Report,
    record: str | int | None = None,
) -> None:
    """Report what ``format_name`` will drop or keep only as an extension of ``credential``."""
    for path in present_fields(credential):
        if path.startswith("extensions."):
            key = path.removeprefix("extensions.")
            if key.split(":", 1)[0] == format_name or "extensions" in fields:
                continue
            report.add(Code.DROPPED, f"extension {key} is not understood by {format_name}",
                       field=path, format=format_name, record=record)
            continue
        how = carried_as(path, fields)
        if how is None:
            report.add(Code.DROPPED, f"{format_name} has no place for {path}", field=path,
                       format=format_name, record=record)
        elif how == "extension":
            report.add(Code.KEPT_AS_EXTENSION,
                       f"{path} is written as an extension only some readers understand",
                       field=path, format=format_name, record=record)


def record_label(credential: MicroCredential, position: int) -> str | int:
    """How a record is named in messages: its id when it has one, else its 1-based position."""
    return credential.id or position


def everything() -> dict[str, Predicate]:
    """A field table that carries every canonical field exactly (the canonical format)."""
    return {name: "exact" for name in MicroCredential.model_fields}
