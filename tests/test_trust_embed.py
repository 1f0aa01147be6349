"""OB 2.0 signed badges (convert --to ob2 --sign) and --embed-source (the source document as
evidence of ob3 / clr / elm outputs, its own seal checked by `credbridge verify` beside the
output's proof). Keys are made in the test; the sealed source is an EC-sealed ELM of the
shared corpus."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.trust import Status, TrustStore, keys, vcjwt
from credbridge.trust.evidence import embedded_sources, media_type, take_option
from credbridge.trust.verify import verify_bytes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from trust_kit import ed25519_key, make_ca, sealer

SEALED_GLOB = "*signed*.json*"


def _pem(key: object, path: Path) -> Path:
    path.write_bytes(key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return path


def _sealed_elm(shared: Path) -> Path:
    """An EC-sealed ELM document of the corpus whose seal verifies."""
    for path in sorted((shared / "corpus" / "elm").glob(SEALED_GLOB)):
        outcomes = verify_bytes(path.read_bytes(), TrustStore())
        if outcomes and all(o.status is Status.VERIFIED for o in outcomes):
            return path
    pytest.skip("no sealed ELM document that verifies in ../shared/corpus/elm")


def _convert(*args: str) -> str:
    done = CliRunner().invoke(cli, ["convert", *args])
    assert done.exit_code == 0, done.output
    return done.output


def _payload(token: bytes) -> dict[str, object]:
    body = token.split(b".")[1]
    doc: dict[str, object] = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
    return doc


def _flip_payload(token: bytes, old: bytes, new: bytes) -> bytes:
    """The token with its payload edited (the signature kept)."""
    head, body, sig = token.strip().split(b".")
    payload = base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
    assert old in payload
    changed = base64.urlsafe_b64encode(payload.replace(old, new, 1)).rstrip(b"=")
    return b".".join((head, changed, sig))


@pytest.mark.parametrize("kind", ["ed25519", "p256", "rsa"])
def test_ob2_signed_badge_round_trip_and_tamper(kind: str, tmp_path: Path,
                                                fixtures: Path) -> None:
    private = {"ed25519": ed25519_key, "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
               "rsa": lambda: rsa.generate_private_key(public_exponent=65537,
                                                       key_size=2048)}[kind]()
    key = _pem(private, tmp_path / "key.pem")
    out = tmp_path / "badge.jws"
    said = _convert(str(fixtures / "elm" / "microcredential-full.jsonld"), "--to", "ob2",
                    "--sign", str(key), "-o", str(out))
    assert "signed: issuer" in said and "SignedBadge" in said
    token = out.read_bytes()
    header = json.loads(base64.urlsafe_b64decode(token.split(b".")[0] + b"=="))
    assert header["alg"] == {"ed25519": "EdDSA", "p256": "ES256", "rsa": "RS256"}[kind]
    assertion = _payload(token)
    verification = assertion["verification"]
    assert isinstance(verification, dict) and verification["type"] == "SignedBadge"
    badge = assertion["badge"]
    assert isinstance(badge, dict)
    issuer = badge["issuer"]
    assert isinstance(issuer, dict)
    assert str(verification["creator"]).startswith(issuer["id"] + "#")  # the issuer's key
    assert issuer["publicKey"] == verification["creator"]
    outcome, = verify_bytes(token, TrustStore())
    assert outcome.status is Status.VERIFIED and outcome.suite == "ob2-jws", outcome
    assert outcome.signer == issuer["id"] and outcome.key_id == verification["creator"]
    forged = _flip_payload(token, b'"issuedOn":"', b'"issuedOn":"1')
    tampered, = verify_bytes(forged, TrustStore())
    assert tampered.status is Status.INVALID and "does not match" in tampered.detail
    (tmp_path / "forged.jws").write_bytes(forged)
    assert CliRunner().invoke(cli, ["verify", str(tmp_path / "forged.jws")]).exit_code == 1


def test_ob2_jws_signed_by_another_key_than_the_issuers_is_invalid(tmp_path: Path,
                                                                   fixtures: Path) -> None:
    out = tmp_path / "badge.jws"
    _convert(str(fixtures / "elm" / "microcredential-full.jsonld"), "--to", "ob2", "--sign",
             str(_pem(ed25519_key(), tmp_path / "key.pem")), "-o", str(out), "-q")
    assertion = _payload(out.read_bytes())
    other = ed25519_key()
    # the same assertion, its creator another did:key that signs it: the signature holds,
    # but the key is not the issuer's
    assertion["verification"] = {"type": "SignedBadge",
                                 "creator": keys.did_key_of(other.public_key())}
    outcome, = verify_bytes(vcjwt.sign_ob2(assertion, other).encode(), TrustStore())
    assert outcome.status is Status.INVALID and "not to the issuer" in outcome.detail


def test_embed_source_sealed_elm_to_ob3_sign_verify(shared: Path, tmp_path: Path,
                                                    fixtures: Path) -> None:
    source = _sealed_elm(shared)
    key = str(fixtures / "trust" / "example-ed25519.pem")
    runner = CliRunner()
    for suite, name in (("eddsa-rdfc-2022", "badge.json"), ("jwt", "badge.jwt")):
        out = tmp_path / name
        said = _convert(str(source), "--to", "ob3", "--sign", key, "--sign-suite", suite,
                        "--embed-source", "-o", str(out))
        assert "is embedded as evidence" in said
        data = out.read_bytes()
        doc = json.loads(data) if suite != "jwt" else _payload(data)
        (where, embedded), = embedded_sources(doc)
        assert embedded == source.read_bytes()  # byte for byte
        evidence = doc["evidence"]
        assert isinstance(evidence, list)
        entry = evidence[-1]
        assert entry["type"] == ["Evidence"]
        assert entry["id"].startswith("data:application/jose+json;base64,")
        outer, *inner = verify_bytes(data, TrustStore())
        assert outer.status is Status.VERIFIED and outer.suite in ("eddsa-rdfc-2022",
                                                                   "vc-jwt"), outer
        assert inner and all(o.status is Status.VERIFIED and o.suite == "jades" for o in inner)
        assert all(str(o.where).startswith(f"{where} (source)") for o in inner)
        assert inner[0].signer and inner[0].signer != outer.signer
        shown = runner.invoke(cli, ["verify", str(out)])
        assert shown.exit_code == 0, shown.output
        lines = shown.output.splitlines()
        assert len(lines) == 1 + len(inner) and "(source)" in lines[1], shown.output
        as_json = json.loads(runner.invoke(cli, ["verify", "--json", str(out)]).output)
        assert len(as_json[str(out)]["proofs"]) == 1 + len(inner)
    # the embedded source changed: the outer proof breaks (it covers the evidence)
    signed = json.loads((tmp_path / "badge.json").read_text())
    entry = signed["evidence"][-1]
    raw = bytearray(base64.b64decode(entry["id"].split(",", 1)[1]))
    spot = raw.index(b'"payload"') + 20
    raw[spot] ^= 1
    entry["id"] = entry["id"].split(",", 1)[0] + "," + base64.b64encode(bytes(raw)).decode()
    forged = json.dumps(signed).encode()
    outer, *inner = verify_bytes(forged, TrustStore())
    assert outer.status is Status.INVALID
    assert inner and inner[0].status is Status.INVALID  # and the source's own seal too


def test_embed_source_clr_and_alone(shared: Path, tmp_path: Path, fixtures: Path) -> None:
    source = _sealed_elm(shared)
    out = tmp_path / "clr.jwt"
    _convert(str(source), "--to", "clr", "--sign", str(fixtures / "trust" /
                                                      "example-ed25519.pem"),
             "--embed-source", "-o", str(out), "-q")
    outer, *inner = verify_bytes(out.read_bytes(), TrustStore())
    assert outer.status is Status.VERIFIED and outer.suite == "vc-jwt"
    assert inner and inner[0].status is Status.VERIFIED and inner[0].suite == "jades"
    assert str(inner[0].where).startswith("evidence[0] (source)")
    # --embed-source without --sign: an unsigned badge whose source's seal is still checkable
    alone = tmp_path / "unsigned.json"
    said = _convert(str(source), "--to", "ob3", "--embed-source", "-o", str(alone))
    assert "is embedded as evidence" in said and "covered by" not in said
    outcomes = verify_bytes(alone.read_bytes(), TrustStore())
    assert outcomes and all(o.suite == "jades" and o.ok for o in outcomes)
    assert "proof" not in json.loads(alone.read_text())


def test_embed_source_elm_keeps_the_writers_form(shared: Path, tmp_path: Path) -> None:
    source = _sealed_elm(shared)
    ca_key, ca = make_ca()
    key, cert = sealer(ca_key, ca)
    chain = tmp_path / "chain.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out = tmp_path / "sealed.jsonld"
    _convert(str(source), "--to", "elm", "--sign", str(_pem(key, tmp_path / "k.pem")),
             "--cert", str(chain), "--embed-source", "-o", str(out), "-q")
    outer, *inner = verify_bytes(out.read_bytes(), TrustStore())
    assert outer.status is Status.VERIFIED and "Test University seal" in str(outer.signer)
    assert inner and inner[0].status is Status.VERIFIED and "VELOCERT" in str(inner[0].signer)
    payload = json.loads(json.loads(out.read_bytes())["payload"])
    assert "embeddedEvidence" in json.dumps(payload["evidence"])  # the elm writer's own form


def test_embed_source_of_a_csv_row_is_said_dropped(shared: Path, tmp_path: Path) -> None:
    csv = shared / "samples" / "csv" / "microcredentials.csv"
    if not csv.exists():
        pytest.skip("no CSV sample in ../shared/samples")
    out = tmp_path / "out"
    out.mkdir()
    said = _convert(str(csv), "--to", "ob3", "--embed-source", "-o", str(out) + "/")
    assert "dropped" in said and "no source is embedded" in said
    for written in out.iterdir():
        assert embedded_sources(json.loads(written.read_bytes())) == []


def test_embed_source_each_line_gets_its_own_source(shared: Path, fixtures: Path) -> None:
    first = _sealed_elm(shared)
    second = fixtures / "elm" / "microcredential-full.jsonld"
    done = CliRunner().invoke(cli, ["convert", str(first), str(second), "--to", "ob3",
                                    "--embed-source", "-q"])
    assert done.exit_code == 0, done.output
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    got = [embedded_sources(doc)[0][1] for doc in lines]
    assert got == [first.read_bytes(), second.read_bytes()]


def test_take_option_and_media_types() -> None:
    assert take_option({"embed_source": True, "salt": "x"}, "ob3") == ({"salt": "x"}, True)
    assert take_option({"ob3": {"embed_source": "true"}}, "ob3") == ({"ob3": {}}, True)
    assert take_option({"embed_source": True}, "elm", True) == ({"embed_source": True}, False)
    assert media_type(b'{"payload": "x", "signatures": []}') == "application/jose+json"
    assert media_type(b'{"@context": "x"}') == "application/ld+json"
    assert media_type(b"<?xml version='1.0'?><a/>") == "application/xml"
    assert media_type(b"eyJhbGciOiJFZERTQSJ9.e30.AA") == "application/jose"


def test_embedded_evidence_without_a_proof_adds_no_outcome(fixtures: Path,
                                                          tmp_path: Path) -> None:
    """An unsealed source embedded, or evidence that is an image: the output's own proof is
    the only outcome (no false 'unsupported' for evidence that never claimed a proof)."""
    out = tmp_path / "badge.json"
    _convert(str(fixtures / "elm" / "microcredential-full.jsonld"), "--to", "ob3", "--sign",
             str(fixtures / "trust" / "example-ed25519.pem"), "--embed-source", "-o", str(out),
             "-q")
    doc = json.loads(out.read_bytes())
    assert len(embedded_sources(doc)) == 1
    outcome, = verify_bytes(out.read_bytes(), TrustStore())
    assert outcome.ok and outcome.suite == "eddsa-rdfc-2022"
    image = {"evidence": [{"id": "data:image/png;base64,iVBORw0KGgo=", "type": ["Evidence"]}]}
    assert verify_bytes(json.dumps(image).encode(), TrustStore()) == []


def test_nested_sources_are_followed_to_a_bounded_depth(tmp_path: Path) -> None:
    """A source embedding a source embedding ... ends after MAX_DEPTH levels."""
    from credbridge.trust.evidence import MAX_DEPTH, with_source

    key = ed25519_key()
    method = keys.did_key_of(key.public_key())
    from credbridge.trust import dataintegrity

    base = {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": method.split("#")[0],
            "credentialSubject": {"id": "urn:uuid:7a0c4d2e-3b9f-4e1a-8c6d-5f2b1a0e9d33"}}
    data = json.dumps(dataintegrity.sign(base, key, method)).encode()
    for _ in range(MAX_DEPTH + 3):
        data = json.dumps(dataintegrity.sign(with_source(base, data, "ob3"), key,
                                             method)).encode()
    outcomes = verify_bytes(data, TrustStore())
    assert len(outcomes) == MAX_DEPTH + 1 and all(o.ok for o in outcomes)
    assert str(outcomes[-1].where).count("(source)") == MAX_DEPTH


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
       b'viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>\n')


@pytest.mark.parametrize("image", ["png", "svg"])
@pytest.mark.parametrize(("target", "suite", "expected"), [
    ("ob2", "jws", "ob2-jws"), ("ob3", "eddsa-rdfc-2022", "eddsa-rdfc-2022"),
    ("ob3", "jwt", "vc-jwt")])
def test_a_baked_badge_is_signed_inside_the_image(image: str, target: str, suite: str,
                                                  expected: str, tmp_path: Path,
                                                  fixtures: Path) -> None:
    """--bake with --sign: the credential baked into the image is signed (it was an internal
    error: the signer read the image as JSON); tampering with it inside the image fails."""
    from credbridge.trust.baked import baked, rebake

    picture = tmp_path / f"badge.{image}"
    picture.write_bytes(_png() if image == "png" else SVG)
    out = tmp_path / f"out.{image}"
    _convert(str(fixtures / "elm" / "microcredential-full.jsonld"), "--to", target, "--bake",
             str(picture), "--sign", str(fixtures / "trust" / "example-ed25519.pem"),
             "--sign-suite", suite, "-o", str(out), "-q")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG" if image == "png" else b"<?xml")
    outcome, = verify_bytes(data, TrustStore())
    assert outcome.status is Status.VERIFIED and outcome.suite == expected, outcome
    inner = baked(data)
    assert inner is not None
    forged = rebake(data, inner.replace(b"Data", b"Date", 1) if b"Data" in inner else
                    _flip_payload(inner, b'"type"', b'"tipe"'))
    assert forged is not None
    assert verify_bytes(forged, TrustStore())[0].status is Status.INVALID


def test_embed_source_with_jobs_is_a_usage_error(fixtures: Path) -> None:
    done = CliRunner().invoke(cli, ["convert", str(fixtures / "elm" /
                                                   "microcredential-full.jsonld"),
                                    "--to", "ob3", "--embed-source", "--jobs", "2"])
    assert done.exit_code == 2 and "--embed-source work with --jobs 1" in done.output


@pytest.mark.parametrize("target", ["ob2", "edc-xml", "canonical"])
def test_embed_source_for_a_target_that_cannot_carry_it_is_refused(target: str,
                                                                   fixtures: Path) -> None:
    """It reached only the elm reader before, silently without effect."""
    done = CliRunner().invoke(cli, ["convert", str(fixtures / "elm" /
                                                   "microcredential-full.jsonld"),
                                    "--to", target, "--embed-source"])
    assert done.exit_code == 2 and f"{target} does not" in done.output, done.output
