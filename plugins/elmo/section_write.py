"""Write the sections of the 2018 Diploma Supplement template from a canonical credential, in
the credbridge text convention (docs/formats/ds.md): ISO 8601 dates, "EQF level 6", "5 ECTS
credits", "University of Zed (IE)", lists joined with "; ", labelled lines ("Status: passed")
in ``additionalInformation``. Sections with nothing to say read "Not applicable".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from credbridge import vocab
from credbridge.context import Context
from credbridge.model import MicroCredential, Organisation
from credbridge.report import Code

from .section import (
    ABSOLUTE_URI,
    LABEL_ASSESSED,
    LABEL_ASSESSMENT_TYPE,
    LABEL_DESCRIPTION,
    LABEL_ID_CHECKED,
    LABEL_SUPERVISION,
    QA_BODY_LABELS,
    Section,
    iso,
)
from .template import NOT_APPLICABLE, TEMPLATE_2018


@dataclass
class _Writer:
    cred: MicroCredential
    lang: str
    ctx: Context
    clerk: bool = False
    """Writing for a person (the HTML page): sealing facts are shown, unknown is said."""
    picked: list[tuple[str, str]] = field(default_factory=list)
    """(field, text) of each text :meth:`pick` chose for the section being written."""

    def concept_label(self, uri: str) -> str | None:
        """The label the source gave a concept it names by URI (the ELM reader keeps concept
        labels under ``elm:concepts``), in the DS language if it has one."""
        concepts = self.cred.extensions.get("elm:concepts")
        entry = concepts.get(uri) if isinstance(concepts, dict) else None
        label = entry.get("label") if isinstance(entry, dict) else None
        if not isinstance(label, dict) or not label:
            return None
        text = label.get(self.lang) or label.get("und") or next(iter(label.values()))
        return text if isinstance(text, str) and text.strip() else None

    def pick(self, text: dict[str, str] | None, path: str) -> str | None:
        """The text in the DS language, else the one of unknown language, else the first one;
        anything else about the choice is reported as approximated."""
        if not text:
            return None
        key = self.lang if self.lang in text else "und" if "und" in text else next(iter(text))
        if key != self.lang:
            # approximated, not retagged: the round-trip law (core/laws.py) accepts only
            # approximated/dropped for a changed exact field
            self.ctx.say(Code.APPROXIMATED, path, f"the {key!r} text is written in a "
                         f"{self.lang!r} Diploma Supplement (read back as {self.lang!r})")
        others = [k for k in text if k != key]
        if others:
            self.ctx.say(Code.APPROXIMATED, path, "a Diploma Supplement has one language: "
                         f"{', '.join(others)} text left out")
        self.picked.append((path, text[key]))
        return text[key]

    def join(self, items: list[str], path: str) -> str | None:
        """List items joined with "; " (``None`` for none); an item holding ";" would be read
        back as several, which is reported."""
        if any(";" in item for item in items):
            self.ctx.say(Code.APPROXIMATED, path, "a value holds ';', which separates the items of "
                         "a Diploma Supplement section: it is read back split")
        return "; ".join(items) or None


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _org(w: _Writer, org: Organisation, path: str) -> str:
    name = w.pick(org.name, path + ".name")
    if not name:
        name = org.id or "(no name)"
        w.ctx.say(Code.DEFAULTED, path + ".name", f"the organisation has no name: {name!r} is "
                  "written in its place (and read back as its name)")
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
        if learner.full_name:
            w.ctx.say(Code.APPROXIMATED, "learner.full_name",
                      "the full name is not written: the given and family names are")
        return learner.given_name, []
    if learner.full_name and not learner.family_name:
        w.ctx.say(Code.APPROXIMATED, "learner.full_name",
                  "the full name is written as the given name(s)")
        w.ctx.say(Code.APPROXIMATED, "learner.given_name",
                  "read back, the given name(s) are the full name (no given name was known)")
        return learner.full_name, []
    return None, []


def _w_1_3(w: _Writer) -> tuple[str | None, list[str]]:
    learner = w.cred.learner
    return (iso(learner.birth_date) if learner and learner.birth_date else None), []


def _w_1_4(w: _Writer) -> tuple[str | None, list[str]]:
    learner = w.cred.learner
    if learner is None:
        return None, []
    items = [f"{i.value} ({i.scheme})" if i.scheme else i.value for i in learner.identifiers]
    for name in ("hashed", "salt"):
        if any(getattr(i, name) is not None for i in learner.identifiers):
            w.ctx.say(Code.DROPPED, f"learner.identifiers[].{name}", "a Diploma Supplement "
                      "gives an identifier's value and scheme only")
    if learner.national_id:
        nid = learner.national_id
        items.append(f"{nid.value} (national identifier"
                     + (f" {nid.country})" if nid.country else ")"))
    return w.join(items, "learner.identifiers"), []


def _w_2_1(w: _Writer) -> tuple[str | None, list[str]]:
    return w.pick(w.cred.title, "title"), []


def _w_2_2(w: _Writer) -> tuple[str | None, list[str]]:
    items = []
    for code in w.cred.fields_of_study:
        label = vocab.isced_f().label(code)
        items.append(f"{code} {label}" if label else code)
    return w.join(items, "fields_of_study"), []


def _w_2_3(w: _Writer) -> tuple[str | None, list[str]]:
    items = [_org(w, o, "awarding_bodies[]") for o in w.cred.awarding_bodies]
    return w.join(items, "awarding_bodies[].name"), []


def _w_2_4(w: _Writer) -> tuple[str | None, list[str]]:
    return (_org(w, w.cred.provider, "provider") if w.cred.provider else None), []


def _w_2_5(w: _Writer) -> tuple[str | None, list[str]]:
    items = []
    for code in w.cred.languages:
        primary = code.split("-")[0]
        label = vocab.languages().label(primary) if vocab.languages().lookup(primary) else None
        items.append(f"{label} ({code})" if label else code)
    return w.join(items, "languages"), []


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
    return w.join(items, "levels"), []


def _w_3_2(w: _Writer) -> tuple[str | None, list[str]]:
    wl = w.cred.workload
    if wl is None:
        return None, []
    items = []
    if wl.ects is not None:
        items.append(f"{_decimal(wl.ects)} ECTS credits")
    for credit in wl.credits:
        if credit.system == "ects":
            w.ctx.say(Code.APPROXIMATED, "workload.credits",
                      "the ECTS entry of workload.credits is written as "
                      "the ECTS credits (read back as workload.ects)")
            if wl.ects is None:
                items.append(f"{_decimal(credit.value)} ECTS credits")
            continue
        system = credit.system.upper() if credit.system in ("ects", "ecvet") else credit.system
        items.append(f"{_decimal(credit.value)} {system} credits")
    if wl.hours is not None:
        items.append(f"{_decimal(wl.hours)} hours")
    return w.join(items, "workload"), []


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
    return w.join(items, "participation"), []


def _w_4_2(w: _Writer) -> tuple[str | None, list[str]]:
    description = w.pick(w.cred.description, "description")
    info = []
    for lo in w.cred.learning_outcomes:
        text = w.pick(lo.text, "learning_outcomes[].text") or ""
        if lo.esco_skill:
            text += f" [{lo.esco_skill}]"
        info.append(text.strip())
    return description, info




def _w_4_3(w: _Writer) -> tuple[str | None, list[str]]:
    info = []
    assessment = w.cred.assessment
    if assessment is not None:
        description = w.pick(assessment.description, "assessment.description")
        if description:
            info.append(f"{LABEL_DESCRIPTION}: {description}")
        at = vocab.vocabulary("assessment_type")
        for t in assessment.types:
            label = w.concept_label(t) if ":" in t else None
            info.append(f"{LABEL_ASSESSMENT_TYPE}: "
                        + (at.label(t) if at.lookup(t) and ":" not in t
                           else label if label and w.clerk
                           else f"{label} <{t}>" if label and ">" not in label else t))
        if assessment.supervision:
            sv = vocab.vocabulary("supervision")
            s = assessment.supervision
            info.append(f"{LABEL_SUPERVISION}: " + (sv.label(s) if sv.lookup(s) and ":" not in s
                                                    else s))
        if assessment.identity_checked is not None:
            info.append(f"{LABEL_ID_CHECKED}: {_yes(assessment.identity_checked)}")
    if w.cred.assessed:
        info.append(f"{LABEL_ASSESSED}: {iso(w.cred.assessed)}")
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
        info.append(f"Valid until: {iso(w.cred.valid_until)}")
    for qa in w.cred.quality_assurance:
        info.append("Quality assurance: "
                    + (w.pick(qa.description, "quality_assurance[].description") or ""))
        if qa.type:
            info.append(f"Quality assurance type: {qa.type}")
        if qa.body:
            info.append(f"Quality assurance body: {_org(w, qa.body, 'quality_assurance[].body')}")
            info += _qa_body(w, qa.body)
        if qa.register_entry:
            info.append(f"Quality assurance register entry: {qa.register_entry}")
        if qa.decision:
            info.append(f"Quality assurance decision: {qa.decision}")
        if qa.valid_until:
            info.append(f"Quality assurance valid until: {iso(qa.valid_until)}")
    return None, [i.strip() for i in info]


def _qa_body(w: _Writer, body: Organisation) -> list[str]:
    """The labelled lines of a quality-assurance body's fields beyond its name and country
    (:data:`~.section.QA_BODY_LABELS`); those a line cannot hold are reported dropped."""
    lines = []
    for label, key in QA_BODY_LABELS.items():
        value = getattr(body, key)
        if key == "legal_identifier" and value is not None:
            value = value.value + (f" ({value.country})" if value.country else "")
        if value:
            lines.append(f"{label}: {' '.join(str(value).split())}")
    for key in ("identifiers", "region", "accreditations"):
        if getattr(body, key):
            w.ctx.say(Code.DROPPED, f"quality_assurance[].body.{key}", "a Diploma Supplement "
                      "gives a quality-assurance body's name, country, identifier, legal "
                      "identifier, address, URL and email only")
    if body.address and body.address != " ".join(body.address.split()):
        w.ctx.say(Code.APPROXIMATED, "quality_assurance[].body.address",
                  "its line breaks are written as spaces (one labelled line)")
    return lines


def _w_6_2(w: _Writer) -> tuple[str | None, list[str]]:
    fi = w.cred.further_information
    if fi is None:
        return None, []
    links = [link for link in fi.links if ABSOLUTE_URI.fullmatch(link)]
    if len(links) < len(fi.links):
        w.ctx.say(Code.DROPPED, "further_information.links", "a link that is not an absolute "
                  "URI is left out (section 6.2 lists URIs)")
    return w.pick(fi.text, "further_information.text"), links


def _w_7_1(w: _Writer) -> tuple[str | None, list[str]]:
    return (iso(w.cred.issued) if w.cred.issued else None), []


def _w_7_4(w: _Writer) -> tuple[str | None, list[str]]:
    if not w.clerk:
        return None, []  # a fact about the source document, not part of the credential
    lines = []
    for proof in w.cred.proof:
        line = f"Sealed by {proof.signer or 'an unnamed signer'}"
        if proof.created is not None:
            line += f" on {iso(proof.created)}"
        lines.append(line + f" ({SEAL_KINDS.get(proof.kind, proof.kind)}) — not verified by "
                     "credbridge")
    return None, lines


SEAL_KINDS = {"xades": "XAdES", "jades": "JAdES", "data-integrity": "Data Integrity",
              "vc-jwt": "VC-JWT", "ob2-jws": "JWS", "hosted": "hosted", "other": "signature"}
"""How a clerk view names each kind of proof."""

NOT_KNOWN = "Not stated in the credential"
"""What the clerk view says of a section credbridge has nothing for: the source did not say,
which is not "Not applicable" (a statement the source never made)."""


WRITERS: dict[str, Callable[[_Writer], tuple[str | None, list[str]]]] = {
    "1.1": _w_1_1, "1.2": _w_1_2, "1.3": _w_1_3, "1.4": _w_1_4,
    "2.1": _w_2_1, "2.2": _w_2_2, "2.3": _w_2_3, "2.4": _w_2_4, "2.5": _w_2_5,
    "3.1": _w_3_1, "3.2": _w_3_2, "3.3": _w_3_3,
    "4.1": _w_4_1, "4.2": _w_4_2, "4.3": _w_4_3, "4.4": _w_4_4, "4.5": _w_4_5,
    "5.1": _w_5_1, "6.1": _w_6_1, "6.2": _w_6_2, "7.1": _w_7_1,
    "7.4": _w_7_4,
}


def _collapsed(w: _Writer, content: str) -> None:
    """Report each text of a section's content whose line breaks or runs of spaces are lost:
    the content is an ``xs:token`` (its reader collapses white space, as the schema says)."""
    flat = " ".join(content.split())
    for path, text in w.picked:
        if text != " ".join(text.split()) and " ".join(text.split()) in flat:
            w.ctx.say(Code.APPROXIMATED, path, "its line breaks are written as spaces (the "
                      "content of a Diploma Supplement section is an xs:token)")


SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "1.1": ("learner.family_name",), "1.2": ("learner.given_name", "learner.full_name"),
    "1.3": ("learner.birth_date",), "1.4": ("learner.identifiers", "learner.national_id"),
    "2.1": ("title",), "2.2": ("fields_of_study",), "2.3": ("awarding_bodies",),
    "2.4": ("provider",), "2.5": ("languages",),
    "3.1": ("levels.eqf", "levels.qf_ehea", "levels.nqf", "levels.isced_level", "levels.sqf"),
    "3.2": ("workload.ects", "workload.credits", "workload.hours"),
    "3.3": ("access_requirements",), "4.1": ("participation",),
    "4.2": ("description", "learning_outcomes"),
    "4.3": ("assessment.description", "assessment.types", "assessment.supervision",
            "assessment.identity_checked", "assessed"),
    "4.4": ("assessment.grade.scheme",),
    "4.5": ("assessment.grade.value", "assessment.grade.status"),
    "5.1": ("stackability",), "6.1": ("id", "valid_until", "quality_assurance"),
    "6.2": ("further_information",), "7.1": ("issued",),
}
"""The canonical fields each section of :data:`WRITERS` writes (what a section kept verbatim
from the source replaces)."""


def _has(value: Any, path: str) -> bool:
    """Whether ``value`` holds something at the dotted ``path`` (any element of a list)."""
    if not path:
        return value not in (None, "", [], {})
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        return any(_has(v, path) for v in value)
    return _has(getattr(value, head, None), rest)


def _replaced(cred: MicroCredential, number: str, elsewhere: frozenset[str],
              ctx: Context) -> None:
    """Report the credential's own values of section ``number``, which a section kept verbatim
    from the source replaces: a note for those the enclosing document carries elsewhere,
    dropped for the others."""
    held = [p for p in SECTION_FIELDS.get(number, ()) if _has(cred, p)]
    lost = [p for p in held if p not in elsewhere]
    for path in lost:
        ctx.say(Code.DROPPED, path, f"section {number} is written as the source had it "
                "(verbatim); the credential's own value for this field is not written")
    if len(lost) < len(held) or not held:
        ctx.say(Code.NOTE, None, f"section {number} is written as the source had it; "
                "the credential's own value for it is carried elsewhere")


def compose(cred: MicroCredential, lang: str, ctx: Context,
            kept: dict[str, Any] | None = None, *, clerk: bool = False,
            elsewhere: frozenset[str] = frozenset()) -> list[Section]:
    """The sections of the 2018 template for ``cred`` in document order (main sections and
    their sub-sections, flat). Sections with nothing to say read "Not applicable" (the
    convention's empty section, read back as empty), or with ``clerk`` (a page for a person)
    :data:`NOT_KNOWN`, and 7.4 says who sealed the source; a section ``kept`` verbatim from the
    source (number -> :meth:`Section.to_json`) is written as it was, and the credential's own
    values it replaces are reported dropped unless named in ``elsewhere`` (the fields the
    enclosing document, an ELMO report, carries outside the supplement)."""
    w = _Writer(cred, lang, ctx, clerk)
    empty = NOT_KNOWN if clerk else NOT_APPLICABLE
    out: list[Section] = []
    for number, title in TEMPLATE_2018:
        writer = WRITERS.get(number)
        if writer is not None:
            w.picked.clear()
            content, info = writer(w)
            if content is not None:
                _collapsed(w, content)
            section = Section(number, title, content, None, info)
            if section.content is None and not section.info:
                section.content = empty
        elif "." in number or number == "8":
            section = Section(number, title, empty)
        else:
            section = Section(number, title)
        out.append(section)
    for number, data in (kept or {}).items():
        verbatim = Section.from_json(number, data)
        for i, s in enumerate(out):
            if s.number == number:
                if not (s.is_empty() or (s.content is None and not s.info)):
                    _replaced(cred, number, elsewhere, ctx)
                out[i] = verbatim
                break
        else:
            out.append(verbatim)
    return out
