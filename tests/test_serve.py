"""credbridge serve in-process (Starlette's test client): every endpoint, the answers equal to
the command line's for the same input and options, problems (RFC 9457) with the CLI's codes and
fields, and the limits. tests/test_serve_live.py runs the real server on a loopback port."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (the test client) is not installed")

import warnings

from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.serve.app import create_app
from credbridge.serve.problems import KINDS
from credbridge.serve.runner import Conversions
from credbridge.serve.settings import Settings
from credbridge.serve.streams import Deadline

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2; httpx is what we require
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CANONICAL = FIXTURES / "canonical" / "complete.canonical.json"
CSV = FIXTURES / "csv" / "two-credentials.csv"
PROBLEM = "application/problem+json"


def client(**limits: Any) -> TestClient:
    """A test client of a service with ``limits`` (the defaults otherwise)."""
    return TestClient(create_app(Settings(**limits)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with client() as c:
        yield c


def cli_run(*args: str, cwd: Path | None = None) -> tuple[int, bytes]:
    """``credbridge ARGS`` in-process: (exit code, stdout bytes)."""
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    else:
        with runner.isolated_filesystem(temp_dir=cwd):
            result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout_bytes


def parts(response: Any) -> dict[str, tuple[str, bytes]]:
    """The parts of a multipart/form-data answer: name -> (media type, body)."""
    raw = (f"Content-Type: {response.headers['content-type']}\r\n\r\n").encode() + \
        response.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    out = {}
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        name = re.search(r'name="([^"]+)"', disposition)
        assert name, disposition
        out[name.group(1)] = (part.get_content_type(), part.get_payload(decode=True))
    return out


def assert_problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{kind}", body
    assert body["status"] == status
    assert body["title"] == KINDS[kind].title
    assert body["detail"] and "\n" not in body["detail"] and "Traceback" not in body["detail"]
    return body


# --- descriptions -----------------------------------------------------------------------------


def test_formats_is_the_cli_json(http: TestClient) -> None:
    code, out = cli_run("formats", "--json")
    assert code == 0
    response = http.get("/formats")
    assert response.status_code == 200
    assert response.json() == json.loads(out)


def test_health_names_the_limits(http: TestClient) -> None:
    body = http.get("/health").json()
    assert body["status"] == "ok"
    assert body["limits"]["max_body_bytes"] == Settings().max_body_bytes
    assert body["limits"]["timeout_s"] == Settings().timeout_s
    assert set(body["conversions"]) == {"running", "waiting", "done"}


def test_openapi_documents_every_endpoint_and_option(http: TestClient) -> None:
    doc = http.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    for path in ("/convert", "/show", "/check", "/validate", "/detect", "/coverage", "/verify",
                 "/formats", "/health"):
        assert path in paths, path
    params = {p["name"]: p for p in paths["/convert"]["post"]["parameters"]}
    assert "ob3" in params["to"]["schema"]["enum"]
    assert "csv" in params["from"]["schema"]["enum"]
    # every option of every format is a parameter, described as its CLI flag is
    from credbridge import get_formats

    for fmt in get_formats():
        for name, info in fmt.Options.model_fields.items():
            assert name in params, (fmt.name, name)
            assert fmt.name in params[name]["description"]
            assert (info.description or "") in params[name]["description"]
    assert "$ref" not in json.dumps(params)  # option schemas stand alone
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "exit_code", "messages"} <= set(
        problem["properties"])
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_pages_are_served_offline(http: TestClient) -> None:
    for path in ("/", "/docs", "/static/clerk.js", "/static/docs.js", "/static/clerk.css"):
        response = http.get(path)
        assert response.status_code == 200, path
        assert "default-src 'none'" in response.headers["content-security-policy"]
        text = response.text
        # nothing is loaded from elsewhere: no absolute URL in a src, href or fetch
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert not re.search(r"""fetch\(["'`]https?:""", text), path
    page = http.get("/").text
    assert '<label for="file">' in page and '<label for="target">' in page
    assert 'role="alert"' in page
    assert_problem(http.get("/static/../settings.py"), 404, "not-found")
    assert_problem(http.get("/static/nope.js"), 404, "not-found")
    assert http.get("/problems/timeout").status_code == 200


def test_unknown_paths_and_methods_are_problems(http: TestClient) -> None:
    assert_problem(http.get("/nope"), 404, "not-found")
    response = http.get("/convert")
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["allow"]
    assert_problem(http.get("/formats?x=1"), 400, "usage-error")


# --- /convert: the CLI's bytes ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["ob3", "elm", "canonical", "ob2", "edc-xml", "elmo", "csv"])
def test_one_document_equals_the_cli(http: TestClient, target: str) -> None:
    code, expected = cli_run("convert", str(CANONICAL), "--to", target, "-q")
    response = http.post(f"/convert?to={target}&filename={CANONICAL.name}",
                         content=CANONICAL.read_bytes())
    assert response.status_code == 200, response.text
    assert response.content == expected
    assert response.headers["credbridge-exit-code"] == str(code)
    assert response.headers["credbridge-source-format"] == "canonical"
    assert response.headers["credbridge-target-format"] == target
    assert response.headers["credbridge-records"] == "read=1, written=1, failed=0"
    assert "attachment; filename=" in response.headers["content-disposition"]


def test_options_flat_and_per_format_equal_the_cli_flags(http: TestClient) -> None:
    data = CANONICAL.read_bytes()
    _, flag = cli_run("convert", str(CANONICAL), "--to", "ob3", "--omit-learner", "all", "-q")
    _, assignment = cli_run("convert", str(CANONICAL), "--to", "ob3",
                            "-O", "ob3.omit_learner=all", "-q")
    _, plain = cli_run("convert", str(CANONICAL), "--to", "ob3", "-q")
    assert flag == assignment != plain
    assert http.post("/convert?to=ob3&omit_learner=all", content=data).content == flag
    assert http.post("/convert?to=ob3&ob3.omit-learner=all", content=data).content == flag
    # as form fields of a multipart upload
    response = http.post("/convert", data={"to": "ob3", "omit_learner": "all"},
                         files={"file": ("c.canonical.json", data)})
    assert response.status_code == 200, response.text
    assert response.content == flag


def test_policy_parameters_equal_the_cli_flags(http: TestClient) -> None:
    """text_lang, strict_input and strict are the CLI's --text-lang, --strict-input and
    --strict (for a CSV stream, text_lang is also the language of its plain columns)."""
    for source, args in ((CANONICAL, ("--text-lang", "de")), (CSV, ("--text-lang", "fr")),
                         (CSV, ("--strict-input",))):
        _, expected = cli_run("convert", str(source), "--to", "ob3", "-q", *args)
        query = "&".join(a.lstrip("-").replace("-", "_") + ("=" + b if b else "")
                         for a, b in zip(args[::2] if len(args) > 1 else args,
                                         args[1::2] if len(args) > 1 else ("",), strict=True))
        response = http.post(f"/convert?to=ob3&filename={source.name}&{query}",
                             content=source.read_bytes())
        assert response.status_code == 200, response.text
        assert response.content == expected, query
    assert_problem(http.post("/convert?to=ob3&text_lang=xx", content=CANONICAL.read_bytes()),
                   400, "usage-error")


def test_bad_calls_are_usage_problems(http: TestClient) -> None:
    data = CANONICAL.read_bytes()
    body = assert_problem(http.post("/convert?to=ob3&omit_lerner=all", content=data), 400,
                          "usage-error")
    assert "did you mean omit_learner?" in body["detail"]
    assert body["exit_code"] == 2
    assert_problem(http.post("/convert?to=nope", content=data), 400, "usage-error")
    assert_problem(http.post("/convert", content=data), 400, "usage-error")
    assert_problem(http.post("/convert?to=ob3&report=sideways", content=data), 400,
                   "usage-error")
    assert_problem(http.post("/convert?to=ob3&strict=perhaps", content=data), 400,
                   "usage-error")
    assert_problem(http.post("/convert?to=ob3&fail_on=lost", content=data), 400, "usage-error")
    assert_problem(http.post("/show?to=ob3", content=data), 400, "usage-error")
    assert_problem(http.post("/check?omit_learner=all", content=data), 400, "usage-error")


def test_several_credentials_for_a_one_document_format_are_a_zip(http: TestClient,
                                                                 tmp_path: Path) -> None:
    code, _ = cli_run("convert", str(CSV), "--to", "edc-xml", "-o", str(tmp_path / "out") + "/",
                      "-q")
    assert code == 0
    expected = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    response = http.post("/convert?to=edc-xml", content=CSV.read_bytes())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {n: archive.read(n) for n in archive.namelist()} == expected
    # zip=true: one file per credential even for one
    one = http.post("/convert?to=ob3&zip=true", content=CANONICAL.read_bytes())
    names = zipfile.ZipFile(io.BytesIO(one.content)).namelist()
    assert len(names) == 1 and names[0].endswith(".ob3.json")


def test_show_equals_the_cli(http: TestClient) -> None:
    _, expected = cli_run("show", str(CSV))
    response = http.post(f"/show?filename={CSV.name}", content=CSV.read_bytes())
    assert response.status_code == 200
    assert response.content == expected


# --- streamed bodies --------------------------------------------------------------------------


def _rows(n: int) -> bytes:
    header, row = CSV.read_bytes().split(b"\n", 2)[:2]
    lines = [header]
    for i in range(n):
        lines.append(row.replace(b"urn:", f"urn:x{i}-".encode(), 1))
    return b"\n".join(lines) + b"\n"


def test_a_csv_stream_equals_the_cli_with_jobs(http: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_bytes(_rows(1234))
    _, serial = cli_run("convert", str(path), "--to", "ob3", "-q")
    _, jobs = cli_run("convert", str(path), "--to", "ob3", "-q", "--jobs", "2")
    assert serial == jobs
    response = http.post("/convert?to=ob3&filename=many.csv", content=path.read_bytes())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/jsonl")
    assert response.content == serial
    assert response.headers["credbridge-records"] == "read=1234, written=1234, failed=0"


def test_a_csv_stream_answers_multipart_as_it_goes(http: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_bytes(_rows(700))
    _, expected = cli_run("convert", str(path), "--to", "canonical", "-q")
    _code, report = cli_run("convert", str(path), "--to", "canonical", "-q", "-o",
                           str(tmp_path / "o.jsonl"), "--report", "-")

    def body() -> Iterator[bytes]:  # the body arrives in pieces
        data = path.read_bytes()
        for i in range(0, len(data), 10_000):
            yield data[i:i + 10_000]

    response = http.post("/convert?to=canonical&report=multipart&filename=many.csv",
                         content=body())
    assert response.status_code == 200
    got = parts(response)
    assert got["output"] == ("application/jsonl", expected)
    kind, text = got["report"]
    assert kind == "application/json"
    served, cli_report = json.loads(text), json.loads(report)
    for r in (served, cli_report):
        for m in r["messages"]:
            m.pop("file", None)
    assert served == cli_report


def test_report_only_equals_the_cli_report(http: TestClient, tmp_path: Path) -> None:
    _, report = cli_run("convert", str(CANONICAL), "--to", "elmo", "-q", "-o",
                        str(tmp_path / "x.xml"), "--report", "-")
    response = http.post(f"/convert?to=elmo&report=only&filename={CANONICAL}",
                         content=CANONICAL.read_bytes())
    assert response.status_code == 200
    assert response.json() == json.loads(report)
    assert int(response.headers["credbridge-exit-code"]) == 0


def test_a_csv_stream_to_csv_and_to_a_one_document_format(http: TestClient) -> None:
    _, expected = cli_run("convert", str(CSV), "--to", "csv", "-q")
    response = http.post("/convert?to=csv", content=CSV.read_bytes())
    assert response.content == expected
    assert response.headers["content-type"].startswith("text/csv")
    multipart = http.post("/convert?to=ds&report=multipart", content=CSV.read_bytes())
    got = parts(multipart)
    assert got["output"][0] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(got["output"][1])).namelist()) == 2


def test_json_lines_stream(http: TestClient, tmp_path: Path) -> None:
    lines = tmp_path / "c.canonical.jsonl"
    _, out = cli_run("convert", str(CSV), "--to", "canonical", "-q")
    lines.write_bytes(out)
    _, expected = cli_run("convert", str(lines), "--to", "ob3", "-q")
    response = http.post("/convert?to=ob3&report=multipart", content=lines.read_bytes())
    assert parts(response)["output"] == ("application/jsonl", expected)


# --- uploads of several files -----------------------------------------------------------------


def test_files_given_together_equal_the_cli(http: TestClient, tmp_path: Path) -> None:
    _code, expected = cli_run("convert", str(CANONICAL), str(CSV), "--to", "ob3", "-q")
    response = http.post("/convert?to=ob3&report=multipart",
                         files=[("file", (CANONICAL.name, CANONICAL.read_bytes())),
                                ("file", (CSV.name, CSV.read_bytes()))])
    got = parts(response)
    assert got["output"][1] == expected
    report = json.loads(got["report"][1])
    files = {m.get("file") for m in report["messages"]}
    assert files <= {CANONICAL.name, CSV.name, None}, files  # the names the client gave
    assert report["records"] == {"read": 3, "written": 3, "failed": 0}


def test_an_unreadable_upload_among_others_is_one_failed_record(http: TestClient) -> None:
    response = http.post("/convert?to=ob3&report=only",
                         files=[("file", ("broken.ob3.json", b"{not json")),
                                ("file", (CSV.name, CSV.read_bytes()))])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["records"]["failed"] == 1 and report["records"]["written"] == 2
    failed = [m for m in report["messages"] if m["code"] == "invalid-record"]
    assert failed[0]["file"] == "broken.ob3.json"
    assert "credbridge-upload" not in json.dumps(report)
    assert response.headers["credbridge-exit-code"] == "1"


# --- problems ---------------------------------------------------------------------------------


def test_an_unreadable_document_is_an_input_problem_with_the_report_fields(
        http: TestClient) -> None:
    body = assert_problem(http.post("/convert?to=canonical&from=ob3&filename=x.json",
                                    content=b'{"a": '), 422, "input-error")
    assert body["exit_code"] == 2
    assert body["file"] == "x.json"
    message = body["messages"][0]
    assert message["code"] == "invalid-record" and message["severity"] == "error"
    assert message["file"] == "x.json"


def test_unknown_and_unsafe_documents(http: TestClient) -> None:
    assert_problem(http.post("/convert?to=ob3", content=b"hello"), 415, "unknown-format")
    hostile = ROOT / "tests" / "hostile"
    body = assert_problem(http.post("/convert?to=canonical&from=edc-xml",
                                    content=(hostile / "xxe-file.xml").read_bytes()),
                          422, "unsafe-input")
    assert "root:" not in json.dumps(body)


def test_failure_policy_and_all_records_failed(http: TestClient) -> None:
    data = CANONICAL.read_bytes()
    code, _ = cli_run("convert", str(CANONICAL), "--to", "elmo", "--strict", "-q")
    assert code == 1
    body = assert_problem(http.post("/convert?to=elmo&strict=true", content=data), 422,
                          "failure-policy")
    assert body["exit_code"] == 1
    assert body["report"]["counts"]["dropped"] > 0
    assert "dropped" in body["detail"]
    bad = b"credential_id,title,eqf_level\r\nurn:a,T,99\r\nurn:b,T,eleven\r\n"
    body = assert_problem(http.post("/convert?to=ob3", content=bad), 422, "records-failed")
    assert body["messages"][0]["code"] == "invalid-record"
    assert body["messages"][0]["record"] == "row 1"


# --- limits -----------------------------------------------------------------------------------


def test_body_limits() -> None:
    with client(max_body_bytes=1000, max_stream_bytes=100_000, chunk_records=2) as c:
        data = CANONICAL.read_bytes()
        assert len(data) > 1000
        assert_problem(c.post("/convert?to=ob3", content=data), 413, "too-large")

        def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield data[:600]
            yield data[600:]

        assert_problem(c.post("/convert?to=ob3", content=chunked()), 413, "too-large")
        stream = _rows(600)
        assert len(stream) > 100_000
        assert_problem(c.post("/convert?to=ob3", content=stream), 413, "too-large")
        assert c.post("/convert?to=ob3", content=_rows(20)).status_code == 200
        assert_problem(c.post("/convert?to=ob3", files={"file": ("a.json", data)}), 413,
                       "too-large")


def test_the_time_limit() -> None:
    with client(timeout_s=0.5) as c:
        def slow() -> Iterator[bytes]:
            data = _rows(50)
            yield data[:500]
            time.sleep(1.5)
            yield data[500:]

        start = time.monotonic()
        assert_problem(c.post("/convert?to=ob3", content=slow()), 503, "timeout")
        assert time.monotonic() - start < 5
        # the service is still there
        assert c.post("/convert?to=ob3", content=CANONICAL.read_bytes()).status_code == 200


def test_a_body_that_came_whole_with_its_head_is_not_asked_for_again() -> None:
    """A small CSV or JSON Lines body that arrived whole with its head is read to its end by
    the conversion thread without a round trip to the event loop for the next chunk."""
    from credbridge.serve.streams import BodyReader

    data = _rows(3)

    async def never() -> AsyncIterator[bytes]:
        raise AssertionError("the event loop was asked for more of a body that had ended")
        yield b""  # pragma: no cover - makes this an async generator

    async def read(ended: bool) -> bytes:
        loop = asyncio.get_running_loop()
        reader = BodyReader(never(), loop, Deadline(5), head=data, ended=ended)
        return await loop.run_in_executor(None, reader.read)

    assert asyncio.run(read(True)) == data
    with pytest.raises(AssertionError, match="asked for more"):  # the loop is asked otherwise
        asyncio.run(read(False))


def test_concurrent_conversions_are_bounded() -> None:
    """With every slot taken, a request waits; with the queue full it is refused at once;
    a conversion past its deadline keeps its slot until it really ends."""
    conversions = Conversions(max_conversions=1, max_pending=1)
    release = threading.Event()
    peak = []

    def blocking() -> str:
        peak.append(conversions.running)
        release.wait(5)
        return "done"

    async def scenario() -> list[Any]:
        first = asyncio.ensure_future(conversions.call(blocking, Deadline(0.3)))
        await asyncio.sleep(0.05)
        second = asyncio.ensure_future(conversions.call(lambda: "second", Deadline(5)))
        await asyncio.sleep(0.05)
        third = await asyncio.gather(conversions.call(lambda: "third", Deadline(5)),
                                     return_exceptions=True)
        results = await asyncio.gather(first, return_exceptions=True)
        assert conversions.running == 1  # the timed-out conversion still holds its thread
        release.set()
        return [*results, *third, await second]

    first, third, second = asyncio.run(scenario())
    conversions.close()
    assert getattr(first, "kind", None) == "timeout"
    assert getattr(third, "kind", None) == "busy"
    assert second == "second"
    assert max(peak) == 1


# --- the other commands -----------------------------------------------------------------------


def test_check_equals_the_cli(http: TestClient) -> None:
    missing = FIXTURES / "canonical" / "no-learning-outcomes.canonical.json"
    for path, exit_code in ((CANONICAL, "0"), (missing, "1")):
        code, out = cli_run("check", str(path), "--json")
        response = http.post(f"/check?filename={path}", content=path.read_bytes())
        assert response.status_code == 200
        assert response.json() == json.loads(out)
        assert response.headers["credbridge-exit-code"] == exit_code == str(code)


def test_detect_and_coverage(http: TestClient) -> None:
    detected = http.post("/detect?filename=two.csv", content=CSV.read_bytes()).json()
    assert detected["format"] == "csv"
    assert_problem(http.post("/detect", content=b"\x00\x01"), 415, "unknown-format")
    coverage = http.post("/coverage", content=CANONICAL.read_bytes()).json()
    first = coverage["credentials"][0]
    assert "title" in first["fields"]
    assert first["targets"]["canonical"]["title"] == "exact"
    # what the core reports as dropped is what coverage calls dropped
    report = http.post("/convert?to=ob2&report=only", content=CANONICAL.read_bytes()).json()
    dropped = {m["field"] for m in report["messages"] if m["code"] == "dropped"}
    assert dropped == {p for p, how in first["targets"]["ob2"].items() if how == "dropped"}


def test_verify_of_a_document_without_proof_equals_the_cli(http: TestClient) -> None:
    code, out = cli_run("verify", "--json", str(CANONICAL))
    response = http.post(f"/verify?filename={CANONICAL.name}", content=CANONICAL.read_bytes())
    assert response.status_code == 200
    assert response.json() == {CANONICAL.name: json.loads(out)[str(CANONICAL)]}
    assert response.headers["credbridge-exit-code"] == str(code) == "1"


def test_validate_without_schemas_is_unavailable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDBRIDGE_SCHEMAS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with client() as c:
        assert_problem(c.post("/validate", content=CANONICAL.read_bytes()), 503,
                       "schemas-unavailable")


def test_convert_validate_equals_the_cli(shared: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDBRIDGE_SCHEMAS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    schemas = shared / "schemas"
    _, expected = cli_run("convert", str(CSV), "--to", "elm", "--validate", "--schemas",
                          str(schemas), "-q")
    with client(schemas=str(schemas)) as http:
        response = http.post("/convert?to=elm&validate=true&filename=two.csv",
                             content=CSV.read_bytes())
    assert response.status_code == 200, response.text
    assert response.content == expected
    with client() as http:
        assert_problem(http.post("/convert?to=elm&validate=true&filename=two.csv",
                                 content=CSV.read_bytes()), 503, "schemas-unavailable")


def test_validate_equals_the_cli(shared: Path, tmp_path: Path) -> None:
    schemas = shared / "schemas"
    out = tmp_path / "c.ob3.json"
    assert cli_run("convert", str(CANONICAL), "--to", "ob3", "-o", str(out), "-q")[0] == 0
    code, expected = cli_run("validate", "--schemas", str(schemas), str(out), "--json")
    with client(schemas=str(schemas)) as c:
        response = c.post(f"/validate?filename={out}", content=out.read_bytes())
        assert response.status_code == 200, response.text
        assert response.json() == json.loads(expected)
        assert response.headers["credbridge-exit-code"] == str(code)
        body = assert_problem(c.post("/validate", content=CSV.read_bytes()), 400,
                              "usage-error")
        assert "no validator" in body["detail"]
