"""The ``csv`` format: one row per credential, the crosswalk's column set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from credbridge.crosswalk import fields_for
from credbridge.formats import Format

from .options import CsvOptions

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential


class CsvFormat(Format):
    """Micro-credentials as a CSV table (RFC 4180), one row each; see docs/formats/csv.md.

    Options (:class:`~credbridge.plugins.csv.options.CsvOptions`): ``columns`` (a TOML column
    map), ``csvw`` (write CSVW metadata beside the output file), ``raw_cells`` (do not
    neutralise formula-like cells), ``text_lang`` (the language of plain text columns such as
    ``title``; default ``und``).
    """

    name = "csv"
    title = "CSV table (one row per credential)"
    extensions = (".csv",)
    media_types = ("text/csv",)
    fields = fields_for("csv")
    many = True
    Options = CsvOptions

    def sniff(self, head: bytes) -> bool:
        """A CSV credbridge can read starts with a header naming credbridge columns."""
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        return b"," in first and (b"credential_id" in first or b"title" in first) and \
            not first.lstrip().startswith((b"{", b"<", b"["))

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One credential per data row (``ctx.record`` is ``row N``); bad rows are reported
        with their number and the batch goes on."""
        from .reader import read_rows

        return read_rows(stream, ctx, csv_options(ctx))

    def chunks(self, stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
        """Split a CSV into self-contained CSVs of ``size`` rows (each with the header), with
        the number of rows before each: the unit of work of ``--jobs``."""
        from .reader import split_rows

        return split_rows(stream, size)

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """Write the rows; formula-like cells are neutralised unless ``raw_cells``; with
        ``csvw`` the metadata goes to ``<output file>-metadata.json``."""
        from .writer import write_rows

        write_rows(credentials, stream, ctx, csv_options(ctx))


def csv_options(ctx: Context) -> CsvOptions:
    """The context's options as :class:`CsvOptions` (the core gives the format its own
    model; a context made by hand with the base model gets the defaults)."""
    opts = ctx.options
    if isinstance(opts, CsvOptions):
        return opts
    return CsvOptions.model_validate(opts.model_dump())
