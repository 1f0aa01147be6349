"""SKOS concepts as EDC 3 writes them: ``{id, type: Concept, inScheme, prefLabel}``.

The EC shapes check a concept's scheme (``skos:inScheme`` typed ``skos:ConceptScheme``), so
every concept written carries its scheme, derived from the concept URI.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from credbridge import vocab
from credbridge.notes import labelled_lines, parse_labelled

_SNB = re.compile(r"^(http://data\.europa\.eu/snb/[a-z-]+)/[^/]+$")
_AUTHORITY = re.compile(r"^(http://publications\.europa\.eu/resource/authority/[a-z-]+)/[^/]+$")
ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"

# Texts credbridge writes where ELM has no property of its own; the reader recognises them.
NOTE_QA = "Quality assurance: "
QA_NOTE_LABELS = {"type": "Type", "decision": "Decision", "register_entry": "Register entry",
                  "valid_until": "Valid until"}
"""The labelled lines after the text of a quality-assurance note (one without the type URI
and QA body an Accreditation requires), read back into those fields."""
NOTE_SETTING = "Learning setting: "
PLACEHOLDER_ASSESSMENT = "Assessment"
LOCAL_ID_PREFIX = "urn:credbridge:"
"""Node ids credbridge mints for nodes without one; not read back as identifiers."""


def scheme_of(uri: str) -> str | None:
    """The concept scheme of an EU vocabulary concept URI, ``None`` when unknown."""
    if m := _SNB.match(uri):
        return m.group(1) + "/25831c2"
    if m := _AUTHORITY.match(uri):
        return m.group(1)
    if uri.startswith("http://data.europa.eu/esco/skill/"):
        return ESCO_SKILLS
    return None


def concept(uri: str, label: dict[str, str] | str | None = None,
            scheme: str | None = None) -> dict[str, Any]:
    """A Concept node for ``uri`` with its scheme and (English) label when known."""
    node: dict[str, Any] = {"id": uri, "type": "Concept"}
    in_scheme = scheme or scheme_of(uri)
    if in_scheme:
        node["inScheme"] = {"id": in_scheme, "type": "ConceptScheme"}
    if isinstance(label, str):
        label = {"en": label} if label else None
    if label:
        node["prefLabel"] = label
    return node


_VOCABULARIES = ("eqf", "mode", "setting", "supervision", "assessment_type", "credit_system",
                 "credential_type", "country", "language", "isced_f")
_FIXED = ("http://publications.europa.eu/resource/authority/file-type/",
          "http://data.europa.eu/snb/encoding/")


@lru_cache(maxsize=4096)
def known_concept(uri: str) -> bool:
    """True when credbridge writes this concept from its own vocabularies (label and scheme).
    (A bounded memo: the vocabularies are fixed, the same concepts come back.)"""
    if uri.startswith(_FIXED):
        return True
    return any(vocab.vocabulary(name).lookup(uri) for name in _VOCABULARIES)


def coded(vocab_name: str, code: str) -> tuple[str | None, str]:
    """(URI, label) of a canonical code; a code that is already a URI is its own URI."""
    voc = vocab.vocabulary(vocab_name)
    found = voc.lookup(code)
    if found is None:
        return (code if ":" in code else None), ""
    return voc.uri(found), voc.label(found)


PROVISIONAL_COUNTRY = vocab.COUNTRY_NAL + "OP_DATPRO"
"""The EU country authority's "Provisional data" concept: the placeholder written when an
organisation has no country (the EC shapes require one; it is reported as defaulted and read
back as no country)."""


def provisional_country() -> dict[str, Any]:
    """The placeholder country concept."""
    return concept(PROVISIONAL_COUNTRY, "Provisional data")


def country(code: str) -> dict[str, Any]:
    """The country concept of an alpha-2 code."""
    voc = vocab.countries()
    return concept(vocab.country_uri(code), voc.label(code))


def language(code: str) -> dict[str, Any]:
    """The language concept of a language code."""
    primary = code.split("-")[0]
    return concept(vocab.language_uri(primary), vocab.languages().label(primary))


def qa_note_lines(values: dict[str, str]) -> str:
    """The labelled lines of a quality-assurance note (``\nDecision: …``), in a fixed order."""
    return labelled_lines(values, QA_NOTE_LABELS)


def parse_qa_note(text: str) -> tuple[str, dict[str, str]]:
    """The text of a quality-assurance note and the fields of its trailing labelled lines."""
    return parse_labelled(text, QA_NOTE_LABELS)
