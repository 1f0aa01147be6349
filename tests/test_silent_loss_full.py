"""The silent-loss law on every shared sample and corpus document x every read+write target
(issue 16; marked slow: tests/conftest.py SLOW_FILES). The fast subset, the allow-list and the
law are in tests/test_silent_loss_real.py and credbridge.laws."""

from __future__ import annotations

from pathlib import Path

from credbridge.laws import document_silent_changes, documents_under, writable_targets
from test_silent_loss_real import ALLOWED, FAMILIES, RECORDS, violations


def test_no_silent_change_on_any_shared_document(shared: Path) -> None:
    """Every document that reads -> every target -> canonical: every change reported; and
    an allowed (target, field) pair that no longer occurs is removed from the list."""
    problems: list[str] = []
    used: set[tuple[str, str]] = set()
    for doc in documents_under(*(shared / f for f in FAMILIES)):
        found = document_silent_changes(doc, writable_targets(), max_records=RECORDS)
        if found is not None:
            lines, seen = violations(found, doc.relative_to(shared).as_posix())
            problems += lines
            used |= seen
    stale = sorted(set(ALLOWED) - used)
    assert not problems, f"{len(problems)} silent changes:\n" + "\n".join(problems[:200])
    assert not stale, f"remove from ALLOWED (fixed): {stale}"
