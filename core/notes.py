"""Labelled lines at the end of a free-text note (``\\nDecision: …``): how a value a target has
no property for travels in a note and is read back into its field (an ELM or EDC XML
quality-assurance note that cannot be an Accreditation)."""

from __future__ import annotations

from collections.abc import Mapping


def labelled_lines(values: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """``\\nLabel: value`` for each key of ``labels`` (in its order) that has a value."""
    return "".join(f"\n{label}: {values[key]}" for key, label in labels.items()
                   if values.get(key))


def parse_labelled(text: str, labels: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The text before the trailing labelled lines, and their values by key. A line counts
    when its label (surrounding whitespace ignored: pretty-printed XML indents) is one of
    ``labels``, it has a value, and its key was not seen below it."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    by_label = {label: key for key, label in labels.items()}
    while lines:
        label, sep, value = lines[-1].strip().partition(": ")
        key = by_label.get(label)
        if not sep or key is None or key in fields or not value.strip():
            break
        fields[key] = value.strip()
        lines.pop()
    return "\n".join(lines), fields
