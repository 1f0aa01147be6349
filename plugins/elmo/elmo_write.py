"""Write one credential as an EMREX ELMO 1.7 report (valid against schema v1.7.0)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from credbridge.model import MicroCredential, Organisation
from credbridge.options import Options
from credbridge.report import Code, Report
from credbridge.safety import xml_parser
from lxml import etree

from .ds_map import to_supplement
from .ds_xml import build_element
from .elmo_read import LEGAL_ID, NATIONAL_ID, ORG_ID, OUTCOMES_HEADING
from .europass import EUROPASS_COUNTRIES
from .section import KEPT_SECTIONS
from .xmlutil import NS, q, sub

FMT = "elmo"
LOS_TYPES = {"Degree Programme", "Module", "Course", "Class"}
STATUSES = {"passed", "failed", "in-progress"}


def build_elmo(cred: MicroCredential, report: Report, options: Options) -> Any:
    """The ``elmo`` element of ``cred``, in schema order."""
    root = etree.Element(q("elmo"), nsmap={None: NS})
    sub(root, "generatedDate", _generated(cred, options))
    _learner(root, cred, report)
    rep = sub(root, "report")
    _issuer(rep, cred, report)
    _los(rep, cred, report, options)
    sub(rep, "issueDate", _issue_datetime(cred, report))
    scheme = cred.assessment.grade.scheme if cred.assessment and cred.assessment.grade else None
    if scheme is not None and (scheme.description or scheme.name):
        gs = sub(rep, "gradingScheme")
        gs.set("localId", _scheme_id(cred))
        texts = scheme.description or scheme.name
        if not scheme.description:
            report.add(Code.APPROXIMATED, "the grading scheme's name is written as its "
                       "description", field="assessment.grade.scheme.name", format=FMT)
        for lang, value in texts.items():
            sub(gs, "description", value, lang)
    for xml in cred.extensions.get("elmo:attachments", []):
        rep.append(etree.fromstring(str(xml).encode("utf-8"), xml_parser()))
    return root


def _generated(cred: MicroCredential, options: Options) -> str:
    kept = cred.extensions.get("elmo:generated-date")
    if options.get("generated_date"):
        return str(options["generated_date"])
    if kept:
        return str(kept)
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _issue_datetime(cred: MicroCredential, report: Report) -> str:
    issued = cred.issued
    if issued is None:
        report.add(Code.DEFAULTED, "ELMO needs a report issue date: today's date is written",
                   field="issued", format=FMT)
        issued = dt.date.today()
    if isinstance(issued, dt.datetime):
        return issued.isoformat().replace("+00:00", "Z")
    return f"{issued.isoformat()}T00:00:00Z"


def _learner(root: Any, cred: MicroCredential, report: Report) -> None:
    el = sub(root, "learner")
    learner = cred.learner
    if learner is None:
        report.add(Code.DEFAULTED, "ELMO needs a learner: empty givenNames and familyName are "
                   "written", field="learner", format=FMT)
        sub(el, "givenNames", "")
        sub(el, "familyName", "")
        return
    citizenship = [c for c in learner.citizenship if c in EUROPASS_COUNTRIES]
    if citizenship:
        sub(el, "citizenship", citizenship[0])
    if len(citizenship) != len(learner.citizenship) or len(citizenship) > 1:
        report.add(Code.APPROXIMATED, "ELMO holds one citizenship from the Europass country "
                   "list: " + (f"only {citizenship[0]} is written" if citizenship else
                               "none is written"), field="learner.citizenship", format=FMT)
    if learner.national_id:
        sub(el, "identifier", learner.national_id.value).set("type", NATIONAL_ID)
        if learner.national_id.country:
            report.add(Code.APPROXIMATED, "the national identifier's country has no place in "
                       "ELMO", field="learner.national_id.country", format=FMT)
    for ident in learner.identifiers:
        sub(el, "identifier", ident.value).set("type", ident.scheme or "local")
        if not ident.scheme:
            report.add(Code.APPROXIMATED, "an identifier without a scheme is written with type "
                       "'local'", field="learner.identifiers[].scheme", format=FMT)
        if ident.hashed or ident.salt:
            report.add(Code.APPROXIMATED, "identifier hashing details have no place in ELMO",
                       field="learner.identifiers[].hashed", format=FMT)
    given, family = learner.given_name, learner.family_name
    if learner.full_name and (given or family):
        report.add(Code.APPROXIMATED, "the full name is not written: the given and family names "
                   "are", field="learner.full_name", format=FMT)
    if given is None and family is None and learner.full_name:
        given = learner.full_name
        report.add(Code.APPROXIMATED, "the full name is written as givenNames (familyName left "
                   "empty)", field="learner.full_name", format=FMT)
    if given is None or family is None:
        report.add(Code.DEFAULTED, "ELMO requires givenNames and familyName: an empty one is "
                   "written", field="learner", format=FMT)
    sub(el, "givenNames", given or "")
    sub(el, "familyName", family or "")
    if learner.birth_date:
        sub(el, "bday", learner.birth_date.isoformat())


def _issuer(rep: Any, cred: MicroCredential, report: Report) -> None:
    bodies = cred.awarding_bodies
    org = bodies[0] if bodies else Organisation()
    if len(bodies) > 1:
        report.add(Code.APPROXIMATED, f"an ELMO report has one issuer: {len(bodies) - 1} more "
                   "awarding bodies left out", field="awarding_bodies", format=FMT)
    if not bodies:
        report.add(Code.DEFAULTED, "ELMO requires a report issuer: a placeholder is written",
                   field="awarding_bodies", format=FMT)
    el = sub(rep, "issuer")
    if org.country:
        if org.country in EUROPASS_COUNTRIES:
            sub(el, "country", org.country)
        else:
            report.add(Code.APPROXIMATED, f"country {org.country} is not in ELMO's (Europass) "
                       "country list and is left out", field="awarding_bodies[].country",
                       format=FMT)
    idents = [(i.scheme or "local", i.value) for i in org.identifiers]
    if any(not i.scheme for i in org.identifiers):
        report.add(Code.APPROXIMATED, "an identifier without a scheme is written with type "
                   "'local'", field="awarding_bodies[].identifiers[].scheme", format=FMT)
    if org.legal_identifier:
        idents.append((LEGAL_ID, org.legal_identifier.value))
        if org.legal_identifier.country:
            report.add(Code.APPROXIMATED, "the legal identifier's country has no place in ELMO",
                       field="awarding_bodies[].legal_identifier.country", format=FMT)
    if org.id:
        idents.append((ORG_ID, org.id))
    if not idents:
        idents.append(("local", "unknown"))
        if bodies:
            report.add(Code.DEFAULTED, "ELMO requires an issuer identifier: 'unknown' is "
                       "written", field="awarding_bodies[].identifiers", format=FMT)
    for kind, value in idents:
        sub(el, "identifier", value).set("type", kind)
    names = org.name or {"und": "unknown"}
    if not org.name and bodies:
        report.add(Code.DEFAULTED, "ELMO requires an issuer title: 'unknown' is written",
                   field="awarding_bodies[].name", format=FMT)
    for lang, value in names.items():
        sub(el, "title", value, lang)
    if not org.url and bodies:
        report.add(Code.DEFAULTED, "ELMO requires an issuer url: an empty one is written",
                   field="awarding_bodies[].url", format=FMT)
    sub(el, "url", org.url or "")


def _scheme_id(cred: MicroCredential) -> str:
    return str(cred.extensions.get("elmo:grading-scheme-id") or "grading-scheme-1")


def _description(cred: MicroCredential, report: Report) -> dict[str, str]:
    """Description texts, with the learning outcomes appended one per line (in the languages
    every outcome has, so that the lines of each language line up)."""
    out = dict(cred.description)
    outcomes = [lo.text for lo in cred.learning_outcomes if lo.text]
    if not outcomes:
        return out
    common = [k for k in outcomes[0] if all(k in t for t in outcomes)]
    if len(common) < len({k for t in outcomes for k in t}):
        report.add(Code.APPROXIMATED, "learning outcomes are written in the languages all of "
                   "them have" + ("" if common else " (here: the first text of each)"),
                   field="learning_outcomes[].text", format=FMT)
    blocks = {lang: [t[lang] for t in outcomes] for lang in common} or \
        {next(iter(outcomes[0])): [next(iter(t.values())) for t in outcomes]}
    for lang, items in blocks.items():
        block = OUTCOMES_HEADING + "\n" + "\n".join(f"- {i}" for i in items)
        out[lang] = (out[lang] + "\n\n" + block) if out.get(lang) else block
    return out


def _los(rep: Any, cred: MicroCredential, report: Report, options: Options) -> None:
    los = sub(rep, "learningOpportunitySpecification")
    if cred.id:
        sub(los, "identifier", cred.id).set("type", "local")
    for kind, value in cred.extensions.get("elmo:identifiers", []):
        sub(los, "identifier", value).set("type", kind)
    titles = cred.title or {"und": "untitled"}
    if not cred.title:
        report.add(Code.DEFAULTED, "ELMO requires a title: 'untitled' is written", field="title",
                   format=FMT)
    for lang, value in titles.items():
        sub(los, "title", value, lang)
    kind = cred.extensions.get("elmo:type", "Course")
    sub(los, "type", kind if kind in LOS_TYPES else "Course")
    if cred.fields_of_study:
        sub(los, "iscedCode", cred.fields_of_study[0])
        if len(cred.fields_of_study) > 1:
            report.add(Code.APPROXIMATED, "ELMO holds one ISCED code: the first is written",
                       field="fields_of_study", format=FMT)
    links = cred.further_information.links if cred.further_information else []
    if links:
        sub(los, "url", links[0])
    for lang, value in _description(cred, report).items():
        sub(los, "description", value, lang)
    if any(lo.esco_skill for lo in cred.learning_outcomes):
        report.add(Code.APPROXIMATED, "ELMO descriptions hold the outcome texts only (ESCO "
                   "skills are in the Diploma Supplement)", field="learning_outcomes[].esco_skill",
                   format=FMT)
    loi = sub(sub(los, "specifies"), "learningOpportunityInstance")
    _loi(loi, cred, report, options)
    st = cred.stackability
    for part in st.parts if st else []:
        inner = sub(sub(los, "hasPart"), "learningOpportunitySpecification")
        if part.id:
            sub(inner, "identifier", part.id).set("type", "local")
        for lang, value in (part.title or {"und": part.id or "part"}).items():
            sub(inner, "title", value, lang)
        sub(sub(inner, "specifies"), "learningOpportunityInstance")


def _loi(loi: Any, cred: MicroCredential, report: Report, options: Options) -> None:
    if start := cred.extensions.get("elmo:start"):
        sub(loi, "start", str(start))
    if cred.assessed:
        assessed = cred.assessed
        if isinstance(assessed, dt.datetime):
            report.add(Code.APPROXIMATED, "ELMO holds the date of the result, not the time",
                       field="assessed", format=FMT)
            assessed = assessed.date()
        sub(loi, "date", assessed.isoformat())
    grade = cred.assessment.grade if cred.assessment else None
    if grade is not None:
        if grade.status in STATUSES:
            sub(loi, "status", grade.status)
        elif grade.status:
            report.add(Code.APPROXIMATED, f"ELMO has no status {grade.status!r}",
                       field="assessment.grade.status", format=FMT)
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
                report.add(Code.APPROXIMATED, "the ECTS entry of workload.credits is written as "
                           "the ECTS credit (read back as workload.ects)",
                           field="workload.credits", format=FMT)
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
            report.add(Code.APPROXIMATED, "ELMO holds one language of instruction: the first "
                       "is written (all are in the Diploma Supplement)", field="languages",
                       format=FMT)
    if wl is not None and wl.hours is not None:
        sub(loi, "engagementHours", format(wl.hours.normalize(), "f"))
        report.add(Code.APPROXIMATED, "notional workload hours are written as engagementHours "
                   "(hours of classes)", field="workload.hours", format=FMT)
    refs = cred.extensions.get("elmo:attachment-refs", [])
    if refs:
        att = sub(loi, "attachments")
        for ref in refs:
            sub(att, "ref", str(ref))
    if options.get("diploma_supplement", True):
        ds = to_supplement(cred, report, FMT, options, KEPT_SECTIONS)
        build_element(ds, loi)


def _credit(loi: Any, scheme: str, value: Any) -> None:
    credit = sub(loi, "credit")
    sub(credit, "scheme", scheme)
    sub(credit, "value", format(value.normalize(), "f"))
