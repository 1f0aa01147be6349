"""The text-count shortcut of :func:`credbridge.safety.load_json`: when the commas and
opening brackets of a JSON text prove every budget of ``check_json`` kept, the walk of the
decoded value is left out. These tests show the proof holds (the walk never fails where the
shortcut skips it) and that ``load_json`` answers exactly as the full walk does, at and
around every budget's edge."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from credbridge.errors import CredbridgeError
from credbridge.safety import Limits, check_json, json_within_budgets, load_json
from hypothesis import given, settings
from hypothesis import strategies as st

_SCALARS = st.none() | st.booleans() | st.integers(-10, 10) | st.text(",[{}]\"\\x", max_size=4)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=5)
                       | st.dictionaries(st.text("ab,[{", max_size=2), inner, max_size=5),
                       max_leaves=40)
_LIMITS = st.builds(Limits, max_nodes=st.integers(1, 60), max_depth=st.integers(1, 8),
                    max_items=st.integers(1, 8))


def _counts(text: bytes) -> tuple[int, int]:
    brackets = text.count(b"[") + text.count(b"{")
    return text.count(b",") + brackets, brackets


def _outcome(call: object) -> object:
    try:
        return ("ok", call())  # type: ignore[operator]
    except CredbridgeError as exc:
        return (type(exc).__name__, exc.message)


@settings(max_examples=400, deadline=None)
@given(_VALUES, _LIMITS)
def test_the_walk_never_fails_where_the_counts_skip_it(value: object, limits: Limits) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    if json_within_budgets(*_counts(text), limits):
        check_json(value, limits=limits)  # raises if the proof were wrong


@settings(max_examples=400, deadline=None)
@given(_VALUES, _LIMITS)
def test_load_json_answers_as_the_full_walk(value: object, limits: Limits) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    got = _outcome(lambda: load_json(text, limits=limits))
    with mock.patch("credbridge.safety.json_within_budgets", return_value=False):
        want = _outcome(lambda: load_json(text, limits=limits))  # always walked
    assert got == want


@pytest.mark.parametrize(("text", "limits", "budget"), [
    (b"[1]", Limits(max_depth=1), "depth"),  # the level of the 1 counts
    (b"[[]]", Limits(max_depth=2), None),
    (b"[[1]]", Limits(max_depth=2), "depth"),
    (b"[1,2]", Limits(max_nodes=3), None),
    (b"[1,2,3]", Limits(max_nodes=3), "values"),
    (b"[1,2,3]", Limits(max_items=3), None),
    (b"[1,2,3,4]", Limits(max_items=3), "entries"),
    (b'{"a":1,"b":2}', Limits(max_items=2), None),
    (b'{"a":1,"b":2,"c":3}', Limits(max_items=2), "entries"),
])
def test_each_budget_at_its_edge(text: bytes, limits: Limits, budget: str | None) -> None:
    if budget is None:
        assert load_json(text, limits=limits) == json.loads(text)
    else:
        with pytest.raises(CredbridgeError, match=budget):
            load_json(text, limits=limits)


@pytest.mark.parametrize("text", [
    "\ufeff{}", b"\xef\xbb\xbf\xef\xbb\xbf{}", b"\xef\xbb\xbf[1]", "[NaN]", '{"a": -Infinity}',
    "[1e999]", "[" + "1" * 1001 + "]", '{"a": 1, "a": 2}', '"\\ud800"', "[1.5, -0, 0.1]",
    "{", "[1,]", "", "[1] x",
])
def test_load_json_answers_as_json_loads_with_its_hooks(text: str | bytes) -> None:
    # the decoder is made once per `what`: the answers are those of a json.loads per call
    from credbridge import safety

    def per_call(data: str | bytes, *, what: str) -> object:
        def no_constants(name: str) -> object:
            raise safety.InputError(f"{what} contains {name}, which is not JSON")
        decoded = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(decoded, parse_constant=no_constants,
                          parse_int=safety._json_number(int, what),
                          parse_float=safety._json_number(float, what))

    for what in ("JSON line", "canonical JSON", "JSON line"):
        got = _outcome(lambda what=what: load_json(text, what=what))
        try:
            want: object = ("ok", per_call(text, what=what))
        except json.JSONDecodeError as exc:
            want = ("InputError", f"invalid {what}: {exc.msg} at line {exc.lineno}, "
                                  f"column {exc.colno}")
        except CredbridgeError as exc:
            want = (type(exc).__name__, exc.message)
        assert got == want
