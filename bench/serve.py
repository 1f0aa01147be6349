"""Load and faults: ``credbridge serve --workers 2`` on loopback against the CLI.

Measures, in one run (machines are noisy: compare the ratios):

1. the CLI's single-process conversion rate by CPU (start-up taken out), on N small
   credentials (one document, each with its own id) to ob3:

   - **one per file** (``credbridge convert -o DIR/ c00000.canonical.json ...``): per
     document the same work as one request of the service (tell the format by the file
     name, read one document, write one indented document). This is *the CLI's
     single-process conversion rate for small documents* the service is held to (>= 90 %).
   - one JSON Lines file of the same N credentials (``-o out.ob3.jsonl``): compact lines and
     one batch for all; kept beside it, as it is what the CLI does fastest, but a request of
     one document is not this work (it writes an indented document, as ``-o DIR/`` does).

2. one worker kept busy (``--workers 1``, 3 clients): the worker's CPU per request, the
   request naming its file (``filename=c.canonical.json``: what the CLI knows of each file),
   against both CLI rates; and the same without a file name (the body's format told by
   content, which costs more) -- 1 and 2 interleaved in ``--rounds`` rounds, medians, as
   the machine may be shared; then ``--workers 2`` at 1 and C clients
   (keep-alive connections, one credential per request, no file name): requests/s, p50 /
   p99 latency (target: p99 < 250 ms at 8 clients on 2 cores), how the connections landed on
   the workers, the workers' peak RSS;
3. a CSV stream of R rows (default 100,000) converted as it is uploaded (report=multipart):
   rows/s and the workers' peak RSS against a 10,000-row stream (memory flat);
4. faults: the hostile corpus (tests/hostile) and malformed documents sent in parallel with good
   requests: every good one gets the right bytes, every bad one a 4xx problem, nothing leaks.

Every loop is bounded in count and time; only loopback is used.

    python bench/serve.py [--clients 8] [--seconds 15] [--rows 100000] [--workers 2]
                          [--rounds 3] [--skip-stream]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from csv_to_jsonl import generate

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "canonical" / "complete.canonical.json"
HOSTILE = ROOT / "tests" / "hostile"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(workers: int, folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([sys.executable, "-m", "credbridge", "serve", "--port", str(port),
                             "--workers", str(workers), "--log-level", "warning",
                             "--timeout", "1200"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start: {(folder / 'server.log').read_text()[-1000:]}")


def worker_pids(parent: int) -> list[int]:
    """The uvicorn worker processes (children of the server), else the server itself."""
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True,
                             text=True).stdout
    except OSError:
        return [parent]
    pids = [int(p) for p in out.split()]
    return [p for p in pids if _status(p, "VmRSS") > 20 * 1024] or [parent]


def _status(pid: int, key: str) -> int:
    """A /proc/PID/status field in KiB (0 when unreadable)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def _child_cpu(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a child process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


NAMED = "c.canonical.json"
"""The file name a request gives for the rate comparison (``filename=``): the CLI's files are
named so (``c00000.canonical.json``), and tell their format by it."""


def small_documents(n: int) -> list[bytes]:
    """``n`` copies of the small document, each with its own id (the same length): distinct
    credentials, as a real batch holds (``-o DIR/`` names each file after its id, and a name
    given before gets a suffix found by trying ``-2``, ``-3``...: with one id for all, the CLI
    would spend its time on names)."""
    data = SMALL.read_bytes()
    doc = json.loads(data)
    old = doc["id"]
    assert old.startswith("urn:uuid:") and old.encode() in data
    return [data.replace(old.encode(), f"{old[:-12]}{i:012x}".encode(), 1) for i in range(n)]


def cli_rate(n: int, folder: Path) -> tuple[float, float]:
    """``credbridge convert`` on one JSON Lines file of ``n`` small credentials, in one
    process, its start-up (a one-credential run) taken out: (credentials/s, CPU ms per
    credential). CPU is what compares fairly on a machine other programs also use."""
    lines = [json.dumps(json.loads(d)) + "\n" for d in small_documents(n)]
    src = folder / "cli.canonical.jsonl"
    src.write_text("".join(lines))
    one = folder / "one.canonical.jsonl"
    one.write_text(lines[0])
    cmd = [sys.executable, "-m", "credbridge", "convert", "--to", "ob3", "-q", "--force", "-o"]
    wall, cpu = _child_cpu([*cmd, str(folder / "cli.ob3.jsonl"), str(src)])
    wall1, cpu1 = _child_cpu([*cmd, str(folder / "one.ob3.jsonl"), str(one)])
    return (n - 1) / max(1e-6, wall - wall1), (cpu - cpu1) / (n - 1) * 1000


def cli_files_rate(n: int, folder: Path) -> tuple[float, float]:
    """``credbridge convert`` of ``n`` small documents (one file each, each its own id) to
    ``-o DIR/`` in one process, start-up (a one-file run) taken out: the same work per
    document as one request of the service that names its file (tell the format by the
    name, read one document, write one indented document). (documents/s, CPU ms per
    document)."""
    src = folder / "cli-files"
    src.mkdir(exist_ok=True)
    paths = []
    for i, data in enumerate(small_documents(n)):
        path = src / f"c{i:05d}.canonical.json"
        path.write_bytes(data)
        paths.append(str(path))
    cmd = [sys.executable, "-m", "credbridge", "convert", "--to", "ob3", "-q", "--force", "-o"]
    wall, cpu = _child_cpu([*cmd, str(folder / "cli-out") + os.sep, *paths])
    wall1, cpu1 = _child_cpu([*cmd, str(folder / "cli-out1") + os.sep, paths[0]])
    return (n - 1) / max(1e-6, wall - wall1), (cpu - cpu1) / (n - 1) * 1000


def serve_cpu(port: int, pid: int, clients: int, seconds: float, max_requests: int,
              filename: str | None = None) -> tuple[dict[str, Any], float]:
    """One load run against a one-worker service: the load's figures and the worker's CPU
    ms per request."""
    cpu0 = _cpu(pid)
    r = load(port, clients, seconds, max_requests, filename)
    return r, (_cpu(pid) - cpu0) / max(1, r["requests"]) * 1000


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def load(port: int, clients: int, seconds: float, max_requests: int,
         filename: str | None = None) -> dict[str, Any]:
    """C clients on keep-alive connections posting the small documents (distinct ids, in
    turn) until the time or the count is up: requests/s, latency percentiles (ms), and the
    connections each worker process took (``GET /health`` on each connection first)."""
    bodies = small_documents(64)
    path = "/convert?to=ob3" + (f"&filename={filename}" if filename else "")
    pids: list[int] = []
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    count = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/health")
        health = conn.getresponse()
        pid = json.loads(health.read())["pid"]
        with lock:
            pids.append(pid)
        while time.monotonic() < stop_at:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
                body = bodies[count[0] % len(bodies)]
            t0 = time.perf_counter()
            conn.request("POST", path, body=body)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors[0] += 1
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    spread = sorted((pids.count(p) for p in set(pids)), reverse=True)
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / wall,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "spread": "/".join(map(str, spread))}


def stream(port: int, path: Path, pids: list[int]) -> dict[str, float]:
    """Upload a CSV and read the streamed answer; the workers' RSS sampled meanwhile."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], max(_status(p, "VmRSS") for p in pids))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        conn.request("POST", "/convert?to=ob3&report=multipart&filename=big.csv", body=f,
                     headers={"Content-Length": str(path.stat().st_size)})
        response = conn.getresponse()
        size = 0
        window = b""
        report: bytearray | None = None
        while block := response.read(1 << 16):
            size += len(block)
            if report is not None:
                report += block
                continue
            window = window[-64:] + block
            if b'name="report"' in window:
                report = bytearray(window.split(b'name="report"', 1)[1])
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    conn.close()
    assert report is not None, "no report part in the answer"
    text = bytes(report).split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0]
    written = json.loads(text)["records"]["written"]
    return {"seconds": seconds, "written": written, "bytes_out": size,
            "peak_rss_mib": peak[0] / 1024}


def faults(port: int, clients: int) -> dict[str, int]:
    """Hostile and malformed documents in parallel with good ones."""
    good = SMALL.read_bytes()

    def post(path: str, body: bytes) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", path, body=body)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    expected = post("/convert?to=ob3", good)[1]
    bad: list[tuple[str, bytes]] = []
    for f in sorted(HOSTILE.iterdir()):
        if f.suffix != ".md":
            bad.append((f"/convert?to=canonical&filename={f.name}", f.read_bytes()))
    bad += [("/convert?to=ob3&from=ob3", b"{" * 50_000),
            ("/convert?to=ob3&from=canonical", good[: len(good) // 2]),
            ("/convert?to=ob3&from=edc-xml", b"<a>" * 100_000),
            ("/convert?to=ob3", b"\xff\xfe" + os.urandom(4000))]
    out = {"good_ok": 0, "good_wrong": 0, "bad_4xx": 0, "bad_5xx": 0, "bad_2xx": 0}
    with ThreadPoolExecutor(clients) as pool:
        goods = [pool.submit(post, "/convert?to=ob3", good) for _ in range(4 * len(bad))]
        bads = [pool.submit(post, p, b) for p, b in bad * 3]
        for future in goods:
            status, data = future.result()
            out["good_ok" if status == 200 and data == expected else "good_wrong"] += 1
        for future in bads:
            status, data = future.result()
            key = "bad_5xx" if status >= 500 else "bad_4xx" if status >= 400 else "bad_2xx"
            out[key] += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small-rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cli-files", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-stream", action="store_true",
                        help="Leave out the CSV streams (the 100k one takes minutes).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # the rates, interleaved: the CLI (N files; one JSON Lines file), then one worker
        # kept busy by 3 clients (on the other core), requests naming their file, then not,
        # in each of --rounds rounds; medians by CPU
        proc, port = start(1, folder)
        try:
            load(port, 3, 2, 300)  # warm-up
            pid = worker_pids(proc.pid)[0]
            files_cpu, lines_cpu, named_cpu, bare_cpu = [], [], [], []
            rps, p50, p99 = [], [], []
            for _ in range(args.rounds):
                files_cpu.append(cli_files_rate(args.cli_files, folder)[1])
                lines_cpu.append(cli_rate(args.cli_files, folder)[1])
                r, per_request = serve_cpu(port, pid, 3, args.seconds / args.rounds,
                                           args.max_requests, NAMED)
                named_cpu.append(per_request)
                rps.append(r["rps"])
                p50.append(r["p50_ms"])
                p99.append(r["p99_ms"])
                bare_cpu.append(serve_cpu(port, pid, 3, args.seconds / args.rounds,
                                          args.max_requests)[1])
        finally:
            proc.terminate()
            proc.wait(20)
        files, lines = _median(files_cpu), _median(lines_cpu)
        named, bare = _median(named_cpu), _median(bare_cpu)

        def each(values: list[float]) -> str:
            return " / ".join(f"{v:.2f}" for v in values)

        ratios = " / ".join(f"{f / n:.0%}" for f, n in zip(files_cpu, named_cpu, strict=True))

        print(f"CLI, one process, {args.cli_files} small credentials -> ob3 (CPU, start-up "
              f"taken out; median of {args.rounds} rounds, each round's in brackets):")
        print(f"  one document per file (-o DIR/), the rate a request is held to: "
              f"{files:.2f} ms per document ({1000 / files:,.0f}/s of CPU) [{each(files_cpu)}]")
        print(f"  one JSON Lines file (compact lines, one batch): {lines:.2f} ms per "
              f"credential ({1000 / lines:,.0f}/s of CPU) [{each(lines_cpu)}]")
        print("serve --workers 1, 3 clients, one document per request (CPU of the worker):")
        print(f"  naming its file (filename={NAMED}): {named:.2f} ms per request "
              f"[{each(named_cpu)}] = {files / named:.0%} of the CLI's one-per-file rate "
              f"(rounds: {ratios}), "
              f"{lines / named:.0%} of its JSON Lines rate; {_median(rps):,.0f} req/s, p50 "
              f"{_median(p50):.1f} ms, p99 {_median(p99):.1f} ms (wall: the machine is shared)")
        print(f"  body only (format told by content): {bare:.2f} ms per request "
              f"[{each(bare_cpu)}] = {files / bare:.0%} of the one-per-file rate, "
              f"{lines / bare:.0%} of the JSON Lines rate")
        proc, port = start(args.workers, folder)
        try:
            pids = worker_pids(proc.pid)
            load(port, args.clients, 2, 500)  # warm-up
            for clients in sorted({1, args.clients}):
                r = load(port, clients, args.seconds, args.max_requests)
                busy = min(args.workers, clients)
                per_worker = r["rps"] / busy
                landed = r["spread"].split("/")
                r["spread"] = "/".join(landed + ["0"] * (busy - len(landed)))
                print(f"serve --workers {args.workers}, {clients} clients: {r['rps']:,.0f} req/s "
                      f"({per_worker:,.0f} per busy worker, clients on the same cores), p50 "
                      f"{r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, {r['requests']:,} "
                      f"requests, {r['errors']} errors; connections per worker {r['spread']}")
            print(f"  workers' peak RSS: {max(_status(p, 'VmHWM') for p in pids) / 1024:.0f} MiB")
            for rows in () if args.skip_stream else (args.small_rows, args.rows):
                path = folder / f"rows-{rows}.csv"
                generate(path, rows)
                s = stream(port, path, pids)
                print(f"CSV stream of {rows:,} rows -> ob3: {s['seconds']:.1f} s, "
                      f"{s['written'] / s['seconds']:,.0f} rows/s, {s['written']:,} written, "
                      f"workers' RSS peak during it {s['peak_rss_mib']:.0f} MiB")
                path.unlink()
            f = faults(port, args.clients)
            print(f"faults in parallel: {f['good_ok']} good answered right, {f['good_wrong']} "
                  f"wrong; {f['bad_4xx']} bad refused (4xx), {f['bad_5xx']} 5xx, "
                  f"{f['bad_2xx']} 2xx; server alive: {proc.poll() is None}")
        finally:
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    main()
