"""Issue 14 class 1 and the offline proof: no JSON-LD path of credbridge fetches or opens
anything a document names.

A loopback canary HTTP server (127.0.0.1, port 0, in this process) is what the hostile
documents point at, with ``file://`` URLs of a file outside the inputs; an audit hook records
every network event and every ``open()`` of a path outside the inputs, the package and Python.
Every reader, ``validate`` (JSON Schema, XSD, SHACL) and the CLI are run over the hostile
documents: the canary must see no request and the hook nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import pytest
from credbridge import get_formats
from credbridge.convert import read
from credbridge.errors import CredbridgeError, UnsafeInputError
from credbridge.report import Report
from hostile_kit import (
    ATTACKS,
    CLASS_1,
    CLASS_2,
    INJECTED,
    Attack,
    Canary,
    Env,
    audited,
    check_outcome,
    run_cli,
)

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

HOSTILE = Path(__file__).parent / "hostile"
SMALL = [a for a in (*CLASS_1, *CLASS_2)]


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside every input: a context that would inject text if it were applied."""
    path = tmp_path_factory.mktemp("outside") / "secret.jsonld"
    path.write_text(json.dumps({"@context": {"@vocab": "http://evil.example/"},
                                "secret": INJECTED}))
    return path


def _write(attack: Attack, env: Env, folder: Path) -> Path:
    path = folder / attack.filename
    path.write_bytes(attack.make(env))
    return path


@pytest.mark.parametrize("attack", CLASS_1, ids=lambda a: a.name)
def test_class_1_through_the_library(attack: Attack, tmp_path: Path, secret: Path) -> None:
    """read() refuses the document (or the bad record): nothing fetched, nothing opened."""
    with Canary() as canary:
        path = _write(attack, Env(canary.base, secret), tmp_path)
        report = Report()
        with audited(tmp_path) as log:
            if attack.outcome == "refused":
                with pytest.raises(UnsafeInputError, match="never fetche"):
                    list(read(path, from_format=attack.fmt, report=report))
            else:
                creds = list(read(path, from_format=attack.fmt, report=report))
                assert creds and report.records_failed == 1, report.messages
                assert any("never fetche" in m.detail for m in report.messages)
    assert canary.requests == []
    assert log.violations() == []


@pytest.mark.parametrize("attack", CLASS_1, ids=lambda a: a.name)
def test_class_1_through_the_cli(attack: Attack, tmp_path: Path, secret: Path) -> None:
    with Canary() as canary:
        path = _write(attack, Env(canary.base, secret), tmp_path)
        run = run_cli(["convert", str(path), "--from", str(attack.fmt), "--to", "canonical"],
                      tmp_path)
    check_outcome(run, attack, path)
    assert canary.requests == []


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.validate and a.cls <= 2],
                         ids=lambda a: a.name)
def test_validate_refuses_without_fetching(attack: Attack, tmp_path: Path, secret: Path,
                                           shared: Path) -> None:
    """``credbridge validate`` (JSON Schema, SHACL, XSD) takes the same paths: refused."""
    with Canary() as canary:
        path = _write(attack, Env(canary.base, secret), tmp_path)
        run = run_cli(["validate", str(path), "--from", str(attack.fmt), "--schemas",
                       str(shared / "schemas")], tmp_path, shared / "schemas")
    check_outcome(run, attack, path)
    assert canary.requests == []


def _readers() -> list[str]:
    return [f.name for f in get_formats() if f.can_read]


@pytest.mark.parametrize("reader", _readers())
def test_every_reader_offline_over_the_hostile_files(reader: str, tmp_path: Path,
                                                     secret: Path) -> None:
    """Every reader over every small hostile document (classes 1 and 2, and tests/hostile):
    only credbridge errors, no request to the canary, no open outside the input."""
    with Canary() as canary:
        env = Env(canary.base, secret)
        paths = [_write(a, env, tmp_path) for a in SMALL]
        paths += [p for p in sorted(HOSTILE.iterdir()) if p.suffix != ".md"]
        for path in paths:
            report = Report()
            with audited(tmp_path, HOSTILE) as log:
                try:
                    creds = list(read(path, from_format=reader, report=report))
                except CredbridgeError:
                    creds = []
            assert log.violations() == [], (reader, path.name, log.violations())
            dumped = json.dumps([c.to_json_dict() for c in creds])
            assert INJECTED not in dumped, (reader, path.name)
    assert canary.requests == [], reader


def _validators() -> list[str]:
    return [f.name for f in get_formats() if f.can_validate]


@pytest.mark.parametrize("name", _validators())
def test_every_validator_offline_over_the_hostile_files(name: str, tmp_path: Path,
                                                        secret: Path, shared: Path) -> None:
    """validate() of every format with a validator (JSON Schema, XSD, SHACL with pyshacl)
    over the small hostile documents: no request, no open outside the input and the schemas."""
    fmt = get_formats().get(name)
    schemas = shared / "schemas"
    with Canary() as canary:
        env = Env(canary.base, secret)
        for attack in SMALL:
            data = attack.make(env)
            with audited(tmp_path, schemas) as log, contextlib.suppress(CredbridgeError):
                fmt.validate(data, schemas)
            assert log.violations() == [], (name, attack.name, log.violations())
    assert canary.requests == [], name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe (POSIX)")
def test_libxml2_opens_nothing_a_document_names(tmp_path: Path) -> None:
    """libxml2 reads files and URLs with its own C I/O, which no Python audit hook sees: a
    named pipe (opening it would block) and the canary are the witnesses instead, as the DTD,
    parameter entity, external entity, XInclude and stylesheet of XML documents and as the
    external DTD an SVG badge may declare."""
    from credbridge.safety import parse_xml
    from hostile_kit import ob3_doc, svg_badge

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with Canary() as canary:
        for ref in (canary.base + "/dtd", pipe.as_uri()):
            documents = [
                (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{ref}"> %p;]><r/>', False),
                (f'<!DOCTYPE r SYSTEM "{ref}"><r/>', False),
                (f'<!DOCTYPE r [<!ENTITY e SYSTEM "{ref}">]><r>&e;</r>', False),
                (f'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{ref}"/></r>',
                 False),
                (f'<?xml-stylesheet href="{ref}"?><r/>', False),
                (svg_badge(json.dumps(ob3_doc()), prolog=f'<!DOCTYPE svg SYSTEM "{ref}">')
                 .decode(), True),
            ]
            for text, svg in documents:
                outcome: list[str] = []

                def parse(text: str = text, svg: bool = svg,
                          outcome: list[str] = outcome) -> None:
                    try:
                        parse_xml(text.encode(), allow_doctype=svg)
                        outcome.append("parsed")
                    except CredbridgeError as exc:
                        outcome.append(type(exc).__name__)

                worker = threading.Thread(target=parse, daemon=True)
                worker.start()
                worker.join(10)
                assert outcome, f"parsing blocked: libxml2 opened {ref} ({text[:60]})"
                assert outcome == (["parsed"] if svg else ["UnsafeInputError"]), text[:60]
    assert canary.requests == []


def test_the_audit_sees_threads_started_in_the_block_only(tmp_path: Path,
                                                          secret: Path) -> None:
    """A thread already running when the block began (in CI: a dask cluster of an earlier test
    removing its scratch folders) is not the block's doing; one started inside it is."""
    go, done = threading.Event(), threading.Event()

    def before() -> None:
        go.wait(10)
        secret.read_bytes()
        done.set()

    earlier = threading.Thread(target=before)
    earlier.start()
    with audited(tmp_path) as log:
        go.set()
        done.wait(10)
        inside = threading.Thread(target=secret.read_bytes)
        inside.start()
        inside.join()
    earlier.join()
    assert done.is_set()
    assert log.violations() == [f"open {os.path.realpath(secret)}"]
