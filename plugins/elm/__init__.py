"""``elm``, ``elm-ttl``, ``elm-rdfxml``: European Digital Credentials 3 (ELM 3.2) as JSON-LD,
Turtle and RDF/XML (docs/formats/elm.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .format import ElmJsonLdFormat, ElmRdfXmlFormat, ElmTurtleFormat


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the three ELM serialisations."""
    register(ElmJsonLdFormat())
    register(ElmTurtleFormat())
    register(ElmRdfXmlFormat())
