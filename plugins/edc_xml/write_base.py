"""Building blocks of the EDC XML writer: element helpers, texts in the 29 XSD languages,
coded elements, and the per-document state (ids, organisations, languages, messages)."""

from __future__ import annotations

import re
from typing import Any

from credbridge import vocab
from credbridge.context import Context
from credbridge.languages import UNKNOWN, Retagger
from credbridge.model import MicroCredential, Organisation
from credbridge.report import Code
from lxml import etree

from .names import (
    COUNTRY_FW,
    FORMAT,
    XML_LANGUAGES,
    q,
)


def is_uri(value: str) -> bool:
    """An absolute URI (``http://…``, ``urn:…``): what a coded element's ``@uri`` may hold."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None


def sub(parent: Any, name: str, text: str | None = None, ns: str | None = None,
        **attrs: str) -> Any:
    """Append element ``name`` (EDC namespace unless ``ns``) to ``parent``, with its text and
    attributes (``content_type`` is written ``content-type``)."""
    element = etree.SubElement(parent, q(name, ns) if ns else q(name))
    for key, value in attrs.items():
        element.set(key.replace("_", "-"), value)
    if text is not None:
        element.text = text
    return element


class WriterBase:
    """State of one document being written (``ext`` holds this format's own extensions) and
    the text and code elements every part uses."""

    def __init__(self, cred: MicroCredential, ctx: Context, *, in_document: bool = False) -> None:
        self.cred = cred
        self.ctx = ctx
        self.in_document = in_document
        """``cred`` is one record of a many-claim document written as one (§2.1)."""
        self.ext: dict[str, Any] = {k.split(":", 1)[1]: v for k, v in cred.extensions.items()
                                    if k.startswith(f"{FORMAT}:")}
        self.texts: dict[str, Any] = dict(self.ext.get("texts") or {})
        self.ids: dict[str, Any] = dict(self.ext.get("ids") or {})
        if cred.document is not None and cred.document.count > 1:
            # a record of a many-claim document: the document's texts are its container's
            self.texts.pop("credential_title", None)
            self.texts.pop("credential_description", None)
        self.orgs: dict[str, tuple[Organisation, str, str]] = {}
        self.languages: list[str] = []
        self._said: set[tuple[Code, str, str]] = set()
        self.retag = Retagger(ctx, cred, regions=False, target="EDC XML")
        """Texts of unknown language are written in ``retag.language`` (one rule for every
        writer: credbridge.languages), when EDC XML allows it, else in ``primary``."""
        self.primary = self._primary_language()
        self.unknown_as = self.retag.language if self.retag.language in XML_LANGUAGES \
            else self.primary

    def claim_id(self, kind: str, doc_id: str | None) -> str:
        """The id of the record's achievement (or activity): the one read, else the record's
        own id in a many-claim document, else the first of its kind."""
        known = self.ids.get(kind)
        if known:
            return str(known)
        own = self.cred.id or ""
        if self.in_document and is_uri(own):
            return own
        return f"urn:epass:{'learningAchievement' if kind == 'achievement' else kind}:1"

    def note(self, code: Code, detail: str, field: str) -> None:
        """Report ``detail`` about ``field`` for the credential being written (``ctx.record``),
        once per message."""
        key = (code, detail, field)
        if key in self._said:
            return
        self._said.add(key)
        self.ctx.say(code, field, detail)

    def _primary_language(self) -> str:
        """The document's primary language: the title's, else the language of
        :func:`credbridge.languages.text_language` (``en`` when EDC XML does not allow it)."""
        for lang in self.cred.title:
            base = lang.split("-")[0]
            if base in XML_LANGUAGES:
                return base
        return self.retag.language if self.retag.language in XML_LANGUAGES else "en"

    def lang_texts(self, text: dict[str, str], field: str) -> list[tuple[str, str]]:
        """(lang, text) pairs the XSD accepts: one per allowed language; ``und`` becomes the
        primary language; other languages are left out and reported."""
        out: dict[str, str] = {}
        for lang, value in text.items():
            base = lang.split("-")[0]
            if base == UNKNOWN:
                if self.unknown_as in out or self.unknown_as in text:
                    if text.get(self.unknown_as, out.get(self.unknown_as)) != value:
                        self.note(Code.DROPPED, "a text of unknown language was left out "
                                  f"(the {self.unknown_as} text is written)", field)
                    else:
                        self.note(Code.RETAGGED, "the text of unknown language is the "
                                  f"{self.unknown_as!r} one: written once, as "
                                  f"{self.unknown_as!r}", field)
                    continue
                if self.unknown_as == self.retag.language:
                    base = self.retag.tag(UNKNOWN, field)
                else:
                    base = self.unknown_as
                    self.note(Code.RETAGGED, f"text of unknown language written as {base!r} "
                              "(the document's primary language: EDC XML does not allow "
                              f"{self.retag.language!r})", field)
            if base not in XML_LANGUAGES:
                self.note(Code.APPROXIMATED, f"language {lang!r} is not one of the 29 that "
                          "EDC XML allows; that text is left out", field)
                continue
            if base in out:
                if out[base] != value:
                    self.note(Code.APPROXIMATED, f"the {lang!r} text is left out: EDC XML holds "
                              f"one text per language and the {base!r} one is written", field)
                continue
            if lang != "und" and base != lang:
                self.note(Code.APPROXIMATED, f"the {lang!r} text is written as {base!r} (EDC "
                          "XML languages have no regional variants)", field)
            out[base] = value
            if base not in self.languages:
                self.languages.append(base)
        return list(out.items())

    def text_el(self, parent: Any, name: str, text: dict[str, str], field: str,
                *, note: bool = False, always: bool = False) -> Any | None:
        """A TextType (or NoteType when ``note``) element; none when empty and not ``always``.
        A NoteType needs one text, so an empty note is not written."""
        pairs = self.lang_texts(text, field)
        if not pairs and (note or not always):
            return None
        element = sub(parent, name)
        for lang, value in pairs:
            sub(element, "text", value, lang=lang, content_type="text/plain")
        return element

    def one_text(self, parent: Any, name: str, value: str | None, field: str,
                 *, always: bool = False) -> Any | None:
        """A TextType holding a plain string in the primary language."""
        if value is None:
            return sub(parent, name) if always else None
        return self.text_el(parent, name, {self.primary: value}, field, always=always)

    def code_el(self, parent: Any, name: str, uri: str, framework: str, label: str,
                *, notation: str | None = None, framework_name: str | None = None) -> Any:
        """A CodeType element: ``@uri``, ``@targetFrameworkUrl`` and a ``targetName``."""
        element = sub(parent, name)
        element.set("targetFrameworkUrl", framework)
        if notation:
            element.set("targetNotation", notation)
        element.set("uri", uri)
        target = sub(element, "targetName")
        sub(target, "text", label or uri, lang="en", content_type="text/plain")
        if framework_name:
            fw = sub(element, "targetFrameworkName")
            sub(fw, "text", framework_name, lang="en", content_type="text/plain")
        return element

    def country_el(self, parent: Any, name: str, code: str) -> Any:
        """A country CodeType (EU country authority)."""
        concept = vocab.countries().get(code)
        return self.code_el(parent, name, concept.uri or "", COUNTRY_FW, concept.label,
                            notation="country", framework_name="Country")
