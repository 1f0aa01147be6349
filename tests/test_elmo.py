"""The ``elmo`` format: the shared ELMO samples, writing valid ELMO 1.7, round trips, errors."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import credbridge
import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.convert import detect, read, write
from credbridge.errors import InputError, UsageError
from credbridge.plugin_manager import get_formats
from credbridge.report import Report
from credbridge.safety import xml_parser
from credbridge.testing import carried_subset, write_read
from lxml import etree

GENERATED = {"generated_date": "2025-07-01T09:00:00Z"}


def c14n(data: bytes) -> str:
    """The canonical form (C14N 2.0) of an XML document, for snapshots."""
    return etree.tostring(etree.fromstring(data, xml_parser()), method="c14n2").decode()


@pytest.fixture(scope="session")
def samples(shared: Path) -> Path:
    return shared / "samples" / "elmo"


@pytest.fixture(scope="session")
def schemas(shared: Path) -> Path:
    return shared / "schemas"


def elmo() -> object:
    return get_formats().get("elmo")


def test_microcredential_sample_values(samples: Path) -> None:
    assert detect(samples / "microcredential_elmo_v1.7.xml").name == "elmo"
    (cred,) = read(samples / "microcredential_elmo_v1.7.xml")
    assert cred.id == "MC-DATA-101"
    assert cred.title == {"en": "Data Analysis with Python"}
    assert cred.credential_type == "micro-credential"
    assert cred.learner is not None
    assert (cred.learner.given_name, cred.learner.family_name) == ("Ana", "Andromeda")
    assert cred.learner.birth_date == dt.date(1999, 10, 2)
    assert cred.learner.citizenship == ["IE"]
    assert cred.learner.identifiers[0].scheme == "esi"
    body = cred.awarding_bodies[0]
    assert body.name == {"en": "University of Zed"} and body.country == "IE"
    assert body.url == "https://uniz.example.edu"
    assert cred.fields_of_study == ["0613"]
    assert cred.workload is not None and cred.workload.ects == Decimal(5)
    assert cred.workload.hours == Decimal(125)
    assert cred.levels is not None and cred.levels.eqf == 6
    assert cred.assessed == dt.date(2024, 6, 15)
    assert cred.assessment is not None and cred.assessment.grade is not None
    assert (cred.assessment.grade.value, cred.assessment.grade.status) == ("Pass", "passed")
    assert cred.languages == ["en"]
    assert [lo.text["en"] for lo in cred.learning_outcomes] == [
        "Clean and transform tabular data", "Build reproducible notebooks"]
    assert cred.issued == dt.datetime(2024, 6, 30, 12, tzinfo=dt.UTC)
    # the embedded DS (1.1-1.3, 3.1, 3.2 in the sample's own wording) agrees with ELMO: nothing
    # is kept verbatim
    assert "ds:sections" not in cred.extensions
    assert cred.extensions["ds:language"] == "en"


def test_example_v1_sample_values(samples: Path) -> None:
    report = Report()
    creds = list(read(samples / "example_v1.xml", report=report))
    assert [c.id for c in creds] == ["MNM2-BIO", "1000-217bMRJ", None]
    degree, course, third = creds
    assert degree.title["en"] == "Master of Science in Biology"
    assert degree.workload is not None and degree.workload.ects == Decimal(120)
    assert degree.fields_of_study == ["0511"]
    assert degree.awarding_bodies[0].country == "PL"
    assert degree.awarding_bodies[0].name["pl"] == "Uniwersytet Warszawski"
    assert degree.learner is not None and degree.learner.national_id is not None
    assert degree.learner.national_id.value == "83041200000"
    assert degree.parts[0].id == "EKSTERN"  # the ELMO hierarchy (hasPart) with its results
    kept = degree.extensions["ds:sections"]
    # foreign DS text that is not in the credbridge convention is kept verbatim, by number
    assert kept["3.2"]["content"] == "48 months / 240 ECTS credits"
    assert kept["7.2"]["content"] == "Vice Rector Ola Nordmann"
    assert "8" in kept and kept["8"]["attachments"]
    assert course.levels is not None and course.levels.eqf == 5
    assert course.assessment is not None and course.assessment.grade is not None
    assert course.assessment.grade.value == "45.1"
    assert course.languages == ["pl"]
    assert course.workload is not None and course.workload.ects == Decimal(6)
    assert third.title == {"und": "The importance of <br> in HTML"}
    assert third.proof and third.proof[0].signer == "O=UiO,L=Oslo,ST=Some-State,C=NO"
    assert any(m.code == "ignored-input" and "groups" in m.detail for m in report.messages)


@pytest.mark.parametrize("name", ["example_v1.xml", "microcredential_elmo_v1.7.xml"])
def test_samples_validate_and_convert_back_valid(samples: Path, schemas: Path,
                                                 name: str) -> None:
    fmt = get_formats().get("elmo")
    data = (samples / name).read_bytes()
    assert fmt.validate(data, schemas) == []
    for cred in read(samples / name):
        out = write([cred], None, to="elmo") or b""
        assert fmt.validate(out, schemas) == []


def test_microcredential_sample_round_trip_snapshot(samples: Path, snapshot: object) -> None:
    (cred,) = read(samples / "microcredential_elmo_v1.7.xml")
    back, data, _ = write_read("elmo", cred)
    assert back[0].to_json_dict() == cred.to_json_dict()
    assert c14n(data) == snapshot


def test_fixture_round_trip_keeps_carried_fields(fixtures: Path, schemas: Path,
                                                 snapshot: object) -> None:
    (cred,) = read(fixtures / "ds" / "full-credential.canonical.json", from_format="canonical")
    back, data, report = write_read("elmo", cred, GENERATED)
    assert get_formats().get("elmo").validate(data, schemas) == []
    want = carried_subset(cred, "elmo")
    assert carried_subset(back[0], "elmo") == want
    assert c14n(data) == snapshot
    dropped = {m.field for m in report.messages if m.code == "dropped"}
    # the embedded Diploma Supplement carries what ELMO has no element for (provider, modes...)
    assert dropped == {"credential_type", "learner.email"}
    assert back[0].provider is not None and back[0].provider.name == {"en": "Zed Digital Academy"}
    assert back[0].fields_of_study == ["0613", "0542"]


def test_csv_sample_to_elmo_is_valid(shared: Path, schemas: Path) -> None:
    creds = list(read(shared / "samples" / "csv" / "microcredentials.csv"))
    assert creds
    fmt = get_formats().get("elmo")
    for cred in creds:
        data = write([cred], None, to="elmo", options=GENERATED) or b""
        assert fmt.validate(data, schemas) == []
        (back,) = read(io.BytesIO(data), from_format="elmo")
        assert back.title == cred.title
        assert back.workload == cred.workload
        assert back.levels == cred.levels
        assert back.awarding_bodies[0].country == cred.awarding_bodies[0].country


def test_v2_detected_by_structure(samples: Path) -> None:
    text = (samples / "microcredential_elmo_v1.7.xml").read_text("utf-8")
    v2 = text.replace("<bday>1999-10-02</bday>",
                      "<alternativeName/><dateOfBirth>1999-10-02</dateOfBirth>")
    report = Report()
    (cred,) = read(io.BytesIO(v2.encode()), from_format="elmo", report=report)
    assert cred.learner is not None and cred.learner.birth_date == dt.date(1999, 10, 2)
    assert any("v2.0" in m.detail for m in report.messages)
    # validated against the 2.0.0 schema (chosen by structure); 1.7.0 refuses it
    assert get_formats().get("elmo").validate(v2.encode(), shared_schemas(samples)) == []
    from credbridge.plugins.elmo.schema import validate_tree
    from credbridge.plugins.elmo.xmlutil import parse_xml

    assert validate_tree(parse_xml(v2.encode(), "v2"), shared_schemas(samples), "1")


def shared_schemas(samples: Path) -> Path:
    """The schemas folder beside the samples folder."""
    return samples.parent.parent / "schemas"


def test_malformed_elmo_names_the_line(fixtures: Path) -> None:
    with pytest.raises(InputError) as err:
        list(read(fixtures / "elmo" / "malformed.elmo.xml", from_format="elmo"))
    assert "line 10" in str(err.value)
    result = CliRunner().invoke(cli, ["convert", str(fixtures / "elmo" / "malformed.elmo.xml"),
                                      "--to", "canonical"])
    assert result.exit_code == 2  # an input that cannot be read (1 is a negative answer)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "malformed.elmo.xml" in lines[0] and "line 10, column" in lines[0]
    assert "Traceback" not in result.output


def test_doctype_is_refused() -> None:
    doc = (b'<?xml version="1.0"?><!DOCTYPE elmo [<!ENTITY x "boom">]>'
           b'<elmo xmlns="https://github.com/emrex-eu/elmo-schemas/tree/v1">&x;</elmo>')
    with pytest.raises(InputError, match="DOCTYPE"):
        list(read(io.BytesIO(doc), from_format="elmo"))


def test_processing_instruction_is_refused() -> None:
    doc = (b'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?>'
           b'<elmo xmlns="https://github.com/emrex-eu/elmo-schemas/tree/v1"/>')
    with pytest.raises(InputError, match="processing instruction"):
        list(read(io.BytesIO(doc), from_format="elmo"))


def test_detection(samples: Path, fixtures: Path) -> None:
    registry = get_formats()
    head = (samples / "microcredential_elmo_v1.7.xml").read_bytes()[:8192]
    assert [f.name for f in registry.sniffers(head)] == ["elmo"]
    ds_head = (fixtures / "ds" / "foreign-sections.ds.xml").read_bytes()[:8192]
    assert [f.name for f in registry.sniffers(ds_head)] == ["ds"]


def test_messages_name_the_learning_opportunity(samples: Path) -> None:
    """What is reported while a learning opportunity is read names it (its local id)."""
    report = Report()
    ids = {c.id for c in read(samples / "example_v1.xml", report=report)}
    parts = [m for m in report.messages if m.field == "parts"]
    assert parts and {m.record for m in parts} <= ids - {None}
    [version] = [m for m in report.messages if "by structure" in m.detail]
    assert version.record is None  # about the document, not one of its records
    assert all(m.format == "elmo" for m in report.messages)


def test_generated_date_and_omitted_supplement_options(samples: Path, schemas: Path) -> None:
    (cred,) = read(samples / "microcredential_elmo_v1.7.xml")
    options = {"elmo": {"generated_date": "2025-07-01T09:00:00Z",
                        "omit_diploma_supplement": True}}
    data = write([cred], None, to="elmo", options=options) or b""
    assert get_formats().get("elmo").validate(data, schemas) == []
    root = etree.fromstring(data, xml_parser())
    ns = {"e": "https://github.com/emrex-eu/elmo-schemas/tree/v1"}
    assert root.findtext("e:generatedDate", namespaces=ns) == "2025-07-01T09:00:00Z"
    assert root.find(".//e:diplomaSupplement", ns) is None
    with pytest.raises(UsageError, match="generated_date"):
        write([cred], None, to="elmo", options={"elmo": {"generated_date": "yesterday"}})


@pytest.mark.parametrize(("source", "to"), [("elmo", "elmo"), ("ds", "ds"), ("ds", "ds-html")])
def test_unknown_option_is_a_usage_error_naming_the_format(samples: Path, fixtures: Path,
                                                           source: str, to: str) -> None:
    path = samples / "microcredential_elmo_v1.7.xml" if source == "elmo" else \
        fixtures / "ds" / "foreign-sections.ds.xml"
    with pytest.raises(UsageError, match=f"format {to} has no option 'nope'"):
        credbridge.convert(path, to=to, from_format=source, options={to: {"nope": 1}})


def test_every_shared_elmo_document_gives_a_valid_elmo_and_ds(shared: Path) -> None:
    """ELMO and DS outputs of every shared ELMO document pass the official schema (issue 16 §4):
    a source's own ``start`` that is not an ``xs:date`` (the Finnish EMREX examples: "2012") is
    left out with a message instead of being forwarded into an invalid document."""
    from credbridge.batch import Batch, run
    from credbridge.errors import CredbridgeError

    bad, said, tried = {}, 0, 0
    for doc in sorted([*(shared / "samples" / "elmo").glob("*.xml"),
                       *(shared / "corpus" / "elmo").glob("*.xml")]):
        for target in ("elmo", "ds"):
            try:
                result = run(Batch([doc], to=target, validate=True, schemas=shared / "schemas"))
            except CredbridgeError:
                continue  # a document credbridge cannot read gives no output
            tried += 1
            if problems := [m.detail for m in result.report.messages
                            if m.code == "invalid-record" and "is not valid" in m.detail]:
                bad[f"{doc.name} -> {target}"] = problems
            said += any(m.field == "extensions.elmo:start" and m.code == "extension-dropped"
                        for m in result.report.messages)
    assert tried >= 25
    assert not bad, bad
    assert said >= 3


def test_a_signer_name_wrapped_over_lines_is_one_line(shared: Path) -> None:
    """The signing certificate's subject of an ELMO signature, as EMREX DK writes it wrapped
    over lines, is read as one line (the proof's signer is printed and reported)."""
    import io
    import re

    from credbridge.convert import read as read_records

    path = shared / "corpus" / "elmo" / "fi-emrex--resources_Example-elmo-Sweden-1.0.xml"
    text = path.read_text("utf-8")
    wrapped = re.sub(r"(<(?:\w+:)?X509SubjectName>)([^,<]*,)", r"\1\2\n\t\t\t", text, count=1)
    assert wrapped != text
    [first, *_] = list(read_records(io.BytesIO(wrapped.encode()), from_format="elmo"))
    [proof] = first.proof
    assert proof.signer and "\n" not in proof.signer and "\t" not in proof.signer
    assert "  " not in proof.signer
