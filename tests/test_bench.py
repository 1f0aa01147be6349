"""bench/run.py and bench/profile.py run and give tables of the right shape (issue 21).

Smoke tests with tiny inputs on the cheap csv format: the shape of the results, the page
``--write-docs`` writes, the measuring helpers. Never a timing assertion: the bench reports
ratios against targets, it does not pass or fail on them.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run = _module("run")


def _bench(tmp_path: Path, *args: str, docs: bool = True) -> tuple[dict[str, Any], str]:
    """The bench's results and its page (written by ``--write-docs``, else rendered here)."""
    out, page = tmp_path / "results.json", tmp_path / "performance.md"
    write_docs = ["--write-docs", str(page)] if docs else []
    subprocess.run([sys.executable, str(BENCH / "run.py"), "--json", str(out), *write_docs,
                    *args], check=True, cwd=ROOT, capture_output=True, timeout=300)
    result = json.loads(out.read_text("utf-8"))
    return result, page.read_text("utf-8") if docs else run.markdown(result)


def _spread_ok(s: dict[str, float]) -> None:
    assert set(s) == {"median", "min", "max"}
    assert 0 <= s["min"] <= s["median"] <= s["max"]


def test_written_csv_table(tmp_path: Path) -> None:
    result, page = _bench(tmp_path, "--n", "5", "--runs", "7", "--sections", "written",
                          "--formats", "csv")
    assert result["parameters"]["runs"] == 7
    assert result["machine"]["package"] == "working tree"
    assert {"cpu", "cores", "python", "date", "commit", "libraries"} <= set(result["machine"])
    [row] = result["written"]
    assert (row["format"], row["credentials"], row["documents"]) == ("csv", 5, 1)
    assert row["floor"] == "csv module" and row["target"] == 10
    for key in ("credbridge_ms", "floor_ms", "ratio"):
        _spread_ok(row[key])
    assert "second_ratio" not in row  # the csv module is the only floor of CSV
    assert page.startswith("# Performance\n")
    header = next(line for line in page.splitlines() if line.startswith("| format |"))
    csv_row = next(line for line in page.splitlines() if line.startswith("| csv |"))
    assert header.count("|") == csv_row.count("|") == 12
    assert "≤ 10" in csv_row and csv_row.rstrip(" |").endswith(("yes", "no"))
    for absent in ("## Start-up", "## --jobs", "## Many credentials"):
        assert absent not in page  # sections not run are not shown
    assert str(ROOT) not in page and str(Path.home()) not in page


def test_write_docs_needs_seven_runs(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--runs", "3", "--sections",
                           "written", "--formats", "csv", "--write-docs", str(tmp_path / "p.md"),
                           "--json", str(tmp_path / "r.json")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "--runs 7" in done.stderr
    assert not (tmp_path / "p.md").exists()


def test_shared_csv_documents(tmp_path: Path, shared: Path) -> None:
    result, page = _bench(tmp_path, "--runs", "7", "--sections", "shared", "--formats", "csv",
                          "--shared", str(shared))
    [row] = result["shared"]
    assert row["format"] == "csv" and row["documents"] >= 1 and row["credentials"] >= 1
    _spread_ok(row["ratio"])
    assert "## Read + write: the shared samples and corpus" in page


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="--at needs the git repository")
def test_at_commit_measures_a_checkout(tmp_path: Path) -> None:
    result, page = _bench(tmp_path, "--at", "HEAD", "--n", "3", "--runs", "7", "--sections",
                          "written", "--formats", "csv")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()
    assert result["machine"]["commit"] == head
    assert result["machine"]["package"] == "checkout of the commit"
    assert f"commit `{head}`" in page


def test_interleaved_alternates_and_times_every_run() -> None:
    calls: list[str] = []
    times = run.interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                            3, warm_up=True)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then flipping turns
    assert [len(v) for v in times["cpu"].values()] == [3, 3]


def test_spread_of_paired_ratios() -> None:
    s = run.Spread.ratio([2.0, 6.0, 3.0], [1.0, 2.0, 3.0])
    assert (s.median, s.low, s.high) == (2.0, 1.0, 3.0)
    assert s.text(1) == "2.0 (1.0-3.0)"
    assert s.scaled(10).json() == {"median": 20.0, "min": 10.0, "max": 30.0}


def test_profile_prints_read_and_write_tops() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "profile.py"), "--formats", "csv",
                           "--n", "5", "--top", "3"], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    out = done.stdout
    assert "=== csv read: 1 documents, 5 credentials" in out
    assert "=== csv write: 5 credentials" in out
    assert out.count("by cumulative time") == out.count("by own time") == 2
    assert "core/convert.py" in out  # entries named by their path inside the repository
    assert str(ROOT) not in out


def test_every_other_section_has_its_table(tmp_path: Path) -> None:
    for floor in ("orjson", "pyoxigraph"):  # the JSON and RDF floors: the [bench] extra
        pytest.importorskip(floor, reason=f"{floor} not installed (pip install -e '.[bench]')")
    result, page = _bench(tmp_path, "--n", "10", "--runs", "2", "--many", "12",
                          "--jobs-rows", "300", "--jobs-runs", "1",
                          "--sections", "many,jsonld,startup,jobs",
                          "--shared", str(tmp_path),  # no shared documents: written ones only
                          docs=False)
    assert [r["format"] for r in result["many"]] == ["elm-ttl", "elm-rdfxml"]
    for r in result["many"]:
        assert r["credentials"] == 12 and r["target"] == 2.0
        for key in ("small_ms", "big_ms", "linear", "read_vs_floor"):
            _spread_ok(r[key])
    [jsonld] = result["jsonld"]
    assert jsonld["documents"] == "written" and jsonld["count"] == 1
    _spread_ok(jsonld["speedup"])
    for key in ("formats_ms", "click_ms", "ratio", "cpu_ratio"):
        _spread_ok(result["startup"][key])
    jobs = result["jobs"]
    assert jobs["rows"] == 300 and jobs["identical"] is True
    _spread_ok(jobs["speedup"])
    for title in ("## Many credentials in one RDF document",
                  "## ELM read against rdflib's JSON-LD parse", "## Start-up", "## --jobs"):
        assert title in page
    assert "## Read + write" not in page
    rows = [line for line in page.splitlines() if line.startswith("| elm-")]
    assert len(rows) == 2 and all(line.count("|") == 10 for line in rows)


def test_model_section_bounds_each_format_by_the_model_alone(tmp_path: Path) -> None:
    pytest.importorskip("orjson", reason="orjson not installed (pip install -e '.[bench]')")
    result, page = _bench(tmp_path, "--n", "10", "--runs", "7", "--sections", "model",
                          "--formats", "canonical,csv,elm-ttl", docs=True)
    rows = {r["format"]: r for r in result["model"]}
    assert set(rows) == {"canonical", "csv"}  # the RDF formats have no model bound
    assert rows["canonical"]["floor"] == "orjson" and rows["canonical"]["target"] == 3
    assert rows["csv"]["floor"] == "csv module" and rows["csv"]["credentials"] == 10
    for r in rows.values():
        for key in ("floor_ms", "validate_ms", "validate_ratio", "validate_dump_ratio"):
            _spread_ok(r[key])
        assert r["validate_ms"]["median"] > 0
    assert "## What the canonical model alone costs" in page
    lines = [line for line in page.splitlines() if line.startswith(("| canonical |", "| csv |"))]
    assert len(lines) == 2 and all(line.count("|") == 9 for line in lines)
