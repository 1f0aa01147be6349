"""Start-up (issue 21): commands import what they need when they run.

``credbridge --help`` and ``--version`` load no plugin and scan no entry point; ``credbridge
formats`` lists the built-in formats from :mod:`credbridge.format_index` without importing them
(nor pydantic), unless a third-party plugin is installed. The listing must be the one the loaded
registry gives, byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import format_index, plugin_manager
from credbridge.cli import cli
from credbridge.plugin_manager import DEFAULT_PLUGINS, get_formats

CHILD = """
import json, sys
from credbridge.cli import main
sys.argv = ["credbridge", *sys.argv[1:]]
try:
    main()
finally:
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "lxml", "rdflib")
                   or m.startswith(("credbridge.plugins.", "credbridge.model",
                                    "credbridge.formats", "credbridge.batch")))
    sys.stderr.write("MODULES=" + json.dumps({"heavy": heavy,
        "plugin_manager": "credbridge.plugin_manager" in sys.modules}) + "\\n")
"""


def _fresh(args: list[str], site: Path | None = None,
           load: str | None = None) -> tuple[str, dict[str, object]]:
    """stdout of credbridge ``args`` in a fresh process, and what it had imported."""
    env = {k: v for k, v in os.environ.items() if k != plugin_manager.LOAD_PLUGINS_ENV}
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    if load is not None:
        env[plugin_manager.LOAD_PLUGINS_ENV] = load
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("MODULES=")]
    return proc.stdout, json.loads(line.removeprefix("MODULES="))


def test_the_index_is_the_loaded_builtin_formats() -> None:
    loaded = [format_index.listing(f) for f in get_formats() if f.plugin in DEFAULT_PLUGINS]
    assert list(format_index.BUILTIN) == loaded, (
        "credbridge.format_index is stale: run `python -m credbridge.docgen --update docs`")


def test_formats_lists_without_importing_a_plugin() -> None:
    get_formats()  # this process has loaded them: its listing comes from the registry
    loaded = CliRunner().invoke(cli, ["formats"])
    assert loaded.exit_code == 0
    out, modules = _fresh(["formats"])
    assert modules["heavy"] == []
    assert out == loaded.stdout
    assert out.splitlines()[0].split()[:2] == ["canonical", "rw"]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["formats", "--help"]])
def test_help_and_version_load_no_plugin(args: list[str]) -> None:
    out, modules = _fresh(args)
    assert modules == {"heavy": [], "plugin_manager": False}
    assert out.strip()


def test_convert_help_still_lists_the_format_flags() -> None:
    out, modules = _fresh(["convert", "--help"])
    assert "Options of ob3 (also -O FORMAT.KEY=VALUE):" in out
    assert "credbridge.plugins.csv" in modules["heavy"]  # its flags come from the plugins


def test_formats_lists_an_installed_thirdparty_plugin(plugin_site: Path) -> None:
    out, modules = _fresh(["formats"], site=plugin_site)
    names = [line.split()[0] for line in out.splitlines()]
    assert "example-json" in names
    assert names[: len(format_index.BUILTIN)] == [f.name for f in format_index.BUILTIN]
    assert modules["heavy"]  # a third-party plugin: the registry is loaded

    hidden, modules = _fresh(["formats"], site=plugin_site, load="")
    assert "example-json" not in hidden
    assert modules["heavy"] == []  # the variable hides it: the index is enough
    assert hidden.splitlines() == out.splitlines()[: len(hidden.splitlines())]


def test_the_kept_crosswalk_parse_is_current_and_used() -> None:
    from credbridge import crosswalk

    source = crosswalk._source()
    assert crosswalk._kept(source) == crosswalk.parse(source), (
        "mappings/crosswalk.json is stale: run `python -m credbridge.crosswalk --update`")
    assert crosswalk.main([]) == 0


def test_a_stale_crosswalk_parse_is_never_used() -> None:
    from credbridge import crosswalk

    edited = crosswalk._source() + b"\n# an edit after the last --update\n"
    assert crosswalk._kept(edited) is None  # rows() parses the TOML then
