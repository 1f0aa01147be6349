"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error of the service is one :class:`Problem`: ``type`` (a URI reference to the problem's
page, ``/problems/<name>``, served by the service itself), ``title``, ``status``, ``detail``
(the one line the CLI prints after ``credbridge: error:``) and ``instance`` (the request's
path), and as extension members the fields of the CLI's report: ``exit_code`` (the exit code
of the same call on the command line), ``file``, ``record``, ``field``, ``format``, and
``messages`` (the report's messages, with their codes) or the whole ``report`` when a
conversion ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import (
    AmbiguousFormatError,
    CredbridgeError,
    InputError,
    LimitExceededError,
    RecordsFailedError,
    StrictModeError,
    UnknownFormatError,
    UnknownFormatNameError,
    UnsafeInputError,
    UsageError,
)
from ..report import Code, Severity

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class Kind:
    """One type of problem: its name (the last segment of ``type``), status and title."""

    name: str
    status: int
    title: str
    explanation: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("usage-error", 400, "The request is not a valid call",
         "An unknown format, option or parameter, or a value of the wrong type: the same call "
         "on the command line exits 2. The detail names what is wrong and, when it can, what "
         "was meant."),
    Kind("unknown-format", 415, "The format of the document cannot be told",
         "Neither the file name nor the content says which format the body is in. Name it "
         "with the from parameter."),
    Kind("ambiguous-format", 415, "The document could be in several formats",
         "The content fits several formats (listed in candidates). Name one with the from "
         "parameter."),
    Kind("input-error", 422, "The document cannot be read",
         "The body is not a readable document of its format (syntax, a bad value, a broken "
         "reference). file, record and field say where, as in the CLI's report."),
    Kind("unsafe-input", 422, "The document asks for something credbridge never does",
         "A DTD, an entity, XInclude, a processing instruction or a remote JSON-LD context: "
         "refused, never followed."),
    Kind("limit-exceeded", 422, "The document exceeds a parsing budget",
         "The document is nested too deeply, holds too many items or a value too large: the "
         "same budgets as the command line."),
    Kind("records-failed", 422, "No record could be converted",
         "Every record of the input failed (or the call stopped at the first bad one); "
         "messages lists why, with the CLI report's codes and fields."),
    Kind("failure-policy", 422, "The conversion hit the failure policy of the request",
         "strict, fail_on or fail_if_warnings was asked for and the report holds what they "
         "refuse; report is the whole report. The CLI exits 1 on the same call."),
    Kind("too-large", 413, "The request body is larger than the limit",
         "The body exceeds the service's limit for one document or for a streamed body "
         "(GET /health lists the limits)."),
    Kind("timeout", 503, "The request took longer than the service's time limit",
         "The conversion did not finish within the per-request time limit (GET /health); "
         "split the input or send it as a CSV or JSON Lines stream."),
    Kind("busy", 503, "The service is busy",
         "Every conversion slot is taken and too many requests are waiting; retry after the "
         "number of seconds in Retry-After."),
    Kind("schemas-unavailable", 503, "The service has no official schemas",
         "Validation needs the official schemas, which this service was not given (credbridge "
         "serve --schemas DIR, or credbridge schemas fetch on the server)."),
    Kind("not-found", 404, "No such resource", "The path names no endpoint of the service."),
    Kind("method-not-allowed", 405, "Method not allowed",
         "The endpoint exists but not with this method (the Allow header lists them)."),
    Kind("internal-error", 500, "Internal error",
         "A bug in credbridge: the request did not fail because of what it sent. Please report "
         "it with the request that caused it."),
)}


@dataclass
class Problem(Exception):
    """A problem to answer with; raise it from a handler or build it with :func:`from_error`."""

    kind: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    @property
    def status(self) -> int:
        """The HTTP status of the problem's kind."""
        return KINDS[self.kind].status

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        """The problem details object."""
        kind = KINDS[self.kind]
        body: dict[str, Any] = {"type": f"/problems/{kind.name}", "title": kind.title,
                                "status": kind.status, "detail": self.detail}
        if instance:
            body["instance"] = instance
        body.update({k: v for k, v in self.extra.items() if v is not None})
        return body


def kind_of(exc: CredbridgeError) -> str:
    """The problem kind of a credbridge error (the classes of :mod:`credbridge.errors`)."""
    if isinstance(exc, AmbiguousFormatError):
        return "ambiguous-format"
    if isinstance(exc, UnknownFormatNameError | UsageError):
        return "usage-error"
    if isinstance(exc, UnknownFormatError):
        return "unknown-format"
    if isinstance(exc, UnsafeInputError):
        return "unsafe-input"
    if isinstance(exc, LimitExceededError):
        return "limit-exceeded"
    if isinstance(exc, InputError):
        return "input-error"
    if isinstance(exc, RecordsFailedError):
        return "records-failed"
    if isinstance(exc, StrictModeError):
        return "failure-policy"
    return "usage-error"


def from_error(exc: CredbridgeError, *, format_name: str | None = None) -> Problem:
    """The problem of a credbridge error: its one line as ``detail``, the CLI's exit code, and
    where it happened as the report would say it (one ``invalid-record`` message for an input
    that cannot be read, as a batch reports it)."""
    kind = kind_of(exc)
    extra: dict[str, Any] = {"exit_code": exc.exit_code, "file": exc.file,
                             "record": exc.record, "field": exc.field, "format": format_name}
    if isinstance(exc, AmbiguousFormatError):
        extra["candidates"] = list(exc.candidates)
    if kind in ("input-error", "unsafe-input", "limit-exceeded", "unknown-format",
                "ambiguous-format", "records-failed"):
        message = {"code": str(Code.INVALID_RECORD), "severity": str(Severity.ERROR),
                   "field": exc.field, "format": format_name, "record": exc.record,
                   "detail": exc.message, "file": exc.file}
        extra["messages"] = [{k: v for k, v in message.items() if v is not None}]
    return Problem(kind, str(exc), extra)
