"""The plugin host (docs/design.md §3) proved with a real third-party package.

tests/thirdparty_plugin is an ordinary distribution (``credbridge-example-format``) with two
entry points in the ``credbridge`` group: ``example`` (the ``example-json`` format) and
``broken`` (a module that raises on import). The session installs it with pip, offline, into a
folder of its own that is put on the path of the processes under test: the shared virtual
environment is left as it was, so other tests never see these plugins.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import MicroCredential, Report, hookimpl, plugin_manager
from credbridge.batch import Session, read_items
from credbridge.cli import cli
from credbridge.convert import convert, read, write
from credbridge.errors import PluginError, UsageError
from credbridge.testing import carried_subset, write_read

PLUGIN_SOURCE = Path(__file__).parent / "thirdparty_plugin"
PLUGIN_MODULES = ("credbridge_example_format", "credbridge_broken_plugin")
CONSOLE_SCRIPT = Path(sys.executable).parent / "credbridge"


def _forget_plugin_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in PLUGIN_MODULES:
            del sys.modules[name]


@pytest.fixture
def installed(plugin_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This process sees the installed plugins (and reloads its plugins before and after)."""
    monkeypatch.delenv(plugin_manager.LOAD_PLUGINS_ENV, raising=False)
    monkeypatch.syspath_prepend(str(plugin_site))
    importlib.invalidate_caches()
    plugin_manager.reset()
    yield plugin_site
    monkeypatch.undo()
    _forget_plugin_modules()
    importlib.invalidate_caches()
    plugin_manager.reset()


def run(args: list[str], site: Path, cwd: Path, load: str | None = None,
        console_script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run credbridge in a fresh process that has the plugin folder on its path."""
    env = {k: v for k, v in os.environ.items() if k != plugin_manager.LOAD_PLUGINS_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    if load is not None:
        env[plugin_manager.LOAD_PLUGINS_ENV] = load
    command = [str(CONSOLE_SCRIPT)] if console_script else [sys.executable, "-m", "credbridge"]
    return subprocess.run(command + args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


EXAMPLE = {
    "format": "example-json/1",
    "id": "urn:uuid:9d3c1a52-7b1e-4c55-8f0e-1c2d3e4f5a6b",
    "title": "Solar Installation Basics",
    "lang": "en",
    "awarding_body": "Helios Training Centre",
    "country": "PT",
    "issued": "2025-03-14",
    "eqf": 4,
    "ects": "3.5",
}


# --- in this process ---------------------------------------------------------------------------


def test_plugins_command_lists_the_thirdparty_plugin_and_the_broken_one(installed: Path) -> None:
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_name = {p["name"]: p for p in data["plugins"]}
    example = by_name["example"]
    assert example["builtin"] is False
    assert example["distribution"] == "credbridge-example-format"
    assert example["version"] == "1.0.0"
    assert example["formats"] == ["example-json"]
    assert example["hooks"] == ["register_formats"]
    assert by_name["credbridge.plugins.csv"]["builtin"] is True
    assert by_name["credbridge.plugins.canonical"]["formats"] == ["canonical"]
    assert "broken" not in by_name
    assert data["failed"] == [
        {"name": "broken",
         "error": "RuntimeError: credbridge-broken-plugin is broken on purpose"}]

    text = CliRunner().invoke(cli, ["plugins"])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert "example  (credbridge-example-format 1.0.0)  formats: example-json" in lines
    assert "broken  FAILED: RuntimeError: credbridge-broken-plugin is broken on purpose" in lines


def test_formats_json_describes_the_thirdparty_format(installed: Path) -> None:
    result = CliRunner().invoke(cli, ["formats", "--json"])
    assert result.exit_code == 0
    formats = {f["name"]: f for f in json.loads(result.output)}
    assert {"canonical", "csv", "example-json"} <= set(formats)
    example = formats["example-json"]
    assert example["read"] is True and example["write"] is True
    assert example["validate"] is False
    assert example["plugin"] == "example"
    assert example["extensions"] == [".example.json"]
    assert example["fields"]["levels.eqf"] == "exact"
    assert example["fields"]["title"] == "lossy"
    assert "learning_outcomes" not in example["fields"]


def test_convert_to_and_from_the_thirdparty_format(installed: Path, fixtures: Path,
                                                   tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "two.example.jsonl"  # two credentials: JSON Lines, never a .json file
    report_path = tmp_path / "report.json"
    result = runner.invoke(cli, ["convert", str(fixtures / "csv" / "two-credentials.csv"),
                                 "--to", "example-json", "-o", str(out),
                                 "--report", str(report_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert lines[0] == {
        "format": "example-json/1", "id": "urn:uuid:6a1f3f0e-2c44-4b8e-9a11-0c2b7f9d1e01",
        "title": "Data Analysis with Python", "awarding_body": "University of Zed",
        "country": "IE", "issued": "2025-06-30", "eqf": 6, "ects": "5"}
    assert lines[1]["ects"] == "2.5"
    report = json.loads(report_path.read_text("utf-8"))
    dropped = {m["field"] for m in report["messages"] if m["code"] == "dropped"}
    assert {"learning_outcomes", "learner", "fields_of_study", "assessment"} <= dropped
    approximated = [m for m in report["messages"] if m["code"] == "approximated"]
    assert approximated and approximated[0]["field"] == "title"  # und + fr: one written

    # and back: detected by its content (the plugin's sniff), converted by its reader
    back = runner.invoke(cli, ["convert", str(out), "--to", "canonical", "-q"])
    assert back.exit_code == 0, back.output
    creds = [json.loads(line) for line in back.output.splitlines()]
    assert [c["levels"]["eqf"] for c in creds] == [6, 6]
    assert creds[1]["workload"] == {"ects": "2.5"}
    assert creds[0]["awarding_bodies"] == [{"name": {"und": "University of Zed"},
                                            "country": "IE"}]


def test_thirdparty_format_is_detected_by_content_and_round_trips(installed: Path,
                                                                  tmp_path: Path) -> None:
    source = tmp_path / "credential.dat"  # no extension match: the sniffer decides
    source.write_text(json.dumps({**EXAMPLE, "colour": "blue"}), "utf-8")
    detected = CliRunner().invoke(cli, ["detect", str(source)])
    assert detected.output == f"{source}: example-json\n"
    result = convert(source, to="canonical")
    cred = json.loads(result.output or b"")
    assert cred == {
        "id": EXAMPLE["id"], "title": {"en": "Solar Installation Basics"},
        "awarding_bodies": [{"name": {"en": "Helios Training Centre"}, "country": "PT"}],
        "issued": "2025-03-14", "levels": {"eqf": 4}, "workload": {"ects": "3.5"}}
    ignored = result.report.by_code("ignored-input")
    assert [m.detail for m in ignored] == ["unknown key 'colour' ignored"]

    original = next(read(source))
    back, data, report = write_read("example-json", original)
    assert json.loads(data) == EXAMPLE
    assert carried_subset(back[0], "example-json") == carried_subset(original, "example-json")
    assert not report.has_errors


def test_thirdparty_options_are_typed(installed: Path, tmp_path: Path) -> None:
    cred = MicroCredential.model_validate({
        "id": "urn:x:1", "title": {"en": "Solar basics", "fr": "Bases du solaire"},
        "awarding_bodies": [{"name": {"fr": "Centre Hélios"}, "country": "FR"}]})
    report = Report()
    data = write([cred], None, to="example-json", report=report,
                 options={"example-json": {"lang": "fr"}}) or b""
    assert json.loads(data) | {"format": "-"} == {
        "format": "-", "id": "urn:x:1", "title": "Bases du solaire", "lang": "fr",
        "awarding_body": "Centre Hélios", "country": "FR"}
    assert [(m.code, m.field, m.record) for m in report.messages] == [
        ("approximated", "title", "urn:x:1")]
    with pytest.raises(UsageError, match="format example-json has no option 'lange' "
                                         r"\(did you mean lang\?\)"):
        write([cred], None, to="example-json", options={"example-json": {"lange": "fr"}})
    options = plugin_manager.get_formats().get("example-json").describe()["options"]
    assert options["lang"]["description"].startswith("language to write the title in")

    source = tmp_path / "solar.canonical.json"
    source.write_text(cred.to_json(), "utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "example-json", "-q",
                                      "-O", "example-json.lang=fr"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Bases du solaire"


def test_thirdparty_reader_names_records_by_line(installed: Path) -> None:
    lines = [json.dumps({**EXAMPLE, "id": None, "title": f"Course {i}"}) for i in (1, 2)]
    data = "\n".join([lines[0], "{oops", lines[1], '["not an object"]']).encode()
    session = Session({})
    items = list(read_items(data, plugin_manager.get_formats().get("example-json"), session))
    assert [i.label for i in items] == ["line 1", "line 3"]
    assert [(m.record, m.code) for m in session.report.errors] == [
        ("line 2", "invalid-record"), ("line 4", "invalid-record")]


def test_misspelled_hook_is_refused_at_registration(installed: Path) -> None:
    class Misspelled:
        @hookimpl
        def register_format(self, register: object) -> None:  # the hook is register_formats
            """Never called."""

    with pytest.raises(PluginError, match="register_format") as caught:
        plugin_manager.register_plugin(Misspelled(), name="misspelled")
    assert "unknown hook" in str(caught.value)
    assert plugin_manager.pm.get_plugin("misspelled") is None
    # the host is intact: every other format still works
    assert {"canonical", "csv", "example-json"} <= set(plugin_manager.get_formats().names())


def test_misspelled_hook_in_an_entry_point_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "credbridge_misspelled.py").write_text(
        "from credbridge import hookimpl\n\n\n@hookimpl\n"
        "def register_format(register):\n    raise AssertionError('never called')\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = metadata.EntryPoint(name="misspelled", value="credbridge_misspelled",
                               group="credbridge")
    monkeypatch.setattr(plugin_manager.metadata, "entry_points",
                        lambda group: [fake] if group == "credbridge" else [])
    plugin_manager.reset()
    try:
        failures = plugin_manager.load_failures()
        assert [f.name for f in failures] == ["misspelled"]
        assert "unknown hook 'register_format'" in failures[0].error
        assert plugin_manager.pm.get_plugin("misspelled") is None
        assert plugin_manager.get_formats().names()[:2] == ["canonical", "csv"]
    finally:
        monkeypatch.undo()
        sys.modules.pop("credbridge_misspelled", None)
        plugin_manager.reset()


# --- in fresh processes ---------------------------------------------------------------------


def test_plugins_listed_by_python_m_and_the_console_script(plugin_site: Path,
                                                           tmp_path: Path) -> None:
    module = run(["plugins", "--json"], plugin_site, tmp_path)
    assert module.returncode == 0, module.stderr
    data = json.loads(module.stdout)
    assert [p["name"] for p in data["plugins"] if not p["builtin"]] == ["example"]
    assert [f["name"] for f in data["failed"]] == ["broken"]

    script = run(["plugins"], plugin_site, tmp_path, console_script=True)
    assert script.returncode == 0, script.stderr
    assert "example  (credbridge-example-format 1.0.0)  formats: example-json" in script.stdout
    assert "broken  FAILED: RuntimeError" in script.stdout
    assert "Traceback" not in script.stdout + script.stderr


def test_convert_with_the_plugin_in_a_fresh_process(plugin_site: Path, tmp_path: Path) -> None:
    source = tmp_path / "solar.example.json"
    source.write_text(json.dumps(EXAMPLE, indent=2), "utf-8")
    to_csv = run(["convert", str(source), "--to", "csv", "-q"], plugin_site, tmp_path,
                 console_script=True)
    assert to_csv.returncode == 0, to_csv.stderr
    assert to_csv.stdout.splitlines() == [
        "credential_id,title.en,awarding_body.en,awarding_body_country,issue_date,eqf_level,ects",
        f"{EXAMPLE['id']},Solar Installation Basics,Helios Training Centre,PT,2025-03-14,4,3.5",
    ]
    csv_file = tmp_path / "solar.csv"
    csv_file.write_text(to_csv.stdout, "utf-8")
    back = run(["convert", str(csv_file), "--to", "example-json", "-q"], plugin_site, tmp_path)
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout) == EXAMPLE


def test_broken_plugin_breaks_nothing(plugin_site: Path, fixtures: Path, tmp_path: Path) -> None:
    result = run(["convert", str(fixtures / "csv" / "two-credentials.csv"), "--to", "canonical"],
                 plugin_site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "broken" not in result.stderr
    assert result.stderr.strip().endswith("2 written, 0 failed")


@pytest.mark.parametrize(
    ("load", "loaded", "failed"),
    [
        ("", [], []),
        ("example", ["example"], []),
        ("broken", [], ["broken"]),
        ("credbridge-example-format", ["example"], ["broken"]),  # a distribution name
        (" example , nothing-of-that-name ", ["example"], []),
    ],
)
def test_load_plugins_variable_limits_thirdparty_plugins(
    plugin_site: Path, tmp_path: Path, load: str, loaded: list[str], failed: list[str]
) -> None:
    result = run(["plugins", "--json"], plugin_site, tmp_path, load=load)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [p["name"] for p in data["plugins"] if not p["builtin"]] == loaded
    assert [f["name"] for f in data["failed"]] == failed
    # built-in formats are not entry points: the variable never hides them
    assert [p["name"] for p in data["plugins"] if p["builtin"]][:2] == [
        "credbridge.plugins.canonical", "credbridge.plugins.csv"]


def test_load_plugins_empty_hides_the_thirdparty_format(plugin_site: Path,
                                                        tmp_path: Path) -> None:
    source = tmp_path / "solar.example.json"
    source.write_text(json.dumps(EXAMPLE), "utf-8")
    formats = run(["formats", "--json"], plugin_site, tmp_path, load="")
    assert "example-json" not in {f["name"] for f in json.loads(formats.stdout)}
    result = run(["convert", str(source), "--to", "canonical"], plugin_site, tmp_path, load="")
    assert result.returncode == 2  # an input no format reads: an error, not a negative answer
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("credbridge: error: ")
    assert "cannot tell the format" in result.stderr
