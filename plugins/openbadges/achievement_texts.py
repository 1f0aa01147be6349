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
