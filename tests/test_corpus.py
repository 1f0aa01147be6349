"""Every file of ../shared/corpus has its expected outcome (tests/corpus_expected.tsv, issue 17).

The corpus is read once, in-process, through the library (tests/corpus_table.py). When a
reader changes what a file gives, regenerate the table and review its diff::

    python -m tests.corpus_table --update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NO_SHARED
from corpus_table import (
    SUPPORTED_FAMILIES,
    TABLE,
    Outcome,
    classify,
    corpus_dir,
    differences,
    manifest_files,
    measure_all,
    parse,
)

REGENERATE = "regenerate with `python -m tests.corpus_table --update` and review the diff"


@pytest.fixture(scope="module")
def corpus(shared: Path) -> Path:
    """The corpus folder; the test is skipped (naming the reason) when it is not there."""
    found = corpus_dir(shared)
    if found is None:
        pytest.skip(f"{NO_SHARED} (no corpus/MANIFEST.tsv in it): the corpus test needs "
                    "../shared/corpus")
    return found


@pytest.fixture(scope="module")
def outcomes(corpus: Path) -> list[Outcome]:
    """What each corpus file gives now (read once for the module)."""
    return measure_all(corpus)


def test_manifest_names_every_file(corpus: Path) -> None:
    on_disk = sorted(str(p.relative_to(corpus)).replace("\\", "/")
                     for p in corpus.rglob("*") if p.is_file() and p.parent != corpus)
    assert manifest_files(corpus) == on_disk


def test_table_has_a_line_per_file(corpus: Path) -> None:
    assert sorted(parse(TABLE.read_text(encoding="utf-8"))) == manifest_files(corpus), REGENERATE


def test_every_file_has_its_expected_outcome(outcomes: list[Outcome]) -> None:
    diff = differences(parse(TABLE.read_text(encoding="utf-8")), outcomes)
    assert not diff, f"{len(diff)} corpus file(s) changed outcome ({REGENERATE}):\n" + \
        "\n".join(diff)


def test_no_traceback(outcomes: list[Outcome]) -> None:
    crashed = [o.line() for o in outcomes if o.outcome.startswith("crash:")]
    assert not crashed, "non-credbridge exceptions:\n" + "\n".join(crashed)


MAX_SECONDS = 20.0
"""No corpus file takes longer (the readers' own time budget is 5 s of parsing; this bound
catches a hang on a 2-core CI machine without flaking on a slow one)."""


def test_no_file_hangs(outcomes: list[Outcome]) -> None:
    slow = [f"{o.path}: {o.seconds:.1f} s" for o in outcomes if o.seconds > MAX_SECONDS]
    assert not slow, "\n".join(slow)


def test_no_file_gives_nothing_silently(outcomes: list[Outcome]) -> None:
    """A document that holds no credential is refused saying what it is, never read as
    nothing with exit status 0 (issue 17: an OB 2.0 issuer profile alone)."""
    empty = [o.line() for o in outcomes if o.outcome == "reads:0"]
    assert not empty, "\n".join(empty)


def test_every_refusal_is_one_line(outcomes: list[Outcome]) -> None:
    lines = [(o.path, o.refusal) for o in outcomes if o.refusal is not None]
    lines += [(o.path, m.detail) for o in outcomes for m in o.report.errors]
    multi = [f"{path}: {text!r}" for path, text in lines if "\n" in text or "\r" in text]
    assert not multi, "\n".join(multi)


def test_every_refusal_has_a_class(outcomes: list[Outcome]) -> None:
    vague = [o.line() for o in outcomes if o.outcome == "refused:other"]
    assert not vague, "refusals that no class of tests/corpus_table.py names:\n" + "\n".join(vague)


def test_a_supported_family_is_always_told(outcomes: list[Outcome]) -> None:
    """A file of a family credbridge supports is never refused with "cannot tell the format"
    (issue 17, deliverable 1): it reads, or the refusal says what the document is."""
    untold = [o.line() for o in outcomes if o.family in SUPPORTED_FAMILIES
              and o.refusal is not None and "cannot tell the format" in o.refusal]
    assert not untold, f"{len(untold)} file(s) of supported families not told:\n" + \
        "\n".join(untold)


@pytest.mark.parametrize(("message", "expected"), [
    ("cannot tell the format; name it with --from (one of: csv, ob3)", "unknown-format"),
    ("the format is ambiguous: it could be elm, ob3; name it with --from", "ambiguous-format"),
    ("invalid JSON-LD: Expecting ':' delimiter at line 99, column 20", "invalid-json"),
    ("the document names the JSON-LD context 'x', which credbridge does not know; it is never "
     "fetched", "unknown-context"),
    ("not JSON-LD: the document has no @context", "no-context"),
    ("an Open Badges 2.0 issuer profile, not a credential: give it with the assertion",
     "not-a-credential"),
    ("not an Open Badges 3.0 credential: no 'OpenBadgeCredential' type", "not-a-credential"),
    ("not a credential table: 5 of 5 columns are not credbridge columns", "not-a-credential-table"),
    ("a Verifiable Presentation of 2 credential(s), none an Open Badges credential "
     "(BlockcertsCredential, IdCardCredential): not read", "unsupported-family"),
    ("a Blockcerts 3 credential (a W3C Verifiable Credential with no Open Badges achievement): "
     "credbridge reads Blockcerts 2 certificates (Open Badges 2.0) as ob2", "unsupported-family"),
    ("an Open Badges 3.0 EndorsementCredential (an endorsement by x of y), not an achievement "
     "credential", "not-a-credential"),
    ("something new", "other"),
])
def test_classes(message: str, expected: str) -> None:
    assert classify(message) == expected


def test_record_classes() -> None:
    assert classify("not an ISO 8601 date (YYYY-MM-DD): '2014-11-28+02:00'", "record") == \
        "invalid-date"
    assert classify("unknown country value 'urn:x'", "record") == "unknown-value"
    assert classify("what", "record") == "invalid-value"
