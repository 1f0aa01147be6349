"""The ``ob3`` format: Open Badges 3.0 credentials as JSON, JSON Lines, VC-JWT or baked images."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError, LimitExceededError, UnsafeInputError
from credbridge.formats import Predicate
from credbridge.options import FormatOptions
from credbridge.report import Code, Severity

from . import contexts as C
from .base import BadgeFormat, DocumentWriter, documents, is_lines
from .common import open_document
from .options import Ob3Options
from .sniff import ob3_score

# The readers, writers, the JSON Schema validator and the model (pydantic) are imported when a
# document is read or written, not when the format is registered: start-up stays fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

    from .common import Source


class Ob3Format(BadgeFormat):
    """Open Badges 3.0 ``OpenBadgeCredential`` / ``AchievementCredential``."""

    name = "ob3"
    badge_version = "ob3"
    document_kind = "OB 3.0 credential"
    title = "Open Badges 3.0 (OpenBadgeCredential, VC 2.0; JSON, VC-JWT, baked PNG/SVG)"
    extensions = (".ob3.json", ".ob3.jsonl", ".ob3.jwt", ".ob3.png", ".ob3.svg")
    # Plain .json, .jwt, .png and .svg files are recognised by content (sniff).
    media_types = ("application/vc+ld+json", "application/vc+jwt")
    Options: ClassVar[type[FormatOptions]] = Ob3Options
    fields: ClassVar[dict[str, Predicate]] = fields_for("ob3")
    """What ob3 carries (crosswalk §2): "extension" = eduCredentials terms, EU-vocabulary
    alignments or the credbridge extension."""

    def sniff(self, head: bytes) -> int:
        """An OB 3.0 credential: ``OWN_TYPE`` when its declared type is OpenBadgeCredential,
        AchievementCredential or EndorsementCredential (whatever other contexts it names, e.g.
        the ELM one), ``GENERIC`` for an OB 3.0 context or shape; the same for the payload of a
        VC-JWT and the credentials of a presentation; a PNG/SVG image not visibly baked with
        OB 2.0 (the badge chunk may lie beyond the bytes sniffed) (:mod:`.sniff`)."""
        return ob3_score(head)

    def read_source(self, source: Source, ctx: Context) -> MicroCredential | None:
        """The credential of one OB 3.0 document; a baked image that holds an OB 2.0 badge is
        read as OB 2.0 (reported so)."""
        from .ob3_read import Ob3Reader, extension_value, is_ob3
        from .overlay import overlay
        from .sections import keep

        if source.container in ("png", "svg") and not is_ob3(source.data):
            from .ob2_document import read_ob2

            ctx.say(Code.NOTE, None, f"the {source.container.upper()} holds an Open Badges "
                    "2.0 badge: read as ob2")
            # the OB 2.0 reading reports (and keeps its sections) as ob2, as the ob2 format would
            return read_ob2(self, source, dataclasses.replace(ctx, format="ob2"), {})
        data = dict(source.data)
        if not _checked(data, ctx):
            return None
        extension = extension_value(data.pop(C.CREDBRIDGE_IRI, None),
                                    data.pop(C.CREDBRIDGE_TERM, None))
        reader = Ob3Reader(ctx)
        out = reader.read(data)
        if source.jws_header is not None:
            header = source.jws_header
            out.setdefault("proof", []).append({
                "kind": "vc-jwt", "signer": header.get("kid"),
                "detail": f"JWS alg {header.get('alg')}" if header.get("alg") else None})
            ctx.say(Code.NOTE, "proof", "VC-JWT: the payload was decoded; the signature is not "
                    "verified and never carried to an output")
        if source.container in ("png", "svg"):
            ctx.say(Code.NOTE, None, f"read from a baked {source.container.upper()}")
        if extension is not None:
            overlay(out, extension, ctx)
        record = out.get("id") if isinstance(out.get("id"), str) else None
        cred = self.build(out, ctx, record)
        if cred is None:
            return None
        return keep(cred, self.name, reader.raws, ctx)

    def writer(self, ctx: Context) -> DocumentWriter:
        """The OB 3.0 writer."""
        from .ob3_write import Ob3Writer

        return Ob3Writer(ctx)

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against the official 1EdTech achievement-credential JSON Schema, and of
        JSON-LD safe mode (every term defined, no relative type or IRI, nothing dropped by
        expansion; the credential id an absolute IRI), with the bundled contexts only."""
        from .validation import json_ld_problems, schema_problems

        problems: list[str] = []
        lines = is_lines(data)
        for position, (_label, chunk) in enumerate(documents(data), start=1):
            try:
                doc = open_document(chunk, what=self.document_kind).data
            except (UnsafeInputError, LimitExceededError):
                raise  # refused (a remote context, a budget), not invalid
            except InputError as exc:
                problems.append(f"credential {position}: {exc.message}")
                continue
            prefix = f"credential {position}: " if lines else ""
            problems += [prefix + p for p in schema_problems(doc, schemas)]
            problems += [prefix + p for p in json_ld_problems(doc)]
        return problems


def _checked(data: dict[str, Any], ctx: Context) -> bool:
    """Report each OB 3.0 JSON Schema rule ``data`` breaks (``schema-rule``) and an end of
    validity that has passed; False (a failed record) when a rule is broken under
    ``--strict-input``."""
    from .ob3_read import is_ob3
    from .schema_rules import broken_rules, expired

    if not is_ob3(data):
        return True  # the reader says what the document is
    broken = broken_rules(data)
    for field, rule in broken:
        ctx.say(Code.SCHEMA_RULE, field, rule)
    until = expired(data)
    if until is not None:
        ctx.say(Code.NOTE, "valid_until", f"the credential expired on {until} (a verifier "
                "refuses it); read as it is", severity=Severity.WARNING)
    if broken and ctx.policy.strict_input:
        ctx.failed(f"breaks {len(broken)} OB 3.0 rule(s) (--strict-input): "
                   + "; ".join(rule for _, rule in broken))
        return False
    return True
