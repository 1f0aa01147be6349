"""XSD values read from a literal's text (``str(literal)``), never from rdflib's Python value.

rdflib may normalise a typed literal's text when it makes it (``PT125H`` becomes ``P5DT5H``,
``…Z`` becomes ``…+00:00``, ``1`` as a boolean becomes ``true``), depending on a process-wide
setting credbridge does not touch. These functions read both spellings the same way, so what
the reader makes of a value does not depend on that setting.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_NUMBER = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(
    rf"^P(?:(\d+)Y)?(?:(\d+)M)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$")


def duration_hours(duration: str) -> Decimal | None:
    """Hours of an ``xsd:duration`` made of days, hours, minutes and seconds (``PT125H`` and
    ``P5DT5H`` are both 125; ``PT0H`` is 0); ``None`` when it has years or months (``P60M``
    is sixty months, not minutes) or is not a duration."""
    text = duration.strip()
    m = _DURATION.match(text)
    if not m or text in ("P", "PT"):
        return None
    years, months = m.group(1), m.group(2)
    if (years and int(years)) or (months and int(months)):
        return None
    days, hours, minutes, seconds = (Decimal(g) if g else Decimal(0) for g in m.groups()[2:])
    total = days * 24 + hours + minutes / 60 + seconds / 3600
    return Decimal(int(total)) if total == total.to_integral() else total.quantize(Decimal("0.01"))


def xsd_boolean(text: str) -> bool | None:
    """An ``xsd:boolean`` (``true``, ``false``, ``1``, ``0``), ``None`` when it is none."""
    value = text.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return None


def datetime_text(text: str) -> str:
    """An ``xsd:dateTime`` in one spelling whatever rdflib made of it: UTC as ``Z``, no
    redundant fraction; text that is not a date-time is returned as it is."""
    stripped = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        return text
    out = parsed.isoformat()
    return out[:-6] + "Z" if out.endswith("+00:00") else out
