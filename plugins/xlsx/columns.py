"""The credbridge table columns (``credbridge.mappings/csv/columns.toml``, the column set the
``csv`` format uses too) and canonical values got and set by column path.

The ``xlsx`` format reads the same data file as ``csv`` rather than importing that format: the
column set is data of the mappings, not code of another format.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from credbridge.errors import UsageError


@dataclass(frozen=True)
class Column:
    """One credbridge table column (an entry of ``columns.toml``)."""

    name: str
    field: str
    multi: bool = False
    lang: bool = False
    datatype: str = "string"
    value_url: str | None = None
    property_url: str | None = None
    description: str = ""

    @property
    def positional(self) -> bool:
        """True when the items fill a list of objects by position (``awarding_bodies[].name``)."""
        return "[]" in self.field


@cache
def standard_columns() -> tuple[Column, ...]:
    """The columns in writing order."""
    text = resources.files("credbridge.mappings").joinpath("csv/columns.toml").read_text("utf-8")
    return tuple(Column(**c) for c in tomllib.loads(text)["column"])


@cache
def columns_by_name() -> dict[str, Column]:
    """Columns by header name."""
    return {c.name: c for c in standard_columns()}


@cache
def column_for_field() -> dict[str, Column]:
    """Columns by the canonical path they fill."""
    return {c.field: c for c in standard_columns()}


NUMBERED = {"learning_outcome": "learning_outcomes", "esco_skill": "esco_skills"}
_NUMBERED_RE = re.compile(r"^(learning_outcome|esco_skill)_(\d+)(?:\.([A-Za-z-]+))?$")


@dataclass(frozen=True)
class HeaderCell:
    """What a header cell means: a column, the language of a ``<column>.<lang>`` header and
    the 0-based position of a numbered one (``learning_outcome_2``)."""

    column: Column
    lang: str | None = None
    position: int | None = None


def interpret_header(name: str) -> HeaderCell | None:
    """The meaning of one header cell, or ``None`` when it is not a credbridge column."""
    by_name = columns_by_name()
    if name in by_name:
        return HeaderCell(by_name[name])
    m = _NUMBERED_RE.match(name)
    if m:
        return HeaderCell(by_name[NUMBERED[m.group(1)]], m.group(3), int(m.group(2)) - 1)
    if "." in name:
        base, _, lang = name.rpartition(".")
        col = by_name.get(base)
        if col is not None and col.lang:
            return HeaderCell(col, lang)
    return None


def header_name(col: Column, lang: str | None) -> str:
    """The header text of a column (``title``, ``title.fr``)."""
    return col.name if lang is None else f"{col.name}.{lang}"


def load_column_map(path: str | Path) -> dict[str, str]:
    """A column map file: a ``[columns]`` table of "header in the file" = "credbridge column"
    (the same files ``--columns`` takes for CSV)."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"column map {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"column map {path} is not valid TOML: {exc}") from None
    mapping = data.get("columns")
    if not isinstance(mapping, dict):
        raise UsageError(f"column map {path} needs a [columns] table")
    return check_column_map(mapping, f"column map {path}")


def check_column_map(mapping: Mapping[str, object], where: str = "column map") -> dict[str, str]:
    """``mapping`` as header -> column; a target that is not a credbridge column is a
    :class:`UsageError` naming ``where`` it comes from."""
    for source, target in mapping.items():
        if not isinstance(target, str) or interpret_header(target) is None:
            raise UsageError(f"{where}: {source!r} maps to {target!r}, which is not a "
                             "credbridge column (see docs/formats/csv.md#columns)")
    return {str(k): str(v) for k, v in mapping.items()}


# --- values by column path ---------------------------------------------------------------------


def _split(field: str) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    if "[]" not in field:
        return tuple(field.split(".")), None
    head, _, tail = field.partition("[]")
    tail = tail.lstrip(".")
    return tuple(head.split(".")), (tuple(tail.split(".")) if tail else None)


def _put(node: dict[str, Any], parts: tuple[str, ...], value: Any, lang: str | None) -> None:
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if lang is not None:
        node.setdefault(parts[-1], {})[lang] = value
    else:
        node[parts[-1]] = value


def set_value(data: dict[str, Any], field: str, value: Any, *, position: int | None = None,
              lang: str | None = None) -> None:
    """Set ``value`` at ``field``; ``position`` picks the element of a ``[]`` list, ``lang``
    the language of a multilingual text."""
    head, tail = _split(field)
    if tail is None:
        _put(data, head, value, lang)
        return
    node = data
    for part in head[:-1]:
        node = node.setdefault(part, {})
    items = node.setdefault(head[-1], [])
    index = position or 0
    while len(items) <= index:
        items.append({})
    _put(items[index], tail, value, lang)


def _get(node: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
        if node is None:
            return None
    return node


def get_value(data: dict[str, Any], field: str) -> Any:
    """The value at ``field`` (for ``[]`` paths: one value per element, ``None`` where absent)."""
    head, tail = _split(field)
    value = _get(data, head)
    if tail is None:
        return value
    if not isinstance(value, list):
        return None
    return [_get(item, tail) for item in value]


def drop_empty_elements(data: dict[str, Any]) -> None:
    """Remove ``{}`` elements left in lists of objects by gaps in positional columns."""
    for key, value in list(data.items()):
        if isinstance(value, dict):
            drop_empty_elements(value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for v in value:
                drop_empty_elements(v)
            data[key] = [v for v in value if v]


# --- multi-valued cells (the table convention shared with CSV: items joined by "; ") ----------

SEPARATOR = "; "
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def split_multi(cell: str) -> list[str | None]:
    """Split a multi-valued cell on ``;``; a JSON-quoted item may contain ``;``. An empty item
    is ``None`` (a gap in a positional list); trailing gaps are removed."""
    items: list[str | None] = []
    i, n = 0, len(cell)
    while i <= n:
        while i < n and cell[i] in " \t":
            i += 1
        if i < n and cell[i] == '"':
            m = _JSON_STRING.match(cell, i)
            if m:
                j = m.end()
                while j < n and cell[j] in " \t":
                    j += 1
                if j == n or cell[j] == ";":
                    items.append(json.loads(m.group()))
                    i = j + 1
                    continue
        j = cell.find(";", i)
        if j == -1:
            j = n
        items.append(cell[i:j].strip() or None)
        i = j + 1
    while items and items[-1] is None:
        items.pop()
    return items


def join_multi(items: list[str | None]) -> str:
    """Join items with ``"; "``, JSON-quoting an item that would not split back intact."""
    while items and items[-1] is None:
        items = items[:-1]
    out = []
    for item in items:
        if item is None:
            out.append("")
        elif ";" in item or item.startswith('"') or item != item.strip():
            out.append(json.dumps(item, ensure_ascii=False))
        else:
            out.append(item)
    return SEPARATOR.join(out)
