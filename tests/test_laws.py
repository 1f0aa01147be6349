"""The fidelity laws (docs/design.md §5) for every registered format, via the conformance kit.

Each built-in format reads the project's fixtures of its format as its sample files (the ones
broken on purpose aside); a test of the kit that does not apply to a format is skipped with
the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from credbridge import get_formats
from credbridge.errors import CredbridgeError
from credbridge.testing import (
    CI_EXAMPLES,
    PROFILE_ENV,
    THOROUGH_PROFILE,
    FormatConformance,
    kit_settings,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BROKEN_ON_PURPOSE = ("csv/invalid/", "csv/learnbase/", "elmo/malformed")
"""Fixtures that must not read cleanly (bad rows, a table that needs its column map,
malformed XML): they are not samples."""


def _formats() -> list[str]:
    return [f.name for f in get_formats() if f.plugin.startswith("credbridge.plugins.")]


@cache
def _fixtures_by_format() -> dict[str, tuple[Path, ...]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(FIXTURES.rglob("*")):
        rel = path.relative_to(FIXTURES).as_posix()
        if not path.is_file() or any(rel.startswith(b) for b in BROKEN_ON_PURPOSE):
            continue
        try:
            name = get_formats().detect(path.read_bytes()[:8192], path.name).name
        except CredbridgeError:
            continue  # not a credential (a column map)
        found.setdefault(name, []).append(path)
    return {name: tuple(paths) for name, paths in found.items()}


@pytest.fixture(params=_formats())
def format_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestEveryFormat(FormatConformance):
    """Runs the conformance suite once per built-in format."""

    @pytest.fixture(autouse=True)
    def _select(self, format_name: str) -> None:
        self.format_name = format_name
        self.carries_proof_summary = format_name == "canonical"
        self.sample_files = _fixtures_by_format().get(format_name, ())


def test_the_fixtures_are_samples_of_most_formats() -> None:
    """The sample files above are not an empty set by accident (a renamed folder)."""
    by_format = _fixtures_by_format()
    assert {"canonical", "csv", "ds", "edc-xml", "elm", "elm-ttl", "ob2", "ob3"} <= set(by_format)
    assert not any("invalid" in p.as_posix() for paths in by_format.values() for p in paths)


# --- the kit itself ---------------------------------------------------------------------------


def test_importing_the_kit_loads_no_hypothesis_profile() -> None:
    """credbridge.testing is a pytest plugin of every project that installs credbridge: it
    registers its profiles and leaves the settings of the project's own tests alone (the same
    settings as without it, whatever hypothesis chose for this environment, e.g. its CI
    profile)."""
    show = ("current = settings()\n"
            "print(current.derandomize, current.database is not None, current.max_examples)\n")
    with_kit = ("from hypothesis import settings\n"
                "import credbridge.testing\n" + show +
                "ci = settings.get_profile('credbridge-ci')\n"
                "thorough = settings.get_profile('credbridge-thorough')\n"
                "print(ci.derandomize, ci.max_examples, thorough.max_examples)\n")
    env = {k: v for k, v in os.environ.items() if k != PROFILE_ENV}

    def run(code: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=120, check=True).stdout.split()

    baseline = run("from hypothesis import settings\n" + show)
    out = run(with_kit)
    assert out[:3] == baseline
    assert out[3:] == ["True", str(CI_EXAMPLES), "500"]


def test_the_kit_runs_with_the_profile_the_environment_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    assert kit_settings().max_examples == CI_EXAMPLES and kit_settings().derandomize
    monkeypatch.setenv(PROFILE_ENV, THOROUGH_PROFILE)
    assert kit_settings().max_examples == 500
    monkeypatch.setenv(PROFILE_ENV, "thorough")  # the name before profiles were namespaced
    with pytest.raises(pytest.fail.Exception, match="not a registered hypothesis profile"):
        kit_settings()


@pytest.mark.parametrize("test", ["test_round_trip_law", "test_sniffs_its_own_output",
                                  "test_reads_sample_files",
                                  "test_garbage_gives_a_credbridge_error"])
def test_a_kit_test_that_does_not_apply_is_skipped_not_passed(test: str) -> None:
    kit = FormatConformance()
    kit.format_name = "ds-html"  # writes only
    with pytest.raises(pytest.skip.Exception, match="ds-html"):
        getattr(kit, test)()


# --- credentials with many parts (docs/design.md §2.1) ----------------------------------------


def _round_trip_formats() -> list[str]:
    return [f.name for f in get_formats() if f.can_read and f.can_write
            and f.plugin.startswith("credbridge.plugins.")]


@pytest.mark.parametrize("name", _round_trip_formats())
def test_the_round_trip_law_holds_for_records_with_activities_and_parts(name: str) -> None:
    from credbridge.laws import round_trip_violations
    from credbridge.roundtrip import write_read
    from credbridge.strategies import many_part_credentials
    from hypothesis import HealthCheck, given, settings

    fields = get_formats().get(name).fields

    @settings(max_examples=8, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(many_part_credentials())
    def law(cred: object) -> None:
        back, _data, report = write_read(name, cred)  # type: ignore[arg-type]
        assert len(back) == 1
        problems = round_trip_violations(cred, back[0], fields, report)  # type: ignore[arg-type]
        assert not problems, "\n".join(problems)

    law()


@pytest.mark.parametrize("name", _round_trip_formats())
def test_the_round_trip_law_holds_for_the_records_of_one_document(name: str) -> None:
    from credbridge.laws import document_violations
    from credbridge.strategies import documents
    from hypothesis import HealthCheck, given, settings

    fmt = get_formats().get(name)
    if not (fmt.json_lines or fmt.many or any(p.startswith("document") for p in fmt.fields)):
        pytest.skip(f"{name} writes one credential per document and no document of several")

    @settings(max_examples=5, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(documents())
    def law(records: list[object]) -> None:
        problems = document_violations(records, name)  # type: ignore[arg-type]
        assert not problems, "\n".join(problems[:20])

    law()


def test_a_retagged_text_is_excused_only_by_a_retagged_message() -> None:
    from credbridge.laws import only_tags_changed

    assert only_tags_changed({"und": "Data"}, {"en": "Data"})
    assert only_tags_changed([{"text": {"und": "a"}}], [{"text": {"fr": "a"}}])
    assert not only_tags_changed({"und": "Data"}, {"en": "Daten"})
    assert not only_tags_changed({"und": "a", "fr": "b"}, {"en": "a"})
    assert not only_tags_changed([1], [1, 2])
