"""Hypothesis strategies that generate valid canonical micro-credentials.

Used by credbridge's fidelity laws and by the plugin conformance suite
(:mod:`credbridge.testing`). Requires ``hypothesis`` (the ``test`` extra).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from . import vocab
from .model import MicroCredential

LANGS = ("en", "fr", "de", "ga", "pl", "el", "fi")
"""Languages of instruction (``languages``)."""
TEXT_LANGS = ("en", "fr", "und", "de")
"""Languages of generated texts: a small set, so that the texts of one credential often share
a language and often do not, and most credentials have a text that is not English or whose
language is unknown (``und``): a format that re-tags a language without a message is caught
in a few dozen examples."""
COUNTRIES = ("IE", "FR", "DE", "PL", "GR", "FI", "NL", "ES", "XK", "GB", "NO")
ISCED_F = ("0613", "0542", "0411", "0223", "0731", "0912", "06", "061")

_ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -'.,()éèçñøåäöüßłżœ",
    max_codepoint=0x24F,
)


def words(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    """Human text with non-ASCII letters; no leading/trailing space, no control characters."""
    return st.text(_ALPHABET, min_size=min_size, max_size=max_size).map(
        lambda s: " ".join(s.split())).filter(lambda s: len(s) >= min_size and s[0].isalnum())


def text_languages() -> st.SearchStrategy[str]:
    """The language of a generated text (one of :data:`TEXT_LANGS`)."""
    return st.sampled_from(TEXT_LANGS)


def lang_text(max_langs: int = 3) -> st.SearchStrategy[dict[str, str]]:
    """A multilingual text of 1..max_langs languages from :data:`TEXT_LANGS`; about half of
    them in one language only (the common case, and the one where a re-tagged language
    cannot hide behind a message about the others)."""
    one = st.builds(lambda lang, text: {lang: text}, text_languages(), words())
    if max_langs == 1:
        return one
    return st.one_of(one, st.dictionaries(text_languages(), words(), min_size=2,
                                          max_size=max_langs))


def urls(kind: str = "id") -> st.SearchStrategy[str]:
    """Simple https URLs under example.org."""
    return st.integers(1, 10**9).map(lambda n: f"https://example.org/{kind}/{n}")


def dates(start: int = 1950, end: int = 2035) -> st.SearchStrategy[dt.date]:
    """Dates in a plausible range."""
    return st.dates(dt.date(start, 1, 1), dt.date(end, 12, 31))


def organisations() -> st.SearchStrategy[dict[str, Any]]:
    """An organisation with a name and country, sometimes an id and a url."""
    return st.fixed_dictionaries(
        {"name": lang_text(2), "country": st.sampled_from(COUNTRIES)},
        optional={"id": urls("org"), "url": urls("home")},
    )


def ects() -> st.SearchStrategy[Decimal]:
    """ECTS credits: half-steps from 0.5 to 59.5, with the edges 1 and 59 favoured."""
    return st.one_of(st.sampled_from([Decimal(1), Decimal(59)]),
                     st.integers(1, 119).map(lambda n: Decimal(n) / 2))


def micro_credentials() -> st.SearchStrategy[MicroCredential]:
    """Valid canonical micro-credentials covering every Annex I element in varying shapes."""
    codes = {name: vocab.vocabulary(name).codes for name in
             ("mode", "setting", "supervision", "assessment_type")}
    learner = st.fixed_dictionaries(
        {"given_name": words(1, 20), "family_name": words(1, 20)},
        optional={"birth_date": dates(1950, 2008), "email": st.integers(1, 9999).map(
            lambda n: f"learner{n}@example.org"), "id": urls("learner")},
    )
    outcome = st.fixed_dictionaries(
        {"text": lang_text(2)},
        optional={"esco_skill": st.uuids().map(
            lambda u: f"http://data.europa.eu/esco/skill/{u}")},
    )
    levels = st.fixed_dictionaries({}, optional={
        "eqf": st.integers(1, 8),
        "qf_ehea": st.sampled_from(["short", "first", "second", "third"]),
        "isced_level": st.integers(0, 8),
        "nqf": st.lists(st.fixed_dictionaries({"uri": st.integers(1, 999).map(
            lambda n: f"http://data.europa.eu/snb/qdr/c_{n:08x}")}), min_size=1, max_size=1),
    })
    assessment = st.fixed_dictionaries(
        {"types": st.lists(st.sampled_from(codes["assessment_type"]), min_size=1, max_size=2,
                           unique=True)},
        optional={
            "grade": st.fixed_dictionaries({"value": st.sampled_from(["A", "B+", "8.5", "pass"])}),
            "supervision": st.sampled_from(codes["supervision"]),
        },
    )
    participation = st.fixed_dictionaries(
        {"modes": st.lists(st.sampled_from(codes["mode"]), min_size=1, max_size=2, unique=True)},
        optional={"setting": st.sampled_from(codes["setting"])},
    )
    qa = st.fixed_dictionaries({"description": lang_text(1)},
                               optional={"register_entry": urls("deqar")})
    data = st.fixed_dictionaries(
        {
            "id": st.uuids().map(lambda u: f"urn:uuid:{u}"),
            "title": lang_text(),
            "learner": learner,
            "awarding_bodies": st.lists(organisations(), min_size=1, max_size=2),
            "issued": dates(2015, 2030),
            "learning_outcomes": st.lists(outcome, min_size=1, max_size=4),
            "workload": st.fixed_dictionaries({"ects": ects()}),
            "assessment": assessment,
            "participation": participation,
            "quality_assurance": st.lists(qa, min_size=1, max_size=2),
        },
        optional={
            "description": lang_text(2),
            "levels": levels,
            "fields_of_study": st.lists(st.sampled_from(ISCED_F), min_size=1, max_size=2,
                                        unique=True),
            "languages": st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True),
            "valid_until": dates(2031, 2040),
            "access_requirements": lang_text(1),
            "credential_type": st.just("micro-credential"),
        },
    )
    return data.map(MicroCredential.model_validate)


# --- credentials with many parts (docs/design.md §2.1) ----------------------------------------


def activities() -> st.SearchStrategy[dict[str, Any]]:
    """A learning activity of a record: a title, sometimes an id, a director, dates, hours."""
    period = st.fixed_dictionaries({"start": dates(2015, 2025)},
                                   optional={"end": dates(2026, 2030)})
    return st.fixed_dictionaries(
        {"title": lang_text(1)},
        optional={"id": urls("activity"), "provider": organisations(), "period": period,
                  "hours": st.integers(1, 300).map(Decimal), "description": lang_text(1)},
    )


@st.composite
def parts(draw: st.DrawFn, max_size: int = 4) -> list[dict[str, Any]]:
    """Parts of a record, flat and depth first: each has an id; some belong to the part
    before them (``part_of``)."""
    out: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, max_size))):
        part: dict[str, Any] = {"id": f"https://example.org/part/{n + 1}",
                                "title": draw(lang_text(1))}
        nested = draw(st.booleans())
        if out and nested:
            part["part_of"] = out[-1].get("part_of") or out[-1]["id"]
        if draw(st.booleans()):
            part["workload"] = {"ects": draw(ects())}
        if draw(st.booleans()):
            part["assessment"] = {"grade": {"value": draw(st.sampled_from(["A", "8", "pass"]))}}
        out.append(part)
    return out


def many_part_credentials() -> st.SearchStrategy[MicroCredential]:
    """Valid credentials with their own activities and parts."""
    return st.builds(
        lambda cred, acts, sub: cred.model_copy(update={
            "activities": [MicroCredential.model_validate({"activities": [a]}).activities[0]
                           for a in acts],
            "parts": MicroCredential.model_validate({"parts": sub}).parts}),
        micro_credentials(), st.lists(activities(), min_size=1, max_size=3), parts())


SHARED_FIELDS = ("learner", "awarding_bodies", "issuer", "issued", "valid_until",
                 "credential_type", "verification")
"""What the records of one document say alike (the document says it once)."""


def documents(min_size: int = 2, max_size: int = 3) -> st.SearchStrategy[list[MicroCredential]]:
    """The records of one many-claim document: what a document says once is the same in
    each, each record has its place (``document``) and an id after the document's."""

    def assemble(creds: list[MicroCredential], doc_id: str, title: dict[str, str],
                 ) -> list[MicroCredential]:
        first = creds[0]
        shared = {name: getattr(first, name) for name in SHARED_FIELDS}
        out = []
        for position, cred in enumerate(creds, start=1):
            container = {"id": doc_id, "title": title, "position": position,
                         "count": len(creds)}
            own = {k: v for k, v in cred.to_json_dict().items() if k not in shared}
            data = {**own, **{k: v for k, v in first.to_json_dict().items() if k in shared},
                    "id": f"{doc_id}#urn:example:claim:{position}", "document": container}
            out.append(MicroCredential.model_validate(data))
        return out

    return st.builds(assemble, st.lists(micro_credentials(), min_size=min_size,
                                        max_size=max_size),
                     st.uuids().map(lambda u: f"urn:uuid:{u}"), lang_text(1))
