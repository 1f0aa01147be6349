"""The per-call context a format reads or writes with (the format contract, docs/design.md §3).

One :class:`Context` is made by the core for each ``Format.read`` and each ``Format.write``
call and never shared between them. It holds everything a format may know about the call:

- ``options``: the format's own typed options (an instance of ``Format.Options``, frozen);
- ``source``: the input document (its name, its format and, for one-document inputs, its bytes,
  so that a writer can embed the source without re-opening a file);
- the position: ``file`` and ``record``, the one place where "where are we" lives;
- ``say``: the only way a format reports what happened (dropped, approximated, defaulted...);
- ``failed``: a record that could not be converted (reported, and the batch goes on).

The :class:`~credbridge.report.Report` behind it keeps only messages and counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .report import Code, Message, Report, Severity

if TYPE_CHECKING:
    from .options import FormatOptions


@dataclass(frozen=True)
class Source:
    """One input document as the core read it.

    ``data`` holds the document's bytes for one-document formats (JSON, XML: read whole, within
    the size limit); it is ``None`` for streamed formats (CSV, JSON Lines), whose records are
    not kept. ``name`` is the path or label given by the caller (``None`` for anonymous bytes).
    """

    name: str | None
    format: str
    data: bytes | None = None


@dataclass(frozen=True)
class Policy:
    """What the caller of a batch asks of every format in it, beyond each format's options
    (docs/design.md §3): picklable, so ``--jobs`` workers get the same."""

    strict: bool = False
    """Writers refuse (a failed record) rather than write a documented default for a
    property the target requires and the source lacks (``--strict``)."""
    strict_input: bool = False
    """Readers turn what a schema forbids from a warning naming the rule into a failed
    record (``--strict-input``)."""
    text_lang: str | None = None
    """The BCP 47 tag writers give texts whose language is unknown when the target needs one
    (``--text-lang``); ``None``: the credential's language of instruction, else ``en``.
    Every re-tagged field is reported."""


@dataclass
class Context:
    """What one ``read`` or ``write`` call of a format knows and how it reports.

    Made by the core; a format reads ``options``, ``source``, ``documents``, ``json_lines`` and
    ``destination``, sets ``record`` as it moves through records (readers), and calls
    :meth:`say` and :meth:`failed`. It never writes into ``options`` (they are frozen).
    """

    format: str
    """The name of the format this call reads or writes (put on every message)."""
    options: FormatOptions
    report: Report = field(default_factory=Report)
    source: Source | None = None
    """The input being read, or (when writing) the input the current credential came from."""
    file: str | None = None
    """The input file messages are about (``None`` for bytes and streams without a name)."""
    record: str | int | None = None
    """The current record: a position (``3``), an id, or a label the format chose (``row 3``)."""
    documents: tuple[str, ...] = ()
    """Paths of all the inputs given together in this batch (an OB 2.0 assertion and the
    BadgeClass it names complete each other); read them, never fetch anything."""
    json_lines: bool = False
    """Writing: several credentials go to this stream as JSON Lines even if this call gets
    only one (a chunk of a ``--jobs`` batch)."""
    record_offset: int = 0
    """Reading: how many records came before this input (a chunk of a split batch)."""
    destination: str | None = None
    """Writing: the path of the output file when there is one (for side files such as CSVW
    metadata), else ``None``."""
    scratch: dict[Any, Any] = field(default_factory=dict)
    """Per-batch working storage owned by the core (one dict for the whole batch, never the
    caller's): a format may keep derived data here, e.g. an index of ``documents``."""
    policy: Policy = field(default_factory=Policy)
    """The batch's strictness and text-language rule (:class:`Policy`)."""

    def say(
        self,
        code: Code | str,
        field: str | None = None,
        detail: str = "",
        *,
        record: str | int | None = None,
        severity: Severity | str | None = None,
    ) -> Message:
        """Report what happened to ``field`` (a canonical path, or ``None`` for the document):
        ``ctx.say(Code.DROPPED, "levels.nqf", "the format has no NQF")``. The message carries
        this call's format, file and record (or ``record`` when given)."""
        return self.report.add(
            code, detail, field=field, format=self.format,
            record=record if record is not None else self.record,
            severity=severity, file=self.file,
        )

    def failed(
        self, detail: str, *, field: str | None = None, record: str | int | None = None
    ) -> Message:
        """A record that cannot be converted: reported as ``invalid-record`` (an error) and
        counted; the caller skips it and goes on with the next one."""
        self.report.records_failed += 1
        return self.say(Code.INVALID_RECORD, field, detail, record=record)

    @contextmanager
    def at(self, record: str | int | None) -> Iterator[Context]:
        """Set ``record`` for the duration of a block (restored after it)."""
        previous = self.record
        self.record = record
        try:
            yield self
        finally:
            self.record = previous
