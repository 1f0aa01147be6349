"""Compare two credentials at the canonical level (``credbridge diff``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import MicroCredential


@dataclass(frozen=True)
class Difference:
    """One differing canonical path: the value on each side (``None`` when absent)."""

    path: str
    left: Any
    right: Any

    @property
    def kind(self) -> str:
        """``only-left``, ``only-right`` or ``changed``."""
        if self.right is None:
            return "only-left"
        if self.left is None:
            return "only-right"
        return "changed"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "kind": self.kind, "left": self.left, "right": self.right}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Canonical JSON as ``{path: leaf}``: ``awarding_bodies[0].name.en``, ``title.fr``..."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
    else:
        out[prefix] = value
    return out


def diff(left: MicroCredential, right: MicroCredential) -> list[Difference]:
    """The canonical paths whose values differ, in path order."""
    a, b = flatten(left.to_json_dict()), flatten(right.to_json_dict())
    return [Difference(p, a.get(p), b.get(p)) for p in sorted(set(a) | set(b))
            if a.get(p) != b.get(p)]
