"""Issue 14 classes 2-4 through the command line: XML parsed whole by the hardened parser
before any other library sees it, and budgets by construction against parser blow-ups.

Each attack is made at run time (the big ones are tens of megabytes) and converted in a child
process that carries an audit hook and reports its peak RSS (VmHWM): every run ends as the
attack requires (refused with exit 2 and one line naming the file, a failed record with exit
1, or read with nothing injected) in well under 10 s and 256 MiB, opening nothing outside the
input and connecting nowhere. ``test_budget_table`` records the measured maxima.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from credbridge.errors import LimitExceededError
from hostile_kit import CLASS_2, CLASS_3, CLASS_4, INJECTED, Attack, Env, check_outcome, run_cli


@pytest.fixture
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """No canary here (tests/test_hostile_offline.py has it): any connection is refused by the
    child's audit hook and reported as a violation."""
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text(INJECTED)
    return Env("http://127.0.0.1:9", secret)


@pytest.mark.parametrize("attack", [*CLASS_2, *CLASS_3, *CLASS_4], ids=lambda a: a.name)
def test_attack_through_the_cli(attack: Attack, env: Env, tmp_path: Path) -> None:
    path = tmp_path / attack.filename
    path.write_bytes(attack.make(env))
    args = ["convert", str(path), "--to", "canonical"]
    if attack.fmt:
        args += ["--from", attack.fmt]
    run = run_cli(args, tmp_path)
    check_outcome(run, attack, path)


# --- the budgets themselves ----------------------------------------------------------------


def test_budgets_are_configurable_by_name() -> None:
    from credbridge.safety import with_limits

    limits = with_limits(["nodes=50", "seconds=2.5", "declarations=1_000_000"])
    assert (limits.max_nodes, limits.max_seconds, limits.max_declarations) == (50, 2.5,
                                                                                1_000_000)
    with pytest.raises(Exception, match="unknown budget"):
        with_limits(["bytes=1"])
    with pytest.raises(Exception, match="must be positive"):
        with_limits(["depth=0"])


def test_json_budgets_hold_at_their_edge() -> None:
    from credbridge.safety import Limits, load_json

    small = Limits(max_nodes=10, max_depth=3, max_items=4)
    assert load_json(b"[1,2,3,4]", limits=small) == [1, 2, 3, 4]
    with pytest.raises(LimitExceededError, match="items"):
        load_json(b"[1,2,3,4,5]", limits=small)
    with pytest.raises(LimitExceededError, match="depth"):
        load_json(b"[[[[1]]]]", limits=small)
    with pytest.raises(LimitExceededError, match="nodes"):
        load_json(json.dumps([[1, 2], [3, 4], [5, 6], [7, 8]]).encode(), limits=small)
    # commas inside strings are not values
    assert load_json(json.dumps({"a": "," * 100}).encode(), limits=small) == {"a": "," * 100}


def test_xml_budgets_hold_at_their_edge() -> None:
    from credbridge.safety import Limits, parse_xml

    small = Limits(max_nodes=20, max_depth=4, max_declarations=2, max_comments=2)
    parse_xml(b"<a><b><c><d/></c></b></a>", limits=small)
    with pytest.raises(LimitExceededError, match="depth"):
        parse_xml(b"<a><b><c><d><e/></d></c></b></a>", limits=small)
    with pytest.raises(LimitExceededError, match="declarations"):
        parse_xml(b'<a xmlns:x="u:1" xmlns:y="u:2" xmlns:z="u:3"/>', limits=small)
    with pytest.raises(LimitExceededError, match="comments"):
        parse_xml(b"<a><!--1--><!--2--><!--3--></a>", limits=small)
    with pytest.raises(LimitExceededError, match="nodes"):
        parse_xml(b"<a>" + b"<b/>" * 30 + b"</a>", limits=small)
    # attributes are bounded on the bytes before libxml2 builds a start tag (an upper bound:
    # "=" signs, then attribute-like text), so one huge tag never reaches the parser
    with pytest.raises(LimitExceededError, match="attributes"):
        parse_xml(b"<a " + b" ".join(b'x%d="1"' % i for i in range(30)) + b"/>", limits=small)
    parse_xml(b"<a>" + b"x=1 " * 19 + b"</a>", limits=small)
