"""The shapes of the extensions the Open Badges writers read (``ob3:*`` and ``ob2:*``, kept by
the readers of both versions): a value of another shape is left out and reported, never a
crash (:func:`credbridge.model.fit_extensions`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict


class Section(BaseModel):
    """A section of the original document kept on read: its JSON (``raw``, any JSON) and the
    digest of what it gave (``read``)."""

    model_config = ConfigDict(extra="allow")

    raw: Any = None
    read: str | None = None


def _badge_is_an_object(sections: dict[str, Section]) -> dict[str, Section]:
    badge = sections.get("badge")
    if badge is not None and badge.raw is not None and not isinstance(badge.raw, dict):
        raise ValueError("the badge section's JSON is not an object")
    return sections


def _known(url: str) -> str:
    from .contexts import known_context

    if not known_context(url):
        raise ValueError(f"{url} is not a context credbridge knows")
    return url


Context = Annotated[str, AfterValidator(_known)] | dict[str, Any]
"""A context the source named: a URL credbridge knows (it never fetches one), or inline."""

Sections = Annotated[dict[str, Section], AfterValidator(_badge_is_an_object)]
"""The kept sections by name (the writers read the badge's as an object)."""


SHAPES: dict[str, Any] = {
    "ob3:achievement": dict[str, Any],
    "ob3:credential": dict[str, Any],
    "ob3:subject": dict[str, Any],
    "ob3:issuer": dict[str, Any],
    "ob3:creator": dict[str, Any],
    "ob3:contexts": list[Context],
    "ob3:credentialSchema": list[Any],
    "ob3:more_subjects": list[Any],
    "ob3:sections": Sections,
    "ob2:assertion": dict[str, Any],
    "ob2:badge": dict[str, Any],
    "ob2:issuer": dict[str, Any],
    "ob2:source": dict[str, Any],
    "ob2:sections": Sections,
}
