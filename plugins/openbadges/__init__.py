"""``ob3`` and ``ob2``: Open Badges 3.0 and 2.0, both directions, with baked PNG/SVG badges
(docs/formats/ob3.md, docs/formats/ob2.md)."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .ob2_format import Ob2Format
from .ob3_format import Ob3Format


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the Open Badges formats."""
    register(Ob3Format())
    register(Ob2Format())
