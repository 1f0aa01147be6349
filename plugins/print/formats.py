"""The ``html`` and ``pdf`` formats: a printable credential for every record."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from credbridge import vocab
from credbridge.crosswalk import fields_for
from credbridge.formats import Format
from credbridge.options import FormatOptions
from pydantic import Field, field_validator

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

    from .view import View


class PrintOptions(FormatOptions):
    """``--lang`` for both renderings; ``--font`` for the PDF."""

    lang: str | None = Field(
        None, description="language of the printed texts (default: the title's first)")

    @field_validator("lang")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return vocab.language_code(value, field="lang") if value else None


class PdfOptions(PrintOptions):
    """The PDF's options."""

    font: Path | None = Field(
        None, description="TrueType font file (default: DejaVu Sans of the system); a "
                          "'-Bold' file beside it is the bold face")


def _views(credentials: Iterable[MicroCredential], ctx: Context,
           lang: str | None) -> list[View]:
    """The printed view of each credential (each reported as the core takes it)."""
    from .view import view_of

    return [view_of(cred, ctx, lang) for cred in credentials]


class HtmlFormat(Format):
    """Any credential as a printable HTML certificate (print CSS for A4, the QR code to verify
    as inline SVG); see docs/formats/html.md."""

    name = "html"
    title = "Printable credential (HTML)"
    extensions = (".html",)
    media_types = ("text/html",)
    fields = fields_for("html")
    many = True
    Options = PrintOptions

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One page holding every credential, one per printed page."""
        from .html import render

        opts = ctx.options
        lang = opts.lang if isinstance(opts, PrintOptions) else None
        stream.write(render(_views(credentials, ctx, lang)).encode("utf-8"))


class PdfFormat(Format):
    """Any credential as a printable PDF certificate (searchable text, Latin, Greek and
    Cyrillic, the QR code to verify); see docs/formats/pdf.md."""

    name = "pdf"
    title = "Printable credential (PDF)"
    extensions = (".pdf",)
    media_types = ("application/pdf",)
    fields = fields_for("pdf")
    many = True
    binary = True
    Options = PdfOptions

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One A4 page per credential."""
        from .pdf import render

        opts = ctx.options
        lang = opts.lang if isinstance(opts, PrintOptions) else None
        font = opts.font if isinstance(opts, PdfOptions) else None
        stream.write(render(_views(credentials, ctx, lang), font))
