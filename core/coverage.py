"""Which canonical fields a credential holds, and which of them a format carries.

This is the mechanism behind "no silent loss": before a writer sees a credential, the core
reports every present field the target format does not declare as ``dropped`` and every field it
carries only as an extension as ``kept-as-extension``. Writers add ``approximated`` themselves,
since only they know when a value is carried approximately.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .formats import Predicate
from .report import Code

if TYPE_CHECKING:
    from .context import Context
    from .model import MicroCredential


def present_fields(obj: Any, prefix: str = "") -> Iterator[str]:
    """Paths of the leaves that hold a value: ``title``, ``awarding_bodies[].country``...

    Multilingual texts and plain lists are leaves; extension entries are
    ``extensions.<format>:<name>``.
    """
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        path = f"{prefix}{name}"
        if value is None or value == [] or value == {}:
            continue
        if hasattr(type(value), "model_fields"):
            yield from present_fields(value, path + ".")
        elif isinstance(value, list) and value and hasattr(type(value[0]), "model_fields"):
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
    if "*" in fields:
        return fields["*"]
    probe = path
    while True:
        if probe in fields:
            return fields[probe]
        cut = max(probe.rfind("."), probe.rfind("[]"))
        if cut <= 0:
            return None
        probe = probe[:cut]


_PREFIXES: dict[int, tuple[Mapping[str, Predicate], frozenset[str]]] = {}


def declared_prefixes(fields: Mapping[str, Predicate]) -> frozenset[str]:
    """Every proper prefix of a declared path (``awarding_bodies[]``, ``awarding_bodies``...),
    computed once per field table (formats' tables live as long as the process)."""
    cached = _PREFIXES.get(id(fields))
    if cached is not None and cached[0] is fields:
        return cached[1]
    prefixes = _prefixes(fields)
    if len(_PREFIXES) > 256:  # callers that build a table per call must not grow it forever
        _PREFIXES.clear()
    _PREFIXES[id(fields)] = (fields, prefixes)
    return prefixes


def _prefixes(fields: Mapping[str, Predicate]) -> frozenset[str]:
    """Every proper prefix of a declared path (``awarding_bodies[]``, ``awarding_bodies``...)."""
    out: set[str] = set()
    for path in fields:
        probe = path
        while True:
            cut = max(probe.rfind("."), probe.rfind("[]"))
            if cut <= 0:
                break
            probe = probe[:cut]
            out.add(probe)
            if probe.endswith("[]"):
                out.add(probe[:-2])
    return frozenset(out)


def uncovered(data: Mapping[str, Any], fields: Mapping[str, Predicate],
              prefixes: frozenset[str] | None = None, prefix: str = "",
              ) -> Iterator[tuple[str, Predicate | None]]:
    """(path, predicate) for each present subtree of canonical JSON ``data`` that ``fields``
    does not carry (``None``) or carries as an extension; carried subtrees are not walked."""
    prefixes = declared_prefixes(fields) if prefixes is None else prefixes
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        path = f"{prefix}{key}"
        how = fields.get(path)
        if how is None:
            how = fields.get(f"{path}[]")
        if how in ("exact", "lossy"):
            continue
        if how == "extension":
            yield path, how
            continue
        if path in prefixes:
            if isinstance(value, dict):
                yield from uncovered(value, fields, prefixes, path + ".")
                continue
            if isinstance(value, list) and any(isinstance(v, dict) for v in value):
                # every item: a field only a later item holds (a second part's grading
                # scheme) is as uncovered as one the first holds; each path said once
                seen: set[str] = set()
                for item in value:
                    if isinstance(item, dict):
                        for found in uncovered(item, fields, prefixes, path + "[]."):
                            if found[0] not in seen:
                                seen.add(found[0])
                                yield found
                continue
        yield path, None


def report_coverage(
    credential: MicroCredential,
    fields: Mapping[str, Predicate],
    ctx: Context,
    prefixes: frozenset[str] | None = None,
) -> None:
    """Report (through the writer's ``ctx``) what its format will drop of ``credential`` or
    keep only as an extension."""
    format_name = ctx.format
    if fields.get("*") == "exact":
        return
    data = credential.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    extensions = data.pop("extensions", None) or {}
    for key in extensions:
        family = key.split(":", 1)[0]
        # A format family (elm, elm-ttl, elm-rdfxml) shares one extension prefix: a format
        # that carries it declares "extensions.<prefix>" in its fields.
        if family == format_name or "extensions" in fields or f"extensions.{family}" in fields:
            continue
        ctx.say(Code.EXTENSION_DROPPED, f"extensions.{key}",
                f"extension {key} (data only its own format uses) is not carried by "
                f"{format_name}")
    for path, how in uncovered(data, fields, prefixes):
        if how is None:
            ctx.say(Code.DROPPED, path, f"{format_name} has no place for {path}")
        else:
            ctx.say(Code.KEPT_AS_EXTENSION, path,
                    f"{path} is written as an extension only some readers understand")


def record_label(credential: MicroCredential, position: int) -> str | int:
    """How a record is named in messages: its id when it has one, else its 1-based position."""
    return credential.id or position


def everything() -> dict[str, Predicate]:
    """A field table that carries every canonical field exactly (the canonical format)."""
    return {"*": "exact"}
