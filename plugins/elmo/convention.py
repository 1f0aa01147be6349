"""The credbridge text convention for Diploma Supplement sections (docs/formats/ds.md).

Each section of the 2018 template that holds canonical data is written with a small, stable
text form so that credbridge can read it back: ISO 8601 dates, "EQF level 6", "5 ECTS
credits", "University of Zed (IE)", lists joined with "; ", labelled lines ("Status: passed")
in ``additionalInformation``. :func:`compose` writes the sections of a credential;
:func:`interpret` reads sections back into canonical data and returns the sections it could not
parse, to be kept verbatim.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from credbridge import vocab
from credbridge.errors import VocabularyError
from credbridge.model import MicroCredential, Organisation
from credbridge.report import Code, Report

from .template import NOT_APPLICABLE, TEMPLATE_2018

Path = tuple[str | int, ...]
Values = list[tuple[Path, Any]]


@dataclass
class Section:
    """One DS section as it appears in the XML (sub-sections are kept flat, by number)."""

    number: str
    title: str
    content: str | None = None
    content_type: str | None = None
    info: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    """Serialised ``attachment`` elements (XML text), kept as they were."""

    def is_empty(self) -> bool:
        """True when the section says nothing (no content, or "Not applicable")."""
        return (self.content in (None, "", NOT_APPLICABLE) and not self.info
                and not self.attachments)

    def to_json(self) -> dict[str, Any]:
        """The verbatim form kept in ``extensions`` (no empty values)."""
        out: dict[str, Any] = {"title": self.title}
        if self.content is not None:
            out["content"] = self.content
        if self.content_type:
            out["content_type"] = self.content_type
        if self.info:
            out["additional_information"] = list(self.info)
        if self.attachments:
            out["attachments"] = list(self.attachments)
        return out

    @classmethod
    def from_json(cls, number: str, data: dict[str, Any]) -> Section:
        """The inverse of :meth:`to_json` (tolerant of missing keys)."""
        info = [str(i) for i in data.get("additional_information", [])]
        return cls(number, str(data.get("title", "")), data.get("content"),
                   data.get("content_type"), info, [str(a) for a in data.get("attachments", [])])


# --- writing -------------------------------------------------------------------------------


@dataclass
class _Writer:
    cred: MicroCredential
    lang: str
    report: Report
    fmt: str

    def pick(self, text: dict[str, str] | None, path: str) -> str | None:
        """The text in the DS language (else the first one, reported as approximated)."""
        if not text:
            return None
        if self.lang in text:
            value = text[self.lang]
        elif "und" in text:
            value = text["und"]
        else:
            first = next(iter(text))
            value = text[first]
            self.report.add(Code.APPROXIMATED, f"no {self.lang!r} text: the {first!r} one is "
                            f"written in a {self.lang!r} Diploma Supplement", field=path,
                            format=self.fmt)
            return value
        others = [k for k in text if k not in (self.lang, "und")]
        if others:
            self.report.add(Code.APPROXIMATED, "a Diploma Supplement has one language: "
                            f"{', '.join(others)} text left out", field=path, format=self.fmt)
        return value


def _iso(value: Any) -> str:
    """ISO 8601 text of a date or date-time (UTC written as ``Z``)."""
    return value.isoformat().replace("+00:00", "Z")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _org(w: _Writer, org: Organisation, path: str) -> str:
    name = w.pick(org.name, path + ".name") or org.id or "(no name)"
    return f"{name} ({org.country})" if org.country else name


def _decimal(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _w_1_1(w: _Writer) -> tuple[str | None, list[str]]:
    return (w.cred.learner.family_name if w.cred.learner else None), []


def _w_1_2(w: _Writer) -> tuple[str | None, list[str]]:
    learner = w.cred.learner
    if learner is None:
        return None, []
    if learner.given_name:
        return learner.given_name, []
    if learner.full_name and not learner.family_name:
        w.report.add(Code.APPROXIMATED, "the full name is written as the given name(s)",
                     field="learner.full_name", format=w.fmt)
        return learner.full_name, []
    return None, []


def _w_1_3(w: _Writer) -> tuple[str | None, list[str]]:
    learner = w.cred.learner
    return (_iso(learner.birth_date) if learner and learner.birth_date else None), []


def _w_1_4(w: _Writer) -> tuple[str | None, list[str]]:
    learner = w.cred.learner
    if learner is None:
        return None, []
    items = [f"{i.value} ({i.scheme})" if i.scheme else i.value for i in learner.identifiers]
    if learner.national_id:
        nid = learner.national_id
        items.append(f"{nid.value} (national identifier"
                     + (f" {nid.country})" if nid.country else ")"))
    return ("; ".join(items) or None), []


def _w_2_1(w: _Writer) -> tuple[str | None, list[str]]:
    return w.pick(w.cred.title, "title"), []


def _w_2_2(w: _Writer) -> tuple[str | None, list[str]]:
    items = []
    for code in w.cred.fields_of_study:
        label = vocab.isced_f().label(code)
        items.append(f"{code} {label}" if label else code)
    return ("; ".join(items) or None), []


def _w_2_3(w: _Writer) -> tuple[str | None, list[str]]:
    items = [_org(w, o, "awarding_bodies[]") for o in w.cred.awarding_bodies]
    return ("; ".join(items) or None), []


def _w_2_4(w: _Writer) -> tuple[str | None, list[str]]:
    return (_org(w, w.cred.provider, "provider") if w.cred.provider else None), []


def _w_2_5(w: _Writer) -> tuple[str | None, list[str]]:
    items = []
    for code in w.cred.languages:
        primary = code.split("-")[0]
        label = vocab.languages().label(primary) if vocab.languages().lookup(primary) else None
        items.append(f"{label} ({code})" if label else code)
    return ("; ".join(items) or None), []


def _w_3_1(w: _Writer) -> tuple[str | None, list[str]]:
    levels = w.cred.levels
    if levels is None:
        return None, []
    items = []
    if levels.eqf is not None:
        items.append(f"EQF level {levels.eqf}")
    if levels.qf_ehea:
        items.append(f"QF-EHEA {levels.qf_ehea} cycle")
    for nqf in levels.nqf:
        text = "NQF"
        if nqf.country:
            text += f" ({nqf.country})"
        label = w.pick(nqf.label, "levels.nqf[].label")
        if label:
            text += f" {label}"
        if nqf.uri:
            text += f" <{nqf.uri}>"
        items.append(text)
    if levels.isced_level is not None:
        items.append(f"ISCED 2011 level {levels.isced_level}")
    if levels.sqf:
        items.append(f"SQF level {levels.sqf.level}"
                     + (f", sector {levels.sqf.sector}" if levels.sqf.sector else ""))
    return ("; ".join(items) or None), []


def _w_3_2(w: _Writer) -> tuple[str | None, list[str]]:
    wl = w.cred.workload
    if wl is None:
        return None, []
    items = []
    if wl.ects is not None:
        items.append(f"{_decimal(wl.ects)} ECTS credits")
    for credit in wl.credits:
        if credit.system == "ects" and wl.ects is not None:
            if credit.value != wl.ects:
                w.report.add(Code.APPROXIMATED, "a second ECTS value is left out",
                             field="workload.credits", format=w.fmt)
            continue
        system = credit.system.upper() if credit.system in ("ects", "ecvet") else credit.system
        items.append(f"{_decimal(credit.value)} {system} credits")
    if wl.hours is not None:
        items.append(f"{_decimal(wl.hours)} hours")
    return ("; ".join(items) or None), []


def _w_3_3(w: _Writer) -> tuple[str | None, list[str]]:
    return w.pick(w.cred.access_requirements, "access_requirements"), []


def _w_4_1(w: _Writer) -> tuple[str | None, list[str]]:
    part = w.cred.participation
    if part is None:
        return None, []
    items = [vocab.vocabulary("mode").label(m) if vocab.vocabulary("mode").lookup(m) and
             not m.startswith(("http:", "https:")) else m for m in part.modes]
    if part.setting:
        items.append(vocab.vocabulary("setting").label(part.setting))
    return ("; ".join(items) or None), []


def _w_4_2(w: _Writer) -> tuple[str | None, list[str]]:
    description = w.pick(w.cred.description, "description")
    info = []
    for lo in w.cred.learning_outcomes:
        text = w.pick(lo.text, "learning_outcomes[].text") or ""
        if lo.esco_skill:
            text += f" [{lo.esco_skill}]"
        info.append(text.strip())
    return description, info


LABEL_ASSESSMENT_TYPE = "Assessment type"
LABEL_SUPERVISION = "Supervision and identity verification"
LABEL_ID_CHECKED = "Identity checked"
LABEL_ASSESSED = "Assessment date"
LABEL_DESCRIPTION = "Assessment"


def _w_4_3(w: _Writer) -> tuple[str | None, list[str]]:
    info = []
    assessment = w.cred.assessment
    if assessment is not None:
        description = w.pick(assessment.description, "assessment.description")
        if description:
            info.append(f"{LABEL_DESCRIPTION}: {description}")
        at = vocab.vocabulary("assessment_type")
        for t in assessment.types:
            info.append(f"{LABEL_ASSESSMENT_TYPE}: "
                        + (at.label(t) if at.lookup(t) and ":" not in t else t))
        if assessment.supervision:
            sv = vocab.vocabulary("supervision")
            s = assessment.supervision
            info.append(f"{LABEL_SUPERVISION}: " + (sv.label(s) if sv.lookup(s) and ":" not in s
                                                    else s))
        if assessment.identity_checked is not None:
            info.append(f"{LABEL_ID_CHECKED}: {_yes(assessment.identity_checked)}")
    if w.cred.assessed:
        info.append(f"{LABEL_ASSESSED}: {_iso(w.cred.assessed)}")
    return None, info


def _w_4_4(w: _Writer) -> tuple[str | None, list[str]]:
    grade = w.cred.assessment.grade if w.cred.assessment else None
    scheme = grade.scheme if grade else None
    if scheme is None:
        return None, []
    info = []
    description = w.pick(scheme.description, "assessment.grade.scheme.description")
    if description:
        info.append(f"Description: {description}")
    for label, value in (("Minimum", scheme.min), ("Maximum", scheme.max),
                         ("Pass mark", scheme.pass_)):
        if value:
            info.append(f"{label}: {value}")
    return w.pick(scheme.name, "assessment.grade.scheme.name"), info


def _w_4_5(w: _Writer) -> tuple[str | None, list[str]]:
    grade = w.cred.assessment.grade if w.cred.assessment else None
    if grade is None:
        return None, []
    info = [f"Status: {grade.status}"] if grade.status else []
    return grade.value, info


def _ref(w: _Writer, ref: Any, path: str) -> str:
    title = w.pick(ref.title, path + ".title") or ""
    return (title + (f" <{ref.id}>" if ref.id else "")).strip()


def _w_5_1(w: _Writer) -> tuple[str | None, list[str]]:
    st = w.cred.stackability
    if st is None:
        return None, []
    info = []
    if st.standalone is not None:
        info.append(f"Stand-alone: {_yes(st.standalone)}")
    if st.partial_qualification is not None:
        info.append(f"Partial qualification: {_yes(st.partial_qualification)}")
    info += [f"Stacks into: {_ref(w, r, 'stackability.stacks_into[]')}" for r in st.stacks_into]
    info += [f"Part: {_ref(w, r, 'stackability.parts[]')}" for r in st.parts]
    return w.pick(st.note, "stackability.note"), info


def _w_6_1(w: _Writer) -> tuple[str | None, list[str]]:
    info = []
    if w.cred.id:
        info.append(f"Credential identifier: {w.cred.id}")
    if w.cred.valid_until:
        info.append(f"Valid until: {_iso(w.cred.valid_until)}")
    for qa in w.cred.quality_assurance:
        info.append("Quality assurance: "
                    + (w.pick(qa.description, "quality_assurance[].description") or ""))
        if qa.type:
            info.append(f"Quality assurance type: {qa.type}")
        if qa.body:
            info.append(f"Quality assurance body: {_org(w, qa.body, 'quality_assurance[].body')}")
        if qa.register_entry:
            info.append(f"Quality assurance register entry: {qa.register_entry}")
        if qa.decision:
            info.append(f"Quality assurance decision: {qa.decision}")
        if qa.valid_until:
            info.append(f"Quality assurance valid until: {_iso(qa.valid_until)}")
    return None, [i.strip() for i in info]


def _w_6_2(w: _Writer) -> tuple[str | None, list[str]]:
    fi = w.cred.further_information
    if fi is None:
        return None, []
    return w.pick(fi.text, "further_information.text"), list(fi.links)


def _w_7_1(w: _Writer) -> tuple[str | None, list[str]]:
    return (_iso(w.cred.issued) if w.cred.issued else None), []


WRITERS: dict[str, Callable[[_Writer], tuple[str | None, list[str]]]] = {
    "1.1": _w_1_1, "1.2": _w_1_2, "1.3": _w_1_3, "1.4": _w_1_4,
    "2.1": _w_2_1, "2.2": _w_2_2, "2.3": _w_2_3, "2.4": _w_2_4, "2.5": _w_2_5,
    "3.1": _w_3_1, "3.2": _w_3_2, "3.3": _w_3_3,
    "4.1": _w_4_1, "4.2": _w_4_2, "4.3": _w_4_3, "4.4": _w_4_4, "4.5": _w_4_5,
    "5.1": _w_5_1, "6.1": _w_6_1, "6.2": _w_6_2, "7.1": _w_7_1,
}


def compose(cred: MicroCredential, lang: str, report: Report, fmt: str,
            kept: dict[str, Any] | None = None) -> list[Section]:
    """The sections of the 2018 template for ``cred`` in document order (main sections and
    their sub-sections, flat). Sections with nothing to say read "Not applicable"; a section
    ``kept`` verbatim from the source (number -> :meth:`Section.to_json`) is written as it was."""
    w = _Writer(cred, lang, report, fmt)
    out: list[Section] = []
    for number, title in TEMPLATE_2018:
        writer = WRITERS.get(number)
        if writer is not None:
            content, info = writer(w)
            section = Section(number, title, content, None, info)
            if section.content is None and not section.info:
                section.content = NOT_APPLICABLE
        elif "." in number or number == "8":
            section = Section(number, title, NOT_APPLICABLE)
        else:
            section = Section(number, title)
        out.append(section)
    for number, data in (kept or {}).items():
        verbatim = Section.from_json(number, data)
        for i, s in enumerate(out):
            if s.number == number:
                if not (s.is_empty() or (s.content is None and not s.info)):
                    report.add(Code.NOTE, f"section {number} is written as the source had it; "
                               "the credential's own value for it is carried elsewhere",
                               format=fmt)
                out[i] = verbatim
                break
        else:
            out.append(verbatim)
    return out


# --- reading -------------------------------------------------------------------------------


def _items(content: str | None) -> list[str]:
    return [i.strip() for i in (content or "").split(";") if i.strip()]


def _no_info(info: list[str]) -> None:
    if info:
        raise ValueError("additional information is not part of the credbridge convention here")


def _single(content: str | None, info: list[str], path: Path) -> Values:
    _no_info(info)
    return [(path, content)] if content else []


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
        elif m := re.fullmatch(r"NQF(?: \(([A-Z]{2})\))?(?: (.*?))?(?: <(\S+)>)?", item):
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
    modes, out = [], []
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
            types.append(vocab.vocabulary("assessment_type").lookup(value) or _uri(value))
        elif label == LABEL_SUPERVISION:
            out.append((("assessment", "supervision"),
                        vocab.vocabulary("supervision").lookup(value) or _uri(value)))
        elif label == LABEL_ID_CHECKED:
            out.append((("assessment", "identity_checked"), _bool(value)))
        elif label == LABEL_ASSESSED:
            out.append((("assessed",), _iso(parse_date(value))))
        else:
            raise ValueError(f"unknown label {label!r}")
    if types:
        out.append((("assessment", "types"), types))
    return out


def _uri(value: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value):
        return value
    raise ValueError(f"not a known code or a URI: {value!r}")


def _r_4_4(content: str | None, info: list[str], lang: str) -> Values:
    scheme: dict[str, Any] = {"name": {lang: content}} if content else {}
    keys = {"Description": "description", "Minimum": "min", "Maximum": "max", "Pass mark": "pass"}
    for label, value in _labelled(info):
        if label not in keys:
            raise ValueError(f"unknown label {label!r}")
        scheme[keys[label]] = {lang: value} if label == "Description" else value
    return [(("assessment", "grade", "scheme"), scheme)] if scheme else []


def _r_4_5(content: str | None, info: list[str], lang: str) -> Values:
    out: Values = [(("assessment", "grade", "value"), content)] if content else []
    for label, value in _labelled(info):
        if label != "Status":
            raise ValueError(f"unknown label {label!r}")
        status = vocab.vocabulary("grade_status").lookup(value)
        if not status:
            raise ValueError(f"unknown grade status {value!r}")
        out.append((("assessment", "grade", "status"), status))
    return out


def _parse_ref(text: str, lang: str) -> dict[str, Any]:
    m = re.fullmatch(r"(.*?)\s*(?:<(\S+)>)?", text)
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


_QA_KEYS = {"Quality assurance type": "type", "Quality assurance body": "body",
            "Quality assurance register entry": "register_entry",
            "Quality assurance decision": "decision",
            "Quality assurance valid until": "valid_until"}


def _r_6_1(content: str | None, info: list[str], lang: str) -> Values:
    if content:
        raise ValueError("6.1 content is not part of the credbridge convention")
    out: Values = []
    qas: list[dict[str, Any]] = []
    for label, value in _labelled(info):
        if label == "Credential identifier":
            out.append((("id",), value))
        elif label == "Valid until":
            out.append((("valid_until",), _iso(parse_date(value))))
        elif label == "Quality assurance":
            qas.append({"description": {lang: value}} if value else {})
        elif label in _QA_KEYS:
            if not qas:
                qas.append({})
            key = _QA_KEYS[label]
            qas[-1][key] = _parse_org(value, lang) if key == "body" else value
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
    return [(("issued",), _iso(parse_date(content)))] if content else []


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


# --- merging values into canonical data -----------------------------------------------------


def merge_value(existing: Any, new: Any) -> tuple[Any, bool]:
    """Merge ``new`` into ``existing``: missing parts are filled, equal parts kept; returns
    (merged, conflict) where conflict means some value differed."""
    if existing is None or existing == [] or existing == {}:
        return new, False
    if isinstance(existing, dict) and isinstance(new, dict):
        out = dict(existing)
        for key, value in new.items():
            merged, conflict = merge_value(out.get(key), value)
            if conflict:
                return existing, True
            out[key] = merged
        return out, False
    if isinstance(existing, list) and isinstance(new, list):
        # a format that holds one value (ELMO's iscedCode) gives the head of a longer list
        if len(existing) > len(new):
            return existing, True
        items = []
        for a, b in zip(existing, new[:len(existing)], strict=True):
            merged, conflict = merge_value(a, b)
            if conflict:
                return existing, True
            items.append(merged)
        return items + new[len(existing):], False
    same = " ".join(str(existing).split()) == " ".join(str(new).split())
    return existing, not same


def put(data: dict[str, Any], path: Path, value: Any) -> bool:
    """Merge ``value`` at ``path`` into ``data`` in place; False (and no change) on a conflict."""
    node = data
    for key in path[:-1]:
        node = node.setdefault(str(key), {})
    leaf = str(path[-1])
    merged, conflict = merge_value(node.get(leaf), value)
    if conflict:
        return False
    node[leaf] = merged
    return True


def fits(data: dict[str, Any], values: Values) -> bool:
    """True when every value merges into ``data`` without a conflict (``data`` unchanged)."""
    import copy

    trial = copy.deepcopy(data)
    return all(put(trial, path, value) for path, value in values)
