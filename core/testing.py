"""Test helpers for credbridge and for authors of format plugins.

``write_read`` is meshio's round-trip helper for credentials: write with a format, read the
bytes back with the same format, and return what came back with the report of both steps.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .coverage import carried_as, present_fields
from .model import MicroCredential
from .options import Options
from .plugin_manager import get_formats
from .report import Report

SHARED_ENV = "CREDBRIDGE_SHARED"


def write_read(
    format_name: str,
    credentials: MicroCredential | Iterable[MicroCredential],
    options: Options | dict[str, Any] | None = None,
) -> tuple[list[MicroCredential], bytes, Report]:
    """Write ``credentials`` as ``format_name``, read them back; return (credentials, bytes,
    report of both steps)."""
    from .convert import read, write

    creds = [credentials] if isinstance(credentials, MicroCredential) else list(credentials)
    report = Report()
    data = write(creds, None, to=format_name, report=report, options=options) or b""
    back = list(read(io.BytesIO(data), from_format=format_name, report=report, options=options))
    return back, data, report


def carried_subset(credential: MicroCredential, format_name: str) -> dict[str, Any]:
    """The canonical JSON of ``credential`` restricted to the fields ``format_name`` carries
    exactly or as an extension (what a round trip through it must keep)."""
    fmt = get_formats().get(format_name)
    keep = {p for p in present_fields(credential)
            if carried_as(p, fmt.fields) in ("exact", "extension")}
    return {p: _value_at(credential.to_json_dict(), p) for p in sorted(keep)}


def _value_at(data: Any, path: str) -> Any:
    head, sep, tail = path.partition(".")
    if head.endswith("[]"):
        items = data.get(head[:-2], []) if isinstance(data, dict) else []
        return [_value_at(i, tail) if tail else i for i in items]
    value = data.get(head) if isinstance(data, dict) else None
    return _value_at(value, tail) if sep and value is not None else value


def shared_dir(start: Path | None = None) -> Path | None:
    """The shared data folder: ``$CREDBRIDGE_SHARED``, else ``../shared`` beside the repo root."""
    env = os.environ.get(SHARED_ENV)
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    here = (start or Path.cwd()).resolve()
    for parent in (here, *here.parents):
        candidate = parent.parent / "shared"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate
    return None
