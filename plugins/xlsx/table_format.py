"""The ``xlsx`` format: the credbridge table (the columns of ``csv``) in an Excel workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from credbridge.crosswalk import fields_for
from credbridge.formats import Format

from .options import XlsxOptions
from .workbook import head_members, looks_like_edc, sheet_names

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxFormat(Format):
    """Micro-credentials as a spreadsheet, one row each, the columns of ``csv``; see
    docs/formats/xlsx.md.

    Options (:class:`~credbridge.plugins.xlsx.options.XlsxOptions`): ``columns`` (a TOML
    column map, as for CSV), ``text_lang`` (the language of plain text columns), ``sheet``
    (the sheet to read) and ``max_unpacked_mb`` (the zip-bomb budget).
    """

    name = "xlsx"
    title = "Excel workbook (one row per credential, the CSV columns)"
    extensions = (".xlsx",)
    media_types = (MEDIA_TYPE,)
    fields = fields_for("xlsx")
    many = True
    binary = True
    Options = XlsxOptions

    def sniff(self, head: bytes) -> bool:
        """Our own output (its keywords name the credbridge table), or a workbook whose sheet
        names are not those of an EC issuer workbook."""
        parts = head_members(head)
        core = parts.get("docProps/core.xml", b"")
        if b"credbridge credential table" in core:
            return True
        book = parts.get("xl/workbook.xml")
        return book is not None and b"<sheet" in book and not looks_like_edc(sheet_names(book))

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One credential per data row of the sheet (``ctx.record`` is ``row N``)."""
        from .table_read import read_table

        return read_table(stream, ctx, xlsx_options(ctx))

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """A workbook with one sheet: the header row and one typed row per credential."""
        from .table_write import write_table
        from .writable import writable

        write_table(writable(credentials, ctx), stream, ctx, xlsx_options(ctx))


def xlsx_options(ctx: Context) -> XlsxOptions:
    """The context's options as :class:`XlsxOptions` (defaults for a hand-made context)."""
    opts = ctx.options
    if isinstance(opts, XlsxOptions):
        return opts
    return XlsxOptions.model_validate(opts.model_dump())
