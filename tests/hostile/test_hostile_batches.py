"""Issue 14, class 5: a bad record in a batch costs only itself.

One row that is not UTF-8, one 9 MiB cell, one 9 MiB JSON line, one 5,000-digit number: each
is one failed record naming its own row or line, every other record is written, and
``written + failed = input`` -- to a file, to standard output and with ``--jobs``. With
``--stop-on-error`` nothing is written anywhere. The inputs are generated at run time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

BIG = 9 * 1024 * 1024
HEADER = "credential_id,title,issue_date\r\n"


def _row(i: int, title: str | None = None) -> bytes:
    return f"urn:x:{i},{title or f'Course {i}'},2025-06-30\r\n".encode()


def bad_utf8_csv(path: Path) -> tuple[int, str]:
    """40 rows; row 21 holds bytes that are not UTF-8 (after 600 good bytes: the decoder's
    chunk, not the row, used to be blamed)."""
    rows = [_row(i) if i != 21 else b"urn:x:21,Bad \xff\xfe title,2025-06-30\r\n"
            for i in range(1, 41)]
    path.write_bytes(HEADER.encode() + b"".join(rows))
    return 40, "row 21"


def big_cell_csv(path: Path) -> tuple[int, str]:
    """2,003 rows, one of them (row 2001, in the second --jobs chunk) with a 9 MiB cell, and
    a quoted line break before it (rows, not lines, are counted)."""
    with path.open("wb") as out:
        out.write(HEADER.encode())
        for i in range(1, 2004):
            title = "x" * BIG if i == 2001 else ('"two\r\nlines"' if i == 1949 else None)
            out.write(_row(i, title))
    return 2003, "row 2001"


def _line(i: int, **extra: object) -> str:
    return json.dumps({"id": f"urn:x:{i}", "title": {"en": f"Course {i}"},
                       "issued": "2025-06-30", **extra})


def big_line_jsonl(path: Path) -> tuple[int, str]:
    """6 JSON lines, line 3 is 9 MiB long."""
    lines = [_line(i) if i != 3 else _line(i, description={"en": "x" * BIG})
             for i in range(1, 7)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return 6, "line 3"


def big_number_jsonl(path: Path) -> tuple[int, str]:
    """5 JSON lines, line 2 holds a 5,000-digit number (Python refuses to parse it)."""
    lines = [_line(i) for i in range(1, 6)]
    lines[1] = lines[1][:-1] + ', "workload": {"ects": ' + "9" * 5000 + "}}"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return 5, "line 2"


def deep_first_line_jsonl(path: Path) -> tuple[int, str]:
    """4 JSON lines, the first nested 50,000 levels deep (it decided that the input was one
    broken document)."""
    lines = ['{"a":' * 50_000 + "1" + "}" * 50_000] + [_line(i) for i in range(2, 5)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return 4, "line 1"


CASES: dict[str, tuple[Callable[[Path], tuple[int, str]], str]] = {
    "bad-utf8.csv": (bad_utf8_csv, "csv"),
    "big-cell.csv": (big_cell_csv, "csv"),
    "big-line.canonical.jsonl": (big_line_jsonl, "canonical"),
    "big-number.canonical.jsonl": (big_number_jsonl, "canonical"),
    "deep-first-line.canonical.jsonl": (deep_first_line_jsonl, "canonical"),
}


TIME_LIMIT_S = 10
RSS_LIMIT_MIB = 256

# The child writes its own peak resident memory (VmHWM) when it exits: the budget is per run.
_MEASURED = (
    "import atexit, os, runpy, sys\n"
    "def _peak():\n"
    "    with open('/proc/self/status') as s, open(os.environ['CB_RSS'], 'w') as out:\n"
    "        out.write(next(l.split()[1] for l in s if l.startswith('VmHWM:')))\n"
    "if os.path.exists('/proc/self/status'):\n"
    "    atexit.register(_peak)\n"
    "sys.argv = ['credbridge', *sys.argv[1:]]\n"
    "runpy.run_module('credbridge', run_name='__main__')\n"
)


def _convert(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``credbridge convert`` in a child process, within the time and memory budgets."""
    rss = cwd / ".peak-rss"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, "convert", *args],
                          capture_output=True, cwd=cwd, timeout=120,
                          env={**os.environ, "CB_RSS": str(rss)})
    seconds = time.monotonic() - start
    assert seconds < TIME_LIMIT_S, f"{seconds:.1f} s: {args}"
    if rss.exists():
        peak = int(rss.read_text()) / 1024
        rss.unlink()
        assert peak < RSS_LIMIT_MIB, f"peak RSS {peak:.0f} MiB: {args}"
    return proc


def _failures(report: dict[str, object]) -> list[dict[str, str]]:
    messages = report["messages"]
    assert isinstance(messages, list)
    return [m for m in messages if m["code"] == "invalid-record"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    folder = tmp_path_factory.mktemp("batches")
    made = {}
    for name, (make, _fmt) in CASES.items():
        total, bad = make(folder / name)
        made[name] = (folder / name, total, bad)
    return made


@pytest.mark.parametrize("mode", ["file", "stdout", "jobs"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_record_costs_only_itself(inputs: dict[str, tuple[Path, int, str]], name: str,
                                        mode: str, tmp_path: Path) -> None:
    src, total, bad = inputs[name]
    fmt = CASES[name][1]
    out, report_file = tmp_path / "out.jsonl", tmp_path / "report.json"
    args = [str(src), "--from", fmt, "--to", "canonical", "--report", str(report_file)]
    args += {"file": ["-o", str(out)], "stdout": ["-o", "-"],
             "jobs": ["-o", str(out), "--jobs", "2"]}[mode]
    proc = _convert(*args, cwd=tmp_path)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr and "internal error" not in stderr
    written = (proc.stdout if mode == "stdout" else out.read_bytes()).splitlines()
    report = json.loads(report_file.read_text("utf-8"))
    failures = _failures(report)
    assert [m["record"] for m in failures] == [bad], failures
    assert len(written) == total - 1
    assert report["records"]["written"] == total - 1
    assert report["records"]["written"] + report["records"]["failed"] == total
    bad_number = int(re.sub(r"\D", "", bad))
    ids = {json.loads(line)["id"] for line in written}
    assert ids == {f"urn:x:{i}" for i in range(1, total + 1) if i != bad_number}


def test_ob3_and_elm_json_lines_lose_only_the_bad_line(shared: Path, tmp_path: Path) -> None:
    """The Open Badges and ELM JSON Lines readers: a deep first line and a 9 MiB line are two
    failed records; the real credentials around them are read."""
    for fmt, sample in (("ob3", "ob3/basicOpenBadgeCredential.json"),
                        ("elm", "elm/Sample-MC-Annex1-unsigned.jsonld")):
        doc = json.dumps(json.loads((shared / "samples" / sample).read_bytes()))
        lines = ['{"a":' * 50_000 + "1" + "}" * 50_000, doc, '{"x": "' + "y" * BIG + '"}', doc]
        src = tmp_path / f"in.{fmt}.jsonl"
        src.write_text("\n".join(lines) + "\n", "utf-8")
        report_file = tmp_path / f"{fmt}.report.json"
        proc = _convert(str(src), "--from", fmt, "--to", "canonical", "-o",
                        str(tmp_path / f"{fmt}.jsonl"), "--report", str(report_file),
                        cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr[-2000:]
        report = json.loads(report_file.read_text("utf-8"))
        assert [m["record"] for m in _failures(report)] == ["line 1", "line 3"], fmt
        assert report["records"]["written"] == 2, fmt


@pytest.mark.parametrize("output", ["file", "dir", "stdout"])
def test_stop_on_error_writes_nothing_anywhere(output: str, tmp_path: Path) -> None:
    """The bad record is the last one: every good record before it would have been written
    (stdout lines, files in -o DIR) before the stop."""
    src = tmp_path / "in.csv"
    rows = [_row(i) for i in range(1, 40)] + [b"urn:x:40,Bad,2025-31-06\r\n"]
    src.write_bytes(HEADER.encode() + b"".join(rows))
    target = {"file": tmp_path / "out.jsonl", "dir": tmp_path / "out", "stdout": None}[output]
    proc = _convert(str(src), "--to", "canonical", "-o",
                    "-" if target is None else str(target) + ("/" if output == "dir" else ""),
                    "--stop-on-error", cwd=tmp_path)
    assert proc.returncode == 1
    assert b"row 40" in proc.stderr and b"stop-on-error" in proc.stderr
    assert proc.stdout == b""
    if output == "file":
        assert not target.exists()  # type: ignore[union-attr]
    if output == "dir":
        assert list(target.iterdir()) == []  # type: ignore[union-attr]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"] + (
        ["out"] if output == "dir" else [])


def test_a_record_the_writer_refuses_is_failed_not_written(tmp_path: Path) -> None:
    """Counting: a credential the writer refuses (ctx.failed) is one failed record, never also
    a written one, so written + failed = input."""
    from credbridge.batch import Batch, run

    good = _line(1).encode()
    bad = _line(2, title={"en": "NUL \u0000 in a title"}).encode()
    result = run(Batch([good + b"\n" + bad + b"\n"], from_format="canonical", to="edc-xml",
                       output=str(tmp_path) + "/"))
    records = result.report.to_dict()["records"]
    assert (records["written"], records["failed"]) == (1, 1)
    assert [Path(p).name for p in result.written_files] == ["urn_x_1.edc.xml"]
