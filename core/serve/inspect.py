"""The answers of ``/detect``, ``/check``, ``/validate`` and ``/coverage``: the CLI commands'
JSON, computed by the same library calls."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..check import check
from ..convert import read
from ..coverage import carried_as, present_fields
from ..errors import UsageError
from ..formats import SNIFF_BYTES, Format
from ..plugin_manager import get_formats
from ..report import Report
from ..schemas import check_folder, validator_import_error

MAX_COVERAGE = 100
"""Credentials of one document shown by ``/coverage`` (the page shows the first)."""


class Named(io.BytesIO):
    """A document's bytes with the name the client gave it (for detection and messages)."""

    def __init__(self, data: bytes, name: str | None) -> None:
        super().__init__(data)
        self.name = name


def detect(data: bytes, name: str | None) -> dict[str, Any]:
    """``{"file": name, "format": ...}``: the format by extension, else by content (as
    ``credbridge detect``); an unknown or ambiguous one raises."""
    fmt = get_formats().detect(data[:SNIFF_BYTES], name)
    return {"file": name, "format": fmt.name, "title": fmt.title}


def source_format(data: bytes, name: str | None, from_format: str | None) -> Format:
    """The format of a document: named by the client (must be readable), else detected."""
    registry = get_formats()
    if from_format:
        return registry.get(from_format, need="read")
    return registry.detect(data[:SNIFF_BYTES], name)


def check_document(data: bytes, name: str | None, from_format: str | None,
                   max_bytes: int | None, report: Report) -> list[dict[str, Any]]:
    """The Annex I check of each credential, as ``credbridge check --json`` prints it."""
    fmt = source_format(data, name, from_format)
    results = []
    for position, cred in enumerate(read(Named(data, name), from_format=fmt.name,
                                         report=report, max_bytes=max_bytes), 1):
        results.append(dict(file=name, record=position, **check(cred).to_dict()))
    return results


def validate_document(data: bytes, name: str | None, from_format: str | None,
                      schemas: Path) -> dict[str, Any]:
    """``{"file", "format", "valid", "problems"}`` as ``credbridge validate --json`` prints
    it for one file, against the official schemas in ``schemas``."""
    fmt = source_format(data, name, from_format)
    if not fmt.can_validate:
        raise UsageError(f"credbridge has no validator for format {fmt.name}")
    check_folder(fmt.name, schemas)
    try:
        problems = fmt.validate(data, schemas)
    except ImportError as exc:
        error = validator_import_error(exc)
        if error is None:
            raise
        raise error from None
    return {"file": name, "format": fmt.name, "valid": not problems, "problems": problems}


def how_carried(path: str, target: Format) -> str:
    """How ``target`` carries a present field: the core's coverage rule (a format family's
    extensions are kept by every format of the family that declares them)."""
    if path.startswith("extensions."):
        family = path[len("extensions."):].split(":", 1)[0]
        fields = target.fields
        if fields.get("*") == "exact" or family == target.name or "extensions" in fields \
                or f"extensions.{family}" in fields:
            return "extension" if fields.get("*") != "exact" else "exact"
        return "dropped"
    return carried_as(path, target.fields) or "dropped"


def coverage(data: bytes, name: str | None, from_format: str | None, max_bytes: int | None,
             report: Report) -> dict[str, Any]:
    """For each credential (the first :data:`MAX_COVERAGE`): the fields it holds and how
    each writable format carries each (``exact``, ``lossy``, ``extension``, or ``dropped``:
    what the core reports before writing; writers may also approximate, which only a
    conversion's report says)."""
    fmt = source_format(data, name, from_format)
    targets = [f for f in get_formats() if f.can_write]
    credentials = []
    truncated = False
    for position, cred in enumerate(read(Named(data, name), from_format=fmt.name,
                                         report=report, max_bytes=max_bytes), 1):
        if position > MAX_COVERAGE:
            truncated = True
            break
        paths = list(present_fields(cred))
        credentials.append({
            "record": cred.id or position,
            "fields": paths,
            "targets": {t.name: {p: how_carried(p, t) for p in paths} for t in targets},
        })
    return {"file": name, "source_format": fmt.name, "targets": [t.name for t in targets],
            "credentials": credentials, "truncated": truncated}
