"""Outputs are reproducible: the same input gives the same bytes in another process (another
hash seed), and ``SOURCE_DATE_EPOCH`` fixes the time of writing a format requires (ELMO's
``generatedDate``, a workbook's or a PDF's time stamps, OB 3.0 ``validFrom`` of an undated
credential). A registry diffing two conversions sees only what changed in the input."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from credbridge import clock, get_formats
from credbridge.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
#: writers given in the same process' script; each source below is converted to all of them
SOURCES = ["fixtures/canonical/complete.canonical.json", "fixtures/csv/two-credentials.csv",
           "fixtures/edc-xml/two-achievements.xml", "fixtures/elm/microcredential-full.jsonld"]

SCRIPT = """
import hashlib, json, sys
from credbridge import get_formats
from credbridge.convert import convert
from credbridge.errors import CredbridgeError
out = {}
for source in json.loads(sys.argv[1]):
    for fmt in get_formats():
        if fmt.can_write:
            try:
                data = convert(source, to=fmt.name).output or b""
            except CredbridgeError as exc:  # several credentials to a one-document format
                data = str(exc).encode()
            out[f"{source} -> {fmt.name}"] = hashlib.sha256(data).hexdigest()
print(json.dumps(out))
"""


def _hashes(seed: str, epoch: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": epoch}
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(SOURCES)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=True)
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_every_writer_gives_the_same_bytes_in_another_process() -> None:
    first, second = _hashes("1", "1767225600"), _hashes("2", "1767225600")
    writers = [f.name for f in get_formats() if f.can_write]
    assert len(first) == len(SOURCES) * len(writers)
    differ = sorted(k for k in first if first[k] != second[k])
    assert differ == [], differ


def test_the_time_of_writing_is_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert clock.now() == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert clock.today() == dt.date(2026, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        clock.now()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((clock.now() - dt.datetime.now(dt.UTC)).total_seconds()) < 5
    assert clock.now().microsecond == 0


def test_elmo_generated_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from credbridge.convert import convert

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = convert(ROOT / "fixtures/canonical/complete.canonical.json", to="elmo").output or b""
    assert b"<generatedDate>2026-01-01T00:00:00Z</generatedDate>" in out


def test_elm_documents_read_by_rdflib_give_the_same_record_in_another_process(
        shared: Path) -> None:
    """Blank nodes from rdflib's parser get random labels: values that are blank nodes are
    ordered by what they hold (EU educational-pilot diploma supplements and transcripts)."""
    found = sorted((shared / "corpus" / "elm").glob("educational-pilot--EUHE*.json"))
    if not found:
        pytest.skip("no educational-pilot ELM documents in ../shared/corpus/elm")
    script = ("import hashlib, json, sys\nfrom credbridge.convert import convert\n"
              "print(json.dumps([hashlib.sha256(convert(p, to=t).output or b'').hexdigest() "
              "for p in json.loads(sys.argv[1]) for t in ('canonical', 'elm-ttl')]))")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1767225600"}
        done = subprocess.run([sys.executable, "-c", script, json.dumps([str(p) for p in found])],
                              env=env, capture_output=True, text=True, timeout=300, check=True)
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]
