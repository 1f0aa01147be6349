"""The silent-loss law on real documents (issue 16): every document of ../shared/samples and
../shared/corpus that reads, converted to every read+write target and back to canonical; every
canonical element that changed (value, language tag, count, date precision) must have a report
message for its field or a parent field. Prints documents x targets and the violations by
target and by (target, field, kind).

    python bench/silent_loss.py [--shared ../shared] [--records 5] [--targets elmo,ob3]
                                [--show 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from credbridge.laws import document_silent_changes, documents_under, writable_targets
from credbridge.testing import shared_dir


def main(argv: list[str] | None = None) -> int:
    """Run the law, print the counts; exit 1 when there are violations."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--records", type=int, default=5,
                        help="records per document (a CSV of many rows: the first N)")
    parser.add_argument("--targets", default="", help="comma-separated targets (default: all)")
    parser.add_argument("--only", default="", help="only documents whose path contains this")
    parser.add_argument("--show", type=int, default=2, help="examples printed per field")
    parser.add_argument("--json", type=Path, default=None, help="write the violations here")
    args = parser.parse_args(argv)
    shared = args.shared or shared_dir(Path(__file__).resolve().parent.parent)
    if shared is None:
        print("no shared data folder (--shared or CREDBRIDGE_SHARED)", file=sys.stderr)
        return 2
    targets = [t for t in args.targets.split(",") if t] or writable_targets()
    docs = [d for d in documents_under(shared / "samples", shared / "corpus")
            if args.only in d.as_posix()]
    start = time.perf_counter()
    read_ok = 0
    by_target: Counter[str] = Counter()
    by_field: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], list[str]] = {}
    rows = []
    for doc in docs:
        found = document_silent_changes(doc, targets, max_records=args.records)
        if found is None:
            continue
        read_ok += 1
        name = doc.relative_to(shared).as_posix()
        for target, changes in found.items():
            for position, change in changes:
                key = (target, change.field, change.kind)
                by_target[target] += 1
                by_field[key] += 1
                if len(examples.setdefault(key, [])) < args.show:
                    examples[key].append(f"{name} #{position}: {str(change)[:240]}")
                rows.append({"document": name, "record": position, "target": target,
                             "field": change.field, "kind": change.kind,
                             "before": change.before, "after": change.after})
    seconds = time.perf_counter() - start
    print(f"documents read: {read_ok} of {len(docs)}; targets: {len(targets)}; "
          f"documents x targets: {read_ok * len(targets)}; violations: {sum(by_target.values())}"
          f" ({seconds:.0f} s)")
    print("by target:", ", ".join(f"{t} {by_target[t]}" for t in targets))
    for (target, field, kind), n in sorted(by_field.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{n:5d}  {target:10s} {field} ({kind})")
        for line in examples[(target, field, kind)]:
            print(f"         {line}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 1 if by_target else 0


if __name__ == "__main__":
    sys.exit(main())
