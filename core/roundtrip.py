"""The round-trip helper the laws and the conformance kit are built on.

``write_read`` is meshio's round-trip helper for credentials: write with a format, read the
bytes back with the same format, and return what came back with the report of both steps. It
lives here, below both :mod:`credbridge.laws` and :mod:`credbridge.testing` (which re-exports
it), so that neither imports the other.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from .convert import read, write
from .model import MicroCredential
from .options import OptionsInput
from .report import Report

__all__ = ["write_read"]


def write_read(
    format_name: str,
    credentials: MicroCredential | Iterable[MicroCredential],
    options: OptionsInput = None,
) -> tuple[list[MicroCredential], bytes, Report]:
    """Write ``credentials`` as ``format_name``, read them back; return (credentials, bytes,
    report of both steps)."""
    creds = [credentials] if isinstance(credentials, MicroCredential) else list(credentials)
    report = Report()
    data = write(creds, None, to=format_name, report=report, options=options) or b""
    back = list(read(io.BytesIO(data), from_format=format_name, report=report, options=options))
    return back, data, report
