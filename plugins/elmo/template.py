"""The sections of the 2018 Diploma Supplement template (UNESCO / Council of Europe / EC).

Sections are matched by number, never by title: titles differ between versions and languages.
"""

from __future__ import annotations

TEMPLATE_2018: tuple[tuple[str, str], ...] = (
    ("1", "Information identifying the holder of the qualification"),
    ("1.1", "Family name(s)"),
    ("1.2", "Given name(s)"),
    ("1.3", "Date of birth"),
    ("1.4", "Student identification number or code"),
    ("2", "Information identifying the qualification"),
    ("2.1", "Name of qualification and (if applicable) title conferred"),
    ("2.2", "Main field(s) of study for the qualification"),
    ("2.3", "Name and status of awarding institution"),
    ("2.4", "Name and status of institution administering studies"),
    ("2.5", "Language(s) of instruction/examination"),
    ("3", "Information on the level and duration of the qualification"),
    ("3.1", "Level of the qualification"),
    ("3.2", "Official duration of programme in credits and/or years"),
    ("3.3", "Access requirement(s)"),
    ("4", "Information on the programme completed and the results obtained"),
    ("4.1", "Mode of study"),
    ("4.2", "Programme learning outcomes"),
    ("4.3", "Programme details, individual credits gained and grades/marks obtained"),
    ("4.4", "Grading system and, if available, grade distribution guidance"),
    ("4.5", "Overall classification of the qualification"),
    ("5", "Information on the function of the qualification"),
    ("5.1", "Access to further study"),
    ("5.2", "Access to a regulated profession"),
    ("6", "Additional information"),
    ("6.1", "Additional information"),
    ("6.2", "Further information sources"),
    ("7", "Certification of the supplement"),
    ("7.1", "Date"),
    ("7.2", "Signature"),
    ("7.3", "Capacity"),
    ("7.4", "Official stamp or seal"),
    ("8", "Information on the national higher education system"),
)
"""(number, English title) in document order; one-part numbers are the eight main sections."""

TITLES = dict(TEMPLATE_2018)

NOT_APPLICABLE = "Not applicable"
"""The content of a section credbridge has nothing to say in (never invented text)."""

VERSION = "2018"


def parent_number(number: str) -> str | None:
    """``"2.3"`` -> ``"2"``; ``"2"`` -> ``None``."""
    return number.rsplit(".", 1)[0] if "." in number else None


def sort_key(number: str) -> tuple[int, ...]:
    """Numeric order of section numbers (``"4.10"`` after ``"4.9"``)."""
    known = _TEMPLATE_KEYS.get(number)
    return known if known is not None else _sort_key(number)


def _sort_key(number: str) -> tuple[int, ...]:
    # ASCII digits only: "²" is a digit to str.isdigit() that int() refuses (DS "7.²")
    return tuple(int(p) if p.isascii() and p.isdigit() and len(p) <= 18 else 0
                 for p in number.split("."))


_TEMPLATE_KEYS = {number: _sort_key(number) for number, _ in TEMPLATE_2018}
"""The order of the template's own numbers, computed once (every supplement sorts them)."""
