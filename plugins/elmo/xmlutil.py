"""XML helpers shared by the ``elmo`` and ``ds`` formats: namespace, hardened parsing, text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from credbridge.context import Context
from credbridge.report import Code
from credbridge.safety import Limits
from credbridge.safety import parse_xml as safe_parse_xml
from lxml import etree

NS = "https://github.com/emrex-eu/elmo-schemas/tree/v1"
"""The ELMO namespace (v1.x and v2.0 share it)."""

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


def q(name: str) -> str:
    """The Clark name ``{ns}name`` of an ELMO element."""
    return f"{{{NS}}}{name}"


def local(el: Any) -> str:
    """The local name of an element (``""`` for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def parse_xml(data: bytes, what: str, limits: Limits | None = None) -> Any:
    """Parse untrusted XML with credbridge's one XML policy
    (:func:`credbridge.safety.parse_xml`): the hardened parser over the whole document, within
    ``limits``; a syntax error is an :class:`InputError` naming the line and column; a DOCTYPE,
    a processing instruction or XInclude anywhere is refused."""
    return safe_parse_xml(data, what=what, limits=limits)


def children(el: Any, name: str | None = None) -> Iterator[Any]:
    """Child elements of ``el`` (all of them, or the ELMO elements named ``name``)."""
    if name is None:
        return (c for c in el if isinstance(c.tag, str))
    # iterchildren(tag): the matching children in C, without ElementPath's parse of a path
    return iter(list(el.iterchildren(_clark(name))))


def child(el: Any, name: str) -> Any | None:
    """The first ELMO child element called ``name``, or ``None``."""
    return next(el.iterchildren(_clark(name)), None)


@lru_cache(maxsize=256)
def _clark(name: str) -> str:
    return f"{{{NS}}}{name}"


def text(el: Any | None) -> str | None:
    """The whitespace-trimmed text of an element (CDATA included, comments excluded);
    ``None`` for a missing or empty element."""
    if el is None:
        return None
    # itertext(): the text and CDATA of the element and its descendants and their tails, as
    # XPath string() gives it, without an XPath evaluation per text; an element without child
    # nodes (no element, comment or processing instruction) has only its own text
    value = (el.text or "").strip() if not len(el) else "".join(el.itertext()).strip()
    return value or None


def token(el: Any | None) -> str | None:
    """Like :func:`text`, with runs of whitespace collapsed (``xs:token`` semantics)."""
    value = text(el)
    # split() breaks at the characters re's \s matches (str.isspace), the text is stripped
    return " ".join(value.split()) if value else None


def lang_of(el: Any, default: str = "und") -> str:
    """The ``xml:lang`` of an element, ``default`` when absent."""
    return (el.get(XML_LANG) or "").strip() or default


def report_unknown(el: Any, known: set[str], ctx: Context, where: str) -> None:
    """Report (``ignored-input``) every child element of ``el`` not in ``known``."""
    for c in el:
        if not isinstance(c.tag, str):
            continue
        name = local(c) if c.tag.startswith(f"{{{NS}}}") else c.tag
        if name not in known:
            ctx.say(Code.IGNORED_INPUT, None, f"<{name}> in {where} (line {c.sourceline}) is not "
                    "mapped")


def sub(parent: Any, name: str, value: str | None = None, lang: str | None = None) -> Any:
    """Append an ELMO element with optional text and ``xml:lang`` (``und`` means none)."""
    el = etree.SubElement(parent, q(name))
    if value is not None:
        el.text = value
    if lang and lang != "und":
        el.set(XML_LANG, lang)
    return el


def serialise(root: Any) -> bytes:
    """Pretty-printed UTF-8 XML with a declaration."""
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def root_name(head: bytes) -> tuple[str | None, bytes]:
    """The local name of the first start tag in ``head`` and the bytes of that tag (a cheap
    look for ``sniff``, no parsing)."""
    m = re.search(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>?", _skip_prolog(head))
    if not m:
        return None, b""
    return m.group(2).decode("ascii", "replace"), m.group(0)


def _skip_prolog(head: bytes) -> bytes:
    data = head.lstrip(b"\xef\xbb\xbf").lstrip()
    while True:
        if data.startswith(b"<?"):
            end = data.find(b"?>")
        elif data.startswith(b"<!--"):
            end = data.find(b"-->")
        elif data.startswith(b"<!"):
            end = data.find(b">")
        else:
            return data
        if end < 0:
            return b""
        data = data[end + 2:].lstrip() if not data.startswith(b"<!--") else \
            data[end + 3:].lstrip()


def verbatim(el: Any) -> str:
    """An element as compact XML text: unused namespace declarations and indentation removed."""
    import copy

    el = copy.deepcopy(el)
    for node in el.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    etree.cleanup_namespaces(el)
    return str(etree.tostring(el, encoding="unicode", with_tail=False))
