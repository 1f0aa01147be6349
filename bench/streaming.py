"""Streaming batch: ``credbridge convert big.csv --to ob3 -o out.jsonl`` at 10,000 and
1,000,000 rows; prints peak RSS of each run and their ratio (target: <= 200 MB and <= 1.3).

    python bench/streaming.py [--rows 1000000] [--small 10000] [--to ob3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from csv_to_jsonl import PEAK_RSS_HELPER, generate

CHILD = PEAK_RSS_HELPER + """
import sys

from credbridge.cli import main
sys.argv = ["credbridge", *sys.argv[1:]]
try:
    main()
finally:
    sys.stderr.write("PEAK_RSS_KIB=%d\\n" % _peak_kib())
"""


def run(src: Path, out: Path, to: str) -> tuple[float, float, str]:
    """Convert with the CLI in a child process: (seconds, peak RSS MiB, last stderr lines)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, "convert", str(src), "--to", to,
                           "-o", str(out), "-q"], capture_output=True, text=True,
                          env=os.environ)
    seconds = time.perf_counter() - start
    peak = next((int(line.split("=")[1]) for line in proc.stderr.splitlines()
                 if line.startswith("PEAK_RSS_KIB=")), 0)
    tail = "\n".join(line for line in proc.stderr.splitlines()
                     if not line.startswith("PEAK_RSS_KIB="))[-300:]
    return seconds, peak / 1024, tail


def main() -> None:
    """Run both sizes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--to", default="ob3")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (args.small, args.rows):
            src = Path(tmp, f"in-{rows}.csv")
            generate(src, rows)
            out = Path(tmp, f"out-{rows}.jsonl")
            seconds, rss, tail = run(src, out, args.to)
            with open(out, "rb") as f:
                lines = sum(1 for _ in f)
            results[rows] = (seconds, rss, lines)
            print(f"{rows:>9,} rows -> {args.to}: {seconds:7.1f} s, {rows / seconds:8,.0f} rows/s, "
                  f"peak RSS {rss:6.1f} MiB, {lines:,} lines written")
            if tail:
                print("   stderr:", tail)
            src.unlink()
            out.unlink()
    small, big = results[args.small][1], results[args.rows][1]
    print(f"RSS({args.rows:,}) / RSS({args.small:,}) = {big / small:.2f} (target <= 1.3); "
          f"peak {big:.1f} MiB (target <= 200)")


if __name__ == "__main__":
    main()
