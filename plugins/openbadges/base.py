"""What the ``ob3`` and ``ob2`` formats share: their options, the documents of an input (one,
or each line of JSON Lines) and writing one document per credential (JSON, a baked image, or
JSON Lines for several), with the privacy options applied.

Both format modules import from here and never from each other.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar, Protocol

from credbridge.errors import InputError, UsageError
from credbridge.formats import Format
from credbridge.options import FormatOptions
from credbridge.report import Code
from credbridge.safety import DEFAULT_MAX_RECORD_BYTES, limits_of, load_json

from . import baking
from .common import Source, dumps, open_document
from .drafts import STEP
from .options import BadgeOptions

# The readers, writers and the model (pydantic) are imported when a document is read or
# written, not when the formats are registered: start-up stays fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

MAX_IMAGE_BYTES = 64 * 1024 * 1024
"""The largest badge image ``bake`` reads."""


class DocumentWriter(Protocol):
    """The writer of one badge version (``Ob3Writer``, ``Ob2Writer``)."""

    def document(self, cred: MicroCredential) -> dict[str, Any] | None:
        """The badge JSON of one credential; ``None`` when it refused it (a failed record)."""


class BadgeFormat(Format):
    """What the OB 2.0 and OB 3.0 formats share: reading one document or JSON Lines of them,
    and writing one document per credential."""

    badge_version: ClassVar[str] = ""
    """``ob3`` or ``ob2``: how a baked image marks the badge."""
    document_kind: ClassVar[str] = "Open Badges document"
    """What messages call one document of the format (``OB 3.0 credential``)."""
    Options: ClassVar[type[FormatOptions]] = BadgeOptions
    json_lines = True
    binary = True

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One document (JSON, JWS, PNG, SVG), or JSON Lines of them: each line is a record
        labelled ``line N``, and a bad line is reported and skipped."""
        for label, chunk in documents(stream.read()):
            with ctx.at(label):
                if label is not None and len(chunk) > DEFAULT_MAX_RECORD_BYTES:
                    ctx.failed(f"the line is longer than {DEFAULT_MAX_RECORD_BYTES:,} bytes "
                               "(the limit of one record)")
                    continue
                try:
                    sources = self._sources(chunk, ctx)
                except InputError as exc:
                    if label is None:  # the input's only document
                        raise
                    ctx.failed(exc.message, field=exc.field)
                    continue
                for number, source in enumerate(sources, start=1):
                    inner = f"credential {number}" if len(sources) > 1 else None
                    with ctx.at(" ".join(p for p in (label, inner) if p) or None):
                        try:
                            cred = self.read_source(source, ctx)
                        except InputError as exc:
                            if label is None and len(sources) == 1:
                                raise
                            ctx.failed(exc.message, field=exc.field)
                            continue
                        if cred is not None:
                            yield cred

    def _sources(self, chunk: bytes, ctx: Context) -> list[Source]:
        """The documents to read in one input document: itself, or the Open Badges
        credentials of a presentation / an enveloped credential (reported)."""
        from .presentations import held, is_wrapper

        limits = limits_of(ctx)
        source = open_document(chunk, what=self.document_kind, limits=limits)
        if source.upgrades:
            ctx.say(Code.UPGRADED, None, f"{STEP}: read through one upgrade step ("
                    + "; ".join(source.upgrades) + "); the draft context is not bundled "
                    "and never fetched")
        if source.unknown_contexts:
            ctx.say(Code.IGNORED_INPUT, None,
                    f"the JSON-LD context(s) {', '.join(source.unknown_contexts)} are not "
                    "known to credbridge and never fetched: left out, so the properties they "
                    "define are read only where an Open Badges context defines them too")
        if not is_wrapper(source.data):
            return [source]
        sources = held(source, limits)
        ctx.say(Code.NOTE, None, f"a presentation or enveloped credential: {len(sources)} "
                "Open Badges credential(s) in it read; its proof is not verified")
        return sources

    def read_source(self, source: Source, ctx: Context) -> MicroCredential | None:
        """The credential of one decoded document (None when it is not one on its own)."""
        raise NotImplementedError

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One credential: indented JSON (or a baked image with ``bake``); several, or
        ``ctx.json_lines``: JSON Lines."""
        # a writer refuses a credential (None, a failed record) under --strict
        docs = (d for d in (self.document(c, ctx) for c in credentials) if d is not None)
        write_documents(docs, stream, ctx, self.badge_version)

    def document(self, cred: MicroCredential, ctx: Context) -> dict[str, Any] | None:
        """The badge JSON of one credential (privacy options applied); ``None`` when the
        writer refused it (a failed record)."""
        from credbridge.model import fit_extensions
        from credbridge.report import Code, Severity

        from . import privacy
        from .extension_shapes import SHAPES

        def unfit(key: str, shape: str) -> None:
            ctx.say(Code.EXTENSION_DROPPED, f"extensions.{key}",
                    f"not written: its value is not {shape}, what {ctx.format} reads there",
                    severity=Severity.WARNING)

        cred = privacy.apply(fit_extensions(cred, SHAPES, unfit), badge_options(ctx), ctx)
        return self.writer(ctx).document(cred)

    def writer(self, ctx: Context) -> DocumentWriter:
        """The writer of this badge version, reporting to ``ctx``."""
        raise NotImplementedError


def badge_options(ctx: Context) -> BadgeOptions:
    """``ctx.options`` as Open Badges options (their defaults for the bare base options)."""
    options = ctx.options
    if isinstance(options, BadgeOptions):
        return options
    if type(options) is FormatOptions:
        return BadgeOptions()
    raise UsageError(f"options of type {type(options).__name__} are not the options of "
                     f"format {ctx.format} (BadgeOptions)")


def is_lines(raw: bytes) -> bool:
    """True when ``raw`` is JSON Lines: at least two non-blank lines, the first an object; or,
    when the first line cannot be read (too deep, too long, not JSON) and ``raw`` as a whole is
    not JSON either, every line starts an object (the bad line is then one failed record)."""
    lines = [line for line in raw.split(b"\n") if line.strip()]
    if len(lines) < 2:
        return False
    if len(lines[0]) <= DEFAULT_MAX_RECORD_BYTES:
        try:
            return isinstance(load_json(lines[0], what="JSON line"), dict)
        except InputError:
            pass
    if not all(line.lstrip()[:1] == b"{" for line in lines):
        return False
    try:
        load_json(raw)
    except InputError:
        return True
    return False


def documents(raw: bytes) -> list[tuple[str | None, bytes]]:
    """The documents of an input with their record labels: ``("line N", line)`` for each
    non-blank line of JSON Lines, else ``(None, raw)``: the whole input is one document."""
    if not baking.is_png(raw) and is_lines(raw):
        return [(f"line {number}", line)
                for number, line in enumerate(raw.split(b"\n"), start=1) if line.strip()]
    return [(None, raw)]


def write_documents(docs: Iterable[dict[str, Any]], stream: IO[bytes], ctx: Context,
                    version: str) -> None:
    """Write one document (indented, or baked into the ``bake`` image) or JSON Lines."""
    it = iter(docs)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    bake = badge_options(ctx).bake
    if bake is not None:
        if second is not None or ctx.json_lines:
            raise UsageError("bake writes one credential per image: use -o DIR (one file "
                             "per credential)")
        text = json.dumps(first, ensure_ascii=False)
        stream.write(baking.bake(badge_image(bake, ctx), text, version))
        return
    if second is None and not ctx.json_lines:
        stream.write(dumps(first))
        return
    # chain, not (first, second, *it): unpacking would hold every document in memory
    for doc in itertools.chain((first, second), it):
        if doc is not None:
            stream.write(dumps(doc, indent=None))


def badge_image(path: Path, ctx: Context) -> bytes:
    """The image to bake, read once per batch (``-o DIR`` bakes every credential into it)."""
    scratch: dict[Any, Any] = ctx.scratch
    key = ("ob-bake-image", str(path))
    image = scratch.get(key)
    if not isinstance(image, bytes):
        image = scratch[key] = _read_image(path)
    return image


def _read_image(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            image = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the image to bake {path}: {exc.strerror}") from None
    if len(image) > MAX_IMAGE_BYTES:
        raise UsageError(f"the image to bake {path} is larger than {MAX_IMAGE_BYTES:,} bytes")
    return image

