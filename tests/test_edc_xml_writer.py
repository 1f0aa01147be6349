"""edc-xml writer: XSD 1.2 validity of every output, snapshots (C14N) and round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from credbridge.convert import read, write
from credbridge.model import MicroCredential, build
from credbridge.plugin_manager import get_formats
from credbridge.report import Code, Report
from credbridge.safety import xml_parser
from credbridge.testing import carried_subset
from lxml import etree

SAMPLES = ["EDC_SampleDegree_AA.xml", "EDC_WileECoyote_Simple.xml",
           "credential-generic-contactPoint-choice-OK.xml"]
FIXTURES = ["microcredential.xml", "sealed.xml", "sealed-certificate.xml", "presentation.xml",
            "two-achievements.xml"]


def c14n(data: bytes) -> str:
    """The canonical form (C14N 2.0) of an XML document."""
    root = etree.fromstring(data, xml_parser())
    return etree.canonicalize(etree.tostring(root, encoding="unicode"))


def to_xml(creds: list[MicroCredential], report: Report | None = None) -> list[bytes]:
    """One EDC XML document per document: a credential of its own, or the records of one
    many-claim document written together (docs/design.md §2.1)."""
    from credbridge.documents import same_document

    groups: list[list[MicroCredential]] = []
    for c in creds:
        if groups and same_document(groups[-1][0], c):
            groups[-1].append(c)
        else:
            groups.append([c])
    return [write(g, None, to="edc-xml", report=report) or b"" for g in groups]


def from_xml(data: bytes | Path, report: Report | None = None) -> list[MicroCredential]:
    """The credentials of an EDC XML input."""
    return list(read(data, from_format="edc-xml", report=report))


@pytest.fixture(scope="module")
def problems(shared: Path) -> Any:
    """``problems(xml_bytes)``: XSD 1.2 problems of a document (schema compiled once)."""
    fmt = get_formats().get("edc-xml")
    schemas = shared / "schemas"
    return lambda data: fmt.validate(data, schemas)


def _inputs(shared: Path, fixtures: Path) -> list[Path]:
    return [shared / "samples" / "edc-xml" / s for s in SAMPLES] + \
        [fixtures / "edc-xml" / f for f in FIXTURES]


def test_fixtures_themselves_are_valid(fixtures: Path, problems: Any) -> None:
    for name in FIXTURES:
        assert problems((fixtures / "edc-xml" / name).read_bytes()) == [], name


def test_the_ec_software_variant_fails_xsd_1_2(shared: Path, problems: Any) -> None:
    path = shared / "samples" / "edc-xml" / "credential-generic-contactPoint-choice-OK.xml"
    [problem] = problems(path.read_bytes())
    assert "language" in problem and "availableLanguages" in problem


@pytest.mark.parametrize("name", SAMPLES + FIXTURES)
def test_output_is_valid_and_snapshotted(name: str, shared: Path, fixtures: Path,
                                         problems: Any, snapshot: Any) -> None:
    path = next(p for p in _inputs(shared, fixtures) if p.name == name)
    outputs = to_xml(from_xml(path))
    for out in outputs:
        assert problems(out) == []
    assert [c14n(o) for o in outputs] == snapshot


@pytest.mark.parametrize("name", SAMPLES + FIXTURES)
def test_round_trip_keeps_what_edc_xml_carries(name: str, shared: Path,
                                               fixtures: Path) -> None:
    """EDC XML -> canonical -> EDC XML -> canonical keeps every field edc-xml carries, and a
    second write gives the same document (C14N) as the first."""
    path = next(p for p in _inputs(shared, fixtures) if p.name == name)
    first = from_xml(path)
    xml1 = to_xml(first)
    second = [c for x in xml1 for c in from_xml(x)]
    assert [carried_subset(c, "edc-xml") for c in second] == \
        [carried_subset(c, "edc-xml") for c in first]
    xml2 = to_xml(second)
    assert [c14n(x) for x in xml2] == [c14n(x) for x in xml1]


def test_degree_sample_survives_conversion(shared: Path) -> None:
    [cred] = from_xml(shared / "samples" / "edc-xml" / "EDC_SampleDegree_AA.xml")
    [xml] = to_xml([cred])
    [back] = from_xml(xml)
    assert back.levels is not None and back.levels.eqf == 5
    assert back.workload is not None and str(back.workload.ects) == "120"
    assert back.fields_of_study == ["071", "054"]
    assert back.assessment is not None and back.assessment.grade is not None
    assert back.assessment.grade.value == "excellent (5)"
    assert back.awarding_bodies[0].name == \
        {"en": "Faculty of Civil Engineering, Architecture and Geodesy"}
    assert back.issuer is not None and back.issuer.name == {"en": "University Great"}
    root = etree.fromstring(xml, xml_parser())
    ns = {"e": "http://data.europa.eu/snb"}
    assert root.xpath("string(//e:qualification/e:eqfLevel/@uri)", namespaces=ns) == \
        "http://data.europa.eu/snb/eqf/5"
    assert root.xpath("string(//e:hasECTSCreditPoints)", namespaces=ns) == "120"


def test_seals_are_never_written(fixtures: Path) -> None:
    report = Report()
    creds = from_xml(fixtures / "edc-xml" / "presentation.xml", report)
    assert [p.signer for p in creds[0].proof] == [
        "CN=Energieakademie Beispiel Siegel, O=Energieakademie Beispiel gGmbH, C=DE",
        "CN=Europass Presentation Service (example), C=BE"]
    assert creds[0].proof[0].created is not None
    # both seals are noted for the credential they came with
    assert [m.record for m in report.by_code(Code.NOTE) if m.field == "proof"] == \
        [creds[0].id, creds[0].id]
    [xml] = to_xml(creds, report)
    assert b"Signature" not in xml and b"<proof" not in xml
    assert any(m.field == "proof" for m in report.by_code(Code.DROPPED))


def test_csv_sample_to_edc_xml_is_valid(shared: Path, problems: Any) -> None:
    report = Report()
    creds = list(read(shared / "samples" / "csv" / "microcredentials.csv", report=report))
    assert creds
    for out in to_xml(creds, report):
        assert problems(out) == []
        [back] = from_xml(out)
        assert back.title


GENERATED: list[dict[str, Any]] = [
    {"title": {"en": "Only a title"}},
    {"title": {"und": "Kurs", "de": "Kurs", "ja": "コース"},
     "credential_type": "micro-credential",
     "learner": {"full_name": "No Split", "national_id": {"value": "X1"}},
     "awarding_bodies": [{"name": "Body without anything"}],
     "levels": {"qf_ehea": "first", "isced_level": 6, "sqf": {"level": "4", "sector": "ICT"}},
     "participation": {"setting": "informal", "modes": ["online", "onsite"]},
     "assessment": {"supervision": "supervised-no-id", "types": ["testing"],
                    "grade": {"status": "passed", "scheme": {"name": "Pass/fail", "pass": "P"}}},
     "workload": {"hours": "2.5", "credits": [{"system": "ecvet", "value": "3"}]},
     "stackability": {"standalone": True, "stacks_into": [{"id": "urn:a"}, {"id": "urn:b"}],
                      "parts": [{"id": "urn:p1", "title": "Part one"}]},
     "further_information": {"links": ["ftp://old.example/x", "https://example.org/more"]}},
    {"id": "urn:uuid:1", "title": {"en": "Full levels"}, "issued": "2024-01-31",
     "valid_until": "2030-01-31", "levels": {"eqf": 4},
     # an explicit id that a generated one must not collide with
     "provider": {"id": "urn:epass:org:1", "name": "Provider Ltd", "country": "IE"},
     "awarding_bodies": [{"name": {"en": "Body"}, "country": "IE"}],
     "learning_outcomes": [{"text": {"en": "Do things"}, "skill_type": "transversal"}],
     "quality_assurance": [{"type": "accreditation", "description": {"en": "Accredited"},
                            "register_entry": "https://deqar.eu/x"}]},
]


@pytest.mark.parametrize("data", GENERATED, ids=["minimal", "awkward", "levels"])
def test_generated_credentials_are_valid(data: dict[str, Any], problems: Any) -> None:
    cred = build(data)
    report = Report()
    [xml] = to_xml([cred], report)
    assert problems(xml) == []
    [back] = from_xml(xml)
    assert report.by_code(Code.DEFAULTED)  # required elements filled are reported
    if "und" in cred.title:
        return  # a text of unknown language is written in the primary language (reported)
    exact = {k: v for k, v in carried_subset(cred, "edc-xml").items()
             if get_formats().get("edc-xml").fields.get(k) == "exact"}
    assert {k: carried_subset(back, "edc-xml").get(k) for k in exact} == exact


def test_awkward_credential_reports_its_approximations() -> None:
    cred = build(GENERATED[1])
    report = Report()
    [xml] = to_xml([cred], report)
    [back] = from_xml(xml)
    assert back.levels is not None
    assert (back.levels.qf_ehea, back.levels.isced_level) == ("first", 6)
    assert back.levels.sqf is not None and back.levels.sqf.sector == "ICT"
    assert back.participation is not None and back.participation.setting == "informal"
    assert back.stackability is not None and back.stackability.standalone is True
    details = " ".join(m.detail for m in report.by_code(Code.APPROXIMATED))
    for expected in ("'ja' is not one of the 29", "written as Generic",
                     "no EU concept URI",
                     "min/max/pass"):
        assert expected in details


def test_non_http_concept_uris_are_written() -> None:
    """ELM documents name some concepts by URN (urn:epass:concept:…): @uri takes any URI."""
    cred = build({"title": {"en": "URN concepts"},
                  "assessment": {"types": ["urn:epass:concept:d1ebf223"], "grade": {"value": "A"}},
                  "participation": {"modes": ["urn:example:mode:1"]}})
    [xml] = to_xml([cred])
    [back] = from_xml(xml)
    assert back.assessment is not None and back.assessment.types == ["urn:epass:concept:d1ebf223"]
    assert back.participation is not None and back.participation.modes == ["urn:example:mode:1"]


def test_every_canonical_fixture_of_the_project_writes_valid_edc_xml(
        fixtures: Path, problems: Any) -> None:
    """The canonical fixtures other formats use too (complete, no outcomes, OB3, ELM, DS)."""
    paths = sorted(fixtures.glob("*/*.canonical.json"))
    assert paths
    for path in paths:
        for cred in read(path, from_format="canonical"):
            report = Report()
            [xml] = to_xml([cred], report)
            assert problems(xml) == [], path.name
            assert not report.by_code(Code.INVALID_RECORD)


def test_languages_outside_the_xsd_are_reported_not_fatal(problems: Any) -> None:
    cred = build({"title": {"en": "x", "en-GB": "y", "pt-BR": "z"},
                  "languages": ["und", "en-GB"]})
    report = Report()
    [xml] = to_xml([cred], report)
    assert problems(xml) == []
    [back] = from_xml(xml)
    assert back.title == {"en": "x", "pt": "z"}
    assert back.languages == ["en"]
    details = " ".join(m.detail for m in report.by_code(Code.APPROXIMATED))
    for expected in ("'en-GB' text is left out", "'pt-BR' text is written as 'pt'",
                     "'und' has no EU language concept", "'en-GB' written as 'en'"):
        assert expected in details


ODD_VALUES: list[dict[str, Any]] = [
    {"title": {"en": "x"}, "awarding_bodies": [{"id": "org 1 ä", "name": {"en": "a"},
                                                  "url": "www.example.org", "email": "a@c"}]},
    {"id": "not a uri at all", "title": {"en": "x"}, "learner": {"id": "person #1"}},
    {"title": {"en": "x"}, "learning_outcomes": [
        {"text": {"en": "a"}, "related": ["urn:x:1", "http://a/b"], "esco_skill": "urn:esco:1"}]},
    {"title": {"en": "line1\nline2\ttab"},
     "learner": {"identifiers": [{"value": "a\nb", "scheme": "s\tt"}]}},
    {"title": {"en": "x"}, "provider": {"name": {"en": "p"}, "url": "ftp://x"},
     "issuer": {"name": {"en": "i"}, "region": "Bavaria"}},
    {"title": {"en": "x"}, "workload": {"hours": "0.0001", "ects": "0.5"},
     "issued": "2024-01-01T10:00:00.123456+05:30"},
]


@pytest.mark.parametrize("data", ODD_VALUES)
def test_odd_values_still_give_valid_documents(data: dict[str, Any], problems: Any) -> None:
    report = Report()
    [xml] = to_xml([build(data)], report)
    assert problems(xml) == []
    assert len(from_xml(xml)) == 1


def test_generated_credentials_always_validate(shared: Path) -> None:
    """Hypothesis-generated canonical credentials (the laws' strategy) give XSD 1.2 documents."""
    from credbridge.strategies import micro_credentials
    from hypothesis import given

    fmt = get_formats().get("edc-xml")

    @given(micro_credentials())
    def check(cred: MicroCredential) -> None:
        [xml] = to_xml([cred], Report())
        assert fmt.validate(xml, shared / "schemas") == []

    check()
