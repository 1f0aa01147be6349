"""Broken and hostile proofs end in an outcome or a one-line error, never a traceback."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.trust import TrustStore
from credbridge.trust.verify import verify_bytes


def _b64(value: object) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


CASES = {
    "proof is a string": {"proof": "x"},
    "proof list of junk": {"proof": [1, None, {"type": 3}]},
    "DI without value": {"proof": {"type": "DataIntegrityProof", "cryptosuite":
                                   "eddsa-rdfc-2022", "verificationMethod": "did:key:z6Mk"}},
    "DI bad base58": {"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                "verificationMethod": "did:key:zzz#zzz", "proofValue": "z0OIl"}},
    "DI unknown context": {"@context": ["https://example.org/ctx"], "proof": {
        "type": "Ed25519Signature2020", "verificationMethod":
        "did:key:z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS#z6Mk",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKK"
                      "kQchNSvKyQ4Xs3ZR"}},
    "JAdES junk header": {"payload": "e30", "signatures": [{"protected": "!!", "signature": ""}]},
    "JAdES header not object": {"payload": "e30", "signatures": [{"protected": _b64([1]),
                                                                  "signature": ""}]},
    "JAdES bad x5c": {"payload": "e30", "signatures": [{"protected": _b64(
        {"alg": "RS256", "x5c": ["bm90IGEgY2VydA=="]}), "signature": "AA"}]},
    "JAdES no alg": {"payload": "e30", "signatures": [{"protected": _b64({}), "signature": ""}]},
    "signatures not list": {"payload": "e30", "signatures": 5},
}
TEXTS = {
    "compact junk": b"eyJhbGciOiJub25lIn0.e30.",
    "compact alg none": f"{_b64({'alg': 'none'})}.{_b64({'vc': {}})}.".encode(),
    "compact header list": f"{_b64([1, 2])}.{_b64({})}.AA".encode(),
    "xml no SignedInfo": b'<a xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature/></a>',
    "xml bad digest": (b'<a xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature>'
                       b'<ds:SignedInfo><ds:SignatureMethod Algorithm="x"/><ds:Reference URI="'
                       b'http://example.org/"/></ds:SignedInfo><ds:SignatureValue>!!'
                       b'</ds:SignatureValue></ds:Signature></a>'),
    "png truncated": b"\x89PNG\r\n\x1a\n\x00\x00\xff\xffiTXt",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_json_proofs_give_outcomes(name: str) -> None:
    outcomes = verify_bytes(json.dumps(CASES[name]).encode(), TrustStore())
    assert all(o.status.value in ("invalid", "unverifiable", "unsupported") for o in outcomes)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_broken_documents_never_raise_a_traceback(name: str, tmp_path: Path) -> None:
    path = tmp_path / "doc"
    path.write_bytes(TEXTS[name])
    done = CliRunner().invoke(cli, ["verify", str(path)])
    assert done.exit_code in (1, 2), done.output
    assert "Traceback" not in done.output and "internal error" not in done.output


def _poison_credential(n: int, method: str) -> dict[str, object]:
    """A credential whose subject links to a clique of ``n`` blank nodes that all hash alike
    (RDFC-1.0's poison-graph class: the N-degree search tries every permutation), with an
    eddsa-rdfc-2022 proof of a did:key (the signature is never reached)."""
    linked = "https://example.org/vocab#linked"
    clique = [{"@id": f"_:b{i}", linked: [{"@id": f"_:b{j}"} for j in range(n) if j != i]}
              for i in range(n)]
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": method.split("#")[0],
            "credentialSubject": {"id": "urn:uuid:6b1e2f4e-1c55-4c0f-9a57-3d0c5b1a7e10",
                                  linked: clique},
            "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                      "verificationMethod": method, "proofPurpose": "assertionMethod",
                      "proofValue": "z" + "2" * 86}}


@pytest.mark.parametrize("n", [7, 12, 40])
def test_rdfc_poison_graph_ends_unsupported_in_time(n: int, tmp_path: Path) -> None:
    """Unbudgeted, pyld needs about 37 s for a clique of 7 and grows factorially beyond; the
    budget ends each one in a second or two, with one line and exit 1."""
    import time

    from credbridge.trust import keys
    from trust_kit import ed25519_key

    method = keys.did_key_of(ed25519_key().public_key())
    path = tmp_path / "poison.json"
    path.write_text(json.dumps(_poison_credential(n, method)))
    start = time.monotonic()
    outcome, = verify_bytes(path.read_bytes(), TrustStore())
    assert time.monotonic() - start < 5, "the canonicalisation budget did not stop it"
    assert outcome.status.value == "unsupported" and "not canonicalised" in outcome.detail
    start = time.monotonic()
    done = CliRunner().invoke(cli, ["verify", str(path)])
    assert time.monotonic() - start < 5
    assert done.exit_code == 1 and "Traceback" not in done.output
    line, = done.output.splitlines()
    assert "unsupported (eddsa-rdfc-2022)" in line and "poison-graph" in line


def test_rdfc_poison_graph_is_never_signed() -> None:
    import time

    from credbridge.trust import dataintegrity, keys
    from credbridge.trust.rdfc import CanonicalisationBudgetError
    from trust_kit import ed25519_key

    key = ed25519_key()
    doc = _poison_credential(9, keys.did_key_of(key.public_key()))
    start = time.monotonic()
    with pytest.raises(CanonicalisationBudgetError):
        dataintegrity.sign(doc, key, keys.did_key_of(key.public_key()))
    assert time.monotonic() - start < 5


def test_rdfc_blank_node_budget() -> None:
    from credbridge.trust.contexts import loader
    from credbridge.trust.rdfc import CanonicalisationBudgetError, canonical_nquads

    linked = "https://example.org/vocab#linked"
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"],
           "@graph": [{linked: {"@id": f"_:n{i}"}} for i in range(30)]}
    with pytest.raises(CanonicalisationBudgetError, match="blank nodes"):
        canonical_nquads(doc, loader(), blank_nodes=20)
    assert canonical_nquads(doc, loader()).count("\n") == 30  # within the default budget
