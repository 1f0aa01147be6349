"""ELM formats (EDC 3): reading the EC samples, writing JSON-LD / Turtle / RDF/XML that
conforms to the EC shapes edc-generic-full (pre-seal), round trips, JAdES, safety."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from credbridge import convert, read, write
from credbridge.errors import InputError
from credbridge.model import MicroCredential
from credbridge.plugin_manager import get_formats
from credbridge.plugins.elm.fast import fast_graph
from credbridge.plugins.elm.graphs import jsonld_graph, rdf_graph
from credbridge.plugins.elm.shacl import load_shapes, shapes_folder, validate
from credbridge.plugins.elm.values import datetime_text, duration_hours, xsd_boolean
from credbridge.report import Code, Report
from credbridge.testing import write_read
from rdflib import Graph, Literal, URIRef

ELM = "http://data.europa.eu/snb/model/elm/"
CONVERTED = "http://data.europa.eu/snb/credential/c_7e400154"
ANNEX = "Sample-MC-Annex1-unsigned.jsonld"
CERT = "Sample-CertOfPart-unsigned.jsonld"
MODEL_SAMPLE = "credential-sample_v3.2.jsonld"


@pytest.fixture(scope="session")
def samples(shared: Path) -> Path:
    return shared / "samples" / "elm"


@pytest.fixture(scope="session")
def shapes(shared: Path) -> Graph:
    """The EC shapes, loaded once per session (pyshacl is slow)."""
    return load_shapes(shapes_folder(shared / "schemas"))


@pytest.fixture(scope="session")
def annex(samples: Path) -> MicroCredential:
    return _one(samples / ANNEX)


@pytest.fixture(scope="session")
def full(fixtures: Path) -> MicroCredential:
    return _one(fixtures / "elm" / "microcredential-full.canonical.json")


def _one(path: Path, **kw: Any) -> MicroCredential:
    creds = list(read(path, **kw))
    assert len(creds) == 1
    return creds[0]


def _elm_graph(data: bytes, fmt: str) -> Graph:
    if fmt == "elm":
        graph = Graph()
        for line in data.splitlines():
            graph += jsonld_graph(json.loads(line))
        return graph
    return rdf_graph(data, {"elm-ttl": "turtle", "elm-rdfxml": "xml"}[fmt])


# --- reading the EC samples ------------------------------------------------------------------


def test_annex1_sample_reads_with_its_values(annex: MicroCredential) -> None:
    c = annex
    assert c.id == "urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"
    assert c.credential_type == "generic"
    assert c.title == {"en": "Digital micro-credential creation"}
    assert c.extensions["elm:display_title"] == {"en": "Micro-Credential"}
    assert c.issued == dt.datetime(2022, 12, 31, 23, 0, tzinfo=dt.UTC)
    # learner (the EC writes local midnight in UTC: 1999-10-01T22:00:00Z is 2 October)
    assert c.learner is not None
    assert (c.learner.given_name, c.learner.family_name) == ("Ana", "Andromeda")
    assert c.learner.birth_date == dt.date(1999, 10, 2)
    assert c.learner.national_id and c.learner.national_id.value == "LA-234218"
    assert c.learner.national_id.country == "IT"
    assert c.learner.email == "ana.andromeda@email.com"
    # awarding body and country
    [body] = c.awarding_bodies
    assert body.name == {"en": "University of Zed"} and body.country == "IE"
    assert body.url == "https://uniz.edu"
    assert body.address == "Instant Street 16, D08 Dublin"
    assert c.issuer is None  # the issuer is the awarding body
    assert c.provider and c.provider.name == {
        "en": "European Digital Credentials for Learning Support Team"}
    assert c.provider.country == "BE"
    # workload, levels, fields
    assert c.workload and c.workload.ects == Decimal(2) and c.workload.hours == Decimal(60)
    assert c.levels and c.levels.eqf == 6
    assert [n.uri for n in c.levels.nqf] == ["http://data.europa.eu/snb/qdr/c_c392e7a2"]
    assert c.fields_of_study == ["003", "0688"]
    # participation, languages, entry requirement
    assert c.participation and c.participation.modes == ["blended"]
    assert c.participation.setting == "non-formal"
    assert c.languages == ["en"]
    assert "EU Login ID" in c.access_requirements["en"]
    assert c.stackability and c.stackability.partial_qualification is False
    # learning outcomes linked to ESCO
    texts = [o.text["en"] for o in c.learning_outcomes]
    assert texts == ["Communication, collaboration and creativity", "Developing digital content"]
    assert c.learning_outcomes[1].text["es"] == "Contento digital"
    esco = {o.esco_skill for o in c.learning_outcomes} | {
        r for o in c.learning_outcomes for r in o.related}
    assert "http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9" in esco
    assert "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a" in esco
    # assessment: grade, supervision, grading scheme, assessor
    a = c.assessment
    assert a and a.grade and a.grade.value == "Pass"
    assert a.supervision == "unsupervised-no-id"
    assert a.grade.scheme and a.grade.scheme.name == {"en": "Standard grading"}
    assert [o.country for o in a.assessors] == ["BE"]
    assert a.types == ["urn:epass:concept:d1ebf223-3c68-449a-9023-90bc245a0079"]


def test_annex1_sample_reports_what_it_does_not_map(samples: Path) -> None:
    report = Report()
    list(read(samples / ANNEX, report=report))
    ignored = " ".join(m.detail for m in report.messages if m.code == Code.IGNORED_INPUT)
    for name in ("elm:logo", "elm:maximumDuration", "elm:reusabilityLevel", "skos:altLabel",
                 "elm:groupMemberOf"):
        assert name in ignored
    assert any(m.code == Code.APPROXIMATED and m.field == "learner.birth_date"
               for m in report.messages)


def test_certificate_of_participation_reads(samples: Path) -> None:
    c = _one(samples / CERT)
    assert c.title == {"en": "EDC Updates Webinar"}
    assert [b.name["en"] for b in c.awarding_bodies] == [
        "European Digital Credentials for Learning Support Team"]
    assert c.awarding_bodies[0].country == "BE"
    assert c.workload and c.workload.hours == Decimal(2)  # the activity's workload PT2H
    assert c.participation and c.participation.modes == ["online"]
    assert c.learner and c.learner.citizenship == ["IT"]
    assert c.learner.identifiers[0].value == "97168A"
    assert c.further_information and len(c.further_information.links) == 4
    assert c.issued == dt.datetime(2023, 6, 28, 14, 30, tzinfo=dt.UTC)


def test_elm_model_sample_reads_with_issuer_and_eidas(samples: Path) -> None:
    report = Report()
    c = _one(samples / MODEL_SAMPLE, report=report)
    assert c.credential_type == "learning-entitlement"
    assert c.title == {"en": "some kind of learning achievement",
                       "fr": "une sorte de réussite scolaire"}
    assert c.issuer and c.issuer.name["fr"] == "un nom légal" and c.issuer.country == "FR"
    assert c.awarding_bodies[0].country == "FR"
    assert c.extensions["elm:issuer_eidas"] == {"value": "126839", "country": "FR"}
    assert c.issued == dt.date(2010, 10, 1) and c.valid_until == dt.date(2024, 9, 25)
    ignored = " ".join(m.detail for m in report.messages if m.code == Code.IGNORED_INPUT)
    assert "cred:evidence" in ignored and "person:birthName" in ignored


def test_elm_sniffs_the_ec_samples_and_not_other_json(samples: Path, shared: Path) -> None:
    elm = get_formats().get("elm")
    for path in samples.glob("*.jsonld"):
        assert elm.sniff(path.read_bytes()[:8192])
    for path in (shared / "samples" / "ob3").glob("*.json"):
        assert not elm.sniff(path.read_bytes()[:8192]), path.name
    assert not elm.sniff(b'{"title": {"en": "x"}}')


# --- writing: the EC shapes ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["elm", "elm-ttl", "elm-rdfxml"])
def test_fixture_output_conforms_to_edc_generic_full(fmt: str, full: MicroCredential,
                                                     shapes: Graph) -> None:
    back, data, _ = write_read(fmt, full)
    assert validate(_elm_graph(data, fmt), shapes) == []
    assert back[0].title == full.title


def test_every_sample_and_the_csv_sample_write_valid_elm(samples: Path, shared: Path,
                                                         shapes: Graph) -> None:
    csv_sample = shared / "samples" / "csv" / "microcredentials.csv"
    sources = [*sorted(samples.glob("*.jsonld")), csv_sample]
    for source in sources:
        result = convert(source, to="elm")
        assert result.output
        assert validate(_elm_graph(result.output, "elm"), shapes) == [], source.name


def test_pre_seal_mode_tolerates_only_the_sealing_constraints(full: MicroCredential,
                                                              shapes: Graph) -> None:
    _, out, _ = write_read("elm", full)
    graph = _elm_graph(out, "elm")
    strict = validate(graph, shapes, pre_seal=False)
    assert any("cred:issued" in p for p in strict)
    assert any("cred:issuer" in p for p in strict)
    assert validate(graph, shapes) == []
    # a real violation is not hidden: remove the awarding body's legal name
    body = URIRef("urn:epass:org:zed")
    graph.remove((body, URIRef("http://www.w3.org/ns/regorg#legalName"), None))
    assert any("legalName" in p for p in validate(graph, shapes))


def test_validate_method_reads_the_schemas_folder(full: MicroCredential, shared: Path) -> None:
    _, out, _ = write_read("elm-ttl", full)
    assert get_formats().get("elm-ttl").validate(out, shared / "schemas") == []


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["elm", "elm-ttl", "elm-rdfxml"])
def test_canonical_round_trip_keeps_the_fixture(fmt: str, full: MicroCredential) -> None:
    back, _, report = write_read(fmt, full)
    a, b = full.to_json_dict(), back[0].to_json_dict()
    # RDF properties are unordered: lists come back in IRI order
    assert sorted(b.pop("fields_of_study")) == sorted(a.pop("fields_of_study"))
    # one assessment type per specification and no EU grade-status concepts (reported)
    assert b["assessment"].pop("types") == ["written-exam"]
    assert "status" not in b["assessment"]["grade"]
    del a["assessment"]["types"], a["assessment"]["grade"]["status"]
    assert a == b
    dropped = {m.field for m in report.messages if m.code == Code.DROPPED}
    assert {"assessment.types", "assessment.grade.status"} <= dropped


@pytest.mark.parametrize("fmt", ["elm", "elm-ttl", "elm-rdfxml"])
def test_samples_round_trip_through_every_serialisation(fmt: str, samples: Path) -> None:
    for path in sorted(samples.glob("*.jsonld")):
        original = _one(path)
        back, _, _ = write_read(fmt, original)
        assert back[0].to_json_dict() == original.to_json_dict(), path.name


def _values(graph: Graph, root: URIRef, path: str) -> set[Any]:
    nodes: set[Any] = {root}
    for step in path.split("/"):
        prefix, _, name = step.partition(":")
        ns = {"elm": ELM, "cred": "https://www.w3.org/2018/credentials#",
              "dc": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
              "rov": "http://www.w3.org/ns/regorg#", "skos": "http://www.w3.org/2004/02/skos/core#"
              }[prefix]
        nodes = {o for n in nodes for o in graph.objects(n, URIRef(ns + name))}
    return {(str(n), n.language, n.datatype) if isinstance(n, Literal) else str(n) for n in nodes}


EXACT_PATHS = [
    "cred:validFrom",
    "cred:credentialSubject/foaf:givenName", "cred:credentialSubject/foaf:familyName",
    "cred:credentialSubject/elm:nationalId/skos:notation",
    "cred:credentialSubject/elm:nationalId/dc:spatial",
    "cred:credentialSubject/elm:hasClaim/dc:title",
    "cred:credentialSubject/elm:hasClaim/elm:awardedBy/elm:awardingBody",
    "cred:credentialSubject/elm:hasClaim/elm:awardedBy/elm:awardingBody/rov:legalName",
    "cred:credentialSubject/elm:hasClaim/elm:awardedBy/elm:awardingBody/elm:location/"
    "elm:address/elm:countryCode",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:EQFLevel",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:NQFLevel",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:ISCEDFCode",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:creditPoint/elm:point",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:creditPoint/elm:framework",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:volumeOfLearning",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:learningOutcome/dc:title",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:learningOutcome/"
    "elm:relatedESCOSkill",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:learningOutcome/"
    "elm:relatedESCOSkill/skos:prefLabel",
    "cred:credentialSubject/elm:hasClaim/elm:provenBy/elm:specifiedBy/dc:type/skos:prefLabel",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:mode",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:learningSetting",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/dc:language",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:entryRequirement/elm:noteLiteral",
    "cred:credentialSubject/elm:hasClaim/elm:specifiedBy/elm:isPartialQualification",
    "cred:credentialSubject/elm:hasClaim/elm:provenBy/elm:grade/elm:noteLiteral",
    "cred:credentialSubject/elm:hasClaim/elm:provenBy/elm:idVerification",
]


def test_annex1_sample_to_elm_keeps_the_exact_elements_of_the_graph(samples: Path) -> None:
    source = jsonld_graph(json.loads((samples / ANNEX).read_bytes()))
    out = convert(samples / ANNEX, to="elm").output
    assert out
    written = _elm_graph(out, "elm")
    root = URIRef("urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b")
    for path in EXACT_PATHS:
        assert _values(source, root, path), path  # the sample has it
        assert _values(written, root, path) == _values(source, root, path), path


def test_turtle_of_the_annex1_sample(samples: Path, snapshot: Any) -> None:
    out = convert(samples / ANNEX, to="elm-ttl").output
    assert out and b'"PT60H"^^xsd:duration' in out  # the lexical form is kept
    assert out.decode("utf-8") == snapshot


def test_turtle_of_the_fixture(full: MicroCredential, snapshot: Any) -> None:
    _, out, _ = write_read("elm-ttl", full)
    assert out.decode("utf-8") == snapshot


def test_jsonld_of_the_fixture_has_the_ec_compact_shape(full: MicroCredential) -> None:
    _, out, _ = write_read("elm", full)
    doc = json.loads(out)
    assert doc["@context"] == ["https://www.w3.org/2018/credentials/v1",
                               "http://data.europa.eu/snb/model/context/edc-ap"]
    assert doc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert doc["credentialSchema"]["id"] == "http://data.europa.eu/snb/model/ap/edc-generic-full"
    spec = doc["credentialSubject"]["hasClaim"]["specifiedBy"]
    assert spec["type"] == "Qualification"  # levels are present
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    assert spec["volumeOfLearning"] == "PT125H"
    assert {c["point"] for c in spec["creditPoint"]} == {"5", "4"}
    assert doc["validFrom"] == "2024-06-30T10:00:00Z"
    assert "issued" not in doc and "proof" not in doc


# --- other inputs -----------------------------------------------------------------------------


def test_n_triples_and_the_other_elm_namespace_read_the_same(full: MicroCredential) -> None:
    _, ttl, _ = write_read("elm-ttl", full)
    graph = rdf_graph(ttl, "turtle")
    nt = graph.serialize(format="nt", encoding="utf-8")
    assert _one_bytes(nt, "elm-ttl").to_json_dict() == _one_bytes(ttl, "elm-ttl").to_json_dict()
    other = ttl.replace(b"/snb/model/elm/", b"/snb/model/ontology/")
    assert b"/snb/model/elm/" not in other
    assert _one_bytes(other, "elm-ttl").to_json_dict() == _one_bytes(ttl, "elm-ttl").to_json_dict()


def test_the_other_elm_namespace_spelled_with_an_escape_reads_the_same(
        full: MicroCredential) -> None:
    """The reader looks for the other namespace in the graph only when the text could hold
    it: its last segment, or an escape that could spell it (here ``\\u0079``)."""
    _, ttl, _ = write_read("elm-ttl", full)
    other = ttl.replace(b"/snb/model/elm/", b"/snb/model/ontolog\\u0079/")
    assert b"/snb/model/elm/" not in other and b"ontology/" not in other
    assert _one_bytes(other, "elm-ttl").to_json_dict() == _one_bytes(ttl, "elm-ttl").to_json_dict()


def _one_bytes(data: bytes, fmt: str, report: Report | None = None) -> MicroCredential:
    creds = list(read(io.BytesIO(data), from_format=fmt, report=report))
    assert len(creds) == 1
    return creds[0]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def test_jades_sealed_credential_is_unwrapped_and_the_seal_recorded(full: MicroCredential) -> None:
    _, doc, _ = write_read("elm", full)
    header = {"alg": "ES256", "sigT": "2024-07-01T08:00:00Z", "kid": "urn:test:seal-key"}
    sealed = json.dumps({"payload": _b64(doc.strip()), "signatures": [
        {"protected": _b64(json.dumps(header).encode()), "signature": _b64(b"not-a-signature")}]})
    assert get_formats().get("elm").sniff(sealed.encode()[:8192])
    report = Report()
    c = _one_bytes(sealed.encode(), "elm", report)
    [proof] = c.proof
    assert proof.kind == "jades" and proof.signer == "urn:test:seal-key"
    assert proof.created == dt.datetime(2024, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert c.model_copy(update={"proof": []}).to_json_dict() == \
        _one_bytes(doc, "elm").to_json_dict()
    # the same seal in the compact serialisation
    compact = ".".join([_b64(json.dumps(header).encode()), _b64(doc.strip()), _b64(b"sig")])
    assert get_formats().get("elm").sniff(compact.encode()[:8192])
    assert _one_bytes(compact.encode(), "elm").to_json_dict() == c.to_json_dict()
    # the seal is never written again, and the writer says so
    out = convert(io.BytesIO(sealed.encode()), to="elm", from_format="elm")
    assert out.output and b"signatures" not in out.output and b"ES256" not in out.output
    assert any(m.code == Code.DROPPED and m.field == "proof" for m in out.report.messages)


def test_several_credentials_are_json_lines_and_read_back(full: MicroCredential,
                                                         annex: MicroCredential) -> None:
    back, data, _ = write_read("elm", [full, annex])
    assert len(data.strip().splitlines()) == 2
    assert [c.id for c in back] == [full.id, annex.id]
    back_ttl, _, _ = write_read("elm-ttl", [full, annex])
    assert sorted(c.id or "" for c in back_ttl) == sorted([full.id or "", annex.id or ""])


# --- safety and errors ------------------------------------------------------------------------


def test_an_unknown_remote_context_is_an_error_not_a_fetch() -> None:
    doc = {"@context": ["https://www.w3.org/2018/credentials/v1", "https://evil.example/ctx"],
           "type": ["VerifiableCredential", "EuropeanDigitalCredential"]}
    with pytest.raises(InputError, match=r"evil\.example"):
        _one_bytes(json.dumps(doc).encode(), "elm")
    doc = {"@context": [{"@import": "https://evil.example/ctx"}], "id": "urn:x"}
    with pytest.raises(InputError, match="@import"):
        _one_bytes(json.dumps(doc).encode(), "elm")


@pytest.mark.parametrize("data, fmt, message", [
    (b"{not json", "elm", "invalid JSON-LD"),
    (b'{"@context": "http://data.europa.eu/snb/model/context/edc-ap", "id": "urn:x"}', "elm",
     "no EuropeanDigitalCredential"),
    (b'{"payload": "%%%", "signatures": []}', "elm", "base64url"),
    (b"@prefix elm: <http://data.europa.eu/snb/model/elm/> . elm:x elm:y", "elm-ttl",
     "invalid Turtle"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r/>',
     "elm-rdfxml", "DOCTYPE"),
])
def test_bad_documents_are_one_line_input_errors(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _one_bytes(data, fmt)


def test_duration_hours_keeps_months_apart() -> None:
    assert duration_hours("PT60H") == Decimal(60)
    assert duration_hours("P1DT2H30M") == Decimal("26.50")
    assert duration_hours("P60M") is None  # sixty months, not minutes
    assert duration_hours("P5Y") is None  # how rdflib may rewrite P60M
    assert duration_hours("P") is None
    assert duration_hours("PT") is None
    assert duration_hours("P1DT") is None


def test_duration_hours_reads_rdflib_normalised_spellings_alike() -> None:
    """rdflib may rewrite a duration's text when it makes the literal: the hours are the
    same whichever spelling the reader gets."""
    for text in ("PT125H", "P5DT5H", "PT7500M", "PT450000S", "P0Y0M5DT5H", " PT125H "):
        assert duration_hours(text) == Decimal(125), text
    assert duration_hours("PT1H36S") == Decimal("1.01")  # rdflib's spelling of PT1.01H
    assert duration_hours("P0D") == duration_hours("PT0H") == Decimal(0)  # 0 hours is a value


def test_xsd_values_read_from_their_text() -> None:
    assert [xsd_boolean(t) for t in ("true", "1", "false", "0", "yes")] == \
        [True, True, False, False, None]
    assert datetime_text("2022-12-31T23:00:00+00:00") == "2022-12-31T23:00:00Z"
    assert datetime_text("2022-12-31T23:00:00Z") == "2022-12-31T23:00:00Z"
    assert datetime_text("2022-12-31T23:00:00.000Z") == "2022-12-31T23:00:00Z"
    assert datetime_text("2010-01-01T00:00:00") == "2010-01-01T00:00:00"
    assert datetime_text("2023-06-28T14:30:00+02:00") == "2023-06-28T14:30:00+02:00"
    assert datetime_text("not a date") == "not a date"


# --- rdflib's process-wide settings are never changed ----------------------------------------


def _rdflib_settings() -> tuple[dict[str, Any], int]:
    """rdflib's module-level settings (its upper-case names) and the "rdflib" logger level."""
    import logging

    import rdflib

    return ({name: getattr(rdflib, name) for name in dir(rdflib) if name.isupper()},
            logging.getLogger("rdflib").level)


def _pt125h_inputs(full: MicroCredential) -> list[tuple[bytes, str]]:
    """The fixture (workload PT125H) as compact JSON-LD (fast path), as JSON-LD outside the
    fast shape (rdflib's JSON-LD parser), as Turtle and as RDF/XML."""
    jsonld = write([full], None, to="elm")
    assert jsonld and b'"volumeOfLearning": "PT125H"' in jsonld
    doc = json.loads(jsonld)
    doc[ELM + "extra"] = {"@value": "x", "@language": "en"}
    assert fast_graph(doc) is None
    return [(jsonld, "elm"), (json.dumps(doc).encode(), "elm"),
            (write([full], None, to="elm-ttl") or b"", "elm-ttl"),
            (write([full], None, to="elm-rdfxml") or b"", "elm-rdfxml")]


def test_concurrent_reads_and_writes_leave_rdflib_settings_alone(full: MicroCredential) -> None:
    """8 threads read ELM (every serialisation and both JSON-LD paths) and write Turtle at
    once: every PT125H workload reads back as 125 hours, the Turtle keeps ``PT125H``, and
    rdflib's settings and logger level are never changed, not even while the threads run."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import rdflib

    inputs = _pt125h_inputs(full)
    before = _rdflib_settings()
    normalize, level = before[0]["NORMALIZE_LITERALS"], before[1]
    changes: list[tuple[bool, int]] = []
    done = threading.Event()

    def watch() -> None:
        import logging

        while not done.is_set():
            now = (rdflib.NORMALIZE_LITERALS, logging.getLogger("rdflib").level)
            if now != (normalize, level):
                changes.append(now)
            time.sleep(0.0005)

    def convert_one(i: int) -> tuple[str, Decimal | None, bool]:
        data, fmt = inputs[i % len(inputs)]
        [cred] = read(data, from_format=fmt)
        out = write([cred], None, to="elm-ttl") or b""
        hours = cred.workload.hours if cred.workload else None
        return fmt, hours, b'"PT125H"^^xsd:duration' in out

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(convert_one, range(96)))
    finally:
        done.set()
        watcher.join()
    assert [(hours, kept) for _, hours, kept in results] == [(Decimal(125), True)] * 96
    assert changes == []
    assert _rdflib_settings() == before


@pytest.mark.parametrize("normalize", [True, False])
def test_reading_does_not_depend_on_rdflib_literal_normalisation(
        normalize: bool, full: MicroCredential, samples: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever rdflib's (process-wide) normalisation setting, which credbridge never
    changes, every serialisation reads to the same credential."""
    import rdflib

    inputs = _pt125h_inputs(full)
    sample = (samples / MODEL_SAMPLE).read_bytes()
    expected = _one_bytes(inputs[0][0], "elm").to_json_dict()  # rdflib's default setting
    assert expected["workload"]["hours"] == "125"
    expected_sample = _one_bytes(sample, "elm").to_json_dict()
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", normalize)
    for data, fmt in inputs:
        assert _one_bytes(data, fmt).to_json_dict() == expected, fmt
    for fmt in ("elm", "elm-ttl", "elm-rdfxml"):
        written = write([_one_bytes(sample, "elm")], None, to=fmt) or b""
        assert _one_bytes(written, fmt).to_json_dict() == expected_sample, fmt


@pytest.mark.parametrize("name, fmt", [("microcredential-full.jsonld", "elm"),
                                       ("microcredential-full.ttl", "elm-ttl")])
def test_written_fixtures_are_what_the_writer_writes_now(name: str, fmt: str, fixtures: Path,
                                                         full: MicroCredential) -> None:
    """fixtures/elm holds the fixture credential as credbridge writes it (regenerate with
    ``credbridge convert fixtures/elm/microcredential-full.canonical.json --to FMT -o FILE``)."""
    path = fixtures / "elm" / name
    _, out, _ = write_read(fmt, full)
    assert path.read_bytes() == out
    assert _one(path).to_json_dict() == _one_bytes(out, fmt).to_json_dict()


# --- EDC v2 (XML) -> EDC 3 upgrade --------------------------------------------------------------


def test_edc_xml_samples_upgrade_to_valid_edc3(shared: Path, shapes: Graph) -> None:
    samples = sorted((shared / "samples" / "edc-xml").glob("*.xml"))
    assert samples
    for source in samples:
        original = _one(source)
        result = convert(source, to="elm")
        assert result.output
        assert validate(_elm_graph(result.output, "elm"), shapes) == [], source.name
        back = _one_bytes(result.output, "elm")
        assert back.title == original.title
        assert [b.name for b in back.awarding_bodies] == [b.name for b in original.awarding_bodies]


def test_embed_source_follows_the_converted_profile(shared: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from credbridge.cli import cli

    source = shared / "samples" / "edc-xml" / "EDC_WileECoyote_Simple.xml"
    out = tmp_path / "converted.jsonld"
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "elm", "--embed-source",
                                      "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    profiles = {p["id"] for p in doc["credentialProfiles"]}
    assert "http://data.europa.eu/snb/credential/c_7e400154" in profiles  # Converted
    evidence = doc["evidence"]
    assert evidence["dcType"]["id"] == "http://data.europa.eu/snb/evidence-type/c_c4f849d7"
    embedded = evidence["embeddedEvidence"]
    assert base64.b64decode(embedded["content"]) == source.read_bytes()
    assert embedded["contentType"]["id"].endswith("/file-type/XML")
    shapes = Graph()
    for name in ("EDC-converted.ttl", "EDC-generic-full.ttl", "EDC-generic-no-cv.ttl"):
        shapes.parse(shared / "schemas" / "elm-shacl" / name, format="turtle")
    assert validate(jsonld_graph(doc), shapes) == []
    back = _one(out)
    assert back.credential_type == "generic"


def _evidence_of(output: bytes | None) -> bytes | None:
    doc = json.loads(output or b"")
    evidence = doc.get("evidence")
    return base64.b64decode(evidence["embeddedEvidence"]["content"]) if evidence else None


@pytest.mark.parametrize("folder, name", [("edc-xml", "EDC_WileECoyote_Simple.xml"),
                                          ("ob3", "fullOpenBadge.json")])
def test_embed_source_embeds_bytes_input(folder: str, name: str, shared: Path) -> None:
    """Bytes in memory (no file on disk): the evidence is those very bytes (ctx.source)."""
    data = (shared / "samples" / folder / name).read_bytes()
    result = convert(data, to="elm", options={"elm": {"embed_source": True}})
    assert _evidence_of(result.output) == data
    doc = json.loads(result.output or b"")
    assert CONVERTED in {p["id"] for p in doc["credentialProfiles"]}
    source_format = result.source_format
    assert source_format and source_format in doc["evidence"]["evidenceStatement"]
    assert not [m for m in result.report.messages if m.field == "evidence"]
    # without the option nothing is embedded
    assert _evidence_of(convert(data, to="elm").output) is None


def test_embed_source_says_when_there_is_no_document_to_embed(
        full: MicroCredential, shared: Path, annex: MicroCredential) -> None:
    """No source (credentials given to the writer), a streamed CSV (its bytes are not kept)
    and JSON Lines (no single document): reported as dropped evidence, and the rest is
    written."""
    report = Report()
    out = write([full], None, to="elm", report=report, options={"embed_source": True})
    assert _evidence_of(out) is None
    [message] = [m for m in report.messages if m.field == "evidence"]
    assert message.code == Code.DROPPED and "no source document" in message.detail

    csv = convert(shared / "samples" / "csv" / "microcredentials.csv", to="elm",
                  options={"elm": {"embed_source": True}})
    lines = (csv.output or b"").splitlines()
    assert lines and all(_evidence_of(line) is None for line in lines)
    dropped = [m for m in csv.report.messages if m.field == "evidence"]
    assert len(dropped) == len(lines) and all(m.code == Code.DROPPED for m in dropped)
    assert "csv" in dropped[0].detail and dropped[0].record is not None

    jsonl = write([full, annex], None, to="elm") or b""
    again = convert(jsonl, to="elm", from_format="elm", options={"elm": {"embed_source": True}})
    assert [_evidence_of(line) for line in (again.output or b"").splitlines()] == [None, None]
    assert all("JSON Lines" in m.detail for m in again.report.messages if m.field == "evidence")


def test_json_lines_bad_line_is_a_failed_record_and_the_others_are_read(
        full: MicroCredential, annex: MicroCredential) -> None:
    """A line that cannot be read fails as that record (``line N``); every other line is
    read, and its messages name its line."""
    first, second = (write([full, annex], None, to="elm") or b"").splitlines()
    no_edc = b'{"@context": "http://data.europa.eu/snb/model/context/edc-ap", "id": "urn:x"}'
    extra = json.loads(second)
    extra["notATerm"] = 1
    data = b"\n".join([first, b"{not json", b"", no_edc, json.dumps(extra).encode()]) + b"\n"
    report = Report()
    creds = list(read(data, from_format="elm", report=report))
    assert [c.id for c in creds] == [full.id, annex.id]
    failed = {m.record: m.detail for m in report.errors}
    assert set(failed) == {"line 2", "line 4"}
    assert "invalid JSON-LD" in failed["line 2"] and "at column" in failed["line 2"]
    assert "no EuropeanDigitalCredential" in failed["line 4"]
    assert report.records_failed == 2
    [unknown] = [m for m in report.messages if "notATerm" in m.detail]
    assert unknown.record == "line 5"


def test_sniffers_tell_the_three_serialisations_apart(full: MicroCredential, shared: Path) -> None:
    formats = get_formats()
    outputs = {fmt: write_read(fmt, full)[1] for fmt in ("elm", "elm-ttl", "elm-rdfxml")}
    outputs["elm-ttl (N-Triples)"] = rdf_graph(outputs["elm-ttl"], "turtle").serialize(
        format="nt", encoding="utf-8")
    for name, data in outputs.items():
        claimed = [f.name for f in formats if f.name.startswith("elm") and f.name != "elmo"
                   and f.sniff(data[:8192])]
        assert claimed == [name.split()[0]], name
    for path in (shared / "samples" / "edc-xml").glob("*.xml"):
        head = path.read_bytes()[:8192]
        assert not any(formats.get(n).sniff(head) for n in ("elm", "elm-ttl", "elm-rdfxml"))


def test_a_context_nested_in_the_document_is_resolved_offline_too(samples: Path) -> None:
    doc = json.loads((samples / MODEL_SAMPLE).read_bytes())
    doc["credentialSubject"]["@context"] = "https://evil.example/nested"
    with pytest.raises(InputError, match="never fetched"):
        _one_bytes(json.dumps(doc).encode(), "elm")
    doc["credentialSubject"]["@context"] = "http://data.europa.eu/snb/model/context/edc-ap"
    assert _one_bytes(json.dumps(doc).encode(), "elm").title == {
        "en": "some kind of learning achievement", "fr": "une sorte de réussite scolaire"}


def test_vc2_ebsi_flavour_reads_like_the_vc11_original(samples: Path, annex: MicroCredential
                                                       ) -> None:
    """The EBSI flavour: VC 2.0 context, the https edc-ap URL, VerifiableAttestation."""
    doc = json.loads((samples / ANNEX).read_bytes())
    doc["@context"] = ["https://www.w3.org/ns/credentials/v2",
                       "https://data.europa.eu/snb/model/context/edc-ap"]
    doc["type"] = ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"]
    assert _one_bytes(json.dumps(doc).encode(), "elm").to_json_dict() == annex.to_json_dict()


def test_relative_iris_never_resolve_against_the_local_path(samples: Path) -> None:
    doc = json.loads((samples / MODEL_SAMPLE).read_bytes())
    doc["id"] = "credential132"
    c = _one_bytes(json.dumps(doc).encode(), "elm")
    assert c.id == "credential132"  # as written, not file:///<cwd>/credential132
    _, written, report = write_read("elm", c)
    assert json.loads(written)["id"].startswith("urn:credbridge:")  # not an IRI: minted
    assert any(m.field == "id" and m.code == Code.APPROXIMATED for m in report.messages)


def test_texts_of_unknown_language_are_never_lost_silently(full: MicroCredential) -> None:
    """ELM texts need a language: an ``und`` text is written in the language of
    credbridge.languages.text_language (here the language of instruction, reported
    ``retagged``) and, when that language has a text of its own, not written (dropped);
    the text of the language itself is never overwritten (issue 16)."""
    lang = full.languages[0]
    cred = full.model_copy(update={"title": {"fr": "Titre", "und": "Title"},
                                   "description": {"und": "Desc", lang: "Descr"}})
    back, _, report = write_read("elm", cred)
    assert back[0].title == {"fr": "Titre", lang: "Title"}
    assert back[0].description == {lang: "Descr"}
    said = {(m.code, m.field) for m in report.messages if m.field in ("title", "description")
            and ("unknown language" in m.detail or "does not say the language" in m.detail)}
    assert said == {(Code.RETAGGED, "title"), (Code.DROPPED, "description")}
    outcome = full.learning_outcomes[0].model_copy(update={"text": {"und": "Skill"}})
    cred = full.model_copy(update={"learning_outcomes": [outcome]})
    back, _, report = write_read("elm", cred)
    assert back[0].learning_outcomes[0].text == {lang: "Skill"}
    assert any(m.code == Code.RETAGGED and m.field == "learning_outcomes[].text"
               for m in report.messages)


# --- issue 16: seals stay facts about the source (built from the sealed shared corpus) --------


def _jades_documents(shared: Path) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for path in sorted((shared / "corpus" / "elm").iterdir()):
        try:
            doc = json.loads(path.read_bytes())
        except ValueError:
            continue
        if isinstance(doc, dict) and "payload" in doc and doc.get("signatures"):
            protected = doc["signatures"][0]["protected"]
            header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
            out.append((path, header))
    return out


def test_jades_signer_is_the_subject_of_the_signing_certificate(shared: Path) -> None:
    x509 = pytest.importorskip("cryptography.x509")
    documents = [(p, h) for p, h in _jades_documents(shared) if h.get("x5c")]
    assert documents, "no JAdES document with x5c in the shared corpus"
    for path, header in documents:
        (cred,) = read(path, from_format="elm")
        (proof,) = cred.proof
        assert proof.kind == "jades"
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        common_name = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
        assert proof.signer is not None and proof.signer.startswith(f"CN={common_name}, ")
        assert header.get("kid") not in proof.signer  # the kid names the CA, not the signer


def test_unsealed_output_says_which_values_the_seal_set(shared: Path) -> None:
    # the sealing time forwarded as the credential's dates, and the seal holder's eIDAS
    # identifier as the issuer's, are said (the output is not sealed)
    documents = [p for p, h in _jades_documents(shared) if h.get("sigT")]
    assert documents
    said = 0
    for path in documents:
        (cred,) = read(path, from_format="elm")
        report = Report()
        doc = json.loads(write([cred], None, to="elm", report=report) or b"")
        notes = {m.field: m.detail for m in report.messages if m.code is Code.NOTE}
        sealed = {p.created for p in cred.proof if p.created is not None}
        for prop in ("validFrom", "issued", "issuanceDate"):
            value = doc.get(prop)
            if value and any(dt.datetime.fromisoformat(value.replace("Z", "+00:00")) == s
                             for s in sealed if isinstance(s, dt.datetime)):
                assert any(d.startswith(f"{prop} {value} is the time the source was sealed")
                           for d in notes.values()), (path.name, prop)
                said += 1
        if "eIDASIdentifier" in doc.get("issuer", {}):
            assert "holder of the source's seal" in notes["extensions.elm:issuer_eidas"]
    assert said, "no sealed corpus document forwards its sealing time"


def test_national_id_without_country_is_not_a_bare_national_id(shared: Path,
                                                                 shapes: Graph) -> None:
    # EDC XML mandated presentations carry a nationalId whose country credbridge cannot read
    found = 0
    for path in sorted((shared / "corpus" / "edc-xml").glob("*mandated*.xml")):
        for cred in read(path, from_format="edc-xml"):
            nid = cred.learner.national_id if cred.learner else None
            if nid is None or nid.country or cred.learner.citizenship:  # type: ignore[union-attr]
                continue
            found += 1
            report = Report()
            doc = json.loads(write([cred], None, to="elm", report=report) or b"")
            subject = doc["credentialSubject"]
            assert "nationalID" not in subject
            idents = subject["identifier"]
            assert any(i["notation"] == nid.value for i in (
                idents if isinstance(idents, list) else [idents]))
            assert any(m.field == "learner.national_id" and m.code is Code.APPROXIMATED
                       for m in report.messages)
    assert found, "no mandated presentation with a national id without a country"


def test_non_esco_skills_and_nqf_are_not_written_as_esco_or_nqf(samples: Path) -> None:
    # a skill of another framework as the outcome's skill, an NQF level of another scheme
    # (MyNextID's urn:epass: concepts): a shared sample with its ESCO skill and NQF level
    # renamed into urn:epass: concepts
    (cred,) = read(samples / "Sample-MC-Annex1-unsigned.jsonld", from_format="elm")
    data = cred.to_json_dict()
    outcome = next(lo for lo in data["learning_outcomes"] if lo.get("esco_skill"))
    outcome["esco_skill"] = "urn:epass:concept:skill-1"
    level = next(n for n in data["levels"]["nqf"] if n.get("uri"))
    level["uri"] = "urn:epass:concept:nqf-1"
    changed = MicroCredential.model_validate(data)
    report = Report()
    out = json.loads(write([changed], None, to="elm", report=report) or b"")
    for node in _nodes(out, "relatedESCOSkill"):
        assert node["id"].startswith("http://data.europa.eu/esco/")
    assert any(n["id"] == "urn:epass:concept:skill-1" for n in _nodes(out, "relatedSkill"))
    assert all(n["id"].startswith("http://data.europa.eu/snb/qdr/")
               for n in _nodes(out, "nqfLevel"))
    fields = {(m.code, m.field) for m in report.messages}
    assert (Code.APPROXIMATED, "learning_outcomes[].esco_skill") in fields
    assert (Code.DROPPED, "levels.nqf") in fields


def _nodes(doc: Any, key: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k == key:
                out += [n for n in (v if isinstance(v, list) else [v]) if isinstance(n, dict)]
            out += _nodes(v, key)
    elif isinstance(doc, list):
        for item in doc:
            out += _nodes(item, key)
    return out


def test_split_file_names_end_at_a_word(samples: Path) -> None:
    # -o DIR names a file after its id, cut to 80 characters: the cut ends a segment or a word
    # (never '...learningAchievemen'); ids from a shared sample, joined into a long one
    import re

    from credbridge.batch import NAME_LENGTH, safe_name

    path = samples / "Sample-MC-Annex1-unsigned.jsonld"
    ids = sorted(set(re.findall(r'"id":"(urn:epass:[A-Za-z]+:[^"]+)"', path.read_text())))
    (cred,) = read(path, from_format="elm")
    assert cred.id and ids
    long_id = ":".join([cred.id, *ids])
    name = safe_name(cred.model_copy(update={"id": long_id, "document": None}), 1)
    assert len(name) <= NAME_LENGTH
    flat = re.sub(r"[^A-Za-z0-9._-]+", "_", long_id)
    assert flat.startswith(name)
    rest = flat[len(name):]
    assert rest[:1] in ("_", "-", ".") or (name[-1:].islower() and rest[:1].isupper())
