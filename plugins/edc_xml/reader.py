"""Read ``europassCredential`` documents (XSD 1.0-1.2, plain, sealed or in a presentation).

One canonical micro-credential per top-level achievement of ``credentialSubject/achievements``
(a document without achievements gives one credential from the credential-level data). Every
``@idref`` is resolved through :class:`~.references.Document`; dangling ones are reported, and
so is every element that has no place in the canonical model (``ignored-input``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from credbridge import vocab
from credbridge.errors import InputError
from credbridge.model import MicroCredential
from credbridge.report import Code, Report
from credbridge.safety import check_xml, xml_parser
from lxml import etree

from . import seals
from .names import CRED, SNB, TOPIC_PATHWAYS, TOPIC_QA, VP, clean_uri, local, q
from .references import Document
from .values import duration_hours, parse_datetime, parse_decimal

FORMAT = "edc-xml"
NOTE_QF_EHEA = "credbridge:qf_ehea"
NOTE_SQF = "credbridge:sqf"
NOTE_ISCED_LEVEL = "credbridge:isced_level"
NOTE_INFORMAL = "credbridge:informal-learning"
NOTE_STANDALONE = "credbridge:standalone"
CREDBRIDGE_NOTES = (NOTE_QF_EHEA, NOTE_SQF, NOTE_ISCED_LEVEL, NOTE_INFORMAL, NOTE_STANDALONE)


def parse(stream: IO[bytes]) -> Any:
    """Parse the document with the hardened parser; a syntax error is an InputError."""
    data = stream.read()
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise InputError(f"not well-formed XML{line}: {exc.msg}") from None
    check_xml(root, what="EDC XML")  # no DOCTYPE, processing instruction or XInclude
    return root


def credentials_in(root: Any) -> tuple[list[Any], list[dict[str, Any]], list[Any]]:
    """The ``europassCredential`` elements of a document (itself, or inside a
    ``vp:verifiablePresentation``), the seals of the wrapper, and wrapper elements to report."""
    if root.tag == q("europassCredential"):
        return [root], [], []
    if root.tag == q("verifiablePresentation", VP):
        creds = [c for c in root if c.tag == q("europassCredential")]
        if not creds:
            raise InputError("vp:verifiablePresentation holds no europassCredential")
        wrapper_seals = []
        others = []
        for child in root:
            if child.tag == q("europassCredential"):
                continue
            if local(child) == "proof":
                seal = seals.summarise(child, "presentation")
                if seal:
                    wrapper_seals.append(seal)
                continue
            others.append(child)
        return creds, wrapper_seals, others
    raise InputError(
        f"the root element is {{{etree.QName(root).namespace}}}{etree.QName(root).localname}, "
        f"not europassCredential ({SNB}) or vp:verifiablePresentation"
    )


def read_document(stream: IO[bytes], report: Report, build: Any) -> Iterator[MicroCredential]:
    """Yield the canonical credentials of an EDC XML document; ``build(data, record)`` turns a
    dict into a credential (or reports it and returns ``None``)."""
    root = parse(stream)
    creds, wrapper_seals, wrapper_rest = credentials_in(root)
    for element in wrapper_rest:
        report.add(Code.IGNORED_INPUT, f"vp:verifiablePresentation/{local(element)} (the "
                   "presentation's own data) has no place in the canonical model", format=FORMAT)
    for cred_element in creds:
        doc = Document(cred_element, report, FORMAT)
        reader = _CredentialReader(doc, wrapper_seals)
        records = reader.records()
        label = clean_uri(cred_element.get(q("id", CRED))) or "europassCredential"
        doc.report_unused(record=label)
        for data, record in records:
            cred = build(data, record)
            if cred is not None:
                seals.report_not_carried([p for p in data.get("proof", [])], report, FORMAT,
                                         record)
                yield cred


class _CredentialReader:
    """Maps one ``europassCredential`` to canonical dicts (one per top-level achievement)."""

    def __init__(self, doc: Document, wrapper_seals: list[dict[str, Any]]) -> None:
        self.doc = doc
        self.root = doc.root
        self.report = doc.report
        self.wrapper_seals = wrapper_seals

    # --- small helpers ---------------------------------------------------------------------

    def child(self, parent: Any | None, name: str, ns: str = SNB) -> Any | None:
        """The first child ``name`` of ``parent``, marked as used."""
        if parent is None:
            return None
        found = parent.find(q(name, ns))
        self.doc.use(found)
        return found

    def children(self, parent: Any | None, name: str, ns: str = SNB) -> list[Any]:
        """All children ``name`` of ``parent``, marked as used."""
        if parent is None:
            return []
        found: list[Any] = parent.findall(q(name, ns))
        for f in found:
            self.doc.use(f)
        return found

    def text(self, element: Any | None) -> dict[str, str]:
        """A TextType/NoteType as LangText (one entry per ``text/@lang``)."""
        out: dict[str, str] = {}
        if element is None:
            return out
        self.doc.use(element)
        for t in element.findall(q("text")):
            self.doc.use(t, deep=True)
            value = t.text or ""
            if not value.strip():
                continue
            lang = self.lang(t.get("lang"), t)
            out.setdefault(lang, value.strip())
        return out

    def lang(self, value: str | None, element: Any) -> str:
        """A language tag from ``@lang``; an unknown one is reported and becomes ``und``."""
        if not value:
            return "und"
        try:
            return vocab.language_code(value)
        except InputError:
            self.report.add(Code.INVALID_VALUE, f"unknown language {value!r} (line "
                            f"{element.sourceline}); kept as 'und'", format=FORMAT)
            return "und"

    def plain(self, element: Any | None, field: str) -> str | None:
        """The one text of a TextType (first language; others reported as approximated)."""
        texts = self.text(element)
        if not texts:
            return None
        values = list(dict.fromkeys(texts.values()))
        if len(values) > 1:
            self.report.add(Code.APPROXIMATED, f"{len(values)} language versions; the first "
                            f"({next(iter(texts))}) is kept", field=field, format=FORMAT)
        return values[0]

    def code(self, element: Any | None) -> str | None:
        """The cleaned ``@uri`` of a coded element (which is used with its labels)."""
        if element is None:
            return None
        self.doc.use(element, deep=True)
        return clean_uri(element.get("uri"))

    def value(self, element: Any | None) -> str | None:
        """The stripped text of a simple element."""
        if element is None:
            return None
        self.doc.use(element, deep=True)
        text = (element.text or "").strip()
        return text or None

    def date(self, text: str, field: str) -> Any:
        """An ``xs:dateTime``/``xs:date`` value; one that is not a date is reported."""
        parsed = parse_datetime(text)
        if parsed is None:
            self.report.add(Code.INVALID_VALUE, f"{text!r} is not a date or date-time; left out",
                            field=field, format=FORMAT)
        return parsed

    def number(self, text: str | None, field: str) -> Any:
        """A positive decimal (credit points); anything else is reported."""
        if text is None:
            return None
        value = parse_decimal(text)
        if value is None or value <= 0:
            self.report.add(Code.INVALID_VALUE, f"{text!r} is not a positive number; left out",
                            field=field, format=FORMAT)
            return None
        return value

    def coded(self, uri: str | None, vocabulary: str, field: str) -> str | None:
        """A vocabulary code for a URI; an unknown URI is kept as the URI when the canonical
        model allows it, else reported."""
        if uri is None:
            return None
        voc = vocab.vocabulary(vocabulary)
        code = voc.lookup(uri)
        if code is not None:
            return code
        if vocabulary in ("setting",):
            self.report.add(Code.INVALID_VALUE, f"unknown {vocabulary} {uri!r}; ignored",
                            field=field, format=FORMAT)
            return None
        return uri

    # --- the credential ----------------------------------------------------------------------

    def records(self) -> list[tuple[dict[str, Any], str]]:
        """(canonical dict, record label) for each top-level achievement."""
        root = self.root
        cred_id = clean_uri(root.get(q("id", CRED)))
        common = self.common()
        subject = self.child(root, "credentialSubject")
        achievements_el = self.child(subject, "achievements")
        achievements = [a for a in (achievements_el if achievements_el is not None else [])
                        if local(a) in ("learningAchievement", "qualificationAward")]
        for a in achievements:
            self.doc.use(a)
        if not achievements:
            data = dict(common)
            data.pop("_texts", None)
            if data.get("issuer"):
                self.report.add(Code.NOTE, "the credential has no achievement: its issuer is "
                                "taken as the awarding body", field="awarding_bodies",
                                format=FORMAT, record=cred_id)
                data["awarding_bodies"] = [data.pop("issuer")]
            return [(self._finish(data), cred_id or "1")]
        out = []
        many = len(achievements) > 1
        for position, achievement in enumerate(achievements, start=1):
            data = self.achievement(achievement, common, many)
            label = data.get("id") or f"{cred_id or 'credential'} achievement {position}"
            out.append((self._finish(data), str(label)))
        if many:
            self.report.add(Code.NOTE, f"the credential holds {len(achievements)} top-level "
                            "achievements: one canonical credential each", format=FORMAT,
                            record=cred_id)
        return out

    def _finish(self, data: dict[str, Any]) -> dict[str, Any]:
        issuer = data.get("issuer")
        if issuer and any(b.get("id") == issuer.get("id") for b in data.get("awarding_bodies",
                                                                             [])):
            data.pop("issuer")
        ext = data.get("extensions", {})
        for key in [k for k, v in ext.items() if v in ({}, [], None)]:
            del ext[key]
        if not ext:
            data.pop("extensions", None)
        return data

    def common(self) -> dict[str, Any]:
        """Credential-level fields shared by every achievement of the document."""
        root = self.root
        data: dict[str, Any] = {"extensions": {}}
        texts: dict[str, Any] = {}
        for section in root:
            if local(section).endswith("References"):
                self.doc.use(section)
        data["id"] = clean_uri(root.get(q("id", CRED)))
        ctype = self.code(self.child(root, "type"))
        if ctype:
            data["credential_type"] = self.coded(ctype, "credential_type", "credential_type")
        self.child(root, "primaryLanguage")
        self.doc.use(self.child(root, "availableLanguages"), deep=True)
        # EC software writes <language><language>en</language></language> (fails XSD 1.2)
        self.doc.use(self.child(root, "language"), deep=True)
        valid_from = self.value(self.child(root, "validFrom", CRED))
        issued = self.value(self.child(root, "issued", CRED))
        if valid_from:
            data["issued"] = self.date(valid_from, "issued")
            if issued:
                data["extensions"]["edc-xml:sealed"] = issued
        elif issued:
            data["issued"] = self.date(issued, "issued")
            self.report.add(Code.NOTE, "no cred:validFrom: the sealing time cred:issued is "
                            "taken as the date of issuing", field="issued", format=FORMAT)
        valid_until = self.value(self.child(root, "validUntil", CRED))
        if valid_until:
            data["valid_until"] = self.date(valid_until, "valid_until")
        issuer = self.doc.resolve(self.child(root, "issuer", CRED), "organization")
        if issuer is not None:
            data["issuer"] = self.organisation(issuer)
        texts["credential_title"] = self.text(self.child(root, "title"))
        texts["credential_description"] = self.text(self.child(root, "description"))
        data["_texts"] = texts
        subject = self.child(root, "credentialSubject")
        if subject is not None:
            data["learner"] = self.learner(subject)
        proof_el = self.child(root, "proof")
        seal = seals.summarise(proof_el, "credential")
        if seal:
            self.doc.use(proof_el, deep=True)
        data["proof"] = ([seal] if seal else []) + list(self.wrapper_seals)
        data["title"] = texts["credential_title"]
        if texts["credential_description"]:
            data["description"] = texts["credential_description"]
        return data

    def learner(self, subject: Any) -> dict[str, Any]:
        """``credentialSubject`` -> canonical learner."""
        out: dict[str, Any] = {"id": clean_uri(subject.get("id"))}
        out["identifiers"] = [self.identifier(i) for i in self.children(subject, "identifier")]
        email = self.first_email(subject)
        if email:
            out["email"] = email
        nid = self.child(subject, "nationalId")
        if nid is not None:
            self.doc.use(nid, deep=True)
            out["national_id"] = {"value": (nid.text or "").strip(),
                                  "country": self.country(nid.get("spatialID"),
                                                          "learner.national_id.country")}
        out["full_name"] = self.plain(self.child(subject, "fullName"), "learner.full_name")
        out["given_name"] = self.plain(self.child(subject, "givenNames"), "learner.given_name")
        out["family_name"] = self.plain(self.child(subject, "familyName"),
                                        "learner.family_name")
        dob = self.value(self.child(subject, "dateOfBirth"))
        if dob:
            out["birth_date"] = dob
        out["citizenship"] = [c for c in (self.country(self.code(e), "learner.citizenship")
                                          for e in self.children(subject, "citizenshipCountry"))
                              if c]
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def first_email(self, agent: Any) -> str | None:
        """The first ``contactPoint/mailBox`` address of a person or organisation (further
        ones stay unread and are reported)."""
        for cp in agent.findall(q("contactPoint")):
            box = cp.find(q("mailBox"))
            email = _mail(box.get("uri")) if box is not None else None
            if email:
                self.doc.use(cp)
                self.doc.use(box, deep=True)
                return email
        return None

    def identifier(self, element: Any) -> dict[str, Any]:
        """An IdentifierType -> canonical Identifier."""
        self.doc.use(element, deep=True)
        scheme = element.get("schemeID") or element.get("schemeName")
        out = {"value": (element.text or "").strip()}
        if scheme:
            out["scheme"] = scheme
        return out

    def country(self, value: str | None, field: str) -> str | None:
        """A country code/URI -> alpha-2; an unknown one is reported."""
        if not value:
            return None
        try:
            return vocab.country_code(value, field=field)
        except InputError:
            self.report.add(Code.INVALID_VALUE, f"unknown country {value!r}; ignored",
                            field=field, format=FORMAT)
            return None

    def organisation(self, org: Any) -> dict[str, Any]:
        """``organization`` -> canonical Organisation."""
        self.doc.use(org)
        out: dict[str, Any] = {"id": clean_uri(org.get("id"))}
        out["identifiers"] = [self.identifier(i) for i in self.children(org, "identifier")]
        email = self.first_email(org)
        if email:
            out["email"] = email
        reg = self.child(org, "registration")
        if reg is not None and (reg.text or "").strip():
            self.doc.use(reg, deep=True)
            legal: dict[str, Any] = {"value": reg.text.strip()}
            country = self.country(reg.get("spatialID"), "legal_identifier.country")
            if country:
                legal["country"] = country
            out["legal_identifier"] = legal
        out["name"] = self.text(self.child(org, "prefLabel"))
        homepage = org.find(q("homepage"))
        if homepage is not None:
            self.doc.use(homepage, deep=True)
            out["url"] = clean_uri(homepage.get("uri"))
        # the first location with an address gives country and address, the first spatial
        # code the region; further ones stay unread (reported)
        for location in org.findall(q("hasLocation")):
            address = location.find(q("hasAddress"))
            if address is not None and "country" not in out:
                self.doc.use(location)
                self.doc.use(address)
                country = self.country(self.code(self.child(address, "country")),
                                       "awarding_bodies[].country")
                if country:
                    out["country"] = country
                full = self.child(address, "fullAddress")
                if full is not None:
                    text = self.plain(full, "address")
                    if text:
                        out["address"] = text
            spatial = location.find(q("spatialCode"))
            if spatial is not None and "region" not in out:
                self.doc.use(location)
                out["region"] = self.code(spatial)
            if not len(location):
                self.doc.use(location)
        accreditations = self.children(org, "hasAccreditation")
        for a in accreditations:
            self.doc.use(a, deep=True)
        out["accreditations"] = [clean_uri(a.get("idref")) for a in accreditations]
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    # --- one achievement ------------------------------------------------------------------

    def achievement(self, ach: Any, common: dict[str, Any], many: bool) -> dict[str, Any]:
        """A top-level achievement (with its specification) -> canonical dict."""
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in common.items()}
        data["extensions"] = dict(common["extensions"])
        texts: dict[str, Any] = dict(common["_texts"])
        ids: dict[str, Any] = {"achievement": clean_uri(ach.get("id"))}
        if many:
            data["extensions"]["edc-xml:document_id"] = data.get("id")
            data["id"] = f"{data.get('id') or 'urn:credential'}#{ids['achievement']}"
        if local(ach) == "qualificationAward":
            data["extensions"]["edc-xml:achievement_kind"] = "qualificationAward"
        texts["achievement_title"] = self.text(self.child(ach, "title"))
        texts["achievement_description"] = self.text(self.child(ach, "description"))
        spec = self.doc.resolve(self.child(ach, "specifiedBy"), "qualification",
                                "learningSpecification")
        if spec is not None:
            self.doc.use(spec)
            ids["specification"] = clean_uri(spec.get("id"))
            self.specification(spec, data, texts, ids)
        derived = self.children(ach, "wasDerivedFrom")
        if derived:
            self.assessment(derived[0], data, texts, ids)
        influenced = self.children(ach, "wasInfluencedBy")
        provider = self.provider(influenced)
        if provider:
            data["provider"] = provider
        awarded = self.doc.resolve(self.child(ach, "wasAwardedBy"), "awardingProcess")
        if awarded is not None:
            self.doc.use(awarded)
            ids["awarding_process"] = clean_uri(awarded.get("id"))
            bodies = []
            for ref in self.children(awarded, "awardingBody"):
                org = self.doc.resolve(ref, "organization")
                if org is not None:
                    bodies.append(self.organisation(org))
            data["awarding_bodies"] = bodies
        parts = []
        for has_part in self.children(ach, "hasPart"):
            for sub in has_part:
                if local(sub) in ("learningAchievement", "qualificationAward"):
                    self.doc.use(sub)
                    self.doc.use(sub.find(q("title")), deep=True)
                    parts.append({"id": clean_uri(sub.get("id")),
                                  "title": self.text(sub.find(q("title")))})
        if parts:
            stack = data.setdefault("stackability", {})
            stack["parts"] = stack.get("parts", []) + parts
            self.report.add(Code.APPROXIMATED, f"{len(parts)} sub-achievement(s) kept as "
                            "stackability.parts (id and title only)",
                            field="stackability.parts", format=FORMAT)
        # canonical title/description: credential texts for one achievement, else its own
        title_keys = ("credential_title", "achievement_title", "specification_title")
        if many:
            title_keys = ("achievement_title", "specification_title", "credential_title")
        data["title"] = next((texts[k] for k in title_keys if texts.get(k)), {})
        desc_keys: tuple[str, ...] = ("credential_description", "achievement_description",
                                      "specification_description")
        if many:
            desc_keys = desc_keys[1:]
        data["description"] = next((texts[k] for k in desc_keys if texts.get(k)), {})
        kept = {k: v for k, v in texts.items() if v and
                v != (data["title"] if k.endswith("title") else data["description"])
                and not k.startswith("_")}
        if kept:
            data["extensions"]["edc-xml:texts"] = kept
        data["extensions"]["edc-xml:ids"] = {k: v for k, v in ids.items() if v}
        data.pop("_texts", None)
        return data

    def specification(self, spec: Any, data: dict[str, Any], texts: dict[str, Any],
                      ids: dict[str, Any]) -> None:
        """A learning specification / qualification -> workload, levels, outcomes..."""
        texts["specification_title"] = self.text(self.child(spec, "title"))
        texts["specification_description"] = self.text(self.child(spec, "description"))
        spec_types = [self.code(t) for t in self.children(spec, "type")]
        if spec_types:
            data["extensions"]["edc-xml:specification_types"] = [t for t in spec_types if t]
        info_text: dict[str, list[str]] = {}
        further: dict[str, Any] = {}
        stack: dict[str, Any] = {}
        levels: dict[str, Any] = {}
        participation: dict[str, Any] = {}
        qas: list[dict[str, Any]] = []
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
                qas.append({"description": content})
            elif topic == TOPIC_PATHWAYS:
                stack["note"] = content
            else:
                for lang, value in content.items():
                    info_text.setdefault(lang, []).append(f"{subject}: {value}" if subject
                                                          else value)
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
        workload: dict[str, Any] = {}
        volume = self.value(self.child(spec, "volumeOfLearning"))
        if volume:
            parsed = duration_hours(volume)
            if parsed is None:
                self.report.add(Code.INVALID_VALUE, f"volumeOfLearning {volume!r} cannot be "
                                "turned into hours; kept as extension", field="workload.hours",
                                format=FORMAT)
                data["extensions"]["edc-xml:volume_of_learning"] = volume
            else:
                hours, exact = parsed
                if hours > 0:
                    workload["hours"] = hours
                if not exact:
                    self.report.add(Code.APPROXIMATED, f"volumeOfLearning {volume} counted "
                                    "with 24-hour days", field="workload.hours", format=FORMAT)
        ects_el = self.child(spec, "hasECTSCreditPoints")
        ects = self.number(self.value(ects_el), "workload.ects")
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
            self.report.add(Code.KEPT_AS_EXTENSION, "hasCreditPoints without @schemeID (credit "
                            "system unknown) kept as extension edc-xml:credit_points",
                            field="workload.credits", format=FORMAT)
        if credits:
            workload["credits"] = credits
        if workload:
            data["workload"] = workload
        for level in spec.findall(q("hasEducationLevel")):
            # no official ISCED 2011 scheme: a URI ending in the level digit is read as one
            tail = (clean_uri(level.get("uri")) or "").rstrip("/").rsplit("/", 1)[-1]
            if tail in "012345678" and len(tail) == 1 and "isced_level" not in levels:
                self.code(level)
                levels["isced_level"] = int(tail)
                self.report.add(Code.APPROXIMATED, f"hasEducationLevel {level.get('uri')} read "
                                "as ISCED 2011 level", field="levels.isced_level", format=FORMAT)
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
        if local(spec) == "qualification":
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
        if stack:
            data["stackability"] = {**data.get("stackability", {}), **stack}
        if levels:
            data["levels"] = levels
        if qas:
            data["quality_assurance"] = qas

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

    def isced_f(self, uri: str | None) -> str | None:
        """An ISCED-F URI -> code; unknown ones are reported."""
        if not uri:
            return None
        try:
            return vocab.isced_f_code(uri)
        except InputError:
            self.report.add(Code.INVALID_VALUE, f"unknown ISCED-F code {uri!r}; ignored",
                            field="fields_of_study", format=FORMAT)
            return None

    def language(self, uri: str | None) -> str | None:
        """A language NAL URI -> ISO 639-1; unknown ones are reported."""
        if not uri:
            return None
        try:
            return vocab.language_code(uri)
        except InputError:
            self.report.add(Code.INVALID_VALUE, f"unknown language {uri!r}; ignored",
                            field="languages", format=FORMAT)
            return None

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

    def provider(self, activities: list[Any]) -> dict[str, Any] | None:
        """The organisation that directed the first learning activity (or the first activity of
        ``credentialSubject/activities``)."""
        candidates = list(activities)
        subject_acts = self.root.find(f"{q('credentialSubject')}/{q('activities')}")
        if subject_acts is not None:
            candidates += subject_acts.findall(q("activity"))
        for activity in candidates:
            ref = activity.find(q("directedBy"))
            if ref is None:
                continue
            self.doc.use(activity)
            org = self.doc.resolve(ref, "organization")
            if org is not None:
                self.report.add(Code.APPROXIMATED, "provider taken from the organisation that "
                                "directed the learning activity", field="provider",
                                format=FORMAT)
                return self.organisation(org)
        return None

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


def _mail(uri: str | None) -> str | None:
    cleaned = clean_uri(uri)
    if not cleaned:
        return None
    return cleaned[len("mailto:"):] if cleaned.lower().startswith("mailto:") else cleaned

