"""The EDC XML reader's specifications: qualification / learning specification, learning
outcomes, assessment and accreditation."""

from __future__ import annotations

from typing import Any

from credbridge import vocab
from credbridge.report import Code

from .names import (
    NOTE_INFORMAL,
    NOTE_ISCED_LEVEL,
    NOTE_QF_EHEA,
    NOTE_SQF,
    NOTE_STANDALONE,
    TOPIC_PATHWAYS,
    TOPIC_QA,
    clean_uri,
    local,
    parse_qa_note,
    q,
)
from .read_agents import AgentReader
from .values import duration_hours


class SpecificationReader(AgentReader):
    """What a specification says: workload, levels, outcomes, participation, assessment..."""

    def specification(self, spec: Any, data: dict[str, Any], texts: dict[str, Any],
                      ids: dict[str, Any]) -> None:
        """A learning specification / qualification -> workload, levels, outcomes..."""
        texts["specification_title"] = self.text(self.child(spec, "title"))
        texts["specification_description"] = self.text(self.child(spec, "description"))
        spec_types = [self.code(t) for t in self.children(spec, "type")]
        if spec_types:
            data["extensions"]["edc-xml:specification_types"] = [t for t in spec_types if t]
        stack: dict[str, Any] = {}
        levels: dict[str, Any] = {}
        participation: dict[str, Any] = {}
        qas: list[dict[str, Any]] = []
        info_text = self._notes(spec, levels, participation, stack, qas)
        further: dict[str, Any] = {}
        links = [clean_uri(d.get("uri")) for d in
                 self.children(spec, "homepage") + self.children(spec, "supplementaryDoc")]
        for d in spec.findall(q("homepage")) + spec.findall(q("supplementaryDoc")):
            self.doc.use(d, deep=True)
        if info_text:
            further["text"] = {lang: "\n".join(lines) for lang, lines in info_text.items()}
        if links:
            further["links"] = [link for link in links if link]
        if further:
            data["further_information"] = further
        data["fields_of_study"] = [c for c in (self.isced_f(self.code(e)) for e in
                                               self.children(spec, "hasISCED-FCode")) if c]
        self._workload(spec, data)
        self._education_level(spec, levels)
        data["languages"] = [lang for lang in (self.language(self.code(e)) for e in
                                               self.children(spec, "language")) if lang]
        participation["modes"] = [self.coded(self.code(e), "mode", "participation.modes")
                                  for e in self.children(spec, "mode")]
        setting = self.code(self.child(spec, "learningSettingType"))
        if setting:
            participation["setting"] = self.coded(setting, "setting", "participation.setting")
        participation = {k: v for k, v in participation.items() if v}
        if participation:
            data["participation"] = participation
        entry = self.text(self.child(spec, "entryRequirementsNote"))
        if entry:
            data["access_requirements"] = entry
        self._outcomes(spec, data, ids)
        if local(spec) == "qualification":
            self._qualification(spec, levels, stack, qas)
        self._stack_links(spec, stack)
        if stack:
            data["stackability"] = {**data.get("stackability", {}), **stack}
        if levels:
            data["levels"] = levels
        if qas:
            data["quality_assurance"] = qas

    def _notes(self, spec: Any, levels: dict[str, Any], participation: dict[str, Any],
               stack: dict[str, Any], qas: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The specification's ``additionalNote``s: credbridge notes fill levels, setting and
        stackability; QA and pathway topics fill their fields; the rest, per language, is
        further information (``subject: text`` lines)."""
        info_text: dict[str, list[str]] = {}
        for note in self.children(spec, "additionalNote"):
            subject_el = note.find(q("subject"))
            self.doc.use(subject_el, deep=True)
            subject = (subject_el.text or "").strip() if subject_el is not None else ""
            topic = clean_uri(subject_el.get("uri")) if subject_el is not None else None
            content = self.text(note)
            first = next(iter(content.values()), "")
            if subject == NOTE_QF_EHEA:
                levels["qf_ehea"] = first
            elif subject == NOTE_SQF:
                level, _, sector = first.partition("|")
                levels["sqf"] = {"level": level, **({"sector": sector} if sector else {})}
            elif subject == NOTE_ISCED_LEVEL:
                levels["isced_level"] = first
            elif subject == NOTE_INFORMAL:
                participation["setting"] = "informal"
            elif subject == NOTE_STANDALONE:
                stack["standalone"] = first.strip().lower() == "true"
            elif topic == TOPIC_QA:
                qa: dict[str, Any] = {"description": {}}
                for lang, value in content.items():
                    text, fields = parse_qa_note(value)
                    if text:
                        qa["description"][lang] = text
                    if "body" in fields:
                        qa["body"] = {"name": {lang: fields.pop("body")}}
                    if "valid_until" in fields:
                        qa["valid_until"] = self.date(fields.pop("valid_until"),
                                                      "quality_assurance[].valid_until")
                    qa.update(fields)
                qas.append({k: v for k, v in qa.items() if v})
            elif topic == TOPIC_PATHWAYS:
                stack["note"] = content
            else:
                for lang, value in content.items():
                    info_text.setdefault(lang, []).append(f"{subject}: {value}" if subject
                                                          else value)
        return info_text

    def _workload(self, spec: Any, data: dict[str, Any]) -> None:
        """``volumeOfLearning``, ``hasECTSCreditPoints`` and ``hasCreditPoints``."""
        workload: dict[str, Any] = {}
        volume = self.value(self.child(spec, "volumeOfLearning"))
        if volume:
            parsed = duration_hours(volume)
            if parsed is None:
                self.ctx.say(Code.INVALID_VALUE, "workload.hours",
                             f"volumeOfLearning {volume!r} cannot be "
                             "turned into hours; kept as extension")
                data["extensions"]["edc-xml:volume_of_learning"] = volume
            else:
                hours, exact = parsed
                workload["hours"] = hours  # PT0H is a value: 0 hours
                if not exact:
                    self.ctx.say(Code.APPROXIMATED, "workload.hours",
                                 f"volumeOfLearning {volume} counted with 24-hour days")
        ects = self.number(self.value(self.child(spec, "hasECTSCreditPoints")), "workload.ects")
        if ects is not None:
            workload["ects"] = ects
        credits = []
        unscheduled = []
        for cp in self.children(spec, "hasCreditPoints"):
            amount = self.number(self.value(cp), "workload.credits")
            scheme = clean_uri(cp.get("schemeID"))
            if amount is None:
                continue
            if scheme:
                credits.append({"system": self.coded(scheme, "credit_system",
                                                     "workload.credits[].system"),
                                "value": amount})
            else:
                unscheduled.append(str(amount))
        if unscheduled:
            data["extensions"]["edc-xml:credit_points"] = unscheduled
            self.ctx.say(Code.KEPT_AS_EXTENSION, "workload.credits",
                         "hasCreditPoints without @schemeID (credit "
                         "system unknown) kept as extension edc-xml:credit_points")
        if credits:
            workload["credits"] = credits
        if workload:
            data["workload"] = workload

    def _education_level(self, spec: Any, levels: dict[str, Any]) -> None:
        """``hasEducationLevel``: no official ISCED 2011 scheme exists, so a URI ending in the
        level digit is read as the ISCED level (approximated); others stay unread."""
        for level in spec.findall(q("hasEducationLevel")):
            tail = (clean_uri(level.get("uri")) or "").rstrip("/").rsplit("/", 1)[-1]
            if tail in "012345678" and len(tail) == 1 and "isced_level" not in levels:
                self.code(level)
                levels["isced_level"] = int(tail)
                self.ctx.say(Code.APPROXIMATED, "levels.isced_level",
                             f"hasEducationLevel {level.get('uri')} read as ISCED 2011 level")

    def _outcomes(self, spec: Any, data: dict[str, Any], ids: dict[str, Any]) -> None:
        """``learningOutcomes/learningOutcome`` -> ``learningOutcomeReferences``."""
        los = self.child(spec, "learningOutcomes")
        outcomes = []
        lo_ids = []
        for ref in self.children(los, "learningOutcome"):
            lo = self.doc.resolve(ref, "learningOutcome")
            if lo is not None:
                self.doc.use(lo)
                outcomes.append(self.outcome(lo))
                lo_ids.append(clean_uri(lo.get("id")))
        if outcomes:
            data["learning_outcomes"] = outcomes
            ids["learning_outcomes"] = lo_ids

    def _qualification(self, spec: Any, levels: dict[str, Any], stack: dict[str, Any],
                       qas: list[dict[str, Any]]) -> None:
        """What only a ``qualification`` has: partial flag, EQF/NQF levels, accreditations."""
        partial = self.value(self.child(spec, "isPartialQualification"))
        if partial:
            stack["partial_qualification"] = partial.lower() in ("true", "1")
        eqf = self.code(self.child(spec, "eqfLevel"))
        if eqf:
            levels["eqf"] = eqf
        nqf = []
        for e in self.children(spec, "nqfLevel"):
            uri = self.code(e)
            label = self.text(e.find(q("targetName")))
            if uri in label.values():
                label = {}  # the writer's stand-in when no label is known
            nqf.append({"uri": uri, "label": label})
        if nqf:
            levels["nqf"] = nqf
        for acc in self.children(spec, "hasAccreditation"):
            target = self.doc.resolve(acc, "accreditation")
            if target is not None:
                qas.append(self.accreditation(target))

    def _stack_links(self, spec: Any, stack: dict[str, Any]) -> None:
        """``hasPart`` / ``specializationOf`` -> stackability parts / stacks_into."""
        parts = [{"id": clean_uri(p.get("idref"))} for p in self.children(spec, "hasPart")]
        for p in spec.findall(q("hasPart")):
            self._reference_title(p, parts)
        into = [{"id": clean_uri(p.get("idref"))} for p in
                self.children(spec, "specializationOf")]
        for p in spec.findall(q("specializationOf")):
            self._reference_title(p, into)
        if parts:
            stack["parts"] = parts
        if into:
            stack["stacks_into"] = into

    def _reference_title(self, ref: Any, items: list[dict[str, Any]]) -> None:
        """Add the title of a referenced specification to the matching item."""
        target = self.doc.resolve(ref, "learningSpecification", "qualification")
        if target is None:
            return
        title = target.find(q("title"))
        for item in items:
            if item["id"] == clean_uri(ref.get("idref")) and title is not None:
                self.doc.use(target)
                item["title"] = self.text(title)

    def outcome(self, lo: Any) -> dict[str, Any]:
        """``learningOutcome`` -> canonical LearningOutcome."""
        out: dict[str, Any] = {"text": {}}
        for label in self.children(lo, "prefLabel"):
            for lang, value in self.text(label).items():
                out["text"].setdefault(lang, value)
        identifiers = self.children(lo, "identifier")
        if identifiers:
            self.doc.use(identifiers[0], deep=True)
            out["code"] = (identifiers[0].text or "").strip() or None
        skill_type = self.code(self.child(lo, "learningOutcomeType"))
        if skill_type:
            tail = skill_type.rstrip("/").rsplit("/", 1)[-1]
            out["skill_type"] = vocab.vocabulary("skill_type").lookup(tail) or skill_type
        esco = [self.code(e) for e in self.children(lo, "relatedEscoSkill")]
        esco = [e for e in esco if e]
        if esco:
            out["esco_skill"] = esco[0]
        related = esco[1:] + [u for u in (self.code(e) for e in
                                          self.children(lo, "relatedSkill")) if u]
        if related:
            out["related"] = related
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def assessment(self, element: Any, data: dict[str, Any], texts: dict[str, Any],
                   ids: dict[str, Any]) -> None:
        """The achievement's top assessment (``wasDerivedFrom``) -> canonical assessment."""
        out: dict[str, Any] = {}
        ids["assessment"] = clean_uri(element.get("id"))
        texts["assessment_title"] = self.text(self.child(element, "title"))
        description = self.text(self.child(element, "description"))
        if description:
            out["description"] = description
        grade = self.value(self.child(element, "grade"))
        grade_out: dict[str, Any] = {}
        if grade:
            grade_out["value"] = grade
        issued = self.value(self.child(element, "issuedDate"))
        if issued:
            data["assessed"] = self.date(issued, "assessed")
        supervision = self.code(self.child(element, "idVerificationMethod"))
        if supervision:
            out["supervision"] = self.coded(supervision, "supervision", "assessment.supervision")
        assessors = []
        for ref in self.children(element, "assessedBy"):
            org = self.doc.resolve(ref, "organization")
            if org is not None:
                assessors.append(self.organisation(org))
        if assessors:
            out["assessors"] = assessors
        spec = self.doc.resolve(self.child(element, "specifiedBy"), "assessmentSpecification")
        if spec is not None:
            self.doc.use(spec)
            ids["assessment_specification"] = clean_uri(spec.get("id"))
            texts["assessment_specification_title"] = self.text(self.child(spec, "title"))
            out["types"] = [self.coded(self.code(t), "assessment_type", "assessment.types")
                            for t in self.children(spec, "type")]
            scheme_ref = self.child(spec, "gradingScheme")
            scheme = self.doc.resolve(scheme_ref, "scoringScheme")
            if scheme is not None:
                self.doc.use(scheme)
                ids["scoring_scheme"] = clean_uri(scheme.get("id"))
                grade_out["scheme"] = {
                    "name": self.text(self.child(scheme, "title")),
                    "description": self.text(self.child(scheme, "description")),
                }
        if grade_out:
            out["grade"] = grade_out
        out = {k: v for k, v in out.items() if v not in (None, [], {})}
        if out:
            data["assessment"] = out

    def accreditation(self, acc: Any) -> dict[str, Any]:
        """``accreditation`` -> canonical QualityAssurance."""
        self.doc.use(acc)
        out: dict[str, Any] = {"type": self.code(self.child(acc, "type"))}
        out["description"] = self.text(self.child(acc, "title"))
        agent = self.child(acc, "accreditingAgent")
        if agent is not None:
            out["body"] = self.organisation(agent)
        decision = self.value(self.child(acc, "decision"))
        if decision:
            out["decision"] = decision
        report_el = self.child(acc, "report")
        if report_el is not None:
            self.doc.use(report_el, deep=True)
            out["register_entry"] = clean_uri(report_el.get("uri"))
        expiry = self.value(self.child(acc, "expiryDate"))
        if expiry:
            out["valid_until"] = self.date(expiry, "quality_assurance[].valid_until")
        return {k: v for k, v in out.items() if v not in (None, [], {})}
