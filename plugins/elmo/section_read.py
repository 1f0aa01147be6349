"""Read Diploma Supplement sections back into canonical values, by section number, with the
credbridge text convention (docs/formats/ds.md). Sections whose text does not follow it are
returned to be kept verbatim, never guessed at."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from credbridge import vocab
from credbridge.errors import VocabularyError

from .merge import Path, Values
from .section import (
    ABSOLUTE_URI,
    LABEL_ASSESSED,
    LABEL_ASSESSMENT_TYPE,
    LABEL_DESCRIPTION,
    LABEL_ID_CHECKED,
    LABEL_STATUS,
    LABEL_SUPERVISION,
    QA_BODY_LABELS,
    QA_LABELS,
    SCHEME_LABELS,
    Section,
    iso,
)
from .template import NOT_APPLICABLE


def _items(content: str | None) -> list[str]:
    return [i.strip() for i in (content or "").split(";") if i.strip()]


def _no_info(info: list[str]) -> None:
    if info:
        raise ValueError("additional information is not part of the credbridge convention here")


def parse_date(text: str) -> dt.date | dt.datetime:
    """ISO 8601 date or date-time; also ``dd/mm/yyyy``, ``dd.mm.yyyy`` and "7 September 2018"."""
    t = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for fmt in ("%d %B %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    if "T" in t:
        value = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
        if value.tzinfo is None:
            raise ValueError(f"date-time without time zone: {t!r}")
        return value
    return dt.date.fromisoformat(t)


def _r_1_3(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    if not content:
        return []
    value = parse_date(content)
    if isinstance(value, dt.datetime):
        raise ValueError("a date of birth is a date")
    return [(("learner", "birth_date"), value.isoformat())]


_ITEM_WITH_NOTE = re.compile(r"^(.*?)(?: \(([^()]*)\))?$")


def _r_1_4(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    identifiers, national = [], None
    for item in _items(content):
        m = _ITEM_WITH_NOTE.match(item)
        assert m
        value, note = m.group(1).strip(), m.group(2)
        if note and note.startswith("national identifier"):
            country = note.removeprefix("national identifier").strip() or None
            national = {"value": value, "country": country}
        else:
            identifiers.append({"value": value, "scheme": note} if note else {"value": value})
    out: Values = []
    if identifiers:
        out.append((("learner", "identifiers"), identifiers))
    if national:
        out.append((("learner", "national_id"), national))
    return out


def _r_2_2(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    codes = []
    for item in _items(content):
        m = re.match(r"^(\d{2,4})(?:\s|$)", item)
        if not m:
            raise ValueError(f"not an ISCED-F code: {item!r}")
        codes.append(vocab.isced_f_code(m.group(1)))
    return [(("fields_of_study",), codes)] if codes else []


def _parse_org(item: str, lang: str) -> dict[str, Any]:
    m = re.fullmatch(r"(.*?) \(([A-Z]{2})\)", item)
    if m:
        try:
            return {"name": {lang: m.group(1).strip()}, "country": vocab.country_code(m.group(2))}
        except VocabularyError:
            pass
    return {"name": {lang: item}}


def _legal_id(item: str) -> dict[str, Any]:
    """A legal identifier written "value (XX)" (the country in parentheses when known)."""
    m = re.fullmatch(r"(.*?) \(([A-Z]{2})\)", item)
    if m:
        try:
            return {"value": m.group(1).strip(), "country": vocab.country_code(m.group(2))}
        except VocabularyError:
            pass
    return {"value": item}


def _r_2_3(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    bodies = [_parse_org(i, lang) for i in _items(content)]
    return [(("awarding_bodies",), bodies)] if bodies else []


def _r_2_4(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    return [(("provider",), _parse_org(content, lang))] if content else []


def _r_2_5(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    codes = []
    for item in _items(content):
        m = re.fullmatch(r".*\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)", item)
        codes.append(vocab.language_code(m.group(1) if m else item))
    return [(("languages",), codes)] if codes else []


def _r_3_1(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    out: Values = []
    nqf = []
    for item in _items(content):
        if m := re.fullmatch(r"(?i)EQF(?: level)? ([1-8])", item):
            out.append((("levels", "eqf"), int(m.group(1))))
        elif m := re.fullmatch(r"(?i)QF-EHEA (short|first|second|third)[ -]cycle", item):
            out.append((("levels", "qf_ehea"), m.group(1).lower()))
        elif m := re.fullmatch(r"(?i)ISCED(?: 2011)? level ([0-8])", item):
            out.append((("levels", "isced_level"), int(m.group(1))))
        elif m := re.fullmatch(r"SQF level (\S+?)(?:, sector (.+))?", item):
            sqf = {"level": m.group(1)}
            if m.group(2):
                sqf["sector"] = m.group(2)
            out.append((("levels", "sqf"), sqf))
        elif m := re.fullmatch(r"NQF(?: \(([A-Z]{2})\))?(?: ([^<].*?))?(?: <(\S+)>)?", item):
            level: dict[str, Any] = {}
            if m.group(1):
                level["country"] = m.group(1)
            if m.group(2):
                level["label"] = {lang: m.group(2)}
            if m.group(3):
                level["uri"] = m.group(3)
            nqf.append(level)
        else:
            raise ValueError(f"not a level in the credbridge convention: {item!r}")
    if nqf:
        out.append((("levels", "nqf"), nqf))
    return out


def _number(text: str) -> str:
    try:
        return str(Decimal(text))
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def _r_3_2(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    out: Values = []
    credits = []
    for item in _items(content):
        if m := re.fullmatch(r"(?i)(\d+(?:\.\d+)?) ECTS(?: credits?| points?)?", item):
            out.append((("workload", "ects"), _number(m.group(1))))
        elif m := re.fullmatch(r"(?i)(\d+(?:\.\d+)?) (?:hours|h)", item):
            out.append((("workload", "hours"), _number(m.group(1))))
        elif m := re.fullmatch(r"(\d+(?:\.\d+)?) (\S+) credits?", item):
            credits.append({"system": m.group(2), "value": _number(m.group(1))})
        else:
            raise ValueError(f"not a workload in the credbridge convention: {item!r}")
    if credits:
        out.append((("workload", "credits"), credits))
    return out


def _r_4_1(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    modes: list[str] = []
    out: Values = []
    for item in _items(content):
        mode = vocab.vocabulary("mode").lookup(item)
        setting = vocab.vocabulary("setting").lookup(item)
        if mode:
            modes.append(mode)
        elif setting:
            out.append((("participation", "setting"), setting))
        elif re.match(r"^https?://\S+$", item):
            modes.append(item)
        else:
            raise ValueError(f"not a mode of study or learning setting: {item!r}")
    if modes:
        out.append((("participation", "modes"), modes))
    return out


def _r_4_2(content: str | None, info: list[str], lang: str) -> Values:
    out: Values = [(("description",), {lang: content})] if content else []
    outcomes = []
    for line in info:
        m = re.fullmatch(r"(.*?)(?: \[(https?://\S+)\])?", line.strip(), re.S)
        assert m
        lo: dict[str, Any] = {"text": {lang: m.group(1)}} if m.group(1) else {}
        if m.group(2):
            lo["esco_skill"] = m.group(2)
        outcomes.append(lo)
    if outcomes:
        out.append((("learning_outcomes",), outcomes))
    return out


def _labelled(info: list[str]) -> list[tuple[str, str]]:
    out = []
    for line in info:
        label, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"not a labelled line ('Label: value'): {line!r}")
        out.append((label.strip(), value.strip()))
    return out


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("yes", "true"):
        return True
    if t in ("no", "false"):
        return False
    raise ValueError(f"not yes/no: {text!r}")


def _r_4_3(content: str | None, info: list[str], lang: str) -> Values:
    if content:
        raise ValueError("4.3 content is not part of the credbridge convention")
    out: Values = []
    types = []
    for label, value in _labelled(info):
        if label == LABEL_DESCRIPTION:
            out.append((("assessment", "description"), {lang: value}))
        elif label == LABEL_ASSESSMENT_TYPE:
            named = re.fullmatch(r".*?\s*<(\S+)>", value, re.DOTALL)  # "label <uri>"
            types.append(vocab.vocabulary("assessment_type").lookup(value)
                         or _uri(named.group(1) if named else value))
        elif label == LABEL_SUPERVISION:
            out.append((("assessment", "supervision"),
                        vocab.vocabulary("supervision").lookup(value) or _uri(value)))
        elif label == LABEL_ID_CHECKED:
            out.append((("assessment", "identity_checked"), _bool(value)))
        elif label == LABEL_ASSESSED:
            out.append((("assessed",), iso(parse_date(value))))
        else:
            raise ValueError(f"unknown label {label!r}")
    if types:
        out.append((("assessment", "types"), types))
    return out


def _uri(value: str) -> str:
    if ABSOLUTE_URI.fullmatch(value):
        return value
    raise ValueError(f"not a known code or a URI: {value!r}")


def _r_4_4(content: str | None, info: list[str], lang: str) -> Values:
    scheme: dict[str, Any] = {"name": {lang: content}} if content else {}
    keys = SCHEME_LABELS
    for label, value in _labelled(info):
        if label not in keys:
            raise ValueError(f"unknown label {label!r}")
        scheme[keys[label]] = {lang: value} if label == "Description" else value
    return [(("assessment", "grade", "scheme"), scheme)] if scheme else []


def _r_4_5(content: str | None, info: list[str], lang: str) -> Values:
    out: Values = [(("assessment", "grade", "value"), content)] if content else []
    for label, value in _labelled(info):
        if label != LABEL_STATUS:
            raise ValueError(f"unknown label {label!r}")
        status = vocab.vocabulary("grade_status").lookup(value)
        if not status and ABSOLUTE_URI.fullmatch(value):
            status = value  # a status concept named by URI, as the canonical model allows
        if not status:
            raise ValueError(f"unknown grade status {value!r}")
        out.append((("assessment", "grade", "status"), status))
    return out


def _parse_ref(text: str, lang: str) -> dict[str, Any]:
    m = re.fullmatch(r"(.*?)\s*(?:<(\S+)>)?", text, re.DOTALL)  # a title may span lines
    assert m
    ref: dict[str, Any] = {}
    if m.group(1):
        ref["title"] = {lang: m.group(1)}
    if m.group(2):
        ref["id"] = m.group(2)
    return ref


def _r_5_1(content: str | None, info: list[str], lang: str) -> Values:
    out: Values = [(("stackability", "note"), {lang: content})] if content else []
    into, parts = [], []
    for label, value in _labelled(info):
        if label == "Stand-alone":
            out.append((("stackability", "standalone"), _bool(value)))
        elif label == "Partial qualification":
            out.append((("stackability", "partial_qualification"), _bool(value)))
        elif label == "Stacks into":
            into.append(_parse_ref(value, lang))
        elif label == "Part":
            parts.append(_parse_ref(value, lang))
        else:
            raise ValueError(f"unknown label {label!r}")
    if into:
        out.append((("stackability", "stacks_into"), into))
    if parts:
        out.append((("stackability", "parts"), parts))
    return out


def _r_6_1(content: str | None, info: list[str], lang: str) -> Values:
    if content:
        raise ValueError("6.1 content is not part of the credbridge convention")
    out: Values = []
    qas: list[dict[str, Any]] = []
    for label, value in _labelled(info):
        if label == "Credential identifier":
            out.append((("id",), value))
        elif label == "Valid until":
            out.append((("valid_until",), iso(parse_date(value))))
        elif label == "Quality assurance":
            qas.append({"description": {lang: value}} if value else {})
        elif label in QA_LABELS:
            if not qas:
                qas.append({})
            key = QA_LABELS[label]
            qas[-1][key] = _parse_org(value, lang) if key == "body" else value
        elif label in QA_BODY_LABELS and qas and "body" in qas[-1]:
            key = QA_BODY_LABELS[label]
            qas[-1]["body"][key] = _legal_id(value) if key == "legal_identifier" else value
        else:
            raise ValueError(f"unknown label {label!r}")
    if qas:
        out.append((("quality_assurance",), qas))
    return out


def _r_6_2(content: str | None, info: list[str], lang: str) -> Values:
    fi: dict[str, Any] = {"text": {lang: content}} if content else {}
    links = [i.strip() for i in info]
    for link in links:
        _uri(link)
    if links:
        fi["links"] = links
    return [(("further_information",), fi)] if fi else []


def _r_7_1(content: str | None, info: list[str], lang: str) -> Values:
    _no_info(info)
    return [(("issued",), iso(parse_date(content)))] if content else []


def _simple(path: Path, langtext: bool = False) -> Callable[[str | None, list[str], str], Values]:
    def read(content: str | None, info: list[str], lang: str) -> Values:
        _no_info(info)
        if not content:
            return []
        return [(path, {lang: content} if langtext else content)]
    return read


READERS: dict[str, Callable[[str | None, list[str], str], Values]] = {
    "1.1": _simple(("learner", "family_name")), "1.2": _simple(("learner", "given_name")),
    "1.3": _r_1_3, "1.4": _r_1_4,
    "2.1": _simple(("title",), langtext=True), "2.2": _r_2_2, "2.3": _r_2_3, "2.4": _r_2_4,
    "2.5": _r_2_5,
    "3.1": _r_3_1, "3.2": _r_3_2, "3.3": _simple(("access_requirements",), langtext=True),
    "4.1": _r_4_1, "4.2": _r_4_2, "4.3": _r_4_3, "4.4": _r_4_4, "4.5": _r_4_5,
    "5.1": _r_5_1, "6.1": _r_6_1, "6.2": _r_6_2, "7.1": _r_7_1,
}


@dataclass
class Interpretation:
    """What :func:`interpret` found: canonical values per section, and the sections it keeps
    verbatim with the reason."""

    values: dict[str, Values] = field(default_factory=dict)
    kept: dict[str, tuple[Section, str]] = field(default_factory=dict)


def interpret(sections: list[Section], lang: str) -> Interpretation:
    """Read each section by its number with the credbridge convention. A section that says
    nothing is skipped; a section with no reader, HTML content, attachments or text that does
    not follow the convention is kept verbatim (with the reason)."""
    result = Interpretation()
    for s in sections:
        if s.is_empty():
            continue
        reader = READERS.get(s.number)
        content = None if s.content in (None, "", NOT_APPLICABLE) else s.content
        if reader is None:
            if content is None and not s.info and not s.attachments:
                continue
            result.kept[s.number] = (s, "credbridge has no canonical field for this section")
            continue
        if s.attachments or (s.content_type or "text/plain") != "text/plain":
            result.kept[s.number] = (s, "the section has HTML content or attachments")
            continue
        try:
            result.values[s.number] = reader(content, s.info, lang)
        except (ValueError, VocabularyError) as exc:
            result.kept[s.number] = (s, f"its text does not follow the credbridge convention "
                                        f"({exc})")
    return result
