"""The ``clr`` format: 1EdTech Comprehensive Learner Record 2.0 (docs/formats/clr.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError
from credbridge.formats import Format
from credbridge.options import FormatOptions
from credbridge.report import Code
from credbridge.safety import load_json
from credbridge.sniffing import jws_payload_head

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

SCHEMA_FILE = "clr_v2p0_clrcredential_schema_draft4.json"


class ClrOptions(FormatOptions):
    """The ``clr`` format has no options of its own."""


class ClrFormat(Format):
    """A ``ClrCredential``: the achievement credentials of one learner in one document, read
    as one record per top-level achievement and written from the records of one document."""

    name = "clr"
    title = "1EdTech Comprehensive Learner Record 2.0 (CLR)"
    extensions = (".clr.json",)
    media_types = ("application/vc+ld+json",)
    fields = fields_for("clr")
    json_lines = True
    Options: ClassVar[type[FormatOptions]] = ClrOptions

    def sniff(self, head: bytes) -> bool:
        """JSON that names the ``ClrCredential`` type or a CLR 2.0 context, or a VC-JWT
        (compact JWS) whose payload does."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"eyJ"):
            text = jws_payload_head(text).lstrip()
        return text.startswith(b"{") and (b'"ClrCredential"' in text
                                          or b"/spec/clr/v2p0" in text
                                          or b"dc.imsglobal.org/draft/clr/v2p0" in text)

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One record per top-level achievement of the CLR (or of each CLR in JSON Lines);
        ``ctx.record`` is the record's id while it is built and yielded."""
        from .read import read_clr

        data = stream.read()
        stripped = data.strip()
        if stripped.startswith(b"eyJ") and stripped.count(b".") == 2 and b"\n" not in stripped:
            from .vcjwt import payload

            docs = [payload(stripped.decode("ascii", "replace"), field=None)]
            signed = True
            ctx.say(Code.NOTE, "proof", "a CLR given as a VC-JWT: its payload is read; the "
                    "signature is not verified (credbridge verify checks it) and never "
                    "carried to an output")
        else:
            docs, signed = None, False
        try:
            if docs is None:
                docs = [load_json(data, what="CLR JSON")]
        except InputError:
            lines = [line for line in data.split(b"\n") if line.strip()]
            if len(lines) < 2:
                raise
            docs = [load_json(line, what="CLR JSON line") for line in lines]
        try:
            for doc in docs:
                for label, canonical in read_clr(doc, ctx):
                    ctx.record = label
                    if signed:
                        canonical.setdefault("proof", []).append(
                            {"kind": "vc-jwt", "detail": "the CLR's VC-JWT (not verified)"})
                    cred = self.build(canonical, ctx)
                    if cred is not None:
                        yield cred
        finally:
            ctx.record = None

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """One CLR per document: the records of a many-claim document together, any other
        record as a CLR of one; several CLRs are JSON Lines."""
        from credbridge.documents import grouped

        from .write import clr_document

        docs = (clr_document(group, ctx) for group in grouped(credentials, ctx))
        first = next(docs, None)
        if first is None:
            return
        second = next(docs, None)
        if second is None and not ctx.json_lines:
            stream.write(json.dumps(first, ensure_ascii=False, indent=2).encode() + b"\n")
            return
        for doc in (first, *([second] if second is not None else []), *docs):
            stream.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against 1EdTech's ClrCredential JSON Schema (``clr/`` of ``schemas``)."""
        doc = load_json(data, what="CLR JSON")
        validator = _validator(str(schema_file(schemas)))
        out = []
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(p) for p in error.absolute_path) or "(document)"
            out.append(f"{path}: {error.message[:300]}")
        return out


def schema_file(schemas: Path) -> Path:
    """The ClrCredential schema under ``schemas`` (the folder or its ``clr/``)."""
    for candidate in (schemas / "clr" / SCHEMA_FILE, schemas / SCHEMA_FILE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_FILE} not found under {schemas} (or its clr/)")


@lru_cache(maxsize=2)
def _validator(path: str) -> Any:
    import jsonschema

    schema = json.loads(Path(path).read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)

