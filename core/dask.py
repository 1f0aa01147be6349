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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import dask.bag as db
except ImportError as exc:  # pragma: no cover - depends on the optional extra
    raise ImportError("credbridge.dask needs the 'dask' extra: pip install 'credbridge[dask]'") \
        from exc

from .options import Options
from .report import Message, Report


@dataclass
class ConvertedPart:
    """The converted bytes of one partition and its report."""

    source: str
    data: bytes
    messages: list[Message] = field(default_factory=list)
    read: int = 0
    written: int = 0
    failed: int = 0


def _convert_file(path: str, to: str, from_format: str | None,
                  options: dict[str, Any]) -> ConvertedPart:
    from .convert import read, write
    from .errors import CredbridgeError
    from .report import Code

    report = Report()
    opts = Options({**options, "json_lines": True})
    try:
        data = write(read(path, from_format=from_format, report=report, options=opts), None,
                     to=to, report=report, options=opts) or b""
    except CredbridgeError as exc:
        report.add(Code.INVALID_RECORD, str(exc), file=path)
        report.records_failed += 1
        data = b""
    return ConvertedPart(path, data, report.messages, report.records_read,
                         report.records_written, report.records_failed)


def convert_files(paths: Sequence[str | Path], *, to: str, from_format: str | None = None,
                  options: dict[str, Any] | None = None) -> db.Bag:
    """A bag with one :class:`ConvertedPart` per input file (one partition per file)."""
    names = [str(p) for p in paths]
    bag = db.from_sequence(names, npartitions=max(1, len(names)))
    converted: db.Bag = bag.map(_convert_file, to=to, from_format=from_format,
                                options=dict(options or {}))
    return converted


def _convert_lines(lines: Iterable[str], to: str, from_format: str,
                   options: dict[str, Any], index: int) -> list[ConvertedPart]:
    from .convert import read, write

    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    report = Report()
    opts = Options({**options, "json_lines": True})
    data = write(read(text.encode("utf-8"), from_format=from_format, report=report,
                      options=opts), None, to=to, report=report, options=opts) or b""
    return [ConvertedPart(f"partition {index}", data, report.messages, report.records_read,
                          report.records_written, report.records_failed)]


def convert_lines(lines: db.Bag, *, to: str, from_format: str = "canonical",
                  options: dict[str, Any] | None = None) -> db.Bag:
    """Convert a bag of JSON Lines text (e.g. ``dask.bag.read_text("part-*.jsonl")``),
    partition by partition; one :class:`ConvertedPart` per partition."""
    parts = lines.to_delayed()
    from dask.delayed import delayed

    converted = [delayed(_convert_lines)(p, to, from_format, dict(options or {}), i)
                 for i, p in enumerate(parts)]
    bag: db.Bag = db.from_delayed(converted)
    return bag


def write_parts(parts: db.Bag, output: str | Path) -> Report:
    """Compute the parts and write their bytes, in order, to ``output`` (atomically);
    return the merged report."""
    from .convert import atomic_output

    report = Report()
    computed: list[ConvertedPart] = parts.compute()
    with atomic_output(Path(output)) as out:
        for part in computed:
            out.write(part.data)
            for m in part.messages:
                report.add(m.code, m.detail, field=m.field, format=m.format, record=m.record,
                           severity=m.severity, file=m.file or part.source)
            report.records_read += part.read
            report.records_written += part.written
            report.records_failed += part.failed
    return report
