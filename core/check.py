"""Annex I completeness (EU Council Recommendation 2022/C 243/02; crosswalk §5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .model import MicroCredential

Kind = Literal["mandatory", "if-applicable", "optional", "informative"]


@dataclass(frozen=True)
class Element:
    """One Annex I element and how to tell that a credential has it."""

    number: int | None
    name: str
    kind: Kind
    paths: str
    test: Callable[[MicroCredential], bool]


def _has_text(text: dict[str, str] | None) -> bool:
    return bool(text) and any(v.strip() for v in (text or {}).values())


def _learner(c: MicroCredential) -> bool:
    p = c.learner
    if p is None:
        return False
    named = bool(p.full_name) or bool(p.given_name and p.family_name)
    return named or bool(p.id or p.identifiers or p.email or p.national_id)


def _country(c: MicroCredential) -> bool:
    return any(b.country for b in c.awarding_bodies) or bool(c.issuer and c.issuer.country)


def _workload(c: MicroCredential) -> bool:
    w = c.workload
    return w is not None and bool(w.ects or w.hours or w.credits)


def _levels(c: MicroCredential) -> bool:
    v = c.levels
    return v is not None and bool(
        v.eqf or v.qf_ehea or v.nqf or v.isced_level is not None or v.sqf
    )


def _assessment_type(c: MicroCredential) -> bool:
    a = c.assessment
    return a is not None and bool(a.types or _has_text(a.description))


def _supervision(c: MicroCredential) -> bool:
    a = c.assessment
    return a is not None and (a.supervision is not None or a.identity_checked is not None)


def _stackability(c: MicroCredential) -> bool:
    return c.stackability is not None and not c.stackability.is_empty()


def _further(c: MicroCredential) -> bool:
    f = c.further_information
    return f is not None and (_has_text(f.text) or bool(f.links))


ELEMENTS: tuple[Element, ...] = (
    Element(1, "Identification of the learner", "mandatory",
            "learner.full_name | learner.given_name+family_name | learner.id/identifiers/email/"
            "national_id", _learner),
    Element(2, "Title of the micro-credential", "mandatory", "title", lambda c: _has_text(c.title)),
    Element(3, "Country(ies)/Region(s) of the issuer", "mandatory",
            "awarding_bodies[].country | issuer.country", _country),
    Element(4, "Awarding body(ies)", "mandatory", "awarding_bodies[].name",
            lambda c: any(_has_text(b.name) for b in c.awarding_bodies)),
    Element(5, "Date of issuing", "mandatory", "issued", lambda c: c.issued is not None),
    Element(6, "Learning outcomes", "mandatory", "learning_outcomes[].text",
            lambda c: any(_has_text(o.text) for o in c.learning_outcomes)),
    Element(7, "Notional workload needed to achieve the learning outcomes (in ECTS, wherever "
               "possible)", "mandatory", "workload.ects | workload.hours | workload.credits",
            _workload),
    Element(8, "Level (and cycle, if applicable) of the learning experience (EQF, QF-EHEA)",
            "if-applicable", "levels.eqf | qf_ehea | nqf | isced_level | sqf", _levels),
    Element(9, "Type of assessment", "mandatory", "assessment.types | assessment.description",
            _assessment_type),
    Element(10, "Form of participation in the learning activity", "mandatory",
            "participation.modes", lambda c: bool(c.participation and c.participation.modes)),
    Element(11, "Type of quality assurance used to underpin the micro-credential", "mandatory",
            "quality_assurance", lambda c: bool(c.quality_assurance)),
    Element(12, "Prerequisites needed to enrol in the learning activity", "optional",
            "access_requirements", lambda c: _has_text(c.access_requirements)),
    Element(13, "Supervision and identity verification during assessment", "optional",
            "assessment.supervision | assessment.identity_checked", _supervision),
    Element(14, "Grade achieved", "optional", "assessment.grade.value",
            lambda c: bool(c.assessment and c.assessment.grade and c.assessment.grade.value)),
    Element(15, "Integration/stackability options", "optional", "stackability", _stackability),
    Element(16, "Further information", "optional", "further_information", _further),
    Element(None, "Provider", "informative", "provider", lambda c: c.provider is not None),
    Element(None, "Expiry date", "informative", "valid_until", lambda c: c.valid_until is not None),
    Element(None, "ISCED-F field of study", "informative", "fields_of_study",
            lambda c: bool(c.fields_of_study)),
    Element(None, "Verification of authenticity", "informative", "verification",
            lambda c: c.verification is not None and not c.verification.is_empty()),
    Element(None, "Languages", "informative", "languages", lambda c: bool(c.languages)),
)


@dataclass(frozen=True)
class ElementResult:
    """Whether one element is present."""

    element: Element
    present: bool

    @property
    def status(self) -> Literal["present", "missing", "warning"]:
        """``present``; ``missing`` for an absent mandatory element; else ``warning``."""
        if self.present:
            return "present"
        return "missing" if self.element.kind == "mandatory" else "warning"

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        e = self.element
        return {"number": e.number, "element": e.name, "kind": e.kind, "present": self.present,
                "status": self.status, "paths": e.paths}


@dataclass(frozen=True)
class CheckResult:
    """Annex I completeness of one credential."""

    credential_id: str | None
    results: tuple[ElementResult, ...]

    @property
    def complete(self) -> bool:
        """True when every mandatory element is present."""
        return all(r.present for r in self.results if r.element.kind == "mandatory")

    @property
    def missing(self) -> list[ElementResult]:
        """Mandatory elements that are absent."""
        return [r for r in self.results if r.status == "missing"]

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"id": self.credential_id, "complete": self.complete,
                "elements": [r.to_dict() for r in self.results]}


def check(credential: MicroCredential) -> CheckResult:
    """Which Annex I elements ``credential`` has."""
    return CheckResult(credential.id,
                       tuple(ElementResult(e, e.test(credential)) for e in ELEMENTS))
