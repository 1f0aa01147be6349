"""``xlsx`` and ``edc-xlsx``: Excel workbooks — the credbridge table (docs/formats/xlsx.md) and
the EC EDC issuer's workbooks (docs/formats/edc-xlsx.md), read from untrusted files alike."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .edc_format import EdcXlsxFormat
from .table_format import XlsxFormat


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the workbook formats."""
    register(XlsxFormat())
    register(EdcXlsxFormat())
