"""Per-format throughput of credbridge against the floor, measured in one run.

For every format that reads and writes, the same set of realistic micro-credentials is
written once in that format; then, in the same run:

- credbridge: read every document and write the credentials back (credentials/s, one core);
- the floor: parse and serialise the same bytes with the fastest plain tool (lxml for XML,
  json for JSON, the csv module for CSV, rdflib for Turtle and RDF/XML);
- ratio = credbridge time / floor time (lower is better; the target is <= 3).

For EDC 3 JSON-LD it also reports credbridge's read against rdflib's own JSON-LD parse of the
same documents. Prints a table and writes bench/out/results.json.

    python bench/run.py [--n 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import credbridge
from credbridge.convert import read, write
from credbridge.model import MicroCredential
from credbridge.testing import example_credential

OUT = Path(__file__).parent / "out"


def credentials(n: int) -> list[MicroCredential]:
    """``n`` varied complete micro-credentials."""
    base = example_credential().to_json_dict()
    out = []
    for i in range(n):
        data = json.loads(json.dumps(base))
        data["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        data["learner"]["given_name"] = f"Given{i}"
        data["learner"]["family_name"] = f"Family{i % 97}"
        data["title"]["en"] = f"Micro-credential {i % 31}"
        data["workload"]["ects"] = str(1 + i % 30)
        data["levels"]["eqf"] = 1 + i % 8
        out.append(MicroCredential.model_validate(data))
    return out


def _xml_floor(docs: list[bytes]) -> None:
    from lxml import etree

    for d in docs:
        etree.tostring(etree.fromstring(d))


def _json_floor(docs: list[bytes]) -> None:
    for d in docs:
        for line in d.splitlines() if d.lstrip()[:1] != b"[" else [d]:
            if line.strip():
                json.dumps(json.loads(line))


def _csv_floor(docs: list[bytes]) -> None:
    for d in docs:
        buf = io.StringIO()
        w = csv.writer(buf)
        for row in csv.reader(io.StringIO(d.decode("utf-8"))):
            w.writerow(row)


def _rdf_floor(fmt: str) -> Callable[[list[bytes]], None]:
    def run(docs: list[bytes]) -> None:
        import rdflib

        for d in docs:
            g = rdflib.Graph()
            g.parse(data=d, format=fmt)
            g.serialize(format=fmt)

    return run


FLOORS: dict[str, tuple[str, Callable[[list[bytes]], None]]] = {
    "xml": ("lxml parse + serialise", _xml_floor),
    "json": ("json.loads + json.dumps", _json_floor),
    "csv": ("csv reader + writer", _csv_floor),
    "turtle": ("rdflib parse + serialise (turtle)", _rdf_floor("turtle")),
    "rdfxml": ("rdflib parse + serialise (xml)", _rdf_floor("xml")),
}


def floor_kind(fmt: Any, sample: bytes) -> str:
    """Which plain tool is the floor for a format's documents."""
    head = sample.lstrip()[:1]
    if fmt.name == "elm-ttl":
        return "turtle"
    if fmt.name == "elm-rdfxml":
        return "rdfxml"
    if fmt.name == "csv":
        return "csv"
    return "xml" if head == b"<" else "json"


def documents(fmt: Any, creds: list[MicroCredential]) -> list[bytes]:
    """The credentials written in ``fmt``: one stream for many-record formats, else one
    document per credential."""
    if fmt.many or fmt.json_lines:
        return [write(creds, None, to=fmt.name) or b""]
    return [write([c], None, to=fmt.name) or b"" for c in creds]


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """The best of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_format(fmt: Any, creds: list[MicroCredential], repeat: int) -> dict[str, Any]:
    """Measure one format: credbridge read+write, the floor, their ratio."""
    docs = documents(fmt, creds)

    def credbridge_round() -> None:
        back: list[MicroCredential] = []
        for d in docs:
            back.extend(read(d, from_format=fmt.name))
        if fmt.many or fmt.json_lines:
            write(back, None, to=fmt.name)
        else:
            for c in back:
                write([c], None, to=fmt.name)

    def credbridge_read() -> None:
        for d in docs:
            list(read(d, from_format=fmt.name))

    kind = floor_kind(fmt, docs[0])
    label, floor = FLOORS[kind]
    cb = timed(credbridge_round, repeat)
    cb_read = timed(credbridge_read, repeat)
    fl = timed(lambda: floor(docs), repeat)
    row = {"format": fmt.name, "credentials": len(creds), "bytes": sum(map(len, docs)),
           "credbridge_s": cb, "credbridge_per_s": len(creds) / cb,
           "credbridge_read_s": cb_read, "floor": label, "floor_s": fl,
           "floor_per_s": len(creds) / fl, "ratio": cb / fl}
    if fmt.name == "elm":
        row.update(rdflib_jsonld(docs, cb_read, repeat))
    return row


def rdflib_jsonld(docs: list[bytes], cb_read: float, repeat: int) -> dict[str, Any]:
    """credbridge's EDC 3 read against rdflib's JSON-LD parse of the same documents
    (``credbridge.plugins.elm.graphs.jsonld_graph``: rdflib's parser, contexts offline)."""
    from credbridge.plugins.elm.graphs import jsonld_graph

    loaded = [json.loads(line) for d in docs for line in d.splitlines() if line.strip()]

    def parse() -> None:
        for d in loaded:
            jsonld_graph(d)

    t = timed(parse, repeat)
    return {"rdflib_jsonld_s": t, "read_speedup_vs_rdflib_jsonld": t / cb_read}


def main() -> None:
    """Run every format and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="credentials per format")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--formats", help="comma-separated subset")
    args = parser.parse_args()
    creds = credentials(args.n)
    wanted = set(args.formats.split(",")) if args.formats else None
    rows = []
    for fmt in credbridge.get_formats():
        if not (fmt.can_read and fmt.can_write) or (wanted and fmt.name not in wanted):
            continue
        rows.append(bench_format(fmt, creds, args.repeat))
    print(f"{'format':<12} {'cred/s':>9} {'floor/s':>10} {'ratio':>6}  floor")
    for r in rows:
        print(f"{r['format']:<12} {r['credbridge_per_s']:>9,.0f} {r['floor_per_s']:>10,.0f} "
              f"{r['ratio']:>6.2f}  {r['floor']}")
        if "read_speedup_vs_rdflib_jsonld" in r:
            print(f"{'':<12} EDC 3 read is {r['read_speedup_vs_rdflib_jsonld']:.1f}x faster than "
                  "rdflib's JSON-LD parse of the same documents")
    OUT.mkdir(exist_ok=True)
    result = {"machine": platform.platform(), "python": platform.python_version(),
              "n": args.n, "repeat": args.repeat, "median_ratio":
              statistics.median(r["ratio"] for r in rows) if rows else None, "rows": rows}
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    print(f"written {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
