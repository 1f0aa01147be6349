"""The input document that ``embed_source`` embeds as evidence (EC "converted" profile).

It is the document the credential was read from, as the core kept it (``ctx.source``); no file
is ever opened again. When there is no such document, the writer says so and goes on.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from credbridge.report import Code

if TYPE_CHECKING:
    from credbridge.context import Context

EVIDENCE_FIELD = "evidence"


def source_to_embed(ctx: Context) -> tuple[bytes, str] | None:
    """(bytes, format name) of the credential's source document, or ``None`` (reported as
    ``dropped`` on ``evidence``) when there is no single document to embed."""
    source = ctx.source
    if source is None:
        _not_embedded(ctx, "the credential was not read from an input document")
        return None
    if source.data is None:
        _not_embedded(ctx, f"no source document of this credential is kept (a {source.format} "
                           "input read record by record, or credentials given to the writer "
                           "directly)")
        return None
    if is_json_lines(source.data):
        _not_embedded(ctx, f"the {source.format} input holds several documents (JSON Lines), "
                           "not one document of this credential")
        return None
    return source.data, source.format


def _not_embedded(ctx: Context, why: str) -> None:
    ctx.say(Code.DROPPED, EVIDENCE_FIELD, f"embed_source: {why}; no source is embedded")


def is_json_lines(data: bytes) -> bool:
    """True when ``data`` is several JSON documents, one per line: its first line is a whole
    JSON value and more follows (a pretty-printed document's first line is not)."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] not in (b"{", b"["):
        return False
    first, _, rest = text.partition(b"\n")
    if not rest.strip():
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True
