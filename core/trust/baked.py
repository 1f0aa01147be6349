"""The credential baked into an Open Badges image (PNG ``iTXt``/``tEXt`` chunk, SVG
``openbadges:credential``/``openbadges:assertion``), taken out so that its proof is checked."""

from __future__ import annotations

import struct
import zlib

from credbridge.safety import parse_xml

PNG = b"\x89PNG\r\n\x1a\n"
KEYWORDS = (b"openbadgecredential", b"openbadges")
MAX_TEXT = 8 * 1024 * 1024


def baked(data: bytes) -> bytes | None:
    """The baked credential (a JWS or JSON) of a PNG or SVG badge, ``None`` when none."""
    if data.startswith(PNG):
        return _png(data)
    head = data.lstrip()[:1]
    if head == b"<" and b"openbadges" in data and b"<svg" in data[:4096]:
        return _svg(data)
    return None


def _png(data: bytes) -> bytes | None:
    pos = len(PNG)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind not in (b"iTXt", b"tEXt") or len(body) != length:
            continue
        keyword, _, rest = body.partition(b"\0")
        if keyword not in KEYWORDS:
            continue
        if kind == b"tEXt":
            return rest
        compressed, _method, rest = rest[0:1], rest[1:2], rest[2:]
        _lang, _, rest = rest.partition(b"\0")
        _translated, _, text = rest.partition(b"\0")
        if compressed == b"\1":
            stream = zlib.decompressobj()
            try:
                text = stream.decompress(text, MAX_TEXT)
            except zlib.error:
                return None
        return text
    return None


def _svg(data: bytes) -> bytes | None:
    root = parse_xml(data, what="the SVG badge", allow_doctype=True)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = node.tag.rsplit("}", 1)[-1]
        if local in ("credential", "assertion") and "openbadges" in node.tag.lower() + str(
                node.prefix or ""):
            verify = node.get("verify")
            if verify:
                return str(verify).encode("ascii", "replace")
            text = "".join(node.itertext()).strip()
            return text.encode("utf-8") if text else None
    return None


def rebake(image: bytes, text: bytes) -> bytes | None:
    """``image`` with its baked credential replaced by ``text`` (a signed JSON credential or
    compact JWS), in the same chunk keyword or SVG element; ``None`` when nothing is baked.
    PNG: an uncompressed ``iTXt`` chunk in place of the old one. SVG: a compact JWS goes in
    the element's ``verify`` attribute, JSON in its text (CDATA), as the Open Badges baking
    specifications put them."""
    if image.startswith(PNG):
        return _rebake_png(image, text)
    if baked(image) is None:
        return None
    return _rebake_svg(image, text)


def _rebake_png(data: bytes, text: bytes) -> bytes | None:
    pos = len(PNG)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        end = pos + 12 + length
        keyword = body.partition(b"\0")[0]
        if kind in (b"iTXt", b"tEXt") and keyword in KEYWORDS and len(body) == length:
            new = keyword + b"\0\0\0\0\0" + text  # not compressed, no language, no title
            chunk = (struct.pack(">I", len(new)) + b"iTXt" + new
                     + struct.pack(">I", zlib.crc32(b"iTXt" + new) & 0xFFFFFFFF))
            return data[:pos] + chunk + data[end:]
        pos = end
    return None


def _rebake_svg(data: bytes, text: bytes) -> bytes | None:
    from lxml import etree

    root = parse_xml(data, what="the SVG badge", allow_doctype=True)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = node.tag.rsplit("}", 1)[-1]
        if local in ("credential", "assertion") and "openbadges" in node.tag.lower() + str(
                node.prefix or ""):
            for child in list(node):
                node.remove(child)
            token = text.strip()
            if token.startswith(b"eyJ") and b"{" not in token:
                node.set("verify", token.decode("ascii"))
                node.text = None
            else:
                node.attrib.pop("verify", None)
                node.text = etree.CDATA(token.decode("utf-8"))
            declared = data.lstrip().startswith(b"<?xml")
            return bytes(etree.tostring(root, xml_declaration=declared, encoding="UTF-8"))
    return None
