"""What the EDC XML writer adds for many-claim credentials (docs/design.md §2.1): a record's
activities (``wasInfluencedBy``) and parts (``hasPart``), an activity-only record as
``credentialSubject/activities``, and several records of one document merged into one
``europassCredential``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from credbridge.report import Code
from lxml import etree

from .names import local, q
from .values import format_datetime
from .write_base import sub

if TYPE_CHECKING:
    from credbridge.model import Activity, MicroCredential, Organisation

    from .write_references import References

SECTION_ORDER = ("learningSpecificationReferences", "learningOutcomeReferences",
                 "assessmentSpecificationReferences", "agentReferences",
                 "awardingProcessReferences", "scoringSchemeReferences")


class ClaimWriter(Protocol):
    """What writing activities and parts needs of the document writer."""

    cred: MicroCredential

    def note(self, code: Code, detail: str, field: str) -> None: ...

    def text_el(self, parent: Any, name: str, text: dict[str, str], field: str,
                *, note: bool = False, always: bool = False) -> Any | None: ...

    def org_id(self, org: Organisation, role: str) -> str: ...


def needs_carrier(cred: MicroCredential) -> bool:
    """Whether the provider needs an activity of its own: not when the record's activities
    were all directed by it."""
    directors = [a.provider for a in cred.activities if a.provider is not None]
    return not directors or any(d != cred.provider for d in directors)


def activity_element(writer: ClaimWriter, parent: Any, name: str, activity: Activity,
                     ident: str, field: str) -> Any:
    """One ``ActivityType`` element (schema order: title, description, workload, dates,
    director)."""
    el = sub(parent, name, id=ident)
    title = activity.title or {"en": "Activity"}
    if not activity.title:
        writer.note(Code.DEFAULTED, "an activity needs a title: 'Activity' is written",
                    f"{field}.title")
    writer.text_el(el, "title", title, f"{field}.title", always=True)
    if activity.description:
        writer.text_el(el, "description", activity.description, f"{field}.description",
                       note=True)
    if activity.hours is not None:
        sub(el, "workload", f"PT{format(activity.hours.normalize(), 'f')}H")
    if activity.period is not None:
        if activity.period.start is not None:
            sub(el, "startedAtTime", format_datetime(activity.period.start))
        if activity.period.end is not None:
            sub(el, "endedAtTime", format_datetime(activity.period.end))
    if activity.provider is not None:
        sub(el, "directedBy", idref=writer.org_id(activity.provider, f"{field}.provider"))
        if activity.provider.id is None:
            writer.note(Code.APPROXIMATED, "the activity's director has no id: it is written "
                        "(and read back) with a generated one", f"{field}.provider.id")
    if activity.modes or activity.languages:
        writer.note(Code.DROPPED, "an activity's modes and languages need a learning activity "
                    "specification, which credbridge does not write", field)
    return el


def write_activities(writer: ClaimWriter, ach: Any) -> None:
    """The record's activities as ``wasInfluencedBy`` of its achievement."""
    cred = writer.cred
    if cred.provider is None and any(a.provider for a in cred.activities):
        writer.note(Code.NOTE, "the record has no provider: it is read back as the director "
                    "of its first activity (the provider of an achievement)", "provider")
    for index, activity in enumerate(writer.cred.activities):
        ident = activity.id or f"urn:epass:activity:{index + 2}"
        if activity.id is None:
            writer.note(Code.APPROXIMATED, "an activity needs an id in EDC XML: one is written "
                        "(and read back)", "activities[].id")
        activity_element(writer, ach, "wasInfluencedBy", activity, ident, "activities[]")


def write_parts(writer: ClaimWriter, ach: Any, refs: References,
                parent: str | None = None) -> None:
    """The record's parts that belong to ``parent`` as ``hasPart`` achievements, each with
    the minimal specification the schema requires."""
    parts = [(i, p) for i, p in enumerate(writer.cred.parts) if p.part_of == parent]
    if not parts:
        return
    holder = sub(ach, "hasPart")
    for index, part in parts:
        ident = part.id or f"urn:epass:learningAchievement:part-{index + 1}"
        if part.id is None:
            writer.note(Code.APPROXIMATED, "a part needs an id in EDC XML: one is written (and "
                        "read back)", "parts[].id")
        el = sub(holder, "learningAchievement", id=ident)
        title = part.title or {"en": "-"}
        if not part.title:
            writer.note(Code.DEFAULTED, "a part needs a title: '-' is written", "parts[].title")
        writer.text_el(el, "title", title, "parts[].title", always=True)
        if part.id:
            write_parts(writer, el, refs, part.id)
        spec_id = f"urn:epass:learningSpecification:part-{index + 1}"
        refs.stub(spec_id, title)
        sub(el, "specifiedBy", idref=spec_id)


def activity_record(writer: ClaimWriter, subject: Any, ident: str) -> None:
    """An activity-only record as ``credentialSubject/activities/activity``."""
    from credbridge.model import Activity

    cred = writer.cred
    modes = cred.participation.modes if cred.participation else []
    activity = Activity(title=cred.title, description=cred.description,
                        provider=cred.provider, period=cred.period,
                        hours=cred.workload.hours if cred.workload else None)
    activity_element(writer, sub(subject, "activities"), "activity", activity, ident, "kind")
    # an activity has no awarding body in EDC XML (directedBy is its provider): the document's
    # cred:issuer is the one organisation, and the reader takes it as the awarding body
    bodies = cred.awarding_bodies
    if cred.issuer is not None:
        if bodies:
            writer.note(Code.DROPPED, "an EDC XML activity has no awarding body (directedBy is "
                        "its provider); the credential's issuer is written, and reads back as "
                        "the awarding body", "awarding_bodies")
        writer.note(Code.APPROXIMATED, "the issuer of a credential without an achievement "
                    "reads back as its awarding body", "issuer")
    elif len(bodies) > 1:
        writer.note(Code.DROPPED, f"an EDC XML activity has no awarding body: the first of "
                    f"{len(bodies)} is written as the credential's issuer, the others are not "
                    "written", "awarding_bodies")
    further = cred.further_information
    if further is not None and further.links:
        writer.note(Code.DROPPED, "the home page of a credential without an achievement needs "
                    "a learning activity specification, which credbridge does not write",
                    "further_information.links")
    if further is not None and further.text:
        writer.note(Code.DROPPED, "the further information of a credential without an "
                    "achievement is not written", "further_information.text")
    if modes or cred.languages:
        writer.note(Code.DROPPED, "the activity's mode and languages need a learning activity "
                    "specification, which credbridge does not write", "participation.modes")
        if cred.languages:
            writer.note(Code.DROPPED, "the activity's languages are not written", "languages")


def merge(first: Any, other: Any, position: int) -> None:
    """Move the claims and references of ``other`` (a ``europassCredential`` built for one
    record) into ``first``: equal organisations are shared, any other id that both use is
    renamed in ``other`` first."""
    taken = {el.get("id"): el for el in first.iter() if isinstance(el.tag, str) and
             el.get("id") is not None}
    renames: dict[str, str] = {}
    drop: set[Any] = set()
    for el in other.iter():
        ident = el.get("id") if isinstance(el.tag, str) else None
        if ident is None or ident not in taken:
            continue
        if local(el.getparent()).endswith("References") and \
                etree.tostring(el) == etree.tostring(taken[ident]):
            drop.add(el)
        else:
            renames[ident] = f"{ident}-{position}"
    for el in other.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("id", "idref"):
            value = el.get(attr)
            if value in renames and el not in drop:
                el.set(attr, renames[value])
    subject, other_subject = first.find(q("credentialSubject")), other.find(
        q("credentialSubject"))
    for name in ("achievements", "activities"):
        moved = other_subject.find(q(name)) if other_subject is not None else None
        if moved is None:
            continue
        target = subject.find(q(name))
        if target is None:
            target = sub(subject, name)
        for child in list(moved):
            target.append(child)
    for section in [c for c in other if local(c).endswith("References")]:
        target = first.find(q(local(section)))
        if target is None:
            target = etree.Element(q(local(section)))
            _insert_section(first, target)
        for child in list(section):
            if child not in drop:
                target.append(child)
    languages = first.find(q("availableLanguages"))
    known = {e.text for e in languages} if languages is not None else set()
    for lang in other.findall(f"{q('availableLanguages')}/{q('language')}"):
        if languages is not None and lang.text not in known:
            sub(languages, "language", lang.text)
            known.add(lang.text)


def _insert_section(root: Any, section: Any) -> None:
    rank = SECTION_ORDER.index(local(section)) if local(section) in SECTION_ORDER else 99
    for child in root:
        name = local(child)
        if name in SECTION_ORDER and SECTION_ORDER.index(name) > rank:
            child.addprevious(section)
            return
    root.append(section)
