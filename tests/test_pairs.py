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


# --- the records of one many-claim document (docs/design.md §2.1) ------------------------------

TRANSCRIPT = "corpus/elm/vc--diploma_HE-ToR-marit.xml.json"
PAIR_FAMILIES = ("canonical", "csv", "ob3", "ob2", "edc-xml", "elm", "elm-ttl", "elm-rdfxml",
                 "elmo", "clr")
"""The formats of the families issue 15 covers (B of A -> B -> A)."""
"""A DC4EU transcript of records: four claims with credits, grades and parts."""


def _document_formats() -> list[str]:
    """Formats that write the records of one document back as one document."""
    return [name for name in _round_trip_formats()
            if any(p.startswith("document") or p == "*" for p in get_formats().get(name).fields)]


@pytest.mark.parametrize("a", _document_formats())
def test_a_b_a_keeps_the_intersection_for_a_transcript(a: str, shared: Path) -> None:
    from credbridge.laws import document_pair_violations

    records = list(read(shared / TRANSCRIPT, from_format="elm"))
    assert len(records) == 4
    documents = _document_formats()
    problems = []
    for b in PAIR_FAMILIES:
        fb = get_formats().get(b)
        if b == a or not (fb.json_lines or fb.many or b in documents):
            continue
        one_per_stream = not (get_formats().get(a).json_lines or get_formats().get(a).many)
        if one_per_stream and b not in documents:
            continue  # the records come back as separate credentials: A cannot take them
        problems += document_pair_violations(records, a, b)
    assert not problems, "\n".join(problems[:30])
