"""credbridge: micro-credentials across Europass EDC, ELM, Open Badges, DS/ELMO and CSV.

The library API::

    import credbridge
    result = credbridge.convert("in.csv", to="canonical")   # output bytes + report
    for cred in credbridge.read("in.csv"):                  # streamed MicroCredential objects
        ...
"""

from __future__ import annotations

__version__ = "0.1.0"

from .check import check
from .convert import ConversionResult, convert, detect, read, write
from .errors import CredbridgeError, InputError, UsageError
from .formats import Format
from .hookspecs import hookimpl
from .model import MicroCredential
from .options import Options
from .plugin_manager import get_formats
from .report import Code, Message, Report, Severity

__all__ = [
    "Code",
    "ConversionResult",
    "CredbridgeError",
    "Format",
    "InputError",
    "Message",
    "MicroCredential",
    "Options",
    "Report",
    "Severity",
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
