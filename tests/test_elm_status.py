"""A credential's status in ELM: each status type the corpus shows is read and reported as what
it is; the writer keeps the source's type (else a VC 2.0 BitstringStatusListEntry) beside the
EDC 3 CredentialStatus the EC shapes require, and writes no type name its contexts leave
undefined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credbridge import convert, read
from credbridge.model import MicroCredential
from credbridge.plugins.elm.graphs import BASE, jsonld_graph
from credbridge.plugins.elm.shacl import load_shapes, shapes_folder, validate
from credbridge.plugins.elm.status import STATUS_IRIS
from credbridge.report import Code, Report
from credbridge.testing import write_read
from rdflib import RDF, URIRef

CRED_STATUS = URIRef("https://www.w3.org/2018/credentials#credentialStatus")
MYNEXTID = "credentials--examples_edc-coe-example.json"


def _status_types(doc: dict[str, Any]) -> set[str]:
    graph = jsonld_graph(doc)
    return {str(t) for s in graph.objects(None, CRED_STATUS) for t in graph.objects(s, RDF.type)}


def _cred(**verification: str) -> MicroCredential:
    return MicroCredential.model_validate({
        "id": "urn:test:status:1", "title": {"en": "T"}, "issued": "2024-01-02",
        "issuer": {"name": {"en": "Org"}, "country": "BE"}, "learner": {"full_name": "A B"},
        "verification": verification})


def test_the_ec_credential_status_is_read_and_written_as_it_was(shared: Path) -> None:
    sample = shared / "samples" / "elm" / "credential-sample_v3.2.jsonld"
    report = Report()
    cred = next(iter(read(sample, report=report)))
    assert cred.verification is not None
    assert (cred.verification.status_service, cred.verification.method) == (
        "http://example.org/credentialStatus1", "CredentialStatus")
    assert any(m.code == Code.NOTE and "an EDC 3 credential status" in m.detail
               for m in report.messages)
    _, out, _ = write_read("elm", [cred])
    assert json.loads(out)["credentialStatus"] == {"id": "http://example.org/credentialStatus1",
                                                   "type": "CredentialStatus"}


def test_mynextid_status_entries_are_read_as_the_credential_status(shared: Path) -> None:
    """MyNextID puts StatusList2021Entry objects in ``status`` (elm:status, a text property of
    EDC 3 accreditations): read as the credential's status, reported as what it is."""
    report = Report()
    creds = list(read(shared / "corpus" / "elm" / MYNEXTID, report=report))
    assert creds and creds[0].verification is not None
    assert creds[0].verification.method == "StatusList2021Entry"
    assert creds[0].verification.status_service == \
        "https://app.velocert.com/status/68997788-64f7-448e-9aad-b8c273ede15b#197"
    notes = [m.detail for m in report.messages if m.field == "verification.status_service"]
    assert any("not a credential status" in n and "Status List 2021" in n for n in notes)
    assert any("further status entry" in n for n in notes)  # the suspension list
    _, out, _ = write_read("elm", creds)
    doc = json.loads(out.splitlines()[0])
    assert doc["credentialStatus"]["type"] == ["CredentialStatus",
                                               STATUS_IRIS["StatusList2021Entry"]]
    assert "status" not in doc


def test_a_status_of_unknown_type_is_written_as_a_bitstring_entry(shared: Path) -> None:
    back, out, report = write_read("elm", [_cred(status_service="https://example.org/sl#7")])
    doc = json.loads(out)
    assert doc["credentialStatus"] == {
        "id": "https://example.org/sl#7",
        "type": ["CredentialStatus", STATUS_IRIS["BitstringStatusListEntry"]]}
    assert any(m.code == Code.DEFAULTED and m.field == "verification.method"
               for m in report.messages)
    assert back[0].verification is not None
    assert back[0].verification.method == "BitstringStatusListEntry"
    # every status type is an absolute IRI (none left for the parser to make relative), and
    # the EC shapes (elm:CredentialStatus) are met
    types = _status_types(doc)
    assert types == {STATUS_IRIS["CredentialStatus"], STATUS_IRIS["BitstringStatusListEntry"]}
    assert not any(t.startswith(BASE) for t in types)
    shapes = load_shapes(shapes_folder(shared / "schemas"))
    assert validate(jsonld_graph(doc), shapes) == []


def test_the_source_type_is_kept(shared: Path) -> None:
    _, out, _ = write_read("elm", [_cred(status_service="https://example.org/rl",
                                         method="1EdTechRevocationList")])
    assert json.loads(out)["credentialStatus"]["type"] == [
        "CredentialStatus", STATUS_IRIS["1EdTechRevocationList"]]
    _, out, report = write_read("elm", [_cred(status_service="https://example.org/rl",
                                              method="SomeVendorStatus")])
    assert json.loads(out)["credentialStatus"]["type"] == "CredentialStatus"
    assert any(m.code == Code.DROPPED and "SomeVendorStatus" in m.detail
               for m in report.messages)


def test_the_ebsi_profile_writes_the_status_types_ebsi_allows(shared: Path) -> None:
    result = convert(shared / "corpus" / "elm" / MYNEXTID, to="elm",
                     options={"elm": {"ebsi": True}})
    doc = json.loads((result.output or "").splitlines()[0])
    assert doc["credentialStatus"] == {
        "id": "https://app.velocert.com/status/68997788-64f7-448e-9aad-b8c273ede15b#197",
        "type": "CredentialStatus"}
    assert any(m.code == Code.APPROXIMATED and "TrustedCredentialStatus2021" in m.detail
               for m in result.report.messages)
