"""The CSV column table (``credbridge.mappings/csv/columns.toml``) and user column maps."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from credbridge.errors import UsageError


@dataclass(frozen=True)
class Column:
    """One credbridge CSV column."""

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
    """The columns credbridge reads and writes, in writing order."""
    text = resources.files("credbridge.mappings").joinpath("csv/columns.toml").read_text("utf-8")
    return tuple(Column(**c) for c in tomllib.loads(text)["column"])


@cache
def columns_by_name() -> dict[str, Column]:
    """Standard columns by header name."""
    return {c.name: c for c in standard_columns()}


@cache
def column_for_field() -> dict[str, Column]:
    """Standard columns by the canonical path they fill."""
    return {c.field: c for c in standard_columns()}


NUMBERED = {
    "learning_outcome": "learning_outcomes",
    "esco_skill": "esco_skills",
}
"""Numbered column stems (``learning_outcome_1...n``) and the multi column they feed."""

_NUMBERED_RE = re.compile(r"^(learning_outcome|esco_skill)_(\d+)(?:\.([A-Za-z-]+))?$")


@dataclass(frozen=True)
class HeaderCell:
    """What a header cell of an input CSV means."""

    column: Column
    lang: str | None = None
    position: int | None = None
    """For numbered columns: the 0-based item position."""


def interpret_header(name: str) -> HeaderCell | None:
    """The meaning of one header cell, or ``None`` when credbridge does not know it."""
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


def load_column_map(path: str | Path) -> dict[str, str]:
    """A user column map: ``[columns]`` table of "header in the file" = "credbridge column".

    Every target must be a credbridge column (or a ``<column>.<lang>`` / numbered variant).
    """
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
            raise UsageError(
                f"{where}: {source!r} maps to {target!r}, which is not a credbridge "
                "CSV column (see docs/formats/csv.md)"
            )
    return {str(k): str(v) for k, v in mapping.items()}
