"""The project's vocabulary tables agree with the official EU lists in ../shared/vocab:
every code is known, with the same URI, and lookups work both ways."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from credbridge import vocab
from credbridge.errors import VocabularyError
from credbridge.safety import xml_parser
from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"


def rows(shared: Path, name: str) -> list[dict[str, str]]:
    """The rows of one CSV of ../shared/vocab."""
    with open(shared / "vocab" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def enumeration(shared: Path, xsd: str) -> dict[str, str]:
    """URI -> English documentation of the enumeration in one elm_cv XSD."""
    tree = etree.parse(str(shared / "vocab" / "elm_cv" / xsd), xml_parser())
    out = {}
    for e in tree.iter(f"{XS}enumeration"):
        doc = e.find(f"{XS}annotation/{XS}documentation")
        out[e.get("value")] = " ".join((doc.text or "").split()) if doc is not None else ""
    return out


def test_every_isced_f_code(shared: Path) -> None:
    table = rows(shared, "isced_f_2013_from_elm.csv")
    voc = vocab.isced_f()
    assert len(table) == len(voc) == 220
    for row in table:
        code = row["code"]
        assert voc.lookup(code) == code
        assert voc.uri(code) == row["uri"]
        assert voc.lookup(row["uri"]) == code
        assert voc.label(code) == row["label_en"]
        assert vocab.isced_f_code(row["uri"]) == code


def test_every_country_with_an_alpha2(shared: Path) -> None:
    table = [r for r in rows(shared, "eu_country_nal_from_elm.csv") if r["iso3166_alpha2"]]
    assert len(table) > 240
    voc = vocab.countries()
    for row in table:
        alpha2 = row["iso3166_alpha2"]
        assert voc.lookup(alpha2) == alpha2, alpha2
        assert vocab.country_uri(alpha2) == row["uri"], alpha2
        assert vocab.country_code(row["uri"]) == alpha2
        assert vocab.country_code(row["eu_nal_code"]) == alpha2


def test_kosovo_has_no_alpha2_in_the_eu_list_and_is_xk_here(shared: Path) -> None:
    (kosovo,) = [r for r in rows(shared, "eu_country_nal_from_elm.csv")
                 if r["eu_nal_code"] == "1A0"]
    assert kosovo["iso3166_alpha2"] == ""
    assert vocab.country_code(kosovo["uri"]) == "XK"
    assert vocab.country_uri("XK") == kosovo["uri"]


def test_uk_and_el_aliases() -> None:
    assert vocab.country_code("UK") == "GB"
    assert vocab.country_code("EL") == "GR"
    assert vocab.country_uri("GB").endswith("/GBR")
    assert vocab.country_uri("GR").endswith("/GRC")


def test_every_language_with_an_iso639_1(shared: Path) -> None:
    table = [r for r in rows(shared, "eu_language_nal_from_elm.csv") if r["iso639_1"]]
    assert len(table) > 180
    voc = vocab.languages()
    for row in table:
        code = row["iso639_1"]
        assert voc.lookup(code) == code, code
        assert vocab.language_uri(code) == row["uri"], code
        assert vocab.language_code(row["uri"]) == code
        assert vocab.language_code(row["eu_nal_code"]) == code


@pytest.mark.parametrize(
    ("name", "xsd", "size"),
    [
        ("eqf", "eqf.xsd", 8),
        ("mode", "europass-modes.xsd", 6),
        ("setting", "europass-learning-setting-types.xsd", 2),
        ("assessment_type", "europass-learning-assessment-types.xsd", 14),
        ("credential_type", "europass-credential-types.xsd", 5),
        ("credit_system", "credit-points.xsd", 2),
    ],
)
def test_every_elm_enumeration_value_is_known_with_the_same_uri(
    shared: Path, name: str, xsd: str, size: int
) -> None:
    values = enumeration(shared, xsd)
    assert len(values) == size
    voc = vocab.vocabulary(name)
    for uri, label in values.items():
        code = voc.lookup(uri)
        assert code is not None, f"{name}: {uri} ({label}) is not in the table"
        assert voc.uri(code) == uri
        assert voc.normalise(code) == code


def test_isced_f_xsd_agrees(shared: Path) -> None:
    values = enumeration(shared, "isced-f.xsd")
    assert values
    for uri in values:
        assert vocab.isced_f().lookup(uri) is not None, uri


def test_eqf_helper_spellings() -> None:
    assert [vocab.eqf_level(v) for v in (1, "2", "EQF 3", "level 4", "EQF level 5",
                                         "http://data.europa.eu/snb/eqf/6")] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(VocabularyError) as caught:
        vocab.eqf_level("http://data.europa.eu/snb/eqf/9")
    assert caught.value.field == "levels.eqf"


def test_lookups_both_ways_and_labels() -> None:
    mode = vocab.vocabulary("mode")
    assert mode.uri("online") == "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    assert mode.label("onsite") == "Presential"
    assert mode.normalise("Face-to-face") == "onsite"
    assert vocab.vocabulary("supervision").uri("supervised-no-id") is None  # no EU concept
    assert vocab.vocabulary("setting").uri("informal") is None
    assert vocab.language_code("en-gb") == "en-GB"
    assert vocab.language_uri("en-GB").endswith("/ENG")


def test_unknown_values_raise_naming_the_field() -> None:
    with pytest.raises(VocabularyError) as caught:
        vocab.vocabulary("mode").normalise("telepathy")
    assert caught.value.field == "participation.modes"
    assert "telepathy" in caught.value.message
    with pytest.raises(VocabularyError) as caught:
        vocab.country_code("ZZ", field="provider.country")
    assert caught.value.field == "provider.country"
    with pytest.raises(KeyError, match="no vocabulary named"):
        vocab.vocabulary("nope")


def test_every_vocabulary_has_codes_and_uris_are_unique() -> None:
    for name in vocab.vocabulary_names():
        voc = vocab.vocabulary(name)
        assert len(voc) > 0, name
        uris = [c.uri for c in voc if c.uri]
        assert len(uris) == len(set(uris)), name
        for concept in voc:
            assert voc.lookup(concept.code) == concept.code, (name, concept.code)


def test_language_code_memo_answers_as_the_lookup() -> None:
    # the memo of spellings seen: the same code on every call, and an unknown language
    # refused each time with the field of that caller
    for spelling in ("en", " EN ", "eng", "fr_be", "pt-br", "und", "UND",
                     "http://publications.europa.eu/resource/authority/language/DEU"):
        first = vocab.language_code(spelling)
        assert vocab.language_code(spelling) == first == vocab._language_code(spelling, "x")
    for field in ("languages", "title", "languages"):
        with pytest.raises(VocabularyError, match="unknown language 'xx-1'") as err:
            vocab.language_code("xx-1", field=field)
        assert err.value.field == field
