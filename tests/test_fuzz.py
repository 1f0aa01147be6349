"""Mutation fuzzing of every reader over the real samples (issue 10): whatever the bytes, the
only exceptions that escape a reader are credbridge's own errors.

The default profile runs a bounded number of cases per reader; a long run is documented in
docs/index.md (``CREDBRIDGE_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from credbridge import get_formats
from credbridge.convert import detect, read
from credbridge.errors import CredbridgeError
from credbridge.report import Report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CREDBRIDGE_FUZZ_EXAMPLES", "40"))
MAX_SAMPLE = 200_000


def _samples() -> dict[str, list[Path]]:
    from credbridge.testing import shared_dir

    folders = [ROOT / "fixtures"]
    shared = shared_dir(ROOT)
    if shared:
        folders.append(shared / "samples")
    by_format: dict[str, list[Path]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix in (".md",) or path.stat().st_size > MAX_SAMPLE:
                continue
            try:
                name = detect(path).name
            except CredbridgeError:
                continue
            by_format.setdefault(name, []).append(path)
    return by_format


SAMPLES = _samples()
READERS = sorted(f.name for f in get_formats() if f.can_read and f.name in SAMPLES)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A sample with a few random edits: flipped, deleted, inserted or duplicated bytes."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data += draw(st.binary(min_size=1, max_size=8))
            continue
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup", "truncate", "special"]))
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "dup":
            end = min(len(data), at + draw(st.integers(1, 256)))
            data[at:at] = data[at:end]
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.sampled_from([b"<", b"&", b"\"", b"{", b"}", b"[", b"]",
                                                b"\x00", b",", b"\n", b"\xff", b"&lt;",
                                                b"<!--", b"]]>", b"\\u0000", b"1e99999"]))
    return bytes(data)


@pytest.mark.parametrize("reader", READERS)
def test_mutated_samples_raise_only_credbridge_errors(reader: str) -> None:
    seeds = [p.read_bytes() for p in SAMPLES[reader]]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(seeds))
    def fuzz(data: bytes) -> None:
        with contextlib.suppress(CredbridgeError):
            list(read(data, from_format=reader, report=Report()))

    fuzz()
