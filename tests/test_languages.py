"""Texts carry the language their source declares; a writer that needs one and does not know
it uses the one rule of credbridge.languages and reports every field it re-tagged (issue 16,
deliverable 3). Built from the documents of ../shared (skipped without them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from credbridge.batch import Batch, run
from credbridge.context import Context, Policy
from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.languages import Retagger, text_language
from credbridge.model import MicroCredential
from credbridge.options import FormatOptions
from credbridge.plugins.openbadges.text_language import declared_language
from credbridge.report import Code, Report
from lxml import etree

SKIPPED = (".md", ".tsv")


def _documents(shared: Path, *families: str) -> Iterator[Path]:
    for kind in ("samples", "corpus"):
        for family in families:
            folder = shared / kind / family
            if folder.is_dir():
                yield from sorted(p for p in folder.iterdir()
                                  if p.is_file() and p.suffix not in SKIPPED)


def _first(path: Path) -> MicroCredential | None:
    try:
        creds = list(read(path, report=Report()))
    except CredbridgeError:
        return None
    return creds[0] if creds else None


def _in_language(path: Path) -> str | None:
    """The achievement's inLanguage of an OB 3.0 JSON document (None when it has none)."""
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    subject = data.get("credentialSubject") if isinstance(data, dict) else None
    subject = subject[0] if isinstance(subject, list) and subject else subject
    ach = subject.get("achievement") if isinstance(subject, dict) else None
    lang = ach.get("inLanguage") if isinstance(ach, dict) else None
    return lang if isinstance(lang, str) else None


def _declaring(shared: Path) -> list[tuple[Path, MicroCredential, str]]:
    """The shared OB 3.0 documents that declare inLanguage, read."""
    out = []
    for path in _documents(shared, "ob3"):
        lang = _in_language(path)
        tag = declared_language(lang)
        cred = _first(path) if tag else None
        if cred is not None and tag:
            out.append((path, cred, tag))
    return out


# --- reading: the language the source declares --------------------------------------------


def test_ob3_in_language_is_the_language_of_the_achievement_texts(shared: Path) -> None:
    found = _declaring(shared)
    assert len(found) >= 10
    wrong = {p.name: (tag, dict(cred.title)) for p, cred, tag in found
             if cred.title and set(cred.title) != {tag}}
    assert not wrong, wrong
    assert any("-" in tag for _, _, tag in found)  # nl-NL keeps its region (NL is a country)


def test_ob2_badgeclass_language_tags_its_texts(shared: Path) -> None:
    """OB 2.0 ``@language`` (1EdTech's own example) and the eduBadges LanguageExtension
    (``nl_NL``, added here to a shared BadgeClass) say the language of the badge's texts."""
    path = shared / "corpus" / "ob2" / "1edtech-dcpv--assets_badgeclass-with-language.json"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in the shared corpus")
    [cred] = read(path, report=Report())
    assert cred.title == {"es": "Insignia fantastica"}
    badge = json.loads((shared / "samples" / "ob2" / "ob2-spec-example-01-BadgeClass.json")
                       .read_bytes())
    badge.pop("@language", None)
    badge["extensions:LanguageExtension"] = {"type": ["Extension", "extensions:LanguageExtension"],
                                             "Language": "nl_NL"}
    [cred] = read(json.dumps(badge).encode(), from_format="ob2", report=Report())
    assert cred.title and set(cred.title) == {"nl-NL"}
    assert cred.description and set(cred.description) == {"nl-NL"}


# --- writing: the region where the target allows it, else a message -----------------------


def test_dutch_texts_stay_dutch_in_edc_xml_and_elm(shared: Path) -> None:
    dutch = [(p, c, t) for p, c, t in _declaring(shared) if t.startswith("nl")]
    assert dutch
    for path, cred, tag in dutch:
        report = Report()
        xml = etree.fromstring(write([cred], None, to="edc-xml", report=report) or b"")
        title = xml.find("{http://data.europa.eu/snb}title/{http://data.europa.eu/snb}text")
        assert title is not None and title.get("lang") == "nl", path.name
        if tag != "nl":  # EDC XML has no regions: said, for the title
            assert any(m.field == "title" and tag in m.detail for m in report.messages)
        report = Report()
        doc = json.loads(write([cred], None, to="elm", report=report) or b"")
        assert tag in doc["displayParameter"]["title"], path.name  # JSON-LD keeps nl-NL
        if "-" in tag:  # the EU language concept has no region: said
            assert any(m.field == "languages" and tag in m.detail for m in report.messages)


# --- writing: unknown languages re-tagged by one rule, every field reported ----------------


def _unknown_fields(cred: MicroCredential) -> set[str]:
    """Canonical text fields of ``cred`` holding a text of unknown language."""
    out = set()
    for name in ("title", "description"):
        if "und" in getattr(cred, name):
            out.add(name)
    if any("und" in org.name for org in cred.awarding_bodies):
        out.add("awarding_bodies[].name")
    if cred.further_information and "und" in cred.further_information.text:
        out.add("further_information.text")
    if any("und" in lo.text for lo in cred.learning_outcomes):
        out.add("learning_outcomes[].text")
    return out


@pytest.mark.parametrize("target", ["elm", "edc-xml"])
def test_every_retagged_field_is_reported(shared: Path, target: str) -> None:
    """For every shared OB document with texts of unknown language, each such field written
    to a target that needs a language has a ``retagged`` (or ``dropped``) message."""
    checked = 0
    for path in _documents(shared, "ob2", "ob3", "csv"):
        cred = _first(path)
        unknown = _unknown_fields(cred) if cred is not None else set()
        if cred is None or not unknown:
            continue
        report = Report()
        try:
            write([cred], None, to=target, report=report)
        except CredbridgeError:
            continue
        said = {m.field for m in report.messages if m.code in (Code.RETAGGED, Code.DROPPED)}
        assert unknown <= said, (path.name, unknown - said)
        checked += 1
    assert checked >= 20


def test_text_lang_policy_decides_and_is_named(shared: Path) -> None:
    path = shared / "samples" / "ob2" / "ob2-spec-example-01-BadgeClass.json"
    [cred] = read(path, report=Report())
    assert "und" in cred.title
    result = run(Batch([str(path)], to="elm", text_lang="fr"))
    doc = json.loads(result.output or b"")
    assert set(doc["displayParameter"]["title"]) == {"fr"}
    said = [m for m in result.report.messages if m.code == Code.RETAGGED and m.field == "title"]
    assert said and "--text-lang" in said[0].detail


def test_the_rule_in_one_place(shared: Path) -> None:
    """``text_language``: --text-lang, else the language of instruction, else the title's,
    else en; a Retagger without regions writes the primary subtag and says so."""
    cred = _declaring(shared)[0][1]
    ctx = Context(format="elm", options=FormatOptions())
    untagged = cred.model_copy(update={"languages": [], "title": {"und": "x"}})
    assert text_language(untagged, ctx)[0] == "en"
    assert text_language(cred.model_copy(update={"languages": ["de"]}), ctx)[0] == "de"
    ctx = Context(format="elm", options=FormatOptions(), policy=Policy(text_lang="fr"))
    assert text_language(cred, ctx) == ("fr", "--text-lang")
    ctx = Context(format="edc-xml", options=FormatOptions(), report=Report())
    retag = Retagger(ctx, cred.model_copy(update={"languages": ["nl-NL"]}), regions=False)
    assert retag.text({"und": "a", "nl-BE": "b"}, "title") == {"nl": "b"}
    codes = [m.code for m in ctx.report.messages]
    assert codes.count(Code.RETAGGED) == 1 and codes.count(Code.DROPPED) == 1


# --- OB 3.0 output: inLanguage is the language of the texts written ------------------------


def test_ob3_in_language_is_the_language_written(shared: Path) -> None:
    """A credential whose title is English and whose language of instruction is another
    (EDC XML samples) gets inLanguage ``en`` over its English name, not the other one."""
    checked = 0
    for path in _documents(shared, "edc-xml", "elm"):
        cred = _first(path)
        if cred is None or not cred.languages:
            continue
        doc: dict[str, Any] = json.loads(write([cred], None, to="ob3", report=Report()) or b"")
        ach = doc["credentialSubject"]["achievement"]
        written = [lang for lang, text in cred.title.items() if text == ach["name"]]
        lang = ach.get("inLanguage")
        if written and written[0] != "und" and lang:
            assert lang.split("-")[0] == written[0].split("-")[0], (path.name, lang, written)
            checked += 1
    assert checked >= 10
