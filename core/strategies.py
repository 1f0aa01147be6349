"""Hypothesis strategies that generate valid canonical micro-credentials, hostile ones (texts
with markup and control characters, numbers at the edges), and mutations of real documents.

Used by credbridge's fidelity laws, by the plugin conformance suite (:mod:`credbridge.testing`)
and by the fuzzing of every reader (``tests/test_fuzz.py``, ``bench/fuzz.py``). Requires
``hypothesis`` (the ``test`` extra).
"""

from __future__ import annotations

import datetime as dt
import re
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


# --- hostile values ---------------------------------------------------------------------------

HOSTILE_FRAGMENTS = (
    "<", ">", "&", "&amp;", "&#0;", "]]>", "<!--", "<?xml", "<!DOCTYPE x>", '"', "'", "\\",
    "{", "}", "[", "]", "@context", "${x}", "=1+1", "+1", "-1", "@x", "'=A1", "\t", "\r\n",
    "\n", "\r", ";", ",", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
    "\u2028", "\u200b", "\u202e", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0001f600",
    "\U0010ffff", "e\u0301", "ß", "İ", "%00", "%2F", "../", "..\\", "/", "NUL", "CON",
    "1e999998", "9" * 400, "0.0000001", "-0", "NaN", "true", "null", "mailto:", "urn:",
    "javascript:", " ", "\u00a0", "ǅ",
)
"""Pieces of text that break naive writers: markup, quoting, control characters, non-BMP and
invisible characters, spreadsheet formulas, path pieces, numbers in text."""


def hostile_text(min_size: int = 1, max_size: int = 60) -> st.SearchStrategy[str]:
    """Text made of :data:`HOSTILE_FRAGMENTS` and arbitrary characters (never a lone
    surrogate: that is not text, and the model refuses it)."""
    piece = st.one_of(st.sampled_from(HOSTILE_FRAGMENTS),
                      st.text(st.characters(blacklist_categories=["Cs"]), min_size=1,
                              max_size=8))
    return st.lists(piece, min_size=1, max_size=8).map("".join).map(
        lambda s: s[:max_size]).filter(lambda s: len(s.strip()) >= min_size)


def _hostile_lang_text() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(text_languages(), hostile_text(), min_size=1, max_size=2)


def hostile_credentials() -> st.SearchStrategy[MicroCredential]:
    """Valid credentials whose texts, names, ids and numbers are hostile: every value the
    model accepts, markup and control characters included, numbers at the edges of their
    range, times with microseconds. A writer must write each so that it reads back (or refuse
    it, reporting a failed record)."""
    hostile_id = st.one_of(urls(), hostile_text(1, 30).map(lambda s: "urn:x:" + s))
    email = st.tuples(hostile_text(1, 10), hostile_text(1, 10)).map(
        lambda p: f"{p[0]}@{p[1]}")
    org = st.fixed_dictionaries(
        {"name": _hostile_lang_text()},
        optional={"id": hostile_id, "country": st.sampled_from(COUNTRIES), "email": email,
                  "url": hostile_id, "address": hostile_text()})
    number = st.one_of(ects(), st.sampled_from([Decimal("0"), Decimal("1e20"),
                                                Decimal("1e-20"), Decimal("0.000001"),
                                                Decimal("12345678901234567890.5")]))
    when = st.one_of(dates(), st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1),
                                           timezones=st.just(dt.UTC)))
    data = st.fixed_dictionaries(
        {"title": _hostile_lang_text()},
        optional={
            "id": hostile_id,
            "description": _hostile_lang_text(),
            "learner": st.fixed_dictionaries({}, optional={
                "given_name": hostile_text(1, 20), "family_name": hostile_text(1, 20),
                "full_name": hostile_text(1, 30), "email": email, "id": hostile_id}),
            "awarding_bodies": st.lists(org, min_size=1, max_size=2),
            "issued": when,
            "valid_until": when,
            "learning_outcomes": st.lists(st.fixed_dictionaries({"text": _hostile_lang_text()}),
                                          min_size=1, max_size=2),
            "workload": st.fixed_dictionaries({}, optional={"ects": number, "hours": number}),
            "assessment": st.fixed_dictionaries({}, optional={"grade": st.fixed_dictionaries(
                {"value": hostile_text(1, 10)})}),
            "further_information": st.fixed_dictionaries({"links": st.lists(hostile_id,
                                                                             max_size=2)}),
        },
    )
    return data.map(_valid_or_none).filter(lambda c: c is not None)  # type: ignore[return-value]


def _valid_or_none(data: dict[str, Any]) -> MicroCredential | None:
    from .errors import InputError
    from .model import build

    try:
        return build(data)
    except InputError:
        return None


# --- structure-aware mutations of documents ---------------------------------------------------

BIG_NUMBER = "9" * 5000
"""A number no reader may choke on (Python refuses to parse integers over 4,300 digits)."""

_BYTE_SPECIALS = (b"<", b"&", b'"', b"{", b"}", b"[", b"]", b"\x00", b",", b"\n", b"\xff",
                  b"&lt;", b"<!--", b"]]>", b"\\u0000", b"\\ud800", b"1e99999", b"\r",
                  BIG_NUMBER.encode(), b"<!DOCTYPE x [<!ENTITY e 'e'>]>", b"&e;", b"\xef\xbb\xbf",
                  b"\xc3", b"\xed\xa0\x80", b"@prefix x: <urn:x> .", b"''", b'"",')


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes, max_edits: int = 6) -> bytes:
    """``data`` with a few random edits: flipped, deleted, inserted or duplicated bytes,
    truncation, or a special piece (markup, escapes, a huge number, broken UTF-8)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if not out:
            out += draw(st.binary(min_size=1, max_size=8))
            continue
        at = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup", "truncate", "special"]))
        if op == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del out[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "dup":
            end = min(len(out), at + draw(st.integers(1, 256)))
            out[at:at] = out[at:end]
        elif op == "truncate":
            del out[at:]
        else:
            out[at:at] = draw(st.sampled_from(_BYTE_SPECIALS))
    return bytes(out)


_BIG = "\x00credbridge-big-number\x00"


def _json_value(draw: st.DrawFn) -> Any:
    """A JSON value a reader does not expect where it finds it."""
    return draw(st.one_of(
        st.sampled_from([None, True, False, 0, -1, 1.5, 1e308, "", [], {}, _BIG]),
        hostile_text(0, 40), st.integers(-(2**70), 2**70),
        st.lists(hostile_text(0, 10), max_size=3),
        st.dictionaries(st.sampled_from(["id", "type", "@id", "@type", "@value", "@language",
                                         "en", "name", "x"]), hostile_text(0, 10), max_size=3),
        st.integers(1, 80).map(lambda n: _nested(n)),
    ))


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def _json_nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of every value in a decoded JSON document."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _json_nodes(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _json_nodes(item, (*path, i))
    return out


def _mutate_json(draw: st.DrawFn, doc: Any) -> bytes:
    import copy
    import json

    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 4))):
        paths = _json_nodes(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        op = draw(st.sampled_from(["replace", "delete", "duplicate", "wrap", "add", "retype"]))
        if op == "replace":
            parent[key] = _json_value(draw)
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "duplicate":
            parent[f"{key}x"] = copy.deepcopy(parent[key])
        elif op == "wrap":
            parent[key] = draw(st.sampled_from([[parent[key]], {"@value": parent[key]},
                                                {"id": parent[key]}]))
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["unknownKey", "@context", "type", "@type", "id",
                                         "proof", "@graph", "@included"]))] = _json_value(draw)
        else:  # retype: a string becomes a number and the other way round
            value = parent[key]
            parent[key] = str(value) if not isinstance(value, str) else \
                draw(st.sampled_from([1, [value], {"en": value}, None]))
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()),
                      indent=draw(st.sampled_from([None, 2])))
    return text.replace(json.dumps(_BIG), BIG_NUMBER).encode("utf-8")


def _mutate_xml(draw: st.DrawFn, data: bytes) -> bytes | None:
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      load_dtd=False))
    except (etree.XMLSyntaxError, ValueError):
        return None
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(draw(st.integers(1, 4))):
        el = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "attribute", "delete", "duplicate", "rename",
                                   "nest", "move"]))
        parent = el.getparent()
        if op == "text":
            el.text = _xml_safe(draw(hostile_text(0, 40)))
        elif op == "attribute":
            name = draw(st.sampled_from(["id", "idref", "uri", "lang", "{http://www.w3.org/XML/"
                                         "1998/namespace}lang", "targetFrameworkURI", "x"]))
            el.set(name, _xml_safe(draw(st.one_of(hostile_text(0, 20), st.just(BIG_NUMBER)))))
        elif op == "delete" and parent is not None:
            parent.remove(el)
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
        elif op == "duplicate" and parent is not None:
            import copy

            parent.insert(parent.index(el), copy.deepcopy(el))
        elif op == "rename":
            other = draw(st.sampled_from(elements))
            el.tag = other.tag
        elif op == "nest":
            inner = el
            for _ in range(draw(st.integers(1, 60))):
                inner = etree.SubElement(inner, el.tag)
        elif op == "move" and parent is not None and el is not root:
            target = draw(st.sampled_from(elements))
            if target is not el and el not in target.iterancestors():
                target.append(el)
    return bytes(etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="utf-8"))


def _xml_safe(text: str) -> str:
    """``text`` without what lxml refuses to put into a tree (a byte edit can add it later)."""
    from .model import XML_INCOMPATIBLE

    return XML_INCOMPATIBLE.sub("", text)


def _mutate_csv(draw: st.DrawFn, data: bytes) -> bytes | None:
    import csv
    import io

    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not rows:
        return None
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        op = draw(st.sampled_from(["cell", "cell", "row", "column", "header"]))
        if op == "cell" and rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(st.one_of(hostile_text(0, 40), st.just(BIG_NUMBER),
                                        st.just("; ".join(["x"] * 50))))
        elif op == "row":
            rows.insert(r, list(rows[r]) if draw(st.booleans()) else [])
        elif op == "column":
            for row in rows:
                row.append(draw(st.sampled_from(["", "x", "title", '"'])))
        elif rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][c] = draw(st.sampled_from(["title", "credential_id", "title.fr",
                                               "learning_outcomes[1]", "x.y", "", "title"]))
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"]))).writerows(rows)
    return out.getvalue().encode("utf-8")


_TURTLE_TERM = re.compile(
    r'"(?:[^"\\\n]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^\S+)?|<[^>\s]*>|\b[A-Za-z][\w-]*:[\w-]*')
"""A literal, an IRI or a prefixed name in Turtle or N-Triples."""

_XSD = "http://www.w3.org/2001/XMLSchema#"


def _mutate_turtle(draw: st.DrawFn, data: bytes) -> bytes | None:
    """Turtle or N-Triples with terms swapped between triples (the graph rewired), literals
    replaced by hostile, huge, mistyped or wrongly tagged ones, and lines dropped, repeated or
    moved; the syntax stays Turtle, mostly."""
    import json

    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    for _ in range(draw(st.integers(1, 4))):
        candidates = [i for i, line in enumerate(lines) if _TURTLE_TERM.search(line)]
        if not candidates:
            return None
        i = draw(st.sampled_from(candidates))
        op = draw(st.sampled_from(["literal", "literal", "term", "line"]))
        terms = list(_TURTLE_TERM.finditer(lines[i]))
        m = draw(st.sampled_from(terms))
        if op == "literal":
            text = json.dumps(draw(hostile_text(0, 30)))
            new = draw(st.sampled_from([
                text, f"{text}@{draw(st.sampled_from(['en', 'en-!!', 'x-' + 'a' * 70, '1']))}",
                f'"{BIG_NUMBER}"^^<{_XSD}integer>', f'"1e999998"^^<{_XSD}decimal>',
                f'"2024-W01"^^<{_XSD}date>', f'"7.²"^^<{_XSD}integer>',
                f'"P99999999999Y"^^<{_XSD}duration>', f"{text}^^<urn:x:type>"]))
        elif op == "term":
            others = [t.group() for line in lines for t in _TURTLE_TERM.finditer(line)]
            new = draw(st.sampled_from([*others, "<urn:x:a b>", "<>", "<#x>",
                                        "<file:///etc/passwd>", "_:b1"]))
        else:
            j = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["drop", "repeat", "move"]))
            if action == "drop":
                del lines[i]
            elif action == "repeat":
                lines.insert(j, lines[i])
            else:
                lines.insert(j, lines.pop(i))
            continue
        lines[i] = lines[i][:m.start()] + new + lines[i][m.end():]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def mutated_documents(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A real document (one of ``seeds``) mutated with knowledge of its structure: JSON values
    replaced, retyped, wrapped, deleted or nested deep; XML elements and attributes edited,
    moved, renamed, nested; Turtle and N-Triples terms swapped and literals replaced; CSV
    cells, rows and headers edited; then, sometimes, a few byte edits on top (and for other
    formats only those)."""
    seed = draw(st.sampled_from(seeds))
    head = seed.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    out: bytes | None = None
    if draw(st.integers(0, 4)):  # mostly structure-aware
        if head in (b"{", b"["):
            import json

            try:
                out = _mutate_json(draw, json.loads(seed))
            except (ValueError, RecursionError):
                out = None
        elif head == b"<" and b"<svg" not in seed[:512]:
            out = _mutate_xml(draw, seed)
        if out is None and head in (b"@", b"#", b"<", b"P", b"p") and b" .\n" in seed:
            out = _mutate_turtle(draw, seed)
        elif out is None and b"," in seed.split(b"\n", 1)[0]:
            out = _mutate_csv(draw, seed)
    if out is None:
        return draw(byte_mutations(seed))
    return draw(byte_mutations(out, 3)) if draw(st.integers(0, 3)) == 0 else out


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
