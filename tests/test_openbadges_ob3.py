"""The ``ob3`` format: the shared OB 3.0 samples (1EdTech and eduCredentials) read with their
values, round trips both ways, official JSON Schema validation of everything written, VC 1.1,
VC-JWT, privacy options and the credbridge extension."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import credbridge
import pytest
from credbridge import MicroCredential, Report
from credbridge.context import Context
from credbridge.convert import convert, read, write
from credbridge.errors import UsageError
from credbridge.plugin_manager import get_formats
from credbridge.plugins.openbadges.hashing import hash_identity, matches
from credbridge.plugins.openbadges.options import LEARNER_FIELDS, BadgeOptions, Ob3Options
from credbridge.testing import FormatConformance, shared_dir


@pytest.fixture(scope="session")
def ob3_samples(shared: Path) -> Path:
    """The public OB 3.0 samples."""
    return shared / "samples" / "ob3"


@pytest.fixture(scope="session")
def schemas(shared: Path) -> Path:
    """The official schemas folder."""
    return shared / "schemas"


@pytest.fixture(scope="session")
def mc(fixtures: Path) -> MicroCredential:
    """The project's complete micro-credential (canonical)."""
    return next(read(fixtures / "ob3" / "microcredential.canonical.json"))


def read_one(source: Any, report: Report | None = None) -> MicroCredential:
    """The one credential of an ob3 source."""
    creds = list(read(source, from_format="ob3", report=report))
    assert len(creds) == 1
    return creds[0]


def to_ob3(cred: MicroCredential, report: Report | None = None, **options: Any) -> bytes:
    """ob3 bytes of one credential."""
    return write([cred], None, to="ob3", report=report, options=options) or b""


def assert_valid(data: bytes, schemas: Path) -> None:
    """The official 1EdTech achievement-credential schema accepts ``data``."""
    problems = get_formats().get("ob3").validate(data, schemas)
    assert problems == [], problems


def without_extensions(cred: MicroCredential) -> dict[str, Any]:
    """Canonical JSON without the extensions (format-private round-trip data)."""
    data = cred.to_json_dict()
    data.pop("extensions", None)
    return data


# --- the shared samples ---------------------------------------------------------------------


def test_basic_sample(ob3_samples: Path) -> None:
    cred = read_one(ob3_samples / "basicOpenBadgeCredential.json")
    assert cred.id == "http://example.com/credentials/3527"
    assert cred.title == {"und": "Teamwork"}
    assert cred.awarding_bodies[0].name == {"und": "Example Corp"}
    assert cred.awarding_bodies[0].id == "https://example.com/issuers/876543"
    assert cred.learner is not None and cred.learner.id == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert str(cred.issued) == "2010-01-01 00:00:00+00:00"
    assert cred.further_information is not None
    assert cred.further_information.text["und"].startswith("Team members are nominated")


def test_full_sample(ob3_samples: Path) -> None:
    report = Report()
    cred = read_one(ob3_samples / "fullOpenBadge.json", report)
    assert cred.title == {"und": "1EdTech University Degree"}
    assert cred.workload is not None and cred.workload.ects == Decimal(36)
    body = cred.awarding_bodies[0]
    assert body.name == {"und": "1EdTech University"}
    assert (body.country, body.region, body.email) == ("US", "TX", "registrar@1edtech.edu")
    assert cred.provider is not None and cred.provider.url == "https://1edtech.edu"
    assert cred.learner is not None and cred.learner.email == "student@1edtech.edu"
    assert [i.value for i in cred.learner.identifiers] == ["somebody@gmail.com"]
    assert cred.assessment is not None and cred.assessment.grade is not None
    assert cred.assessment.grade.value == "A"
    assert cred.assessment.grade.scheme is not None
    assert cred.assessment.grade.scheme.pass_ == "C"
    assert [lo.related for lo in cred.learning_outcomes] == [
        ["https://1edtech.edu/catalog/degree"],
        ["https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b"]]
    assert str(cred.valid_until) == "2030-01-01 00:00:00+00:00"
    assert cred.verification is not None
    assert cred.verification.method == "1EdTechRevocationList"
    assert "endorsement" in cred.extensions["ob3:credential"]
    assert any("creditsAvailable read as ECTS" in m.detail for m in report.messages)


def test_skill_assertion_sample(ob3_samples: Path) -> None:
    cred = read_one(ob3_samples / "skillAssertionCase.json")
    assert cred.title == {"und": "Robot Programming"}
    assert cred.awarding_bodies[0].name == {"und": "1EdTech University"}
    assert cred.provider is not None and cred.provider.name == {"und": "Example Industry Group"}
    [outcome] = cred.learning_outcomes
    # the alignment's targetDescription follows its name (issue 16: it was not read)
    assert outcome.text["und"].startswith("Robot Programming: Robot software is a set of ")
    assert outcome.related == [
        "https://robotics-competencies.example.com/competencies/robot-programming"]
    assert cred.further_information is not None
    assert cred.further_information.links == ["https://github.com/somebody/project"]


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_educredentials_samples(ob3_samples: Path, name: str) -> None:
    report = Report()
    cred = read_one(ob3_samples / f"educredentials-theed_microcredential_{name}_ho.json", report)
    # the achievement's inLanguage (en-EN: EN is no country) is the language of its texts;
    # an organisation's name is a proper name, of no declared language (issue 16)
    assert cred.title == {"en": "Minor: Jedi Mind Control and Advanced Meditation Practices"}
    assert cred.awarding_bodies[0].name == {"und": "Naboo Theed University"}
    assert cred.workload is not None and cred.workload.ects == Decimal(3)
    assert cred.levels is not None and cred.levels.eqf == 4
    assert cred.participation is not None
    assert cred.participation.modes == ["onsite", "blended"]
    assert cred.assessment is not None
    assert cred.assessment.types == ["testing"]
    assert cred.assessment.supervision == "supervised-with-id"
    assert cred.assessment.identity_checked is True
    assert cred.assessment.grade is not None and cred.assessment.grade.value == "8.5"
    assert cred.languages == ["en-EN"]
    [qa] = cred.quality_assurance
    assert qa.decision == "https://data.example.com/decisions/AV-4223"
    assert qa.description == {"und": "M Psychological Assessment"}
    details = [m.detail for m in report.messages]
    assert any("not valid JSON-LD" in d for d in details)
    # "XX" (Naboo) is no ISO country: reported, not a failure
    assert any(m.code == "invalid-value" and m.field == "awarding_bodies[].country"
               for m in report.messages)
    assert not report.has_errors
    if name == "full":
        assert str(cred.valid_until) == "2029-08-30 00:00:00+00:00"
        assert [i.value for i in cred.awarding_bodies[0].identifiers] == ["42NB",
                                                                           "university.naboo"]


SAMPLES = ["basicOpenBadgeCredential.json", "fullOpenBadge.json", "skillAssertionCase.json",
           "educredentials-theed_microcredential_full_ho.json",
           "educredentials-theed_microcredential_minimal_ho.json"]


def _json_diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(f"+ {path}/{key}: {json.dumps(b[key])}")
            elif key not in b:
                out.append(f"- {path}/{key}: {json.dumps(a[key])}")
            else:
                out += _json_diff(a[key], b[key], f"{path}/{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _json_diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"~ {path}: {json.dumps(a)} -> {json.dumps(b)}"]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_round_trip(ob3_samples: Path, schemas: Path, name: str, snapshot: Any) -> None:
    """sample -> canonical -> ob3 is the sample again (the differences are snapshotted and
    are additions only: the official credentialSchema, creditsAvailable beside eduC ECTS)."""
    path = ob3_samples / name
    report = Report()
    cred = read_one(path)
    out = to_ob3(cred, report, profile="auto")  # eduCredentials terms as the source had them
    assert_valid(out, schemas)
    source, written = json.loads(path.read_bytes()), json.loads(out)
    # the contexts change as JSON-LD needs: extensions.json for credentialSchema, the
    # eduCredentials context inline and corrected instead of its invalid published file
    assert written["@context"][:3] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
    assert all(c in written["@context"] for c in source["@context"]
               if isinstance(c, str) and "educredential" not in c)
    diff = _json_diff({**source, "@context": None}, {**written, "@context": None})
    dropped = [m.detail for m in report.messages if m.code == "dropped"]
    # additions only, but for an embedded endorsement that is not valid JSON-LD (reported)
    assert all(d.startswith("+") or ("/endorsement" in d and any(
        "endorsement" in m for m in dropped)) for d in diff), diff
    assert diff == snapshot
    assert without_extensions(read_one(out)) == without_extensions(cred)


# --- the project's fixtures -----------------------------------------------------------------


def test_fixture_written_and_valid(mc: MicroCredential, schemas: Path, snapshot: Any) -> None:
    report = Report()
    out = to_ob3(mc, report, profile="educredentials")
    assert_valid(out, schemas)
    doc = json.loads(out)
    assert doc == snapshot
    ach = doc["credentialSubject"]["achievement"]
    assert ach["achievementType"] == "MicroCredential"
    assert ach["creditsAvailable"] == 5.0 and ach["ECTS"] == 5.0
    assert ach["participationType"] == "online"
    assert "EducredentialAchievement" in doc["@context"][3]
    assert {"targetType": "ext:EQF", "targetCode": "6"}.items() <= ach["alignment"][1].items()
    assert doc["issuer"]["address"]["addressCountryCode"] == "IE"
    assert doc["credentialSchema"][0]["id"].endswith("ob_v3p0_achievementcredential_schema.json")
    kept = [m.field for m in report.messages if m.code == "kept-as-extension"]
    assert "stackability" in kept and "access_requirements" in kept
    assert any(m.code == "approximated" and m.field == "title" for m in report.messages)


def test_fixture_round_trip_keeps_everything(mc: MicroCredential) -> None:
    back = read_one(to_ob3(mc))
    assert without_extensions(back) == mc.to_json_dict()


def test_hand_written_vc11_fixture(fixtures: Path, schemas: Path) -> None:
    report = Report()
    cred = read_one(fixtures / "ob3" / "vc11-hashed-recipient.json", report)
    assert cred.title == {"nl": "Circular Product Design"}  # its inLanguage (issue 16)
    assert cred.credential_type == "micro-credential"
    assert cred.workload is not None and cred.workload.ects == Decimal("2.5")
    assert cred.levels is not None and cred.levels.eqf == 6
    assert cred.fields_of_study == ["071"]
    assert cred.learning_outcomes[0].esco_skill is not None
    assert cred.awarding_bodies[0].country == "NL"
    [ident] = cred.learner.identifiers if cred.learner else []
    assert ident.hashed and ident.salt == "x7Qp2"
    assert matches("alex.doe@example.org", ident.value, ident.salt)
    assert str(cred.issued) == "2023-02-01 09:30:00+01:00"
    assert [p.kind for p in cred.proof] == ["data-integrity"]
    out = to_ob3(cred)
    assert b"proofValue" not in out and b"z3FXQjec" not in out
    assert_valid(out, schemas)
    doc = json.loads(out)
    assert doc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert doc["validFrom"] == "2023-02-01T09:30:00+01:00"
    assert doc["credentialSubject"]["identifier"][0]["identityHash"] == ident.value


def test_vc_jwt_is_decoded(fixtures: Path, schemas: Path) -> None:
    path = fixtures / "ob3" / "cloud-security.ob3.jwt"
    assert get_formats().detect(path.read_bytes()[:8192], str(path)).name == "ob3"
    report = Report()
    cred = read_one(path, report)
    assert cred.title == {"und": "Cloud Security Fundamentals"}
    assert cred.awarding_bodies[0].country == "DE"
    assert cred.workload is not None and cred.workload.ects == Decimal(3)
    assert [(p.kind, p.signer) for p in cred.proof] == [
        ("vc-jwt", "https://academy.example.de/keys#1")]
    out = to_ob3(cred)
    assert not out.startswith(b"eyJ") and b"not-a-real-signature" not in out
    assert_valid(out, schemas)


def test_type_as_string_and_identifier_object(schemas: Path) -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2",
                        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
           "id": "urn:uuid:1", "type": "OpenBadgeCredential",
           "issuer": "https://issuer.example.org/profile",
           "validFrom": "2024-01-01T00:00:00Z",
           "credentialSubject": {"type": "AchievementSubject",
                                 "identifier": {"type": "IdentityObject", "hashed": False,
                                                "identityType": "name",
                                                "identityHash": "Ada Lovelace"},
                                 "achievement": {"id": "urn:a", "type": "Achievement",
                                                 "name": "Loops", "description": "d",
                                                 "criteria": {}}}}
    report = Report()
    cred = read_one(json.dumps(doc).encode(), report)
    assert cred.learner is not None and cred.learner.full_name == "Ada Lovelace"
    assert cred.awarding_bodies[0].id == "https://issuer.example.org/profile"
    assert any("never fetches" in m.detail for m in report.messages)
    assert_valid(to_ob3(cred), schemas)


# --- CSV rows, privacy, errors ----------------------------------------------------------------


def test_every_csv_sample_row_writes_valid_ob3(shared: Path, fixtures: Path,
                                                schemas: Path) -> None:
    creds = [*read(shared / "samples" / "csv" / "microcredentials.csv"),
             *read(fixtures / "csv" / "two-credentials.csv")]
    assert len(creds) == 4
    lines = (write(creds, None, to="ob3") or b"").splitlines()
    assert len(lines) == 4
    for cred, line in zip(creds, lines, strict=True):
        assert_valid(line, schemas)
        assert without_extensions(read_one(line)) == cred.to_json_dict()


def test_hash_recipient(mc: MicroCredential, schemas: Path) -> None:
    report = Report()
    out = to_ob3(mc, report, hash_recipient=True, salt="pepper")
    assert b"siofra@example.ie" not in out
    ident = json.loads(out)["credentialSubject"]["identifier"][0]
    assert ident == {"type": "IdentityObject", "identityHash": hash_identity(
        "siofra@example.ie", "pepper"), "identityType": "emailAddress", "hashed": True,
        "salt": "pepper"}
    assert_valid(out, schemas)
    assert any(m.field == "learner.email" and m.code == "note" for m in report.messages)


def test_omit_learner_fields(mc: MicroCredential, schemas: Path) -> None:
    out = to_ob3(mc, omit_learner="birth_date,citizenship,email")
    assert_valid(out, schemas)
    assert b"2001-03-17" not in out and b"siofra@" not in out
    back = read_one(out)
    assert back.learner is not None and back.learner.given_name == "Síofra"
    assert back.learner.birth_date is None and back.learner.citizenship == []


def test_misspelt_option_names_the_right_one(fixtures: Path) -> None:
    source = fixtures / "ob3" / "vc11-hashed-recipient.json"
    with pytest.raises(UsageError, match="omit_learner"):
        credbridge.convert(source, to="ob3", options={"ob3": {"omit_leaner": "all"}})
    with pytest.raises(UsageError, match="omit_learner"):
        credbridge.convert(source, to="ob3", options={"omit_leaner": "all"})


@pytest.mark.parametrize("value", ["birthdate", "email,phone", "all,nope"])
def test_unknown_learner_field_is_a_usage_error(fixtures: Path, value: str) -> None:
    """omit_learner names learner fields: a name that is none is an error of the call that
    lists the valid ones, raised before anything is read or written."""
    source = fixtures / "ob3" / "vc11-hashed-recipient.json"
    with pytest.raises(UsageError, match="omit_learner") as caught:
        credbridge.convert(source, to="ob3", options={"ob3": {"omit_learner": value}})
    assert all(name in str(caught.value) for name in LEARNER_FIELDS)
    with pytest.raises(UsageError, match="birth_date"):
        BadgeOptions(omit_learner=value)


def test_omit_learner_values() -> None:
    assert BadgeOptions().omitted() == ()
    assert BadgeOptions(omit_learner="all").omitted() == LEARNER_FIELDS
    assert BadgeOptions(omit_learner=" email , birth_date,email").omitted() == (
        "email", "birth_date")


def test_options_are_not_mutated(mc: MicroCredential) -> None:
    """A caller's options (a mapping or an options object) are the same after a write and a
    read: the formats only read them, and the objects are frozen."""
    mapping = {"ob3": {"hash_recipient": True, "salt": "pepper", "omit_learner": "birth_date"}}
    before = copy.deepcopy(mapping)
    objects = {"ob3": Ob3Options(hash_recipient=True, salt="pepper")}
    dumped = objects["ob3"].model_dump()
    for options in (mapping, objects):
        out = write([mc], None, to="ob3", options=options) or b""
        assert b"siofra@example.ie" not in out
        list(read(out, from_format="ob3", options=options))
    assert mapping == before
    assert objects["ob3"].model_dump() == dumped
    assert get_formats().get("ob3").Options is Ob3Options


def test_json_lines_records_are_named_by_line(mc: MicroCredential) -> None:
    """Each line of JSON Lines is a record labelled ``line N`` when its credential is yielded;
    a bad line is reported with its label and skipped, and the others are read."""
    line = to_ob3(mc).replace(b"\n", b"")
    data = line + b"\n" + b'{"type": ["OpenBadgeCredential"]' + b"\n\n" + line + b"\n"
    fmt = get_formats().get("ob3")
    ctx = Context(format="ob3", options=BadgeOptions())
    labels = [ctx.record for _cred in fmt.read(io.BytesIO(data), ctx)]
    assert labels == ["line 1", "line 4"]
    [failed] = ctx.report.errors
    assert (failed.code, failed.record, failed.format) == ("invalid-record", "line 2", "ob3")
    report = Report()
    assert len(list(read(data, from_format="ob3", report=report))) == 2
    assert [m.record for m in report.errors] == ["line 2"]


def test_proof_is_never_written(mc: MicroCredential) -> None:
    signed = MicroCredential.model_validate(
        {**mc.to_json_dict(), "proof": [{"kind": "jades", "signer": "CN=Seal"}]})
    report = Report()
    out = to_ob3(signed, report)
    assert b"CN=Seal" not in out and b'"proof"' not in out
    assert any(m.field == "proof" and m.code == "dropped" for m in report.messages)


def test_validate_reports_schema_problems(schemas: Path) -> None:
    bad = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "x",
           "type": ["VerifiableCredential"], "credentialSubject": {}}
    problems = get_formats().get("ob3").validate(json.dumps(bad).encode(), schemas)
    assert any("issuer" in p for p in problems)
    assert any(p.startswith("type") for p in problems)


@pytest.mark.parametrize("data", [b"{}", b'{"type": "Assertion"}', b"[1, 2]", b"eyJhbGciOi.x.y"])
def test_not_a_credential_is_an_input_error(data: bytes) -> None:
    from credbridge.errors import InputError

    with pytest.raises(InputError):
        list(read(data, from_format="ob3"))


def test_detection(ob3_samples: Path, fixtures: Path) -> None:
    registry = get_formats()
    for name in SAMPLES:
        path = ob3_samples / name
        assert registry.detect(path.read_bytes()[:8192], str(path)).name == "ob3"
    ob3 = registry.get("ob3")
    assert not ob3.sniff(b'{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}')
    assert not ob3.sniff(b"<?xml version='1.0'?><europassCredential/>")


_SHARED = shared_dir(Path(__file__).resolve().parent.parent)


class TestOb3Conformance(FormatConformance):
    """The plugin conformance kit, with every shared OB 3.0 sample and the project's own."""

    format_name = "ob3"
    sample_files = (
        *(sorted((_SHARED / "samples" / "ob3").glob("*.json")) if _SHARED else []),
        *sorted(p for p in (Path(__file__).resolve().parent.parent / "fixtures" / "ob3").glob(
            "*.j*") if not p.name.endswith(".canonical.json")),
    )


def test_unknown_remote_context_is_refused_known_ones_pass() -> None:
    from credbridge.errors import UnsafeInputError

    base = {"id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "https://issuer.example.org", "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"achievement": {"id": "urn:a", "name": "A"}}}
    ok = {**base, "@context": ["https://www.w3.org/2018/credentials/v1",
                               "https://imsglobal.github.io/openbadges-specification/context.json",
                               "https://w3id.org/security/suites/ed25519-2020/v1"]}
    assert read_one(json.dumps(ok).encode()).title == {"und": "A"}
    # an unknown context beside the known ones (a vendor's extension, e.g. Velocity Network's)
    # is left out and said, never fetched, and never reaches an output (issue 17)
    vendor = {**base, "@context": ["https://www.w3.org/ns/credentials/v2",
                                   "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                                   "https://evil.example/context.json"]}
    report = Report()
    assert read_one(json.dumps(vendor).encode(), report).title == {"und": "A"}
    [said] = [m for m in report.messages if "evil.example" in m.detail]
    assert said.code == "ignored-input" and "never fetched" in said.detail
    assert b"evil.example" not in to_ob3(read_one(json.dumps(vendor).encode()))
    # with no known context left, the document is refused
    bad = {**base, "@context": ["https://evil.example/context.json"]}
    with pytest.raises(UnsafeInputError, match="never fetch"):
        read_one(json.dumps(bad).encode())
    nested = {**base, "@context": ["https://www.w3.org/ns/credentials/v2",
                                   {"@context": "https://evil.example/context.json"}]}
    with pytest.raises(UnsafeInputError, match="never fetch"):
        read_one(json.dumps(nested).encode())


def test_credbridge_term_is_defined_in_the_document(mc: MicroCredential, shared: Path) -> None:
    """With the official VC 2.0 and OB 3.0 contexts from ../shared put in place of their URLs
    (offline), rdflib's JSON-LD parser expands the credbridge extension to its own IRI and the
    standard terms to the OB vocabulary (the eduCredentials context is left out: it is not valid
    JSON-LD)."""
    import rdflib

    folder = shared / "schemas" / "jsonld-contexts"
    local = {
        "https://www.w3.org/ns/credentials/v2":
            json.loads((folder / "w3c-credentials-v2.jsonld").read_text())["@context"],
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":
            json.loads((folder / "ob-v3p0-context-3.0.3.json").read_text())["@context"],
    }
    doc = json.loads(to_ob3(mc))
    doc["@context"] = [local[c] if isinstance(c, str) else c for c in doc["@context"]
                       if not isinstance(c, str) or c in local]
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    predicates = {str(p) for p in graph.predicates()}
    assert "urn:credbridge:canonical" in predicates
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable" in predicates
    [literal] = graph.objects(predicate=rdflib.URIRef("urn:credbridge:canonical"))
    assert json.loads(str(literal))["stackability"]["standalone"] is True


@pytest.mark.parametrize(("path", "value"), [
    (("type",), {"a": 1}),
    (("issuer",), 42),
    (("issuer", "type"), {"x": 1}),
    (("credentialSubject",), "did:example:1"),
    (("credentialSubject", "achievement", "alignment"), {"targetName": 3}),
    (("credentialSubject", "achievement", "creditsAvailable"), "lots"),
    (("credentialSubject", "identifier"), [{"type": 3}]),
    (("validFrom",), "2024-13-45"),
])
def test_odd_values_end_in_credbridge_errors_or_reports(fixtures: Path, path: tuple[str, ...],
                                                        value: Any) -> None:
    from credbridge.errors import CredbridgeError

    doc = json.loads((fixtures / "ob3" / "vc11-hashed-recipient.json").read_text())
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    report = Report()
    try:
        creds = list(read(json.dumps(doc).encode(), from_format="ob3", report=report))
        write(creds, None, to="ob3")
        write(creds, None, to="ob2")
    except CredbridgeError:
        return
    assert creds or report.has_errors


def test_a_result_description_without_the_required_id_gets_a_derived_one(shared: Path) -> None:
    """A DC Bootcamp credential (mixed OB 3.0 and ELM) carries result descriptions without
    the id OB 3.0 requires; openbadgeslib refused the ob3 output (issue 18, found when the
    corpus issue made the document readable)."""
    result = convert(shared / "corpus/ob3/dc-bootcamp--02_merged_MC.json", to="ob3")
    out = json.loads(result.output or b"{}")
    assert any(m.code == "defaulted" and "result description id" in m.detail
               for m in result.report.messages)
    descriptions = out["credentialSubject"]["achievement"]["resultDescription"]
    assert descriptions and all(d["id"].startswith("urn:uuid:") and d["resultType"]
                                for d in descriptions)
    again = json.loads(convert(shared / "corpus/ob3/dc-bootcamp--02_merged_MC.json", to="ob3")
                       .output or b"{}")
    assert again["credentialSubject"]["achievement"]["resultDescription"] == descriptions
