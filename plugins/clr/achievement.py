"""The OB 3.0 pieces a CLR is made of (``AchievementCredential``, ``Achievement``, ``Profile``,
``Result``), read into and written from canonical dicts.

A format never imports another, so this is a minimal mapping of its own, not the ``ob3``
format's: name, description, type, credits, criteria, alignments (learning outcomes), results
(the grade), the issuer and the learner. What it does not map is reported by the caller.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from credbridge.report import Code

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import LearningOutcome, MicroCredential, Organisation, Part

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ACHIEVEMENT_TYPES = {"MicroCredential": "micro-credential"}
"""OB 3.0 achievement types with a credential-type code of their own."""
_TYPES_OUT = {code: name for name, code in ACHIEVEMENT_TYPES.items()}

ACHIEVEMENT_KEYS = {"id", "type", "name", "description", "achievementType", "creditsAvailable",
                    "criteria", "alignment", "inLanguage", "@language", "resultDescription",
                    "creator", "image"}
PROFILE_KEYS = {"id", "type", "name", "url", "email"}
SUBJECT_KEYS = {"id", "type", "achievement", "result", "identifier"}


def as_list(value: Any) -> list[Any]:
    """A JSON value as a list (absent: empty)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value: Any, lang: str) -> dict[str, str]:
    """A canonical text from an OB 3.0 string (``lang``: the achievement's language)."""
    return {lang: value} if isinstance(value, str) and value.strip() else {}


def language_of(node: dict[str, Any]) -> str:
    """The language an achievement's texts are in (``und`` when it does not say)."""
    for key in ("inLanguage", "@language"):
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "und"


def when(value: str) -> str:
    """A date-time as canonical: midnight UTC (how a date is written) is read as the date."""
    text = value.strip()
    for suffix in ("T00:00:00Z", "T00:00:00.000Z", "T00:00:00+00:00"):
        if text.endswith(suffix) and len(text) == 10 + len(suffix):
            return text[:10]
    return text


def profile(value: Any) -> dict[str, Any] | None:
    """An organisation from a ``Profile`` (or an issuer given as its IRI)."""
    if isinstance(value, str):
        return {"id": value}
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    for key in ("id", "url", "email"):
        if isinstance(value.get(key), str):
            out[key] = value[key]
    if isinstance(value.get("name"), str):
        out["name"] = {"und": value["name"]}
    return out or None


def achievement(node: dict[str, Any], out: dict[str, Any], ctx: Context, field: str) -> None:
    """The facts of an ``Achievement`` into canonical ``out`` (a record's or a part's)."""
    lang = language_of(node)
    if text_of(node.get("name"), lang):
        out["title"] = text_of(node.get("name"), lang)
    if text_of(node.get("description"), lang):
        out["description"] = text_of(node.get("description"), lang)
    credits = node.get("creditsAvailable")
    if credits is not None:
        try:
            value = Decimal(str(credits)) if isinstance(credits, int | float | str) else \
                Decimal(0)
        except InvalidOperation:
            value = Decimal(0)
        if value.is_finite() and value >= 0:  # 0 credits is a value (ELMO writes it)
            out.setdefault("workload", {})["ects"] = str(value)
            ctx.say(Code.NOTE, f"{field}workload.ects", "creditsAvailable read as ECTS (OB 3.0 "
                    "does not say which credit system)")
    outcomes = [o for o in (alignment(a) for a in as_list(node.get("alignment"))) if o]
    if outcomes:
        out["learning_outcomes"] = outcomes
    kind = node.get("achievementType")
    if isinstance(kind, str) and kind in ACHIEVEMENT_TYPES and not field:
        out["credential_type"] = ACHIEVEMENT_TYPES[kind]
    elif isinstance(kind, str):
        ctx.say(Code.IGNORED_INPUT, f"{field}credential_type", f"achievementType {kind!r} has "
                "no credential-type code")
    narrative = node.get("criteria", {}).get("narrative") if isinstance(
        node.get("criteria"), dict) else None
    if isinstance(narrative, str) and narrative.strip() and not field:
        out["further_information"] = {"text": {lang: narrative}}
    if not field and node.get("creator") is not None:
        creator = profile(node["creator"])
        if creator:
            out["provider"] = creator


def alignment(al: Any) -> dict[str, Any] | None:
    """A learning outcome from an alignment (its name, ESCO skill or URL, and code)."""
    if not isinstance(al, dict):
        return None
    out: dict[str, Any] = {}
    if isinstance(al.get("targetName"), str):
        out["text"] = {"und": al["targetName"]}
    url = al.get("targetUrl")
    if isinstance(url, str) and url.startswith(ESCO_SKILL):
        out["esco_skill"] = url
    elif isinstance(url, str):
        out["related"] = [url]
    if isinstance(al.get("targetCode"), str):
        out["code"] = al["targetCode"]
    return out or None


def grade(subject: Any, node: dict[str, Any]) -> dict[str, Any] | None:
    """The grade of an ``AchievementSubject``: the first result's value."""
    if not isinstance(subject, dict):
        return None
    for result in as_list(subject.get("result")):
        if isinstance(result, dict) and isinstance(result.get("value"), str):
            return {"value": result["value"]}
    return None


# --- writing ------------------------------------------------------------------------------


def one_text(text: dict[str, str], field: str, ctx: Context) -> tuple[str | None, str | None]:
    """(text, language) of a canonical text: OB 3.0 strings hold one language (reported)."""
    if not text:
        return None, None
    lang, value = next(iter(text.items()))
    if len(text) > 1:
        ctx.say(Code.APPROXIMATED, field, f"one language of {', '.join(text)} is written "
                f"({lang}); OB 3.0 texts hold one")
    return value, (lang if lang != "und" else None)


def profile_out(org: Organisation, minted: str, ctx: Context | None = None,
                field: str = "awarding_bodies[]") -> dict[str, Any]:
    """A ``Profile`` (id, name, url, email); a name is one text without a language."""
    out: dict[str, Any] = {"id": org.id or minted, "type": ["Profile"]}
    if org.name:
        out["name"] = next(iter(org.name.values()))
        if ctx is not None and list(org.name) != ["und"]:
            ctx.say(Code.APPROXIMATED, f"{field}.name", "a profile's name is one text without "
                    "a language: read back as of unknown language")
    if org.url:
        out["url"] = org.url
    if org.email:
        out["email"] = org.email
    return out


def achievement_out(ident: str, title: dict[str, str], description: dict[str, str],
                    outcomes: list[LearningOutcome], ects: Decimal | None, ctx: Context,
                    field: str) -> dict[str, Any]:
    """An ``Achievement``: what the schema requires (id, name, description, criteria) and the
    credits and outcomes it carries."""
    name, lang = one_text(title, f"{field}title", ctx)
    desc, desc_lang = one_text(description, f"{field}description", ctx)
    if desc_lang is not None:
        ctx.say(Code.APPROXIMATED, f"{field}description", "the description is read back as "
                "of unknown language")
    if name is None:
        ctx.say(Code.DEFAULTED, f"{field}title", "no title: the achievement is named "
                "'Achievement' (OB 3.0 requires a name)")
    node: dict[str, Any] = {"id": ident, "type": ["Achievement"],
                            "name": name or "Achievement",
                            "description": desc or name or "Achievement",
                            "criteria": {}}
    if desc is None:
        ctx.say(Code.DEFAULTED, f"{field}description", "no description: the achievement's "
                "name is written as its description (OB 3.0 requires one)")
    if lang is not None or desc_lang is not None:
        ctx.say(Code.APPROXIMATED, f"{field}title", "the OB 3.0 context a CLR names has no "
                "language for an achievement's texts: they are read back as of unknown language")
    if ects is not None:
        node["creditsAvailable"] = float(ects) if ects != ects.to_integral() else int(ects)
    alignments = [a for a in (alignment_out(o) for o in outcomes) if a]
    if alignments:
        node["alignment"] = alignments
    if len(alignments) < len(outcomes):
        missing = len(outcomes) - len(alignments)
        ctx.say(Code.DROPPED, f"{field}learning_outcomes[]", f"{missing} learning "
                "outcome(s) without an ESCO skill or URL have no alignment (OB 3.0 needs a "
                "target URL)")
    if any(list(o.text) not in ([], ["und"]) for o in outcomes if o.esco_skill or o.related):
        ctx.say(Code.APPROXIMATED, f"{field}learning_outcomes[].text", "an alignment's name "
                "is one text without a language: read back as of unknown language")
    related = [r for o in outcomes for r in (o.related[1:] if not o.esco_skill else o.related)]
    if related:
        ctx.say(Code.DROPPED, f"{field}learning_outcomes[].related", "an alignment has one "
                "URL: the other related skills of an outcome are not written")
    return node


def alignment_out(outcome: LearningOutcome) -> dict[str, Any] | None:
    """An ``Alignment`` for a learning outcome (it needs a name and a URL)."""
    url = outcome.esco_skill or (outcome.related[0] if outcome.related else None)
    name = next(iter(outcome.text.values()), None) if outcome.text else None
    if url is None:
        return None
    out: dict[str, Any] = {"type": ["Alignment"], "targetName": name or url, "targetUrl": url}
    if outcome.esco_skill:
        out["targetType"] = "ceasn:Competency"
        out["targetFramework"] = "ESCO"
    if outcome.code:
        out["targetCode"] = outcome.code
    return out


def credential_type_out(cred: MicroCredential) -> str | None:
    """The ``achievementType`` of a record's credential type, when OB 3.0 has one."""
    return _TYPES_OUT.get(cred.credential_type or "")


def result_out(grade_value: str | None) -> list[dict[str, Any]]:
    """The ``result`` of an achievement subject holding the grade."""
    if not grade_value:
        return []
    return [{"type": ["Result"], "value": grade_value}]


def part_achievement(part: Part, ident: str, ctx: Context) -> dict[str, Any]:
    """The ``Achievement`` of a part."""
    ects = part.workload.ects if part.workload else None
    return achievement_out(ident, part.title, part.description, part.learning_outcomes, ects,
                           ctx, "parts[].")
