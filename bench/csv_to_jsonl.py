"""Benchmark: a generated N-row CSV -> canonical JSON Lines, streamed through the library.

Prints rows/s for credbridge and for the floor (the same CSV read with the csv module and
written back as JSON Lines with no model), their ratio, and the peak RSS of the conversion,
all measured in one run. Machines are noisy: compare the ratio, not the seconds.

    python bench/csv_to_jsonl.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "credential_id", "learner_given_names", "learner_family_name", "learner_email",
    "learner_date_of_birth", "title", "awarding_body", "awarding_body_country", "issue_date",
    "expiry_date", "eqf_level", "isced_f", "ects", "learning_outcomes", "language", "mode",
    "evidence_url",
]


def generate(path: Path, rows: int) -> None:
    """Write a CSV of ``rows`` varied micro-credentials (streamed, constant memory)."""
    countries = ["IE", "FR", "DE", "NL", "ES", "IT", "PL", "FI"]
    modes = ["online", "onsite", "blended"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow([
                f"urn:uuid:00000000-0000-4000-8000-{i:012d}", f"Given{i}", f"Family{i % 977}",
                f"learner{i}@example.org", f"{1960 + i % 45}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f"Micro-credential {i % 311}", f"University {i % 53}", countries[i % 8],
                "2025-06-30", "" if i % 3 else "2028-06-30", str(1 + i % 8),
                "0613; 0542" if i % 2 else "0613", str(1 + i % 30),
                "Clean and transform data; Build reproducible notebooks", "en", modes[i % 3],
                f"https://example.org/evidence/{i}" if i % 4 == 0 else "",
            ])


def floor(src: Path, dst: Path) -> None:
    """The floor: csv module in, json.dumps out, no model, no validation."""
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


PEAK_RSS_HELPER = """
import resource

def _peak_kib():
    # VmHWM: this program's own peak; ru_maxrss would include the forking parent's.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Source of _peak_kib() for the child processes the benchmarks start."""

CHILD = PEAK_RSS_HELPER + """
import sys, time

import credbridge
t = time.perf_counter()
result = credbridge.convert(sys.argv[1], to="canonical", destination=sys.argv[2])
elapsed = time.perf_counter() - t
peak = _peak_kib()
print(result.report.records_written, result.report.records_failed, elapsed, peak)
"""


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, out, out_floor = Path(tmp, "in.csv"), Path(tmp, "out.jsonl"), Path(tmp, "f.jsonl")
        generate(src, args.rows)
        size = src.stat().st_size
        t = time.perf_counter()
        floor(src, out_floor)
        floor_s = time.perf_counter() - t
        # The conversion runs in its own process so that its peak RSS is its own.
        proc = subprocess.run([sys.executable, "-c", CHILD, str(src), str(out)],
                              check=True, capture_output=True, text=True, env=os.environ)
        written, failed, elapsed, peak_kib = proc.stdout.split()
        with open(out, "rb") as produced:
            lines = sum(1 for _ in produced)
    cb_rate = args.rows / float(elapsed)
    floor_rate = args.rows / floor_s
    print(f"rows: {args.rows:,}  input: {size / 1e6:.1f} MB")
    print(f"credbridge: {cb_rate:,.0f} rows/s ({float(elapsed):.1f} s), written {int(written):,}, "
          f"failed {int(failed):,}, output lines {lines:,}")
    print(f"floor (csv module -> json.dumps, no model): {floor_rate:,.0f} rows/s")
    print(f"ratio credbridge/floor: {cb_rate / floor_rate:.3f}")
    print(f"peak RSS of the conversion process: {int(peak_kib) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
