"""The language of texts a writer must tag: one rule for every format (docs/design.md,
"Languages of texts").

A canonical text (:data:`credbridge.model.LangText`) carries the language its source declared,
or ``und`` when the source did not say. A target that needs a language on every text (ELM,
EDC XML, ELMO, OB 3.0 ``inLanguage``) writes an ``und`` text in :func:`text_language`:
``--text-lang`` (``ctx.policy.text_lang``), else the credential's first language of
instruction, else the language of its tagged title, else ``en``. Every field so re-tagged is
reported ``retagged`` (once per field and credential). A target whose tags cannot hold a region
(``nl-NL``) writes the primary subtag and says so the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credbridge import vocab
from credbridge.errors import VocabularyError
from credbridge.report import Code

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

UNKNOWN = "und"
"""The tag of a text whose language the source did not declare."""
FALLBACK = "en"
"""The language of last resort (nothing else is known)."""


def text_language(cred: MicroCredential | None, ctx: Context) -> tuple[str, str]:
    """The tag to give texts of unknown language in ``cred``, and why (for the message)."""
    chosen = ctx.policy.text_lang
    if chosen:
        try:
            return vocab.language_code(chosen), "--text-lang"
        except VocabularyError:
            pass  # the CLI checks it; a library caller's odd tag falls through to the rule
    if cred is not None and cred.languages:
        return str(cred.languages[0]), "the credential's language of instruction"
    if cred is not None:
        for lang in cred.title:
            if lang != UNKNOWN:
                return str(lang), "the language of the credential's title"
    return FALLBACK, "no language is known"


def primary(tag: str) -> str:
    """The primary subtag of a BCP 47 tag (``nl-NL`` -> ``nl``)."""
    return tag.split("-")[0]


class Retagger:
    """Re-tags texts for one credential being written, reporting each field once.

    ``regions``: the target's tags can hold a BCP 47 region (``nl-NL``); when False the
    primary subtag is written and reported."""

    def __init__(self, ctx: Context, cred: MicroCredential | None, *,
                 regions: bool = True, target: str = "the target") -> None:
        self.ctx = ctx
        self.cred = cred
        self.regions = regions
        self.target = target
        self.language, self.why = text_language(cred, ctx)
        if not regions:
            self.language = primary(self.language)
        self._said: set[tuple[str, str]] = set()

    def _say(self, field: str | None, kind: str, detail: str,
             code: Code = Code.RETAGGED) -> None:
        # a text is often written in several places (the title is the display, claim and
        # specification title): one message per field and kind of change
        key = (field or "", kind)
        if field is None or key in self._said:
            return
        self._said.add(key)
        self.ctx.say(code, field, detail)

    def tag(self, lang: str, field: str | None) -> str:
        """The tag to write for a text tagged ``lang`` in the source (reported when changed)."""
        if lang == UNKNOWN or not lang:
            self._say(field, UNKNOWN, f"the source does not say the language of this text: "
                      f"written as '{self.language}' ({self.why}; {self.target} needs a "
                      "language on every text)")
            return self.language
        if not self.regions and "-" in lang:
            self._say(field, lang, f"'{lang}' written as '{primary(lang)}' ({self.target}'s "
                      "language tags have no region)")
            return primary(lang)
        return lang

    def text(self, text: dict[str, str], field: str | None) -> dict[str, str]:
        """``text`` with every tag the target can write; an unknown-language text whose
        chosen language already has a text of its own is left out (reported ``dropped``
        unless it is the same text). ``field`` ``None``: a text credbridge wrote itself
        (a placeholder), re-tagged without a message."""
        out: dict[str, str] = {}
        unknown: str | None = None
        for lang, value in text.items():
            if lang == UNKNOWN:
                unknown = value
                continue
            tag = self.tag(lang, field)
            out.setdefault(tag, value)
        if unknown is not None:
            if self.language in out:
                if out[self.language] != unknown:
                    self._say(field, "dropped", f"the text of unknown language is not "
                              f"written: {self.target} needs a language and the "
                              f"'{self.language}' one is taken", Code.DROPPED)
                else:
                    self._say(field, "merged", f"the text of unknown language is the "
                              f"'{self.language}' one: written once, as '{self.language}'")
            else:
                out[self.language] = unknown
                self.tag(UNKNOWN, field)
        return out
