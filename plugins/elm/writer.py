"""Canonical credential -> EDC 3 JSON-LD in the compact shape of the EC samples.

The credential is a Generic EDC; its claim is a ``LearningAchievement`` specified by a
``Qualification`` when levels are present (as in the EC Annex I sample), else by a
``LearningAchievementSpecification``. Turtle and RDF/XML are this document's graph.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.languages import Retagger
from credbridge.model import (
    Assessment,
    Container,
    LangText,
    MicroCredential,
    Organisation,
    Workload,
)
from credbridge.report import Code, Message

from .concepts import (
    LOCAL_ID_PREFIX,
    NOTE_QA,
    NOTE_SETTING,
    PLACEHOLDER_ASSESSMENT,
    coded,
    concept,
    country,
    language,
    provisional_country,
    qa_note_lines,
)
from .contexts import EDC_AP_URL, VC1_URL
from .nodes import natural_key
from .status import status_node
from .write_claims import claim_of_record, needs_carrier

if TYPE_CHECKING:
    from credbridge.context import Context

GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
SCHEMA_FULL = "http://data.europa.eu/snb/model/ap/edc-generic-full"
BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
PNG = "http://publications.europa.eu/resource/authority/file-type/PNG"
XML_TYPE = "http://publications.europa.eu/resource/authority/file-type/XML"
JSON_TYPE = "http://publications.europa.eu/resource/authority/file-type/JSON"
CONVERTED_PROFILE = "http://data.europa.eu/snb/credential/c_7e400154"
CONVERSION_EVIDENCE = "http://data.europa.eu/snb/evidence-type/c_c4f849d7"
# A 1x1 transparent PNG: the display image the shapes require; the EDC viewer renders its own.
PLACEHOLDER_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
ESCO = "http://data.europa.eu/esco/"
EIDAS_FIELD = "extensions.elm:issuer_eidas"
NQF_LEVELS = "http://data.europa.eu/snb/qdr/"
"""The EU scheme of national qualification framework levels (NQFLevelRestriction)."""
NATIONAL_ID_SCHEME = "national id"
"""The scheme of a learner's national identifier written as an ``identifier`` (no country)."""
LEGAL_ID_SCHEME = "legal identifier"
"""The scheme of an organisation's legal identifier written as an ``identifier`` (no
country)."""
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_ID_NAMESPACE = uuid.UUID("6f1c8a52-3c3e-4d0e-9a59-3b1f3b0e2e61")


class ElmWriter:
    """Builds the EDC 3 JSON-LD document of one canonical credential; messages go to ``ctx``
    (whose ``record`` names the credential being written)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._counters: dict[str, int] = defaultdict(int)
        self._orgs: dict[str, dict[str, Any]] = {}
        self._org_said: dict[str, tuple[str, list[Message]]] = {}
        self._repeated: set[tuple[str, str]] = set()
        self._token = ""
        self.default_language = "en"
        self._retag = Retagger(ctx, None, target="ELM")
        self._container: Container | None = None

    def _id(self, kind: str) -> str:
        self._counters[kind] += 1
        return f"{LOCAL_ID_PREFIX}{self._token}{kind}:{self._counters[kind]}"

    # --- texts ----------------------------------------------------------------------------

    def _lang(self, text: dict[str, str], field: str | None = None) -> dict[str, str]:
        """A language map; ``und`` (unknown) is written in the language of
        :func:`credbridge.languages.text_language`, unless that language has a text of its
        own (then the unknown one is not written). Either is reported once per ``field``
        (``None``: texts credbridge wrote itself)."""
        return self._retag.text(text, field)

    def _languages(self, langs: list[str], field: str) -> list[dict[str, Any]]:
        """Language concepts (EU authority: a primary language, no region); a region given
        in the source (``nl-NL``) is reported as not written."""
        regional = [lang for lang in langs if "-" in lang]
        if regional:
            self.ctx.say(Code.APPROXIMATED, field, f"{', '.join(regional)}: the EU language "
                         "concepts have no region; the language alone is written")
        return [language(lang) for lang in langs]

    def _iri(self, value: str, kind: str, field: str) -> str:
        """``value`` when it is an absolute IRI; else a minted node id (reported)."""
        if _IRI.match(value):
            return value
        minted = self._id(kind)
        self.ctx.say(Code.APPROXIMATED, field,
                     f"{value!r} is not an IRI; the node is written as {minted}")
        return minted

    def _iri_or_drop(self, value: str, field: str, why: str = "ELM wants an IRI") -> bool:
        """True when ``value`` is an absolute IRI; else report it dropped."""
        if _IRI.match(value):
            return True
        self.ctx.say(Code.DROPPED, field, f"{value!r} is not an IRI ({why})")
        return False

    def _midnights(self, cred: MicroCredential) -> None:
        """Report each midnight-UTC date-time: it is written as it is, and read back as a date
        (ELM has no plain date: credbridge writes one as midnight UTC)."""
        for field, value in midnight_dates(cred):
            self.ctx.say(Code.APPROXIMATED, field,
                         f"{value.isoformat().replace('+00:00', 'Z')} is midnight UTC, which is "
                         f"how ELM writes a plain date: it reads back as the date "
                         f"{value.date().isoformat()}")

    def _keep_order(self, field: str, keys: list[str]) -> None:
        """Report a list whose order the graph cannot keep (RDF values are unordered)."""
        if keys != sorted(keys, key=natural_key):
            self.ctx.say(Code.APPROXIMATED, field,
                         "RDF values are unordered: the list comes back in IRI order")

    def _note(self, text: dict[str, str], field: str | None = None) -> dict[str, Any]:
        return {"id": self._id("note"), "type": "Note", "noteLiteral": self._lang(text, field)}

    # --- document -------------------------------------------------------------------------

    def document(self, cred: MicroCredential, source: tuple[bytes, str] | None = None,
                 container: Container | None = None) -> dict[str, Any]:
        """The JSON-LD document of ``cred``; ``source`` (bytes, format name) is embedded as
        evidence following the EC "converted" profile. With ``container``, ``cred`` is the
        first record of a many-claim document: the document is the container's (its id and
        display title) and ``cred.id`` is its claim's (docs/design.md §2.1)."""
        ext = cred.extensions
        self._container = container
        self._midnights(cred)
        self._retag = Retagger(self.ctx, cred, target="ELM")
        self.default_language = self._retag.language
        own_id = container.id if container is not None else cred.id
        cred_id = self._iri(own_id, "credential", "document.id" if container else "id") \
            if own_id else self._credential_id(cred)
        # Local node ids are unique per credential, so several credentials can share a graph.
        self._token = str(uuid.uuid5(_ID_NAMESPACE, cred_id))[:8] + ":"
        doc: dict[str, Any] = {
            "@context": [VC1_URL, EDC_AP_URL],
            "id": cred_id,
            "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        }
        doc["credentialProfiles"] = self._profiles(cred)
        doc["credentialSchema"] = {"id": SCHEMA_FULL, "type": "ShaclValidator2017"}
        idents = ext.get("elm:credential_identifiers")
        if isinstance(idents, list) and idents:
            doc["identifier"] = [self._identifier(i) for i in idents if isinstance(i, dict)]
        doc["displayParameter"] = self._display(cred)
        doc["credentialSubject"] = self._subject(cred)
        issuer = cred.issuer or (cred.awarding_bodies[0] if cred.awarding_bodies else None)
        if issuer is None:
            self.ctx.say(Code.DROPPED, "issuer",
                         "no issuer and no awarding body: the EDC has no issuer "
                         "(it will not conform to the EC shapes)")
        else:
            # without an issuer of its own, the first awarding body is the issuer (its
            # messages are the awarding body's)
            doc["issuer"] = self._organisation(issuer, "issuer" if cred.issuer else
                                               "awarding_bodies[]",
                                               eidas=ext.get("elm:issuer_eidas"))
        if cred.issued is not None:
            doc["validFrom"] = _datetime(cred.issued)
        else:
            self.ctx.say(Code.DROPPED, "issued",
                         "no date of issuing: validFrom is required by the EC shapes")
        if cred.valid_until is not None:
            doc["validUntil"] = _datetime(cred.valid_until)
        if isinstance(ext.get("elm:sealed"), str):
            doc["issued"] = ext["elm:sealed"]
        if isinstance(ext.get("elm:issuance_date"), str):
            doc["issuanceDate"] = ext["elm:issuance_date"]
        self._seal_values(cred, doc)
        if source is not None:
            doc["credentialProfiles"] = [*_as_list(doc["credentialProfiles"]),
                                         concept(CONVERTED_PROFILE, "Converted")]
            doc["evidence"] = self._evidence(*source)
        if cred.verification and cred.verification.status_service and \
                self._iri_or_drop(cred.verification.status_service, "verification.status_service"):
            doc["credentialStatus"] = status_node(cred.verification, self.ctx)
        elif cred.verification and not cred.verification.status_service:
            status_node(cred.verification, self.ctx)  # no status: it says what is not written
        known = ext.get("elm:concepts")
        if isinstance(known, dict):
            _restore_concepts(doc, known)
        return doc

    def _evidence(self, data: bytes, source_format: str) -> dict[str, Any]:
        """The original document as embedded evidence (base64 MediaObject)."""
        xml = data.lstrip().startswith(b"<")
        return {
            "id": self._id("evidence"),
            "type": "Evidence",
            "dcType": concept(CONVERSION_EVIDENCE),
            "evidenceStatement": f"Converted by credbridge from {source_format or 'the source'}",
            "embeddedEvidence": {
                "id": self._id("mediaObject"),
                "type": "MediaObject",
                "content": base64.b64encode(data).decode("ascii"),
                "contentEncoding": concept(BASE64, "base64"),
                "contentType": concept(XML_TYPE if xml else JSON_TYPE, "XML" if xml else "JSON"),
            },
        }

    def _seal_values(self, cred: MicroCredential, doc: dict[str, Any]) -> None:
        """Say which written values the source's seal set: its signing time as a date of the
        credential, its holder's eIDAS identifier as the issuer's. The output is not sealed,
        so they are the source's claims, no longer backed by a seal."""
        seals = [p for p in cred.proof if p.kind in ("jades", "xades")]
        if not seals:
            return
        times = {_instant(p.created) for p in seals if p.created is not None}
        fields = {"validFrom": "issued", "issued": "extensions.elm:sealed",
                  "issuanceDate": "extensions.elm:issuance_date"}
        for prop, field in fields.items():
            value = doc.get(prop)
            if isinstance(value, str) and _instant(value) in times:
                self.ctx.say(Code.NOTE, field, f"{prop} {value} is the time the source was "
                             "sealed; this output is not sealed: it is the source's date, "
                             "no longer backed by a seal")
        issuer = doc.get("issuer")
        if isinstance(issuer, dict) and "eIDASIdentifier" in issuer:
            signer = next((p.signer for p in seals if p.signer), None)
            self.ctx.say(Code.NOTE, EIDAS_FIELD, "the issuer's eIDAS identifier names the "
                         f"holder of the source's seal ({signer or 'signer not named'}); this "
                         "output is not sealed: it is written as the issuer's identifier, "
                         "not verified by credbridge")

    def _credential_id(self, cred: MicroCredential) -> str:
        seed = repr(sorted(cred.to_json_dict().items()))
        value = f"urn:credential:{uuid.uuid5(_ID_NAMESPACE, seed)}"
        self.ctx.say(Code.DEFAULTED, "id", f"the credential has no id; wrote {value}")
        return value

    def _profiles(self, cred: MicroCredential) -> Any:
        profiles = cred.extensions.get("elm:credential_profiles")
        if isinstance(profiles, list) and profiles:
            return [concept(p, _label("credential_type", p)) for p in profiles]
        uri = GENERIC_PROFILE
        if not cred.credential_type:
            self.ctx.say(Code.DEFAULTED, "credential_type",
                         "no credential type: written as the Generic EDC profile")
        else:
            found, _ = coded("credential_type", cred.credential_type)
            if found is None:
                self.ctx.say(Code.APPROXIMATED, "credential_type",
                             f"credential type {cred.credential_type} has no "
                             "EDC credential profile; written as Generic")
            else:
                uri = found
        return concept(uri, _label("credential_type", uri))

    def _display(self, cred: MicroCredential) -> dict[str, Any]:
        ext = cred.extensions
        title = ext.get("elm:display_title") or cred.title
        field = "title"
        if self._container is not None and self._container.title:
            title, field = self._container.title, "document.title"
        if not title:
            title = {"en": "Credential"}
            self.ctx.say(Code.DEFAULTED, "title", "no title: the display title is 'Credential'")
        langs = [lang for lang in self._lang(title, field) if lang != "und"] or \
            [self.default_language]
        primary = language(langs[0])
        display: dict[str, Any] = {
            "id": self._id("displayParameter"),
            "type": "DisplayParameter",
            "title": self._lang(title, field),
            "language": [language(lang) for lang in langs],
            "primaryLanguage": primary,
            "individualDisplay": {
                "id": self._id("individualDisplay"),
                "type": "IndividualDisplay",
                "language": primary,
                "displayDetail": {
                    "id": self._id("displayDetail"),
                    "type": "DisplayDetail",
                    "image": {
                        "id": self._id("mediaObject"),
                        "type": "MediaObject",
                        "content": PLACEHOLDER_PNG,
                        "contentEncoding": concept(BASE64, "base64"),
                        "contentType": concept(PNG, "PNG"),
                    },
                    "page": 1,
                },
            },
        }
        if isinstance(ext.get("elm:display_description"), dict):
            display["description"] = self._lang(ext["elm:display_description"])
        if self._container is not None and self._container.description:
            display["description"] = self._lang(self._container.description,
                                                "document.description")
        self.ctx.say(Code.DEFAULTED, "displayParameter",
                     "the display image (required by the EC shapes) is a blank "
                     "placeholder; the EDC viewer renders the credential itself")
        return display

    # --- learner ----------------------------------------------------------------------------

    def _subject(self, cred: MicroCredential) -> dict[str, Any]:
        learner = cred.learner
        subject: dict[str, Any] = {"id": (self._iri(learner.id, "person", "learner.id")
                                          if learner and learner.id else self._id("person")),
                                   "type": "Person"}
        if learner:
            lang = self.default_language
            for key, prop in (("given_name", "givenName"), ("family_name", "familyName"),
                              ("full_name", "fullName")):
                value = getattr(learner, key)
                if value:
                    subject[prop] = {lang: value}
            if learner.birth_date:
                subject["dateOfBirth"] = f"{learner.birth_date.isoformat()}T00:00:00Z"
            nid = learner.national_id
            if nid and (nid.country or learner.citizenship):
                subject["nationalID"] = self._legal(
                    {"value": nid.value, "country": nid.country},
                    learner.citizenship[0] if learner.citizenship else None,
                    "learner.national_id", "the learner's citizenship")
            if learner.identifiers:
                subject["identifier"] = [self._identifier(i.model_dump())
                                         for i in learner.identifiers]
            if nid and not (nid.country or learner.citizenship):
                # a nationalID without its country (spatial, minCount 1) fails the EC shapes;
                # the EDC XML writer does the same
                subject.setdefault("identifier", []).append(
                    self._identifier({"value": nid.value, "scheme": NATIONAL_ID_SCHEME}))
                self.ctx.say(Code.APPROXIMATED, "learner.national_id",
                             "a national identifier without a country is written as an "
                             f"identifier (scheme '{NATIONAL_ID_SCHEME}'): nationalID needs "
                             "its country")
                self.ctx.say(Code.APPROXIMATED, "learner.identifiers",
                             f"the national identifier {nid.value!r} (no country) is written "
                             f"as an identifier of scheme '{NATIONAL_ID_SCHEME}', and reads "
                             "back as one")
                if any(i.hashed or i.salt for i in learner.identifiers):
                    self.ctx.say(Code.APPROXIMATED, "learner.identifiers",
                                 "hashed identifiers are written without "
                                 "their hash flag and salt")
            if learner.email:
                subject["contactPoint"] = self._contact(learner.email)
            if learner.citizenship:
                subject["citizenshipCountry"] = [country(c) for c in learner.citizenship]
                self._keep_order("learner.citizenship",
                                 [c["id"] for c in subject["citizenshipCountry"]])
        subject["hasClaim"] = self._claim(cred)
        return subject

    def _identifier(self, ident: dict[str, Any]) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self._id("identifier"), "type": "Identifier",
                                "notation": ident["value"]}
        if ident.get("scheme"):
            node["schemeName"] = ident["scheme"]
        return node

    def _legal(self, ident: dict[str, Any], fallback_country: str | None, field: str,
               fallback_from: str = "the organisation's country") -> dict[str, Any]:
        """A LegalIdentifier; the shapes require its country (``spatial``): when the identifier
        has none, ``fallback_country`` is used and reported."""
        node: dict[str, Any] = {"id": self._id("legalIdentifier"), "type": "LegalIdentifier",
                                "notation": ident["value"]}
        where = ident.get("country")
        if not where and fallback_country:
            where = fallback_country
            self.ctx.say(Code.DEFAULTED, f"{field}.country",
                         f"the identifier has no country; written with "
                         f"{fallback_from} ({where}), which the EC shapes require")
        elif not where:
            self.ctx.say(Code.DROPPED, f"{field}.country",
                         "the identifier has no country, which the EC shapes require")
        if where and len(where) == 2:
            node["spatial"] = country(where)
        elif where:
            node["spatial"] = concept(where)
        return node

    def _contact(self, email: str) -> dict[str, Any]:
        mailto = email if email.startswith("mailto:") else f"mailto:{email}"
        return {"id": self._id("contactPoint"), "type": "ContactPoint",
                "emailAddress": {"id": mailto, "type": "Mailbox"}}

    # --- organisations -------------------------------------------------------------------

    def _organisation(self, org: Organisation, field: str,
                      eidas: Any = None) -> dict[str, Any]:
        """An Organisation node; the same organisation is written as the same node (the EC
        shape repeats it in full wherever it is used)."""
        key = org.model_dump_json()
        if key in self._orgs:
            node = self._orgs[key]
            if isinstance(eidas, dict) and eidas.get("value") and "eIDASIdentifier" not in node:
                node["eIDASIdentifier"] = self._legal(eidas, org.country, EIDAS_FIELD)
            self._repeat_said(key, field)
            return node
        messages = self.ctx.report.messages
        start = len(messages)
        node = self._new_organisation(org, field, eidas)
        self._orgs[key] = node
        self._org_said[key] = (field, [m for m in messages[start:] if m.field and (
            m.field == field or m.field.startswith(f"{field}."))])
        return node

    def _repeat_said(self, key: str, field: str) -> None:
        """Say again, for ``field``, what was said of an organisation's values when its node
        was written for another field (the issuer's country defaulted is the provider's too,
        when both are the same organisation): each field reads back on its own."""
        first, said = self._org_said.get(key, ("", []))
        if field == first or (key, field) in self._repeated:
            return
        self._repeated.add((key, field))
        for m in said:
            assert m.field is not None
            self.ctx.say(m.code, field + m.field[len(first):], m.detail)

    def _new_organisation(self, org: Organisation, field: str, eidas: Any) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self._iri(org.id, "org", f"{field}.id") if org.id
                                else self._id("org"), "type": "Organisation"}
        name: LangText = org.name
        if not name:
            name = {"en": "Unknown organisation"}
            self.ctx.say(Code.DEFAULTED, field,
                         "an organisation without a name is written as "
                         "'Unknown organisation' (the EC shapes require a legal name)")
        node["legalName"] = self._lang(name, f"{field}.name")
        if isinstance(eidas, dict) and eidas.get("value"):
            node["eIDASIdentifier"] = self._legal(eidas, org.country, EIDAS_FIELD)
        legal = org.legal_identifier
        placed = legal is not None and bool(legal.country or org.country)
        if legal is not None and placed:
            node["registration"] = self._legal(legal.model_dump(), org.country,
                                               f"{field}.legal_identifier")
        vat = [i for i in org.identifiers if i.scheme == "vat"]
        # a VAT number needs a country as a LegalIdentifier (spatial, minCount 1): without
        # one it stays a plain identifier of scheme "vat", which is how it reads back
        idents = [i for i in org.identifiers if i.scheme != "vat" or not org.country]
        if idents:
            node["identifier"] = [self._identifier(i.model_dump()) for i in idents]
        if legal is not None and not placed:
            # a LegalIdentifier without its country (spatial, minCount 1) fails the EC
            # shapes: written as a plain identifier, as a national id without a country is
            node.setdefault("identifier", []).append(self._identifier(
                {"value": legal.value, "scheme": LEGAL_ID_SCHEME}))
            for at in (f"{field}.legal_identifier", f"{field}.identifiers"):
                self.ctx.say(Code.APPROXIMATED, at, f"the legal identifier {legal.value!r} has "
                             "no country (nor has the organisation), which a LegalIdentifier "
                             f"needs: written as an identifier of scheme '{LEGAL_ID_SCHEME}', "
                             "and reads back as one")
        if vat and org.country:
            node["vatIdentifier"] = self._legal({"value": vat[0].value}, org.country,
                                                f"{field}.identifiers")
        if org.country:
            address: dict[str, Any] = {"id": self._id("address"), "type": "Address",
                                       "countryCode": country(org.country)}
            if org.address:
                address["fullAddress"] = self._note({"und": org.address}, f"{field}.address")
            location: dict[str, Any] = {"id": self._id("location"), "type": "Location",
                                        "address": address}
            if org.region and self._iri_or_drop(org.region, f"{field}.region",
                                                "ELM wants an ATU concept URI"):
                location["spatialCode"] = concept(org.region)
            node["location"] = location
        else:
            address = {"id": self._id("address"), "type": "Address",
                       "countryCode": provisional_country()}
            if org.address:
                address["fullAddress"] = self._note({"und": org.address}, f"{field}.address")
            node["location"] = {"id": self._id("location"), "type": "Location",
                                "address": address}
            self.ctx.say(Code.DEFAULTED, f"{field}.country",
                         "the organisation has no country, which the EC shapes "
                         "require: written as the EU country authority's 'Provisional data' "
                         "(OP_DATPRO), read back as no country")
        if org.url:
            node["homepage"] = {"id": self._id("webResource"), "type": "WebResource",
                                "contentURL": org.url}
        if org.email:
            node["contactPoint"] = self._contact(org.email)
        return node

    # --- the claim -----------------------------------------------------------------------

    def claim_in_document(self, cred: MicroCredential) -> dict[str, Any]:
        """The claim of a further record of the many-claim document begun by
        :meth:`document` (its concepts' labels restored as for the first)."""
        claim = self._claim(cred)
        known = cred.extensions.get("elm:concepts")
        if isinstance(known, dict):
            _restore_concepts(claim, known)
        return claim

    def _claim(self, cred: MicroCredential) -> dict[str, Any]:
        """The claim of one record: an achievement, or the activity of an activity-only
        record, with its activities and parts (docs/design.md §2.1)."""
        claim = self._achievement(cred)
        return claim_of_record(self, cred, claim, in_document=self._container is not None)

    def _achievement(self, cred: MicroCredential) -> dict[str, Any]:
        claim: dict[str, Any] = {"id": self._id("learningAchievement"),
                                 "type": "LearningAchievement"}
        title = cred.title or {"en": "Credential"}
        claim["title"] = self._lang(title, "title")
        if cred.description:
            claim["description"] = self._lang(cred.description, "description")
        process = self._awarding(cred)
        claim["awardedBy"] = process
        if cred.provider and needs_carrier(cred):
            claim["influencedBy"] = {
                "id": self._id("provider"), "type": "LearningActivity",
                "title": self._lang(title, "title"), "awardedBy": process,
                "directedBy": self._organisation(cred.provider, "provider"),
            }
            self.ctx.say(Code.APPROXIMATED, "provider",
                         "the provider is written as the director of a learning "
                         "activity that influenced the achievement")
        if cred.assessment or cred.assessed:
            claim["provenBy"] = self._assessment(cred, process)
        claim["specifiedBy"] = self._specification(cred)
        return claim

    def _awarding(self, cred: MicroCredential) -> dict[str, Any]:
        bodies = [self._organisation(b, "awarding_bodies[]") for b in cred.awarding_bodies]
        distinct = list({b["id"]: b for b in reversed(bodies)}.values())[::-1]
        if len(distinct) < len(bodies):
            # an RDF graph holds one node per IRI: identical entries, or entries that share an
            # id, become one organisation
            self.ctx.say(Code.APPROXIMATED, "awarding_bodies",
                         f"{len(bodies) - len(distinct)} awarding bodies "
                         "identical to another one, or sharing its id, are written as one "
                         "organisation")
            bodies = distinct
        self._keep_order("awarding_bodies", [b["id"] for b in bodies])
        if not bodies and cred.issuer:
            bodies = [self._organisation(cred.issuer, "issuer")]
            for field in ("issuer", "awarding_bodies"):
                self.ctx.say(Code.APPROXIMATED, field, "no awarding body (the EC shapes require "
                             "one): the issuer is written as the awarding body too, and reads "
                             "back as the awarding body, not as an issuer of its own")
        elif cred.issuer and any(_same_node(cred.issuer, b) for b in cred.awarding_bodies):
            self.ctx.say(Code.APPROXIMATED, "issuer", "the issuer is one of the awarding bodies "
                         "(one organisation node in ELM): it reads back as that awarding "
                         "body, not as an issuer of its own")
        process: dict[str, Any] = {"id": self._id("awardingProcess"), "type": "AwardingProcess"}
        if bodies:
            process["awardingBody"] = bodies if len(bodies) > 1 else bodies[0]
        else:
            self.ctx.say(Code.DROPPED, "awarding_bodies",
                         "no awarding body: the EC shapes require one")
        awarded = cred.extensions.get("elm:awarding_date")
        if isinstance(awarded, str):
            process["awardingDate"] = awarded
        return process

    def _assessment(self, cred: MicroCredential, process: dict[str, Any]) -> dict[str, Any]:
        a = cred.assessment
        ext = cred.extensions
        title = ext.get("elm:assessment_title")
        if not isinstance(title, dict) or not title:
            title = {self.default_language: PLACEHOLDER_ASSESSMENT}
            self.ctx.say(Code.DEFAULTED, "assessment",
                         "the assessment has no title of its own; written as "
                         "'Assessment' (the EC shapes require one)")
        node: dict[str, Any] = {"id": self._id("learningAssessment"),
                                "type": "LearningAssessment", "title": self._lang(title)}
        grade = a.grade if a else None
        grade_text = grade.value if grade and grade.value else None
        if grade_text is None:
            grade_text = "-"
            self.ctx.say(Code.DEFAULTED, "assessment.grade.value",
                         "no grade: written as '-' (the EC shapes require a grade)")
        node["grade"] = self._note({"und": grade_text},
                                   "assessment.grade" if grade and grade.value else None)
        node["awardedBy"] = process
        if grade and grade.status:
            uri, label = coded("grade_status", grade.status)
            if uri:
                node["gradeStatus"] = concept(uri, label)
            else:
                self.ctx.say(Code.DROPPED, "assessment.grade.status",
                             f"grade status {grade.status} has no EU concept")
        if a and a.supervision:
            uri, label = coded("supervision", a.supervision)
            if uri:
                node["idVerification"] = concept(uri, label)
            else:
                self.ctx.say(Code.DROPPED, "assessment.supervision",
                             f"supervision {a.supervision!r} has no EU concept in the "
                             "supervision-verification scheme")
        if cred.assessed is not None:
            node["dateIssued"] = _datetime(cred.assessed)
        if a and a.assessors:
            node["assessedBy"] = [self._organisation(o, "assessment.assessors[]")
                                  for o in a.assessors]
            self._keep_order("assessment.assessors", [o["id"] for o in node["assessedBy"]])
        if a and a.description:
            node["description"] = self._lang(a.description, "assessment.description")
        spec = self._assessment_spec(cred)
        if spec:
            node["specifiedBy"] = spec
        return node

    def _assessment_spec(self, cred: MicroCredential) -> dict[str, Any] | None:
        title = cred.extensions.get("elm:assessment_specification_title") or \
            cred.extensions.get("elm:assessment_title") or \
            {self.default_language: PLACEHOLDER_ASSESSMENT}
        return self.assessment_spec(cred.assessment, title, "assessment")

    def assessment_spec(self, a: Assessment | None, title: dict[str, str],
                        field: str) -> dict[str, Any] | None:
        """The ``LearningAssessmentSpecification`` of an assessment (its type and grading
        scheme), ``None`` when it has neither; ``field`` is the assessment's canonical path
        (``assessment``, ``parts[].assessment``)."""
        scheme = a.grade.scheme if a and a.grade and a.grade.scheme else None
        if not (a and a.types) and scheme is None:
            return None
        spec: dict[str, Any] = {"id": self._id("learningAssessmentSpec"),
                                "type": "LearningAssessmentSpecification",
                                "title": self._lang(title)}
        if a and a.types:
            types = []
            for t in a.types:
                uri, label = coded("assessment_type", t)
                if uri:
                    types.append(concept(uri, label))
                else:
                    self.ctx.say(Code.DROPPED, f"{field}.types",
                                 f"assessment type {t!r} has no EU concept")
            if types:
                spec["dcType"] = types[0]
            if len(types) > 1:
                self.ctx.say(Code.DROPPED, f"{field}.types",
                             "the EC shapes allow one type per assessment "
                             f"specification; {len(types) - 1} further type(s) not written")
        if scheme is not None:
            gs: dict[str, Any] = {"id": self._id("gradingScheme"), "type": "GradingScheme",
                                  "title": self._lang(scheme.name or {"en": "Grading scheme"},
                                                      f"{field}.grade.scheme.name")}
            if not scheme.name:
                self.ctx.say(Code.DEFAULTED, f"{field}.grade.scheme.name",
                             "a grading scheme without a name is written as 'Grading scheme' "
                             "(the EC shapes require a title)")
            if scheme.description:
                gs["description"] = self._lang(scheme.description,
                                               f"{field}.grade.scheme.description")
            if scheme.min or scheme.max or scheme.pass_:
                self.ctx.say(Code.DROPPED, f"{field}.grade.scheme",
                             "grading scheme min/max/pass have no ELM property")
            spec["gradingScheme"] = gs
        return spec

    # --- the specification --------------------------------------------------------------

    def _specification(self, cred: MicroCredential) -> dict[str, Any]:
        levels = cred.levels
        qualification = bool(levels and (levels.eqf or levels.nqf))
        spec: dict[str, Any] = {
            "id": self._id("qualification" if qualification else "learningAchievementSpec"),
            "type": "Qualification" if qualification else "LearningAchievementSpecification",
        }
        title = cred.extensions.get("elm:specification_title") or cred.title or \
            {"en": "Credential"}
        spec["title"] = self._lang(title, "title")
        if cred.description:
            spec["description"] = self._lang(cred.description, "description")
        kind = cred.extensions.get("elm:specification_type")
        if isinstance(kind, str):
            spec["dcType"] = concept(kind)
        if levels and levels.eqf:
            spec["eqfLevel"] = concept(vocab.vocabulary("eqf").uri(str(levels.eqf)) or "",
                                       {"en": f"Level {levels.eqf}"})
        if levels and levels.nqf:
            nqf = [concept(n.uri, n.label or None) for n in levels.nqf
                   if n.uri and n.uri.startswith(NQF_LEVELS)]
            foreign = [n.uri for n in levels.nqf if n.uri and not n.uri.startswith(NQF_LEVELS)]
            if foreign:
                self.ctx.say(Code.DROPPED, "levels.nqf",
                             f"{', '.join(foreign)}: not a level of the EU qualification "
                             f"framework scheme ({NQF_LEVELS}), the only one the EC shapes allow "
                             "for nqfLevel")
            if any(not n.uri for n in levels.nqf):
                self.ctx.say(Code.DROPPED, "levels.nqf",
                             "an NQF level without a URI cannot be written")
            if nqf:
                spec["nqfLevel"] = nqf if len(nqf) > 1 else nqf[0]
                self._keep_order("levels.nqf", [n["id"] for n in nqf])
        if cred.fields_of_study:
            self._keep_order("fields_of_study",
                             [vocab.isced_f().uri(c) or "" for c in cred.fields_of_study])
            spec["thematicArea"] = [concept(vocab.isced_f().uri(c) or "",
                                            vocab.isced_f().label(c))
                                    for c in cred.fields_of_study]
        self._workload(cred, spec)
        if cred.learning_outcomes:
            spec["learningOutcome"] = [self._outcome(o) for o in cred.learning_outcomes]
        self._participation(cred, spec)
        if cred.languages:
            spec["language"] = self._languages(cred.languages, "languages")
            self._keep_order("languages", [c["id"] for c in spec["language"]])
        if cred.access_requirements:
            spec["entryRequirement"] = self._note(cred.access_requirements, "access_requirements")
        self._stackability(cred, spec, qualification)
        self._further(cred, spec)
        if cred.quality_assurance:
            self._quality(cred, spec)
        return spec

    def _workload(self, cred: MicroCredential, spec: dict[str, Any]) -> None:
        self.workload(cred.workload, cred.extensions, spec)

    def workload(self, w: Workload | None, extensions: dict[str, Any],
                 spec: dict[str, Any]) -> None:
        """The credit points and volume of learning of workload ``w`` (of a credential or
        a part: ``extensions`` are its owner's) into specification ``spec``."""
        if w is None:
            return
        credits = list(w.credits)
        if len(credits) == 1 and credits[0].system == "ects" and w.ects in (None,
                                                                           credits[0].value):
            self.ctx.say(Code.APPROXIMATED, "workload",
                         "a lone ECTS credit entry is written as the ECTS "
                         "credit points; it comes back as workload.ects")
        if w.ects is not None and not any(c.system == "ects" for c in credits):
            from credbridge.model import Credit

            credits.insert(0, Credit(system="ects", value=w.ects))
        points = []
        for c in credits:
            uri, label = coded("credit_system", c.system)
            if not uri:
                self.ctx.say(Code.DROPPED, "workload.credits",
                             f"credit system {c.system!r} has no EU concept")
                continue
            points.append({"id": self._id("creditPoint"), "type": "CreditPoint",
                           "framework": concept(uri, label),
                           "point": format(c.value.normalize(), "f")})
        if points:
            spec["creditPoint"] = points if len(points) > 1 else points[0]
        lexical = extensions.get("elm:volume_of_learning")
        if isinstance(lexical, str):
            spec["volumeOfLearning"] = lexical
        elif w.hours is not None:
            spec["volumeOfLearning"] = f"PT{format(w.hours.normalize(), 'f')}H"

    def _outcome(self, outcome: Any) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self._id("learningOutcome"), "type": "LearningOutcome",
                                "title": self._lang(outcome.text or {"en": "-"},
                                                    "learning_outcomes[].text")}
        skill = outcome.esco_skill if outcome.esco_skill and self._iri_or_drop(
            outcome.esco_skill, "learning_outcomes[].esco_skill") else None
        related = [r for r in outcome.related
                   if self._iri_or_drop(r, "learning_outcomes[].related")]
        if skill and not skill.startswith(ESCO):
            # relatedESCOSkill takes ESCO skills only (EscoSkillRestriction): another
            # framework's skill (MyNextID's urn:epass: concepts) is a related skill
            self.ctx.say(Code.APPROXIMATED, "learning_outcomes[].esco_skill",
                         f"{skill} is not an ESCO skill: written as a related skill "
                         "(relatedSkill), read back as related")
            related, skill = [skill, *(r for r in related if r != skill)], None
        esco_all = ([skill] if skill else []) + [r for r in related if r.startswith(ESCO)]
        other = [r for r in related if not r.startswith(ESCO)]
        if esco_all:
            node["relatedESCOSkill"] = [concept(r) for r in esco_all] if len(esco_all) > 1 \
                else concept(esco_all[0])
        if other:
            node["relatedSkill"] = [concept(r) for r in other]
        esco_back = sorted(esco_all, key=natural_key)
        back = (esco_back[:1], esco_back[1:] + sorted(other, key=natural_key))
        if back != ([skill] if skill else [], related):
            self.ctx.say(Code.APPROXIMATED, "learning_outcomes[]",
                         "RDF values are unordered: the first ESCO skill (in IRI "
                         "order) comes back as the outcome's ESCO skill, the others as related")
        if outcome.skill_type:
            uri, label = coded("skill_type", outcome.skill_type)
            if uri:
                node["dcType"] = concept(uri, label)
            else:
                self.ctx.say(Code.DROPPED, "learning_outcomes[].skill_type",
                             f"skill type {outcome.skill_type!r} has no EU concept "
                             "URI here")
        if outcome.code:
            node["identifier"] = self._identifier({"value": outcome.code})
        return node

    def _participation(self, cred: MicroCredential, spec: dict[str, Any]) -> None:
        p = cred.participation
        if p is None:
            return
        modes = []
        for m in p.modes:
            uri, label = coded("mode", m)
            if uri:
                modes.append(concept(uri, label))
        if modes:
            spec["mode"] = modes if len(modes) > 1 else modes[0]
            self._keep_order("participation.modes", [m["id"] for m in modes])
        if p.setting:
            uri, label = coded("setting", p.setting)
            if uri:
                spec["learningSetting"] = concept(uri, label)
            else:
                self.ctx.say(Code.APPROXIMATED, "participation.setting",
                             f"learning setting {p.setting} has no EU concept; "
                             "written as an additional note")
                spec.setdefault("additionalNote", []).append(
                    self._note({"en": f"{NOTE_SETTING}{p.setting}"}))
        if p.languages and not cred.languages:
            spec["language"] = self._languages(p.languages, "participation.languages")

    def _stackability(self, cred: MicroCredential, spec: dict[str, Any],
                      qualification: bool) -> None:
        s = cred.stackability
        if s is None:
            return
        if s.partial_qualification is not None:
            if qualification:
                spec["isPartialQualification"] = s.partial_qualification
            else:
                self.ctx.say(Code.DROPPED, "stackability.partial_qualification",
                             "isPartialQualification exists only on a Qualification "
                             "(no levels here)")
        # The shapes want parts and wholes of the same class as the specification itself.
        kind = "Qualification" if qualification else "LearningAchievementSpecification"
        for key, prop in (("stacks_into", "isPartOf"), ("parts", "hasPart")):
            refs = getattr(s, key)
            nodes = []
            for ref in refs:
                node: dict[str, Any] = {"id": self._iri(ref.id, "specification",
                                                        f"stackability.{key}")
                                        if ref.id else self._id("specification"),
                                        "type": kind,
                                        "title": self._lang(ref.title or {"en": "-"},
                                                            f"stackability.{key}[].title")}
                nodes.append(node)
            if nodes:
                spec[prop] = nodes
                self._keep_order(f"stackability.{key}", [n["id"] for n in nodes])

    def _further(self, cred: MicroCredential, spec: dict[str, Any]) -> None:
        f = cred.further_information
        if f is None:
            return
        if f.text:
            spec.setdefault("additionalNote", []).insert(
                0, self._note(f.text, "further_information.text"))
        if f.links:
            spec["supplementaryDocument"] = [
                {"id": self._id("webResource"), "type": "WebResource", "contentURL": link}
                for link in f.links
            ]

    def _quality(self, cred: MicroCredential, spec: dict[str, Any]) -> None:
        """Accreditations when the QA type is a concept URI and a QA body is known; otherwise
        the QA text goes to an additional note (the shapes require both on an Accreditation)."""
        nodes = []
        for i, qa in enumerate(cred.quality_assurance):
            field = f"quality_assurance[{i}]"
            if qa.type and ":" in qa.type and qa.body:
                nodes.append(self._accreditation(qa, field))
                continue
            # an Accreditation needs a type concept and an accrediting agent (minCount 1):
            # without them the QA is a note whose labelled lines are read back
            lines = qa_note_lines({"type": qa.type or "", "decision": qa.decision or "",
                                   "register_entry": qa.register_entry or "",
                                   "valid_until": qa.valid_until.isoformat()
                                   if qa.valid_until else ""})
            text = qa.description or ({self.default_language: ""} if lines else {})
            if text:
                spec.setdefault("additionalNote", []).append(self._note(
                    {lang: f"{NOTE_QA}{t}{lines}".rstrip() for lang, t in text.items()},
                    f"{field}.description"))
            self.ctx.say(Code.APPROXIMATED, field,
                         "quality assurance without a type URI and a QA body is written as an "
                         "additional note (type, decision, register entry and expiry as "
                         "labelled lines, read back)")
            if qa.body:
                self.ctx.say(Code.DROPPED, f"{field}.body", "the QA body of a quality "
                             "assurance without a type URI is not written (an Accreditation "
                             "needs both)")
        if nodes:
            spec["accreditation"] = nodes

    def _accreditation(self, qa: Any, field: str) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self._id("accreditation"), "type": "Accreditation",
                                "dcType": concept(qa.type),
                                "title": self._lang(qa.description or {"en": "Accreditation"},
                                                    f"{field}.description"),
                                "accreditingAgent": self._organisation(qa.body, f"{field}.body")}
        if qa.decision and self._iri_or_drop(qa.decision, f"{field}.decision"):
            node["decision"] = concept(qa.decision)
        if qa.register_entry:
            node["report"] = {"id": self._id("webResource"), "type": "WebResource",
                              "contentURL": qa.register_entry}
        if qa.valid_until:
            node["expiryDate"] = f"{qa.valid_until.isoformat()}T00:00:00Z"
        return node


def _restore_concepts(node: Any, known: dict[str, Any]) -> None:
    """Put back the labels and schemes the reader kept for concepts credbridge's vocabularies
    do not know."""
    if isinstance(node, list):
        for item in node:
            _restore_concepts(item, known)
        return
    if not isinstance(node, dict):
        return
    facts = known.get(node.get("id", "")) if node.get("type") == "Concept" else None
    if isinstance(facts, dict):
        if isinstance(facts.get("scheme"), str):
            node["inScheme"] = {"id": facts["scheme"], "type": "ConceptScheme"}
        if isinstance(facts.get("label"), dict):
            node["prefLabel"] = facts["label"]
    for key, value in node.items():
        if key != "inScheme":
            _restore_concepts(value, known)


def _same_node(a: Organisation, b: Organisation) -> bool:
    """Whether two organisations are written as one node: the same values, or the same IRI."""
    return a == b or bool(a.id and a.id == b.id and _IRI.match(a.id))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _label(vocab_name: str, uri: str) -> str | None:
    voc = vocab.vocabulary(vocab_name)
    code = voc.lookup(uri)
    return voc.label(code) if code else None


def midnight_dates(cred: MicroCredential) -> Iterator[tuple[str, dt.datetime]]:
    """(field, value) of each date-time of ``cred`` at midnight UTC: ELM writes a plain date
    so, and its reader reads such a date-time back as the date."""
    period = cred.period
    dates: list[tuple[str, dt.date | dt.datetime | None]] = [
        ("issued", cred.issued), ("valid_until", cred.valid_until), ("assessed", cred.assessed),
        ("period.start", period.start if period else None),
        ("period.end", period.end if period else None)]
    dates += [("parts[].assessed", p.assessed) for p in cred.parts]
    for a in cred.activities:
        if a.period is not None:
            dates += [("activities[].period.start", a.period.start),
                      ("activities[].period.end", a.period.end)]
    for field, value in dates:
        if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0) \
                and value.timetz().replace(tzinfo=None) == dt.time(0):
            yield field, value


def _instant(value: Any) -> str:
    """A date-time as a comparable UTC instant text (the value itself when it is not one)."""
    try:
        parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(
            str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat()


def _datetime(value: dt.date | dt.datetime) -> str:
    """An ``xsd:dateTime``: a plain date becomes midnight UTC."""
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"
