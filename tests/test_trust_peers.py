"""Interop of credbridge's proofs with independent implementations (issue 19), offline:

- credbridge-signed ob3 (eddsa-rdfc-2022) verified by DCC verifier-core (tests/peers/harness.mjs)
  and by openbadgeslib's OB3LdpVerifier; credbridge-signed VC-JWTs by openbadgeslib's
  OB3Verifier;
- credbridge verifies what DCC (@digitalcredentials/vc) and openbadgeslib
  (add_data_integrity_proof, OB3Signer) signed.

The credentials are the ob3 outputs of the shared samples; keys are made in the test. Skips
with the reason when node / tests/peers/node_modules or openbadgeslib are absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.trust import Status, TrustStore, dataintegrity, keys, vcjwt
from credbridge.trust.verify import verify_bytes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from trust_kit import ed25519_key

pytestmark = pytest.mark.slow

PEERS = Path(__file__).parent / "peers"


@pytest.fixture(scope="module")
def unsigned(shared: Path) -> list[dict[str, Any]]:
    """The ob3 output of every credential of the shared samples."""
    found = []
    for path in sorted(p for p in (shared / "samples").rglob("*")
                       if p.is_file() and p.suffix not in (".md", ".tsv")):
        try:
            creds = list(read(path))
        except CredbridgeError:
            continue
        for cred in creds:
            found.append(json.loads(write([cred], None, to="ob3") or b"{}"))
    assert len(found) >= 10
    return found


def _under(doc: dict[str, Any], did: str) -> dict[str, Any]:
    issuer = doc.get("issuer")
    return {**doc, "issuer": {**issuer, "id": did} if isinstance(issuer, dict) else did}


@pytest.fixture(scope="module")
def signer() -> tuple[Any, str, bytes]:
    """(Ed25519 key, verification method, public PEM)."""
    key = ed25519_key()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, keys.did_key_of(key.public_key()), public


@pytest.fixture(scope="module")
def signed(unsigned: list[dict[str, Any]], signer: tuple[Any, str, bytes]
           ) -> list[dict[str, Any]]:
    """The outputs signed by credbridge (eddsa-rdfc-2022, issuer: the did:key)."""
    key, method, _ = signer
    out = [dataintegrity.sign(_under(doc, method.split("#")[0]), key, method)
           for doc in unsigned]
    for doc in out:
        assert verify_bytes(json.dumps(doc).encode(), TrustStore())[0].ok
    return out


def test_openbadgeslib_verifies_credbridge_data_integrity(
        signed: list[dict[str, Any]], signer: tuple[Any, str, bytes]) -> None:
    ldp = pytest.importorskip("openbadgeslib.ob3.ldp", reason="openbadgeslib[ldp] is not "
                              "installed (the test extra)")
    failed = {}
    for doc in signed:
        try:
            ldp.OB3LdpVerifier(pubkey_pem=signer[2]).verify(doc)
        except Exception as exc:  # the library's own errors: reported by the test
            if not str(exc).startswith(("Credential has expired", "Credential is not yet")):
                failed[doc.get("id")] = f"{type(exc).__name__}: {str(exc)[:200]}"
    print(f"\nopenbadgeslib: {len(signed) - len(failed)}/{len(signed)} credbridge-signed "
          "ob3 verified")
    assert not failed, failed


def test_credbridge_verifies_openbadgeslib_data_integrity(
        unsigned: list[dict[str, Any]], signer: tuple[Any, str, bytes]) -> None:
    ldp = pytest.importorskip("openbadgeslib.ob3.ldp", reason="openbadgeslib[ldp] is not "
                              "installed (the test extra)")
    key, method, _ = signer
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    statuses = []
    for doc in unsigned:
        theirs = ldp.add_data_integrity_proof(_under(doc, method.split("#")[0]), private, method)
        statuses += [o.status for o in verify_bytes(json.dumps(theirs).encode(), TrustStore())]
    assert statuses and set(statuses) == {Status.VERIFIED}


@pytest.mark.parametrize("kind", ["EdDSA", "ES256"])
def test_vc_jwt_both_ways_with_openbadgeslib(unsigned: list[dict[str, Any]], kind: str) -> None:
    verifier = pytest.importorskip("openbadgeslib.ob3.verifier", reason="openbadgeslib is not "
                                   "installed (the test extra)")
    signer_mod = pytest.importorskip("openbadgeslib.ob3.signer")
    key = ed25519_key() if kind == "EdDSA" else ec.generate_private_key(ec.SECP256R1())
    if kind == "EdDSA":
        method = keys.did_key_of(key.public_key())
    else:
        body = keys.b64url_encode(json.dumps(keys.jwk_of(key.public_key())).encode())
        method = f"did:jwk:{body}#0"
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    failed = {}
    for doc in unsigned:
        token = vcjwt.sign_vc_jwt(_under(doc, method.split("#")[0]), key, method)
        try:
            verifier.OB3Verifier(public).verify(token)
        except Exception as exc:  # the library's own errors: reported by the test
            if not str(exc).startswith(("Credential has expired", "Credential is not yet",
                                        "Token has expired", "The token is not yet")):
                failed[doc.get("id")] = f"{type(exc).__name__}: {str(exc)[:200]}"
        theirs = signer_mod.OB3Signer(private, algorithm=kind).sign_payload(
            {"vc": _under(doc, method.split("#")[0]), "iss": method.split("#")[0]})
        outcome, = verify_bytes(theirs.encode(), TrustStore())
        assert outcome.status is Status.VERIFIED, outcome
    assert not failed, failed


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the DCC peer harness runs on node)")
    if not (PEERS / "node_modules" / "@digitalcredentials" / "verifier-core").is_dir():
        pytest.skip("tests/peers/node_modules is absent: run 'npm ci' in tests/peers")
    return node


def test_dcc_both_ways(unsigned: list[dict[str, Any]], signed: list[dict[str, Any]],
                      shared: Path, tmp_path: Path) -> None:
    node = _node()
    files = []
    for n, doc in enumerate(signed):  # verified only (the harness's .signed.json)
        path = tmp_path / f"credbridge-{n}.signed.json"
        path.write_text(json.dumps(doc))
        files.append(path)
    for n, doc in enumerate(unsigned):  # signed by DCC, then verified by verifier-core
        path = tmp_path / f"dcc-{n}.json"
        path.write_text(json.dumps(doc))
        files.append(path)
    run = subprocess.run(
        [node, str(PEERS / "harness.mjs"), "--contexts",
         str(shared / "schemas" / "jsonld-contexts"), "--schemas", str(shared / "schemas"),
         "--signed-out", str(tmp_path / "dcc-signed"), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = {line["file"]: line for line in map(json.loads, run.stdout.splitlines())}
    ours = [lines[p.name] for p in files if p.name.startswith("credbridge-")]
    refused = {line["file"]: line.get("errors") for line in ours
               if not (line.get("valid_signature") or line.get("signature_at_valid_from"))}
    print(f"\nverifier-core: {len(ours) - len(refused)}/{len(ours)} credbridge-signed verified")
    assert not refused, refused
    theirs = [Path(line["signed_file"]) for line in lines.values() if line.get("signed_file")]
    assert theirs
    for path in theirs:
        outcomes = verify_bytes(path.read_bytes(), TrustStore())
        assert [o.status for o in outcomes] == [Status.VERIFIED], (path.name, outcomes)
