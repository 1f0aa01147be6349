"""The EBSI profile of ELM (``--ebsi``): VCDM 2.0 EDC valid against EBSI's Europass EDC JSON
Schema (../shared/schemas/edc-json-schema), for every ELM and EDC XML document of the shared
samples and corpus that credbridge reads, and read back as the same credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from credbridge import convert, read
from credbridge.cli import cli
from credbridge.errors import CredbridgeError, UsageError
from credbridge.model import MicroCredential
from credbridge.plugins.elm.contexts import EDC_AP_URL, VC2_URL
from credbridge.plugins.elm.ebsi import TYPES, schema_problems
from credbridge.report import Code, Report
from credbridge.testing import write_read

EBSI = {"elm": {"ebsi": True}}
FAMILIES = ("samples/elm", "corpus/elm", "samples/edc-xml", "corpus/edc-xml")
REQUIRED = ("issuer", "validFrom", "issued", "awardingBody")
"""What the EBSI schema requires that credbridge never invents: a record whose source lacks
one is refused (failed, one line naming each), never written invalid."""


def _documents(shared: Path) -> Iterator[Path]:
    for family in FAMILIES:
        yield from sorted(p for p in (shared / family).iterdir() if p.is_file())


def _claims(doc: dict[str, Any]) -> int:
    """The records one output holds (a many-claim document holds several)."""
    claims = doc["credentialSubject"].get("hasClaim")
    return len(claims) if isinstance(claims, list) else 1


def test_every_ebsi_output_of_the_shared_documents_is_valid(shared: Path) -> None:
    """Every EBSI output of every shared ELM / EDC XML document that reads is valid against
    the EBSI schema; a record whose source lacks an issuer, a date of issuing or an awarding
    body is refused with one line naming every missing property, and the batch goes on."""
    schemas = shared / "schemas"
    valid, invalid, refused = [], [], []
    for path in _documents(shared):
        try:
            result = convert(path, to="elm", options=EBSI)
        except CredbridgeError:
            continue  # not a document credbridge reads (the corpus tests say why)
        docs = [json.loads(line) for line in (result.output or "").splitlines()]
        for number, doc in enumerate(docs, start=1):
            problems = schema_problems(doc, schemas)
            (invalid.append((f"{path.name} #{number}", problems[:5])) if problems
             else valid.append(f"{path.name} #{number}"))
        failed = [m for m in result.report.messages if m.code == Code.INVALID_RECORD]
        for message in failed:
            named = [p for p in REQUIRED if p in message.detail]
            assert message.detail.startswith("the EBSI EDC schema requires ") and named and \
                "\n" not in message.detail, message.detail
        # one line per refused record, and every record read is written or refused
        assert len({m.record for m in failed}) == len(failed), failed
        assert result.report.records_read == sum(map(_claims, docs)) + len(failed), path.name
        if failed:
            refused.append((path.name, len(failed)))
    assert not invalid, invalid
    # 67 outputs valid today (one document per credential or per many-claim document): never a
    # vacuous test
    assert len(valid) >= 60, len(valid)
    # refused: EDC XML test files of the EC tools with no issuer and/or no awarding body or
    # date of issuing (the pre-release EDCI model among them): 4 documents, 7 records today
    assert refused and all(name.endswith(".xml") for name, _ in refused), refused
    assert len(refused) <= len(valid) // 8, refused


def test_a_record_without_an_issuer_is_refused_and_the_batch_goes_on() -> None:
    """No issuer, no awarding body, no date: the EBSI writer refuses that record naming the
    four properties, and writes the next one."""
    bare = MicroCredential.model_validate({"id": "urn:test:ebsi:bare", "title": {"en": "T"}})
    full = MicroCredential.model_validate({
        "id": "urn:test:ebsi:full", "title": {"en": "T"}, "issued": "2024-01-02",
        "issuer": {"name": {"en": "Org"}, "country": "BE"}})
    back, out, report = write_read("elm", [bare, full], {"ebsi": True})
    assert [c.id for c in back] == ["urn:test:ebsi:full"]
    (failed,) = [m for m in report.messages if m.code == Code.INVALID_RECORD]
    assert failed.record == "urn:test:ebsi:bare" and report.records_failed == 1
    assert "issuer, validFrom, issued, awardingBody (of credentialSubject/hasClaim/awardedBy)" \
        in failed.detail
    assert json.loads(out)["type"] == TYPES


def test_the_profile_is_vcdm_2_with_the_ebsi_types(shared: Path) -> None:
    sample = shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
    result = convert(sample, to="elm", options=EBSI)
    doc = json.loads(result.output or "")
    assert doc["@context"] == [VC2_URL, EDC_AP_URL]
    assert doc["type"] == TYPES
    assert doc["validFrom"] == doc["issued"] == "2022-12-31T23:00:00Z"
    assert "issuanceDate" not in doc and "expirationDate" not in doc
    defaulted = [m for m in result.report.messages if m.code == Code.DEFAULTED]
    assert any(m.field == "issued" for m in defaulted)
    assert schema_problems(doc, shared / "schemas") == []


def _without_sealing(cred: MicroCredential) -> dict[str, Any]:
    data = cred.to_json_dict()
    data.get("extensions", {}).pop("elm:sealed", None)
    return data


@pytest.mark.parametrize("name", ["Sample-MC-Annex1-unsigned.jsonld",
                                  "Sample-CertOfPart-unsigned.jsonld"])
def test_ebsi_output_reads_back_as_the_same_credential(name: str, shared: Path) -> None:
    creds = list(read(shared / "samples" / "elm" / name))
    back, out, _ = write_read("elm", creds, {"ebsi": True})
    assert json.loads(out.splitlines()[0])["type"] == TYPES
    # issued (required by EBSI) was written from validFrom and comes back as the sealing time
    assert back[0].extensions["elm:sealed"] == json.loads(out.splitlines()[0])["issued"]
    assert [_without_sealing(c) for c in back] == [_without_sealing(c) for c in creds]


def test_the_ebsi_export_of_the_corpus_reads(shared: Path) -> None:
    """EBSI's own VCDM 2.0 EDC example (IPT credential converter) is read, type and all."""
    path = shared / "corpus" / "elm" / "credential-converter--test_ELM_export_example.json"
    report = Report()
    creds = list(read(path, report=report))
    failed = [m for m in report.messages if m.code == Code.INVALID_RECORD]
    # its organisation's country is a language URI (…/language/USA): the one record fails on
    # that value, not on the profile
    assert creds or all("country" in (m.field or "") for m in failed)


def test_ebsi_fractional_hours_and_zone_less_dates_are_rewritten(shared: Path) -> None:
    cred = MicroCredential.model_validate({
        "id": "urn:test:ebsi:1", "title": {"en": "T"}, "issued": "2024-01-02",
        "issuer": {"name": {"en": "Org"}, "country": "BE"},
        "learner": {"full_name": "A B"},
        "workload": {"hours": "2.5", "ects": "0"},
        "extensions": {"elm:awarding_date": "2024-01-02T10:00:00"}})
    _, out, report = write_read("elm", [cred], {"ebsi": True})
    doc = json.loads(out)
    assert schema_problems(doc, shared / "schemas") == []
    spec = doc["credentialSubject"]["hasClaim"]
    spec = spec[0] if isinstance(spec, list) else spec
    assert spec["specifiedBy"]["volumeOfLearning"] == "PT2H30M"
    assert spec["specifiedBy"]["creditPoint"]["point"] == "0"  # 0 ECTS is a value
    assert spec["awardedBy"]["awardingDate"] == "2024-01-02T10:00:00Z"
    assert any("time zone" in m.detail for m in report.messages)


def test_ebsi_is_a_json_ld_option(shared: Path) -> None:
    sample = shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
    with pytest.raises(UsageError, match="JSON profile"):
        convert(sample, to="elm-ttl", options={"ebsi": True})
    result = CliRunner().invoke(cli, ["convert", str(sample), "--to", "elm", "--ebsi"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["type"] == TYPES
