"""credbridge.notes: the labelled lines a note carries for fields a target has no property for."""

from __future__ import annotations

from credbridge.notes import labelled_lines, parse_labelled

LABELS = {"decision": "Decision", "valid_until": "Valid until"}


def test_lines_follow_the_label_order_and_skip_empty_values() -> None:
    assert labelled_lines({"valid_until": "2030-01-01", "decision": "", "x": "y"}, LABELS) \
        == "\nValid until: 2030-01-01"


def test_a_note_reads_back_into_its_text_and_fields() -> None:
    text = "Accredited by FINEEC" + labelled_lines(
        {"decision": "https://example.org/d/1", "valid_until": "2030-01-01"}, LABELS)
    assert parse_labelled(text, LABELS) == (
        "Accredited by FINEEC", {"decision": "https://example.org/d/1",
                                 "valid_until": "2030-01-01"})


def test_only_trailing_known_labels_with_values_count() -> None:
    # indented as pretty-printed XML keeps it; an unknown label, an empty value or a label seen
    # below it ends the labelled block
    assert parse_labelled("Text\n   Valid until: 2030", LABELS) == ("Text", {"valid_until": "2030"})
    assert parse_labelled("Decision: a\nNote: b", LABELS) == ("Decision: a\nNote: b", {})
    assert parse_labelled("Decision: \nValid until: x", LABELS)[1] == {"valid_until": "x"}
    assert parse_labelled("Decision: a\nDecision: b", LABELS) == ("Decision: a", {"decision": "b"})
