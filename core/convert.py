"""The public API: read, write and convert credentials, streaming (built on the batch engine).

>>> import credbridge
>>> result = credbridge.convert("fixtures/csv/two-credentials.csv", to="canonical")
>>> result.report.records_written
2
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .batch import (
    Batch,
    BatchResult,
    InputLike,
    MaxBytes,
    OutputLike,
    Session,
    atomic_output,
    bare_items,
    detect_format,
    read_items,
    run,
    write_items,
)
from .errors import StrictModeError
from .formats import Format
from .model import MicroCredential
from .options import OptionsInput, resolve_options
from .plugin_manager import get_formats
from .report import Report
from .safety import LIMITS_KEY, Limits, with_limits

LimitsInput = Limits | Mapping[str, int | float] | None
"""Budgets as a :class:`~credbridge.safety.Limits` or a ``{name: N}`` mapping."""

Source = InputLike
Destination = OutputLike
ConversionResult = BatchResult
"""What :func:`convert` returns: ``output`` (bytes when no destination was given), ``report``,
``source_format``, ``target_format``, ``credentials`` and ``exit_code``."""

__all__ = ["ConversionResult", "atomic_output", "convert", "detect", "read", "write"]


def detect(source: Source) -> Format:
    """The format of ``source`` (by extension, else by content)."""
    return detect_format(source)


def read(
    source: Source,
    *,
    from_format: str | None = None,
    report: Report | None = None,
    options: OptionsInput = None,
    max_bytes: MaxBytes = "default",
    documents: Sequence[str | os.PathLike[str]] = (),
    limits: LimitsInput = None,
) -> Iterator[MicroCredential]:
    """Yield the credentials in ``source`` (a path, ``"-"``, bytes or a binary stream).

    Records that cannot be read are reported (``invalid-record``) in ``report`` and skipped; a
    document that cannot be read at all raises :class:`~credbridge.errors.InputError`.
    Streamed formats (CSV, JSON Lines) are read lazily: memory stays flat whatever the number
    of records. ``max_bytes`` limits the input size (default: 64 MiB for one-document formats,
    none for streamed ones; ``None`` for no limit). ``options`` are the reader's typed options
    (``{"text_lang": "fr"}``); an unknown one raises :class:`~credbridge.errors.UsageError`.
    ``documents`` are files given together with ``source`` that complete it (the BadgeClass and
    issuer an OB 2.0 assertion names by URL): read from disk, never fetched. ``limits`` are
    the budgets for untrusted input (a :class:`~credbridge.safety.Limits`, or a mapping such as
    ``{"nodes": 50_000, "seconds": 2}``; docs/security.md).
    """
    registry = get_formats()
    fmt = registry.get(from_format, need="read") if from_format else detect_format(source) \
        if not _is_stream(source) else None
    formats = [fmt] if fmt else [f for f in registry if f.can_read]
    session = Session(resolve_options(formats, options),
                      report=report if report is not None else Report(), max_bytes=max_bytes,
                      documents=_together(source, documents))
    if limits is not None:
        session.scratch[LIMITS_KEY] = as_limits(limits)
    for item in read_items(source, fmt, session):
        yield item.credential


def as_limits(limits: Limits | Mapping[str, int | float]) -> Limits:
    """``limits`` as a :class:`~credbridge.safety.Limits` (a mapping changes the defaults);
    a bad name or value is a :class:`~credbridge.errors.UsageError`."""
    return limits if isinstance(limits, Limits) else with_limits(dict(limits))


def _together(source: Source, documents: Sequence[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The documents of a read: the source (when it is a file) and those given with it."""
    own = (os.fspath(source),) if isinstance(source, str | os.PathLike) \
        and os.fspath(source) != "-" else ()
    return own + tuple(os.fspath(d) for d in documents if os.fspath(d) not in own)


def _is_stream(source: Source) -> bool:
    return not isinstance(source, bytes | str | os.PathLike) or os.fspath(source) == "-"


def write(
    credentials: Iterable[MicroCredential],
    destination: Destination,
    *,
    to: str,
    report: Report | None = None,
    options: OptionsInput = None,
) -> bytes | None:
    """Write credentials in format ``to`` to a path, ``"-"``, a binary stream, or (``None``)
    return the bytes. Every field the format cannot carry is reported in ``report``."""
    fmt = get_formats().get(to, need="write")
    session = Session(resolve_options([fmt], options),
                      report=report if report is not None else Report())
    items = bare_items(credentials)
    if destination is None:
        buffer = io.BytesIO()
        write_items(items, buffer, fmt, session)
        return buffer.getvalue()
    if isinstance(destination, str | os.PathLike):
        path = os.fspath(destination)
        if path == "-":
            write_items(items, sys.stdout.buffer, fmt, session)
            sys.stdout.buffer.flush()
            return None
        with atomic_output(Path(path)) as out:
            write_items(items, out, fmt, session, destination=path)
        return None
    write_items(items, destination, fmt, session)
    return None


def convert(
    source: Source,
    *,
    to: str,
    destination: Destination = None,
    from_format: str | None = None,
    options: OptionsInput = None,
    strict: bool = False,
    max_bytes: MaxBytes = "default",
    limits: LimitsInput = None,
) -> ConversionResult:
    """Convert ``source`` to format ``to``; returns the output (when ``destination`` is
    ``None``) and the report. ``options`` hold the typed options of the reader and the writer
    (per format, ``{"ob3": {"omit_learner": "all"}}``, or flat); an unknown or mistyped one
    raises :class:`~credbridge.errors.UsageError`. ``strict`` raises
    :class:`StrictModeError` when anything was dropped (the output is still written: the report
    says what is missing from it). ``limits`` are the budgets for untrusted input (as for
    :func:`read`). For many inputs, directories and failure policies use
    :func:`credbridge.batch.run`."""
    result = run(Batch([source], to=to, output=destination, from_format=from_format,
                       options=options, max_bytes=max_bytes,
                       limits=None if limits is None else as_limits(limits)))
    if strict and result.report.has_losses:
        raise StrictModeError(
            f"strict mode: {result.report.counts().get('dropped', 0)} element(s) were dropped",
            file=source if isinstance(source, str) else None,
        )
    return result
