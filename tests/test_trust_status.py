"""Status lists offline (`verify --status-list FILE`): a BitstringStatusList credential made and
signed in the test; revoked, not revoked, list not given, list tampered."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.trust import dataintegrity, keys
from credbridge.trust.status import check_status, decode_list, encode_list
from trust_kit import ed25519_key

LIST_ID = "https://example.org/status/1"
OB3 = {
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:0c8b1c2e-5b7a-4b5e-9a43-3f2f2e0a1d11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
        "id": "urn:uuid:5b3f0c4c-8f7e-4f25-8a0e-6c1f8d2b9e01", "type": ["Achievement"],
        "name": "Data stewardship", "description": "A micro-credential.",
        "criteria": {"narrative": "Passed the exam."}}},
}


def _bits(revoked: set[int]) -> bytes:
    bits = bytearray(16 * 1024)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def test_encoded_list_round_trip() -> None:
    bits = _bits({0, 7, 8, 131071})
    assert decode_list(encode_list(bits)) == bits


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    key = ed25519_key()
    method = keys.did_key_of(key.public_key())
    did = method.split("#")[0]
    status_list = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_ID, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did, "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": LIST_ID + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation",
                              "encodedList": encode_list(_bits({42}))}}
    list_file = tmp_path / "list.json"
    list_file.write_text(json.dumps(dataintegrity.sign(status_list, key, method)))
    out = []
    for index in (42, 43):
        doc = {**OB3, "issuer": {"id": did, "type": ["Profile"], "name": "Test"},
               "credentialStatus": {"id": f"{LIST_ID}#{index}", "type":
                                    "BitstringStatusListEntry", "statusPurpose": "revocation",
                                    "statusListIndex": str(index),
                                    "statusListCredential": LIST_ID}}
        path = tmp_path / f"badge-{index}.json"
        path.write_text(json.dumps(dataintegrity.sign(doc, key, method)))
        out.append(path)
    return list_file, out[0], out[1]


def test_revoked_and_not_revoked(tmp_path: Path) -> None:
    list_file, revoked, kept = _files(tmp_path)
    runner = CliRunner()
    done = runner.invoke(cli, ["verify", "--status-list", str(list_file), str(kept)])
    assert done.exit_code == 0, done.output
    assert "status (revocation): not revoked" in done.output
    done = runner.invoke(cli, ["verify", "--json", "--status-list", str(list_file),
                               str(revoked)])
    assert done.exit_code == 1
    result = json.loads(done.output)[str(revoked)]
    assert result["status"][0]["state"] == "set" and result["proofs"][0]["status"] == "verified"
    assert "revoked" in runner.invoke(cli, ["verify", "--status-list", str(list_file),
                                            str(revoked)]).output


def test_list_not_given_is_unknown_and_tampered_list_is_said(tmp_path: Path) -> None:
    list_file, _, kept = _files(tmp_path)
    doc = json.loads(kept.read_text())
    assert check_status(doc, {})[0].state == "unknown"
    tampered = json.loads(list_file.read_text())
    tampered["credentialSubject"]["encodedList"] = encode_list(_bits(set()))
    other = tmp_path / "tampered.json"
    other.write_text(json.dumps(tampered))
    done = CliRunner().invoke(cli, ["verify", "--status-list", str(other), str(kept)])
    assert "the status list's own proof did not verify" in done.output
    assert done.exit_code == 1 and "status (revocation): unknown" in done.output
    bad = CliRunner().invoke(cli, ["verify", "--status-list", str(kept), str(kept)])
    assert bad.exit_code == 2 and "not a status list credential" in bad.output


def test_convert_reports_the_status(tmp_path: Path) -> None:
    list_file, revoked, kept = _files(tmp_path)
    runner = CliRunner()
    done = runner.invoke(cli, ["convert", str(revoked), "--to", "canonical", "--verify",
                               "--status-list", str(list_file)])
    assert done.exit_code == 0 and "warning: status" in done.output
    assert "status (revocation): revoked" in done.output
    failing = runner.invoke(cli, ["convert", str(revoked), "--to", "canonical",
                                  "--status-list", str(list_file), "--fail-on", "status"])
    assert failing.exit_code == 1
    clear = runner.invoke(cli, ["convert", str(kept), "--to", "canonical", "--status-list",
                                str(list_file), "--fail-on", "status"])
    assert clear.exit_code == 0 and "not revoked" in clear.output
