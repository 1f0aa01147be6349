"""``clr``: 1EdTech Comprehensive Learner Record 2.0, both directions (docs/formats/clr.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .format import ClrFormat


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the CLR format."""
    register(ClrFormat())
