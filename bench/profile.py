"""Where the time goes: the top entries of a cProfile of each format's read and write.

The inputs are bench/run.py's: ``--n`` credbridge-written credentials per format (heavy formats
a share of it, as in the bench), or with ``--input shared`` the shared samples and corpus
documents the format reads, or with ``--input converted`` every shared sample and corpus
document that reads, converted to the format (the Turtle and RDF/XML readers meet the shared
credentials only so: the shared data holds little Turtle). For each format, the read of
every document and the write of every credential read are profiled apart; each prints its
top ``--top`` functions by cumulative time (the function and what it calls) and by own time.

    python bench/profile.py [--formats csv,ob3] [--n 1000] [--top 15]
                            [--input written|shared|converted]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This file is named profile.py: the folder it runs from must not hide the standard library's
# `profile`, which cProfile imports.
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import cProfile  # noqa: E402
import pstats  # noqa: E402

import credbridge  # noqa: E402
from credbridge.convert import read, write  # noqa: E402
from credbridge.model import MicroCredential  # noqa: E402
from credbridge.testing import shared_dir  # noqa: E402


def _bench_run() -> Any:
    """bench/run.py as a module (the bench's inputs)."""
    spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _bench_run()


def _short(func: tuple[str, int, str]) -> tuple[str, int, str]:
    """A profile entry's file as a path inside the repository or site-packages."""
    filename, line, name = func
    path = Path(filename)
    if "site-packages" in path.parts:
        short = Path(*path.parts[path.parts.index("site-packages") + 1:]).as_posix()
    elif path.is_relative_to(ROOT):
        short = path.relative_to(ROOT).as_posix()
    else:
        short = path.name
    return short, line, name


def profiled(fn: Callable[[], object], top: int, title: str) -> str:
    """``fn`` run once under cProfile: its top entries by cumulative and by own time."""
    profile = cProfile.Profile()
    profile.enable()
    fn()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    strip, pstats.func_strip_path = pstats.func_strip_path, _short  # type: ignore[attr-defined]
    try:
        stats.strip_dirs()  # with _short: the path inside the repository or site-packages
    finally:
        pstats.func_strip_path = strip  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]  # set by pstats, not in the stubs
    out.write(f"=== {title}: {total:.3f} s under the profiler\n")
    for key, label in (("cumulative", "cumulative time"), ("tottime", "own time")):
        out.write(f"--- top {top} by {label}\n")
        stats.sort_stats(key).print_stats(top)
    return out.getvalue()


def inputs(fmt: Any, how: str, n: int, shared: Path | None) -> tuple[list[bytes], bool]:
    """The documents to profile and whether they are written back as one stream."""
    if how in ("shared", "converted"):
        if shared is None:
            return [], False
        if how == "converted":
            return converted(fmt.name, shared), False
        found = run.shared_documents(shared, {fmt.name}).get(fmt.name, [])
        return [d for d, _ in run.readable(found, fmt.name)[0]], False
    docs = run.documents(fmt, run.credentials(run.count_for(fmt.name, n)))
    return docs, bool(fmt.many or fmt.json_lines)


def converted(name: str, shared: Path) -> list[bytes]:
    """Every shared sample and corpus document that reads, written in format ``name`` (the
    ones it cannot hold left out)."""
    from credbridge.errors import CredbridgeError
    from credbridge.laws import documents_under

    out = []
    for path in documents_under(shared / "samples", shared / "corpus"):
        try:
            data = write(list(read(path)), None, to=name)
        except CredbridgeError:
            continue
        if data:
            out.append(data)
    return [d for d, _ in run.readable(out, name)[0]]  # (all refused: an empty graph)


def profile_format(fmt: Any, docs: list[bytes], together: bool, top: int) -> str:
    """The read and the write profile of one format."""
    name = fmt.name

    def read_all() -> list[list[MicroCredential]]:
        return [list(read(d, from_format=name)) for d in docs]

    read_all()  # warm-up: lazily built tables are start-up, not the format's work
    back: list[list[MicroCredential]] = read_all()
    creds = [c for group in back for c in group]

    def write_all() -> None:
        if together:
            write(creds, None, to=name)
        else:
            for group in back:
                write(group, None, to=name)

    write_all()
    return (profiled(read_all, top, f"{name} read: {len(docs)} documents, {len(creds)} "
                                   "credentials") +
            profiled(write_all, top, f"{name} write: {len(creds)} credentials"))


def main(argv: list[str] | None = None) -> int:
    """Profile the formats asked for and print their top entries."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--formats", help="comma-separated formats (default: every format "
                                          "that reads and writes)")
    parser.add_argument("--n", type=int, default=1000, help="credentials for cheap formats")
    parser.add_argument("--top", type=int, default=15, help="entries per list")
    parser.add_argument("--input", choices=("written", "shared", "converted"),
                        default="written", help="credbridge-written documents, the shared "
                        "samples and corpus, or those converted to the format")
    parser.add_argument("--shared", type=Path, help="shared data folder (default ../shared)")
    args = parser.parse_args(argv)
    wanted = set(args.formats.split(",")) if args.formats else None
    shared = args.shared or shared_dir(run.ROOT)
    for fmt in credbridge.get_formats():
        if not (fmt.can_read and fmt.can_write) or (wanted and fmt.name not in wanted):
            continue
        docs, together = inputs(fmt, args.input, args.n, shared)
        if not docs:
            print(f"=== {fmt.name}: no {args.input} documents to profile\n")
            continue
        print(profile_format(fmt, docs, together, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
