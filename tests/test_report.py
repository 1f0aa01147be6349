"""The conversion report (docs/design.md §4): typed messages, JSON form, summary, bounded memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import Code, Report, Severity, convert
from credbridge.cli import cli
from credbridge.context import Context
from credbridge.options import FormatOptions


def test_codes_have_default_severities() -> None:
    report = Report()
    dropped = report.add(Code.DROPPED, "no place", field="description", format="csv",
                         record="urn:x:1")
    note = report.add("note", "fyi")
    error = report.add(Code.INVALID_RECORD, "bad date", field="issued", record="row 3")
    assert (dropped.severity, note.severity, error.severity) == (
        Severity.WARNING, Severity.INFO, Severity.ERROR)
    assert report.add(Code.DROPPED, "x", severity="info").severity == Severity.INFO
    with pytest.raises(ValueError):
        report.add("no-such-code", "x")


def test_context_fills_in_format_file_and_record() -> None:
    report = Report()
    ctx = Context(format="csv", options=FormatOptions(), report=report, file="in.csv",
                  record="row 2")
    message = ctx.say(Code.APPROXIMATED, "awarding_bodies", "first body only")
    assert (message.format, message.file, message.record, message.field) == (
        "csv", "in.csv", "row 2", "awarding_bodies")
    explicit = ctx.say(Code.NOTE, None, "x", record=5)
    assert (explicit.file, explicit.record) == ("in.csv", 5)
    with ctx.at("row 3"):
        assert ctx.failed("bad").record == "row 3"
    assert ctx.record == "row 2" and report.records_failed == 1
    assert not hasattr(report, "file") and not hasattr(report, "record")  # no position here


def test_message_text() -> None:
    report = Report()
    by_row = report.add(Code.INVALID_RECORD, "not a date: '2025-13-01'", field="issued",
                        format="csv", record="row 3", file="in.csv")
    assert str(by_row) == ("error: [csv] invalid-record: in.csv, row 3, issued: "
                           "not a date: '2025-13-01'")
    by_id = report.add(Code.DROPPED, "no place", field="description", record="urn:x:1")
    assert str(by_id) == "warning: dropped: record urn:x:1, description: no place"
    assert str(report.add(Code.NOTE, "hello")) == "info: note: hello"


def test_queries() -> None:
    report = Report()
    report.add(Code.DROPPED, "a", field="description")
    report.add(Code.KEPT_AS_EXTENSION, "b", field="extensions.ob3:x")
    assert not report.has_errors and report.has_losses
    assert [m.detail for m in report.by_code("dropped", Code.KEPT_AS_EXTENSION)] == ["a", "b"]
    report.add(Code.INVALID_RECORD, "c")
    assert report.has_errors and [m.detail for m in report.errors] == ["c"]
    assert report.counts() == {"dropped": 1, "invalid-record": 1, "kept-as-extension": 1}
    assert len(report) == 3 and [m.detail for m in report] == ["a", "b", "c"]


def test_json_form() -> None:
    report = Report()
    report.records_read, report.records_written, report.records_failed = 3, 2, 1
    report.add(Code.INVALID_RECORD, "bad", field="issued", format="csv", record="row 3")
    report.add(Code.DROPPED, "no place", field="description", format="ob3", record="urn:x")
    data = json.loads(report.to_json())
    assert data == {
        "records": {"read": 3, "written": 2, "failed": 1},
        "counts": {"dropped": 1, "invalid-record": 1},
        "messages": [
            {"code": "invalid-record", "severity": "error", "field": "issued", "format": "csv",
             "record": "row 3", "detail": "bad"},
            {"code": "dropped", "severity": "warning", "field": "description", "format": "ob3",
             "record": "urn:x", "detail": "no place"},
        ],
        "omitted": [],
    }


def test_past_max_messages_only_counts_are_kept() -> None:
    report = Report(max_messages=100)
    for i in range(1_000):
        report.add(Code.DROPPED, f"no place {i}", field="description", format="ob2",
                   record=i)
    report.add(Code.INVALID_RECORD, "late error", record=1_001)
    assert len(report.messages) == 100
    assert report.counts() == {"dropped": 1_000, "invalid-record": 1}
    assert report.has_errors and report.has_losses  # an omitted error still counts
    data = report.to_dict()
    assert {"severity": "warning", "code": "dropped", "format": "ob2", "field": "description",
            "count": 900} in data["omitted"]
    lines = report.summary_lines()
    assert "... and 1 more errors (see --report)" in lines
    assert "warning: dropped for 1,000 records: description [ob2] (no place 0)" in lines


def test_summary_groups_by_element() -> None:
    report = Report()
    for i in range(3):
        report.add(Code.DROPPED, "csv has no place for participation.languages",
                   field="participation.languages", format="csv", record=i)
    report.add(Code.INVALID_RECORD, "bad eqf", field="levels.eqf", format="csv", record="row 2")
    lines = report.summary_lines()
    assert lines == [
        "error: [csv] invalid-record: row 2, levels.eqf: bad eqf",
        "warning: dropped for 3 records: participation.languages [csv] (csv has no place for "
        "participation.languages)",
    ]


def test_extend_merges_messages_counts_and_records() -> None:
    a, b = Report(), Report(max_messages=1)
    a.records_read = 1
    b.records_read, b.records_failed = 2, 1
    b.add(Code.DROPPED, "x", field="f")
    b.add(Code.DROPPED, "y", field="f")  # overflow in b
    a.extend(b)
    assert a.records_read == 3 and a.records_failed == 1
    assert a.counts() == {"dropped": 2}
    assert len(a.messages) == 1


# --- the report of real conversions ---------------------------------------------------------


def test_conversion_report_names_every_dropped_field(fixtures: Path) -> None:
    result = convert(fixtures / "canonical" / "complete.canonical.json", to="csv")
    assert result.ok
    assert result.source_format == "canonical"
    assert result.report.records_read == result.report.records_written == 1
    (dropped,) = result.report.by_code("dropped")
    assert dropped.field == "participation.languages" and dropped.format == "csv"
    assert dropped.record == "urn:uuid:3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03"


def test_report_file_from_the_cli(fixtures: Path, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(cli, [
        "convert", str(fixtures / "csv" / "invalid" / "bad-date-row3.csv"), "--to", "canonical",
        "-o", str(tmp_path / "out.canonical.jsonl"), "--report", str(report_path)])
    assert result.exit_code == 1
    data = json.loads(report_path.read_text("utf-8"))
    assert data["records"] == {"read": 3, "written": 3, "failed": 1}
    (error,) = [m for m in data["messages"] if m["severity"] == "error"]
    assert error["record"] == "row 3" and error["field"] == "issued"
    assert error["file"].endswith("bad-date-row3.csv")
    assert "column issue_date" in error["detail"]
