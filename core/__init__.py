"""credbridge: micro-credentials across Europass EDC, ELM, Open Badges, DS/ELMO and CSV.

The library API::

    import credbridge
    result = credbridge.convert("in.csv", to="canonical")   # output bytes + report
    for cred in credbridge.read("in.csv"):                  # streamed MicroCredential objects
        ...
"""

from __future__ import annotations

__version__ = "0.1.0"

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

# Public names and the module that defines each; imported on first use (PEP 562) so that
# `credbridge formats` starts without building the pydantic model.
_LAZY = {
    "Batch": "batch", "BatchResult": "batch",
    "check": "check",
    "Context": "context", "Policy": "context", "Source": "context",
    "ConversionResult": "convert", "convert": "convert", "detect": "convert", "read": "convert",
    "write": "convert",
    "CredbridgeError": "errors", "InputError": "errors", "UsageError": "errors",
    "Format": "formats",
    "hookimpl": "hookspecs",
    "MicroCredential": "model",
    "FormatOptions": "options",
    "get_formats": "plugin_manager",
    "Code": "report", "Message": "report", "Report": "report", "Severity": "report",
}

if TYPE_CHECKING:
    from .batch import Batch, BatchResult
    from .check import check
    from .context import Context, Policy, Source
    from .convert import ConversionResult, convert, detect, read, write
    from .errors import CredbridgeError, InputError, UsageError
    from .formats import Format
    from .hookspecs import hookimpl
    from .model import MicroCredential
    from .options import FormatOptions
    from .plugin_manager import get_formats
    from .report import Code, Message, Report, Severity


_SHADOWED = frozenset({"check", "convert"})
"""Public functions named like the submodule that defines them."""


class _Package(ModuleType):
    """Importing ``credbridge.convert`` (or ``.check``) makes the import system set the package
    attribute to the submodule; the public name must stay the function, whatever was imported
    first (as it was when these names were imported eagerly)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'credbridge' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Batch",
    "BatchResult",
    "Code",
    "Context",
    "ConversionResult",
    "CredbridgeError",
    "Format",
    "FormatOptions",
    "InputError",
    "Message",
    "MicroCredential",
    "Policy",
    "Report",
    "Severity",
    "Source",
    "UsageError",
    "__version__",
    "check",
    "convert",
    "detect",
    "get_formats",
    "hookimpl",
    "read",
    "write",
]
