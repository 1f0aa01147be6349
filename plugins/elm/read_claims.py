"""Which claims of an EDC 3 credential are records, and what each record links to
(docs/design.md §2.1): its own activities (``influencedBy``) and its parts (``hasPart``).

A claim that another claim of the credential links to (an activity the achievement was
influenced by, an assessment that proves it, a sub-achievement) belongs to that claim; every
other claim is a record. Records are ordered by kind (achievements, entitlements, activities,
assessments), then by IRI, so the first record (the main one) never depends on the order in
which the document lists ``hasClaim``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from credbridge.report import Code
from rdflib import URIRef

from .concepts import LOCAL_ID_PREFIX
from .nodes import GraphView, natural_key
from .terms import ELM

if TYPE_CHECKING:
    from credbridge.context import Context
    from rdflib.term import Node

KINDS = {
    ELM + "LearningAchievement": "achievement",
    ELM + "LearningEntitlement": "entitlement",
    ELM + "LearningActivity": "activity",
    ELM + "LearningAssessment": "assessment",
}
RANK = {"achievement": 0, "entitlement": 1, "activity": 2, "assessment": 3}
LINKS = ("elm:influencedBy", "elm:provenBy", "elm:hasPart")
"""Properties by which a claim makes another claim its own."""
PART_KEYS = ("title", "description", "learning_outcomes", "workload", "levels",
             "fields_of_study", "assessment", "assessed", "languages")
"""What a part carries (the fields of :class:`credbridge.model.Part` besides its links)."""


class ClaimReader(Protocol):
    """What reading activities and parts needs of the reader."""

    view: GraphView
    ctx: Context
    ext: dict[str, Any]
    _body_nodes: list[Node]

    def _organisation(self, node: Node | None, field: str) -> dict[str, Any]: ...

    def _claim_facts(self, claim: Node, data: dict[str, Any]) -> None: ...

    def _when(self, value: str, field: str) -> str: ...


def kind_of(view: GraphView, node: Node) -> str:
    """The kind of a claim node (an untyped claim is read as an achievement)."""
    for uri in sorted(view.types(node)):
        if uri in KINDS:
            return KINDS[uri]
    return "achievement"


def record_claims(view: GraphView, claims: list[Node]) -> list[Node]:
    """The claims that are records, main record first."""
    graph = view.graph
    claimed = set(claims)
    owned: set[Node] = set()
    for claim in claims:
        for prop in LINKS:
            for target in graph.objects(claim, URIRef(_expand(prop))):
                if target in claimed and target != claim:
                    owned.add(target)
    records = [c for c in claims if c not in owned] or list(claims)
    return sorted(records, key=lambda c: (RANK[kind_of(view, c)], natural_key(str(c))))


def _expand(compact: str) -> str:
    from .terms import expand

    return expand(compact)


def identifying(node: Node | None) -> bool:
    """An IRI that identifies something (not a blank node, not an id credbridge minted)."""
    return isinstance(node, URIRef) and not str(node).startswith(LOCAL_ID_PREFIX)


def period(reader: ClaimReader, node: Node | None, field: str) -> dict[str, Any] | None:
    """The ``dc:temporal`` period of an activity (start and end dates)."""
    v = reader.view
    temporal = v.one(node, "dc:temporal")
    if temporal is None:
        return None
    v.types(temporal)
    out: dict[str, Any] = {}
    for prop, key in (("elm:startDate", "start"), ("elm:endDate", "end")):
        value = v.text(temporal, prop)
        if value:
            out[key] = reader._when(value, f"{field}.{key}")
    return out or None


def activities(reader: ClaimReader, claim: Node, title: dict[str, str],
               ) -> tuple[list[dict[str, Any]], list[Node]]:
    """The activities ``claim`` was influenced by (each as a canonical activity), and the
    organisations that directed them, the provider's carrier first: the activity credbridge
    writes to carry a provider (no id of its own, the claim's title, only a director) is not
    an activity of the record."""
    v = reader.view
    out: list[dict[str, Any]] = []
    carried: list[Node] = []
    directors: list[Node] = []
    for node in v.objects(claim, "elm:influencedBy"):
        director = v.one(node, "elm:directedBy")
        entry = activity(reader, node)
        if _carrier(node, entry, title):
            carried += [director] if director is not None else []
            continue
        directors += [director] if director is not None else []
        out.append(entry)
    return out, carried + directors


def _carrier(node: Node, entry: dict[str, Any], title: dict[str, str]) -> bool:
    """The activity credbridge writes to carry a provider (minted as ``…provider:N``)."""
    return not identifying(node) and ":provider:" in str(node) and \
        set(entry) <= {"title", "provider"}


def activity(reader: ClaimReader, node: Node) -> dict[str, Any]:
    """One learning activity: title, description, director, modes, languages, dates, hours."""
    v = reader.view
    v.types(node)
    with own_extensions(reader) as ext:
        facts: dict[str, Any] = {}
        reader._claim_facts(node, facts)
    out: dict[str, Any] = {}
    if identifying(node):
        out["id"] = str(node)
    participation = facts.pop("participation", {})
    for key in ("title", "description", "provider", "languages"):
        if facts.get(key):
            out[key] = facts.pop(key)
    if participation.get("modes"):
        out["modes"] = participation.pop("modes")
    hours = facts.get("workload", {}).pop("hours", None)
    if hours:
        out["hours"] = hours
    when = period(reader, node, "activities[].period")
    if when:
        out["period"] = when
    _awarded_with(reader, node, "activities")
    _not_kept(reader, "activities", "an activity's", ext, facts, participation)
    return out


def _awarded_with(reader: ClaimReader, node: Node, field: str) -> None:
    """An activity or part is awarded with the record: its awarding process counts as read;
    an awarding body the record's claim does not name is reported."""
    v = reader.view
    process = v.one(node, "elm:awardedBy")
    if process is None:
        return
    v.types(process)
    v.text(process, "elm:awardingDate")
    others = [b for b in v.objects(process, "elm:awardingBody") if b not in reader._body_nodes]
    if others:
        reader.ctx.say(Code.IGNORED_INPUT, field,
                       f"{len(others)} awarding body(ies) of {field} that the record's claim "
                       "does not name are not kept")


def _not_kept(reader: ClaimReader, field: str, whose: str, ext: dict[str, Any],
              *rest: dict[str, Any]) -> None:
    """Report what was read of a node but has no place in its canonical entry."""
    names = {k.removeprefix("elm:") for k in ext}
    for value in ext.values():  # a concept that is not kept needs no label kept either
        if isinstance(value, str):
            reader.view.concept_info.pop(value, None)
    for facts in rest:
        names |= {k for k, v in facts.items() if v not in (None, {}, [])}
    if names:
        reader.ctx.say(Code.IGNORED_INPUT, field,
                       f"{whose} {', '.join(sorted(names))} has no place in the canonical model")


@contextmanager
def own_extensions(reader: ClaimReader) -> Iterator[dict[str, Any]]:
    """Extensions read inside the block go to a dict of their own (a part's or an activity's
    specification title is not the record's)."""
    saved = reader.ext
    mine: dict[str, Any] = {}
    reader.ext = mine
    try:
        yield mine
    finally:
        reader.ext = saved


def parts(reader: ClaimReader, claim: Node, seen: set[Node] | None = None,
          parent: str | None = None) -> list[dict[str, Any]]:
    """The sub-achievements of ``claim`` (``hasPart``, at any depth) as a flat list in which
    ``part_of`` names the parent part; a part without an IRI that has parts of its own gets a
    local id so that they can name it."""
    v = reader.view
    seen = set() if seen is None else seen
    out: list[dict[str, Any]] = []
    for node in v.objects(claim, "elm:hasPart"):
        if node in seen:
            continue
        seen.add(node)
        entry = part(reader, node, parent)
        out.append(entry)
        if v.objects(node, "elm:hasPart"):
            entry.setdefault("id", f"{LOCAL_ID_PREFIX}part:{len(seen)}")
            out += parts(reader, node, seen, entry["id"])
    return out


def part(reader: ClaimReader, node: Node, parent: str | None) -> dict[str, Any]:
    """One sub-achievement: what a :class:`credbridge.model.Part` carries."""
    v = reader.view
    v.types(node)
    with own_extensions(reader) as ext:
        facts: dict[str, Any] = {}
        reader._claim_facts(node, facts)
    _awarded_with(reader, node, "parts")
    out: dict[str, Any] = {}
    if identifying(node):
        out["id"] = str(node)
    if parent is not None:
        out["part_of"] = parent
    for key in PART_KEYS:
        if facts.get(key):
            out[key] = facts.pop(key)
    facts.pop("provider", None)
    _not_kept(reader, "parts", "a part's", ext, facts)
    return out
