"""Convert partitioned collections with dask / dask.distributed (optional extra ``dask``).

Each partition is converted by a worker with the ordinary streaming reader and writer; the
results come back in partition order, so the output equals a local ``credbridge convert``::

    from dask.distributed import Client
    from credbridge.dask import convert_files, write_parts

    client = Client("scheduler-address:8786")          # or LocalCluster()
    parts = convert_files(["a.csv", "b.csv"], to="canonical")
    report = write_parts(parts, "out.jsonl")            # JSON Lines, in input order

Files must be readable by the workers under the same paths (shared storage, or the files
shipped with the collection: :func:`convert_lines` converts a ``dask.bag`` of JSON Lines text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

try:
    import dask.bag as db
except ImportError as exc:  # pragma: no cover - depends on the optional extra
    raise ImportError("credbridge.dask needs the 'dask' extra: pip install 'credbridge[dask]'") \
        from exc

from .batch import (
    Part,
    Unit,
    atomic_output,
    convert_unit,
    detect_format,
    fail_input,
    merge_part,
)
from .errors import CredbridgeError
from .options import OptionsInput, resolve_options
from .plugin_manager import get_formats
from .report import Report

ConvertedPart = Part
"""One partition's converted bytes and report (the batch engine's :class:`Part`)."""


def _convert_file(path: str, to: str, from_format: str | None, options: OptionsInput,
                  documents: tuple[str, ...]) -> Part:
    """One input file as one unit of the batch engine (what ``--jobs`` workers run too)."""
    registry = get_formats()
    try:
        source = registry.get(from_format, need="read") if from_format else detect_format(path)
    except CredbridgeError as exc:  # reported like any unreadable input of a batch
        report = Report()
        fail_input(report, exc.with_context(file=path))
        return Part(b"", report.messages, 0, 0, report.records_failed)
    target = registry.get(to, need="write")
    resolved = resolve_options(_unique([target, source]), options)
    return convert_unit(Unit(None, path, source.name, target.name, resolved,
                             documents=documents))


def _unique(formats: list[Any]) -> list[Any]:
    return list({f.name: f for f in formats}.values())


def convert_files(paths: Sequence[str | Path], *, to: str, from_format: str | None = None,
                  options: OptionsInput = None) -> db.Bag:
    """A bag with one :class:`Part` per input file (one partition per file)."""
    names = [str(p) for p in paths]
    bag = db.from_sequence(names, npartitions=max(1, len(names)))
    converted: db.Bag = bag.map(_convert_file, to=to, from_format=from_format,
                                options=dict(options or {}), documents=tuple(names))
    return converted


def _convert_lines(lines: Iterable[str], to: str, from_format: str,
                   options: OptionsInput, index: int) -> list[Part]:
    registry = get_formats()
    source, target = registry.get(from_format, need="read"), registry.get(to, need="write")
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    resolved = resolve_options(_unique([target, source]), options)
    return [convert_unit(Unit(text.encode("utf-8"), f"partition {index}", source.name,
                              target.name, resolved))]


def convert_lines(lines: db.Bag, *, to: str, from_format: str = "canonical",
                  options: OptionsInput = None) -> db.Bag:
    """Convert a bag of JSON Lines text (e.g. ``dask.bag.read_text("part-*.jsonl")``),
    partition by partition; one :class:`Part` per partition."""
    parts = lines.to_delayed()
    from dask.delayed import delayed

    converted = [delayed(_convert_lines)(p, to, from_format, dict(options or {}), i)
                 for i, p in enumerate(parts)]
    bag: db.Bag = db.from_delayed(converted)
    return bag


def write_parts(parts: db.Bag, output: str | Path) -> Report:
    """Compute the parts and write their bytes, in order, to ``output`` (atomically);
    return the merged report."""
    report = Report()
    computed: list[Part] = parts.compute()
    with atomic_output(Path(output)) as out:
        for part in computed:
            merge_part(part, report, out)
    return report
