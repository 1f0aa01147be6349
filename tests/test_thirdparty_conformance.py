"""A third-party format passes credbridge's conformance kit (credbridge.testing, a pytest11
plugin) by subclassing FormatConformance in its own test suite, with no change to credbridge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PLUGIN = Path(__file__).parent / "thirdparty_plugin"


def test_the_example_plugin_passes_the_conformance_kit(plugin_site: Path,
                                                       tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugin_site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop("CREDBRIDGE_LOAD_PLUGINS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-c", str(PLUGIN / "pyproject.toml"), "--rootdir", str(PLUGIN),
         str(PLUGIN / "tests" / "test_conformance.py")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "8 passed" in proc.stdout, proc.stdout[-1000:]
