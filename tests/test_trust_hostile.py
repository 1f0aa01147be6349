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
