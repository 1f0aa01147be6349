"""Interpret an ELM graph (EDC 3) as canonical credentials (crosswalk §1, ELM column).

The reader works on the RDF graph, never on JSON keys, so JSON-LD, Turtle, RDF/XML and
N-Triples read the same way. Whatever it does not map is reported as ``ignored-input``.
"""

from __future__ import annotations

import copy
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
    parse_qa_note,
    scheme_of,
)
from .graphs import BASE
from .nodes import GraphView
from .read_claims import activities, kind_of, parts, period, record_claims
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
        self._many = False

    def _code(self, vocab_name: str, value: str, field: str) -> str | None:
        """A vocabulary code for a URI; an unknown EU URI is kept as the URI itself."""
        code = vocab.vocabulary(vocab_name).lookup(value)
        return code or value

    # --- the credential -------------------------------------------------------------------

    def read(self, cred: Node) -> list[tuple[str | int | None, dict[str, Any]]]:
        """(record label, canonical dict) of each record of the credential ``cred``: one per
        claim that no other claim links to (docs/design.md §2.1), main record first. The
        label is ``None`` for a credential of one record (named as the credential)."""
        v = self.view
        v.types(cred)
        base: dict[str, Any] = {}
        if isinstance(cred, URIRef):
            base["id"] = _id_text(cred)
        profiles = v.concepts(cred, "elm:credentialProfiles")
        if profiles:
            # "Converted" and the like qualify a credential; its kind is the other profile.
            main = [p for p in profiles if p not in _QUALIFYING_PROFILES] or profiles
            base["credential_type"] = self._code("credential_type", main[0], "credential_type")
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
            if value and key not in base:
                base[key] = self._when(value, key)
        for prop, name in (("cred:issued", "sealed"), ("cred:issuanceDate", "issuance_date")):
            value = v.text(cred, prop)
            if value:
                self.ext[f"elm:{name}"] = datetime_text(value)
        verification = read_status(v, cred, self.ctx)
        if verification:
            base["verification"] = verification
        identifiers = [self._identifier(n) for n in v.objects(cred, "adms:identifier")]
        if identifiers:
            self.ext["elm:credential_identifiers"] = [i for i in identifiers if i]
        subject = v.one(cred, "cred:credentialSubject")
        base["learner"] = self._learner(subject)
        issuer_node = v.one(cred, "cred:issuer")
        issuer = self._organisation(issuer_node, "issuer") if issuer_node is not None else None
        if issuer_node is not None:
            eidas = self._legal_identifier(v.one(issuer_node, "elm:eidasLegalIdentifier"))
            if eidas:
                self.ext["elm:issuer_eidas"] = eidas
        shared_ext = dict(self.ext)
        claims = record_claims(v, v.objects(subject, "elm:hasClaim"))
        count = len(claims)
        self._many = count > 1
        records: list[tuple[str | int | None, dict[str, Any]]] = []
        for position, claim in enumerate(claims or [None], start=1):
            data = copy.deepcopy(base)
            self.ext = copy.deepcopy(shared_ext)
            self._body_nodes = []
            label: str | int | None = None
            if count > 1:
                assert claim is not None
                # the claim's IRI, which every format keeps (else one after the document's)
                data["id"] = _id_text(claim) if _identifying(claim) else \
                    f"{base.get('id') or 'urn:credential'}#claim-{position}"
                label = data["id"]
                data["document"] = {"id": base.get("id"), "title": display_title,
                                    "description": display_description,
                                    "position": position, "count": count}
            with self.ctx.at(label if label is not None else self.ctx.record):
                self._claim(claim, data)
                if count <= 1:
                    if display_title and not data.get("title"):
                        data["title"] = display_title
                    elif display_title and display_title != data.get("title"):
                        self.ext["elm:display_title"] = display_title
                    if display_description:
                        self.ext["elm:display_description"] = display_description
                bodies = [b.get("id") for b in data.get("awarding_bodies", [])]
                if issuer is not None and not (
                        isinstance(issuer_node, URIRef) and str(issuer_node) in bodies) and \
                        issuer_node not in self._body_nodes:
                    data["issuer"] = copy.deepcopy(issuer)
            if self.ext:
                data["extensions"] = self.ext
            records.append((label, data))
        foreign = foreign_concepts(v.concept_info)
        if foreign:
            for _, data in records:
                data.setdefault("extensions", {})["elm:concepts"] = foreign
        self._report_unused()
        return records

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
            code = self._country(country, "country")
            if code:
                out["country"] = code
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
        citizenship = [c for c in (self._country(c, "learner.citizenship")
                                   for c in v.concepts(node, "elm:citizenshipCountry")) if c]
        if citizenship:
            out["citizenship"] = citizenship
        return out

    def _country(self, value: str, field: str) -> str | None:
        """The alpha-2 code of a country concept; a country code under another authority's
        IRI (``.../authority/language/USA``) is read as that country and reported; anything
        else is no country (reported), never a refusal of the record."""
        code = vocab.countries().lookup(value)
        if code:
            return code
        tail = value.rstrip("/").rsplit("/", 1)[-1]
        code = vocab.countries().lookup(tail) if tail != value and len(tail) == 3 else None
        if code:
            self.ctx.say(Code.APPROXIMATED, field, f"{value!r} is not a country concept; "
                         f"read as {code}, the country its code {tail!r} names")
            return code
        self.ctx.say(Code.INVALID_VALUE, field, f"{value!r} is not a country; left out")
        return None

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
                code = self._country(country, f"{field}.country")
                if code:
                    out["country"] = code
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
        """A record's claim: its own facts, who awarded it, its activities and its parts; the
        provider is the director of the claim or of its own activities, else the provider of
        its learning opportunity, never an organisation of another claim."""
        v = self.view
        if claim is None:
            return
        kind = kind_of(v, claim)
        if kind != "achievement":
            data["kind"] = kind
        process = v.one(claim, "elm:awardedBy")
        if process is not None:
            v.types(process)
            self._body_nodes = v.objects(process, "elm:awardingBody")
            bodies = [self._organisation(b, "awarding_bodies") for b in self._body_nodes]
            data["awarding_bodies"] = [b for b in bodies if b]
            awarded = v.text(process, "elm:awardingDate")
            if awarded:
                self.ext["elm:awarding_date"] = datetime_text(awarded)
        self._claim_facts(claim, data)
        found, directors = activities(self, claim, data.get("title", {}))
        if found:
            data["activities"] = found
        if "provider" not in data:
            provider = directors[0] if directors else None
            if len(set(directors)) > 1 and len(set(directors[1:])) > 1:
                self.ctx.say(Code.APPROXIMATED, "provider",
                             f"the activities were directed by {len(set(directors))} "
                             "organisations: the first (in IRI order) is the provider")
            opportunity = v.one(claim, "elm:learningOpportunity")
            if provider is None and opportunity is not None:
                provider = v.one(opportunity, "elm:providedBy")
            if provider is not None:
                data["provider"] = self._organisation(provider, "provider")
            elif self._many:
                self.ctx.say(Code.NOTE, "provider", "the claim names no activity or learning "
                             "opportunity of its own that says who provided it: no provider "
                             "(an organisation of another claim is never taken)")
        if kind == "activity":
            when = period(self, claim, "period")
            if when:
                data["period"] = when
        sub = parts(self, claim)
        if sub:
            data["parts"] = sub

    def _claim_facts(self, claim: Node, data: dict[str, Any]) -> None:
        """What a claim node says of itself (a record's claim, an activity, a part): title,
        description, director, assessment, workload, credits and specification."""
        v = self.view
        claim_types = v.types(claim)
        title = v.lang_map(claim, "dc:title")
        if title:
            data["title"] = title
        description = v.lang_map(claim, "dc:description")
        if description:
            data["description"] = description
        director = v.one(claim, "elm:directedBy")
        if director is not None:
            data["provider"] = self._organisation(director, "provider")
        self._assessment(v.one(claim, "elm:provenBy"), data)
        workload = v.text(claim, "elm:workload")
        if workload and ELM + "LearningActivity" in claim_types:
            self._hours(workload, data)
        spec = v.one(claim, "elm:specifiedBy")
        if spec is not None:
            self._specification(spec, data)
        received = v.objects(claim, "elm:creditReceived")
        if received and not data.get("workload", {}).get("ects") and \
                not data.get("workload", {}).get("credits"):
            self._credits(received, data)

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
            if system == framework and _labelled_ects(v.concept_info.get(framework, {})):
                # converters mint a local concept for ECTS (DC4EU transcripts): its label says
                self.ctx.say(Code.APPROXIMATED, "workload.credits", f"credit framework "
                             f"{framework} is read as ECTS (its label says so)")
                system = "ects"
                v.concept_info.pop(framework, None)
            credits.append({"system": system, "value": format(value.normalize(), "f")})
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
                qa: dict[str, Any] = {"description": {}}
                for k, t in texts.items():
                    body, fields = parse_qa_note(t.removeprefix(NOTE_QA))
                    qa["description"][k] = body
                    qa.update(fields)
                if not any(qa["description"].values()):
                    del qa["description"]
                data.setdefault("quality_assurance", []).append(qa)
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


def _labelled_ects(facts: dict[str, Any]) -> bool:
    """True for a concept whose label is ECTS (in any language)."""
    labels = facts.get("label", {})
    return any(str(t).strip().lower() in ("ects", "european credit transfer system",
                                          "european credit transfer and accumulation system")
               for t in labels.values())


def foreign_concepts(info: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Labels and schemes of the concepts credbridge's vocabularies do not know (ESCO skills,
    issuer-defined concepts...), so that writing ELM again restores them."""
    out: dict[str, dict[str, Any]] = {}
    for uri, facts in sorted(info.items()):
        if known_concept(uri) or uri == PROVISIONAL_COUNTRY:  # the writer's placeholder
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
