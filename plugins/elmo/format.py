"""The ``elmo``, ``ds`` and ``ds-html`` formats (docs/formats/elmo.md, docs/formats/ds.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from credbridge.crosswalk import fields_for
from credbridge.errors import InputError, LimitExceededError, UnsafeInputError, UsageError
from credbridge.formats import GENERIC, OWN_TYPE, Format
from credbridge.report import Code, Severity
from credbridge.safety import limits_of

from .options import DsOptions, ElmoOptions, options_of
from .section import KEPT_SECTIONS
from .upgrade import EWP_MARK
from .xmlutil import NS, local, parse_xml, q, root_name, serialise

# lxml, the model and the mapping modules are imported when a document is read or written,
# not when the format is registered: `credbridge formats` must start fast.
if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

"""What a Diploma Supplement fragment carries (crosswalk §3, as the code behaves)."""

"""ELMO elements plus the embedded Diploma Supplement (written unless disabled)."""

def _is_elmo_tag(tag: bytes) -> bool:
    return NS.encode() in tag


class ElmoFormat(Format):
    """An EMREX ELMO report: read v1.x and v2.0, write v1.7 with an embedded Diploma
    Supplement (options: :class:`~.options.ElmoOptions`)."""

    name = "elmo"
    title = "EMREX ELMO report (XML, schema v1.7)"
    extensions = (".elmo.xml", ".xml")
    media_types = ("application/xml",)
    fields = fields_for("elmo")
    binary = True
    Options = ElmoOptions

    def sniff(self, head: bytes) -> int:
        """An XML document whose root is ``elmo``: in the ELMO namespace (its own type), else
        the family (the pre-1.0 namespace or none are read through upgrade steps; another is
        refused naming it); or an Erasmus Without Paper ToR response holding ``elmo``."""
        name, tag = root_name(head)
        if name == "elmo":
            # another namespace is still the family: the reader names the namespace it saw
            return OWN_TYPE if _is_elmo_tag(tag) else GENERIC
        if name == "imobility-tors-get-response" and EWP_MARK.encode() in tag:
            return GENERIC if re.search(rb"<(?:[\w.-]+:)?elmo[\s>]", head) else 0
        return 0

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One credential per top-level learning opportunity specification."""
        from .elmo_read import read_elmo

        return read_elmo(self, stream.read(), ctx)

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """One ELMO document for one credential."""
        from credbridge.documents import grouped, report_shared, speaking_for

        from .elmo_write import add_los, build_elmo

        groups = iter(grouped(_writable(credentials, ctx), ctx))
        group = next(groups, None)
        if next(groups, None) is not None:
            raise UsageError(f"{self.name} holds one document per file: write several with "
                             "-o DIR")
        if group is None:
            return
        report_shared(group, ctx, ("learner", "awarding_bodies", "issued"))
        opts = options_of(ctx, ElmoOptions)
        with speaking_for(group[0], ctx):
            root = build_elmo(group[0].credential, ctx, opts)
        for member in group[1:]:  # the other learning opportunities of the same report
            with speaking_for(member, ctx):
                add_los(root, member.credential, ctx, opts)
        stream.write(serialise(root))

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems against ELMO 1.7.0 (or 2.0.0 when the document has the v2.0 structure)."""
        from .schema import validate_tree

        try:
            root = parse_xml(data, "the document")
        except (UnsafeInputError, LimitExceededError):
            raise  # refused, not invalid
        except InputError as exc:
            return [exc.message]
        return validate_tree(root, schemas)


class DsFormat(Format):
    """A Diploma Supplement fragment: the ELMO ``diplomaSupplement`` element alone (options:
    :class:`~.options.DsOptions`)."""

    name = "ds"
    title = "Diploma Supplement fragment (ELMO diplomaSupplement element)"
    extensions = (".ds.xml", ".xml")
    media_types = ("application/xml",)
    fields = fields_for("ds")
    binary = True
    Options = DsOptions

    def sniff(self, head: bytes) -> bool:
        """An XML document whose root is ``diplomaSupplement`` in the ELMO namespace."""
        name, tag = root_name(head)
        return name == "diplomaSupplement" and _is_elmo_tag(tag)

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """The one credential the supplement describes."""
        from .ds_map import from_supplement
        from .ds_xml import read_element

        root = parse_xml(stream.read(), "the Diploma Supplement", limits_of(ctx))
        if root.tag != q("diplomaSupplement"):
            raise InputError(f"not a Diploma Supplement fragment: the root element is "
                             f"<{local(root)}>, expected <diplomaSupplement> in the ELMO "
                             "namespace")
        ds = read_element(root, ctx)
        data: dict[str, Any] = {}
        from_supplement(ds, data, ctx, KEPT_SECTIONS)
        if ds.lang == "und":
            ctx.say(Code.NOTE, None, "the supplement has no xml:lang: its texts are read with the "
                    "language 'und'")
        cred = self.build(data, ctx, data.get("id") or 1)
        if cred is not None:
            yield cred

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """The ``diplomaSupplement`` element of one credential."""
        from .ds_map import to_supplement
        from .ds_xml import build_element

        cred = _only_one(_writable(credentials, ctx), self.name)
        if cred is not None:
            language = options_of(ctx, DsOptions).language
            ds = to_supplement(cred, ctx, KEPT_SECTIONS, language)
            stream.write(serialise(build_element(ds)))

    def validate(self, data: bytes, schemas: Path) -> list[str]:
        """Problems of the fragment embedded in a minimal ELMO 1.7 document."""
        from .schema import validate_tree, wrap_fragment

        try:
            root = parse_xml(data, "the document")
        except (UnsafeInputError, LimitExceededError):
            raise  # refused, not invalid
        except InputError as exc:
            return [exc.message]
        if root.tag != q("diplomaSupplement"):
            return [f"the root element is <{local(root)}>, not <diplomaSupplement>"]
        problems = validate_tree(wrap_fragment(root), schemas, "1")
        return [p.split(": ", 1)[-1] for p in problems]


class DsHtmlFormat(Format):
    """The Diploma Supplement as a readable, printable HTML page (write only)."""

    name = "ds-html"
    title = "Diploma Supplement as an HTML page (human view)"
    extensions = (".html",)
    media_types = ("text/html",)
    fields = fields_for("ds-html")
    binary = True
    Options = DsOptions

    def write(self, credentials: Iterable[MicroCredential], stream: IO[bytes],
              ctx: Context) -> None:
        """The page of one credential."""
        from .ds_map import to_supplement
        from .html import render

        cred = _only_one(_writable(credentials, ctx), self.name)
        if cred is not None:
            language = options_of(ctx, DsOptions).language
            ds = to_supplement(cred, ctx, KEPT_SECTIONS, language, clerk=True)
            heading = next(iter(cred.title.values()), "") if cred.title else ""
            if ds.lang in cred.title:
                heading = cred.title[ds.lang]
            stream.write(render(ds, heading or "Diploma Supplement"))


def _only_one(credentials: Iterable[MicroCredential], name: str) -> MicroCredential | None:
    items = iter(credentials)
    first = next(items, None)
    if next(items, None) is not None:
        raise UsageError(f"{name} holds one credential per document: write several with -o DIR")
    return first


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
