"""Shared fixtures: the repository root, the project's fixtures, and ../shared (public data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credbridge.testing import shared_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


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
