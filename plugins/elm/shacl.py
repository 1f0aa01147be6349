"""Validation against the EC SHACL shapes ``edc-generic-full`` (pyshacl, offline).

``edc-generic-full`` imports ``edc-generic-no-cv``; both are loaded from the local folder of
official shapes, never fetched. In *pre-seal* mode the two constraints the EC fills when it
seals a credential are tolerated: ``cred:issued`` (sealing time) missing on the credential,
and the issuer's missing eIDAS legal identifier.

SHACL checks the nodes a shape targets: a document with no ``elm:EuropeanDigitalCredential``
gives the shapes nothing to check and would "conform". :func:`validate` first requires one
(:data:`NO_CREDENTIAL`), then runs the shapes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from credbridge.errors import UsageError
from credbridge.rdf import parse_rdf
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .terms import expand

SHAPES = ("EDC-generic-full.ttl", "EDC-generic-no-cv.ttl")
CRED_ISSUED = URIRef(expand("cred:issued"))
CRED_ISSUER = URIRef(expand("cred:issuer"))
EIDAS = URIRef(expand("elm:eidasLegalIdentifier"))
CREDENTIAL = URIRef(expand("elm:EuropeanDigitalCredential"))
NO_CREDENTIAL = (
    "no elm:EuropeanDigitalCredential in the document (rule: an EDC 3 document is a "
    "European Digital Credential; the shapes of edc-generic-full target that class, "
    "EuropeanDigitalCredentialShape, and check nothing without one)")


def shapes_folder(schemas: Path) -> Path:
    """The folder of the ELM shapes under a schemas folder (or the folder itself)."""
    for candidate in (schemas / "elm-shacl", schemas):
        if (candidate / SHAPES[0]).is_file():
            return candidate
    raise UsageError(f"no {SHAPES[0]} under {schemas} (give the official schemas folder)")


@cache
def load_shapes(folder: Path) -> Graph:
    """The shapes graph of ``edc-generic-full`` and its import, loaded once per folder."""
    graph = Graph()
    for name in SHAPES:
        path = folder / name
        # the pinned shapes go through the same budgeted parser as any input
        graph += parse_rdf(path.read_bytes(), "turtle", base=path.resolve().as_uri())
    return graph


def validate(data: Graph, shapes: Graph, *, pre_seal: bool = True) -> list[str]:
    """Problems of ``data`` against ``shapes``; [] when it conforms (in pre-seal mode:
    apart from the sealing-time constraints). A graph without a European Digital Credential
    does not conform (:data:`NO_CREDENTIAL`)."""
    import pyshacl

    if next(iter(data.subjects(RDF.type, CREDENTIAL)), None) is None:
        return [NO_CREDENTIAL]
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True, do_owl_imports=False,
    )
    if conforms:
        return []
    problems = []
    for report in results.subjects(RDF.type, SH.ValidationReport):
        for result in results.objects(report, SH.result):
            if pre_seal and _filled_at_sealing(results, result):
                continue
            problems.append(_describe(results, result))
    return sorted(problems)


def _filled_at_sealing(results: Graph, result: Node) -> bool:
    path = results.value(result, SH.resultPath)
    component = results.value(result, SH.sourceConstraintComponent)
    if path == CRED_ISSUED and component == SH.MinCountConstraintComponent:
        return True
    if path == CRED_ISSUER and component == SH.NodeConstraintComponent:
        details = list(results.objects(result, SH.detail))
        return bool(details) and all(
            results.value(d, SH.resultPath) == EIDAS
            and results.value(d, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
            for d in details
        )
    return False


def _describe(results: Graph, result: Node) -> str:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    details = [str(results.value(d, SH.resultMessage)) for d in results.objects(result, SH.detail)]
    text = f"{focus} {_short(path)}: {message}"
    if details:
        text += " (" + "; ".join(sorted(details)[:3]) + ")"
    return " ".join(text.split())


def _short(path: Node | None) -> str:
    from .terms import PREFIXES

    value = str(path) if path is not None else "-"
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value
