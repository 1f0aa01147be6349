"""Reading a credential table from a workbook: a header row of credbridge columns, then one
credential per row; cells are typed (dates, numbers, booleans) or text as in CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from credbridge.errors import InputError
from credbridge.model import MicroCredential, build
from credbridge.report import Code

from .cells import cell_ref, formula_cells
from .columns import (
    HeaderCell,
    column_for_field,
    drop_empty_elements,
    interpret_header,
    set_value,
    split_multi,
)
from .workbook import open_workbook, read_archive, sheet_rows

if TYPE_CHECKING:
    from credbridge.context import Context

    from .options import XlsxOptions

MAX_CELLS = 20_000_000


def read_table(stream: IO[bytes], ctx: Context, options: XlsxOptions) -> Iterator[MicroCredential]:
    """One credential per data row of the sheet (``ctx.record`` is ``row N``, the row number
    in the sheet); a bad cell fails its row with the cell named, and the next row goes on."""
    budget = options.budget()
    data = read_archive(stream, budget)
    values = open_workbook(data, budget)
    if not values.sheetnames:
        raise InputError("the workbook has no sheet")
    name = options.sheet or values.sheetnames[0]
    if name not in values.sheetnames:
        raise InputError(f"the workbook has no sheet {name!r} (it has: "
                         f"{', '.join(values.sheetnames)})")
    rows = sheet_rows(values[name], MAX_CELLS)
    formulas = formula_cells(open_workbook(data, budget, formulas=True)[name], MAX_CELLS)
    header_at = next((i for i, r in enumerate(rows) if any(_present(v) for v in r)), None)
    if header_at is None:
        return
    header = [_text(v).strip() if _present(v) else "" for v in rows[header_at]]
    meanings = _meanings(header, options, ctx, name)
    try:
        for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if not any(_present(v) for v in row):
                continue
            ctx.record = f"row {offset}"
            cred = _row(row, offset, header, meanings, formulas, ctx, options, name)
            if cred is not None:
                yield cred
    finally:
        ctx.record = None


def _meanings(header: list[str], options: XlsxOptions, ctx: Context,
              sheet: str) -> list[HeaderCell | None]:
    column_map = options.column_map()
    mapped = [column_map.get(h, h) if column_map else h for h in header]
    meanings = [interpret_header(h) if h else None for h in mapped]
    unknown = [h for h, m in zip(header, meanings, strict=True) if m is None and h]
    known = {m.column.name for m in meanings if m is not None}
    if not known & {"credential_id", "title"} and len(unknown) >= len(known):
        raise InputError(
            f"sheet {sheet!r} is not a credential table: its header has no credential_id or "
            f"title column ({', '.join(unknown[:6])}{', ...' if len(unknown) > 6 else ''}); "
            "map the columns with --columns, or read an EC issuer workbook with --from "
            "edc-xlsx", record="header")
    dupes = sorted({h for h in mapped if h and mapped.count(h) > 1})
    if dupes:
        raise InputError(f"duplicate columns in the header: {', '.join(dupes)}", record="header")
    if unknown and ctx.record_offset == 0:
        ctx.say(Code.IGNORED_INPUT, None, f"columns not understood and ignored: "
                f"{', '.join(unknown)} (map them with --columns)", record="header")
    language = options.language
    explicit = {(m.column.name, m.lang, m.position) for m in meanings
                if m is not None and m.lang is not None}
    for i, m in enumerate(meanings):
        if m is not None and m.column.lang and m.lang is None and \
                (m.column.name, language, m.position) in explicit:
            ctx.say(Code.IGNORED_INPUT, m.column.field,
                    f"column {header[i]} is read as language {language} (--text-lang) and "
                    f"{m.column.name}.{language} is also given: that column wins",
                    record="header")
            meanings[i] = None
    return meanings


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _row(row: tuple[Any, ...], number: int, header: list[str],
         meanings: list[HeaderCell | None], formulas: dict[tuple[int, int], str], ctx: Context,
         options: XlsxOptions, sheet: str) -> MicroCredential | None:
    data: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for index, (meaning, value) in enumerate(zip(meanings, row, strict=False)):
        if meaning is None:
            continue
        ref = cell_ref(sheet, number, index + 1)
        formula = formulas.get((number, index + 1))
        if formula is not None:
            if not _present(value):
                ctx.say(Code.IGNORED_INPUT, meaning.column.field,
                        f"{ref} (column {header[index]}) is a formula ({formula}) with no "
                        "cached value: the cell is read as empty (formulas are never "
                        "computed)")
                continue
            ctx.say(Code.NOTE, meaning.column.field,
                    f"{ref} (column {header[index]}) is a formula ({formula}): its cached value "
                    f"{_text(value)!r} is read (formulas are never computed)")
        if not _present(value):
            continue
        cells[meaning.column.field] = f"{ref} (column {header[index]})"
        try:
            _fill(data, meaning, value, options.language)
        except ValueError as exc:
            ctx.failed(f"{ref} (column {header[index]}): {exc}", field=meaning.column.field)
            return None
    drop_empty_elements(data)
    try:
        return build(data, record=ctx.record)
    except InputError as exc:
        where = _where(exc.field, cells)
        ctx.failed(f"{where}{exc.message}", field=exc.field)
        return None


def _where(field: str | None, cells: dict[str, str]) -> str:
    """The cell that filled a canonical path such as ``awarding_bodies[0].country``."""
    if not field:
        return ""
    generic = "".join("[]" if part.startswith("[") else part for part in _tokens(field))
    for candidate in (generic, generic.rsplit(".", 1)[0]):
        col = column_for_field().get(candidate)
        if col is not None and col.field in cells:
            return f"{cells[col.field]}: "
    return ""


def _tokens(field: str) -> list[str]:
    out, buf = [], ""
    for ch in field:
        if ch == "[":
            out.append(buf)
            buf = "["
        elif ch == "]":
            out.append(buf + "]")
            buf = ""
        else:
            buf += ch
    out.append(buf)
    return [t for t in out if t]


def _text(value: Any) -> str:
    """A cell value as the text a CSV cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None \
            else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _typed(datatype: str, value: Any) -> Any:
    """A cell value for a column of ``datatype``: dates, numbers and booleans as such."""
    if datatype == "date" and isinstance(value, dt.datetime):
        if value.time() == dt.time() and value.tzinfo is None:
            return value.date()
        if value.tzinfo is None:
            raise ValueError(f"a date-time cell without a time zone ({value.isoformat()}); "
                             "give a date, or text with the zone (2024-06-30T10:00:00Z)")
        return value
    if datatype == "boolean":
        if isinstance(value, bool):
            return value
        text = _text(value).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"not a boolean (true/false): {_text(value)!r}")
    if datatype == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if datatype == "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(_text(value))
    return _text(value).strip()


def _fill(data: dict[str, Any], meaning: HeaderCell, value: Any, primary: str) -> None:
    col = meaning.column
    lang = (meaning.lang or primary) if col.lang else None
    if not col.multi or meaning.position is not None:
        typed = _typed(col.datatype, value)
        set_value(data, col.field, typed, position=meaning.position, lang=lang)
        return
    items = split_multi(_text(value))
    if not col.positional:
        set_value(data, col.field, [i for i in items if i is not None])
        return
    for position, item in enumerate(items):
        if item is not None:
            set_value(data, col.field, item, position=position, lang=lang)
