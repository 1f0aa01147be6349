"""Cell addresses (``Achievements!F14``) and the formula cells of a sheet."""

from __future__ import annotations

from typing import Any

from credbridge.errors import LimitExceededError

from .workbook import quiet_openpyxl


def column_letter(index: int) -> str:
    """``1`` -> ``A``, ``28`` -> ``AB``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, row: int, column: int) -> str:
    """The address of a cell as people read it: ``Achievements!F14``."""
    return f"{sheet}!{column_letter(column)}{row}"


def formula_cells(ws: Any, max_cells: int) -> dict[tuple[int, int], str]:
    """(row, column) -> formula text of every formula cell of a read-only worksheet opened
    with formulas (not cached values)."""
    found: dict[tuple[int, int], str] = {}
    seen = 0
    with quiet_openpyxl():
        ws.reset_dimensions()
        for r, row in enumerate(ws.iter_rows(), start=1):
            seen += len(row)
            if seen > max_cells:
                raise LimitExceededError(f"sheet {ws.title!r} has more than {max_cells:,} cells")
            for c, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    value = cell.value
                    text = getattr(value, "text", value)
                    found[(getattr(cell, "row", r) or r, getattr(cell, "column", c) or c)] = \
                        str(text)
    return found
