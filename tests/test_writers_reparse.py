"""Writers never write what they cannot read back (issue 14): for credentials with hostile
texts (markup, quotes, control characters, invisible and non-BMP characters, formulas, huge
and tiny numbers, microseconds; :func:`credbridge.strategies.hostile_credentials`), every
writer either refuses the credential (a failed record, reported) or writes output that its
own reader reads back -- for a format credbridge only writes, the format's parser (HTML).
Nothing else may happen: no Python exception, no output a parser rejects.
"""

from __future__ import annotations

import os

import pytest
from credbridge import get_formats
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.model import MicroCredential
from credbridge.report import Report
from credbridge.strategies import hostile_credentials
from hypothesis import HealthCheck, given, settings

WRITERS = sorted(f.name for f in get_formats() if f.can_write)
EXAMPLES = int(os.environ.get("CREDBRIDGE_REPARSE_EXAMPLES", "25"))
"""Credentials per writer (CI); more for a long run."""


def _parse_only(fmt: str, data: bytes) -> None:
    """The format's own parser, for a format credbridge writes but does not read (chosen by
    its media type: HTML, PDF)."""
    media = get_formats().get(fmt).media_types
    if "text/html" in media:
        from lxml import html

        root = html.document_fromstring(data)
        assert root.find(".//body") is not None
    elif "application/pdf" in media:
        import io

        pypdf = pytest.importorskip("pypdf")
        pages = pypdf.PdfReader(io.BytesIO(data), strict=True).pages
        assert len(pages) >= 1 and all(page.extract_text() is not None for page in pages)
    else:
        pytest.fail(f"no parser for the write-only format {fmt} ({', '.join(media)})")


@pytest.mark.parametrize("fmt", WRITERS)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(cred=hostile_credentials())
def test_every_writer_output_reads_back(fmt: str, cred: MicroCredential) -> None:
    report = Report()
    try:
        out = write([cred], None, to=fmt, report=report)
    except CredbridgeError as exc:
        pytest.fail(f"{fmt} raised instead of reporting a failed record: {exc}")
    if report.records_failed:  # refused, and said why
        assert report.records_written == 0 and report.errors
        return
    assert out, f"{fmt} wrote nothing and reported nothing"
    if not get_formats().get(fmt).can_read:
        _parse_only(fmt, out)
        return
    try:
        back = list(read(out, from_format=fmt, report=Report()))
    except CredbridgeError as exc:
        pytest.fail(f"{fmt} wrote what its reader refuses: {exc}\n{out[:2000]!r}")
    assert back, f"{fmt} wrote a document in which its reader finds no credential"
