"""The EDC XML writer's specifications: the qualification or learning specification, its
learning outcomes, notes (further information, QA, credbridge notes) and workload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.model import LearningOutcome
from credbridge.report import Code
from lxml import etree

from .names import (
    ASSESSMENT_FW,
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
    SETTING_FW,
    SKILL_TYPE_BASE,
    SKILL_TYPE_FW,
    TOPIC_PATHWAYS,
    TOPIC_QA,
    q,
    qa_note_lines,
)
from .values import decimal_text, hours_duration
from .write_agents import AgentWriter
from .write_base import is_uri, sub

if TYPE_CHECKING:
    from .write_references import References


SKILL_TYPES_WITH_URI = ("knowledge", "skill", "competence")


class SpecificationWriter(AgentWriter):
    """The specification (``qualification`` when levels are present), its outcomes, notes and
    workload, and the assessment specification."""

    def specification(self, refs: References) -> str:
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
                    sub(spec, "supplementaryDoc", uri=link)
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
            primary = lang.split("-")[0]
            if primary not in vocab.languages():
                self.note(Code.APPROXIMATED, f"language {lang!r} has no EU language concept; "
                          "not written", "languages")
                continue
            if primary != lang:
                self.note(Code.APPROXIMATED, f"language {lang!r} written as {primary!r} (the EU "
                          "language authority has no regional variants)", "languages")
            concept = vocab.languages().get(primary)
            self.code_el(spec, "language", concept.uri or "", LANGUAGE_FW, concept.label,
                         notation="language", framework_name="Language")
        p = cred.participation
        if p is not None:
            voc = vocab.vocabulary("mode")
            for mode in p.modes:
                uri = voc.uri(mode) if mode in voc.codes else mode
                if not uri or not is_uri(uri):
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
        if cred.access_requirements:
            self.text_el(spec, "entryRequirementsNote", cred.access_requirements,
                         "access_requirements", note=True)
        if cred.learning_outcomes:
            los = sub(spec, "learningOutcomes")
            lo_ids = list(self.ids.get("learning_outcomes") or [])
            for i, lo in enumerate(cred.learning_outcomes, start=1):
                lo_id = lo_ids[i - 1] if i - 1 < len(lo_ids) and lo_ids[i - 1] else \
                    f"urn:epass:learningOutcome:{i}"
                sub(los, "learningOutcome", idref=lo_id)
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
            """One ``additionalNote`` with its subject (and topic URI)."""
            el = self.text_el(spec, "additionalNote", text, field, note=True)
            if el is not None and (subject or topic):
                s = sub(el, "subject", subject or "")
                if topic:
                    s.set("uri", topic)

        if cred.further_information is not None and cred.further_information.text:
            note(cred.further_information.text, "further_information.text")
        for qa in cred.quality_assurance:
            text = dict(qa.description)
            body = qa.body and next(iter(qa.body.name.values()), None)
            lines = qa_note_lines({"type": qa.type or "", "body": body or "",
                                   "decision": qa.decision or "",
                                   "register_entry": qa.register_entry or "",
                                   "valid_until": qa.valid_until.isoformat()
                                   if qa.valid_until else ""})
            if lines:
                self.note(Code.APPROXIMATED, "quality assurance written as an additional note "
                          "(type, body name, decision, register entry and expiry as labelled "
                          "lines, read back)", "quality_assurance")
                text = {k: f"{v}{lines}" for k, v in text.items()} or \
                    {self.primary: lines.lstrip("\n")}
            if qa.body is not None and qa.body.model_dump(exclude_defaults=True).keys() - {"name"}:
                self.note(Code.DROPPED, "only the name of a QA body is written (in the quality "
                          "assurance note)", "quality_assurance[].body")
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
            sub(spec, "volumeOfLearning", hours_duration(w.hours))
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
            sub(spec, "hasECTSCreditPoints", decimal_text(ects), schemeID=ECTS_SCHEME)
        for c in credits:
            if c.system == "ects" and c.value == ects:
                continue
            scheme = {"ects": ECTS_SCHEME, "ecvet": ECVET_SCHEME}.get(c.system)
            if scheme is None:
                self.note(Code.APPROXIMATED, f"credits in system {c.system!r}: EDC XML knows "
                          "only ECTS and ECVET; not written", "workload.credits")
                continue
            sub(spec, "hasCreditPoints", decimal_text(c.value), schemeID=scheme)
        for value in extra_points:
            sub(spec, "hasCreditPoints", decimal_text(value))

    def qualification_tail(self, spec: Any, refs: References) -> None:
        """``isPartialQualification``, ``eqfLevel``, ``nqfLevel``, parts of a qualification."""
        st = self.cred.stackability
        if st is not None and st.partial_qualification is not None:
            sub(spec, "isPartialQualification", str(st.partial_qualification).lower())
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

    def stack_refs(self, spec: Any, refs: References, *, many_into: bool) -> None:
        """``hasPart`` / ``specializationOf`` links, with stub specifications they point to."""
        st = self.cred.stackability
        if st is None:
            return
        for part in st.parts:
            if part.id:
                sub(spec, "hasPart", idref=part.id)
                refs.stub(part.id, part.title)
        into = [r for r in st.stacks_into if r.id]
        if not many_into and len(into) > 1:
            self.note(Code.APPROXIMATED, "a qualification specialises one specification: only "
                      "the first 'stacks_into' is written", "stackability.stacks_into")
            into = into[:1]
        for ref in into:
            assert ref.id is not None
            sub(spec, "specializationOf", idref=ref.id)
            refs.stub(ref.id, ref.title)

    def outcome(self, lo: LearningOutcome, lo_id: str) -> Any:
        """A ``learningOutcome`` of ``learningOutcomeReferences``."""
        el = etree.Element(q("learningOutcome"), id=lo_id)
        if lo.code:
            sub(el, "identifier", lo.code)
        label = self.text_el(el, "prefLabel", lo.text, "learning_outcomes[].text", always=True)
        if label is None or not len(label):
            self.note(Code.DEFAULTED, "a learning outcome without text is written with an "
                      "empty label", "learning_outcomes[].text")
        if lo.skill_type:
            if lo.skill_type in SKILL_TYPES_WITH_URI:
                self.code_el(el, "learningOutcomeType", SKILL_TYPE_BASE + lo.skill_type,
                             SKILL_TYPE_FW, lo.skill_type,
                             framework_name="ESCO Skill Pillar concept (sub-) Types")
            elif is_uri(lo.skill_type):
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
                else:
                    self.note(Code.APPROXIMATED, f"related skill {r!r} has no http(s) framework "
                              "(the schema requires one); not written",
                              "learning_outcomes[].related")
        for uri in ([lo.esco_skill] if lo.esco_skill else []) + related_esco:
            self.code_el(el, "relatedEscoSkill", uri, ESCO_FW, uri, notation="Skill")
        return el

    def assessment_spec(self, spec_id: str, refs: References) -> Any:
        """``assessmentSpecification`` with types and grading scheme."""
        a = self.cred.assessment
        assert a is not None
        spec = etree.Element(q("assessmentSpecification"), id=spec_id)
        title = self.texts.get("assessment_specification_title")
        if title:
            self.text_el(spec, "title", title, "assessment")
        voc = vocab.vocabulary("assessment_type")
        for t in a.types:
            uri = voc.uri(t) if t in voc.codes else (t if is_uri(t) else None)
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
            sub(spec, "gradingScheme", idref=scheme_id)
            s = etree.Element(q("scoringScheme"), id=scheme_id)
            self.text_el(s, "title", scheme.name, "assessment.grade.scheme.name")
            self.text_el(s, "description", scheme.description,
                         "assessment.grade.scheme.description", note=True)
            refs.scoring = s
        return spec
