"""The ``canonical`` format: one object, an array, or JSON Lines; bad records are reported with
their position and the batch goes on."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from credbridge import Context, MicroCredential, Report, get_formats
from credbridge.batch import Session, read_items
from credbridge.convert import read, write
from credbridge.errors import InputError, UsageError
from credbridge.testing import write_read


@pytest.fixture(scope="session")
def complete_json(fixtures: Path) -> dict[str, Any]:
    """The complete fixture as a dict."""
    data: dict[str, Any] = json.loads(
        (fixtures / "canonical" / "complete.canonical.json").read_text("utf-8"))
    return data


def read_bytes(data: bytes) -> tuple[list[MicroCredential], Report]:
    """Credentials and report of reading canonical bytes."""
    report = Report()
    return list(read(data, from_format="canonical", report=report)), report


def run_cli(args: list[str]) -> Result:
    """``credbridge ARGS`` in this process."""
    from credbridge.cli import cli

    return CliRunner().invoke(cli, args)


def test_one_pretty_object(complete_json: dict[str, Any]) -> None:
    (cred,), report = read_bytes(json.dumps(complete_json, indent=4).encode())
    assert cred.to_json_dict() == complete_json | {"issued": "2025-09-15T10:00:00Z"}
    assert not report.messages


def test_an_array(complete_json: dict[str, Any]) -> None:
    second = complete_json | {"id": "urn:x:2", "levels": {"eqf": 5}}
    creds, _ = read_bytes(json.dumps([complete_json, second], indent=1).encode())
    assert [(c.id, c.levels.eqf if c.levels else None) for c in creds] == [
        (complete_json["id"], 4), ("urn:x:2", 5)]


def test_json_lines_with_bom_and_blank_lines(complete_json: dict[str, Any]) -> None:
    lines = [json.dumps(complete_json | {"id": f"urn:x:{i}"}) for i in range(3)]
    data = b"\xef\xbb\xbf" + "\n".join([lines[0], "", lines[1], lines[2]]).encode() + b"\n\n"
    creds, report = read_bytes(data)
    assert [c.id for c in creds] == ["urn:x:0", "urn:x:1", "urn:x:2"]
    assert report.records_failed == 0


def test_bad_lines_are_reported_with_their_number_and_the_batch_goes_on() -> None:
    data = b"\n".join([
        b'{"id": "urn:x:1", "title": "One"}',
        b'{"id": "urn:x:2", "title": "Two"',          # line 2: broken JSON
        b'{"id": "urn:x:3", "levels": {"eqf": 11}}',  # line 3: invalid value
        b'["not", "an", "object"]',                   # line 4: not an object
        b'{"id": "urn:x:5", "titel": "typo"}',        # line 5: unknown key
        b'{"id": "urn:x:6", "title": "Six"}',
    ])
    creds, report = read_bytes(data)
    assert [c.id for c in creds] == ["urn:x:1", "urn:x:6"]
    assert report.records_failed == 4
    problems = [(m.record, m.field, m.code) for m in report.errors]
    assert problems == [("line 2", None, "invalid-record"),
                        ("line 3", "levels.eqf", "invalid-record"),
                        ("line 4", None, "invalid-record"), ("line 5", "titel", "invalid-record")]
    assert report.errors[0].detail == "invalid JSON line: Expecting ',' delimiter at column 33"


def test_bad_line_through_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "batch.canonical.jsonl"
    source.write_text('{"id": "urn:x:1", "title": "One"}\n{oops\n'
                      '{"id": "urn:x:3", "title": "Three"}\n', "utf-8")
    result = run_cli(["convert", str(source), "--to", "canonical"])
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["urn:x:1",
                                                                              "urn:x:3"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1
    assert errors[0].endswith("batch.canonical.jsonl, line 2: invalid JSON line: Expecting "
                              "property name enclosed in double quotes at column 2")


def test_nan_on_a_json_line_is_a_bad_record() -> None:
    creds, report = read_bytes(b'{"id": "x", "title": NaN}\n{"id": "y"}\n')
    assert [c.id for c in creds] == ["y"]
    assert [(m.record, "NaN" in m.detail) for m in report.errors] == [("line 1", True)]


def test_a_bad_element_of_an_array_is_reported_by_position() -> None:
    creds, report = read_bytes(b'[{"id": "a"}, {"id": "b", "workload": {"ects": -1}}, 7]')
    assert [c.id for c in creds] == ["a"]
    assert [(m.record, m.field) for m in report.errors] == [(2, "workload.ects"), (3, None)]


@pytest.mark.parametrize(("data", "message"), [
    (b'{\n  "id": "x",\n  "title": NaN\n}', "NaN"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'[{"id": "x"}', "invalid canonical JSON"),
])
def test_unreadable_documents_are_input_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_bytes(data)


def test_one_credential_written_pretty_several_as_json_lines(
    complete_json: dict[str, Any]
) -> None:
    cred = MicroCredential.model_validate(complete_json)
    one = write([cred], None, to="canonical") or b""
    assert one.startswith(b'{\n  "id": ') and one.endswith(b"}\n")
    many = write([cred, cred, cred], None, to="canonical") or b""
    assert many.count(b"\n") == 3 and b"\n  " not in many
    # a chunk of a --jobs batch: one credential, but the stream is JSON Lines
    fmt = get_formats().get("canonical")
    forced = io.BytesIO()
    fmt.write([cred], forced, Context(format="canonical", options=fmt.Options(),
                                      json_lines=True))
    assert forced.getvalue().count(b"\n") == 1
    assert json.loads(forced.getvalue()) == cred.to_json_dict()


def test_json_lines_is_not_an_option_any_more() -> None:
    with pytest.raises(UsageError, match=r"no format of this call .* declares it"):
        write([], None, to="canonical", options={"json_lines": True})


def test_records_are_labelled_by_line_also_in_a_later_chunk() -> None:
    """The label of a credential without an id is its line, counted from the chunk's
    ``record_offset``: a --jobs run names records as a serial run does."""
    data = b'{"title": "One"}\n\n{"title": "Two"}\n{"title": "Three", "levels": {"eqf": 0}}\n'
    session = Session({})
    items = list(read_items(data, get_formats().get("canonical"), session))
    assert [i.label for i in items] == ["line 1", "line 3"]
    later = list(read_items(data, get_formats().get("canonical"), Session({}),
                            record_offset=2000))
    assert [i.label for i in later] == ["line 2001", "line 2003"]
    assert [m.record for m in session.report.errors] == ["line 4"]


def test_array_elements_are_labelled_by_position() -> None:
    items = list(read_items(b'[{"title": "A"}, {"id": "urn:x:b"}, {"title": "C"}]',
                            get_formats().get("canonical"), Session({})))
    assert [i.label for i in items] == [1, "urn:x:b", 3]


def test_round_trip_is_exact_and_silent(complete_json: dict[str, Any]) -> None:
    cred = MicroCredential.model_validate(
        complete_json | {"extensions": {"ob3:achievementType": "Certificate"},
                         "proof": [{"kind": "jades", "signer": "CN=Test"}]})
    back, _, report = write_read("canonical", [cred, cred])
    assert back == [cred, cred]
    assert not report.messages


def test_canonical_snapshot(complete_json: dict[str, Any], snapshot: Any) -> None:
    cred = MicroCredential.model_validate(complete_json)
    assert (write([cred], None, to="canonical") or b"").decode("utf-8") == snapshot
