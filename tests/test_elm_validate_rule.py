"""``credbridge validate --from elm`` requires a European Digital Credential: SHACL checks the
nodes its shapes target, so a document without one would otherwise "conform"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.plugin_manager import get_formats
from credbridge.plugins.elm.shacl import NO_CREDENTIAL

CONTEXTS = ["https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap"]


def _doc(types: list[str]) -> dict[str, Any]:
    return {"@context": CONTEXTS, "id": "urn:test:credential:1", "type": types,
            "issuer": {"id": "urn:test:org:1", "type": "Organisation",
                       "legalName": {"en": "An organisation"}},
            "credentialSubject": {"id": "urn:test:person:1", "type": "Person",
                                  "fullName": {"en": "A learner"}}}


@pytest.mark.parametrize("types", [["VerifiableCredential"],
                                   ["VerifiableCredential", "VerifiableAttestation"]])
def test_a_document_without_a_european_digital_credential_is_invalid(
        types: list[str], shared: Path) -> None:
    data = json.dumps(_doc(types)).encode()
    problems = get_formats().get("elm").validate(data, shared / "schemas")
    assert problems == [NO_CREDENTIAL]
    assert "EuropeanDigitalCredential" in NO_CREDENTIAL and "rule" in NO_CREDENTIAL


def test_cli_names_the_rule(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "not-an-edc.jsonld"
    path.write_text(json.dumps(_doc(["VerifiableCredential"])), "utf-8")
    result = CliRunner().invoke(cli, ["validate", "--from", "elm", "--schemas",
                                       str(shared / "schemas"), str(path)])
    assert result.exit_code == 1, result.output
    assert "no elm:EuropeanDigitalCredential" in result.output


def test_the_ec_samples_still_validate(shared: Path) -> None:
    fmt = get_formats().get("elm")
    for sample in sorted((shared / "samples" / "elm").glob("*.jsonld")):
        problems = fmt.validate(sample.read_bytes(), shared / "schemas")
        assert NO_CREDENTIAL not in problems, sample.name
