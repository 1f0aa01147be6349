"""``--jobs N``: convert in N worker processes, output in input order (equal to ``--jobs 1``).

The unit of work is a chunk: formats that hold many records (CSV, JSON Lines) split their input
with ``Format.chunks`` into self-contained pieces; any other input file is one chunk. Workers
read and write a chunk and return its bytes and report; the parent writes results in order,
keeping at most ``2 * jobs`` chunks in flight so memory stays bounded.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

from .errors import CredbridgeError, UsageError
from .options import Options
from .plugin_manager import get_formats
from .report import Code, Message, Report
from .safety import DEFAULT_MAX_BYTES, LimitedReader

CHUNK_RECORDS = 2000


@dataclass
class Task:
    """One chunk to convert."""

    data: bytes
    source_format: str
    target_format: str
    file: str | None
    options: dict[str, Any]


@dataclass
class Result:
    """What a worker gives back."""

    data: bytes = b""
    messages: list[Message] = field(default_factory=list)
    read: int = 0
    written: int = 0
    failed: int = 0
    error: str | None = None


def _work(task: Task) -> Result:
    from .convert import read, write

    report = Report(file=task.file)
    options = Options(task.options)
    try:
        creds = read(task.data, from_format=task.source_format, report=report, options=options,
                     max_bytes=None)
        data = write(creds, None, to=task.target_format, report=report, options=options) or b""
    except CredbridgeError as exc:
        exc.with_context(file=task.file)
        return Result(messages=report.messages, error=str(exc), failed=1)
    return Result(data, report.messages, report.records_read, report.records_written,
                  report.records_failed)


def _tasks(paths: list[str], from_format: str | None, to: str, options: Options,
           max_bytes: int | str | None) -> Iterator[Task]:
    registry = get_formats()
    for path in paths:
        if path == "-":
            raise UsageError("--jobs reads files, not standard input")
        fmt = registry.get(from_format, need="read") if from_format else None
        with open(path, "rb") as raw:
            if fmt is None:
                fmt = registry.detect(raw.read(8192), path)
                raw.seek(0)
            splitter = getattr(fmt, "chunks", None)
            if splitter is None:
                limit = DEFAULT_MAX_BYTES if max_bytes == "default" else max_bytes
                stream: IO[bytes] = LimitedReader(raw, limit if isinstance(limit, int) else None,
                                                  path)  # type: ignore[assignment]
                yield Task(stream.read(), fmt.name, to, path, dict(options))
                continue
            for data, offset in splitter(raw, CHUNK_RECORDS):
                yield Task(data, fmt.name, to, path,
                           {**options, "record_offset": offset, "json_lines": True})


def convert_parallel(paths: list[str], *, from_format: str | None, to: str, jobs: int,
                     options: Options, report: Report, out: IO[bytes],
                     max_bytes: int | str | None = "default") -> Iterator[int]:
    """Convert ``paths`` with ``jobs`` processes into ``out`` (JSON Lines targets, or formats
    whose chunks concatenate); yields the number of records done after each chunk."""
    target = get_formats().get(to, need="write")
    if not target.json_lines:
        raise UsageError(f"--jobs needs a target written as JSON Lines (canonical, ob3, ...); "
                         f"{to} is not")
    jobs = max(1, min(jobs, os.cpu_count() or 1))
    pending: deque[Future[Result]] = deque()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        tasks = _tasks(paths, from_format, to, options, max_bytes)
        for task in tasks:
            pending.append(pool.submit(_work, task))
            if len(pending) >= 2 * jobs:
                yield _collect(pending.popleft().result(), report, out)
        while pending:
            yield _collect(pending.popleft().result(), report, out)


def _collect(result: Result, report: Report, out: IO[bytes]) -> int:
    out.write(result.data)
    for m in result.messages:
        report.add(m.code, m.detail, field=m.field, format=m.format, record=m.record,
                   severity=m.severity, file=m.file)
    if result.error:
        report.add(Code.INVALID_RECORD, result.error)
    report.records_read += result.read
    report.records_written += result.written
    report.records_failed += result.failed
    return result.written
