"""The shapes of the ``elm:*`` extensions the ELM writers read: a value of another shape is
left out and reported, never a crash (:func:`credbridge.model.fit_extensions`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Identifier(BaseModel):
    """An identifier kept on read (``value`` and, optionally, its scheme)."""

    model_config = ConfigDict(extra="allow")

    value: str


Texts = dict[str, str]
"""A multilingual text: language -> text."""

SHAPES: dict[str, Any] = {
    "elm:display_title": Texts,
    "elm:display_description": Texts,
    "elm:specification_title": Texts,
    "elm:assessment_title": Texts,
    "elm:assessment_specification_title": Texts,
    "elm:credential_profiles": list[str],
    "elm:credential_identifiers": list[Identifier],
    "elm:concepts": dict[str, dict[str, Any]],
    "elm:issuer_eidas": dict[str, Any],
    "elm:sealed": str,
    "elm:issuance_date": str,
    "elm:awarding_date": str,
    "elm:specification_type": str,
    "elm:volume_of_learning": str,
}
