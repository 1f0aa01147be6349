"""Batch fault tolerance (issue 10): a 10,000-record batch with 1 % broken records converts
every good record, reports each bad one with its position and reason, exits 1, and the counts
add up; --stop-on-error writes nothing; outputs appear atomically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RECORDS = 10_000
BROKEN_EVERY = 100  # 1 %


def _csv(path: Path) -> set[int]:
    """Write the batch; return the 1-based row numbers that are broken."""
    broken = set()
    lines = ["credential_id,title,issue_date,awarding_body,awarding_body_country,eqf_level"]
    for i in range(1, RECORDS + 1):
        date, country, eqf = "2025-06-30", "IE", "6"
        if i % BROKEN_EVERY == 0:
            broken.add(i)
            kind = (i // BROKEN_EVERY) % 3
            date, country, eqf = (("2025-31-06", country, eqf) if kind == 0 else
                                  (date, "XX", eqf) if kind == 1 else (date, country, "9"))
        lines.append(f"urn:uuid:00000000-0000-4000-8000-{i:012d},Course {i},{date},"
                     f"University of Zed,{country},{eqf}")
    path.write_text("\r\n".join(lines) + "\r\n", "utf-8")
    return broken


def _jsonl(path: Path) -> set[int]:
    broken = set()
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, RECORDS + 1):
            if i % BROKEN_EVERY == 0:
                broken.add(i)
                bad = {"id": f"urn:x:{i}", "title": {"en": "T"}, "issued": "never"}
                out.write(json.dumps(bad) + "\n" if i % 200 else "{not json\n")
            else:
                out.write(json.dumps({"id": f"urn:x:{i}", "title": {"en": f"Course {i}"},
                                      "issued": "2025-06-30"}) + "\n")
    return broken


def _convert(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "credbridge", "convert", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.parametrize(("kind", "make", "label", "from_format"), [
    ("csv", _csv, "row", None),
    ("jsonl", _jsonl, "line", "canonical"),
])
def test_faulty_batch_loses_nothing(kind: str, make, label: str,  # type: ignore[no-untyped-def]
                                    from_format: str | None, tmp_path: Path) -> None:
    src = tmp_path / f"batch.{kind}"
    broken = make(src)
    out, report_file = tmp_path / "out.jsonl", tmp_path / "report.json"
    args = [str(src), "--to", "canonical", "-o", str(out), "--report", str(report_file)]
    if from_format:
        args += ["--from", from_format]
    proc = _convert(args, tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    written = out.read_text("utf-8").splitlines()
    report = json.loads(report_file.read_text("utf-8"))
    failures = [m for m in report["messages"] if m["code"] == "invalid-record"]
    # every bad record is reported with its position and a reason ...
    assert sorted(int(m["record"].split()[1]) for m in failures) == sorted(broken)
    assert all(m.get("detail") for m in failures)
    assert all(m["record"].startswith(label) for m in failures)
    # ... every good one is written, and in = written + reported
    assert len(written) == RECORDS - len(broken)
    assert report["records"]["written"] + report["records"]["failed"] == RECORDS
    ids = {json.loads(line)["id"] for line in written}
    assert len(ids) == len(written)


def test_stop_on_error_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "batch.csv"
    _csv(src)
    out = tmp_path / "out.jsonl"
    proc = _convert([str(src), "--to", "canonical", "-o", str(out), "--stop-on-error"],
                    tmp_path)
    assert proc.returncode == 1
    assert "row 100" in proc.stderr and "stop-on-error" in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".*credbridge-tmp")), "a temporary file was left behind"


def test_an_interrupted_write_leaves_no_output(tmp_path: Path) -> None:
    """The output appears by rename only when the writer finished: a failure mid-way (here a
    credential the writer cannot take) leaves neither a partial file nor a temporary one."""
    from credbridge.convert import write
    from credbridge.testing import example_credential

    def credentials():  # type: ignore[no-untyped-def]
        yield example_credential()
        raise KeyboardInterrupt  # the user pressed Ctrl-C half-way

    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        write(credentials(), out, to="canonical")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
