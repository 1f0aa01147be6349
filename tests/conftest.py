"""Shared fixtures: the repository root, the project's fixtures, and ../shared (public data).

This suite runs with the hypothesis profile named by ``$CREDBRIDGE_HYPOTHESIS_PROFILE``
(default ``credbridge-ci``; ``pytest --hypothesis-profile=...`` wins). The profiles are
registered by credbridge.testing, which loads none: loading is this suite's choice, here.

Tests that need ../shared (or ``$CREDBRIDGE_SHARED``) take the ``shared`` fixture: without the
data they are skipped, and the end of the run names them in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from credbridge.testing import CI_PROFILE, NO_SCHEMAS, PROFILE_ENV, SHARED_ENV, shared_dir
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PLUGIN_SOURCE = ROOT / "tests" / "thirdparty_plugin"

SHARED_CONTENT = ("samples", "schemas")
"""What the shared data folder holds that the tests read: a folder without them is missing."""
NO_SHARED = "shared data not found"
"""The start of the skip reason of tests that need the shared data (found by the summary)."""

settings.load_profile(os.environ.get(PROFILE_ENV) or CI_PROFILE)


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
    """``../shared`` (or ``$CREDBRIDGE_SHARED``): public samples, schemas and vocabularies.
    Skips the test when the folder is not there or lacks the samples or the schemas."""
    path = shared_dir(ROOT)
    missing = [] if path is None else [n for n in SHARED_CONTENT if not (path / n).is_dir()]
    if path is None or missing:
        what = "no folder" if path is None else f"no {' or '.join(missing)} in it"
        pytest.skip(f"{NO_SHARED} ({what}): set {SHARED_ENV} or put it at ../shared beside "
                    "the repository (CI always has it)")
    return path


SLOW_FILES = frozenset({
    "test_batch_faults.py",      # 10,000-record batches through real processes
    "test_dask.py",              # a LocalCluster
    "test_fuzz.py",              # mutated real documents through every reader
    "test_hostile_budgets.py",   # attacks generated at full size (millions of nodes)
    "test_hostile_offline.py",   # every reader x the hostile corpus under the audit hook
    "test_peers.py",             # DCC (node) and openbadgeslib sign and verify every output
    "test_print.py",             # PDFs rendered and their QR codes decoded
    "test_serve_browser.py",     # the clerk's page in headless Chromium
    "test_serve_live.py",        # a real server on loopback, the hostile corpus against it
    "test_silent_loss_full.py",  # every shared document x every target and back (issue 16)
    "test_trust_xmlsec.py",      # Debian's xmlsec1 verifies credbridge's XAdES seals
    "test_validate_shared.py",   # every shared sample to every target, SHACL-validated
    "test_writers_reparse.py",   # every writer on generated hostile strings
})
"""Test files marked ``slow``: the README's test command leaves them out (``-m "not slow"``,
under five minutes); ``.ci/run`` runs them next, among the longer checks."""


RUN_LAST = frozenset({"test_dask.py"})
"""Test files run after all others in a process: a dask LocalCluster's threads and finalizers
outlive its module (they remove its work folders later), which the audit hook of the hostile
tests would count as theirs."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`SLOW_FILES` as ``slow``; :data:`RUN_LAST` last."""
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.path.name in RUN_LAST)  # stable: the rest keep their order


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line naming the tests skipped for lack of the shared data (a run without it tests
    less: say how much less)."""
    names: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = str(longrepr[-1]) if isinstance(longrepr, tuple) else ""
        if NO_SHARED in reason or NO_SCHEMAS in reason:  # the fixture's, or the kit's
            name = report.nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
            names[name] = names.get(name, 0) + 1
    if names:
        listed = ", ".join(f"{n} ({k} cases)" if k > 1 else n for n, k in names.items())
        terminalreporter.write_line(
            f"skipped without ../shared (set {SHARED_ENV}): {listed}", yellow=True)


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
