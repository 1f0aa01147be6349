"""edc-xml seals (XAdES summaries) and offline XSD validation (local resolver, CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.plugins.edc_xml import seals
from credbridge.plugins.edc_xml.validation import load_schema, schema_folder, validate_bytes
from credbridge.safety import xml_parser
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"


def proof(inner: str) -> etree._Element:
    return etree.fromstring(f'<proof xmlns="http://data.europa.eu/snb" xmlns:ds="{DS}">'
                            f"{inner}</proof>", xml_parser())


def test_empty_proof_is_no_seal() -> None:
    assert seals.summarise(proof(""), "credential") is None
    assert seals.summarise(None, "credential") is None


def test_xades_141_signing_time_and_certificate_only() -> None:
    element = proof(
        '<ds:Signature><ds:SignedInfo><ds:SignatureMethod Algorithm="urn:alg"/></ds:SignedInfo>'
        "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data>"
        '</ds:KeyInfo><ds:Object><x:QualifyingProperties xmlns:x="http://uri.etsi.org/01903/'
        'v1.4.1#"><x:SignedProperties><x:SignedSignatureProperties><x:SigningTime>'
        "2025-01-02T03:04:05+01:00</x:SigningTime></x:SignedSignatureProperties>"
        "</x:SignedProperties></x:QualifyingProperties></ds:Object></ds:Signature>")
    summary = seals.summarise(element, "credential")
    assert summary is not None
    assert summary["kind"] == "xades"
    assert summary["created"] == "2025-01-02T03:04:05+01:00"
    assert "signer" not in summary
    assert "urn:alg" in summary["detail"] and "subject not decoded" in summary["detail"]


def test_a_proof_without_signature_is_other() -> None:
    summary = seals.summarise(proof("<something/>"), "credential")
    assert summary == {"kind": "other", "detail": "credential: a proof without ds:Signature"}


def test_sealed_fixture_summary(fixtures: Path) -> None:
    root = etree.parse(str(fixtures / "edc-xml" / "sealed.xml"), xml_parser()).getroot()
    summary = seals.summarise(root.find("{http://data.europa.eu/snb}proof"), "credential")
    assert summary is not None
    assert summary["signer"].startswith("CN=Energieakademie Beispiel Siegel")
    assert summary["created"] == "2024-03-15T10:20:31+00:00"


def test_certificate_only_seal_names_its_subject(fixtures: Path) -> None:
    """EC software names the sealing organisation only by its certificate."""
    root = etree.parse(str(fixtures / "edc-xml" / "sealed-certificate.xml"),
                       xml_parser()).getroot()
    summary = seals.summarise(root.find("{http://data.europa.eu/snb}proof"), "credential")
    assert summary is not None
    assert summary["signer"] == ("CN=Energieakademie Beispiel Gebäude-Siegel, "
                                 "O=Energieakademie Beispiel gGmbH, "
                                 "organizationIdentifier=VATDE-123456789, C=DE")


@pytest.mark.parametrize("text", ["", "AAAA", "not base64!", "MIIB", "MAA="])
def test_undecodable_certificates_give_none(text: str) -> None:
    assert seals.certificate_subject(text) is None


def test_schema_imports_resolve_locally(tmp_path: Path) -> None:
    """An import by URL is mapped to the file of the same name in the folder; an unknown URL
    is never fetched (libxml2 skips it)."""
    (tmp_path / "sub.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:sub">'
        '<xs:element name="s" type="xs:string"/></xs:schema>')
    (tmp_path / "main.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:s="urn:sub" '
        'targetNamespace="urn:main" elementFormDefault="qualified">'
        '<xs:import namespace="urn:sub" schemaLocation="http://example.org/schemas/sub.xsd"/>'
        '<xs:import namespace="urn:gone" schemaLocation="http://example.invalid/gone.xsd"/>'
        '<xs:element name="m"><xs:complexType><xs:sequence><xs:element ref="s:s"/>'
        "</xs:sequence></xs:complexType></xs:element></xs:schema>")
    schema = load_schema(tmp_path, "main.xsd")
    good = etree.fromstring('<m xmlns="urn:main"><s xmlns="urn:sub">x</s></m>')
    assert schema.validate(good)


def test_schema_folder_accepts_both_levels(shared: Path) -> None:
    folder = schema_folder(shared / "schemas")
    assert folder == schema_folder(folder)
    with pytest.raises(FileNotFoundError):
        schema_folder(shared / "samples")


def test_validate_reports_lines(shared: Path) -> None:
    data = b'<europassCredential xmlns="http://data.europa.eu/snb"/>'
    problems = validate_bytes(data, shared / "schemas")
    assert problems and problems[0].startswith("line 1:")
    assert validate_bytes(b"<broken", shared / "schemas")[0].startswith("line 1: not well")


def test_cli_validate(shared: Path, fixtures: Path) -> None:
    runner = CliRunner()
    schemas = str(shared / "schemas")
    ok = runner.invoke(cli, ["validate", str(fixtures / "edc-xml" / "presentation.xml"),
                             "--schemas", schemas])
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output
    variant = shared / "samples" / "edc-xml" / "credential-generic-contactPoint-choice-OK.xml"
    bad = runner.invoke(cli, ["validate", str(variant), "--schemas", schemas])
    assert bad.exit_code == 1
    assert "availableLanguages" in bad.output
