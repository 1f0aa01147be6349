"""Issue 14, class 8: no silent changes. A week date is not read as a day, seconds finer than
microseconds are refused rather than cut, a leading apostrophe survives a CSV round trip,
``1e999998`` is not written as a million digits, and baking into an SVG that uses an entity
is refused instead of writing an SVG that is not well formed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from credbridge.convert import read, write
from credbridge.model import build
from credbridge.report import Report
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent.parent


def _canonical(**fields: object) -> bytes:
    return json.dumps({"id": "urn:x:1", "title": {"en": "T"}, **fields}).encode()


def _read(data: bytes, fmt: str) -> tuple[list[object], list[str]]:
    report = Report()
    creds = list(read(data, from_format=fmt, report=report))
    return creds, [m.detail for m in report.errors]


@pytest.mark.parametrize("value", ["2024-W01", "2024-W01-1", "20240101", "2024-W01T10:00Z"])
def test_a_week_date_is_not_read_as_a_day(value: str) -> None:
    """Python reads 2024-W01 (and 20240101) as 2024-01-01: the credential said a week."""
    creds, errors = _read(_canonical(issued=value), "canonical")
    assert creds == [] and value in errors[0]
    table = f"credential_id,title,issue_date\r\nurn:x:1,T,{value}\r\n".encode()
    creds, errors = _read(table, "csv")
    assert creds == [] and value in errors[0]


def test_seconds_finer_than_microseconds_are_refused_not_cut() -> None:
    creds, errors = _read(_canonical(issued="2024-06-30T10:00:00.123456789Z"), "canonical")
    assert creds == [] and "finer than microseconds" in errors[0]
    creds, _ = _read(_canonical(issued="2024-06-30T10:00:00.123456000Z"), "canonical")
    assert creds  # zeros beyond the microseconds lose nothing


@pytest.mark.parametrize("fmt", ["canonical", "ob3", "elm", "elm-ttl", "edc-xml", "csv"])
def test_microseconds_survive_every_format(fmt: str) -> None:
    cred = build({"id": "urn:x:1", "title": {"en": "T"}, "issued": "2024-06-30T10:00:00.5Z",
                  "awarding_bodies": [{"name": {"en": "U"}, "country": "IE"}]})
    back = list(read(write([cred], None, to=fmt, report=Report()), from_format=fmt,
                     report=Report()))
    assert back[0].issued == cred.issued


@pytest.mark.parametrize("title", ["'quoted", "'=SUM(A1)", "''", "'", "=1+1", "'+1"])
def test_a_leading_apostrophe_survives_a_csv_round_trip(title: str) -> None:
    cred = build({"id": "urn:x:1", "title": {"en": title}})
    out = write([cred], None, to="csv", report=Report())
    back = list(read(out, from_format="csv", report=Report()))
    assert back[0].title == cred.title


@pytest.mark.parametrize("value", ['"1e999998"', "1e999998", '"1E+400"', '"1e-999998"'])
def test_a_huge_exponent_is_refused_not_written_in_full(value: str) -> None:
    good = _canonical()
    bad = b'{"id": "urn:x:2", "workload": {"ects": ' + value.encode() + b"}}"
    creds, errors = _read(good + b"\n" + bad + b"\n", "canonical")
    assert len(creds) == 1 and len(errors) == 1, errors
    assert all(len(c.to_json()) < 1000 for c in creds)  # type: ignore[attr-defined]
    table = f"credential_id,title,ects\r\nurn:x:1,T,{json.loads(value)}\r\n".encode()
    creds, errors = _read(table, "csv")
    assert creds == [] and errors


SVG_WITH_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY badge "Badge">]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>&badge;</title></svg>
"""


def test_baking_into_an_svg_that_uses_an_entity_is_refused(tmp_path: Path) -> None:
    """The SVG was written with ``&badge;`` and without its declaration: not well formed."""
    image = tmp_path / "image.svg"
    image.write_bytes(SVG_WITH_ENTITY)
    src = ROOT / "fixtures" / "ob3" / "microcredential.canonical.json"
    out = tmp_path / "baked.ob3.svg"
    proc = subprocess.run([sys.executable, "-m", "credbridge", "convert", str(src), "--to",
                           "ob3", "--bake", str(image), "-o", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    if out.exists():  # whatever is written is XML with the badge in it
        root = etree.fromstring(out.read_bytes())
        assert root.find(".//{https://purl.imsglobal.org/ob/v3p0}credential") is not None
    else:
        assert proc.returncode == 2 and "entit" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
