"""What a conversion costs against the floor, per format (issue 21): an honest, repeatable bench.

Sections (``--sections``, all by default):

- ``written``: every read+write format, ``--n`` credbridge-written credentials read and written
  back, against the floor: parse + serialise of the same bytes with the fastest well-kept tool a
  user would pick (orjson for JSON, lxml for XML, the csv module for CSV, pyoxigraph for Turtle
  and RDF/XML, openpyxl for workbooks); a second floor where an older one is usual (the json
  module, rdflib).
- ``shared``: the same for every document of ../shared/samples and ../shared/corpus, per detected
  format (documents credbridge did not write; PNG/SVG/JWT wrappers left out).
- ``many``: one Turtle and one RDF/XML document of 10 and of ``--many`` credentials: read time
  per credential (linear: the ratio is <= 2).
- ``model``: what building the canonical model alone costs (pydantic's validation of each
  credential, and its dump) against each format's floor: the ratio no design that builds the
  pydantic model once per credential can go under.
- ``jsonld``: the ELM read against rdflib's JSON-LD parse of the same documents.
- ``startup``: ``credbridge formats`` against ``python -c "import click"``.
- ``jobs``: ``convert --jobs 2`` against ``--jobs 1`` on ``--jobs-rows`` CSV rows (bench/jobs.py).

How: CPU time of this process (``time.process_time``); the subjects of a measurement take turns
within each run (their order flips every run), after one untimed warm-up; ``--runs`` runs (7 or
more for a table anyone quotes). A ratio is the median of the per-run ratios, shown with their
min-max. Subprocess sections take wall time (and the children's CPU time). Heavy formats take a
fraction of ``--n`` (:data:`SHARE`). ``--at REV`` measures a commit, not the working tree.

    python bench/run.py [--n 1000] [--runs 7] [--sections written,many] [--formats csv,ob3]
                        [--json FILE] [--write-docs [docs/performance.md]] [--at HEAD]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import credbridge
from credbridge.convert import detect, read, write
from credbridge.errors import CredbridgeError
from credbridge.model import MicroCredential
from credbridge.testing import shared_dir, varied_credentials

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DOCS = ROOT / "docs" / "performance.md"
SECTIONS = ("written", "shared", "model", "many", "jsonld", "startup", "jobs")

#: formats whose round costs 5-80x a cheap one measure this share of --n credentials (enough
#: for seconds of CPU per run; the documents differ only in their values anyway)
SHARE: dict[str, float] = {
    "ob3": 0.1, "ob2": 0.1, "elm": 0.1, "elmo": 0.1, "ds": 0.1, "edc-xml": 0.1, "xlsx": 0.1,
    "edc-xlsx": 0.1, "elm-ttl": 0.05, "elm-rdfxml": 0.05,
}

#: issue 21's targets: credbridge read+write / floor (RDF: against pyoxigraph)
TARGETS: dict[str, float] = {
    "canonical": 3, "csv": 10, "edc-xml": 7, "ob2": 8, "ob3": 8, "elm": 10, "elmo": 12,
    "ds": 12, "elm-ttl": 40, "elm-rdfxml": 40,
}
LINEAR_TARGET = 2.0  # per-credential read time of --many credentials / of 10
JSONLD_TARGET = 5.0  # rdflib JSON-LD parse time / credbridge ELM read time
STARTUP_TARGET = 2.5  # `credbridge formats` / `python -c "import click"`
JOBS_TARGET = 1.7  # --jobs 1 time / --jobs 2 time

#: budgets for the generated many-credential documents (more triples than untrusted input gets)
BIG = {"max_triples": 10**8, "max_nodes": 10**8, "max_items": 10**8, "max_seconds": 86400.0}

#: shared documents in a wrapper (baked image, signed token): their floor would be the wrapper's
WRAPPED = (".png", ".svg", ".jwt")


# --- measuring --------------------------------------------------------------------------------

Subject = Callable[[], object]
Clock = Callable[[], float]


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved(subjects: dict[str, Subject], runs: int,
                clocks: dict[str, Clock] | None = None,
                warm_up: bool | set[str] = True) -> dict[str, dict[str, list[float]]]:
    """``{clock: {subject: [seconds of each run]}}``: every run times every subject once, in an
    order that flips from run to run, so drift of the machine falls on all alike. Each subject
    (or those named in ``warm_up``) runs once untimed first."""
    clocks = clocks or {"cpu": time.process_time}
    for name, fn in subjects.items():
        if warm_up is True or (isinstance(warm_up, set) and name in warm_up):
            fn()
    names = list(subjects)
    times: dict[str, dict[str, list[float]]] = {c: {k: [] for k in names} for c in clocks}
    for i in range(runs):
        for name in names if i % 2 == 0 else names[::-1]:
            gc.collect()
            start = {c: clock() for c, clock in clocks.items()}
            subjects[name]()
            for c, clock in clocks.items():
                times[c][name].append(clock() - start[c])
    return times


@dataclass(frozen=True)
class Spread:
    """The median of some runs with their min and max."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values``."""
        return cls(statistics.median(values), min(values), max(values))

    @classmethod
    def ratio(cls, top: Sequence[float], bottom: Sequence[float]) -> Spread:
        """The spread of the per-run ratios ``top[i] / bottom[i]``."""
        return cls.of([t / max(b, 1e-9) for t, b in zip(top, bottom, strict=True)])

    def scaled(self, factor: float) -> Spread:
        """Every value times ``factor`` (seconds to ms per credential)."""
        return Spread(self.median * factor, self.low * factor, self.high * factor)

    def text(self, digits: int = 2) -> str:
        """``median (low-high)``."""
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}-{self.high:.{digits}f})"

    def json(self) -> dict[str, float]:
        """As a JSON object."""
        return {"median": self.median, "min": self.low, "max": self.high}


# --- inputs -----------------------------------------------------------------------------------


def credentials(n: int) -> list[MicroCredential]:
    """``n`` varied complete micro-credentials."""
    return varied_credentials(n)


def count_for(name: str, n: int) -> int:
    """Credentials measured for format ``name`` when cheap formats take ``n``."""
    return max(1, round(n * SHARE.get(name, 1.0)))


def documents(fmt: Any, creds: list[MicroCredential]) -> list[bytes]:
    """The credentials written in ``fmt``: one stream for many-record formats and JSON Lines,
    else one document per credential."""
    if fmt.many or fmt.json_lines:
        return [write(creds, None, to=fmt.name) or b""]
    return [write([c], None, to=fmt.name) or b"" for c in creds]


def shared_documents(shared: Path, wanted: set[str] | None) -> dict[str, list[bytes]]:
    """Every shared sample and corpus document by detected format (formats that read and
    write; wrapped ones left out), sorted by path."""
    from credbridge.laws import documents_under

    found: dict[str, list[bytes]] = {}
    for path in documents_under(shared / "samples", shared / "corpus"):
        if path.suffix.lower() in WRAPPED:
            continue
        try:
            fmt = detect(path)
        except CredbridgeError:
            continue
        if fmt.can_read and fmt.can_write and (not wanted or fmt.name in wanted):
            found.setdefault(fmt.name, []).append(path.read_bytes())
    return found


def readable(docs: list[bytes], name: str) -> tuple[list[tuple[bytes, int]], int]:
    """The documents that give at least one credential (with their count), and how many do
    not (an input error, or no credential)."""
    good, bad = [], 0
    for d in docs:
        try:
            got = len(list(read(d, from_format=name)))
        except CredbridgeError:
            got = 0
        if got:
            good.append((d, got))
        else:
            bad += 1
    return good, bad


# --- floors -----------------------------------------------------------------------------------


def json_units(doc: bytes) -> list[bytes]:
    """The JSON texts of a document: itself, or its lines when it is JSON Lines."""
    import orjson

    try:
        orjson.loads(doc)
        return [doc]
    except orjson.JSONDecodeError:
        return [line for line in doc.splitlines() if line.strip()]


def _orjson(docs: list[bytes]) -> None:
    import orjson

    for d in docs:
        orjson.dumps(orjson.loads(d))


def _stdlib_json(docs: list[bytes]) -> None:
    for d in docs:
        json.dumps(json.loads(d))


def _lxml(docs: list[bytes]) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for d in docs:
        etree.tostring(etree.fromstring(d, parser))


def _csv(docs: list[bytes]) -> None:
    for d in docs:
        w = csv.writer(io.StringIO())
        for row in csv.reader(io.StringIO(d.decode("utf-8"))):
            w.writerow(row)


def _openpyxl(docs: list[bytes]) -> None:
    import openpyxl

    for d in docs:
        openpyxl.load_workbook(io.BytesIO(d)).save(io.BytesIO())


def _pyoxigraph(kind: str) -> Callable[[list[bytes]], None]:
    def run(docs: list[bytes]) -> None:
        import pyoxigraph as ox

        fmt = ox.RdfFormat.TURTLE if kind == "turtle" else ox.RdfFormat.RDF_XML
        for d in docs:  # an indexed in-memory graph, as a reader needs one
            ox.serialize(ox.Dataset(ox.parse(d, format=fmt)), format=fmt)

    return run


def _rdflib(kind: str) -> Callable[[list[bytes]], None]:
    def run(docs: list[bytes]) -> None:
        import rdflib

        fmt = "turtle" if kind == "turtle" else "xml"
        for d in docs:
            rdflib.Graph().parse(data=d, format=fmt).serialize(format=fmt)

    return run


Floor = tuple[str, Callable[[list[bytes]], None]]

#: kind of document -> (floor, second floor or None)
FLOORS: dict[str, tuple[Floor, Floor | None]] = {
    "json": (("orjson", _orjson), ("json module", _stdlib_json)),
    "xml": (("lxml", _lxml), None),
    "csv": (("csv module", _csv), None),
    "xlsx": (("openpyxl", _openpyxl), None),
    "turtle": (("pyoxigraph", _pyoxigraph("turtle")), ("rdflib", _rdflib("turtle"))),
    "rdfxml": (("pyoxigraph", _pyoxigraph("rdfxml")), ("rdflib", _rdflib("rdfxml"))),
}


def kind_of(name: str, sample: bytes) -> str:
    """Which floor parses a format's documents."""
    fixed = {"elm-ttl": "turtle", "elm-rdfxml": "rdfxml", "csv": "csv", "xlsx": "xlsx",
             "edc-xlsx": "xlsx"}
    if name in fixed:
        return fixed[name]
    return "xml" if sample.lstrip()[:1] == b"<" else "json"


def floor_units(kind: str, docs: list[bytes]) -> list[bytes]:
    """What the floor parses: JSON documents split into their texts, others as they are."""
    return [u for d in docs for u in json_units(d)] if kind == "json" else docs


# --- sections ---------------------------------------------------------------------------------


def round_trip(name: str, docs: list[bytes], together: bool) -> Subject:
    """credbridge reads every document and writes the credentials back: all as one stream
    (``together``), else each document's credentials as one document."""

    def run() -> None:
        if together:
            back = [c for d in docs for c in read(d, from_format=name)]
            write(back, None, to=name)
        else:
            for d in docs:
                write(list(read(d, from_format=name)), None, to=name)

    return run


def measure_round(name: str, docs: list[bytes], creds: int, together: bool,
                  runs: int) -> dict[str, Any]:
    """credbridge's round against the floor(s) on ``docs`` holding ``creds`` credentials."""
    kind = kind_of(name, docs[0])
    (label, floor), second = FLOORS[kind]
    units = floor_units(kind, docs)
    subjects: dict[str, Subject] = {"credbridge": round_trip(name, docs, together),
                                    "floor": lambda: floor(units)}
    if second:
        alt = second[1]
        subjects["second"] = lambda: alt(units)
    cpu = interleaved(subjects, runs)["cpu"]
    per = 1000 / creds
    row: dict[str, Any] = {
        "format": name, "documents": len(docs), "credentials": creds,
        "bytes": sum(map(len, docs)), "floor": label,
        "credbridge_ms": Spread.of(cpu["credbridge"]).scaled(per).json(),
        "floor_ms": Spread.of(cpu["floor"]).scaled(per).json(),
        "ratio": Spread.ratio(cpu["credbridge"], cpu["floor"]).json(),
        "target": TARGETS.get(name),
    }
    if second:
        row["second_floor"] = second[0]
        row["second_ratio"] = Spread.ratio(cpu["credbridge"], cpu["second"]).json()
    return row


def section_written(formats: list[Any], n: int, runs: int) -> list[dict[str, Any]]:
    """Every format on credbridge-written documents."""
    creds = credentials(n)
    rows = []
    for fmt in formats:
        k = count_for(fmt.name, n)
        docs = documents(fmt, creds[:k])
        rows.append(measure_round(fmt.name, docs, k, fmt.many or fmt.json_lines, runs))
        _progress(rows[-1])
    return rows


def section_shared(formats: list[Any], shared: Path | None, runs: int) -> list[dict[str, Any]]:
    """Every format on the shared samples and corpus documents it reads."""
    if shared is None:
        return []
    found = shared_documents(shared, {f.name for f in formats})
    rows = []
    for fmt in formats:
        good, bad = readable(found.get(fmt.name, []), fmt.name)
        if not good:
            continue
        row = measure_round(fmt.name, [d for d, _ in good], sum(c for _, c in good), False, runs)
        row["unread"] = bad
        rows.append(row)
        _progress(row)
    return rows


#: the formats of the ``model`` section: those with a target, but the RDF ones (their floor,
#: pyoxigraph, costs as much as the model: the bound says nothing there)
MODEL_FORMATS = ("canonical", "csv", "elmo", "ds", "elm", "edc-xml", "ob3", "ob2")


def section_model(formats: list[Any], n: int, runs: int) -> list[dict[str, Any]]:
    """What the canonical model alone costs per credential against each format's floor:
    ``MicroCredential.model_validate`` of the credential's JSON object (what a reader builds
    once per credential) and that plus ``model_dump(mode="json")`` (a round through the model
    by its own dump), both divided by the format's floor on the same credentials written in
    the format -- the ratio no design that builds the pydantic model can go under."""
    creds = credentials(n)
    rows = []
    for fmt in formats:
        if fmt.name not in MODEL_FORMATS:
            continue
        k = count_for(fmt.name, n)
        docs = documents(fmt, creds[:k])
        kind = kind_of(fmt.name, docs[0])
        (label, floor), _ = FLOORS[kind]
        units = floor_units(kind, docs)
        objects = [c.model_dump(mode="json", exclude_none=True) for c in creds[:k]]

        def validate(objects: list[dict[str, Any]] = objects) -> None:
            for o in objects:
                MicroCredential.model_validate(o)

        def validate_dump(objects: list[dict[str, Any]] = objects) -> None:
            for o in objects:
                MicroCredential.model_validate(o).model_dump(mode="json", exclude_none=True)

        cpu = interleaved({"floor": partial(floor, units), "validate": validate,
                           "validate_dump": validate_dump}, runs)["cpu"]
        per = 1000 / k
        rows.append({
            "format": fmt.name, "credentials": k, "floor": label,
            "floor_ms": Spread.of(cpu["floor"]).scaled(per).json(),
            "validate_ms": Spread.of(cpu["validate"]).scaled(per).json(),
            "validate_ratio": Spread.ratio(cpu["validate"], cpu["floor"]).json(),
            "validate_dump_ratio": Spread.ratio(cpu["validate_dump"], cpu["floor"]).json(),
            "target": TARGETS.get(fmt.name),
        })
        _progress(rows[-1])
    return rows


def reader(docs: list[bytes], name: str, limits: dict[str, Any] | None = None) -> Subject:
    """credbridge reads every document (to the canonical model)."""

    def run() -> None:
        for d in docs:
            list(read(d, from_format=name, limits=limits))

    return run


def section_many(n_many: int, runs: int) -> list[dict[str, Any]]:
    """Reading one RDF document of 10 and of ``n_many`` credentials: cost per credential."""
    creds = credentials(max(n_many, 10))
    rows = []
    for name, kind in (("elm-ttl", "turtle"), ("elm-rdfxml", "rdfxml")):
        small = write(creds[:10], None, to=name) or b""
        big = write(creds[:n_many], None, to=name) or b""
        floor = FLOORS[kind][0][1]
        cpu = interleaved({"small": reader([small], name, BIG), "big": reader([big], name, BIG),
                           "floor": partial(floor, [big])}, runs,
                          warm_up={"small", "floor"})["cpu"]  # the small one loads the reader
        per_small = [t / 10 for t in cpu["small"]]
        per_big = [t / n_many for t in cpu["big"]]
        rows.append({
            "format": name, "credentials": n_many, "bytes": len(big),
            "small_ms": Spread.of(per_small).scaled(1000).json(),
            "big_ms": Spread.of(per_big).scaled(1000).json(),
            "linear": Spread.ratio(per_big, per_small).json(),
            "read_vs_floor": Spread.ratio(cpu["big"], cpu["floor"]).json(),
            "target": LINEAR_TARGET,
        })
        _progress(rows[-1])
    return rows


def _json_ld_document(text: bytes) -> Any:
    """The JSON-LD document credbridge's ELM reader parses in ``text``: a JAdES seal's
    payload, an upload wrapper's credential, the upgrade steps applied (what rdflib is given:
    a sealed document's outer JSON holds no JSON-LD, and parsing it would cost rdflib
    nothing)."""
    from credbridge.context import Context
    from credbridge.plugins.elm.format import json_ld_document
    from credbridge.plugins.elm.options import ElmOptions

    return json_ld_document(json.loads(text), Context(format="elm", options=ElmOptions()))[0]


def section_jsonld(n: int, shared: Path | None, runs: int) -> list[dict[str, Any]]:
    """The ELM read against rdflib's JSON-LD parse (``credbridge.plugins.elm.graphs
    .jsonld_graph``: rdflib's parser with the bundled contexts) of the same JSON-LD documents
    (:func:`_json_ld_document`)."""
    from credbridge.plugins.elm.graphs import jsonld_graph

    sets = {"written": [u for d in documents(credbridge.get_formats().get("elm"),
                                             credentials(count_for("elm", n)))
                        for u in json_units(d)]}
    if shared is not None:
        sets["shared"] = [d for d, _ in readable(shared_documents(shared, {"elm"})
                                                 .get("elm", []), "elm")[0]]
    rows = []
    for label, texts in sets.items():
        usable, prepared = [], []
        for t in texts:
            try:
                doc = json.dumps(_json_ld_document(t)).encode()
                jsonld_graph(json.loads(doc))
            except Exception:  # a text credbridge refuses or rdflib cannot parse is left out
                continue
            usable.append(t)
            prepared.append(doc)
        if not usable:
            continue
        def parse(texts: list[bytes]) -> None:
            for t in texts:
                jsonld_graph(json.loads(t))

        cpu = interleaved({"credbridge": reader(usable, "elm"),
                           "rdflib": partial(parse, prepared)}, runs)["cpu"]
        per = 1000 / len(usable)
        rows.append({
            "documents": label, "count": len(usable), "skipped": len(texts) - len(usable),
            "credbridge_ms": Spread.of(cpu["credbridge"]).scaled(per).json(),
            "rdflib_ms": Spread.of(cpu["rdflib"]).scaled(per).json(),
            "speedup": Spread.ratio(cpu["rdflib"], cpu["credbridge"]).json(),
            "target": JSONLD_TARGET,
        })
        _progress(rows[-1])
    return rows


def _command() -> list[str]:
    """The ``credbridge`` console script beside this Python, else ``python -m credbridge``."""
    script = shutil.which("credbridge", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "credbridge"]


def section_startup(runs: int) -> dict[str, Any]:
    """``credbridge formats`` against ``python -c "import click"`` (new processes)."""

    def call(argv: list[str]) -> Subject:
        return lambda: subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)

    times = interleaved({"formats": call([*_command(), "formats"]),
                         "click": call([sys.executable, "-c", "import click"])},
                        runs, clocks={"wall": time.perf_counter, "cpu": children_cpu})
    row = {
        "formats_ms": Spread.of(times["wall"]["formats"]).scaled(1000).json(),
        "click_ms": Spread.of(times["wall"]["click"]).scaled(1000).json(),
        "ratio": Spread.ratio(times["wall"]["formats"], times["wall"]["click"]).json(),
        "cpu_ratio": Spread.ratio(times["cpu"]["formats"], times["cpu"]["click"]).json(),
        "target": STARTUP_TARGET,
    }
    _progress(row)
    return row


def section_jobs(rows: int, runs: int) -> dict[str, Any]:
    """``convert --jobs 2`` against ``--jobs 1`` on a generated CSV (wall time)."""
    import filecmp

    sys.path.insert(0, str(BENCH))
    from csv_to_jsonl import generate
    from jobs import convert

    with tempfile.TemporaryDirectory() as tmp:
        src, one, two = Path(tmp, "in.csv"), Path(tmp, "one.jsonl"), Path(tmp, "two.jsonl")
        generate(src, rows)
        times = interleaved({"jobs1": lambda: convert(src, one, "canonical", 1),
                             "jobs2": lambda: convert(src, two, "canonical", 2)},
                            runs, clocks={"wall": time.perf_counter, "cpu": children_cpu},
                            warm_up=False)
        same = filecmp.cmp(one, two, shallow=False)
    row = {
        "rows": rows, "runs": runs, "identical": same,
        "jobs1_s": Spread.of(times["wall"]["jobs1"]).json(),
        "jobs2_s": Spread.of(times["wall"]["jobs2"]).json(),
        "speedup": Spread.ratio(times["wall"]["jobs1"], times["wall"]["jobs2"]).json(),
        "cpu_ratio": Spread.ratio(times["cpu"]["jobs2"], times["cpu"]["jobs1"]).json(),
        "target": JOBS_TARGET,
    }
    _progress(row)
    return row


def _progress(row: dict[str, Any]) -> None:
    print(json.dumps(row), file=sys.stderr, flush=True)


# --- the machine ------------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name (Linux), else what the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str:
    """The commit measured: ``CREDBRIDGE_BENCH_COMMIT`` (set by ``--at``), else HEAD, with
    ``+changes`` when the package's folders differ from it."""
    if os.environ.get("CREDBRIDGE_BENCH_COMMIT"):
        return os.environ["CREDBRIDGE_BENCH_COMMIT"]
    try:
        head = _git("rev-parse", "--short=10", "HEAD").strip()
        dirty = _git("status", "--porcelain", "--", *PACKAGE_DIRS).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout


def machine() -> dict[str, Any]:
    """Where and when the bench ran."""
    libs = {}
    for lib in ("credbridge", "pydantic", "lxml", "rdflib", "orjson", "pyoxigraph", "openpyxl"):
        try:
            libs[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            libs[lib] = "-"
    here = Path(credbridge.__file__).resolve().is_relative_to(ROOT)
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit(),
            "package": "working tree" if here else "checkout of the commit",
            "cpu": cpu_model(), "cores": os.cpu_count(), "load": os.getloadavg()[0],
            "system": f"{platform.system()} {platform.machine()}",
            "python": platform.python_version(), "libraries": libs}


# --- measuring a commit -----------------------------------------------------------------------

#: the repository's folders and the packages they install as (setup.py, docs/design.md §1)
PACKAGE_DIRS = ("core", "plugins", "mappings")
LAYOUT = {"core": "credbridge", "plugins": "credbridge/plugins",
          "mappings": "credbridge/mappings"}


def at_commit(rev: str, argv: list[str]) -> int:
    """Run this bench again on the package as it is at ``rev`` (laid out as installed, first
    on ``PYTHONPATH``), whatever the working tree holds."""
    sha = _git("rev-parse", "--short=10", rev).strip()
    with tempfile.TemporaryDirectory() as tmp:
        tree, site = Path(tmp, "tree"), Path(tmp, "site")
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", sha,
                                  *PACKAGE_DIRS], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        for folder, package in LAYOUT.items():
            shutil.copytree(tree / folder, site / package)
        env = {**os.environ, "CREDBRIDGE_BENCH_COMMIT": sha,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(site),
                                                           os.environ.get("PYTHONPATH")]))}
        return subprocess.run([sys.executable, __file__, *argv], env=env).returncode


def _drop_at(argv: list[str]) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--at":
            skip = True
        elif not a.startswith("--at="):
            out.append(a)
    return out


# --- the table --------------------------------------------------------------------------------


def _met(value: float, target: float | None, at_least: bool = False) -> str:
    if target is None:
        return "-"
    return "yes" if (value >= target if at_least else value <= target) else "no"


def _ms(s: dict[str, float]) -> str:
    return Spread(s["median"], s["min"], s["max"]).text(3 if s["median"] < 1 else 2)


def _x(s: dict[str, float], digits: int = 1) -> str:
    return Spread(s["median"], s["min"], s["max"]).text(digits)


def markdown(result: dict[str, Any]) -> str:
    """The results as the page docs/performance.md."""
    m, p = result["machine"], result["parameters"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    shares = ", ".join(f"{k} {count_for(k, p['n'])}" for k in SHARE)
    out = [
        "# Performance",
        "",
        "<!-- generated by bench/run.py --write-docs; do not edit by hand -->",
        "",
        "What credbridge costs against the *floor*: the fastest well-kept tool a user would "
        "pick to parse and serialise the same bytes (orjson for JSON, lxml for XML, the csv "
        "module for CSV, pyoxigraph for Turtle and RDF/XML, openpyxl for workbooks). A ratio "
        "is credbridge's read + write of the documents divided by the floor's parse + "
        "serialise of them: lower is better. Targets are those of issue 21; they are "
        "measured here, never asserted by a test.",
        "",
        "How it is measured: CPU time of one process (`time.process_time`); credbridge and "
        "its floors take turns within each run, in an order that flips every run, after one "
        "untimed warm-up; a ratio is the median of the per-run ratios, with their min-max in "
        "brackets. Start-up and `--jobs` run new processes and take wall time. Machines are "
        "noisy (this one was shared with other work): compare ratios, not milliseconds.",
        "",
        f"- measured: {m['date']} to {result.get('finished', '?')}, commit `{m['commit']}`; "
        f"sections: {', '.join(s for s in SECTIONS if s in result) or 'none'}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['system']}, load average "
        f"{m['load']:.1f} at the start",
        f"- Python {m['python']}; {libs}",
        f"- runs: {p['runs']} per measurement; credentials: {p['n']} for cheap formats "
        f"({shares}); "
        f"many-credential documents: {p['many']}",
        "",
        "Reproduce (from the repository root, with `pip install -e '.[bench]'`):",
        "",
        "```text",
        f"python bench/run.py --n {p['n']} --runs {p['runs']} --many {p['many']} "
        f"--jobs-rows {p['jobs_rows']} --jobs-runs {p['jobs_runs']} --at {m['commit'].split()[0]} "
        "--write-docs",
        "```",
        "",
        "`python bench/profile.py --formats NAME` shows where the time goes.",
    ]
    for key, title, note in (
            ("written", "Read + write: credbridge-written documents",
             "Documents credbridge wrote from varied complete credentials (one JSON Lines or "
             "CSV stream for formats that hold many, else one document per credential)."),
            ("shared", "Read + write: the shared samples and corpus",
             "Every shared sample and corpus document of the format (as detected) that gives a "
             "credential, each read and its credentials written back in the same format; "
             "baked PNG/SVG badges and JWTs are left out.")):
        rows = result.get(key) or []
        if not rows:
            continue
        out += ["", f"## {title}", "", note, "",
                "| format | documents | credentials | KiB | credbridge ms/credential | floor | "
                "floor ms/credential | ratio | second floor: ratio | target | met |",
                "|---|---:|---:|---:|---:|---|---:|---:|---|---:|---|"]
        for r in rows:
            second = f"{r['second_floor']}: {_x(r['second_ratio'])}" if "second_ratio" in r \
                else "-"
            docs = str(r["documents"]) + (f" (+{r['unread']} unread)" if r.get("unread")
                                           else "")
            target = "-" if r["target"] is None else f"≤ {r['target']:g}"
            out.append(f"| {r['format']} | {docs} | {r['credentials']} | "
                       f"{r['bytes'] / 1024:,.0f} | {_ms(r['credbridge_ms'])} | {r['floor']} | "
                       f"{_ms(r['floor_ms'])} | {_x(r['ratio'])} | {second} | {target} | "
                       f"{_met(r['ratio']['median'], r['target'])} |")
    if result.get("model"):
        out += ["", "## What the canonical model alone costs", "",
                "Every reader builds the canonical model (pydantic) once per credential. Here "
                "that alone is timed against each format's floor, on the credentials of the "
                "first table: `MicroCredential.model_validate` of each credential's JSON "
                "object, and that plus `model_dump(mode=\"json\")`. A design that builds the "
                "model cannot go under the first ratio; where it is near or over the target, "
                "the target needs the model built without validation (on trusted internal "
                "paths only) or not at all.", "",
                "| format | credentials | floor | floor ms/credential | validate ms/credential "
                "| validate / floor | validate + dump / floor | target |",
                "|---|---:|---|---:|---:|---:|---:|---:|"]
        for r in result["model"]:
            target = "-" if r["target"] is None else f"≤ {r['target']:g}"
            out.append(f"| {r['format']} | {r['credentials']} | {r['floor']} | "
                       f"{_ms(r['floor_ms'])} | {_ms(r['validate_ms'])} | "
                       f"{_x(r['validate_ratio'])} | {_x(r['validate_dump_ratio'])} | "
                       f"{target} |")
    if result.get("many"):
        out += ["", "## Many credentials in one RDF document", "",
                "Reading one generated document of many credentials: read time per credential "
                "against the same for a document of 10 (linear when the ratio is about 1), and "
                "the read against pyoxigraph's parse + serialise of the large document.", "",
                "| format | credentials | KiB | ms/credential at 10 | ms/credential at N | "
                "per-credential ratio | read / pyoxigraph | target | met |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in result["many"]:
            out.append(f"| {r['format']} | {r['credentials']} | {r['bytes'] / 1024:,.0f} | "
                       f"{_ms(r['small_ms'])} | {_ms(r['big_ms'])} | {_x(r['linear'], 2)} | "
                       f"{_x(r['read_vs_floor'])} | ≤ {r['target']:g} | "
                       f"{_met(r['linear']['median'], r['target'])} |")
    if result.get("jsonld"):
        out += ["", "## ELM read against rdflib's JSON-LD parse", "",
                "credbridge's ELM read (to the canonical model) against rdflib's JSON-LD parse "
                "(to a graph, with the bundled contexts) of the same JSON-LD documents: the "
                "document credbridge parses in each text (a JAdES seal's payload, an upload "
                "wrapper's credential, the upgrade steps applied), given to rdflib as JSON "
                "text; texts credbridge refuses or rdflib cannot parse offline are left "
                "out.", "",
                "| documents | texts | credbridge ms/text | rdflib ms/text | speed-up | target | "
                "met |", "|---|---:|---:|---:|---:|---:|---|"]
        for r in result["jsonld"]:
            texts = str(r["count"]) + (f" (+{r['skipped']} left out)" if r["skipped"] else "")
            out.append(f"| {r['documents']} | {texts} | {_ms(r['credbridge_ms'])} | "
                       f"{_ms(r['rdflib_ms'])} | {_x(r['speedup'])} | ≥ {r['target']:g} | "
                       f"{_met(r['speedup']['median'], r['target'], at_least=True)} |")
    if result.get("startup"):
        s = result["startup"]
        out += ["", "## Start-up", "",
                "`credbridge formats` against `python -c \"import click\"`, each a new process "
                "(wall time; the CPU-time ratio of the processes beside it).", "",
                "| credbridge formats ms | import click ms | ratio | CPU-time ratio | target | "
                "met |", "|---:|---:|---:|---:|---:|---|",
                f"| {_ms(s['formats_ms'])} | {_ms(s['click_ms'])} | {_x(s['ratio'], 2)} | "
                f"{_x(s['cpu_ratio'], 2)} | ≤ {s['target']:g} | "
                f"{_met(s['ratio']['median'], s['target'])} |"]
    if result.get("jobs"):
        j = result["jobs"]
        out += ["", "## --jobs", "",
                f"`credbridge convert` of a generated {j['rows']:,}-row CSV to canonical JSON "
                f"Lines, `--jobs 2` against `--jobs 1` ({j['runs']} runs each, wall time; the "
                "CPU-time ratio shows the cost of splitting). On a machine whose two cores are "
                "shared with other work the speed-up is bounded by what is left free.", "",
                "| --jobs 1 s | --jobs 2 s | speed-up | CPU time 2 / 1 | identical output | "
                "target | met |", "|---:|---:|---:|---:|---|---:|---|",
                f"| {_ms(j['jobs1_s'])} | {_ms(j['jobs2_s'])} | {_x(j['speedup'], 2)} | "
                f"{_x(j['cpu_ratio'], 2)} | {'yes' if j['identical'] else 'NO'} | "
                f"≥ {j['target']:g} | {_met(j['speedup']['median'], j['target'], True)} |"]
    return "\n".join(out) + "\n"


def print_summary(result: dict[str, Any]) -> None:
    """A short table on standard output."""
    for key in ("written", "shared"):
        for r in result.get(key) or []:
            second = f"  {r['second_floor']} {_x(r['second_ratio'])}" if "second_ratio" in r \
                else ""
            print(f"{key:<8} {r['format']:<11} {r['credentials']:>6} creds  ratio "
                  f"{_x(r['ratio']):<18} vs {r['floor']}{second}")
    for r in result.get("model") or []:
        print(f"model    {r['format']:<11} {r['credentials']:>6} creds  validate / floor "
              f"{_x(r['validate_ratio'])}, + dump {_x(r['validate_dump_ratio'])}")
    for r in result.get("many") or []:
        print(f"many     {r['format']:<11} {r['credentials']:>6} creds  per-credential "
              f"{_x(r['linear'], 2)} of the 10-credential document")
    for r in result.get("jsonld") or []:
        print(f"jsonld   {r['documents']:<11} {r['count']:>6} texts  ELM read "
              f"{_x(r['speedup'])}x faster than rdflib JSON-LD")
    if result.get("startup"):
        print(f"startup  credbridge formats / import click {_x(result['startup']['ratio'], 2)}")
    if result.get("jobs"):
        print(f"jobs     --jobs 2 speed-up {_x(result['jobs']['speedup'], 2)}, identical "
              f"{result['jobs']['identical']}")


# --- main -------------------------------------------------------------------------------------


def save(result: dict[str, Any], path: Path, docs: Path | None) -> None:
    """Write the results as JSON, and the docs page when asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if docs:
        docs.write_text(markdown(result), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the sections, print a summary, write the JSON (and the docs page)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="credentials for cheap formats")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument("--many", type=int, default=400,
                        help="credentials of the many-credential RDF documents")
    parser.add_argument("--jobs-rows", type=int, default=100_000, help="CSV rows for --jobs")
    parser.add_argument("--jobs-runs", type=int, default=3, help="runs of each --jobs setting")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--formats", help="comma-separated subset of formats")
    parser.add_argument("--shared", type=Path, help="shared data folder (default ../shared)")
    parser.add_argument("--json", type=Path, default=OUT / "results.json",
                        help="write the results here")
    parser.add_argument("--write-docs", type=Path, nargs="?", const=DOCS,
                        help="also write the table as a Markdown page (default docs/"
                             "performance.md); refuses fewer than 7 runs")
    parser.add_argument("--at", help="measure the package at this commit, not the working tree")
    args = parser.parse_args(argv)
    if args.at:
        return at_commit(args.at, _drop_at(argv))
    sections = [s for s in args.sections.split(",") if s]
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.write_docs and args.runs < 7:
        parser.error("--write-docs needs --runs 7 or more")
    wanted = set(args.formats.split(",")) if args.formats else None
    formats = [f for f in credbridge.get_formats() if f.can_read and f.can_write
               and (not wanted or f.name in wanted)]
    shared = args.shared or shared_dir(ROOT)
    result: dict[str, Any] = {
        "machine": machine(),
        "parameters": {"n": args.n, "runs": args.runs, "many": args.many,
                       "jobs_rows": args.jobs_rows, "jobs_runs": args.jobs_runs,
                       "sections": sections, "formats": sorted(f.name for f in formats)},
    }
    steps: dict[str, Callable[[], Any]] = {
        "written": lambda: section_written(formats, args.n, args.runs),
        "shared": lambda: section_shared(formats, shared, args.runs),
        "model": lambda: section_model(formats, args.n, args.runs),
        "many": lambda: section_many(args.many, args.runs),
        "jsonld": lambda: section_jsonld(args.n, shared, args.runs),
        "startup": lambda: section_startup(args.runs),
        "jobs": lambda: section_jobs(args.jobs_rows, args.jobs_runs),
    }
    for name in SECTIONS:
        if name in sections:
            result[name] = steps[name]()
            result["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            save(result, args.json, args.write_docs)  # after each section: a long run keeps
    print_summary(result)                                 # what it measured
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
