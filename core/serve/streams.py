"""Bytes between the event loop and the conversion threads, within the request's limits.

A conversion runs in a worker thread (the batch engine is synchronous); the request body
arrives on the event loop. :class:`BodyReader` is the body as a blocking binary stream for the
thread, :class:`QueueSink` carries output bytes back to the loop for a streamed answer, and
:class:`Deadline` is the per-request time limit that both check, so that a conversion which
outlives its request stops at its next read or write.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import IO, Any

from ..errors import LimitExceededError

SPOOL_BYTES = 8 * 1024 * 1024
"""Output kept in memory before a spooled answer moves to a temporary file."""

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


class BodyTooLarge(LimitExceededError):
    """The request body passed the service's limit (answered 413)."""


class ServiceTimeout(LimitExceededError):
    """The request passed the per-request time limit (answered 503)."""


class Cancelled(Exception):
    """The client went away: the conversion stops (nothing is answered)."""


class Deadline:
    """The end of a request's time, and a flag the loop raises to stop its conversion."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._stopped = threading.Event()
        self.cancelled = False

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - time.monotonic())

    def stop(self, *, cancelled: bool = False) -> None:
        """Ask the conversion to stop at its next read or write."""
        self.cancelled = self.cancelled or cancelled
        self._stopped.set()

    def check(self) -> None:
        """Raise in the conversion thread when the request is over."""
        if self.cancelled:
            raise Cancelled("the client closed the connection")
        if self._stopped.is_set() or time.monotonic() >= self.at:
            raise ServiceTimeout(f"the request took longer than the service's limit of "
                                 f"{self.seconds:g} s")


class BodyLimit:
    """How many body bytes a request may send; the handler raises it for streamed bodies."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen = 0
        self.exceeded = False

    def wrap(self, receive: Receive) -> Receive:
        """``receive`` counting the body's bytes; past the limit it raises :class:`BodyTooLarge`."""

        async def counted() -> MutableMapping[str, Any]:
            message = await receive()
            if message.get("type") == "http.request":
                self.seen += len(message.get("body", b""))
                if self.seen > self.limit:
                    self.exceeded = True
                    raise BodyTooLarge(f"the request body is larger than the limit of "
                                       f"{self.limit:,} bytes")
            return message

        return counted


class BodyReader(io.RawIOBase):
    """The request body as a blocking stream for a conversion thread.

    ``chunks`` is the body's async iterator; each read that needs more bytes asks the event
    loop for the next chunk and waits, at most until the deadline. ``mark`` starts counting
    again: past ``per_mark`` bytes between two marks a read raises (a chunk of records larger
    than one document may be)."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop,
                 deadline: Deadline, *, head: bytes = b"", per_mark: int | None = None,
                 name: str | None = None) -> None:
        self._chunks = chunks
        self._loop = loop
        self._deadline = deadline
        self._buffer = memoryview(head)
        self._eof = False
        self._since_mark = 0
        self._per_mark = per_mark
        self.name = name

    def readable(self) -> bool:
        return True

    def mark(self) -> None:
        """A chunk of records was taken: count its successor from here."""
        self._since_mark = 0

    def _fill(self) -> None:
        while not self._buffer and not self._eof:
            self._deadline.check()
            future = asyncio.run_coroutine_threadsafe(_next(self._chunks), self._loop)
            try:
                data = future.result(timeout=max(0.001, self._deadline.remaining()))
            except TimeoutError:
                future.cancel()
                self._deadline.check()
                raise
            if data is None:
                self._eof = True
            else:
                self._buffer = memoryview(data)

    def readinto(self, buffer: Any) -> int:
        self._fill()
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        self._since_mark += n
        if self._per_mark is not None and self._since_mark > self._per_mark:
            raise LimitExceededError(f"a chunk of records is larger than the limit of "
                                     f"{self._per_mark:,} bytes for one document")
        return n


async def _next(chunks: AsyncIterator[bytes]) -> bytes | None:
    """The next non-empty chunk, or ``None`` at the end."""
    async for data in chunks:
        if data:
            return data
    return None


class Sink(io.RawIOBase):
    """Where a conversion writes its output, told first what the output is."""

    media_type: str = "application/octet-stream"
    filename: str = "output"

    def start(self, media_type: str, filename: str) -> None:
        """Say what the bytes that follow are (called once, before the first write)."""
        self.media_type, self.filename = media_type, filename

    def writable(self) -> bool:
        return True


class SpoolSink(Sink):
    """Output kept for an answer sent once the conversion is over (the report in headers)."""

    def __init__(self) -> None:
        super().__init__()
        self.spool: IO[bytes] = tempfile.SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115
        self.size = 0

    def write(self, data: Any) -> int:
        n = self.spool.write(bytes(data))
        self.size += n
        return n

    def chunks(self, block: int = 64 * 1024) -> Iterator[bytes]:
        """The kept bytes, from the start, in blocks (then the spool is closed)."""
        self.spool.seek(0)
        try:
            yield from iter(lambda: self.spool.read(block), b"")
        finally:
            self.spool.close()

    def head(self, size: int = 512) -> bytes:
        """The first bytes kept."""
        position = self.spool.tell()
        self.spool.seek(0)
        data = self.spool.read(size)
        self.spool.seek(position)
        return data

    def getvalue(self) -> bytes:
        """All the kept bytes (then the spool is closed)."""
        self.spool.seek(0)
        try:
            return self.spool.read()
        finally:
            self.spool.close()


@dataclass(frozen=True)
class Start:
    """What the output bytes that follow in a queue are."""

    media_type: str
    filename: str


class QueueSink(Sink):
    """A writable stream for a conversion thread whose bytes go to an asyncio queue, in blocks
    of ``block`` bytes; a full queue makes the writer wait (a slow client slows the
    conversion, memory stays bounded)."""

    def __init__(self, queue: asyncio.Queue[bytes | Start | None],
                 loop: asyncio.AbstractEventLoop, deadline: Deadline,
                 block: int = 64 * 1024) -> None:
        super().__init__()
        self._queue = queue
        self._loop = loop
        self._deadline = deadline
        self._block = block
        self._pending = bytearray()

    def start(self, media_type: str, filename: str) -> None:
        """Send what the output is before its bytes."""
        super().start(media_type, filename)
        self._put(Start(media_type, filename))

    def write(self, data: Any) -> int:
        view = bytes(data)
        self._pending += view
        if len(self._pending) >= self._block:
            self.flush()
        return len(view)

    def flush(self) -> None:
        if self._pending:
            self._put(bytes(self._pending))
            self._pending.clear()

    def _put(self, data: bytes | Start | None) -> None:
        self._deadline.check()
        future = asyncio.run_coroutine_threadsafe(self._queue.put(data), self._loop)
        try:
            future.result(timeout=max(0.001, self._deadline.remaining()))
        except TimeoutError:
            future.cancel()
            self._deadline.check()
            raise

    def close(self) -> None:
        """Send what is pending (never blocks past the deadline)."""
        if not self.closed:
            try:
                self.flush()
            finally:
                super().close()
