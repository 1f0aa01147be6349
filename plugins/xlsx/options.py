"""The typed options of the ``xlsx`` and ``edc-xlsx`` formats."""

from __future__ import annotations

from pathlib import Path

from credbridge import vocab
from credbridge.options import FormatOptions
from pydantic import Field, field_validator

from .columns import check_column_map, load_column_map
from .workbook import MAX_UNPACKED_BYTES, Budget


def _megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


class WorkbookOptions(FormatOptions):
    """What both workbook formats can be told."""

    max_unpacked_mb: int = Field(
        _megabytes(MAX_UNPACKED_BYTES), ge=1,
        description="refuse a workbook whose parts unpack to more than this many MiB "
                    "(a zip bomb)")

    def budget(self) -> Budget:
        """The size budget of one workbook read."""
        return Budget(unpacked_bytes=self.max_unpacked_mb * 1024 * 1024)


class XlsxOptions(WorkbookOptions):
    """``--columns``, ``--text-lang`` (as for CSV) and ``--sheet``."""

    columns: Path | dict[str, str] | None = Field(
        None, description="TOML column map (header in the sheet = credbridge column), as for csv")
    text_lang: str | None = Field(
        None, description="language of plain text columns such as 'title' "
                          "(default: und, unknown)")
    sheet: str | None = Field(
        None, description="the sheet to read (default: the first one)")

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: Path | dict[str, str] | None) -> Path | dict[str, str] | None:
        return check_column_map(value) if isinstance(value, dict) else value

    @field_validator("text_lang")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return vocab.language_code(value, field="text_lang") if value else None

    @property
    def language(self) -> str:
        """The language of plain text columns (``und`` when not given)."""
        return self.text_lang or "und"

    def column_map(self) -> dict[str, str] | None:
        """The column map (header in the sheet -> credbridge column), loaded and checked."""
        if self.columns is None:
            return None
        if isinstance(self.columns, dict):
            return dict(self.columns)
        return load_column_map(self.columns)


class EdcXlsxOptions(WorkbookOptions):
    """What the EC issuer workbook reader and writer can be told."""

    template: Path | None = Field(
        None, description="the empty EC issuer template to fill when writing "
                          "(EDC_template-generic.xlsm of the EC issuer); needed to write")
