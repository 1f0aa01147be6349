"""The ``elm`` (EDC 3 JSON-LD), ``elm-ttl`` (Turtle / N-Triples) and ``elm-rdfxml`` formats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError
from credbridge.formats import Format
from credbridge.options import Options
from credbridge.report import Code, Report
from credbridge.safety import load_json

from . import jades

# rdflib, pyshacl and the pydantic model are imported when a document is read or written,
# not when the format is registered: `credbridge formats` must start fast.
if TYPE_CHECKING:
    from credbridge.model import MicroCredential
    from rdflib import Graph

class _ElmBase(Format):
    """Shared reading and writing of the three ELM serialisations."""

    fields = fields_for("elm")  # the three serialisations carry the same graph
    rdf_format: ClassVar[str] = ""

    # --- reading --------------------------------------------------------------------------

    def read(
        self, stream: IO[bytes], report: Report, options: Options
    ) -> Iterator[MicroCredential]:
        """Yield the EDC credentials of the document (several for JSON Lines)."""
        from .reader import ElmReader, credential_nodes

        data = stream.read()
        for graph, proofs, record in self._graphs(data, report):
            nodes = credential_nodes(graph)
            if not nodes:
                raise InputError("no EuropeanDigitalCredential in the document", record=record)
            for i, node in enumerate(nodes, start=1):
                label: str | int = str(node) if len(nodes) > 1 or record is None else record
                reader = ElmReader(graph, report, self.name, label if label else i)
                canonical = reader.read(node)
                if proofs:
                    canonical["proof"] = proofs
                cred = self.build(canonical, report, label or i)
                if cred is not None:
                    yield cred

    def _graphs(self, data: bytes,
                report: Report) -> Iterator[tuple[Graph, list[dict[str, Any]], Any]]:
        from .graphs import rdf_graph

        yield rdf_graph(data, self.rdf_format), [], None

    # --- writing --------------------------------------------------------------------------

    def document(self, cred: MicroCredential, report: Report, position: int,
                 options: Options | None = None) -> dict[str, Any]:
        """The EDC 3 JSON-LD document (a dict) of one credential; with the ``embed_source``
        option, the input document is embedded as evidence (EC "converted" profile)."""
        from .writer import ElmWriter

        writer = ElmWriter(report, self.name, cred.id or position)
        source = source_document(report) if options and options.get("embed_source") else None
        if options and options.get("embed_source") and source is None:
            report.add(Code.DROPPED, "--embed-source: the input is not a file that can be "
                       "embedded (stdin?)", field="evidence", format=self.name,
                       record=cred.id or position)
        return writer.document(cred, source)

    def write(
        self,
        credentials: Iterable[MicroCredential],
        stream: IO[bytes],
        report: Report,
        options: Options,
    ) -> None:
        """Write each credential (JSON Lines for several ``elm`` documents)."""
        for i, cred in enumerate(credentials, start=1):
            doc = self.document(cred, report, i, options)
            stream.write(self.serialise(doc, i))

    def serialise(self, doc: dict[str, Any], position: int) -> bytes:
        """The bytes of one document in this serialisation."""
        from .graphs import bind_prefixes, jsonld_graph, lexical_literals

        graph = bind_prefixes(jsonld_graph(doc))
        with lexical_literals():
            return graph.serialize(format=self.rdf_format, encoding="utf-8")

    # --- validation -----------------------------------------------------------------------

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against the EC shapes ``edc-generic-full`` in pre-seal mode."""
        from .fast import FastGraph
        from .shacl import load_shapes, shapes_folder, validate

        shapes = load_shapes(shapes_folder(schemas))
        problems = []
        for graph, _, record in self._graphs(data, Report()):
            if isinstance(graph, FastGraph):  # pyshacl needs an rdflib Graph
                graph = graph.to_rdflib()
            prefix = f"record {record}: " if record else ""
            problems += [prefix + p for p in validate(graph, shapes)]
        return problems


class ElmJsonLdFormat(_ElmBase):
    """EDC 3 JSON-LD (the EC samples' compact form, contexts VC 1.1 + edc-ap), plain or
    JAdES-sealed; several credentials are JSON Lines."""

    name = "elm"
    title = "European Digital Credential 3 (ELM JSON-LD)"
    extensions = (".jsonld",)
    media_types = ("application/ld+json", "application/vc+ld+json")
    json_lines = True
    fast_path = True
    """Read the compact EDC 3 shape with :mod:`.fast` (``False``: always rdflib's parser)."""

    def sniff(self, head: bytes) -> bool:
        """EDC JSON-LD names the EDC type or the edc-ap context; a JAdES seal has a payload."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith((b"{", b"eyJ")):
            return False
        if _names_edc(head):
            return True
        if text.startswith(b"eyJ"):  # a compact JWS: the payload is the second part
            parts = text.split(b".")
            return len(parts) > 1 and _names_edc(jades.payload_head(
                b'"payload":"' + parts[1][:6000] + b'"'))
        return b'"payload"' in head and _names_edc(jades.payload_head(head))

    def _graphs(self, data: bytes,
                report: Report) -> Iterator[tuple[Graph, list[dict[str, Any]], Any]]:
        documents = _json_documents(data)
        many = len(documents) > 1
        for i, doc in enumerate(documents, start=1):
            record = i if many else None
            try:
                yield self._graph(doc, report, record)
            except InputError as exc:
                raise exc.with_context(record=record) from None

    def _graph(self, doc: Any, report: Report,
               record: Any) -> tuple[Graph, list[dict[str, Any]], Any]:
        from .fast import fast_graph
        from .graphs import jsonld_graph, unknown_keys

        proofs: list[dict[str, Any]] = []
        if jades.is_jades(doc):
            doc, seal = jades.unwrap(doc)
            proofs.append(_jades_proof(seal))
            report.add(Code.NOTE, "JAdES seal unwrapped (not verified); it is recorded in "
                       "proof and never carried to an output", field="proof", format=self.name,
                       record=record)
        if isinstance(doc, dict) and "proof" in doc:
            proofs.append({"kind": "data-integrity", "detail": "embedded proof (not verified)"})
            doc = {k: v for k, v in doc.items() if k != "proof"}
        if isinstance(doc, dict) and "@context" not in doc:
            raise InputError("not JSON-LD: the document has no @context", field="@context")
        for key, count in sorted(unknown_keys(doc).items()):
            report.add(Code.IGNORED_INPUT, f"JSON key {key!r} ({count}x) is not an EDC 3 term",
                       field=None, format=self.name, record=record)
        # The compact EDC 3 shape is read straight from the JSON (same triples, much
        # faster); anything else goes through rdflib's JSON-LD parser.
        fast = fast_graph(doc) if self.fast_path else None
        if fast is not None:
            return fast, proofs, record  # type: ignore[return-value]
        return jsonld_graph(doc), proofs, record

    def serialise(self, doc: dict[str, Any], position: int) -> bytes:
        """One JSON document per line (JSON Lines when several are written)."""
        return json.dumps(doc, ensure_ascii=False).encode("utf-8") + b"\n"


class _ElmGraphFormat(_ElmBase):
    """An RDF serialisation of the ELM graph (Turtle, RDF/XML): one document whatever the
    number of credentials, which share one graph."""

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes], report: Report,
              options: Options) -> None:
        """One document in ``rdf_format`` holding every credential's graph."""
        from rdflib import Graph

        from .graphs import bind_prefixes, jsonld_graph, lexical_literals

        graph = Graph()
        for i, cred in enumerate(credentials, start=1):
            graph += jsonld_graph(self.document(cred, report, i, options))
        bind_prefixes(graph)
        with lexical_literals():
            stream.write(graph.serialize(format=self.rdf_format, encoding="utf-8"))


class ElmTurtleFormat(_ElmGraphFormat):
    """The ELM graph as Turtle (reads N-Triples too)."""

    name = "elm-ttl"
    title = "European Digital Credential 3 (ELM RDF, Turtle)"
    extensions = (".ttl", ".nt")
    media_types = ("text/turtle", "application/n-triples")
    rdf_format = "turtle"

    def sniff(self, head: bytes) -> bool:
        """Turtle or N-Triples that uses the ELM namespace."""
        text = head.lstrip()
        xml_or_json = text.startswith((b"{", b"[", b"<?", b"<!")) or re.search(rb"xmlns[:=]", head)
        return not xml_or_json and (
            b"data.europa.eu/snb/model/elm/" in head
            or b"data.europa.eu/snb/model/ontology/" in head)

    def _graphs(self, data: bytes,
                report: Report) -> Iterator[tuple[Graph, list[dict[str, Any]], Any]]:
        from .graphs import rdf_graph

        head = data.lstrip()[:1]
        fmt = "turtle" if head in (b"@", b"P", b"p", b"#") or b"@prefix" in data[:4096] \
            else "nt"
        try:
            yield rdf_graph(data, fmt), [], None
        except InputError:
            if fmt == "nt":
                yield rdf_graph(data, "turtle"), [], None
            else:
                raise


class ElmRdfXmlFormat(_ElmGraphFormat):
    """The ELM graph as RDF/XML."""

    name = "elm-rdfxml"
    title = "European Digital Credential 3 (ELM RDF/XML)"
    extensions = (".rdf",)
    media_types = ("application/rdf+xml",)
    rdf_format = "xml"

    def sniff(self, head: bytes) -> bool:
        """RDF/XML using the ELM namespace."""
        return b"<rdf:RDF" in head and (b"data.europa.eu/snb/model/elm/" in head
                                        or b"data.europa.eu/snb/model/ontology/" in head)


def source_document(report: Report) -> tuple[bytes, str] | None:
    """The input document being converted (the file the reader is on) and its format name."""
    name = report.file
    if not name or name == "-" or not Path(name).is_file():
        return None
    return Path(name).read_bytes(), report.source_format or ""


def _names_edc(head: bytes) -> bool:
    return b"EuropeanDigitalCredential" in head or b"snb/model/context/edc-ap" in head


def _json_documents(data: bytes) -> list[Any]:
    """One JSON document, or several as JSON Lines."""
    compact = jades.from_compact(data) if data.lstrip()[:3] == b"eyJ" else None
    if compact is not None:
        return [compact]
    try:
        return [load_json(data, what="JSON-LD")]
    except InputError as first:
        lines = [line for line in data.splitlines() if line.strip()]
        if len(lines) < 2 or not all(line.lstrip().startswith(b"{") for line in lines):
            raise first from None
        docs = []
        for n, line in enumerate(lines, start=1):
            try:
                docs.append(load_json(line, what=f"JSON-LD (line {n})"))
            except InputError as exc:
                raise exc.with_context(record=n) from None
        return docs


def _jades_proof(seal: jades.Seal) -> dict[str, Any]:
    detail = "JAdES seal, not verified"
    if seal.algorithm:
        detail += f"; alg {seal.algorithm}"
    if seal.count > 1:
        detail += f"; {seal.count} signatures"
    proof: dict[str, Any] = {"kind": "jades", "detail": detail}
    if seal.signer:
        proof["signer"] = seal.signer
    if seal.signing_time:
        proof["created"] = seal.signing_time
    return proof
