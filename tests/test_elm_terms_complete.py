"""Every term of the official edc-ap 3.2 context is in the project's term table, with the same
IRI and the same coercion (``@id``, a datatype, a language map), so no key an EDC 3 document may
use is reported as "not an EDC 3 term" or dropped.

The official context (../shared/schemas/jsonld-contexts/edc-ap-context_v3.2.jsonld) is read here
only to compare: the converter never reads nor fetches it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from credbridge.plugins.elm.graphs import unknown_keys
from credbridge.plugins.elm.terms import PREFIXES, elm_terms, expand

CONTEXT = "schemas/jsonld-contexts/edc-ap-context_v3.2.jsonld"


@pytest.fixture(scope="module")
def official(shared: Path) -> dict[str, Any]:
    context: dict[str, Any] = json.loads((shared / CONTEXT).read_text("utf-8"))["@context"]
    return context


def _is_prefix(name: str, value: Any) -> bool:
    return isinstance(value, str) and name in PREFIXES


def _expand_official(compact: str, official: dict[str, Any]) -> str:
    prefix, sep, rest = compact.partition(":")
    value = official.get(prefix)
    return value + rest if sep and isinstance(value, str) else compact


def test_the_table_holds_every_term_of_the_edc_ap_context(official: dict[str, Any]) -> None:
    terms = {name for name, value in official.items() if not _is_prefix(name, value)}
    missing = sorted(terms - set(elm_terms()))
    assert not missing, f"{len(missing)} of {len(terms)} edc-ap terms missing: {missing}"
    assert set(elm_terms()) == terms, "the ELM table holds a term edc-ap does not define"
    # 238 terms and 15 prefixes; the "239 terms" counts clv, which the context
    # declares like a prefix but without the trailing slash a prefix needs in JSON-LD 1.1
    assert len(terms) == 238


def test_prefixes_are_the_official_ones(official: dict[str, Any]) -> None:
    for name, value in official.items():
        if _is_prefix(name, value):
            assert PREFIXES[name] == value, name
    undeclared = [n for n, v in official.items() if isinstance(v, str) and not n[0].isupper()
                  and n not in PREFIXES]
    assert not undeclared, undeclared


def test_each_term_has_the_official_iri_and_coercion(official: dict[str, Any]) -> None:
    wrong = []
    for name, term in sorted(elm_terms().items()):
        definition = official[name]
        if isinstance(definition, str):  # a class (or a plain IRI)
            iri, kind = definition, ""
        else:
            iri = definition["@id"]
            kind = "@language" if definition.get("@container") == "@language" else \
                definition.get("@type", "")
        if expand(term.iri) != _expand_official(iri, official) or term.kind != kind:
            wrong.append((name, term.iri, term.kind, iri, kind))
    assert not wrong, wrong


def test_no_edc_ap_key_is_reported_unknown(official: dict[str, Any]) -> None:
    """A document using every term of the context: not one key is "not an EDC 3 term"."""
    node: dict[str, Any] = {name: "x" for name, value in official.items()
                            if not _is_prefix(name, value) and not name[0].isupper()}
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1",
                        "http://data.europa.eu/snb/model/context/edc-ap"],
           "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
           "credentialSubject": {"type": "Person", "hasClaim": [node]}}
    assert unknown_keys(doc) == {}
