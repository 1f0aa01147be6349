"""The ``csv`` format: one row per credential, the crosswalk's column set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from credbridge import vocab
from credbridge.crosswalk import fields_for
from credbridge.formats import Format
from credbridge.options import Options
from credbridge.report import Report

from .columns import load_column_map

if TYPE_CHECKING:
    from credbridge.model import MicroCredential


class CsvFormat(Format):
    """Micro-credentials as a CSV table (RFC 4180), one row each; see docs/formats/csv.md.

    Options: ``columns`` (path of a TOML column map, or a dict header -> credbridge column),
    ``raw_cells`` (do not neutralise formula-like cells), ``csvw_path`` (write CSVW metadata),
    ``text_language`` (the language of plain text columns such as ``title``; default ``und``).
    """

    name = "csv"
    title = "CSV table (one row per credential)"
    extensions = (".csv",)
    media_types = ("text/csv",)
    fields = fields_for("csv")
    many = True

    def sniff(self, head: bytes) -> bool:
        """A CSV credbridge can read starts with a header naming credbridge columns."""
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        return b"," in first and (b"credential_id" in first or b"title" in first) and \
            not first.lstrip().startswith((b"{", b"<", b"["))

    def read(
        self, stream: IO[bytes], report: Report, options: Options
    ) -> Iterator[MicroCredential]:
        """One credential per data row; bad rows are reported with their number."""
        from .reader import read_rows

        return read_rows(self, stream, report, _column_map(options), _text_language(options),
                         int(options.get("record_offset", 0)))

    def chunks(self, stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
        """Split a CSV into self-contained CSVs of ``size`` rows (each with the header), with
        the number of rows before each: the unit of work of ``--jobs``."""
        from .reader import split_rows

        return split_rows(stream, size)

    def write(
        self,
        credentials: Iterable[MicroCredential],
        stream: IO[bytes],
        report: Report,
        options: Options,
    ) -> None:
        """Write the rows; formula-like cells are neutralised unless ``raw_cells``."""
        from .writer import write_rows

        csvw = options.get("csvw_path")
        write_rows(self, credentials, stream, report,
                   raw_cells=bool(options.get("raw_cells")),
                   column_map=_column_map(options),
                   csvw_path=str(csvw) if csvw else None,
                   text_language=_text_language(options))


def _column_map(options: Options) -> dict[str, str] | None:
    value = options.get("columns")
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return load_column_map(Path(str(value)))


def _text_language(options: Options) -> str:
    value = options.get("text_language")
    return vocab.language_code(str(value)) if value else "und"
