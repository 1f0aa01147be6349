"""credbridge serve's proofs: ``POST /verify`` answers what ``credbridge verify --json`` prints
for the same documents and trust files (verified, invalid, unverifiable, unsupported, with
the signer), and ``verify=true`` on /convert and /show equals ``convert --verify`` and
``show --verify``. Trust material comes as multipart file fields, never fetched."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (the test client) is not installed")
pytest.importorskip("cryptography", reason="the sign extra (cryptography) is not installed")

from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.serve.app import create_app
from credbridge.serve.settings import Settings
from test_serve import assert_problem, parts

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ROOT = Path(__file__).resolve().parent.parent
TRUST = ROOT / "fixtures" / "trust"
ROOT_CA = TRUST / "example-root.pem"
ELM = ROOT / "fixtures" / "elm" / "microcredential-full.jsonld"
CANONICAL = ROOT / "fixtures" / "canonical" / "complete.canonical.json"


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def cli_in(folder: Path, *args: str) -> tuple[int, bytes]:
    """``credbridge ARGS`` run in ``folder`` (so that paths are the bare file names)."""
    import os

    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout_bytes


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents with each outcome, made with the test keys of fixtures/trust: an ELM sealed
    (JAdES) under the example CA, an OB 3.0 credential signed with did:key (eddsa-rdfc-2022),
    the same tampered (invalid), and signed by a key not given (unverifiable)."""
    folder = tmp_path_factory.mktemp("signed")
    runner = CliRunner()
    for args in (
        ["convert", str(ELM), "--to", "elm", "--sign", str(TRUST / "example-seal-key.pem"),
         "--cert", str(TRUST / "example-seal-cert.pem"), "-o", str(folder / "sealed.jsonld")],
        ["convert", str(CANONICAL), "--to", "ob3", "--sign",
         str(TRUST / "example-ed25519.pem"), "-o", str(folder / "signed-ob3.json")],
    ):
        done = runner.invoke(cli, [*args, "-q"])
        assert done.exit_code == 0, done.output
    doc = json.loads((folder / "signed-ob3.json").read_bytes())
    tampered = dict(doc, name=f"{doc.get('name', '')} (changed)")
    (folder / "tampered-ob3.json").write_text(json.dumps(tampered, indent=2))
    unknown = dict(doc, proof=[dict(doc["proof"][0], verificationMethod="did:example:r#key-1")])
    (folder / "unknown-key-ob3.json").write_text(json.dumps(unknown, indent=2))
    return folder


def _files(folder: Path, names: list[str], *trust: Path) -> list[tuple[str, Any]]:
    fields: list[tuple[str, Any]] = [("file", (n, (folder / n).read_bytes())) for n in names]
    fields += [("trust", (t.name, t.read_bytes())) for t in trust]
    return fields


def _proofs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages of checked proofs (proof-verified, proof-invalid, proof-unchecked)."""
    return [m for m in messages if m.get("field") == "proof" and m["code"].startswith("proof-")]


# --- POST /verify -----------------------------------------------------------------------------


@pytest.mark.parametrize("anchored", [False, True], ids=["no-trust", "trust-root"])
def test_verify_equals_the_cli_for_every_outcome(http: TestClient, signed: Path,
                                                 anchored: bool) -> None:
    names = sorted(p.name for p in signed.iterdir())
    trust = [ROOT_CA] if anchored else []
    code, out = cli_in(signed, "verify", "--json", *names,
                       *(a for t in trust for a in ("--trust", str(t))))
    expected = json.loads(out)
    response = http.post("/verify", files=_files(signed, names, *trust))
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert response.headers["credbridge-exit-code"] == str(code) == "1"
    statuses = {n: [p["status"] for p in r["proofs"]] for n, r in expected.items()}
    assert statuses == {"sealed.jsonld": ["verified"], "signed-ob3.json": ["verified"],
                        "tampered-ob3.json": ["invalid"],
                        "unknown-key-ob3.json": ["unverifiable"]}
    seal = expected["sealed.jsonld"]["proofs"][0]
    assert "Example University seal" in seal["signer"]
    assert ("anchor" in seal) is anchored  # chained to the root only when it is given


def test_one_document_as_a_raw_body(http: TestClient, signed: Path) -> None:
    code, out = cli_in(signed, "verify", "--json", "signed-ob3.json")
    response = http.post("/verify?filename=signed-ob3.json",
                         content=(signed / "signed-ob3.json").read_bytes())
    assert response.json() == json.loads(out)
    assert response.headers["credbridge-exit-code"] == str(code) == "0"
    anonymous = http.post("/verify", content=(signed / "signed-ob3.json").read_bytes())
    assert list(anonymous.json()) == ["-"]  # as the CLI names standard input


def _sealed_corpus(shared: Path) -> list[Path]:
    found = sorted((shared / "corpus" / "elm").glob("*signed*"))
    found += [shared / "samples" / "elmo" / "example_v1.xml"]  # an ELMO seal that fails
    found = [p for p in found if p.is_file()]
    if not found:
        pytest.skip("no sealed documents in ../shared (corpus/elm/*signed*)")
    return found


def test_verify_equals_the_cli_on_the_sealed_corpus(http: TestClient, shared: Path) -> None:
    documents = _sealed_corpus(shared)
    seen: set[str] = set()
    for path in documents:
        code, out = cli_in(path.parent, "verify", "--json", path.name)
        response = http.post(f"/verify?filename={path.name}", content=path.read_bytes())
        expected = json.loads(out)
        if "error" in expected[path.name]:  # the CLI exits 2: the service answers a problem
            body = assert_problem(response, 422, "input-error")
            assert body["detail"] == expected[path.name]["error"]
            assert body["exit_code"] == code == 2 and body["file"] == path.name
            seen.add("error")
            continue
        assert response.status_code == 200, response.text
        assert response.json() == expected, path.name
        assert response.headers["credbridge-exit-code"] == str(code)
        seen |= {p["status"] for p in expected[path.name]["proofs"]}
    assert {"verified", "unsupported", "invalid"} <= seen, seen


def test_an_unreadable_document_among_others_is_said_as_the_cli(http: TestClient,
                                                                signed: Path) -> None:
    (signed.parent / "broken").mkdir(exist_ok=True)
    broken = signed.parent / "broken" / "broken.json"
    broken.write_bytes(b'{"proof": ')
    ok = signed / "signed-ob3.json"
    (broken.parent / ok.name).write_bytes(ok.read_bytes())
    code, out = cli_in(broken.parent, "verify", "--json", "broken.json", ok.name)
    response = http.post("/verify", files=_files(broken.parent, ["broken.json", ok.name]))
    assert response.status_code == 200
    assert response.json() == json.loads(out)
    assert response.headers["credbridge-exit-code"] == str(code) == "2"
    alone = assert_problem(http.post("/verify?filename=broken.json",
                                     content=broken.read_bytes()), 422, "input-error")
    assert alone["detail"] == json.loads(out)["broken.json"]["error"]
    assert alone["messages"][0]["code"] == "invalid-record"


def test_trust_problems(http: TestClient, signed: Path) -> None:
    document = ("file", ("a.json", (signed / "signed-ob3.json").read_bytes()))
    bad = assert_problem(http.post("/verify", files=[document, ("trust", ("k.json", b"[1]"))]),
                         400, "usage-error")
    assert bad["detail"] == ("--trust .trust/k.json: neither certificates (PEM/DER), a DID "
                             "document nor a JWK set")  # the CLI's words, the upload's name
    assert bad["exit_code"] == 2
    assert_problem(http.post("/verify", files=[("trust", ("r.pem", ROOT_CA.read_bytes()))]),
                   400, "usage-error")  # trust without a document
    assert_problem(http.post("/check", files=[document, ("trust", ("r.pem", b"x"))]), 400,
                   "usage-error")  # an endpoint that takes no trust says so
    assert_problem(http.post("/show", files=[document, ("status_list", ("s.json", b"{}"))]),
                   400, "usage-error")  # show --verify has no --status-list
    assert_problem(http.post("/verify?to=ob3", content=b"{}"), 400, "usage-error")


def test_verify_keeps_the_body_limit(signed: Path) -> None:
    data = (signed / "signed-ob3.json").read_bytes()
    with TestClient(create_app(Settings(max_body_bytes=len(data) // 2)),
                    raise_server_exceptions=False) as small:
        assert_problem(small.post("/verify", content=data), 413, "too-large")
        assert_problem(small.post("/verify", files=[("file", ("a.json", data))]), 413,
                       "too-large")


# --- verify=true on /convert and /show --------------------------------------------------------


def test_convert_verify_equals_the_cli(http: TestClient, signed: Path) -> None:
    code, _out = cli_in(signed, "convert", "sealed.jsonld", "--to", "ob3", "-q",
                            "--verify", "--trust", str(ROOT_CA), "--report", "report.json",
                            "-o", "out.json")
    report = json.loads((signed / "report.json").read_bytes())
    for name in ("report.json", "out.json"):
        (signed / name).unlink()
    response = http.post("/convert?to=ob3&verify=true&report=multipart",
                         files=_files(signed, ["sealed.jsonld"], ROOT_CA))
    got = parts(response)
    served = json.loads(got["report"][1])
    assert served == report
    assert response.headers["credbridge-exit-code"] == str(code)
    proofs = _proofs(served["messages"])
    assert [m["code"] for m in proofs] == ["proof-verified"]
    assert "chained to C=BE, O=credbridge examples" in proofs[0]["detail"]
    _code, output = cli_in(signed, "convert", "sealed.jsonld", "--to", "ob3", "-q",
                           "--verify", "--trust", str(ROOT_CA))
    assert got["output"][1] == output


def test_convert_verify_of_a_raw_body_equals_the_cli(http: TestClient, signed: Path) -> None:
    for name in ("tampered-ob3.json", "unknown-key-ob3.json"):
        _code, expected = cli_in(signed, "convert", name, "--to", "canonical", "--verify",
                                 "--report", "-", "-o", "out.json")
        (signed / "out.json").unlink()
        response = http.post(f"/convert?to=canonical&verify=true&report=only&filename={name}",
                             content=(signed / name).read_bytes())
        assert response.json() == json.loads(expected)
        codes = [m["code"] for m in _proofs(response.json()["messages"])]
        assert codes == ["proof-invalid" if "tampered" in name else "proof-unchecked"]


def test_show_verify_equals_the_cli(http: TestClient, signed: Path) -> None:
    runner = CliRunner()
    for trust in ([], [ROOT_CA]):
        done = runner.invoke(cli, ["show", str(signed / "sealed.jsonld"), "--verify",
                                   *(a for t in trust for a in ("--trust", str(t)))])
        assert done.exit_code == 0
        response = http.post("/show?verify=true&report=multipart",
                             files=_files(signed, ["sealed.jsonld"], *trust))
        got = parts(response)
        assert got["output"][1] == done.stdout_bytes
        messages = json.loads(got["report"][1])["messages"]
        proofs = _proofs(messages)
        assert [m["code"] for m in proofs] == ["proof-verified"]
        assert ("chained to" in proofs[0]["detail"]) is bool(trust)
        assert proofs[0]["detail"] in done.stderr


def test_without_verify_proofs_are_not_checked(http: TestClient, signed: Path) -> None:
    response = http.post("/convert?to=canonical&report=only&filename=tampered-ob3.json",
                         content=(signed / "tampered-ob3.json").read_bytes())
    assert not _proofs(response.json()["messages"])


def test_openapi_documents_verify(http: TestClient) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    operation = paths["/verify"]["post"]
    assert "200" in operation["responses"] and "501" not in operation["responses"]
    fields = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "trust", "status_list", "payload"} <= set(fields)
    assert "verify" in {p["name"] for p in paths["/convert"]["post"]["parameters"]}
    assert "verify" in {p["name"] for p in paths["/show"]["post"]["parameters"]}
