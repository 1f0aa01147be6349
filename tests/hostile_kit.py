"""Hostile inputs of issue 14, classes 1-4, made at run time, and the witnesses of what
credbridge does with them.

- :class:`Canary`: a loopback HTTP server (127.0.0.1, port 0, in the test process) that the
  hostile documents point at; it records every request (``/tarpit`` holds the connection).
- :func:`audited`: a Python audit hook on ``open`` and the socket/urllib events; it records
  every network attempt and every ``open()`` of a path outside the inputs, the package and the
  Python installation.
- :func:`run_cli`: ``credbridge ARGS`` in a child process that carries the same audit hook
  (its findings come back in :attr:`CliRun.violations`) and reports its peak RSS (VmHWM).
- :data:`ATTACKS`: the attacks, by class, with the outcome credbridge must give.

Used by tests/test_hostile_offline.py (class 1, and the offline proof for every reader) and
tests/test_hostile_budgets.py (classes 2-4).
"""

from __future__ import annotations

import base64
import gc
import json
import os
import re
import struct
import subprocess
import sys
import sysconfig
import textwrap
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TIME_LIMIT_S = 10.0
RSS_LIMIT_MB = 256.0
INJECTED = "INJECTED-BY-THE-ATTACK"
VC1 = "https://www.w3.org/2018/credentials/v1"
EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2 = "https://www.w3.org/ns/credentials/v2"


# --- the canary server -----------------------------------------------------------------------


class Canary:
    """A loopback HTTP server that records each request; ``/tarpit`` answers after 30 s."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.requests.append(f"GET {self.path} {self.headers.get('User-Agent')}")
                if self.path.startswith("/tarpit"):
                    time.sleep(30)
                body = json.dumps({"@context": {"@vocab": "http://evil.example/",
                                                "title": "http://evil.example/t"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the audit hook --------------------------------------------------------------------------

NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                  "urllib.Request", "http.client.connect")


def package_roots() -> list[str]:
    """The folders of the installed package and its data (credbridge, plugins, mappings)."""
    import credbridge
    import credbridge.mappings
    import credbridge.plugins

    files = [m.__file__ or "" for m in (credbridge, credbridge.plugins, credbridge.mappings)]
    return sorted({os.path.dirname(p) for f in files for p in (f, os.path.realpath(f))})


def python_roots() -> list[str]:
    """The Python installation: the interpreter's prefixes and library folders."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    return sorted({os.path.realpath(p) for p in paths if p})


def _metadata(path: str) -> bool:
    """Package metadata (entry points: how plugins are found)."""
    return os.path.basename(os.path.dirname(path)).endswith((".dist-info", ".egg-info"))


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


@dataclass
class AuditLog:
    """What one audited block did: network events and opens outside ``allowed``."""

    allowed: list[str]
    #: threads already running when the block began (a dask cluster of an earlier test removing
    #: its scratch folders, the canary server): what they do is not the block's doing
    elsewhere: frozenset[threading.Thread] = frozenset()
    network: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        """Everything that must never happen: any network event, any open outside."""
        return [*self.network, *(f"open {p}" for p in self.outside)]


_ARMED: list[AuditLog] = []
_INSTALLED: list[bool] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _ARMED:
        return
    log = _ARMED[-1]
    if threading.current_thread() in log.elsewhere:  # objects: an ident is reused
        return
    if event == "open":
        target = args[0] if args else None
        if target is None or isinstance(target, int):
            return
        path = os.path.realpath(os.fsdecode(target))
        if not _inside(path, log.allowed) and not _metadata(path) \
                and not path.startswith(("/dev/", "/proc/self/", f"/proc/{os.getpid()}/")):
            log.outside.append(path)
    elif event in NETWORK_EVENTS:
        log.network.append(f"{event} {args!r:.200}")


@contextmanager
def audited(*allowed: str | os.PathLike[str]) -> Iterator[AuditLog]:
    """Record network events and opens outside ``allowed`` (plus the package and the Python
    installation) during the block, by this thread and any thread started in it. The hook is
    added once per process (audit hooks cannot be removed) and records only while a block is
    running."""
    if not _INSTALLED:
        sys.addaudithook(_hook)
        _INSTALLED.append(True)
    roots = [os.path.realpath(os.fspath(p)) for p in allowed] + package_roots() + python_roots()
    others = frozenset(t for t in threading.enumerate() if t is not threading.current_thread())
    log = AuditLog(roots, elsewhere=others)
    # no garbage of earlier tests is collected inside the block: a finalizer (a dask work
    # folder removed when its worker is collected) would run in this thread and count
    collecting = gc.isenabled()
    gc.disable()
    _ARMED.append(log)
    try:
        yield log
    finally:
        _ARMED.remove(log)
        if collecting:
            gc.enable()


# --- the CLI in a child process --------------------------------------------------------------

CHILD_SITECUSTOMIZE = textwrap.dedent('''
    import atexit, json, os, sys

    _LOG = os.environ["CREDBRIDGE_AUDIT_LOG"]
    _RSS = os.environ["CREDBRIDGE_RSS_FILE"]
    _ROOTS = [p for p in os.environ.get("CREDBRIDGE_AUDIT_ALLOW", "").split(os.pathsep) if p]
    _ROOTS += [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)]
    _ROOTS += [os.path.realpath(p) for p in sys.path if p]
    _BUSY = []

    def _inside(path):
        return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in _ROOTS)

    def _note(record):
        _BUSY.append(1)
        try:
            with open(_LOG, "a") as out:
                out.write(json.dumps(record) + "\\n")
        finally:
            _BUSY.pop()

    def _loopback(args):
        text = repr(args)
        return "127.0.0.1" in text or "'localhost'" in text

    def _hook(event, args):
        if _BUSY:
            return
        if event == "open":
            target = args[0] if args else None
            if target is None or isinstance(target, int):
                return
            path = os.path.realpath(os.fsdecode(target))
            own = ("/dev/", "/proc/self/", f"/proc/{os.getpid()}/")
            if path in (_LOG, _RSS) or path.startswith(own):
                return
            if os.path.basename(os.path.dirname(path)).endswith((".dist-info", ".egg-info")):
                return  # package metadata (entry points)
            if not _inside(path):
                _note({"event": "open", "path": path})
        elif event in %(events)r:
            _note({"event": event, "args": repr(args)[:200]})
            if not _loopback(args):
                raise OSError("network access attempted during a hostile-input test")

    sys.addaudithook(_hook)

    def _rss():
        # VmHWM is this program's own peak (ru_maxrss would include the forking parent's)
        peak = 0
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
        with open(_RSS, "w") as f:
            f.write(str(peak))

    atexit.register(_rss)
''') % {"events": NETWORK_EVENTS}


@dataclass
class CliRun:
    """The outcome of one ``credbridge`` run in a child process."""

    args: list[str]
    code: int
    out: str
    err: str
    seconds: float
    rss_mb: float
    violations: list[str]

    def error_lines(self) -> list[str]:
        """The lines of stderr that report an error."""
        return [line for line in self.err.splitlines()
                if line.startswith(("credbridge: error", "error:"))]


def run_cli(args: list[str], workdir: Path, *allowed: str | os.PathLike[str],
            timeout: float = 60) -> CliRun:
    """``python -m credbridge ARGS`` in ``workdir`` with the audit hook (opens allowed under
    ``workdir``, ``allowed``, the package and Python) and the RSS probe."""
    guard = workdir / ".guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(CHILD_SITECUSTOMIZE)
    stamp = time.monotonic_ns()
    log, rss = workdir / f".audit-{stamp}", workdir / f".rss-{stamp}"
    # a path and where its links lead (../shared may be a link to the data)
    allow = [p for a in (workdir, *allowed) for p in dict.fromkeys(
        (os.fspath(a), os.path.realpath(a)))] + [*package_roots()]
    pythonpath = os.pathsep.join(p for p in (str(guard), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": pythonpath, "CREDBRIDGE_AUDIT_LOG": str(log),
           "CREDBRIDGE_RSS_FILE": str(rss), "CREDBRIDGE_AUDIT_ALLOW": os.pathsep.join(allow)}
    env.pop("CREDBRIDGE_DEBUG", None)
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "credbridge", *args], capture_output=True,
                              env=env, timeout=timeout, cwd=workdir)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = -9, exc.stdout or b"", (exc.stderr or b"") + b"\n(timed out)"
    seconds = time.monotonic() - start
    violations = []
    if log.exists():
        violations = [line for line in log.read_text().splitlines() if line.strip()]
    peak = int(rss.read_text()) / 1024 if rss.exists() else 0.0
    return CliRun(args, code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                  seconds, peak, violations)


# --- base documents --------------------------------------------------------------------------


def elm_doc() -> dict[str, Any]:
    """A complete EDC 3 JSON-LD credential (the project's fixture)."""
    data: dict[str, Any] = json.loads((FIXTURES / "elm" / "microcredential-full.jsonld")
                                      .read_bytes())
    return data


def ob3_doc() -> dict[str, Any]:
    """A small, valid OB 3.0 credential."""
    return {
        "@context": [VC2, OB3_CONTEXT],
        "id": "urn:uuid:5b0f6a8e-2c4d-4e8a-9f1b-3c2d1e0f5a6b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example.org", "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.example.org/a/1", "type": ["Achievement"],
                            "name": "Badge", "description": "A badge.",
                            "criteria": {"narrative": "Do it."}},
        },
    }


def ob2_doc() -> dict[str, Any]:
    """A small OB 2.0 assertion with its badge and issuer embedded."""
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:6c1f7b9f-3d5e-4f9b-8a2c-4d3e2f1a6b7c",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "issuedOn": "2024-01-01T00:00:00Z",
        "verification": {"type": "hosted"},
        "badge": {"type": "BadgeClass", "id": "https://issuer.example.org/b/1",
                  "name": "Badge", "description": "A badge.", "image": "https://i.example/x.png",
                  "criteria": {"narrative": "Do it."},
                  "issuer": {"type": "Profile", "id": "https://issuer.example.org",
                             "name": "Issuer"}},
    }


def dumps(doc: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rdfxml_doc() -> bytes:
    """The fixture credential as ELM RDF/XML (written by credbridge)."""
    from credbridge.convert import convert

    out = convert(FIXTURES / "elm" / "microcredential-full.jsonld", to="elm-rdfxml").output
    assert isinstance(out, bytes)
    return out


def edc_xml_doc() -> bytes:
    """The EDC XML fixture."""
    return (FIXTURES / "edc-xml" / "microcredential.xml").read_bytes()


def svg_badge(text: str, prolog: str = "", body: str = "") -> bytes:
    """An SVG image with an OB 3.0 credential baked in."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<svg '
            'xmlns="http://www.w3.org/2000/svg" '
            'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
            f'<openbadges:credential>{text}</openbadges:credential>{body}</svg>').encode()


def png_with_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """A 1x1 PNG with extra chunks (type, body) after IHDR."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + b"".join(chunk(k, d) for k, d in chunks)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


# --- the attacks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    """What an attack may point at: the canary's base URL and a file outside the inputs."""

    canary: str
    secret: Path

    @property
    def secret_url(self) -> str:
        """``file://`` URL of the secret file."""
        return self.secret.as_uri()


@dataclass(frozen=True)
class Attack:
    """One hostile input: its class, file name, the ``--from`` format (``None``: detected),
    how it is made, and the outcome required: ``refused`` (exit 2), ``failed`` (exit 1, the
    bad records reported) or ``read`` (exit 0, nothing injected in the output)."""

    name: str
    cls: int
    filename: str
    fmt: str | None
    make: Callable[[Env], bytes]
    outcome: str = "refused"
    validate: bool = False
    """Also run ``credbridge validate`` on it (needs the shared schemas)."""
    expect: str = ""
    """Text the error line must hold (why it was refused: a budget's name, DOCTYPE...)."""


def _with_context(extra: list[Any]) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["@context"] = [VC1, EDC_AP, *(_fill(x, env) for x in extra)]
        return dumps(doc)
    return make


def _fill(value: Any, env: Env) -> Any:
    text = json.dumps(value).replace("CANARY", env.canary).replace("SECRET", env.secret_url)
    return json.loads(text)


def _nested_node_context(value: Any) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["credentialSubject"]["@context"] = _fill(value, env)
        return dumps(doc)
    return make


def _type_scoped(env: Env) -> bytes:
    doc = elm_doc()
    doc["@context"] = [VC1, EDC_AP, {"EuropeanDigitalCredential": {
        "@id": "http://data.europa.eu/snb/model/elm/EuropeanDigitalCredential",
        "@context": env.canary + "/type-scoped.jsonld"}}]
    return dumps(doc)


def _scoped_import(env: Env) -> bytes:
    doc = elm_doc()
    doc["@context"] = [VC1, EDC_AP, {"evidenceNote": {
        "@id": "http://data.europa.eu/snb/model/elm/note",
        "@context": {"@import": env.canary + "/scoped-import.jsonld"}}}]
    doc["evidenceNote"] = {"x": "y"}
    return dumps(doc)


def _json_lines(env: Env) -> bytes:
    good = elm_doc()
    bad = elm_doc()
    bad["id"] = "urn:credential:second"
    bad["@context"] = [VC1, EDC_AP, {"@context": env.canary + "/line2.jsonld"}]
    return dumps(good) + b"\n" + dumps(bad) + b"\n"


def _jades(env: Env) -> bytes:
    doc = elm_doc()
    doc["@context"] = [VC1, EDC_AP, {"@context": env.canary + "/jades.jsonld"}]

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "ES256", "typ": "JOSE"}).encode())
    return f"{header}.{b64(dumps(doc))}.{b64(b'not-a-signature')}".encode()


def _ob3_context(value: Any, where: str = "top") -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = ob3_doc()
        if where == "top":
            doc["@context"] = [*doc["@context"], _fill(value, env)]
        else:
            doc["credentialSubject"]["achievement"]["@context"] = _fill(value, env)
        return dumps(doc)
    return make


def _ob2_file_context(env: Env) -> bytes:
    doc = ob2_doc()
    doc["badge"]["@context"] = env.secret_url
    return dumps(doc)


CLASS_1 = [
    Attack("c1-context-object-http", 1, "c1-context-object-http.jsonld", "elm",
           _with_context([{"@context": "CANARY/object.jsonld"}]), validate=True,
           expect="never fetched"),
    Attack("c1-context-object-nested", 1, "c1-context-object-nested.jsonld", "elm",
           _with_context([{"@context": [{"@context": "CANARY/nested.jsonld"}]}]),
           expect="never fetched"),
    Attack("c1-context-file", 1, "c1-context-file.jsonld", "elm", _with_context(["SECRET"]),
           validate=True,
           expect="never fetched"),
    Attack("c1-context-object-file", 1, "c1-context-object-file.jsonld", "elm",
           _with_context([{"@context": "SECRET"}]),
           expect="never fetched"),
    Attack("c1-import-http", 1, "c1-import-http.jsonld", "elm",
           _with_context([{"@version": 1.1, "@import": "CANARY/import.jsonld"}]),
           expect="never fetched"),
    Attack("c1-scoped-import", 1, "c1-scoped-import.jsonld", "elm", _scoped_import,
           expect="never fetched"),
    Attack("c1-scoped-term-context", 1, "c1-scoped-term-context.jsonld", "elm",
           _with_context([{"title": {"@id": "http://purl.org/dc/terms/title",
                                     "@context": "CANARY/scoped.jsonld"}}]),
           expect="never fetched"),
    Attack("c1-type-scoped-context", 1, "c1-type-scoped-context.jsonld", "elm", _type_scoped,
           expect="never fetched"),
    Attack("c1-node-context-http", 1, "c1-node-context-http.jsonld", "elm",
           _nested_node_context("CANARY/node.jsonld"),
           expect="never fetched"),
    Attack("c1-node-context-object", 1, "c1-node-context-object.jsonld", "elm",
           _nested_node_context({"@context": "CANARY/node-object.jsonld"}), validate=True,
           expect="never fetched"),
    Attack("c1-tarpit", 1, "c1-tarpit.jsonld", "elm",
           _with_context([{"@context": "CANARY/tarpit.jsonld"}]), validate=True,
           expect="never fetched"),
    Attack("c1-json-lines-line-2", 1, "c1-json-lines-line-2.jsonld", "elm", _json_lines,
           outcome="failed",
           expect="never fetched"),
    Attack("c1-jades-payload", 1, "c1-jades-payload.jsonld", "elm", _jades,
           expect="never fetched"),
    Attack("c1-ob3-context-object", 1, "c1-ob3-context-object.json", "ob3",
           _ob3_context({"@context": "CANARY/ob3.jsonld"}), validate=True,
           expect="never fetched"),
    Attack("c1-ob3-achievement-file-context", 1, "c1-ob3-achievement-file-context.json", "ob3",
           _ob3_context("SECRET", where="achievement"),
           expect="never fetched"),
    Attack("c1-ob2-badge-file-context", 1, "c1-ob2-badge-file-context.json", "ob2",
           _ob2_file_context,
           expect="never fetched"),
]


# class 2: XML, the whole document through the hardened parser first

def _padding(size: int = 70_000) -> bytes:
    return b"<!--" + b"x" * size + b"-->\n"


def _rdfxml_with_prolog(prolog: bytes, literal: bytes = b"") -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = rdfxml_doc()
        head, _, body = doc.partition(b"?>")
        doc = head + b"?>\n" + _fill_bytes(prolog, env) + body.lstrip()
        if literal:
            doc = _inject_literal(doc, _fill_bytes(literal, env))
        return doc
    return make


def _fill_bytes(data: bytes, env: Env) -> bytes:
    return data.replace(b"SECRET", env.secret_url.encode()).replace(b"CANARY",
                                                                   env.canary.encode())


def _inject_literal(doc: bytes, text: bytes) -> bytes:
    """Put ``text`` as the content of the first language-tagged literal of the document."""
    start = doc.index(b'xml:lang="en">') + len(b'xml:lang="en">')
    end = doc.index(b"<", start)
    return doc[:start] + text + doc[end:]


_LAUGHS = b"<!DOCTYPE rdf:RDF [<!ENTITY l0 \"lol\">" + b"".join(
    b"<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">"
    % (i, *([i - 1] * 10)) for i in range(1, 10)) + b"]>\n"


def _rdfxml_utf16(env: Env) -> bytes:
    doc = rdfxml_doc().decode("utf-8")
    _head, _, body = doc.partition("?>")
    doc = ('<?xml version="1.0" encoding="UTF-16"?>\n'
           f'<!DOCTYPE rdf:RDF [<!ENTITY e "{INJECTED}">]>\n' + body.lstrip())
    start = doc.index('xml:lang="en">') + len('xml:lang="en">')
    doc = doc[:start] + "&e;" + doc[doc.index("<", start):]
    return doc.encode("utf-16")


def _rdfxml_pi_in_body(env: Env) -> bytes:
    doc = rdfxml_doc()
    cut = doc.index(b"<rdf:Description")
    return doc[:cut] + b'<?xml-stylesheet href="' + env.canary.encode() + b'/x.xsl"?>' + doc[cut:]


def _rdfxml_xinclude(env: Env) -> bytes:
    doc = rdfxml_doc()
    cut = doc.index(b"<rdf:Description")
    return (doc[:cut] + b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="'
            + env.secret_url.encode() + b'" parse="text"/>' + doc[cut:])


def _rdfxml_doctype_text_in_cdata(env: Env) -> bytes:
    # a literal that merely mentions "<!DOCTYPE" (in CDATA) is data: it must be read
    return _inject_literal(rdfxml_doc(), b"<![CDATA[<!DOCTYPE html> is how HTML 5 starts]]>")


def _edc_with_prolog(prolog: bytes) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = edc_xml_doc()
        head, _, body = doc.partition(b"?>")
        return head + b"?>\n" + _fill_bytes(prolog, env) + body.lstrip()
    return make


def _elmo_pi_in_body(env: Env) -> bytes:
    from credbridge.convert import convert

    doc = convert(FIXTURES / "canonical" / "complete.canonical.json", to="elmo").output
    assert isinstance(doc, bytes)
    cut = doc.index(b"<learner")
    return doc[:cut] + _padding() + b'<?xml-stylesheet href="x.xsl"?>' + doc[cut:]


def _ds_xinclude(env: Env) -> bytes:
    doc = (FIXTURES / "ds" / "foreign-sections.ds.xml").read_bytes()
    cut = doc.rindex(b"</")
    return (doc[:cut] + b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="'
            + env.secret_url.encode() + b'" parse="text"/>' + doc[cut:])


def _svg_entity(env: Env) -> bytes:
    doc = ob3_doc()
    doc["name"] = "&e;"  # the badge's name would be the entity's text
    text = json.dumps(doc)
    return svg_badge(text, prolog=f'<!DOCTYPE svg [<!ENTITY e "{INJECTED}">]>')


def _svg_xinclude(env: Env) -> bytes:
    return svg_badge(json.dumps(ob3_doc()),
                     body=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                          f'href="{env.secret_url}" parse="text"/>')


def _svg_public_doctype(env: Env) -> bytes:
    # what design tools write: the SVG 1.1 DOCTYPE, no internal subset (never loaded): read
    return svg_badge(json.dumps(ob3_doc()), prolog='<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG '
                     '1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">')


CLASS_2 = [
    Attack("c2-rdfxml-doctype-after-70k", 2, "c2-rdfxml-doctype-after-70k.rdf", "elm-rdfxml",
           _rdfxml_with_prolog(_padding() + b'<!DOCTYPE rdf:RDF [<!ENTITY e "'
                               + INJECTED.encode() + b'">]>\n', b"&e;"),
           expect="DOCTYPE"),
    Attack("c2-rdfxml-billion-laughs-after-70k", 2, "c2-rdfxml-billion-laughs-after-70k.rdf",
           "elm-rdfxml", _rdfxml_with_prolog(_padding() + _LAUGHS, b"&l9;"),
           expect="DOCTYPE|not well-formed"),
    Attack("c2-rdfxml-xxe-after-70k", 2, "c2-rdfxml-xxe-after-70k.rdf", "elm-rdfxml",
           _rdfxml_with_prolog(_padding() + b'<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "SECRET">]>\n',
                               b"&e;"),
           expect="DOCTYPE"),
    Attack("c2-rdfxml-utf16-doctype", 2, "c2-rdfxml-utf16-doctype.rdf", "elm-rdfxml",
           _rdfxml_utf16,
           expect="DOCTYPE"),
    Attack("c2-rdfxml-pi-in-body", 2, "c2-rdfxml-pi-in-body.rdf", "elm-rdfxml",
           _rdfxml_pi_in_body,
           expect="processing instruction"),
    Attack("c2-rdfxml-xinclude", 2, "c2-rdfxml-xinclude.rdf", "elm-rdfxml", _rdfxml_xinclude,
           expect="XInclude"),
    Attack("c2-rdfxml-doctype-text-in-cdata", 2, "c2-rdfxml-doctype-text-in-cdata.rdf",
           "elm-rdfxml", _rdfxml_doctype_text_in_cdata, outcome="read"),
    Attack("c2-edc-doctype-after-70k", 2, "c2-edc-doctype-after-70k.xml", "edc-xml",
           _edc_with_prolog(_padding() + b'<!DOCTYPE europassCredential [<!ENTITY e SYSTEM '
                                         b'"SECRET">]>\n'), validate=True,
           expect="DOCTYPE"),
    Attack("c2-elmo-pi-in-body", 2, "c2-elmo-pi-in-body.xml", "elmo", _elmo_pi_in_body,
           validate=True,
           expect="processing instruction"),
    Attack("c2-ds-xinclude", 2, "c2-ds-xinclude.xml", "ds", _ds_xinclude,
           expect="XInclude"),
    Attack("c2-svg-entity", 2, "c2-svg-entity.svg", "ob3", _svg_entity,
           expect="DOCTYPE"),
    Attack("c2-svg-xinclude", 2, "c2-svg-xinclude.svg", "ob3", _svg_xinclude,
           expect="XInclude"),
    Attack("c2-svg-public-doctype", 2, "c2-svg-public-doctype.svg", "ob3", _svg_public_doctype,
           outcome="read"),
]


# class 3: declarations

def _rdfxml_namespaces(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        decls = " ".join(f'xmlns:p{i}="http://e.example/{i}#"' for i in range(n))
        body = "".join(f'<rdf:Description rdf:about="http://x.example/{i}"><p{i}:v>x</p{i}:v>'
                       "</rdf:Description>" for i in range(n))
        return ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
                f'syntax-ns#" xmlns:elm="http://data.europa.eu/snb/model/elm/" {decls}>{body}'
                "</rdf:RDF>").encode()
    return make


def _turtle_prefixes(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        lines = [f"@prefix p{i}: <http://e.example/{i}#> ." for i in range(n)]
        lines.append("@prefix elm: <http://data.europa.eu/snb/model/elm/> .")
        lines.append("<urn:x> a elm:EuropeanDigitalCredential .")
        return "\n".join(lines).encode()
    return make


def _jsonld_inline_prefixes(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["@context"] = [VC1, EDC_AP, {f"p{i}": f"http://e.example/{i}#" for i in range(n)}]
        return dumps(doc)
    return make


def _jsonld_many_contexts(nodes: int, terms: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["additionalNote"] = [
            {"@context": {f"t{j}": f"http://e.example/{j}" for j in range(terms)},
             "type": "Note", "noteLiteral": {"en": "x"}} for _ in range(nodes)]
        return dumps(doc)
    return make


def _edc_namespaces(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = edc_xml_doc()
        decls = " ".join(f'xmlns:p{i}="http://e.example/{i}#"' for i in range(n)).encode()
        return doc.replace(b"<europassCredential ", b"<europassCredential " + decls + b" ", 1)
    return make


CLASS_3 = [
    Attack("c3-rdfxml-namespaces", 3, "c3-rdfxml-namespaces.rdf", "elm-rdfxml",
           _rdfxml_namespaces(2_300),
           expect="declarations"),
    Attack("c3-turtle-prefixes", 3, "c3-turtle-prefixes.ttl", "elm-ttl",
           _turtle_prefixes(40_000),
           expect="declarations"),
    Attack("c3-jsonld-inline-prefixes", 3, "c3-jsonld-inline-prefixes.jsonld", "elm",
           _jsonld_inline_prefixes(40_000),
           expect="declarations|items"),
    Attack("c3-jsonld-many-inline-contexts", 3, "c3-jsonld-many-inline-contexts.jsonld",
           "elm", _jsonld_many_contexts(2_000, 20),
           expect="declarations"),
    Attack("c3-edc-namespaces", 3, "c3-edc-namespaces.xml", "edc-xml",
           _edc_namespaces(50_000),
           expect="declarations"),
]


# class 4: memory and CPU

def _xml_elements(n: int, root: bytes, close: bytes, unit: bytes = b"<a/>") -> Callable[
        [Env], bytes]:
    def make(env: Env) -> bytes:
        return root + unit * n + close
    return make


_EDC_ROOT = b'<?xml version="1.0"?><europassCredential xmlns="http://data.europa.eu/snb">'
_EDC_CLOSE = b"</europassCredential>"
_SVG_ROOT = (b'<svg xmlns="http://www.w3.org/2000/svg" '
             b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">')


def _svg_elements(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        return _SVG_ROOT + b"<g/>" * n + b"<openbadges:credential>" + dumps(ob3_doc()) \
            + b"</openbadges:credential></svg>"
    return make


def _json_big_array(base: Callable[[], dict[str, Any]], n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = dumps(base())
        return doc[:-1] + b', "unknownHostileKey": [' + b"0," * (n - 1) + b"0]}"
    return make


def _json_many_keys(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        doc = dumps(elm_doc())
        keys = b",".join(b'"k%d":0' % i for i in range(n))
        return doc[:-1] + b', "unknownHostileObject": {' + keys + b"}}"
    return make


def _csv_cell_items(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        good = b"urn:credential:good,Good\r\n"
        return (b"credential_id,title,learning_outcomes\r\n" + good.replace(b"\r\n", b",\r\n")
                + b"urn:credential:bad,Bad," + b"a;" * n + b"a\r\n"
                + b"urn:credential:good2,Good 2,\r\n")
    return make


def _csv_header_dupes(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        return b"credential_id," + b"title," * n + b"title\r\nurn:a,A\r\n"
    return make


def _png_text_chunks(count: int, keyword: bytes) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        bomb = zlib.compress(b" " * (16 << 20), 9)  # 16 MiB of spaces, about 16 KB
        body = keyword + b"\x00\x01\x00\x00\x00" + bomb
        return png_with_chunks([(b"iTXt", body)] * count)
    return make


def _xml_attributes(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        attrs = b" ".join(b"a%d=''" % i for i in range(n))
        return _EDC_ROOT + b"<a " + attrs + b"/>" + _EDC_CLOSE
    return make


def _turtle_triples(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        head = b"@prefix elm: <http://data.europa.eu/snb/model/elm/> .\n<urn:x> a " \
               b"elm:EuropeanDigitalCredential .\n"
        return head + b"".join(b"<urn:s%d> elm:p%d <urn:o%d> .\n" % (i, i % 7, i)
                               for i in range(n))
    return make


def _turtle_one_statement(n: int) -> Callable[[Env], bytes]:
    # rdflib reads a whole statement before it adds any of its triples
    def make(env: Env) -> bytes:
        head = b"@prefix elm: <http://data.europa.eu/snb/model/elm/> .\n<urn:x> a " \
               b"elm:EuropeanDigitalCredential .\n<urn:x> elm:p "
        return head + b", ".join(b"<urn:o%d>" % i for i in range(n)) + b" .\n"
    return make


def _rdfxml_properties(n: int) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        return (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
                b'syntax-ns#" xmlns:elm="http://data.europa.eu/snb/model/elm/"><rdf:Description '
                b'rdf:about="urn:x"><rdf:type rdf:resource="http://data.europa.eu/snb/model/'
                b'elm/EuropeanDigitalCredential"/>'
                + b"".join(b"<elm:p%d>v</elm:p%d>" % (i, i) for i in range(n))
                + b"</rdf:Description></rdf:RDF>")
    return make


def _jsonld_rdflib_nodes(n: int) -> Callable[[Env], bytes]:
    # an inline context sends the document through rdflib's parser, not the fast path
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["@context"] = [VC1, EDC_AP, {"hostileNote": "http://e.example/note"}]
        doc["hostileNote"] = [{"id": f"urn:n:{i}", "type": "Note"} for i in range(n)]
        return dumps(doc)
    return make


def _jsonld_rdflib_list(n: int) -> Callable[[Env], bytes]:
    # an RDF list makes two triples per item: the triples budget, not the nodes one, holds
    def make(env: Env) -> bytes:
        doc = elm_doc()
        doc["@context"] = [VC1, EDC_AP, {"hostileList": {"@id": "http://e.example/list",
                                                         "@container": "@list"}}]
        doc["hostileList"] = list(range(n))
        return dumps(doc)
    return make


CLASS_4 = [
    Attack("c4-xml-15m-elements", 4, "c4-xml-15m-elements.xml", "edc-xml",
           _xml_elements(15_000_000, _EDC_ROOT, _EDC_CLOSE),
           expect="nodes"),
    Attack("c4-xml-7m-comments", 4, "c4-xml-7m-comments.xml", "edc-xml",
           _xml_elements(7_000_000, _EDC_ROOT, _EDC_CLOSE, b"<!---->"),
           expect="comments"),
    Attack("c4-svg-14m-elements", 4, "c4-svg-14m-elements.svg", "ob3", _svg_elements(14_000_000),
           expect="nodes"),
    Attack("c4-elm-unknown-key-array", 4, "c4-elm-unknown-key-array.jsonld", "elm",
           _json_big_array(elm_doc, 30_000_000),
           expect="nodes"),
    Attack("c4-ob3-unknown-key-array", 4, "c4-ob3-unknown-key-array.json", "ob3",
           _json_big_array(ob3_doc, 30_000_000),
           expect="nodes"),
    Attack("c4-elm-unknown-key-object", 4, "c4-elm-unknown-key-object.jsonld", "elm",
           _json_many_keys(1_000_000),
           expect="nodes"),
    Attack("c4-csv-cell-1m-items", 4, "c4-csv-cell-1m-items.csv", "csv",
           _csv_cell_items(1_000_000), outcome="failed",
           expect="items"),
    Attack("c4-csv-header-400k-duplicates", 4, "c4-csv-header-400k-duplicates.csv", "csv",
           _csv_header_dupes(400_000),
           expect="items"),
    Attack("c4-png-16mb-text-chunks", 4, "c4-png-16mb-text-chunks.png", "ob3",
           _png_text_chunks(1_000, b"Comment")),
    Attack("c4-png-repeated-badge-chunks", 4, "c4-png-repeated-badge-chunks.png", "ob3",
           _png_text_chunks(1_000, b"openbadgecredential")),
    Attack("c4-xml-2m-attributes", 4, "c4-xml-2m-attributes.xml", "edc-xml",
           _xml_attributes(2_000_000),
           expect="nodes"),
    Attack("c4-turtle-1m-triples", 4, "c4-turtle-1m-triples.ttl", "elm-ttl",
           _turtle_triples(1_500_000),
           expect="triples"),
    Attack("c4-turtle-one-statement-1m-objects", 4, "c4-turtle-one-statement-1m-objects.ttl",
           "elm-ttl", _turtle_one_statement(1_000_000),
           expect="triples"),
    Attack("c4-rdfxml-1m-properties", 4, "c4-rdfxml-1m-properties.rdf", "elm-rdfxml",
           _rdfxml_properties(1_000_000),
           expect="nodes"),
    Attack("c4-jsonld-rdflib-path-nodes", 4, "c4-jsonld-rdflib-path-nodes.jsonld", "elm",
           _jsonld_rdflib_nodes(60_000),
           expect="nodes"),
    Attack("c4-jsonld-rdflib-list-triples", 4, "c4-jsonld-rdflib-list-triples.jsonld", "elm",
           _jsonld_rdflib_list(90_000),
           expect="triples"),
]

ATTACKS = [*CLASS_1, *CLASS_2, *CLASS_3, *CLASS_4]


# --- the verdict -----------------------------------------------------------------------------


def check_outcome(run: CliRun, attack: Attack, path: Path) -> None:
    """The run ended as ``attack.outcome`` requires, with one error line naming the file,
    no traceback, within the time and memory budgets, and nothing opened or connected to."""
    what = f"{attack.name}: exit {run.code}\nstdout: {run.out[:400]}\nstderr: {run.err[-1500:]}"
    expected = {"refused": 2, "failed": 1, "read": 0}[attack.outcome]
    assert run.code == expected, what
    assert "Traceback" not in run.err, what
    if attack.outcome != "read":
        errors = [line for line in run.error_lines() if path.name in line]
        assert errors, what
        assert any(re.search(attack.expect, line) for line in errors), what
    assert INJECTED not in run.out + run.err, what
    assert run.seconds < TIME_LIMIT_S, f"{attack.name}: {run.seconds:.1f} s"
    assert run.rss_mb < RSS_LIMIT_MB, f"{attack.name}: {run.rss_mb:.0f} MiB"
    assert run.violations == [], f"{attack.name}: {run.violations}"
