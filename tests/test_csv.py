"""The ``csv`` format: round trips, the shared sample, multi-valued and numbered columns, column
maps, CSVW metadata, formula neutralisation, bad rows, and streaming with flat memory."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from credbridge import MicroCredential, Report, get_formats
from credbridge.batch import Session, read_items
from credbridge.convert import convert, read, write
from credbridge.errors import UsageError
from credbridge.plugins.csv.cells import join_multi, neutralise, split_multi, unneutralise
from credbridge.plugins.csv.columns import standard_columns
from credbridge.plugins.csv.options import CsvOptions


@pytest.fixture(scope="session")
def two_csv(fixtures: Path) -> Path:
    """The bundled two-row CSV fixture."""
    return fixtures / "csv" / "two-credentials.csv"


@pytest.fixture(scope="session")
def complete(fixtures: Path) -> MicroCredential:
    """The complete canonical fixture credential."""
    return next(read(fixtures / "canonical" / "complete.canonical.json"))


def csv_bytes(text: str) -> bytes:
    """CSV text with CRLF line ends, as bytes."""
    return text.replace("\n", "\r\n").encode()


def read_csv(data: bytes, **options: Any) -> tuple[list[MicroCredential], Report]:
    """Credentials and report of reading CSV bytes."""
    report = Report()
    creds = list(read(data, from_format="csv", report=report, options=options))
    return creds, report


def run_cli(args: list[str]) -> Result:
    """``credbridge ARGS`` in this process."""
    from credbridge.cli import cli

    return CliRunner().invoke(cli, args)


# --- round trips -----------------------------------------------------------------------------


def test_canonical_to_csv_to_canonical_is_equal(complete: MicroCredential) -> None:
    report = Report()
    data = write([complete], None, to="csv", report=report) or b""
    back, report2 = read_csv(data)
    expected = complete.to_json_dict()
    # participation.languages is the one field no CSV column holds; the report says so
    assert [(m.code, m.field) for m in report.by_code("dropped")] == [
        ("dropped", "participation.languages")]
    del expected["participation"]["languages"]
    assert [c.to_json_dict() for c in back] == [expected]
    assert not report2.messages


def test_fixture_csv_to_canonical_to_csv_is_byte_identical(two_csv: Path) -> None:
    canonical = convert(two_csv, to="canonical")
    assert canonical.report.records_written == 2 and not canonical.report.messages
    again = convert(canonical.output or b"", from_format="canonical", to="csv")
    assert again.output == two_csv.read_bytes()
    assert not again.report.messages


def test_fixture_csv_snapshot(two_csv: Path, snapshot: Any) -> None:
    result = convert(two_csv, to="canonical")
    assert [json.loads(line) for line in (result.output or b"").splitlines()] == snapshot


def test_complete_credential_csv_snapshot(complete: MicroCredential, snapshot: Any) -> None:
    data = write([complete], None, to="csv") or b""
    assert data.decode("utf-8") == snapshot


def test_rfc4180_output(complete: MicroCredential) -> None:
    data = write([complete, complete.model_copy(update={"id": "urn:x:2"})], None, to="csv") or b""
    assert data.count(b"\r\n") == 3 and data.endswith(b"\r\n")
    assert b'"A short course on sizing, installing and commissioning' in data  # comma: quoted
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len({len(r) for r in rows}) == 1


# --- the shared sample -------------------------------------------------------------------------


def _texts(value: dict[str, str] | None) -> str:
    assert value is not None and list(value) == ["und"], value
    return value["und"]


SAMPLE_COLUMNS: dict[str, Callable[[MicroCredential], str]] = {
    "credential_id": lambda c: c.id or "",
    "learner_given_names": lambda c: c.learner.given_name or "" if c.learner else "",
    "learner_family_name": lambda c: c.learner.family_name or "" if c.learner else "",
    "learner_email": lambda c: c.learner.email or "" if c.learner else "",
    "learner_date_of_birth": lambda c: c.learner.birth_date.isoformat()
    if c.learner and c.learner.birth_date else "",
    "title": lambda c: _texts(c.title),
    "awarding_body": lambda c: ";".join(_texts(b.name) for b in c.awarding_bodies),
    "awarding_body_country": lambda c: ";".join(b.country or "" for b in c.awarding_bodies),
    "issue_date": lambda c: c.issued.isoformat() if c.issued else "",
    "expiry_date": lambda c: c.valid_until.isoformat() if c.valid_until else "",
    "eqf_level": lambda c: str(c.levels.eqf) if c.levels else "",
    "isced_f": lambda c: ";".join(c.fields_of_study),
    "ects": lambda c: str(c.workload.ects) if c.workload else "",
    "learning_outcomes": lambda c: ";".join(_texts(o.text) for o in c.learning_outcomes),
    "language": lambda c: ";".join(c.languages),
    "mode": lambda c: ";".join(c.participation.modes) if c.participation else "",
    "evidence_url": lambda c: ";".join(c.further_information.links)
    if c.further_information else "",
}


def test_shared_sample_every_column_accounted_for(shared: Path) -> None:
    sample = shared / "samples" / "csv" / "microcredentials.csv"
    report = Report()
    creds = list(read(sample, report=report))
    with open(sample, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert set(rows[0]) == set(SAMPLE_COLUMNS), "a column of the sample has no assertion"
    assert len(creds) == len(rows) == 2
    for cred, row in zip(creds, rows, strict=True):
        for column, value_of in SAMPLE_COLUMNS.items():
            expected = ";".join(item.strip() for item in row[column].split(";")) \
                if column in ("isced_f", "learning_outcomes", "language") else row[column]
            assert value_of(cred) == expected, column
    assert report.by_code("ignored-input") == []
    assert not report.messages and report.records_read == 2
    # the values themselves, as a registry clerk reads them
    first, second = creds
    assert first.levels is not None and first.levels.eqf == 6
    assert first.workload is not None and first.workload.ects == Decimal("5")
    assert first.awarding_bodies[0].country == "IE"
    assert first.fields_of_study == ["0613", "0542"]
    assert second.learner is not None and second.learner.given_name == 'Jean-Luc "JL"'
    assert second.languages == ["fr", "en"]
    assert first.valid_until is None and str(second.valid_until) == "2027-06-30"


# --- cells -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("a; b;c", ["a", "b", "c"]),
        ('"Communicate findings; with charts"; b', ["Communicate findings; with charts", "b"]),
        ('a; "x; y"', ["a", "x; y"]),
        ('"say \\"hi\\"; bye"', ['say "hi"; bye']),
        ("a;; c", ["a", None, "c"]),
        ("a; ;", ["a"]),
        ('"not closed; b', ['"not closed', "b"]),
    ],
)
def test_split_multi(cell: str, items: list[str | None]) -> None:
    assert split_multi(cell) == items


@pytest.mark.parametrize(
    "items",
    [["a", "b"], ["x; y", "z"], ['"quoted"', "b"], [" padded ", "c"], ["a", None, "c"]],
)
def test_join_then_split_is_identity(items: list[str | None]) -> None:
    assert split_multi(join_multi(items)) == items


def test_multi_valued_cells_with_semicolons_inside_quoted_items() -> None:
    data = csv_bytes(
        'credential_id,title,learning_outcomes,awarding_body,awarding_body_country\n'
        'urn:x:1,T,"""Plan; then act""; Reflect","""Zed; Partners""; Uni Two",IE; FR\n')
    (cred,), report = read_csv(data)
    assert not report.messages
    assert [o.text for o in cred.learning_outcomes] == [{"und": "Plan; then act"},
                                                        {"und": "Reflect"}]
    assert [(b.name, b.country) for b in cred.awarding_bodies] == [
        ({"und": "Zed; Partners"}, "IE"), ({"und": "Uni Two"}, "FR")]
    out = write([cred], None, to="csv") or b""
    assert b'"""Plan; then act""; Reflect"' in out
    assert read_csv(out)[0][0] == cred


def test_numbered_columns_are_read() -> None:
    data = csv_bytes(
        "credential_id,title,learning_outcome_1,learning_outcome_2,learning_outcome_3,"
        "esco_skill_1,esco_skill_3,learning_outcome_1.fr\n"
        'urn:x:1,T,Plan a survey,"Analyse results; report them",Present,'
        "http://data.europa.eu/esco/skill/s1,http://data.europa.eu/esco/skill/s3,"
        "Planifier une enquête\n")
    (cred,), report = read_csv(data)
    assert not report.messages
    assert [(o.text, o.esco_skill) for o in cred.learning_outcomes] == [
        ({"und": "Plan a survey", "fr": "Planifier une enquête"},
         "http://data.europa.eu/esco/skill/s1"),
        ({"und": "Analyse results; report them"}, None),
        ({"und": "Present"}, "http://data.europa.eu/esco/skill/s3"),
    ]


def test_text_lang_option() -> None:
    data = csv_bytes("credential_id,title,title.fr\nurn:x:1,Cooking,Cuisine\n")
    (cred,), _ = read_csv(data, text_lang="en")
    assert cred.title == {"en": "Cooking", "fr": "Cuisine"}
    out = write([cred], None, to="csv", options={"text_lang": "en"}) or b""
    assert out.splitlines()[0] == b"credential_id,title,title.fr"
    (same,), _ = read_csv(data, text_lang="eng")  # normalised like every language
    assert same.title == cred.title


def test_plain_column_shadowed_by_its_language_column_is_reported() -> None:
    data = csv_bytes("credential_id,title,title.en\nurn:x:1,Cooking,Cookery\n")
    (cred,), report = read_csv(data, text_lang="en")
    assert cred.title == {"en": "Cookery"}
    (message,) = report.by_code("ignored-input")
    assert (message.record, message.field, message.format) == ("header", "title", "csv")
    assert "title.en is also given: that column wins" in message.detail


def test_options_are_typed_and_checked() -> None:
    assert set(CsvOptions.model_fields) == {"columns", "csvw", "raw_cells", "text_lang"}
    assert all(info.description for info in CsvOptions.model_fields.values())
    with pytest.raises(UsageError, match="unknown language 'klingon'"):
        read_csv(b"title\r\nA\r\n", text_lang="klingon")
    for old, new in (("text_language", "text_lang"), ("csvw_path", "csvw")):
        with pytest.raises(UsageError, match=f"did you mean {new}"):
            read_csv(b"title\r\nA\r\n", **{old: "x"})
    with pytest.raises(UsageError, match="record_offset"):
        read_csv(b"title\r\nA\r\n", record_offset=3)
    options = CsvOptions(raw_cells=True)
    with pytest.raises(ValueError, match="frozen"):
        options.raw_cells = False  # type: ignore[misc]


def test_rows_are_labelled_and_numbered_from_the_chunk_offset() -> None:
    """Credentials without an id are named by their row, counted from ``record_offset``; the
    header's messages come with the first chunk only (a --jobs run does not repeat them)."""
    data = csv_bytes("title,colour,eqf_level\nA,red,1\nB,blue,9\n\nC,green,2\n")
    csv_format = get_formats().get("csv")
    first = Session({})
    assert [i.label for i in read_items(data, csv_format, first)] == ["row 1", "row 4"]
    assert [(m.code, m.record) for m in first.report.messages] == [
        ("ignored-input", "header"), ("invalid-record", "row 2")]
    later = Session({})
    items = list(read_items(data, csv_format, later, record_offset=2000))
    assert [i.label for i in items] == ["row 2001", "row 2004"]
    assert [(m.code, m.record) for m in later.report.messages] == [
        ("invalid-record", "row 2002")]


def test_reading_leaves_the_csv_modules_field_limit_as_it_was() -> None:
    before = csv.field_size_limit()
    big = "x" * (before + 10)  # larger than the csv module's default limit
    (cred,), report = read_csv(csv_bytes(f"credential_id,title\nurn:x:1,{big}\n"))
    assert cred.title == {"und": big} and not report.messages
    assert csv.field_size_limit() == before


def test_a_quoted_cell_above_the_csv_modules_limit_never_changes_the_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is process-wide: setting it, even for a moment, races with other threads
    (credbridge serve); a big quoted cell is split by credbridge instead (issue 14)."""
    before = csv.field_size_limit()

    def no_setting(*new: int) -> int:
        assert not new, "the csv module's process-wide field limit was changed"
        return before

    monkeypatch.setattr(csv, "field_size_limit", no_setting)
    big = 'a "quoted", ' + "x" * (before + 10)
    quoted = '"' + big.replace('"', '""') + '"'
    (cred,), report = read_csv(csv_bytes(f'credential_id,title\nurn:x:1,{quoted}\n'))
    assert cred.title == {"und": big} and not report.messages


def test_booleans_and_bad_boolean() -> None:
    data = csv_bytes("credential_id,title,standalone,identity_checked\n"
                     "urn:x:1,T,yes,false\nurn:x:2,T,perhaps,true\n")
    creds, report = read_csv(data)
    assert [c.id for c in creds] == ["urn:x:1"]
    assert creds[0].stackability is not None and creds[0].stackability.standalone is True
    assert creds[0].assessment is not None and creds[0].assessment.identity_checked is False
    (error,) = report.errors
    assert error.record == "row 2" and error.field == "stackability.standalone"
    assert "column standalone" in error.detail and "perhaps" in error.detail


# --- column maps -----------------------------------------------------------------------------


def test_column_map_reads_a_platform_export(fixtures: Path, tmp_path: Path) -> None:
    folder = fixtures / "csv" / "learnbase"
    result = run_cli(["convert", str(folder / "export.csv"), "--columns",
                      str(folder / "columns.toml"), "--to", "canonical"])
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {
        "id": "LB-2025-0042", "title": {"en": "Urban Beekeeping"},
        "learner": {"given_name": "Marta", "family_name": "Kowalska",
                    "email": "marta.k@example.org"},
        "awarding_bodies": [{"name": {"en": "Learnbase Academy"}, "country": "PL"}],
        "issued": "2025-05-20",
        "learning_outcomes": [{"text": {"en": "Inspect a hive safely"}},
                              {"text": {"en": "Recognise common bee diseases"}}],
        "workload": {"ects": "1.5"}, "levels": {"eqf": 3},
        "participation": {"modes": ["onsite"]}}
    assert second["learning_outcomes"] == [{"text": {"en": "Inspect a hive safely"}}]
    # the one column the map leaves out is reported, not silently lost
    assert "ignored-input" in result.stderr and "Internal note" in result.stderr

    # writing with the same map gives the platform's headers back
    out = tmp_path / "back.csv"
    canonical = tmp_path / "in.canonical.jsonl"
    canonical.write_text(result.stdout, "utf-8")
    written = run_cli(["convert", str(canonical), "--to", "csv", "--columns",
                       str(folder / "columns.toml"), "-o", str(out), "-q"])
    assert written.exit_code == 0, written.stderr
    header = out.read_text("utf-8").splitlines()[0].split(",")
    assert header[:3] == ["Badge ID", "Student first name", "Student last name"]
    assert {"Course name", "Completed on", "Level (EQF)", "Credits (ECTS)", "Institution",
            "Institution country", "Delivery"} <= set(header)


def test_column_map_given_as_a_dict(fixtures: Path) -> None:
    folder = fixtures / "csv" / "learnbase"
    from_file = read_csv((folder / "export.csv").read_bytes(), columns=folder / "columns.toml",
                         text_lang="en")

    table = tomllib.loads((folder / "columns.toml").read_text("utf-8"))["columns"]
    # a mapping value is routed per format, so the map itself is given under "csv"
    from_dict = list(read(folder / "export.csv", options={
        "csv": {"columns": table, "text_lang": "en"}}))
    assert from_dict == from_file[0] and len(from_dict) == 2
    with pytest.raises(UsageError, match="'Name' maps to 'nope', which is not a credbridge"):
        list(read(b"Name\r\nA\r\n", from_format="csv", options={
            "csv": CsvOptions(columns={"Name": "nope"})}))


def test_column_map_errors(tmp_path: Path, two_csv: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"Name" = "no_such_column"\n', "utf-8")
    result = run_cli(["convert", str(two_csv), "--columns", str(bad), "--to", "canonical"])
    assert result.exit_code == 2
    assert "no_such_column" in result.stderr and "not a credbridge CSV column" in result.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[columns\n", "utf-8")
    result = run_cli(["convert", str(two_csv), "--columns", str(broken), "--to", "canonical"])
    assert result.exit_code == 2 and "not valid TOML" in result.stderr


# --- CSVW --------------------------------------------------------------------------------------


def test_csvw_metadata_names_every_column(two_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "creds.csv"
    result = run_cli(["convert", str(two_csv), "--to", "csv", "-o", str(out), "--csvw", "-q"])
    assert result.exit_code == 0, result.stderr
    meta = json.loads((tmp_path / "creds.csv-metadata.json").read_text("utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw"
    assert meta["url"] == "creds.csv"
    header = out.read_text("utf-8").splitlines()[0].split(",")
    columns = meta["tableSchema"]["columns"]
    assert [c["titles"] for c in columns] == header
    assert len({c["name"] for c in columns}) == len(columns)
    by_title = {c["titles"]: c for c in columns}
    assert by_title["title.fr"]["lang"] == "fr"
    assert by_title["isced_f"]["separator"] == ";"
    assert by_title["eqf_level"]["valueUrl"] == "http://data.europa.eu/snb/eqf/{eqf_level}"
    assert by_title["learner_date_of_birth"]["datatype"] == "date"
    # issue and expiry dates may be date-times: an ISO 8601 pattern, not xsd:date
    assert by_title["issue_date"]["datatype"]["base"] == "string"
    assert re.match(by_title["issue_date"]["datatype"]["format"], "2025-09-15T10:00:00Z")
    assert re.match(by_title["expiry_date"]["datatype"]["format"], "2028-06-30")
    data_rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    for row in data_rows:  # every written value matches its declared pattern
        for title, column in by_title.items():
            datatype = column["datatype"]
            if row[title] and isinstance(datatype, dict):
                assert re.match(datatype["format"], row[title]), (title, row[title])
    assert meta["tableSchema"]["primaryKey"] == "credential_id"
    assert meta["dialect"]["lineTerminators"] == ["\r\n"]


def test_csvw_from_the_library_goes_beside_the_output_file(complete: MicroCredential,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "one.csv"
    write([complete], out, to="csv", options={"csvw": True})
    meta = json.loads((tmp_path / "one.csv-metadata.json").read_text("utf-8"))
    assert meta["url"] == "one.csv"
    assert [c["titles"] for c in meta["tableSchema"]["columns"]] == \
        out.read_text("utf-8").splitlines()[0].split(",")


def test_csvw_without_an_output_file_is_a_usage_error(complete: MicroCredential,
                                                      tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=re.escape("csvw needs an output file (-o FILE)")):
        write([complete], None, to="csv", options={"csvw": True})
    stream = io.BytesIO()
    with pytest.raises(UsageError, match="csvw needs an output file"):
        write([complete], stream, to="csv", options={"csvw": True})
    assert stream.getvalue() == b""  # refused before anything is written
    assert list(tmp_path.iterdir()) == []


# --- formulas --------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=SUM(A1:A2)", "+1", "-2+3", "@cmd", "\tx"])
def test_neutralise_round_trip(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell
    assert neutralise("plain") == "plain" and unneutralise("'plain") == "'plain"


def test_formulas_are_neutralised_on_output_unless_raw(complete: MicroCredential) -> None:
    evil = complete.model_copy(update={"title": {"und": '=HYPERLINK("http://evil.example","x")'},
                                       "description": {"und": "@SUM(1)"}})
    data = write([evil], None, to="csv") or b""
    row = next(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["description"] == "'@SUM(1)"
    back, _ = read_csv(data)
    assert back[0].title == evil.title  # the mark is removed again on read

    raw = write([evil], None, to="csv", options={"raw_cells": True}) or b""
    row = next(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert row["title"] == '=HYPERLINK("http://evil.example","x")'


def test_raw_cells_flag_on_the_command_line(two_csv: Path) -> None:
    neutral = run_cli(["convert", str(two_csv), "--to", "csv", "-q"])
    raw = run_cli(["convert", str(two_csv), "--to", "csv", "-q", "--raw-cells"])
    assert ",'=B+," in neutral.stdout
    assert ",=B+," in raw.stdout and "'=B+" not in raw.stdout


# --- bad rows ----------------------------------------------------------------------------------


def test_malformed_date_in_row_3(fixtures: Path) -> None:
    source = fixtures / "csv" / "invalid" / "bad-date-row3.csv"
    result = run_cli(["convert", str(source), "--to", "canonical"])
    assert result.exit_code == 1
    converted = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["learner"]["full_name"] for c in converted] == [
        "Aoife Byrne", "Tomás Ó Ceallaigh", "Ciarán Doyle"]  # rows 1, 2 and 4
    errors = [line for line in result.stderr.splitlines() if line != "3 written, 1 failed"]
    assert len(errors) == 1, result.stderr
    (line,) = errors
    assert "row 3" in line and "issue_date" in line and "issued" in line
    assert "'2025-02-31'" in line and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "3 written, 1 failed"
    quiet = run_cli(["convert", str(source), "--to", "canonical", "-q"])
    assert quiet.exit_code == 1
    assert quiet.stderr == line + "\n"  # -q drops the summary, not the reason for exit 1


def test_bad_rows_are_reported_and_the_batch_goes_on() -> None:
    data = csv_bytes(
        "credential_id,title,eqf_level,ects,awarding_body_country\n"
        "urn:x:1,A,9,1,IE\n"
        "urn:x:2,B,5,-1,IE\n"
        "urn:x:3,C,5,1,ZZ\n"
        "urn:x:4,D,5,1,IE,extra\n"
        "\n"
        "urn:x:5,E,5,1,UK\n")
    creds, report = read_csv(data)
    assert [c.id for c in creds] == ["urn:x:5"]
    assert creds[0].awarding_bodies[0].country == "GB"
    assert [(m.record, m.field) for m in report.errors] == [
        ("row 1", "levels.eqf"), ("row 2", "workload.ects"),
        ("row 3", "awarding_bodies[0].country"), ("row 4", None)]
    assert report.records_failed == 4
    assert "column eqf_level" in report.errors[0].detail
    assert "column awarding_body_country" in report.errors[2].detail
    assert "6 cells but the header has 5" in report.errors[3].detail


def test_duplicate_header_is_an_input_error() -> None:
    from credbridge.errors import InputError

    with pytest.raises(InputError, match="duplicate columns in the header: title"):
        read_csv(csv_bytes("credential_id,title,title\nurn:x:1,A,B\n"))


def test_every_standard_column_round_trips() -> None:
    """One value in every standard column: read, written back, read again, unchanged."""
    sample = {
        "credential_id": "urn:x:all", "credential_type": "micro-credential",
        "learner_id": "did:example:123", "learner_given_names": "Ada",
        "learner_family_name": "Lovelace", "learner_full_name": "Ada Lovelace",
        "learner_email": "ada@example.org", "learner_date_of_birth": "1990-12-10",
        "learner_national_id": "X123", "learner_national_id_country": "GB",
        "learner_citizenship": "GB; IE", "title": "Analytical Engines",
        "description": "About engines", "awarding_body_id": "https://example.org/a",
        "awarding_body": "Engine College", "awarding_body_country": "GB",
        "awarding_body_url": "https://example.org", "provider": "Engine Lab",
        "provider_country": "GB", "issue_date": "2025-01-02", "assessment_date": "2024-12-20",
        "expiry_date": "2030-01-01", "eqf_level": "5",
        "nqf_level": "http://data.europa.eu/snb/qdr/c_example", "qf_ehea_cycle": "short",
        "isced_level": "5", "isced_f": "0613", "ects": "2.5", "workload_hours": "60",
        "learning_outcomes": "Design a program", "esco_skills": "http://data.europa.eu/esco/s",
        "language": "en", "mode": "online", "learning_setting": "non-formal",
        "access_requirements": "None", "assessment_type": "portfolio",
        "assessment_description": "A portfolio of programs", "grade": "A",
        "grade_status": "passed", "grading_scheme": "A-F", "supervision": "supervised-no-id",
        "identity_checked": "true", "quality_assurance": "ESG part 1", "qa_body": "QQI",
        "qa_register_url": "https://www.eqar.eu/", "standalone": "true",
        "partial_qualification": "false", "stackable_into": "urn:x:degree",
        "further_information": "See the web", "evidence_url": "https://example.org/e",
        "verification_url": "https://example.org/v", "kind": "activity",
        "period_start": "2021-12-21", "period_end": "2021-12-22",
        "document_id": "urn:x:transcript", "document_title": "Transcript of records",
        "document_description": "All results", "document_position": "1", "document_count": "2",
    }
    assert set(sample) == {c.name for c in standard_columns()}, "a new column needs a value here"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(sample), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(sample)
    (cred,), report = read_csv(buffer.getvalue().encode())
    assert not report.messages
    out = write([cred], None, to="csv") or b""
    assert out == buffer.getvalue().encode()


# --- streaming -----------------------------------------------------------------------------------


class GeneratedCsv(io.RawIOBase):
    """A CSV of ``rows`` generated on demand: the input itself takes no memory."""

    def __init__(self, rows: int) -> None:
        self._lines = self._generate(rows)
        self._pending = b""

    @staticmethod
    def _generate(rows: int) -> Iterator[bytes]:
        yield b"credential_id,title,eqf_level\r\n"
        for i in range(rows):
            yield f"urn:uuid:00000000-0000-4000-8000-{i:012d},Course {i % 97},{1 + i % 8}\r\n" \
                .encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while len(self._pending) < len(buffer):
            chunk = next(self._lines, None)
            if chunk is None:
                break
            self._pending += chunk
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class CountingSink(io.RawIOBase):
    """A binary stream that only counts lines."""

    def __init__(self) -> None:
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.lines += bytes(data).count(b"\n")
        return len(data)


def resident_bytes() -> int:
    """Current resident set size (Linux), else the peak so far."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_streaming_keeps_memory_flat() -> None:
    """120,000 generated rows to canonical JSON Lines through the library: the resident memory
    after the last row is that after the 12,000th (bench/ runs the 1,000,000-row version)."""
    rows, early = 120_000, 12_000
    samples: dict[int, int] = {}

    def watched(creds: Iterator[MicroCredential]) -> Iterator[MicroCredential]:
        for n, cred in enumerate(creds, start=1):
            if n in (early, rows):
                samples[n] = resident_bytes()
            yield cred

    report = Report()
    sink = CountingSink()
    source = io.BufferedReader(GeneratedCsv(rows))
    write(watched(read(source, from_format="csv", report=report)), sink, to="canonical",
          report=report)
    assert sink.lines == rows
    assert report.records_written == rows and report.records_failed == 0
    growth = samples[rows] - samples[early]
    # 108,000 more credentials: keeping even 80 bytes of each would add over 8 MiB
    assert growth < 8 * 1024 * 1024, f"memory grew by {growth / 2**20:.1f} MiB"


# --- tables that are not credential tables ------------------------------------------------------


@pytest.mark.parametrize("name", ["edc2_generic_template_columns.csv",
                                  "edc2_recipients_template_columns.csv",
                                  "edc2_diploma_supplement_template_columns.csv"])
def test_a_table_of_other_columns_is_refused_not_read_as_empty_credentials(
    shared: Path, name: str
) -> None:
    # these shared samples describe the EDC bulk-issuance spreadsheets: one row per column,
    # whose only credbridge-like header is "language"
    result = run_cli(["convert", str(shared / "samples" / "csv" / name), "--to", "canonical"])
    assert result.exit_code == 2  # an input that cannot be read: an error, not a negative
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("credbridge: error: ")
    assert f"{name}, header: not a credential table: 7 of 8 columns" in line
    assert "--columns" in line


def test_an_unmapped_platform_export_is_refused(fixtures: Path) -> None:
    result = run_cli(["convert", str(fixtures / "csv" / "learnbase" / "export.csv"),
                      "--to", "canonical"])
    assert result.exit_code == 2
    assert "14 of 14 columns are not credbridge columns (Badge ID, Course name" in result.stderr


def test_a_table_with_a_title_and_unknown_columns_is_read() -> None:
    (cred,), report = read_csv(csv_bytes("title,colour,size,weight\nCooking,red,L,3\n"))
    assert cred.title == {"und": "Cooking"}
    assert [m.detail for m in report.by_code("ignored-input")] == [
        "columns not understood and ignored: colour, size, weight (map them with --columns)"]


def test_gaps_in_positional_columns_leave_no_empty_elements() -> None:
    # the row plan prunes only below the positional columns' roots: the result is the data
    # the cell-by-cell setters and a prune of the whole record give
    from credbridge.model import build
    from credbridge.plugins.csv.paths import drop_empty_elements, set_value

    text = ("credential_id,title,awarding_body_id,awarding_body,awarding_body_country,"
            "learning_outcome_2,language\r\n"
            "urn:x:1,T,; https://b.example,A; ; C,; ; FR,second,en; fr\r\n")
    [got] = read(text.encode(), from_format="csv")
    data: dict[str, Any] = {}
    set_value(data, "id", "urn:x:1")
    set_value(data, "title", "T", lang="und")
    set_value(data, "awarding_bodies[].id", "https://b.example", position=1)
    for position, name in ((0, "A"), (2, "C")):
        set_value(data, "awarding_bodies[].name", name, position=position, lang="und")
    set_value(data, "awarding_bodies[].country", "FR", position=2)
    set_value(data, "learning_outcomes[].text", "second", position=1, lang="und")
    set_value(data, "languages", ["en", "fr"])
    drop_empty_elements(data)
    assert got == build(data)
    assert [b.name for b in got.awarding_bodies] == [{"und": "A"}, {}, {"und": "C"}]
    assert [o.text for o in got.learning_outcomes] == [{"und": "second"}]


def test_writer_cells_of_each_kind_of_value() -> None:
    from credbridge.plugins.csv.columns import columns_by_name
    from credbridge.plugins.csv.writer import _cells

    cols = columns_by_name()
    title, body, lang = cols["title"], cols["awarding_body"], cols["language"]
    assert _cells(title, {"und": "T", "fr": "t"}, "und") == {None: "T", "fr": "t"}
    assert _cells(title, {"en": "T"}, "en") == {None: "T"}
    assert _cells(title, {}, "und") == {}
    assert _cells(body, [{"und": "A"}, None, {"fr": "c;d"}], "und") == \
        {None: "A", "fr": '; ; "c;d"'}
    assert _cells(body, [None, {}], "und") == {}
    assert _cells(lang, ["en", "fr"], "und") == {None: "en; fr"}
    assert _cells(cols["credential_id"], "urn:x", "und") == {None: "urn:x"}
    assert [_cells(cols[name], v, "und") for name, v in
            (("eqf_level", 0), ("standalone", False))] == [{None: "0"}, {None: "false"}]
