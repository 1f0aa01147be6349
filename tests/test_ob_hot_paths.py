"""The Open Badges hot paths give what the slow paths gave (issue 21): the JSON-LD safe-mode
check with the bundled contexts processed once agrees, problem for problem, with pyld
processing every context afresh, on every Open Badges document of the shared samples and
corpus and on every ob3 / ob2 output of every shared document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from credbridge.convert import convert
from credbridge.errors import CredbridgeError
from credbridge.laws import documents_under
from credbridge.plugins.openbadges import common, jsonld_safe


def _json_documents(shared: Path) -> list[tuple[str, dict[str, Any]]]:
    """(name, object) of every shared JSON document that is an object with a context, and of
    the ob3 and ob2 output of every shared document that reads."""
    out: list[tuple[str, dict[str, Any]]] = []
    for doc in documents_under(shared / "samples", shared / "corpus"):
        name = doc.relative_to(shared).as_posix()
        if doc.suffix == ".json":
            try:
                data = json.loads(doc.read_bytes())
            except (ValueError, UnicodeDecodeError):
                data = None
            if isinstance(data, dict) and "@context" in data:
                out.append((name, data))
        for target in ("ob3", "ob2"):
            try:
                result = convert(doc, to=target)
            except CredbridgeError:
                continue
            data = result.output or b""
            try:
                written = [json.loads(data)]
            except ValueError:  # several credentials: JSON Lines
                written = [json.loads(line) for line in data.splitlines() if line.strip()]
            out += [(f"{name} -> {target}", w) for w in written if isinstance(w, dict)]
    return out


@pytest.fixture(scope="module")
def documents(shared: Path) -> list[tuple[str, dict[str, Any]]]:
    found = _json_documents(shared)
    assert len(found) > 200, "the shared samples and corpus hold Open Badges documents"
    return found


@pytest.mark.slow
def test_kept_contexts_agree_with_pyld_alone(documents: list[tuple[str, dict[str, Any]]]
                                             ) -> None:
    kept = jsonld_safe.BundledResolutions()
    with_problems = 0
    for name, doc in documents:
        # JSON-LD 1.0 for OB 2.0 documents (as ob2 and validate check them), 1.1 otherwise
        json_ld_10 = name.endswith("-> ob2") or "/ob2" in name or "openbadges/v2" in str(
            doc.get("@context"))
        fresh = [str(p) for p in jsonld_safe.problems(doc, json_ld_10=json_ld_10,
                                                       kept=jsonld_safe.NoReuse())]
        first = [str(p) for p in jsonld_safe.problems(doc, json_ld_10=json_ld_10, kept=kept)]
        again = [str(p) for p in jsonld_safe.problems(doc, json_ld_10=json_ld_10, kept=kept)]
        assert first == fresh, name
        assert again == fresh, name
        with_problems += bool(fresh)
    # the comparison covers documents that break safe mode, not only clean ones
    assert with_problems > 0
    assert kept.by_url and kept.processed, "bundled contexts were kept and reused"


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_indented_dumps_are_json_modules_bytes(documents: list[tuple[str, dict[str, Any]]]
                                               ) -> None:
    pytest.importorskip("orjson", reason="orjson not installed: dumps uses the json module")
    fast = 0
    for name, doc in documents:
        got = common._orjson_indented(doc)
        if got is not None:
            assert got == _json_bytes(doc), name
            fast += 1
        assert common.dumps(doc) == _json_bytes(doc), name
    assert fast > len(documents) // 2, "most documents take the fast path"


@pytest.mark.parametrize("value", [
    {"a": "\x00\x1f\x7f\u2028\"\\/é😀\b\f\n\r\t", "b": [], "c": {}, "d": [[], {"x": {}}]},
    {"float": 0.1, "big": 1e16, "tiny": 1e-7, "neg": -0.0, "sub": 5e-324},
    {"nan": float("nan")}, {"inf": [float("inf")]},
    {"int": 2 ** 64}, {"int": -(2 ** 63)}, {"bool": [True, False, None]},
    {1: "not a string key"}, {"tuple": (1, 2)},
], ids=["strings", "floats", "nan", "inf", "bigint", "minint", "literals", "intkey", "tuple"])
def test_indented_dumps_edge_values(value: Any) -> None:
    pytest.importorskip("orjson", reason="orjson not installed: dumps uses the json module")
    assert common.dumps(value) == _json_bytes(value)


def test_lone_surrogate_fails_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):
        common.dumps({"a": "\ud800"})


def _mutations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """``doc`` with one member changed the ways safe mode cares about: a relative IRI id, an
    undefined term, a null, a changed and a relative type, a relative IRI string value, ids
    of an absolute IRI's shape holding a space or a character IRIs exclude."""
    out: list[dict[str, Any]] = []
    for change in ({"id": "relative/id"}, {"undefinedTerm123": "x"}, {"name": None},
                   {"type": ["VerifiableCredential", "NoSuchType"]}, {"type": "relativeType"},
                   {"id": "urn:uuid:1"}, {"id": "http://exa mple.org/x"},
                   {"id": "https://example.org/<x>"}):
        out.append({**doc, **change})
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict):
        for change in ({"id": "not-absolute"}, {"unknownKey": 1}, {"type": "Nope"}):
            out.append({**doc, "credentialSubject": {**subject, **change}})
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            for change in ({"id": "rel"}, {"criteria": None}, {"bogus": True}):
                out.append({**doc, "credentialSubject": {
                    **subject, "achievement": {**achievement, **change}}})
    return out


@pytest.mark.slow
def test_shape_memo_never_says_clean_where_the_full_check_finds_problems(
        documents: list[tuple[str, dict[str, Any]]]) -> None:
    # the memo's soundness: documents of one shape are all clean or all not
    by_shape: dict[Any, list[tuple[str, bool]]] = {}
    memoised = mixed = 0
    # the full check, with the bundled contexts processed once (as pyld alone: the test above)
    kept = jsonld_safe.BundledResolutions()
    for name, doc in documents:
        json_ld_10 = name.endswith("-> ob2") or "/ob2" in name or "openbadges/v2" in str(
            doc.get("@context"))
        for i, variant in enumerate([doc, *_mutations(doc)]):
            key = jsonld_safe.shape(variant, json_ld_10)
            if key is None:
                continue
            memoised += 1
            clean = not jsonld_safe.problems(variant, json_ld_10=json_ld_10, kept=kept)
            by_shape.setdefault(key, []).append((f"{name} #{i}", clean))
    for outcomes in by_shape.values():
        if len({clean for _n, clean in outcomes}) > 1:
            mixed += 1
            raise AssertionError(f"one shape, different outcomes: {outcomes}")
    assert memoised > 500 and mixed == 0
    # a shape shared by several documents (the memo has hits) and both outcomes are covered
    assert any(len(o) > 1 for o in by_shape.values())
    assert {clean for o in by_shape.values() for _n, clean in o} == {True, False}


@pytest.mark.slow
def test_memoised_check_answers_as_the_full_check(
        documents: list[tuple[str, dict[str, Any]]]) -> None:
    # the full check (an explicit ``kept`` is never memoised), the bundled contexts processed
    # once (as pyld alone: test_kept_contexts_agree_with_pyld_alone)
    kept = jsonld_safe.BundledResolutions()
    for name, doc in documents:
        json_ld_10 = name.endswith("-> ob2") or "/ob2" in name
        for variant in [doc, *_mutations(doc)]:
            full = [str(p) for p in jsonld_safe.problems(variant, json_ld_10=json_ld_10,
                                                          kept=kept)]
            assert [str(p) for p in jsonld_safe.problems(variant, json_ld_10=json_ld_10)] \
                == full, name
