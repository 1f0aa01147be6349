"""The shapes of the ``edc-xml:*`` extensions the EDC XML writer reads: a value of another
shape is left out and reported, never a crash (:func:`credbridge.model.fit_extensions`)."""

from __future__ import annotations

from typing import Any, Literal

from credbridge.model import DecimalNumber

SHAPES: dict[str, Any] = {
    "edc-xml:texts": dict[str, dict[str, str]],
    "edc-xml:ids": dict[str, str | list[str]],
    "edc-xml:specification_types": list[str],
    "edc-xml:credit_points": list[DecimalNumber],
    "edc-xml:sealed": str,
    "edc-xml:achievement_kind": Literal["learningAchievement", "qualificationAward"],
}
