"""The public API: read, write and convert credentials, streaming.

>>> import credbridge
>>> result = credbridge.convert("fixtures/csv/two-credentials.csv", to="canonical")
>>> result.report.records_written
2
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .coverage import declared_prefixes, record_label, report_coverage
from .errors import CredbridgeError, InputError, StrictModeError, UsageError
from .formats import SNIFF_BYTES, Format
from .model import MicroCredential
from .options import Options
from .plugin_manager import get_formats
from .report import Report
from .safety import DEFAULT_MAX_BYTES, LimitedReader, PrefixedReader

Source = str | os.PathLike[str] | bytes | IO[bytes]
Destination = str | os.PathLike[str] | IO[bytes] | None


@dataclass
class ConversionResult:
    """What :func:`convert` returns: the output (bytes when no destination was given) and the
    report of everything that was dropped, approximated or failed."""

    output: bytes | None
    report: Report
    source_format: str | None = None
    target_format: str | None = None
    credentials: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.report.has_errors


def _source_name(source: Source) -> str | None:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    if isinstance(source, bytes):
        return None
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def detect(source: Source) -> Format:
    """The format of ``source`` (by extension, else by content)."""
    with ExitStack() as stack:
        stream = _open_source(source, stack)
        head = stream.read(SNIFF_BYTES)
        return get_formats().detect(head, _source_name(source))


def _open_source(source: Source, stack: ExitStack) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return sys.stdin.buffer
        try:
            return stack.enter_context(open(path, "rb"))
        except FileNotFoundError:
            raise InputError("no such file", file=path) from None
        except IsADirectoryError:
            raise InputError("is a directory (convert takes the files in it)", file=path) \
                from None
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    return source


def read(
    source: Source,
    *,
    from_format: str | None = None,
    report: Report | None = None,
    options: Options | dict[str, Any] | None = None,
    max_bytes: int | str | None = "default",
) -> Iterator[MicroCredential]:
    """Yield the credentials in ``source`` (a path, ``"-"``, bytes or a binary stream).

    Records that cannot be read are reported (``invalid-record``) and skipped; a document that
    cannot be read at all raises :class:`~credbridge.errors.InputError`. Streamed formats (CSV,
    JSON Lines) are read lazily: memory stays flat whatever the number of records.
    ``max_bytes`` limits the input size (default: 64 MiB for one-document formats, none for
    streamed ones; ``None`` for no limit).
    """
    report = report if report is not None else Report()
    opts = Options.of(options)
    name = _source_name(source)
    with ExitStack() as stack:
        raw = _open_source(source, stack)
        head = raw.read(SNIFF_BYTES)
        registry = get_formats()
        fmt = registry.get(from_format, need="read") if from_format else \
            registry.detect(head, name)
        limit = (None if fmt.many else DEFAULT_MAX_BYTES) if max_bytes == "default" else max_bytes
        replay: IO[bytes] = PrefixedReader(head, raw)  # type: ignore[assignment]
        stream: IO[bytes] = io.BufferedReader(
            LimitedReader(replay, limit if isinstance(limit, int) else None, name,
                          report.progress)
        )
        previous_file = report.file
        report.file = name
        report.source_format = fmt.name
        try:
            for cred in fmt.read(stream, report, opts):
                report.records_read += 1
                yield cred
        except CredbridgeError as exc:
            raise exc.with_context(file=name) from None
        finally:
            report.file = previous_file


def _checked(
    credentials: Iterable[MicroCredential], fmt: Format, report: Report
) -> Iterator[MicroCredential]:
    """Report coverage of each credential before the writer sees it; count what is written."""
    prefixes = declared_prefixes(fmt.fields)
    for position, cred in enumerate(credentials, start=1):
        label = record_label(cred, position)
        report.record = label
        report_coverage(cred, fmt.name, fmt.fields, report, record=label, prefixes=prefixes)
        yield cred
        report.records_written += 1
    report.record = None


def write(
    credentials: Iterable[MicroCredential],
    destination: Destination,
    *,
    to: str,
    report: Report | None = None,
    options: Options | dict[str, Any] | None = None,
) -> bytes | None:
    """Write credentials in format ``to`` to a path, ``"-"``, a binary stream, or (``None``)
    return the bytes. Every field the format cannot carry is reported."""
    report = report if report is not None else Report()
    fmt = get_formats().get(to, need="write")
    opts = Options.of(options)
    if destination is None:
        buffer = io.BytesIO()
        fmt.write(_checked(credentials, fmt, report), buffer, report, opts)
        return buffer.getvalue()
    if isinstance(destination, str | os.PathLike):
        path = os.fspath(destination)
        if path == "-":
            fmt.write(_checked(credentials, fmt, report), sys.stdout.buffer, report, opts)
            sys.stdout.buffer.flush()
            return None
        _write_atomically(Path(path), fmt, credentials, report, opts)
        return None
    fmt.write(_checked(credentials, fmt, report), destination, report, opts)
    return None


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only when the block completes: written to a
    temporary file beside it and renamed, so an interrupted run never leaves a truncated file
    that looks complete."""
    if path.parent and not path.parent.exists():
        raise UsageError(f"output directory {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.credbridge-tmp")
    try:
        with open(tmp, "wb") as out:
            yield out
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_atomically(
    path: Path, fmt: Format, credentials: Iterable[MicroCredential], report: Report,
    opts: Options,
) -> None:
    with atomic_output(path) as out:
        fmt.write(_checked(credentials, fmt, report), out, report, opts)


def convert(
    source: Source,
    *,
    to: str,
    destination: Destination = None,
    from_format: str | None = None,
    options: Options | dict[str, Any] | None = None,
    strict: bool = False,
    max_bytes: int | str | None = "default",
) -> ConversionResult:
    """Convert ``source`` to format ``to``; returns the output (when ``destination`` is
    ``None``) and the report. ``strict`` raises :class:`StrictModeError` when anything was
    dropped (the output is still written: the report says what is missing from it)."""
    report = Report()
    opts = Options.of(options)
    counter = _Counter(read(source, from_format=from_format, report=report, options=opts,
                            max_bytes=max_bytes))
    output = write(counter, destination, to=to, report=report, options=opts)
    result = ConversionResult(output, report, report.source_format, to, counter.n)
    if strict and report.has_losses:
        raise StrictModeError(
            f"strict mode: {report.counts().get('dropped', 0)} element(s) were dropped",
            file=_source_name(source),
        )
    return result


class _Counter:
    """Counts the credentials that pass through an iterator."""

    def __init__(self, items: Iterable[MicroCredential]) -> None:
        self._items = iter(items)
        self.n = 0

    def __iter__(self) -> Iterator[MicroCredential]:
        for item in self._items:
            self.n += 1
            yield item
