"""The batch engine (credbridge.batch) and the CLI's output discipline on top of it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import UsageError, convert
from credbridge.batch import Batch, run
from credbridge.cli import cli
from credbridge.options import FormatOptions, resolve_options
from credbridge.plugin_manager import get_formats
from credbridge.progress import Progress


@pytest.fixture
def two_csv(fixtures: Path) -> Path:
    """The bundled two-row CSV fixture."""
    return fixtures / "csv" / "two-credentials.csv"


def test_a_file_level_error_names_its_own_file_and_no_record_of_another(
    two_csv: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.canonical.json"
    broken.write_text('{"id": "urn:x:1", "title": ', "utf-8")
    third = tmp_path / "third.csv"
    third.write_bytes(two_csv.read_bytes())
    result = run(Batch([str(two_csv), str(broken), str(third)], to="canonical"))
    assert result.exit_code == 1
    assert result.report.records_written == 4 and result.report.records_failed == 1
    (error,) = result.report.errors
    assert error.file == str(broken)
    assert error.record is None  # not file 1's last record id
    text = str(error)
    assert text.count(str(broken)) == 1, text  # the path is printed once
    assert "urn:uuid" not in text
    cli_run = CliRunner().invoke(cli, ["convert", str(two_csv), str(broken), str(third),
                                       "--to", "canonical", "--report",
                                       str(tmp_path / "r.json"), "-o",
                                       str(tmp_path / "out.canonical.jsonl")])
    assert cli_run.exit_code == 1
    (line,) = [ln for ln in cli_run.stderr.splitlines() if ln.startswith("error:")]
    assert line.count(str(broken)) == 1 and "urn:uuid" not in line
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    (reported,) = [m for m in data["messages"] if m["severity"] == "error"]
    assert "record" not in reported and reported["file"] == str(broken)


def test_unknown_option_names_the_close_one(two_csv: Path) -> None:
    with pytest.raises(UsageError, match="did you mean text_lang"):
        convert(two_csv, to="canonical", options={"csv": {"text_lnag": "fr"}})
    with pytest.raises(UsageError, match="no format of this call"):
        convert(two_csv, to="canonical", options={"omit_learner": "all"})
    with pytest.raises(UsageError, match="neither reads nor writes"):
        convert(two_csv, to="canonical", options={"ob3": {"omit_learner": "all"}})


def test_flat_options_go_to_the_format_that_declares_them(two_csv: Path) -> None:
    result = convert(two_csv, to="canonical", options={"text_lang": "fr"})
    first = json.loads((result.output or b"").splitlines()[0])
    assert "fr" in first["title"] and "und" not in first["title"]


def test_options_are_frozen_and_reusable(two_csv: Path) -> None:
    csv = get_formats().get("csv")
    resolved = resolve_options([csv], {"csv": {"text_lang": "fr"}})["csv"]
    assert isinstance(resolved, FormatOptions)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        resolved.text_lang = "de"  # type: ignore[misc, attr-defined]
    given = {"csv": {"text_lang": "fr"}}
    a = convert(two_csv, to="canonical", options=given).output
    b = convert(two_csv, to="canonical", options=given).output
    assert a == b and given == {"csv": {"text_lang": "fr"}}


def test_target_inferred_from_the_output_extension(two_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "back.csv"
    result = CliRunner().invoke(cli, ["convert", str(two_csv), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"credential_id,")
    ambiguous = CliRunner().invoke(cli, ["convert", str(two_csv), "-o", str(tmp_path / "x.json")])
    assert ambiguous.exit_code == 2
    assert "name one with --to" in ambiguous.stderr


def test_directory_output_is_created_for_a_trailing_slash(two_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "dir"
    result = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-o",
                                      f"{target}/", "-q"])
    assert result.exit_code == 0, result.stderr
    assert len(list(target.iterdir())) == 2


def test_several_credentials_never_become_json_lines_in_a_json_file(
    two_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.json"
    result = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-o",
                                      str(out)])
    assert result.exit_code == 2
    assert "several credentials" in result.stderr and "-o DIR/" in result.stderr
    assert not out.exists()
    lines = tmp_path / "x.jsonl"
    ok = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-o",
                                  str(lines), "-q"])
    assert ok.exit_code == 0 and len(lines.read_bytes().splitlines()) == 2


def test_report_errors_match_output_errors(two_csv: Path, tmp_path: Path) -> None:
    report = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-o",
                                      str(tmp_path / "x.jsonl"), "--report",
                                      str(tmp_path / "nodir" / "r.json")])
    output = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-o",
                                      str(tmp_path / "nodir" / "x.jsonl")])
    assert report.exit_code == output.exit_code == 2
    for res in (report, output):
        assert res.stderr.count("\n") == 1
        assert f"output directory {tmp_path / 'nodir'} does not exist" in res.stderr


def test_report_to_stdout_with_output_to_stdout_is_refused(two_csv: Path) -> None:
    result = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical",
                                      "--report", "-"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "both go to stdout" in result.stderr


def test_generated_flags_and_o_assignments_are_the_same_option(two_csv: Path) -> None:
    by_flag = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-q",
                                       "--text-lang", "fr"])
    by_o = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-q",
                                    "-O", "csv.text_lang=fr"])
    assert by_flag.exit_code == by_o.exit_code == 0
    assert by_flag.stdout == by_o.stdout and '"fr"' in by_flag.stdout


def test_help_lists_format_options_under_the_format(two_csv: Path) -> None:
    text = CliRunner().invoke(cli, ["convert", "--help"]).stdout
    assert "Options of csv" in text
    core, section = text.split("Options of csv", 1)
    assert "--raw-cells" in section
    assert "--text-lang" in core  # a core flag: csv's text_lang and the writers' rule
    assert "-O FORMAT.KEY=VALUE" in text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_advances_with_jobs(tmp_path: Path) -> None:
    src = tmp_path / "many.csv"
    rows = "".join(f"urn:x:{i},Course {i},2025-06-30\n" for i in range(4500))
    src.write_text("credential_id,title,issue_date\n" + rows, "utf-8")
    screen = _Tty()
    progress = Progress(None, stream=screen, interval=0.0)
    result = run(Batch([str(src)], to="canonical", output=str(tmp_path / "o.jsonl"), jobs=2,
                       progress=progress))
    assert result.exit_code == 0 and progress.count == 4500
    assert "4,500 records" in screen.getvalue()


def test_a_document_refused_after_its_records_were_handed_over_counts_each_once(
        shared: Path, tmp_path: Path) -> None:
    """The ELM writer groups the records of one document and refuses the document (EBSI
    profile, no issuer) only after it has asked for all of them: each record is failed, none
    written (it said "3 written, 4 failed" for 4 records)."""
    source = shared / "corpus" / "edc-xml" / "edci--resources_credential-withspecialchars.xml"
    if not source.exists():
        pytest.skip("the corpus document of this case is not in ../shared")
    out = tmp_path / "out.jsonld"
    result = run(Batch([source], to="elm", output=out, options={"ebsi": True}))
    report = result.report
    assert report.records_read == 4
    assert (report.records_written, report.records_failed) == (0, 4)
    assert not out.exists() or out.stat().st_size == 0  # nothing of the document written
