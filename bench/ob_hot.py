"""Open Badges / CLR / CSV round against the floor, interleaved, in CPU time (issue 21).

The same ``n`` varied credentials (``bench/run.py``'s generator) are written once in each
format; then, ``--runs`` times, alternately:

- credbridge: read every document and write the credentials back (one document per
  credential for OB/CLR, one stream for CSV);
- the floor: parse and serialise the same bytes (orjson for JSON, the csv module for CSV).

Each run's ratio is credbridge CPU time / floor CPU time (``time.process_time``); the median
and the spread (min-max) of the ratios are printed.

    python bench/ob_hot.py [--formats ob3,ob2,clr,csv] [--n 1000] [--runs 7]

Credentials are those of ``bench/run.py`` (copied here so that this script stands alone).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from collections.abc import Callable

import orjson
from credbridge import get_formats
from credbridge.convert import read, write
from credbridge.model import MicroCredential
from credbridge.testing import varied_credentials


def credentials(n: int) -> list[MicroCredential]:
    """``n`` varied complete micro-credentials (ids, names, titles, ECTS, EQF vary)."""
    return varied_credentials(n)


def _json_floor(docs: list[bytes]) -> None:
    for d in docs:
        for line in d.splitlines():
            if line.strip():
                orjson.dumps(orjson.loads(line))


def _csv_floor(docs: list[bytes]) -> None:
    for d in docs:
        buf = io.StringIO()
        w = csv.writer(buf)
        for row in csv.reader(io.StringIO(d.decode("utf-8"))):
            w.writerow(row)


def _round(name: str, many: bool, docs: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        back: list[MicroCredential] = []
        for d in docs:
            back.extend(read(d, from_format=name))
        if many:
            write(back, None, to=name)
        else:
            for c in back:
                write([c], None, to=name)
    return run


def cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of one call."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def bench(name: str, creds: list[MicroCredential], runs: int) -> tuple[float, float, float]:
    """(median, min, max) of the per-run ratio credbridge / floor for format ``name``."""
    fmt = next(f for f in get_formats() if f.name == name)
    many = bool(fmt.many or fmt.json_lines)
    docs = ([write(creds, None, to=name) or b""] if many
            else [write([c], None, to=name) or b"" for c in creds])
    floor = _csv_floor if name == "csv" else _json_floor
    cb = _round(name, many, docs)
    ratios = []
    for _ in range(runs):
        t_cb = cpu(cb)
        t_fl = cpu(lambda: floor(docs))
        ratios.append(t_cb / t_fl)
    return statistics.median(ratios), min(ratios), max(ratios)


def main() -> None:
    """Print one line per format: median ratio and spread."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="ob3,ob2,clr,csv")
    parser.add_argument("--n", type=int, default=1000, help="credentials per format")
    parser.add_argument("--runs", type=int, default=7, help="interleaved runs (median)")
    args = parser.parse_args()
    creds = credentials(args.n)
    print(f"{'format':<6} {'median':>7} {'min':>7} {'max':>7}   (n={args.n}, runs={args.runs})")
    for name in args.formats.split(","):
        med, lo, hi = bench(name, creds, args.runs)
        print(f"{name:<6} {med:>7.2f} {lo:>7.2f} {hi:>7.2f}", flush=True)


if __name__ == "__main__":
    main()
