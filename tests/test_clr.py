"""The ``clr`` format (CLR 2.0): the 1EdTech corpus read with asserted values, VC-JWT
credentials inside a CLR, and every CLR written from the shared data valid against 1EdTech's
ClrCredential schema with every key a term of the CLR 2.0 contexts."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from credbridge import get_formats
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.model import MicroCredential
from credbridge.report import Code, Report

CORPUS = "corpus/ob3/1edtech-dcpv--clr20_{}.json"


def _read(path: Path, report: Report | None = None) -> list[MicroCredential]:
    return list(read(path, from_format="clr", report=report))


def test_the_four_corpus_clrs_are_detected_and_read(shared: Path) -> None:
    for name in ("simple", "simple-noproof", "simple_old_safesigned", "simple_v1"):
        path = shared / CORPUS.format(name)
        assert get_formats().detect(path.read_bytes()[:8192], path.name).name == "clr", name
        assert _read(path), name


def test_simple_clr_two_records_the_second_with_its_part(shared: Path) -> None:
    teamwork, first = _read(shared / CORPUS.format("simple"))
    assert teamwork.id == "http://example.com/credentials/3527"
    assert teamwork.title == {"und": "Teamwork"}
    assert teamwork.description and "collaborate" in teamwork.description["und"]
    assert teamwork.awarding_bodies[0].id == "https://example.com/issuers/876543"
    assert teamwork.awarding_bodies[0].name == {"und": "Example Corp"}
    assert teamwork.learner and teamwork.learner.id == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert str(teamwork.issued) == "2010-01-01"
    assert [p.kind for p in teamwork.proof] == ["data-integrity", "data-integrity"]
    assert first.title == {"und": "Achievement 1"} and first.id == \
        "urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002"
    assert [(p.id, p.title) for p in first.parts] == [
        ("urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002", {"und": "Achievement 2"})]
    assert first.awarding_bodies[0].name == {"und": "Example University"}  # the CLR's issuer
    for position, cred in enumerate((teamwork, first), start=1):
        assert cred.document is not None
        assert (cred.document.id, cred.document.title) == (
            "http://example.edu/credentials/3732", {"und": "Sample Transcript"})
        assert (cred.document.position, cred.document.count) == (position, 2)


def test_old_clrs_one_awarded_achievement_with_its_child(shared: Path) -> None:
    for name in ("simple-noproof", "simple_old_safesigned"):
        [cred] = _read(shared / CORPUS.format(name))
        assert cred.id == "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002", name
        assert cred.title == {"und": "Achievement 1"}
        assert [p.title for p in cred.parts] == [{"und": "Achievement 2"}]
        assert cred.document is None  # a CLR of one record


def test_the_v1_clr_programme_with_its_courses_and_grades(shared: Path) -> None:
    report = Report()
    [programme] = _read(shared / CORPUS.format("simple_v1"), report)
    assert programme.title == {"und": "Nurse Assistant 1 Program with Licensure"}
    titles = [p.title["und"] for p in programme.parts]
    assert titles == ["Health Careers 1", "Human Anatomy and Physiology",
                      "Intro to Health Careers", "Nurse Assisting 1",
                      "Oregon State Board of Nursing - Certified Nursing Assistant"]
    assert programme.parts[0].assessment and programme.parts[0].assessment.grade
    assert programme.parts[0].assessment.grade.value == "A"
    # four credentials share one achievement id in 1EdTech's sample: none is lost
    ignored = " ".join(m.detail for m in report.messages if m.code == Code.IGNORED_INPUT)
    assert "urn:uuid:6364db90-edf9-47b9-b92b-4b116cac19a5" in ignored  # not in the CLR
    assert "endorsement" in ignored


def _jwt(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'EdDSA'})}.{part(payload)}.c2lnbmF0dXJl"


def test_an_achievement_credential_as_vc_jwt(shared: Path) -> None:
    doc = json.loads((shared / CORPUS.format("simple")).read_text("utf-8"))
    vc = doc["credentialSubject"]["verifiableCredential"][0]
    doc["credentialSubject"]["verifiableCredential"][0] = _jwt({"vc": vc, "jti": vc["id"]})
    teamwork, _ = list(read(json.dumps(doc).encode(), from_format="clr"))
    assert teamwork.title == {"und": "Teamwork"} and teamwork.id == vc["id"]
    assert "vc-jwt" in [p.kind for p in teamwork.proof]


def test_a_clr_given_as_a_vc_jwt_is_detected_and_read(shared: Path) -> None:
    """A CLR that is itself a compact JWS (1EdTech's validator fixtures): its payload is the
    ClrCredential; the signature is recorded, not verified."""
    raw = (shared / CORPUS.format("simple")).read_bytes()
    doc = json.loads(raw)
    token = _jwt({"vc": doc, "jti": doc["id"]}).encode()
    assert get_formats().detect(token[:4096], "clr.jwt").name == "clr"
    plain = list(read(raw, from_format="clr"))
    report = Report()
    signed = list(read(token, report=report))
    assert [c.title for c in signed] == [c.title for c in plain]
    assert all("vc-jwt" in [p.kind for p in c.proof] for c in signed)
    assert any(m.field == "proof" and "given as a VC-JWT" in m.detail for m in report.messages)


def test_credbridges_own_signed_clr_reads_back(tmp_path: Path, fixtures: Path) -> None:
    from click.testing import CliRunner
    from credbridge.cli import cli
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = tmp_path / "key.pem"
    key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    source = fixtures / "elm" / "microcredential-full.jsonld"
    out = tmp_path / "clr.jwt"
    done = CliRunner().invoke(cli, ["convert", str(source), "--to", "clr", "--sign", str(key),
                                    "-o", str(out)])
    assert done.exit_code == 0, done.output
    plain = tmp_path / "clr.json"
    assert CliRunner().invoke(cli, ["convert", str(source), "--to", "clr", "-o",
                                    str(plain)]).exit_code == 0
    [back] = list(read(out.read_bytes()))
    [unsigned] = list(read(plain.read_bytes()))
    assert back.title == unsigned.title and back.learner == unsigned.learner
    assert back.workload == unsigned.workload
    assert "vc-jwt" in [p.kind for p in back.proof]


def test_the_clr_subject_is_the_learner(shared: Path) -> None:
    """An achievement credential issued to another identifier keeps the ClrSubject as the
    learner, and says so (1EdTech's complex CLR: one of six names a did:example subject)."""
    doc = json.loads((shared / CORPUS.format("simple")).read_text("utf-8"))
    clr_subject = doc["credentialSubject"].setdefault("id", "urn:uuid:0b6d7d4c-learner")
    doc["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["id"] = \
        "did:example:another-identifier"
    report = Report()
    records = list(read(json.dumps(doc).encode(), from_format="clr", report=report))
    assert {c.learner.id for c in records if c.learner} == {clr_subject}
    assert any(m.field == "learner.id" and "did:example:another-identifier" in m.detail
               for m in report.messages)


# --- writing ------------------------------------------------------------------------------------


def _terms(shared: Path) -> set[str]:
    """Every term the three contexts of a written CLR define (at any depth)."""
    folder = shared / "schemas" / "jsonld-contexts"
    names: set[str] = set()

    def walk(ctx: Any) -> None:
        if isinstance(ctx, dict):
            for key, value in ctx.items():
                if not key.startswith("@"):
                    names.add(key)
                if isinstance(value, dict) and "@context" in value:
                    walk(value["@context"])
        elif isinstance(ctx, list):
            for item in ctx:
                walk(item)

    for name in ("w3c-credentials-v1.jsonld", "clr-v2p0.json", "ob-v3p0.json"):
        walk(json.loads((folder / name).read_text("utf-8"))["@context"])
    return names


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return {k for k in node if not k.startswith("@")} | {
            k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _inputs(shared: Path) -> list[Path]:
    return sorted(p for base in ("samples", "corpus") for p in (shared / base).rglob("*")
                  if p.is_file() and p.suffix in (".json", ".jsonld", ".xml", ".csv")
                  and not p.name.endswith("-metadata.json"))


def test_every_clr_written_from_the_shared_data_is_valid(shared: Path) -> None:
    fmt = get_formats().get("clr")
    terms = _terms(shared)
    written = 0
    for path in _inputs(shared):
        try:
            records = list(read(path))
        except CredbridgeError:
            continue
        if not records:
            continue
        out = write(records, None, to="clr") or b""
        for line in (out.splitlines() if out.count(b"\n") > 1 and out[:1] == b"{" and
                     b"\n{" in out else [out]):
            problems = fmt.validate(line, shared / "schemas")
            assert not problems, f"{path.name}: {problems[:3]}"
            unknown = _keys(json.loads(line)) - terms
            assert not unknown, f"{path.name}: keys that are no CLR 2.0 / OB 3.0 term: {unknown}"
            written += 1
    assert written >= 150


def test_formats_lists_clr_read_and_write() -> None:
    out = subprocess.run([sys.executable, "-m", "credbridge", "formats"], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    [line] = [x for x in out.splitlines() if x.split()[:1] == ["clr"]]
    assert line.split()[1] == "rw"


def test_clr_never_reads_an_open_badge_and_ob3_never_a_clr(shared: Path) -> None:
    badge = (shared / "samples/ob3/basicOpenBadgeCredential.json").read_bytes()
    clr = (shared / CORPUS.format("simple")).read_bytes()
    assert not get_formats().get("clr").sniff(badge[:8192])
    assert not get_formats().get("ob3").sniff(clr[:8192])


@pytest.mark.parametrize("name", ["simple", "simple_v1"])
def test_a_clr_comes_back_from_clr(name: str, shared: Path) -> None:
    records = _read(shared / CORPUS.format(name))
    back = list(read(write(records, None, to="clr") or b"", from_format="clr"))
    assert [(r.id, r.title, [(p.id, p.title, p.part_of) for p in r.parts]) for r in back] == \
        [(r.id, r.title, [(p.id, p.title, p.part_of) for p in r.parts]) for r in records]


def test_a_parts_grading_scheme_is_reported_dropped(shared: Path) -> None:
    """A part's grading scheme has no place in a CLR: reported for the field, also when the
    first part has none (the core's coverage looks at the first part only)."""
    from credbridge.laws import silent_changes
    from credbridge.testing import write_read

    seen = 0
    for doc in sorted((shared / "corpus" / "elmo").glob("*.xml")):
        try:
            creds = list(read(doc, report=Report()))[:3]
        except CredbridgeError:
            continue  # a corpus document that holds no credential
        for cred in creds:
            if not any(p.assessment and p.assessment.grade and p.assessment.grade.scheme
                       for p in cred.parts):
                continue
            assert silent_changes(cred, "clr") == [], doc.name
            _, _, report = write_read("clr", cred)
            assert sum(m.field == "parts[].assessment.grade.scheme" and m.code == "dropped"
                       for m in report.messages) == 1
            seen += 1
    assert seen
