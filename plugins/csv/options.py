"""The typed options of the ``csv`` format (``CsvFormat.Options``)."""

from __future__ import annotations

from pathlib import Path

from credbridge import vocab
from credbridge.options import FormatOptions
from pydantic import Field, field_validator

from .columns import check_column_map, load_column_map


class CsvOptions(FormatOptions):
    """What the CSV reader and writer can be told (``--columns``, ``--csvw``, ...)."""

    columns: Path | dict[str, str] | None = Field(
        None, description="TOML column map (header in the file = credbridge column)")
    """A TOML file; library callers may also give the map itself (header -> column)."""
    csvw: bool = Field(False, description="write CSVW metadata beside the output file")
    raw_cells: bool = Field(
        False, description="keep cells that start with = + - @ as they are (not neutralised)")
    text_lang: str | None = Field(
        None, description="language of plain text columns such as 'title' "
                          "(default: und, unknown)")

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: Path | dict[str, str] | None) -> Path | dict[str, str] | None:
        return check_column_map(value) if isinstance(value, dict) else value

    @field_validator("text_lang")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        # an unknown language is an error of the call, before any row is read
        return vocab.language_code(value, field="text_lang") if value else None

    @property
    def language(self) -> str:
        """The language of plain text columns (``und`` when not given)."""
        return self.text_lang or "und"

    def column_map(self) -> dict[str, str] | None:
        """The column map (header in the file -> credbridge column), loaded and checked."""
        if self.columns is None:
            return None
        if isinstance(self.columns, dict):
            return dict(self.columns)
        return load_column_map(self.columns)
