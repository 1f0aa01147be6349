"""A progress line for long conversions: records, records/s and, for files, ETA (stderr, TTY)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")


class Progress:
    """Counts items passing through :meth:`track` and redraws one stderr line at most every
    ``interval`` seconds; silent unless the stream is a terminal (and not ``quiet``)."""

    def __init__(self, total_bytes: int | None = None, *, stream: IO[str] | None = None,
                 quiet: bool = False, interval: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.enabled = not quiet and self.stream.isatty()
        self.total_bytes = total_bytes
        self.bytes_done = 0
        self.count = 0
        self.interval = interval
        self._start = time.monotonic()
        self._last = 0.0

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items`` unchanged, counting them."""
        for item in items:
            self.count += 1
            if self.enabled:
                now = time.monotonic()
                if now - self._last >= self.interval:
                    self._last = now
                    self._draw(now)
            yield item
        self.close()

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more records (the batch engine calls this, also under ``--jobs``)."""
        self.count += n
        if self.enabled:
            now = time.monotonic()
            if now - self._last >= self.interval:
                self._last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.count / elapsed
        line = f"{self.count:,} records  {rate:,.0f}/s"
        if self.total_bytes and self.bytes_done:
            fraction = min(self.bytes_done / self.total_bytes, 1.0)
            eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
            line += f"  {fraction:6.1%}  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Clear the progress line."""
        if self.enabled and self._last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._last = 0.0
