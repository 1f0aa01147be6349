"""Is reading a many-credential Turtle / RDF-XML document linear? (issue 21)

Builds one elm-ttl and one elm-rdfxml document of ``--small`` and of ``--large`` credentials
(credbridge writes them from varied example credentials), then times credbridge reading each
document, small and large interleaved, CPU time (``time.process_time``), ``--repeat`` runs.
Prints, per serialisation, the median (and spread) of the time per credential for both sizes
and their ratio (the issue's target: the large one at most 2x the small one).

    python bench/elm_many.py [--small 10] [--large 400] [--repeat 7] [--formats elm-ttl,elm-rdfxml]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

from credbridge.convert import read, write
from credbridge.model import MicroCredential
from credbridge.report import Report
from credbridge.testing import varied_credentials


def credentials(n: int) -> list[MicroCredential]:
    """``n`` varied credentials, each with its own id, learner and title."""
    return varied_credentials(n)


def document(fmt: str, n: int) -> bytes:
    """One ``fmt`` document holding ``n`` credentials, written by credbridge."""
    out = io.BytesIO()
    write(credentials(n), out, to=fmt, report=Report())
    return out.getvalue()


def read_seconds(fmt: str, data: bytes, expect: int) -> float:
    """CPU seconds to read every credential of ``data``."""
    start = time.process_time()
    count = sum(1 for _ in read(data, from_format=fmt, report=Report(),
                                    limits={"triples": 10_000_000, "seconds": 3600}))
    seconds = time.process_time() - start
    if count != expect:
        raise SystemExit(f"{fmt}: read {count} credentials, expected {expect}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Time the reads and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--formats", default="elm-ttl,elm-rdfxml")
    args = parser.parse_args(argv)
    print(f"{'format':<11} {'n':>5} {'ms/cred median':>15} {'spread':>15} {'ratio':>6}")
    for fmt in args.formats.split(","):
        docs = {n: document(fmt, n) for n in (args.small, args.large)}
        times: dict[int, list[float]] = {n: [] for n in docs}
        for _ in range(args.repeat):  # interleaved: small, large, small, large...
            for n, data in docs.items():
                times[n].append(read_seconds(fmt, data, n) / n)
        medians = {n: statistics.median(t) for n, t in times.items()}
        for n, t in times.items():
            ratio = medians[n] / medians[args.small]
            print(f"{fmt:<11} {n:>5} {medians[n] * 1000:>15.2f} "
                  f"{min(t) * 1000:>7.2f}-{max(t) * 1000:<7.2f} {ratio:>6.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
