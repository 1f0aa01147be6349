"""Validation against the official 1EdTech JSON Schemas (offline, from a schemas folder) and
JSON-LD safe mode (offline, with the bundled contexts: :mod:`.jsonld_safe`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import contexts as C


@lru_cache(maxsize=4)
def _validator(path: str) -> Any:
    import jsonschema

    schema = json.loads(Path(path).read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft201909Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_file(schemas: Path) -> Path:
    """The achievement-credential schema under ``schemas`` (the folder or its ``ob3/``)."""
    for candidate in (schemas / "ob3" / C.OB3_SCHEMA_FILE, schemas / C.OB3_SCHEMA_FILE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{C.OB3_SCHEMA_FILE} not found under {schemas} (or its ob3/)")


def schema_problems(doc: Any, schemas: Path) -> list[str]:
    """One line per violation of the OB 3.0 achievement-credential schema ([] = valid)."""
    validator = _validator(str(schema_file(schemas)))
    out = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path) or "(document)"
        out.append(f"{path}: {error.message[:300]}")
    return out


def json_ld_problems(doc: Any, *, json_ld_10: bool = False) -> list[str]:
    """One line per JSON-LD safe-mode problem of ``doc`` (``JSON-LD: path: why``), the
    credential id's included; ``json_ld_10`` processes as JSON-LD 1.0 (OB 2.0)."""
    from . import jsonld_safe

    if not isinstance(doc, dict):
        return []
    found = [str(p) for p in jsonld_safe.problems(doc, json_ld_10=json_ld_10)]
    return [f"JSON-LD: {p}" for p in [*jsonld_safe.id_problems(doc), *found]]
