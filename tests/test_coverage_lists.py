"""credbridge.coverage.uncovered over lists of objects: every item counts."""

from __future__ import annotations

from credbridge.coverage import uncovered


def test_a_field_only_a_later_item_holds_is_uncovered_too() -> None:
    fields = {"parts[].title": "exact", "parts[].assessment.grade": "exact"}
    data = {"parts": [{"title": "A", "assessment": {"grade": "5"}},
                      {"title": "B", "assessment": {"grade": "4", "scheme": {"id": "x"}}},
                      {"title": "C", "assessment": {"grade": "3", "scheme": {"id": "y"}}}]}
    assert list(uncovered(data, fields)) == [("parts[].assessment.scheme", None)]


def test_covered_lists_and_extensions() -> None:
    fields = {"parts": "exact", "extensions": "extension"}
    data = {"parts": [{"title": "A", "other": 1}], "extensions": {"x:y": 1}, "empty": []}
    assert list(uncovered(data, fields)) == [("extensions", "extension")]
