"""The ``ob2`` format: Open Badges 2.0 assertions as JSON, JSON Lines, signed JWS or baked
images; BadgeClass and Issuer documents given alongside complete hosted assertions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError
from credbridge.formats import Predicate

from .base import BadgeFormat, DocumentWriter, documents, is_lines
from .common import open_document
from .sniff import ob2_score

# The readers, writers and the model (pydantic) are imported when a document is read or
# written, not when the format is registered: start-up stays fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

    from .common import Source


class Ob2Format(BadgeFormat):
    """Open Badges 2.0 Assertion + BadgeClass + Issuer profile."""

    name = "ob2"
    badge_version = "ob2"
    document_kind = "OB 2.0 document"
    title = "Open Badges 2.0 (Assertion with BadgeClass and Issuer; JSON, JWS, baked PNG/SVG)"
    extensions = (".ob2.json", ".ob2.jsonl", ".ob2.png", ".ob2.svg")
    # Plain .json, .png and .svg files are recognised by content (sniff).
    media_types = ("application/ld+json",)
    fields: ClassVar[dict[str, Predicate]] = fields_for("ob2")
    """What ob2 carries (crosswalk §2); "extension" = the credbridge OB 2.0 extension object."""

    def sniff(self, head: bytes) -> int:
        """An Open Badges 0.5 to 2.0 document: JSON whose declared context is an OB 1.1 / 2.0
        one (``OWN_TYPE`` with an Assertion, BadgeClass, Profile or Endorsement type), a typeless
        0.5 / 1.0 assertion or badge class by shape, a JWS whose payload is one, or a PNG/SVG
        baked with the OB 2.0 keyword or element (:mod:`.sniff`)."""
        return ob2_score(head)

    def read_source(self, source: Source, ctx: Context) -> MicroCredential | None:
        """An assertion (completed from the documents given alongside in the batch), or a
        badge class read on its own; None for an issuer profile."""
        from .ob2_document import document_index, read_ob2

        return read_ob2(self, source, ctx, document_index(ctx))

    def writer(self, ctx: Context) -> DocumentWriter:
        """The OB 2.0 writer."""
        from .ob2_write import Ob2Writer

        return Ob2Writer(ctx)

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """JSON-LD safe mode, processed as JSON-LD 1.0 as OB 2.0 validators do (every term
        defined, no relative type or IRI, nothing dropped; the id an absolute IRI), with the
        bundled contexts only; OB 2.0 has no official JSON Schema (``schemas`` is unused)."""
        from .validation import json_ld_problems

        problems: list[str] = []
        lines = is_lines(data)
        for position, (_label, chunk) in enumerate(documents(data), start=1):
            prefix = f"document {position}: " if lines else ""
            try:
                doc = open_document(chunk, what=self.document_kind).data
            except InputError as exc:
                problems.append(prefix + exc.message)
                continue
            problems += [prefix + p for p in json_ld_problems(doc, json_ld_10=True)]
        return problems
