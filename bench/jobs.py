"""``--jobs 2`` against ``--jobs 1`` on the same CSV: speed-up and identical output.

    python bench/jobs.py [--rows 100000] [--to canonical]
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from csv_to_jsonl import generate


def convert(src: Path, out: Path, to: str, jobs: int) -> float:
    """Seconds for one CLI conversion."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "credbridge", "convert", str(src), "--to", to, "-o",
                    str(out), "-q", "--jobs", str(jobs)], check=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure and print the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--to", default="canonical")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.csv")
        generate(src, args.rows)
        one = convert(src, Path(tmp, "one.jsonl"), args.to, 1)
        two = convert(src, Path(tmp, "two.jsonl"), args.to, 2)
        same = filecmp.cmp(Path(tmp, "one.jsonl"), Path(tmp, "two.jsonl"), shallow=False)
    print(f"{args.rows:,} rows -> {args.to}: --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s, "
          f"speed-up {one / two:.2f}x (target >= 1.7 on 2 cores); identical output: {same}")


if __name__ == "__main__":
    main()
