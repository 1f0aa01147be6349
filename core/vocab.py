"""Controlled vocabularies of the canonical model, loaded from ``credbridge.mappings``.

Every vocabulary maps any accepted spelling (code, EU vocabulary URI, alias, label) to one
canonical code and back to its URI and label. An unknown value raises
:class:`~credbridge.errors.VocabularyError` naming the field; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .errors import VocabularyError

COUNTRY_NAL = "http://publications.europa.eu/resource/authority/country/"
LANGUAGE_NAL = "http://publications.europa.eu/resource/authority/language/"
ISCED_F_BASE = "http://data.europa.eu/snb/isced-f/"
ISCED_F_SCHEME = "http://data.europa.eu/snb/isced-f/25831c2"
ESCO_SKILL_BASE = "http://data.europa.eu/esco/skill/"


@dataclass(frozen=True)
class Concept:
    """One value of a vocabulary."""

    code: str
    uri: str | None = None
    label: str = ""
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _key(value: str) -> str:
    """Lookup key: trimmed, inner whitespace collapsed, case-folded, no trailing slash."""
    return re.sub(r"\s+", " ", value.strip()).rstrip("/").casefold()


class Vocabulary:
    """A controlled list of concepts with lookups both ways."""

    def __init__(
        self,
        name: str,
        concepts: Iterable[Concept],
        *,
        field: str | None = None,
        scheme: str | None = None,
        match_labels: bool = True,
    ) -> None:
        self.name = name
        self.field = field or name
        self.scheme = scheme
        self._by_code: dict[str, Concept] = {}
        self._index: dict[str, str] = {}
        for c in concepts:
            self._by_code[c.code] = c
            keys = [c.code, *c.aliases]
            if c.uri:
                keys.append(c.uri)
            if match_labels and c.label:
                keys.append(c.label)
            for k in keys:
                self._index.setdefault(_key(k), c.code)
                self._index.setdefault(k, c.code)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str | int) and _key(str(value)) in self._index

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    @property
    def codes(self) -> list[str]:
        """All canonical codes, in table order."""
        return list(self._by_code)

    def lookup(self, value: str | int) -> str | None:
        """The canonical code for any accepted spelling, or ``None``."""
        text = str(value)
        found = self._index.get(text)  # the exact spelling is the common case
        return found if found is not None else self._index.get(_key(text))

    def normalise(self, value: str | int, *, field: str | None = None) -> str:
        """The canonical code for ``value``; :class:`VocabularyError` when unknown."""
        code = self.lookup(value)
        if code is None:
            raise VocabularyError(
                f"unknown {self.name} value {str(value)!r}", field=field or self.field
            )
        return code

    def get(self, code: str) -> Concept:
        """The concept of a canonical code (or of any accepted spelling)."""
        return self._by_code[self.normalise(code)]

    def uri(self, code: str) -> str | None:
        """The EU vocabulary URI of a code, ``None`` when the concept has none."""
        return self.get(code).uri

    def label(self, code: str) -> str:
        """The English label of a code."""
        return self.get(code).label


def _load_toml() -> dict[str, Any]:
    data = resources.files("credbridge.mappings").joinpath("vocab/concepts.toml").read_text("utf-8")
    return tomllib.loads(data)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("credbridge.mappings").joinpath(f"vocab/{name}.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _toml_vocabularies() -> dict[str, Vocabulary]:
    out: dict[str, Vocabulary] = {}
    for name, spec in _load_toml().items():
        concepts = []
        for c in spec["concepts"]:
            extra = {k: v for k, v in c.items() if k not in {"code", "uri", "label", "aliases"}}
            concepts.append(
                Concept(c["code"], c.get("uri"), c.get("label", ""), tuple(c.get("aliases", ())),
                        extra)
            )
        out[name] = Vocabulary(name, concepts, field=spec.get("field"), scheme=spec.get("scheme"))
    return out


def vocabulary(name: str) -> Vocabulary:
    """A vocabulary by name: ``eqf``, ``qf_ehea``, ``isced_level``, ``mode``, ``setting``,
    ``supervision``, ``assessment_type``, ``credit_system``, ``credential_type``, ``skill_type``,
    ``grade_status``, ``country``, ``language``, ``isced_f``."""
    if name in ("country", "language", "isced_f"):
        return {"country": countries, "language": languages, "isced_f": isced_f}[name]()
    try:
        return _toml_vocabularies()[name]
    except KeyError:
        raise KeyError(f"no vocabulary named {name!r}") from None


def vocabulary_names() -> list[str]:
    """Names of every vocabulary."""
    return sorted([*_toml_vocabularies(), "country", "language", "isced_f"])


@cache
def countries() -> Vocabulary:
    """ISO 3166-1 countries: code alpha-2, URI the EU country authority concept."""
    concepts = []
    for r in _read_csv("countries"):
        aliases = [r["alpha3"], r["eu_code"], COUNTRY_NAL + r["eu_code"]]
        aliases += [a for a in r["aliases"].split("|") if a]
        concepts.append(
            Concept(r["alpha2"], COUNTRY_NAL + r["eu_code"], r["label"], tuple(aliases),
                    {"alpha3": r["alpha3"], "eu_code": r["eu_code"]})
        )
    return Vocabulary("country", concepts, field="country",
                      scheme="http://publications.europa.eu/resource/authority/country")


@cache
def languages() -> Vocabulary:
    """ISO 639-1 languages, URI the EU language authority concept (3-letter code)."""
    concepts = [
        Concept(r["iso639_1"], LANGUAGE_NAL + r["eu_code"], r["label"], (r["eu_code"],),
                {"eu_code": r["eu_code"]})
        for r in _read_csv("languages")
    ]
    return Vocabulary("language", concepts, field="languages",
                      scheme="http://publications.europa.eu/resource/authority/language")


@cache
def isced_f() -> Vocabulary:
    """ISCED-F 2013 fields of education and training (broad, narrow and detailed codes)."""
    concepts = [
        Concept(r["code"], ISCED_F_BASE + r["code"], r["label"]) for r in _read_csv("isced_f")
    ]
    # Labels are not accepted as input: "0613" is a code, and several labels repeat.
    return Vocabulary("ISCED-F 2013", concepts, field="fields_of_study", scheme=ISCED_F_SCHEME,
                      match_labels=False)


def country_code(value: str, *, field: str = "country") -> str:
    """Normalise a country (alpha-2, alpha-3, EU NAL code or URI, ``UK``/``EL``) to alpha-2."""
    return countries().normalise(value, field=field)


def country_uri(code: str) -> str:
    """The EU country authority URI of an alpha-2 code."""
    return countries().uri(code) or ""


_LANG_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*))?$")


def language_code(value: str, *, field: str = "languages") -> str:
    """Normalise a language to ISO 639-1 (or a BCP 47 tag with its region kept: ``en-GB``).

    Accepts 2-letter codes, EU 3-letter codes and EU language URIs. ``und`` stays ``und``.
    A tag like eduCredentials' ``en-EN`` keeps its subtag: it is the writer's choice to send it.
    """
    if type(value) is str:  # a bounded memo of the spellings seen (pure: the table is)
        known = _known_language(value)
        if known is not None:
            return known
    return _language_code(value, field)


@lru_cache(maxsize=4096)
def _known_language(value: str) -> str | None:
    """:func:`language_code` of ``value``, ``None`` when it is unknown (the error is made
    afresh each time: it names the caller's field)."""
    try:
        return _language_code(value, "languages")
    except VocabularyError:
        return None


def _language_code(value: str, field: str) -> str:
    v = value.strip()
    if v.casefold() == "und":
        return "und"
    code = languages().lookup(v)
    if code:
        return code
    m = _LANG_TAG.match(v)
    if m:
        primary = languages().lookup(m.group(1))
        if primary:
            return primary if not m.group(2) else f"{primary}-{_subtags(m.group(2))}"
    raise VocabularyError(f"unknown language {value!r}", field=field)


def _subtags(rest: str) -> str:
    parts = re.split(r"[-_]", rest)
    return "-".join(p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts)


def language_uri(code: str) -> str:
    """The EU language authority URI of a language code (its primary subtag)."""
    return languages().uri(code.split("-")[0]) or ""


def isced_f_code(value: str, *, field: str = "fields_of_study") -> str:
    """Normalise an ISCED-F code or URI to the code string (``"0613"``)."""
    return isced_f().normalise(value, field=field)


def eqf_level(value: str | int, *, field: str = "levels.eqf") -> int:
    """Normalise "6", 6, "EQF level 6", "Level 6" or an EQF URI to the int 6."""
    v = str(value).strip()
    m = re.fullmatch(r"(?i)(?:eqf\s*)?(?:level\s*)?([1-8])", v)
    if m:
        return int(m.group(1))
    return int(vocabulary("eqf").normalise(v, field=field))
