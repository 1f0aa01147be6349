"""Write canonical credentials as ``europassCredential`` documents valid against XSD 1.2.

Elements are written in the schema's ``xs:sequence`` order; specifications, outcomes,
organisations, awarding processes and scoring schemes go to the ``…References`` sections and are
linked by ``@idref``. A specification is written as a ``qualification`` whenever levels are
present (EQF/NQF exist only there). No ``proof`` is ever written: a converted credential is not
sealed. Values the schema cannot hold are reported (``approximated``, ``defaulted``).
The parts live in ``write_base``, ``write_agents``, ``write_specification`` and
``write_references``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import IO, Any

from credbridge import clock, vocab
from credbridge.context import Context
from credbridge.model import MicroCredential, Organisation
from credbridge.options import FormatOptions
from credbridge.report import Code
from lxml import etree

from .names import (
    CRED,
    CREDENTIAL_TYPE_FW,
    FORMAT,
    NSMAP,
    SCHEMA_LOCATION,
    SUPERVISION_FW,
    XSD_VERSION,
    XSI,
    q,
)
from .values import format_datetime
from .write_base import is_uri, sub
from .write_claims import activity_record, merge, needs_carrier, write_activities, write_parts
from .write_references import References
from .write_specification import SpecificationWriter


def write_documents(credentials: Iterable[MicroCredential], stream: IO[bytes],
                    ctx: Context) -> None:
    """Write each document: a credential of its own, or the records of one many-claim
    document merged into one ``europassCredential`` (the CLI gives one file per document)."""
    from credbridge.documents import grouped, report_shared, speaking_for

    for position, group in enumerate(grouped(credentials, ctx), start=1):
        report_shared(group, ctx, ("learner", "issuer", "issued", "valid_until",
                                   "credential_type"))
        with speaking_for(group[0], ctx):
            if position > 1:
                ctx.say(Code.NOTE, None, "several documents in one stream: EDC XML holds one "
                        "per document; they are concatenated (use -o DIR for one file each)")
            root = _Writer(group[0].credential, ctx, in_document=len(group) > 1).build()
        for index, member in enumerate(group[1:], start=2):
            with speaking_for(member, ctx):
                merge(root, _Writer(member.credential, ctx, in_document=True).build(), index)
        stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))


def to_element(cred: MicroCredential, ctx: Context | None = None) -> Any:
    """The ``europassCredential`` element of one credential (no serialisation); messages go to
    ``ctx`` (a throwaway one when none is given)."""
    return _Writer(cred, ctx or Context(format=FORMAT, options=FormatOptions())).build()


class _Writer(SpecificationWriter):
    """Builds one ``europassCredential`` document."""

    def build(self) -> Any:
        """The ``europassCredential`` element, children in schema order."""
        cred = self.cred
        root = etree.Element(q("europassCredential"), nsmap=NSMAP)
        root.set(q("schemaLocation", XSI), SCHEMA_LOCATION)
        root.set("xsdVersion", XSD_VERSION)
        container = cred.document if self.in_document else None
        doc_id = container.id if container is not None else cred.id
        if not doc_id:
            doc_id = f"urn:credential:{uuid.uuid5(uuid.NAMESPACE_URL, cred.to_json())}"
            self.note(Code.DEFAULTED, f"the credential has no id; {doc_id} (derived from its "
                      "content) is written", "id")
        root.set(q("id", CRED), doc_id)
        self.credential_type(root)
        primary = sub(root, "primaryLanguage", self.primary)
        available = sub(root, "availableLanguages")
        if cred.issued is not None:
            sub(root, "validFrom", format_datetime(cred.issued), ns=CRED)
        sealed = self.ext.get("sealed")
        if sealed:
            issued_text = str(sealed)
            if self.cred.proof:
                self.note(Code.NOTE, f"cred:issued {issued_text} is the time the source was "
                          "sealed; this output is not sealed: it is the source's date, no "
                          "longer backed by a seal", "extensions.edc-xml:sealed")
        elif cred.issued is not None:
            issued_text = format_datetime(cred.issued)
            self.note(Code.DEFAULTED, "cred:issued (the sealing time, required) is set to the "
                      "date of issuing", "issued")
        else:
            now = clock.now()
            issued_text = format_datetime(now)
            self.note(Code.DEFAULTED, "no date of issuing: cred:issued (required) is set to "
                      "the time of conversion", "issued")
        sub(root, "issued", issued_text, ns=CRED)
        if cred.valid_until is not None:
            sub(root, "validUntil", format_datetime(cred.valid_until), ns=CRED)
        issuer = cred.issuer or (cred.awarding_bodies[0] if cred.awarding_bodies else None)
        if issuer is None:
            issuer = Organisation()
            self.note(Code.DEFAULTED, "no issuer or awarding body: an organisation without "
                      "name or registration is written as cred:issuer (required)", "issuer")
            self.note(Code.DEFAULTED, "the organisation written as cred:issuer reads back as "
                      "the awarding body", "awarding_bodies")
        role = "awarding_bodies[]" if cred.awarding_bodies and not cred.issuer else "issuer"
        sub(root, "issuer", ns=CRED, idref=self.org_id(issuer, role))
        title = self.texts.get("credential_title") or cred.title
        description = self.texts.get("credential_description") or cred.description
        if container is not None:
            title, description = container.title or cred.title, container.description
        self.text_el(root, "title", title, "document.title" if container else "title",
                     always=True)
        self.text_el(root, "description", description,
                     "document.description" if container else "description")
        subject = self.subject(root)
        refs = References(self)
        if cred.kind == "activity":
            activity_record(self, subject, self.claim_id("activity", doc_id))
        else:
            if cred.kind is not None:
                self.note(Code.APPROXIMATED, f"a {cred.kind} record is written as a learning "
                          "achievement", "kind")
            self.achievement(subject, refs)
        if cred.period is not None and cred.kind != "activity":
            self.note(Code.DROPPED, "an achievement has no period of its own in EDC XML",
                      "period")
        refs.write(root)
        # languages known only now: every text has been written
        if not self.languages:
            self.languages.append(self.primary)
        if self.primary not in self.languages:
            self.languages.insert(0, self.primary)
        for lang in [self.primary] + [x for x in self.languages if x != self.primary]:
            sub(available, "language", lang)
        primary.text = self.primary
        return root

    def credential_type(self, root: Any) -> None:
        """The credential ``type`` (Generic when the canonical type has no EDC concept)."""
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

    def achievement(self, subject: Any, refs: References) -> None:
        """``achievements/learningAchievement`` with assessment, activity and awarding process."""
        cred = self.cred
        kind = self.ext.get("achievement_kind") or "learningAchievement"
        achievements = sub(subject, "achievements")
        ach = sub(achievements, kind)
        ach.set("id", self.claim_id("achievement", self.cred.document.id
                                    if self.in_document and self.cred.document else None))
        title = self.texts.get("achievement_title") or cred.title
        self.text_el(ach, "title", title, "title", always=True)
        desc = self.texts.get("achievement_description")
        if desc is None and (self.texts.get("credential_description") or self.in_document) \
                and cred.description:
            desc = cred.description  # the credential's own description is another text
        if desc:
            self.text_el(ach, "description", desc, "description", note=True)
        if cred.assessment is not None or cred.assessed is not None:
            self.assessment(ach, refs)
        if cred.provider is not None and needs_carrier(cred):
            activity = sub(ach, "wasInfluencedBy", id="urn:epass:activity:1")
            self.one_text(activity, "title", "Learning activity", "provider", always=True)
            self.note(Code.APPROXIMATED, "the provider is written as the organisation that "
                      "directed a learning activity", "provider")
            sub(activity, "directedBy", idref=self.org_id(cred.provider, "provider"))
        write_activities(self, ach)
        if cred.awarding_bodies:
            process_id = self.ids.get("awarding_process") or "urn:epass:awardingProcess:1"
            sub(ach, "wasAwardedBy", idref=process_id)
            refs.awarding = (process_id, [self.org_id(b, "awarding_bodies[]")
                                          for b in cred.awarding_bodies])
        write_parts(self, ach, refs)
        spec_id = self.specification(refs)
        sub(ach, "specifiedBy", idref=spec_id)

    def assessment(self, ach: Any, refs: References) -> None:
        """``wasDerivedFrom`` (AssessmentType order) and its assessment specification."""
        a = self.cred.assessment
        el = sub(ach, "wasDerivedFrom", id=self.ids.get("assessment")
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
        sub(el, "grade", grade or "")
        if self.cred.assessed is not None:
            sub(el, "issuedDate", format_datetime(self.cred.assessed))
        if a is not None and a.supervision:
            voc = vocab.vocabulary("supervision")
            uri = voc.lookup(a.supervision) and voc.uri(a.supervision)
            if uri is None and is_uri(a.supervision):
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
                sub(n, "text", voc.label(a.supervision), lang=self.primary,
                     content_type="text/plain")
                sub(n, "subject", "Supervision and identity verification")
                (note.addnext(n) if note is not None else el.find(q("title")).addnext(n))
        if a is not None:
            for assessor in a.assessors:
                sub(el, "assessedBy", idref=self.org_id(assessor, "assessment.assessors[]"))
        if a is not None and (a.types or (a.grade and a.grade.scheme)):
            spec_id = self.ids.get("assessment_specification") or \
                "urn:epass:assessmentSpecification:1"
            sub(el, "specifiedBy", idref=spec_id)
            refs.assessment_spec = self.assessment_spec(spec_id, refs)
