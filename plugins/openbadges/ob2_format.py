"""The ``ob2`` format: Open Badges 2.0 assertions as JSON, JSON Lines, signed JWS or baked
images; BadgeClass and Issuer documents given alongside complete hosted assertions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError
from credbridge.formats import Predicate
from credbridge.options import Options
from credbridge.report import Code, Report
from credbridge.safety import DEFAULT_MAX_BYTES

from . import baking, jws
from . import contexts as C
from .common import Source, open_document
from .ob3_format import BadgeFormat, _documents, _is_lines

# The readers, writers and the model (pydantic) are imported when a document is read or
# written, not when the format is registered: start-up stays fast.
if TYPE_CHECKING:
    from credbridge.model import MicroCredential

"""What ob2 carries (crosswalk §2); "extension" = the credbridge OB 2.0 extension object."""


class Ob2Format(BadgeFormat):
    """Open Badges 2.0 Assertion + BadgeClass + Issuer profile."""

    name = "ob2"
    badge_version = "ob2"
    title = "Open Badges 2.0 (Assertion with BadgeClass and Issuer; JSON, JWS, baked PNG/SVG)"
    extensions = (".ob2.json", ".ob2.jsonl", ".ob2.png", ".ob2.svg")
    # Plain .json, .png and .svg files are recognised by content (sniff).
    media_types = ("application/ld+json",)
    fields: ClassVar[dict[str, Predicate]] = fields_for("ob2")
    json_lines = True
    binary = True

    def sniff(self, head: bytes) -> bool:
        """An OB 2.0 document: JSON with the OB 2.0 context, a JWS whose payload is one, or a
        PNG/SVG baked with the OB 2.0 keyword or element."""
        if baking.is_png(head):
            return baking.OB2_KEYWORD.encode() + b"\x00" in head
        if baking.is_svg(head):
            return baking.OB2_SVG_NS.encode() + b'"' in head
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"eyJ"):
            text = jws.peek_payload(text)
        if not text.startswith(b"{") or b"purl.imsglobal.org/spec/ob/v3p0" in text:
            return False
        return b"w3id.org/openbadges/v" in text or (
            b'"recipient"' in text and b'"badge"' in text and b'"issuedOn"' in text)

    def read(
        self, stream: IO[bytes], report: Report, options: Options
    ) -> Iterator[MicroCredential]:
        """One assertion (JSON, JWS, PNG, SVG), a badge class, or JSON Lines of assertions."""
        raw = stream.read()
        documents = options.get("_ob2_index")
        if not isinstance(documents, dict):
            documents = _index(options.get("documents"), report)
            options["_ob2_index"] = documents
        for position, chunk in enumerate(_documents(raw), start=1):
            try:
                source = open_document(chunk, what="OB 2.0 document")
                cred = self._read_one(source, report, position, documents)
            except InputError as exc:
                if position == 1 and not _is_lines(raw):
                    raise
                report.add(Code.INVALID_RECORD, exc.message, field=exc.field, format=self.name,
                           record=position)
                report.records_failed += 1
                continue
            if cred is not None:
                yield cred

    def read_source(self, source: Source, report: Report, position: int,
                    documents: dict[str, dict[str, Any]]) -> MicroCredential | None:
        """The credential of one decoded OB 2.0 document (None for an issuer profile or a
        badge class that completes an assertion given alongside)."""
        return self._read_one(source, report, position, documents)

    def _read_one(self, source: Source, report: Report, position: int,
                  documents: dict[str, dict[str, Any]]) -> MicroCredential | None:
        from .ob2_read import ob2_kind, read_document
        from .overlay import overlay
        from .sections import keep

        data = dict(source.data)
        extension = data.pop(C.OB2_CREDBRIDGE_EXTENSION, None)
        if ob2_kind(data) == "BadgeClass" and _completes_an_assertion(data, documents):
            report.add(Code.NOTE, f"BadgeClass {data.get('id')} completes an assertion given "
                       "alongside: not read as a credential of its own", format=self.name)
            return None
        out, reader = read_document(data, report, documents)
        if out is None or reader is None:
            return None
        if source.jws_header is not None:
            header = source.jws_header
            out.setdefault("proof", []).append({
                "kind": "ob2-jws", "signer": header.get("kid"),
                "detail": f"JWS alg {header.get('alg')}" if header.get("alg") else None})
            report.add(Code.NOTE, "signed OB 2.0 assertion: the JWS payload was decoded; the "
                       "signature is not verified and never carried", field="proof",
                       format=self.name)
        if isinstance(extension, dict):
            overlay(out, extension.get(C.CREDBRIDGE_TERM), report, self.name)
        cred = self.build(out, report, out.get("id") or position)
        return keep(cred, self.name, reader.raws) if cred is not None else None

    def _writer(self, report: Report) -> Any:
        from .ob2_write import Ob2Writer

        return Ob2Writer(report, self.name)


def _completes_an_assertion(badge: dict[str, Any], documents: dict[str, dict[str, Any]]
                            ) -> bool:
    from .ob2_read import ob2_kind

    bid = badge.get("id")
    for doc in documents.values():
        if ob2_kind(doc) == "Assertion":
            ref = doc.get("badge")
            if ref == bid or (isinstance(ref, dict) and ref.get("id") == bid):
                return True
    return False


def _index(documents: Any, report: Report) -> dict[str, dict[str, Any]]:
    """OB 2.0 documents given alongside, by id (paths, bytes or parsed JSON objects)."""
    from .ob2_read import ob2_kind

    out: dict[str, dict[str, Any]] = {}
    for item in documents or []:
        data: Any = item
        if isinstance(item, str | os.PathLike):
            try:
                if os.path.getsize(item) > DEFAULT_MAX_BYTES:
                    continue
                data = Path(item).read_bytes()
            except OSError:
                continue
        if isinstance(data, bytes):
            try:
                data = open_document(data, what="OB 2.0 document").data
            except InputError:
                continue
        if isinstance(data, dict) and isinstance(data.get("id"), str) and ob2_kind(data):
            out.setdefault(data["id"], data)
            badge = data.get("badge")
            if isinstance(badge, dict) and isinstance(badge.get("id"), str):
                out.setdefault(badge["id"], badge)
    return out
