"""The exit-code table of docs/cli.md, command by command.

0 success; 1 a negative answer (records failed, --strict/--fail-on hit, check incomplete, diff
differ, validate invalid); 2 an error of the call or its input (unknown format or option,
missing or unreadable file, unreadable document); 130 on Ctrl-C.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import batch
from credbridge.cli import cli


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> dict[str, Path]:
    """The inputs every row of the table uses."""
    tmp = tmp_path_factory.mktemp("exit")
    bad_row = tmp / "bad-row.csv"
    bad_row.write_text("credential_id,title,eqf_level\nurn:x:1,A,6\nurn:x:2,B,9\n", "utf-8")
    garbage = tmp / "garbage.canonical.json"
    garbage.write_text('{"id": "urn:x:1", "title": ', "utf-8")
    unknown = tmp / "notes.txt"
    unknown.write_text("nothing to see\n", "utf-8")
    return {
        "csv": fixtures / "csv" / "two-credentials.csv",
        "complete": fixtures / "canonical" / "complete.canonical.json",
        "incomplete": fixtures / "canonical" / "no-learning-outcomes.canonical.json",
        "bad_row": bad_row, "garbage": garbage, "unknown": unknown,
        "missing": tmp / "missing.csv", "tmp": tmp,
    }


TABLE = [
    # convert
    (["convert", "{csv}", "--to", "canonical"], 0),
    (["convert", "{bad_row}", "--to", "canonical"], 1),
    (["convert", "{complete}", "--to", "csv", "--strict", "-o", "{tmp}/s.csv"], 1),
    (["convert", "{complete}", "--to", "csv", "--fail-on", "dropped", "-o", "{tmp}/f.csv"], 1),
    (["convert", "{complete}", "--to", "canonical", "--strict"], 0),
    (["convert", "{csv}", "--to", "nosuch"], 2),
    (["convert", "{csv}", "--to", "canonical", "--fail-on", "nosuch-code"], 2),
    (["convert", "{csv}", "--to", "canonical", "-O", "csv.text_lang=fr", "-O",
      "csv.nosuch=1"], 2),
    (["convert", "{missing}", "--to", "canonical"], 2),
    (["convert", "{unknown}", "--to", "canonical"], 2),
    (["convert", "{garbage}", "--to", "csv"], 2),
    (["convert", "{csv}", "{missing}", "--to", "canonical"], 1),  # batch: reported, goes on
    (["convert", "{csv}", "--to", "canonical", "--no-such-flag"], 2),
    # formats, plugins
    (["formats"], 0),
    (["plugins"], 0),
    # detect
    (["detect", "{csv}"], 0),
    (["detect", "{unknown}"], 2),
    (["detect", "{missing}"], 2),
    # show
    (["show", "{complete}"], 0),
    (["show", "{bad_row}"], 1),
    (["show", "{missing}"], 2),
    (["show", "{garbage}"], 2),
    # check
    (["check", "{complete}"], 0),
    (["check", "{incomplete}"], 1),
    (["check", "{missing}"], 2),
    # diff
    (["diff", "{complete}", "{complete}"], 0),
    (["diff", "{complete}", "{incomplete}"], 1),
    (["diff", "{complete}", "{missing}"], 2),
    # validate: a format without a validator is an error of the call
    (["validate", "{csv}"], 2),
    (["validate", "{csv}", "--from", "nosuch"], 2),
]


@pytest.mark.parametrize(("args", "code"), TABLE, ids=[" ".join(a[:3]) for a, _ in TABLE])
def test_exit_code(files: dict[str, Path], args: list[str], code: int) -> None:
    argv = [a.format(**files) for a in args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == code, (argv, result.stdout[-500:], result.stderr)
    assert "Traceback" not in result.stderr
    if code == 2:
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(("credbridge: error: ", "Error: ")), result.stderr


def test_ctrl_c_inside_a_command_exits_130(files: dict[str, Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_batch: batch.Batch) -> batch.BatchResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run", interrupted)
    result = CliRunner().invoke(cli, ["convert", str(files["csv"]), "--to", "canonical"])
    assert result.exit_code == 130
    assert result.stderr == "credbridge: interrupted\n"


@pytest.mark.slow
def test_sigint_to_a_real_process_exits_130(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("credential_id,title,issue_date,eqf_level\n")
        for i in range(300_000):
            out.write(f"urn:x:{i},Course {i},2025-06-30,6\n")
    proc = subprocess.Popen([sys.executable, "-m", "credbridge", "convert", str(big), "--to",
                             "canonical", "-o", str(tmp_path / "out.canonical.jsonl"), "-q"],
                            stderr=subprocess.PIPE)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert not (tmp_path / "out.canonical.jsonl").exists()  # atomic: no half-written output
