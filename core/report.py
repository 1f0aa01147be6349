"""The conversion report: typed messages for every loss, default and problem (docs/design.md §4)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Code(StrEnum):
    """What happened to an element."""

    DROPPED = "dropped"
    EXTENSION_DROPPED = "extension-dropped"
    """Format-specific data a reader kept in ``extensions`` that the target format cannot
    hold. Reported, but not a canonical element: ``--strict`` does not fail on it
    (``--fail-on extension-dropped`` does)."""
    APPROXIMATED = "approximated"
    DEFAULTED = "defaulted"
    KEPT_AS_EXTENSION = "kept-as-extension"
    IGNORED_INPUT = "ignored-input"
    INVALID_VALUE = "invalid-value"
    INVALID_RECORD = "invalid-record"
    NOTE = "note"
    SCHEMA_RULE = "schema-rule"
    """The input breaks a rule of its format's schema (the detail names the rule); read
    anyway, unless ``--strict-input``."""
    UPGRADED = "upgraded"
    """The input was read through an upgrade step (OB 1.0 -> 1.1 -> 2.0, a pre-release EDC
    context -> edc-ap 3.2 terms); the detail names the step."""
    RETAGGED = "retagged"
    """A text was written with a language its source did not declare (``--text-lang``, the
    language of instruction, or a region subtag the target cannot hold)."""
    PROOF_VERIFIED = "proof-verified"
    """A proof of the input verified offline (``--verify``); the detail names the suite and
    the signer."""
    PROOF_INVALID = "proof-invalid"
    """A proof of the input failed (digest, signature, certificate validity or chain)."""
    PROOF_UNCHECKED = "proof-unchecked"
    """A proof of the input could not be checked: key not available offline, or suite not
    implemented (the detail says which)."""
    STATUS = "status"
    """A status entry of the input looked up in a status list given offline
    (``--status-list``) is revoked, suspended or unknown (a clear one is a note)."""
    SIGNED = "signed"
    """The output was signed (``--sign``): the suite and the signing identity, which is the
    output's issuer."""


class Severity(StrEnum):
    """How much a message matters; ``error`` means a record was not converted."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


DEFAULT_SEVERITY: dict[Code, Severity] = {
    Code.DROPPED: Severity.WARNING,
    Code.EXTENSION_DROPPED: Severity.INFO,
    Code.APPROXIMATED: Severity.WARNING,
    Code.DEFAULTED: Severity.WARNING,
    Code.KEPT_AS_EXTENSION: Severity.INFO,
    Code.IGNORED_INPUT: Severity.WARNING,
    Code.INVALID_VALUE: Severity.WARNING,
    Code.INVALID_RECORD: Severity.ERROR,
    Code.NOTE: Severity.INFO,
    Code.SCHEMA_RULE: Severity.WARNING,
    Code.UPGRADED: Severity.INFO,
    Code.RETAGGED: Severity.WARNING,
    Code.PROOF_VERIFIED: Severity.INFO,
    Code.PROOF_INVALID: Severity.WARNING,
    Code.PROOF_UNCHECKED: Severity.WARNING,
    Code.STATUS: Severity.WARNING,
    Code.SIGNED: Severity.INFO,
}

LOSS_CODES = frozenset({Code.DROPPED})


@dataclass(frozen=True)
class Message:
    """One typed conversion message."""

    code: Code
    severity: Severity
    field: str | None
    format: str | None
    record: str | int | None
    detail: str
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the message (no ``None`` values)."""
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in asdict(self).items()
                if v is not None}

    def __str__(self) -> str:
        where = [w for w in (self.file, _record_label(self.record), self.field) if w]
        loc = ", ".join(where)
        fmt = f"[{self.format}] " if self.format else ""
        return f"{self.severity}: {fmt}{self.code}: {loc + ': ' if loc else ''}{self.detail}"


def _record_label(record: str | int | None) -> str | None:
    """``record 3`` for a position or id; a label a format chose (``row 3``) as it is."""
    if record is None:
        return None
    if isinstance(record, str) and record.split(" ", 1)[0] in ("row", "line", "header"):
        return record
    return f"record {record}"


@dataclass
class Report:
    """The messages and counts of one conversion; returned by the library, printed by the CLI.

    It holds no position: where a message comes from (file, record, format) is given by the
    :class:`~credbridge.context.Context` that made it, so readers and writers never share
    mutable "current record" state.
    """

    messages: list[Message] = field(default_factory=list)
    max_messages: int = 10_000
    """Past this many messages only counts per (severity, code, format, field) are kept, so a
    million-record batch keeps memory flat; ``overflow`` holds those counts."""
    overflow: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    records_read: int = 0
    records_written: int = 0
    records_failed: int = 0

    def add(
        self,
        code: Code | str,
        detail: str,
        *,
        field: str | None = None,
        format: str | None = None,
        record: str | int | None = None,
        severity: Severity | str | None = None,
        file: str | None = None,
    ) -> Message:
        """Append a message; severity defaults by code. Formats call
        :meth:`Context.say <credbridge.context.Context.say>`, which fills in the position."""
        code = Code(code)
        sev = Severity(severity) if severity else DEFAULT_SEVERITY[code]
        msg = Message(code, sev, field, format, record, detail, file)
        self._counts[(str(sev), str(code), format or "", field or "")] += 1
        if len(self.messages) < self.max_messages:
            self.messages.append(msg)
        else:
            self.overflow[(str(sev), str(code), format or "", field or "")] += 1
        return msg

    def __post_init__(self) -> None:
        self._counts: Counter[tuple[str, str, str, str]] = Counter()
        for m in self.messages:
            self._counts[(str(m.severity), str(m.code), m.format or "", m.field or "")] += 1

    def extend(self, other: Report) -> None:
        """Merge another report into this one."""
        for m in other.messages:
            self.add_message(m)
        self.absorb_overflow(other.overflow)
        self.records_read += other.records_read
        self.records_written += other.records_written
        self.records_failed += other.records_failed

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def by_code(self, *codes: Code | str) -> list[Message]:
        """Messages with one of the given codes."""
        wanted = {Code(c) for c in codes}
        return [m for m in self.messages if m.code in wanted]

    @property
    def errors(self) -> list[Message]:
        """Kept messages of severity ``error`` (records that were not converted)."""
        return [m for m in self.messages if m.severity == Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        """True when some record failed."""
        return any(k[0] == Severity.ERROR for k in self._counts)

    @property
    def has_losses(self) -> bool:
        """True when something was dropped (what ``--strict`` fails on)."""
        return any(k[1] in LOSS_CODES for k in self._counts)

    def counts(self) -> dict[str, int]:
        """Number of messages per code, including those past ``max_messages``."""
        out: dict[str, int] = {}
        for (_sev, code, _fmt, _fld), n in self._counts.items():
            out[code] = out.get(code, 0) + n
        return dict(sorted(out.items()))

    def grouped(self) -> list[tuple[tuple[str, str, str, str], int]]:
        """(severity, code, format, field) with the number of messages, most frequent first."""
        return sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def absorb_overflow(self, overflow: Mapping[tuple[str, str, str, str], int]) -> None:
        """Add counts of messages another report kept only as counts."""
        for key, n in overflow.items():
            self.overflow[key] += n
            self._counts[key] += n

    def add_message(self, message: Message) -> None:
        """Append a message made elsewhere (a worker process, a dask partition)."""
        self.add(message.code, message.detail, field=message.field, format=message.format,
                 record=message.record, severity=message.severity, file=message.file)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the whole report."""
        return {
            "records": {
                "read": self.records_read,
                "written": self.records_written,
                "failed": self.records_failed,
            },
            "counts": self.counts(),
            "messages": [m.to_dict() for m in self.messages],
            "omitted": [
                {"severity": k[0], "code": k[1], "format": k[2], "field": k[3], "count": n}
                for k, n in sorted(self.overflow.items())
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as a JSON document."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def summary_lines(self, limit: int = 20) -> list[str]:
        """A short human summary: errors one per line, other messages grouped by element."""
        errors = self.errors
        lines = [str(m) for m in errors[:limit]]
        n_errors = sum(n for k, n in self._counts.items() if k[0] == Severity.ERROR)
        if n_errors > len(lines):
            lines.append(f"... and {n_errors - len(lines)} more errors (see --report)")
        examples: dict[tuple[str, str, str, str], str] = {}
        for m in self.messages:
            examples.setdefault((str(m.severity), str(m.code), m.format or "", m.field or ""),
                                m.detail)
        for key, n in self.grouped():
            sev, code, fmt, fld = key
            if sev == Severity.ERROR:
                continue
            # the coverage check gives one message per record and field; other messages
            # (ignored input of one document) may repeat within a record
            per_record = fld and code in (Code.DROPPED, Code.EXTENSION_DROPPED,
                                          Code.KEPT_AS_EXTENSION)
            times = "" if n == 1 else (f" for {n:,} records" if per_record else f" ({n:,} times)")
            fmt_part = f" [{fmt}]" if fmt else ""
            detail = examples.get(key, "")
            lines.append(f"{sev}: {code}{times}: {fld or '-'}{fmt_part}"
                         + (f" ({detail})" if detail else ""))
        return lines
