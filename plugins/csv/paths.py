"""Getting and setting canonical values in JSON-shaped dicts by column path
(``awarding_bodies[].name``, ``levels.nqf[].uri``, ``learner.national_id.value``)."""

from __future__ import annotations

from typing import Any


def _split(field: str) -> tuple[str, str | None]:
    """``a.b[].c.d`` -> (``a.b``, ``c.d``); a path without ``[]`` -> (path, None)."""
    if "[]" not in field:
        return field, None
    head, _, tail = field.partition("[]")
    return head, tail.lstrip(".") or None


def _walk(data: dict[str, Any], dotted: str, create: bool) -> tuple[dict[str, Any] | None, str]:
    parts = dotted.split(".")
    node: Any = data
    for part in parts[:-1]:
        if not isinstance(node, dict):
            return None, parts[-1]
        if part not in node:
            if not create:
                return None, parts[-1]
            node[part] = {}
        node = node[part]
    return (node if isinstance(node, dict) else None), parts[-1]


def set_value(
    data: dict[str, Any], field: str, value: Any, *, position: int | None = None,
    lang: str | None = None,
) -> None:
    """Set ``value`` at ``field``; ``position`` picks the element of a ``[]`` list, ``lang``
    the language of a multilingual text."""
    head, tail = _split(field)
    if tail is None:
        parent, key = _walk(data, head, create=True)
        assert parent is not None
        if lang is not None:
            parent.setdefault(key, {})[lang] = value
        else:
            parent[key] = value
        return
    parent, key = _walk(data, head, create=True)
    assert parent is not None
    items = parent.setdefault(key, [])
    index = position or 0
    while len(items) <= index:
        items.append({})
    set_value(items[index], tail, value, lang=lang)


def get_value(data: dict[str, Any], field: str) -> Any:
    """The value at ``field`` (for ``[]`` paths: one value per element, ``None`` where absent)."""
    head, tail = _split(field)
    parent, key = _walk(data, head, create=False)
    if parent is None:
        return None
    value = parent.get(key)
    if tail is None:
        return value
    if not isinstance(value, list):
        return None
    return [get_value(item, tail) if isinstance(item, dict) else None for item in value]


def drop_empty_elements(data: dict[str, Any]) -> None:
    """Remove ``{}`` elements left in lists of objects by gaps in positional columns."""
    for key, value in list(data.items()):
        if isinstance(value, dict):
            drop_empty_elements(value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for v in value:
                drop_empty_elements(v)
            data[key] = [v for v in value if v]
