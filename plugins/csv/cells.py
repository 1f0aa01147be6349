"""Cell encoding: multi-valued cells, booleans, and formula neutralisation."""

from __future__ import annotations

import json
import re

from credbridge.safety import DEFAULT_MAX_ITEMS

SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def split_multi(cell: str, max_items: int = DEFAULT_MAX_ITEMS) -> list[str | None]:
    """Split a multi-valued cell on ``;`` with trimming; JSON-quoted items may contain ``;``.

    An empty item is ``None`` (a gap in a positional list); trailing gaps are removed. A cell
    of more than ``max_items`` items (the ``items`` budget) is a :class:`ValueError` (the
    row fails, the others are read).
    """
    items: list[str | None] = []
    i, n = 0, len(cell)
    while i <= n:
        if len(items) >= max_items:
            raise ValueError(f"the cell has more than {max_items:,} items (budget items = "
                             f"{max_items:,}; raise it with --limit items=N)")
        while i < n and cell[i] in " \t":
            i += 1
        if i < n and cell[i] == '"':
            m = _JSON_STRING.match(cell, i)
            if m:
                j = m.end()
                while j < n and cell[j] in " \t":
                    j += 1
                if j == n or cell[j] == ";":
                    items.append(json.loads(m.group()))
                    i = j + 1
                    continue
        j = cell.find(";", i)
        if j == -1:
            j = n
        token = cell[i:j].strip()
        items.append(token or None)
        i = j + 1
    while items and items[-1] is None:
        items.pop()
    return items


def join_multi(items: list[str | None]) -> str:
    """Join items with ``"; "``; quote (JSON-style) an item that would not split back intact."""
    while items and items[-1] is None:
        items = items[:-1]
    out = []
    for item in items:
        if item is None:
            out.append("")
        elif ";" in item or item.startswith('"') or item != item.strip():
            out.append(json.dumps(item, ensure_ascii=False))
        else:
            out.append(item)
    return SEPARATOR.join(out)


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would execute as a formula, and to a cell that
    starts with ``'`` itself (which :func:`unneutralise` would otherwise take for the mark)."""
    return "'" + cell if cell.startswith((*FORMULA_START, "'")) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise` on read: one leading ``'`` before a formula start or another
    ``'`` is the mark; any other apostrophe is text."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_START, "'")):
        return cell[1:]
    return cell


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(cell: str) -> bool:
    """``true``/``false`` (also yes/no, 1/0); anything else is a ValueError."""
    v = cell.strip().casefold()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"not a boolean (true/false): {cell!r}")
