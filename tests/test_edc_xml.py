"""edc-xml reader: the EC samples and the project's fixtures read with asserted values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import credbridge
import pytest
from credbridge.convert import detect, read
from credbridge.errors import InputError, UsageError
from credbridge.model import MicroCredential
from credbridge.report import Code, Report


def read_all(path: Path | bytes) -> tuple[list[MicroCredential], Report]:
    """Every credential of an EDC XML input, with the report."""
    report = Report()
    creds = list(read(path, from_format="edc-xml", report=report))
    return creds, report


@pytest.fixture(scope="module")
def samples(shared: Path) -> Path:
    return shared / "samples" / "edc-xml"


@pytest.fixture(scope="module")
def degree(samples: Path) -> tuple[MicroCredential, Report]:
    creds, report = read_all(samples / "EDC_SampleDegree_AA.xml")
    assert len(creds) == 1
    return creds[0], report


def test_detects_the_samples(samples: Path) -> None:
    for path in sorted(samples.glob("*.xml")):
        assert detect(path).name == "edc-xml", path.name


def test_degree_sample_core_values(degree: tuple[MicroCredential, Report]) -> None:
    cred, _ = degree
    assert cred.id == "urn:credential:ab962d58-9ffd-4197-be23-f9448df9c953"
    assert cred.credential_type == "diploma-supplement"
    assert cred.title == {"en": "Graduate University Study of Civil Engineering"}
    assert cred.levels is not None and cred.levels.eqf == 5
    assert [n.uri for n in cred.levels.nqf] == ["http://data.europa.eu/snb/qdr/c_dcc9aca1"]
    assert cred.levels.nqf[0].label == {"en": "CROQF Level 5"}
    assert cred.workload is not None
    assert cred.workload.ects == Decimal("120")
    assert cred.workload.hours == Decimal("1440")
    assert cred.fields_of_study == ["071", "054"]
    assert cred.languages == ["en", "hr", "fr"]
    assert cred.issued == dt.datetime.fromisoformat("2019-09-20T00:00:00+02:00")
    assert cred.valid_until == dt.datetime.fromisoformat("2039-09-20T00:00:00+02:00")
    assert cred.assessed == dt.datetime.fromisoformat("2019-09-20T00:00:00+02:00")


def test_degree_sample_bodies(degree: tuple[MicroCredential, Report]) -> None:
    cred, _ = degree
    [body] = cred.awarding_bodies
    assert body.id == "urn:epass:org:2"
    assert body.name == {"en": "Faculty of Civil Engineering, Architecture and Geodesy"}
    assert body.country == "HR"
    assert body.legal_identifier is not None and body.legal_identifier.value == "HR-12345098765"
    # the issuer (University Great) differs from the awarding body, so it is kept
    assert cred.issuer is not None and cred.issuer.name == {"en": "University Great"}
    assert cred.issuer.url == "https://www.unig.hr/"
    assert cred.provider is not None and cred.provider.id == "urn:epass:org:2"


def test_degree_sample_assessment(degree: tuple[MicroCredential, Report]) -> None:
    cred, _ = degree
    a = cred.assessment
    assert a is not None and a.grade is not None
    assert a.grade.value == "excellent (5)"
    assert a.grade.scheme is not None
    assert a.grade.scheme.name == {"en": "General grading scheme in Croatia"}
    assert a.supervision == "supervised-with-id"
    assert a.types == ["written-exam", "continuous-evaluation", "oral-exam", "attendance", "quiz"]
    assert [o.id for o in a.assessors] == ["urn:epass:org:2"]


def test_degree_sample_outcomes_and_more(degree: tuple[MicroCredential, Report]) -> None:
    cred, _ = degree
    assert len(cred.learning_outcomes) == 6
    first = cred.learning_outcomes[0]
    assert first.text == {"en": "LO1 related to applied mathematics"}
    assert first.code == "LOID-73a"
    assert first.skill_type == "knowledge"
    assert first.esco_skill == \
        "http://data.europa.eu/esco/skill/db77825e-0f3e-47d0-abdb-356794484272"
    assert cred.participation is not None
    assert cred.participation.modes == ["onsite"]
    # the sample's learning-setting URI has a trailing space: read as formal anyway
    assert cred.participation.setting == "formal"
    assert "minimum educational requirement" in cred.access_requirements["en"]
    assert cred.stackability is not None
    assert cred.stackability.partial_qualification is False
    assert [p.title["en"] for p in cred.parts][:2] == \
        ["Applied mathematics", "Concrete structures I"]  # the sub-achievements (hasPart)
    assert cred.learner is not None
    assert (cred.learner.given_name, cred.learner.family_name) == ("Ana", "Andromeda")
    assert cred.learner.national_id is not None and cred.learner.national_id.country == "IT"
    assert cred.learner.birth_date == dt.date(1992, 10, 2)
    assert cred.learner.email == "sample.email@sample.email.com"
    assert cred.extensions["edc-xml:credit_points"] == ["240"]


def test_degree_sample_reports_what_it_ignores(degree: tuple[MicroCredential, Report]) -> None:
    _, report = degree
    ignored = " ".join(m.detail for m in report.by_code(Code.IGNORED_INPUT))
    for path in ("credentialSubject/gender", "displayParameters",
                 "entitlementSpecificationReferences/entitlementSpecification",
                 "agentReferences/organization/logo"):
        assert path in ignored
    assert not report.by_code(Code.INVALID_VALUE)


def test_wile_coyote_without_achievement(samples: Path) -> None:
    [cred], report = read_all(samples / "EDC_WileECoyote_Simple.xml")
    assert cred.title == {"en": "Sample credential"}
    [body] = cred.awarding_bodies
    assert body.name == {"en": "Acme Corporation"}
    assert body.country == "AD"
    assert body.legal_identifier is not None and body.legal_identifier.value == "WB-000001"
    assert cred.issuer is None
    assert cred.learner is not None and cred.learner.citizenship == ["US"]
    assert cred.learner.email == "Wile.coyote@acme.cat"
    assert cred.issued == dt.datetime.fromisoformat("2022-03-01T00:00:00+01:00")
    assert cred.extensions["edc-xml:sealed"] == "2022-02-02T14:15:15+01:00"
    assert cred.proof == []  # <proof></proof> is empty
    notes = " ".join(m.detail for m in report.by_code(Code.NOTE))
    assert "issuer is taken as the awarding body" in notes


def test_ec_software_variant_language_language(samples: Path) -> None:
    """Written by EC software: <language><language> instead of availableLanguages."""
    [cred], report = read_all(samples / "credential-generic-contactPoint-choice-OK.xml")
    assert cred.title == {"en": "Simle Accredited Cred"}
    [body] = cred.awarding_bodies
    assert body.legal_identifier is not None
    assert (body.legal_identifier.value, body.legal_identifier.country) == \
        ("VATES-B00000000", "ES")
    assert body.country == "ES"
    assert cred.learner is not None and cred.learner.full_name == "Enric Sayos"
    ignored = " ".join(m.detail for m in report.by_code(Code.IGNORED_INPUT))
    assert "credentialSubject/contactPoint" in ignored  # a wallet and a web resource
    assert "/language" not in ignored  # the variant is understood, not ignored


def test_fixture_microcredential(fixtures: Path) -> None:
    [cred], report = read_all(fixtures / "edc-xml" / "microcredential.xml")
    assert cred.title["fr"] == "Culture des données pour l'administration publique"
    assert cred.workload is not None and cred.workload.ects == Decimal(5)
    assert cred.workload.hours == Decimal(125)
    assert cred.levels is not None and cred.levels.eqf == 6
    assert cred.fields_of_study == ["0413", "0542"]
    assert cred.participation is not None and cred.participation.setting == "non-formal"
    assert cred.participation.modes == ["blended"]
    assert cred.assessment is not None and cred.assessment.types == ["written-exam", "portfolio"]
    assert cred.learning_outcomes[0].esco_skill is not None
    assert cred.quality_assurance[0].description["en"].startswith("Internal quality")
    assert cred.stackability is not None
    assert [r.id for r in cred.stackability.stacks_into] == \
        ["urn:epass:learningSpecification:mdp"]
    assert cred.extensions["edc-xml:sealed"] == "2024-07-01T08:12:00Z"
    assert not report.by_code(Code.IGNORED_INPUT, Code.INVALID_VALUE)


def test_two_achievements_and_a_dangling_reference(fixtures: Path) -> None:
    creds, report = read_all(fixtures / "edc-xml" / "two-achievements.xml")
    assert [c.title for c in creds] == [{"es": "Economía circular"}, {"es": "Huella de carbono"}]
    assert [c.workload.ects for c in creds if c.workload] == [Decimal(2), Decimal("1.5")]
    assert creds[0].id == "urn:epass:learningAchievement:A"  # the achievement's own id
    assert creds[1].document is not None and (creds[1].document.position,
                                              creds[1].document.count) == (2, 2)
    assert creds[1].document.id == "urn:credential:2b1d7c3e-8f4a-4b6c-9d0e-1f2a3b4c5d6e"
    assert creds[0].awarding_bodies[0].country == "ES"  # URI with stray spaces
    assert creds[1].learning_outcomes == []
    [dangling] = report.by_code(Code.INVALID_VALUE)
    assert "urn:epass:learningOutcome:99" in dangling.detail and "line 50" in dangling.detail


@pytest.mark.parametrize("data, message", [
    (b"<europassCredential xmlns='http://data.europa.eu/snb'>", "not well-formed XML"),
    (b"<other xmlns='urn:x'/>", "not europassCredential"),
    (b"<vp:verifiablePresentation xmlns:vp='http://data.europa.eu/snb/vp'/>",
     "holds no europassCredential"),
])
def test_bad_documents_are_input_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_all(data)


def test_entities_and_doctypes_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            '<europassCredential xmlns="http://data.europa.eu/snb" '
            'xmlns:cred="http://data.europa.eu/europass/model/credentials/w3c#" '
            'cred:id="urn:x"><title><text lang="en" content-type="text/plain">&xxe;</text>'
            '</title></europassCredential>').encode()
    with pytest.raises(InputError, match="DOCTYPE") as info:
        read_all(data)
    assert "TOP SECRET" not in str(info.value)


BAD_VALUES = b"""<europassCredential xmlns="http://data.europa.eu/snb"
 xmlns:cred="http://data.europa.eu/europass/model/credentials/w3c#" cred:id="urn:x">
  <cred:validFrom>yesterday</cred:validFrom>
  <cred:issuer idref="urn:nowhere"/>
  <title><text lang="en" content-type="text/plain">Bad but readable</text></title>
  <credentialSubject id="urn:p">
    <givenNames><text lang="en" content-type="text/plain">A</text></givenNames>
    <familyName><text lang="xx" content-type="text/plain">B</text></familyName>
    <dateOfBirth>1990-13-45</dateOfBirth>
    <achievements><learningAchievement id="urn:a"><title/><specifiedBy idref="urn:q"/>
    </learningAchievement></achievements>
  </credentialSubject>
  <learningSpecificationReferences><qualification id="urn:q"><title/>
    <hasECTSCreditPoints>five</hasECTSCreditPoints>
    <hasCreditPoints schemeID="ECTS points">3</hasCreditPoints>
    <eqfLevel targetFrameworkUrl="http://data.europa.eu/snb/eqf/25831c2"
              uri="http://data.europa.eu/snb/eqf/9"><targetName/></eqfLevel>
  </qualification></learningSpecificationReferences>
</europassCredential>"""


def test_bad_values_are_left_out_not_the_credential() -> None:
    [cred], report = read_all(BAD_VALUES)
    assert cred.title == {"en": "Bad but readable"}
    assert cred.learner is not None and cred.learner.family_name == "B"
    assert cred.learner.birth_date is None and cred.levels is None and cred.workload is None
    fields = {m.field for m in report.by_code(Code.INVALID_VALUE)}
    assert {"issued", "learner.birth_date", "levels.eqf", "workload.ects",
            "workload.credits[0].system"} <= fields
    assert any("urn:nowhere" in m.detail for m in report.by_code(Code.INVALID_VALUE))
    assert not report.by_code(Code.INVALID_RECORD)
    # a value the model refuses is reported for the credential being built
    assert {m.record for m in report.by_code(Code.INVALID_VALUE)
            if m.field in ("levels.eqf", "learner.birth_date")} == {"urn:x"}


def test_unknown_option_is_a_usage_error_naming_the_format(fixtures: Path) -> None:
    with pytest.raises(UsageError, match="format edc-xml has no option 'nope'"):
        credbridge.convert(fixtures / "edc-xml" / "microcredential.xml", to="edc-xml",
                           from_format="edc-xml", options={"edc-xml": {"nope": 1}})


@pytest.mark.parametrize("head, expected", [
    (b'<?xml version="1.0"?>\n<!-- c -->\n<europassCredential xmlns="http://data.europa.eu/snb">',
     True),
    (b"<vp:verifiablePresentation xmlns:vp='http://data.europa.eu/snb/vp'>", True),
    (b'<europassCredential xmlns="urn:other">', False),
    (b'<rdf:RDF xmlns:elm="http://data.europa.eu/snb/model/elm/"><elm:europassCredential/>',
     False),
    (b'<elmo xmlns="https://github.com/emrex-eu/elmo-schemas/tree/v1">', False),
    (b"\xff\xfe garbage", False),
])
def test_sniff(head: bytes, expected: bool) -> None:
    from credbridge.plugin_manager import get_formats

    assert get_formats().get("edc-xml").sniff(head) is expected


# --- issue 16: quality assurance (built from the shared corpus and samples) ---------------------


def _edc_files(shared: Path) -> list[Path]:
    return sorted([*(shared / "samples" / "edc-xml").glob("*.xml"),
                   *(shared / "corpus" / "edc-xml").glob("*.xml")])


def test_awarding_body_accreditation_is_quality_assurance(shared: Path) -> None:
    # organization/hasAccreditation of the awarding body (an institutional QA) is the
    # credential's quality assurance, not only an opaque id on the organisation
    from lxml import etree

    ns = {"e": "http://data.europa.eu/snb"}
    found = 0
    for path in _edc_files(shared):
        root = etree.parse(str(path)).getroot()
        bodies = {ref.get("idref") for ref in root.iterfind(".//e:awardingBody", ns)}
        accredited = {org.get("id"): [r.get("idref")
                                      for r in org.iterfind("e:hasAccreditation", ns)]
                      for org in root.iterfind(".//e:organization", ns)
                      if org.get("id") in bodies
                      and org.find("e:hasAccreditation", ns) is not None}
        if not accredited:
            continue
        found += 1
        for cred in read(path, from_format="edc-xml"):
            types = {qa.type for qa in cred.quality_assurance}
            for ids in accredited.values():
                for acc_id in ids:
                    acc = root.find(f".//e:accreditation[@id='{acc_id}']", ns)
                    assert acc is not None
                    assert acc.find("e:type", ns).get("uri") in types, path.name
    assert found, "no shared EDC XML file whose awarding body is accredited"


@pytest.mark.parametrize("target", ["elm", "edc-xml"])
def test_quality_assurance_fields_survive_a_note(shared: Path, target: str) -> None:
    # QA without a type concept or body (eduCredentials) is a note in ELM / EDC XML: its
    # decision (and the other fields) come back
    checked = 0
    for path in sorted((shared / "samples" / "ob3").glob("educredentials-*.json")):
        (cred,) = read(path)
        if not any(qa.decision for qa in cred.quality_assurance):
            continue
        out = credbridge.convert(path, to=target).output
        assert isinstance(out, bytes)
        (back,) = read(__import__("io").BytesIO(out), from_format=target)
        before = [(qa.decision, qa.register_entry, qa.valid_until) for qa in cred.quality_assurance]
        after = [(qa.decision, qa.register_entry, qa.valid_until) for qa in back.quality_assurance]
        assert after == before
        assert [list(qa.description.values()) for qa in back.quality_assurance] == \
            [list(qa.description.values()) for qa in cred.quality_assurance]
        checked += 1
    assert checked, "no eduCredentials sample with a QA decision"


def test_xml_layout_is_not_read_as_text(shared: Path) -> None:
    # a pretty-printed document wraps and indents long texts: the indentation is layout, not
    # text (it spread into every other format); a line break of the author's is kept
    from credbridge.plugins.edc_xml.read_values import layout_text

    indented = 0
    for path in _edc_files(shared):
        try:
            creds = list(read(path, from_format="edc-xml"))
        except (InputError, UsageError):
            continue
        for cred in creds:
            for text in _strings(cred.to_json_dict()):
                assert "\n " not in text and "\n\t" not in text, (path.name, text[:80])
        indented += b"\n                    " in path.read_bytes()
    assert indented
    assert layout_text("\n   a b and\n      c d\n  ") == "a b and c d"
    assert layout_text("one\ntwo\n\nthree") == "one\ntwo\n\nthree"


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []
