"""The calendar day of an EDC date-time: one rule for every format that shows or compares
dates (the Diploma Supplement header, the printable credential)."""

from __future__ import annotations

import datetime as dt


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _cet_offset(utc: dt.datetime) -> int:
    """Hours Central European Time is ahead of UTC at ``utc`` (EU summer time: from 01:00 UTC
    on the last Sunday of March to 01:00 UTC on the last Sunday of October)."""
    start = dt.datetime.combine(_last_sunday(utc.year, 3), dt.time(1), dt.UTC)
    end = dt.datetime.combine(_last_sunday(utc.year, 10), dt.time(1), dt.UTC)
    return 2 if start <= utc < end else 1


def calendar_day(value: dt.date) -> dt.date:
    """The calendar day a date or date-time stands for. A date-time is counted at its own
    offset, except a UTC time that is exactly midnight in Central European Time (23:00Z in
    winter, 22:00Z in summer): the EC's EDC tools store a calendar date that way
    (``validFrom: 2022-12-31T23:00:00Z`` is 1 January 2023), so it is that next day."""
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None or value.utcoffset() != dt.timedelta(0):
        return value.date()
    utc = value.astimezone(dt.UTC)
    local = utc + dt.timedelta(hours=_cet_offset(utc))
    if utc.time() != dt.time(0) and local.time() == dt.time(0):
        return local.date()
    return value.date()
