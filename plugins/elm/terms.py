"""The project's own JSON-LD term table for EDC 3 documents (ELM 3.2 application profile).

Written by this project from the ELM ontology (class and property IRIs, datatypes) and the
W3C VC data model; it is NOT a copy of the official context files and is never fetched.
Each line says: JSON term, the RDF IRI (as a compact IRI) and how values are typed: ``@id``
(a node or IRI), ``@language`` (a language map), an XSD datatype, or ``-`` (plain literal).
The table holds every term of the edc-ap 3.2 context (53 classes, 185 properties, the
prefixes), so no key an EDC 3 document may use is "unknown": ``tests/test_elm_terms.py``
proves that each one expands to the same IRI, with the same coercion, as under the official
contexts, and ``tests/test_elm_terms_complete.py`` that none of the official context is missing.
Where the official context is odd the table follows it (``dateModified`` coerced to ``@id``,
``clv:`` without a trailing slash), so that both read a document the same way.
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
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "locn": "http://www.w3.org/ns/locn#",
    "vc": "http://data.europa.eu/snb/model/w3c/vc/",
    # No trailing slash in the edc-ap context: its clv:latitude / clv:longitude expand to
    # http://data.europa.eu/m8glatitude under JSON-LD 1.0 rules (rdflib), which the table
    # follows; a JSON-LD 1.1 processor leaves them as the IRI "clv:latitude".
    "clv": "http://data.europa.eu/m8g",
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
Agent elm:Agent
Amount elm:Amount
AwardingOpportunity elm:AwardingOpportunity
AwardingProcess elm:AwardingProcess
Claim elm:Claim
Concept skos:Concept
ConceptScheme skos:ConceptScheme
ContactPoint elm:ContactPoint
CredentialStatus elm:CredentialStatus
CreditPoint elm:CreditPoint
DisplayDetail elm:DisplayDetail
DisplayParameter elm:DisplayParameter
EuropeanDigitalCredential elm:EuropeanDigitalCredential
EuropeanDigitalPresentation elm:EuropeanDigitalPresentation
Evidence elm:Evidence
Geometry locn:Geometry
GradingScheme elm:GradingScheme
Grant elm:Grant
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
PriceDetail elm:PriceDetail
Proof elm:Proof
Qualification elm:Qualification
ResultCategory elm:ResultCategory
ResultDistribution elm:ResultDistribution
ShaclValidator2017 elm:ShaclValidator2017
ShortenedGrading elm:ShortenedGrading
Specification elm:Specification
TermsOfUse elm:TermsOfUse
VerificationCheck elm:VerificationCheck
WebResource elm:WebResource
"""

# Properties of the ELM application profile (JSON term -> property IRI, value coercion).
_PROPERTIES = """
accreditation elm:accreditation @id
accreditingAgent elm:accreditingAgent @id
additionalNote elm:additionalNote @id
address elm:address @id
admissionProcedure elm:admissionProcedure @id
altLabel skos:altLabel @language
amount elm:amount @id
applicationDeadline elm:applicationDeadline xsd:dateTime
areaDialingCode elm:areaDialingCode xsd:string
assessedBy elm:assessedBy @id
attachment elm:attachment @id
attachmentType elm:attachmentType @id
awardedBy elm:awardedBy @id
awardingBody elm:awardingBody @id
awardingDate elm:awardingDate xsd:dateTime
awardingOpportunity elm:awardingOpportunity @id
awards elm:awards @id
bannerImage elm:bannerImage @id
birthName person:birthName @language
category elm:category @language
citizenshipCountry elm:citizenshipCountry @id
contactForm elm:contactForm @id
contactHour elm:contactHour xsd:string
contactPoint elm:contactPoint @id
content elm:content xsd:string
contentEncoding elm:contentEncoding @id
contentSize elm:contentSize xsd:integer
contentType elm:contentType @id
contentURL elm:contentUrl xsd:anyURI
count elm:count xsd:positiveInteger
countryCode elm:countryCode @id
countryDialing elm:countryDialing xsd:string
creator dc:creator @id
credentialProfiles elm:credentialProfiles @id
creditPoint elm:creditPoint @id
creditReceived elm:creditReceived @id
dateCreated dc:created xsd:dateTime
dateIssued dc:issued xsd:dateTime
dateModified dc:modified @id
dateOfBirth elm:dateOfBirth xsd:dateTime
dcType dc:type @id
decision elm:decision @id
definition skos:definition @language
description dc:description @language
descriptionHtml elm:descriptionHtml @id
dialNumber elm:dialNumber xsd:string
directedBy elm:directedBy @id
displayDetail elm:displayDetail @id
displayParameter elm:displayParameter @id
duration elm:duration xsd:duration
educationalSystemNote elm:educationalSystemNote @id
educationLevel elm:educationLevel @id
educationSubject elm:educationSubject @id
eIDASIdentifier elm:eidasLegalIdentifier @id
elmSubject elm:subject @id
emailAddress elm:emailAddress @id
embeddedEvidence elm:embeddedEvidence @id
endDate elm:endDate xsd:dateTime
entitledBy elm:entitledBy @id
entitlementStatus elm:entitlementStatus @id
entitlesTo elm:entitlesTo @id
entryRequirement elm:entryRequirement @id
eqfLevel elm:EQFLevel @id
evidenceStatement elm:evidenceStatement xsd:string
evidenceTarget elm:evidenceTarget @id
expiryDate elm:expiryDate xsd:dateTime
familyName foaf:familyName @language
framework elm:framework @id
fullAddress elm:fullAddress @id
fullName foaf:fullName @language
gender elm:gender @id
generalisationOf elm:generalisationOf @id
geographicName elm:geographicName @language
givenName foaf:givenName @language
grade elm:grade @id
gradeStatus elm:gradeStatus @id
gradingScheme elm:gradingScheme @id
grant elm:grant @id
groupMemberOf elm:groupMemberOf @id
hasClaim elm:hasClaim @id
hasCredential elm:hasCredential @id
hasPart elm:hasPart @id
hasSubOrganization org:hasSubOrganization @id
homepage foaf:homepage @id
identifier adms:identifier @id
idVerification elm:idVerification @id
image elm:image @id
individualDisplay elm:individualDisplay @id
influencedBy elm:influencedBy @id
influences elm:influences @id
inScheme skos:inScheme @id
isPartialQualification elm:isPartialQualification xsd:boolean
isPartOf elm:isPartOf @id
label elm:label xsd:string
landingPage elm:landingPage @id
language dc:language @id
latitude clv:latitude xsd:string
learningAchievementSpecification elm:learningAchievementSpecification @id
learningActivitySpecification elm:learningActivitySpecification @id
learningOpportunity elm:learningOpportunity @id
learningOutcome elm:learningOutcome @id
learningOutcomeSummary elm:learningOutcomeSummary @id
learningSchedule elm:learningSchedule @id
learningSetting elm:learningSetting @id
legalName rov:legalName @language
levelOfCompletion elm:levelOfCompletion xsd:positiveInteger
limitCredentialType elm:limitCredentialType @id
limitEQFLevel elm:limitEQFLevel @id
limitField elm:limitField @id
limitJurisdiction elm:limitJurisdiction @id
limitNationalOccupation elm:limitNationalOccupation @id
limitOccupation elm:limitOccupation @id
limitOrganisation elm:limitOrganisation @id
limitQualification elm:limitQualification @id
location elm:location @id
logo elm:logo @id
longitude clv:longitude xsd:string
maximumDuration elm:maximumDuration xsd:duration
maximumScore elm:maxScore xsd:string
member foaf:member @id
memberOf org:memberOf @id
minimumScore elm:minScore xsd:string
mode elm:mode @id
nationalID elm:nationalId @id
notation skos:notation -
noteFormat elm:noteFormat @id
noteLiteral elm:noteLiteral @language
nqfLevel elm:NQFLevel @id
organisation elm:organisation @id
page elm:page xsd:positiveInteger
patronymicName person:patronymicName @language
percentageEqual elm:percentageEqual xsd:integer
percentageHigher elm:percentageHigher xsd:integer
percentageLower elm:percentageLower xsd:integer
phone elm:phone @id
phoneNumber elm:phoneNumber xsd:string
placeOfBirth elm:placeOfBirth @id
point elm:point xsd:string
prefLabel skos:prefLabel @language
priceDetail elm:priceDetail @id
primaryLanguage elm:primaryLanguage @id
provenBy elm:provenBy @id
proves elm:proves @id
providedBy elm:providedBy @id
publisher dc:publisher @id
qualificationCode elm:qualificationCode @id
registration rov:registration @id
relatedESCOSkill elm:relatedESCOSkill @id
relatedSkill elm:relatedSkill @id
report elm:report @id
resultCategory elm:resultCategory @id
resultDistribution elm:resultDistribution @id
reusabilityLevel elm:reusabilityLevel @id
reviewDate elm:reviewDate xsd:dateTime
scheduleInformation elm:scheduleInformation @id
schemeAgency adms:schemeAgency @language
schemeId elm:schemeId xsd:anyURI
schemeName elm:schemeName xsd:string
schemeVersion elm:schemeVersion xsd:string
score elm:score xsd:string
shortenedGrading elm:shortenedGrading @id
spatial dc:spatial @id
spatialCode elm:spatialCode @id
specialisationOf elm:specialisationOf @id
specifiedBy elm:specifiedBy @id
startDate elm:startDate xsd:dateTime
status elm:status xsd:string
subject dc:subject @id
subOrganizationOf org:subOrganizationOf @id
summaryDisplay elm:summaryDisplay xsd:string
supplementaryDocument elm:supplementaryDocument @id
targetGroup elm:targetGroup @id
taxIdentifier elm:taxIdentifier @id
temporal dc:temporal @id
thematicArea elm:ISCEDFCode @id
title dc:title @language
unit elm:unit @id
used elm:used @id
valid dc:valid xsd:dateTime
value elm:value xsd:decimal
vatIdentifier elm:vatIdentifier @id
verificationCheck elm:verificationCheck @id
verificationStatus elm:verificationStatus @id
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


@cache
def all_terms() -> dict[str, Term]:
    """Every term the project knows (VC first, ELM after, as documents list the contexts);
    one table, to be read, never changed."""
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
