"""The shapes of the extensions the ``elmo``, ``ds`` and ``ds-html`` writers read: a value of
another shape is left out and reported, never a crash
(:func:`credbridge.model.fit_extensions`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from .ds_map import KEPT_LANGUAGE
from .section import KEPT_SECTIONS


def _one_element(text: str) -> str:
    """``text`` when it is one XML element (the writer inserts it as it is), else a
    ValueError; parsed with credbridge's XML policy (no DTD, entity, processing instruction or
    XInclude, within the budgets: :func:`credbridge.safety.parse_xml`)."""
    from credbridge.errors import InputError
    from credbridge.safety import parse_xml

    try:
        parse_xml(text.encode("utf-8"), what="the XML element")
    except InputError as exc:
        raise ValueError(f"not one XML element ({exc.message})") from None
    return text


XmlElement = Annotated[str, AfterValidator(_one_element)]
"""The text of one XML element (an ``attachment`` kept verbatim)."""


class KeptSection(BaseModel):
    """A Diploma Supplement section kept verbatim (:meth:`.section.Section.to_json`)."""

    model_config = ConfigDict(extra="allow")

    title: str = ""
    content: str | None = None
    content_type: str | None = None
    additional_information: list[str] = []
    attachments: list[XmlElement] = []


SHAPES: dict[str, Any] = {
    KEPT_SECTIONS: dict[str, KeptSection],
    KEPT_LANGUAGE: str,
    "elmo:attachments": list[XmlElement],
    "elmo:attachment-refs": list[str],
    "elmo:identifiers": list[tuple[str, str]],
    "elmo:type": str,
    "elmo:start": str,
    "elmo:generated-date": str,
    "elmo:grading-scheme-id": str,
}
