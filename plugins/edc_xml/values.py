"""Value conversions shared by the EDC XML reader and writer: dates, durations, decimals."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration_hours(text: str) -> tuple[Decimal, bool] | None:
    """Hours of an ``xs:duration`` (``PT60H`` -> 60) and whether that is exact.

    Days count as 24 hours (inexact: a "day" of study is rarely 24 hours); months and years
    cannot be turned into hours and give ``None``."""
    m = _DURATION.match(text.strip())
    if not m or not any(m.groupdict().values()):
        return None
    parts = {k: Decimal(v) if v else Decimal(0) for k, v in m.groupdict().items()}
    hours = parts["d"] * 24 + parts["h"] + parts["m"] / 60 + parts["s"] / 3600
    return hours.normalize(), not parts["d"]


def hours_duration(hours: Decimal) -> str:
    """An ``xs:duration`` for a number of hours (``PT60H``, ``PT1H30M``): XSD allows a
    fraction only on seconds."""
    seconds = int((hours * 3600).to_integral_value())
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    out = "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{s}S" if s else "")
    return out if out != "PT" else "PT0H"


def parse_datetime(text: str) -> dt.date | dt.datetime | None:
    """An ``xs:dateTime``/``xs:date`` as the canonical model wants it: a timezone-aware
    date-time, or a date when the value has no time zone and no time of day."""
    v = text.strip()
    if not v:
        return None
    if "T" not in v:
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    try:
        parsed = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        if parsed.time() == dt.time(0, 0):
            return parsed.date()
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


def format_datetime(value: dt.date | dt.datetime | str) -> str:
    """The ``xs:dateTime`` lexical form of a canonical date or date-time.

    A date becomes local midnight without a zone (``2024-06-30T00:00:00``), which reads back as
    the same date."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value \
            else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00"


def parse_decimal(text: str | None) -> Decimal | None:
    """A decimal from element text, ``None`` when empty or not a number."""
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def decimal_text(value: Decimal | str) -> str:
    """A decimal without exponent or useless trailing zeros (``5``, ``2.5``)."""
    return format(Decimal(str(value)).normalize(), "f")
