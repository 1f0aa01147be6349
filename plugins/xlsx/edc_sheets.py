"""The sheets of an EC EDC issuer workbook as columns and entities.

Each class sheet has header rows named in column A — ``Class`` (the row above ``Field``),
``Field``, ``Type``, ``RangeProperty``, ``RangeRef``, ``Language``, ``Default Value`` — and
then data rows, one entity each (EDC 2.x templates also have a row of machine keys under
``Default Value``; the EDC 1.x test workbooks mark data rows with ``Data`` in column A). A
column is identified by its class path and field (``LearningAchievement.specifiedBy`` +
``eqfLevel``), its type (``Property``, ``Reference``, ``Association``...) and its language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .cells import cell_ref

ROOTS = {
    "EuropassCredential": "EuropassCredential", "VerifiableCredential": "EuropassCredential",
    "Person": "Person", "Organisation": "Organisation", "Organization": "Organisation",
    "Agent": "Organisation", "LearningAchievement": "LearningAchievement",
    "Achievement": "LearningAchievement", "LearningOutcome": "LearningOutcome",
    "LearningActivity": "LearningActivity", "Assessment": "Assessment",
    "Entitlement": "Entitlement", "Code": "Code",
}
"""Class names as the workbooks spell them -> the class they stand for."""

_REFERENCE = re.compile(r"^=?\$?[A-Z]{1,3}\$?\d+$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
"""A language of a column or cell: a BCP 47 tag (``en``, ``nl-NL``; the EC templates use
the bare language, credbridge writes the region where the source has one)."""
_KEY = re.compile(r"^(?:[A-Za-z]+(?:#\d+)?\.)+[A-Za-z0-9#.]*$|^Colum(?:n|na)\d+$")


@dataclass(frozen=True)
class Column:
    """One data column of a class sheet."""

    index: int
    """1-based column number."""
    root: str
    path: str
    """The property path below the class, ``#n`` kept: ``specifiedBy.eqfLevel``,
    ``identifier#1.content``, ``title``."""
    type: str
    """``property``, ``reference``, ``association``, ``id`` (the EDC 1.x primary key) or
    ``ignore``, lower case; Nested- and Multi- prefixes removed."""
    range_property: str = ""
    language: str | None = None
    default: Any = None
    multi: bool = False


@dataclass
class Cell:
    """One filled data cell."""

    column: Column
    value: Any
    ref: str
    formula: str | None = None
    language: str | None = None


@dataclass
class Entity:
    """One data row of a class sheet."""

    sheet: str
    row: int
    root: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``Achievements!row 13``: where the entity is."""
        return f"{self.sheet}!row {self.row}"

    def get(self, path: str, kind: str = "property") -> list[Cell]:
        """The cells of one property path (``title``, ``specifiedBy.eqfLevel``) of a type;
        ``#n`` indices in the columns' paths are ignored when ``path`` has none."""
        plain = "#" not in path
        return [c for c in self.cells if c.column.type == kind and
                (_unindexed(c.column.path) if plain else c.column.path) == path]

    def first(self, path: str, kind: str = "property") -> Cell | None:
        """The first cell of ``path``, or ``None``."""
        found = self.get(path, kind)
        return found[0] if found else None


def _unindexed(path: str) -> str:
    return re.sub(r"#\d+", "", path)


@dataclass
class Sheet:
    """A class sheet: its columns and entities (data rows)."""

    name: str
    root: str
    columns: list[Column]
    entities: list[Entity]
    ids: dict[str, Entity] = field(default_factory=dict)
    """EDC 1.x: entities by their ``ID/PK`` column."""

    def at_row(self, row: int) -> Entity | None:
        """The entity of a sheet row number."""
        return next((e for e in self.entities if e.row == row), None)


def _label(value: Any) -> str:
    return str(value).strip().casefold().replace(" ", "") if value is not None else ""


def _row_index(rows: list[tuple[Any, ...]], name: str, start: int = 0) -> int | None:
    for i in range(start, len(rows)):
        if rows[i] and _label(rows[i][0]).startswith(name):
            return i
    return None


def _get(rows: list[tuple[Any, ...]], r: int | None, c: int) -> Any:
    if r is None or r >= len(rows) or c >= len(rows[r]):
        return None
    value = rows[r][c]
    return value.strip() if isinstance(value, str) else value


def parse_sheet(name: str, rows: list[tuple[Any, ...]],
                formulas: dict[tuple[int, int], str]) -> Sheet | None:
    """The class sheet of ``rows`` (values), or ``None`` when the sheet has no ``Field``
    header row (instructions, lists)."""
    field_at = _row_index(rows, "field")
    if field_at is None or field_at == 0:
        return None
    class_at = field_at - 1
    type_at = _row_index(rows, "type", field_at)
    range_at = _row_index(rows, "rangeproperty", field_at)
    default_at = _row_index(rows, "defaultvalue", field_at)
    language_rows = [i for i in range(field_at, (default_at or len(rows)))
                     if rows[i] and _label(rows[i][0]) == "language"]
    width = max((len(r) for r in rows[:field_at + 12]), default=0)
    columns: list[Column] = []
    roots: Counter[str] = Counter()
    for c in range(1, width):
        cls, fld = _get(rows, class_at, c), _get(rows, field_at, c)
        if not isinstance(cls, str) or fld in (None, ""):
            continue
        head, _, rest = cls.partition(".")
        root = ROOTS.get(head.split("#")[0])
        if root is None:
            continue
        roots[root] += 1
        kind = str(_get(rows, type_at, c) or "property").strip().lower()
        multi = "multi" in kind
        kind = kind.removeprefix("nested").removeprefix("multi")
        if kind in ("id/pk", "id"):
            kind = "id"
        elif kind not in ("property", "reference", "ignore"):
            kind = "association"  # Association, GradesAssociation, the templates' "tofix"
        language = next((str(v) for r in language_rows
                         if isinstance(v := _get(rows, r, c), str) and _LANG.match(v)), None)
        path = f"{rest}.{fld}" if rest else str(fld)
        columns.append(Column(c + 1, root, path, kind, str(_get(rows, range_at, c) or ""),
                              language, _get(rows, default_at, c), multi))
    if not columns:
        return None
    root = roots.most_common(1)[0][0]
    sheet = Sheet(name, root, columns, [])
    for r in _data_rows(rows, field_at, default_at):
        entity = Entity(name, r + 1, root)
        for col in columns:
            value = _get(rows, r, col.index - 1)
            formula = formulas.get((r + 1, col.index))
            if formula is not None and _REFERENCE.match(formula) and _zero(value):
                value = None  # a reference to an empty cell: Excel caches 0
            if value is None or value == "":
                if col.type == "association" and col.default not in (None, "") and \
                        default_at is not None:  # EDC 1.x: the issuer named once, row 8
                    entity.cells.append(Cell(col, col.default,
                                             cell_ref(name, default_at + 1, col.index)))
                    continue
                if formula is None:
                    continue
                value = None
            entity.cells.append(Cell(col, value, cell_ref(name, r + 1, col.index), formula))
        if any(c.value is not None and c.column.type != "association"
               for c in entity.cells):
            _languages(entity, columns, rows[r])
            sheet.entities.append(entity)
            key = entity.first("id", "id")
            if key is not None and key.value is not None:
                sheet.ids[str(key.value).strip()] = entity
    return sheet


def _zero(value: Any) -> bool:
    """What Excel caches for a reference to an empty cell (0, shown as a date or a time)."""
    import datetime as dt

    return value in (0, "0") or value == dt.time(0) or (
        isinstance(value, dt.datetime) and value.year < 1900)


def _data_rows(rows: list[tuple[Any, ...]], field_at: int, default_at: int | None) -> list[int]:
    marked = [i for i in range(field_at, len(rows)) if rows[i] and _label(rows[i][0]) == "data"]
    if marked:
        return marked
    start = (default_at if default_at is not None else field_at) + 1
    out = []
    for i in range(start, len(rows)):
        row = rows[i]
        values = [v for v in row[1:] if v is not None and v != ""]
        if not values:
            continue
        if i == start and _is_key_row(values):
            continue
        out.append(i)
    return out


def _is_key_row(values: list[Any]) -> bool:
    """The row of machine keys under ``Default Value`` in EDC 2.x templates."""
    keys = sum(1 for v in values if isinstance(v, str) and _KEY.match(v.strip()))
    return keys * 2 > len(values)


def _languages(entity: Entity, columns: list[Column], row: tuple[Any, ...]) -> None:
    """Each content cell's language: its column's, else that of the ``language`` column of
    the same property beside it (its value in the row, else its default)."""
    for cell in entity.cells:
        col = cell.column
        if col.type != "property":
            continue
        if col.range_property.lower() == "language":
            continue
        if col.language:
            cell.language = col.language
            continue
        partner = _language_partner(col, columns)
        if partner is not None:
            value = row[partner.index - 1] if partner.index - 1 < len(row) else None
            value = value if isinstance(value, str) and value.strip() else partner.default
            if isinstance(value, str) and _LANG.match(value.strip().lower()):
                cell.language = value.strip().lower()


def _language_partner(col: Column, columns: list[Column]) -> Column | None:
    """The ``language`` column that goes with a content column (EDC 1.x pairs)."""
    after = [c for c in columns if c.index > col.index and c.path == col.path
             and c.range_property.lower() in ("language", "content")]
    for c in after:
        if c.range_property.lower() == "content":
            return None
        return c
    return None


def content_cells(cells: list[Cell]) -> list[Cell]:
    """The content cells of a property (not its language or topic columns)."""
    return [c for c in cells if c.column.range_property.lower() not in
            ("language", "topic", "format", "identifierschemeid")]
