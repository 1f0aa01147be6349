"""Offline validation against the official EDC XSD 1.2 (``genericschema_1.2.xsd``).

The schema imports ``w3c_verifiableCredentials.xsd``, ``xmldsig-core-schema.xsd`` and
``XAdES01903v141-201601.xsd`` by relative path. A resolver maps every import to a file of the
schema folder and refuses anything else, so loading never touches the network; the XAdES 1.4.1
file is not published beside the 1.2 schemas (only 1.3.2 is) and libxml2 skips that import —
harmless, since the credential schema references only ``ds:Signature``. A document wrapped in a
``vp:verifiablePresentation`` is validated against ``sharedschema_generic_1.2.xsd``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from credbridge.errors import InputError, LimitExceededError, UnsafeInputError
from credbridge.safety import parse_xml, xml_parser
from lxml import etree

from .names import VP, q

SCHEMA_FILE = "genericschema_1.2.xsd"
PRESENTATION_SCHEMA_FILE = "sharedschema_generic_1.2.xsd"


def schema_folder(schemas: Path) -> Path:
    """The EDC XML folder under ``schemas`` (``…/schemas`` or ``…/schemas/edc-xml``)."""
    for candidate in (schemas / "edc-xml", schemas):
        if (candidate / SCHEMA_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_FILE} not found under {schemas} (or its edc-xml folder)")


class _LocalResolver(etree.Resolver):  # type: ignore[misc]
    """Resolve schema imports to files of one folder; everything else resolves to nothing."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.refused: list[str] = []

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        """The local file for a schema import, else ``None`` (libxml2 skips it offline)."""
        if not url:
            return None
        name = PurePosixPath(url.replace("\\", "/")).name
        local_file = self.folder / name
        if local_file.is_file():
            return self.resolve_filename(str(local_file), context)
        if url.startswith(("http://", "https://", "ftp://")):
            # never fetched: the parser has network access off, so libxml2 warns and skips
            # the import (like the missing XAdES 1.4.1 file)
            self.refused.append(url)
        return None


@cache
def load_schema(folder: Path, file_name: str = SCHEMA_FILE) -> Any:
    """The compiled XMLSchema of ``folder/file_name`` (cached; offline)."""
    parser = xml_parser()
    parser.resolvers.add(_LocalResolver(folder))
    doc = etree.parse(str(folder / file_name), parser)
    return etree.XMLSchema(doc)


def validate_bytes(data: bytes, schemas: Path) -> list[str]:
    """Problems of an EDC XML document against XSD 1.2; ``[]`` when valid."""
    folder = schema_folder(schemas.resolve())
    try:
        doc = parse_xml(data, what="the document")  # refused (DTD, budgets...): raised
    except (UnsafeInputError, LimitExceededError):
        raise
    except InputError as exc:
        found = re.search(r"not well-formed XML: line (\d+), column \d+: (.*)", exc.message)
        return [f"line {found[1]}: not well-formed XML: {found[2]}" if found else exc.message]
    file_name = PRESENTATION_SCHEMA_FILE if doc.tag == q("verifiablePresentation", VP) \
        else SCHEMA_FILE
    schema = load_schema(folder, file_name)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
