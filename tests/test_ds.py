"""The ``ds`` (Diploma Supplement fragment) and ``ds-html`` formats."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from credbridge.convert import read, write
from credbridge.errors import InputError
from credbridge.model import MicroCredential
from credbridge.plugin_manager import get_formats
from credbridge.report import Report
from credbridge.safety import xml_parser
from credbridge.testing import carried_subset, write_read
from lxml import etree

NS = {"e": "https://github.com/emrex-eu/elmo-schemas/tree/v1"}


def c14n(data: bytes) -> str:
    """The canonical form (C14N 2.0) of an XML document, for snapshots."""
    return etree.tostring(etree.fromstring(data, xml_parser()), method="c14n2").decode()


@pytest.fixture(scope="session")
def schemas(shared: Path) -> Path:
    return shared / "schemas"


@pytest.fixture(scope="session")
def full(fixtures: Path) -> MicroCredential:
    (cred,) = read(fixtures / "ds" / "full-credential.canonical.json", from_format="canonical")
    return cred


def sections(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data, xml_parser())
    return {s.get("number"): s for s in root.iter(f"{{{NS['e']}}}section")}


def test_full_credential_round_trip_keeps_exact_fields(full: MicroCredential, schemas: Path,
                                                       snapshot: object) -> None:
    back, data, report = write_read("ds", full)
    assert get_formats().get("ds").validate(data, schemas) == []
    fields = get_formats().get("ds").fields
    exact = {p for p, how in fields.items() if how == "exact"}
    want = {p: v for p, v in carried_subset(full, "ds").items() if p in exact}
    got = {p: v for p, v in carried_subset(back[0], "ds").items() if p in exact}
    assert got == want
    assert "levels.eqf" in want and "workload.ects" in want and "issued" in want
    assert back[0].learner is not None and back[0].learner.birth_date == dt.date(2001, 3, 17)
    assert back[0].workload is not None and back[0].workload.ects == Decimal(5)
    assert c14n(data) == snapshot
    dropped = {m.field for m in report.messages if m.code == "dropped"}
    assert dropped == {"credential_type", "learner.email", "awarding_bodies[].identifiers",
                       "awarding_bodies[].url"}


def test_every_template_section_is_present_and_numbered(full: MicroCredential) -> None:
    data = write([MicroCredential(title={"en": "Only a title"}, issued="2025-01-01")], None,
                 to="ds") or b""
    found = sections(data)
    assert list(found) == ["1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "2.4",
                           "2.5", "3", "3.1", "3.2", "3.3", "4", "4.1", "4.2", "4.3", "4.4",
                           "4.5", "5", "5.1", "5.2", "6", "6.1", "6.2", "7", "7.1", "7.2", "7.3",
                           "7.4", "8"]
    content = {n: s.findtext("e:content", namespaces=NS) for n, s in found.items()}
    assert content["2.1"] == "Only a title"
    assert content["1.1"] == "Not applicable" and content["8"] == "Not applicable"
    assert content["7.1"] == "2025-01-01"


def test_text_convention(full: MicroCredential) -> None:
    data = write([full], None, to="ds") or b""
    found = sections(data)

    def content(n: str) -> str | None:
        return found[n].findtext("e:content", namespaces=NS)

    def info(n: str) -> list[str]:
        return [e.text or "" for e in found[n].findall("e:additionalInformation", NS)]

    assert content("3.1") == "EQF level 6; QF-EHEA first cycle; ISCED 2011 level 6"
    assert content("3.2") == "5 ECTS credits; 125 hours"
    assert content("2.2") == ("0613 Software and applications development and analysis; "
                              "0542 Statistics")
    assert content("2.3") == "University of Zed (IE)"
    assert content("1.3") == "2001-03-17"
    assert info("4.5") == ["Status: passed"] and content("4.5") == "A"
    assert "Assessment type: written examination" in info("4.3")
    assert info("6.1")[0] == "Credential identifier: urn:uuid:2b7e4c1a-5d0f-4e8e-9c3a-7f1d2e3b4a01"


def test_foreign_sections_matched_by_number_and_kept(fixtures: Path, schemas: Path,
                                                     snapshot: object) -> None:
    path = fixtures / "ds" / "foreign-sections.ds.xml"
    assert get_formats().get("ds").validate(path.read_bytes(), schemas) == []
    report = Report()
    (cred,) = read(path, report=report)
    # titles differ from the template: sections are matched by number
    assert cred.learner is not None and cred.learner.family_name == "Rossi"
    assert cred.learner.birth_date == dt.date(1998, 11, 5)
    assert cred.title == {"en": "Cloud Security Fundamentals"}
    assert cred.levels is not None and cred.levels.eqf == 5
    assert cred.awarding_bodies[0].country == "IT"
    assert cred.issued == dt.date(2025, 2, 14)
    kept = cred.extensions["ds:sections"]
    assert set(kept) == {"3.2", "7.2", "8"}
    assert kept["3.2"]["content"] == "one semester, 4 ECTS"
    assert kept["8"]["content_type"] == "text/html"
    assert sum(m.code == "kept-as-extension" for m in report.messages) == 3
    # written back as they were, in place of "Not applicable"
    back, data, _ = write_read("ds", cred)
    assert back[0].extensions["ds:sections"] == kept
    assert sections(data)["3.2"].findtext("e:content", namespaces=NS) == "one semester, 4 ECTS"
    assert get_formats().get("ds").validate(data, schemas) == []
    assert c14n(data) == snapshot


def test_csv_sample_to_ds_is_valid(shared: Path, schemas: Path) -> None:
    creds = list(read(shared / "samples" / "csv" / "microcredentials.csv"))
    fmt = get_formats().get("ds")
    for cred in creds:
        back, data, _ = write_read("ds", cred)
        assert fmt.validate(data, schemas) == []
        assert back[0].levels == cred.levels
        assert back[0].fields_of_study == cred.fields_of_study


def test_elmo_sample_to_ds(shared: Path, schemas: Path) -> None:
    (cred,) = read(shared / "samples" / "elmo" / "microcredential_elmo_v1.7.xml")
    back, data, _ = write_read("ds", cred)
    assert get_formats().get("ds").validate(data, schemas) == []
    assert back[0].levels is not None and back[0].levels.eqf == 6
    assert back[0].learner is not None and back[0].learner.family_name == "Andromeda"


def test_wrong_root_and_malformed() -> None:
    with pytest.raises(InputError, match="diplomaSupplement"):
        list(read(io.BytesIO(b"<elmo xmlns='https://github.com/emrex-eu/elmo-schemas/tree/v1'/>"),
                  from_format="ds"))
    with pytest.raises(InputError, match="line 1, column"):
        list(read(io.BytesIO(b"<diplomaSupplement><section></diplomaSupplement>"),
                  from_format="ds"))


def test_language_option_chooses_the_supplement_language(full: MicroCredential) -> None:
    data = write([full], None, to="ds", options={"ds": {"language": "fr"}}) or b""
    root = etree.fromstring(data, xml_parser())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    page = (write([full], None, to="ds-html", options={"language": "fr"}) or b"").decode()
    assert '<html lang="fr">' in page


def test_html_view(full: MicroCredential, snapshot: object) -> None:
    page = (write([full], None, to="ds-html") or b"").decode()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "EQF level 6; QF-EHEA first cycle" in page
    assert '<span class="num">4.5</span>' in page
    assert page == snapshot


def test_html_escapes_foreign_html(fixtures: Path) -> None:
    (cred,) = read(fixtures / "ds" / "foreign-sections.ds.xml")
    page = (write([cred], None, to="ds-html") or b"").decode()
    assert "&lt;p&gt;The Italian system" in page and "<p>The Italian system" not in page


def _fixture_credentials(fixtures: Path) -> list[tuple[str, MicroCredential]]:
    paths = [fixtures / "csv" / "two-credentials.csv",
             fixtures / "ds" / "full-credential.canonical.json",
             fixtures / "ds" / "foreign-sections.ds.xml",
             *sorted((fixtures / "canonical").glob("*.canonical.json"))]
    out = []
    for path in paths:
        fmt = "canonical" if path.name.endswith(".canonical.json") else None
        out += [(path.name, c) for c in read(path, from_format=fmt)]
    return out


def test_every_fixture_output_validates(fixtures: Path, schemas: Path) -> None:
    creds = _fixture_credentials(fixtures)
    assert len(creds) >= 4
    for to in ("ds", "elmo"):
        fmt = get_formats().get(to)
        # generatedDate is an elmo option; ds has none such (naming it would be a usage error)
        options = {"generated_date": "2025-01-01T00:00:00Z"} if to == "elmo" else None
        for name, cred in creds:
            data = write([cred], None, to=to, options=options)
            assert fmt.validate(data or b"", schemas) == [], (to, name)


def test_foreign_sections_survive_elmo(fixtures: Path) -> None:
    (cred,) = read(fixtures / "ds" / "foreign-sections.ds.xml")
    (via_elmo,), _, _ = write_read("elmo", cred, {"generated_date": "2025-01-01T00:00:00Z"})
    assert via_elmo.extensions["ds:sections"] == cred.extensions["ds:sections"]
    back, _data, _ = write_read("ds", via_elmo)
    assert back[0].extensions["ds:sections"] == cred.extensions["ds:sections"]
    assert back[0].learner == cred.learner and back[0].levels == cred.levels


@pytest.mark.parametrize(("number", "content", "info", "expected"), [
    ("1.3", "02/10/1999", [], [(("learner", "birth_date"), "1999-10-02")]),
    ("3.1", "EQF 6", [], [(("levels", "eqf"), 6)]),
    ("3.1", "EQF level 7; QF-EHEA second cycle", [],
     [(("levels", "eqf"), 7), (("levels", "qf_ehea"), "second")]),
    ("3.2", "5 ECTS", [], [(("workload", "ects"), "5")]),
    ("3.2", "2.5 ECTS credits; 60 hours", [],
     [(("workload", "ects"), "2.5"), (("workload", "hours"), "60")]),
    ("2.5", "English (en); fr", [], [(("languages",), ["en", "fr"])]),
    ("4.5", "B+", ["Status: passed"],
     [(("assessment", "grade", "value"), "B+"), (("assessment", "grade", "status"), "passed")]),
    ("7.1", "7 September 2018", [], [(("issued",), "2018-09-07")]),
])
def test_convention_reads(number: str, content: str, info: list[str],
                          expected: list[tuple[tuple[str, ...], object]]) -> None:
    from credbridge.plugins.elmo.section import Section
    from credbridge.plugins.elmo.section_read import interpret

    found = interpret([Section(number, "any title", content, None, info)], "en")
    assert not found.kept
    assert found.values[number] == expected


@pytest.mark.parametrize(("number", "content", "info"), [
    ("3.2", "48 months / 240 ECTS credits", []),
    ("3.1", "Master's degree", ["Second-cycle university degree. See 8."]),
    ("2.5", "Mainly Swedish", []),
    ("4.5", "A", ["Classification: first class"]),
    ("7.2", "Vice Rector Ola Nordmann", []),
])
def test_convention_keeps_what_it_cannot_read(number: str, content: str,
                                              info: list[str]) -> None:
    from credbridge.plugins.elmo.section import Section
    from credbridge.plugins.elmo.section_read import interpret

    found = interpret([Section(number, "t", content, None, info)], "en")
    assert number in found.kept and number not in found.values


# --- issue 16: what a clerk reads (built from the shared ELM samples and sealed corpus) --------


def _out(data: bytes | None) -> bytes:
    assert data is not None
    return data


def _elm_sources(shared: Path) -> list[Path]:
    return sorted((shared / "samples" / "elm").glob("*.jsonld"))


def test_header_date_is_the_calendar_day_of_an_edc_midnight(shared: Path) -> None:
    # the EC's EDC tools store a calendar date as midnight CET in UTC (2022-12-31T23:00:00Z is
    # 1 January 2023): the supplement's header names that day, and reads back without a message
    from credbridge.edc_dates import calendar_day

    checked = 0
    for path in _elm_sources(shared):
        (cred,) = read(path, from_format="elm")
        if not isinstance(cred.issued, dt.datetime):
            continue
        out = _out(write([cred], None, to="ds"))
        root = etree.fromstring(out, xml_parser())
        header = root.findtext("e:issueDate", namespaces=NS)
        assert header == calendar_day(cred.issued).isoformat()
        if cred.issued.time() == dt.time(23) and cred.issued.month == 12:
            assert header == (cred.issued + dt.timedelta(hours=1)).date().isoformat()
            checked += 1
        report = Report()
        list(read(io.BytesIO(out), from_format="ds", report=report))
        assert not [m for m in report.messages if "differs" in m.detail], report.messages
    assert checked, "no shared ELM sample issued at 23:00Z on 31 December"


def test_html_prints_concept_labels_seals_and_no_invented_not_applicable(shared: Path) -> None:
    # an assessment type named by a URI the source labelled is printed by its label; a section
    # with no data says so instead of "Not applicable"
    labelled = 0
    for path in _elm_sources(shared):
        (cred,) = read(path, from_format="elm")
        page = _out(write([cred], None, to="ds-html")).decode()
        assert ">Not applicable<" not in page
        concepts = cred.extensions.get("elm:concepts", {})
        for t in cred.assessment.types if cred.assessment else []:
            label = concepts.get(t, {}).get("label", {})
            if label:
                assert f"Assessment type: {next(iter(label.values()))}</li>" in page
                assert t not in page
                labelled += 1
    assert labelled, "no shared ELM sample labels an assessment type it names by URI"


@pytest.mark.parametrize("name", [
    "edc-xml/edci--release-1.4.1_creds_sampleQSEAL.xml",
    "elm/credentials--examples_edc-cas-signed.jsonld",
])
def test_html_of_a_sealed_credential_names_the_seal(shared: Path, name: str) -> None:
    path = shared / "corpus" / name
    (cred,) = read(path, from_format="edc-xml" if name.endswith(".xml") else "elm")
    assert cred.proof and cred.proof[0].signer
    page = _out(write([cred], None, to="ds-html")).decode()
    seal = page.split("Official stamp or seal</h3>", 1)[1].split("</section>", 1)[0]
    assert f"Sealed by {cred.proof[0].signer.split(',')[0]}" in seal
    assert "not verified by credbridge" in seal
    assert "Not applicable" not in seal
    # the XML form keeps the convention (a seal is a fact about the source, not read back)
    out = _out(write([cred], None, to="ds"))
    assert b"Sealed by" not in out


@pytest.mark.parametrize("target", ["ds", "elmo"])
def test_line_breaks_in_titles_read_back(shared: Path, target: str) -> None:
    # any text with a line break (a part title, a reference title) must read back from
    # credbridge's own output: the shared ELM samples with a line break put into every title
    for path in _elm_sources(shared):
        (cred,) = read(path, from_format="elm")
        data = cred.to_json_dict()

        def broken(node: object) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "title" and isinstance(value, dict):
                        node[key] = {k: f"{v}\nsecond line" for k, v in value.items()}
                    else:
                        broken(value)
            elif isinstance(node, list):
                for item in node:
                    broken(item)

        broken(data)
        data.setdefault("stackability", {})["stacks_into"] = [
            {"id": cred.id or "urn:x", "title": {"en": "A programme\nin two lines"}}]
        changed = MicroCredential.model_validate(data)
        out = _out(write([changed], None, to=target))
        (back,) = list(read(io.BytesIO(out), from_format=target))
        assert back.stackability is not None
        assert back.stackability.stacks_into[0].id == (cred.id or "urn:x")


# --- issue 16: nothing lost in silence, on the shared documents --------------------------------


def _shared_credentials(shared: Path, folders: tuple[str, ...],
                        ) -> list[tuple[str, MicroCredential]]:
    from itertools import islice

    from credbridge.errors import CredbridgeError
    from credbridge.laws import documents_under

    out = []
    for doc in documents_under(*(shared / f for f in folders)):
        try:
            creds = list(islice(read(doc, report=Report()), 3))
        except CredbridgeError:
            continue
        out += [(doc.name, c) for c in creds]
    return out


def test_a_quality_assurance_body_keeps_its_fields_through_ds(shared: Path) -> None:
    """DS 6.1 carries a QA body's identifier, legal identifier, address, URL and email (the
    EDC XML accreditations of the corpus lost them all, in silence)."""
    seen = 0
    for name, cred in _shared_credentials(shared, ("samples", "corpus")):
        bodies = [qa.body for qa in cred.quality_assurance if qa.body is not None]
        if not any(b.id or b.url or b.email or b.address or b.legal_identifier for b in bodies):
            continue
        for target in ("ds", "elmo"):
            back, _, _ = write_read(target, cred)
            again = [qa.body for qa in back[0].quality_assurance if qa.body is not None]
            for before, after in zip(bodies, again, strict=True):
                for key in ("id", "url", "email", "address", "legal_identifier"):
                    assert getattr(after, key) == getattr(before, key), (name, target, key)
        seen += 1
    assert seen >= 4


def test_a_section_kept_verbatim_says_which_own_values_it_replaces(shared: Path) -> None:
    """A supplement section kept as the source had it replaces the credential's own value of
    that section: ds reports each such field dropped; elmo only the fields its own elements do
    not carry (the ELMO v1 sample: 3.1's QF-EHEA cycle)."""
    from credbridge.laws import silent_changes

    creds = [(n, c) for n, c in _shared_credentials(shared, ("samples/elmo", "corpus/elmo"))
             if c.extensions.get("ds:sections")]
    assert creds
    for name, cred in creds:
        for target in ("ds", "elmo"):
            assert silent_changes(cred, target) == [], (name, target)
    name, cred = next((n, c) for n, c in creds if c.levels and c.levels.qf_ehea
                      and "3.1" in c.extensions["ds:sections"])
    for target in ("ds", "elmo"):
        _, _, report = write_read(target, cred)
        assert any(m.code == "dropped" and m.field == "levels.qf_ehea" for m in report.messages)
    _, _, report = write_read("elmo", cred)
    assert not any(m.code == "dropped" and m.field == "workload.ects" for m in report.messages)


def test_a_grade_status_named_by_uri_reads_back(shared: Path) -> None:
    """4.5 "Status: urn:..." is a status concept named by URI (the canonical model allows one):
    it reads back with the grade instead of the section being kept verbatim."""
    graded = [(n, c) for n, c in _shared_credentials(shared, ("corpus/elm",))
              if c.assessment and c.assessment.grade and c.assessment.grade.status
              and ":" in c.assessment.grade.status]
    assert graded
    for name, cred in graded:
        back, _, _ = write_read("ds", cred)
        assert back[0].assessment and back[0].assessment.grade, name
        assert back[0].assessment.grade.status == cred.assessment.grade.status, name
        assert back[0].assessment.grade.value == cred.assessment.grade.value, name
