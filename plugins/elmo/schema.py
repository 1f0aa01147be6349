"""Offline validation against the official ELMO XML Schemas (1.7.0, 2.0.0).

The ELMO schemas import their dependencies from GitHub and w3.org. A custom lxml resolver maps
each import location to the local copy in ``<schemas>/elmo/references/``; the W3C ``xml``
namespace schema (not shipped there) is replaced by the small equivalent below. Nothing is ever
fetched from the network.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from .xmlutil import NS, XML_LANG, child, q, sub

XML_NAMESPACE_XSD = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang">
    <xs:simpleType>
      <xs:union memberTypes="xs:language">
        <xs:simpleType>
          <xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction>
        </xs:simpleType>
      </xs:union>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="space">
    <xs:simpleType>
      <xs:restriction base="xs:NCName">
        <xs:enumeration value="default"/><xs:enumeration value="preserve"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
  <xs:attributeGroup name="specialAttrs">
    <xs:attribute ref="xml:base"/><xs:attribute ref="xml:lang"/>
    <xs:attribute ref="xml:space"/><xs:attribute ref="xml:id"/>
  </xs:attributeGroup>
</xs:schema>
"""
"""Equivalent of https://www.w3.org/2001/xml.xsd (the attributes ELMO uses: ``xml:lang``)."""

LOCAL_COPIES = {
    "xmldsig-core-schema.xsd": "xmldsig-core-schema.xsd",
    "EUROPASS_ISOCountries_V1.1.xsd": "EUROPASS_ISOCountries_V1.1.xsd",
    "ewp-specs-types-address/stable-v1/schema.xsd": "ewp-types-address.xsd",
    "common-types.xsd": "ewp-common-types.xsd",
}
"""Import location (its tail) -> file in ``references/``."""

SCHEMA_FILES = {"1": "schema_v1.7.0.xsd", "2": "schema_v2.0.0.xsd"}


class LocalResolver(etree.Resolver):  # type: ignore[misc]
    """Resolves the ELMO schema imports to local files; refuses anything else."""

    def __init__(self, references: Path) -> None:
        super().__init__()
        self.references = references

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        """The local replacement of ``system_url``."""
        if system_url.endswith("/xml.xsd"):
            return self.resolve_string(XML_NAMESPACE_XSD, context)
        for tail, name in LOCAL_COPIES.items():
            if system_url.endswith(tail):
                return self.resolve_filename(str(self.references / name), context)
        if not re.match(r"^[a-z][a-z0-9+.-]*://", system_url):
            return None  # a local file (the schema itself): lxml reads it, no network
        return self.resolve_string(b"", context)  # never the network: an empty, failing doc


def elmo_schema_dir(schemas: Path) -> Path:
    """The ELMO folder inside a schemas folder (accepts the ELMO folder itself)."""
    return schemas / "elmo" if (schemas / "elmo").is_dir() else schemas


@lru_cache(maxsize=4)
def load_schema(folder: str, major: str = "1") -> Any:
    """The compiled ELMO schema (``major`` "1" = 1.7.0, "2" = 2.0.0) from ``folder``."""
    base = Path(folder)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(LocalResolver(base / "references"))
    doc = etree.parse(str(base / SCHEMA_FILES[major]), parser)
    return etree.XMLSchema(doc)


def detect_major(root: Any) -> str:
    """"2" when an ELMO document has the v2.0 structure (``dateOfBirth``, ``alternativeName``,
    ``resultOfRecognition``), else "1"."""
    learner = child(root, "learner")
    if learner is not None and (child(learner, "dateOfBirth") is not None
                                or child(learner, "alternativeName") is not None):
        return "2"
    for report in root.iter(q("report")):
        if child(report, "resultOfRecognition") is not None:
            return "2"
    return "1"


def validate_tree(root: Any, schemas: Path, major: str | None = None) -> list[str]:
    """Problems of an ELMO document tree against its schema ([] = valid)."""
    folder = elmo_schema_dir(schemas)
    schema = load_schema(str(folder), major or detect_major(root))
    if schema.validate(root.getroottree() if hasattr(root, "getroottree") else root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def wrap_fragment(ds: Any) -> Any:
    """A minimal ELMO 1.7 document holding a copy of the ``diplomaSupplement`` element ``ds``
    (the form in which the fragment is validated)."""
    root = etree.Element(q("elmo"), nsmap={None: NS})
    sub(root, "generatedDate", "2000-01-01T00:00:00Z")
    learner = sub(root, "learner")
    sub(learner, "givenNames", "")
    sub(learner, "familyName", "")
    report = sub(root, "report")
    issuer = sub(report, "issuer")
    sub(issuer, "identifier", "x").set("type", "local")
    sub(issuer, "title", "x")
    sub(issuer, "url", "")
    los = sub(report, "learningOpportunitySpecification")
    sub(los, "title", "x")
    loi = sub(sub(los, "specifies"), "learningOpportunityInstance")
    loi.append(etree.fromstring(etree.tostring(ds)))
    sub(report, "issueDate", "2000-01-01T00:00:00Z")
    return root


__all__ = ["XML_LANG", "detect_major", "load_schema", "validate_tree", "wrap_fragment"]
