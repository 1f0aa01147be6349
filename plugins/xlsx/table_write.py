"""Writing credentials as a credential table: one sheet, a header row, one row per credential,
typed cells (dates as dates, numbers as numbers, booleans as booleans)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from credbridge.report import Code

from .columns import Column, get_value, header_name, join_multi, standard_columns
from .reproducible import pinned

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

    from .options import XlsxOptions

HEADER_WINDOW = 1000
SHEET_TITLE = "Credentials"
MARKER = "credbridge credential table"
"""Kept in the workbook's keywords (docProps/core.xml): how detection knows our output."""

_Cells = list[tuple[Column, str | None, Any]]


def _cell_value(col: Column, value: Any) -> Any:
    """A JSON value of the canonical form as the typed cell a spreadsheet shows."""
    if col.datatype == "date" and isinstance(value, str) and "T" not in value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if col.datatype in ("integer", "decimal") and isinstance(value, str | int):
        number = _number(value)
        return value if number is None else number
    return value


def _number(value: str | int) -> int | float | None:
    """A number a spreadsheet holds exactly (else ``None``: kept as text)."""
    if isinstance(value, int):
        return value
    try:
        exact = Decimal(value)
    except InvalidOperation:
        return None
    if exact == exact.to_integral_value() and abs(exact) < 2**53:
        return int(exact)
    as_float = float(exact)
    return as_float if Decimal(repr(as_float)) == exact else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cells_of(col: Column, record: dict[str, Any], primary: str) -> dict[str | None, Any]:
    """The cells one column needs for one record: ``{None: plain, "fr": ..., ...}``."""
    value = get_value(record, col.field)
    if value is None or value == {} or (
        isinstance(value, list) and all(v is None or v == {} for v in value)
    ):
        return {}
    if not col.lang:
        if isinstance(value, list):
            return {None: join_multi([None if v is None else _text(v) for v in value])}
        return {None: _cell_value(col, value)}
    texts = value if isinstance(value, list) else [value]
    langs: list[str] = []
    for t in texts:
        for lang in t or {}:
            if lang not in langs:
                langs.append(lang)
    out: dict[str | None, Any] = {}
    for lang in langs:
        items = [(t or {}).get(lang) for t in texts]
        out[None if lang == primary else lang] = \
            join_multi(items) if isinstance(value, list) else str(items[0])
    return out


@cache
def _columns_by_root() -> dict[str, tuple[Column, ...]]:
    groups: dict[str, list[Column]] = {}
    for col in standard_columns():
        groups.setdefault(col.field.split(".")[0].removesuffix("[]"), []).append(col)
    return {k: tuple(v) for k, v in groups.items()}


def _record_cells(record: dict[str, Any], primary: str) -> _Cells:
    out: _Cells = []
    groups = _columns_by_root()
    for key in record:
        for col in groups.get(key, ()):
            for lang, cell in _cells_of(col, record, primary).items():
                out.append((col, lang, cell))
    return out


def _header_for(records: list[_Cells]) -> list[tuple[Column, str | None]]:
    used: dict[tuple[str, str | None], None] = {}
    for cells in records:
        for col, lang, _cell in cells:
            used[(col.name, lang)] = None
    header: list[tuple[Column, str | None]] = []
    for col in standard_columns():
        langs = [lang for (name, lang) in used if name == col.name]
        if None in langs:
            header.append((col, None))
        header.extend((col, lang) for lang in sorted(x for x in langs if x is not None))
    return header


def write_table(credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context,
                options: XlsxOptions) -> None:
    """One sheet, a header row (the columns the first :data:`HEADER_WINDOW` credentials use),
    then a row per credential. Text cells are always text: a value starting with ``=`` is
    never written as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    language = options.language
    reverse = {v: k for k, v in (options.column_map() or {}).items()}
    it = iter(credentials)
    window = [_record_cells(c.to_json_dict(), language)
              for c in itertools.islice(it, HEADER_WINDOW)]
    header = _header_for(window)
    wb = Workbook(write_only=True)
    wb.properties.keywords = MARKER
    wb.properties.creator = "credbridge"
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    names = [reverse.get(header_name(c, lang), header_name(c, lang)) for c, lang in header]
    head_cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        head_cells.append(cell)
    ws.append(head_cells)
    positions = {(c.name, lang): i for i, (c, lang) in enumerate(header)}

    def rest() -> Iterator[_Cells]:
        yield from window
        for cred in it:
            yield _record_cells(cred.to_json_dict(), language)

    for cells in rest():
        row: list[Any] = [None] * len(header)
        for col, lang, value in cells:
            index = positions.get((col.name, lang))
            if index is None:
                ctx.say(Code.DROPPED, col.field,
                        f"no column {header_name(col, lang)} in the header chosen from the "
                        f"first {HEADER_WINDOW} records")
                continue
            row[index] = _write_cell(ws, value, WriteOnlyCell)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    stream.write(pinned(buffer.getvalue()))


def _write_cell(ws: Any, value: Any, cell_type: Any) -> Any:
    cell = cell_type(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
