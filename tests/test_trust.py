"""core/trust: JAdES seals of EDC 3 credentials verified offline (the EC's sealed samples in
../shared and seals made here with a test CA), chains to given anchors, did:key, --trust files."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from credbridge.trust import Status, TrustStore, jades, keys, load_trust
from credbridge.trust.jws import sign_bytes
from credbridge.trust.verify import verify_bytes
from cryptography.hazmat.primitives import serialization
from trust_kit import NOW, ed25519_key, make_ca, sealer

PAYLOAD = json.dumps({"@context": ["https://www.w3.org/2018/credentials/v1"],
                      "id": "urn:uuid:1", "type": ["VerifiableCredential"]}).encode()


def _sealed_documents(shared: Path) -> list[Path]:
    """Every JAdES-sealed ELM document of the shared samples and corpus (by content)."""
    found = []
    for folder in (shared / "samples" / "elm", shared / "corpus" / "elm"):
        for path in sorted(folder.glob("*.json*")) if folder.is_dir() else []:
            try:
                doc = json.loads(path.read_bytes())
            except ValueError:  # the corpus keeps broken documents too
                continue
            if jades.is_jades_document(doc):
                found.append(path)
    return found


def test_ec_sealed_samples_verify_with_the_sealers_subject(shared: Path) -> None:
    documents = _sealed_documents(shared)
    assert len(documents) >= 4, documents
    for path in documents:
        outcomes = verify_bytes(path.read_bytes(), TrustStore())
        assert [o.status for o in outcomes] == [Status.VERIFIED], (path.name, outcomes)
        assert outcomes[0].signer and "CN=" in outcomes[0].signer and "O=" in outcomes[0].signer
        assert outcomes[0].signed_at and outcomes[0].suite == "jades"


def test_ec_sealed_samples_one_byte_flipped_is_invalid(shared: Path) -> None:
    for path in _sealed_documents(shared):
        doc = json.loads(path.read_bytes())
        payload: str = doc["payload"]
        middle = len(payload) // 2
        while not payload[middle].isalnum():
            middle += 1
        flipped = chr(ord(payload[middle]) ^ 1)
        doc["payload"] = payload[:middle] + flipped + payload[middle + 1:]
        outcomes = verify_bytes(json.dumps(doc).encode(), TrustStore())
        assert [o.status for o in outcomes] == [Status.INVALID], path.name
        assert "signature" in outcomes[0].detail


def _ca_and_seal() -> tuple[object, object, object, object]:
    ca_key, ca = make_ca()
    key, cert = sealer(ca_key, ca)
    return ca_key, ca, key, cert


@pytest.mark.parametrize("form", ["json", "compact"])
def test_seal_made_here_verifies_and_tamper_is_invalid(form: str) -> None:
    _, _ca, key, cert = _ca_and_seal()
    sealed = jades.seal(PAYLOAD, key, [cert], signing_time=NOW, form=form)
    outcome, = verify_bytes(sealed.encode(), TrustStore())
    assert outcome.status is Status.VERIFIED, outcome
    assert outcome.signer == "C=BE, O=Test University, CN=Test University seal"
    if form == "json":
        doc = json.loads(sealed)
        doc["payload"] = doc["payload"].replace("urn:uuid:1", "urn:uuid:2")
        tampered = json.dumps(doc)
    else:
        head, _body, sig = sealed.split(".")
        changed = keys.b64url_encode(PAYLOAD.replace(b"uuid:1", b"uuid:2"))
        tampered = f"{head}.{changed}.{sig}"
    assert verify_bytes(tampered.encode(), TrustStore())[0].status is Status.INVALID


@pytest.mark.parametrize("form", ["json", "compact"])
def test_detached_payload(form: str) -> None:
    _, _, key, cert = _ca_and_seal()
    sealed = jades.seal(PAYLOAD, key, [cert], signing_time=NOW, form=form, detached=True)
    assert verify_bytes(sealed.encode(), TrustStore())[0].status is Status.UNVERIFIABLE
    outcome, = verify_bytes(sealed.encode(), TrustStore(), detached=PAYLOAD)
    assert outcome.status is Status.VERIFIED
    other = verify_bytes(sealed.encode(), TrustStore(), detached=PAYLOAD + b" ")[0]
    assert other.status is Status.INVALID


def test_chain_to_a_given_anchor(tmp_path: Path) -> None:
    _, ca, key, cert = _ca_and_seal()
    sealed = jades.seal(PAYLOAD, key, [cert], signing_time=NOW).encode()
    anchor = tmp_path / "anchors" / "root.pem"
    anchor.parent.mkdir()
    anchor.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    outcome, = verify_bytes(sealed, load_trust([anchor.parent]))
    assert outcome.status is Status.VERIFIED and outcome.anchor == (
        "C=BE, O=credbridge test, CN=credbridge test root CA")
    _, other_ca = make_ca()  # same name, another key: the link's signature fails
    other = tmp_path / "other.pem"
    other.write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    outcome, = verify_bytes(sealed, load_trust([other]))
    assert outcome.status is Status.INVALID and "chain" in outcome.detail


def test_certificate_not_valid_at_signing_time() -> None:
    _, _, key, cert = _ca_and_seal()
    late = NOW.replace(year=2040)
    outcome, = verify_bytes(jades.seal(PAYLOAD, key, [cert], signing_time=late).encode(),
                            TrustStore())
    assert outcome.status is Status.INVALID and "signing time" in outcome.detail


def test_unknown_critical_header_is_unsupported() -> None:
    _, _, key, cert = _ca_and_seal()
    doc = json.loads(jades.seal(PAYLOAD, key, [cert], signing_time=NOW))
    header = json.loads(keys.b64url_decode(doc["signatures"][0]["protected"]))
    header["crit"].append("urn:example:new")
    doc["signatures"][0]["protected"] = keys.b64url_encode(json.dumps(header).encode())
    assert verify_bytes(json.dumps(doc).encode(), TrustStore())[0].status is (
        Status.UNSUPPORTED)


def test_seal_without_certificate_is_unverifiable_until_given(tmp_path: Path) -> None:
    _, _, key, cert = _ca_and_seal()
    doc = json.loads(jades.seal(PAYLOAD, key, [cert], signing_time=NOW))
    header = json.loads(keys.b64url_decode(doc["signatures"][0]["protected"]))
    del header["x5c"]
    protected = keys.b64url_encode(json.dumps(header).encode())
    signature = sign_bytes(key, f"{protected}.{doc['payload']}".encode())
    doc["signatures"][0] = {"protected": protected, "signature": keys.b64url_encode(signature)}
    data = json.dumps(doc).encode()
    assert verify_bytes(data, TrustStore())[0].status is Status.UNVERIFIABLE
    pem = tmp_path / "sealer.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert verify_bytes(data, load_trust([pem]))[0].status is Status.VERIFIED


def test_x5t_must_match_the_certificate() -> None:
    _, _, key, cert = _ca_and_seal()
    _, _, _, other = _ca_and_seal()
    doc = json.loads(jades.seal(PAYLOAD, key, [cert], signing_time=NOW))
    header = json.loads(keys.b64url_decode(doc["signatures"][0]["protected"]))
    header["x5c"] = [base64.b64encode(other.public_bytes(serialization.Encoding.DER)).decode()]
    protected = keys.b64url_encode(json.dumps(header).encode())
    doc["signatures"][0]["protected"] = protected
    assert verify_bytes(json.dumps(doc).encode(), TrustStore())[0].status is Status.INVALID


def test_did_key_round_trip_and_did_document(tmp_path: Path) -> None:
    key = ed25519_key()
    method = keys.did_key_of(key.public_key())
    assert method.startswith("did:key:z6Mk")
    info = TrustStore().resolve(method)
    assert info is not None and info.controller == method.split("#")[0]
    did = {"id": "did:web:example.org", "verificationMethod": [
        {"id": "did:web:example.org#k1", "type": "JsonWebKey2020",
         "controller": "did:web:example.org", "publicKeyJwk": keys.jwk_of(key.public_key())}]}
    (tmp_path / "did.json").write_text(json.dumps(did))
    found = load_trust([tmp_path]).resolve("did:web:example.org#k1")
    assert found is not None and found.controller == "did:web:example.org"
    assert TrustStore().resolve("did:web:example.org#k1") is None  # never fetched


def test_no_proof_gives_no_outcome() -> None:
    assert verify_bytes(PAYLOAD, TrustStore()) == []


def _xml_sealed(shared: Path) -> list[Path]:
    return [p for kind in ("samples", "corpus") for p in sorted(
        (shared / kind / "edc-xml").glob("*.xml")) if b"xmldsig#" in p.read_bytes()]


def test_xades_seals_of_the_shared_edc_xml(shared: Path) -> None:
    """Each signed EDC XML document gives one outcome per ds:Signature: verified with the
    sealer's subject, or invalid naming the digest that no longer matches (documents edited
    after sealing); never unsupported for the EC's transforms."""
    counts: dict[Status, int] = {}
    for path in _xml_sealed(shared):  # (a namespace declared is not yet a signature)
        for outcome in verify_bytes(path.read_bytes(), TrustStore()):
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            assert outcome.status in (Status.VERIFIED, Status.INVALID), (path.name, outcome)
            assert outcome.signer and "CN=" in outcome.signer
            if outcome.status is Status.INVALID:
                assert "digest" in outcome.detail
    assert counts.get(Status.VERIFIED, 0) >= 5, counts


def test_xades_one_byte_flipped_is_invalid(shared: Path) -> None:
    for path in _xml_sealed(shared):
        data = path.read_bytes()
        before = verify_bytes(data, TrustStore())
        if not before or not all(o.ok for o in before):
            continue
        found = re.search(rb">[^<>]*?([A-Za-z0-9])[^<>]*<", data)  # first text content
        assert found is not None
        text = found.start(1)
        flipped = data[:text] + bytes([data[text] ^ 1]) + data[text + 1:]
        outcomes = verify_bytes(flipped, TrustStore())
        assert outcomes and all(o.status is Status.INVALID for o in outcomes), path.name


def test_baked_badges_are_unbaked(shared: Path) -> None:
    images = sorted((shared / "corpus" / "ob3").glob("*.png")) + sorted(
        (shared / "corpus" / "ob3").glob("*.svg"))
    if not images:
        pytest.skip("no baked badges in the corpus")
    for path in images:
        outcomes = verify_bytes(path.read_bytes(), TrustStore())
        assert outcomes, path.name
        for outcome in outcomes:  # a key of the token's own is not the issuer's
            if outcome.ok and "jwk header" in outcome.detail:
                assert outcome.signer and outcome.signer.startswith("jwk thumbprint")
