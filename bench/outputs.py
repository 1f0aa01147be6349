"""Hash every output of every shared document, to prove a change leaves outputs byte-identical
(issue 21: "fix the hot paths without changing outputs").

Every document of ../shared/samples and ../shared/corpus that reads is converted to every target
(``credbridge formats`` writers, or ``--targets``); the SHA-256 of the output bytes and of the
report (its messages as JSON) are written as TSV. ``--compare`` runs again and lists every
(document, target) whose output or report differs, or that now fails where it did not.

    python bench/outputs.py --save /tmp/before.tsv [--targets elmo,ds] [--only corpus/elmo]
    ... change the code ...
    python bench/outputs.py --compare /tmp/before.tsv [--targets elmo,ds]

With ``--via FORMAT`` every document is first converted to FORMAT and that output is what is
converted to the targets (``--via elm-ttl``: the Turtle reader on every shared credential,
which the shared data holds little of); a document FORMAT cannot hold is left out.

The run fixes the time of writing (``SOURCE_DATE_EPOCH``, :mod:`credbridge.clock`) so that
outputs carrying it compare; anything else that differs between two runs of the same code is a
defect of the writer (outputs must be reproducible).

Exit status: 0 when every pair compared is identical, 1 when some differ, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from credbridge import get_formats
from credbridge.convert import convert
from credbridge.errors import CredbridgeError
from credbridge.laws import documents_under
from credbridge.testing import shared_dir

#: writers whose bytes hold the time of writing (a PDF's creation date): hashed without it
#: would need format knowledge, so they are left out unless named in --targets
UNSTABLE = frozenset({"pdf"})


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def one(doc: Path | bytes, target: str, from_format: str | None = None) -> tuple[str, str]:
    """(output hash, report hash) of ``doc`` converted to ``target``; an input or conversion
    error is hashed as its one line, so a change of error is a difference too."""
    try:
        result = convert(doc, to=target, from_format=from_format)
    except CredbridgeError as exc:
        return "error", _digest(str(exc).encode())
    messages = [m.model_dump(mode="json") if hasattr(m, "model_dump") else str(m)
                for m in result.report.messages]
    report = json.dumps(messages, sort_keys=True, default=str).encode()
    return _digest(result.output or b""), _digest(report)


def table(shared: Path, targets: list[str], only: str,
          via: str = "") -> dict[tuple[str, str], tuple[str, str]]:
    """``{(document, target): (output hash, report hash)}`` over the shared documents (with
    ``via``: over each document converted to that format first)."""
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for doc in documents_under(shared / "samples", shared / "corpus"):
        name = doc.relative_to(shared).as_posix()
        if only not in name:
            continue
        try:
            convert(doc, to="canonical")
        except CredbridgeError:
            continue  # the document does not read: nothing to compare
        source: Path | bytes = doc
        if via:
            try:
                source = convert(doc, to=via).output or b""
            except CredbridgeError:
                continue
            if not source:
                continue  # nothing was written (every credential refused)
        for target in targets:
            rows[(name, target)] = one(source, target, via or None)
    return rows


def _load(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        doc, target, output, report = line.split("\t")
        rows[(doc, target)] = (output, report)
    return rows


#: the time of writing of every run (2026-01-01T00:00:00Z), unless the caller sets one
EPOCH = "1767225600"


def main(argv: list[str] | None = None) -> int:
    """Save or compare the output table; print what differs."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", EPOCH)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="write the table here (TSV)")
    what.add_argument("--compare", type=Path, help="compare with a table saved before")
    parser.add_argument("--targets", default="", help="comma-separated targets (default: all "
                        "writers but " + ", ".join(sorted(UNSTABLE)) + ")")
    parser.add_argument("--only", default="", help="only documents whose path contains this")
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--via", default="", help="convert each document to this format first "
                        "and compare the conversions of that output (e.g. elm-ttl)")
    args = parser.parse_args(argv)
    shared = args.shared or shared_dir(Path(__file__).resolve().parent.parent)
    if shared is None:
        print("no shared data folder (--shared or CREDBRIDGE_SHARED)", file=sys.stderr)
        return 2
    targets = [t for t in args.targets.split(",") if t] or \
        [f.name for f in get_formats() if f.can_write and f.name not in UNSTABLE]
    start = time.perf_counter()
    rows = table(shared, targets, args.only, args.via)
    seconds = time.perf_counter() - start
    if args.save:
        args.save.write_text("".join(f"{d}\t{t}\t{o}\t{r}\n" for (d, t), (o, r)
                                     in sorted(rows.items())), encoding="utf-8")
        print(f"{len(rows)} (document, target) pairs saved to {args.save} in {seconds:.0f} s")
        return 0
    before = _load(args.compare)
    common = sorted(set(rows) & set(before))
    output_changed = [k for k in common if rows[k][0] != before[k][0]]
    report_changed = [k for k in common
                      if rows[k][0] == before[k][0] and rows[k][1] != before[k][1]]
    for label, keys in (("output differs", output_changed), ("report differs", report_changed)):
        for doc, target in keys:
            print(f"{label}: {doc} -> {target}")
    missing = sorted(set(before) - set(rows))
    print(f"{len(common)} pairs compared in {seconds:.0f} s: {len(output_changed)} outputs and "
          f"{len(report_changed)} reports differ; {len(missing)} pairs of the saved table were "
          f"not run (other --targets/--only), {len(set(rows) - set(before))} are new")
    return 1 if output_changed or report_changed else 0


if __name__ == "__main__":
    sys.exit(main())
