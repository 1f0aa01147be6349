"""The ``edc-xml`` format: Europass EDC XML (ELM v2, XSD 1.0-1.2), both directions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from credbridge.crosswalk import fields_for
from credbridge.formats import Format
from credbridge.report import Code, Severity

from .names import SNB, VP

# The model (pydantic), lxml and the reader/writer are imported when a document is read or
# written, not when the format is registered: `credbridge formats` must start fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

"""What the writer carries (docs/formats/edc-xml.md); ``proof`` is never written."""


class EdcXmlFormat(Format):
    """Europass EDC XML ``europassCredential`` documents; see docs/formats/edc-xml.md.

    The format reads no options (``Options`` is the base, empty FormatOptions)."""

    name = "edc-xml"
    title = "Europass EDC XML (ELM v2, XSD 1.2)"
    extensions = (".edc.xml", ".xml")
    media_types = ("application/xml",)
    fields = fields_for("edc-xml")
    binary = True

    def sniff(self, head: bytes) -> bool:
        """An EDC XML document: the first element is a ``europassCredential`` (or an EDC
        ``vp:verifiablePresentation``) and the EDC namespace is declared; or a
        ``europassCredential`` in no namespace (the pre-release EDCI model)."""
        text = head[:SNIFF_LIMIT]
        body = _PROLOG.sub(b"", text, count=1)
        m = _FIRST_ELEMENT.search(body)
        if m is None:
            return False
        if m.group(1) == b"europassCredential":
            if b'"' + SNB.encode() + b'"' in text or b"'" + SNB.encode() + b"'" in text:
                return True
            start = body[:body.find(b">") + 1]  # the root's start tag
            return start.startswith(b"<europassCredential") and b"xmlns=" not in start
        return VP.encode() in text

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One credential per top-level achievement of each ``europassCredential``."""
        from .reader import read_document

        return read_document(stream, ctx, lambda data: build_tolerant(self, data, ctx))

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One ``europassCredential`` document per credential (valid against XSD 1.2)."""
        from .writer import write_documents

        write_documents(_writable(credentials, ctx), stream, ctx)

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against ``genericschema_1.2.xsd`` (offline); ``[]`` when valid."""
        from .validation import validate_bytes

        return validate_bytes(data, schemas)


SNIFF_LIMIT = 8192
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->)*", re.S)
_FIRST_ELEMENT = re.compile(
    rb"\A<(?:[A-Za-z_][\w.-]*:)?(europassCredential|verifiablePresentation)[\s>/]")
MAX_REPAIRS = 25


def build_tolerant(fmt: Format, data: dict[str, Any], ctx: Context) -> MicroCredential | None:
    """Build a credential from what the reader found; a value the canonical model refuses
    (an EQF level 9, a birth date that is not a date...) is reported as ``invalid-value`` and
    left out, so one bad element does not cost the whole credential. Messages name
    ``ctx.record``."""
    from credbridge.model import MicroCredential, prune, validation_problems
    from pydantic import ValidationError

    for _ in range(MAX_REPAIRS):
        try:
            return MicroCredential.model_validate(data)
        except ValidationError as exc:
            problems = validation_problems(exc)
        removed = False
        for path, message in problems:
            # a bad leaf is left out; a missing required one takes its list item or object
            field = path
            while field and not _remove(data, field):
                cut = max(field.rfind("."), field.rfind("["))
                field = field[:cut] if cut > 0 else ""
            if field:
                removed = True
                ctx.say(Code.INVALID_VALUE, path, f"{message}; left out")
        if not removed:
            break
        data = prune(data)  # no empty object stays behind (levels {} after a bad eqf)
    return fmt.build(data, ctx)


def _remove(data: Any, path: str) -> bool:
    """Delete the value at a canonical path such as ``workload.credits[0].system``."""
    steps: list[str | int] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        for index in rest.replace("]", "").split("[") if rest else []:
            if not index.isdigit():
                return False
            steps.append(int(index))
    parent = data
    for step in steps[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = steps[-1] if steps else None
    try:
        del parent[last]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _writable(credentials: Iterable[MicroCredential],
              ctx: Context) -> Iterator[MicroCredential]:
    """The credentials as the writer can take them: one whose text holds a character XML 1.0
    cannot carry (NUL, most control characters) is a failed record, never a document that is
    not XML; extensions of a shape the writer does not read are left out (reported)."""
    from credbridge.model import XML_INCOMPATIBLE, find_text, fit_extensions

    from .extension_shapes import SHAPES

    def unfit(key: str, shape: str) -> None:
        ctx.say(Code.EXTENSION_DROPPED, f"extensions.{key}",
                f"not written: its value is not {shape}, what {ctx.format} reads there",
                severity=Severity.WARNING)

    for cred in credentials:
        problem = find_text(cred, XML_INCOMPATIBLE)
        if problem is None:
            yield fit_extensions(cred, SHAPES, unfit)
            continue
        field, char = problem
        ctx.failed(f"{field} holds U+{ord(char):04X}, a character XML cannot carry; the "
                   "credential is not written", field=field)
