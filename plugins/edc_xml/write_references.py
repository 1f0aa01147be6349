"""The ``…References`` sections of an EDC XML document, collected while writing and appended
in schema order at the end.

The sections need three things of the document writer, named by :class:`SectionWriter`; this
module imports no other writer module, so the writers depend on it and not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from credbridge.model import Organisation
from lxml import etree

from .names import q
from .write_base import sub


class SectionWriter(Protocol):
    """What :class:`References` uses of the document writer (``write_agents.AgentWriter``)."""

    @property
    def orgs(self) -> Mapping[str, tuple[Organisation, str, str]]:
        """The organisations of the document: key -> (organisation, id, canonical role)."""
        ...

    def text_el(self, parent: Any, name: str, text: dict[str, str], field: str,
                *, note: bool = False, always: bool = False) -> Any | None:
        """A TextType element appended to ``parent`` (none when empty)."""
        ...

    def organisation(self, org: Organisation, ident: str, role: str) -> Any:
        """The ``organization`` element of one organisation."""
        ...


class References:
    """The ``…References`` sections, written in schema order at the end."""

    def __init__(self, writer: SectionWriter) -> None:
        self.writer = writer
        self.spec: Any | None = None
        self.stubs: dict[str, Any] = {}
        self.outcomes: list[Any] = []
        self.assessment_spec: Any | None = None
        self.awarding: tuple[str, list[str]] | None = None
        self.scoring: Any | None = None

    def stub(self, ident: str, title: dict[str, str]) -> None:
        """A minimal ``learningSpecification`` that a part / specialisation link names."""
        if ident in self.stubs:
            return
        el = etree.Element(q("learningSpecification"), id=ident)
        if title:
            self.writer.text_el(el, "title", title, "stackability")
        self.stubs[ident] = el

    def write(self, root: Any) -> None:
        """Append the sections to ``root`` in schema order."""
        if self.spec is not None:
            section = sub(root, "learningSpecificationReferences")
            section.append(self.spec)
            spec_id = self.spec.get("id")
            for ident, el in self.stubs.items():
                if ident != spec_id:
                    section.append(el)
        if self.outcomes:
            section = sub(root, "learningOutcomeReferences")
            for el in self.outcomes:
                section.append(el)
        if self.assessment_spec is not None:
            sub(root, "assessmentSpecificationReferences").append(self.assessment_spec)
        orgs = self.writer.orgs
        if orgs:
            section = sub(root, "agentReferences")
            for org, ident, role in orgs.values():
                section.append(self.writer.organisation(org, ident, role))
        if self.awarding is not None:
            process_id, bodies = self.awarding
            section = sub(root, "awardingProcessReferences")
            process = sub(section, "awardingProcess", id=process_id)
            for body in bodies:
                sub(process, "awardingBody", idref=body)
        if self.scoring is not None:
            sub(root, "scoringSchemeReferences").append(self.scoring)
