"""Open Badges 3.0 (and VC 1.1-era OB 3.0) JSON -> canonical credential data.

Every element is either mapped, kept for a same-format round trip in ``extensions["ob3:…"]``
(elements the canonical model has no place for: endorsements, images, extra results…), or
reported. Contexts are recognised by URL, never fetched.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.errors import InputError, UnsafeInputError
from credbridge.report import Code

from . import contexts as C
from . import refusals
from .common import Node, as_list, checked, country, text_value, types_of
from .text_language import declared_language, tag_texts

if TYPE_CHECKING:
    from credbridge.context import Context

_RESULT_STATUS = {"Completed": "passed", "Failed": "failed", "InProgress": "in-progress",
                  "Enrolled": "in-progress", "OnHold": "in-progress", "Provisional": "passed",
                  "Withdrew": "failed"}
PROFILE_KEYS = frozenset({"@context", "id", "type", "name", "url", "email", "address",
                          "otherIdentifier"})
"""Profile properties the readers map (the others are kept as ``<fmt>:issuer``)."""
_EXACT_STATUS = {"Completed": "passed", "Failed": "failed", "InProgress": "in-progress"}


def is_ob3(data: dict[str, Any]) -> bool:
    """True when the JSON looks like an OB 3.0 credential (by type or by shape)."""
    if set(types_of(data)) & set(C.CREDENTIAL_TYPES):
        return True
    subject = data.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    return isinstance(subject, dict) and isinstance(subject.get("achievement"), dict)


class Ob3Reader:
    """Maps one OB 3.0 credential (a JSON object) to canonical credential data; messages go
    to ``ctx`` (its format names them: the ob2 reader uses this one's profile and alignment
    mapping with its own context)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.raws: dict[str, Any] = {}
        self.extensions: dict[str, Any] = {}
        self.text_lang: str | None = None
        """The language the achievement declares (``inLanguage``) for its texts."""

    def note(self, code: Code, detail: str, field: str | None = None) -> None:
        """Report ``code`` about ``field`` for this format."""
        self.ctx.say(code, field, detail)

    # --- the credential -------------------------------------------------------------------

    def read(self, data: dict[str, Any]) -> dict[str, Any]:
        """The canonical data of ``data`` (extensions included; not yet validated)."""
        if not is_ob3(data):
            if "EndorsementCredential" in types_of(data):
                raise InputError(refusals.endorsement_3_0(data))
            if refusals.is_blockcerts_3(data):
                raise InputError(refusals.blockcerts_3(data))
            if "AssertionCredential" in types_of(data):
                raise InputError(refusals.DRAFT_ASSERTION)
            raise InputError("not an Open Badges 3.0 credential: no 'OpenBadgeCredential' or "
                             "'AchievementCredential' type and no credentialSubject.achievement")
        root = Node(data, "credential")
        out: dict[str, Any] = {}
        self._contexts(root.take("@context"))
        root.take("type")
        if isinstance(data.get("id"), str):
            out["id"] = root.take("id")
        subjects = as_list(root.take("credentialSubject"))
        if len(subjects) > 1:
            self.note(Code.IGNORED_INPUT, f"only the first of {len(subjects)} credential "
                      "subjects is read", "learner")
            self.extensions["ob3:more_subjects"] = subjects[1:]
        subject = Node(subjects[0] if subjects else {}, "credentialSubject")
        ach = Node(subject.take("achievement"), "achievement")
        self._badge(root, ach, out)
        self._dates(root, out)
        self._issuer(root.take("issuer"), out)
        self._subject(subject, ach, out)
        self._achievement(ach, out)
        self._evidence(root, ach, out)
        self._status(root, out)
        self._proof(root.take("proof"), out)
        for node, key in ((root, "ob3:credential"), (subject, "ob3:subject"),
                          (ach, "ob3:achievement")):
            rest = node.rest()
            if rest:
                self.extensions[key] = rest
        tag_texts(out, self.text_lang)
        out["extensions"] = self.extensions
        return out

    def _contexts(self, value: Any) -> None:
        contexts = as_list(value)
        urls = [c for c in contexts if isinstance(c, str)]
        for url in urls:
            if not C.known_context(url) and not _names_elm(url):
                raise UnsafeInputError(
                    f"unknown JSON-LD context {url}: credbridge never fetches contexts and "
                    "knows only the VC, Open Badges 3.0, 1EdTech extension and eduCredentials "
                    "ones", field="@context")
        if C.VC1_CONTEXT in urls:
            self.note(Code.NOTE, "VC Data Model 1.1 context: read issuanceDate/expirationDate; "
                      "written as VC 2.0 (validFrom/validUntil)")
        if not any(u.startswith(C.OB3_CONTEXT_PREFIX) for u in urls):
            self.note(Code.NOTE, "no Open Badges 3.0 context URL (read by shape)")
        known = {C.VC1_CONTEXT, C.VC2_CONTEXT, C.EDUC_CONTEXT, C.OB3_EXTENSIONS_CONTEXT}
        other = [c for c in contexts if not (isinstance(c, str) and (
            c in known or c.startswith(C.OB3_CONTEXT_PREFIX) or "educredential" in c)) and
            not (isinstance(c, dict) and (C.CREDBRIDGE_TERM in c or C.EDUC_ACHIEVEMENT in c))]
        if any(isinstance(c, str) and "educredential" in c for c in urls):
            self.note(Code.NOTE, "eduCredentials context: its published context is not valid "
                      "JSON-LD (a 'context' key where '@context' is meant); read as JSON with "
                      "credbridge's own table of its terms")
        elif any(isinstance(c, dict) and C.EDUC_ACHIEVEMENT in c for c in contexts):
            self.note(Code.NOTE, "eduCredentials context given inline: read with credbridge's "
                      "own table of its terms")
        elm = [c for c in other if _names_elm(c)]
        if elm:
            # an OB 3.0 credential that also names ELM terms: read as OB 3.0; the ELM context
            # redefines protected VC 2.0 terms, so it is not carried to an output
            self.note(Code.NOTE, "the document also names the ELM (EDC) context: read as an "
                      "OB 3.0 credential; that context is not carried", "@context")
            other = [c for c in other if c not in elm]
        if other:
            self.extensions["ob3:contexts"] = other

    def _badge(self, root: Node, ach: Node, out: dict[str, Any]) -> None:
        name = text_value(ach.take("name"))
        display = root.data.get("name")
        if name:
            out["title"] = {"und": name}
            if display == name:
                root.take("name")
        elif isinstance(display, str):
            out["title"] = {"und": root.take("name")}
        desc = text_value(ach.take("description"))
        if desc:
            out["description"] = {"und": desc}
        a_type = ach.data.get("achievementType")
        if isinstance(a_type, str) and a_type in C.ACHIEVEMENT_TYPES_IN:
            out["credential_type"] = C.ACHIEVEMENT_TYPES_IN[ach.take("achievementType")]
        self.raws["badge"] = {"achievement_id": ach.take("id"),
                              "types": types_of(ach.data), "display_name": display}
        ach.skip("type")

    def _dates(self, root: Node, out: dict[str, Any]) -> None:
        for key, vc1, target in (("validFrom", "issuanceDate", "issued"),
                                 ("validUntil", "expirationDate", "valid_until")):
            value = root.take(key) or root.take(vc1)
            if value is not None:
                out[target] = value

    # --- organisations --------------------------------------------------------------------

    def profile(self, value: Any, field: str) -> dict[str, Any] | None:
        """A canonical Organisation from a Profile object (or a bare URI)."""
        if isinstance(value, str):
            self.note(Code.NOTE, f"the profile is named by URL only ({value}); credbridge never "
                      "fetches it", field)
            return {"id": value}
        if not isinstance(value, dict):
            return None
        node = Node(value, field)
        org: dict[str, Any] = {}
        for key in ("id", "url", "email"):
            if isinstance(value.get(key), str):
                org[key] = node.take(key)
        name = text_value(node.take("name"))
        if name:
            org["name"] = {"und": name}
        address = value.get("address")
        if isinstance(address, dict):
            node.take("address")
            code = address.get("addressCountryCode")
            if code:
                found = country(self.ctx, f"{field}.country", code)
                if found:
                    org["country"] = found
            if isinstance(address.get("addressRegion"), str):
                org["region"] = address["addressRegion"]
            parts = [address.get(k) for k in ("streetAddress", "postalCode", "addressLocality")]
            line = ", ".join(p for p in parts if isinstance(p, str) and p)
            if line:
                org["address"] = line
        for entry in as_list(node.take("otherIdentifier")):
            if not isinstance(entry, dict) or not isinstance(entry.get("identifier"), str):
                continue
            kind = entry.get("identifierType")
            if kind == "ext:eIDASLegalIdentifier" and "legal_identifier" not in org:
                org["legal_identifier"] = {"value": entry["identifier"]}
            else:
                org.setdefault("identifiers", []).append(
                    {"value": entry["identifier"], "scheme": kind})
        return org

    def _profile_rest(self, value: Any, key: str) -> None:
        """Keep the profile properties no canonical field holds (image, phone, endorsement…)."""
        if isinstance(value, dict):
            rest = {k: v for k, v in value.items() if k not in PROFILE_KEYS}
            if rest:
                self.extensions[key] = rest

    def _issuer(self, value: Any, out: dict[str, Any]) -> None:
        org = self.profile(value, "awarding_bodies[]")
        if org:
            out["awarding_bodies"] = [org]
            self.raws["issuer"] = value
            self._profile_rest(value, "ob3:issuer")

    # --- subject --------------------------------------------------------------------------

    def _subject(self, subject: Node, ach: Node, out: dict[str, Any]) -> None:
        learner: dict[str, Any] = {}
        if isinstance(subject.data.get("id"), str):
            learner["id"] = subject.take("id")
        subject.take("type")
        identifiers = subject.take("identifier")
        for entry in as_list(identifiers):
            self._identity(entry, learner)
        for key, target in (("givenName", "given_name"), ("familyName", "family_name"),
                            ("dateOfBirth", "birth_date"), ("name", "full_name")):
            if isinstance(subject.data.get(key), str):
                learner[target] = subject.take(key)
        if learner:
            out["learner"] = learner
        if identifiers is not None:
            self.raws["identifier"] = {"identifier": identifiers}
        end = subject.take("activityEndDate")
        if end:
            out["assessed"] = end
        self._grade(subject, ach, out)

    def _identity(self, entry: Any, learner: dict[str, Any]) -> None:
        if not isinstance(entry, dict) or not isinstance(entry.get("identityHash"), str):
            self.note(Code.IGNORED_INPUT, f"identifier without identityHash: {entry!r}",
                      "learner.identifiers")
            return
        kind = entry.get("identityType")
        value = entry["identityHash"]
        hashed = bool(entry.get("hashed"))
        if hashed and value == C.NO_ONE:
            self.note(Code.NOTE, "an empty hashed identity (it names no recipient) is not read",
                      "learner.identifiers")
            return
        if not hashed and kind == "emailAddress" and "email" not in learner:
            learner["email"] = value
        elif not hashed and kind == "name" and "full_name" not in learner:
            learner["full_name"] = value
        elif not hashed and kind == "nationalIdentityNumber" and "national_id" not in learner:
            learner["national_id"] = {"value": value}
        else:
            ident: dict[str, Any] = {"value": value, "scheme": kind, "hashed": hashed}
            if hashed and isinstance(entry.get("salt"), str):
                ident["salt"] = entry["salt"]
            learner.setdefault("identifiers", []).append(ident)

    def _grade(self, subject: Node, ach: Node, out: dict[str, Any]) -> None:
        results = as_list(subject.take("result"))
        descriptions = as_list(ach.take("resultDescription"))
        if not results and not descriptions:
            return
        self.raws["result"] = {"result": results, "resultDescription": descriptions}
        chosen = next((r for r in results if isinstance(r, dict) and
                       ("value" in r or "status" in r)), None)
        if chosen is None:
            return
        grade: dict[str, Any] = {}
        if isinstance(chosen.get("value"), str):
            grade["value"] = chosen["value"]
        status = chosen.get("status")
        if isinstance(status, str) and status in _RESULT_STATUS:
            grade["status"] = _RESULT_STATUS[status]
        ref = chosen.get("resultDescription")
        desc = next((d for d in descriptions if isinstance(d, dict) and d.get("id") == ref), None)
        if desc:
            scheme: dict[str, Any] = {}
            if isinstance(desc.get("name"), str):
                scheme["name"] = {"und": desc["name"]}
            for key, target in (("valueMin", "min"), ("valueMax", "max"),
                                ("requiredValue", "pass")):
                if isinstance(desc.get(key), str):
                    scheme[target] = desc[key]
            if scheme:
                grade["scheme"] = scheme
        if grade:
            out.setdefault("assessment", {})["grade"] = grade
        if len(results) > 1:
            self.note(Code.NOTE, f"{len(results)} results: the first with a value is the "
                      "grade; the others are kept for an ob3 round trip only",
                      "assessment.grade")

    # --- achievement ----------------------------------------------------------------------

    def _achievement(self, ach: Node, out: dict[str, Any]) -> None:
        if C.EDUC_ACHIEVEMENT in types_of(ach.data):
            self._educ(ach, out)
        credits = ach.take("creditsAvailable")
        ects = self.number(credits, "workload.ects")
        educ_ects = self.number(ach.data.get("ECTS"), "workload.ects")
        if educ_ects is not None:
            ach.take("ECTS")
            if ects is not None and ects != educ_ects:
                self.note(Code.INVALID_VALUE, f"creditsAvailable {ects} and eduCredentials ECTS "
                          f"{educ_ects} differ; ECTS is used", "workload.ects")
            ects = educ_ects
        elif ects is not None:
            self.note(Code.NOTE, "creditsAvailable read as ECTS (Open Badges does not declare "
                      "the unit)", "workload.ects")
        if ects is not None:
            out.setdefault("workload", {})["ects"] = str(ects)
        lang = ach.data.get("inLanguage")
        if isinstance(lang, str):
            code = checked(self.ctx, "languages", lang, vocab.language_code)
            if code:
                ach.take("inLanguage")
                out["languages"] = [code]
                self.text_lang = declared_language(code)
        creator = self.profile(ach.data.get("creator"), "provider")
        if creator:
            self.raws["creator"] = ach.take("creator")
            out["provider"] = creator
            self._profile_rest(self.raws["creator"], "ob3:creator")
        self._alignments(ach, out)

    def number(self, value: Any, field: str) -> Decimal | None:
        """A positive number (normalised), or None (reported as ``invalid-value``)."""
        if value is None:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.note(Code.INVALID_VALUE, f"not a number: {value!r}", field)
            return None
        if not number.is_finite() or number <= 0:
            self.note(Code.INVALID_VALUE, f"not a positive number: {value!r}", field)
            return None
        return number.normalize()

    def _educ(self, ach: Node, out: dict[str, Any]) -> None:
        part = ach.data.get("participationType")
        if isinstance(part, str):
            if part in C.EDUC_PARTICIPATION:
                ach.take("participationType")
                modes = C.EDUC_PARTICIPATION[part]
                if modes:
                    out.setdefault("participation", {})["modes"] = list(modes)
                    if len(modes) > 1:
                        self.note(Code.APPROXIMATED, f"eduCredentials participationType {part!r}"
                                  f" read as the modes {' and '.join(modes)}",
                                  "participation.modes")
                else:
                    ach.used.discard("participationType")
                    self.note(Code.NOTE, f"eduCredentials participationType {part!r} has no "
                              "canonical mode: kept for an ob3 round trip only",
                              "participation.modes")
            else:
                self.note(Code.INVALID_VALUE, f"unknown eduCredentials participationType "
                          f"{part!r}: kept for an ob3 round trip only", "participation.modes")
        kind = ach.data.get("assessmentType")
        if isinstance(kind, str):
            code = C.EDUC_ASSESSMENT.get(kind) or vocab.vocabulary("assessment_type").lookup(kind)
            if code:
                ach.take("assessmentType")
                out.setdefault("assessment", {})["types"] = [code]
            else:
                self.note(Code.INVALID_VALUE, f"unknown assessmentType {kind!r}: kept for an "
                          "ob3 round trip only", "assessment.types")
        checked_id = ach.data.get("identityChecked")
        if isinstance(checked_id, bool):
            ach.take("identityChecked")
            out.setdefault("assessment", {})["identity_checked"] = checked_id
        sup = ach.data.get("supervisionType")
        if isinstance(sup, str):
            code = C.EDUC_SUPERVISION.get(sup) or vocab.vocabulary("supervision").lookup(sup)
            if code:
                ach.take("supervisionType")
                out.setdefault("assessment", {})["supervision"] = code
                if sup == "supervised online":
                    self.note(Code.APPROXIMATED, "eduCredentials 'supervised online' read as "
                              "supervised with identity verification", "assessment.supervision")
            else:
                self.note(Code.INVALID_VALUE, f"unknown supervisionType {sup!r}: kept for an "
                          "ob3 round trip only", "assessment.supervision")
        hours = self.number(ach.data.get("timeInvestment"), "workload.hours")
        if hours is not None:
            ach.take("timeInvestment")
            out.setdefault("workload", {})["hours"] = str(hours)
        self._sbu(ach, hours, out)

    def _sbu(self, ach: Node, hours: Decimal | None, out: dict[str, Any]) -> None:
        """eduCredentials ``SBU`` (studiebelastingsuren: study-load hours) is the workload in
        hours when ``timeInvestment`` does not say otherwise."""
        sbu = self.number(ach.data.get("SBU"), "workload.hours")
        if sbu is None:
            return
        if hours is None:
            ach.take("SBU")
            out.setdefault("workload", {})["hours"] = str(sbu)
        elif hours == sbu:
            ach.take("SBU")
        else:
            self.note(Code.INVALID_VALUE, f"timeInvestment {hours} and eduCredentials SBU {sbu}"
                      " differ; timeInvestment is used (SBU kept for an ob3 round trip only)",
                      "workload.hours")

    def _alignments(self, ach: Node, out: dict[str, Any]) -> None:
        alignments = as_list(ach.take("alignment"))
        if not alignments:
            return
        self.raws["alignment"] = alignments
        for al in alignments:
            if isinstance(al, dict):
                self.alignment(al, out)
        field_label = ach.data.get("fieldOfStudy")
        if out.get("fields_of_study") and isinstance(field_label, str):
            first = out["fields_of_study"][0]
            if field_label == vocab.vocabulary("isced_f").label(first):
                ach.take("fieldOfStudy")

    def alignment(self, al: dict[str, Any], out: dict[str, Any]) -> None:
        """Map one alignment (EQF, ISCED-F, QF-EHEA, NQF, quality assurance or a learning
        outcome) into ``out``; OB 2.0 alignments have the same shape."""
        kind = str(al.get("targetType") or "")
        url = str(al.get("targetUrl") or "")
        framework = str(al.get("targetFramework") or "")
        code = al.get("targetCode")
        name = text_value(al.get("targetName"))
        levels = out.setdefault("levels", {})
        if kind == C.EQF_TYPE or url.startswith(C.EQF_URI) or ("qualifications framework" in \
                framework.lower() and "europe" in framework.lower()):
            level = None
            for candidate in (code, url.rsplit("/", 1)[-1] if url.startswith(C.EQF_URI) else None,
                              name):
                if candidate is None:
                    continue
                try:
                    level = vocab.eqf_level(str(candidate))
                    break
                except InputError:
                    continue
            if level is None:
                self.note(Code.INVALID_VALUE, f"EQF alignment without a level 1-8: {name!r}",
                          "levels.eqf")
            else:
                levels["eqf"] = level
            return
        if kind == C.ISCED_F_TYPE or url.startswith(C.ISCED_F_URI) or "isced-f" in \
                framework.lower():
            value = code or url
            found = checked(self.ctx, "fields_of_study", value, vocab.isced_f_code)
            if found:
                out.setdefault("fields_of_study", []).append(found)
            return
        if kind == "ext:QFEHEA":
            levels["qf_ehea"] = code or name
            return
        if kind == "ext:ISCED2011":
            levels["isced_level"] = code or name
            return
        if kind == "ext:NQF":
            levels.setdefault("nqf", []).append({"uri": url, "label": {"und": name}})
            return
        if kind == C.QA_TYPE:
            qa: dict[str, Any] = {"description": {"und": name}} if name else {}
            if url:
                qa["decision"] = url
            out.setdefault("quality_assurance", []).append(qa)
            return
        about = text_value(al.get("targetDescription"))
        if about and about != name:  # what the outcome is, beside its name
            name = f"{name}: {about}" if name else about
        outcome: dict[str, Any] = {"text": {"und": name}} if name else {}
        if framework and not url.startswith(C.ESCO_SKILL_URI):  # ESCO's is the skill URI
            self.note(Code.IGNORED_INPUT, f"the alignment's targetFramework {framework!r} has "
                      "no canonical field: kept for an ob3 round trip only",
                      "learning_outcomes[].text")
        if re.match(re.escape(C.ESCO_SKILL_URI), url):
            outcome["esco_skill"] = url
        elif url:
            outcome["related"] = [url]
        if isinstance(code, str):
            outcome["code"] = code
        if outcome:
            out.setdefault("learning_outcomes", []).append(outcome)

    # --- evidence, status, proof ----------------------------------------------------------

    def _evidence(self, root: Node, ach: Node, out: dict[str, Any]) -> None:
        criteria = ach.take("criteria")
        evidence = as_list(root.take("evidence"))
        info: dict[str, Any] = {}
        if isinstance(criteria, dict) and isinstance(criteria.get("narrative"), str):
            info["text"] = {"und": criteria["narrative"]}
        links = [e["id"] for e in evidence if isinstance(e, dict) and isinstance(e.get("id"), str)
                 and C.OB2_ASSERTION_TYPE not in types_of(e)]
        links += [e for e in evidence if isinstance(e, str)]
        if isinstance(criteria, dict) and isinstance(criteria.get("id"), str):
            links.insert(0, criteria["id"])
        if links:
            info["links"] = list(dict.fromkeys(links))
        if info:
            out["further_information"] = info
        self.raws["evidence"] = {"criteria": criteria, "evidence": evidence}

    def _status(self, root: Node, out: dict[str, Any]) -> None:
        # not taken: the JSON is kept as it is for an ob3 round trip
        entries = [e for e in as_list(root.data.get("credentialStatus")) if isinstance(e, dict)]
        if entries:
            chosen = next((e for e in entries if e.get("statusPurpose") in (None, "revocation")),
                          entries[0])
            out["verification"] = self.status_entry(chosen)
            for other in entries:
                if other is not chosen:
                    self.note(Code.NOTE, f"another status entry ({describe_status(other)}) is "
                              "kept for an ob3 round trip only", "verification")
        schemas = [s for s in as_list(root.take("credentialSchema")) if not (
            isinstance(s, dict) and s.get("id") == C.OB3_SCHEMA_URL)]
        if schemas:
            self.extensions["ob3:credentialSchema"] = schemas

    def status_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Canonical verification data of one status entry, reported as what it is: the
        service is the entry's id (else LIST#INDEX), the method its type."""
        service = entry.get("id")
        listed, index = entry.get("statusListCredential"), entry.get("statusListIndex")
        if not isinstance(service, str) and isinstance(listed, str) and index is not None:
            service = f"{listed}#{index}"
        kind = types_of(entry)
        self.note(Code.NOTE, f"credentialStatus {describe_status(entry)}: not checked "
                  "(credbridge never fetches status lists)", "verification.status_service")
        if entry.get("statusPurpose") not in (None, "revocation"):
            self.note(Code.APPROXIMATED, f"status purpose {entry.get('statusPurpose')!r} has no "
                      "canonical place: other formats get the entry as a revocation entry",
                      "verification.method")
        verification = {"status_service": service, "method": kind[0] if kind else None}
        return {k: v for k, v in verification.items() if isinstance(v, str)}

    def _proof(self, value: Any, out: dict[str, Any]) -> None:
        for proof in as_list(value):
            if not isinstance(proof, dict):
                continue
            kind = "data-integrity" if proof.get("cryptosuite") or str(
                proof.get("type", "")).endswith(("Proof", "Signature2018", "Signature2020")) \
                else "other"
            detail = " ".join(str(proof[k]) for k in ("type", "cryptosuite") if proof.get(k))
            entry = {"kind": kind, "signer": proof.get("verificationMethod"),
                     "created": proof.get("created"), "detail": detail or None}
            out.setdefault("proof", []).append({k: v for k, v in entry.items() if v})
            self.note(Code.NOTE, f"proof ({detail or 'unknown type'}) recorded; it is not "
                      "verified and is never carried to an output", "proof")


def describe_status(entry: dict[str, Any]) -> str:
    """What a status entry is, in words: its type, purpose, index and list."""
    kind = "/".join(types_of(entry)) or "of no type"
    parts = [kind]
    if kind == C.REVOCATION_LIST:
        parts.append("(1EdTech revocation list, deprecated by OB 3.0)")
    elif kind not in (C.BITSTRING_ENTRY, C.STATUS_LIST_2021):
        parts.append("(not a VC 2.0 status type)")
    purpose, index = entry.get("statusPurpose"), entry.get("statusListIndex")
    if purpose is not None or index is not None:
        parts.append(f"{purpose or 'status'} bit {index} of {entry.get('statusListCredential')}")
    elif isinstance(entry.get("id"), str):
        parts.append(str(entry["id"]))
    return " ".join(parts)


def extension_value(literal: Any, term: Any) -> Any:
    """The canonical JSON of the credbridge extension: the JSON literal under
    ``urn:credbridge:canonical`` (``{"type": "@json", "@value": …}``, or JSON text), else the
    ``credbridgeCanonical`` term credbridge 0.1 wrote; None when there is none."""
    if literal is None:
        return term
    if isinstance(literal, dict) and literal.get("type", literal.get("@type")) == "@json":
        return literal.get("@value")
    if isinstance(literal, str):
        try:
            return json.loads(literal)
        except ValueError:
            return literal  # overlay reports it is not an object
    return literal


def _names_elm(context: Any) -> bool:
    """True for the ELM context URL or an inline context mapping into the ELM vocabulary."""
    if isinstance(context, str):
        return "data.europa.eu/snb/" in context
    return isinstance(context, dict) and any(
        isinstance(v, str) and v.startswith("http://data.europa.eu/snb/")
        for v in context.values())
