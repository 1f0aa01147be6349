"""The ELM families of ../shared (samples and corpus/elm) read, each through its upgrade step
(issue 17 causes 1, 4, 8, 9, 11, 12; the remaining gap of issue 15)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from credbridge import read
from credbridge.errors import CredbridgeError
from credbridge.formats import GENERIC, OWN_TYPE
from credbridge.model import MicroCredential
from credbridge.plugin_manager import get_formats
from credbridge.report import Code, Report

MALFORMED = {
    # a missing ':' (line 99): not JSON, refused with one line saying so
    "educational-pilot--EUUSC_euusc-uppersecondary-certificate-john-doe.json": "invalid JSON",
    # DC4EU professional-qualification attestations that award nothing to a learner
    "educational-pilot--examples_AccreditationMedicalTraining_SEAFORMEC.json":
        "an accreditation of a training",
    "educational-pilot--examples_ContinuousProfessionalDevelopment.json":
        "a professional's entitlement",
}
"""Documents refused, with the words their one-line refusal says."""


def _elm_files(shared: Path) -> list[Path]:
    return sorted([*(shared / "samples" / "elm").iterdir(), *(shared / "corpus" / "elm").iterdir()])


def _read(data: bytes, fmt: str | None = "elm") -> tuple[list[MicroCredential], Report]:
    report = Report()
    return list(read(io.BytesIO(data), from_format=fmt, report=report)), report


def _upgrades(report: Report) -> list[str]:
    return [m.detail for m in report.messages if m.code == Code.UPGRADED]


def _corpus(shared: Path, name: str) -> bytes:
    return (shared / "corpus" / "elm" / name).read_bytes()


def _cases(shared: Path) -> Iterator[tuple[Path, str]]:
    for path in _elm_files(shared):
        yield path, MALFORMED.get(path.name, "")


def test_every_well_formed_elm_document_of_the_shared_data_reads(shared: Path) -> None:
    """Every ELM document of ../shared reads (detected by content, not named); a malformed
    one is refused with one line saying what is wrong, never 'cannot tell the format'."""
    read_count, failures = 0, []
    for path, refusal in _cases(shared):
        data = path.read_bytes()
        try:
            creds, report = _read(data, None)
        except CredbridgeError as exc:
            if refusal and refusal in exc.message and "\n" not in exc.message:
                continue
            failures.append((path.name, exc.message[:200]))
            continue
        if refusal or not creds or report.records_failed:
            failures.append((path.name, f"{len(creds)} read, {report.records_failed} failed"))
            continue
        read_count += 1
    assert not failures, failures
    assert read_count >= 38


def test_dc4eu_ec_credentials_v1_reads_through_its_upgrade_step(shared: Path) -> None:
    """Cause 1: the DC4EU EDC-like context; concepts given by notation get their IRI."""
    (cred,), report = _read(_corpus(
        shared, "educational-pilot--EUHEMC_euhe-microcredential-example-john-doe.json"))
    assert any("ec-credentials-v1" in d for d in _upgrades(report))
    assert cred.title == {"en": "Microcredential in Digital Skills"}
    assert cred.learner.given_name == "John" and cred.learner.family_name == "Doe"
    body = cred.awarding_bodies[0]
    assert body.name == {"en": "University of Example"}
    assert body.legal_identifier is not None and body.legal_identifier.country == "ES"
    assert cred.workload is not None and str(cred.workload.ects) == "5"
    assert cred.levels is not None and cred.levels.eqf == 5
    assert str(cred.issued) == "2025-05-30"


def test_dc4eu_signed_eaa_with_a_status_list_2021_context_reads(shared: Path) -> None:
    creds, _ = _read(_corpus(
        shared, "educational-pilot--EUVETMC_euvet-microcredential-signed-john-doe.json"))
    assert len(creds) == 1 and creds[0].title


@pytest.mark.parametrize("name", [
    "edci--jsonld_cred1.jsonld", "edci--jsonld_regularCred.jsonld",
    "edci--release-2.2.2-alpha_accreditation_accredited_credential.jsonld",
])
def test_edci_pre_release_contexts_are_upgraded_to_edc_ap_3_2(shared: Path, name: str) -> None:
    """Cause 4: the dev.everisdx.io contexts; the step is reported by name."""
    creds, report = _read(_corpus(shared, name))
    assert creds and any("edci-pre-release" in d for d in _upgrades(report))
    assert all(c.learner.given_name for c in creds)


def test_pre_release_terms_take_their_edc_ap_names(shared: Path) -> None:
    """The minimal pre-release context's ``name`` of an Organisation is its legal name."""
    (cred,), _ = _read(_corpus(shared, "edci--jsonld_cred1.jsonld"))
    assert cred.issuer is not None and "name" in cred.issuer.name.values()
    assert cred.learner.family_name == "Power"


def test_uploadable_json_and_its_wrapper_read_as_the_inner_credential(shared: Path) -> None:
    """Cause 11: no @context (EC issuer 'uploadable'), and the {"credential": ...} wrapper."""
    name = "ecelm--JSON-LD_Examples_ELM_v3__Sample-CertOfPart-unsigned-uploadable.json"
    wrapped, report = _read(_corpus(shared, name))
    assert wrapped and [d.split()[5] for d in _upgrades(report)] == ["uploadable-wrapper"]
    bare, report = _read(json.dumps(json.loads(_corpus(shared, name))["credential"]).encode())
    assert [c.to_json_dict() for c in wrapped] == [c.to_json_dict() for c in bare]
    assert not _upgrades(report)  # the inner object is edc-ap 3.2 JSON-LD itself
    # a wrapper whose inner object has no @context either, and delivery details beside it
    wrapper = _corpus(shared, "dc-bootcamp--01_separated_AA-Annex1-MC-unsigned-PROD.json")
    creds, report = _read(wrapper, None)
    assert creds and creds[0].title
    assert [d.split()[5] for d in _upgrades(report)] == ["uploadable-wrapper", "uploadable"]
    assert any("'deliveryDetails'" in m.detail for m in report.messages
               if m.code == Code.IGNORED_INPUT)


def test_a_credit_of_zero_never_rejects_the_record(shared: Path) -> None:
    """Cause 12: ECTS 0 (EBSI ``creditPoint: "0"``) is a value, not a failed record."""
    doc = json.loads((shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld").read_bytes())
    zeroed = _zero_points(doc)
    assert zeroed != doc
    creds, report = _read(json.dumps(zeroed).encode())
    assert len(creds) == 1 and not report.records_failed
    assert creds[0].workload is not None and str(creds[0].workload.ects) == "0"


def _zero_points(node: object) -> object:
    if isinstance(node, dict):
        return {k: ("0" if k == "point" else _zero_points(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_zero_points(v) for v in node]
    return node


def test_a_country_that_is_not_one_is_reported_never_a_refused_record(shared: Path) -> None:
    """A country under the language authority (…/language/USA) is read as the country its
    code names; a local concept is no country: both reported, the record reads."""
    (cred,), report = _read(_corpus(shared, "credential-converter--test_ELM_export_example.json"))
    assert cred.awarding_bodies[0].country == "US"
    assert any(m.code == Code.APPROXIMATED and "not a country concept" in m.detail
               for m in report.messages)
    creds, report = _read(_corpus(shared, "credentials--examples_edc-matriculation-example.json"))
    assert creds and any(m.code == Code.INVALID_VALUE and m.field == "learner.citizenship"
                         for m in report.messages)


def test_the_declared_type_decides_between_elm_and_ob3(shared: Path) -> None:
    """Cause 9: an OB 3.0 type wins over the edc-ap context; an EDC type is ELM's own; an
    EDC context alone names the family."""
    sniff = get_formats().get("elm").sniff
    ob = _shared_json(shared / "corpus" / "ob3" / "credential-converter--jsontest.json")
    assert sniff(ob) == GENERIC
    merged = _shared_json(shared / "corpus" / "ob3" / "dc-bootcamp--02_merged_MC_raw.json")
    assert sniff(merged) == GENERIC
    sample = (shared / "samples" / "elm" / "credential-sample_v3.2.jsonld").read_bytes()
    assert sniff(sample[:262_144]) == OWN_TYPE
    context_only = json.dumps({"@context": ["http://data.europa.eu/snb/model/context/edc-ap"],
                               "id": "urn:x"}).encode()
    assert sniff(context_only) == GENERIC
    wrapper = _corpus(shared, "dc-bootcamp--01_separated_AA-Annex1-MC-unsigned-PROD.json")
    assert sniff(wrapper[:262_144]) == OWN_TYPE


def _shared_json(path: Path) -> bytes:
    return path.read_bytes()[:262_144]


def test_dc4eu_professional_training_certificate_reads_as_an_achievement(shared: Path) -> None:
    """Cause 8: the eaa-rulebook shape; what has no EDC 3 place is listed, not lost."""
    (cred,), report = _read(_corpus(
        shared, "educational-pilot--examples_ProfessionalTrainingCertificate.json"), None)
    assert any("dc4eu-professional-rulebook" in d for d in _upgrades(report))
    assert cred.title == {"und": "BQM - Relación médico-paciente"}
    assert cred.learner.given_name == "John"
    assert cred.awarding_bodies[0].name["es"].startswith("Fundación")
    assert cred.levels is not None and cred.levels.eqf == 8
    assert len(cred.learning_outcomes) == 2
    assert cred.workload is not None and str(cred.workload.hours) == "10"
    ignored = {m.detail.split("'")[1] for m in report.messages if m.code == Code.IGNORED_INPUT}
    assert "credentialSubject.qualification.trainingDuration.startDate" in ignored


def test_ebsi_2020_europass_attestation_reads(shared: Path) -> None:
    """Cause 8: EBSI 2020 VerifiableAttestation (the EDC XML of 2020 as JSON)."""
    (cred,), report = _read(_corpus(
        shared, "ecelm--EBSI-JSON-Serial_JSON_Examples_VerifiableAttestation-Europass.json"), None)
    assert any("ebsi-2020-europass" in d for d in _upgrades(report))
    assert cred.title == {"en": "Degree in Biology"}
    assert cred.learner.given_name == "Lea" and cred.learner.family_name == "Skywalker"
    assert cred.levels is not None and cred.levels.eqf == 7
    assert not cred.awarding_bodies  # the source names none: none is invented


def test_dc4eu_transcript_course_results_are_the_achievements_parts(shared: Path) -> None:
    """ELM 2 ``wasDerivedFrom`` course results (title, ECTS, grade) of a DC4EU transcript are
    part achievements; their dates, which a part has no place for, are listed."""
    (cred,), report = _read(_corpus(
        shared, "educational-pilot--EUHETOR_euhetor-highereducation-transcriptofrecordst-"
        "signed-john-doe.json"))
    titles = {p.title["en"] for p in cred.parts if p.title}
    assert titles == {"Operating Systems", "Algorithms and Data Structures"}
    assert all(p.workload is not None and str(p.workload.ects) == "6" for p in cred.parts)
    assert all(p.assessment is not None and p.assessment.grade for p in cred.parts)
    assert any(".temporal'" in m.detail for m in report.messages
               if m.code == Code.IGNORED_INPUT)


# contexts credbridge does not know beside edc-ap (DC4EU/EBSI pilots name the W3C examples
# context or a schema URL as a context): left out and said, never fetched

EXTRA = ["https://www.w3.org/2018/credentials/examples/v1",
         "https://api-pilot.ebsi.eu/trusted-schemas-registry/v3/schemas/sample-certificate"]


def _with_contexts(shared: Path, extra: list[str]) -> dict[str, object]:
    doc = json.loads((shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld").read_text())
    doc["@context"] = [*doc["@context"], *extra]
    doc["credentialSubject"]["exampleTerm"] = "only the examples context defines it"
    return doc


def test_an_unknown_context_beside_edc_ap_is_left_out_and_said(shared: Path) -> None:
    plain, _ = _read((shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld")
                     .read_bytes())
    [cred], report = _read(json.dumps(_with_contexts(shared, EXTRA)).encode())
    assert cred.title == plain[0].title and cred.workload == plain[0].workload
    [said] = [m for m in report.messages if m.code == Code.IGNORED_INPUT
              and m.field == "@context"]
    assert all(url in said.detail for url in EXTRA) and "never fetched" in said.detail
    assert any("exampleTerm" in m.detail for m in report.messages
               if m.code == Code.IGNORED_INPUT)


def test_an_unknown_context_beside_edc_ap_fails_under_strict_input(shared: Path) -> None:
    from click.testing import CliRunner
    from credbridge.cli import cli

    data = json.dumps(_with_contexts(shared, EXTRA[:1]))
    result = CliRunner().invoke(cli, ["convert", "-", "--from", "elm", "--to", "canonical",
                                      "--strict-input"], input=data)
    assert result.exit_code != 0
    assert "examples/v1 beside edc-ap are not known to credbridge (--strict-input)" in \
        result.output


def test_an_unknown_context_without_edc_ap_is_still_refused(shared: Path) -> None:
    doc = _with_contexts(shared, EXTRA[:1])
    doc["@context"] = ["https://www.w3.org/2018/credentials/v1", EXTRA[0]]
    doc["type"] = ["VerifiableCredential", "VerifiableAttestation"]
    with pytest.raises(CredbridgeError, match="examples/v1"):
        _read(json.dumps(doc).encode())


def test_a_european_digital_credential_without_the_edc_context_says_what_it_is() -> None:
    """The DC4EU/EBSI pilots' shape: typed EuropeanDigitalCredential, with the W3C examples
    context and a schema URL in place of edc-ap."""
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1", *EXTRA],
           "id": "urn:uuid:certificate-participation-001",
           "type": ["VerifiableCredential", "VerifiableAttestation",
                    "EuropeanDigitalCredential"],
           "issuer": {"id": "did:ebsi:zExample"}, "issuanceDate": "2025-04-06T05:05:33Z",
           "credentialSubject": {"id": "did:key:z6Mk", "hasCredential": {"title": "x"}}}
    with pytest.raises(CredbridgeError, match=r"a EuropeanDigitalCredential that names no EDC "
                       r"context \(edc-ap\).*examples/v1"):
        _read(json.dumps(doc).encode())


@pytest.mark.parametrize("reference", ["file:///etc/passwd", "data:application/json,{}",
                                       "contexts/local.jsonld"])
def test_a_context_beside_edc_ap_that_is_no_web_url_is_refused(shared: Path,
                                                               reference: str) -> None:
    """Only a published (http/https) context may be left out and said: a file:, data: or
    relative reference names something local and the document is refused, never read."""
    with pytest.raises(CredbridgeError, match=r"never fetche|does not know"):
        _read(json.dumps(_with_contexts(shared, [reference])).encode())
