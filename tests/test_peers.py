"""Peer verifiers accept what credbridge writes (issue 18).

Every document of ../shared/samples and ../shared/corpus that credbridge reads is converted to
ob3 (one file per credential, default options). Then, offline:

- the DCC stack (tests/peers/harness.mjs: @digitalcredentials/vc, eddsa-rdfc-2022, a did:key)
  signs each output and @digitalcredentials/verifier-core verifies it;
- openbadgeslib signs each output with its own ``add_data_integrity_proof`` and its
  pinned-context ``OB3LdpVerifier`` verifies both its own and the DCC signatures, while
  verifier-core verifies openbadgeslib's (the two canonicalise every output alike).

The node tests skip with the reason when node or tests/peers/node_modules is absent (CI runs
``npm ci`` there first); the openbadgeslib tests when it is not installed (the ``test`` extra).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError

pytestmark = pytest.mark.slow

PEERS = Path(__file__).parent / "peers"
SEED = hashlib.sha256(b"credbridge peer harness").digest()
"""The Ed25519 seed of the harness's did:key (harness.mjs derives the same key)."""
SKIPPED_SUFFIXES = (".md", ".tsv")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the DCC peer harness runs on node)")
    if not (PEERS / "node_modules" / "@digitalcredentials" / "verifier-core").is_dir():
        pytest.skip("tests/peers/node_modules is absent: run 'npm ci' in tests/peers")
    return node


@pytest.fixture(scope="module")
def outputs(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The ob3 output of every credential of every readable shared document."""
    folder = tmp_path_factory.mktemp("ob3-outputs")
    written = []
    for path in sorted(p for kind in ("samples", "corpus") for p in (shared / kind).rglob("*")
                       if p.is_file() and p.suffix not in SKIPPED_SUFFIXES):
        try:
            creds = list(read(path))
        except CredbridgeError:
            continue  # a document credbridge refuses (with one line) is not an output
        stem = "__".join(path.relative_to(shared).parts)
        for position, cred in enumerate(creds):
            target = folder / f"{stem}.{position}.ob3.json"
            target.write_bytes(write([cred], None, to="ob3") or b"")
            written.append(target)
    assert len(written) > 200, "fewer outputs than the shared documents give"
    return written


def _keys() -> tuple[bytes, bytes, str]:
    """(private PEM, public PEM, verification method) of the harness's key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pytest.importorskip("openbadgeslib.ob3.ldp", reason="openbadgeslib[ldp] is not installed "
                        "(the test extra)")
    from openbadgeslib.ob3.did import did_key_from_pem

    key = Ed25519PrivateKey.from_private_bytes(SEED)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    did = did_key_from_pem(public)
    return private, public, f"{did}#{did.removeprefix('did:key:')}"


@pytest.fixture(scope="module")
def openbadgeslib_signed(outputs: list[Path], tmp_path_factory: pytest.TempPathFactory
                         ) -> dict[str, Any]:
    """Each output signed by openbadgeslib's add_data_integrity_proof (issuer id: its DID):
    output name -> the signed file, or the error."""
    from openbadgeslib.ob3.ldp import add_data_integrity_proof

    private, _public, method = _keys()
    folder = tmp_path_factory.mktemp("openbadgeslib-signed")
    out: dict[str, Any] = {}
    for path in outputs:
        doc = json.loads(path.read_bytes())
        doc["issuer"] = {**doc["issuer"], "id": method.partition("#")[0]} \
            if isinstance(doc.get("issuer"), dict) else method.partition("#")[0]
        try:
            signed = add_data_integrity_proof(doc, private, method)
        except Exception as exc:  # the library's own errors: reported by the test
            out[path.name] = f"{type(exc).__name__}: {exc}"
            continue
        target = folder / path.name.replace(".json", ".signed.json")
        target.write_text(json.dumps(signed), "utf-8")
        out[path.name] = target
    return out


@pytest.fixture(scope="module")
def harness(outputs: list[Path], shared: Path, tmp_path_factory: pytest.TempPathFactory,
            request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """The harness's line for each output (DCC-signed, then verified by verifier-core) and
    for each openbadgeslib-signed output (verified only), by file name."""
    node = _node()
    files = [str(p) for p in outputs]
    try:
        signed = request.getfixturevalue("openbadgeslib_signed")
        files += [str(p) for p in signed.values() if isinstance(p, Path)]
    except pytest.skip.Exception:
        pass
    signed_out = tmp_path_factory.mktemp("dcc-signed")
    run = subprocess.run(
        [node, str(PEERS / "harness.mjs"), "--contexts",
         str(shared / "schemas" / "jsonld-contexts"), "--schemas", str(shared / "schemas"),
         "--signed-out", str(signed_out), *files],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == len(files)
    return {line["file"]: line for line in lines}


def _accepted(line: dict[str, Any]) -> bool:
    """verifier-core's verdict on the signature: valid, or (for a credential whose validFrom
    is still to come, where verifier-core stops before the signature) valid at validFrom."""
    return line.get("valid_signature") is True or (
        line.get("not_yet_valid") is True and line.get("signature_at_valid_from") is True)


def test_dcc_signs_and_verifier_core_verifies_every_output(
        outputs: list[Path], harness: dict[str, dict[str, Any]]) -> None:
    lines = [harness[p.name] for p in outputs]
    failed = {line["file"]: line.get("sign_error") or line.get("errors") for line in lines
              if not _accepted(line)}
    network = sorted({url for line in lines for url in line["network_only"]})
    print(f"\nDCC: {len(lines) - len(failed)}/{len(lines)} ob3 outputs signed and verified; "
          f"{sum(bool(line.get('not_yet_valid')) for line in lines)} not yet valid (signature "
          f"checked at validFrom); network-only checks not run: {len(network)} URLs "
          "(status lists, schemas the credentials name)")
    assert not failed, failed


def test_verifier_core_verifies_openbadgeslib_signatures(
        openbadgeslib_signed: dict[str, Any], harness: dict[str, dict[str, Any]]) -> None:
    signed = [p for p in openbadgeslib_signed.values() if isinstance(p, Path)]
    failed = {p.name: harness[p.name].get("errors") for p in signed
              if not _accepted(harness[p.name])}
    assert not failed, failed


def _verify(doc: dict[str, Any], public: bytes) -> str | None:
    """openbadgeslib's verdict: None when the proof verifies (a credential outside its
    validity window counts: the window is checked after the signature, on the source's
    dates), else its error."""
    from openbadgeslib.ob3.ldp import OB3LdpVerifier

    try:
        OB3LdpVerifier(pubkey_pem=public).verify(doc)
    except Exception as exc:  # the library's own errors: reported by the test
        message = str(exc)
        if message.startswith(("Credential has expired", "Credential is not yet valid")):
            return None
        return f"{type(exc).__name__}: {message[:300]}"
    return None


def _over_size_limit(doc: dict[str, Any]) -> bool:
    """True for a document larger than openbadgeslib accepts at all (its policy, before any
    JSON-LD: 256 KiB compact; the Blockcerts certificates that embed their image)."""
    from openbadgeslib.ob3.ldp import MAX_LDP_DOCUMENT_BYTES

    compact = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return len(compact) > int(MAX_LDP_DOCUMENT_BYTES)


def test_openbadgeslib_signs_every_output(
        outputs: list[Path], openbadgeslib_signed: dict[str, Any]) -> None:
    """add_data_integrity_proof signs every output (verifier-core verifies those signatures:
    test_verifier_core_verifies_openbadgeslib_signatures)."""
    failed = {p.name: openbadgeslib_signed[p.name] for p in outputs
              if isinstance(openbadgeslib_signed[p.name], str)
              and not _over_size_limit(json.loads(p.read_bytes()))}
    too_big = sum(_over_size_limit(json.loads(p.read_bytes())) for p in outputs)
    print(f"\nopenbadgeslib: {len(outputs) - len(failed) - too_big}/{len(outputs)} ob3 outputs "
          f"signed; {too_big} over its {256} KiB document limit (not signed by its policy)")
    assert not failed, failed


def test_openbadgeslib_verifies_dcc_signatures(
        outputs: list[Path], harness: dict[str, dict[str, Any]]) -> None:
    _private, public, _method = _keys()
    failed = {}
    for path in outputs:
        line = harness[path.name]
        if "signed_file" not in line:
            failed[path.name] = line.get("sign_error")
            continue
        doc = json.loads(Path(line["signed_file"]).read_bytes())
        if _over_size_limit(doc):
            continue  # refused unread by openbadgeslib's policy (counted above)
        error = _verify(doc, public)
        if error:
            failed[path.name] = error
    assert not failed, failed
