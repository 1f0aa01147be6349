"""Issue 14, class 6: values that made credbridge fail with an internal error (a Python
exception, not one of credbridge's) now end in a clean error or a failed record.

Each case is generated here: huge numbers in every JSON reader and in RDF literals, deep
nesting (canonical object, first JSON Lines line, JAdES header), invalid language tags in ELM,
OB unknown keys nested 450 levels, control characters for the XML writers, lone surrogates in
OB 3.0, a Diploma Supplement section numbered "7.²", a decimal that overflows, an e-mail that
Turtle cannot write, and canonical extensions of every wrong type for every writer.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from credbridge import get_formats
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.model import MicroCredential, build
from credbridge.report import Report
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"
BIG = "9" * 5000
DEEP = '{"a":' * 50_000 + "1" + "}" * 50_000


def _outcome(data: bytes, fmt: str) -> tuple[int, list[str]]:
    """Read ``data``: (credentials read, errors reported); a clean refusal of the whole input
    is (-1, [message]). Anything but a CredbridgeError fails the test."""
    report = Report()
    try:
        creds = list(read(data, from_format=fmt, report=report))
    except CredbridgeError as exc:
        return -1, [exc.message]
    return len(creds), [m.detail for m in report.errors]


def _json_docs() -> dict[str, bytes]:
    return {
        "canonical": (FIXTURES / "canonical" / "complete.canonical.json").read_bytes(),
        "ob3": (FIXTURES / "ob3" / "vc11-hashed-recipient.json").read_bytes(),
        "ob2": (FIXTURES / "ob2" / "edubadges-microcredential.ob2.json").read_bytes(),
        "elm": (FIXTURES / "elm" / "microcredential-full.jsonld").read_bytes(),
    }


@pytest.mark.parametrize("fmt", ["canonical", "ob3", "ob2", "elm"])
def test_integers_over_4300_digits_in_every_json_reader(fmt: str) -> None:
    doc = _json_docs()[fmt].rstrip()
    count, errors = _outcome(doc[:-1] + b', "x": ' + BIG.encode() + b"}", fmt)
    assert count == -1 and "5,000" in errors[0]
    lines = b"\n".join([_json_line(fmt), _json_line(fmt)[:-1] + b', "x": ' +
                        BIG.encode() + b"}", _json_line(fmt)])
    count, errors = _outcome(lines, fmt)
    assert count == 2 and len(errors) == 1, errors


def _json_line(fmt: str) -> bytes:
    return json.dumps(json.loads(_json_docs()[fmt])).encode()


@pytest.mark.parametrize("literal", [BIG, f"a:{BIG}", "7.²"])
def test_rdf_literals_with_huge_or_odd_digits(literal: str) -> None:
    """A typed literal of 5,000 digits, and values whose digit runs broke the ordering."""
    ttl = (FIXTURES / "elm" / "microcredential-full.ttl").read_text("utf-8")
    subject = re.search(r"^(<[^>]+>|\S+:\S+) a ", ttl, re.M)
    assert subject
    for obj in (f'"{literal}"^^<http://www.w3.org/2001/XMLSchema#integer>', f'"{literal}"'):
        extra = f"\n{subject.group(1)} <http://data.europa.eu/snb/model/elm/x> {obj} .\n"
        _outcome((ttl + extra).encode(), "elm-ttl")
    doc = json.loads(_json_docs()["elm"])
    doc["credentialSubject"]["identifier"] = [{"id": "urn:x:1", "type": "Identifier",
                                               "notation": literal}, {
        "id": "urn:x:2", "type": "Identifier", "notation": {
            "@value": literal, "@type": "http://www.w3.org/2001/XMLSchema#integer"}}]
    _outcome(json.dumps(doc).encode(), "elm")


@pytest.mark.parametrize("case", ["canonical object", "first JSON line", "JAdES header",
                                  "ob3 unknown key"])
def test_deep_nesting_is_a_clean_error(case: str) -> None:
    if case == "canonical object":
        count, errors = _outcome(b'{"id": "urn:x", "extensions": {"a:b": ' + DEEP.encode() +
                                 b"}}", "canonical")
        assert count == -1 and "nested" in errors[0]
    elif case == "first JSON line":
        lines = [DEEP, json.dumps({"id": "urn:x:2", "title": {"en": "T"}})]
        count, errors = _outcome("\n".join(lines).encode(), "canonical")
        assert count == 1 and len(errors) == 1 and "nested" in errors[0]
    elif case == "JAdES header":
        header = base64.urlsafe_b64encode(DEEP.encode()).rstrip(b"=").decode()
        payload = base64.urlsafe_b64encode(_json_docs()["elm"]).rstrip(b"=").decode()
        doc = {"payload": payload, "signatures": [{"protected": header, "signature": "AA"}]}
        count, errors = _outcome(json.dumps(doc).encode(), "elm")
        assert count == -1 and "nested" in errors[0]
    else:
        doc = json.loads(_json_docs()["ob3"])
        nested: dict[str, Any] = {}
        inner = nested
        for _ in range(450):
            inner["k"] = {}
            inner = inner["k"]
        doc["unknownKey"] = nested
        count, errors = _outcome(json.dumps(doc).encode(), "ob3")
        assert count == -1 and "nested" in errors[0]


@pytest.mark.parametrize("tag", ["en-!!bad", "1234", "en-", "-en", "é", "x" * 100])
def test_invalid_language_tags_in_elm(tag: str) -> None:
    text = _json_docs()["elm"].decode("utf-8")
    assert '"en":' in text
    _outcome(text.replace('"en":', json.dumps(tag) + ":", 1).encode(), "elm")


def test_lone_surrogates_in_ob3() -> None:
    doc = _json_docs()["ob3"].replace(b'"name": "', b'"name": "\\ud800', 1)
    count, errors = _outcome(doc, "ob3")
    assert count <= 0 and "surrogate" in errors[0]


def test_a_ds_section_numbered_with_a_superscript() -> None:
    ds = (FIXTURES / "ds" / "foreign-sections.ds.xml").read_text("utf-8")
    hostile = re.sub(r'number="[^"]*"', 'number="7.²"', ds, count=2)
    count, _errors = _outcome(hostile.encode(), "ds")
    assert count == 1
    creds = list(read(hostile.encode(), from_format="ds", report=Report()))
    for fmt in ("ds", "elmo", "canonical"):
        write(creds, None, to=fmt, report=Report())


@pytest.mark.parametrize("value", ["1e999999999", "1e-999999999", "1e999998", BIG])
def test_decimal_overflow_is_a_clean_error(value: str) -> None:
    line = json.dumps({"id": "urn:x", "workload": {"ects": value}}).encode()
    count, errors = _outcome(line, "canonical")
    assert count <= 0 and ("range" in errors[0] or "digits" in errors[0]), errors


def test_an_email_turtle_cannot_write() -> None:
    for email in ("a>b@example.org", "a b@example.org", 'a"b@example.org'):
        line = json.dumps({"id": "urn:x", "learner": {"email": email}}).encode()
        count, errors = _outcome(line, "canonical")
        assert count == 0 and "e-mail" in errors[0]


XML_WRITERS = ("edc-xml", "elmo", "ds", "ds-html", "elm-rdfxml")


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe"])
@pytest.mark.parametrize("fmt", XML_WRITERS)
def test_control_characters_and_the_xml_writers(fmt: str, char: str) -> None:
    """A credential whose text XML cannot carry is a failed record of the XML writers (it
    crashed lxml, or elm-rdfxml wrote XML that was not well formed); the others write it."""
    data = json.loads((FIXTURES / "canonical" / "complete.canonical.json").read_text("utf-8"))
    data["title"] = {"en": f"A{char}B"}
    cred = build(data)
    report = Report()
    out = write([cred], None, to=fmt, report=report)
    assert report.records_failed == 1 and report.records_written == 0
    assert "title.en" in report.errors[0].detail
    if out:
        etree.fromstring(out)  # whatever was written is XML
    for other in ("canonical", "ob3", "elm", "csv", "elm-ttl"):
        back = write([cred], None, to=other, report=Report())
        assert list(read(back, from_format=other, report=Report()))


def _shapes() -> dict[str, dict[str, Any]]:
    """Writer -> the shapes of the extensions it reads."""
    from credbridge.plugins.edc_xml.extension_shapes import SHAPES as EDC
    from credbridge.plugins.elm.extension_shapes import SHAPES as ELM
    from credbridge.plugins.elmo.extension_shapes import SHAPES as ELMO
    from credbridge.plugins.openbadges.extension_shapes import SHAPES as OB

    return {"edc-xml": EDC, "elmo": ELMO, "ds": ELMO, "ds-html": ELMO, "ob3": OB, "ob2": OB,
            "elm": ELM, "elm-ttl": ELM, "elm-rdfxml": ELM}


def _shape_keys() -> list[tuple[str, str]]:
    """(writer, extension key) for every extension a writer reads with a declared shape."""
    return [(fmt, key) for fmt, shapes in _shapes().items() for key in shapes]


WRONG: list[Any] = [1, "s", [1], ["s"], {"a": 1}, True, [[1]], [{"x": 1}], {"a": [1]},
                    [None], -1.5, {"": None}, {"badge": 1}, {"badge": {"raw": 1}}, ["not xml"]]


@pytest.mark.parametrize(("fmt", "key"), _shape_keys())
def test_wrongly_typed_extensions_never_crash_a_writer(fmt: str, key: str) -> None:
    """Canonical ``extensions`` of every wrong type (405 of 6,622 conversions crashed): the
    writer leaves an extension it cannot use out, and says so."""
    from credbridge.model import fit_extensions

    data = json.loads((FIXTURES / "canonical" / "complete.canonical.json").read_text("utf-8"))
    shape = {key: _shapes()[fmt][key]}
    for value in WRONG:
        data["extensions"] = {key: value}
        cred = MicroCredential.model_validate(data)
        report = Report()
        write([cred], None, to=fmt, report=report)
        unfit: list[str] = []
        fit_extensions(cred, shape, lambda k, _s, found=unfit: found.append(k))
        said = [m for m in report.messages if m.field == f"extensions.{key}"
                and m.code == "extension-dropped" and "reads there" in m.detail]
        assert bool(said) == bool(unfit), (value, [m.detail for m in report.messages])


def test_every_writer_is_covered() -> None:
    """A writer that reads extensions declares their shapes (the list above names them)."""
    covered = {fmt for fmt, _key in _shape_keys()}
    readers_of_extensions = {"edc-xml", "elmo", "ds", "ds-html", "ob3", "ob2", "elm",
                             "elm-ttl", "elm-rdfxml"}
    assert readers_of_extensions <= covered
    assert {f.name for f in get_formats() if f.can_write} >= covered
