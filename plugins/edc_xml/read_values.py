"""Element-level helpers of the EDC XML reader: texts, codes, dates, numbers, vocabularies.

Every helper marks what it reads in the document's used-element ledger
(:class:`~.references.Document`), so that whatever no helper read is reported as ignored input.
"""

from __future__ import annotations

from typing import Any

from credbridge import vocab
from credbridge.errors import InputError
from credbridge.report import Code

from .names import SNB, clean_uri, q
from .references import Document
from .values import parse_datetime, parse_decimal

_TEXT = q("text")


class ElementReader:
    """Reads values out of the elements of one document, reporting what it cannot use."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.root = doc.root
        self.ctx = doc.ctx

    def child(self, parent: Any | None, name: str, ns: str = SNB) -> Any | None:
        """The first child ``name`` of ``parent``, marked as used."""
        if parent is None:
            return None
        # iterchildren(tag): the first match in C, without ElementPath's parse of a path
        found = next(parent.iterchildren(q(name, ns)), None)
        self.doc.use(found)
        return found

    def children(self, parent: Any | None, name: str, ns: str = SNB) -> list[Any]:
        """All children ``name`` of ``parent``, marked as used."""
        if parent is None:
            return []
        found: list[Any] = list(parent.iterchildren(q(name, ns)))
        for f in found:
            self.doc.use(f)
        return found

    def text(self, element: Any | None) -> dict[str, str]:
        """A TextType/NoteType as LangText (one entry per ``text/@lang``)."""
        out: dict[str, str] = {}
        if element is None:
            return out
        self.doc.use(element)
        for t in element.iterchildren(_TEXT):
            self.doc.use(t, deep=True)
            value = t.text or ""
            if not value.strip():
                continue
            lang = self.lang(t.get("lang"), t)
            out.setdefault(lang, layout_text(value))
        return out

    def lang(self, value: str | None, element: Any) -> str:
        """A language tag from ``@lang``; an unknown one is reported and becomes ``und``."""
        if not value:
            return "und"
        try:
            return vocab.language_code(value)
        except InputError:
            self.ctx.say(Code.INVALID_VALUE, None, f"unknown language {value!r} (line "
                         f"{element.sourceline}); kept as 'und'")
            return "und"

    def plain(self, element: Any | None, field: str) -> str | None:
        """The one text of a TextType (first language; others reported as approximated)."""
        texts = self.text(element)
        if not texts:
            return None
        values = list(dict.fromkeys(texts.values()))
        if len(values) > 1:
            self.ctx.say(Code.APPROXIMATED, field, f"{len(values)} language versions; the first "
                         f"({next(iter(texts))}) is kept")
        return values[0]

    def code(self, element: Any | None) -> str | None:
        """The cleaned ``@uri`` of a coded element (which is used with its labels)."""
        if element is None:
            return None
        self.doc.use(element, deep=True)
        return clean_uri(element.get("uri"))

    def value(self, element: Any | None) -> str | None:
        """The stripped text of a simple element."""
        if element is None:
            return None
        self.doc.use(element, deep=True)
        text = (element.text or "").strip()
        return text or None

    def date(self, text: str, field: str) -> Any:
        """An ``xs:dateTime``/``xs:date`` value; one that is not a date is reported."""
        parsed = parse_datetime(text)
        if parsed is None:
            self.ctx.say(Code.INVALID_VALUE, field,
                         f"{text!r} is not a date or date-time; left out")
        return parsed

    def number(self, text: str | None, field: str) -> Any:
        """A decimal of 0 or more (credit points: 0 is a value, a webinar with 0 ECTS);
        anything else is reported."""
        if text is None:
            return None
        value = parse_decimal(text)
        if value is None or value < 0:
            self.ctx.say(Code.INVALID_VALUE, field, f"{text!r} is not a number of 0 or more; "
                         "left out")
            return None
        return value

    def coded(self, uri: str | None, vocabulary: str, field: str) -> str | None:
        """A vocabulary code for a URI; an unknown URI is kept as the URI when the canonical
        model allows it, else reported."""
        if uri is None:
            return None
        voc = vocab.vocabulary(vocabulary)
        code = voc.lookup(uri)
        if code is not None:
            return code
        if vocabulary in ("setting",):
            self.ctx.say(Code.INVALID_VALUE, field, f"unknown {vocabulary} {uri!r}; ignored")
            return None
        return uri

    def country(self, value: str | None, field: str) -> str | None:
        """A country code/URI -> alpha-2; an unknown one is reported."""
        if not value:
            return None
        try:
            return vocab.country_code(value, field=field)
        except InputError:
            self.ctx.say(Code.INVALID_VALUE, field, f"unknown country {value!r}; ignored")
            return None

    def isced_f(self, uri: str | None) -> str | None:
        """An ISCED-F URI -> code; unknown ones are reported."""
        if not uri:
            return None
        try:
            return vocab.isced_f_code(uri)
        except InputError:
            self.ctx.say(Code.INVALID_VALUE, "fields_of_study",
                         f"unknown ISCED-F code {uri!r}; ignored")
            return None

    def language(self, uri: str | None) -> str | None:
        """A language NAL URI -> ISO 639-1; unknown ones are reported."""
        if not uri:
            return None
        try:
            return vocab.language_code(uri)
        except InputError:
            self.ctx.say(Code.INVALID_VALUE, "languages", f"unknown language {uri!r}; ignored")
            return None

    def identifier(self, element: Any) -> dict[str, Any]:
        """An IdentifierType -> canonical Identifier."""
        self.doc.use(element, deep=True)
        # the agency that runs the scheme names it when neither the id nor the name does
        scheme = element.get("schemeID") or element.get("schemeName") or \
            element.get("schemeAgencyName")
        out = {"value": (element.text or "").strip()}
        if scheme:
            out["scheme"] = scheme
        return out


def layout_text(value: str) -> str:
    """The text of an XML ``text`` element without the document's layout. ``text`` is an
    ``xs:string`` (whitespace preserved), but a pretty-printed document indents the lines it
    wraps: when the lines after the first are indented, the line breaks are the printer's and
    each paragraph becomes one line (a blank line, the author's paragraph break, stays a line
    break); when they are not, the line breaks are the author's and are kept. Leading and
    trailing blank space and the spaces ending a line go either way."""
    lines = value.strip().split("\n")
    if len(lines) == 1:
        return lines[0]
    wrapped = any(line[:1] in (" ", "\t") for line in lines[1:] if line.strip())
    if not wrapped:
        return "\n".join(line.rstrip() for line in lines)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(" ".join(line.split()))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(" ".join(p) for p in paragraphs if p)
