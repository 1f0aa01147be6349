"""The expected outcome of every file of ../shared/corpus, and how to measure it.

Each corpus file (``MANIFEST.tsv`` names its source) is read alone through the library
(:func:`credbridge.detect`, :func:`credbridge.read`) and gets one outcome:

- ``reads:N`` -- N credentials and no failed record;
- ``reads:N,failed:M:<class>`` -- N credentials, M records refused (the class of the first);
- ``refused:<class>`` -- the document is refused with one line; ``<class>`` is a stable short
  label taken from that line (:func:`classify`), e.g. ``not-a-credential``, ``invalid-json``,
  ``unknown-format``;
- ``crash:<exception>`` -- anything but a credbridge error escaped (never expected).

``tests/corpus_expected.tsv`` keeps one line per file, sorted by path: path, detected format
(``-`` when none), outcome, and a note (the refusal's line, cut; informative, not compared).
tests/test_corpus.py asserts the table; after a change of a reader, regenerate it from the
repository root and review the diff::

    python -m tests.corpus_table --update     # rewrite tests/corpus_expected.tsv
    python -m tests.corpus_table              # compare only: list the differences, exit 1
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import credbridge
from credbridge.errors import CredbridgeError
from credbridge.report import Report
from credbridge.testing import shared_dir

ROOT = Path(__file__).resolve().parent.parent
TABLE = Path(__file__).resolve().parent / "corpus_expected.tsv"
HEADER = ("# The expected outcome of each file of ../shared/corpus (tests/test_corpus.py). Do not\n"
          "# edit: regenerate with `python -m tests.corpus_table --update` and review the diff.\n"
          "# path\tformat\toutcome\tnote (the refusal or first failed record, cut; not compared)")

SUPPORTED_FAMILIES = frozenset({"csv", "edc-xml", "elm", "elmo", "ob2", "ob3"})
"""Corpus folders of families credbridge reads: a file there is never refused with "cannot
tell the format" (issue 17). ``vc-other`` holds other VC families."""

NOTE_CHARS = 160

# (class, pattern) in order: the first pattern found in the one-line refusal names its class
_CLASSES: tuple[tuple[str, str], ...] = (
    ("unknown-format", r"cannot tell the format"),
    ("ambiguous-format", r"format is ambiguous"),
    ("unknown-context", r"names the JSON-LD context .* does not know"),
    ("no-context", r"has no @context"),
    ("invalid-json", r"Expecting |Unterminated string|Extra data|Invalid control character"
                     r"|not (?:valid )?JSON\b(?!-LD)|invalid JSON\b(?!-LD)"),
    ("invalid-xml", r"(?i)not well-formed|xml syntax|invalid xml|XMLSyntaxError"),
    ("not-a-credential-table", r"not a credential table"),
    ("baked-url-only", r"holds only a badge URL"),
    ("unsupported-family", r"(?i)not supported|unsupported|does not read|"
                           r"credbridge reads [^:]*\b(?:certificates|credentials)\b|"
                           r"none an? [\w .-]*credential"),
    ("not-a-credential", r"(?i)\bnot an? (?:[\w. -]+ )?(?:document|credential)\b|"
                         r"not a credential|holds no \w*credential"),
    ("over-budget", r"(?i)budget|too large|too deep|too many|more than \d+|limit"),
    ("not-signed", r"(?i)signature|proof"),
)
_RECORD_CLASSES: tuple[tuple[str, str], ...] = (
    ("invalid-date", r"ISO 8601|\bdate\b|time zone"),
    ("unknown-value", r"unknown [\w ]+ value"),
    ("invalid-number", r"(?i)number|must be 0 or more"),
)


def classify(message: str, kind: str = "document") -> str:
    """The stable class of a refusal line (``kind`` ``document``) or of a failed record's
    message (``record``): the first pattern that matches, else ``other``/``invalid-value``."""
    table = _CLASSES if kind == "document" else _RECORD_CLASSES
    for name, pattern in table:
        if re.search(pattern, message):
            return name
    return "other" if kind == "document" else "invalid-value"


@dataclass
class Outcome:
    """What reading one corpus file gave."""

    path: str
    """Relative to the corpus folder, with ``/``."""
    format: str = "-"
    outcome: str = ""
    note: str = ""
    refusal: str | None = None
    """The refusal's full message (``refused:``), to check it is one line."""
    credentials: list[credbridge.MicroCredential] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    seconds: float = 0.0
    """How long the read took (not in the table: machines differ)."""

    @property
    def family(self) -> str:
        """The corpus folder the file is in."""
        return self.path.split("/", 1)[0]

    def line(self) -> str:
        """The table line."""
        return "\t".join((self.path, self.format, self.outcome, self.note))


def corpus_dir(shared: Path | None = None) -> Path | None:
    """``<shared>/corpus`` (``../shared`` or ``$CREDBRIDGE_SHARED`` by default), if there."""
    base = shared if shared is not None else shared_dir(ROOT)
    if base is None or not (base / "corpus" / "MANIFEST.tsv").is_file():
        return None
    return base / "corpus"


def manifest_files(corpus: Path) -> list[str]:
    """The files ``MANIFEST.tsv`` names (column 4, relative to the corpus folder), sorted."""
    names = []
    for raw in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if len(cells) >= 4 and cells[3]:
            names.append(cells[3])
    return sorted(set(names))


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 3] + "..."


def measure(corpus: Path, name: str) -> Outcome:
    """Read ``corpus/name`` alone (detected by content and extension) and say what it gave."""
    out = Outcome(name)
    path = str(corpus / name)
    start = time.perf_counter()
    try:
        return _read(out, path)
    finally:
        out.seconds = time.perf_counter() - start


def _read(out: Outcome, path: str) -> Outcome:
    try:
        fmt = credbridge.detect(path)
        out.format = fmt.name
        out.credentials = list(credbridge.read(path, from_format=fmt.name, report=out.report))
    except CredbridgeError as exc:
        out.refusal = exc.message
        out.outcome = f"refused:{classify(exc.message)}"
        out.note = _cut(exc.message)
        return out
    except Exception as exc:  # the table says so; test_corpus fails on it
        out.outcome = f"crash:{type(exc).__name__}"
        out.note = _cut(str(exc))
        return out
    out.outcome = f"reads:{len(out.credentials)}"
    failed = out.report.records_failed
    if failed:
        first = out.report.errors[0].detail if out.report.errors else ""
        out.outcome += f",failed:{failed}:{classify(first, 'record')}"
        out.note = _cut(first)
    return out


def measure_all(corpus: Path, names: Iterable[str] | None = None) -> list[Outcome]:
    """The outcome of each file (every file of the manifest by default), sorted by path."""
    return [measure(corpus, n) for n in sorted(names if names is not None
                                               else manifest_files(corpus))]


def render(outcomes: Sequence[Outcome]) -> str:
    """The table text: a header, then one line per file sorted by path."""
    lines = [HEADER, *(o.line() for o in sorted(outcomes, key=lambda o: o.path))]
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, tuple[str, str]]:
    """path -> (format, outcome) of a table text."""
    rows: dict[str, tuple[str, str]] = {}
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        rows[cells[0]] = (cells[1], cells[2])
    return rows


def differences(expected: dict[str, tuple[str, str]],
                outcomes: Sequence[Outcome]) -> list[str]:
    """One line per file whose (format, outcome) is not the expected one, or that is missing
    from either side."""
    got = {o.path: (o.format, o.outcome) for o in outcomes}
    out = []
    for path in sorted(set(expected) | set(got)):
        want, have = expected.get(path), got.get(path)
        if want != have:
            out.append(f"{path}: expected {' '.join(want) if want else '(no line)'}, "
                       f"got {' '.join(have) if have else '(no file)'}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Compare the corpus with the table (exit 1 on a difference), or ``--update`` it."""
    parser = argparse.ArgumentParser(prog="python -m tests.corpus_table",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--update", action="store_true",
                        help="rewrite tests/corpus_expected.tsv from what credbridge does now")
    parser.add_argument("--shared", type=Path, help="the shared data folder (default ../shared "
                                                    "or $CREDBRIDGE_SHARED)")
    args: Any = parser.parse_args(argv)
    corpus = corpus_dir(args.shared)
    if corpus is None:
        print("corpus_table: no corpus (set CREDBRIDGE_SHARED or put it at ../shared)",
              file=sys.stderr)
        return 2
    outcomes = measure_all(corpus)
    if args.update:
        TABLE.write_text(render(outcomes), encoding="utf-8")
        print(f"wrote {TABLE.relative_to(ROOT)}: {len(outcomes)} files")
        return 0
    diff = differences(parse(TABLE.read_text(encoding="utf-8")), outcomes)
    for line in diff:
        print(line)
    print(f"{len(diff)} of {len(outcomes)} files differ from {TABLE.relative_to(ROOT)}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
