"""The ``ob3`` format: Open Badges 3.0 credentials as JSON, JSON Lines, VC-JWT or baked images."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError, UsageError
from credbridge.formats import Format, Predicate
from credbridge.options import Options
from credbridge.report import Code, Report

from . import baking, jws
from . import contexts as C
from .common import Source, dumps, open_document

# The readers, writers, the JSON Schema validator and the model (pydantic) are imported when a
# document is read or written, not when the format is registered: start-up stays fast.
if TYPE_CHECKING:
    from credbridge.model import MicroCredential

"""What ob3 carries (crosswalk §2): "extension" = eduCredentials terms, EU-vocabulary
alignments or the credbridge extension."""


class BadgeFormat(Format):
    """What the OB 2.0 and OB 3.0 formats share: writing one document per credential (JSON,
    a baked image, or JSON Lines for several), with the privacy options applied."""

    badge_version: ClassVar[str] = ""

    def write(
        self,
        credentials: Iterable[MicroCredential],
        stream: IO[bytes],
        report: Report,
        options: Options,
    ) -> None:
        """One credential: indented JSON (or a baked image with ``bake``); several: JSON Lines."""
        docs = (self.document(c, report, options) for c in credentials)
        write_documents(docs, stream, options, self.badge_version)

    def document(self, cred: MicroCredential, report: Report, options: Options
                 ) -> dict[str, Any]:
        """The badge JSON of one credential (privacy options applied)."""
        from . import privacy

        cred = privacy.apply(cred, options, report, self.name)
        document: dict[str, Any] = self._writer(report).document(cred)
        return document

    def _writer(self, report: Report) -> Any:
        """The writer of this badge version."""
        raise NotImplementedError


class Ob3Format(BadgeFormat):
    """Open Badges 3.0 ``OpenBadgeCredential`` / ``AchievementCredential``."""

    name = "ob3"
    badge_version = "ob3"
    title = "Open Badges 3.0 (OpenBadgeCredential, VC 2.0; JSON, VC-JWT, baked PNG/SVG)"
    extensions = (".ob3.json", ".ob3.jsonl", ".ob3.jwt", ".ob3.png", ".ob3.svg")
    # Plain .json, .jwt, .png and .svg files are recognised by content (sniff).
    media_types = ("application/vc+ld+json", "application/vc+jwt")
    fields: ClassVar[dict[str, Predicate]] = fields_for("ob3")
    json_lines = True
    binary = True

    def sniff(self, head: bytes) -> bool:
        """An OB 3.0 credential: JSON with an OB 3.0 context or type, a JWT whose payload is
        one, or a PNG/SVG image not visibly baked with OB 2.0 (the badge chunk may lie beyond
        the bytes sniffed; the reader reads either version's baked badge)."""
        if baking.is_png(head):
            return baking.OB2_KEYWORD.encode() + b"\x00" not in head
        if baking.is_svg(head):
            return baking.OB2_SVG_NS.encode() + b'"' not in head
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"eyJ"):
            text = jws.peek_payload(text)
        if not text.startswith(b"{"):
            return False
        return (b"purl.imsglobal.org/spec/ob/v3p0" in text or b'"OpenBadgeCredential"' in text
                or b'"AchievementCredential"' in text
                or (b'"credentialSubject"' in text and b'"achievement"' in text))

    def read(
        self, stream: IO[bytes], report: Report, options: Options
    ) -> Iterator[MicroCredential]:
        """One credential (JSON, JWT, PNG, SVG), or JSON Lines of credentials."""
        raw = stream.read()
        for position, chunk in enumerate(_documents(raw), start=1):
            report.record = position
            try:
                source = open_document(chunk, what="OB 3.0 credential")
                cred = self._read_one(source, report, position)
            except InputError as exc:
                if position == 1 and not _is_lines(raw):
                    raise
                report.add(Code.INVALID_RECORD, exc.message, field=exc.field, format=self.name,
                           record=position)
                report.records_failed += 1
                continue
            finally:
                report.record = None
            if cred is not None:
                yield cred

    def _read_one(self, source: Source, report: Report, position: int
                  ) -> MicroCredential | None:
        from .ob3_read import Ob3Reader, is_ob3
        from .overlay import overlay
        from .sections import keep

        if source.container in ("png", "svg") and not is_ob3(source.data):
            from .ob2_format import Ob2Format

            report.add(Code.NOTE, f"the {source.container.upper()} holds an Open Badges 2.0 "
                       "badge: read as ob2", format=self.name)
            return Ob2Format().read_source(source, report, position, {})
        data = dict(source.data)
        extension = data.pop(C.CREDBRIDGE_TERM, None)
        reader = Ob3Reader(report, self.name)
        out = reader.read(data)
        if source.jws_header is not None:
            header = source.jws_header
            out.setdefault("proof", []).append({
                "kind": "vc-jwt", "signer": header.get("kid"),
                "detail": f"JWS alg {header.get('alg')}" if header.get("alg") else None})
            report.add(Code.NOTE, "VC-JWT: the payload was decoded; the signature is not "
                       "verified and never carried to an output", field="proof",
                       format=self.name)
        if source.container in ("png", "svg"):
            report.add(Code.NOTE, f"read from a baked {source.container.upper()}",
                       format=self.name)
        if extension is not None:
            overlay(out, extension, report, self.name)
        cred = self.build(out, report, out.get("id") or position)
        if cred is None:
            return None
        return keep(cred, self.name, reader.raws)

    def _writer(self, report: Report) -> Any:
        from .ob3_write import Ob3Writer

        return Ob3Writer(report, self.name)

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against the official 1EdTech achievement-credential JSON Schema."""
        from .validation import schema_problems

        problems: list[str] = []
        for position, chunk in enumerate(_documents(data), start=1):
            try:
                doc = open_document(chunk, what="OB 3.0 credential").data
            except InputError as exc:
                problems.append(f"credential {position}: {exc.message}")
                continue
            prefix = f"credential {position}: " if _is_lines(data) else ""
            problems += [prefix + p for p in schema_problems(doc, schemas)]
        return problems


def _is_lines(raw: bytes) -> bool:
    lines = [line for line in raw.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except ValueError:
        return False


def _documents(raw: bytes) -> list[bytes]:
    """The documents of an input: each line of JSON Lines, else the whole input."""
    if not baking.is_png(raw) and _is_lines(raw):
        return [line for line in raw.splitlines() if line.strip()]
    return [raw]


def write_documents(docs: Iterable[dict[str, Any]], stream: IO[bytes], options: Options,
                    version: str) -> None:
    """Write one document (indented, or baked into ``options["bake"]``) or JSON Lines."""
    it = iter(docs)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    bake = options.get("bake")
    if bake:
        if second is not None:
            raise UsageError("--bake writes one credential per image: use -o DIR")
        image = bake if isinstance(bake, bytes) else _read_image(str(bake))
        text = json.dumps(first, ensure_ascii=False)
        stream.write(baking.bake(image, text, version))
        return
    if second is None and not options.get("json_lines"):
        stream.write(dumps(first))
        return
    # chain, not (first, second, *it): unpacking would hold every document in memory
    for doc in itertools.chain((first, second), it):
        if doc is not None:
            stream.write(dumps(doc, indent=None))


def _read_image(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(64 * 1024 * 1024)
    except OSError as exc:
        raise UsageError(f"cannot read the image to bake {path}: {exc.strerror}") from None
