"""``csv``: one row per credential, columns from the crosswalk (docs/formats/csv.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.hookspecs import hookimpl

from .format import CsvFormat


@hookimpl
def register_formats(register: Callable[[CsvFormat], None]) -> None:
    """Register the CSV format."""
    register(CsvFormat())
