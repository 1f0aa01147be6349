"""Canonical credential -> Open Badges 3.0 ``OpenBadgeCredential`` (VC Data Model 2.0).

Standard OB 3.0 terms first, then the eduCredentials ``EducredentialAchievement`` terms for the
Annex I elements it defines (participation, assessment type, supervision, identity check,
ECTS, hours), then — only for what neither holds — the credbridge extension term
``credbridgeCanonical`` (a JSON literal of canonical credbridge JSON, defined inline in the
document's ``@context``).
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from credbridge import clock, vocab
from credbridge.context import Context
from credbridge.errors import InputError
from credbridge.languages import UNKNOWN, Retagger
from credbridge.model import MicroCredential, Organisation, build
from credbridge.report import Code, Report

from . import contexts as C
from .achievement_texts import achievement_texts, alignment_name
from .common import iso_datetime, pick_text, prune_json, stable_urn
from .jsonld_safe import absolute_ids
from .normal_form import normal_form
from .options import Ob3Options
from .overlay import deep_diff
from .sections import KeptSections, criteria_page

IDENTITY_TYPES = frozenset({
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
    "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
    "ltiUserId", "identifier"})
_STATUS_OUT = {"passed": "Completed", "failed": "Failed", "in-progress": "InProgress"}
_LANG_PATTERN = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
# Canonical keys that never go into the credbridge extension: proof is never carried, and
# extensions of other formats are reported by the core.
_NOT_IN_EXTENSION = ("extensions", "proof")
_REPLACED_CONTEXTS = (
    C.VC1_CONTEXT, C.OB3_CONTEXT_PREFIX, "https://imsglobal.github.io/openbadges-specification/",
    "https://w3id.org/security/", "https://www.w3.org/ns/credentials/status/", C.EDUC_CONTEXT)
"""Source contexts the written document does not need (see ``Ob3Writer._source_contexts``)."""


def identity_type(scheme: str | None) -> str:
    """An OB 3.0 identityType/identifierType for a canonical identifier scheme."""
    if not scheme:
        return "identifier"
    if scheme in IDENTITY_TYPES or re.fullmatch(r"ext:[A-Za-z0-9.\-_]+", scheme):
        return scheme
    return "ext:" + (re.sub(r"[^A-Za-z0-9.\-_]+", "", scheme.rsplit("/", 1)[-1]) or "scheme")


def number(value: Decimal) -> int | float:
    """A JSON number for a Decimal (``3.0`` style as the eduCredentials examples write it)."""
    return float(value)


class Ob3Writer(KeptSections):
    """Builds the OB 3.0 JSON of one canonical credential."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.fmt = ctx.format
        options = ctx.options
        self.options = options if isinstance(options, Ob3Options) else Ob3Options()
        self.educ = False
        self.text_lang: str | None = None
        """The language of the credential's texts as the source declared it (None: unknown)."""

    def note(self, code: Code, detail: str, field: str | None = None) -> None:
        """Report ``code`` about ``field`` for this format."""
        self.ctx.say(code, field, detail)

    def document(self, cred: MicroCredential) -> dict[str, Any]:
        """The complete OB 3.0 credential for ``cred`` (with the credbridge extension unless
        ``no_extension``)."""
        doc = self.standard(cred)
        extension = self.extension(cred, doc)
        if extension and self.options.no_extension:
            for key in extension:
                self.note(Code.DROPPED, "not written (--no-extension): the OB 3.0 terms "
                          "cannot hold it", key)
        elif extension:
            # a JSON literal under an absolute IRI: no inline context for verifiers to refuse
            doc[C.CREDBRIDGE_IRI] = {"type": "@json", "@value": extension}
        return doc

    def _wants_educ(self, cred: MicroCredential) -> bool:
        """Whether to write the eduCredentials terms: asked for, or (``auto``) used by the
        source (an OB 3.0 EducredentialAchievement)."""
        profile = self.options.profile
        if profile != "auto":
            return profile == "educredentials"
        badge = cred.extensions.get("ob3:sections", {}).get("badge", {}).get("raw", {})
        return isinstance(badge, dict) and C.EDUC_ACHIEVEMENT in (badge.get("types") or [])

    # --- the standard document ------------------------------------------------------------

    def standard(self, cred: MicroCredential) -> dict[str, Any]:
        """The OB 3.0 / eduCredentials JSON of ``cred`` without the credbridge extension."""
        ext = cred.extensions
        self.educ = self._wants_educ(cred)
        cred_id = self._credential_id(cred)
        self.text_lang = _known(pick_text(cred.title)[0])
        title = self._text(cred.title, "title", self.text_lang)
        achievement = self._achievement(cred, cred_id, title)
        contexts: list[Any] = [C.VC2_CONTEXT, C.OB3_CONTEXT, C.OB3_EXTENSIONS_CONTEXT]
        if self.educ:
            contexts.append(C.educ_inline_context())
            self.note(Code.NOTE, "eduCredentials EducredentialAchievement terms written, with "
                      "the eduCredentials context inline and corrected (its published file is "
                      "not valid JSON-LD); verifiers that accept only published context URLs "
                      "(openbadgeslib) refuse it: --profile ob3 writes plain OB 3.0")
        contexts += self._source_contexts(ext.get("ob3:contexts", []), contexts)
        badge_raw = (self.raw(cred, "badge") or {})
        doc: dict[str, Any] = {
            "@context": contexts,
            "id": cred_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        }
        display = badge_raw.get("display_name") if badge_raw else title
        if display:
            doc["name"] = display
        own_description = achievement_texts(cred)[1]
        description = self._text(cred.description, "description", self.text_lang)
        if own_description and description and description != achievement.get("description"):
            doc["description"] = description
        doc["issuer"] = self._issuer(cred, cred_id)
        doc["validFrom"] = self._valid_from(cred)
        if cred.valid_until:
            doc["validUntil"] = iso_datetime(cred.valid_until)
        doc["credentialSubject"] = self._subject(cred, achievement)
        evidence = self._evidence(cred)
        if evidence:
            doc["evidence"] = evidence
        doc["credentialSchema"] = [{"id": C.OB3_SCHEMA_URL, "type": C.SCHEMA_VALIDATOR_TYPE},
                                   *ext.get("ob3:credentialSchema", [])]
        rest = ext.get("ob3:credential") or {}
        if "credentialStatus" not in rest:
            status = self._status(cred)
            if status:
                doc["credentialStatus"] = status
        if cred.verification and cred.verification.url:
            self.note(Code.APPROXIMATED, "OB 3.0 has no verification page URL; kept in the "
                      "credbridge extension", "verification.url")
        _merge(doc, rest)
        self._from_ob2(cred, doc)
        if cred.proof:
            self.note(Code.NOTE, "the source's proof/signature is not carried: the written "
                      "credential is unsigned", "proof")
        out: dict[str, Any] = normal_form(prune_json(doc))
        absolute_ids(out, lambda code, detail, field: self.note(code, detail, field))
        if any(key.startswith(("ob3:", "ob2:")) for key in ext):
            self._safe_json_ld(out)
        return out

    def _safe_json_ld(self, doc: dict[str, Any]) -> None:
        """Remove from the source JSON carried into ``doc`` what JSON-LD safe mode refuses
        (undefined terms, relative types, embedded credentials that are not valid JSON-LD):
        a JSON-LD processor would drop it, and DCC refuses to sign a document with it. Only
        documents that carry source JSON are checked: the writer's own terms are safe."""
        from . import jsonld_safe

        for parent, key, item in _endorsements(doc):
            found = jsonld_safe.problems(item) if isinstance(item, dict) else []
            if found or not isinstance(item, dict):
                parent[key] = [e for e in parent[key] if e is not item] \
                    if isinstance(parent[key], list) else None
                self.note(Code.DROPPED, f"an embedded endorsement credential is not valid "
                          f"JSON-LD ({found[0] if found else 'not an object'}): not written "
                          "(a JSON-LD processor would refuse the whole document)", None)
        for parent, key, _item in _endorsements(doc):
            if parent.get(key) in (None, []):
                parent.pop(key, None)
        jsonld_safe.remove(doc, jsonld_safe.problems(doc), lambda path, message: self.note(
            Code.DROPPED, f"{path} of the source: {message}; not written", None))

    def _credential_id(self, cred: MicroCredential) -> str:
        """The credential's id, an absolute IRI (VC 2.0 and JSON-LD need one): the source's,
        else a urn:uuid derived from the source's id (the same id always gives the same urn),
        else from the credential."""
        if C.is_absolute_iri(cred.id):
            return str(cred.id)
        if cred.id:
            new = stable_urn("credential-id", cred.id)
            self.note(Code.APPROXIMATED, f"the id {cred.id!r} is not an absolute IRI (VC 2.0 and "
                      f"JSON-LD need one): {new} written, derived from it; the original id is "
                      "kept in the credbridge extension", "id")
            return new
        new = stable_urn("credential", self.canonical(cred))
        self.note(Code.DEFAULTED, f"OB 3.0 requires an id: {new} generated", "id")
        return new

    def _source_contexts(self, others: list[Any], written: list[Any]) -> list[Any]:
        """The other contexts the OB 3.0 source named that the written document still needs:
        none for the proof suites (the proof is not carried), older OB 3.0 and VC contexts
        (replaced), the VC 1.1 status contexts (VC 2.0 defines the status entry) or the
        eduCredentials URL (its published file is not valid JSON-LD)."""
        kept = []
        for context in others:
            if context in written:
                continue
            if isinstance(context, str) and context.startswith(_REPLACED_CONTEXTS):
                self.note(Code.NOTE, f"the source's context {context} is not written: the "
                          "document uses no term of it (VC 2.0 and OB 3.0.3 define the rest)",
                          "extensions.ob3:contexts")
                continue
            kept.append(context)
        return kept

    def _status(self, cred: MicroCredential) -> dict[str, Any] | None:
        """The credentialStatus of ``cred``: the source's type when the written contexts
        define it (1EdTechRevocationList), else a VC 2.0 BitstringStatusListEntry (a
        StatusList2021Entry is written as its VC 2.0 successor)."""
        v = cred.verification
        if not v or not v.status_service or v.method in ("hosted", "signed"):
            return None
        service, method = v.status_service, v.method
        field = "verification.status_service"
        if not C.is_absolute_iri(service):
            self.note(Code.APPROXIMATED, f"status service {service!r} is not an absolute IRI: "
                      "no credentialStatus written (kept in the credbridge extension)", field)
            return None
        if method == C.REVOCATION_LIST:
            self.note(Code.NOTE, "credentialStatus 1EdTechRevocationList written as the source "
                      "had it (OB 3.0 deprecated it for the VC 2.0 BitstringStatusListEntry)",
                      "verification.method")
            return {"id": service, "type": C.REVOCATION_LIST}
        if method not in (None, C.BITSTRING_ENTRY, C.STATUS_LIST_2021):
            self.note(Code.APPROXIMATED, f"status type {method!r} is not defined by the VC 2.0 "
                      "or OB 3.0 contexts: no credentialStatus written (kept in the credbridge "
                      "extension)", "verification.method")
            return None
        list_url, _, index = service.partition("#")
        if not index.isdigit():
            self.note(Code.APPROXIMATED, f"status service {service} names no status list index "
                      "(LIST#INDEX): no BitstringStatusListEntry written (kept in the credbridge "
                      "extension)", field)
            return None
        if method == C.STATUS_LIST_2021:
            self.note(Code.APPROXIMATED, "the StatusList2021Entry is written as its VC 2.0 "
                      "successor BitstringStatusListEntry (VC 2.0 has no StatusList2021 terms)",
                      "verification.method")
        elif method is None:
            self.note(Code.DEFAULTED, "credentialStatus written as a VC 2.0 "
                      "BitstringStatusListEntry (the source named no status type)",
                      "verification.method")
        return {"id": service, "type": C.BITSTRING_ENTRY, "statusPurpose": "revocation",
                "statusListIndex": index, "statusListCredential": list_url}

    def _from_ob2(self, cred: MicroCredential, doc: dict[str, Any]) -> None:
        """1EdTech's OB 2.0 -> 3.0 upgrade guidance, and the OB 2.0 elements kept on read."""
        source = cred.extensions.get("ob2:source")
        subject = doc["credentialSubject"]
        ach = subject["achievement"]
        if isinstance(source, dict):
            old_id = source.get("assertion")
            if isinstance(old_id, str) and old_id == cred.id and old_id.startswith(
                    ("http://", "https://")):
                doc["id"] = stable_urn("ob2-upgrade", old_id)
                self.note(Code.APPROXIMATED, f"new id {doc['id']} (1EdTech upgrade guidance: "
                          "an OB 3.0 credential gets its own id); the hosted OB 2.0 assertion "
                          f"{old_id} is linked as evidence", "id")
                doc.setdefault("evidence", []).append(
                    {"id": old_id, "type": ["Evidence", C.OB2_ASSERTION_TYPE]})
            badge_id = source.get("badgeclass")
            if isinstance(badge_id, str) and badge_id.startswith(("http://", "https://")):
                ach.setdefault("related", []).append(
                    {"id": badge_id, "type": ["Related"], "version": "Open Badges v2p0"})
                self.note(Code.NOTE, f"the OB 2.0 BadgeClass {badge_id} is linked as a related "
                          "achievement (1EdTech upgrade guidance)", "title")
        if isinstance(source, dict):
            self.note(Code.APPROXIMATED, "the OB 2.0 assertion and BadgeClass ids are carried as "
                      "the evidence and related achievement of the upgrade",
                      "extensions.ob2:source")
        if cred.extensions.get("ob2:sections"):
            self.note(Code.APPROXIMATED, "OB 3.0 is written from the canonical values: the "
                      "original OB 2.0 JSON of the recipient, badge, alignments and evidence "
                      "(kept for an ob2 round trip) is not carried as it is",
                      "extensions.ob2:sections")
        for key, value in (cred.extensions.get("ob2:assertion") or {}).items():
            if key == "image":
                subject.setdefault("image", _image(value))
            elif key == "narrative" and isinstance(value, str):
                subject.setdefault("narrative", value)
            else:
                self.note(Code.DROPPED, f"OB 2.0 assertion element {key!r} has no OB 3.0 place",
                          f"extensions.ob2:assertion.{key}")
        issuer = doc.get("issuer") if isinstance(doc.get("issuer"), dict) else {}
        for key, value in (cred.extensions.get("ob2:issuer") or {}).items():
            if key == "image" and issuer:
                issuer.setdefault("image", _image(value))
            elif key in ("description", "telephone") and issuer and isinstance(value, str):
                issuer.setdefault("phone" if key == "telephone" else key, value)
            else:
                self.note(Code.DROPPED, f"OB 2.0 issuer element {key!r} has no OB 3.0 place",
                          f"extensions.ob2:issuer.{key}")
        for key, value in (cred.extensions.get("ob2:badge") or {}).items():
            if key == "image":
                ach.setdefault("image", _image(value))
            elif key == "tags" and isinstance(value, list):
                ach.setdefault("tag", value)
            else:
                self.note(Code.DROPPED, f"OB 2.0 BadgeClass element {key!r} has no OB 3.0 "
                          "place", f"extensions.ob2:badge.{key}")

    def _text(self, text: dict[str, str], field: str,
              prefer: str | None = None) -> str | None:
        lang, value = pick_text(text, [prefer] if prefer else None)
        if value and len(text) > 1:
            self.note(Code.APPROXIMATED, f"OB 3.0 holds one language: {lang} written; all "
                      "languages kept in the credbridge extension", field)
        return value

    def _valid_from(self, cred: MicroCredential) -> str:
        if cred.issued:
            return iso_datetime(cred.issued)
        now = clock.now()
        self.note(Code.DEFAULTED, "OB 3.0 requires validFrom: the time of conversion written",
                  "issued")
        return iso_datetime(now)

    # --- profiles -------------------------------------------------------------------------

    def profile(self, org: Organisation, field: str, seed: str) -> dict[str, Any]:
        """An OB 3.0 Profile for an organisation."""
        if C.is_absolute_iri(org.id):
            pid = str(org.id)
        elif org.id:
            pid = stable_urn("profile-id", org.id)
            self.note(Code.APPROXIMATED, f"the profile id {org.id!r} is not an absolute IRI: "
                      f"{pid} written, derived from it", f"{field}.id")
        else:
            pid = stable_urn("profile", seed, org.model_dump(mode="json"))
            self.note(Code.DEFAULTED, f"an OB 3.0 Profile requires an id: {pid} generated",
                      f"{field}.id")
        profile: dict[str, Any] = {"id": pid, "type": ["Profile"]}
        name = self._text(org.name, f"{field}.name")
        if name:
            profile["name"] = name
        if org.url:
            profile["url"] = org.url
        if org.email:
            profile["email"] = org.email
        address: dict[str, Any] = {}
        if org.address:
            address["streetAddress"] = org.address
        if org.region:
            address["addressRegion"] = org.region
        if org.country:
            address["addressCountryCode"] = org.country
        if address:
            profile["address"] = {"type": ["Address"], **address}
        others = []
        if org.legal_identifier:
            others.append({"type": "IdentifierEntry", "identifier": org.legal_identifier.value,
                           "identifierType": "ext:eIDASLegalIdentifier"})
        for ident in org.identifiers:
            others.append({"type": "IdentifierEntry", "identifier": ident.value,
                           "identifierType": identity_type(ident.scheme)})
        if others:
            profile["otherIdentifier"] = others
        return profile

    def _issuer(self, cred: MicroCredential, cred_id: str) -> Any:
        raw = self.raw(cred, "issuer")
        if raw:
            return raw
        if not cred.awarding_bodies:
            if cred.issuer:
                self.note(Code.APPROXIMATED, "no awarding body: the issuer of the document is "
                          "written as the OB 3.0 issuer", "issuer")
                return self.profile(cred.issuer, "issuer", cred_id)
            pid = stable_urn("issuer", cred_id)
            self.note(Code.DEFAULTED, f"OB 3.0 requires an issuer: an unnamed Profile {pid} "
                      "written", "awarding_bodies")
            return {"id": pid, "type": ["Profile"]}
        if len(cred.awarding_bodies) > 1:
            self.note(Code.APPROXIMATED, f"OB 3.0 has one issuer: the first of "
                      f"{len(cred.awarding_bodies)} awarding bodies written; all kept in the "
                      "credbridge extension", "awarding_bodies")
        profile = self.profile(cred.awarding_bodies[0], "awarding_bodies[]", cred_id)
        _merge(profile, cred.extensions.get("ob3:issuer") or {})
        return profile

    # --- subject --------------------------------------------------------------------------

    def _subject(self, cred: MicroCredential, achievement: dict[str, Any]) -> dict[str, Any]:
        subject: dict[str, Any] = {"type": ["AchievementSubject"]}
        learner = cred.learner
        rest = cred.extensions.get("ob3:subject") or {}
        if learner:
            if C.is_absolute_iri(learner.id):
                subject["id"] = learner.id
            elif learner.id:
                self.note(Code.APPROXIMATED, f"the learner id {learner.id!r} is not an absolute "
                          "IRI (a subject id must be one): written as an identifier",
                          "learner.id")
            raw = self.raw(cred, "identifier")
            identifiers = raw["identifier"] if raw else self._identities(cred)
            if identifiers:
                subject["identifier"] = identifiers
            names = {"givenName": learner.given_name, "familyName": learner.family_name,
                     "dateOfBirth": learner.birth_date.isoformat() if learner.birth_date
                     else None}
            if any(names.values()):
                subject["type"].append("Profile")
                subject.update({k: v for k, v in names.items() if v})
        if not subject.get("id") and not subject.get("identifier") and \
                "id" not in rest and "identifier" not in rest:
            # OB 3.0: "either id or at least one identifier MUST be supplied"
            subject["identifier"] = [{"type": "IdentityObject", "identityType": "identifier",
                                      "hashed": True, "identityHash": C.NO_ONE}]
            self.note(Code.DEFAULTED, "OB 3.0 requires the subject's id or an identifier and "
                      "the learner has neither: an empty hashed identifier written (it matches "
                      "no one; wallets cannot match the recipient)", "learner")
        if cred.assessed:
            subject["activityEndDate"] = iso_datetime(cred.assessed)
        results = self._results(cred, achievement)
        if results:
            subject["result"] = results
        subject["achievement"] = achievement
        _merge(subject, rest)
        return subject

    def _identities(self, cred: MicroCredential) -> list[dict[str, Any]]:
        learner = cred.learner
        assert learner is not None
        out = []
        if learner.id and not C.is_absolute_iri(learner.id):
            out.append({"type": "IdentityObject", "identityHash": learner.id,
                        "identityType": "identifier", "hashed": False})
        if learner.email:
            out.append({"type": "IdentityObject", "identityHash": learner.email,
                        "identityType": "emailAddress", "hashed": False})
        for ident in learner.identifiers:
            entry: dict[str, Any] = {"type": "IdentityObject", "identityHash": ident.value,
                                     "identityType": identity_type(ident.scheme),
                                     "hashed": bool(ident.hashed)}
            if ident.salt:
                entry["salt"] = ident.salt
            out.append(entry)
        if learner.full_name:
            out.append({"type": "IdentityObject", "identityHash": learner.full_name,
                        "identityType": "name", "hashed": False})
        if learner.national_id:
            out.append({"type": "IdentityObject", "identityHash": learner.national_id.value,
                        "identityType": "nationalIdentityNumber", "hashed": False})
            if learner.national_id.country:
                self.note(Code.APPROXIMATED, "OB 3.0 identifiers have no country: kept in the "
                          "credbridge extension", "learner.national_id.country")
        return out

    # --- achievement ----------------------------------------------------------------------

    def _achievement(self, cred: MicroCredential, cred_id: str, title: str | None
                     ) -> dict[str, Any]:
        badge = cred.extensions.get("ob3:sections", {}).get("badge", {}).get("raw", {})
        types = ["Achievement"]
        ach: dict[str, Any] = {
            "id": badge.get("achievement_id") or stable_urn("achievement", cred_id),
            "type": types,
        }
        if cred.credential_type:
            a_type = C.ACHIEVEMENT_TYPES_OUT.get(cred.credential_type)
            if a_type:
                ach["achievementType"] = a_type
            else:
                self.note(Code.APPROXIMATED, f"credential type {cred.credential_type!r} has no "
                          "OB 3.0 achievementType: kept in the credbridge extension",
                          "credential_type")
        own_title, own_description = achievement_texts(cred)
        name = self._text(own_title, "title", self.text_lang) if own_title else title
        if own_title and name != title:
            self.note(Code.NOTE, "the achievement is named by the source's own achievement "
                      "title; the credential's title is the credential's name", "title")
        if not name:
            name = "Untitled credential"
            self.note(Code.DEFAULTED, "OB 3.0 requires an achievement name: "
                      f"{name!r} written", "title")
        ach["name"] = name
        description = self._text(own_description or cred.description, "description",
                                 self.text_lang)
        prefer = [self.text_lang] if self.text_lang else None
        if own_description and description != pick_text(cred.description, prefer)[1]:
            self.note(Code.NOTE, "the achievement is described by the source's own "
                      "achievement description; the credential's description is the "
                      "credential's", "description")
        if not description:
            description = name
            self.note(Code.DEFAULTED, "OB 3.0 requires an achievement description: the title "
                      "written", "description")
        ach["description"] = description
        ach["criteria"] = self._criteria(cred)
        if cred.workload and cred.workload.ects is not None:
            ach["creditsAvailable"] = number(cred.workload.ects)
        if cred.fields_of_study:
            ach["fieldOfStudy"] = vocab.vocabulary("isced_f").label(cred.fields_of_study[0])
        self._in_language(cred, ach)
        if cred.provider:
            ach["creator"] = self.raw(cred, "creator") or {
                **self.profile(cred.provider, "provider", cred_id),
                **(cred.extensions.get("ob3:creator") or {})}
        alignments = self.raw(cred, "alignment") or [
            {"type": ["Alignment"], **{k: v for k, v in al.items() if k != "type"}}
            for al in self.raw(cred, "alignment", "ob2") or [] if isinstance(al, dict)
        ] or self._alignments(cred)
        if alignments:
            ach["alignment"] = alignments
        if self.educ:
            self._educ_terms(cred, ach)
            types.append(C.EDUC_ACHIEVEMENT)
        _merge(ach, cred.extensions.get("ob3:achievement") or {})
        return ach

    def _in_language(self, cred: MicroCredential, ach: dict[str, Any]) -> None:
        """``inLanguage``: the language of the texts written (the source's tag of the title);
        for texts of unknown language the rule of :mod:`credbridge.languages` when the
        source names a language (each text so tagged reported ``retagged``), else none."""
        lang = self.text_lang
        if lang is None and (cred.languages or self.ctx.policy.text_lang):
            retag = Retagger(self.ctx, cred, target="OB 3.0 inLanguage")
            lang = retag.language
            for field, text in (("title", cred.title), ("description", cred.description),
                                ("further_information.text", cred.further_information.text
                                 if cred.further_information else {})):
                if UNKNOWN in text:
                    retag.tag(UNKNOWN, field)
        languages = [str(code) for code in cred.languages]
        if lang and languages and languages[0].split("-")[0] == lang.split("-")[0]:
            lang = languages[0]  # the same language, as the source spelt it (en-EN)
        if lang and _LANG_PATTERN.match(lang):
            ach["inLanguage"] = lang
        if languages and languages != [lang]:
            self.note(Code.APPROXIMATED, f"OB 3.0 inLanguage holds the one language of the "
                      f"texts ({lang or 'none'}); the languages of instruction "
                      f"({', '.join(languages)}) are kept in the credbridge extension",
                      "languages")

    def _criteria(self, cred: MicroCredential) -> dict[str, Any]:
        raw = self.raw(cred, "evidence")
        if raw and isinstance(raw.get("criteria"), dict) and raw["criteria"]:
            return dict(raw["criteria"])
        info = cred.further_information
        page = criteria_page(cred)
        if info and info.text:
            _lang, text = pick_text(info.text)
            return {"id": page, "narrative": text} if page else {"narrative": text}
        if page:
            return {"id": page}
        outcomes = [pick_text(lo.text)[1] for lo in cred.learning_outcomes if lo.text]
        narrative = ("Learning outcomes: " + "; ".join(o for o in outcomes if o)) if outcomes \
            else "Awarded as described."
        self.note(Code.DEFAULTED, "OB 3.0 requires criteria: a narrative written from the "
                  "learning outcomes" if outcomes else "OB 3.0 requires criteria: a generic "
                  "narrative written", "further_information.text")
        return {"narrative": narrative}

    def _evidence(self, cred: MicroCredential) -> list[Any]:
        raw = self.raw(cred, "evidence")
        if raw:
            return list(raw.get("evidence") or [])
        info = cred.further_information
        if not info or not info.links:
            return []
        page = criteria_page(cred)
        return [{"id": link, "type": ["Evidence"]} for link in info.links if link != page]

    def _alignments(self, cred: MicroCredential) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        unlinked = 0
        for lo in cred.learning_outcomes:
            url = lo.esco_skill or (lo.related[0] if lo.related else None)
            _lang, text = pick_text(lo.text, [self.text_lang] if self.text_lang else None)
            if not url or not (text or lo.esco_skill):
                unlinked += 1
                continue
            target, fallback = alignment_name(cred, text, url, self.text_lang)
            if fallback:
                self.note(Code.DEFAULTED, f"OB 3.0 requires an alignment's targetName and the "
                          f"source names {url} by its URI only: {target!r} written",
                          "learning_outcomes[].text")
            al: dict[str, Any] = {"type": ["Alignment"], "targetName": target, "targetUrl": url,
                                  "targetType": C.OUTCOME_TYPE}
            if lo.esco_skill:
                al["targetFramework"] = C.ESCO_FRAMEWORK
            if lo.code:
                al["targetCode"] = lo.code
            out.append(al)
        if unlinked:
            self.note(Code.KEPT_AS_EXTENSION, f"{unlinked} learning outcome(s) without a URI: "
                      "an OB 3.0 alignment requires targetUrl, so they are kept in the "
                      "credbridge extension", "learning_outcomes")
        levels = cred.levels
        if levels and levels.eqf:
            out.append({"type": ["Alignment"], "targetType": C.EQF_TYPE,
                        "targetName": f"EQF level {levels.eqf}", "targetCode": str(levels.eqf),
                        "targetUrl": f"{C.EQF_URI}{levels.eqf}",
                        "targetFramework": C.EQF_FRAMEWORK})
        for nqf in levels.nqf if levels else []:
            if nqf.uri:
                out.append({"type": ["Alignment"], "targetType": "ext:NQF",
                            "targetName": pick_text(nqf.label)[1] or nqf.uri,
                            "targetUrl": nqf.uri})
        isced = vocab.vocabulary("isced_f")
        for code in cred.fields_of_study:
            out.append({"type": ["Alignment"], "targetName": isced.label(code),
                        "targetCode": code, "targetUrl": isced.uri(code),
                        "targetFramework": C.ISCED_F_FRAMEWORK})
        for qa in cred.quality_assurance:
            url = qa.decision or qa.register_entry
            name = pick_text(qa.description)[1] or qa.type
            if url and name:
                out.append({"type": ["Alignment"], "targetType": C.QA_TYPE,
                            "targetName": name, "targetUrl": url})
        return out

    def _complete_descriptions(self, descriptions: list[Any], achievement_id: str
                               ) -> list[Any]:
        """The source's result descriptions, each with the ``id`` and ``resultType`` OB 3.0
        requires (a derived id, ``ext:Unknown``; reported defaulted) when it lacks them."""
        out = []
        for index, desc in enumerate(descriptions):
            if not isinstance(desc, dict):
                continue
            desc = dict(desc)
            if not desc.get("id"):
                desc["id"] = stable_urn("result-description", achievement_id, index)
                self.note(Code.DEFAULTED, f"OB 3.0 requires a result description id: "
                          f"{desc['id']} derived", "assessment.grade")
            if not desc.get("resultType"):
                desc["resultType"] = "ext:Unknown"
                self.note(Code.DEFAULTED, "OB 3.0 requires a result description's "
                          "resultType: ext:Unknown written (the source gives none)",
                          "assessment.grade")
            out.append(desc)
        return out

    def _results(self, cred: MicroCredential, achievement: dict[str, Any]) -> list[Any]:
        raw = self.raw(cred, "result")
        if raw:
            if raw.get("resultDescription"):
                achievement["resultDescription"] = self._complete_descriptions(
                    raw["resultDescription"], achievement["id"])
            return list(raw.get("result") or [])
        grade = cred.assessment.grade if cred.assessment else None
        if grade is None or grade.is_empty():
            return []
        result: dict[str, Any] = {"type": ["Result"]}
        if grade.scheme:
            rd_id = stable_urn("result-description", achievement["id"])
            desc: dict[str, Any] = {"id": rd_id, "type": ["ResultDescription"],
                                    "name": pick_text(grade.scheme.name)[1] or "Grade",
                                    "resultType": "Result"}
            for key, value in (("valueMin", grade.scheme.min), ("valueMax", grade.scheme.max),
                               ("requiredValue", grade.scheme.pass_)):
                if value is not None:
                    desc[key] = value
            achievement["resultDescription"] = [desc]
            result["resultDescription"] = rd_id
        if grade.value is not None:
            result["value"] = grade.value
        if grade.status:
            status = _STATUS_OUT.get(grade.status)
            if status:
                result["status"] = status
            else:
                self.note(Code.APPROXIMATED, f"grade status {grade.status!r} has no OB 3.0 "
                          "result status: kept in the credbridge extension",
                          "assessment.grade.status")
        return [result]

    def _educ_terms(self, cred: MicroCredential, ach: dict[str, Any]) -> None:
        terms: dict[str, Any] = {}
        part = cred.participation
        if part and part.modes:
            modes = part.modes
            value = None
            if any(m in ("onsite", "blended") for m in modes):
                value = "onsite or blended"
            elif "online" in modes:
                value = "online"
            elif "work-based" in modes:
                value = "work experience"
            if value:
                terms["participationType"] = value
                covered = {"onsite or blended": {"onsite", "blended"}, "online": {"online"},
                           "work experience": {"work-based"}}[value]
                if set(modes) != covered:
                    self.note(Code.APPROXIMATED, f"eduCredentials participationType {value!r} "
                              "written for the modes " + ", ".join(modes) + "; the exact "
                              "modes are kept in the credbridge extension",
                              "participation.modes")
        assessment = cred.assessment
        if assessment:
            kinds = [C.EDUC_ASSESSMENT_OUT[t] for t in assessment.types
                     if t in C.EDUC_ASSESSMENT_OUT]
            if kinds:
                terms["assessmentType"] = kinds[0]
                if len(assessment.types) > 1:
                    self.note(Code.APPROXIMATED, f"eduCredentials assessmentType holds one "
                              f"value: {kinds[0]!r} written; all types kept in the credbridge "
                              "extension", "assessment.types")
            if assessment.identity_checked is not None:
                terms["identityChecked"] = assessment.identity_checked
            if assessment.supervision in C.EDUC_SUPERVISION_OUT:
                terms["supervisionType"] = C.EDUC_SUPERVISION_OUT[assessment.supervision]
        workload = cred.workload
        if terms and workload and workload.ects is not None:
            terms["ECTS"] = number(workload.ects)
        if workload and workload.hours is not None and workload.hours == int(workload.hours):
            terms["timeInvestment"] = int(workload.hours)
        ach.update(terms)

    # --- the credbridge extension ---------------------------------------------------------

    def extension(self, cred: MicroCredential, doc: dict[str, Any]) -> dict[str, Any]:
        """Canonical JSON of the top-level fields a standard reading of ``doc`` does not give
        back exactly (``None`` for a field the document shows but the credential lacks)."""
        from .ob3_read import Ob3Reader

        # a standard reading of the written document: its messages are not the user's
        silent = Context(format=self.fmt, options=self.ctx.options, report=Report())
        data = Ob3Reader(silent).read(copy.deepcopy(doc))
        data.pop("extensions", None)
        try:
            back = build(data).to_json_dict()
        except InputError:
            back = {}
        want = self.canonical(cred)
        out = {k: v for k, v in deep_diff(want, back).items() if k not in _NOT_IN_EXTENSION}
        kept = [k for k, v in out.items() if v is not None and not (
            k in ("issued", "valid_until", "assessed") and str(back.get(k, "")).startswith(
                str(v)))]
        if kept:
            self.note(Code.NOTE, "only credbridge-aware readers will understand in full: "
                      + ", ".join(kept) + " (the credbridge extension, urn:credbridge:canonical)")
        return out


def _known(lang: str | None) -> str | None:
    """``lang`` unless it is unknown (``und``) or absent."""
    return lang if lang and lang != UNKNOWN else None


def _image(value: Any) -> Any:
    """An OB 3.0 Image for an OB 2.0 image (a URL/data URI or an object with an id)."""
    if isinstance(value, str):
        return {"id": value, "type": "Image"}
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        image = {"id": value["id"], "type": "Image"}
        if isinstance(value.get("caption"), str):
            image["caption"] = value["caption"]
        return image
    return None


def _merge(target: dict[str, Any], rest: dict[str, Any]) -> None:
    """Add the kept input elements ``rest`` that the writer did not set itself."""
    for key, value in rest.items():
        target.setdefault(key, value)


def _endorsements(node: Any) -> list[tuple[dict[str, Any], str, Any]]:
    """(parent, "endorsement", credential) for every embedded endorsement credential."""
    found: list[tuple[dict[str, Any], str, Any]] = []
    if isinstance(node, list):
        for item in node:
            found += _endorsements(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "endorsement":
                found += [(node, key, e) for e in (value if isinstance(value, list) else [value])]
            elif key not in ("@context", C.CREDBRIDGE_IRI):
                found += _endorsements(value)
    return found
