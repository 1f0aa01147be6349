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
        self._stopped = False  # set by the loop, read by the conversion thread
        self.cancelled = False

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - time.monotonic())

    def stop(self, *, cancelled: bool = False) -> None:
        """Ask the conversion to stop at its next read or write."""
        self.cancelled = self.cancelled or cancelled
        self._stopped = True

    def check(self) -> None:
        """Raise in the conversion thread when the request is over."""
        if self.cancelled:
            raise Cancelled("the client closed the connection")
        if self._stopped or time.monotonic() >= self.at:
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
    loop for the next chunk and waits, at most until the deadline (``ended``: ``head`` is
    the whole body, so the loop is never asked). ``mark`` starts counting again: past
    ``per_mark`` bytes between two marks a read raises (a chunk of records larger than one
    document may be)."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop,
                 deadline: Deadline, *, head: bytes = b"", ended: bool = False,
                 per_mark: int | None = None, name: str | None = None) -> None:
        self._chunks = chunks
        self._loop = loop
        self._deadline = deadline
        self._buffer = memoryview(head)
        self._eof = ended
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


class PipeSink(Sink):
    """Output for an answer sent while its conversion runs: kept in a temporary file that the
    answer reads as it grows. The conversion never waits for the client (a client that sends
    its whole body before it reads the answer, as most HTTP libraries do, would otherwise wait
    for a conversion waiting for it), and memory stays flat whatever the output's size."""

    def __init__(self, loop: asyncio.AbstractEventLoop, block: int = 64 * 1024) -> None:
        super().__init__()
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - see release()
        self._loop = loop
        self._lock = threading.Lock()
        self._event = asyncio.Event()
        self._block = block
        self._pending = bytearray()
        self.size = 0
        self.started: Start | None = None

    def start(self, media_type: str, filename: str) -> None:
        """Say what the output is (before its first byte)."""
        assert self.size == 0 and not self._pending, "start() after output"
        super().start(media_type, filename)
        self.started = Start(media_type, filename)
        self._wake()

    def write(self, data: Any) -> int:
        view = bytes(data)
        self._pending += view
        if len(self._pending) >= self._block:
            self.flush()
        return len(view)

    def flush(self) -> None:
        if self._pending:
            with self._lock:
                self._file.seek(0, io.SEEK_END)
                self._file.write(self._pending)
                self.size += len(self._pending)
            self._pending.clear()
            self._wake()

    def _wake(self) -> None:
        self._loop.call_soon_threadsafe(self._event.set)

    async def changed(self) -> None:
        """Wait until more output (or the start) arrives."""
        await self._event.wait()
        self._event.clear()

    def read_from(self, offset: int, limit: int = 1 << 20) -> bytes:
        """Output bytes from ``offset`` (what is there, at most ``limit``)."""
        with self._lock:
            self._file.seek(offset)
            return self._file.read(min(limit, self.size - offset))

    def release(self) -> None:
        """Remove the temporary file (once the conversion is over)."""
        self._file.close()
