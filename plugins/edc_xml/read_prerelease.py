"""``europassCredential`` with no namespace: the pre-release EDCI model of the EC issuer and viewer
test resources (2019-2020: ``issuanceDate``, inline ``issuer``/``organization``, texts as plain
text, ``<text language>`` or ``<contents language>``).

That model is not EDC XML 0.x (no ``…References``, no ``idref``): the credential-level facts are
read (id, title, description, dates, issuer as awarding body, learner), and the subject's
achievements become parts (id, title, description, date); activities and assessments are named
in one message and not read. A document with no credential data at all (a signature alone, a
test stub) is refused in one line.
"""

from __future__ import annotations

from typing import Any

from credbridge.context import Context
from credbridge.errors import InputError
from credbridge.report import Code

from .names import clean_uri, local

DATA = ("title", "credentialSubject", "issuer", "issuanceDate")
"""Elements whose presence makes the document a credential (not a stub)."""
NOT_READ = ("activities", "assesments", "assessments", "achievements", "performed",
            "achieved", "entitledTo", "contains")


def is_prerelease(root: Any) -> bool:
    """A ``europassCredential`` root element in no namespace."""
    return isinstance(root.tag, str) and root.tag == "europassCredential"


def prerelease_record(root: Any, ctx: Context) -> tuple[dict[str, Any], str]:
    """(canonical dict, record label) of a pre-release EDCI ``europassCredential``; an
    :class:`InputError` naming what the document holds when it holds no credential data."""
    own = {local(c) for c in root if isinstance(c.tag, str) and "}" not in c.tag}
    if not own & set(DATA):
        signed = any(local(c) == "Signature" for c in root if isinstance(c.tag, str))
        holds = "only an XML signature" if signed else \
            f"only <{'>, <'.join(sorted(own))}>" if own else "nothing"
        raise InputError(f"a europassCredential in no namespace (pre-release EDCI model) "
                         f"holding {holds}: not a credential (no title, subject, issuer or "
                         "date)")
    data: dict[str, Any] = {}
    ident = clean_uri(root.get("id")) or _text(_child(root, "uuid")) or \
        _text(_child(root, "identifier"))
    if ident:
        data["id"] = ident if ":" in ident else f"urn:uuid:{ident}" if len(ident) == 36 \
            else ident
    if title := _texts(_child(root, "title")):
        data["title"] = title
    if description := _texts(_child(root, "description")):
        data["description"] = description
    if issued := _text(_child(root, "issuanceDate")):
        data["issued"] = issued
    if until := _text(_child(root, "expirationDate")):
        data["valid_until"] = until
    issuer = _child(root, "issuer")
    if issuer is not None:
        inner = _child(issuer, "organization")
        org = _organisation(issuer if inner is None else inner)
        if org:
            data["awarding_bodies"] = [org]
    subject = _child(root, "credentialSubject")
    if subject is not None:
        learner = _learner(subject)
        if learner:
            data["learner"] = learner
        parts = _parts(_child(subject, "achievements"), None)
        if parts:
            data["parts"] = parts
            ctx.say(Code.APPROXIMATED, "parts", f"pre-release EDCI model: {len(parts)} "
                    "achievement(s) kept as parts with their id, title, description and date "
                    "(their results and activities are not read)")
        skipped = [n for n in NOT_READ if n != "achievements" and _child(subject, n) is not None]
        skipped += [n for n in NOT_READ if _child(root, n) is not None]
        if skipped:
            ctx.say(Code.IGNORED_INPUT, None, f"pre-release EDCI model: {', '.join(skipped)} "
                    "are not read (only the credential-level facts)")
    ctx.say(Code.NOTE, None, "read as the pre-release EDCI model (europassCredential in no "
            "namespace, EC test resources): id, title, description, dates, issuer, learner, "
            "achievements as parts")
    return data, str(data.get("id") or "europassCredential")


def _parts(holder: Any | None, parent: str | None) -> list[dict[str, Any]]:
    """The achievements below ``holder`` (``hasPart`` at any depth) as flat canonical parts."""
    out: list[dict[str, Any]] = []
    for ach in holder if holder is not None else []:
        if not isinstance(ach.tag, str):
            continue
        part: dict[str, Any] = {}
        if ident := clean_uri(ach.get("id")):
            part["id"] = ident
        if parent:
            part["part_of"] = parent
        for key in ("title", "description"):
            if texts := _texts(_child(ach, key)):
                part[key] = texts
        if issued := _text(_child(ach, "issuedDate")):
            part["assessed"] = issued
        if set(part) - {"id", "part_of"}:
            out.append(part)
        below = [h for h in ach if isinstance(h.tag, str) and h.tag == "hasPart"]
        if below and part.get("id"):
            out += _parts(below, part["id"])
    return out


def _child(el: Any, name: str) -> Any | None:
    return next((c for c in el if isinstance(c.tag, str) and c.tag == name), None)


def _text(el: Any | None) -> str | None:
    if el is None:
        return None
    value = " ".join("".join(el.itertext()).split())
    return value or None


def _texts(el: Any | None) -> dict[str, str]:
    """A text of the model as a language map: ``<text language>``/``<contents language>``
    children, else the element's own text (``@lang``, else "und")."""
    if el is None:
        return {}
    out: dict[str, str] = {}
    for item in el:
        if isinstance(item.tag, str) and item.tag in ("text", "contents"):
            value = _text(item)
            lang = (item.get("language") or item.get("lang") or "und").replace("_", "-")
            if value and lang not in out:
                out[lang] = value
    if out:
        return out
    own = " ".join((el.text or "").split())
    if own:
        return {(el.get("lang") or el.get("language") or "und").replace("_", "-"): own}
    return {}


def _first(el: Any | None) -> str | None:
    texts = _texts(el)
    return next(iter(texts.values()), None)


def _organisation(el: Any) -> dict[str, Any]:
    org: dict[str, Any] = {}
    if ident := _text(_child(el, "id")):
        org["id"] = ident
    if name := _texts(_child(el, "preferredName")):
        org["name"] = name
    if url := _text(_child(el, "homePage")):
        org["url"] = url
    return org


def _learner(el: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in (("given_name", "givenNames"), ("family_name", "familyName"),
                      ("full_name", "fullName")):
        if value := _first(_child(el, name)):
            out[key] = value
    if birth := _text(_child(el, "dateOfBirth")):
        out["birth_date"] = birth
    return out
