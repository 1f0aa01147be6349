"""The XML families of ../shared/corpus (issue 17): ELMO before 1.0, in no namespace or inside an
EWP ToR response; EDC XML in no namespace and in presentations; zero values; zoned xsd:dates;
CSVs of other layouts. Each cause is asserted on the corpus files that show it, and on small
documents of the same class (build for the family, not for the file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from credbridge.convert import detect, read
from credbridge.errors import InputError
from credbridge.report import Code, Report

XML_FAMILIES = ("elmo", "edc-xml")


def corpus(shared: Path, family: str) -> list[Path]:
    """The corpus files of a family folder (skips when the corpus is absent)."""
    folder = shared / "corpus" / family
    if not folder.is_dir():
        pytest.skip(f"no corpus/{family} in the shared data")
    return sorted(folder.glob("*.xml"))


REFUSED = {
    # file name fragment -> what the one-line refusal says the document is
    "jbossas_elmotest-short": "no learning opportunity",
    "signedSampleXML-LT": "only an XML signature",
    "credential-withSubCred": "not a credential",
}
"""Corpus documents that hold no credential: refused in one line naming what they are."""


@pytest.mark.parametrize("family", XML_FAMILIES)
def test_every_corpus_document_reads_or_is_refused_saying_what_it_is(
        shared: Path, family: str) -> None:
    for path in corpus(shared, family):
        assert detect(path).name == family, path.name
        why = next((w for k, w in REFUSED.items() if k in path.name), None)
        report = Report()
        if why is None:
            creds = list(read(path, report=report))
            assert creds, path.name
            assert report.records_failed == 0, (path.name, [str(m) for m in report.errors])
        else:
            with pytest.raises(InputError, match=why) as err:
                list(read(path, report=report))
            assert "\n" not in str(err.value), path.name


@pytest.mark.parametrize("name, step", [
    ("fi-emrex--resources_Example-elmo-Finland.xml", "pre-1.0 namespace"),
    ("emp-mockup--conf_elmo_example.xml", "pre-1.0 namespace"),
    ("dk-emrex--resources_Example-elmo-Denmark-2.xml", "no namespace"),
    ("ewp-specs-api-imobility-tors--endpoints_get-response-example.xml", "EWP"),
])
def test_old_and_wrapped_elmo_is_read_through_named_upgrade_steps(
        shared: Path, name: str, step: str) -> None:
    path = shared / "corpus" / "elmo" / name
    if not path.is_file():
        pytest.skip(f"no corpus/elmo/{name}")
    report = Report()
    creds = list(read(path, report=report))
    assert creds and all(c.title for c in creds)
    assert any(step in m.detail for m in report.by_code(Code.UPGRADED))


PRE_1 = b"""<?xml version="1.0"?>
<elmo xmlns="http://purl.org/net/elmo"><report>
 <learner><identifier type="nationality">FI</identifier>
  <givenNames>Ada</givenNames><familyName>L</familyName>
  <bday dtf="dd.MM.yyyy">02.03.1990</bday></learner>
 <issuer><title xml:lang="en">Uni</title>
  <identifier type="url">www.uni.example</identifier></issuer>
 <learningOpportunitySpecification><title xml:lang="en">Course</title>
  <credit><scheme>ECTS</scheme><value>0</value></credit><level>MASTER</level>
  <specifies><learningOpportunityInstance><date>2014-11-28+02:00</date>
   <result>5</result></learningOpportunityInstance></specifies>
 </learningOpportunitySpecification></report></elmo>"""


def test_a_pre_1_0_elmo_document_of_the_class() -> None:
    report = Report()
    (cred,) = read(PRE_1, report=report)
    assert detect(PRE_1).name == "elmo"
    assert cred.learner is not None and str(cred.learner.birth_date) == "1990-03-02"
    assert cred.workload is not None and cred.workload.ects == 0  # 0 is a value
    assert str(cred.assessed) == "2014-11-28"  # the zoned date, no time invented
    assert cred.assessment is not None and cred.assessment.grade is not None
    assert cred.assessment.grade.value == "5"
    assert cred.awarding_bodies[0].url == "www.uni.example"
    assert cred.levels is not None and cred.levels.qf_ehea == "second"
    assert cred.learner.citizenship == ["FI"]
    (step,) = report.by_code(Code.UPGRADED)
    for name in ("namespace", "learner", "@dtf", "credit", "resultLabel", "url", "MASTER",
                 "citizenship"):
        assert name in step.detail


def test_elmo_in_no_namespace_and_a_foreign_one() -> None:
    plain = PRE_1.replace(b' xmlns="http://purl.org/net/elmo"', b"")
    assert detect(plain).name == "elmo"
    assert len(list(read(plain))) == 1
    foreign = PRE_1.replace(b"http://purl.org/net/elmo", b"urn:example:other")
    assert detect(foreign).name == "elmo"  # the family, never "cannot tell the format"
    with pytest.raises(InputError, match="urn:example:other"):
        list(read(foreign, from_format="elmo"))


def test_from_elmo_names_the_namespace_it_saw() -> None:
    doc = b'<europassCredential xmlns="http://data.europa.eu/snb"/>'
    with pytest.raises(InputError, match=r"http://data\.europa\.eu/snb"):
        list(read(doc, from_format="elmo"))


EWP = b"""<imobility-tors-get-response xmlns="https://github.com/erasmus-without-paper/x">
<tor><omobility-id>1</omobility-id>""" + PRE_1.split(b"?>", 1)[1] + \
    b"</tor></imobility-tors-get-response>"


def test_elmo_inside_an_ewp_tor_response() -> None:
    assert detect(EWP).name == "elmo"
    (cred,) = read(EWP)
    assert cred.title == {"en": "Course"}


def test_edc_xml_presented_credential(shared: Path) -> None:
    name = "edci--signCredential_europass_credential_xml_example.xml"
    path = shared / "corpus" / "edc-xml" / name
    if not path.is_file():
        pytest.skip("no corpus presentation with vp:presentedCredential")
    (cred,) = read(path)
    assert cred.id and cred.title and cred.learner and cred.awarding_bodies


PRERELEASE = b"""<?xml version="1.0"?><europassCredential>
<expirationDate>2020-11-15T00:00:00+01:00</expirationDate>
<issuanceDate>2019-10-15T00:00:00+02:00</issuanceDate>
<uuid>82e4d1b8-21db-4cd5-936f-d400041b5b18</uuid>
<issuer><organization><id>urn:agent:2</id><preferredName>Institut</preferredName></organization></issuer>
<title lang="en_GB">Technician</title>
<credentialSubject><givenNames>E</givenNames><familyName>S</familyName>
<dateOfBirth>1992-08-26T00:00:00+02:00</dateOfBirth><achievements>
<learningAward id="x/ach1"><title>Web developer</title>
<hasPart id="x/ach2"><title>Practice</title></hasPart></learningAward></achievements>
<activities><activity id="x/act1"><title>PHP</title></activity></activities></credentialSubject>
</europassCredential>"""


def test_edc_xml_in_no_namespace_is_the_pre_release_model() -> None:
    assert detect(PRERELEASE).name == "edc-xml"
    report = Report()
    (cred,) = read(PRERELEASE, report=report)
    assert cred.title == {"en-GB": "Technician"}
    assert cred.awarding_bodies[0].id == "urn:agent:2"
    assert cred.learner is not None and str(cred.learner.birth_date) == "1992-08-26"
    assert [(p.id, p.part_of, p.title) for p in cred.parts] == [
        ("x/ach1", None, {"und": "Web developer"}), ("x/ach2", "x/ach1", {"und": "Practice"})]
    assert any("activities" in m.detail for m in report.by_code(Code.IGNORED_INPUT))
    with pytest.raises(InputError, match="not a credential"):
        list(read(b"<europassCredential><proof/></europassCredential>", from_format="edc-xml"))


def test_edc_xml_zero_credit_points_are_a_value(shared: Path) -> None:
    path = shared / "samples" / "edc-xml" / "EDC_SampleDegree_AA.xml"
    data = path.read_bytes()
    if b"<hasECTSCreditPoints>" not in data:
        pytest.skip("the sample has no ECTS credit points")
    import re

    zero = re.sub(rb"<hasECTSCreditPoints>[^<]*<", b"<hasECTSCreditPoints>0<", data)
    report = Report()
    creds = list(read(zero, report=report))
    assert any(c.workload is not None and c.workload.ects == 0 for c in creds)
    assert not [m for m in report.by_code(Code.INVALID_VALUE) if m.field == "workload.ects"]


@pytest.mark.parametrize("name, seen", [
    ("edubadges-server--static_sample_direct_award.csv", "semicolon-separated"),
    ("LearnCard--catalog_ce_pathway_export.csv", "Row Type"),
])
def test_csv_of_another_layout_is_refused_naming_what_it_saw(
        shared: Path, name: str, seen: str) -> None:
    path = shared / "corpus" / "csv" / name
    if not path.is_file():
        pytest.skip(f"no corpus/csv/{name}")
    with pytest.raises(InputError, match=seen) as err:
        list(read(path, from_format="csv"))
    assert "--columns" in str(err.value) and "\n" not in str(err.value)


def test_pre_1_0_reports_naming_another_learner_are_said() -> None:
    other = b"<report><learner><givenNames>Bob</givenNames></learner>" \
        b"<learningOpportunitySpecification><title>T</title>" \
        b"</learningOpportunitySpecification></report></elmo>"
    report = Report()
    creds = list(read(PRE_1.replace(b"</report></elmo>", b"</report>" + other), report=report))
    assert len(creds) == 2
    assert any(m.field == "learner" and "another learner" in m.detail
               for m in report.by_code(Code.IGNORED_INPUT))


def test_an_id_shared_by_an_organisation_and_a_specification_resolves_by_kind(
        shared: Path) -> None:
    """EC test data gives ``urn:epass:org:1`` to an organisation and to an activity
    specification: the issuer reference finds the organisation (it found the specification,
    and issuer and awarding body were lost with exit 0), and the sharing is said (issue 17)."""
    report = Report()
    creds = list(read(shared / "corpus/edc-xml/edci--diploma_diploma_credential.xml",
                      report=report))
    assert creds and all(c.issuer is not None for c in creds)
    assert {c.issuer.name.get("en") for c in creds if c.issuer} == {
        "The Awesome University of Psychology"}
    assert all(c.awarding_bodies for c in creds)
    said = [m.detail for m in report.messages if "is also given to" in m.detail]
    assert said and "<learningActivitySpecification>" in said[0] and "<organization>" in said[0]
