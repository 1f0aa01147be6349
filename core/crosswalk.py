"""The crosswalk as data (``credbridge.mappings/crosswalk.toml``): canonical field x format ->
target path and predicate, as the code behaves.

Each ``[[field]]`` entry of the file has a canonical ``path``, the ``element`` it stands for
(the Annex I element or a short meaning) and a ``[field.formats]`` table: format name ->
``{how, target, note}``, where ``how`` is ``exact``, ``lossy``, ``extension`` or ``none``.

Built-in formats take their ``fields`` from here (:func:`fields_for`), ``docs/formats.md`` is
generated from it, and ``tests/test_crosswalk.py`` checks the code against it. This module does
not import the pydantic model, so a format module can call :func:`fields_for` cheaply at import.

Parsing the TOML costs more than the rest of a format's import, so its parse is also kept as
``crosswalk.json`` beside it, with the SHA-256 of the TOML it came from: :func:`rows` uses it
only when that checksum is the file's (otherwise it parses the TOML, so a stale copy is slow,
never wrong). After editing crosswalk.toml, ``python -m credbridge.crosswalk --update``
refreshes it (tests/test_startup.py says when it is stale).
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

if TYPE_CHECKING:  # formats imports the options models (pydantic); the crosswalk needs neither
    from .formats import Predicate

How = Literal["exact", "lossy", "extension", "none"]
HOWS: tuple[str, ...] = get_args(How)
"""The four predicates, strongest first."""

MARK: dict[str, str] = {"exact": "E", "lossy": "L", "extension": "X", "none": "N"}
"""The one-letter mark of each predicate (the crosswalk's §0)."""


@dataclass(frozen=True)
class Cell:
    """How one format carries one canonical field, and where."""

    how: How
    target: str = ""
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One canonical field across formats."""

    path: str
    element: str
    cells: MappingProxyType[str, Cell]


def _cell(path: str, name: str, spec: dict[str, str]) -> Cell:
    how = spec.get("how")
    if how not in HOWS:
        raise ValueError(f"crosswalk.toml: {path} / {name}: how = {how!r} is not one of "
                         f"{', '.join(HOWS)}")
    return Cell(cast(How, how), spec.get("target", ""), spec.get("note", ""))


PARSED = "crosswalk.json"
"""The parse of crosswalk.toml, kept beside it (see the module docstring)."""


def _source() -> bytes:
    return resources.files("credbridge.mappings").joinpath("crosswalk.toml").read_bytes()


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def parse(source: bytes) -> list[dict[str, Any]]:
    """The ``[[field]]`` entries of crosswalk.toml's bytes."""
    fields: list[dict[str, Any]] = tomllib.loads(source.decode("utf-8")).get("field", [])
    return fields


def _kept(source: bytes) -> list[dict[str, Any]] | None:
    """The entries of ``crosswalk.json`` when it is the parse of ``source``, else ``None``."""
    try:
        text = resources.files("credbridge.mappings").joinpath(PARSED).read_text("utf-8")
        kept = json.loads(text)
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("sha256") != _sha256(source):
        return None
    fields = kept.get("field")
    return fields if isinstance(fields, list) else None


def parsed_text(source: bytes) -> str:
    """What ``crosswalk.json`` holds for crosswalk.toml's bytes ``source``."""
    return json.dumps({"sha256": _sha256(source), "field": parse(source)}, ensure_ascii=False,
                      indent=0) + "\n"


@cache
def rows() -> tuple[Row, ...]:
    """The crosswalk rows in file order (read once)."""
    source = _source()
    fields = _kept(source)
    if fields is None:
        fields = parse(source)
    out = []
    for entry in fields:
        path = entry["path"]
        cells = {name: _cell(path, name, spec)
                 for name, spec in entry.get("formats", {}).items()}
        out.append(Row(path, entry.get("element", ""), MappingProxyType(cells)))
    return tuple(out)


@cache
def formats() -> tuple[str, ...]:
    """Formats the crosswalk describes, in first-mention order."""
    seen: dict[str, None] = {}
    for row in rows():
        for name in row.cells:
            seen.setdefault(name, None)
    return tuple(seen)


@cache
def _carried(format_name: str) -> tuple[tuple[str, Predicate], ...]:
    out = tuple((row.path, cast("Predicate", row.cells[format_name].how)) for row in rows()
                if format_name in row.cells and row.cells[format_name].how != "none")
    if not out:
        raise KeyError(f"the crosswalk has no column for format {format_name!r}")
    return out


def fields_for(format_name: str) -> dict[str, Predicate]:
    """The ``fields`` of a built-in format: every path it carries, with the predicate (a fresh
    dict each call; the file is parsed once). ``KeyError`` for a format the crosswalk lacks."""
    return dict(_carried(format_name))


def cell(path: str, format_name: str) -> Cell:
    """The cell of ``path`` for ``format_name`` (``none`` when the crosswalk has no entry)."""
    for row in rows():
        if row.path == path:
            return row.cells.get(format_name, Cell("none"))
    raise KeyError(f"the crosswalk has no row for {path!r}")


def main(argv: list[str] | None = None) -> int:
    """``--update``: write crosswalk.json from crosswalk.toml (in the source tree); without
    it, exit 1 when crosswalk.json is stale."""
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    folder = Path(str(resources.files("credbridge.mappings")))
    source = (folder / "crosswalk.toml").read_bytes()
    target = folder / PARSED
    text = parsed_text(source)
    current = target.read_text("utf-8") if target.is_file() else None
    if "--update" in args:
        if current != text:
            target.write_text(text, "utf-8")
            print(f"updated {target.name}")
        return 0
    if current != text:
        print(f"{target.name} is stale: run python -m credbridge.crosswalk --update")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
