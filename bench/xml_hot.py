"""The XML hot paths (issue 21): credbridge read+write of ``elmo``, ``ds`` and ``edc-xml``
documents against the floor (lxml parse + serialise of the same bytes).

Inputs per format: documents credbridge wrote (``--n`` varied credentials, each written in the
format) and the shared samples and corpus: every shared document of the family, plus every
shared document of any family converted to the format (credbridge-written from real input).
One round converts every input to its own format (``convert(..., from_format=fmt, to=fmt)``:
read, then write); the floor parses and serialises the same bytes with lxml. Rounds of
credbridge and the floor are interleaved and timed in CPU time (``time.process_time``); the
ratio of each pair is printed as the median and spread (min-max) of ``--runs`` pairs.

    python bench/xml_hot.py [--formats elmo,ds,edc-xml] [--n 100] [--runs 9]
    python bench/xml_hot.py --profile [--formats ds] [--top 25]
    python bench/xml_hot.py --hashes FILE   # save (FILE absent) or compare round-trip hashes

``--hashes`` completes ``bench/outputs.py`` for these inputs: every input above (credbridge-
written documents included, which ``outputs.py`` does not read) converted to its own format and
to ``canonical``, output and report hashed; a second run with the same FILE lists what differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from credbridge.convert import convert, write
from credbridge.errors import CredbridgeError
from credbridge.laws import documents_under
from credbridge.testing import shared_dir, varied_credentials
from lxml import etree

FAMILY = {"elmo": "elmo", "ds": "elmo", "edc-xml": "edc-xml"}
"""The shared folder whose documents are read in each format."""


def written(fmt: str, n: int) -> list[bytes]:
    """``n`` varied credentials, each written in ``fmt``."""
    return [write([cred], None, to=fmt) or b"" for cred in varied_credentials(n)]


def shared(fmt: str) -> list[bytes]:
    """The shared documents of the family that read in ``fmt``, then every shared document
    converted to ``fmt``."""
    root = shared_dir()
    if root is None:
        return []
    docs: list[bytes] = []
    for path in documents_under(root / "samples", root / "corpus"):
        data = path.read_bytes()
        if FAMILY[fmt] in path.parts and _reads(data, fmt):
            docs.append(data)
        try:
            out = convert(path, to=fmt).output
        except CredbridgeError:
            continue
        if out and _reads(out, fmt):
            docs.append(out)
    return docs


def _reads(data: bytes, fmt: str) -> bool:
    try:
        convert(data, from_format=fmt, to=fmt)
    except CredbridgeError:
        return False
    return True


def credbridge_round(docs: list[bytes], fmt: str) -> Callable[[], None]:
    """Read every document in ``fmt`` and write it back."""
    def run() -> None:
        for d in docs:
            convert(d, from_format=fmt, to=fmt)
    return run


def floor_round(docs: list[bytes]) -> Callable[[], None]:
    """lxml parse + serialise of every document."""
    def run() -> None:
        for d in docs:
            etree.tostring(etree.fromstring(d))
    return run


def cpu(fn: Callable[[], None]) -> float:
    """CPU seconds of one call."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def measure(name: str, fmt: str, docs: list[bytes], runs: int) -> None:
    """Print median and spread of the ratio over ``runs`` interleaved pairs."""
    cb, fl = credbridge_round(docs, fmt), floor_round(docs)
    cb()  # warm: imports, vocabularies, schemas
    ratios, cb_times, fl_times = [], [], []
    for _ in range(runs):
        t_cb = cpu(cb)
        t_fl = cpu(fl)
        cb_times.append(t_cb)
        fl_times.append(t_fl)
        ratios.append(t_cb / t_fl if t_fl else float("inf"))
    print(f"{fmt:8} {name:8} docs={len(docs):4} credbridge={statistics.median(cb_times):.3f}s "
          f"floor={statistics.median(fl_times):.4f}s ratio median={statistics.median(ratios):.1f} "
          f"spread={min(ratios):.1f}-{max(ratios):.1f}", flush=True)


def profile(fmt: str, docs: list[bytes], top: int) -> None:
    """cProfile of one credbridge round (cumulative and own time)."""
    # bench/profile.py, first on the path of a script in bench/, would shadow the standard
    # library's profile module that cProfile imports
    here = Path(__file__).parent.resolve()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    import cProfile

    round_ = credbridge_round(docs, fmt)
    round_()
    prof = cProfile.Profile()
    prof.runcall(round_)
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _digest(result_output: bytes | None, messages: list[object]) -> str:
    report = json.dumps([m.model_dump(mode="json") if hasattr(m, "model_dump") else str(m)
                         for m in messages], sort_keys=True, default=str).encode()
    return hashlib.sha256(result_output or b"").hexdigest()[:24] + ":" + \
        hashlib.sha256(report).hexdigest()[:24]


def hashes(fmt: str, name: str, docs: list[bytes]) -> dict[str, str]:
    """``{key: output:report hash}`` of every input converted to ``fmt`` and to canonical."""
    out = {}
    for i, d in enumerate(docs):
        for target in (fmt, "canonical"):
            key = f"{fmt}\t{name}\t{i}\t{hashlib.sha256(d).hexdigest()[:16]}\t{target}"
            try:
                result = convert(d, from_format=fmt, to=target)
            except CredbridgeError as exc:
                out[key] = "error:" + hashlib.sha256(str(exc).encode()).hexdigest()[:24]
                continue
            out[key] = _digest(result.output, list(result.report.messages))
    return out


WRITERS = ("elmo", "ds", "ds-html", "edc-xml")


def writer_hashes(frozen: dict[str, list[bytes]] | None, saved: bool) -> dict[str, str]:
    """Every shared document read once to canonical JSON (frozen with the table: another
    reader's change cannot move it), then written by each XML writer."""
    if frozen is None:
        return {}
    if not saved:
        root = shared_dir()
        docs = []
        for path in documents_under(root / "samples", root / "corpus") if root else []:
            try:
                out = convert(path, to="canonical").output
            except CredbridgeError:
                continue
            if out:
                docs.append(out)
        frozen["canonical shared"] = docs
    out = {}
    for i, d in enumerate(frozen.get("canonical shared", [])):
        for target in WRITERS:
            key = f"canonical\tshared\t{i}\t{hashlib.sha256(d).hexdigest()[:16]}\t{target}"
            try:
                result = convert(d, from_format="canonical", to=target)
            except CredbridgeError as exc:
                out[key] = "error:" + hashlib.sha256(str(exc).encode()).hexdigest()[:24]
                continue
            out[key] = _digest(result.output, list(result.report.messages))
    return out


def check_hashes(path: Path, table: dict[str, str]) -> None:
    """Save ``table`` to ``path``, or compare with the table saved there."""
    if not path.exists():
        path.write_text("".join(f"{k}\t{v}\n" for k, v in sorted(table.items())),
                        encoding="utf-8")
        print(f"{len(table)} round trips saved to {path}")
        return
    saved = dict(line.rsplit("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    differ = sorted(k for k in saved.keys() | table.keys() if saved.get(k) != table.get(k))
    for k in differ:
        print("DIFFERS", k.replace("\t", " "))
    print(f"{len(table)} round trips compared, {len(differ)} differ")
    raise SystemExit(1 if differ else 0)


def _inputs_file(hashes: Path) -> Path:
    return hashes.with_name(hashes.name + ".inputs")


def _frozen_inputs(hashes: Path | None) -> dict[str, list[bytes]] | None:
    """The inputs of a saved hash table (the same bytes are compared, even when another
    writer's change moves the shared documents converted to these formats); ``{}`` to fill
    when the table is about to be saved, ``None`` without ``--hashes``."""
    if hashes is None:
        return None
    if hashes.exists():
        loaded: dict[str, list[bytes]] = pickle.loads(_inputs_file(hashes).read_bytes())
        return loaded
    return {}


def main() -> None:
    """Measure (or profile) each format on both input sets."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--formats", default="elmo,ds,edc-xml")
    ap.add_argument("--n", type=int, default=100, help="credbridge-written documents")
    ap.add_argument("--runs", type=int, default=9, help="interleaved pairs (>= 7)")
    ap.add_argument("--inputs", default="written,shared", help="written, shared or both")
    ap.add_argument("--profile", action="store_true", help="print cProfile tables instead")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--hashes", type=Path, help="save or compare round-trip hashes")
    args = ap.parse_args()
    if args.hashes:  # the time of writing is fixed, as in bench/outputs.py
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1764633600")
    table: dict[str, str] = {}
    frozen = _frozen_inputs(args.hashes)
    for fmt in args.formats.split(","):
        for name in args.inputs.split(","):
            if frozen is not None and args.hashes and args.hashes.exists():
                docs = frozen.get(f"{fmt} {name}", [])
            else:
                docs = written(fmt, args.n) if name == "written" else shared(fmt)
                if frozen is not None:
                    frozen[f"{fmt} {name}"] = docs
            if not docs:
                print(f"{fmt:8} {name:8} no documents")
                continue
            if args.hashes:
                table.update(hashes(fmt, name, docs))
            elif args.profile:
                print(f"===== {fmt} {name} ({len(docs)} documents)")
                profile(fmt, docs, args.top)
            else:
                measure(name, fmt, docs, args.runs)
    if args.hashes:
        table.update(writer_hashes(frozen, args.hashes.exists()))
        if not args.hashes.exists() and frozen is not None:
            _inputs_file(args.hashes).write_bytes(pickle.dumps(frozen))
        check_hashes(args.hashes, table)


if __name__ == "__main__":
    main()
