"""Interop of credbridge's proofs with independent implementations (issue 19), offline:

- credbridge-signed ob3 (eddsa-rdfc-2022) verified by DCC verifier-core (tests/peers/harness.mjs)
  and by openbadgeslib's OB3LdpVerifier; credbridge-signed VC-JWTs by openbadgeslib's
  OB3Verifier;
- credbridge verifies what DCC (@digitalcredentials/vc) and openbadgeslib
  (add_data_integrity_proof, OB3Signer) signed;
- credbridge's OB 2.0 signed badges hold under openbadgeslib's JWS verification, and
  openbadgeslib's OB2Signer badges verify in credbridge.

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


def _ob2_inputs(shared: Path) -> list[Path]:
    found = [p for kind in ("ob2", "ob3", "elm", "edc-xml")
             for p in sorted((shared / "samples" / kind).glob("*"))
             if p.suffix in (".json", ".jsonld", ".xml") and "BadgeClass" not in p.name
             and "Issuer" not in p.name]
    if not found:
        pytest.skip("no samples in ../shared/samples")
    return found


@pytest.mark.parametrize("kind", ["EdDSA", "ES256", "RS256"])
def test_ob2_signed_badges_both_ways_with_openbadgeslib(shared: Path, tmp_path: Path,
                                                        kind: str) -> None:
    """credbridge's OB 2.0 signed badges (convert --to ob2 --sign) hold under openbadgeslib's
    JWS verification, the one its OB2Verifier runs for a SignedBadge with a trusted key (its
    OB2Verifier itself refuses an assertion whose BadgeClass is embedded, as credbridge writes
    it, though OB 2.0 allows it); openbadgeslib's OB2Signer badges verify in credbridge."""
    jws = pytest.importorskip("openbadgeslib._jws", reason="openbadgeslib is not installed "
                              "(the test extra)")
    ob2 = pytest.importorskip("openbadgeslib.ob2")
    from click.testing import CliRunner
    from credbridge.cli import cli
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = {"EdDSA": ed25519_key, "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
           "RS256": lambda: rsa.generate_private_key(public_exponent=65537,
                                                     key_size=2048)}[kind]()
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    checked = 0
    for source in _ob2_inputs(shared):
        out = tmp_path / f"{source.stem}.jws"
        done = CliRunner().invoke(cli, ["convert", str(source), "--to", "ob2", "--sign",
                                        str(pem), "-o", str(out), "-q"])
        if done.exit_code != 0 or not out.exists():
            continue  # a source the ob2 writer refuses: nothing is signed
        for token in out.read_bytes().split():
            assert jws.verify_block(token, public) is True, source.name
            header = json.loads(keys.b64url_decode(token.split(b".")[0].decode()))
            assert header["alg"] == kind
            forged = token[:-6] + (b"AAAAAA" if not token.endswith(b"AAAAAA") else b"BBBBBB")
            with pytest.raises(Exception, match=r"(?i)signature"):
                jws.verify_block(forged, public)
            checked += 1
    assert checked >= 5, checked
    method = keys.did_key_of(key.public_key()) if kind == "EdDSA" else None
    if method is None:  # a did:key names Ed25519 keys here; others are a did:jwk
        jwk = json.dumps(keys.jwk_of(key.public_key())).encode()
        method = f"did:jwk:{keys.b64url_encode(jwk)}#0"
    assertion = ob2.Assertion(
        recipient=ob2.IdentityObject.create("learner@example.org", "salt"),
        badge="https://example.org/badges/1",
        verification=ob2.Verification(type="SignedBadge", creator=method))
    theirs = ob2.OB2Signer(pem.read_bytes(), algorithm=kind).sign(assertion)
    outcome, = verify_bytes(theirs.encode(), TrustStore())
    assert outcome.status is Status.VERIFIED and outcome.suite == "ob2-jws", outcome
    assert outcome.key_id == method
