"""Shared fixtures: the repository root, the project's fixtures, and ../shared (public data)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from credbridge.testing import shared_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PLUGIN_SOURCE = ROOT / "tests" / "thirdparty_plugin"


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The project's own fixtures."""
    return FIXTURES


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` (or ``$CREDBRIDGE_SHARED``): public samples, schemas and vocabularies."""
    path = shared_dir(ROOT)
    if path is None:
        pytest.skip("shared data not found: set CREDBRIDGE_SHARED or put it at ../shared "
                    "beside the repository (CI always has it)")
    return path


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed test plugin distribution (pip, offline, no deps)."""
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(PLUGIN_SOURCE)],
        check=True, capture_output=True, text=True,
    )
    assert (target / "credbridge_example_format-1.0.0.dist-info" / "entry_points.txt").exists()
    return target
