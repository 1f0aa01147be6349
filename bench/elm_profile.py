"""Where the time of ELM reading and writing goes, and how it compares to the parsers (issue 21).

The inputs are the shared ELM documents (``samples/elm*``, ``corpus/elm``) that read, and the
same credentials written by credbridge as ``elm``, ``elm-ttl`` and ``elm-rdfxml``. For each
(input set, format):

- ``--profile``: cProfile of credbridge reading every document and writing it back, top
  ``--top`` entries by own time and by cumulative time;
- otherwise timing, CPU time (``time.process_time``), credbridge and the floor interleaved,
  median and spread of ``--repeat`` runs: credbridge read, credbridge read+write, rdflib's parse
  (JSON-LD / Turtle / RDF-XML) and rdflib parse+serialise of the same bytes, and the ratios.
  pyoxigraph is timed in another interpreter when ``--oxigraph PYTHON`` names one that has it
  (it is no dependency of credbridge), in the same rounds.

    python bench/elm_profile.py [--repeat 7] [--formats elm,elm-ttl,elm-rdfxml] [--oxigraph PY]
    python bench/elm_profile.py --profile [--top 25] [--formats elm-ttl]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from credbridge.convert import read, write
from credbridge.errors import CredbridgeError
from credbridge.laws import documents_under
from credbridge.plugins.elm.graphs import BASE
from credbridge.report import Report
from credbridge.testing import shared_dir

RDFLIB_FORMAT = {"elm": "json-ld", "elm-ttl": "turtle", "elm-rdfxml": "xml"}
OXI_FORMAT = {"elm-ttl": "text/turtle", "elm-rdfxml": "application/rdf+xml"}


def shared_elm() -> list[bytes]:
    """The shared ELM JSON-LD documents that read (samples and corpus)."""
    shared = shared_dir(Path(__file__).resolve().parent.parent)
    if shared is None:
        raise SystemExit("no shared data folder (CREDBRIDGE_SHARED)")
    folders = [p for p in sorted((shared / "samples").glob("elm*")) if p.is_dir()]
    folders.append(shared / "corpus" / "elm")
    out = []
    for doc in documents_under(*folders):
        data = doc.read_bytes()
        try:
            if list(read(data, from_format="elm", report=Report())):
                out.append(data)
        except CredbridgeError:
            continue
    return out


def written(docs: list[bytes], fmt: str) -> list[bytes]:
    """Each document's credentials as credbridge writes them in ``fmt``."""
    out = []
    for data in docs:
        creds = list(read(data, from_format="elm", report=Report()))
        buf = io.BytesIO()
        write(creds, buf, to=fmt, report=Report())
        out.append(buf.getvalue())
    return out


def round_trip(docs: list[bytes], fmt: str, write_back: bool = True) -> None:
    """credbridge reads every document (and writes its credentials back in ``fmt``)."""
    for data in docs:
        creds = list(read(data, from_format=fmt, report=Report()))
        if write_back:
            write(creds, io.BytesIO(), to=fmt, report=Report())


def as_jsonld(data: bytes) -> Any:
    """The JSON-LD document inside ``data`` as rdflib can parse it offline: a JAdES seal
    unwrapped, a pre-release shape upgraded, each context replaced by its bundled copy
    (rdflib would fetch it: nothing is ever fetched here)."""
    from credbridge.context import Context
    from credbridge.plugins.elm import jades
    from credbridge.plugins.elm.contexts import loader
    from credbridge.plugins.elm.options import ElmOptions
    from credbridge.plugins.elm.upgrade import upgrade

    compact = jades.from_compact(data) if data.lstrip()[:3] == b"eyJ" else None
    doc = compact if compact is not None else json.loads(data)
    if jades.is_jades(doc):
        doc, _ = jades.unwrap(doc)
    doc = upgrade(doc, Context(format="elm", options=ElmOptions()))
    return loader().inline({k: v for k, v in doc.items() if k != "proof"})


def rdflib_floor(docs: list[Any], fmt: str, serialise: bool) -> None:
    """rdflib parses every document (and serialises it again); JSON-LD documents are given
    as :func:`as_jsonld` made them."""
    from rdflib import Graph

    rdf_format = RDFLIB_FORMAT[fmt]
    for data in docs:
        graph = Graph().parse(data=data, format=rdf_format) if fmt != "elm" else \
            Graph().parse(data=json.dumps(data), format="json-ld", base=BASE)
        if serialise:
            graph.serialize(format=rdf_format)


def oxigraph_run(python: str, docs: list[bytes], fmt: str) -> Callable[[], float]:
    """A function giving the CPU seconds of one pyoxigraph parse+serialise of ``docs``,
    measured inside ``python`` (its start-up is not counted)."""
    media = OXI_FORMAT[fmt]
    script = (
        "import sys, time, pyoxigraph as ox\n"
        "docs = open(sys.argv[1], 'rb').read().split(b'\\n\\x00\\n')\n"
        f"fmt = ox.RdfFormat.from_media_type({media!r})\n"
        "t = time.process_time()\n"
        "for d in docs:\n"
        "    ox.serialize(list(ox.parse(d, format=fmt, base_iri='http://x.invalid/')),"
        " format=fmt)\n"
        "print(time.process_time() - t)\n")
    held = tempfile.NamedTemporaryFile(suffix=".bin", delete=False)  # noqa: SIM115
    held.write(b"\n\x00\n".join(docs))
    held.close()

    def run() -> float:
        result = subprocess.run([python, "-c", script, held.name], capture_output=True,
                                text=True, check=True)
        return float(result.stdout)

    return run


def _runs(docs: list[bytes], fmt: str) -> dict[str, Callable[[], None]]:
    """What is timed, by label."""
    floor: list[Any] = [as_jsonld(d) for d in docs] if fmt == "elm" else list(docs)
    return {
        "credbridge read": lambda: round_trip(docs, fmt, write_back=False),
        "credbridge read+write": lambda: round_trip(docs, fmt),
        "rdflib parse": lambda: rdflib_floor(floor, fmt, serialise=False),
        "rdflib parse+serialise": lambda: rdflib_floor(floor, fmt, serialise=True),
    }


def _profilers() -> tuple[Any, Any]:
    """The standard library's cProfile and pstats (bench/profile.py, beside this script, would
    shadow the standard ``profile`` module that cProfile imports)."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("profile", None)
    import cProfile
    import pstats

    return cProfile, pstats


def timed(fn: Callable[[], None]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def show(label: str, times: list[float], unit: float) -> float:
    med = statistics.median(times)
    print(f"  {label:<28} {med * unit:9.1f} ms  ({min(times) * unit:.1f}-{max(times) * unit:.1f})")
    return med


def main(argv: list[str] | None = None) -> int:
    """Profile or time the ELM formats."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default="elm,elm-ttl,elm-rdfxml")
    parser.add_argument("--inputs", default="shared,written",
                        help="shared (the shared JSON-LD, elm only) and/or written (credbridge's)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--oxigraph", default="", help="a Python that has pyoxigraph")
    args = parser.parse_args(argv)
    shared = shared_elm()
    for fmt in args.formats.split(","):
        for inputs in args.inputs.split(","):
            if inputs == "shared" and fmt != "elm":
                continue
            docs = shared if inputs == "shared" else written(shared, fmt)
            print(f"{fmt} on {len(docs)} {inputs} documents ({sum(map(len, docs)):,} bytes)")
            if args.profile:
                cProfile, pstats = _profilers()
                prof = cProfile.Profile()
                prof.runcall(round_trip, docs, fmt)
                for key in ("tottime", "cumulative"):
                    pstats.Stats(prof, stream=sys.stdout).sort_stats(key).print_stats(args.top)
                continue
            runs = _runs(docs, fmt)
            oxigraph = oxigraph_run(args.oxigraph, docs, fmt) \
                if args.oxigraph and fmt in OXI_FORMAT else None
            times: dict[str, list[float]] = {k: [] for k in runs}
            for _ in range(args.repeat):  # interleaved
                for key, fn in runs.items():
                    times[key].append(timed(fn))
                if oxigraph is not None:
                    times.setdefault("pyoxigraph parse+serialise", []).append(oxigraph())
            med = {k: show(k, t, 1000) for k, t in times.items()}
            print(f"  rdflib parse / credbridge read       "
                  f"{med['rdflib parse'] / med['credbridge read']:.2f}x")
            print(f"  read+write / rdflib parse+serialise  "
                  f"{med['credbridge read+write'] / med['rdflib parse+serialise']:.2f}x")
            if "pyoxigraph parse+serialise" in med:
                print(f"  read+write / pyoxigraph              "
                      f"{med['credbridge read+write'] / med['pyoxigraph parse+serialise']:.1f}x")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
