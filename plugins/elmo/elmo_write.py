"""Write one credential as an EMREX ELMO 1.7 report (valid against schema v1.7.0)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from credbridge import clock
from credbridge.context import Context
from credbridge.model import MicroCredential, Organisation
from credbridge.report import Code
from credbridge.safety import parse_xml
from lxml import etree

from .ds_map import to_supplement
from .ds_xml import build_element
from .elmo_read import LEGAL_ID, NATIONAL_ID, ORG_ID, OUTCOMES_HEADING
from .europass import EUROPASS_COUNTRIES
from .options import ElmoOptions
from .section import KEPT_SECTIONS
from .xmlutil import NS, q, sub

LOS_TYPES = {"Degree Programme", "Module", "Course", "Class"}
STATUSES = {"passed", "failed", "in-progress"}
OUTSIDE_DS = frozenset({
    "learner.family_name", "learner.given_name", "learner.birth_date", "learner.identifiers",
    "learner.national_id", "title", "description", "learning_outcomes", "fields_of_study",
    "awarding_bodies", "languages", "levels.eqf", "levels.nqf", "workload.ects",
    "workload.credits", "workload.hours", "assessed", "assessment.grade.value",
    "assessment.grade.status", "assessment.grade.scheme", "issued", "id"})
"""The fields of the Diploma Supplement's sections that the ELMO elements carry as well (a
section kept verbatim from the source replaces the others' values: reported dropped)."""


def build_elmo(cred: MicroCredential, ctx: Context, opts: ElmoOptions) -> Any:
    """The ``elmo`` element of ``cred``, in schema order."""
    root = etree.Element(q("elmo"), nsmap={None: NS})
    sub(root, "generatedDate", _generated(cred, opts))
    _learner(root, cred, ctx)
    rep = sub(root, "report")
    _issuer(rep, cred, ctx)
    _los(rep, cred, ctx, opts)
    sub(rep, "issueDate", _issue_datetime(cred, ctx))
    scheme = cred.assessment.grade.scheme if cred.assessment and cred.assessment.grade else None
    if scheme is not None and (scheme.description or scheme.name):
        gs = sub(rep, "gradingScheme")
        gs.set("localId", _scheme_id(cred))
        texts = scheme.description or scheme.name
        if not scheme.description:  # it reads back as the description: both fields change
            ctx.say(Code.APPROXIMATED, "assessment.grade.scheme",
                    "the grading scheme's name is written as its description")
        for lang, value in texts.items():
            sub(gs, "description", value, lang)
    for xml in cred.extensions.get("elmo:attachments", []):
        rep.append(parse_xml(str(xml).encode("utf-8"), what="an attachment"))
    return root


def add_los(root: Any, cred: MicroCredential, ctx: Context, opts: ElmoOptions) -> None:
    """Add a further record of the same document to the report of ``root``: its learning
    opportunity after the others, its grading scheme when the report lacks it. The report's
    learner, issuer and date are the first record's (a record that differs is reported)."""
    rep = root.find(q("report"))
    holder = etree.Element(q("report"))
    _los(holder, cred, ctx, opts)
    last = rep.findall(q("learningOpportunitySpecification"))[-1]
    last.addnext(holder[0])
    scheme = cred.assessment.grade.scheme if cred.assessment and cred.assessment.grade else None
    ident = _scheme_id(cred)
    known = {g.get("localId") for g in rep.findall(q("gradingScheme"))}
    if scheme is not None and (scheme.description or scheme.name) and ident not in known:
        gs = etree.Element(q("gradingScheme"))
        gs.set("localId", ident)
        if not scheme.description:
            ctx.say(Code.APPROXIMATED, "assessment.grade.scheme",
                    "the grading scheme's name is written as its description")
        for lang, value in (scheme.description or scheme.name).items():
            sub(gs, "description", value, lang)
        after = rep.findall(q("gradingScheme")) or [rep.find(q("issueDate"))]
        after[-1].addnext(gs)


def _generated(cred: MicroCredential, opts: ElmoOptions) -> str:
    kept = cred.extensions.get("elmo:generated-date")
    if opts.generated_date is not None:
        return _datetime_text(opts.generated_date)
    if kept:
        return str(kept)
    return _datetime_text(clock.now())


def _datetime_text(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _issue_datetime(cred: MicroCredential, ctx: Context) -> str:
    issued = cred.issued
    if issued is None:
        ctx.say(Code.DEFAULTED, "issued", "ELMO needs a report issue date: today's date is written")
        issued = clock.today()
    if isinstance(issued, dt.datetime):
        text = issued.isoformat().replace("+00:00", "Z")
        if text.endswith("T00:00:00Z"):  # how a plain date is written, and read back
            ctx.say(Code.APPROXIMATED, "issued", f"{text} is midnight UTC, which is how ELMO "
                    f"writes a plain date: it reads back as the date {text[:10]}")
        return text
    return f"{issued.isoformat()}T00:00:00Z"


def _learner(root: Any, cred: MicroCredential, ctx: Context) -> None:
    el = sub(root, "learner")
    learner = cred.learner
    if learner is None:
        ctx.say(Code.DEFAULTED, "learner",
                "ELMO needs a learner: empty givenNames and familyName are written")
        sub(el, "givenNames", "")
        sub(el, "familyName", "")
        return
    citizenship = [c for c in learner.citizenship if c in EUROPASS_COUNTRIES]
    if citizenship:
        sub(el, "citizenship", citizenship[0])
    if len(citizenship) != len(learner.citizenship) or len(citizenship) > 1:
        ctx.say(Code.APPROXIMATED, "learner.citizenship",
                "ELMO holds one citizenship from the Europass country "
                "list: " + (f"only {citizenship[0]} is written" if citizenship else
                            "none is written"))
    if learner.national_id:
        sub(el, "identifier", learner.national_id.value).set("type", NATIONAL_ID)
        if learner.national_id.country:
            ctx.say(Code.APPROXIMATED, "learner.national_id.country",
                    "the national identifier's country has no place in ELMO")
    for ident in learner.identifiers:
        sub(el, "identifier", ident.value).set("type", ident.scheme or "local")
        if not ident.scheme:
            ctx.say(Code.APPROXIMATED, "learner.identifiers[].scheme",
                    "an identifier without a scheme is written with type 'local'")
        if ident.hashed or ident.salt:
            ctx.say(Code.APPROXIMATED, "learner.identifiers[].hashed",
                    "identifier hashing details have no place in ELMO")
    given, family = learner.given_name, learner.family_name
    if learner.full_name and (given or family):
        ctx.say(Code.APPROXIMATED, "learner.full_name",
                "the full name is not written: the given and family names are")
    if given is None and family is None and learner.full_name:
        given = learner.full_name
        ctx.say(Code.APPROXIMATED, "learner.full_name",
                "the full name is written as givenNames (familyName left empty)")
    if given is None or family is None:
        ctx.say(Code.DEFAULTED, "learner",
                "ELMO requires givenNames and familyName: an empty one is written")
    sub(el, "givenNames", given or "")
    sub(el, "familyName", family or "")
    if learner.birth_date:
        sub(el, "bday", learner.birth_date.isoformat())


def _issuer(rep: Any, cred: MicroCredential, ctx: Context) -> None:
    bodies = cred.awarding_bodies
    org = bodies[0] if bodies else Organisation()
    if len(bodies) > 1:
        ctx.say(Code.APPROXIMATED, "awarding_bodies",
                f"an ELMO report has one issuer: {len(bodies) - 1} more awarding bodies left out")
    if not bodies:
        ctx.say(Code.DEFAULTED, "awarding_bodies",
                "ELMO requires a report issuer: a placeholder is written")
    el = sub(rep, "issuer")
    if org.country:
        if org.country in EUROPASS_COUNTRIES:
            sub(el, "country", org.country)
        else:
            ctx.say(Code.APPROXIMATED, "awarding_bodies[].country",
                    f"country {org.country} is not in ELMO's (Europass) "
                    "country list and is left out")
    idents = [(i.scheme or "local", i.value) for i in org.identifiers]
    if any(not i.scheme for i in org.identifiers):
        ctx.say(Code.APPROXIMATED, "awarding_bodies[].identifiers[].scheme",
                "an identifier without a scheme is written with type 'local'")
    if org.legal_identifier:
        idents.append((LEGAL_ID, org.legal_identifier.value))
        if org.legal_identifier.country:
            ctx.say(Code.APPROXIMATED, "awarding_bodies[].legal_identifier.country",
                    "the legal identifier's country has no place in ELMO")
    if org.id:
        idents.append((ORG_ID, org.id))
    if not idents:
        idents.append(("local", "unknown"))
        if bodies:
            ctx.say(Code.DEFAULTED, "awarding_bodies[].identifiers",
                    "ELMO requires an issuer identifier: 'unknown' is written")
    for kind, value in idents:
        sub(el, "identifier", value).set("type", kind)
    names = org.name or {"und": "unknown"}
    if not org.name and bodies:
        ctx.say(Code.DEFAULTED, "awarding_bodies[].name",
                "ELMO requires an issuer title: 'unknown' is written")
    for lang, value in names.items():
        sub(el, "title", value, lang)
    if not org.url and bodies:
        ctx.say(Code.DEFAULTED, "awarding_bodies[].url",
                "ELMO requires an issuer url: an empty one is written")
    sub(el, "url", org.url or "")


def _scheme_id(cred: MicroCredential) -> str:
    return str(cred.extensions.get("elmo:grading-scheme-id") or "grading-scheme-1")


def _description(cred: MicroCredential, ctx: Context) -> dict[str, str]:
    """Description texts, with the learning outcomes appended one per line (in the languages
    every outcome has, so that the lines of each language line up)."""
    out = dict(cred.description)
    outcomes = [lo.text for lo in cred.learning_outcomes if lo.text]
    if not outcomes:
        return out
    common = [k for k in outcomes[0] if all(k in t for t in outcomes)]
    if len(common) < len({k for t in outcomes for k in t}):
        ctx.say(Code.APPROXIMATED, "learning_outcomes[].text",
                "learning outcomes are written in the languages all of "
                "them have" + ("" if common else " (here: the first text of each)"))
    blocks = {lang: [t[lang] for t in outcomes] for lang in common} or \
        {next(iter(outcomes[0])): [next(iter(t.values())) for t in outcomes]}
    for lang, items in blocks.items():
        # a line of a multi-line outcome is indented: the reader joins it to its item
        block = OUTCOMES_HEADING + "\n" + "\n".join(
            "- " + "\n  ".join(i.splitlines()) for i in items)
        out[lang] = (out[lang] + "\n\n" + block) if out.get(lang) else block
    return out


def _los(rep: Any, cred: MicroCredential, ctx: Context, opts: ElmoOptions) -> None:
    los = sub(rep, "learningOpportunitySpecification")
    if cred.id:
        sub(los, "identifier", cred.id).set("type", "local")
    for kind, value in cred.extensions.get("elmo:identifiers", []):
        sub(los, "identifier", value).set("type", kind)
    titles = cred.title or {"und": "untitled"}
    if not cred.title:
        ctx.say(Code.DEFAULTED, "title", "ELMO requires a title: 'untitled' is written")
    for lang, value in titles.items():
        sub(los, "title", value, lang)
    kind = cred.extensions.get("elmo:type", "Course")
    sub(los, "type", kind if kind in LOS_TYPES else "Course")
    if cred.fields_of_study:
        sub(los, "iscedCode", cred.fields_of_study[0])
        if len(cred.fields_of_study) > 1:
            ctx.say(Code.APPROXIMATED, "fields_of_study",
                    "ELMO holds one ISCED code: the first is written")
    links = cred.further_information.links if cred.further_information else []
    if links:
        sub(los, "url", links[0])
    for lang, value in _description(cred, ctx).items():
        sub(los, "description", value, lang)
    if any(lo.esco_skill for lo in cred.learning_outcomes):
        ctx.say(Code.APPROXIMATED, "learning_outcomes[].esco_skill",
                "ELMO descriptions hold the outcome texts only (ESCO "
                "skills are in the Diploma Supplement)")
    loi = sub(sub(los, "specifies"), "learningOpportunityInstance")
    _loi(loi, cred, ctx, opts)
    _part_los(los, cred, None, ctx, opts)
    st = cred.stackability
    for part in st.parts if st else []:
        inner = sub(sub(los, "hasPart"), "learningOpportunitySpecification")
        if part.id:
            sub(inner, "identifier", part.id).set("type", "local")
        for lang, value in (part.title or {"und": part.id or "part"}).items():
            sub(inner, "title", value, lang)
        sub(sub(inner, "specifies"), "learningOpportunityInstance")


def _part_los(los: Any, cred: MicroCredential, parent: str | None, ctx: Context,
              opts: ElmoOptions, blank: MicroCredential | None = None) -> None:
    """The record's parts that belong to ``parent`` as ``hasPart`` learning opportunities,
    each with its instance (result, credits, date) and its own parts."""
    from credbridge.documents import prefixed
    from credbridge.model import MicroCredential as Model

    for part in cred.parts:
        if part.part_of != parent:
            continue
        fields = {k: getattr(part, k) for k in ("title", "description", "learning_outcomes",
                                                  "workload", "levels", "fields_of_study",
                                                  "assessment", "assessed", "languages")}
        ident = part.id if part.id and not part.id.startswith("urn:credbridge:") else None
        if blank is None:
            # built once per credential: model_construct builds every default, and pydantic
            # inspects each default factory's signature each time; a part's record is a
            # shallow copy of it (the same values and set fields as model_construct gives)
            blank = Model.model_construct(extensions={}, parts=[])
        # (fresh containers: a copy would share the blank's with every other part)
        as_record = blank.model_copy(update={"id": ident, "extensions": {}, "parts": [],
                                             **fields})
        holder = etree.Element(q("report"))
        _los(holder, as_record, prefixed(ctx, "parts[]."), opts)
        inner = holder[0]
        sub(los, "hasPart").append(inner)
        if part.id:
            _part_los(inner, cred, part.id, ctx, opts, blank)


def _loi(loi: Any, cred: MicroCredential, ctx: Context, opts: ElmoOptions) -> None:
    if start := cred.extensions.get("elmo:start"):
        if _xs_date(str(start)):
            sub(loi, "start", str(start))
        else:  # a source's own invalid value: forwarded, the output would fail the schema
            ctx.say(Code.EXTENSION_DROPPED, "extensions.elmo:start",
                    f"start {start!r} is not written: ELMO's start is an xs:date")
    if cred.assessed:
        assessed = cred.assessed
        if isinstance(assessed, dt.datetime):
            ctx.say(Code.APPROXIMATED, "assessed",
                    "ELMO holds the date of the result, not the time")
            assessed = assessed.date()
        sub(loi, "date", assessed.isoformat())
    grade = cred.assessment.grade if cred.assessment else None
    if grade is not None:
        if grade.status in STATUSES:
            sub(loi, "status", grade.status)
        elif grade.status:
            ctx.say(Code.APPROXIMATED, "assessment.grade.status",
                    f"ELMO has no status {grade.status!r}")
        if grade.scheme is not None and (grade.scheme.description or grade.scheme.name):
            sub(loi, "gradingSchemeLocalId", _scheme_id(cred))
        if grade.value:
            sub(loi, "resultLabel", grade.value)
    wl = cred.workload
    if wl is not None:
        if wl.ects is not None:
            _credit(loi, "ects", wl.ects)
        for credit in wl.credits:
            if credit.system == "ects":
                ctx.say(Code.APPROXIMATED, "workload.credits",
                        "the ECTS entry of workload.credits is written as "
                        "the ECTS credit (read back as workload.ects)")
                if wl.ects is None:
                    _credit(loi, "ects", credit.value)
                continue
            _credit(loi, credit.system.upper() if credit.system == "ecvet" else credit.system,
                    credit.value)
    levels = cred.levels
    if levels is not None:
        if levels.eqf is not None:
            level = sub(loi, "level")
            sub(level, "type", "EQF")
            sub(level, "value", str(levels.eqf))
        for nqf in levels.nqf:
            level = sub(loi, "level")
            sub(level, "type", "NQF")
            label = next(iter(nqf.label.values()), None)
            if nqf.uri:
                if label:
                    sub(level, "description", label)
                sub(level, "value", nqf.uri)
            elif label:
                sub(level, "value", label)
    if cred.languages:
        sub(loi, "languageOfInstruction", cred.languages[0])
        if len(cred.languages) > 1:
            ctx.say(Code.APPROXIMATED, "languages",
                    "ELMO holds one language of instruction: the first "
                    "is written (all are in the Diploma Supplement)")
    if wl is not None and wl.hours is not None:
        sub(loi, "engagementHours", format(wl.hours.normalize(), "f"))
        ctx.say(Code.APPROXIMATED, "workload.hours",
                "notional workload hours are written as engagementHours (hours of classes)")
    refs = cred.extensions.get("elmo:attachment-refs", [])
    if refs:
        att = sub(loi, "attachments")
        for ref in refs:
            sub(att, "ref", str(ref))
    if not opts.omit_diploma_supplement:
        ds = to_supplement(cred, ctx, KEPT_SECTIONS, opts.language, elsewhere=OUTSIDE_DS)
        build_element(ds, loi)


def _xs_date(text: str) -> bool:
    """Whether ``text`` is an ``xs:date`` (``2012-09-01``, optionally with a time zone)."""
    m = re.fullmatch(r"(-?\d{4,}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?", text)
    if not m:
        return False
    try:
        dt.date.fromisoformat(m.group(1))
    except ValueError:
        return False
    return True


def _credit(loi: Any, scheme: str, value: Any) -> None:
    credit = sub(loi, "credit")
    sub(credit, "scheme", scheme)
    sub(credit, "value", format(value.normalize(), "f"))
