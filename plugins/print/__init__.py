"""``html`` and ``pdf``: a printable credential for every record, with a QR code to verify
(docs/formats/html.md, docs/formats/pdf.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .formats import HtmlFormat, PdfFormat


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the printable formats."""
    register(HtmlFormat())
    register(PdfFormat())
