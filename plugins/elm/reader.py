"""Interpret an ELM graph (EDC 3) as canonical credentials (crosswalk §1, ELM column).

The reader works on the RDF graph, never on JSON keys, so JSON-LD, Turtle, RDF/XML and
N-Triples read the same way. Whatever it does not map is reported as ``ignored-input``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.errors import VocabularyError
from credbridge.report import Code
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from .concepts import (
    LOCAL_ID_PREFIX,
    NOTE_QA,
    NOTE_SETTING,
    PLACEHOLDER_ASSESSMENT,
    PROVISIONAL_COUNTRY,
    known_concept,
    scheme_of,
)
from .graphs import BASE
from .nodes import GraphView
from .status import read_status
from .terms import ELM
from .values import datetime_text, duration_hours, xsd_boolean

if TYPE_CHECKING:
    from credbridge.context import Context

EDC = ELM + "EuropeanDigitalCredential"
ECTS_URI = "http://data.europa.eu/snb/education-credit/6fcec5c5af"

_QUALIFYING_PROFILES = {
    "http://data.europa.eu/snb/credential/c_7e400154",  # Converted
    "http://data.europa.eu/snb/credential/c_ae121a00",  # Accredited
    "http://data.europa.eu/snb/credential/c_9a31f32a",  # Issued by mandate
}

# Properties of structural nodes credbridge knowingly does not carry (display, schema, logos).
_NOT_REPORTED = {"elm:displayParameter", "cred:credentialSchema"}


def credential_nodes(graph: Graph) -> list[Node]:
    """The EuropeanDigitalCredential nodes of a graph, in a stable order."""
    nodes = set(graph.subjects(RDF.type, URIRef(EDC)))
    return sorted(nodes, key=str)


class ElmReader:
    """Reads one credential node of a graph into a canonical dict; messages go to ``ctx``
    (whose ``record`` the format has set to the credential's label)."""

    def __init__(self, graph: Graph, ctx: Context) -> None:
        self.view = GraphView(graph)
        self.ctx = ctx
        self.ext: dict[str, Any] = {}
        self._body_nodes: list[Node] = []

    def _code(self, vocab_name: str, value: str, field: str) -> str | None:
        """A vocabulary code for a URI; an unknown EU URI is kept as the URI itself."""
        code = vocab.vocabulary(vocab_name).lookup(value)
        return code or value

    # --- the credential -------------------------------------------------------------------

    def read(self, cred: Node) -> dict[str, Any]:
        """The canonical dict of the credential ``cred``."""
        v = self.view
        v.types(cred)
        data: dict[str, Any] = {}
        if isinstance(cred, URIRef):
            data["id"] = _id_text(cred)
        profiles = v.concepts(cred, "elm:credentialProfiles")
        if profiles:
            # "Converted" and the like qualify a credential; its kind is the other profile.
            main = [p for p in profiles if p not in _QUALIFYING_PROFILES] or profiles
            data["credential_type"] = self._code("credential_type", main[0], "credential_type")
            if len(profiles) > 1:
                self.ext["elm:credential_profiles"] = profiles
        v.use_all(v.one(cred, "cred:credentialSchema"))
        display = v.one(cred, "elm:displayParameter")
        display_title = v.lang_map(display, "dc:title")
        display_description = v.lang_map(display, "dc:description")
        v.use_all(display)
        for prop, key in (("cred:validFrom", "issued"), ("cred:validUntil", "valid_until"),
                          ("cred:expirationDate", "valid_until")):
            value = v.text(cred, prop)
            if value and key not in data:
                data[key] = self._when(value, key)
        for prop, name in (("cred:issued", "sealed"), ("cred:issuanceDate", "issuance_date")):
            value = v.text(cred, prop)
            if value:
                self.ext[f"elm:{name}"] = datetime_text(value)
        verification = read_status(v, cred, self.ctx)
        if verification:
            data["verification"] = verification
        identifiers = [self._identifier(n) for n in v.objects(cred, "adms:identifier")]
        if identifiers:
            self.ext["elm:credential_identifiers"] = [i for i in identifiers if i]

        subject = v.one(cred, "cred:credentialSubject")
        claims = v.objects(subject, "elm:hasClaim")
        claim = claims[0] if claims else None
        if len(claims) > 1:
            self.ctx.say(Code.IGNORED_INPUT, "credentialSubject.hasClaim",
                         f"{len(claims) - 1} further claim(s) of the learner "
                         "are not read (credbridge reads one claim per credential)")
        issuer_node = v.one(cred, "cred:issuer")
        data["learner"] = self._learner(subject)
        self._claim(claim, data)
        if display_title and not data.get("title"):
            data["title"] = display_title
        elif display_title and display_title != data.get("title"):
            self.ext["elm:display_title"] = display_title
        if display_description:
            self.ext["elm:display_description"] = display_description
        bodies = [b.get("id") for b in data.get("awarding_bodies", [])]
        if issuer_node is not None:
            issuer = self._organisation(issuer_node, "issuer")
            eidas = self._legal_identifier(v.one(issuer_node, "elm:eidasLegalIdentifier"))
            if eidas:
                self.ext["elm:issuer_eidas"] = eidas
            if not (isinstance(issuer_node, URIRef) and str(issuer_node) in bodies) and \
                    issuer_node not in self._body_nodes:
                data["issuer"] = issuer
        foreign = foreign_concepts(v.concept_info)
        if foreign:
            self.ext["elm:concepts"] = foreign
        if self.ext:
            data["extensions"] = dict(self.ext)
        self._report_unused()
        return data

    def _report_unused(self) -> None:
        for name, count in sorted(self.view.unused().items()):
            if name in _NOT_REPORTED:
                continue
            self.ctx.say(Code.IGNORED_INPUT, None,
                         f"{name} ({count} value{'s' if count > 1 else ''}) "
                         "has no place in the canonical model")

    # --- parts ----------------------------------------------------------------------------

    def _identifier(self, node: Node | None) -> dict[str, Any] | None:
        v = self.view
        value = v.text(node, "skos:notation")
        if not value:
            return None
        out: dict[str, Any] = {"value": value}
        scheme = v.text(node, "elm:schemeName") or v.text(node, "elm:schemeId")
        v.objects(node, "elm:schemeId")
        if scheme:
            out["scheme"] = scheme
        v.types(node) if node is not None else None
        return out

    def _legal_identifier(self, node: Node | None) -> dict[str, Any] | None:
        v = self.view
        value = v.text(node, "skos:notation")
        if not value:
            return None
        out: dict[str, Any] = {"value": value}
        country = v.concept(node, "dc:spatial")
        if country and country != PROVISIONAL_COUNTRY:  # the placeholder is no country
            out["country"] = vocab.countries().lookup(country) or country
        v.types(node) if node is not None else None
        return out

    def _learner(self, node: Node | None) -> dict[str, Any]:
        v = self.view
        if node is None:
            return {}
        v.types(node)
        out: dict[str, Any] = {}
        if _identifying(node):
            out["id"] = _id_text(node)
        for prop, key in (("foaf:givenName", "given_name"), ("foaf:familyName", "family_name"),
                          ("foaf:fullName", "full_name")):
            text = self._one_language(v.lang_map(node, prop), f"learner.{key}")
            if text:
                out[key] = text
        birth = v.text(node, "elm:dateOfBirth")
        if birth:
            out["birth_date"] = self._birth_date(birth)
        nid = self._legal_identifier(v.one(node, "elm:nationalId"))
        if nid:
            out["national_id"] = nid
        ids = [self._identifier(n) for n in v.objects(node, "adms:identifier")]
        if any(ids):
            out["identifiers"] = [i for i in ids if i]
        email = self._email(v.one(node, "elm:contactPoint"))
        if email:
            out["email"] = email
        citizenship = v.concepts(node, "elm:citizenshipCountry")
        if citizenship:
            out["citizenship"] = citizenship
        return out

    def _one_language(self, texts: dict[str, str], field: str) -> str | None:
        if not texts:
            return None
        if len(texts) > 1:
            self.ctx.say(Code.APPROXIMATED, field, f"only one language of {', '.join(texts)} kept")
        return next(iter(texts.values()))

    def _birth_date(self, value: str) -> str:
        """The date the issuer meant: EC tools write local midnight in UTC (``T22:00:00Z``)."""
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if parsed.tzinfo is None or (parsed.hour, parsed.minute) == (0, 0):
            return parsed.date().isoformat()
        utc = parsed.astimezone(dt.UTC)
        day = utc.date() + dt.timedelta(days=1) if utc.hour >= 12 else utc.date()
        self.ctx.say(Code.APPROXIMATED, "learner.birth_date",
                     f"date of birth {value} read as {day.isoformat()} (local "
                     "midnight written in UTC)")
        return day.isoformat()

    def _when(self, value: str, field: str) -> str:
        """An ``xsd:dateTime`` as canonical: midnight UTC (how dates are written) is a date; a
        date-time without a time zone is read as UTC (reported)."""
        text = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text  # the model reports the bad value
        midnight = (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) == (0, 0, 0, 0)
        if midnight and (parsed.tzinfo is None or parsed.utcoffset() == dt.timedelta(0)):
            return parsed.date().isoformat()
        if parsed.tzinfo is None:
            self.ctx.say(Code.APPROXIMATED, field, f"{value} has no time zone; read as UTC")
            return parsed.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
        return text

    def _email(self, contact: Node | None) -> str | None:
        v = self.view
        if contact is None:
            return None
        v.types(contact)
        box = v.one(contact, "elm:emailAddress")
        if box is None:
            return None
        v.use_all(box)
        return str(box).removeprefix("mailto:")

    def _organisation(self, node: Node | None, field: str) -> dict[str, Any]:
        v = self.view
        if node is None:
            return {}
        v.types(node)
        out: dict[str, Any] = {}
        if _identifying(node):
            out["id"] = _id_text(node)
        name = v.lang_map(node, "rov:legalName")
        if name:
            out["name"] = name
        legal = self._legal_identifier(v.one(node, "rov:registration"))
        if legal:
            out["legal_identifier"] = legal
        ids = [self._identifier(n) for n in v.objects(node, "adms:identifier")]
        vat = self._legal_identifier(v.one(node, "elm:vatIdentifier"))
        if vat:
            ids.append({"value": vat["value"], "scheme": "vat"})
        if any(ids):
            out["identifiers"] = [i for i in ids if i]
        location = v.one(node, "elm:location")
        if location is not None:
            v.types(location)
            address = v.one(location, "elm:address")
            country = v.concept(address, "elm:countryCode")
            if country == PROVISIONAL_COUNTRY:
                self.ctx.say(Code.NOTE, "country",
                             "the organisation's country is the placeholder "
                             "'Provisional data' (OP_DATPRO): read as no country")
            elif country:
                out["country"] = country
            full = v.note(address, "elm:fullAddress")
            if full:
                out["address"] = next(iter(full.values()))
            if address is not None:
                v.types(address)
                v.use_all(v.one(address, "elm:fullAddress"))
            region = v.concept(location, "elm:spatialCode")
            if region:
                out["region"] = region
        home = v.one(node, "foaf:homepage")
        if home is not None:
            url = v.text(home, "elm:contentUrl")
            v.types(home)
            if url:
                out["url"] = url
        email = self._email(v.one(node, "elm:contactPoint"))
        if email:
            out["email"] = email
        accreditations = v.objects(node, "elm:accreditation")
        if accreditations:
            out["accreditations"] = [str(a) for a in accreditations]
            for a in accreditations:
                v.use_all(a)
        return out

    # --- the claim ------------------------------------------------------------------------

    def _claim(self, claim: Node | None, data: dict[str, Any]) -> None:
        v = self.view
        if claim is None:
            return
        claim_types = v.types(claim)
        title = v.lang_map(claim, "dc:title")
        if title:
            data["title"] = title
        description = v.lang_map(claim, "dc:description")
        if description:
            data["description"] = description
        process = v.one(claim, "elm:awardedBy")
        if process is not None:
            v.types(process)
            self._body_nodes = v.objects(process, "elm:awardingBody")
            bodies = [self._organisation(b, "awarding_bodies") for b in self._body_nodes]
            data["awarding_bodies"] = [b for b in bodies if b]
            awarded = v.text(process, "elm:awardingDate")
            if awarded:
                self.ext["elm:awarding_date"] = datetime_text(awarded)
        spec = v.one(claim, "elm:specifiedBy")
        provider = v.one(claim, "elm:directedBy")
        for activity in v.objects(claim, "elm:influencedBy"):
            provider = provider or v.one(activity, "elm:directedBy")
            self._activity(activity)
        opportunity = v.one(claim, "elm:learningOpportunity")
        if provider is None and opportunity is not None:
            provider = v.one(opportunity, "elm:providedBy")
        if provider is not None:
            data["provider"] = self._organisation(provider, "provider")
        self._assessment(v.one(claim, "elm:provenBy"), data)
        is_activity = ELM + "LearningActivity" in claim_types
        workload = v.text(claim, "elm:workload")
        if workload and is_activity:
            self._hours(workload, data)
        received = v.objects(claim, "elm:creditReceived")
        if received and not spec:
            self._credits(received, data)
        if spec is not None:
            self._specification(spec, data)

    def _activity(self, activity: Node) -> None:
        """A learning activity behind the achievement: only its director is carried (as the
        provider); its own properties count as read, the nodes it shares are read elsewhere."""
        v = self.view
        for pred in list(self.view.graph.predicates(activity)):
            v.used.add((activity, pred))
        for name in ("elm:specifiedBy", "dc:temporal"):
            v.use_all(v.one(activity, name))
        if _identifying(activity):  # not the activity credbridge writes for the provider
            self.ctx.say(Code.IGNORED_INPUT, "provider",
                         "the learning activity behind the achievement is not "
                         "carried (only who directed it, as the provider)")

    def _hours(self, duration: str, data: dict[str, Any]) -> None:
        """``workload.hours`` from a duration's text (rdflib may have rewritten ``PT125H`` as
        ``P5DT5H``: both are 125 hours); a duration that is not hours is kept as it is."""
        hours = duration_hours(duration)
        workload = data.setdefault("workload", {})
        if hours is None:
            self.ctx.say(Code.APPROXIMATED, "workload.hours",
                         f"workload {duration} is not a number of hours; kept "
                         "as an extension")
            self.ext["elm:volume_of_learning"] = duration
            return
        workload["hours"] = str(hours)

    def _credits(self, nodes: list[Node], data: dict[str, Any]) -> None:
        v = self.view
        credits = []
        for node in nodes:
            v.types(node)
            framework = v.concept(node, "elm:framework")
            point = v.text(node, "elm:point")
            if not framework or not point:
                continue
            try:
                value = Decimal(point.replace(",", "."))
            except InvalidOperation:
                self.ctx.say(Code.INVALID_VALUE, "workload.credits",
                             f"credit point {point!r} is not a number")
                continue
            system = self._code("credit_system", framework, "workload.credits")
            credits.append({"system": system, "value": str(value)})
        if not credits:
            return
        workload = data.setdefault("workload", {})
        for c in credits:
            if c["system"] == "ects":
                workload.setdefault("ects", c["value"])
        # A lone ECTS entry is workload.ects itself (the writer reports that approximation).
        if len(credits) > 1 or credits[0]["system"] != "ects":
            workload["credits"] = credits

    def _specification(self, spec: Node, data: dict[str, Any]) -> None:
        v = self.view
        v.types(spec)
        spec_title = v.lang_map(spec, "dc:title")
        if not data.get("title") and spec_title:
            data["title"] = spec_title
        elif spec_title and spec_title != data.get("title"):
            self.ext["elm:specification_title"] = spec_title
        spec_description = v.lang_map(spec, "dc:description")
        if not data.get("description") and spec_description:
            data["description"] = spec_description
        outcomes = [self._outcome(n) for n in v.objects(spec, "elm:learningOutcome")]
        if outcomes:
            data["learning_outcomes"] = [o for o in outcomes if o]
        self._credits(v.objects(spec, "elm:creditPoint"), data)
        volume = v.text(spec, "elm:volumeOfLearning")
        if volume and "hours" not in data.get("workload", {}):
            self._hours(volume, data)
        levels: dict[str, Any] = {}
        eqf = v.concept(spec, "elm:EQFLevel")
        if eqf:
            try:
                levels["eqf"] = vocab.eqf_level(eqf)
            except VocabularyError:
                self.ctx.say(Code.INVALID_VALUE, "levels.eqf", f"unknown EQF level {eqf}")
        nqf = []
        for node in v.objects(spec, "elm:NQFLevel"):
            if isinstance(node, URIRef):
                label = v.lang_map(node, "skos:prefLabel")
                v.use_all(node)
                nqf.append({"uri": str(node), **({"label": label} if label else {})})
        if nqf:
            levels["nqf"] = nqf
        if levels:
            data["levels"] = levels
        fields = []
        for uri in v.concepts(spec, "elm:ISCEDFCode"):
            code = vocab.isced_f().lookup(uri)
            if code:
                fields.append(code)
            else:
                self.ctx.say(Code.INVALID_VALUE, "fields_of_study",
                             f"unknown ISCED-F concept {uri}")
        if fields:
            data["fields_of_study"] = fields
        participation: dict[str, Any] = {}
        modes = [self._code("mode", m, "participation.modes")
                 for m in v.concepts(spec, "elm:mode")]
        if modes:
            participation["modes"] = modes
        setting = v.concept(spec, "elm:learningSetting")
        if setting:
            code = vocab.vocabulary("setting").lookup(setting)
            if code:
                participation["setting"] = code
            else:
                self.ctx.say(Code.INVALID_VALUE, "participation.setting",
                             f"unknown learning setting {setting}")
        if participation:
            data["participation"] = participation
        languages = v.concepts(spec, "dc:language")
        if languages:
            data["languages"] = languages
        entry = v.note(spec, "elm:entryRequirement")
        v.use_all(v.one(spec, "elm:entryRequirement"))
        if entry:
            data["access_requirements"] = entry
        self._stackability(spec, data)
        self._further(spec, data)
        qa = [self._accreditation(n) for n in v.objects(spec, "elm:accreditation")]
        if qa:
            data["quality_assurance"] = qa + data.get("quality_assurance", [])
        kind = v.concept(spec, "dc:type")
        if kind:
            self.ext["elm:specification_type"] = kind

    def _outcome(self, node: Node) -> dict[str, Any] | None:
        v = self.view
        v.types(node)
        out: dict[str, Any] = {}
        text = v.lang_map(node, "dc:title")
        if text:
            out["text"] = text
        skills = v.concepts(node, "elm:relatedESCOSkill")
        if skills:
            out["esco_skill"] = skills[0]
        related = skills[1:] + v.concepts(node, "elm:relatedSkill")
        if related:
            out["related"] = related
        kind = v.concept(node, "dc:type")
        if kind:
            out["skill_type"] = self._code("skill_type", kind, "learning_outcomes.skill_type")
        ident = self._identifier(v.one(node, "adms:identifier"))
        if ident:
            out["code"] = ident["value"]
        return out or None

    def _assessment(self, node: Node | None, data: dict[str, Any]) -> None:
        v = self.view
        if node is None:
            return
        v.types(node)
        out: dict[str, Any] = {}
        grade_node = v.one(node, "elm:grade")
        grade: dict[str, Any] = {}
        if grade_node is not None:
            v.types(grade_node)
            texts = v.lang_map(grade_node, "elm:noteLiteral")
            if texts:
                grade["value"] = next(iter(texts.values()))
        status = v.concept(node, "elm:gradeStatus")
        if status:
            grade["status"] = self._code("grade_status", status, "assessment.grade.status")
        supervision = v.concept(node, "elm:idVerification")
        if supervision:
            out["supervision"] = self._code("supervision", supervision, "assessment.supervision")
        assessed = v.text(node, "dc:issued")
        if assessed:
            data["assessed"] = self._when(assessed, "assessed")
        process = v.one(node, "elm:awardedBy")  # the claim's awarding process, read there
        if process is not None:
            v.types(process)
        assessors = [self._organisation(a, "assessment.assessors")
                     for a in v.objects(node, "elm:assessedBy")]
        if assessors:
            out["assessors"] = assessors
        title = v.lang_map(node, "dc:title")
        if title and list(title.values()) != [PLACEHOLDER_ASSESSMENT]:
            self.ext["elm:assessment_title"] = title
        description = v.lang_map(node, "dc:description")
        spec = v.one(node, "elm:specifiedBy")
        if spec is not None:
            v.types(spec)
            types = [self._code("assessment_type", t, "assessment.types")
                     for t in v.concepts(spec, "dc:type")]
            if types:
                out["types"] = types
            description = description or v.lang_map(spec, "dc:description")
            spec_title = v.lang_map(spec, "dc:title")
            if spec_title and spec_title != title:
                self.ext["elm:assessment_specification_title"] = spec_title
            scheme_node = v.one(spec, "elm:gradingScheme")
            if scheme_node is not None:
                v.types(scheme_node)
                scheme = {"name": v.lang_map(scheme_node, "dc:title"),
                          "description": v.lang_map(scheme_node, "dc:description")}
                grade["scheme"] = {k: val for k, val in scheme.items() if val}
            v.concepts(spec, "elm:mode")
            v.concepts(spec, "dc:language")
        if description:
            out["description"] = description
        if grade:
            out["grade"] = grade
        if out:
            data["assessment"] = out

    def _stackability(self, spec: Node, data: dict[str, Any]) -> None:
        v = self.view
        out: dict[str, Any] = {}
        partial = v.one(spec, "elm:isPartialQualification")
        flag = xsd_boolean(str(partial)) if partial is not None else None
        if flag is not None:
            out["partial_qualification"] = flag
        elif partial is not None:
            self.ctx.say(Code.INVALID_VALUE, "stackability.partial_qualification",
                         f"isPartialQualification {str(partial)!r} is not a boolean")
        for prop, key in (("elm:isPartOf", "stacks_into"), ("elm:hasPart", "parts")):
            refs = []
            for node in v.objects(spec, prop):
                ref: dict[str, Any] = {}
                if _identifying(node):
                    ref["id"] = _id_text(node)
                title = v.lang_map(node, "dc:title")
                if title:
                    ref["title"] = title
                v.use_all(node)
                refs.append(ref)
            if refs:
                out[key] = refs
        if out:
            data["stackability"] = out

    def _further(self, spec: Node, data: dict[str, Any]) -> None:
        """Additional notes (credbridge's QA and learning-setting notes are recognised) and
        supplementary documents."""
        v = self.view
        text: dict[str, str] = {}
        for note in v.objects(spec, "elm:additionalNote"):
            v.types(note)
            texts = v.lang_map(note, "elm:noteLiteral")
            first = next(iter(texts.values()), "")
            if first.startswith(NOTE_QA):
                data.setdefault("quality_assurance", []).append(
                    {"description": {k: t.removeprefix(NOTE_QA) for k, t in texts.items()}})
            elif first.startswith(NOTE_SETTING) and \
                    (code := vocab.vocabulary("setting").lookup(first.removeprefix(NOTE_SETTING))):
                data.setdefault("participation", {}).setdefault("setting", code)
            else:
                for lang, t in texts.items():
                    text[lang] = f"{text[lang]}\n\n{t}" if lang in text else t
        links = []
        for prop in ("elm:supplementaryDocument", "foaf:homepage"):
            for node in v.objects(spec, prop):
                url = v.text(node, "elm:contentUrl")
                v.use_all(node)
                if url:
                    links.append(url)
        out: dict[str, Any] = {}
        if text:
            out["text"] = text
        if links:
            out["links"] = links
        if out:
            data["further_information"] = out

    def _accreditation(self, node: Node) -> dict[str, Any]:
        v = self.view
        v.types(node)
        out: dict[str, Any] = {}
        kind = v.concept(node, "dc:type")
        if kind:
            out["type"] = kind
        title = v.lang_map(node, "dc:title")
        if title:
            out["description"] = title
        agent = v.one(node, "elm:accreditingAgent")
        if agent is not None:
            out["body"] = self._organisation(agent, "quality_assurance.body")
        decision = v.one(node, "elm:decision")
        if isinstance(decision, URIRef):
            out["decision"] = str(decision)
        report = v.one(node, "elm:report")
        if report is not None:
            url = v.text(report, "elm:contentUrl")
            v.use_all(report)
            if url:
                out["register_entry"] = url
        expiry = v.text(node, "elm:expiryDate")
        if expiry:
            out["valid_until"] = expiry[:10]
        return out


def foreign_concepts(info: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Labels and schemes of the concepts credbridge's vocabularies do not know (ESCO skills,
    issuer-defined concepts...), so that writing ELM again restores them."""
    out: dict[str, dict[str, Any]] = {}
    for uri, facts in sorted(info.items()):
        if known_concept(uri):
            continue
        kept = {k: v for k, v in facts.items() if not (k == "scheme" and v == scheme_of(uri))}
        if kept:
            out[uri] = kept
    return out


def _id_text(node: Node) -> str:
    """An id as the document wrote it (a relative reference stays relative)."""
    return str(node).removeprefix(BASE)


def credential_label(node: Node, position: int) -> str | int:
    """How messages name a credential node: its id as written, else its position."""
    return _id_text(node) if _identifying(node) else position


def _identifying(node: Node | None) -> bool:
    """True for an IRI that identifies something: not a blank node, not a node id credbridge
    minted for a node that had none (``urn:credbridge:…``)."""
    return isinstance(node, URIRef) and not str(node).startswith(LOCAL_ID_PREFIX)


def is_blank(node: Node) -> bool:
    """True for a blank node."""
    return isinstance(node, BNode)
