"""The Format contract, the registry of formats and input-format detection (docs/design.md §3)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, ClassVar, Literal

from .errors import (
    AmbiguousFormatError,
    InputError,
    PluginError,
    UnknownFormatError,
    UnknownFormatNameError,
)
from .options import FormatOptions
from .sniffing import as_head

if TYPE_CHECKING:  # the model is imported when a record is built, not at start-up
    from .context import Context
    from .model import MicroCredential

Predicate = Literal["exact", "lossy", "extension"]

SNIFF_BYTES = 262_144
"""How many leading bytes ``sniff`` is given: enough to see past the bulk real documents put
first (an embedded image before ``@context``). Sniffers decide on what a document declares
(``credbridge.sniffing.json_top`` for JSON), not on words found anywhere in the head."""

GENERIC = 1
"""A ``sniff`` score: the document names this format's family (a context, a namespace)."""
OWN_TYPE = 2
"""A ``sniff`` score: the document's declared type is this format's own (e.g. an OB 3.0
``OpenBadgeCredential`` that also names the ELM context is an OB 3.0 credential)."""


class Format:
    """A format handler. Subclass it, set the class attributes, implement what you support.

    ``fields`` maps each canonical field path the format carries (``"levels.eqf"``,
    ``"awarding_bodies[].country"``) to how well: ``exact``, ``lossy`` or ``extension``.
    A present field the writer's format does not list is reported as ``dropped`` by the core.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    media_types: ClassVar[tuple[str, ...]] = ()
    fields: ClassVar[dict[str, Predicate]] = {}
    many: ClassVar[bool] = False
    """True when one document holds many credentials (CSV); else a stream gets JSON Lines or
    the writer needs one file per credential (see ``json_lines``)."""
    json_lines: ClassVar[bool] = False
    """True when several credentials are written to one stream as JSON Lines."""
    binary: ClassVar[bool] = False
    """True when read/write work on bytes; else on text (UTF-8)."""
    Options: ClassVar[type[FormatOptions]] = FormatOptions
    """The format's typed options (a :class:`~credbridge.options.FormatOptions` subclass);
    the core validates what callers give and passes an instance as ``ctx.options``."""

    plugin: str = "?"
    """Set by the registry: the plugin that registered the format."""

    @property
    def can_read(self) -> bool:
        """Whether this format implements ``read``."""
        return type(self).read is not Format.read

    @property
    def can_write(self) -> bool:
        """Whether this format implements ``write``."""
        return type(self).write is not Format.write

    def sniff(self, head: bytes) -> bool | int:
        """Whether ``head`` (the first bytes of an input) is this format: False or 0 when it
        is not; True (= :data:`GENERIC`) or a higher score when it is. Detection takes the
        highest score; equal scores of several formats make the input ambiguous."""
        return False

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """Yield the credentials of ``stream``; report bad records with ``ctx.failed`` and go
        on; report everything else with ``ctx.say``. Options are ``ctx.options``."""
        raise NotImplementedError
        yield  # pragma: no cover

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """Write ``credentials`` to ``stream``; report with ``ctx.say`` what the format cannot
        carry (the core reports fields the format does not declare before each credential)."""
        raise NotImplementedError

    @property
    def can_validate(self) -> bool:
        """Whether this format implements ``validate`` against an official schema."""
        return type(self).validate is not Format.validate

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems of ``data`` against the format's official schema, shapes or JSON Schema,
        found under ``schemas`` (the folder of official schemas, e.g. ``../shared/schemas``).
        An empty list means valid. Never touches the network."""
        raise NotImplementedError

    def build(
        self, data: dict[str, Any], ctx: Context, record: str | int | None = None
    ) -> MicroCredential | None:
        """Validate one record into a credential; on a bad value report ``invalid-record``
        (naming the record and the field) and return ``None`` so the batch goes on."""
        from .model import build

        label = record if record is not None else ctx.record
        try:
            return build(data, record=label if label is not None else 1)
        except InputError as exc:
            ctx.failed(exc.message, field=exc.field, record=label)
            return None

    def describe(self) -> dict[str, object]:
        """The machine-readable description printed by ``credbridge formats --json``."""
        return {
            "name": self.name,
            "title": self.title,
            "read": self.can_read,
            "write": self.can_write,
            "validate": self.can_validate,
            "extensions": list(self.extensions),
            "media_types": list(self.media_types),
            "plugin": self.plugin,
            "options": self.Options.model_json_schema().get("properties", {}),
            "fields": dict(sorted(self.fields.items())),
        }


class FormatRegistry:
    """The formats that plugins registered, in registration order."""

    def __init__(self) -> None:
        self._formats: dict[str, Format] = {}
        self.failed_plugins: list[str] = []
        """Plugins that failed to load (named in "unknown format" errors)."""
        self._readable_extensions: list[tuple[str, Format]] | None = None

    def register(self, fmt: Format, plugin: str = "?") -> None:
        """Add a format; a second format with the same name is a plugin error."""
        for attr in ("name", "title"):
            if not isinstance(getattr(fmt, attr, None), str):
                raise PluginError(f"format object {fmt!r} from plugin {plugin} has no {attr}")
        if fmt.name in self._formats:
            other = self._formats[fmt.name].plugin
            raise PluginError(
                f"format {fmt.name!r} from plugin {plugin} is already registered by {other}"
            )
        fmt.plugin = plugin
        self._formats[fmt.name] = fmt
        self._readable_extensions = None

    def __iter__(self) -> Iterator[Format]:
        return iter(self._formats.values())

    def __contains__(self, name: object) -> bool:
        return name in self._formats

    def names(self) -> list[str]:
        """Registered format names."""
        return list(self._formats)

    def get(self, name: str, *, need: Literal["read", "write"] | None = None) -> Format:
        """A format by name; ``need`` checks that it can read or write."""
        try:
            fmt = self._formats[name]
        except KeyError:
            hint = (f" (plugins that failed to load: {', '.join(self.failed_plugins)}; see "
                    "'credbridge plugins')" if self.failed_plugins else "")
            raise UnknownFormatNameError(
                f"unknown format {name!r}; known formats: {', '.join(self._formats)}{hint}"
            ) from None
        if need == "read" and not fmt.can_read:
            raise UnknownFormatNameError(f"format {name!r} cannot be read")
        if need == "write" and not fmt.can_write:
            raise UnknownFormatNameError(f"format {name!r} cannot be written")
        return fmt

    def by_extension(self, filename: str) -> list[Format]:
        """Readable formats whose extension matches the file name (longest extension wins)."""
        lower = PurePath(filename).name.lower()
        if self._readable_extensions is None:  # every file and every request asks this
            self._readable_extensions = [(ext.lower(), f) for f in self._formats.values()
                                         if f.can_read for ext in f.extensions]
        matches = [(len(ext), f) for ext, f in self._readable_extensions if lower.endswith(ext)]
        if not matches:
            return []
        best = max(n for n, _ in matches)
        seen: dict[str, Format] = {}
        for n, f in matches:
            if n == best:
                seen.setdefault(f.name, f)
        return list(seen.values())

    def sniffers(self, head: bytes) -> list[Format]:
        """Readable formats that recognise ``head``, best score first (ties in registry
        order)."""
        head = as_head(head)
        scored = [(s, f) for f in self._formats.values() if f.can_read
                  for s in (_safe_sniff(f, head),) if s > 0]
        return [f for _, f in sorted(scored, key=lambda sf: -sf[0])]

    def best_sniffers(self, head: bytes, among: list[Format] | None = None) -> list[Format]:
        """The readable formats (of ``among``, when given) with the highest score for
        ``head``: one is the answer, several are ambiguous, none is unknown."""
        head = as_head(head)
        scored = [(s, f) for f in (among if among is not None else self._formats.values())
                  if f.can_read for s in (_safe_sniff(f, head),) if s > 0]
        best = max((s for s, _ in scored), default=0)
        return [f for s, f in scored if s == best]

    def detect(self, head: bytes, filename: str | None = None) -> Format:
        """The format of an input: by extension, else by content.

        Content decides between several formats that share an extension (``.json``, ``.xml``);
        no match or several matches raise an error that lists the candidates.
        """
        by_ext = self.by_extension(filename) if filename else []
        if len(by_ext) == 1:
            return by_ext[0]
        candidates = self.best_sniffers(head, by_ext or None)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            listed = by_ext or []
            hint = (
                f" (extension matches {', '.join(f.name for f in listed)}, content matches none)"
                if listed else ""
            )
            raise UnknownFormatError(
                f"{_what_it_is(head)}cannot tell the format{hint}; name it with --from "
                f"(one of: {', '.join(f.name for f in self if f.can_read)})",
                file=filename,
            )
        names = [f.name for f in candidates]
        raise AmbiguousFormatError(
            f"the format is ambiguous: it could be {', '.join(names)}; name it with --from",
            names,
            file=filename,
        )


def _safe_sniff(fmt: Format, head: bytes) -> int:
    """The score of ``fmt`` for ``head``; a sniffer that raises counts as "not mine":
    detection must never crash on odd input."""
    try:
        score = fmt.sniff(head)
    except Exception:
        return 0
    return int(score) if isinstance(score, (bool, int)) else int(bool(score))


_VC_CONTEXTS = ("https://www.w3.org/2018/credentials/", "https://www.w3.org/ns/credentials/")


def _what_it_is(head: bytes) -> str:
    """What an input no format claims visibly is, when it says so, as the start of the
    refusal: a W3C Verifiable Credential of no family credbridge reads (only its types and
    contexts are looked at); else nothing."""
    from .sniffing import json_top

    top = json_top(head)
    if top is None:
        return _xml_root(head)
    types = sorted(top.types())
    if "VerifiableCredential" not in types and not any(
            c.startswith(_VC_CONTEXTS) for c in top.contexts()):
        return ""
    kinds = ", ".join(types) or "no type"
    return (f"a W3C Verifiable Credential ({kinds}) that names no Open Badges, CLR or "
            "European Learning Model type or context (no achievement credbridge can read): ")


_START_TAG = re.compile(rb"<(?![?!/])((?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)([^>]{0,4096})>")


def _xml_root(head: bytes) -> str:
    """For an XML head, its root element and that element's namespace, as the start of the
    refusal (read from the text of the first start tag: nothing is parsed); else nothing."""
    text = bytes(head[:65536]).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return ""
    text = re.sub(rb"<!--.*?-->", b"", text, flags=re.S)
    tag = _START_TAG.search(text)
    if tag is None:
        return ""
    name = tag.group(1).decode("utf-8", "replace")
    prefix = name.split(":")[0] if ":" in name else ""
    declared = re.search(rb"xmlns" + (rb":" + prefix.encode() if prefix else rb"")
                         + rb"\s*=\s*[\"']([^\"']{0,300})[\"']", tag.group(2))
    where = f", namespace '{declared.group(1).decode('utf-8', 'replace')}'" if declared \
        else ", no namespace"
    return f"an XML document (root element '{name.split(':')[-1]}'{where}) that no format reads: "
