"""``canonical``: the JSON of the canonical model itself (one object, an array, or JSON Lines)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.hookspecs import hookimpl

from .format import CanonicalFormat


@hookimpl
def register_formats(register: Callable[[CanonicalFormat], None]) -> None:
    """Register the canonical JSON format."""
    register(CanonicalFormat())
