"""One decoded OB 2.0 document -> a credential, completed from the documents given alongside.

Shared by the ``ob2`` format and the ``ob3`` format (whose reader also reads a baked image that
holds an OB 2.0 badge), so that neither format module imports the other.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credbridge.errors import InputError
from credbridge.report import Code
from credbridge.safety import DEFAULT_MAX_BYTES

from . import contexts as C
from .common import Source, open_document
from .ob2_read import ob2_kind, read_document
from .overlay import overlay
from .sections import keep
from .upgrade import upgrade

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.formats import Format
    from credbridge.model import MicroCredential

Index = dict[str, dict[str, Any]]
"""OB 2.0 documents (assertions, badge classes, issuer profiles) by id."""

INDEX_KEY = "ob2-index"


def read_ob2(fmt: Format, source: Source, ctx: Context, documents: Index
             ) -> MicroCredential | None:
    """The credential of one decoded OB 2.0 document, built with ``fmt`` and reported to
    ``ctx`` (None for an issuer profile, or a badge class that completes an assertion given
    alongside). Kept sections are named after ``ctx.format``."""
    data = dict(source.data)
    extension = data.pop(C.OB2_CREDBRIDGE_EXTENSION, None)
    data, steps = upgrade(data)
    for number, step in enumerate(steps, start=1):
        # each step its own message; each names the whole chain (a grouped report shows one)
        ctx.say(Code.UPGRADED, None, f"Open Badges {step}: read through upgrade step {number} "
                f"of {len(steps)} ({', '.join(steps)}), as the 1EdTech validator upgrades a "
                "badge before it checks it")
    if ob2_kind(data) == "BadgeClass" and completes_an_assertion(data, documents):
        ctx.say(Code.NOTE, None, f"BadgeClass {data.get('id')} completes an assertion given "
                "alongside: not read as a credential of its own")
        return None
    out, reader = read_document(data, ctx, documents)
    if out is None or reader is None:
        return None
    if source.jws_header is not None:
        header = source.jws_header
        out.setdefault("proof", []).append({
            "kind": "ob2-jws", "signer": header.get("kid"),
            "detail": f"JWS alg {header.get('alg')}" if header.get("alg") else None})
        ctx.say(Code.NOTE, "proof", "signed OB 2.0 assertion: the JWS payload was decoded; the "
                "signature is not verified and never carried")
    if isinstance(extension, dict):
        value = extension.get(C.CREDBRIDGE_TERM)
        if isinstance(value, str):  # JSON text (JSON-LD 1.0); credbridge 0.1 wrote an object
            with contextlib.suppress(ValueError):  # overlay reports a text that is no object
                value = json.loads(value)
        overlay(out, value, ctx)
    record = out.get("id") if isinstance(out.get("id"), str) else None
    cred = fmt.build(out, ctx, record)
    return keep(cred, ctx.format, reader.raws, ctx) if cred is not None else None


def completes_an_assertion(badge: dict[str, Any], documents: Index) -> bool:
    """True when an assertion among ``documents`` names ``badge`` (by id or embedded)."""
    bid = badge.get("id")
    for doc in documents.values():
        if ob2_kind(doc) == "Assertion":
            ref = doc.get("badge")
            if ref == bid or (isinstance(ref, dict) and ref.get("id") == bid):
                return True
    return False


def document_index(ctx: Context) -> Index:
    """The OB 2.0 documents among ``ctx.documents``, by id: made once per batch and kept in
    ``ctx.scratch`` (owned by the core), never in the caller's options."""
    # keyed by the documents too: a scratch dict reused for another set never leaks this one
    scratch: dict[Any, Any] = ctx.scratch
    key = (INDEX_KEY, ctx.documents)
    index = scratch.get(key)
    if not isinstance(index, dict):
        index = scratch[key] = index_documents(ctx.documents)
    return index


def index_documents(paths: tuple[str, ...]) -> Index:
    """The OB 2.0 documents among the files ``paths``, by id (an embedded badge class too);
    files that are not OB 2.0 documents, or cannot be read, are left out."""
    out: Index = {}
    for path in paths:
        if path == "-":  # standard input: read once, by the batch
            continue
        try:
            if os.path.getsize(path) > DEFAULT_MAX_BYTES:
                continue
            raw = Path(path).read_bytes()
        except OSError:
            continue
        try:
            data: Any = open_document(raw, what="OB 2.0 document").data
        except InputError:
            continue
        if isinstance(data, dict):
            data = upgrade(data)[0]
        if isinstance(data, dict) and isinstance(data.get("id"), str) and ob2_kind(data):
            out.setdefault(data["id"], data)
            badge = data.get("badge")
            if isinstance(badge, dict) and isinstance(badge.get("id"), str):
                out.setdefault(badge["id"], badge)
    return out
