"""The one exception hierarchy of credbridge.

Every error a user can cause carries enough context (file, record, field) to be printed as one
line; the CLI prints ``str(error)`` and never a traceback.
"""

from __future__ import annotations


class CredbridgeError(Exception):
    """Base of every error credbridge raises on purpose.

    ``exit_code`` is what the command line exits with (docs/cli.md, "Exit codes"): 1 for a
    negative answer (records failed, a failure policy was hit), 2 for an error of the call or
    its input (unknown format or option, missing or unreadable file or document).
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.record = record
        self.field = field

    def with_context(
        self,
        *,
        file: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
    ) -> CredbridgeError:
        """Fill in context the raiser did not know (never overwrites what it did know)."""
        self.file = self.file or file
        self.record = self.record if self.record is not None else record
        self.field = self.field or field
        return self

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.record is not None:
            label = str(self.record)
            named = label.split(" ", 1)[0] in ("row", "line", "header")
            where.append(label if named else f"record {label}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = ": ".join([", ".join(where)]) + ": " if where else ""
        return prefix + self.message


class UsageError(CredbridgeError):
    """The command or call was wrong (unknown option value, missing output directory...)."""

    exit_code = 2


class FormatError(CredbridgeError):
    """A format could not be chosen: unknown name, cannot read/write, unknown or ambiguous input
    (exit code 2)."""


class UnknownFormatError(FormatError):
    """No format matches the name, extension or content."""


class UnknownFormatNameError(UnknownFormatError, UsageError):
    """A format named by the caller (``--to``, ``--from``) does not exist or cannot read/write:
    a usage error (exit 2), not a problem of the data."""


class AmbiguousFormatError(FormatError):
    """Several formats claim the input; the message lists the candidates."""

    def __init__(self, message: str, candidates: list[str], **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.candidates = candidates


class InputError(CredbridgeError):
    """The input is unreadable or invalid (syntax, a bad value, a broken reference); exit code
    2 when it stops the call (a bad record inside a batch is reported instead)."""


class VocabularyError(InputError, ValueError):
    """A code or URI is not in the controlled vocabulary it must come from."""


class LimitExceededError(InputError):
    """The input exceeds a configured safety limit (size, depth, count)."""


class UnsafeInputError(InputError):
    """The input asks for something credbridge never does (entities, DTDs, remote contexts)."""


class StrictModeError(CredbridgeError):
    """``strict`` was asked for and the conversion dropped something (exit code 1)."""

    exit_code = 1


class RecordsFailedError(CredbridgeError):
    """The batch stopped because a record failed (``stop_on_error``; exit code 1)."""

    exit_code = 1


class PluginError(CredbridgeError):
    """A plugin misbehaved (bad hook, bad format object)."""
