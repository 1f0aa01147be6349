"""Getting and setting canonical values in JSON-shaped dicts by column path
(``awarding_bodies[].name``, ``levels.nqf[].uri``, ``learner.national_id.value``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any


def _split(field: str) -> tuple[str, str | None]:
    """``a.b[].c.d`` -> (``a.b``, ``c.d``); a path without ``[]`` -> (path, None)."""
    if "[]" not in field:
        return field, None
    head, _, tail = field.partition("[]")
    return head, tail.lstrip(".") or None


@cache
def parsed(field: str) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """``a.b[].c.d`` -> ((``a``, ``b``), (``c``, ``d``)); without ``[]`` the tail is None."""
    head, tail = _split(field)
    return tuple(head.split(".")), (tuple(tail.split(".")) if tail else None)



def _put(node: dict[str, Any], parts: tuple[str, ...], value: Any, lang: str | None) -> None:
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if lang is not None:
        node.setdefault(parts[-1], {})[lang] = value
    else:
        node[parts[-1]] = value


def set_value(
    data: dict[str, Any], field: str, value: Any, *, position: int | None = None,
    lang: str | None = None,
) -> None:
    """Set ``value`` at ``field``; ``position`` picks the element of a ``[]`` list, ``lang``
    the language of a multilingual text."""
    head, tail = parsed(field)
    set_parsed(data, head, tail, value, position, lang)


def set_parsed(data: dict[str, Any], head: tuple[str, ...], tail: tuple[str, ...] | None,
               value: Any, position: int | None = None, lang: str | None = None) -> None:
    """:func:`set_value` of the path ``head[] tail`` (:func:`parsed`), parsed beforehand."""
    if tail is None:
        _put(data, head, value, lang)
        return
    node = data
    for part in head[:-1]:
        node = node.setdefault(part, {})
    items = node.setdefault(head[-1], [])
    index = position or 0
    while len(items) <= index:
        items.append({})
    _put(items[index], tail, value, lang)


def _get(node: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
        if node is None:
            return None
    return node


def get_value(data: dict[str, Any], field: str) -> Any:
    """The value at ``field`` (for ``[]`` paths: one value per element, ``None`` where absent)."""
    head, tail = parsed(field)
    return get_below(data, head, tail)


def get_below(node: Any, head: tuple[str, ...], tail: tuple[str, ...] | None) -> Any:
    """:func:`get_value` of the path ``head[] tail`` (:func:`parsed`) from ``node``."""
    value = _get(node, head)
    if tail is None:
        return value
    if not isinstance(value, list):
        return None
    return [_get(item, tail) for item in value]


def drop_empty_elements(data: dict[str, Any], keys: Iterable[str] | None = None) -> None:
    """Remove ``{}`` elements left in lists of objects by gaps in positional columns; only
    below ``keys`` of ``data`` when given (the roots of the positional columns: the other
    values hold no list of objects)."""
    for key in list(data) if keys is None else [k for k in keys if k in data]:
        value = data[key]
        if isinstance(value, dict):
            drop_empty_elements(value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for v in value:
                drop_empty_elements(v)
            data[key] = [v for v in value if v]
