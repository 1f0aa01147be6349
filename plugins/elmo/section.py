"""A Diploma Supplement section as credbridge handles it, and the fixed words of the credbridge
text convention (docs/formats/ds.md) shared by the section writer and reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .template import NOT_APPLICABLE

KEPT_SECTIONS = "ds:sections"
"""The extension key of the sections kept verbatim, shared by ``ds``, ``ds-html`` and ``elmo``
(which declare ``extensions.ds`` in their fields)."""


@dataclass
class Section:
    """One DS section as it appears in the XML (sub-sections are kept flat, by number)."""

    number: str
    title: str
    content: str | None = None
    content_type: str | None = None
    info: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    """Serialised ``attachment`` elements (XML text), kept as they were."""

    def is_empty(self) -> bool:
        """True when the section says nothing (no content, or "Not applicable")."""
        return (self.content in (None, "", NOT_APPLICABLE) and not self.info
                and not self.attachments)

    def to_json(self) -> dict[str, Any]:
        """The verbatim form kept in ``extensions`` (no empty values)."""
        out: dict[str, Any] = {"title": self.title}
        if self.content is not None:
            out["content"] = self.content
        if self.content_type:
            out["content_type"] = self.content_type
        if self.info:
            out["additional_information"] = list(self.info)
        if self.attachments:
            out["attachments"] = list(self.attachments)
        return out

    @classmethod
    def from_json(cls, number: str, data: dict[str, Any]) -> Section:
        """The inverse of :meth:`to_json` (tolerant of missing keys)."""
        info = [str(i) for i in data.get("additional_information", [])]
        return cls(number, str(data.get("title", "")), data.get("content"),
                   data.get("content_type"), info, [str(a) for a in data.get("attachments", [])])


# Labels of the "Label: value" lines in additionalInformation (sections 4.3, 4.4, 4.5, 5.1, 6.1)
LABEL_ASSESSMENT_TYPE = "Assessment type"
LABEL_SUPERVISION = "Supervision and identity verification"
LABEL_ID_CHECKED = "Identity checked"
LABEL_ASSESSED = "Assessment date"
LABEL_DESCRIPTION = "Assessment"
LABEL_STATUS = "Status"
QA_LABELS = {"Quality assurance type": "type", "Quality assurance body": "body",
             "Quality assurance register entry": "register_entry",
             "Quality assurance decision": "decision",
             "Quality assurance valid until": "valid_until"}
QA_BODY_LABELS = {"Quality assurance body identifier": "id",
                  "Quality assurance body legal identifier": "legal_identifier",
                  "Quality assurance body address": "address",
                  "Quality assurance body URL": "url",
                  "Quality assurance body email": "email"}
"""Lines after "Quality assurance body", each a field of that body (the legal identifier's
country in parentheses)."""
SCHEME_LABELS = {"Description": "description", "Minimum": "min", "Maximum": "max",
                 "Pass mark": "pass"}


ABSOLUTE_URI = re.compile(r"[a-z][a-z0-9+.-]*:\S+")
"""What the convention reads as a URI (a link of 6.2, a code named by URI): fullmatch."""


def iso(value: Any) -> str:
    """ISO 8601 text of a date or date-time (UTC written as ``Z``)."""
    return str(value.isoformat()).replace("+00:00", "Z")


