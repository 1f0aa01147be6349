"""credbridge-example-format: a third-party format plugin for credbridge.

credbridge finds this module through the ``credbridge`` entry-point group declared in
pyproject.toml and calls its ``register_formats`` hook, exactly as it does for its built-in
formats.
"""

from __future__ import annotations

from collections.abc import Callable

from credbridge import Format, hookimpl

from .format import ExampleJsonFormat

__all__ = ["ExampleJsonFormat", "register_formats"]


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the ``example-json`` format."""
    register(ExampleJsonFormat())
