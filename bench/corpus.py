"""Read rate and field fill rates of ../shared/corpus, per family.

    python bench/corpus.py [--by folder|format] [--shared DIR] [--json FILE]

Each corpus file is read alone, as tests/test_corpus.py reads it (tests/corpus_table.py). The
read rate of a family is the share of its files that give at least one credential and no
failed record (the last column counts the others by outcome, as tests/corpus_expected.tsv
names them); a fill rate is the share of the credentials read that hold the field (what the
canonical model got). A family is the corpus folder (``--by folder``, the default) or the
detected format (``--by format``; ``-`` for files no format claims).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.corpus_table import Outcome, corpus_dir, measure_all  # noqa: E402

FIELDS: dict[str, str] = {
    "title": "title",
    "learner": "learner",
    "awarding body": "awarding_bodies",
    "issued": "issued",
    "outcomes": "learning_outcomes",
    "workload": "workload",
    "levels": "levels",
    "assessment": "assessment",
    "participation": "participation",
    "QA": "quality_assurance",
}
"""Column -> canonical field of credbridge.model.MicroCredential."""


def family_stats(outcomes: list[Outcome], by: str) -> dict[str, dict[str, Any]]:
    """Per family: files, files read, read rate, credentials, and the fill rate of each of
    :data:`FIELDS`; the last entry, ``all``, is the whole corpus."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.family if by == "folder" else o.format].append(o)
    groups["all"] = list(outcomes)
    out: dict[str, dict[str, Any]] = {}
    for name in [*sorted(k for k in groups if k != "all"), "all"]:
        group = groups[name]
        read = [o for o in group if o.credentials and not o.report.records_failed]
        creds = [c.to_json_dict() for o in group for c in o.credentials]
        fill = {col: (sum(1 for c in creds if key in c) / len(creds)) if creds else None
                for col, key in FIELDS.items()}
        others: dict[str, int] = defaultdict(int)
        for o in group:
            if o not in read:
                others[o.outcome.split(",", 1)[-1] if o.credentials else o.outcome] += 1
        out[name] = {"files": len(group), "read": len(read),
                     "read_rate": len(read) / len(group), "credentials": len(creds),
                     "fill": fill, "not_read": dict(sorted(others.items()))}
    return out


def table(stats: dict[str, dict[str, Any]], by: str) -> str:
    """The stats as a Markdown table (percentages)."""
    cols = ["family" if by == "folder" else "format", "files", "read", "read rate",
            "credentials", *FIELDS, "not read (outcome: files)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, s in stats.items():
        fills = ["-" if v is None else f"{100 * v:.0f}%" for v in s["fill"].values()]
        lines.append("| " + " | ".join([name, str(s["files"]), str(s["read"]),
                                        f"{100 * s['read_rate']:.0f}%", str(s["credentials"]),
                                        *fills, _not_read(s["not_read"]) if name != "all"
                                        else ""]) + " |")
    return "\n".join(lines)


def _not_read(counts: dict[str, int]) -> str:
    return ", ".join(f"{k.removeprefix('refused:')}: {n}" for k, n in counts.items())


def main() -> int:
    """Measure the corpus and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--by", choices=("folder", "format"), default="folder",
                        help="family = corpus folder (default) or detected format")
    parser.add_argument("--shared", type=Path, help="shared data folder (default ../shared or "
                                                    "$CREDBRIDGE_SHARED)")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON to FILE")
    args = parser.parse_args()
    corpus = corpus_dir(args.shared)
    if corpus is None:
        print("bench/corpus.py: no corpus (set CREDBRIDGE_SHARED or put it at ../shared)",
              file=sys.stderr)
        return 2
    stats = family_stats(measure_all(corpus), args.by)
    print(table(stats, args.by))
    if args.json:
        args.json.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
