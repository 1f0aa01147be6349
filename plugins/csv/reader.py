"""Reading CSV rows into canonical credentials, one row per credential."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from credbridge.errors import InputError, LimitExceededError
from credbridge.formats import Format
from credbridge.model import MicroCredential, build
from credbridge.report import Code, Report
from credbridge.safety import DEFAULT_MAX_RECORD_BYTES

from .cells import parse_bool, split_multi, unneutralise
from .columns import HeaderCell, column_for_field, interpret_header
from .paths import drop_empty_elements, set_value


def read_rows(
    fmt: Format,
    stream: IO[bytes],
    report: Report,
    column_map: dict[str, str] | None = None,
    text_language: str = "und",
    record_offset: int = 0,
) -> Iterator[MicroCredential]:
    """Yield one credential per data row; report bad rows (with their row number) and go on.

    Plain multilingual columns (``title``) hold text in ``text_language`` (default ``und``:
    unknown); ``title.fr`` holds French. The ``language`` column is the language of instruction,
    not of the texts, so it is not used to guess.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    csv.field_size_limit(DEFAULT_MAX_RECORD_BYTES)
    rows = csv.reader(text, strict=False)
    try:
        header = next(rows)
    except StopIteration:
        return
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start} of the header)") from None
    header = [h.strip() for h in header]
    mapped = [column_map.get(h, h) if column_map else h for h in header]
    cells_meaning = [interpret_header(h) for h in mapped]
    unknown = [h for h, m in zip(header, cells_meaning, strict=True) if m is None and h]
    known = {m.column.name for m in cells_meaning if m is not None}
    if len(unknown) > len(known) and not known & {"credential_id", "title"}:
        raise InputError(
            f"not a credential table: {len(unknown)} of {len(header)} columns are not credbridge "
            f"columns ({', '.join(unknown[:6])}{', ...' if len(unknown) > 6 else ''}) and there "
            "is no credential_id or title column; map the columns with --columns",
            record="header")
    if unknown:
        report.add(Code.IGNORED_INPUT,
                   f"columns not understood and ignored: {', '.join(unknown)} (map them with "
                   "--columns)", format=fmt.name, record="header")
    _shadowed_plain_columns(fmt, header, cells_meaning, text_language, report)
    if len(set(mapped)) != len(mapped):
        dupes = sorted({h for h in mapped if mapped.count(h) > 1})
        raise InputError(f"duplicate columns in the header: {', '.join(dupes)}", record="header")
    row_no = record_offset  # rows of earlier chunks when a batch is split for --jobs
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            row_no += 1
            if "field larger than field limit" in str(exc):
                raise LimitExceededError(
                    f"a cell is larger than {DEFAULT_MAX_RECORD_BYTES:,} bytes",
                    record=f"row {row_no}") from None
            report.add(Code.INVALID_RECORD, f"unreadable CSV: {exc}", format=fmt.name,
                       record=f"row {row_no}")
            report.records_failed += 1
            continue
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})",
                             record=f"row {row_no + 1}") from None
        row_no += 1
        if not any(c.strip() for c in row):
            continue
        label = f"row {row_no}"
        if len(row) > len(header):
            report.add(Code.INVALID_RECORD,
                       f"the row has {len(row)} cells but the header has {len(header)}",
                       format=fmt.name, record=label)
            report.records_failed += 1
            continue
        cred = _row_to_credential(fmt, header, cells_meaning, row, report, label, text_language)
        if cred is not None:
            yield cred


def _shadowed_plain_columns(fmt: Format, header: list[str],
                            meanings: list[HeaderCell | None], text_language: str,
                            report: Report) -> None:
    """A plain text column (``title``) read as ``text_language`` while ``title.<that
    language>`` is also given: the explicit column wins, and the report says so (the plain
    column would otherwise overwrite it silently)."""
    explicit = {(m.column.name, m.lang, m.position) for m in meanings
                if m is not None and m.lang is not None}
    for i, m in enumerate(meanings):
        if m is not None and m.column.lang and m.lang is None and \
                (m.column.name, text_language, m.position) in explicit:
            report.add(Code.IGNORED_INPUT,
                       f"column {header[i]} is read as language {text_language} (--text-lang) "
                       f"and {m.column.name}.{text_language} is also given: that column wins, "
                       f"{header[i]} is ignored", field=m.column.field, format=fmt.name,
                       record="header")
            meanings[i] = None


def _row_to_credential(
    fmt: Format,
    header: list[str],
    meanings: list[HeaderCell | None],
    row: list[str],
    report: Report,
    label: str,
    primary: str,
) -> MicroCredential | None:
    data: dict[str, Any] = {}
    for original, meaning, raw in zip(header, meanings, row, strict=False):
        if meaning is None:
            continue
        value = unneutralise(raw).strip()
        if not value:
            continue
        col = meaning.column
        try:
            _fill(data, meaning, value, primary)
        except ValueError as exc:
            _bad(fmt, report, label, col.field, original, str(exc))
            return None
    if any(m is not None and m.column.positional for m in meanings):
        drop_empty_elements(data)
    try:
        return build(data, record=label)
    except InputError as exc:
        column = _column_of(exc.field)
        _bad(fmt, report, label, exc.field, column, exc.message)
        return None


def _fill(data: dict[str, Any], meaning: HeaderCell, value: str, primary: str) -> None:
    col = meaning.column
    lang = (meaning.lang or primary) if col.lang else None
    if col.datatype == "boolean":
        set_value(data, col.field, parse_bool(value))
        return
    if meaning.position is not None:  # numbered column: one item at a fixed position
        set_value(data, col.field, value, position=meaning.position, lang=lang)
        return
    if not col.multi:
        set_value(data, col.field, value, lang=lang)
        return
    items = split_multi(value)
    if not col.positional:
        set_value(data, col.field, [i for i in items if i is not None])
        return
    for position, item in enumerate(items):
        if item is not None:
            set_value(data, col.field, item, position=position, lang=lang)


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


def _bad(fmt: Format, report: Report, label: str, field: str | None, column: str | None,
         message: str) -> None:
    where = f"column {column}: " if column else ""
    report.add(Code.INVALID_RECORD, f"{where}{message}", field=field, format=fmt.name,
               record=label)
    report.records_failed += 1


def split_rows(stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
    """Self-contained CSV chunks of ``size`` rows, each with the header, and the number of rows
    before it (quoted newlines stay inside their row)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    csv.field_size_limit(DEFAULT_MAX_RECORD_BYTES)
    rows = csv.reader(text, strict=False)
    try:
        header = next(rows)
    except (StopIteration, UnicodeDecodeError, csv.Error):
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    count = offset = 0
    try:
        for row in rows:
            writer.writerow(row)
            count += 1
            if count == size:
                yield buffer.getvalue().encode("utf-8"), offset
                offset += count
                count = 0
                buffer.seek(0)
                buffer.truncate()
                writer.writerow(header)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"unreadable CSV after row {offset + count}: {exc}") from None
    if count:
        yield buffer.getvalue().encode("utf-8"), offset
