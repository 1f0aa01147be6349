"""credbridge.dask on a dask.distributed LocalCluster gives the same output as a local run."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

dask_distributed = pytest.importorskip("dask.distributed", reason="the 'dask' extra")
import dask  # noqa: E402
from credbridge.batch import Batch, run  # noqa: E402
from credbridge.convert import convert  # noqa: E402
from credbridge.dask import convert_files, convert_lines, write_parts  # noqa: E402

# The scheduler and its workers talk over loopback only (the suite blocks every other socket).
pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    # Scratch folders in the test's own, and the cluster closed (folders removed) before the
    # next module's tests run in this process.
    scratch = tmp_path_factory.mktemp("dask")
    with dask.config.set({"temporary-directory": str(scratch)}), \
            dask_distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                          dashboard_address=None, host="127.0.0.1",
                                          protocol="tcp://") as cluster, \
            dask_distributed.Client(cluster) as c:
        yield c
    gc.collect()  # the workers' folder finalizers run now, not in a later test
    assert not any(scratch.rglob("worker-*")), "the cluster left its scratch folders behind"


def _csv_parts(tmp_path: Path, fixtures: Path) -> list[Path]:
    src = (fixtures / "csv" / "two-credentials.csv").read_bytes()
    header, *rows = src.split(b"\r\n")
    parts = []
    for i, row in enumerate(r for r in rows if r):
        part = tmp_path / f"part-{i}.csv"
        part.write_bytes(header + b"\r\n" + row + b"\r\n")
        parts.append(part)
    return parts


def test_files_on_a_local_cluster_equal_the_local_run(client, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      fixtures: Path) -> None:
    parts = _csv_parts(tmp_path, fixtures)
    report = write_parts(convert_files(parts, to="canonical"), tmp_path / "cluster.jsonl")
    local = run(Batch([str(p) for p in parts], to="canonical")).output
    assert (tmp_path / "cluster.jsonl").read_bytes() == local
    assert report.records_written == 2
    assert not report.has_errors


def test_json_lines_partitions(client, tmp_path: Path, fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    import dask.bag as db

    jsonl = convert(fixtures / "csv" / "two-credentials.csv", to="canonical").output or b""
    lines = db.from_sequence(jsonl.decode().splitlines(), npartitions=2)
    out = tmp_path / "ob.csv.jsonl"
    report = write_parts(convert_lines(lines, to="canonical"), out)
    assert out.read_bytes() == jsonl
    assert report.records_written == 2


def _messages(report):  # type: ignore[no-untyped-def]
    return sorted(json.dumps(m.to_dict(), sort_keys=True) for m in report.messages)


def test_cli_jobs_and_dask_give_the_same_bytes_and_report(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One batch (three CSV files, one with a bad row, one not readable at all) through the
    engine serially, with two worker processes, and on the cluster."""
    rows = ["credential_id,title,issue_date,eqf_level"]
    files = []
    for n in range(3):
        body = [f"urn:x:{n}-{i},Course {i},2025-06-30,{9 if (n, i) == (1, 2) else 6}"
                for i in range(1, 5)]
        path = tmp_path / f"in-{n}.csv"
        path.write_text("\r\n".join([*rows, *body]) + "\r\n", "utf-8")
        files.append(str(path))
    serial = run(Batch(files, to="canonical", output=str(tmp_path / "serial.jsonl")))
    jobs = run(Batch(files, to="canonical", output=str(tmp_path / "jobs.jsonl"), jobs=2))
    cluster = write_parts(convert_files(files, to="canonical"), tmp_path / "dask.jsonl")
    data = (tmp_path / "serial.jsonl").read_bytes()
    assert data.count(b"\n") == 11
    assert (tmp_path / "jobs.jsonl").read_bytes() == data
    assert (tmp_path / "dask.jsonl").read_bytes() == data
    assert _messages(serial.report) == _messages(jobs.report) == _messages(cluster)
    assert serial.report.records_failed == jobs.report.records_failed == \
        cluster.records_failed == 1
    assert serial.exit_code == jobs.exit_code == 1
