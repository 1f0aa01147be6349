"""A third-party format passes credbridge's conformance kit (credbridge.testing, a pytest11
plugin) by subclassing FormatConformance in its own test suite, with no change to credbridge;
and the kit's default profile is strong enough to fail a plugin that re-tags a language."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = Path(__file__).parent / "thirdparty_plugin"

# The example plugin with its fix for re-tagged languages undone: the awarding body's name is
# written without its language and read back in the title's, and the report no longer says so.
RETAGGING_SUITE = '''
    from credbridge import hookimpl, plugin_manager
    from credbridge.testing import FormatConformance
    from credbridge_example_format import ExampleJsonFormat


    class RetaggingFormat(ExampleJsonFormat):
        name = "example-json-retagging"
        extensions = (".retagging.json",)

        def _flat(self, cred, ctx, prefer):
            say = ctx.say
            ctx.say = lambda code, field=None, detail="", **kw: (
                None if "is read back as" in detail else say(code, field, detail, **kw))
            try:
                return super()._flat(cred, ctx, prefer)
            finally:
                del ctx.say


    class Plugin:
        @hookimpl
        def register_formats(self, register):
            register(RetaggingFormat())


    plugin_manager.register_plugin(Plugin(), name="retagging")


    class TestRetagging(FormatConformance):
        format_name = "example-json-retagging"
'''


def _kit(test_file: Path, plugin_site: Path, cwd: Path,
         *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on ``test_file`` as the plugin's own suite runs it: the plugin installed, the
    default hypothesis profile, no configuration of credbridge's."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugin_site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    for name in ("CREDBRIDGE_LOAD_PLUGINS", "CREDBRIDGE_HYPOTHESIS_PROFILE"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "-c", str(PLUGIN / "pyproject.toml"), "--rootdir", str(test_file.parent),
         str(test_file), *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_the_example_plugin_passes_the_conformance_kit(plugin_site: Path,
                                                       tmp_path: Path) -> None:
    proc = _kit(PLUGIN / "tests" / "test_conformance.py", plugin_site, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "7 passed, 1 skipped" in proc.stdout, proc.stdout[-1000:]
    # a test that does not apply says why instead of passing
    assert "format example-json has no official validator" in proc.stdout, proc.stdout[-1000:]


def test_the_default_profile_fails_a_plugin_that_retags_a_language(plugin_site: Path,
                                                                   tmp_path: Path) -> None:
    suite = tmp_path / "test_retagging.py"
    suite.write_text(textwrap.dedent(RETAGGING_SUITE), "utf-8")
    proc = _kit(suite, plugin_site, tmp_path, "-k", "round_trip")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 failed" in proc.stdout, proc.stdout[-1000:]
    assert "awarding_bodies[].name (lossy) changed without an approximated/dropped message" \
        in proc.stdout, proc.stdout[-3000:]
