"""The language the Open Badges source declares for the achievement's texts.

OB 3.0 ``Achievement.inLanguage`` (BCP 47), an OB 2.0 BadgeClass's ``@language`` and the
eduBadges OB 2.0 ``extensions:LanguageExtension`` (``en_EN``, ``nl_NL``) say in which
language the badge is written: its name, description, criteria narrative and learning
outcomes are read in that language instead of ``und`` (docs/design.md, "Languages of
texts"). A region subtag survives when it names a country (``nl-NL``); eduCredentials'
``en-EN`` (EN is no country) is ``en``.
"""

from __future__ import annotations

from typing import Any

from credbridge import vocab
from credbridge.errors import VocabularyError

UNKNOWN = "und"

ACHIEVEMENT_TEXTS = ("title", "description")
"""Canonical texts of the achievement itself (organisation names are proper names: not
re-tagged)."""


def declared_language(value: Any) -> str | None:
    """The BCP 47 tag of an OB language value, or None when it is not a language."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        tag = vocab.language_code(value.strip().replace("_", "-"))
    except VocabularyError:
        return None
    if tag == UNKNOWN:
        return None
    primary, _, region = tag.partition("-")
    if region and not (len(region) == 2 and vocab.countries().lookup(region)):
        return primary
    return tag


def badgeclass_language(badge: dict[str, Any]) -> str | None:
    """The language an OB 2.0 BadgeClass declares: its JSON-LD ``@language`` (the spec's way),
    else the eduBadges ``extensions:LanguageExtension``."""
    found = declared_language(badge.get("@language"))
    ext = badge.get("extensions:LanguageExtension")
    return found or (declared_language(ext.get("Language")) if isinstance(ext, dict) else None)


def _retag(text: Any, lang: str) -> None:
    if isinstance(text, dict) and UNKNOWN in text and lang not in text:
        text[lang] = text.pop(UNKNOWN)


def tag_texts(out: dict[str, Any], lang: str | None) -> None:
    """Give the achievement's texts of unknown language in canonical data ``out`` the
    language ``lang`` the source declared (nothing when it declared none)."""
    if not lang:
        return
    for key in ACHIEVEMENT_TEXTS:
        _retag(out.get(key), lang)
    info = out.get("further_information")
    if isinstance(info, dict):
        _retag(info.get("text"), lang)
    for outcome in out.get("learning_outcomes") or []:
        if isinstance(outcome, dict):
            _retag(outcome.get("text"), lang)
