"""Reading CSV rows into canonical credentials, one row per credential."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from credbridge.errors import InputError, LimitExceededError
from credbridge.model import MicroCredential, build
from credbridge.report import Code
from credbridge.safety import DEFAULT_MAX_RECORD_BYTES, limits_of, over_budget

from .cells import parse_bool, split_multi, unneutralise
from .columns import HeaderCell, column_for_field, interpret_header
from .paths import drop_empty_elements, parsed, set_parsed
from .records import records

if TYPE_CHECKING:
    from credbridge.context import Context

    from .options import CsvOptions


TOO_LARGE_DETAIL = (f"the row is larger than {DEFAULT_MAX_RECORD_BYTES:,} bytes (the limit "
                    "of one record)")


def _cells(text: str) -> list[str]:
    """The cells of one record's text (cut by :mod:`.records`: no line break outside
    quotes); a ``csv.Error`` for a record the csv module cannot read."""
    if '"' not in text:  # no quoting: the csv module would split on the delimiter too
        return text.split(",") if text else []
    try:
        rows = list(csv.reader([text], strict=False))
    except csv.Error as exc:
        # The csv module's field size limit is process-wide (changing it would race with
        # other threads of a server): a cell above it is split here instead; the record as a
        # whole is already within credbridge's record limit.
        if "field limit" not in str(exc):
            raise
        return split_quoted(text)
    return rows[0] if rows else []


def split_quoted(text: str) -> list[str]:
    """The cells of one CSV record (RFC 4180: ``,`` between cells, ``"`` around a cell,
    ``""`` for a quote inside one), as the csv module reads it with ``strict=False``: a
    quote inside an unquoted cell is kept as text."""
    cells: list[str] = []
    i, n = 0, len(text)
    while True:
        cell: list[str] = []
        if i < n and text[i] == '"':  # a quoted cell: up to the lone closing quote
            i += 1
            while i < n:
                j = text.find('"', i)
                if j < 0:
                    cell.append(text[i:])
                    i = n
                    break
                cell.append(text[i:j])
                if text.startswith('"', j + 1):
                    cell.append('"')
                    i = j + 2
                else:
                    i = j + 1
                    break
        comma = text.find(",", i)  # the rest of the cell (after a closing quote: as text)
        end = n if comma < 0 else comma
        cell.append(text[i:end])
        cells.append("".join(cell))
        if comma < 0:
            return cells
        i = comma + 1


def _decoded(raw: bytes | None, what: str) -> str:
    """The text of one record; :class:`InputError` (naming ``what``) when it is too large or
    not UTF-8."""
    if raw is None:  # TOO_LARGE
        raise LimitExceededError(TOO_LARGE_DETAIL.replace("row", what, 1))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start + 1} of the {what})") from None


def read_rows(stream: IO[bytes], ctx: Context, options: CsvOptions) -> Iterator[MicroCredential]:
    """Yield one credential per data row; report bad rows (with their row number) and go on.

    Plain multilingual columns (``title``) hold text in ``options.text_lang`` (default
    ``und``: unknown); ``title.fr`` holds French. The ``language`` column is the language of
    instruction, not of the texts, so it is not used to guess. Rows are numbered from
    ``ctx.record_offset`` (the rows of earlier chunks of a split batch), and header messages
    are given by the first chunk only. A row that is not UTF-8, larger than the record limit
    or not CSV is a failed record; the rows after it are read as usual.
    """
    column_map = options.column_map()
    language = options.language
    rows = records(stream, DEFAULT_MAX_RECORD_BYTES)
    first = next(rows, False)
    if isinstance(first, bool):  # no input
        return
    try:
        header = _cells(_decoded(_without_bom(first), "header"))
    except csv.Error as exc:
        raise InputError(f"unreadable CSV header: {exc}", record="header") from None
    except InputError as exc:
        raise exc.with_context(record="header") from None
    header = [h.strip() for h in header]
    budget = limits_of(ctx).max_items
    if len(header) > budget:
        raise over_budget(f"the CSV header has more than {budget:,} columns", "items",
                          budget).with_context(record="header")
    mapped = [column_map.get(h, h) if column_map else h for h in header]
    cells_meaning = [interpret_header(h) for h in mapped]
    unknown = [h for h, m in zip(header, cells_meaning, strict=True) if m is None and h]
    known = {m.column.name for m in cells_meaning if m is not None}
    if len(unknown) > len(known) and not known & {"credential_id", "title"}:
        raise InputError(_not_a_credential_table(header, unknown), record="header")
    first_chunk = ctx.record_offset == 0  # later chunks of a split batch repeat the header
    if unknown and first_chunk:
        ctx.say(Code.IGNORED_INPUT, None,
                f"columns not understood and ignored: {_listed(unknown)} (map them with "
                "--columns)", record="header")
    _shadowed_plain_columns(header, cells_meaning, language, ctx if first_chunk else None)
    if len(set(mapped)) != len(mapped):
        dupes = sorted(h for h, n in Counter(mapped).items() if n > 1)
        raise InputError(f"duplicate columns in the header: {_listed(dupes)}", record="header")
    try:
        yield from _credentials(rows, header, cells_meaning, ctx, language)
    finally:
        ctx.record = None


OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "bar"}


def _not_a_credential_table(header: list[str], unknown: list[str]) -> str:
    """The one line that refuses a table of another layout: what was seen (its separator when
    it is not a comma, its columns, a recipient list) and what to do (``--columns``)."""
    sep = next((s for s in OTHER_SEPARATORS if len(header) <= 2 and s in "".join(header)), None)
    names = [n.strip() for n in "".join(header).split(sep)] if sep else unknown
    listed = f"{', '.join(names[:6])}{', ...' if len(names) > 6 else ''}"
    if sep:
        seen = (f"a {OTHER_SEPARATORS[sep]}-separated ('{sep}') table of {len(names)} columns "
                f"({listed}); credbridge reads comma-separated CSV")
        todo = "save it with commas, then map its columns with --columns"
    else:
        seen = (f"{len(unknown)} of {len(header)} columns are not credbridge columns ({listed})"
                " and there is no credential_id or title column")
        todo = "map the columns with --columns"
    lowered = " ".join(names).lower()
    if "recipient" in lowered or ("mail" in lowered and "title" not in lowered):
        seen += "; it looks like a list of recipients to award (a badge-platform import), " \
            "which names no credential"
    return f"not a credential table: {seen}; if it holds credentials, {todo}"


def _listed(names: list[str], shown: int = 20) -> str:
    """Names for a message: the first ``shown``, then how many more."""
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _without_bom(raw: bytes | None) -> bytes | None:
    return raw[3:] if raw is not None and raw.startswith(b"\xef\xbb\xbf") else raw


def _credentials(rows: Iterator[bytes | None], header: list[str],
                 meanings: list[HeaderCell | None], ctx: Context,
                 language: str) -> Iterator[MicroCredential]:
    """The data rows as credentials, ``ctx.record`` set to ``row N`` for each."""
    row_no = ctx.record_offset
    plan = _row_plan(header, meanings, language)
    for raw in rows:
        row_no += 1
        if raw is not None and not raw.strip():
            continue
        ctx.record = f"row {row_no}"
        try:
            row = _cells(_decoded(raw, "row"))
        except InputError as exc:
            ctx.failed(exc.message)
            continue
        except csv.Error as exc:
            ctx.failed(f"unreadable CSV: {exc}")
            continue
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            ctx.failed(f"the row has {len(row)} cells but the header has {len(header)}")
            continue
        cred = _row_to_credential(plan, row, ctx)
        if cred is not None:
            yield cred


def _shadowed_plain_columns(header: list[str], meanings: list[HeaderCell | None],
                            language: str, ctx: Context | None) -> None:
    """A plain text column (``title``) read as ``language`` while ``title.<that language>``
    is also given: the explicit column wins, and the report says so (the plain column would
    otherwise overwrite it silently). ``ctx`` is ``None`` when the message was already given
    (a later chunk of a split batch)."""
    explicit = {(m.column.name, m.lang, m.position) for m in meanings
                if m is not None and m.lang is not None}
    for i, m in enumerate(meanings):
        if m is not None and m.column.lang and m.lang is None and \
                (m.column.name, language, m.position) in explicit:
            if ctx is not None:
                ctx.say(Code.IGNORED_INPUT, m.column.field,
                        f"column {header[i]} is read as language {language} (--text-lang) "
                        f"and {m.column.name}.{language} is also given: that column wins, "
                        f"{header[i]} is ignored", record="header")
            meanings[i] = None


_BOOLEAN, _POSITIONED, _SINGLE, _LIST, _POSITIONAL_LIST = range(5)


@dataclass(frozen=True)
class _CellPlan:
    """How the value of one header cell fills a record, decided once per header."""

    original: str
    field: str
    kind: int
    head: tuple[str, ...]
    tail: tuple[str, ...] | None
    lang: str | None
    position: int | None


@dataclass(frozen=True)
class _RowPlan:
    """Every header cell's plan (``None``: the cell is not read) and the roots of the
    positional columns (where gaps may leave empty elements)."""

    cells: tuple[_CellPlan | None, ...]
    positional_roots: tuple[str, ...]


def _row_plan(header: list[str], meanings: list[HeaderCell | None], primary: str) -> _RowPlan:
    """The plan of a header: what :func:`_fill` decides for each cell, decided once."""
    cells: list[_CellPlan | None] = []
    roots: dict[str, None] = {}
    for original, meaning in zip(header, meanings, strict=True):
        if meaning is None:
            cells.append(None)
            continue
        col = meaning.column
        if col.datatype == "boolean":
            kind = _BOOLEAN
        elif meaning.position is not None:
            kind = _POSITIONED
        elif not col.multi:
            kind = _SINGLE
        else:
            kind = _POSITIONAL_LIST if col.positional else _LIST
        head, tail = parsed(col.field)
        if col.positional:
            roots[head[0]] = None
        cells.append(_CellPlan(original, col.field, kind, head, tail,
                               (meaning.lang or primary) if col.lang else None,
                               meaning.position))
    return _RowPlan(tuple(cells), tuple(roots))


def _row_to_credential(plan: _RowPlan, row: list[str], ctx: Context) -> MicroCredential | None:
    """The credential of one row (``ctx.record`` names it), or ``None`` when it is reported
    as failed."""
    data: dict[str, Any] = {}
    for cell, raw in zip(plan.cells, row, strict=False):
        if cell is None:
            continue
        value = unneutralise(raw).strip()
        if not value:
            continue
        try:
            _fill(data, cell, value)
        except ValueError as exc:
            _bad(ctx, cell.field, cell.original, str(exc))
            return None
    if plan.positional_roots:
        drop_empty_elements(data, plan.positional_roots)
    try:
        return build(data, record=ctx.record)
    except InputError as exc:
        _bad(ctx, exc.field, _column_of(exc.field), exc.message)
        return None


def _fill(data: dict[str, Any], cell: _CellPlan, value: str) -> None:
    kind, head, tail = cell.kind, cell.head, cell.tail
    if kind == _BOOLEAN:
        set_parsed(data, head, tail, parse_bool(value))
    elif kind == _POSITIONED:  # numbered column: one item at a fixed position
        set_parsed(data, head, tail, value, cell.position, cell.lang)
    elif kind == _SINGLE:
        set_parsed(data, head, tail, value, None, cell.lang)
    elif kind == _LIST:
        set_parsed(data, head, tail, [i for i in split_multi(value) if i is not None])
    else:
        for position, item in enumerate(split_multi(value)):
            if item is not None:
                set_parsed(data, head, tail, item, position, cell.lang)


def _column_of(field: str | None) -> str | None:
    """The CSV column that fills a canonical path such as ``awarding_bodies[0].country``."""
    if not field:
        return None
    generic = "".join(
        "[]" if part.startswith("[") else part
        for part in _tokens(field)
    )
    for candidate in (generic, generic.rsplit(".", 1)[0]):
        col = column_for_field().get(candidate)
        if col:
            return col.name
    return None


def _tokens(field: str) -> list[str]:
    out: list[str] = []
    buf = ""
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


def _bad(ctx: Context, field: str | None, column: str | None, message: str) -> None:
    where = f"column {column}: " if column else ""
    ctx.failed(f"{where}{message}", field=field)


def split_rows(stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
    """Self-contained CSV chunks of ``size`` rows, each with the header, and the number of rows
    before it (quoted line breaks stay inside their row). Rows are copied as bytes, so a row
    that is not UTF-8 fails in its chunk as it would in the whole file; a row over the record
    limit is replaced by a row of the same kind (over the limit) and closes its chunk."""
    rows = records(stream, DEFAULT_MAX_RECORD_BYTES)
    header = next(rows, False)
    if isinstance(header, bool):  # no input
        return
    if header is None:  # a header over the limit: the reader of this chunk reports it
        yield _over_limit(), 0
        return
    head = header + b"\r\n"
    chunk: list[bytes] = [head]
    count = offset = 0
    for raw in rows:
        too_large = raw is None
        chunk.append(_over_limit() if raw is None else raw + b"\r\n")
        count += 1
        if count == size or too_large:
            yield b"".join(chunk), offset
            offset += count
            count = 0
            chunk = [head]
    if count:
        yield b"".join(chunk), offset


def _over_limit() -> bytes:
    """A row that stands, in a chunk, for a row over the record limit: the reader fails it
    with the same message and number (the original's bytes were never held)."""
    return b"x" * (DEFAULT_MAX_RECORD_BYTES + 1) + b"\r\n"
