"""A -> B -> A for every ordered pair of formats keeps what both carry (docs/design.md §5 law 3),
on the project's fixture credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from credbridge import get_formats
from credbridge.convert import read
from credbridge.laws import pair_violations
from credbridge.model import MicroCredential

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# The two most complete fixtures (every Annex I element, several languages and bodies); the
# per-format round-trip law covers generated variety.
FIXTURE_SET = ("canonical/complete.canonical.json", "elm/microcredential-full.canonical.json")


def _round_trip_formats() -> list[str]:
    return [f.name for f in get_formats() if f.can_read and f.can_write
            and f.plugin.startswith("credbridge.plugins.")]


@pytest.fixture(scope="module")
def credentials() -> list[MicroCredential]:
    creds = []
    for rel in FIXTURE_SET:
        creds.extend(read(FIXTURES / rel, from_format="canonical"))
    return creds


@pytest.mark.parametrize("a", _round_trip_formats())
def test_a_b_a_keeps_the_intersection(a: str, credentials: list[MicroCredential]) -> None:
    problems = []
    for b in _round_trip_formats():
        if b == a:
            continue
        for cred in credentials:
            problems += pair_violations(cred, a, b)
    assert not problems, "\n".join(problems[:30])
