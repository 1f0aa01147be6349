"""Merging values read from one source (a Diploma Supplement section) into canonical data read
from another (the ELMO elements): missing parts are filled, equal parts kept, a difference is a
conflict."""

from __future__ import annotations

import re
from typing import Any

Path = tuple[str | int, ...]
"""A path into canonical JSON (``("levels", "eqf")``)."""
Values = list[tuple[Path, Any]]
"""Canonical values found in one section."""



def merge_value(existing: Any, new: Any) -> tuple[Any, bool]:
    """Merge ``new`` into ``existing``: missing parts are filled, equal parts kept; returns
    (merged, conflict) where conflict means some value differed."""
    if existing is None or existing == [] or existing == {}:
        return new, False
    if isinstance(existing, dict) and isinstance(new, dict):
        out = dict(existing)
        for key, value in new.items():
            merged, conflict = merge_value(out.get(key), value)
            if conflict:
                return existing, True
            out[key] = merged
        return _drop_duplicate_und(out), False
    if isinstance(existing, list) and isinstance(new, list):
        # a format that holds one value (ELMO's iscedCode) gives the head of a longer list
        if len(existing) > len(new):
            return existing, True
        items = []
        for a, b in zip(existing, new[:len(existing)], strict=True):
            merged, conflict = merge_value(a, b)
            if conflict:
                return existing, True
            items.append(merged)
        return items + new[len(existing):], False
    finer = _finer_date(existing, new)
    if finer is not None:
        return finer, False
    same = " ".join(str(existing).split()) == " ".join(str(new).split())
    return existing, not same


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _finer_date(a: Any, b: Any) -> str | None:
    """A date and a date-time of that day agree: the date-time (ELMO holds the day of a
    result, the supplement's section 4.3 its date-time). None when they are not such a pair."""
    if not (isinstance(a, str) and isinstance(b, str)) or len(a) == len(b):
        return None
    day, when = sorted((a.strip(), b.strip()), key=len)
    if _DAY.fullmatch(day) and when.startswith(day + "T"):
        return when
    return None


def _drop_duplicate_und(text: dict[str, Any]) -> dict[str, Any]:
    """A multilingual text that holds the same words under ``und`` and a language (ELMO wrote
    them without a language, the supplement with one) keeps the language only."""
    und = text.get("und")
    if isinstance(und, str) and any(k != "und" and v == und for k, v in text.items()):
        return {k: v for k, v in text.items() if k != "und"}
    return text


def put(data: dict[str, Any], path: Path, value: Any) -> bool:
    """Merge ``value`` at ``path`` into ``data`` in place; False (and no change) on a conflict."""
    node = data
    for key in path[:-1]:
        node = node.setdefault(str(key), {})
    leaf = str(path[-1])
    merged, conflict = merge_value(node.get(leaf), value)
    if conflict:
        return False
    node[leaf] = merged
    return True


def fits(data: dict[str, Any], values: Values) -> bool:
    """True when every value merges into ``data`` without a conflict (``data`` unchanged)."""
    # the trial copies only the dicts on the paths it changes (copy on write), as put() does
    # nothing else to them: not the whole credential for every section
    trial = dict(data)
    own = {id(trial)}
    for path, value in values:
        node: Any = trial
        for key in path[:-1]:
            name = str(key)
            below = node.setdefault(name, {})
            if isinstance(below, dict) and id(below) not in own:
                below = dict(below)
                node[name] = below
                own.add(id(below))
            node = below
        leaf = str(path[-1])
        merged, conflict = merge_value(node.get(leaf), value)
        if conflict:
            return False
        node[leaf] = merged
    return True
