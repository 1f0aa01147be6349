"""Detection helpers: the tolerant top-of-JSON reader and scored sniffing."""

from __future__ import annotations

import json

import pytest
from credbridge.formats import OWN_TYPE, Format, FormatRegistry
from credbridge.sniffing import json_top


def test_json_top_sees_past_a_large_leading_value() -> None:
    doc = {"image": "data:image/png;base64," + "A" * 150_000,
           "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
           "badge": {"name": "x" * 10}}
    head = json.dumps(doc).encode()[:200_000]
    top = json_top(head)
    assert top is not None
    assert top.contexts() == ["https://w3id.org/openbadges/v2"]
    assert top.types() == {"Assertion"}
    assert top.keys == ("image", "@context", "type", "badge") and top.complete


def test_json_top_stops_at_a_value_cut_off_by_the_head() -> None:
    head = b'\xef\xbb\xbf {"type": ["VerifiableCredential", "X"], "credentialSubject": {"a": [1, 2'
    top = json_top(head)
    assert top is not None and not top.complete
    assert top.types() == {"VerifiableCredential", "X"}
    assert top.keys == ("type", "credentialSubject") and "credentialSubject" not in top.members


def test_json_top_of_non_objects_and_broken_input() -> None:
    assert json_top(b"<xml/>") is None
    assert json_top(b"eyJhbGciOi") is None
    assert json_top(b'[{"type": "A"}, {"type": "B"}]').types() == {"A"}  # type: ignore[union-attr]
    broken = json_top(b'{"a": 1, "b": }, "c": 3}')  # stops at the broken value, never raises
    assert broken is not None and broken.members == {"a": 1} and not broken.complete
    assert json_top("{\"t\": \"é\"}".encode()[:-3]) is not None  # cut inside a character


class _Fmt(Format):
    def __init__(self, name: str, score: int | bool) -> None:
        self.name, self.title, self._score = name, name, score

    def sniff(self, head: bytes) -> bool | int:
        return self._score

    def read(self, stream, ctx):  # type: ignore[no-untyped-def]
        return iter(())


def test_the_highest_sniff_score_wins_and_equal_scores_are_ambiguous() -> None:
    reg = FormatRegistry()
    reg.register(_Fmt("generic", True))
    reg.register(_Fmt("own", OWN_TYPE))
    reg.register(_Fmt("none", False))
    assert reg.detect(b"{}").name == "own"
    assert [f.name for f in reg.sniffers(b"{}")] == ["own", "generic"]
    reg.register(_Fmt("own2", OWN_TYPE))
    try:
        reg.detect(b"{}")
    except Exception as exc:  # the ambiguity error names both
        assert "own" in str(exc) and "own2" in str(exc)
    else:
        raise AssertionError("equal best scores must be ambiguous")


def test_detection_reads_the_json_head_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON sniffer (elm, ob2, ob3, clr, ...) asks json_top of the same head: detection
    computes it once and gives the others the same answer."""
    import credbridge.sniffing as sniffing
    from credbridge import get_formats

    calls: list[int] = []
    real = sniffing._json_top

    def counted(head: bytes) -> sniffing.JsonTop | None:
        calls.append(len(head))
        return real(head)

    monkeypatch.setattr(sniffing, "_json_top", counted)
    head = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2",
                                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                       "type": ["VerifiableCredential", "OpenBadgeCredential"]}).encode()
    assert get_formats().detect(head).name == "ob3"
    assert len(calls) == 1
    top = sniffing.json_top(head)  # plain bytes: computed each time, same answer
    assert top is not None and "OpenBadgeCredential" in top.types()
