"""The time of writing: what a writer puts where a format requires a date the credential does
not have (OB 3.0 ``validFrom``, ELMO ``generatedDate``, the supplement's issue date).

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention: seconds since 1970, UTC) fixes it,
so the same input and environment give byte-identical outputs; without it, it is now.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError


def source_date() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware UTC date-time, or ``None`` when it is not set.

    A value that is not a whole number of seconds is a :class:`UsageError`."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {value!r}")
    return dt.datetime.fromtimestamp(int(value), dt.UTC)


def now() -> dt.datetime:
    """The time of writing, UTC, whole seconds (``SOURCE_DATE_EPOCH`` when set)."""
    return (source_date() or dt.datetime.now(dt.UTC)).replace(microsecond=0)


def today() -> dt.date:
    """The calendar day of writing, UTC (``SOURCE_DATE_EPOCH`` when set)."""
    return now().date()
