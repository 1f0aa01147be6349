"""Context URLs, type names and the project's own JSON-LD term tables for Open Badges.

Nothing here is ever fetched: a context is recognised by its URL and the terms the readers and
writers use are listed in this module. The credbridge extension needs no context: in OB 3.0 it
is a JSON literal under the absolute IRI ``urn:credbridge:canonical`` (pinned-context verifiers
accept it), in OB 2.0 a JSON text in a string (JSON-LD 1.0 has no JSON literals).
"""

from __future__ import annotations

import re
from typing import Any

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
"""Defines ``1EdTechJsonSchemaValidator2019`` (the credentialSchema type), ``1EdTechRevocationList``
and ``1EdTechCredentialRefresh``: needed whenever one of them is written."""
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB2_ASSERTION_TYPE = "https://w3id.org/openbadges#Assertion"
"""The evidence type of an upgraded OB 2.0 assertion (1EdTech upgrade guidance)."""
EDUC_CONTEXT = (
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/contexts/"
    "educredential.json"
)
"""The eduCredentials context as its examples name it (itself not valid JSON-LD: the
``supervisionType`` term has a ``context`` key where ``@context`` is meant)."""

KNOWN_CONTEXT_PREFIXES = (
    "https://purl.imsglobal.org/spec/",  # Open Badges 3.0, CLR 2.0 and 1EdTech extensions
    "https://imsglobal.github.io/openbadges-specification/",  # OB 3.0 drafts (2022)
    "https://w3id.org/openbadges/",  # Open Badges 1.1 / 2.0
    "https://www.w3.org/ns/credentials/",  # VC 2.0 and its status/examples contexts
    "https://www.w3.org/2018/credentials/",  # VC 1.1
    "https://w3id.org/security/",  # proof suites (terms of the proof only)
    "https://w3id.org/vc/",  # status lists
    "https://raw.githubusercontent.com/educredentials/",
)
"""Context URLs whose terms credbridge knows or can safely leave uninterpreted (proofs,
status lists); a document naming any other remote context is refused."""


def known_context(url: str) -> bool:
    """True for a context URL whose terms credbridge knows (it never fetches any)."""
    return url in (VC1_CONTEXT, VC2_CONTEXT, EDUC_CONTEXT) or url.startswith(
        KNOWN_CONTEXT_PREFIXES)


OB3_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB3_SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
EDUC_ACHIEVEMENT = "EducredentialAchievement"

NO_ONE = "sha256$" + "0" * 64
"""The identity hash credbridge writes for an unknown recipient (OB 3.0 and 2.0 need one)."""

BITSTRING_ENTRY = "BitstringStatusListEntry"
"""The VC 2.0 status entry (its terms are in the VC 2.0 context)."""
REVOCATION_LIST = "1EdTechRevocationList"
"""The 1EdTech revocation list OB 3.0 first used (deprecated; defined by extensions.json)."""
STATUS_LIST_2021 = "StatusList2021Entry"
"""Bitstring's predecessor (VC 1.1, its own context): written as a BitstringStatusListEntry."""
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI (a scheme, then no whitespace or characters IRIs exclude):
    what JSON-LD keeps as a node id and a WHATWG URL parser accepts."""
    return isinstance(value, str) and _ABSOLUTE_IRI.match(value) is not None

CREDBRIDGE_NS = "urn:credbridge:"
"""Namespace of the credbridge extension terms (a URN: nothing to dereference)."""
CREDBRIDGE_IRI = CREDBRIDGE_NS + "canonical"
"""The OB 3.0 extension key: canonical credbridge JSON for the elements neither Open Badges
nor the eduCredentials profile can hold, as a JSON literal ``{"type": "@json", "@value": …}``
(docs/formats/ob3.md). An absolute IRI needs no term definition, so no inline context."""
CREDBRIDGE_TERM = "credbridgeCanonical"
"""The extension term: in OB 2.0 (defined by the extension object's own context, its value a
JSON text), and in OB 3.0 as credbridge before 0.2 wrote it (read, never written)."""

OB2_CREDBRIDGE_EXTENSION = "extensions:CredbridgeExtension"
OB2_CREDBRIDGE_CONTEXT: dict[str, Any] = {
    "obi": "https://w3id.org/openbadges#",
    "extensions": "https://w3id.org/openbadges/extensions#",
    CREDBRIDGE_TERM: {"@id": CREDBRIDGE_IRI},
}
"""The OB 2.0 extension object's context: JSON-LD 1.0 (no ``@json``), so the value is a
string holding JSON text."""

OB2_IDENTITY_TYPES = frozenset({"email", "url", "telephone"})
"""Recipient identity types the OB 2.0 context defines terms for."""
OB2_IDENTITY_TYPE_NS = CREDBRIDGE_NS + "identity-type:"
"""An OB 2.0 recipient type for any other identifier scheme (an absolute IRI: JSON-LD keeps it;
the ob2 reader reads the scheme back)."""

OB2_DEFAULT_IMAGE = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAg"
    "MCAxMDAgMTAwIj48Y2lyY2xlIGN4PSI1MCIgY3k9IjUwIiByPSI0NiIgZmlsbD0iIzNiNWJhOSIvPjwvc3ZnPg==")
"""The BadgeClass image written when the source has none (OB 2.0 requires one): a blue disc,
``<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="50" cy="50"
r="46" fill="#3b5ba9"/></svg>``; the ob2 reader does not read it back as the source's image."""
OB2_UNKNOWN_ISSUER_URL = "https://unknown-issuer.invalid/"
"""The issuer ``url`` written when the source gives none and none can be derived: a reserved
name (RFC 2606 ``.invalid``) no one can own; not read back as the source's (docs/formats/ob2.md)."""
OB2_UNKNOWN_ISSUER_EMAIL = "unknown@unknown-issuer.invalid"
"""The issuer ``email`` written when the source gives none (the same reserved name)."""
OB2_STAND_INS = frozenset({OB2_UNKNOWN_ISSUER_URL, OB2_UNKNOWN_ISSUER_EMAIL})
"""credbridge's stand-ins for a required issuer property: never the source's value."""

EDUC_VOCAB = "https://edubadges.nl/static/obv3-glossary.html#"


def educ_inline_context() -> dict[str, Any]:
    """The eduCredentials context as its publisher wrote it, with its one JSON-LD error
    corrected (``supervisionType`` has ``context`` where ``@context`` is meant), written inline
    instead of the published URL (a JSON-LD processor refuses the published file: "invalid
    scoped context"). IRIs are the published ones, typos included, so that the data means what
    eduCredentials consumers expect."""
    g = EDUC_VOCAB
    values = {
        "assessmentType": {
            "testing": g + "assessment-type-testing",
            "application of a skill":
                "https://eduabages.nl/static/obv3-glossary.html#assessment-type-application-of-a-skill",
            "portfolio": "https://eduabages.nl/static/obv3-glossary.html#assessment-type-portfolio",
            "recognition of prior learning": g + "assessment-type-recognition-of-prior-learning",
        },
        "participationType": {
            name: g + "participation-type-" + name.replace(" ", "-")
            for name in ("online", "onsite or blended", "volunteering", "work experience",
                         "personalized learning activities")
        },
        "supervisionType": {
            "unsupervised with no identity verification":
                g + "supervision-type-unsupervised-with-no-identity-verification",
            "supervised with no identity verification":
                g + "supervision-type-supervised-with-no-identity-verification",
            "supervised online":
                "https://edubaadges.nl/static/obv3-glossary.html#supervision-type-supervised-online",
            "onsite with identity verification":
                g + "supervision-type-onsite-with-identity-verification",
        },
    }
    terms: dict[str, Any] = {"@protected": True, "id": "@id", "type": "@type"}
    for name, scoped in values.items():
        terms[name] = {"@id": g + name, "@type": "@vocab", "@context": scoped}
    for name, iri, datatype in (("identityChecked", "identityChecked", "xsd:boolean"),
                                ("ECTS", "ects", "xsd:integer"),
                                ("timeInvestment", "timeInvestment", "xsd:integer"),
                                ("SBU", "sbu", "xsd:integer"),
                                ("educationProgramIdentifier", "educationProgramIdentifier",
                                 "xsd:number")):
        terms[name] = {"@id": g + iri, "@type": datatype}
    return {"@protected": True, "id": "@id", "type": "@type",
            EDUC_ACHIEVEMENT: {"@id": g + EDUC_ACHIEVEMENT, "@context": terms}}

EDUC_TERMS = frozenset({
    "participationType", "assessmentType", "identityChecked", "supervisionType", "ECTS",
    "timeInvestment", "SBU", "educationProgramIdentifier",
})
"""The terms of the eduCredentials ``EducredentialAchievement`` profile."""

EDUC_PARTICIPATION = {
    "online": ["online"],
    "onsite or blended": ["onsite", "blended"],
    "volunteering": [],
    "work experience": ["work-based"],
    "personalized learning activities": [],
}
"""eduCredentials participationType -> canonical mode codes (the last two have none)."""

EDUC_ASSESSMENT = {
    "testing": "testing",
    "application of a skill": "practical",
    "portfolio": "portfolio",
    "recognition of prior learning": "recognition-of-prior-learning",
}
EDUC_ASSESSMENT_OUT = {v: k for k, v in EDUC_ASSESSMENT.items()}

EDUC_SUPERVISION = {
    "unsupervised with no identity verification": "unsupervised-no-id",
    "supervised with no identity verification": "supervised-no-id",
    "supervised online": "supervised-with-id",
    "onsite with identity verification": "supervised-with-id",
}
EDUC_SUPERVISION_OUT = {
    "unsupervised-no-id": "unsupervised with no identity verification",
    "supervised-no-id": "supervised with no identity verification",
    "supervised-with-id": "onsite with identity verification",
}

ACHIEVEMENT_TYPES_IN = {
    "MicroCredential": "micro-credential",
    "CertificateOfCompletion": "certificate-of-participation",
}
ACHIEVEMENT_TYPES_OUT = {v: k for k, v in ACHIEVEMENT_TYPES_IN.items()}

# Alignment target types and frameworks of the levels and fields this project writes.
EQF_TYPE = "ext:EQF"
EQF_FRAMEWORK = "European Qualifications Framework"
EQF_URI = "http://data.europa.eu/snb/eqf/"
ISCED_F_TYPE = "ext:ISCEDF"
ISCED_F_FRAMEWORK = "ISCED-F 2013"
ISCED_F_URI = "http://data.europa.eu/snb/isced-f/"
QA_TYPE = "ext:QualityAssurance"
ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
ESCO_FRAMEWORK = "ESCO"
OUTCOME_TYPE = "ceasn:Competency"
