"""Credentials of the W3C CCG "VC-EDU" draft data model (2020; contexts
``https://w3c-ccg.github.io/vc-ed-models/contexts/…`` and ``…/vc-ed/contexts/…``), the draft
Open Badges 3.0 grew from, and of its implementation by the Digital Credentials Consortium
(context ``https://w3id.org/dcc/v1``, types ``LearningCredential``, ``Course-`` and
``ProgramCompletionCredential``), upgraded to OB 3.0 in one step before anything else reads
them.

A VC-EDU credential is a VC 1.1 ``Assertion`` whose subject names what was achieved under
``hasCredential`` / ``hasAchieved`` (also as ``schema:…``): an OB 2.0 ``BadgeClass``, a
schema.org ``EducationalOccupationalCredential`` or a Credential Engine ``ceterms:Credential``.
The step renames what OB 3.0 names otherwise (the type ``OpenBadgeCredential``, the subject's
``achievement`` and its type ``Achievement``, a badge class's ``issuer`` as the achievement's
``creator``, an image URL as an ``Image``) and puts the OB 3.0 context in place of the draft
one, which credbridge does not bundle (it is never fetched: the terms it defines are the ones
renamed here, and schema.org's ``name``, ``description``, ``image`` and ``url``, which OB 3.0
defines alike). Each renaming is listed so the reader can report the step (``Code.UPGRADED``).
"""

from __future__ import annotations

from typing import Any

from . import contexts as C

DRAFT_CONTEXTS = ("https://w3c-ccg.github.io/vc-ed-models/contexts/",
                  "https://w3c-ccg.github.io/vc-ed/contexts/",
                  "https://w3id.org/dcc/v1")
"""URL prefixes of the VC-EDU draft contexts (v0.5, v1) and of the Digital Credentials
Consortium's v1 context, its implementation in the DCC's issuer and wallet (2021-2022)."""
DRAFT_TYPES = ("Assertion", "LearningCredential", "CourseCompletionCredential",
               "ProgramCompletionCredential")
"""The credential types of the drafts (VC-EDU's and DCC v1's), each an OpenBadgeCredential."""
ACHIEVED_KEYS = ("hasCredential", "schema:hasCredential", "hasAchieved", "schema:hasAchieved")
"""Where a VC-EDU subject names what was achieved, in the order they are looked for."""
STEP = "VC-EDU draft (2020, also as DCC v1) -> Open Badges 3.0"

Doc = dict[str, Any]


def _urls(doc: Doc) -> list[str]:
    value = doc.get("@context")
    return [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]


def is_draft(doc: Doc) -> bool:
    """True for a VC-EDU draft credential: it names a draft context and no OB 3.0 one."""
    urls = _urls(doc)
    return any(u.startswith(DRAFT_CONTEXTS) for u in urls) and not any(
        u.startswith(C.OB3_CONTEXT_PREFIX) for u in urls)


def upgrade(doc: Doc) -> tuple[Doc, list[str]]:
    """``doc`` as an OB 3.0 credential and what the step changed (one line each), when it is
    a VC-EDU draft credential; otherwise ``doc`` unchanged and no changes."""
    if not is_draft(doc):
        return doc, []
    changes: list[str] = []
    out: Doc = dict(doc)
    contexts = doc.get("@context")
    kept: list[Any] = []
    for item in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(item, str) and item.startswith(DRAFT_CONTEXTS):
            changes.append(f"the draft context {item} replaced by {C.OB3_CONTEXT}")
            if C.OB3_CONTEXT not in kept:
                kept.append(C.OB3_CONTEXT)
        else:
            kept.append(item)
    if C.VC1_CONTEXT not in kept and C.VC2_CONTEXT not in kept:
        kept.insert(0, C.VC1_CONTEXT)
    out["@context"] = kept
    types = doc.get("type")
    names = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
    if not set(names) & set(C.CREDENTIAL_TYPES):
        renamed = [t for t in names if t in DRAFT_TYPES]
        names = [t for t in names if t not in DRAFT_TYPES]
        if "VerifiableCredential" not in names:
            names.insert(0, "VerifiableCredential")
        names.append("OpenBadgeCredential")
        changes.append("type " + (f"{'/'.join(renamed)} " if renamed else "")
                       + "-> OpenBadgeCredential")
    out["type"] = names
    issuer = doc.get("issuer")
    issuer_types = issuer.get("type") if isinstance(issuer, dict) else None
    if isinstance(issuer, dict) and "Profile" not in (
            issuer_types if isinstance(issuer_types, list) else [issuer_types]):
        # OB 3.0: a typed Profile (DCC v1 and OB 2.0 name it Issuer)
        out["issuer"] = {**issuer, "type": "Profile"}
        changes.append(f"issuer typed Profile (was {_shown(issuer_types)})"
                       if issuer_types is not None else "issuer typed Profile")
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict):
        out["credentialSubject"] = _subject(subject, changes)
    return out, changes


def _subject(subject: Doc, changes: list[str]) -> Doc:
    """The subject with what it achieved as ``achievement`` (the first of :data:`ACHIEVED_KEYS`
    given; the others stay and are reported as unread by the reader)."""
    out = dict(subject)
    if isinstance(out.get("achievement"), dict):
        return out
    for key in ACHIEVED_KEYS:
        achieved = out.get(key)
        if isinstance(achieved, dict):
            del out[key]
            out["achievement"] = _achievement(achieved, changes)
            changes.append(f"credentialSubject.{key} -> credentialSubject.achievement")
            break
    kinds = out.get("type")
    if kinds is not None and kinds != "AchievementSubject" and "AchievementSubject" not in (
            kinds if isinstance(kinds, list) else [kinds]):
        changes.append(f"credentialSubject type {_shown(kinds)} -> AchievementSubject")
        out["type"] = "AchievementSubject"
    return out


def _achievement(achieved: Doc, changes: list[str]) -> Doc:
    """What was achieved as an OB 3.0 ``Achievement``."""
    out = dict(achieved)
    kinds = out.get("type")
    if kinds != "Achievement":
        changes.append(f"achievement type {_shown(kinds)} -> Achievement")
        out["type"] = "Achievement"
    image = out.get("image")
    if isinstance(image, str):  # OB 2.0 and schema.org: a URL; OB 3.0: an Image object
        out["image"] = {"id": image, "type": "Image"}
        changes.append("achievement image (a URL) -> an Image object")
    issuer = out.pop("issuer", None)
    if isinstance(issuer, str):
        out["creator"] = {"id": issuer, "type": "Profile"}
        changes.append("achievement issuer (a badge class's issuer) -> achievement.creator")
    elif isinstance(issuer, dict):
        out["creator"] = {**issuer, "type": "Profile"}
        changes.append("achievement issuer (a badge class's issuer) -> achievement.creator")
    return out


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value) or "(none)"
    return str(value) if value is not None else "(none)"
