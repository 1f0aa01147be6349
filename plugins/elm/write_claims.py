"""The claims of an EDC 3 credential as credbridge writes them (docs/design.md §2.1): an
activity-only record as a ``LearningActivity``, a record's activities (``influencedBy``) and
its parts (``hasPart``, at any depth), and several records of one document as one credential
with several claims."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Protocol

from credbridge.report import Code

from .concepts import LOCAL_ID_PREFIX, coded, concept, language

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import (
        Activity,
        Assessment,
        MicroCredential,
        Organisation,
        Part,
        Period,
        Workload,
    )


class ClaimWriter(Protocol):
    """What writing claims needs of the writer."""

    ctx: Context

    def _id(self, kind: str) -> str: ...

    def _lang(self, text: dict[str, str], field: str | None = None) -> dict[str, str]: ...

    def _organisation(self, org: Organisation, field: str,
                      eidas: Any = None) -> dict[str, Any]: ...

    def _note(self, text: dict[str, str], field: str | None = None) -> dict[str, Any]: ...

    def _outcome(self, outcome: Any) -> dict[str, Any]: ...

    def workload(self, w: Workload | None, extensions: dict[str, Any],
                 spec: dict[str, Any]) -> None: ...

    def assessment_spec(self, a: Assessment | None, title: dict[str, str],
                        field: str) -> dict[str, Any] | None: ...


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def node_id(writer: ClaimWriter, value: str | None, kind: str) -> str:
    """``value`` when it is an IRI credbridge did not mint, else a new local id."""
    if value and _IRI.match(value) and not value.startswith(LOCAL_ID_PREFIX):
        return value
    return writer._id(kind)


def hours(value: Any) -> str:
    """An ``xsd:duration`` of hours (``PT2H``)."""
    return f"PT{format(value.normalize(), 'f')}H"


def temporal(writer: ClaimWriter, when: Period | None) -> dict[str, Any] | None:
    """A ``PeriodOfTime`` node, or ``None`` when no date is known."""
    if when is None or (when.start is None and when.end is None):
        return None
    node: dict[str, Any] = {"id": writer._id("period"), "type": "PeriodOfTime"}
    if when.start is not None:
        node["startDate"] = datetime(when.start)
    if when.end is not None:
        node["endDate"] = datetime(when.end)
    return node


def datetime(value: dt.date | dt.datetime) -> str:
    """An ``xsd:dateTime``: a plain date becomes midnight UTC."""
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"


def modes_and_languages(writer: ClaimWriter, modes: list[str], languages: list[str],
                        field: str) -> dict[str, Any]:
    """``mode`` and ``language`` of a specification."""
    out: dict[str, Any] = {}
    concepts = []
    for m in modes:
        uri, label = coded("mode", m)
        if uri:
            concepts.append(concept(uri, label))
        else:
            writer.ctx.say(Code.DROPPED, f"{field}.modes", f"mode {m!r} has no EU concept")
    if concepts:
        out["mode"] = concepts if len(concepts) > 1 else concepts[0]
    if languages:
        out["language"] = [language(lang) for lang in languages]
    return out


def activity_node(writer: ClaimWriter, activity: Activity, process: dict[str, Any],
                  field: str = "activities[]") -> dict[str, Any]:
    """One activity of a record, as the ``LearningActivity`` it was influenced by."""
    title = activity.title or {"en": "Learning activity"}
    if not activity.title:
        writer.ctx.say(Code.DEFAULTED, f"{field}.title",
                       "an activity without a title is written as 'Learning activity' "
                       "(the EC shapes require a title)")
    node: dict[str, Any] = {"id": node_id(writer, activity.id, "activity"),
                            "type": "LearningActivity",
                            "title": writer._lang(title, f"{field}.title"),
                            "awardedBy": process}
    if activity.description:
        node["description"] = writer._lang(activity.description, f"{field}.description")
    if activity.provider is not None:
        node["directedBy"] = writer._organisation(activity.provider, f"{field}.provider")
    if activity.hours is not None:
        node["workload"] = hours(activity.hours)
    when = temporal(writer, activity.period)
    if when:
        node["temporal"] = when
    spec = modes_and_languages(writer, activity.modes, activity.languages, field)
    if spec:
        node["specifiedBy"] = {"id": writer._id("learningActivitySpec"),
                               "type": "LearningActivitySpecification",
                               "title": writer._lang(title, f"{field}.title"), **spec}
    return node


def as_activity(writer: ClaimWriter, claim: dict[str, Any],
                cred: MicroCredential) -> dict[str, Any]:
    """An achievement claim made a ``LearningActivity`` (an activity-only record): what the
    record says of the activity stays, its specification is a learning activity's."""
    claim["type"] = "LearningActivity"
    if claim["id"].startswith(LOCAL_ID_PREFIX):
        claim["id"] = writer._id("activity")
    spec = claim.get("specifiedBy")
    if isinstance(spec, dict):
        spec["type"] = "LearningActivitySpecification"
        spec["id"] = writer._id("learningActivitySpec")
        if cred.workload is not None and cred.workload.hours is not None and \
                spec.get("volumeOfLearning") == hours(cred.workload.hours):
            del spec["volumeOfLearning"]  # the activity's own workload
    return claim


def part_nodes(writer: ClaimWriter, parts: list[Part], process: dict[str, Any],
               parent: str | None = None) -> list[dict[str, Any]]:
    """The claim nodes of the parts that belong to ``parent`` (``None``: the record), each
    with its own parts."""
    out = []
    for part in parts:
        if part.part_of != parent:
            continue
        node = part_claim(writer, part, process)
        below = part_nodes(writer, parts, process, part.id) if part.id else []
        if below:
            node["hasPart"] = below
        out.append(node)
    return out


def part_claim(writer: ClaimWriter, part: Part, process: dict[str, Any]) -> dict[str, Any]:
    """One part as a ``LearningAchievement``: its title, specification (outcomes, credits,
    EQF level, fields, languages) and the assessment that proves it (grade, date)."""
    from credbridge import vocab

    field = "parts[]"
    title = part.title or {"en": "-"}
    if not part.title:
        writer.ctx.say(Code.DEFAULTED, f"{field}.title", "a part without a title is written "
                       "as '-' (the EC shapes require a title)")
    node: dict[str, Any] = {"id": node_id(writer, part.id, "learningAchievement"),
                            "type": "LearningAchievement",
                            "title": writer._lang(title, f"{field}.title"),
                            "awardedBy": process}
    if part.id and not node_id_kept(part.id) and not part.id.startswith(LOCAL_ID_PREFIX):
        # a code that is not an IRI (an ELMO course code) stays in the output as the
        # part's identifier (reported with the ids, :func:`_say_part_ids`)
        node["identifier"] = {"id": writer._id("identifier"), "type": "Identifier",
                              "notation": part.id}
    if part.description:
        node["description"] = writer._lang(part.description, f"{field}.description")
    eqf = part.levels.eqf if part.levels else None
    spec: dict[str, Any] = {"id": writer._id("qualification" if eqf else
                                             "learningAchievementSpec"),
                            "type": "Qualification" if eqf else
                            "LearningAchievementSpecification",
                            "title": writer._lang(title, f"{field}.title")}
    if eqf:
        spec["eqfLevel"] = concept(vocab.vocabulary("eqf").uri(str(eqf)) or "",
                                   {"en": f"Level {eqf}"})
    if part.workload is not None:
        writer.workload(part.workload, {}, spec)
    if part.learning_outcomes:
        spec["learningOutcome"] = [writer._outcome(o) for o in part.learning_outcomes]
    if part.fields_of_study:
        spec["thematicArea"] = [concept(vocab.isced_f().uri(c) or "", vocab.isced_f().label(c))
                                for c in part.fields_of_study]
    if part.languages:
        spec["language"] = [language(lang) for lang in part.languages]
    node["specifiedBy"] = spec
    assessment = assessment_node(writer, part, process)
    if assessment:
        node["provenBy"] = assessment
    return node


def assessment_node(writer: ClaimWriter, part: Part,
                    process: dict[str, Any]) -> dict[str, Any] | None:
    """The ``LearningAssessment`` of a part (grade, status, date, description)."""
    from .concepts import PLACEHOLDER_ASSESSMENT

    a = part.assessment
    grade = a.grade if a else None
    scheme = grade.scheme if grade else None
    if not (grade and (grade.value or grade.status)) and part.assessed is None and \
            not (a and (a.description or a.types)) and scheme is None:
        return None
    if not (grade and grade.value):
        writer.ctx.say(Code.DEFAULTED, "parts[].assessment.grade.value",
                       "a part's assessment without a grade: written as '-' (the EC shapes "
                       "require a grade)")
    node: dict[str, Any] = {"id": writer._id("learningAssessment"),
                            "type": "LearningAssessment",
                            "title": {"en": PLACEHOLDER_ASSESSMENT},
                            "grade": writer._note({"und": grade.value if grade and grade.value
                                                   else "-"}, "parts[].assessment.grade.value"
                                                  if grade and grade.value else None),
                            "awardedBy": process}
    if grade and grade.status:
        uri, label = coded("grade_status", grade.status)
        if uri:
            node["gradeStatus"] = concept(uri, label)
        else:
            writer.ctx.say(Code.DROPPED, "parts[].assessment.grade.status",
                           f"grade status {grade.status} has no EU concept")
    if part.assessed is not None:
        node["dateIssued"] = datetime(part.assessed)
    if a and a.description:
        node["description"] = writer._lang(a.description, "parts[].assessment.description")
    spec = writer.assessment_spec(a, {"en": PLACEHOLDER_ASSESSMENT}, "parts[].assessment")
    if spec:
        node["specifiedBy"] = spec
    return node


def needs_carrier(cred: MicroCredential) -> bool:
    """Whether the provider needs an activity of its own to be written: not when the record
    is the activity, nor when its activities were all directed by the provider."""
    if cred.kind == "activity":
        return False
    directors = [a.provider for a in cred.activities if a.provider is not None]
    return not directors or any(d != cred.provider for d in directors)


def claim_of_record(writer: ClaimWriter, cred: MicroCredential, claim: dict[str, Any],
                    *, in_document: bool) -> dict[str, Any]:
    """The achievement claim of ``cred`` completed with what the record links to: its claim
    IRI in a many-claim document, its kind, activities and parts."""
    from .nodes import natural_key

    ctx = writer.ctx
    if in_document and cred.id:
        own = cred.id
        if _IRI.match(own) and not own.startswith(LOCAL_ID_PREFIX):
            claim["id"] = own
        else:
            ctx.say(Code.APPROXIMATED, "id", f"{cred.id!r} is not an IRI: the claim is written "
                    f"as {claim['id']}")
    process = claim["awardedBy"]
    if cred.activities:
        nodes = [activity_node(writer, a, process) for a in cred.activities]
        ids = [n["id"] for n in nodes]
        if ids != sorted(ids, key=natural_key):
            ctx.say(Code.APPROXIMATED, "activities",
                    "RDF values are unordered: the activities come back in IRI order")
        carrier = claim.get("influencedBy")
        claim["influencedBy"] = ([carrier] if carrier else []) + nodes
        if cred.provider is not None and cred.kind != "activity" and not needs_carrier(cred):
            # the provider is written as its activities' director, and read back from there:
            # what was said of that organisation is said of the provider too
            writer._organisation(cred.provider, "provider")
    directed = [a.provider for a in cred.activities if a.provider is not None]
    if cred.provider is None and directed:
        ctx.say(Code.NOTE, "provider", "the record has no provider: it is read back as the "
                "director of its first activity (the provider of an achievement)")
    if cred.parts:
        nodes = part_nodes(writer, list(cred.parts), process)
        claim["hasPart"] = nodes
        _say_part_ids(ctx, cred.parts)
        if _depth_first(nodes, natural_key) != [n["id"] for n in _depth_first_nodes(nodes)]:
            ctx.say(Code.APPROXIMATED, "parts",
                    "RDF values are unordered: parts come back in IRI order (depth first)")
    if cred.kind == "activity":
        as_activity(writer, claim, cred)
        if cred.provider is not None:
            claim["directedBy"] = writer._organisation(cred.provider, "provider")
        when = temporal(writer, cred.period)
        if when:
            claim["temporal"] = when
        if cred.workload is not None and cred.workload.hours is not None:
            claim["workload"] = hours(cred.workload.hours)
    elif cred.kind in ("entitlement", "assessment"):
        ctx.say(Code.APPROXIMATED, "kind", f"a {cred.kind} record is written as a learning "
                "achievement (credbridge writes achievements and activities)")
    if cred.period is not None and cred.kind != "activity":
        ctx.say(Code.DROPPED, "period", "an achievement has no period of its own in ELM (its "
                "activities have)")
    return claim


def _say_part_ids(ctx: Context, parts: list[Part]) -> None:
    """Report the part ids ELM cannot keep: one that is not an IRI (``FEKA53``, a course
    code) names a node with a local id, which reads back as no id (or another local id), and
    so does ``part_of`` naming such a part."""
    local = [p.id for p in parts if p.id and not node_id_kept(p.id)
             and not p.id.startswith(LOCAL_ID_PREFIX)]
    if not local:
        return
    shown = ", ".join(repr(i) for i in local[:3]) + (f" and {len(local) - 3} more"
                                                      if len(local) > 3 else "")
    ctx.say(Code.DROPPED, "parts[].id", f"{len(local)} part id(s) ELM cannot keep as ids "
            f"({shown}): ELM names a part by an IRI, which these are not; each part is written "
            "with a local node id and the code as its identifier (notation), and reads back "
            "without its id")
    if any(p.part_of in local for p in parts):
        ctx.say(Code.APPROXIMATED, "parts[].part_of", "a part belongs to a part whose id is "
                "not an IRI: part_of reads back as that part's local id (the hierarchy is kept)")


def node_id_kept(value: str) -> bool:
    """Whether ``value`` is written as a node's IRI (see :func:`node_id`)."""
    return bool(_IRI.match(value)) and not value.startswith(LOCAL_ID_PREFIX)


def _depth_first_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for node in nodes:
        out.append(node)
        out += _depth_first_nodes(node.get("hasPart", []))
    return out


def _depth_first(nodes: list[dict[str, Any]], key: Any) -> list[str]:
    """The part ids in the order a reader lists them (siblings in IRI order)."""
    out = []
    for node in sorted(nodes, key=lambda n: key(n["id"])):
        out.append(node["id"])
        out += _depth_first(node.get("hasPart", []), key)
    return out
