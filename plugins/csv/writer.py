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
from typing import IO, Any

from credbridge.formats import Format
from credbridge.model import MicroCredential
from credbridge.report import Code, Report

from .cells import join_multi, neutralise
from .columns import Column, standard_columns
from .csvw import csvw_metadata
from .paths import get_value

HEADER_WINDOW = 1000


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cells_of(col: Column, record: dict[str, Any], primary: str) -> dict[str | None, str]:
    """The cells one column needs for one record: ``{None: plain, "fr": ..., ...}``."""
    value = get_value(record, col.field)
    if value is None or value == {} or (
        isinstance(value, list) and all(v is None or v == {} for v in value)
    ):
        return {}
    if not col.lang:
        if isinstance(value, list):
            return {None: join_multi([None if v is None else _text(v) for v in value])}
        return {None: _text(value)}
    # multilingual: a dict per element (positional) or one dict
    texts = value if isinstance(value, list) else [value]
    langs: list[str] = []
    for t in texts:
        for lang in t or {}:
            if lang not in langs:
                langs.append(lang)
    out: dict[str | None, str] = {}
    for lang in langs:
        key = None if lang == primary else lang
        items = [(t or {}).get(lang) for t in texts]
        out[key] = join_multi(items) if isinstance(value, list) else str(items[0])
    return out


@cache
def _columns_by_root() -> dict[str, tuple[Column, ...]]:
    """Columns grouped by the top-level canonical field they read."""
    groups: dict[str, list[Column]] = {}
    for col in standard_columns():
        groups.setdefault(col.field.split(".")[0].removesuffix("[]"), []).append(col)
    return {k: tuple(v) for k, v in groups.items()}


_Cells = list[tuple[Column, str | None, str]]


def _record_cells(record: dict[str, Any], primary: str) -> _Cells:
    """Every non-empty cell of a record: (column, language or None, text)."""
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


def header_name(col: Column, lang: str | None) -> str:
    """The header text of a column (``title``, ``title.fr``)."""
    return col.name if lang is None else f"{col.name}.{lang}"


def write_rows(
    fmt: Format,
    credentials: Iterable[MicroCredential],
    stream: IO[bytes],
    report: Report,
    *,
    raw_cells: bool = False,
    column_map: dict[str, str] | None = None,
    csvw_path: str | None = None,
    text_language: str = "und",
) -> None:
    """Write one row per credential; report values no header column can hold.

    Texts in ``text_language`` go to plain columns (``title``), others to ``title.<lang>``.
    """
    it = iter(credentials)
    window: list[tuple[MicroCredential, _Cells]] = [
        (c, _record_cells(c.to_json_dict(), text_language))
        for c in itertools.islice(it, HEADER_WINDOW)
    ]
    if not window:
        return
    header = _header_for([cells for _, cells in window])
    names = [header_name(c, lang) for c, lang in header]
    reverse = {v: k for k, v in (column_map or {}).items()}
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([reverse.get(n, n) for n in names])
    positions = {(c.name, lang): i for i, (c, lang) in enumerate(header)}

    def rest() -> Iterator[tuple[MicroCredential, _Cells]]:
        yield from window
        for cred in it:
            yield cred, _record_cells(cred.to_json_dict(), text_language)

    for cred, cells in rest():
        row = [""] * len(header)
        for col, lang, cell in cells:
            index = positions.get((col.name, lang))
            if index is None:
                report.add(Code.DROPPED,
                           f"no column {header_name(col, lang)} in the header chosen from the "
                           f"first {HEADER_WINDOW} records", field=col.field, format=fmt.name,
                           record=cred.id)
                continue
            row[index] = cell if raw_cells else neutralise(cell)
        writer.writerow(row)
    text.flush()
    text.detach()
    if csvw_path:
        Path(csvw_path).write_text(
            json.dumps(csvw_metadata(header, Path(csvw_path).name.removesuffix("-metadata.json")),
                       indent=2, ensure_ascii=False) + "\n", "utf-8")
