"""User mapping overrides for the JSON formats (``--map FILE``, credbridge.mapping, issue 17)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from credbridge import UsageError
from credbridge.batch import Batch, Unit, run
from credbridge.cli import cli
from credbridge.mapping import Mapping, get_at, parse_mapping, parse_path, set_at
from credbridge.report import Code

EXT_MAP = """
[[ob3]]
path = "credentialSubject.achievement.studyHours"
field = "workload.hours"
"""

OB3: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:2f0c9c4e-1a7b-4e7f-9c35-6b1d1d0e5a01",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://example.org/issuers/1", "type": ["Profile"], "name": "Example U"},
    "validFrom": "2025-06-30T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {"id": "https://example.org/achievements/1", "type": ["Achievement"],
                        "name": "Data Literacy", "criteria": {"narrative": "Pass the exam."},
                        "studyHours": 28},
    },
}


def _ob3(**achievement: Any) -> bytes:
    doc = json.loads(json.dumps(OB3))
    doc["credentialSubject"]["achievement"].update(achievement)
    return json.dumps(doc).encode()


def _codes(result: Any, code: Code) -> list[str]:
    return [m.detail for m in result.report.messages if m.code == code]


# --- paths ---------------------------------------------------------------------------------


def test_dotted_and_pointer_paths() -> None:
    assert parse_path("credentialSubject.achievement.SBU") == \
        ("credentialSubject", "achievement", "SBU")
    assert parse_path("status[0].statusListCredential") == ("status", 0, "statusListCredential")
    assert parse_path("/a.b/c~1d/0") == ("a.b", "c/d", "0")
    assert parse_path("alignment.1.targetCode") == ("alignment", "1", "targetCode")


@pytest.mark.parametrize("bad", ["", " a", "a..b", "a.[x]", "." + ".a" * 70])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_path(bad)


def test_get_and_set() -> None:
    doc: dict[str, Any] = {"a": [{"b": 1}]}
    assert get_at(doc, parse_path("a[0].b")) == (True, 1)
    assert get_at(doc, parse_path("a[1].b")) == (False, None)
    assert set_at(doc, parse_path("x.y"), 2) and doc["x"] == {"y": 2}
    assert not set_at(doc, parse_path("a[0].b.c"), 3)  # through a number
    assert not set_at(doc, parse_path("a[5]"), 3)


# --- the file --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('[[ob3]]\npath = "a"\nfield = "workload.hour"', "did you mean 'workload.hours'?"),
    ('[[ob33]]\npath = "a"\nfield = "title"', "unknown format [[ob33]] (did you mean 'ob3'?)"),
    ('[[edc-xml]]\npath = "a"\nfield = "title"', "edc-xml is not a JSON format"),
    ('[[csv]]\npath = "a"\nfield = "title"', "for CSV use --columns"),
    ('[[canonical]]\npath = "a"\nfield = "title"', "the canonical JSON needs no mapping"),
    ('[[ob3]]\npath = "a"\nfield = "title"\nwhere = 1', "rule 1: where: Extra inputs"),
    ('[[ob3]]\npath = "a..b"\nfield = "title"', "rule 1: path:"),
    ('[[ob3]]\npath = "a"\nfield = "title"\ndirection = "up"', "rule 1: direction:"),
    ("ob3 = 1", "ob3 must be an array of tables"),
    ("[[ob3]\n", "not TOML"),
])
def test_a_bad_mapping_is_one_usage_line(text: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_mapping(text, "m.toml")
    assert expected in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("--map m.toml: ")


def test_list_items_of_canonical_fields() -> None:
    rules = parse_mapping('[[elm]]\npath = "a"\nfield = "learner.identifiers[0].value"')
    assert rules.for_reading("elm")[0].field == "learner.identifiers[0].value"
    assert rules.for_writing("ob3") == ()


def test_direction() -> None:
    m = parse_mapping('[[ob3]]\npath = "a"\nfield = "title"\ndirection = "read"')
    assert m.for_reading("ob3") and not m.for_writing("ob3")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot open"):
        run(Batch([_ob3()], to="canonical", mapping=str(tmp_path / "none.toml")))


# --- reading ---------------------------------------------------------------------------------


def test_an_extension_property_is_read_into_its_field() -> None:
    result = run(Batch([_ob3()], to="canonical", mapping=parse_mapping(EXT_MAP, "m.toml")))
    assert json.loads(result.output or b"")["workload"] == {"hours": "28"}
    assert "read from credentialSubject.achievement.studyHours (--map m.toml)" in \
        _codes(result, Code.NOTE)
    assert result.exit_code == 0


def test_without_the_mapping_the_field_is_not_there() -> None:
    result = run(Batch([_ob3()], to="canonical"))
    assert "workload" not in json.loads(result.output or b"")


def test_a_value_the_model_refuses_is_reported_and_not_read() -> None:
    result = run(Batch([_ob3(studyHours=-3)], to="canonical",
                       mapping=parse_mapping(EXT_MAP, "m.toml")))
    cred = json.loads(result.output or b"")
    assert "workload" not in cred and cred["title"]  # the credential is still read
    [problem] = _codes(result, Code.INVALID_VALUE)
    assert problem.startswith("credentialSubject.achievement.studyHours = -3 (--map m.toml)")
    assert "must be 0 or more" in problem and problem.endswith("not read")
    assert result.exit_code == 0


def test_a_path_that_is_not_there_says_nothing() -> None:
    doc = json.loads(_ob3())
    del doc["credentialSubject"]["achievement"]["studyHours"]
    result = run(Batch([json.dumps(doc).encode()], to="canonical",
                       mapping=parse_mapping(EXT_MAP)))
    assert not [m for m in result.report.messages if "--map" in m.detail]


def test_a_list_field_takes_a_single_value() -> None:
    m = parse_mapping('[[ob3]]\npath = "credentialSubject.achievement.lang"\n'
                      'field = "languages"')
    result = run(Batch([_ob3(lang="fr")], to="canonical", mapping=m))
    assert json.loads(result.output or b"")["languages"] == ["fr"]


def test_other_formats_are_left_alone(fixtures: Path) -> None:
    result = run(Batch([fixtures / "csv" / "two-credentials.csv"], to="canonical",
                       mapping=parse_mapping(EXT_MAP)))
    assert result.exit_code == 0
    assert not [m for m in result.report.messages if "--map" in m.detail]


def test_a_jwt_is_not_a_json_document(fixtures: Path) -> None:
    m = parse_mapping('[[ob3]]\npath = "credentialSubject.x"\nfield = "title"')
    result = run(Batch([fixtures / "ob3" / "cloud-security.ob3.jwt"], to="canonical",
                       mapping=m))
    assert any("not a plain JSON document" in d for d in _codes(result, Code.NOTE))


# --- writing ---------------------------------------------------------------------------------


def _canonical(hours: int, n: int = 1) -> bytes:
    return json.dumps({"id": f"urn:example:{n}", "title": {"en": "Data Literacy"},
                       "issued": "2025-06-30", "workload": {"hours": str(hours)},
                       "awarding_bodies": [{"name": {"en": "Example U"},
                                            "id": "https://example.org/u"}]}).encode()


def test_the_field_is_also_written_at_the_path() -> None:
    result = run(Batch([_canonical(40)], to="ob3", mapping=parse_mapping(EXT_MAP, "m.toml")))
    doc = json.loads(result.output or b"")
    assert doc["credentialSubject"]["achievement"]["studyHours"] == 40
    assert "also written at credentialSubject.achievement.studyHours (--map m.toml)" in \
        _codes(result, Code.KEPT_AS_EXTENSION)


def test_and_back() -> None:
    m = parse_mapping(EXT_MAP)
    written = run(Batch([_canonical(12)], to="ob3", mapping=m)).output or b""
    back = run(Batch([written], to="canonical", mapping=m)).output or b""
    assert json.loads(back)["workload"]["hours"] == "12"


def test_json_lines_get_each_credential_its_value() -> None:
    lines = _canonical(3, 1) + b"\n" + _canonical(7, 2) + b"\n"
    result = run(Batch([lines], from_format="canonical", to="ob3",
                       mapping=parse_mapping(EXT_MAP)))
    docs = [json.loads(line) for line in (result.output or b"").splitlines()]
    assert [d["credentialSubject"]["achievement"]["studyHours"] for d in docs] == [3, 7]


def test_read_only_rules_do_not_write() -> None:
    m = parse_mapping(EXT_MAP + 'direction = "read"\n')
    doc = json.loads(run(Batch([_canonical(40)], to="ob3", mapping=m)).output or b"")
    assert "studyHours" not in doc["credentialSubject"]["achievement"]


def test_a_text_of_unknown_language_is_written_as_a_string() -> None:
    m = parse_mapping('[[ob3]]\npath = "credentialSubject.achievement.shortTitle"\n'
                      'field = "title"')
    doc = json.loads(run(Batch([_canonical(1)], to="ob3", mapping=m)).output or b"")
    assert doc["credentialSubject"]["achievement"]["shortTitle"] == {"en": "Data Literacy"}
    plain = json.loads(_canonical(1))
    plain["title"] = "Data Literacy"
    doc = json.loads(run(Batch([json.dumps(plain).encode()], to="ob3", mapping=m)).output
                     or b"")
    assert doc["credentialSubject"]["achievement"]["shortTitle"] == "Data Literacy"


def test_the_mapping_goes_to_workers() -> None:
    m = parse_mapping(EXT_MAP)
    unit = Unit(None, "x.json", "ob3", "canonical", {}, mapping=m)
    assert pickle.loads(pickle.dumps(unit)).mapping == m
    assert isinstance(m, Mapping)


# --- the command line ------------------------------------------------------------------------


def test_cli_map(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_bytes(_ob3())
    (tmp_path / "m.toml").write_text(EXT_MAP, encoding="utf-8")
    done = CliRunner().invoke(cli, ["convert", str(tmp_path / "in.json"), "--to", "canonical",
                                    "--map", str(tmp_path / "m.toml"), "-q"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["workload"] == {"hours": "28"}


def test_cli_bad_map_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_bytes(_ob3())
    (tmp_path / "m.toml").write_text('[[elmo]]\npath = "a"\nfield = "title"\n', encoding="utf-8")
    done = CliRunner().invoke(cli, ["convert", str(tmp_path / "in.json"), "--to", "canonical",
                                    "--map", str(tmp_path / "m.toml")])
    assert done.exit_code == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "elmo is not a JSON format" in done.stderr


# --- the worked example of docs/mapping.md on a corpus document ------------------------------


def test_mynextid_enrolment_both_ways(shared: Path, root: Path) -> None:
    source = shared / "corpus" / "elm" / "credentials--examples_edc-coe-example.json"
    if not source.is_file():
        pytest.skip("the corpus document of docs/mapping.md is not in ../shared/corpus")
    mapping = root / "docs" / "examples" / "mynextid-enrolment.toml"
    result = run(Batch([source], to="canonical", mapping=str(mapping)))
    cred = json.loads(result.output or b"")
    assert cred["learner"]["identifiers"] == [{"value": "12345"}]
    assert cred["stackability"]["stacks_into"][0]["id"] == "urn:epass:degreeProgramme:1ynfGWzu"
    written = run(Batch([source], to="elm", mapping=str(mapping))).output or b""
    subject = json.loads(written)["credentialSubject"]
    assert subject["studentNumber"] == "12345"
    assert subject["degreeProgramme"]["programmeTitle"] == {"de": "Math", "en": "Math"}


def _edit(output: bytes, *hours: int) -> tuple[bytes, list[str]]:
    import io

    from credbridge import Context, MicroCredential, get_formats
    from credbridge.mapping import OutputEdit

    m = parse_mapping(EXT_MAP, "m.toml")
    ctx = Context(format="ob3", options=get_formats().get("ob3").Options())
    out = io.BytesIO()
    edit = OutputEdit(m, m.for_writing("ob3"), out, ctx)
    edit.buffer.write(output)
    for n, h in enumerate(hours):
        edit.written(MicroCredential.model_validate(json.loads(_canonical(h, n))), n)
    edit.finish()
    return out.getvalue(), [m.detail for m in ctx.report.messages]


def test_a_signed_document_is_left_as_it_is() -> None:
    signed = json.dumps({**OB3, "proof": {"type": "DataIntegrityProof"}}, indent=2).encode()
    out, said = _edit(signed, 5)
    assert out == signed
    assert any("signed (proof)" in d for d in said)


def test_an_indented_document_stays_indented() -> None:
    doc = json.dumps(OB3, indent=2).encode() + b"\n"
    out, _said = _edit(doc, 5, 6)  # two records of one document: the first one's values
    assert out.startswith(b'{\n  "@context"') and out.endswith(b"}\n")
    assert json.loads(out)["credentialSubject"]["achievement"]["studyHours"] == 5


def test_a_jwt_output_is_left_as_it_is() -> None:
    out, said = _edit(b"eyJhbGciOiJFUzI1NiJ9.e30.sig\n", 5)
    assert out == b"eyJhbGciOiJFUzI1NiJ9.e30.sig\n"
    assert any("not plain JSON" in d for d in said)


def test_jobs_and_one_file_per_credential(tmp_path: Path) -> None:
    src = tmp_path / "in.canonical.jsonl"
    src.write_bytes(b"\n".join(_canonical(h, h) for h in (1, 2, 3)) + b"\n")
    m = parse_mapping(EXT_MAP)
    lines = run(Batch([src], to="ob3", mapping=m, jobs=2)).output or b""
    assert [json.loads(x)["credentialSubject"]["achievement"]["studyHours"]
            for x in lines.splitlines()] == [1, 2, 3]
    run(Batch([src], to="ob3", mapping=m, output=str(tmp_path / "out") + "/"))
    got = sorted(json.loads(p.read_bytes())["credentialSubject"]["achievement"]["studyHours"]
                 for p in (tmp_path / "out").iterdir())
    assert got == [1, 2, 3]
