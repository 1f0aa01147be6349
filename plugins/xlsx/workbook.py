"""Opening an untrusted workbook: size budgets on the archive, no DTD in any XML part, openpyxl
in read-only mode (docs/formats/xlsx.md#safety).

openpyxl parses the parts of a workbook with lxml (``resolve_entities=False``) and the
worksheets and shared strings with ``iterparse`` (defusedxml's when installed, which credbridge
requires). Before openpyxl sees the bytes, :func:`check_archive` refuses what a workbook never
needs: more members or more unpacked bytes than the budget (a zip bomb; :mod:`zipfile` never
returns more than a member's declared size, so the declared sizes are a real bound) and any
``<!DOCTYPE``/``<!ENTITY`` in the prolog of an XML part (no DTD, hence no entity expansion,
whatever parser reads the part). Macros (``xl/vbaProject.bin``) are never loaded or run.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from credbridge.errors import InputError, LimitExceededError, UnsafeInputError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
"""The largest workbook file read (compressed)."""
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""The most bytes all members of a workbook may unpack to (declared sizes, which zipfile
enforces)."""
MAX_MEMBERS = 10_000
MAX_PROLOG_BYTES = 64 * 1024
"""How far into an XML part its root element must start (a DTD could hide in a longer
prolog)."""
XML_SUFFIXES = (".xml", ".rels", ".vml")

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Budget:
    """The limits of one workbook read."""

    archive_bytes: int = MAX_ARCHIVE_BYTES
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    members: int = MAX_MEMBERS


def read_archive(stream: IO[bytes], budget: Budget) -> bytes:
    """The bytes of a workbook stream, refused past ``budget.archive_bytes``."""
    data = stream.read(budget.archive_bytes + 1)
    if len(data) > budget.archive_bytes:
        raise LimitExceededError(
            f"the workbook is larger than {budget.archive_bytes:,} bytes")
    if not data.startswith(ZIP_MAGIC):
        raise InputError("not an Excel workbook (.xlsx/.xlsm are zip archives; this is not one)")
    return data


def check_archive(data: bytes, budget: Budget) -> zipfile.ZipFile:
    """The archive of ``data`` once its members fit the budget and no XML part has a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a readable workbook: {exc}") from None
    infos = archive.infolist()
    if len(infos) > budget.members:
        raise LimitExceededError(f"the workbook has {len(infos):,} parts (the limit is "
                                 f"{budget.members:,})")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > budget.unpacked_bytes:
        raise LimitExceededError(
            f"the workbook unpacks to {unpacked:,} bytes (the limit is "
            f"{budget.unpacked_bytes:,}): refused as a possible zip bomb")
    if "xl/workbook.xml" not in archive.namelist():
        raise InputError("not an Excel workbook: no xl/workbook.xml part")
    encrypted = [i.filename for i in infos if i.flag_bits & 0x1]
    if encrypted:  # zip encryption (Excel's own password protection is not a zip at all)
        raise InputError(f"part {encrypted[0]} of the workbook is encrypted (a password-"
                         "protected zip): credbridge does not open it")
    for info in infos:
        if info.filename.lower().endswith(XML_SUFFIXES):
            _check_prolog(archive, info)
    return archive


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as part:
            head = part.read(MAX_PROLOG_BYTES)
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, ValueError,
            EOFError, RuntimeError) as exc:
        # zipfile's own: ValueError for a broken offset ("negative seek"), EOFError for a
        # member cut short
        raise InputError(f"part {info.filename} of the workbook is unreadable: {exc}") from None
    root = _root_start(head)
    if root is None and len(head) == MAX_PROLOG_BYTES:
        raise UnsafeInputError(f"part {info.filename}: no root element in its first "
                               f"{MAX_PROLOG_BYTES:,} bytes")
    prolog = head if root is None else head[:root]
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise UnsafeInputError(f"part {info.filename} declares a DTD or entities, which a "
                               "workbook never needs: refused")


def _root_start(head: bytes) -> int | None:
    """Where the root element starts: the first ``<`` not opening ``<?``, ``<!--`` or
    ``<!``."""
    i = 0
    while True:
        i = head.find(b"<", i)
        if i == -1 or i + 1 >= len(head):
            return None
        nxt = head[i + 1:i + 2]
        if nxt not in (b"?", b"!"):
            return i
        if head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            if end == -1:
                return None
            i = end + 3
            continue
        i += 2


def open_workbook(data: bytes, budget: Budget, *, formulas: bool = False) -> Workbook:
    """The workbook in openpyxl's read-only mode: cached values (``formulas=False``) or the
    formulas themselves; links to other workbooks and macros are not loaded."""
    from openpyxl import load_workbook

    check_archive(data, budget)
    try:
        with quiet_openpyxl():
            return load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas,
                                 keep_vba=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise InputError(f"not a readable workbook: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # the XML parsers' own errors (lxml, expat, defusedxml)
        raise InputError(f"not a readable workbook: {type(exc).__name__}: {exc}") from None


@contextmanager
def quiet_openpyxl() -> Iterator[None]:
    """Hold back openpyxl's warnings about parts it does not support (data validation
    extensions, conditional formatting): they concern what openpyxl would drop when
    *saving*, never the values read. Other warnings are given again as they came.

    (``warnings.catch_warnings`` is not thread-safe; a warning another thread raises inside
    the block is re-issued, not lost.)"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if "openpyxl" not in (w.filename or ""):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def sheet_rows(ws: Any, max_cells: int) -> list[tuple[Any, ...]]:
    """The rows of a read-only worksheet as tuples of values (each as long as its last
    cell, whatever dimension the sheet claims), refusing a sheet past ``max_cells`` cells."""
    rows: list[tuple[Any, ...]] = []
    seen = 0
    with quiet_openpyxl():
        ws.reset_dimensions()  # a claimed A1:XFD1048576 would pad every row to 16,384 cells
        for row in ws.iter_rows(values_only=True):
            seen += len(row)
            if seen > max_cells:
                raise LimitExceededError(
                    f"sheet {ws.title!r} has more than {max_cells:,} cells")
            rows.append(row)
    return rows


# --- detection from the first bytes ------------------------------------------------------------


def head_members(head: bytes) -> dict[str, bytes]:
    """The parts whose (start of) data lies in ``head``, unpacked as far as ``head`` goes:
    name -> bytes. Reads local file headers only; never raises."""
    out: dict[str, bytes] = {}
    pos = 0
    while head.startswith(ZIP_MAGIC, pos) and pos + 30 <= len(head):
        method = int.from_bytes(head[pos + 8:pos + 10], "little")
        flags = int.from_bytes(head[pos + 6:pos + 8], "little")
        size = int.from_bytes(head[pos + 18:pos + 22], "little")
        name_len = int.from_bytes(head[pos + 26:pos + 28], "little")
        extra_len = int.from_bytes(head[pos + 28:pos + 30], "little")
        name = head[pos + 30:pos + 30 + name_len].decode("utf-8", "replace")
        start = pos + 30 + name_len + extra_len
        chunk = head[start:start + size] if size else head[start:]
        try:
            if method == 8:
                out[name] = zlib.decompressobj(-15).decompress(chunk, 1 << 20)
            elif method == 0:
                out[name] = chunk
        except zlib.error:
            pass
        if flags & 0x08 or not size:  # sizes follow the data: the next header is unknown
            break
        pos = start + size
    return out


EDC_CREDENTIAL_SHEETS = ("Credentials", "Europass Credentials")
EDC_OTHER_SHEETS = ("Persons", "Person", "Organisations", "Organisation", "Agent-Organization",
                    "Achievements", "Recipients")


def sheet_names(workbook_xml: bytes) -> list[str]:
    """Sheet names in (a prefix of) ``xl/workbook.xml``, without an XML parser."""
    import re

    return [_unescape(m.group(1).decode("utf-8", "replace"))
            for m in re.finditer(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', workbook_xml)]


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def looks_like_edc(names: list[str]) -> bool:
    """True when sheet names are those of an EC EDC issuer workbook."""
    return any(n in EDC_CREDENTIAL_SHEETS for n in names) and \
        any(n in EDC_OTHER_SHEETS for n in names)
