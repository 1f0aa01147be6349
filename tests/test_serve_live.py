"""``credbridge serve`` started on a free loopback port, used over real HTTP.

Every endpoint through an HTTP client; outputs byte-identical to ``credbridge convert`` (a
subprocess) for real documents of every family in ../shared/samples; and the no-network
guarantee: while the service runs the hostile corpus (tests/hostile, with its addresses
pointed at a loopback canary), the canary records no connection and an audit hook in the
server process records no outbound connection attempt.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

pytestmark = pytest.mark.enable_socket  # loopback only: the server and the canary

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
SECRET_MARKERS = ("root:x:", "root:*:", "/bin/bash", "/usr/sbin/nologin")

# file -> the formats to name with from (None: detection), as tests/test_hostile.py runs them
HOSTILE_CASES: dict[str, tuple[str | None, ...]] = {
    "xxe-file.xml": ("edc-xml", None),
    "xxe-http.xml": ("elmo", None),
    "billion-laughs.xml": ("edc-xml",),
    "external-dtd.xml": ("edc-xml",),
    "xinclude.xml": ("edc-xml",),
    "xslt-pi.xml": ("elmo",),
    "remote-context-http.jsonld": ("elm", None),
    "remote-context-https.json": ("ob3",),
    "remote-context-file.jsonld": ("elm",),
    "context-import.jsonld": ("elm",),
    "invalid-utf8.csv": (None,),
    "invalid-utf8.canonical.json": (None,),
    "utf16-bom.canonical.json": (None,),
    "utf16-bom.csv": (None,),
    "nul-bytes.xml": ("edc-xml",),
    "nul-bytes.canonical.json": (None,),
    "ragged-rows.csv": (None,),
    "formula-cells.csv": (None,),
}

AUDIT = textwrap.dedent('''
    import os, sys

    _log = os.environ["CREDBRIDGE_AUDIT_LOG"]

    def _hook(event, args):
        # the server only listens: any connect or name lookup is an outbound attempt
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                     "urllib.Request", "http.client.connect"):
            target = args[1] if event == "socket.connect" else args[0]
            if event == "socket.connect" and isinstance(target, str):
                return  # a unix socket (never outside the machine)
            with open(_log, "a") as f:
                f.write(f"{event} {target!r}\\n")

    sys.addaudithook(_hook)
''')


class Canary:
    """A loopback TCP server that counts the connections it gets (and answers nothing)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(f"{addr}")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@dataclass
class Server:
    """A running ``credbridge serve`` subprocess."""

    url: str
    process: subprocess.Popen[bytes]
    audit: Path
    log: Path
    canary: Canary
    hostile: Path
    extra: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hostile_copies(folder: Path, port: int) -> Path:
    """The hostile corpus with its addresses pointed at the canary."""
    target = folder / "hostile"
    target.mkdir()
    for path in HOSTILE.iterdir():
        if path.suffix == ".md":
            continue
        data = path.read_bytes()
        data = data.replace(b"127.0.0.1:9/", f"127.0.0.1:{port}/".encode())
        data = data.replace(b"https://evil.example/", f"http://127.0.0.1:{port}/".encode())
        (target / path.name).write_bytes(data)
    return target


def start_server(folder: Path, canary: Canary, *args: str) -> Server:
    """``credbridge serve`` on a free loopback port, with the audit hook; waits until it
    answers /health."""
    guard = folder / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(AUDIT)
    audit = folder / "audit.log"
    audit.write_text("")
    log = folder / "server.log"
    env = {**os.environ, "PYTHONPATH": str(guard), "CREDBRIDGE_AUDIT_LOG": str(audit)}
    env.pop("CREDBRIDGE_DEBUG", None)
    for attempt in range(3):
        port = _free_port()
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "credbridge", "serve", "--port", str(port),
                 "--log-level", "warning", *args], stdout=out, stderr=subprocess.STDOUT,
                env=env, cwd=folder)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    return Server(url, process, audit, log, canary,
                                  _hostile_copies(folder, canary.port)
                                  if not (folder / "hostile").exists() else folder / "hostile")
            except httpx.HTTPError:
                time.sleep(0.1)
        process.kill()
        process.wait()
        if attempt == 2:
            raise AssertionError(f"credbridge serve did not start: {log.read_text()[-2000:]}")
    raise AssertionError("unreachable")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    canary = Canary()
    running = start_server(folder, canary)
    try:
        yield running
    finally:
        stop(running)
        canary.close()


def _problem_or_report(response: httpx.Response) -> None:
    """A hostile document: a problem (4xx, one sentence) or a report of failed records; never
    a 5xx, a traceback or a secret."""
    assert response.status_code < 500 or response.status_code == 503, response.text[:500]
    text = response.text
    assert "Traceback" not in text
    for marker in SECRET_MARKERS:
        assert marker not in text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "\n" not in response.json()["detail"]


# --- endpoints over HTTP ----------------------------------------------------------------------


def test_every_endpoint_over_http(server: Server, fixtures: Path) -> None:
    doc = (fixtures / "canonical" / "complete.canonical.json").read_bytes()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/health").json()["status"] == "ok"
        assert http.get("/formats").status_code == 200
        assert http.get("/openapi.json").json()["openapi"].startswith("3.1")
        assert "<label" in http.get("/").text and http.get("/docs").status_code == 200
        assert http.post("/convert?to=ob3", content=doc).status_code == 200
        assert http.post("/show", content=doc).status_code == 200
        assert http.post("/check", content=doc).json()[0]["complete"] is True
        assert http.post("/detect", content=doc).json()["format"] == "canonical"
        assert http.post("/coverage", content=doc).status_code == 200
        assert http.post("/verify", content=doc).json() == {"-": {"verified": False,
                                                                  "proofs": []}}
        assert http.post("/validate", content=doc).status_code in (200, 400, 503)
        response = http.post("/convert?to=nope", content=doc)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"


SAMPLES = [
    "ob3/basicOpenBadgeCredential.json", "ob3/educredentials-theed_microcredential_full_ho.json",
    "elm/Sample-MC-Annex1-unsigned.jsonld", "edc-xml/EDC_WileECoyote_Simple.xml",
    "edc-xml/EDC_SampleDegree_AA.xml", "elmo/microcredential_elmo_v1.7.xml",
    "ob2/ob2-spec-example-00-Assertion.json", "csv/microcredentials.csv",
]


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("target", ["canonical", "ob3", "elm"])
def test_outputs_equal_the_cli_on_real_documents(server: Server, shared: Path, sample: str,
                                                 target: str, tmp_path: Path) -> None:
    path = shared / "samples" / sample
    if not path.exists():
        pytest.skip(f"{sample} is not in the shared samples")
    report_file = tmp_path / "report.json"
    cli = subprocess.run([sys.executable, "-m", "credbridge", "convert", path.name, "--to",
                          target, "-q", "--report", str(report_file), "-o",
                          str(tmp_path / "out")],
                         cwd=path.parent, capture_output=True, timeout=120)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        response = http.post("/convert", params={"to": target, "filename": path.name,
                                                 "report": "header"},
                             content=path.read_bytes())
        if cli.returncode == 2:
            assert response.status_code >= 400, response.text[:300]
            return
        assert response.status_code == 200, response.text[:300]
        assert response.headers["credbridge-exit-code"] == str(cli.returncode)
        assert response.content == (tmp_path / "out").read_bytes()
        only = http.post("/convert", params={"to": target, "filename": path.name,
                                             "report": "only"}, content=path.read_bytes())
        assert only.json() == json.loads(report_file.read_text())


def test_a_csv_streams_through_while_it_uploads(server: Server, fixtures: Path,
                                               tmp_path: Path) -> None:
    """A CSV uploaded in pieces (chunked) and answered as it converts (report=multipart):
    every record arrives, and the output equals the CLI's (over real HTTP the answer is sent
    while the body is still being read: nothing else may take the body's messages)."""
    header, row = (fixtures / "csv" / "two-credentials.csv").read_bytes().split(b"\n", 2)[:2]
    rows = [row.replace(b"urn:", f"urn:r{i}-".encode(), 1) for i in range(1500)]
    path = tmp_path / "many.csv"
    path.write_bytes(b"\n".join([header, *rows]) + b"\n")
    cli = subprocess.run([sys.executable, "-m", "credbridge", "convert", path.name, "--to",
                          "ob3", "-q"], cwd=tmp_path, capture_output=True, timeout=300)

    def pieces() -> Iterator[bytes]:
        data = path.read_bytes()
        for i in range(0, len(data), 32_768):
            yield data[i:i + 32_768]

    with httpx.Client(base_url=server.url, timeout=120) as http:
        response = http.post("/convert", params={"to": "ob3", "report": "multipart",
                                                 "filename": path.name}, content=pieces())
    assert response.status_code == 200
    import email.parser
    import email.policy

    raw = f"Content-Type: {response.headers['content-type']}\r\n\r\n".encode() + \
        response.content
    parts = {p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
             for p in email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
             .iter_parts()}
    assert json.loads(parts["report"])["records"] == {"read": 1500, "written": 1500,
                                                      "failed": 0}
    assert parts["output"] == cli.stdout


# --- the hostile corpus and the canary --------------------------------------------------------


def _hostile_requests(server: Server) -> list[tuple[str, dict[str, str], bytes]]:
    out = []
    for name, formats in HOSTILE_CASES.items():
        data = (server.hostile / name).read_bytes()
        for fmt in formats:
            params = {"to": "canonical", "filename": name}
            if fmt:
                params["from"] = fmt
            out.append(("/convert", params, data))
        read = {"filename": name, **({"from": formats[0]} if formats[0] else {})}
        out += [("/check", read, data), ("/coverage", read, data), ("/validate", read, data),
                ("/show", read, data), ("/detect", {"filename": name}, data)]
    return out


def test_hostile_files_fail_alone_and_nothing_goes_out(server: Server, fixtures: Path) -> None:
    """The hostile corpus sent 4 at a time, interleaved with good requests: each hostile one
    fails cleanly, each good one gets the right bytes, and the server connects nowhere."""
    good = (fixtures / "canonical" / "complete.canonical.json").read_bytes()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        expected = http.post("/convert?to=ob3", content=good).content
    requests = _hostile_requests(server)
    assert len(requests) > 60

    def hostile(case: tuple[str, dict[str, str], bytes]) -> None:
        path, params, data = case
        with httpx.Client(base_url=server.url, timeout=60) as http:
            start = time.monotonic()
            response = http.post(path, params=params, content=data)
            assert time.monotonic() - start < 30, (path, params)
            _problem_or_report(response)

    def benign(_n: int) -> bytes:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            return http.post("/convert?to=ob3", content=good).content

    with ThreadPoolExecutor(4) as pool:
        bad = [pool.submit(hostile, case) for case in requests]
        ok = [pool.submit(benign, n) for n in range(12)]
        for future in bad:
            future.result()
        assert all(f.result() == expected for f in ok)
    assert server.process.poll() is None, "the server died"
    assert server.canary.connections == [], server.canary.connections
    assert server.audit.read_text() == "", server.audit.read_text()


def test_the_canary_and_the_audit_hook_see_a_connection(tmp_path: Path) -> None:
    """The detectors work: a program with the same audit hook that does connect is seen by
    both (so their silence during the hostile run means something)."""
    canary = Canary()
    try:
        guard = tmp_path / "guard"
        guard.mkdir()
        (guard / "sitecustomize.py").write_text(AUDIT)
        audit = tmp_path / "audit.log"
        env = {**os.environ, "PYTHONPATH": str(guard), "CREDBRIDGE_AUDIT_LOG": str(audit)}
        code = f"import socket; socket.create_connection(('127.0.0.1', {canary.port})).close()"
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=30)
        time.sleep(0.5)
        assert canary.connections
        assert "socket.connect" in audit.read_text()
    finally:
        canary.close()


def test_the_server_refuses_what_is_too_large_and_stays_up(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        response = http.post("/convert?to=ob3&from=ob3", content=b" " * (65 << 20))
        assert response.status_code == 413
        assert response.json()["type"] == "/problems/too-large"
        assert http.get("/health").status_code == 200
