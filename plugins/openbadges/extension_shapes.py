"""The shapes of the extensions the Open Badges writers read (``ob3:*`` and ``ob2:*``, kept by
the readers of both versions): a value of another shape is left out and reported, never a
crash (:func:`credbridge.model.fit_extensions`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A section of the original document kept on read (``raw``: its JSON)."""

    model_config = ConfigDict(extra="allow")

    raw: dict[str, Any] = {}


SHAPES: dict[str, Any] = {
    "ob3:achievement": dict[str, Any],
    "ob3:credential": dict[str, Any],
    "ob3:subject": dict[str, Any],
    "ob3:issuer": dict[str, Any],
    "ob3:creator": dict[str, Any],
    "ob3:contexts": list[Any],
    "ob3:credentialSchema": list[Any],
    "ob3:more_subjects": list[Any],
    "ob3:sections": dict[str, Section],
    "ob2:assertion": dict[str, Any],
    "ob2:badge": dict[str, Any],
    "ob2:issuer": dict[str, Any],
    "ob2:source": dict[str, Any],
    "ob2:sections": dict[str, Section],
}
