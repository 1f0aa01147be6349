"""Every command of the CLI (docs/design.md §7) through click's CliRunner and as real processes.

Exit codes (docs/cli.md): 0 done, 1 a negative answer, 2 an error of the call or its input;
an error is one line on stderr (``credbridge: error: ...``) and never a traceback.
tests/test_exit_codes.py goes through the table command by command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner
from credbridge import Context, Format, MicroCredential, hookimpl, plugin_manager
from credbridge.cli import cli

CONSOLE_SCRIPT = Path(sys.executable).parent / "credbridge"


@pytest.fixture
def runner() -> CliRunner:
    """A runner that keeps stdout and stderr apart."""
    return CliRunner()


@pytest.fixture(scope="session")
def two_csv(fixtures: Path) -> Path:
    """The bundled two-row CSV fixture."""
    return fixtures / "csv" / "two-credentials.csv"


@pytest.fixture(scope="session")
def complete(fixtures: Path) -> Path:
    """A canonical credential with every mandatory Annex I element."""
    return fixtures / "canonical" / "complete.canonical.json"


@pytest.fixture(scope="session")
def incomplete(fixtures: Path) -> Path:
    """The same credential without learning outcomes."""
    return fixtures / "canonical" / "no-learning-outcomes.canonical.json"


def one_error_line(stderr: str) -> str:
    """The single error line of stderr (and proof that there is nothing else)."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("credbridge: error: ")
    assert "Traceback" not in stderr
    return lines[0]


def process(args: list[str], cwd: Path, console_script: bool = False,
            stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """credbridge in a fresh process, run from outside the repository."""
    command = [str(CONSOLE_SCRIPT)] if console_script else [sys.executable, "-m", "credbridge"]
    env = {k: v for k, v in os.environ.items() if k != "CREDBRIDGE_LOAD_PLUGINS"}
    env["CREDBRIDGE_LOAD_PLUGINS"] = ""  # third-party plugins of this venv play no part
    return subprocess.run(command + args, cwd=cwd, input=stdin, capture_output=True, timeout=60,
                          env=env)


# --- convert -----------------------------------------------------------------------------------


def test_convert_csv_to_canonical_json_lines(runner: CliRunner, two_csv: Path) -> None:
    result = runner.invoke(cli, ["convert", str(two_csv), "--to", "canonical"])
    assert result.exit_code == 0, result.stderr
    creds = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["learner"]["family_name"] for c in creds] == ["Ní Bhriain", "Picard"]
    assert creds[0]["title"] == {"und": "Data Analysis with Python",
                                 "fr": "Analyse de données avec Python"}
    assert creds[1]["workload"] == {"ects": "2.5"}
    assert creds[1]["assessment"]["grade"]["value"] == "=B+"  # neutralised cell read back
    assert result.stderr.splitlines()[-1] == "2 written, 0 failed"


def test_convert_to_a_file_with_report(runner: CliRunner, complete: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    report = tmp_path / "report.json"
    result = runner.invoke(cli, ["convert", str(complete), "--to", "csv", "-o", str(out),
                                 "--report", str(report), "-q"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    header, row = out.read_text("utf-8").splitlines()
    assert header.startswith("credential_id,credential_type,learner_given_names,")
    assert row.startswith("urn:uuid:3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03,micro-credential,Maja,")
    data = json.loads(report.read_text("utf-8"))
    assert data["records"] == {"read": 1, "written": 1, "failed": 0}
    assert data["source_format"] == "canonical"
    dropped = [m["field"] for m in data["messages"] if m["code"] == "dropped"]
    assert dropped == ["participation.languages"]  # the one field no CSV column holds
    assert all(m["record"] == "urn:uuid:3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03"
               for m in data["messages"])


def test_convert_strict_fails_on_dropped_elements(runner: CliRunner, complete: Path,
                                                  tmp_path: Path) -> None:
    result = runner.invoke(cli, ["convert", str(complete), "--to", "csv",
                                 "-o", str(tmp_path / "x.csv"), "--strict"])
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith("credbridge: error: ") and "dropped" in last and "--strict" in last
    assert "participation.languages" in result.stderr  # what was dropped is named


def test_convert_strict_passes_without_loss(runner: CliRunner, complete: Path) -> None:
    result = runner.invoke(cli, ["convert", str(complete), "--to", "canonical", "--strict", "-q"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["levels"] == {"eqf": 4}


def test_convert_report_to_stdout_is_json(runner: CliRunner, two_csv: Path,
                                         tmp_path: Path) -> None:
    result = runner.invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-q",
                                 "-o", str(tmp_path / "x.canonical.jsonl"), "--report", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["records"]["written"] == 2


def test_convert_directory_input_and_directory_output(runner: CliRunner, complete: Path,
                                                      incomplete: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for src in (complete, incomplete):
        (inputs / src.name).write_bytes(src.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(cli, ["convert", str(inputs), "--to", "canonical", "-o", str(out),
                                 "-q"])
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["urn_uuid_3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03.canonical.json",
                     "urn_uuid_3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a04.canonical.json"]
    back = json.loads((out / names[1]).read_text("utf-8"))
    assert "learning_outcomes" not in back and back["levels"] == {"eqf": 4}


def test_convert_stdin_to_stdout(runner: CliRunner, complete: Path) -> None:
    result = runner.invoke(cli, ["convert", "-", "--from", "canonical", "--to", "canonical",
                                 "-q"], input=complete.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "urn:uuid:3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["convert", "{csv}", "--to", "nosuch"], 2, "unknown format 'nosuch'"),
        (["convert", "{csv}", "--from", "nosuch", "--to", "csv"], 2, "unknown format 'nosuch'"),
        (["convert", "{csv}", "--to", "csv", "--csvw"], 2, "csvw needs"),
        (["convert", "{csv}", "--to", "csv", "-o", "{tmp}/no/such/dir/x.csv"], 2,
         "does not exist"),
        (["convert", "{tmp}/missing.csv", "--to", "canonical"], 2, "missing.csv: no such file"),
        (["convert", "{tmp}/unknown.txt", "--to", "canonical"], 2, "cannot tell the format"),
        (["convert", "{csv}", "--to", "csv", "--columns", "{tmp}/none.toml"], 2,
         "column map"),
    ],
)
def test_convert_errors_are_one_line_with_the_right_exit_code(
    runner: CliRunner, two_csv: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "unknown.txt").write_text("hello\n", "utf-8")
    argv = [a.format(csv=two_csv, tmp=tmp_path) for a in args]
    result = runner.invoke(cli, argv)
    assert result.exit_code == code, result.stderr
    line = one_error_line(result.stderr)
    assert message in line
    assert result.stdout == ""


def test_missing_target_is_a_usage_error(runner: CliRunner, two_csv: Path) -> None:
    result = runner.invoke(cli, ["convert", str(two_csv)])
    assert result.exit_code == 2
    assert "name the output format with --to" in one_error_line(result.stderr)


class OnePerDocument(Format):
    """A write-only format that holds one credential per document (like XML formats)."""

    name = "one-per-doc"
    title = "one credential per document (test)"
    extensions = (".one",)
    fields = {"*": "exact"}

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """The credential's id."""
        for cred in credentials:
            stream.write((cred.id or "").encode() + b"\n")


class OnePerDocumentPlugin:
    """Registers :class:`OnePerDocument`."""

    @hookimpl
    def register_formats(self, register: Callable[[Format], None]) -> None:
        """Register the test format."""
        register(OnePerDocument())


@pytest.fixture
def one_per_document() -> Iterator[str]:
    """The ``one-per-doc`` format, registered for one test."""
    plugin_manager.register_plugin(OnePerDocumentPlugin(), name="test-one-per-doc")
    yield "one-per-doc"
    plugin_manager.unregister_plugin("test-one-per-doc")


def test_several_credentials_to_a_single_document_format_need_a_directory(
    runner: CliRunner, two_csv: Path, one_per_document: str, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["convert", str(two_csv), "--to", one_per_document])
    assert result.exit_code == 2
    assert "use -o DIR" in one_error_line(result.stderr)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(cli, ["convert", str(two_csv), "--to", one_per_document,
                                 "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "urn_uuid_6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e01.one",
        "urn_uuid_6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e02.one"]
    single = runner.invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-q"])
    first = single.stdout.splitlines()[0]
    one = runner.invoke(cli, ["convert", "-", "--from", "canonical", "--to", one_per_document,
                              "-q"], input=first)
    assert one.exit_code == 0 and one.stdout == "urn:uuid:6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e01\n"


# --- formats, detect, show ---------------------------------------------------------------------


def test_formats_text_and_json(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["formats"])
    assert text.exit_code == 0
    names = [line.split()[0] for line in text.stdout.splitlines()]
    assert names[:2] == ["canonical", "csv"]
    assert text.stdout.splitlines()[1].split()[1] == "rw"

    data = runner.invoke(cli, ["formats", "--json"])
    formats = {f["name"]: f for f in json.loads(data.stdout)}
    for name in ("canonical", "csv"):
        assert formats[name]["read"] is True and formats[name]["write"] is True
    assert formats["csv"]["extensions"] == [".csv"]
    assert formats["csv"]["media_types"] == ["text/csv"]
    assert formats["csv"]["plugin"] == "credbridge.plugins.csv"
    assert formats["csv"]["fields"]["levels.eqf"] == "exact"
    assert formats["canonical"]["fields"] == {"*": "exact"}  # carries every field


def test_detect(runner: CliRunner, two_csv: Path, complete: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["detect", str(two_csv), str(complete)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{two_csv}: csv", f"{complete}: canonical"]

    unknown = tmp_path / "notes.txt"
    unknown.write_text("nothing to see\n", "utf-8")
    mixed = runner.invoke(cli, ["detect", str(two_csv), str(unknown), "--json"])
    assert mixed.exit_code == 2
    assert json.loads(mixed.stdout) == {str(two_csv): "csv", str(unknown): None}
    bad = runner.invoke(cli, ["detect", str(unknown)])
    assert bad.exit_code == 2
    assert "cannot tell the format" in one_error_line(bad.stderr)


def test_show_prints_canonical_json(runner: CliRunner, complete: Path) -> None:
    result = runner.invoke(cli, ["show", str(complete)])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == json.loads(complete.read_text("utf-8")) | {
        "issued": "2025-09-15T10:00:00Z"}
    assert shown["workload"] == {"ects": "2", "hours": "50"}


def test_show_of_a_bad_row_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("credential_id,title,eqf_level\nurn:x:1,A,9\n", "utf-8")
    result = runner.invoke(cli, ["show", str(bad)])
    assert result.exit_code == 1
    assert "row 1" in result.stderr and "levels.eqf" in result.stderr


# --- check ---------------------------------------------------------------------------------


def test_check_complete_credential_exits_0(runner: CliRunner, complete: Path) -> None:
    result = runner.invoke(cli, ["check", str(complete)])
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == f"{complete}: urn:uuid:3f2a9c1e-5b7d-4e8f-a012-6c4d8e2f1a03: complete"
    assert "MISS" not in result.stdout


def test_check_without_learning_outcomes_exits_1_naming_the_element(
    runner: CliRunner, incomplete: Path
) -> None:
    result = runner.invoke(cli, ["check", str(incomplete)])
    assert result.exit_code == 1
    assert "INCOMPLETE" in result.stdout.splitlines()[0]
    missing = [line for line in result.stdout.splitlines() if "MISS" in line]
    assert missing == ["  MISS  6 Learning outcomes [mandatory] (learning_outcomes[].text)"]
    assert result.stderr == "credbridge: missing mandatory Annex I elements: Learning outcomes\n"


def test_check_json(runner: CliRunner, complete: Path, incomplete: Path) -> None:
    result = runner.invoke(cli, ["check", str(complete), str(incomplete), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [d["complete"] for d in data] == [True, False]
    missing = [e["element"] for e in data[1]["elements"] if e["status"] == "missing"]
    assert missing == ["Learning outcomes"]
    assert data[0]["file"] == str(complete) and data[0]["record"] == 1


def test_check_every_row_of_a_csv(runner: CliRunner, two_csv: Path) -> None:
    result = runner.invoke(cli, ["check", str(two_csv), "--json"])
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == ["urn:uuid:6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e01",
                                       "urn:uuid:6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e02"]
    # the CSV fixture names no learner? it does; it has no workload type problems either
    row1 = {e["element"]: e["status"] for e in data[0]["elements"]}
    assert row1["Learning outcomes"] == "present"
    assert row1["Date of issuing"] == "present"


# --- validate, plugins -----------------------------------------------------------------------


def test_validate_csv_is_a_usage_error(runner: CliRunner, two_csv: Path) -> None:
    result = runner.invoke(cli, ["validate", str(two_csv)])
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == \
        f"credbridge: error: {two_csv}: credbridge has no validator for format csv"


def test_validate_unknown_format_name_is_a_usage_error(runner: CliRunner, two_csv: Path) -> None:
    result = runner.invoke(cli, ["validate", str(two_csv), "--from", "nosuch"])
    assert result.exit_code == 2
    assert "unknown format 'nosuch'" in one_error_line(result.stderr)


def test_plugins_text_and_json(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["plugins"])
    assert text.exit_code == 0
    assert "credbridge.plugins.csv  (built-in)  formats: csv" in text.stdout.splitlines()
    data = json.loads(runner.invoke(cli, ["plugins", "--json"]).stdout)
    builtin = {p["name"]: p["formats"] for p in data["plugins"] if p["builtin"]}
    assert builtin["credbridge.plugins.canonical"] == ["canonical"]
    assert builtin["credbridge.plugins.csv"] == ["csv"]
    assert all(p["hooks"] == ["register_formats"] for p in data["plugins"])


def test_version_and_help(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--version"]).stdout.startswith("credbridge, version ")
    helped = runner.invoke(cli, ["--help"])
    for command in ("convert", "formats", "detect", "show", "check", "validate", "plugins"):
        assert f"  {command} " in helped.stdout


# --- real processes ----------------------------------------------------------------------------


def test_python_m_credbridge_converts(two_csv: Path, tmp_path: Path) -> None:
    result = process(["convert", str(two_csv), "--to", "canonical"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["levels"]["eqf"] for line in result.stdout.splitlines()] == [6, 6]
    assert result.stderr.decode().splitlines()[-1] == "2 written, 0 failed"


def test_console_script_formats_json_and_stdin(complete: Path, tmp_path: Path) -> None:
    formats = process(["formats", "--json"], tmp_path, console_script=True)
    assert formats.returncode == 0
    described = {f["name"]: f for f in json.loads(formats.stdout)}
    assert described["canonical"]["read"] and described["csv"]["write"]
    piped = process(["convert", "-", "--from", "canonical", "--to", "csv", "-q"], tmp_path,
                    console_script=True, stdin=complete.read_bytes())
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"credential_id,credential_type,")
    assert piped.stdout.endswith(b"\r\n")


def test_console_script_check_and_errors(complete: Path, incomplete: Path,
                                         tmp_path: Path) -> None:
    ok = process(["check", str(complete)], tmp_path, console_script=True)
    assert ok.returncode == 0
    bad = process(["check", str(incomplete)], tmp_path, console_script=True)
    assert bad.returncode == 1
    assert b"Learning outcomes" in bad.stderr
    usage = process(["validate", str(complete), "--from", "csv"], tmp_path, console_script=True)
    assert usage.returncode == 2
    assert usage.stderr == b"credbridge: error: credbridge has no validator for format csv\n"
    missing = process(["show", "nowhere.csv"], tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == b"credbridge: error: nowhere.csv: no such file\n"


def test_processes_detect_show_plugins(two_csv: Path, tmp_path: Path) -> None:
    detect = process(["detect", str(two_csv)], tmp_path)
    assert detect.stdout.decode() == f"{two_csv}: csv\n"
    show = process(["show", str(two_csv)], tmp_path, console_script=True)
    assert show.returncode == 0
    assert len(show.stdout.splitlines()) == 2
    plugins = process(["plugins", "--json"], tmp_path)
    data = json.loads(plugins.stdout)
    assert {"credbridge.plugins.canonical", "credbridge.plugins.csv"} <= {
        p["name"] for p in data["plugins"]}
    assert data["failed"] == []


# --- diff ------------------------------------------------------------------------------------


def test_diff_equal_across_formats(runner: CliRunner, two_csv: Path, tmp_path: Path) -> None:
    canonical = tmp_path / "two.canonical.jsonl"
    converted = runner.invoke(cli, ["convert", str(two_csv), "--to", "canonical", "-q",
                                    "-o", str(canonical)])
    assert converted.exit_code == 0
    result = runner.invoke(cli, ["diff", str(two_csv), str(canonical)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "equal at the canonical level\n"


def test_diff_names_the_differing_fields(runner: CliRunner, complete: Path,
                                         incomplete: Path) -> None:
    result = runner.invoke(cli, ["diff", str(complete), str(incomplete), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["equal"] is False
    paths = {d["path"] for d in data["records"][0]["differences"]}
    assert {"id", "learning_outcomes"} <= {p.split("[")[0].split(".")[0] for p in paths}
    text = runner.invoke(cli, ["diff", str(complete), str(incomplete)])
    assert text.exit_code == 1
    assert any(line.startswith("learning_outcomes") and f"only in {complete}" in line
               for line in text.stdout.splitlines())
