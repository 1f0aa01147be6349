"""Official schemas: where `validate` finds them, `schemas fetch` (against a loopback HTTP server
serving ../shared/schemas), the pinned checksums, and `validate` on credbridge's own outputs."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import credbridge
import pytest
from click.testing import CliRunner, Result
from credbridge.cli_schemas import schemas_group, validate_command
from credbridge.errors import UsageError
from credbridge.plugin_manager import get_formats
from credbridge.schemas import (
    INSTALL_HINT,
    MIRROR_ENV,
    SCHEMAS_ENV,
    SchemaFetchError,
    artefacts,
    cache_dir,
    fetch,
    find_schemas,
    list_schemas,
    locate,
    parse_pins,
    validator_import_error,
)

loopback = pytest.mark.allow_hosts(["127.0.0.1"])
"""pytest runs with --disable-socket: these tests may talk to 127.0.0.1 only."""

TARGETS = {"ob3": ".json", "elm": ".jsonld", "edc-xml": ".xml", "elmo": ".xml"}
"""The formats the acceptance test names, and the file extension of their output."""


@pytest.fixture
def cli() -> click.Group:
    """The two commands in a group of their own, as `credbridge` registers them."""
    group = click.Group("credbridge")
    group.add_command(validate_command)
    group.add_command(schemas_group)
    return group


@pytest.fixture
def runner() -> CliRunner:
    """A runner that keeps stdout and stderr apart."""
    return CliRunner()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No schemas setting, no proxy, and an empty user cache under tmp_path (returned)."""
    for name in (SCHEMAS_ENV, MIRROR_ENV, "http_proxy", "HTTP_PROXY", "https_proxy",
                 "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "credbridge" / "schemas"


@pytest.fixture(scope="session")
def official(shared: Path) -> Path:
    """../shared/schemas: the official artefacts (skips when the shared data is absent)."""
    return shared / "schemas"


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 (a free port) serving ``folder``: its base URL and the list
    of paths requested."""
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_pinned(official: Path, into: Path) -> Path:
    """A folder holding only the pinned artefacts (copies, in a temporary folder)."""
    for artefact in artefacts():
        target = into / artefact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(official / artefact.path, target)
    return into


def one_error_line(result: Result) -> str:
    """The single error line of stderr (and proof that there is nothing else)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("credbridge: error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def output(fixtures: Path, folder: Path, to: str) -> Path:
    """credbridge's output of the complete canonical fixture in format ``to``, as a file."""
    result = credbridge.convert(str(fixtures / "canonical" / "complete.canonical.json"), to=to)
    path = folder / f"complete.{to}{TARGETS[to]}"
    path.write_bytes(result.output or b"")
    return path


# --- the pins -----------------------------------------------------------------------------------


def test_pins_are_the_shared_official_copies(official: Path) -> None:
    pins = artefacts()
    assert len({a.path for a in pins}) == len(pins)
    for artefact in pins:
        data = (official / artefact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artefact.sha256, artefact.path
        assert artefact.url.startswith("https://") and artefact.formats, artefact.path
    assert {s.state for s in list_schemas(official)} == {"present"}


def test_pins_name_every_format_with_a_validator() -> None:
    pinned = {f for a in artefacts() for f in a.formats}
    validating = {f.name for f in get_formats()
                  if f.can_validate and f.plugin.startswith("credbridge.plugins.")}
    # ob2 has no official schema: its validator is JSON-LD safe mode with the bundled contexts
    assert validating - {"ob2"} <= pinned, validating - pinned


def test_malformed_pins_are_refused() -> None:
    good = {"path": "x/y.xsd", "url": "https://example.org/y.xsd", "sha256": "0" * 64}
    assert parse_pins({"schema": [good]})[0].path == "x/y.xsd"
    for bad in ({"path": "../y.xsd"}, {"path": "/abs.xsd"}, {"url": "http://example.org/y"},
                {"sha256": "ABC"}):
        with pytest.raises(ValueError):
            parse_pins({"schema": [{**good, **bad}]})


# --- where the folder is found --------------------------------------------------------------------


def test_lookup_order_explicit_then_env_then_cache(tmp_path: Path) -> None:
    explicit, named, cache_home = tmp_path / "explicit", tmp_path / "named", tmp_path / "xdg"
    cached = cache_home / "credbridge" / "schemas"
    for folder in (explicit, named, cached):
        folder.mkdir(parents=True)
    env = {SCHEMAS_ENV: str(named), "XDG_CACHE_HOME": str(cache_home)}
    assert locate(explicit, env) == (explicit, "--schemas")
    assert locate(None, env) == (named, f"${SCHEMAS_ENV}")
    assert locate(None, {"XDG_CACHE_HOME": str(cache_home)}) == (cached, "user cache")
    assert find_schemas(None, {"XDG_CACHE_HOME": str(cache_home)}) == cached
    assert locate(None, {"XDG_CACHE_HOME": str(tmp_path / "none")}) is None


def test_a_named_folder_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--schemas .*: no such folder"):
        locate(tmp_path / "nowhere", {})
    with pytest.raises(UsageError, match=rf"{SCHEMAS_ENV}=.*: no such folder"):
        locate(None, {SCHEMAS_ENV: str(tmp_path / "nowhere")})


def test_cache_dir_follows_xdg(tmp_path: Path) -> None:
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "credbridge" / "schemas"
    home_default = Path.home() / ".cache" / "credbridge" / "schemas"
    assert cache_dir({}) == home_default
    assert cache_dir({"XDG_CACHE_HOME": "relative/path"}) == home_default


def test_no_schemas_is_one_line_saying_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        find_schemas(None, {"XDG_CACHE_HOME": str(tmp_path)})
    message = str(caught.value)
    assert "\n" not in message
    assert "credbridge schemas fetch" in message and "--schemas DIR" in message


def test_validate_without_schemas_says_how_to_get_them(
    cli: click.Group, runner: CliRunner, clean_env: Path, fixtures: Path, tmp_path: Path
) -> None:
    ob3 = output(fixtures, tmp_path, "ob3")
    result = runner.invoke(cli, ["validate", str(ob3)])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "credbridge schemas fetch" in line and "--schemas DIR" in line


def test_validate_with_a_folder_lacking_the_format_files(
    cli: click.Group, runner: CliRunner, clean_env: Path, fixtures: Path, tmp_path: Path
) -> None:
    ob3 = output(fixtures, tmp_path, "ob3")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["validate", str(ob3), "--schemas", str(empty)])
    assert result.exit_code == 2
    assert "lacks ob3/ob_v3p0_achievementcredential_schema.json" in one_error_line(result)


def test_a_missing_validator_library_names_the_extra(
    cli: click.Group, runner: CliRunner, official: Path, fixtures: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert validator_import_error(ModuleNotFoundError("x", name="lxml")) is None
    assert INSTALL_HINT in str(validator_import_error(ModuleNotFoundError("x", name="pyshacl")))
    ob3 = output(fixtures, tmp_path, "ob3")

    def without_jsonschema(self: object, data: bytes, schemas: Path) -> list[str]:
        raise ModuleNotFoundError("No module named 'jsonschema'", name="jsonschema")

    monkeypatch.setattr(type(get_formats().get("ob3")), "validate", without_jsonschema)
    result = runner.invoke(cli, ["validate", str(ob3), "--schemas", str(official)])
    assert result.exit_code == 2
    assert "pip install 'credbridge[validate]'" in one_error_line(result)


# --- fetch ----------------------------------------------------------------------------------------


@loopback
def test_fetch_from_a_mirror_writes_every_pinned_file(official: Path, clean_env: Path,
                                                       tmp_path: Path) -> None:
    dest = tmp_path / "fetched"
    with serve(official) as (url, requests):
        results = fetch(dest, base_url=url)
        assert {r.outcome for r in results} == {"fetched"}
        assert sorted(requests) == sorted("/" + a.path for a in artefacts())
        again = fetch(dest, base_url=url)  # already there with the right checksum
        assert {r.outcome for r in again} == {"present"}
        assert len(requests) == len(artefacts())
    assert {s.state for s in list_schemas(dest)} == {"present"}
    assert not [p for p in dest.rglob("*") if p.name.startswith(".")]  # no temporary files


@loopback
def test_fetch_defaults_to_the_user_cache_and_the_mirror_variable(
    official: Path, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(official) as (url, _):
        monkeypatch.setenv(MIRROR_ENV, url)
        fetch()
    assert {s.state for s in list_schemas(clean_env)} == {"present"}
    assert find_schemas() == clean_env


@loopback
def test_a_checksum_mismatch_is_refused(official: Path, clean_env: Path, tmp_path: Path) -> None:
    served = copy_pinned(official, tmp_path / "served")
    victim = artefacts()[0]
    tampered = served / victim.path
    tampered.write_bytes(tampered.read_bytes() + b"\n<!-- changed -->\n")
    got = hashlib.sha256(tampered.read_bytes()).hexdigest()
    dest = tmp_path / "dest"
    with serve(served) as (url, _), pytest.raises(SchemaFetchError) as caught:
        fetch(dest, base_url=url)
    message = str(caught.value)
    assert "\n" not in message
    assert victim.path in message and victim.sha256 in message and got in message
    assert caught.value.exit_code == 2
    assert not (dest / victim.path).exists()
    assert not [p for p in dest.rglob("*") if p.name.startswith(".")]
    outcomes = {r.artefact.path: r.outcome for r in caught.value.results}
    assert outcomes.pop(victim.path) == "failed"
    assert set(outcomes.values()) == {"fetched"}  # the others were still fetched


@loopback
def test_fetch_refuses_missing_and_oversized_files(official: Path, clean_env: Path,
                                                   tmp_path: Path) -> None:
    served = copy_pinned(official, tmp_path / "served")
    gone = artefacts()[-1]
    (served / gone.path).unlink()
    with serve(served) as (url, _):
        with pytest.raises(SchemaFetchError, match=re.escape(f"{gone.path}: HTTP 404")):
            fetch(tmp_path / "a", base_url=url)
        with pytest.raises(SchemaFetchError, match="larger than 1000 bytes"):
            fetch(tmp_path / "b", base_url=url, max_bytes=1000)


def test_fetch_refuses_a_mirror_that_is_not_http(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="mirror"):
        fetch(tmp_path, base_url="ftp://example.org/schemas")


@loopback
def test_cli_fetch_then_list(cli: click.Group, runner: CliRunner, official: Path,
                             clean_env: Path, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    with serve(official) as (url, _):
        result = runner.invoke(cli, ["schemas", "fetch", "--dest", str(dest), "--mirror", url])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(artefacts())
    assert f"{len(artefacts())} fetched" in result.stderr
    assert "give --schemas" in result.stderr  # validate would not look in --dest by itself

    listed = runner.invoke(cli, ["schemas", "list", "--schemas", str(dest)])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0] == f"{dest} (--schemas)"
    assert all(line.split()[0] == "present" for line in listed.stdout.splitlines()[1:])
    as_json = json.loads(runner.invoke(cli, ["schemas", "--schemas", str(dest), "--json"]).stdout)
    assert as_json["found_by"] == "--schemas"
    assert {f["state"] for f in as_json["files"]} == {"present"}


@loopback
def test_cli_fetch_refuses_a_tampered_file(cli: click.Group, runner: CliRunner, official: Path,
                                           clean_env: Path, tmp_path: Path) -> None:
    served = copy_pinned(official, tmp_path / "served")
    victim = artefacts()[1]
    (served / victim.path).write_bytes(b"<xs:schema/>")
    with serve(served) as (url, _):
        result = runner.invoke(cli, ["schemas", "fetch", "--mirror", url])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert f"{victim.path}: checksum mismatch, expected sha256 {victim.sha256}" in line
    assert not (clean_env / victim.path).exists()


def test_cli_list_reports_missing_and_corrupt(cli: click.Group, runner: CliRunner,
                                              official: Path, clean_env: Path,
                                              tmp_path: Path) -> None:
    nothing = runner.invoke(cli, ["schemas"])
    assert nothing.exit_code == 1
    assert "credbridge schemas fetch" in nothing.stderr
    folder = copy_pinned(official, clean_env)  # the user cache
    first, second = artefacts()[0], artefacts()[1]
    (folder / first.path).unlink()
    (folder / second.path).write_bytes(b"not it")
    result = runner.invoke(cli, ["schemas"])
    assert result.exit_code == 1
    states = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()[1:]}
    assert states[first.path] == "missing" and states[second.path] == "corrupt"
    assert result.stdout.splitlines()[0] == f"{folder} (user cache)"
    assert "1 missing, 1 corrupt" in result.stderr


# --- validate on credbridge's outputs -------------------------------------------------------------


@pytest.mark.parametrize("to", sorted(TARGETS))
def test_validate_credbridge_outputs(cli: click.Group, runner: CliRunner, official: Path,
                                     fixtures: Path, tmp_path: Path, to: str) -> None:
    path = output(fixtures, tmp_path, to)
    result = runner.invoke(cli, ["validate", str(path), "--schemas", str(official)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"{path}: {to}: valid"
    data = json.loads(runner.invoke(cli, ["validate", str(path), "--schemas", str(official),
                                          "--json"]).stdout)
    assert data == {"file": str(path), "format": to, "valid": True, "problems": []}


@loopback
def test_validate_with_only_the_fetched_files(cli: click.Group, runner: CliRunner,
                                              official: Path, clean_env: Path, fixtures: Path,
                                              tmp_path: Path) -> None:
    """The pins are all the validators need: the fetched user cache validates every target."""
    with serve(official) as (url, _):
        fetch(base_url=url)
    files = [str(output(fixtures, tmp_path, to)) for to in TARGETS]
    result = runner.invoke(cli, ["validate", *files, "--json"])
    assert result.exit_code == 0, result.output
    assert [(r["format"], r["valid"]) for r in json.loads(result.stdout)] == \
        [(to, True) for to in TARGETS]


def test_validate_several_files_invalid_and_unreadable(
    cli: click.Group, runner: CliRunner, official: Path, fixtures: Path, tmp_path: Path
) -> None:
    good = output(fixtures, tmp_path, "ob3")
    doc = json.loads(good.read_bytes())
    del doc["issuer"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    invalid = runner.invoke(cli, ["validate", str(good), str(bad), "--schemas", str(official)])
    assert invalid.exit_code == 1
    assert f"{bad}: ob3: NOT VALID" in invalid.stderr
    assert f"{good}: ob3: valid" in invalid.stderr
    assert any(line.startswith(f"{bad}: ") and "issuer" in line
               for line in invalid.stdout.splitlines())
    missing = runner.invoke(cli, ["validate", str(tmp_path / "nowhere.json"), str(good),
                                  "--schemas", str(official)])
    assert missing.exit_code == 2
    assert "nowhere.json: no such file" in missing.stderr
    assert f"{good}: ob3: valid" in missing.stderr


def test_validate_stdin(cli: click.Group, runner: CliRunner, official: Path, fixtures: Path,
                        tmp_path: Path) -> None:
    data = output(fixtures, tmp_path, "edc-xml").read_bytes()
    result = runner.invoke(cli, ["validate", "-", "--schemas", str(official)], input=data)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "-: edc-xml: valid"


def test_validate_a_format_without_validator(cli: click.Group, runner: CliRunner,
                                             fixtures: Path) -> None:
    csv = fixtures / "csv" / "two-credentials.csv"
    result = runner.invoke(cli, ["validate", str(csv)])
    assert result.exit_code == 2
    assert one_error_line(result) == \
        f"credbridge: error: {csv}: credbridge has no validator for format csv"
