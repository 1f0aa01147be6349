"""Issue 14, class 7: output files cannot be redirected, and nothing is replaced unasked.

A symbolic link planted where credbridge writes (the predictable temporary name it used,
``-o FILE``, ``--report``, the CSVW metadata) never makes it write through the link; an
existing file in ``-o DIR`` (``index.html`` chosen by a credential's id) is kept unless
``--force``; names derived from ids are safe, and a name taken twice gets a suffix, reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEADER = "credential_id,title,issue_date\r\n"
SECRET = "the victim's file\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                reason="symbolic links")


def _convert(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "credbridge", "convert", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def _csv(folder: Path, *ids: str) -> Path:
    src = folder / "in.csv"
    rows = "".join(f"{i},Course {n},2025-06-30\r\n" for n, i in enumerate(ids, start=1))
    src.write_text(HEADER + rows, "utf-8")
    return src


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    target = tmp_path / "victim.txt"
    target.write_text(SECRET, "utf-8")
    return target


def test_a_link_at_the_old_temporary_name_is_never_written_through(tmp_path: Path,
                                                                    victim: Path) -> None:
    """The temporary file was ``.out.jsonl.credbridge-tmp``: a link planted there made
    credbridge overwrite the link's target. Now it is made by mkstemp (O_EXCL, a random name)."""
    src = _csv(tmp_path, "urn:x:1")
    (tmp_path / ".out.jsonl.credbridge-tmp").symlink_to(victim)
    proc = _convert(str(src), "--to", "canonical", "-o", str(tmp_path / "out.jsonl"),
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text("utf-8") == SECRET
    assert json.loads((tmp_path / "out.jsonl").read_text("utf-8"))["id"] == "urn:x:1"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".credbridge-tmp")]
    assert leftovers == [".out.jsonl.credbridge-tmp"]  # the planted link, nothing of ours


@pytest.mark.parametrize("where", ["output", "report", "csvw"])
def test_a_link_at_an_output_is_refused(where: str, tmp_path: Path, victim: Path) -> None:
    src = _csv(tmp_path, "urn:x:1")
    out = tmp_path / ("out.csv" if where == "csvw" else "out.jsonl")
    args = [str(src), "-o", str(out)]
    if where == "output":
        out.symlink_to(victim)
        args += ["--to", "canonical"]
    elif where == "report":
        (tmp_path / "report.json").symlink_to(victim)
        args += ["--to", "canonical", "--report", str(tmp_path / "report.json")]
    else:
        (tmp_path / "out.csv-metadata.json").symlink_to(victim)
        args += ["--to", "csv", "--csvw"]
    proc = _convert(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "symbolic link" in proc.stderr and "Traceback" not in proc.stderr
    assert victim.read_text("utf-8") == SECRET


def test_an_existing_file_in_the_output_directory_is_kept_unless_force(tmp_path: Path) -> None:
    """A credential whose id ends in ``index`` chose ``index.html`` in ``-o DIR`` and
    replaced the page that was there."""
    src = _csv(tmp_path, "https://example.org/credentials/index", "urn:x:2")
    site = tmp_path / "site"
    site.mkdir()
    page = site / "index.html"
    page.write_text("<p>the site's own page</p>", "utf-8")
    proc = _convert(str(src), "--to", "ds-html", "-o", f"{site}/", cwd=tmp_path)
    assert proc.returncode == 1
    assert page.read_text("utf-8") == "<p>the site's own page</p>"
    assert "index.html" in proc.stderr and "--force" in proc.stderr
    assert "1 written, 1 failed" in proc.stderr
    assert (site / "urn_x_2.html").exists()
    proc = _convert(str(src), "--to", "ds-html", "-o", f"{site}/", "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Diploma Supplement" in page.read_text("utf-8")


def test_names_from_ids_are_safe_and_collisions_get_a_suffix(tmp_path: Path) -> None:
    ids = ["../../escape", "https://e.org/CON", "https://e.org/a/same", "https://e.org/b/same",
           "https://e.org/c/SAME", ".hidden", "urn:x:" + "y" * 300]
    src = _csv(tmp_path, *ids)
    out = tmp_path / "out"
    report_file = tmp_path / "report.json"
    proc = _convert(str(src), "--to", "canonical", "-o", f"{out}/", "--report",
                    str(report_file), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(ids)
    assert all(p.resolve().parent == out.resolve() for p in out.iterdir())
    assert not any(n.startswith(".") for n in names)
    assert "_CON.canonical.json" in names  # not the device CON on Windows
    assert {"same.canonical.json", "same-2.canonical.json", "SAME-3.canonical.json"} <= set(names)
    assert max(len(n) for n in names) < 120
    notes = [m for m in json.loads(report_file.read_text("utf-8"))["messages"]
             if "is taken by an earlier credential" in m["detail"]]
    assert len(notes) == 2
    assert [json.loads((out / n).read_text("utf-8"))["id"] for n in
            ("same.canonical.json", "same-2.canonical.json")] == ids[2:4]


def test_a_device_or_named_pipe_is_written_to_directly(tmp_path: Path) -> None:
    """``-o /dev/null`` and a named pipe (``-o >(gzip > x.gz)``) take the output as a stream:
    there is no file to make atomic; the device is opened without following a link, never
    created (a link to it is still refused)."""
    src = _csv(tmp_path, "urn:x:1")
    done = _convert(str(src), "--to", "canonical", "-q", "-o", os.devnull, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    done = _convert(str(src), "--to", "canonical", "-q", "-o", str(fifo), cwd=tmp_path)
    out, _ = reader.communicate(timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(out)["id"] == "urn:x:1"
    assert not list(tmp_path.glob("*credbridge-tmp"))
    link = tmp_path / "null-link"
    link.symlink_to(os.devnull)
    done = _convert(str(src), "--to", "canonical", "-q", "-o", str(link), cwd=tmp_path)
    assert done.returncode == 2 and "symbolic link" in done.stderr
