"""Baked badges: the credential inside a PNG ``iTXt`` chunk or an SVG element.

OB 2.0: PNG keyword ``openbadges``, SVG ``<openbadges:assertion>`` (``http://openbadges.org``).
OB 3.0: PNG keyword ``openbadgecredential``, SVG ``<openbadges:credential>``
(``https://purl.imsglobal.org/ob/v3p0``). The text is JSON or a compact JWS.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from credbridge.errors import InputError
from credbridge.safety import Limits, parse_xml

from .jws import looks_like_jws

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
OB2_SVG_NS = "http://openbadges.org"
OB3_SVG_NS = "https://purl.imsglobal.org/ob/v3p0"
MAX_TEXT = 16 * 1024 * 1024


@dataclass(frozen=True)
class Baked:
    """What an image carried: the keyword or element found and its text."""

    version: str  # "ob2", "ob3" or "ob1" (a legacy PNG tEXt that holds only a URL)
    text: str
    container: str  # "png" or "svg"


def is_png(head: bytes) -> bool:
    """True for a PNG signature."""
    return head.startswith(PNG_SIGNATURE)


def is_svg(head: bytes) -> bool:
    """True for an SVG document (an ``<svg`` element near the start)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    return start.startswith(b"<") and b"<svg" in start


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG; a truncated or malformed file is an InputError."""
    return list(iter_png_chunks(data))


def iter_png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG, one at a time (a PNG of a million tiny chunks is
    never held as a list); a truncated or malformed file is an InputError."""
    if not is_png(data):
        raise InputError("not a PNG image")
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise InputError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length + 4
        if end > len(data):
            raise InputError(f"truncated PNG chunk {kind.decode('latin-1')!r}")
        yield kind, data[pos + 8:pos + 8 + length]
        pos = end
        if kind == b"IEND":
            break


def _itxt(body: bytes) -> tuple[str, str]:
    keyword, _, rest = body.partition(b"\x00")
    if keyword not in (OB2_KEYWORD.encode(), OB3_KEYWORD.encode()):
        return keyword.decode("latin-1"), ""  # never inflated: only a badge's text is read
    if len(rest) < 2:
        raise InputError("malformed PNG iTXt chunk")
    compressed, rest = rest[0], rest[2:]
    _lang, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_TEXT)
        except zlib.error:
            raise InputError("the compressed PNG iTXt text cannot be inflated") from None
        if inflater.unconsumed_tail:
            raise InputError(f"the baked text is larger than {MAX_TEXT:,} bytes")
    try:
        return keyword.decode("latin-1"), text.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the PNG iTXt text is not UTF-8") from None


def unbake_png(data: bytes) -> Baked:
    """The Open Badges text baked into a PNG (OB 3.0 keyword first, then OB 2.0)."""
    found: dict[str, str] = {}
    legacy = None
    for kind, body in iter_png_chunks(data):
        if kind == b"iTXt":
            if body.partition(b"\x00")[0].decode("latin-1") in found:
                continue  # the first chunk of a keyword is the badge: later ones are not read
            keyword, text = _itxt(body)
            if keyword in (OB2_KEYWORD, OB3_KEYWORD):
                found.setdefault(keyword, text)
        elif kind == b"tEXt":
            keyword_b, _, text_b = body.partition(b"\x00")
            if keyword_b == OB2_KEYWORD.encode():
                legacy = text_b.decode("latin-1")
    if OB3_KEYWORD in found:
        return Baked("ob3", found[OB3_KEYWORD], "png")
    if OB2_KEYWORD in found:
        return Baked("ob2", found[OB2_KEYWORD], "png")
    if legacy is not None:
        return Baked("ob1", legacy, "png")
    raise InputError("the PNG holds no baked badge (no iTXt 'openbadges' or "
                     "'openbadgecredential' chunk)")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bake_png(image: bytes, text: str, version: str) -> bytes:
    """``image`` with ``text`` in an iTXt chunk after IHDR (earlier badges removed)."""
    keyword = OB3_KEYWORD if version == "ob3" else OB2_KEYWORD
    body = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in png_chunks(image):
        if kind in (b"iTXt", b"tEXt") and data.split(b"\x00", 1)[0] in (
                OB2_KEYWORD.encode(), OB3_KEYWORD.encode()):
            continue
        out.append(_chunk(kind, data))
        if kind == b"IHDR":
            out.append(_chunk(b"iTXt", body))
    return b"".join(out)


def unbake_svg(data: bytes, limits: Limits | None = None) -> Baked:
    """The Open Badges text baked into an SVG (``openbadges:credential`` / ``assertion``)."""
    root = parse_xml(data, what="the SVG", limits=limits, allow_doctype=True)
    for ns, local, version in ((OB3_SVG_NS, "credential", "ob3"),
                               (OB2_SVG_NS, "assertion", "ob2")):
        el = root.find(f".//{{{ns}}}{local}")
        if el is None:
            continue
        text = (el.text or "").strip()
        verify = (el.get("verify") or "").strip()
        if not text and verify:
            # a VC-JWT / signed assertion in the attribute (1EdTech's OB 3.0 JWT examples)
            # is the badge itself; anything else is a URL of a hosted badge
            return Baked(version if looks_like_jws(verify.encode()) else "ob1", verify, "svg")
        return Baked(version, text, "svg")
    raise InputError("the SVG holds no baked badge (no openbadges:credential or "
                     "openbadges:assertion element)")


def bake_svg(image: bytes, text: str, version: str) -> bytes:
    """``image`` with ``text`` (as CDATA) in the badge element, first child of the root."""
    from lxml import etree

    root = parse_xml(image, what="the SVG to bake", allow_doctype=True)
    for ns in (OB2_SVG_NS, OB3_SVG_NS):
        for old in root.findall(f".//{{{ns}}}*"):
            old.getparent().remove(old)
    ns, local = (OB3_SVG_NS, "credential") if version == "ob3" else (OB2_SVG_NS, "assertion")
    nsmap = dict(root.nsmap)
    nsmap["openbadges"] = ns
    new_root = etree.Element(root.tag, nsmap=nsmap, attrib=dict(root.attrib))
    new_root.text = root.text
    el = etree.SubElement(new_root, f"{{{ns}}}{local}")
    el.text = etree.CDATA(text)
    el.tail = "\n"
    for child in root:
        new_root.append(child)
    out: bytes = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8")
    return out


def unbake(data: bytes, limits: Limits | None = None) -> Baked:
    """The badge text of a PNG or SVG image (an SVG is parsed within ``limits``)."""
    return unbake_png(data) if is_png(data) else unbake_svg(data, limits)


def bake(image: bytes, text: str, version: str) -> bytes:
    """Bake ``text`` into a PNG or SVG image (chosen by the image's content)."""
    if is_png(image):
        return bake_png(image, text, version)
    if is_svg(image):
        return bake_svg(image, text, version)
    raise InputError("the image to bake is neither a PNG nor an SVG")
