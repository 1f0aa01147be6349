"""EU attestations of a shape of their own, rewritten as edc-ap 3.2 JSON-LD (issue 17 cause 8).

Two families publish European credentials without EDC 3 terms:

- the DC4EU professional-qualification rulebook (contexts ``https://eaa-rulebook.europa.eu/…``):
  a training certificate's ``credentialSubject.qualification`` (title, EQF level, volume of
  learning, mode, credit points, entry requirement, learning outcomes) is a learning
  achievement awarded by the issuer. Its other attestations (an accreditation of a training,
  a professional's entitlement) award nothing to a learner: they are refused, saying so.
- EBSI 2020 ``VerifiableAttestation`` Europass diplomas (context
  ``https://essif.europa.eu/schemas/vc/2020/v1``): the EDC XML of 2020 serialised as JSON
  (``{"text": {"@lang": "en", "#text": "…"}}``); learner, achievement, qualification title
  and EQF level are read.

Each mapping names the source members it reads; everything else is listed as not read by
:func:`left_out` (never a silent loss). Nothing is invented: a value absent from the source is
absent from the result.
"""

from __future__ import annotations

from typing import Any

from credbridge.errors import InputError

from .contexts import EDC_AP_URL, VC1_URL

RULEBOOK = "eaa-rulebook.europa.eu"
EBSI_2020 = "essif.europa.eu/schemas/vc/2020"
_NOT_READ_HERE = ("@context", "proof", "type", "credentialSchema", "evidence")


class _Reading:
    """Reads members of a source document by path, remembering which it read."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.read: set[str] = set()

    def get(self, path: str) -> Any:
        node: Any = self.doc
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        self.read.add(path)
        return node

    def left_out(self) -> list[str]:
        """The leaf paths of the source that were not read (nor lie under a read path)."""
        out: list[str] = []

        def walk(node: Any, path: str) -> None:
            if path in self.read:
                return
            if isinstance(node, dict) and node:
                for key, value in node.items():
                    walk(value, f"{path}.{key}" if path else key)
            elif isinstance(node, list) and any(f"{path}.{n}." in p or f"{path}.{n}" == p
                                                for n in range(len(node)) for p in self.read):
                for n, value in enumerate(node):
                    walk(value, f"{path}.{n}")
            elif path and node is not None:
                out.append(path)

        walk({k: v for k, v in self.doc.items() if k not in _NOT_READ_HERE}, "")
        return out


def _contexts(doc: dict[str, Any]) -> list[str]:
    value = doc.get("@context")
    items = value if isinstance(value, list) else [value]
    return [c for c in items if isinstance(c, str)]


def is_rulebook(doc: dict[str, Any]) -> bool:
    """A DC4EU professional-qualification rulebook attestation."""
    return any(RULEBOOK in c for c in _contexts(doc))


def is_ebsi_2020(doc: dict[str, Any]) -> bool:
    """An EBSI 2020 VerifiableAttestation (EDC XML of 2020 as JSON)."""
    return any(EBSI_2020 in c for c in _contexts(doc))


def _edc(reading: _Reading, subject: dict[str, Any], issuer: dict[str, Any] | None
         ) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": [VC1_URL, EDC_AP_URL],
                           "type": ["VerifiableCredential", "EuropeanDigitalCredential"]}
    for key in ("id", "issuanceDate", "expirationDate"):
        value = reading.get(key)
        if isinstance(value, str):
            doc[key] = value
    if "issuanceDate" in doc:
        doc["validFrom"] = doc["issuanceDate"]
    if issuer:
        doc["issuer"] = issuer
    doc["credentialSubject"] = subject
    return doc


def _strings(value: Any) -> Any:
    """A text or a language map, as JSON-LD takes it (a number becomes its text)."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


# --- the DC4EU professional-qualification rulebook ------------------------------------------

def from_rulebook(doc: dict[str, Any]) -> dict[str, Any]:
    """The edc-ap 3.2 document of a rulebook training certificate; other rulebook
    attestations raise :class:`InputError` naming what they are."""
    return _rulebook(doc)[0]


def rulebook_left_out(doc: dict[str, Any]) -> list[str]:
    """The members of a rulebook document :func:`from_rulebook` does not read."""
    return _rulebook(doc)[1].left_out()


def _rulebook(doc: dict[str, Any]) -> tuple[dict[str, Any], _Reading]:
    r = _Reading(doc)
    subject_in = doc.get("credentialSubject")
    if not isinstance(subject_in, dict) or not isinstance(subject_in.get("qualification"), dict):
        what = "an accreditation of a training" if isinstance(subject_in, dict) and \
            "authorizationClaims" in subject_in else "a professional's entitlement"
        raise InputError(f"a DC4EU professional-qualification attestation ({what}), not a "
                         "credential awarded to a learner: credbridge reads its training "
                         "certificates only", field="credentialSubject")
    issuer: dict[str, Any] | None = None
    if isinstance(r.get("issuer"), dict):
        issuer = {"type": "Organisation"}
        for key, name in (("issuer.id", "id"), ("issuer.legalName", "legalName")):
            value = r.get(key)
            if value is not None:
                issuer[name] = value
        r.read.discard("issuer")
    q = "credentialSubject.qualification"
    spec: dict[str, Any] = {"type": "Qualification"}
    for key, name in (("title", "title"), ("volumeOfLearning", "volumeOfLearning"),
                      ("mode", "mode"), ("creditPoint", "creditPoint"),
                      ("entryRequirement", "entryRequirement")):
        value = r.get(f"{q}.{key}")
        if value is not None:
            spec[name] = _strings(value)
    level = r.get(f"{q}.level.eqfLevel")
    if isinstance(level, int | str) and str(level).strip() in tuple("12345678"):
        spec["eqfLevel"] = {"id": f"http://data.europa.eu/snb/eqf/{str(level).strip()}",
                            "type": "Concept"}
    outcomes = r.get(f"{q}.learningOutcomes")
    items = outcomes if isinstance(outcomes, list) else [outcomes] if outcomes else []
    spec_outcomes = [{"type": "LearningOutcome", "title": o["description"]}
                     for o in items if isinstance(o, dict) and o.get("description")]
    if spec_outcomes:
        spec["learningOutcome"] = spec_outcomes
        r.read.discard(f"{q}.learningOutcomes")
        for n, o in enumerate(items):
            if isinstance(o, dict) and o.get("description"):
                r.read.add(f"{q}.learningOutcomes.{n}.description")
    claim: dict[str, Any] = {"type": "LearningAchievement", "specifiedBy": spec}
    title = r.get(f"{q}.trainingAwarded") or spec.get("title")
    if title is not None:
        claim["title"] = _strings(title)
    if issuer:
        process: dict[str, Any] = {"type": "AwardingProcess", "awardingBody": [issuer]}
        if isinstance(doc.get("issuanceDate"), str):
            process["awardingDate"] = doc["issuanceDate"]
        claim["awardedBy"] = process
    subject: dict[str, Any] = {"type": "Person", "hasClaim": [claim]}
    for key in ("id", "givenName", "familyName", "dateOfBirth"):
        value = r.get(f"credentialSubject.{key}")
        if value is not None:
            subject[key] = value
    return _edc(r, subject, issuer), r


# --- EBSI 2020 VerifiableAttestation --------------------------------------------------------

def _text(value: Any) -> dict[str, str] | None:
    """``{"text": {"@lang": "en", "#text": "…"}}`` (one or a list) as a language map."""
    texts = value.get("text") if isinstance(value, dict) else None
    out: dict[str, str] = {}
    for t in texts if isinstance(texts, list) else [texts]:
        if isinstance(t, dict) and isinstance(t.get("#text"), str):
            out[str(t.get("@lang") or "und")] = t["#text"]
    return out or None


def from_ebsi_2020(doc: dict[str, Any]) -> dict[str, Any]:
    """The edc-ap 3.2 document of an EBSI 2020 Europass VerifiableAttestation."""
    return _ebsi_2020(doc)[0]


def ebsi_2020_left_out(doc: dict[str, Any]) -> list[str]:
    """The members of an EBSI 2020 document :func:`from_ebsi_2020` does not read."""
    return _ebsi_2020(doc)[1].left_out()


def _ebsi_2020(doc: dict[str, Any]) -> tuple[dict[str, Any], _Reading]:
    r = _Reading(doc)
    s = "credentialSubject"
    subject: dict[str, Any] = {"type": "Person"}
    for key, name in (("@id", "id"), ("currentGivenName", "givenName"),
                      ("currentFamilyName", "familyName"), ("dateOfBirth", "dateOfBirth")):
        value = r.get(f"{s}.{key}")
        if isinstance(value, str):
            subject[name] = value
    mail = r.get(f"{s}.mailBox.@uri")
    if isinstance(mail, str):
        subject["contactPoint"] = {"type": "ContactPoint",
                                   "emailAddress": {"id": mail, "type": "Mailbox"}}
    # the achievement is inside the subject or (as the EC example has it) beside it
    where = f"{s}.learningAchievement" if r.get(f"{s}.learningAchievement") is not None \
        else "learningAchievement"
    claim: dict[str, Any] = {"type": "LearningAchievement"}
    ident = r.get(f"{where}.@id")
    if isinstance(ident, str):
        claim["id"] = ident
    title = _text(r.get(f"{where}.title"))
    if title:
        claim["title"] = title
    ref = r.get(f"{where}.specifiedBy.@idref")
    specs = r.doc.get("learningSpecificationReferences")
    for kind, spec_in in (specs.items() if isinstance(specs, dict) else []):
        if isinstance(spec_in, dict) and spec_in.get("@id") == ref:
            base = f"learningSpecificationReferences.{kind}"
            spec: dict[str, Any] = {"id": ref, "type": "Qualification"
                                    if kind == "qualification"
                                    else "LearningAchievementSpecification"}
            r.get(f"{base}.@id")
            spec_title = _text(r.get(f"{base}.title"))
            if spec_title:
                spec["title"] = spec_title
            eqf = r.get(f"{base}.eqfLevel.@uri")
            if isinstance(eqf, str):
                spec["eqfLevel"] = {"id": eqf, "type": "Concept"}
                r.get(f"{base}.eqfLevel")  # its notation and label name the same level
            claim["specifiedBy"] = spec
    if title is None and isinstance(claim.get("specifiedBy"), dict) and \
            "title" in claim["specifiedBy"]:
        claim["title"] = claim["specifiedBy"]["title"]
    subject["hasClaim"] = [claim]
    # the EQF description and framework name sit at the top in the EC example
    for key in ("targetDescription", "targetFrameworkName"):
        r.get(key)
    issuer = r.get("issuer")
    out = _edc(r, subject, {"id": issuer, "type": "Organisation"}
               if isinstance(issuer, str) else None)
    status = r.get("credentialStatus")
    if isinstance(status, dict):
        out["credentialStatus"] = status
    return out, r
