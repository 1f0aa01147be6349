"""Format options passed from the CLI or the library to readers and writers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Options(dict[str, Any]):
    """A plain mapping of option name to value (``columns``, ``csvw``, ``raw_cells``...).

    Formats read the options they know and ignore the others.
    """

    @classmethod
    def of(cls, value: Options | Mapping[str, Any] | None) -> Options:
        """Options from a mapping or ``None``."""
        if isinstance(value, Options):
            return value
        return cls(value or {})
