"""Write canonical credentials as ``europassCredential`` documents valid against XSD 1.2.

Elements are written in the schema's ``xs:sequence`` order; specifications, outcomes,
organisations, awarding processes and scoring schemes go to the ``…References`` sections and are
linked by ``@idref``. A specification is written as a ``qualification`` whenever levels are
present (EQF/NQF exist only there). No ``proof`` is ever written: a converted credential is not
sealed. Values the schema cannot hold are reported (``approximated``, ``defaulted``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import IO, Any

from credbridge import vocab
from credbridge.model import LearningOutcome, MicroCredential, Organisation
from credbridge.report import Code, Report
from lxml import etree

from .names import (
    ASSESSMENT_FW,
    COUNTRY_FW,
    CRED,
    CREDENTIAL_TYPE_FW,
    ECTS_SCHEME,
    ECVET_SCHEME,
    EQF_FW,
    ESCO_FW,
    ISCED_F_FW,
    LANGUAGE_FW,
    MODE_FW,
    NOTE_INFORMAL,
    NOTE_ISCED_LEVEL,
    NOTE_QF_EHEA,
    NOTE_SQF,
    NOTE_STANDALONE,
    NQF_FW,
    NSMAP,
    SCHEMA_LOCATION,
    SETTING_FW,
    SKILL_TYPE_BASE,
    SKILL_TYPE_FW,
    SUPERVISION_FW,
    TOPIC_PATHWAYS,
    TOPIC_QA,
    XML_LANGUAGES,
    XSD_VERSION,
    XSI,
    q,
)
from .values import decimal_text, format_datetime, hours_duration

FORMAT = "edc-xml"
ORG_FRAMEWORK_NAMES = {
    COUNTRY_FW: "Country",
    LANGUAGE_FW: "Language",
}
SKILL_TYPES_WITH_URI = ("knowledge", "skill", "competence")


def write_documents(credentials: Iterable[MicroCredential], stream: IO[bytes],
                    report: Report) -> None:
    """Write each credential as one document (the CLI gives one file per credential)."""
    for position, cred in enumerate(credentials, start=1):
        if position > 1:
            report.add(Code.NOTE, "several credentials in one stream: EDC XML holds one per "
                       "document; they are concatenated (use -o DIR for one file each)",
                       format=FORMAT)
        root = _Writer(cred, report).build()
        stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))


def to_element(cred: MicroCredential, report: Report | None = None) -> Any:
    """The ``europassCredential`` element of one credential (no serialisation)."""
    return _Writer(cred, report or Report()).build()


def _is_uri(value: str) -> bool:
    """An absolute URI (``http://…``, ``urn:…``): what a coded element's ``@uri`` may hold."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None


def _sub(parent: Any, name: str, text: str | None = None, ns: str | None = None,
         **attrs: str) -> Any:
    element = etree.SubElement(parent, q(name, ns) if ns else q(name))
    for key, value in attrs.items():
        element.set(key.replace("_", "-"), value)
    if text is not None:
        element.text = text
    return element


class _Writer:
    """Builds one document; ``ext`` holds this format's own extensions."""

    def __init__(self, cred: MicroCredential, report: Report) -> None:
        self.cred = cred
        self.report = report
        self.ext: dict[str, Any] = {k.split(":", 1)[1]: v for k, v in cred.extensions.items()
                                    if k.startswith(f"{FORMAT}:")}
        self.texts: dict[str, Any] = dict(self.ext.get("texts") or {})
        self.ids: dict[str, Any] = dict(self.ext.get("ids") or {})
        if self.ext.get("document_id"):
            # one achievement of a several-achievement document: written as a credential of
            # its own, under its own id and title
            self.texts.pop("credential_title", None)
            self.texts.pop("credential_description", None)
        self.orgs: dict[str, tuple[Organisation, str, str]] = {}
        self.languages: list[str] = []
        self._said: set[tuple[Code, str, str]] = set()
        self.primary = self._primary_language()

    # --- reporting and texts -------------------------------------------------------------

    def note(self, code: Code, detail: str, field: str) -> None:
        """Add a writer message for the current record (once per message)."""
        key = (code, detail, field)
        if key in self._said:
            return
        self._said.add(key)
        self.report.add(code, detail, field=field, format=FORMAT)

    def _primary_language(self) -> str:
        for lang in self.cred.title:
            base = lang.split("-")[0]
            if base in XML_LANGUAGES:
                return base
        return "en"

    def lang_texts(self, text: dict[str, str], field: str) -> list[tuple[str, str]]:
        """(lang, text) pairs the XSD accepts: one per allowed language; ``und`` becomes the
        primary language; other languages are left out and reported."""
        out: dict[str, str] = {}
        for lang, value in text.items():
            base = lang.split("-")[0]
            if base == "und":
                if self.primary in out or self.primary in text:
                    self.note(Code.APPROXIMATED, "a text of unknown language was left out "
                              f"(the {self.primary} text is written)", field)
                    continue
                self.note(Code.APPROXIMATED, f"text of unknown language written as "
                          f"{self.primary!r}", field)
                base = self.primary
            if base not in XML_LANGUAGES:
                self.note(Code.APPROXIMATED, f"language {lang!r} is not one of the 29 that "
                          "EDC XML allows; that text is left out", field)
                continue
            if base in out:
                continue
            out[base] = value
            if base not in self.languages:
                self.languages.append(base)
        return list(out.items())

    def text_el(self, parent: Any, name: str, text: dict[str, str], field: str,
                *, note: bool = False, always: bool = False) -> Any | None:
        """A TextType (or NoteType when ``note``) element; none when empty and not ``always``.
        A NoteType needs one text, so an empty note is not written."""
        pairs = self.lang_texts(text, field)
        if not pairs and (note or not always):
            return None
        element = _sub(parent, name)
        for lang, value in pairs:
            _sub(element, "text", value, lang=lang, content_type="text/plain")
        return element

    def one_text(self, parent: Any, name: str, value: str | None, field: str,
                 *, always: bool = False) -> Any | None:
        """A TextType holding a plain string in the primary language."""
        if value is None:
            return _sub(parent, name) if always else None
        return self.text_el(parent, name, {self.primary: value}, field, always=always)

    def code_el(self, parent: Any, name: str, uri: str, framework: str, label: str,
                *, notation: str | None = None, framework_name: str | None = None) -> Any:
        """A CodeType element: ``@uri``, ``@targetFrameworkUrl`` and a ``targetName``."""
        element = _sub(parent, name)
        element.set("targetFrameworkUrl", framework)
        if notation:
            element.set("targetNotation", notation)
        element.set("uri", uri)
        target = _sub(element, "targetName")
        _sub(target, "text", label or uri, lang="en", content_type="text/plain")
        if framework_name:
            fw = _sub(element, "targetFrameworkName")
            _sub(fw, "text", framework_name, lang="en", content_type="text/plain")
        return element

    # --- the document ----------------------------------------------------------------------

    def build(self) -> Any:
        """The ``europassCredential`` element, children in schema order."""
        cred = self.cred
        root = etree.Element(q("europassCredential"), nsmap=NSMAP)
        root.set(q("schemaLocation", XSI), SCHEMA_LOCATION)
        root.set("xsdVersion", XSD_VERSION)
        doc_id = cred.id
        if not doc_id:
            doc_id = f"urn:credential:{uuid.uuid5(uuid.NAMESPACE_URL, cred.to_json())}"
            self.note(Code.DEFAULTED, f"the credential has no id; {doc_id} (derived from its "
                      "content) is written", "id")
        root.set(q("id", CRED), doc_id)
        self.credential_type(root)
        primary = _sub(root, "primaryLanguage", self.primary)
        available = _sub(root, "availableLanguages")
        if cred.issued is not None:
            _sub(root, "validFrom", format_datetime(cred.issued), ns=CRED)
        sealed = self.ext.get("sealed")
        if sealed:
            issued_text = str(sealed)
        elif cred.issued is not None:
            issued_text = format_datetime(cred.issued)
            self.note(Code.DEFAULTED, "cred:issued (the sealing time, required) is set to the "
                      "date of issuing", "issued")
        else:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            issued_text = format_datetime(now)
            self.note(Code.DEFAULTED, "no date of issuing: cred:issued (required) is set to "
                      "the time of conversion", "issued")
        _sub(root, "issued", issued_text, ns=CRED)
        if cred.valid_until is not None:
            _sub(root, "validUntil", format_datetime(cred.valid_until), ns=CRED)
        issuer = cred.issuer or (cred.awarding_bodies[0] if cred.awarding_bodies else None)
        if issuer is None:
            issuer = Organisation()
            self.note(Code.DEFAULTED, "no issuer or awarding body: an organisation without "
                      "name or registration is written as cred:issuer (required)", "issuer")
        role = "issuer" if cred.issuer else "awarding_bodies[]"
        _sub(root, "issuer", ns=CRED, idref=self.org_id(issuer, role))
        title = self.texts.get("credential_title") or cred.title
        self.text_el(root, "title", title, "title", always=True)
        description = self.texts.get("credential_description") or cred.description
        self.text_el(root, "description", description, "description")
        subject = self.subject(root)
        refs = _References(self)
        self.achievement(subject, refs)
        refs.write(root)
        # languages known only now: every text has been written
        if not self.languages:
            self.languages.append(self.primary)
        if self.primary not in self.languages:
            self.languages.insert(0, self.primary)
        for lang in [self.primary] + [x for x in self.languages if x != self.primary]:
            _sub(available, "language", lang)
        primary.text = self.primary
        return root

    def credential_type(self, root: Any) -> None:
        code = self.cred.credential_type
        uri = None
        label = "Generic"
        if code:
            voc = vocab.vocabulary("credential_type")
            if code in voc.codes:
                uri = voc.uri(code)
                label = voc.label(code)
            elif code.startswith("http://data.europa.eu/snb/credential/"):
                uri, label = code, code
        if not code:
            self.note(Code.DEFAULTED, "no credential type: written as Generic (the schema "
                      "requires a type)", "credential_type")
        if uri is None or not uri.startswith("http://data.europa.eu/snb/credential/"):
            if code:
                self.note(Code.APPROXIMATED, f"credential type {code!r} has no EDC credential "
                          "type: written as Generic", "credential_type")
            uri = vocab.vocabulary("credential_type").uri("generic") or ""
            label = "Generic"
        self.code_el(root, "type", uri, CREDENTIAL_TYPE_FW, label,
                     framework_name="Europass Standard List of Credential Types")

    def subject(self, root: Any) -> Any:
        """``credentialSubject`` (PersonType order) from the learner."""
        learner = self.cred.learner
        subject = _sub(root, "credentialSubject")
        learner_id = learner.id if learner and learner.id else None
        if not learner_id:
            learner_id = "urn:epass:person:1"
            if learner is not None:
                self.note(Code.DEFAULTED, f"the learner has no id; {learner_id} is written "
                          "(the schema requires one)", "learner.id")
        subject.set("id", learner_id)
        if learner is None:
            self.note(Code.DEFAULTED, "no learner: empty givenNames and familyName are written "
                      "(required)", "learner")
            _sub(subject, "givenNames")
            _sub(subject, "familyName")
            return subject
        for ident in learner.identifiers:
            el = _sub(subject, "identifier", ident.value)
            if ident.scheme:
                el.set("schemeID", ident.scheme)
            if ident.hashed:
                self.note(Code.APPROXIMATED, "a hashed identifier is written as a plain "
                          "identifier (EDC XML has no hash flag)", "learner.identifiers")
        nid = learner.national_id
        if nid is not None and not nid.country:
            self.note(Code.APPROXIMATED, "national id without country written as an "
                      "identifier (nationalId needs a country)", "learner.national_id")
            _sub(subject, "identifier", nid.value, schemeID="national id")
        if learner.email:
            cp = _sub(subject, "contactPoint")
            _sub(cp, "mailBox", uri=f"mailto:{learner.email}")
        if nid is not None and nid.country:
            alpha3 = vocab.countries().get(nid.country).extra["alpha3"]
            _sub(subject, "nationalId", nid.value, spatialID=alpha3)
        self.one_text(subject, "fullName", learner.full_name, "learner.full_name")
        if learner.given_name is None or learner.family_name is None:
            self.note(Code.DEFAULTED, "givenNames and familyName are required: a missing one is "
                      "written empty", "learner.given_name")
        self.one_text(subject, "givenNames", learner.given_name, "learner.given_name",
                      always=True)
        self.one_text(subject, "familyName", learner.family_name, "learner.family_name",
                      always=True)
        if learner.birth_date:
            _sub(subject, "dateOfBirth", learner.birth_date.isoformat())
        for country in learner.citizenship:
            self.country_el(subject, "citizenshipCountry", country)
        return subject

    def country_el(self, parent: Any, name: str, code: str) -> Any:
        """A country CodeType (EU country authority)."""
        concept = vocab.countries().get(code)
        return self.code_el(parent, name, concept.uri or "", COUNTRY_FW, concept.label,
                            notation="country", framework_name="Country")

    def org_id(self, org: Organisation, role: str) -> str:
        """The id under which ``org`` is written in ``agentReferences`` (deduplicated);
        ``role`` is its canonical path (``awarding_bodies[]``, ``issuer``...)."""
        key = org.id or org.model_dump_json()
        if key in self.orgs:
            known = self.orgs[key][0]
            if org.id and known != org:
                self.note(Code.APPROXIMATED, f"two different organisations share the id "
                          f"{org.id}: the first one is written", f"{role}.id")
            return self.orgs[key][1]
        ident = org.id or self._free_org_id()
        if org.id is None:
            self.note(Code.DEFAULTED, f"an organisation without id is written as {ident} (the "
                      "schema links organisations by id)", f"{role}.id")
            if role.endswith("[]"):
                self.note(Code.APPROXIMATED, "organisations without id read back with the "
                          "generated ids", f"{role}.id")
        self.orgs[key] = (org, ident, role)
        return ident

    def _free_org_id(self) -> str:
        """A generated organisation id that no organisation of the credential uses."""
        c = self.cred
        taken = {o.id for o in [*c.awarding_bodies, c.issuer, c.provider,
                                *(c.assessment.assessors if c.assessment else [])]
                 if o is not None and o.id}
        taken |= {i for _, i, _r in self.orgs.values()}
        n = len(self.orgs) + 1
        while f"urn:epass:org:{n}" in taken:
            n += 1
        return f"urn:epass:org:{n}"

    # --- achievement and its specification ---------------------------------------------------

    def achievement(self, subject: Any, refs: _References) -> None:
        """``achievements/learningAchievement`` with assessment, activity and awarding process."""
        cred = self.cred
        kind = self.ext.get("achievement_kind") or "learningAchievement"
        achievements = _sub(subject, "achievements")
        ach = _sub(achievements, kind)
        ach.set("id", self.ids.get("achievement") or "urn:epass:learningAchievement:1")
        title = self.texts.get("achievement_title") or cred.title
        self.text_el(ach, "title", title, "title", always=True)
        desc = self.texts.get("achievement_description")
        if desc is None and self.texts.get("credential_description") and cred.description:
            desc = cred.description
        if desc:
            self.text_el(ach, "description", desc, "description", note=True)
        if cred.assessment is not None or cred.assessed is not None:
            self.assessment(ach, refs)
        if cred.provider is not None:
            activity = _sub(ach, "wasInfluencedBy", id="urn:epass:activity:1")
            self.one_text(activity, "title", "Learning activity", "provider", always=True)
            self.note(Code.APPROXIMATED, "the provider is written as the organisation that "
                      "directed a learning activity", "provider")
            _sub(activity, "directedBy", idref=self.org_id(cred.provider, "provider"))
        if cred.awarding_bodies:
            process_id = self.ids.get("awarding_process") or "urn:epass:awardingProcess:1"
            _sub(ach, "wasAwardedBy", idref=process_id)
            refs.awarding = (process_id, [self.org_id(b, "awarding_bodies[]")
                                          for b in cred.awarding_bodies])
        spec_id = self.specification(refs)
        _sub(ach, "specifiedBy", idref=spec_id)

    def assessment(self, ach: Any, refs: _References) -> None:
        """``wasDerivedFrom`` (AssessmentType order) and its assessment specification."""
        a = self.cred.assessment
        el = _sub(ach, "wasDerivedFrom", id=self.ids.get("assessment")
                  or "urn:epass:assessment:1")
        title = self.texts.get("assessment_title")
        if not title:
            title = {self.primary: "Assessment"}
            self.note(Code.DEFAULTED, "an assessment needs a title: 'Assessment' is written",
                      "assessment")
        self.text_el(el, "title", title, "assessment", always=True)
        if a is not None and a.description:
            self.text_el(el, "description", a.description, "assessment.description", note=True)
        grade = a.grade.value if a is not None and a.grade is not None else None
        if grade is None:
            self.note(Code.DEFAULTED, "an assessment needs a grade: an empty grade is written",
                      "assessment.grade.value")
        _sub(el, "grade", grade or "")
        if a is not None and a.grade is not None and a.grade.status:
            self.note(Code.APPROXIMATED, "EDC XML has no grade status; not written",
                      "assessment.grade.status")
        if self.cred.assessed is not None:
            _sub(el, "issuedDate", format_datetime(self.cred.assessed))
        if a is not None and a.supervision:
            voc = vocab.vocabulary("supervision")
            uri = voc.lookup(a.supervision) and voc.uri(a.supervision)
            if uri is None and _is_uri(a.supervision):
                uri = a.supervision
            if uri:
                label = voc.label(a.supervision) if a.supervision in voc.codes else uri
                self.code_el(el, "idVerificationMethod", uri, SUPERVISION_FW, label,
                             framework_name="Europass Standard List of Methods Of Supervision "
                             "And Verification")
            else:
                self.note(Code.APPROXIMATED, f"supervision {a.supervision!r} has no EU concept "
                          "URI; written as the assessment's additional note", "assessment")
                note = el.find(q("description"))
                n = etree.Element(q("additionalNote"))
                _sub(n, "text", voc.label(a.supervision), lang=self.primary,
                     content_type="text/plain")
                _sub(n, "subject", "Supervision and identity verification")
                (note.addnext(n) if note is not None else el.find(q("title")).addnext(n))
        if a is not None:
            for assessor in a.assessors:
                _sub(el, "assessedBy", idref=self.org_id(assessor, "assessment.assessors[]"))
        if a is not None and (a.types or (a.grade and a.grade.scheme)):
            spec_id = self.ids.get("assessment_specification") or \
                "urn:epass:assessmentSpecification:1"
            _sub(el, "specifiedBy", idref=spec_id)
            refs.assessment_spec = self.assessment_spec(spec_id, refs)

    def assessment_spec(self, spec_id: str, refs: _References) -> Any:
        """``assessmentSpecification`` with types and grading scheme."""
        a = self.cred.assessment
        assert a is not None
        spec = etree.Element(q("assessmentSpecification"), id=spec_id)
        title = self.texts.get("assessment_specification_title")
        if title:
            self.text_el(spec, "title", title, "assessment")
        voc = vocab.vocabulary("assessment_type")
        for t in a.types:
            uri = voc.uri(t) if t in voc.codes else (t if _is_uri(t) else None)
            if uri is None:
                self.note(Code.APPROXIMATED, f"assessment type {t!r} has no EU concept URI; "
                          "not written", "assessment.types")
                continue
            label = voc.label(t) if t in voc.codes else t
            self.code_el(spec, "type", uri, ASSESSMENT_FW, label,
                         framework_name="Europass Standard List Of Assessment Types")
        scheme = a.grade.scheme if a.grade else None
        if scheme is not None:
            if scheme.min or scheme.max or scheme.pass_:
                self.note(Code.APPROXIMATED, "grading scheme: min/max/pass marks are not "
                          "written (EDC XML has only title and description)",
                          "assessment.grade.scheme")
            scheme_id = self.ids.get("scoring_scheme") or "urn:epass:scoringScheme:1"
            _sub(spec, "gradingScheme", idref=scheme_id)
            s = etree.Element(q("scoringScheme"), id=scheme_id)
            self.text_el(s, "title", scheme.name, "assessment.grade.scheme.name")
            self.text_el(s, "description", scheme.description,
                         "assessment.grade.scheme.description", note=True)
            refs.scoring = s
        return spec

    def specification(self, refs: _References) -> str:
        """The ``qualification`` (when levels are present) or ``learningSpecification``."""
        cred = self.cred
        levels = cred.levels
        has_levels = levels is not None and (levels.eqf is not None or bool(levels.nqf))
        partial = cred.stackability is not None and \
            cred.stackability.partial_qualification is not None
        kind = "qualification" if has_levels or partial else "learningSpecification"
        default_id = f"urn:epass:{kind}:1"
        spec_id = self.ids.get("specification") or default_id
        spec = etree.Element(q(kind), id=spec_id)
        for t in self.ext.get("specification_types") or []:
            self.code_el(spec, "type", t, "http://data.europa.eu/snb/learning-opportunity/"
                         "25831c2", t)
        title = self.texts.get("specification_title") or cred.title
        self.text_el(spec, "title", title, "title")
        desc = self.texts.get("specification_description")
        if desc:
            self.text_el(spec, "description", desc, "description", note=True)
        self.spec_notes(spec)
        further = cred.further_information
        if further is not None:
            for link in further.links:
                if link.startswith(("http://", "https://")):
                    _sub(spec, "supplementaryDoc", uri=link)
                else:
                    self.note(Code.APPROXIMATED, f"link {link!r} is not an http(s) URL; not "
                              "written", "further_information.links")
        for code in cred.fields_of_study:
            self.code_el(spec, "hasISCED-FCode", vocab.isced_f().uri(code) or "", ISCED_F_FW,
                         vocab.isced_f().label(code),
                         framework_name="International Standard Classification of Education: "
                         "Fields of Education and Training 2013")
        self.workload(spec)
        for lang in cred.languages:
            concept = vocab.languages().get(lang.split("-")[0])
            self.code_el(spec, "language", concept.uri or "", LANGUAGE_FW, concept.label,
                         notation="language", framework_name="Language")
        p = cred.participation
        if p is not None:
            voc = vocab.vocabulary("mode")
            for mode in p.modes:
                uri = voc.uri(mode) if mode in voc.codes else mode
                if not uri or not _is_uri(uri):
                    self.note(Code.APPROXIMATED, f"mode {mode!r} has no URI; not written",
                              "participation.modes")
                    continue
                self.code_el(spec, "mode", uri, MODE_FW, voc.label(mode) if mode in voc.codes
                             else mode, framework_name="Europass Standard List of Modes Of "
                             "Learning and Assessment")
            if p.setting and p.setting != "informal":
                setting = vocab.vocabulary("setting")
                self.code_el(spec, "learningSettingType", setting.uri(p.setting) or "",
                             SETTING_FW, setting.label(p.setting),
                             framework_name="Europass Standard List Of Learning Setting Types")
            if p.languages:
                self.note(Code.APPROXIMATED, "participation.languages are not written (use "
                          "languages)", "participation.languages")
        if cred.access_requirements:
            self.text_el(spec, "entryRequirementsNote", cred.access_requirements,
                         "access_requirements", note=True)
        if cred.learning_outcomes:
            los = _sub(spec, "learningOutcomes")
            lo_ids = list(self.ids.get("learning_outcomes") or [])
            for i, lo in enumerate(cred.learning_outcomes, start=1):
                lo_id = lo_ids[i - 1] if i - 1 < len(lo_ids) and lo_ids[i - 1] else \
                    f"urn:epass:learningOutcome:{i}"
                _sub(los, "learningOutcome", idref=lo_id)
                refs.outcomes.append(self.outcome(lo, lo_id))
        if kind == "qualification":
            self.qualification_tail(spec, refs)
        else:
            self.stack_refs(spec, refs, many_into=True)
        refs.spec = spec
        return spec_id

    def spec_notes(self, spec: Any) -> None:
        """``additionalNote``s: further information, QA, pathways and credbridge notes."""
        cred = self.cred

        def note(text: dict[str, str], field: str, subject: str | None = None,
                 topic: str | None = None) -> None:
            el = self.text_el(spec, "additionalNote", text, field, note=True)
            if el is not None and (subject or topic):
                s = _sub(el, "subject", subject or "")
                if topic:
                    s.set("uri", topic)

        if cred.further_information is not None and cred.further_information.text:
            note(cred.further_information.text, "further_information.text")
        for qa in cred.quality_assurance:
            text = dict(qa.description)
            extra = [v for v in (qa.type, qa.body and next(iter(qa.body.name.values()), None),
                                 qa.register_entry, qa.decision) if v]
            if extra:
                self.note(Code.APPROXIMATED, "quality assurance written as an additional note "
                          "(type, body, register entry and decision as text)",
                          "quality_assurance")
                line = "; ".join(extra)
                text = {k: f"{v} ({line})" for k, v in text.items()} or {self.primary: line}
            note(text, "quality_assurance", "Quality assurance", TOPIC_QA)
        st = cred.stackability
        if st is not None and st.note:
            note(st.note, "stackability.note", "Pathways", TOPIC_PATHWAYS)
        if st is not None and st.standalone is not None:
            note({self.primary: str(st.standalone).lower()}, "stackability.standalone",
                 NOTE_STANDALONE)
        lv = cred.levels
        if lv is not None and lv.qf_ehea:
            note({self.primary: lv.qf_ehea}, "levels.qf_ehea", NOTE_QF_EHEA)
        if lv is not None and lv.sqf is not None:
            value = lv.sqf.level + (f"|{lv.sqf.sector}" if lv.sqf.sector else "")
            note({self.primary: value}, "levels.sqf", NOTE_SQF)
        if lv is not None and lv.isced_level is not None:
            note({self.primary: str(lv.isced_level)}, "levels.isced_level", NOTE_ISCED_LEVEL)
        if cred.participation is not None and cred.participation.setting == "informal":
            self.note(Code.APPROXIMATED, "informal learning has no EU learning-setting concept: "
                      "written as an additional note", "participation.setting")
            note({self.primary: "informal learning"}, "participation.setting", NOTE_INFORMAL)

    def workload(self, spec: Any) -> None:
        """``volumeOfLearning``, ``hasECTSCreditPoints``, ``hasCreditPoints``."""
        w = self.cred.workload
        extra_points = self.ext.get("credit_points") or []
        if w is None and not extra_points:
            return
        if w is not None and w.hours is not None:
            _sub(spec, "volumeOfLearning", hours_duration(w.hours))
        ects = w.ects if w is not None else None
        credits = list(w.credits) if w is not None else []
        if ects is None:
            ects = next((c.value for c in credits if c.system == "ects"), None)
            if ects is not None:
                self.note(Code.DEFAULTED, "the ECTS entry of credits is written as "
                          "hasECTSCreditPoints (and reads back as workload.ects)",
                          "workload.ects")
        elif any(c.system == "ects" and c.value == ects for c in credits):
            self.note(Code.APPROXIMATED, "the ECTS entry of credits is the ECTS credit "
                      "points (hasECTSCreditPoints), written once", "workload.credits")
        if ects is not None:
            _sub(spec, "hasECTSCreditPoints", decimal_text(ects), schemeID=ECTS_SCHEME)
        for c in credits:
            if c.system == "ects" and c.value == ects:
                continue
            scheme = {"ects": ECTS_SCHEME, "ecvet": ECVET_SCHEME}.get(c.system)
            if scheme is None:
                self.note(Code.APPROXIMATED, f"credits in system {c.system!r}: EDC XML knows "
                          "only ECTS and ECVET; not written", "workload.credits")
                continue
            _sub(spec, "hasCreditPoints", decimal_text(c.value), schemeID=scheme)
        for value in extra_points:
            _sub(spec, "hasCreditPoints", decimal_text(value))

    def qualification_tail(self, spec: Any, refs: _References) -> None:
        """``isPartialQualification``, ``eqfLevel``, ``nqfLevel``, parts of a qualification."""
        st = self.cred.stackability
        if st is not None and st.partial_qualification is not None:
            _sub(spec, "isPartialQualification", str(st.partial_qualification).lower())
        lv = self.cred.levels
        if lv is not None and lv.eqf is not None:
            self.code_el(spec, "eqfLevel", f"http://data.europa.eu/snb/eqf/{lv.eqf}", EQF_FW,
                         f"Level {lv.eqf}", framework_name="European Qualifications Framework")
        if lv is not None:
            for nqf in lv.nqf:
                if not nqf.uri:
                    self.note(Code.APPROXIMATED, "an NQF level without URI is not written",
                              "levels.nqf")
                    continue
                label = next(iter(nqf.label.values()), nqf.uri)
                self.code_el(spec, "nqfLevel", nqf.uri, NQF_FW, label,
                             framework_name="National Qualifications Framework")
        self.stack_refs(spec, refs, many_into=False)

    def stack_refs(self, spec: Any, refs: _References, *, many_into: bool) -> None:
        """``hasPart`` / ``specializationOf`` links, with stub specifications they point to."""
        st = self.cred.stackability
        if st is None:
            return
        for part in st.parts:
            if part.id:
                _sub(spec, "hasPart", idref=part.id)
                refs.stub(part.id, part.title)
        into = [r for r in st.stacks_into if r.id]
        if not many_into and len(into) > 1:
            self.note(Code.APPROXIMATED, "a qualification specialises one specification: only "
                      "the first 'stacks_into' is written", "stackability.stacks_into")
            into = into[:1]
        for ref in into:
            assert ref.id is not None
            _sub(spec, "specializationOf", idref=ref.id)
            refs.stub(ref.id, ref.title)

    def outcome(self, lo: LearningOutcome, lo_id: str) -> Any:
        """A ``learningOutcome`` of ``learningOutcomeReferences``."""
        el = etree.Element(q("learningOutcome"), id=lo_id)
        if lo.code:
            _sub(el, "identifier", lo.code)
        label = self.text_el(el, "prefLabel", lo.text, "learning_outcomes[].text", always=True)
        if label is None or not len(label):
            self.note(Code.DEFAULTED, "a learning outcome without text is written with an "
                      "empty label", "learning_outcomes[].text")
        if lo.skill_type:
            if lo.skill_type in SKILL_TYPES_WITH_URI:
                self.code_el(el, "learningOutcomeType", SKILL_TYPE_BASE + lo.skill_type,
                             SKILL_TYPE_FW, lo.skill_type,
                             framework_name="ESCO Skill Pillar concept (sub-) Types")
            elif _is_uri(lo.skill_type):
                self.code_el(el, "learningOutcomeType", lo.skill_type, SKILL_TYPE_FW,
                             lo.skill_type)
            else:
                self.note(Code.APPROXIMATED, f"skill type {lo.skill_type!r} has no ESCO URI; "
                          "not written", "learning_outcomes[].skill_type")
        related_esco = [r for r in lo.related if r.startswith("http://data.europa.eu/esco/")]
        for r in lo.related:
            if r not in related_esco:
                fw = r.rsplit("/", 1)[0] if "/" in r else r
                if fw.startswith(("http://", "https://")):
                    self.code_el(el, "relatedSkill", r, fw, r)
        for uri in ([lo.esco_skill] if lo.esco_skill else []) + related_esco:
            self.code_el(el, "relatedEscoSkill", uri, ESCO_FW, uri, notation="Skill")
        return el

    def organisation(self, org: Organisation, ident: str, role: str) -> Any:
        """An ``organization`` (OrganizationType order); ``role`` is its canonical path."""
        el = etree.Element(q("organization"), id=ident)
        for i in org.identifiers:
            x = _sub(el, "identifier", i.value)
            if i.scheme:
                x.set("schemeID", i.scheme)
        if org.email:
            cp = _sub(el, "contactPoint")
            _sub(cp, "mailBox", uri=f"mailto:{org.email}")
        legal = org.legal_identifier
        reg = _sub(el, "registration", legal.value if legal else "")
        if legal is not None and legal.country:
            reg.set("spatialID", legal.country)
        if legal is None:
            self.note(Code.DEFAULTED, f"organisation {ident}: registration is required; an "
                      "empty one is written", f"{role}.legal_identifier")
        if not org.name:
            self.note(Code.DEFAULTED, f"organisation {ident}: prefLabel is required; an empty "
                      "one is written", f"{role}.name")
        self.text_el(el, "prefLabel", org.name, f"{role}.name", always=True)
        if org.url:
            _sub(el, "homepage", uri=org.url)
        location = _sub(el, "hasLocation")
        if org.country or org.address:
            address = _sub(location, "hasAddress")
            if org.address:
                self.text_el(address, "fullAddress", {self.primary: org.address},
                             f"{role}.address", note=True)
            if org.country:
                self.country_el(address, "country", org.country)
            else:
                self.note(Code.APPROXIMATED, f"organisation {ident}: an address needs a country; "
                          "the address is not written", f"{role}.address")
                location.remove(address)
        if org.region:
            if org.region.startswith(("http://", "https://")):
                self.code_el(location, "spatialCode", org.region,
                             org.region.rsplit("/", 1)[0], org.region)
            else:
                self.note(Code.APPROXIMATED, f"region {org.region!r} is not a URI; not written",
                          f"{role}.region")
        if org.accreditations:
            self.note(Code.APPROXIMATED, "organisation accreditations are not written",
                      f"{role}.accreditations")
        return el


class _References:
    """The ``…References`` sections, written in schema order at the end."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.spec: Any | None = None
        self.stubs: dict[str, Any] = {}
        self.outcomes: list[Any] = []
        self.assessment_spec: Any | None = None
        self.awarding: tuple[str, list[str]] | None = None
        self.scoring: Any | None = None

    def stub(self, ident: str, title: dict[str, str]) -> None:
        """A minimal ``learningSpecification`` that a part / specialisation link names."""
        if ident in self.stubs:
            return
        el = etree.Element(q("learningSpecification"), id=ident)
        if title:
            self.writer.text_el(el, "title", title, "stackability")
        self.stubs[ident] = el

    def write(self, root: Any) -> None:
        """Append the sections to ``root`` in schema order."""
        if self.spec is not None:
            section = _sub(root, "learningSpecificationReferences")
            section.append(self.spec)
            spec_id = self.spec.get("id")
            for ident, el in self.stubs.items():
                if ident != spec_id:
                    section.append(el)
        if self.outcomes:
            section = _sub(root, "learningOutcomeReferences")
            for el in self.outcomes:
                section.append(el)
        if self.assessment_spec is not None:
            _sub(root, "assessmentSpecificationReferences").append(self.assessment_spec)
        orgs = self.writer.orgs
        if orgs:
            section = _sub(root, "agentReferences")
            for org, ident, role in orgs.values():
                section.append(self.writer.organisation(org, ident, role))
        if self.awarding is not None:
            process_id, bodies = self.awarding
            section = _sub(root, "awardingProcessReferences")
            process = _sub(section, "awardingProcess", id=process_id)
            for body in bodies:
                _sub(process, "awardingBody", idref=body)
        if self.scoring is not None:
            _sub(root, "scoringSchemeReferences").append(self.scoring)

