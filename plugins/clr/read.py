"""Read a ``ClrCredential`` (CLR 2.0, VC 1.1 or 2.0) into canonical records.

Every achievement of the CLR, whether awarded by an ``AchievementCredential`` (embedded or as
a VC-JWT) or listed bare in ``credentialSubject.achievement``, is a node; the associations
``isChildOf``, ``isParentOf`` and ``isPartOf`` make some nodes parts of others. Each node that is
part of no other is a record (docs/design.md §2.1), with its descendants as its parts; the
records share the CLR as their container, and the CLR's issuer, date and subject fill what a
record's own credential does not say.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from credbridge.errors import InputError
from credbridge.report import Code

from . import achievement as A
from .vcjwt import payload

if TYPE_CHECKING:
    from credbridge.context import Context

CLR_KEYS = {"@context", "id", "type", "issuer", "validFrom", "validUntil", "issuanceDate",
            "expirationDate", "name", "description", "credentialSubject", "proof",
            "credentialSchema", "credentialStatus", "partial", "awardedDate"}
CLR_SUBJECT_KEYS = {"id", "type", "verifiableCredential", "achievement", "association",
                    "identifier"}
VC_KEYS = {"@context", "id", "type", "issuer", "validFrom", "validUntil", "issuanceDate",
           "expirationDate", "name", "description", "credentialSubject", "proof",
           "credentialSchema", "credentialStatus", "awardedDate"}
CHILD_OF = {"isChildOf": False, "isPartOf": False, "isParentOf": True}
"""Association types that make a hierarchy; ``True``: the source is the parent."""


@dataclass
class Node:
    """One achievement of the CLR, with the credential that awards it (if any)."""

    achievement: dict[str, Any]
    credential: dict[str, Any] | None = None
    proof: str | None = None
    children: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The achievement's id (else the credential's)."""
        return _str(self.achievement.get("id")) or _str((self.credential or {}).get("id")) or ""


def _str(value: Any) -> str | None:
    """A JSON value that must be a string (an id, a type), else ``None``."""
    return value if isinstance(value, str) and value else None


def is_clr(doc: Any) -> bool:
    """True for a ``ClrCredential``."""
    return isinstance(doc, dict) and "ClrCredential" in A.as_list(doc.get("type"))


def read_clr(doc: Any, ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """(record label, canonical dict) for each record of the CLR ``doc``."""
    if not is_clr(doc):
        raise InputError("not a CLR 2.0 document: no ClrCredential type", field="type")
    _unknown(doc, CLR_KEYS, "the ClrCredential", ctx)
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict):
        raise InputError("the ClrCredential has no credentialSubject", field="credentialSubject")
    _unknown(subject, CLR_SUBJECT_KEYS, "the ClrSubject", ctx)
    nodes = _nodes(subject, ctx)
    roots = _hierarchy(nodes, subject, ctx)
    base = _common(doc, subject, ctx)
    records = []
    for position, root in enumerate(roots, start=1):
        data = copy.deepcopy(base)
        node = nodes[root]
        with ctx.at(str((node.credential or {}).get("id") or node.id or position)):
            label = _record(node, data, ctx)
            parts = _parts(nodes, node, None, ctx)
        if parts:
            data["parts"] = parts
        if len(roots) > 1:
            data["document"] = {"id": doc.get("id"), "position": position, "count": len(roots),
                                "title": A.text_of(doc.get("name"), "und"),
                                "description": A.text_of(doc.get("description"), "und")}
        records.append((label, data))
    if len(roots) == 1 and (doc.get("name") or doc.get("id")):
        ctx.say(Code.NOTE, "document", "the CLR holds one achievement: read as one record, "
                "without the CLR's own id and name")
    return records


def _unknown(node: dict[str, Any], known: set[str], what: str, ctx: Context) -> None:
    for key in sorted(set(node) - known):
        ctx.say(Code.IGNORED_INPUT, None, f"{what}'s {key!r} has no place in the canonical "
                "model")


def _nodes(subject: dict[str, Any], ctx: Context) -> dict[str, Node]:
    """The achievements of the CLR, in document order (credentials first), keyed by the
    achievement's id, or by the credential's when several credentials share an achievement
    id (real CLRs do)."""
    nodes: dict[str, Node] = {}
    for position, item in enumerate(A.as_list(subject.get("verifiableCredential")), start=1):
        proof = None
        if isinstance(item, str):
            item, proof = payload(item), "vc-jwt"
        if not isinstance(item, dict):
            ctx.say(Code.IGNORED_INPUT, "parts", f"verifiableCredential {position} is not a "
                    "credential; not read")
            continue
        ach = item.get("credentialSubject", {}).get("achievement") if isinstance(
            item.get("credentialSubject"), dict) else None
        if not isinstance(ach, dict):
            ctx.say(Code.IGNORED_INPUT, "parts", f"verifiableCredential {position} "
                    f"({item.get('id', 'no id')}) holds no achievement; not read")
            continue
        node = Node(ach, item, proof or ("data-integrity" if item.get("proof") else None))
        key = node.id or f"credential-{position}"
        if key in nodes:
            key = _str(item.get("id")) or f"credential-{position}"
        nodes[key] = node
    # ids are compared as text: a hostile id may be any JSON (an object is not hashable)
    held = {str(n.achievement.get("id")) for n in nodes.values()}
    for ach in A.as_list(subject.get("achievement")):
        if isinstance(ach, dict) and str(ach.get("id")) not in held:
            node = Node(ach)
            nodes[node.id or f"achievement-{len(nodes) + 1}"] = node
    return nodes


def _hierarchy(nodes: dict[str, Node], subject: dict[str, Any], ctx: Context) -> list[str]:
    """Link children to parents from the associations (which name achievement ids; one that
    several credentials share names them all); the keys of the nodes that are part of no
    other, in document order."""
    by_achievement: dict[str, list[str]] = {}
    for key, node in nodes.items():
        by_achievement.setdefault(_str(node.achievement.get("id")) or key, []).append(key)
    parent_of: dict[str, str] = {}
    for assoc in A.as_list(subject.get("association")):
        if not isinstance(assoc, dict):
            continue
        kind, source, target = (_str(assoc.get(k)) for k in ("associationType", "sourceId",
                                                              "targetId"))
        if kind not in CHILD_OF:
            ctx.say(Code.IGNORED_INPUT, "parts", f"association {kind} ({source} -> {target}) "
                    "has no place in the canonical model")
            continue
        parent_id, child_id = (source, target) if CHILD_OF[str(kind)] else (target, source)
        parents = by_achievement.get(str(parent_id), [])
        children = by_achievement.get(str(child_id), [])
        if not parents or not children:
            ctx.say(Code.IGNORED_INPUT, "parts", f"association {kind} ({source} -> {target}) "
                    "names an achievement the CLR does not hold; ignored")
            continue
        for child in children:
            if child in parent_of or _ancestor(parent_of, parents[0], child):
                ctx.say(Code.IGNORED_INPUT, "parts", f"association {kind} ({source} -> "
                        f"{target}) gives an achievement a second parent, or a cycle; ignored")
                continue
            parent_of[child] = parents[0]
            nodes[parents[0]].children.append(child)
    return [key for key in nodes if key not in parent_of]


def _ancestor(parent_of: dict[str, str], node: Any, candidate: str) -> bool:
    """True when ``candidate`` is ``node`` or one of its ancestors (no cycles)."""
    while node is not None:
        if node == candidate:
            return True
        node = parent_of.get(node)
    return False


def _common(doc: dict[str, Any], subject: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """What the CLR itself says, for the records whose credential does not say it."""
    data: dict[str, Any] = {}
    issuer = A.profile(doc.get("issuer"))
    if issuer:
        data["awarding_bodies"] = [issuer]
    for keys, target in ((("validFrom", "issuanceDate"), "issued"),
                         (("validUntil", "expirationDate"), "valid_until")):
        value = next((doc[k] for k in keys if isinstance(doc.get(k), str)), None)
        if value:
            data[target] = A.when(value)
    learner = _learner(subject)
    if learner:
        data["learner"] = learner
    proofs = A.as_list(doc.get("proof"))
    if proofs:
        data["proof"] = [{"kind": "data-integrity", "detail": "the CLR's proof (not verified)"}]
    return data


def _learner(subject: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(subject.get("id"), str):
        out["id"] = subject["id"]
    for ident in A.as_list(subject.get("identifier")):
        if isinstance(ident, dict) and ident.get("identityType") == "emailAddress" and \
                not ident.get("hashed") and isinstance(ident.get("identityHash"), str):
            out["email"] = ident["identityHash"]
    return out


def _record(node: Node, data: dict[str, Any], ctx: Context) -> str:
    """Fill ``data`` with the record of ``node``; its label."""
    vc = node.credential
    A.achievement(node.achievement, data, ctx, "")
    _unknown(node.achievement, A.ACHIEVEMENT_KEYS, "an achievement", ctx)
    ext: dict[str, Any] = {}
    if _str(node.achievement.get("id")):
        ext["clr:achievement_id"] = _str(node.achievement.get("id"))
    if vc is None:
        data["id"] = node.id or None
        ctx.say(Code.NOTE, None, f"achievement {node.id!r} is listed without a credential "
                "that awards it: read with the CLR's issuer, date and learner")
    else:
        _unknown(vc, VC_KEYS, "an AchievementCredential", ctx)
        data["id"] = _str(vc.get("id")) or node.id or None
        issuer = A.profile(vc.get("issuer"))
        if issuer:
            data["awarding_bodies"] = [issuer]
        for keys, target in ((("validFrom", "issuanceDate"), "issued"),
                             (("validUntil", "expirationDate"), "valid_until")):
            value = next((vc[k] for k in keys if isinstance(vc.get(k), str)), None)
            if value:
                data[target] = A.when(value)
        subject = vc.get("credentialSubject")
        subject = subject if isinstance(subject, dict) else {}
        _unknown(subject, A.SUBJECT_KEYS, "an achievement subject", ctx)
        if isinstance(subject.get("id"), str):
            learner = data.setdefault("learner", {})
            if "id" not in learner:
                learner["id"] = subject["id"]
            elif learner["id"] != subject["id"]:
                # the ClrSubject is the learner (CLR 2.0); an achievement credential issued to
                # another identifier of theirs keeps the CLR's
                ctx.say(Code.IGNORED_INPUT, "learner.id", f"the achievement credential names "
                        f"its subject {subject['id']!r}, the CLR's subject is "
                        f"{learner['id']!r}: the CLR's subject is read as the learner")
        grade = A.grade(subject, node.achievement)
        if grade:
            data["assessment"] = {"grade": grade}
        if node.proof:
            data["proof"] = [{"kind": node.proof, "detail": "the achievement credential's "
                              "proof (not verified)"}, *data.get("proof", [])]
    if ext:
        data["extensions"] = ext
    if not data.get("id"):
        data.pop("id", None)
    return str(data.get("id") or node.id)


def _parts(nodes: dict[str, Node], node: Node, parent: str | None,
           ctx: Context) -> list[dict[str, Any]]:
    """The descendants of ``node`` as canonical parts, depth first in document order."""
    out: list[dict[str, Any]] = []
    for child_id in node.children:
        child = nodes[child_id]
        part: dict[str, Any] = {"id": _str(child.achievement.get("id")) or child_id}
        if parent is not None:
            part["part_of"] = parent
        facts: dict[str, Any] = {}
        A.achievement(child.achievement, facts, ctx, "parts[].")
        _unknown(child.achievement, A.ACHIEVEMENT_KEYS, "a part's achievement", ctx)
        part.update({k: v for k, v in facts.items() if k in ("title", "description",
                                                             "workload", "learning_outcomes")})
        if child.credential is not None:
            grade = A.grade(child.credential.get("credentialSubject"), child.achievement)
            if grade:
                part["assessment"] = {"grade": grade}
        out.append(part)
        out += _parts(nodes, child, part["id"], ctx)
    return out
