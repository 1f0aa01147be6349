"""The credbridge extension: canonical JSON that corrects what the standard terms give.

On write, :func:`deep_diff` compares the credential with what a standard reading of the written
document gives back; on read, :func:`overlay` applies that difference again. Objects are
compared key by key (``null`` removes a key), lists and plain values are replaced whole.
"""

from __future__ import annotations

from typing import Any

from credbridge.context import Context
from credbridge.model import MicroCredential
from credbridge.report import Code


def deep_diff(want: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """What to apply to ``got`` to obtain ``want`` (``None`` for a key to remove)."""
    out: dict[str, Any] = {}
    for key in sorted(set(want) | set(got)):
        if key not in want:
            out[key] = None
        elif key not in got:
            out[key] = want[key]
        elif want[key] != got[key]:
            a, b = want[key], got[key]
            out[key] = deep_diff(a, b) if isinstance(a, dict) and isinstance(b, dict) else a
    return out


def _apply(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            target[key] = dict(target[key])
            _apply(target[key], value)
        else:
            target[key] = value


def overlay(out: dict[str, Any], extension: Any, ctx: Context) -> None:
    """Apply a ``credbridgeCanonical`` object to canonical data ``out``."""
    if not isinstance(extension, dict):
        ctx.say(Code.IGNORED_INPUT, None, "credbridgeCanonical is not a JSON object")
        return
    known = set(MicroCredential.model_fields) - {"extensions", "proof"}
    patch = {}
    for key, value in extension.items():
        if key not in known:
            ctx.say(Code.IGNORED_INPUT, None, f"credbridgeCanonical: unknown field {key!r}")
            continue
        patch[key] = value
    _apply(out, patch)
