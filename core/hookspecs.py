"""Hook specifications of credbridge plugins (pluggy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .formats import Format

hookspec = pluggy.HookspecMarker("credbridge")
hookimpl = pluggy.HookimplMarker("credbridge")


@hookspec
def register_formats(register: Callable[[Format], None]) -> None:
    """Register format handlers: ``register(SomeFormat())``."""
