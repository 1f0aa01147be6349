"""Cutting a CSV byte stream into records before anything is decoded.

A record ends at a line break outside quotes (``\\r\\n``, ``\\n`` or ``\\r``), read as the csv
module reads the excel dialect: a field that starts with ``"`` is quoted, ``""`` inside it is a
quote, and a quote anywhere else is an ordinary character. Cutting the bytes first (UTF-8 never
puts an ASCII byte inside a character) makes every record a unit of its own: one that is not
UTF-8 or is larger than the limit costs only itself, and the next record starts where it should.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

TOO_LARGE = None
"""What :func:`records` yields for a record larger than the limit (its bytes are skipped)."""

_SPECIAL = re.compile(rb'["\r\n,]')
_QUOTE, _COMMA, _CR, _LF = 0x22, 0x2C, 0x0D, 0x0A
_READ = 1 << 16


class _Cutter:
    """The state of one stream being cut: a buffer and where the current record starts."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.buf = bytearray()
        self.start = 0
        self.eof = False

    def more(self) -> bool:
        """Read more of the stream into the buffer; False at the end."""
        if self.eof:
            return False
        data = self.stream.read(_READ)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def compact(self) -> None:
        """Drop the bytes of records already given out."""
        if self.start > _READ:
            del self.buf[:self.start]
            self.start = 0

    def next(self) -> bytes | bool | None:
        """The next record's bytes (without its line break), ``TOO_LARGE``, or ``False`` at
        the end of the stream."""
        self.compact()
        buf = self.buf
        while len(buf) - self.start < 2 and self.more():
            pass
        if self.start >= len(buf):
            return False
        fast = self.plain_line()
        if fast is not None:
            return fast
        return self.scan()

    def plain_line(self) -> bytes | None:
        """A record that is one line without quotes or bare ``\\r`` (most), else ``None``."""
        buf, start = self.buf, self.start
        end = buf.find(b"\n", start, start + self.limit + 2)
        if end < 0:
            return None
        line = buf[start:end]
        if b'"' in line or b"\r" in line[:-1]:
            return None
        if line.endswith(b"\r"):
            line = line[:-1]
        if len(line) > self.limit:
            return None
        self.start = end + 1
        return bytes(line)

    def scan(self) -> bytes | bool | None:
        """Follow the quoting to the end of the record, reading and (past the limit)
        dropping bytes as needed."""
        buf = self.buf
        i = field = self.start
        quoted = too_large = False
        while True:
            if quoted:
                j = buf.find(b'"', i)
            else:
                m = _SPECIAL.search(buf, i)
                j = m.start() if m else -1
            if j < 0 or (j + 1 == len(buf) and buf[j] in (_QUOTE, _CR)):
                i = len(buf) if j < 0 else j  # a quote or \r needs the byte after it
                if i - self.start > self.limit:  # keep the state, drop the bytes
                    too_large = True
                    field = self.start if field == i else -1
                    del buf[self.start:i]
                    i = self.start
                    j = i if j >= 0 else -1
                if self.more():
                    continue
                if j < 0:  # the stream ends inside this record
                    record = bytes(buf[self.start:])
                    self.start = len(buf)
                    return TOO_LARGE if too_large else record
            c = buf[j]
            if c == _QUOTE:
                if quoted:
                    if j + 1 < len(buf) and buf[j + 1] == _QUOTE:
                        i = j + 2
                        continue
                    quoted = False
                elif j == field:
                    quoted = True
                i = j + 1
            elif c == _COMMA:
                field = i = j + 1
            else:  # a line break outside quotes ends the record
                end = j + 2 if c == _CR and j + 1 < len(buf) and buf[j + 1] == _LF else j + 1
                record = bytes(buf[self.start:j])
                self.start = end
                return TOO_LARGE if too_large or len(record) > self.limit else record


def records(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The records of ``stream``: each one's bytes without its line break, or
    :data:`TOO_LARGE` for one over ``limit`` bytes (never held in memory whole)."""
    cutter = _Cutter(stream, limit)
    while True:
        record = cutter.next()
        if record is False:
            return
        yield record  # type: ignore[misc]
