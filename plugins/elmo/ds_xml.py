"""The ELMO ``diplomaSupplement`` element <-> a flat list of :class:`Section` (by number)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from credbridge.context import Context
from credbridge.report import Code
from credbridge.safety import parse_xml
from lxml import etree

from .section import Section
from .template import VERSION, parent_number, sort_key
from .xmlutil import NS, XML_LANG, child, children, lang_of, local, q, sub, text, token, verbatim

SECTION_CHILDREN = {"title", "content", "additionalInformation", "attachment", "section"}
DS_CHILDREN = {"version", "issueDate", "introduction", "section", "Signature"}


@dataclass
class DiplomaSupplement:
    """What a ``diplomaSupplement`` element holds."""

    lang: str = "und"
    version: str | None = VERSION
    issue_date: str | None = None
    introduction: str | None = None
    sections: list[Section] = field(default_factory=list)
    signed: bool = False


def build_element(ds: DiplomaSupplement, parent: Any | None = None) -> Any:
    """The ``diplomaSupplement`` element (appended to ``parent`` when given), sub-sections nested
    under their main section by number, in schema order."""
    sections = sorted(ds.sections, key=lambda s: sort_key(s.number))
    if any(s.attachments for s in sections):
        return _build_new(ds, sections, parent)
    # Every supplement of the same shape (section numbers, which have content and of which
    # type, how many lines of additional information) has the same elements: they are built
    # once, and each supplement is a C copy of them with its texts set, not ~100 SubElement
    # calls. Appended to ``parent``, the copy's namespace declaration is reconciled with the
    # parent's as an element built there would be (same bytes).
    shape = (parent is None, tuple((s.number, s.content is not None, s.content_type or None,
                                    len(s.info)) for s in sections))
    made = _SHAPES.get(shape)
    if made is None:
        made = _shape(ds, sections, parent is None)
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.pop(next(iter(_SHAPES), None), None)  # type: ignore[arg-type]
        _SHAPES[shape] = made
    skeleton, slots = made
    el = copy.deepcopy(skeleton)
    if ds.lang != "und":
        el.set(XML_LANG, ds.lang)
    nodes = list(el.iter())
    for index, value in zip(slots, _texts(ds, sections), strict=True):
        if value is not None:
            nodes[index].text = value
    if parent is not None:
        parent.append(el)
    return el


_SHAPES: dict[tuple[Any, ...], tuple[Any, list[int]]] = {}
_SHAPES_MAX = 64


def _texts(ds: DiplomaSupplement, sections: list[Section]) -> list[str | None]:
    """The texts of the supplement's elements, in the order :func:`_build_new` makes them."""
    out: list[str | None] = [ds.version or VERSION, ds.issue_date, ds.introduction]
    for s in sections:
        out.append(s.title)
        if s.content is not None:
            out.append(s.content)
        out += s.info
    return out


def _shape(ds: DiplomaSupplement, sections: list[Section], root: bool) -> tuple[Any, list[int]]:
    """The elements of a supplement shaped as ``ds`` without its texts and language, and the
    position in document order of each element :func:`_texts` gives a text to."""
    blank = DiplomaSupplement(version=None, sections=[
        Section(s.number, "", "" if s.content is not None else None, s.content_type,
                [""] * len(s.info)) for s in sections])
    holder = None if root else etree.Element(q("elmo"), nsmap={None: NS})
    made: list[Any] = []
    el = _build_new(blank, blank.sections, holder, made)
    for node in made:
        node.text = None
    order = {node: i for i, node in enumerate(el.iter())}
    if holder is not None:
        holder.remove(el)
    return el, [order[node] for node in made]


def _build_new(ds: DiplomaSupplement, sections: list[Section], parent: Any | None,
               made: list[Any] | None = None) -> Any:
    """The supplement built element by element; ``made`` collects the elements
    :func:`_texts` gives a text to, in its order."""
    el = sub(parent, "diplomaSupplement") if parent is not None else \
        etree.Element(q("diplomaSupplement"), nsmap={None: NS})
    if ds.lang != "und":
        el.set(XML_LANG, ds.lang)
    record = made.append if made is not None else _ignore
    record(sub(el, "version", ds.version or VERSION))
    record(sub(el, "issueDate", ds.issue_date))
    record(sub(el, "introduction", ds.introduction))
    numbered: dict[str, Any] = {}
    for s in sections:
        up = parent_number(s.number)
        while up is not None and up not in numbered:
            up = parent_number(up)
        container = numbered[up] if up is not None else el
        numbered[s.number] = _section(container, s, record)
    return el


def _ignore(_el: Any) -> None:
    return None


def _section(parent: Any, s: Section, record: Callable[[Any], None]) -> Any:
    el = sub(parent, "section")
    el.set("number", s.number)
    record(sub(el, "title", s.title))
    if s.content is not None:
        content = sub(el, "content", s.content)
        record(content)
        if s.content_type:
            content.set("type", s.content_type)
    for line in s.info:
        record(sub(el, "additionalInformation", line))
    for xml in s.attachments:
        el.append(parse_xml(xml.encode("utf-8"), what="an attachment"))
    return el


def read_element(el: Any, ctx: Context) -> DiplomaSupplement:
    """Read a ``diplomaSupplement`` element; sections come out flat, in document order."""
    ds = DiplomaSupplement(lang=lang_of(el), version=token(child(el, "version")),
                           issue_date=token(child(el, "issueDate")),
                           introduction=text(child(el, "introduction")))
    for c in el:
        if isinstance(c.tag, str) and c.tag == "{http://www.w3.org/2000/09/xmldsig#}Signature":
            ds.signed = True
        elif isinstance(c.tag, str) and (not c.tag.startswith(f"{{{NS}}}")
                                         or local(c) not in DS_CHILDREN):
            ctx.say(Code.IGNORED_INPUT, None, f"<{local(c)}> (line {c.sourceline}) in the Diploma "
                    "Supplement is not mapped")
    for s in children(el, "section"):
        _read_section(s, ds.sections, ctx)
    if ds.issue_date:
        try:
            dt.date.fromisoformat(ds.issue_date)
        except ValueError:
            ctx.say(Code.INVALID_VALUE, None, f"issueDate {ds.issue_date!r} is not an ISO date")
            ds.issue_date = None
    return ds


_TITLE, _CONTENT, _INFO, _ATTACHMENT, _SECTION = (
    q("title"), q("content"), q("additionalInformation"), q("attachment"), q("section"))


def _read_section(el: Any, out: list[Section], ctx: Context) -> None:
    number = (el.get("number") or "").strip()
    # one pass over the children (the first title and content count, as child() finds them)
    title_el = content_el = None
    info: list[Any] = []
    attachments: list[Any] = []
    subsections: list[Any] = []
    unknown: list[Any] = []
    for c in el:
        tag = c.tag
        if not isinstance(tag, str):
            continue
        if tag == _TITLE:
            title_el = c if title_el is None else title_el
        elif tag == _CONTENT:
            content_el = c if content_el is None else content_el
        elif tag == _INFO:
            info.append(c)
        elif tag == _ATTACHMENT:
            attachments.append(c)
        elif tag == _SECTION:
            subsections.append(c)
        elif local(c) not in SECTION_CHILDREN:
            unknown.append(c)
    section = Section(
        number=number,
        title=token(title_el) or "",
        content=token(content_el),
        content_type=(content_el.get("type") or None) if content_el is not None else None,
        info=[t for t in (text(i) for i in info) if t],
        attachments=[verbatim(a) for a in attachments],
    )
    if not number:
        ctx.say(Code.IGNORED_INPUT, None, f"a section without a number (line {el.sourceline}) "
                "cannot be matched")
    else:
        out.append(section)
    for c in unknown:
        ctx.say(Code.IGNORED_INPUT, None, f"<{local(c)}> (line {c.sourceline}) in section "
                f"{number} is not mapped")
    for s in subsections:
        _read_section(s, out, ctx)
