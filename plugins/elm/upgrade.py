"""Upgrade steps: EDC 3 JSON of an earlier or neighbouring shape rewritten as edc-ap 3.2.

Each step is one known shape published by the field, turned into the compact edc-ap 3.2
JSON-LD the reader reads; the steps run in order (a chain, as pystac and the 1EdTech
validator do), and each step that applies is reported with ``upgraded`` naming it:

- ``uploadable-wrapper``: the EC issuer's ``{"credential": {...}}`` upload wrapper: the
  inner object is the credential.
- ``uploadable``: the EC issuer's "uploadable" EDC 3 JSON, which has no ``@context``: the
  VC 1.1 and edc-ap contexts are the ones it is written against.
- ``edci-pre-release``: the EC EDCI pre-release contexts (``dev.everisdx.io/datamodel/…``):
  the documents use the edc-ap 3.2 term names except for the few of :data:`PRE_RELEASE_TERMS`.
- ``ec-credentials-v1``: DC4EU "EDC-like" EAAs (context ``https://ec.europa.eu/credentials/v1``,
  which is published nowhere): edc-ap term names, with concepts given by their notation
  alone (``{"type": "Concept", "notation": "ES"}``); a notation of a vocabulary credbridge
  knows becomes the concept's IRI (:func:`_concept_iri`), other terms are listed as not EDC 3.

Nothing is fetched: a step replaces the context URL it knows by the bundled edc-ap context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.errors import VocabularyError
from credbridge.report import Code

from . import eu_attestations
from .contexts import EDC_AP_URL, VC1_URL

if TYPE_CHECKING:
    from credbridge.context import Context

EDC_TYPES = frozenset({"EuropeanDigitalCredential", "VerifiableCredential"})
PRE_RELEASE_HOST = "dev.everisdx.io/datamodel"
EC_CREDENTIALS_V1 = "ec.europa.eu/credentials/v1"

PRE_RELEASE_TERMS: dict[str, str] = {
    # pre-release term -> edc-ap 3.2 term (from the pre-release contexts' term IRIs)
    "owner": "credentialSubject",  # vc:credentialSubject
    "identifierContent": "notation",  # skos:notation
    "country": "countryCode",  # elm:countryCode of an Address
}
"""Pre-release term names whose edc-ap 3.2 name differs. ``registration`` (the pre-release
``elm:eidasLegalIdentifier``) holds the organisation's LegalIdentifier, which is what edc-ap
3.2 ``registration`` is: it keeps its name."""

PRE_RELEASE_NAME = {"Organisation": "legalName", "Person": "fullName"}
"""The pre-release minimal context's ``name`` (schema:name), by the node's type."""

EC_V1_TERMS: dict[str, str] = {
    "eIDASIdentifier": "registration",  # a LegalIdentifier (notation + spatial)
}

ECTS_IRI = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
EQF_IRI = "http://data.europa.eu/snb/eqf/"


@dataclass(frozen=True)
class Step:
    """One upgrade step: ``applies`` looks at a document, ``apply`` returns the upgraded one."""

    name: str
    summary: str
    applies: Callable[[dict[str, Any]], bool]
    apply: Callable[[dict[str, Any]], dict[str, Any]]
    left_out: Callable[[dict[str, Any]], list[str]] | None = None
    """The members of the document the step does not carry (reported as ignored input)."""
    why: str = "is not read"
    """Why a member the step does not carry is not read (follows its name in the report)."""


def upgrade(doc: Any, ctx: Context) -> Any:
    """``doc`` after every step of :data:`STEPS` that applies to it, each reported."""
    for step in STEPS:
        if isinstance(doc, dict) and step.applies(doc):
            ctx.say(Code.UPGRADED, "@context", f"read through the upgrade step {step.name} "
                    f"({step.summary})")
            doc, left_out = step.apply(doc), step.left_out(doc) if step.left_out else []
            for key in left_out:
                ctx.say(Code.IGNORED_INPUT, None, f"{key!r} {step.why}")
    return doc


def _types(node: Any) -> set[str]:
    value = node.get("type", node.get("@type")) if isinstance(node, dict) else None
    items = value if isinstance(value, list) else [value]
    return {t for t in items if isinstance(t, str)}


def _contexts(doc: dict[str, Any]) -> list[Any]:
    value = doc.get("@context")
    return value if isinstance(value, list) else [value] if value is not None else []


def _names_context(doc: dict[str, Any], part: str) -> bool:
    return any(isinstance(c, str) and part in c for c in _contexts(doc))


def _with_edc_ap(doc: dict[str, Any], part: str) -> dict[str, Any]:
    """``doc`` with each context naming ``part`` replaced by edc-ap (VC 1.1 first)."""
    contexts: list[Any] = []
    for c in _contexts(doc):
        c = EDC_AP_URL if isinstance(c, str) and part in c else c
        if c not in contexts:
            contexts.append(c)
    if VC1_URL not in contexts:
        contexts.insert(0, VC1_URL)
    return {**doc, "@context": contexts}


# --- uploadable ------------------------------------------------------------------------------

def _is_wrapper(doc: dict[str, Any]) -> bool:
    inner = doc.get("credential")
    return "@context" not in doc and isinstance(inner, dict) and \
        "EuropeanDigitalCredential" in _types(inner)


def _unwrap(doc: dict[str, Any]) -> dict[str, Any]:
    inner: dict[str, Any] = doc["credential"]
    return inner


def _beside_the_credential(doc: dict[str, Any]) -> list[str]:
    return [key for key in doc if key != "credential"]


def _is_uploadable(doc: dict[str, Any]) -> bool:
    return "@context" not in doc and "EuropeanDigitalCredential" in _types(doc)


def _add_contexts(doc: dict[str, Any]) -> dict[str, Any]:
    return {"@context": [VC1_URL, EDC_AP_URL], **doc}


# --- pre-release ------------------------------------------------------------------------------

def _is_pre_release(doc: dict[str, Any]) -> bool:
    return _names_context(doc, PRE_RELEASE_HOST)


def _pre_release(doc: dict[str, Any]) -> dict[str, Any]:
    def node(obj: dict[str, Any]) -> dict[str, Any]:
        kinds = _types(obj)
        out: dict[str, Any] = {}
        for key, value in obj.items():
            new = PRE_RELEASE_TERMS.get(key, key)
            if key == "name":
                new = next((PRE_RELEASE_NAME[k] for k in kinds if k in PRE_RELEASE_NAME), key)
            out[new if new not in obj else key] = _walk(value, node)
        return out

    return _with_edc_ap(_walk(doc, node), PRE_RELEASE_HOST)


# --- ec.europa.eu/credentials/v1 --------------------------------------------------------------

def _is_ec_v1(doc: dict[str, Any]) -> bool:
    return _names_context(doc, EC_CREDENTIALS_V1)


def _ec_v1(doc: dict[str, Any]) -> dict[str, Any]:
    def node(obj: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            new = EC_V1_TERMS.get(key, key)
            value = _walk(value, node)
            if key in _CONCEPT_VOCABULARIES:
                value = _concepts_with_iri(value, key)
            out[new if new not in obj else key] = value
        return _ec_v1_shape(out)

    return _with_edc_ap(_walk(doc, node), EC_CREDENTIALS_V1)


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and ":" in value


def _ec_v1_shape(node: dict[str, Any]) -> dict[str, Any]:
    """The ELM 2 shapes DC4EU EAAs keep, as edc-ap 3.2 has them: ``grantedBy`` is
    ``awardedBy``; a specification's nested ``qualification`` gives the specification what
    it lacks (EQF level...); course results in ``wasDerivedFrom`` (title, credits, grade, no
    type) are the achievement's parts, each proven by its assessment."""
    profiles = node.get("credentialProfiles")
    if profiles is not None and not isinstance(profiles, dict):
        kept = [p for p in (profiles if isinstance(profiles, list) else [profiles])
                if _is_iri(p) or isinstance(p, dict)]
        if kept:
            node["credentialProfiles"] = kept
        else:  # a type name (reported by _ec_v1_left_out), not a credential profile concept
            node.pop("credentialProfiles")
    if "grantedBy" in node and "awardedBy" not in node:
        node["awardedBy"] = node.pop("grantedBy")
    nested = node.get("qualification")
    if "specifiedBy" not in node and isinstance(nested, dict) and _types(node) & _SPEC_TYPES:
        node.pop("qualification")
        for key, value in nested.items():
            node.setdefault(key, value)
    derived = node.get("wasDerivedFrom")
    results = derived if isinstance(derived, list) else [derived]
    if "LearningAchievement" in _types(node) and derived is not None and \
            all(isinstance(r, dict) and not _types(r) for r in results):
        node.pop("wasDerivedFrom")
        parts = node.get("hasPart")
        node["hasPart"] = (parts if isinstance(parts, list) else [parts] if parts else []) + \
            [_result(r) for r in results if isinstance(r, dict)]
    return node


_SPEC_TYPES = frozenset({"LearningAchievementSpecification", "Qualification"})


def _ec_v1_left_out(doc: dict[str, Any]) -> list[str]:
    """The dates of course results (``wasDerivedFrom[].temporal``): a part achievement has no
    period in edc-ap 3.2 (its activity would, and the EAA names none)."""
    found: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{path}.{n}")
        elif isinstance(value, dict):
            profiles = value.get("credentialProfiles")
            for n, p in enumerate(profiles if isinstance(profiles, list) else [profiles]):
                if isinstance(p, str) and not _is_iri(p):
                    found.append(f"{path}.credentialProfiles.{n}".lstrip("."))
            derived = value.get("wasDerivedFrom")
            for n, r in enumerate(derived if isinstance(derived, list) else [derived]):
                if isinstance(r, dict) and not _types(r) and "temporal" in r:
                    found.append(f"{path}.wasDerivedFrom.{n}.temporal".lstrip("."))
            for key, item in value.items():
                walk(item, f"{path}.{key}")

    walk(doc, "")
    return found


def _result(result: dict[str, Any]) -> dict[str, Any]:
    """A course result of a transcript (ELM 2 ``wasDerivedFrom``) as a part achievement."""
    part: dict[str, Any] = {"type": "LearningAchievement"}
    for key, value in result.items():
        if key == "creditPoint":
            part["creditReceived"] = value
        elif key == "grade":
            part["provenBy"] = [{"type": "LearningAssessment", "grade": value}]
        elif key != "temporal":  # reported by _ec_v1_left_out
            part[key] = value
    return part


def _country(notation: str) -> str:
    return vocab.country_uri(vocab.country_code(notation))


def _language(notation: str) -> str:
    return vocab.language_uri(vocab.language_code(notation))


def _ects(notation: str) -> str:
    if notation.strip().casefold() != "ects":
        raise VocabularyError(f"unknown credit framework {notation!r}")
    return ECTS_IRI


def _eqf(notation: str) -> str:
    return f"{EQF_IRI}{vocab.eqf_level(notation)}"


def _isced_f(notation: str) -> str:
    return vocab.isced_f().uri(vocab.isced_f_code(notation)) or ""


_CONCEPT_VOCABULARIES: dict[str, Callable[[str], str]] = {
    "spatial": _country,
    "countryCode": _country,
    "nationality": _country,
    "citizenshipCountry": _country,
    "language": _language,
    "primaryLanguage": _language,
    "framework": _ects,
    "eqfLevel": _eqf,
    "educationSubject": _isced_f,
}
"""Properties whose concepts a notation alone names, with the IRI of a notation."""


def _concepts_with_iri(value: Any, key: str) -> Any:
    """Concept nodes without an ``id`` get the IRI their notation names (else unchanged)."""
    if isinstance(value, list):
        return [_concepts_with_iri(v, key) for v in value]
    if not isinstance(value, dict) or "id" in value or "@id" in value:
        return value
    notation = value.get("notation")
    if not isinstance(notation, str | int) or isinstance(notation, bool):
        return value
    try:
        iri = _CONCEPT_VOCABULARIES[key](str(notation))
    except (VocabularyError, ValueError, KeyError):
        return value
    return {"id": iri, **value} if iri else value


def _walk(value: Any, node: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """``value`` with ``node`` applied to every object (``@context`` values untouched)."""
    if isinstance(value, list):
        return [_walk(v, node) for v in value]
    if isinstance(value, dict):
        context = value.get("@context")
        out = node({k: v for k, v in value.items() if k != "@context"})
        return {"@context": context, **out} if "@context" in value else out
    return value


STEPS: tuple[Step, ...] = (
    Step("uploadable-wrapper", 'the EC issuer\'s {"credential": ...} wrapper: its inner '
         "object is read", _is_wrapper, _unwrap, _beside_the_credential,
         "beside the credential in the upload wrapper is not read (no part of the credential)"),
    Step("uploadable", "EC issuer uploadable EDC 3 JSON without @context: read with the VC 1.1 "
         "and edc-ap 3.2 contexts", _is_uploadable, _add_contexts),
    Step("edci-pre-release", "EC EDCI pre-release context (dev.everisdx.io) -> edc-ap 3.2 "
         "terms", _is_pre_release, _pre_release),
    Step("ec-credentials-v1", "DC4EU EDC-like context https://ec.europa.eu/credentials/v1 -> "
         "edc-ap 3.2 terms; concepts named by notation get their vocabulary IRI",
         _is_ec_v1, _ec_v1, _ec_v1_left_out, "has no edc-ap 3.2 place: a course result's "
         "dates (a part achievement has none), or a credential profile given as a name, not "
         "a concept"),
    Step("dc4eu-professional-rulebook", "DC4EU professional-qualification training "
         "certificate (eaa-rulebook context) -> an edc-ap 3.2 learning achievement",
         eu_attestations.is_rulebook, eu_attestations.from_rulebook,
         eu_attestations.rulebook_left_out, "has no edc-ap 3.2 term credbridge maps it to"),
    Step("ebsi-2020-europass", "EBSI 2020 VerifiableAttestation Europass (EDC XML of 2020 as "
         "JSON) -> edc-ap 3.2", eu_attestations.is_ebsi_2020, eu_attestations.from_ebsi_2020,
         eu_attestations.ebsi_2020_left_out, "has no edc-ap 3.2 term credbridge maps it to"),
)
"""The upgrade chain, in order."""
