"""credbridge.dask on a dask.distributed LocalCluster gives the same output as a local run."""

from __future__ import annotations

from pathlib import Path

import pytest

dask_distributed = pytest.importorskip("dask.distributed", reason="the 'dask' extra")

from credbridge.convert import convert  # noqa: E402
from credbridge.dask import convert_files, convert_lines, write_parts  # noqa: E402


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    # The suite blocks sockets; the scheduler and its workers may talk over loopback only.
    pytest_socket = pytest.importorskip("pytest_socket")
    pytest_socket.enable_socket()
    pytest_socket.socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)
    cluster = dask_distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                            dashboard_address=None, host="127.0.0.1",
                                            protocol="tcp://")
    try:
        with dask_distributed.Client(cluster) as c:
            yield c
    finally:
        cluster.close()
        pytest_socket.disable_socket(allow_unix_socket=True)


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
    local = b"".join(convert(p, to="canonical", options={"json_lines": True}).output or b""
                     for p in parts)
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
