"""Many credentials in one Turtle / RDF-XML document (issue 21): each comes back as itself,
with its own messages only.

The reader used to walk the whole graph for each credential to find what it left unread
(quadratic in the number of credentials); it now looks only at the nodes the credential
visited. This proves that each record keeps its identity and that the ``ignored-input``
report of a credential counts its own unread properties, not those of the others.
"""

from __future__ import annotations

import io

import pytest
from credbridge.convert import read, write
from credbridge.model import MicroCredential
from credbridge.report import Code, Report
from credbridge.testing import varied_credentials

COUNT = 50


def _credentials(n: int) -> list[MicroCredential]:
    return varied_credentials(n)


def _document(fmt: str, creds: list[MicroCredential]) -> bytes:
    out = io.BytesIO()
    write(creds, out, to=fmt, report=Report())
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["elm-ttl", "elm-rdfxml"])
def test_each_of_many_credentials_reads_as_itself(fmt: str) -> None:
    creds = _credentials(COUNT)
    data = _document(fmt, creds)
    report = Report()
    back = list(read(data, from_format=fmt, report=report))
    assert len(back) == COUNT
    by_id = {c.id: c for c in back}
    assert sorted(by_id) == sorted(c.id for c in creds)  # every credential once
    for cred in creds:
        got = by_id[cred.id]
        number = cred.id.rsplit("-", 1)[1].lstrip("0") or "0"
        assert got.learner is not None
        assert got.learner.given_name == f"Given{number}"
        assert got.learner.family_name == f"Family{number}"
        assert got.title == {"en": f"Micro-credential {number}"}
    assert not report.errors


def test_ignored_input_is_counted_per_credential() -> None:
    """An unread property of one credential's node is reported once, for that credential,
    however many credentials share the document."""
    creds = _credentials(5)
    turtle = _document("elm-ttl", creds).decode()
    subject = "<urn:uuid:00000000-0000-4000-8000-000000000003>"
    extra = f'\n{subject} <http://data.europa.eu/snb/model/elm/unheardOf> "x", "y" .\n'
    report = Report()
    back = list(read((turtle + extra).encode(), from_format="elm-ttl", report=report))
    assert len(back) == 5
    ignored = [m for m in report.messages if m.code == Code.IGNORED_INPUT]
    assert [(m.record, m.detail) for m in ignored] == [
        ("urn:uuid:00000000-0000-4000-8000-000000000003",
         "elm:unheardOf (2 values) has no place in the canonical model")]
