"""Credentials with many parts (issue 15, docs/design.md §2.1): every claim is a record in
its place, whatever the order of ``hasClaim``; many-claim documents are written back as one;
transcripts survive ELM, EDC XML, ELMO and CLR; activity-only credentials keep the activity."""

from __future__ import annotations

import base64
import copy
import io
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from credbridge import get_formats
from credbridge.batch import Batch, run
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.model import MicroCredential
from credbridge.report import Code, Report
from lxml import etree

ANNEX = "samples/elm/Sample-MC-Annex1-unsigned.jsonld"
TRANSCRIPTS = (  # DC4EU transcripts of records converted from ELMO: several top-level claims
    "corpus/elm/vc--diploma_HE-ToR-d5b6a158-1127-42f9-99e7-928bc314375e-ToR_jonasSmith.xml.json",
    "corpus/elm/vc--diploma_HE-ToR-marit.xml.json",
    "corpus/elm/vc--diploma_HE-ToR-76a57e78-57fc-492e-820f-2e92b33a0cb5-ToR_elmo_courses.xml.json",
)
ESCO = "http://data.europa.eu/esco/skill/"


def _records(data: bytes, fmt: str, report: Report | None = None) -> list[MicroCredential]:
    return list(read(io.BytesIO(data), from_format=fmt, report=report))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


# --- the EBSI-style reproduction --------------------------------------------------------------


def _ebsi_style(shared: Path) -> dict[str, Any]:
    """The EC Annex I sample made the EBSI micro-credential of the issue: the achievement
    "Data and software business" (3 outcomes with 7 ESCO skills, 5 ECTS, "Excellent (5)",
    formal learning) and three learning activities in ``hasClaim``, one of them ("Zoom
    lecture", urn:epass:activity:99) sorting before the achievement by IRI."""
    doc = json.loads((shared / ANNEX).read_text("utf-8"))
    subject = doc["credentialSubject"]
    ach = subject["hasClaim"]
    spec = ach["specifiedBy"]
    ach["title"] = spec["title"] = {"en": "Data and software business"}
    template = spec["learningOutcome"][0]
    spec["learningOutcome"] = []
    for n, skills in enumerate((3, 2, 2), start=1):
        outcome = copy.deepcopy(template)
        outcome["id"] = f"urn:epass:learningOutcome:{n}"
        outcome["title"] = {"en": f"Outcome {n} of data and software business"}
        outcome["relatedESCOSkill"] = [
            {"id": f"{ESCO}00000000-0000-0000-0000-00000000{n}{k:03d}", "type": "Concept"}
            for k in range(skills)]
        spec["learningOutcome"].append(outcome)
    spec["creditPoint"]["point"] = "5"
    ach["provenBy"]["grade"]["noteLiteral"] = {"en": "Excellent (5)"}
    spec["learningSetting"]["id"] = "http://data.europa.eu/snb/learning-setting/6fd4685715"
    activity = ach["influencedBy"]
    lecture = {"id": "urn:epass:activity:99", "type": "LearningActivity",
               "title": {"en": "Zoom lecture"}, "awardedBy": ach["awardedBy"]}
    seminar = {"id": "urn:epass:activity:98", "type": "LearningActivity",
               "title": {"en": "Seminar"}, "awardedBy": ach["awardedBy"]}
    subject["hasClaim"] = [lecture, ach, activity, seminar]
    return doc


def _main(records: list[MicroCredential]) -> MicroCredential:
    return records[0]


def test_the_ebsi_style_reproduction_reads_the_achievement_in_any_claim_order(
        shared: Path) -> None:
    doc = _ebsi_style(shared)
    claims = doc["credentialSubject"]["hasClaim"]
    seen = set()
    for order in itertools.permutations(claims):
        doc["credentialSubject"]["hasClaim"] = list(order)
        data = json.dumps(doc).encode()
        for fast in (True, False):
            fmt = get_formats().get("elm")
            fmt.fast_path = fast  # type: ignore[attr-defined]
            try:
                records = _records(data, "elm")
            finally:
                fmt.fast_path = True  # type: ignore[attr-defined]
            main = _main(records)
            assert main.title == {"en": "Data and software business"}
            assert len(main.learning_outcomes) == 3
            skills = [o.esco_skill for o in main.learning_outcomes] + \
                [r for o in main.learning_outcomes for r in o.related]
            assert len(skills) == 7
            assert main.workload is not None and main.workload.ects == Decimal(5)
            assert main.assessment and main.assessment.grade
            assert main.assessment.grade.value == "Excellent (5)"
            assert main.participation and main.participation.setting == "formal"
            assert main.kind is None  # an achievement
            # the linked activity is the achievement's own; the other two are records
            assert [a.title for a in main.activities] == [{"en": "EDC building training course"}]
            assert main.provider is not None  # from its own activity
            assert [(r.kind, r.title) for r in records[1:]] == [
                ("activity", {"en": "Seminar"}), ("activity", {"en": "Zoom lecture"})]
            assert all(r.provider is None for r in records[1:])
            seen.add(json.dumps([r.to_json_dict() for r in records], sort_keys=True))
    assert len(seen) == 1, "the records depend on the order of hasClaim"


def test_an_activity_of_another_claim_is_never_the_provider(shared: Path) -> None:
    report = Report()
    records = _records(json.dumps(_ebsi_style(shared)).encode(), "elm", report)
    lecture = next(r for r in records if r.title == {"en": "Zoom lecture"})
    assert lecture.provider is None
    assert any(m.code == Code.NOTE and m.field == "provider" and m.record == lecture.id
               for m in report.messages)


def test_the_ebsi_style_reproduction_is_written_back_as_one_credential(shared: Path) -> None:
    records = _records(json.dumps(_ebsi_style(shared)).encode(), "elm")
    out = write(records, None, to="elm") or b""
    [doc] = [json.loads(line) for line in out.splitlines()]
    claims = _as_list(doc["credentialSubject"]["hasClaim"])
    assert sorted(c["type"] for c in claims) == ["LearningAchievement", "LearningActivity",
                                                 "LearningActivity"]
    back = _records(out, "elm")
    assert [r.to_json_dict() for r in back] == [r.to_json_dict() for r in records]


# --- every document of samples and corpus ------------------------------------------------------


def _elm_credential(doc: Any) -> tuple[Any, dict[str, Any]]:
    """The credential object of an EDC 3 JSON-LD document (inside the EC issuer's
    ``{"credential": …}`` wrapper, the payload of a JWS in JSON serialisation or a ``@graph``)
    and its nodes by id (claims and subjects may be given by reference)."""
    if isinstance(doc, dict) and isinstance(doc.get("payload"), str) and "signatures" in doc:
        payload = doc["payload"]
        try:  # unencoded (b64: false), as the EC seals it; else base64url
            doc = json.loads(payload)
        except ValueError:
            doc = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if isinstance(doc, dict) and isinstance(doc.get("credential"), dict):
        doc = doc["credential"]
    nodes: dict[str, Any] = {}
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            key = node.get("id", node.get("@id"))
            if isinstance(key, str) and len(node) > 1:
                nodes.setdefault(key, node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        doc = next((n for n in doc["@graph"] if isinstance(n, dict)
                    and "credentialSubject" in n), None)
    return doc, nodes


def _elm_claims(doc: Any) -> int | None:
    """Claims of an EDC 3 JSON-LD document that are records (not linked from another)."""
    doc, nodes = _elm_credential(doc)
    subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
    subject = nodes.get(subject, subject) if isinstance(subject, str) else subject
    if not isinstance(subject, dict):
        return None
    claims = [nodes.get(c, c) if isinstance(c, str) else c
              for c in _as_list(subject.get("hasClaim"))]
    claims = [c for c in claims if isinstance(c, dict)]
    ids = {c.get("id", c.get("@id")) for c in claims} - {None}
    linked = {t.get("id") if isinstance(t, dict) else t
              for c in claims for key in ("influencedBy", "provenBy", "hasPart")
              for t in _as_list(c.get(key))} & ids
    return len([c for c in claims if c.get("id", c.get("@id")) not in linked]) or None


def _edc_claims(root: Any) -> int:
    """Top-level achievements (else activities) of a europassCredential."""
    subject = root.find("{http://data.europa.eu/snb}credentialSubject")
    if subject is None:
        return 1
    for section, kinds in (("achievements", ("learningAchievement", "qualificationAward")),
                           ("activities", ("activity",))):
        el = subject.find("{http://data.europa.eu/snb}" + section)
        found = [a for a in (el if el is not None else [])
                 if etree.QName(a).localname in kinds]
        if found:
            return len(found)
    return 1


def _documents(shared: Path, folder: str, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for base in ("samples", "corpus") for p in (shared / base / folder).glob("*")
                  if p.suffix in suffixes)


def test_every_elm_document_gives_a_record_per_claim_and_writes_them_back(
        shared: Path) -> None:
    checked = 0
    for path in _documents(shared, "elm", (".json", ".jsonld")):
        try:
            doc = json.loads(path.read_text("utf-8"))
        except ValueError:
            continue  # not well formed: refused elsewhere
        expected = _elm_claims(doc)
        report = Report()
        try:
            records = list(read(path, from_format="elm", report=report))
        except CredbridgeError:
            continue  # not an EDC 3 credential
        if report.records_failed:
            continue  # a record that fails for another reason
        if expected is None:
            # no hasClaim: an attestation read through an upgrade step (EBSI 2020's
            # learningAchievement, a DC4EU qualification) or a credential without a claim
            assert len(records) == 1, path.name
            continue
        assert len(records) == expected, path.name
        out = write(records, None, to="elm") or b""
        [back] = [json.loads(line) for line in out.splitlines()]
        assert _elm_claims(back) == expected, path.name
        assert len(_records(out, "elm")) == expected, path.name
        checked += 1
    # 35 of the 41 at this writing: the others are not well formed (1), not credentials (2) or
    # hold no hasClaim (3)
    assert checked >= 35


def test_every_edc_xml_document_gives_a_record_per_claim_and_writes_them_back(
        shared: Path) -> None:
    checked = 0
    for path in _documents(shared, "edc-xml", (".xml",)):
        root = etree.parse(str(path)).getroot()
        # a presentation holds europassCredential children, or a <vp:presentedCredential>
        # that is the credential itself
        kinds = ("europassCredential", "presentedCredential")
        creds = [root] if etree.QName(root).localname == "europassCredential" else \
            [c for c in root.iter() if isinstance(c.tag, str)
             and etree.QName(c).localname in kinds
             and not any(isinstance(a.tag, str) and etree.QName(a).localname in kinds
                         for a in c.iterancestors())]
        report = Report()
        try:
            records = list(read(path, from_format="edc-xml", report=report))
        except CredbridgeError:
            continue
        if report.records_failed:
            continue
        expected = sum(_edc_claims(c) for c in creds)
        assert len(records) == expected, path.name
        out = write(records, None, to="edc-xml") or b""
        written = [etree.fromstring(d) for d in out.split(b"<?xml")[1:] if d.strip()] \
            if out.count(b"<?xml") > 1 else [etree.fromstring(out)]
        assert sum(_edc_claims(d) for d in written) == expected, path.name
        assert len(written) == len(creds), path.name  # one document per document
        checked += 1
    assert checked >= 25


# --- transcripts across formats ----------------------------------------------------------------


def _facts(c: MicroCredential) -> tuple[Any, ...]:
    credits = c.workload.ects if c.workload else None
    grade = c.assessment.grade.value if c.assessment and c.assessment.grade else None
    return (c.title, credits, grade, [o.text for o in c.learning_outcomes],
            [(p.title, p.assessment.grade.value if p.assessment and p.assessment.grade
              else None) for p in c.parts])


def _one_language(facts: tuple[Any, ...]) -> tuple[Any, ...]:
    """What CLR keeps of a title: one text, without its language (reported)."""
    title, *rest = facts
    parts = [(next(iter(t.values())) if t else t, g) for t, g in rest[-1]]
    return (next(iter(title.values())) if title else title, *rest[:-1], parts)


@pytest.mark.parametrize("target", ["elm", "elm-ttl", "elm-rdfxml", "edc-xml", "elmo", "clr"])
@pytest.mark.parametrize("name", TRANSCRIPTS, ids=lambda n: n.split("ToR-")[-1][:24])
def test_a_transcript_keeps_every_claim_through(target: str, name: str, shared: Path) -> None:
    original = list(read(shared / name, from_format="elm"))
    assert len(original) >= 3
    middle = _records(write(original, None, to=target) or b"", target)
    back = _records(write(middle, None, to="elm") or b"", "elm")
    assert len(back) == len(original)
    assert [b.document.count if b.document else None for b in back] == \
        [len(original)] * len(original)
    expect = [_facts(c) for c in original]
    got = [_facts(c) for c in back]
    if target == "clr":
        expect, got = [_one_language(f) for f in expect], [_one_language(f) for f in got]
    if target == "edc-xml":  # EDC XML parts are read with their id and title only
        expect = [(*f[:-1], [(t, None) for t, _ in f[-1]]) for f in expect]
        got = [(*f[:-1], [(t, None) for t, _ in f[-1]]) for f in got]
    assert got == expect


def test_the_marit_transcript_has_credits_and_grades(shared: Path) -> None:
    records = list(read(shared / TRANSCRIPTS[1], from_format="elm"))
    political = records[-1]
    assert political.title["en"] == "Political Science I"
    assert political.workload is not None and political.workload.ects == Decimal(30)
    assert political.assessment and political.assessment.grade
    assert political.assessment.grade.value == "D"
    nursing = records[0]
    assert len(nursing.parts) == 6
    assert sum(1 for p in nursing.parts if p.assessment and p.assessment.grade) == 5


# --- activity-only credentials -----------------------------------------------------------------


def _infoday(shared: Path) -> bytes:
    """An EDC XML certificate of participation like the issue's InfoDay 2021: no achievement,
    one activity directed by a training provider, online, in English and Spanish, on two
    days (the EC "Wile E. Coyote" sample given that activity)."""
    root = etree.parse(str(shared / "samples/edc-xml/EDC_WileECoyote_Simple.xml")).getroot()
    snb = "{http://data.europa.eu/snb}"

    def el(parent: Any, name: str, text: str | None = None, **attrs: str) -> Any:
        child = etree.SubElement(parent, snb + name, **attrs)
        child.text = text
        return child

    act = el(el(root.find(f"{snb}credentialSubject"), "activities"), "activity",
             id="urn:epass:activity:1")
    el(el(act, "title"), "text", "InfoDay 2021", lang="en")
    el(act, "workload", "PT12H")
    el(act, "startedAtTime", "2021-12-21T09:00:00+01:00")
    el(act, "endedAtTime", "2021-12-22T17:00:00+01:00")
    el(act, "directedBy", idref="urn:epass:org:1")
    el(act, "specifiedBy", idref="urn:epass:learningActivitySpecification:1")
    section = etree.Element(snb + "learningActivitySpecificationReferences")
    root.find(f"{snb}agentReferences").addprevious(section)
    spec = el(section, "learningActivitySpecification",
              id="urn:epass:learningActivitySpecification:1")
    el(el(spec, "title"), "text", "InfoDay 2021", lang="en")
    for code in ("ENG", "SPA"):
        el(el(el(spec, "language", uri="http://publications.europa.eu/resource/authority/"
                 f"language/{code}"), "targetName"), "text", code, lang="en")
    el(el(el(spec, "mode", uri="http://data.europa.eu/snb/learning-assessment/920fbb3cbe"),
          "targetName"), "text", "Online", lang="en")
    return bytes(etree.tostring(root))


def test_an_activity_only_certificate_keeps_the_activity(shared: Path) -> None:
    [cred] = _records(_infoday(shared), "edc-xml")
    assert cred.kind == "activity"
    assert cred.title == {"en": "InfoDay 2021"}
    assert cred.provider is not None and cred.provider.name
    assert cred.participation is not None and cred.participation.modes == ["online"]
    assert cred.languages == ["en", "es"]
    assert cred.period is not None and cred.period.start is not None
    assert str(cred.period.start).startswith("2021-12-21") and cred.period.end is not None
    assert cred.workload is not None and cred.workload.hours == Decimal(12)
    back = _records(write([cred], None, to="elm") or b"", "elm")[0]
    assert (back.kind, back.title, back.period) == (cred.kind, cred.title, cred.period)
    assert back.provider is not None and back.provider.name == cred.provider.name
    assert back.participation and back.participation.modes == ["online"]


def test_the_ec_certificate_of_participation_keeps_its_dates(shared: Path) -> None:
    [cred] = list(read(shared / "samples/elm/Sample-CertOfPart-unsigned.jsonld"))
    assert cred.kind == "activity" and cred.period is not None
    assert str(cred.period.start).startswith("2023-06-28")
    for target in ("elm", "edc-xml"):
        [back] = _records(write([cred], None, to=target) or b"", target)
        assert (back.kind, back.period, back.title) == (cred.kind, cred.period, cred.title), \
            target
        assert back.provider == cred.provider, target


# --- one document in the batch -----------------------------------------------------------------


def test_a_transcript_goes_to_one_file_and_to_one_file_per_document(shared: Path,
                                                                    tmp_path: Path) -> None:
    source = shared / TRANSCRIPTS[0]
    for target, name in (("edc-xml", "out.edc.xml"), ("elmo", "out.elmo.xml"),
                         ("clr", "out.clr.json")):
        result = run(Batch(inputs=[source], to=target, output=str(tmp_path / name)))
        assert result.exit_code == 0, target
        assert len(_records((tmp_path / name).read_bytes(), target)) == 3
    result = run(Batch(inputs=[source], to="edc-xml", output=str(tmp_path / "each") + "/"))
    assert len(result.written_files) == 1
    result = run(Batch(inputs=[source], to="ob3", output=str(tmp_path / "badges") + "/"))
    assert len(result.written_files) == 3  # one achievement per badge


def test_ob3_gives_one_credential_per_record_and_reports_the_document(shared: Path) -> None:
    records = list(read(shared / TRANSCRIPTS[0], from_format="elm"))
    report = Report()
    out = write(records, None, to="ob3", report=report) or b""
    assert len(out.splitlines()) == 3
    assert any(m.code == Code.DROPPED and m.field == "document" for m in report.messages)


def test_csv_rows_regroup_into_one_document(shared: Path) -> None:
    records = list(read(shared / TRANSCRIPTS[1], from_format="elm"))
    rows = write(records, None, to="csv") or b""
    assert b"document_position" in rows.splitlines()[0]
    back = _records(rows, "csv")
    [doc] = [json.loads(line) for line in (write(back, None, to="elm") or b"").splitlines()]
    assert len(_as_list(doc["credentialSubject"]["hasClaim"])) == len(records)
