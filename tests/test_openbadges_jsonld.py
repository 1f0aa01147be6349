"""Open Badges outputs that JSON-LD processors accept (issue 18): safe mode in ``validate`` and in
the writers, absolute ids, the credbridge extension's forms, eduCredentials profiles, status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from credbridge import MicroCredential, Report
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.plugin_manager import get_formats
from credbridge.plugins.openbadges import contexts as C
from credbridge.plugins.openbadges.validation import json_ld_problems

EXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


@pytest.fixture
def mc(fixtures: Path) -> MicroCredential:
    """The project's complete micro-credential (canonical)."""
    return next(read(fixtures / "ob3" / "microcredential.canonical.json"))


def doc_of(cred: MicroCredential, to: str = "ob3", report: Report | None = None,
           **options: Any) -> dict[str, Any]:
    """The written document of one credential."""
    return json.loads(write([cred], None, to=to, report=report, options=options) or b"")


def with_(cred: MicroCredential, **update: Any) -> MicroCredential:
    """``cred`` with canonical fields replaced (validated)."""
    return MicroCredential.model_validate({**cred.to_json_dict(), **update})


def test_every_shared_output_is_json_ld_safe(shared: Path) -> None:
    """0 safe-mode problems over the ob3 and ob2 outputs of every readable shared document
    (ob3 also with the eduCredentials profile and without the extension)."""
    creds = []
    for path in sorted(p for kind in ("samples", "corpus") for p in (shared / kind).rglob("*")
                       if p.is_file() and p.suffix not in (".md", ".tsv")):
        try:
            creds += list(read(path))
        except CredbridgeError:
            continue
    assert len(creds) > 200
    problems: dict[str, list[str]] = {}
    for to, options in (("ob3", {}), ("ob3", {"profile": "educredentials"}),
                        ("ob3", {"no_extension": True}), ("ob2", {})):
        for cred in creds:
            found = json_ld_problems(doc_of(cred, to, **options), json_ld_10=to == "ob2")
            if found:
                problems[f"{to} {options} {cred.id}"] = found
    assert not problems, problems


def test_validate_reports_relative_ids_undefined_terms_and_types(mc: MicroCredential,
                                                                 shared: Path) -> None:
    doc = doc_of(mc)
    doc["id"] = "MNM2-BIO"
    doc["credentialSubject"]["undefinedTerm"] = 1
    doc["evidence"] = [{"id": "https://example.org/e", "type": ["Evidence", "Unknown"]}]
    doc["validUntil"] = None
    problems = get_formats().get("ob3").validate(json.dumps(doc).encode(), shared / "schemas")
    text = "\n".join(problems)
    assert "the credential id 'MNM2-BIO' is not an absolute IRI" in text
    assert "credentialSubject: term 'undefinedTerm' is not defined" in text
    assert "evidence/0: relative @type reference 'Unknown'" in text
    assert "validUntil is null" in text


def test_non_iri_id_becomes_a_derived_urn(mc: MicroCredential) -> None:
    report = Report()
    cred = with_(mc, id="MNM2-BIO")
    first, again = doc_of(cred, report=report), doc_of(cred)
    assert first["id"] == again["id"] and first["id"].startswith("urn:uuid:")
    assert any(m.field == "id" and "MNM2-BIO" in m.detail for m in report.messages)
    [back] = read(json.dumps(first).encode(), from_format="ob3")
    assert back.id == "MNM2-BIO"  # the credbridge extension keeps the original


def test_extension_is_a_json_literal_under_an_absolute_iri(mc: MicroCredential) -> None:
    doc = doc_of(mc)
    assert doc["@context"] == [C.VC2_CONTEXT, C.OB3_CONTEXT, EXT]  # no inline context
    literal = doc[C.CREDBRIDGE_IRI]
    assert literal["type"] == "@json" and "stackability" in literal["@value"]
    [back] = read(json.dumps(doc).encode(), from_format="ob3")
    assert back.stackability == mc.stackability
    # what credbridge 0.1 wrote is still read
    old = {k: v for k, v in doc.items() if k != C.CREDBRIDGE_IRI}
    old["@context"] = [*old["@context"], {C.CREDBRIDGE_TERM: {"@id": C.CREDBRIDGE_IRI,
                                                             "@type": "@json"}}]
    old[C.CREDBRIDGE_TERM] = literal["@value"]
    [back] = read(json.dumps(old).encode(), from_format="ob3")
    assert back.stackability == mc.stackability


def test_no_extension_drops_and_says_so(mc: MicroCredential) -> None:
    report = Report()
    for to in ("ob3", "ob2"):
        doc = doc_of(mc, to, report, no_extension=True)
        assert C.CREDBRIDGE_IRI not in doc and C.OB2_CREDBRIDGE_EXTENSION not in doc
    assert any(m.code == "dropped" and m.field == "stackability" and "--no-extension" in m.detail
               for m in report.messages)


def test_educredentials_only_when_asked_or_used(mc: MicroCredential, shared: Path) -> None:
    plain = doc_of(mc)
    assert "ECTS" not in plain["credentialSubject"]["achievement"]
    assert not any("educredential" in json.dumps(c) for c in plain["@context"])
    educ = doc_of(mc, profile="educredentials")
    inline = educ["@context"][3]
    assert C.EDUC_ACHIEVEMENT in inline and C.EDUC_CONTEXT not in educ["@context"]
    scoped = inline[C.EDUC_ACHIEVEMENT]["@context"]["supervisionType"]
    assert "@context" in scoped and "context" not in scoped  # the published file's error
    assert json_ld_problems(educ) == []
    sample = shared / "samples" / "ob3" / "educredentials-theed_microcredential_full_ho.json"
    [cred] = read(sample)
    assert "ECTS" in doc_of(cred, profile="auto")["credentialSubject"]["achievement"]
    assert "ECTS" not in doc_of(cred)["credentialSubject"]["achievement"]


@pytest.mark.parametrize(("service", "method", "written"), [
    ("https://example.org/status/3#94567", None, {
        "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "94567", "statusListCredential": "https://example.org/status/3"}),
    ("https://example.org/status/3#7", "StatusList2021Entry", {
        "type": "BitstringStatusListEntry", "statusListIndex": "7"}),
    ("https://example.org/revocations", "1EdTechRevocationList", {
        "type": "1EdTechRevocationList", "id": "https://example.org/revocations"}),
    ("https://example.org/status", "CredentialsStatusList2020", None),
    ("https://example.org/status", None, None),  # no index: no entry can be written
])
def test_credential_status(mc: MicroCredential, service: str, method: str | None,
                           written: dict[str, Any] | None) -> None:
    report = Report()
    cred = with_(mc, verification={"status_service": service, "method": method})
    doc = doc_of(cred, report=report)
    if written is None:
        assert "credentialStatus" not in doc
        assert any(m.field in ("verification.method", "verification.status_service")
                   for m in report.messages)
    else:
        assert written.items() <= doc["credentialStatus"].items()
    assert json_ld_problems(doc) == []
    [back] = read(json.dumps(doc).encode(), from_format="ob3")
    assert back.verification is not None and back.verification.status_service == service


def test_status_types_are_read_as_what_they_are(mc: MicroCredential) -> None:
    doc = doc_of(mc)
    doc["credentialStatus"] = [
        {"id": "https://x.example/s#1", "type": "StatusList2021Entry",
         "statusPurpose": "suspension", "statusListIndex": "1",
         "statusListCredential": "https://x.example/s"},
        {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
         "statusListIndex": "5", "statusListCredential": "https://x.example/b"}]
    report = Report()
    [cred] = read(json.dumps(doc).encode(), from_format="ob3", report=report)
    assert cred.verification is not None
    assert cred.verification.status_service == "https://x.example/b#5"
    assert cred.verification.method == "BitstringStatusListEntry"
    details = " ".join(m.detail for m in report.messages)
    assert "revocation bit 5 of https://x.example/b" in details
    assert "StatusList2021Entry suspension bit 1" in details


def test_source_json_that_json_ld_drops_is_not_written(mc: MicroCredential) -> None:
    source = doc_of(mc)
    source["credentialSubject"]["undefinedTerm"] = "x"
    source["evidence"] = [{"id": "https://example.org/e", "type": "InvalidEvidence"}]
    report = Report()
    [cred] = read(json.dumps(source).encode(), from_format="ob3")
    doc = doc_of(cred, report=report)
    assert "undefinedTerm" not in doc["credentialSubject"] and "evidence" not in doc
    assert json_ld_problems(doc) == []
    assert sum(m.code == "dropped" and "of the source" in m.detail
               for m in report.messages) == 2


def test_ob2_is_json_ld_10_safe_with_documented_defaults(mc: MicroCredential) -> None:
    report = Report()
    cred = with_(mc, id="EJK-KHE", awarding_bodies=[{"name": {"en": "Uni"},
                                                     "id": "https://uni.example"}])
    doc = doc_of(cred, "ob2", report)
    assert doc["id"].startswith("urn:uuid:") and "verification" not in doc
    assert doc["badge"]["image"] == C.OB2_DEFAULT_IMAGE
    assert doc["badge"]["issuer"]["url"] == "https://uni.example"
    extension = doc[C.OB2_CREDBRIDGE_EXTENSION]
    assert isinstance(extension[C.CREDBRIDGE_TERM], str)  # JSON text: no @json in 1.0
    assert "@json" not in json.dumps(doc)
    assert json_ld_problems(doc, json_ld_10=True) == []
    defaulted = {m.field for m in report.messages if m.code == "defaulted"}
    assert {"image", "awarding_bodies[].url"} <= defaulted
    [back] = read(json.dumps(doc).encode(), from_format="ob2")
    assert back.id == "EJK-KHE" and "ob2:badge" not in back.extensions
    hosted = doc_of(with_(mc, id="https://uni.example/a/1"), "ob2")
    assert hosted["verification"] == {"type": "hosted"}
