"""The achievement's own title and description, when the source kept them apart from the
credential's.

An EDC (Europass XML) credential has display texts of its own ("Diploma Supplement", "has
achieved an overall diploma grade of") besides the title and description of the
achievement it attests; the canonical ``title``/``description`` are the credential's, and the
EDC XML reader keeps the achievement's (and its specification's) in
``extensions["edc-xml:texts"]``. An Open Badges achievement is the achievement: it is named
and described by those (docs/formats/ob3.md), the credential keeps the display texts.
"""

from __future__ import annotations

from typing import Any

from credbridge.model import MicroCredential

SOURCE_TEXTS = "edc-xml:texts"
"""The canonical extension in which a source keeps texts of its own achievement node."""
TITLE_KEYS = ("achievement_title", "specification_title")
DESCRIPTION_KEYS = ("achievement_description", "specification_description")


def _first(texts: dict[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    for key in keys:
        value = texts.get(key)
        if isinstance(value, dict) and value and all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return dict(value)
    return {}


def achievement_texts(cred: MicroCredential) -> tuple[dict[str, str], dict[str, str]]:
    """(title, description) of the achievement itself when the source kept them apart from
    the credential's display texts; empty texts when it did not."""
    texts = cred.extensions.get(SOURCE_TEXTS)
    if not isinstance(texts, dict):
        return {}, {}
    return _first(texts, TITLE_KEYS), _first(texts, DESCRIPTION_KEYS)


CONCEPT_LABELS = "elm:concepts"
"""The canonical extension in which a source keeps the labels of the concepts it names by URI
(``{uri: {"label": {lang: text}}}``)."""
_URI_LIKE = ("http://", "https://", "urn:")


def concept_label(cred: MicroCredential, uri: str, prefer: str | None = None) -> str | None:
    """The label the source gave the concept ``uri``, if it kept one."""
    concepts = cred.extensions.get(CONCEPT_LABELS)
    entry = concepts.get(uri) if isinstance(concepts, dict) else None
    label = entry.get("label") if isinstance(entry, dict) else None
    if not isinstance(label, dict) or not label:
        return None
    for key in (prefer, "en", "und", *label):
        text = label.get(key) if key else None
        if isinstance(text, str) and text.strip() and not text.startswith(_URI_LIKE):
            return text
    return None


def alignment_name(cred: MicroCredential, text: str | None, uri: str,
                   prefer: str | None = None) -> tuple[str, bool]:
    """The ``targetName`` of an alignment to ``uri`` and whether it is credbridge's fallback:
    the outcome's text, unless it is only the URI again; else the label the source gave the
    concept; else "ESCO skill <id>" / the URI's last segment (docs/formats/ob3.md)."""
    if text and text.strip() and text.strip() != uri and not text.startswith(_URI_LIKE):
        return text, False
    label = concept_label(cred, uri, prefer)
    if label:
        return label, False
    tail = uri.rstrip("/").rsplit("/", 1)[-1] or uri
    return (f"ESCO skill {tail}" if "data.europa.eu/esco/" in uri else tail), True
