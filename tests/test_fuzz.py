"""Structure-aware fuzzing of every reader (issues 10 and 14): whatever the bytes, the only
exceptions that escape a reader, and the writers its credentials go to, are credbridge's own.

Seeds are real documents: the project's fixtures, ../shared/samples and ../shared/corpus, and
for a format that has none there, the fixtures written in it. Each case is a seed mutated
with knowledge of its structure (:func:`credbridge.strategies.mutated_documents`: JSON values
retyped, nested or replaced by hostile ones, XML elements moved and renamed, CSV cells and
headers edited, then sometimes byte edits). The credentials read are written to a target
format and the output is read back. CI runs ``CREDBRIDGE_FUZZ_EXAMPLES`` cases per reader
(40); ``bench/fuzz.py`` is the long run (20,000 per reader), which reports instead of failing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from credbridge import get_formats
from credbridge.convert import detect, read, write
from credbridge.errors import CredbridgeError
from credbridge.report import Report
from credbridge.strategies import mutated_documents
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CREDBRIDGE_FUZZ_EXAMPLES", "40"))
MAX_SEED = 200_000
"""Larger documents are not seeds (a case must stay fast)."""


@cache
def seeds() -> dict[str, tuple[bytes, ...]]:
    """Seed documents by reader: fixtures, shared samples and corpus (what detection says
    each is), and every fixture credential written in each format that has no seed."""
    from credbridge.testing import shared_dir

    folders = [ROOT / "fixtures"]
    shared = shared_dir(ROOT)
    if shared:
        folders += [shared / "samples", shared / "corpus"]
    found: dict[str, list[bytes]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix in (".md", ".tsv") or \
                    path.stat().st_size > MAX_SEED:
                continue
            try:
                name = detect(path).name
            except CredbridgeError:
                continue
            found.setdefault(name, []).append(path.read_bytes())
    credentials = [c for p in sorted((ROOT / "fixtures").rglob("*.canonical.json"))
                   for c in read(p, report=Report())]
    for fmt in get_formats():
        if fmt.can_read and fmt.can_write and fmt.name not in found:
            found[fmt.name] = [write([c], None, to=fmt.name, report=Report())
                               for c in credentials]
    return {name: tuple(docs) for name, docs in found.items()}


READERS = sorted(f.name for f in get_formats() if f.can_read)
WRITERS = sorted(f.name for f in get_formats() if f.can_write)


def exercise(reader: str, data: bytes, target: str) -> str | None:
    """Read ``data`` as ``reader``, write each credential as ``target`` and read that back;
    credbridge's own errors are answers, anything else propagates. Returns why an output
    did not read back (its reader refused it), else ``None``."""
    try:
        credentials = list(read(data, from_format=reader, report=Report()))
    except CredbridgeError:
        return None
    for cred in credentials[:3]:
        written = Report()
        try:
            out = write([cred], None, to=target, report=written)
        except CredbridgeError:
            continue
        if written.records_failed:  # refused (and said why): no output to read back
            continue
        if out and get_formats().get(target).can_read:
            try:
                list(read(out, from_format=target, report=Report()))
            except CredbridgeError as exc:
                return f"{target} output not read back: {exc}"
    return None


def fuzz_reader(reader: str, examples: int,
                check: Callable[[str, bytes, str], object] = exercise) -> None:
    """Run ``examples`` mutated documents through ``check`` (hypothesis, no shrinking of
    passing runs, no example database)."""
    docs = list(seeds()[reader])

    @settings(max_examples=examples, deadline=None, derandomize=examples <= 100,
              database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(mutated_documents(docs), st.sampled_from(WRITERS))
    def fuzz(data: bytes, target: str) -> None:
        check(reader, data, target)

    fuzz()


@pytest.mark.parametrize("reader", READERS)
def test_mutated_documents_raise_only_credbridge_errors(reader: str) -> None:
    if reader not in seeds():
        pytest.skip(f"no seed document for {reader}")
    fuzz_reader(reader, EXAMPLES)
