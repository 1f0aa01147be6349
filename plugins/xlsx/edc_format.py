"""The ``edc-xlsx`` format: the EC EDC issuer's bulk workbooks (.xlsm/.xlsx)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from credbridge.crosswalk import fields_for
from credbridge.formats import Format

from .options import EdcXlsxOptions
from .workbook import head_members, looks_like_edc, sheet_names

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential


class EdcXlsxFormat(Format):
    """The EC EDC issuer's workbooks: one sheet per class (credentials, persons,
    organisations, achievements, learning outcomes, assessments...), header rows, data rows
    linked across sheets; see docs/formats/edc-xlsx.md.

    Options (:class:`~credbridge.plugins.xlsx.options.EdcXlsxOptions`): ``template`` (the
    empty EC template to fill when writing) and ``max_unpacked_mb`` (the zip-bomb budget).
    """

    name = "edc-xlsx"
    title = "EC EDC issuer workbook (Excel, one sheet per class)"
    extensions = (".xlsm", ".xlsx")
    media_types = ("application/vnd.ms-excel.sheet.macroEnabled.12",)
    fields = fields_for("edc-xlsx")
    many = True
    binary = True
    Options = EdcXlsxOptions

    def sniff(self, head: bytes) -> bool:
        """A workbook whose sheet names are those of the EC issuer's workbooks (or our own
        workbook made without the template, by its keywords)."""
        parts = head_members(head)
        if b"credbridge edc-xlsx workbook" in parts.get("docProps/core.xml", b""):
            return True
        book = parts.get("xl/workbook.xml")
        return book is not None and looks_like_edc(sheet_names(book))

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One credential per data row of the credentials sheet (``ctx.record`` is
        ``row N`` of that sheet); macros are never run, formulas never computed."""
        from .edc_read import read_workbook

        return read_workbook(stream, ctx, edc_options(ctx))

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """Fill the data rows of the EC template (``template``), keeping its sheets, header
        rows and macros; without a template, a plain workbook of the same layout."""
        from .edc_write import write_workbook
        from .writable import writable

        write_workbook(writable(credentials, ctx), stream, ctx, edc_options(ctx))


def edc_options(ctx: Context) -> EdcXlsxOptions:
    """The context's options as :class:`EdcXlsxOptions` (defaults for a hand-made context)."""
    opts = ctx.options
    if isinstance(opts, EdcXlsxOptions):
        return opts
    return EdcXlsxOptions.model_validate(opts.model_dump())
