"""Write canonical records as one ``ClrCredential`` (CLR 2.0 in the VC 1.1 shape that 1EdTech's
ClrCredential JSON Schema describes).

The records of one many-claim document (docs/design.md §2.1) become one CLR: each record an
``AchievementCredential`` in ``credentialSubject.verifiableCredential``, each of its parts an
``AchievementCredential`` too (so a part keeps its grade), linked to its parent by an
``isChildOf`` association between their achievements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from credbridge.documents import Member, report_shared, speaking_for
from credbridge.report import Code

from . import achievement as A

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential, Organisation, Part

VC1 = "https://www.w3.org/2018/credentials/v1"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context.json"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
CLR_SCHEMA = ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/"
              "clr_v2p0_clrcredential_schema.json")
_NS = uuid.UUID("0b8f3a1c-6d2e-4f7a-9c1b-2a5d8e4f6c3b")
NO_DATE = "1970-01-01T00:00:00Z"


def minted(seed: str) -> str:
    """A stable ``urn:uuid`` for something without an id."""
    return f"urn:uuid:{uuid.uuid5(_NS, seed)}"


def clr_document(group: list[Member], ctx: Context) -> dict[str, Any]:
    """The ``ClrCredential`` of a group of records (one record: a CLR of one)."""
    first = group[0]
    cred = first.credential
    container = cred.document if len(group) > 1 else None
    report_shared(group, ctx, ("learner",))
    with speaking_for(first, ctx):
        clr_id = container.id if container and container.id else None
        if clr_id is None:
            clr_id = minted("clr:" + "|".join(m.credential.id or str(m.record) for m in group))
            if len(group) > 1 or cred.id is None:
                ctx.say(Code.DEFAULTED, "document.id" if len(group) > 1 else "id",
                        f"the CLR has no id of its own; wrote {clr_id}")
        name_text = container.title if container and container.title else {}
        name, _ = A.one_text(name_text, "document.title", ctx)
        if name_text and list(name_text) != ["und"]:
            ctx.say(Code.APPROXIMATED, "document.title", "the CLR's name has no language: read "
                    "back as of unknown language")
        if name is None:
            name = "Comprehensive Learner Record"
            if len(group) > 1:
                ctx.say(Code.DEFAULTED, "document.title", "the document has no title: the CLR "
                        "is named 'Comprehensive Learner Record' (CLR requires a name)")
        issuer_org = cred.issuer or (cred.awarding_bodies[0] if cred.awarding_bodies else None)
        doc: dict[str, Any] = {
            "@context": [VC1, CLR_CONTEXT, OB_CONTEXT],
            "id": clr_id,
            "type": ["VerifiableCredential", "ClrCredential"],
            "name": name,
        }
        if container and container.description:
            desc, _ = A.one_text(container.description, "document.description", ctx)
            doc["description"] = desc
        doc["issuer"] = _issuer(issuer_org, ctx, "issuer" if cred.issuer else
                                "awarding_bodies[]")
        doc["issuanceDate"] = _date(cred.issued, ctx, "issued")
        subject: dict[str, Any] = {"type": ["ClrSubject"]}
        learner = cred.learner
        if learner and learner.id:
            subject["id"] = learner.id
        if learner and learner.email:
            subject["identifier"] = [{"type": "IdentityObject", "hashed": False,
                                      "identityHash": learner.email,
                                      "identityType": "emailAddress"}]
    credentials: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for member in group:
        with speaking_for(member, ctx):
            record, parts, links = _record(member.credential, ctx)
        credentials.append(record)
        credentials += parts
        associations += links
    subject["verifiableCredential"] = credentials
    if associations:
        subject["association"] = associations
    doc["credentialSubject"] = subject
    doc["credentialSchema"] = [{"id": CLR_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]
    return doc


def _issuer(org: Organisation | None, ctx: Context, field: str) -> dict[str, Any]:
    if org is None:
        ctx.say(Code.DEFAULTED, "awarding_bodies", "no issuer and no awarding body: the "
                "issuer is an unnamed profile (CLR requires one)")
        return {"id": minted("issuer"), "type": ["Profile"]}
    if org.id is None:
        ident = minted("org:" + repr(sorted(org.name.items())))
        ctx.say(Code.DEFAULTED, f"{field}.id",
                f"the organisation has no id; wrote {ident} (a Profile needs one)")
        return A.profile_out(org, ident, ctx, field)
    return A.profile_out(org, org.id, ctx, field)


def _date(value: dt.date | dt.datetime | None, ctx: Context, field: str) -> str:
    if value is None:
        ctx.say(Code.DEFAULTED, field, f"no date of issuing: written as {NO_DATE} (a "
                "credential requires issuanceDate)")
        return NO_DATE
    if isinstance(value, dt.datetime):
        text = value.isoformat().replace("+00:00", "Z")
        if text.endswith("T00:00:00Z"):  # how a plain date is written, and read back
            ctx.say(Code.APPROXIMATED, field, f"{text} is midnight UTC, which is how CLR "
                    f"writes a plain date: it reads back as the date {text[:10]}")
        return text
    return f"{value.isoformat()}T00:00:00Z"


def _record(cred: MicroCredential, ctx: Context,
            ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The record's AchievementCredential, its parts' credentials and the associations."""
    vc_id = cred.id or minted("record:" + cred.to_json())
    if cred.id is None:
        ctx.say(Code.DEFAULTED, "id", f"the credential has no id; wrote {vc_id}")
    ach_id = cred.extensions.get("clr:achievement_id")
    if not isinstance(ach_id, str):
        ach_id = f"{vc_id}#achievement"
    ects = cred.workload.ects if cred.workload else None
    ach = A.achievement_out(ach_id, cred.title, cred.description, cred.learning_outcomes, ects,
                            ctx, "")
    kind = A.credential_type_out(cred)
    if kind:
        ach["achievementType"] = kind
    elif cred.credential_type:
        ctx.say(Code.DROPPED, "credential_type", f"credential type {cred.credential_type} has "
                "no OB 3.0 achievement type")
    if cred.further_information and cred.further_information.text:
        narrative, lang = A.one_text(cred.further_information.text,
                                     "further_information.text", ctx)
        ach["criteria"] = {"narrative": narrative}
        if lang is not None:
            ctx.say(Code.APPROXIMATED, "further_information.text", "the criteria narrative "
                    "is read back as of unknown language")
    if cred.provider is not None:
        ach["creator"] = _issuer(cred.provider, ctx, "provider")
    issuer = cred.awarding_bodies[0] if cred.awarding_bodies else cred.issuer
    if len(cred.awarding_bodies) > 1:
        ctx.say(Code.APPROXIMATED, "awarding_bodies", "a credential has one issuer: the first "
                "awarding body is written")
    elif not cred.awarding_bodies and cred.issuer is not None:
        ctx.say(Code.APPROXIMATED, "awarding_bodies", "no awarding body: the credential's "
                "issuer is written as its issuer, which reads back as the awarding body")
    grade = cred.assessment.grade.value if cred.assessment and cred.assessment.grade else None
    record = _credential(vc_id, issuer, cred, ach, grade, ctx)
    parts: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    ids: dict[str | None, str] = {None: ach_id}
    used: set[str] = set()
    for index, part in enumerate(cred.parts):
        part_ach = part.id or minted(f"part:{vc_id}:{index}")
        if part.id:
            ids[part.id] = part_ach
        else:
            ctx.say(Code.DEFAULTED, "parts[].id",
                    f"part {index + 1} has no id; wrote {part_ach} (an Achievement needs one)")
        node = A.part_achievement(part, part_ach, ctx)
        part_grade = _part_grade(part)
        if part.assessment and part.assessment.grade and part.assessment.grade.scheme:
            _say_once(ctx, Code.DROPPED, "parts[].assessment.grade.scheme",
                      "a part's grading scheme has no place in a CLR AchievementCredential")
        part_vc = f"{part_ach}#credential" if part.id else \
            minted(f"part-credential:{vc_id}:{index}")
        if part_vc in used:  # parts that share an achievement id (real CLRs have them)
            part_vc = f"{part_vc}-{index + 1}"
        used.add(part_vc)
        parts.append(_credential(part_vc, issuer, cred, node, part_grade, ctx))
        link = {"type": "Association", "associationType": "isChildOf",
                "sourceId": part_ach, "targetId": ids.get(part.part_of, ach_id)}
        if link not in links:
            links.append(link)
    return record, parts, links


def _say_once(ctx: Context, code: Code, field: str, detail: str) -> None:
    """Say a message unless the record already has one of ``code`` for ``field`` (the core's
    coverage names a field it finds on the first part only)."""
    if not any(m.code == code and m.field == field and m.record == ctx.record
               for m in ctx.report.messages):
        ctx.say(code, field, detail)


def _part_grade(part: Part) -> str | None:
    return part.assessment.grade.value if part.assessment and part.assessment.grade else None


def _credential(vc_id: str, issuer: Organisation | None, cred: MicroCredential,
                ach: dict[str, Any], grade: str | None, ctx: Context) -> dict[str, Any]:
    """An ``AchievementCredential`` awarding ``ach`` to the record's learner."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": ach}
    if cred.learner and cred.learner.id:
        subject["id"] = cred.learner.id
    result = A.result_out(grade)
    if result:
        subject["result"] = result
    out: dict[str, Any] = {
        "@context": [VC1, OB_CONTEXT],
        "id": vc_id,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": _issuer(issuer, ctx, "awarding_bodies[]"),
        "issuanceDate": _date(cred.issued, ctx, "issued"),
        "credentialSubject": subject,
    }
    if cred.valid_until is not None:
        out["expirationDate"] = _date(cred.valid_until, ctx, "valid_until")
    return out
