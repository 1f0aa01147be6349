"""The project's own JSON-LD term table for EDC 3 documents (ELM 3.2 application profile).

Written by this project from the ELM ontology (class and property IRIs, datatypes) and the
W3C VC data model; it is NOT a copy of the official context files and is never fetched.
Each line says: JSON term, the RDF IRI (as a compact IRI) and how values are typed: ``@id``
(a node or IRI), ``@language`` (a language map), an XSD datatype, or ``-`` (plain literal).
``tests/test_elm_terms.py`` proves that every term expands to the same IRI as under the
official contexts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

ELM = "http://data.europa.eu/snb/model/elm/"
ELM_ALT = "http://data.europa.eu/snb/model/ontology/"
"""The other ELM namespace, used by a third-party copy of the ELM 3.3 shapes; read as ``ELM``."""

PREFIXES: dict[str, str] = {
    "elm": ELM,
    "cred": "https://www.w3.org/2018/credentials#",
    "sec": "https://w3id.org/security#",
    "dc": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rov": "http://www.w3.org/ns/regorg#",
    "adms": "http://www.w3.org/ns/adms#",
    "org": "http://www.w3.org/ns/org#",
    "person": "http://www.w3.org/ns/person#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Term:
    """One JSON term: its IRI (compact) and its value coercion."""

    name: str
    iri: str
    kind: str  # "@id", "@language", "xsd:...", or "" for a plain literal

    @property
    def full_iri(self) -> str:
        """The absolute IRI of the term."""
        return expand(self.iri)


def expand(compact: str) -> str:
    """Expand a compact IRI (``elm:title``) with :data:`PREFIXES`."""
    prefix, sep, rest = compact.partition(":")
    if sep and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return compact


# Classes of the ELM ontology used in EDC 3 documents (JSON type name -> class IRI).
_CLASSES = """
Accreditation elm:Accreditation
Address elm:Address
AwardingProcess elm:AwardingProcess
Concept skos:Concept
ConceptScheme skos:ConceptScheme
ContactPoint elm:ContactPoint
CreditPoint elm:CreditPoint
DisplayDetail elm:DisplayDetail
DisplayParameter elm:DisplayParameter
EuropeanDigitalCredential elm:EuropeanDigitalCredential
Evidence elm:Evidence
GradingScheme elm:GradingScheme
Group elm:Group
Identifier elm:Identifier
IndividualDisplay elm:IndividualDisplay
LearningAchievement elm:LearningAchievement
LearningAchievementSpecification elm:LearningAchievementSpecification
LearningActivity elm:LearningActivity
LearningActivitySpecification elm:LearningActivitySpecification
LearningAssessment elm:LearningAssessment
LearningAssessmentSpecification elm:LearningAssessmentSpecification
LearningEntitlement elm:LearningEntitlement
LearningEntitlementSpecification elm:LearningEntitlementSpecification
LearningOpportunity elm:LearningOpportunity
LearningOutcome elm:LearningOutcome
LegalIdentifier elm:LegalIdentifier
Location dc:Location
Mailbox elm:Mailbox
MediaObject elm:MediaObject
Note elm:Note
Organisation elm:Organisation
PeriodOfTime dc:PeriodOfTime
Person elm:Person
Phone elm:Phone
Proof elm:Proof
Qualification elm:Qualification
ShaclValidator2017 elm:ShaclValidator2017
ShortenedGrading elm:ShortenedGrading
TermsOfUse elm:TermsOfUse
CredentialStatus elm:CredentialStatus
WebResource elm:WebResource
"""

# Properties of the ELM application profile (JSON term -> property IRI, value coercion).
_PROPERTIES = """
accreditation elm:accreditation @id
accreditingAgent elm:accreditingAgent @id
additionalNote elm:additionalNote @id
address elm:address @id
altLabel skos:altLabel @language
assessedBy elm:assessedBy @id
awardedBy elm:awardedBy @id
awardingBody elm:awardingBody @id
awardingDate elm:awardingDate xsd:dateTime
birthName person:birthName @language
citizenshipCountry elm:citizenshipCountry @id
contactPoint elm:contactPoint @id
content elm:content xsd:string
contentEncoding elm:contentEncoding @id
contentType elm:contentType @id
contentURL elm:contentUrl xsd:anyURI
countryCode elm:countryCode @id
credentialProfiles elm:credentialProfiles @id
creditPoint elm:creditPoint @id
creditReceived elm:creditReceived @id
dateIssued dc:issued xsd:dateTime
dateOfBirth elm:dateOfBirth xsd:dateTime
dcType dc:type @id
decision elm:decision @id
definition skos:definition @language
description dc:description @language
directedBy elm:directedBy @id
displayDetail elm:displayDetail @id
displayParameter elm:displayParameter @id
educationLevel elm:educationLevel @id
educationalSystemNote elm:educationalSystemNote @id
eIDASIdentifier elm:eidasLegalIdentifier @id
emailAddress elm:emailAddress @id
embeddedEvidence elm:embeddedEvidence @id
endDate elm:endDate xsd:dateTime
entryRequirement elm:entryRequirement @id
evidenceStatement elm:evidenceStatement xsd:string
eqfLevel elm:EQFLevel @id
expiryDate elm:expiryDate xsd:dateTime
familyName foaf:familyName @language
framework elm:framework @id
fullAddress elm:fullAddress @id
fullName foaf:fullName @language
gender elm:gender @id
givenName foaf:givenName @language
grade elm:grade @id
gradeStatus elm:gradeStatus @id
gradingScheme elm:gradingScheme @id
groupMemberOf elm:groupMemberOf @id
hasClaim elm:hasClaim @id
hasPart elm:hasPart @id
homepage foaf:homepage @id
idVerification elm:idVerification @id
identifier adms:identifier @id
image elm:image @id
inScheme skos:inScheme @id
individualDisplay elm:individualDisplay @id
influencedBy elm:influencedBy @id
isPartOf elm:isPartOf @id
isPartialQualification elm:isPartialQualification xsd:boolean
language dc:language @id
learningOpportunity elm:learningOpportunity @id
learningOutcome elm:learningOutcome @id
learningSetting elm:learningSetting @id
legalName rov:legalName @language
location elm:location @id
logo elm:logo @id
maximumDuration elm:maximumDuration xsd:duration
maximumScore elm:maxScore xsd:string
minimumScore elm:minScore xsd:string
mode elm:mode @id
nationalID elm:nationalId @id
notation skos:notation -
noteLiteral elm:noteLiteral @language
nqfLevel elm:NQFLevel @id
page elm:page xsd:positiveInteger
placeOfBirth elm:placeOfBirth @id
point elm:point xsd:string
prefLabel skos:prefLabel @language
primaryLanguage elm:primaryLanguage @id
provenBy elm:provenBy @id
providedBy elm:providedBy @id
registration rov:registration @id
relatedESCOSkill elm:relatedESCOSkill @id
relatedSkill elm:relatedSkill @id
report elm:report @id
reusabilityLevel elm:reusabilityLevel @id
schemeId elm:schemeId xsd:anyURI
schemeName elm:schemeName xsd:string
spatial dc:spatial @id
spatialCode elm:spatialCode @id
specifiedBy elm:specifiedBy @id
startDate elm:startDate xsd:dateTime
subject dc:subject @id
supplementaryDocument elm:supplementaryDocument @id
temporal dc:temporal @id
thematicArea elm:ISCEDFCode @id
title dc:title @language
vatIdentifier elm:vatIdentifier @id
volumeOfLearning elm:volumeOfLearning xsd:duration
workload elm:workload xsd:duration
"""

# W3C Verifiable Credentials terms (data model 1.1; 2.0 keeps the same IRIs for these).
_VC_CLASSES = """
VerifiableCredential cred:VerifiableCredential
VerifiablePresentation cred:VerifiablePresentation
"""

_VC_PROPERTIES = """
credentialSchema cred:credentialSchema @id
credentialStatus cred:credentialStatus @id
credentialSubject cred:credentialSubject @id
evidence cred:evidence @id
expirationDate cred:expirationDate xsd:dateTime
holder cred:holder @id
issuanceDate cred:issuanceDate xsd:dateTime
issued cred:issued xsd:dateTime
issuer cred:issuer @id
termsOfUse cred:termsOfUse @id
validFrom cred:validFrom xsd:dateTime
validUntil cred:validUntil xsd:dateTime
"""


def _parse(table: str, with_kind: bool) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for line in table.strip().splitlines():
        parts = line.split()
        kind = parts[2] if with_kind else ""
        out[parts[0]] = Term(parts[0], parts[1], "" if kind == "-" else kind)
    return out


@cache
def elm_terms() -> dict[str, Term]:
    """The ELM (edc-ap) terms: classes and properties."""
    return {**_parse(_CLASSES, False), **_parse(_PROPERTIES, True)}


@cache
def vc_terms() -> dict[str, Term]:
    """The W3C VC terms EDC 3 documents use."""
    return {**_parse(_VC_CLASSES, False), **_parse(_VC_PROPERTIES, True)}


def all_terms() -> dict[str, Term]:
    """Every term the project knows (VC first, ELM after, as documents list the contexts)."""
    return {**vc_terms(), **elm_terms()}


def _definition(term: Term) -> Any:
    if not term.kind:
        return term.iri
    if term.kind == "@language":
        return {"@id": term.iri, "@container": "@language"}
    return {"@id": term.iri, "@type": term.kind}


def _context(terms: dict[str, Term]) -> dict[str, Any]:
    ctx: dict[str, Any] = {"id": "@id", "type": "@type", **PREFIXES}
    ctx.update({name: _definition(t) for name, t in terms.items()})
    return ctx


@cache
def elm_context() -> dict[str, Any]:
    """The JSON-LD context (a plain dict) this project uses for the edc-ap context URL."""
    return _context(elm_terms())


@cache
def vc_context() -> dict[str, Any]:
    """The JSON-LD context this project uses for the W3C VC 1.1 and 2.0 context URLs."""
    return _context(vc_terms())
