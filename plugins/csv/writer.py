"""Writing canonical credentials as CSV rows (RFC 4180, UTF-8, CRLF), streamed.

The header is chosen from the first :data:`HEADER_WINDOW` credentials (the standard columns they
use, plus ``<column>.<lang>`` for extra languages); a later credential with a value no header
column can hold gets a ``dropped`` message rather than a silently missing cell.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from credbridge.errors import UsageError
from credbridge.model import MicroCredential
from credbridge.outputs import write_file
from credbridge.report import Code

from .cells import join_multi, neutralise
from .columns import Column, standard_columns
from .csvw import csvw_metadata
from .paths import get_below, parsed

if TYPE_CHECKING:
    from credbridge.context import Context

    from .options import CsvOptions

HEADER_WINDOW = 1000


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cells(col: Column, value: Any, primary: str) -> dict[str | None, str]:
    """The cells one column needs for one record, whose value at the column's path
    (:func:`.paths.get_value`) is ``value``: ``{None: plain, "fr": ..., ...}``."""
    if value is None:
        return {}
    if isinstance(value, list):
        if all(v is None or v == {} for v in value):
            return {}
        if not col.lang:
            return {None: join_multi([None if v is None else _text(v) for v in value])}
        return _element_texts(value, primary)
    if value == {}:
        return {}
    if not col.lang:
        return {None: value if type(value) is str else _text(value)}
    # one multilingual text: a cell per language, the plain column for ``primary``
    return {None if lang == primary else lang: str(text) for lang, text in value.items()}


def _element_texts(texts: list[Any], primary: str) -> dict[str | None, str]:
    """The cells of a multilingual text per element (positional): one per language, its
    items in element order (a gap where an element has no text in that language)."""
    langs: list[str] = []
    for t in texts:
        for lang in t or {}:
            if lang not in langs:
                langs.append(lang)
    out: dict[str | None, str] = {}
    for lang in langs:
        out[None if lang == primary else lang] = join_multi([(t or {}).get(lang) for t in texts])
    return out


_Getter = tuple[Column, tuple[str, ...], tuple[str, ...] | None, bool]


@cache
def _columns_by_root() -> dict[str, tuple[_Getter, ...]]:
    """Columns grouped by the top-level canonical field they read, each with its path below
    that field (:func:`.paths.parsed`, the root part left out) and whether that path is
    empty (the column reads the root's own value)."""
    groups: dict[str, list[_Getter]] = {}
    for col in standard_columns():
        head, tail = parsed(col.field)
        below = head[1:]
        groups.setdefault(head[0], []).append((col, below, tail, not below and tail is None))
    return {k: tuple(v) for k, v in groups.items()}


_Cells = list[tuple[Column, str | None, str]]


def _record_cells(record: dict[str, Any], primary: str) -> _Cells:
    """Every non-empty cell of a record: (column, language or None, text)."""
    out: _Cells = []
    groups = _columns_by_root()
    for key, top in record.items():
        for col, below, tail, at_root in groups.get(key, ()):
            # get_value(record, col.field), walked from the record's own value of the root
            value = top if at_root else get_below(top, below, tail)
            if value is None:
                continue
            if type(value) is str and not col.lang:  # the common cell: _cells' answer
                out.append((col, None, value))
                continue
            for lang, cell in _cells(col, value, primary).items():
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


def header_name(col: Column, lang: str | None) -> str:
    """The header text of a column (``title``, ``title.fr``)."""
    return col.name if lang is None else f"{col.name}.{lang}"


def write_rows(
    credentials: Iterable[MicroCredential],
    stream: IO[bytes],
    ctx: Context,
    options: CsvOptions,
) -> None:
    """Write one row per credential; report values no header column can hold.

    Texts in ``options.text_lang`` (default ``und``) go to plain columns (``title``), others
    to ``title.<lang>``. With ``options.csvw`` the CSVW metadata is written to
    ``ctx.destination + "-metadata.json"``.
    """
    metadata_path = _metadata_path(ctx, options)
    column_map = options.column_map()
    language = options.language
    raw_cells = options.raw_cells
    it = iter(credentials)
    window = [_record_cells(c.to_json_dict(), language)
              for c in itertools.islice(it, HEADER_WINDOW)]
    if not window:
        return
    header = _header_for(window)
    names = [header_name(c, lang) for c, lang in header]
    reverse = {v: k for k, v in (column_map or {}).items()}
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([reverse.get(n, n) for n in names])
    positions = {(c.name, lang): i for i, (c, lang) in enumerate(header)}

    def rest() -> Iterator[_Cells]:
        yield from window
        for cred in it:
            yield _record_cells(cred.to_json_dict(), language)

    for cells in rest():
        row = [""] * len(header)
        for col, lang, cell in cells:
            index = positions.get((col.name, lang))
            if index is None:
                # only a credential after the header window can get here, and the core has
                # just set ctx.record to it
                ctx.say(Code.DROPPED, col.field,
                        f"no column {header_name(col, lang)} in the header chosen from the "
                        f"first {HEADER_WINDOW} records")
                continue
            row[index] = cell if raw_cells else neutralise(cell)
        writer.writerow(row)
    text.flush()
    text.detach()
    if metadata_path is not None:  # mkstemp and rename: never through a symbolic link
        write_file(metadata_path, (json.dumps(
            csvw_metadata(header, metadata_path.name.removesuffix("-metadata.json")),
            indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def _metadata_path(ctx: Context, options: CsvOptions) -> Path | None:
    """Where the CSVW metadata goes: beside the output file (``None`` without ``csvw``)."""
    if not options.csvw:
        return None
    if ctx.destination is None:
        raise UsageError("csvw needs an output file (-o FILE)")
    return Path(ctx.destination + "-metadata.json")
