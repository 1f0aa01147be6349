"""The ``elm`` (EDC 3 JSON-LD), ``elm-ttl`` (Turtle / N-Triples) and ``elm-rdfxml`` formats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar, NamedTuple

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError, LimitExceededError
from credbridge.formats import GENERIC, OWN_TYPE, Format
from credbridge.options import FormatOptions
from credbridge.report import Code
from credbridge.safety import DEFAULT_MAX_RECORD_BYTES, limits_of, load_json
from credbridge.sniffing import json_top

from . import jades
from .options import ElmOptions, elm_options

# rdflib, pyshacl and the pydantic model are imported when a document is read or written,
# not when the format is registered: `credbridge formats` must start fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.documents import Member
    from credbridge.model import MicroCredential
    from rdflib import Graph
    from rdflib.term import Node


class Parsed(NamedTuple):
    """One document of an input as a graph, with the proofs it carried and its record label
    (``line 3`` in JSON Lines, ``None`` for an input that is one document)."""

    graph: Graph
    proofs: list[dict[str, Any]]
    label: str | None


class _ElmBase(Format):
    """Shared reading and writing of the three ELM serialisations."""

    fields = fields_for("elm")  # the three serialisations carry the same graph
    rdf_format: ClassVar[str] = ""
    Options: ClassVar[type[FormatOptions]] = ElmOptions

    # --- reading --------------------------------------------------------------------------

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """Yield the EDC credentials of the document (several for JSON Lines); ``ctx.record``
        is the credential's label while it is read and yielded."""
        data = stream.read()
        try:
            for parsed in self._graphs(data, ctx):
                yield from self._credentials(parsed, ctx)
        finally:
            ctx.record = None

    def _credentials(self, parsed: Parsed, ctx: Context) -> Iterator[MicroCredential]:
        from .fast import FastGraph
        from .reader import ElmReader, credential_nodes

        graph = parsed.graph
        if not isinstance(graph, FastGraph):  # a parser's graph: indexed once for the reader
            graph = FastGraph.of(graph)  # type: ignore[assignment]
        nodes = credential_nodes(graph)
        if not nodes:
            if parsed.label is None:
                raise InputError("no EuropeanDigitalCredential in the document")
            ctx.failed("no EuropeanDigitalCredential in the document", record=parsed.label)
            return
        for position, node in enumerate(nodes, start=ctx.record_offset + 1):
            label = _record_label(parsed.label, node, position, len(nodes))
            ctx.record = label
            records = ElmReader(graph, ctx).read(node)
            for own, canonical in records:
                # a record of a many-claim credential is named by its claim
                ctx.record = label if own is None else \
                    own if parsed.label is None else f"{parsed.label}, {own}"
                if parsed.proofs:
                    canonical["proof"] = list(parsed.proofs)
                cred = self.build(canonical, ctx)
                if cred is not None:
                    yield cred

    def _graphs(self, data: bytes, ctx: Context) -> Iterator[Parsed]:
        from .graphs import rdf_graph

        yield Parsed(rdf_graph(data, self.rdf_format, limits_of(ctx)), [], None)

    # --- writing --------------------------------------------------------------------------

    def document(self, cred: MicroCredential, ctx: Context) -> dict[str, Any]:
        """The EDC 3 JSON-LD document (a dict) of one credential; with the ``embed_source``
        option, the input document it was read from (``ctx.source``) is embedded as evidence
        (EC "converted" profile)."""
        from .embed import source_to_embed
        from .writer import ElmWriter

        source = source_to_embed(ctx) if elm_options(ctx).embed_source else None
        return ElmWriter(ctx).document(cred, source)

    def documents(self, credentials: Iterable[MicroCredential],
                  ctx: Context) -> Iterator[dict[str, Any]]:
        """One document per credential, except that the records of one many-claim document
        (docs/design.md §2.1) are written back as one credential with their claims."""
        from credbridge.documents import grouped, report_shared, speaking_for

        from .embed import source_to_embed
        from .writer import ElmWriter

        for group in grouped(_fitted(credentials, ctx), ctx):
            if len(group) == 1:
                with speaking_for(group[0], ctx):
                    yield self.document(group[0].credential, ctx)
                continue
            _report_claim_order(group, ctx)
            report_shared(group, ctx, ("learner", "issuer", "issued", "valid_until",
                                       "credential_type", "verification"))
            writer = ElmWriter(ctx)
            first = group[0]
            with speaking_for(first, ctx):
                source = source_to_embed(ctx) if elm_options(ctx).embed_source else None
                doc = writer.document(first.credential, source, first.credential.document)
            claims = [doc["credentialSubject"]["hasClaim"]]
            for member in group[1:]:
                with speaking_for(member, ctx):
                    claims.append(writer.claim_in_document(member.credential))
            doc["credentialSubject"]["hasClaim"] = claims
            yield doc

    # --- validation -----------------------------------------------------------------------

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against the EC shapes ``edc-generic-full`` in pre-seal mode."""
        from credbridge.context import Context

        from .fast import FastGraph
        from .shacl import load_shapes, shapes_folder, validate

        shapes = load_shapes(shapes_folder(schemas))
        ctx = Context(format=self.name, options=self.Options())
        problems = []
        for parsed in self._graphs(data, ctx):
            graph = parsed.graph
            if isinstance(graph, FastGraph):  # pyshacl needs an rdflib Graph
                graph = graph.to_rdflib()
            prefix = f"{parsed.label}: " if parsed.label else ""
            problems += [prefix + p for p in validate(graph, shapes)]
        # JSON Lines records that could not be read at all
        problems += [f"{m.record}: {m.detail}" for m in ctx.report.errors]
        return problems


def _report_claim_order(group: list[Member], ctx: Context) -> None:
    """RDF has no order: the records of a document come back by kind, then claim IRI."""
    from credbridge.documents import speaking_for

    from .nodes import natural_key
    from .read_claims import RANK

    def key(m: Member) -> tuple[int, Any]:
        return (RANK[m.credential.kind or "achievement"], natural_key(m.credential.id or ""))

    if [m.record for m in group] != [m.record for m in sorted(group, key=key)]:
        with speaking_for(group[0], ctx):
            ctx.say(Code.APPROXIMATED, "document.position", "RDF values are unordered: the "
                    "document's records come back by kind, then by claim IRI")


def _xml_writable(credentials: Iterable[MicroCredential],
                  ctx: Context) -> Iterator[MicroCredential]:
    """The credentials whose text XML can carry; one holding a character XML 1.0 cannot carry
    (NUL, most control characters) is a failed record, never RDF/XML that is not XML."""
    from credbridge.model import XML_INCOMPATIBLE, find_text

    for cred in credentials:
        problem = find_text(cred, XML_INCOMPATIBLE)
        if problem is None:
            yield cred
            continue
        field, char = problem
        ctx.failed(f"{field} holds U+{ord(char):04X}, a character XML cannot carry; the "
                   "credential is not written", field=field)


def _fitted(credentials: Iterable[MicroCredential],
            ctx: Context) -> Iterator[MicroCredential]:
    """The credentials without the ``elm:*`` extensions of a shape the writer does not read
    (left out and reported, never a crash)."""
    from credbridge.model import fit_extensions
    from credbridge.report import Severity

    from .extension_shapes import SHAPES

    def unfit(key: str, shape: str) -> None:
        ctx.say(Code.EXTENSION_DROPPED, f"extensions.{key}",
                f"not written: its value is not {shape}, what {ctx.format} reads there",
                severity=Severity.WARNING)

    for cred in credentials:
        yield fit_extensions(cred, SHAPES, unfit)


def _record_label(document: str | None, node: Node, position: int, count: int) -> str | int:
    """How messages name a credential: its IRI (else its position) in a one-document input;
    the line in JSON Lines (with the IRI or position when the line holds several)."""
    from .reader import credential_label

    own = credential_label(node, position)
    if document is None:
        return own
    return document if count == 1 else f"{document}, {own}"


class ElmJsonLdFormat(_ElmBase):
    """EDC 3 JSON-LD (the EC samples' compact form, contexts VC 1.1 + edc-ap), plain or
    JAdES-sealed; several credentials are JSON Lines."""

    name = "elm"
    title = "European Digital Credential 3 (ELM JSON-LD)"
    extensions = (".jsonld",)
    media_types = ("application/ld+json", "application/vc+ld+json")
    json_lines = True
    Options = ElmOptions
    fast_path = True
    """Read the compact EDC 3 shape with :mod:`.fast` (``False``: always rdflib's parser)."""

    def sniff(self, head: bytes) -> int:
        """The declared type decides (docs/formats/elm.md, "Detection"): ``OWN_TYPE`` for a
        document whose type is an EDC 3 one (also inside a JAdES seal, an upload wrapper or
        a ``@graph``), unless it also declares an Open Badges 3.0 type; ``GENERIC`` for a
        document that names an EDC context (edc-ap, pre-release, DC4EU) or the EDC type
        only somewhere else in the head."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"eyJ"):  # a compact JWS: the payload is the second part
            parts = text.split(b".")
            return _edc_score(jades.payload_head(b'"payload":"' + parts[1][:6000] + b'"')) \
                if len(parts) > 1 else 0
        if not text.startswith((b"{", b"[")):
            return 0
        top = json_top(head)
        if top is not None and "payload" in top.keys:  # a JAdES seal (JSON serialisation)
            payload = top.get("payload")
            if isinstance(payload, str) and payload.lstrip().startswith("{"):  # not encoded
                return _edc_score(payload.encode())
            payload_head = jades.payload_head(head)
            if payload_head:
                return _edc_score(payload_head)
        return _edc_score(head)

    def _graphs(self, data: bytes, ctx: Context) -> Iterator[Parsed]:
        """One document, or JSON Lines: a line that cannot be read is a failed record (the
        others are read); a one-document input that cannot be read is an error."""
        compact = jades.from_compact(data) if data.lstrip()[:3] == b"eyJ" else None
        if compact is not None:
            yield self._graph(compact, ctx, None)
            return
        try:
            doc = load_json(data, what="JSON-LD", limits=limits_of(ctx))
        except InputError as first:
            lines = _json_lines(data)
            if lines is None:
                raise first from None
        else:
            yield self._graph(doc, ctx, None)
            return
        for number, line in lines:
            label = f"line {ctx.record_offset + number}"
            ctx.record = label
            if len(line.rstrip(b"\r")) > DEFAULT_MAX_RECORD_BYTES:
                ctx.failed(f"the line is longer than {DEFAULT_MAX_RECORD_BYTES:,} bytes (the "
                           "limit of one record)")
                continue
            try:
                parsed = self._graph(load_json(line, what="JSON-LD", limits=limits_of(ctx)),
                                     ctx, label)
            except InputError as exc:
                # the record is the line: "at line 1, column 9" inside "line 2" would mislead
                ctx.failed(re.sub(r" at line 1, column (\d+)$", r" at column \1", exc.message),
                           field=exc.field)
                continue
            yield parsed

    def _graph(self, doc: Any, ctx: Context, label: str | None) -> Parsed:
        from .contexts import loader
        from .fast import fast_graph
        from .graphs import jsonld_graph, unknown_keys

        doc, proofs = json_ld_document(doc, ctx)
        limits = limits_of(ctx)
        # every context reference, at any depth, goes through the one loader before either
        # path reads the document: bundled contexts only, anything else is refused
        loader(limits).check(doc)
        for key, count in sorted(unknown_keys(doc).items()):
            ctx.say(Code.IGNORED_INPUT, None,
                    f"JSON key {key!r} ({count}x) is not an EDC 3 term")
        # The compact EDC 3 shape is read straight from the JSON (same triples, much
        # faster); anything else goes through rdflib's JSON-LD parser.
        fast = fast_graph(doc, limits=limits) if self.fast_path else None
        if fast is not None:
            return Parsed(fast, proofs, label)  # type: ignore[arg-type]
        return Parsed(jsonld_graph(doc, limits), proofs, label)

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """One JSON document per line (JSON Lines when several are written); with the ``ebsi``
        option, each in the EBSI profile (:mod:`.ebsi`)."""
        from .ebsi import ebsi_document

        ebsi = elm_options(ctx).ebsi
        for doc in self.documents(credentials, ctx):
            if ebsi:
                profiled = ebsi_document(doc, ctx)
                if profiled is None:
                    continue  # refused: the report names what the source lacks
                doc = profiled
            stream.write(json.dumps(doc, ensure_ascii=False).encode("utf-8") + b"\n")


def _names_edc_ap(doc: Any) -> None:
    """Refuse, saying what it is, a document typed ``EuropeanDigitalCredential`` that names no
    EDC context (after the upgrade steps): its keys have no EDC meaning without it (pilots
    name the W3C examples context or a schema URL instead)."""
    from .contexts import context_urls, is_edc_ap

    types = doc.get("type", doc.get("@type")) if isinstance(doc, dict) else None
    if "EuropeanDigitalCredential" not in (types if isinstance(types, list) else [types]):
        return
    urls = context_urls(doc)
    given = doc.get("@context")
    if any(is_edc_ap(u) for u in urls) or any(
            isinstance(c, dict) for c in (given if isinstance(given, list) else [given])):
        return  # an inline context may define the terms: the loader's check decides
    raise InputError("a EuropeanDigitalCredential that names no EDC context (edc-ap): its "
                     "keys have no EDC 3 meaning without it (it names "
                     + (", ".join(urls) or "no context URL") + ")", field="@context")


class _ElmGraphFormat(_ElmBase):
    """An RDF serialisation of the ELM graph (Turtle, RDF/XML): one document whatever the
    number of credentials, which share one graph."""

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """One document in ``rdf_format`` holding every credential's graph."""
        from .serialise import Triple, document_triples, serialise_graph, unwritable

        if elm_options(ctx).ebsi:
            from credbridge.errors import UsageError

            raise UsageError(f"option ebsi: the EBSI profile is a JSON profile of EDC 3: "
                             f"write it with --to elm, not {self.name}")
        # every document's triples, each once: the graph to serialise is built once, at the end
        triples: dict[Triple, None] = {}
        if self.rdf_format == "xml":
            credentials = _xml_writable(credentials, ctx)
        for doc in self.documents(credentials, ctx):
            part = document_triples(doc)
            problem = unwritable(part, self.rdf_format)
            if problem is not None:  # refused: never a document its parser would reject
                ctx.failed(f"{problem}; the credential is not written")
                continue
            triples.update(dict.fromkeys(part))
        stream.write(serialise_graph(triples, self.rdf_format))


class ElmTurtleFormat(_ElmGraphFormat):
    """The ELM graph as Turtle (reads N-Triples too)."""

    name = "elm-ttl"
    title = "European Digital Credential 3 (ELM RDF, Turtle)"
    extensions = (".ttl", ".nt")
    media_types = ("text/turtle", "application/n-triples")
    rdf_format = "turtle"
    Options = ElmOptions

    def sniff(self, head: bytes) -> bool:
        """Turtle or N-Triples that uses the ELM namespace."""
        text = head.lstrip()
        xml_or_json = text.startswith((b"{", b"[", b"<?", b"<!")) or re.search(rb"xmlns[:=]", head)
        return not xml_or_json and (
            b"data.europa.eu/snb/model/elm/" in head
            or b"data.europa.eu/snb/model/ontology/" in head)

    def _graphs(self, data: bytes, ctx: Context) -> Iterator[Parsed]:
        from .graphs import rdf_graph

        head = data.lstrip()[:1]
        fmt = "turtle" if head in (b"@", b"P", b"p", b"#") or b"@prefix" in data[:4096] \
            else "nt"
        try:
            graph = rdf_graph(data, fmt, limits_of(ctx))
        except LimitExceededError:
            raise  # a budget is a budget whatever the syntax
        except InputError:
            if fmt != "nt":
                raise
            graph = rdf_graph(data, "turtle", limits_of(ctx))  # Turtle without a prefix line
        yield Parsed(graph, [], None)


class ElmRdfXmlFormat(_ElmGraphFormat):
    """The ELM graph as RDF/XML."""

    name = "elm-rdfxml"
    title = "European Digital Credential 3 (ELM RDF/XML)"
    extensions = (".rdf",)
    media_types = ("application/rdf+xml",)
    rdf_format = "xml"
    Options = ElmOptions

    def sniff(self, head: bytes) -> bool:
        """RDF/XML using the ELM namespace."""
        return b"<rdf:RDF" in head and (b"data.europa.eu/snb/model/elm/" in head
                                        or b"data.europa.eu/snb/model/ontology/" in head)


EDC_TYPES = frozenset({"EuropeanDigitalCredential", "EuropeanDigitalPresentation"})
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
"""Open Badges 3.0 types: a document declaring one is OB 3.0 even with an EDC context."""
EDC_CONTEXTS = (b"snb/model/context/edc-ap", b"dev.everisdx.io/datamodel",
                b"ec.europa.eu/credentials/v1", b"eaa-rulebook.europa.eu",
                b"essif.europa.eu/schemas/vc/2020")


def _edc_score(head: bytes) -> int:
    """The sniff score of a JSON head (see :meth:`ElmJsonLdFormat.sniff`)."""
    top = json_top(head)
    if top is not None:
        declared = _declared_types(top.members)
        if declared & EDC_TYPES and not declared & OB3_TYPES:
            return OWN_TYPE
        if declared & OB3_TYPES:
            return GENERIC if _names_edc(head) else 0
    return GENERIC if _names_edc(head) else 0


def _declared_types(members: dict[str, Any]) -> set[str]:
    """The types a document declares at its top, in its upload wrapper or its ``@graph``."""
    found: set[str] = set()
    nodes = [members, members.get("credential")]
    graph = members.get("@graph")
    nodes += graph if isinstance(graph, list) else []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        for key in ("type", "@type"):
            value = node.get(key)
            found.update(v for v in (value if isinstance(value, list) else [value])
                         if isinstance(v, str))
    return found


def _names_edc(head: bytes) -> bool:
    return b"EuropeanDigitalCredential" in head or any(c in head for c in EDC_CONTEXTS)


def _json_lines(data: bytes) -> list[tuple[int, bytes]] | None:
    """The non-blank lines of JSON Lines with their line numbers, or ``None`` when ``data``
    does not look like JSON Lines (at least two lines, each an object)."""
    lines = [(number, line) for number, line in enumerate(data.split(b"\n"), start=1)
             if line.strip()]
    if len(lines) < 2 or not all(line.lstrip().startswith(b"{") for _, line in lines):
        return None
    return lines


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


def json_ld_document(doc: Any, ctx: Context) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON-LD document the ELM reader turns into a graph, and the proofs taken off it:
    a JAdES seal unwrapped, the upgrade steps applied, an embedded proof set aside and the
    unknown published contexts beside edc-ap left out (each reported in ``ctx``)."""
    from .contexts import without_unknown_contexts
    from .upgrade import upgrade

    proofs: list[dict[str, Any]] = []
    if jades.is_jades(doc):
        doc, seal = jades.unwrap(doc)
        proofs.append(_jades_proof(seal))
        ctx.say(Code.NOTE, "proof", "JAdES seal unwrapped (not verified); it is recorded in "
                "proof and never carried to an output")
    doc = upgrade(doc, ctx)
    if isinstance(doc, dict) and "proof" in doc:
        proofs.append({"kind": "data-integrity", "detail": "embedded proof (not verified)"})
        doc = {k: v for k, v in doc.items() if k != "proof"}
    if isinstance(doc, dict) and "@context" not in doc:
        raise InputError("not JSON-LD: the document has no @context", field="@context")
    _names_edc_ap(doc)
    doc, unknown = without_unknown_contexts(doc)
    if unknown:
        named = ", ".join(unknown)
        if ctx.policy.strict_input:
            raise InputError(f"the JSON-LD context(s) {named} beside edc-ap are not known "
                             "to credbridge (--strict-input)", field="@context")
        ctx.say(Code.IGNORED_INPUT, "@context", f"the JSON-LD context(s) {named} beside "
                "edc-ap are not known to credbridge and never fetched: left out, so a "
                "term only they define is not read (each such key is reported)")
    return doc, proofs
