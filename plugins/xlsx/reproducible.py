"""Byte-identical workbooks for the same input: with ``SOURCE_DATE_EPOCH`` set (the
reproducible-builds convention, :mod:`credbridge.clock`), the time openpyxl stamps on a workbook
(``dcterms:created``/``modified`` in docProps/core.xml, the date of every zip member) becomes
that time. Without it a workbook carries the time it was written, as a spreadsheet does."""

from __future__ import annotations

import io
import re
import zipfile

from credbridge.clock import source_date

CORE = "docProps/core.xml"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def pinned(data: bytes) -> bytes:
    """``data`` (a workbook) with its time stamps set to ``SOURCE_DATE_EPOCH``; unchanged when
    the variable is not set."""
    when = source_date()
    if when is None:
        return data
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # a zip member's date cannot be before 1980
    date_time = max((when.year, when.month, when.day, when.hour, when.minute, when.second),
                    (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == CORE:
                body = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()
