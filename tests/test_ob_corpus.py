"""The Open Badges families of ../shared/corpus (issue 17): detection by the declared
@context/type, the OB 0.5/1.0/1.1 upgrade chain, endorsements and profiles refused by name,
presentations and enveloped credentials, JWTs baked in SVG, and the OB 3.0 schema rules."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from credbridge import Report
from credbridge.cli import cli
from credbridge.convert import read, write
from credbridge.errors import InputError
from credbridge.formats import SNIFF_BYTES
from credbridge.plugin_manager import get_formats
from credbridge.plugins.openbadges.upgrade import upgrade, version_of
from credbridge.report import Code

OB2 = "corpus/ob2"
OB3 = "corpus/ob3"
VC = "corpus/vc-other"


def detect(raw: bytes, name: str = "x.json") -> str:
    """The format credbridge detects for ``raw`` (by content: a plain .json name)."""
    return get_formats().detect(raw[:SNIFF_BYTES], name).name


def read_one(path: Path, report: Report | None = None) -> Any:
    """The one credential of ``path``."""
    [cred] = list(read(path, report=report))
    return cred


def jwt(payload: dict[str, Any]) -> str:
    """An unsigned compact JWS of ``payload`` (credbridge decodes, never verifies)."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'ES256', 'typ': 'JWT'})}.{part(payload)}.c2ln"


# cause 5 and 6: endorsements and profiles are refused with one line saying what they are

@pytest.mark.parametrize("name", ["1edtech-dcpv--assets_endorsement-1.json",
                                  "1edtech-obspec--ob_v2p0_examples_index__jekyll-highlight-json_22.json"])
def test_ob2_endorsement_refused_by_name(shared: Path, name: str) -> None:
    with pytest.raises(InputError, match=r"an Open Badges 2.0 endorsement \(a claim by .* about "):
        list(read(shared / OB2 / name))


def test_ob2_issuer_profile_alone_refused_by_name(shared: Path) -> None:
    with pytest.raises(InputError, match=r"an Open Badges 2.0 issuer profile, not a credential: "
                       "give it with the assertion"):
        list(read(shared / OB2 / "1edtech-dcpv--assets_organization.json"))


@pytest.mark.parametrize("name", ["1edtech-dcpv--ob30_endorsement-valid.json",
                                  "credential-converter--examples_EndorsementCredential.json"])
def test_ob3_endorsement_credential_refused_by_name(shared: Path, name: str) -> None:
    assert detect((shared / OB3 / name).read_bytes()) == "ob3"
    with pytest.raises(InputError, match=r"an Open Badges 3.0 EndorsementCredential"):
        list(read(shared / OB3 / name))


# cause 7: OB 0.5 / 1.0 documents have no @context or type; upgraded step by step

@pytest.mark.parametrize(("name", "steps"), [
    ("badgr-server--testfiles_0_5_basic_instance.json", ["0.5 -> 1.0", "1.0 -> 1.1", "1.1 -> 2.0"]),
    ("1edtech-obvc--tests_testfiles_test_components__py-dict-key_0_5_1_assertion.json",
     ["0.5 -> 1.0", "1.0 -> 1.1", "1.1 -> 2.0"]),
    ("badgr-server--testfiles_1_0_basic_badgeclass.json", ["1.0 -> 1.1", "1.1 -> 2.0"]),
    ("badgr-server--testfiles_1_0_basic_instance2.json", ["1.0 -> 1.1", "1.1 -> 2.0"]),
    ("1edtech-obvc--tests_testfiles_test_components__py-dict-key_1_1_basic_assertion.json",
     ["1.1 -> 2.0"]),
])
def test_old_open_badges_upgraded_step_by_step(shared: Path, name: str, steps: list[str]) -> None:
    raw = (shared / OB2 / name).read_bytes()
    assert detect(raw) == "ob2"
    assert upgrade(json.loads(raw))[1] == steps
    report = Report()
    cred = read_one(shared / OB2 / name, report)
    upgraded = [m.detail for m in report.messages if m.code == Code.UPGRADED]
    assert len(upgraded) == len(steps)
    assert all(any(step in d for d in upgraded) for step in steps)
    assert cred.title is not None or cred.learner is not None


def test_upgrade_0_5_hashed_recipient_and_issuer() -> None:
    doc = {"recipient": "sha256$abc", "salt": "s", "issued_on": "2011-06-01",
           "badge": {"version": "0.5.0", "name": "B", "image": "i", "description": "d",
                     "criteria": "c", "issuer": {"origin": "http://o", "name": "I",
                                                 "contact": "a@b.c"}}}
    assert version_of(doc) == "0.5"
    out, _ = upgrade(doc)
    assert out["@context"] == "https://w3id.org/openbadges/v2"
    assert out["recipient"] == {"type": "email", "hashed": True, "identity": "sha256$abc",
                                "salt": "s"}
    assert out["issuedOn"] == "2011-06-01"
    assert out["badge"]["type"] == "BadgeClass"
    assert out["badge"]["issuer"] == {"type": "Issuer", "url": "http://o", "name": "I",
                                      "email": "a@b.c"}


def test_upgrade_1_0_unix_time_and_verify() -> None:
    out, steps = upgrade({"uid": "1", "recipient": {"identity": "a@b.c", "type": "email"},
                          "badge": "http://b", "issuedOn": 1420070400,
                          "verify": {"type": "hosted", "url": "http://a/1"}})
    assert steps == ["1.0 -> 1.1", "1.1 -> 2.0"]
    assert out["id"] == "http://a/1"
    assert out["issuedOn"] == "2015-01-01T00:00:00Z"
    assert out["verification"] == {"type": "HostedBadge"}
    assert version_of({"@context": "https://w3id.org/openbadges/v2"}) == "2.0"
    assert upgrade({"@context": "https://example.org/x", "a": 1})[1] == []


# cause 9: an OB 3.0 credential that also names the ELM context is OB 3.0

@pytest.mark.parametrize("name", ["credential-converter--jsontest.json",
                                  "credential-converter--output_example_OBv3_to_ELM.json",
                                  "dc-bootcamp--02_merged_MC.json",
                                  "dc-bootcamp--02_merged_MC_raw.json"])
def test_ob3_mixed_with_elm_is_ob3(shared: Path, name: str) -> None:
    assert detect((shared / OB3 / name).read_bytes()) == "ob3"
    report = Report()
    assert read_one(shared / OB3 / name, report) is not None
    assert not report.has_errors


# cause 10: presentations and enveloped credentials

@pytest.fixture
def simple_ob3(shared: Path) -> dict[str, Any]:
    """The 1EdTech simple OB 3.0 credential, without its proof."""
    data = json.loads((shared / OB3 / "1edtech-dcpv--ob30_simple.json").read_text())
    data.pop("proof", None)
    return dict(data)


def test_vp_jwt_holding_an_ob3_vc_jwt(simple_ob3: dict[str, Any], tmp_path: Path) -> None:
    inner = jwt({"vc": simple_ob3, "iss": "did:example:issuer"})
    vp = jwt({"vp": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                     "type": ["VerifiablePresentation"], "verifiableCredential": [inner]},
              "iss": "did:example:holder"})
    path = tmp_path / "vp.jwt"
    path.write_text(vp)
    assert detect(vp.encode(), "vp.jwt") == "ob3"
    report = Report()
    cred = read_one(path, report)
    assert cred.id == simple_ob3["id"]
    assert any("presentation" in m.detail for m in report.messages)


def test_enveloped_credential(simple_ob3: dict[str, Any], tmp_path: Path) -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"],
           "type": ["VerifiablePresentation"],
           "verifiableCredential": [{
               "@context": ["https://www.w3.org/ns/credentials/v2"],
               "type": ["EnvelopedVerifiableCredential"],
               "id": "data:application/vc+jwt," + jwt(simple_ob3)}]}
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(doc))
    assert detect(path.read_bytes()) == "ob3"
    assert read_one(path).id == simple_ob3["id"]


@pytest.mark.parametrize("name", ["blockcerts--v3_mocknet-verifiable-presentation.json",
                                  "blockcerts--v3_mocknet-verifiable-presentation-failing-credential.json"])
def test_presentation_of_other_credentials_refused_saying_what_it_holds(shared: Path,
                                                                        name: str) -> None:
    with pytest.raises(InputError, match=r"a Verifiable Presentation of 2 credential.*"
                       "BlockcertsCredential"):
        list(read(shared / VC / name))


def test_blockcerts_3_refused_by_name_and_blockcerts_2_read(shared: Path) -> None:
    with pytest.raises(InputError, match="a Blockcerts 3 credential"):
        list(read(shared / VC / "blockcerts--v3_blockcerts-3.0-beta-did-ethereum-ropsten.json"))
    for path in sorted((shared / OB2).glob("blockcerts--v2_*")):
        assert read_one(path) is not None, path.name


# cause 14: a baked SVG whose verify attribute holds a JWT

@pytest.mark.parametrize("name", ["1edtech-dcpv--ob30_simple-jwt.svg",
                                  "1edtech-dcpv--ob30_simple-jwt_v1.svg"])
def test_svg_with_a_jwt_in_verify(shared: Path, name: str) -> None:
    report = Report()
    cred = read_one(shared / OB3 / name, report)
    assert cred.title is not None
    assert any(p.kind == "vc-jwt" for p in cred.proof or [])


# cause 15: the old context URL, and @context after 120 kB of image

def test_old_context_url_and_leading_bulk(shared: Path, tmp_path: Path) -> None:
    data = json.loads((shared / OB2 / "1edtech-dcpv--ob20_basic-assertion-with-language.json")
                      .read_text())
    data["@context"] = "https://openbadgespec.org/v2/context.json"
    assert detect(json.dumps(data).encode()) == "ob2"
    bulky = {"image": "data:image/png;base64," + "A" * 120_000,
             **{k: v for k, v in data.items() if k != "image"}}
    raw = json.dumps(bulky).encode()
    assert raw.index(b"@context") > 120_000
    assert detect(raw) == "ob2"
    path = tmp_path / "bulky.json"
    path.write_bytes(raw)
    assert read_one(path) is not None


def test_inline_ob2_context_detected(shared: Path) -> None:
    raw = (shared / OB2 / "1edtech-dcpv--assets_badgeclass1.json").read_bytes()
    assert detect(raw) == "ob2"


# deliver 4: lenient read, strict check

ERR_RULES = {
    "credential-subject-achievement-result-description-type": "ResultDescription",
    "credential-subject-profile-type": "'Profile'",
    "credential-subject-result-type": "'Result'",
    "evidence-type": "'Evidence'",
    "issuer-otheridentifier-type": "IdentifierEntry",
    "issuer-parentorg-type": "'Profile'",
    "issuer": "'issuer' is required",
    "proof-method-no-scheme": "must be a URI",
    "proof-method-unknown-scheme": "unknown URI scheme 'xxx'",
}


@pytest.mark.parametrize(("name", "rule"), sorted(ERR_RULES.items()))
def test_err_fixture_says_the_rule_it_breaks(shared: Path, name: str, rule: str) -> None:
    path = shared / OB3 / f"1edtech-dcpv--ob30_simple-err-{name}.json"
    report = Report()
    read_one(path, report)
    said = [m.detail for m in report.messages if m.code == Code.SCHEMA_RULE]
    assert any(rule in d for d in said), said
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "canonical",
                                      "--strict-input"])
    assert result.exit_code != 0
    assert "--strict-input" in result.output


def test_err_expired_is_said(shared: Path) -> None:
    report = Report()
    read_one(shared / OB3 / "1edtech-dcpv--ob30_simple-err-expired.json", report)
    assert any("expired" in m.detail for m in report.messages)


def test_valid_fixture_breaks_no_rule(shared: Path) -> None:
    report = Report()
    read_one(shared / OB3 / "1edtech-dcpv--ob30_simple.json", report)
    assert not [m for m in report.messages if m.code == Code.SCHEMA_RULE]


# the VC-EDU draft (2020) OB 3.0 grew from: read through one upgrade step

VC_EDU = "https://w3c-ccg.github.io/vc-ed/contexts/v1/context.json"


@pytest.mark.parametrize(("name", "title", "learner"), [
    ("sandbox--samples_openBadge.json", "EdX MITx Supply Chain Management MicroMasters Badge",
     "did:web:matthew\u2019s_did"),
    ("sandbox--samples_credentialEngine.json", "B.A. in Natural Science and Mathematics",
     "https://example.com/profiles/bob"),
])
def test_vc_edu_draft_read_through_an_upgrade_step(shared: Path, tmp_path: Path, name: str,
                                                   title: str, learner: str) -> None:
    path = shared / OB2 / name
    assert detect(path.read_bytes()) == "ob3"
    report = Report()
    cred = read_one(path, report)
    assert cred.title == {"und": title}
    assert cred.learner.id == learner
    assert [b.id for b in cred.awarding_bodies] == [
        "did:key:z6MkhVTX9BF3NGYX6cc7jWpbNnR7cAjH8LUffabZP8Qu4ysC"]
    assert cred.issued.isoformat().startswith("2020-03-10T04:24:12")
    [step] = [m.detail for m in report.messages if m.code == Code.UPGRADED]
    assert "VC-EDU draft (2020, also as DCC v1) -> Open Badges 3.0" in step
    assert "credentialSubject.hasCredential -> credentialSubject.achievement" in step
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "ob3", "--validate",
                                      "--schemas", str(shared / "schemas"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert written["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert written["credentialSubject"]["achievement"]["name"] == title
    assert not any("vc-ed" in c for c in written["@context"])


@pytest.mark.parametrize("key", ["schema:hasCredential", "hasAchieved", "schema:hasAchieved"])
def test_vc_edu_draft_family_shapes(tmp_path: Path, key: str) -> None:
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1", VC_EDU],
           "id": "https://example.com/assertions/7", "type": ["VerifiableCredential", "Assertion"],
           "issuer": {"id": "did:web:issuer.example"},
           "issuanceDate": "2020-03-10T04:24:12Z",
           "credentialSubject": {
               "type": "Person", "id": "did:web:learner.example", "name": "Sample Learner",
               key: {"id": "https://example.com/hnc", "type": "EducationalOccupationalCredential",
                     "name": "HNC Facilities Management", "image": "https://example.com/i.png",
                     "issuer": "https://example.com/college"}}}
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(doc))
    assert detect(path.read_bytes()) == "ob3"
    report = Report()
    cred = read_one(path, report)
    assert cred.title == {"und": "HNC Facilities Management"}
    assert cred.learner.full_name == "Sample Learner"
    assert cred.provider is not None and cred.provider.id == "https://example.com/college"
    [step] = [m.detail for m in report.messages if m.code == Code.UPGRADED]
    for change in (f"credentialSubject.{key} -> credentialSubject.achievement",
                   "achievement type EducationalOccupationalCredential -> Achievement",
                   "credentialSubject type Person -> AchievementSubject",
                   "achievement image (a URL) -> an Image object", "issuer typed Profile"):
        assert change in step


def test_dcc_v1_credential_read_through_the_draft_step(tmp_path: Path) -> None:
    """The DCC's v1 credentials (its issuer and wallet, 2021-2022): the VC-EDU shape under
    the DCC v1 context, typed LearningCredential or only VerifiableCredential."""
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1",
                        "https://w3id.org/security/suites/ed25519-2020/v1",
                        "https://w3id.org/dcc/v1"],
           "id": "https://example.edu/credentials/1fe91f0f",
           "type": ["VerifiableCredential", "LearningCredential"],
           "issuer": {"type": "Issuer", "id": "did:web:example.edu", "name": "Sample Issuer",
                      "url": "https://example.edu"},
           "issuanceDate": "2021-09-06T00:00:00Z",
           "credentialSubject": {"type": "Person", "id": "did:example:learner",
                                 "name": "Ya Ya Na", "hasCredential": {
                                     "type": ["EducationalOccupationalCredential"],
                                     "name": "GT Guide", "description": "A guide course."}}}
    path = tmp_path / "dcc.json"
    path.write_text(json.dumps(doc))
    assert detect(path.read_bytes()) == "ob3"
    report = Report()
    cred = read_one(path, report)
    assert cred.title == {"und": "GT Guide"} and cred.learner.full_name == "Ya Ya Na"
    assert [b.name for b in cred.awarding_bodies] == [{"und": "Sample Issuer"}]
    [step] = [m.detail for m in report.messages if m.code == Code.UPGRADED]
    assert "type LearningCredential -> OpenBadgeCredential" in step
    assert "https://w3id.org/dcc/v1 replaced by" in step
    assert "issuer typed Profile (was Issuer)" in step
    out = write([cred], None, to="ob3")
    assert out is not None and json.loads(out)["issuer"]["type"] == ["Profile"]


def test_draft_context_beside_an_ob3_one_is_not_a_draft(tmp_path: Path) -> None:
    """A document that names OB 3.0 is read as OB 3.0: the draft context beside it is an
    unknown extension context, left out and reported, and no step runs."""
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2",
                        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", VC_EDU],
           "id": "urn:uuid:0b5d3f54-3b0c-4d6c-9d43-2c1f2f1f9d11",
           "type": ["VerifiableCredential", "OpenBadgeCredential"],
           "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Issuer"},
           "validFrom": "2024-01-01T00:00:00Z",
           "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
               "id": "https://example.com/a", "type": ["Achievement"], "name": "A",
               "description": "d", "criteria": {"narrative": "n"}}}}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(doc))
    report = Report()
    read_one(path, report)
    assert not [m for m in report.messages if m.code == Code.UPGRADED]
    assert any(m.code == Code.IGNORED_INPUT and VC_EDU in (m.detail or "")
               for m in report.messages)


# the corpus of the OB families: every file reads or is refused with one line

def test_ob_families_read_or_say_what_they_are(shared: Path) -> None:
    told = []
    for family in ("ob2", "ob3", "vc-other"):
        for path in sorted((shared / "corpus" / family).iterdir()):
            try:
                list(read(path, report=Report()))
            except InputError as exc:
                assert "\n" not in exc.message, path.name
                if "cannot tell the format" in exc.message:
                    told.append(path.name)
    assert not told


@pytest.mark.parametrize("reference", ["file:///etc/passwd", "contexts/local.jsonld"])
def test_a_context_beside_ob3_that_is_no_web_url_is_refused(shared: Path, tmp_path: Path,
                                                            reference: str) -> None:
    """Beside an Open Badges context only a published (http/https) context may be left out;
    a file: or relative reference is refused."""
    doc = json.loads((shared / OB3 / "1edtech-dcpv--ob30_simple.json").read_text())
    doc["@context"] = [*doc["@context"], reference]
    path = tmp_path / "local.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError):
        list(read(path, report=Report()))
