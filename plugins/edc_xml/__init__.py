"""``edc-xml``: Europass EDC XML credentials (ELM v2, XSD 1.0-1.2), both directions
(docs/formats/edc-xml.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.hookspecs import hookimpl

from .format import EdcXmlFormat


@hookimpl
def register_formats(register: Callable[[EdcXmlFormat], None]) -> None:
    """Register the EDC XML format."""
    register(EdcXmlFormat())
