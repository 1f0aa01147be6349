"""Reading and writing the canonical JSON form of :class:`~credbridge.model.MicroCredential`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.coverage import everything
from credbridge.errors import InputError
from credbridge.formats import Format, Predicate
from credbridge.safety import DEFAULT_MAX_RECORD_BYTES, load_json

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

# Keys only the canonical form uses: enough to recognise it among other JSON formats.
_CANONICAL_KEYS = re.compile(
    rb'"(awarding_bodies|learning_outcomes|fields_of_study|credential_type|valid_until|'
    rb'access_requirements|further_information|quality_assurance)"\s*:'
)


class CanonicalFormat(Format):
    """The canonical model as JSON: one pretty object for one credential, JSON Lines for many."""

    name = "canonical"
    title = "credbridge canonical JSON"
    extensions = (".canonical.json", ".canonical.jsonl")
    media_types = ("application/vnd.credbridge.canonical+json",)
    fields: ClassVar[dict[str, Predicate]] = everything()
    json_lines = True

    def sniff(self, head: bytes) -> bool:
        """Canonical JSON starts with ``{`` or ``[`` and uses the model's snake_case keys."""
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return stripped[:1] in (b"{", b"[") and b'"@context"' not in head and \
            _CANONICAL_KEYS.search(head) is not None

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """Read one object, an array of objects, or JSON Lines (one object per line);
        ``ctx.record`` is the position in the array or the line (``line 3``). In JSON Lines
        a line that cannot be read (not JSON, too deep, too long) is a failed record and the
        other lines are read."""
        data = stream.read()
        try:
            lines = _json_lines(data)
            if lines is None:
                try:
                    value = load_json(data, what="canonical JSON")
                except InputError:
                    lines = _json_lines(data, first_may_fail=True)
                    if lines is None:
                        raise
                else:
                    yield from self._from_values(value, ctx)
                    return
            yield from self._read_lines(lines, ctx)
        finally:
            ctx.record = None

    def _from_values(self, value: Any, ctx: Context) -> Iterator[MicroCredential]:
        items = value if isinstance(value, list) else [value]
        for position, item in enumerate(items, start=1):
            ctx.record = position
            cred = self._build(item, ctx)
            if cred is not None:
                yield cred

    def _read_lines(self, lines: Iterable[tuple[int, bytes]],
                    ctx: Context) -> Iterator[MicroCredential]:
        """The credentials of JSON Lines, numbered after the lines of earlier chunks."""
        for number, line in lines:
            ctx.record = f"line {ctx.record_offset + number}"
            if len(line) > DEFAULT_MAX_RECORD_BYTES:
                ctx.failed(TOO_LONG)
                continue
            try:
                value = load_json(line, what="JSON line")
            except InputError as exc:
                # the record is the line: give the column only ("at line 1, column 9"
                # inside "line 2" would send the reader to the wrong line)
                ctx.failed(re.sub(r" at line 1, column (\d+)$", r" at column \1", exc.message))
                continue
            cred = self._build(value, ctx)
            if cred is not None:
                yield cred

    def _build(self, value: Any, ctx: Context) -> MicroCredential | None:
        """The credential of one value (``ctx.record`` names it), or ``None`` (reported)."""
        if not isinstance(value, dict):
            ctx.failed("a canonical credential must be a JSON object")
            return None
        return self.build(value, ctx)

    def chunks(self, stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
        """JSON Lines split into chunks of ``size`` lines with the number of lines before each;
        a single JSON document (object or array) is one chunk. A line over the record limit
        is never held: it stands in its chunk as a line of the same kind, and closes it."""
        lines = _raw_lines(stream)
        first = next(lines, b"")
        if first is None or first.lstrip()[:1] == b"[" or not _is_json_line(first):
            yield (first or _over_limit()) + stream.read(), 0
            return
        batch = [first]
        offset = 0
        for line in lines:
            batch.append(_over_limit() if line is None else line)
            if len(batch) == size or line is None:
                yield b"".join(batch), offset
                offset += len(batch)
                batch = []
        if batch:
            yield b"".join(batch), offset

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One credential: an indented JSON object. Several (or ``ctx.json_lines``): JSON
        Lines, streamed."""
        it = iter(credentials)
        first = next(it, None)
        if first is None:
            return
        second = next(it, None)
        if second is None and not ctx.json_lines:
            stream.write(_dumps(first, indent=2).encode() + b"\n")
            return
        stream.write(_dumps(first).encode() + b"\n")
        if second is not None:
            stream.write(_dumps(second).encode() + b"\n")
        for cred in it:
            stream.write(_dumps(cred).encode() + b"\n")


def _dumps(cred: MicroCredential, indent: int | None = None) -> str:
    if indent:
        return json.dumps(cred.to_json_dict(), ensure_ascii=False, indent=indent)
    return cred.to_json()


TOO_LONG = f"the line is longer than {DEFAULT_MAX_RECORD_BYTES:,} bytes (the limit of one record)"


def _is_json_line(line: bytes) -> bool:
    """True when ``line`` is a whole JSON value (within the record limit)."""
    if len(line.rstrip(b"\r\n")) > DEFAULT_MAX_RECORD_BYTES:
        return False
    try:
        load_json(line, what="JSON line")
    except InputError:
        return False
    return True


def _json_lines(data: bytes, *, first_may_fail: bool = False) -> list[tuple[int, bytes]] | None:
    """The non-blank lines of ``data`` with their numbers when it is JSON Lines, else
    ``None``. JSON Lines: the first non-blank line is a whole JSON value; or, when that line
    cannot be read (``first_may_fail``: the input as a whole is not JSON either), at least two
    lines that each start an object."""
    if data.lstrip()[:1] == b"[":
        return None
    lines = [(number, line.rstrip(b"\r")) for number, line in
             enumerate(data.split(b"\n"), start=1) if line.strip()]
    if not lines:
        return None
    if first_may_fail:
        starts = all(line.lstrip()[:1] == b"{" for _, line in lines)
        return lines if len(lines) >= 2 and starts else None
    return lines if _is_json_line(lines[0][1]) else None


def _raw_lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of ``stream`` with their line breaks; ``None`` for a line over the record
    limit, whose bytes are read past and never held."""
    limit = DEFAULT_MAX_RECORD_BYTES + 2  # the line, "\r\n", and one byte more
    while True:
        line = stream.readline(limit)
        if not line:
            return
        if len(line.rstrip(b"\r\n")) <= DEFAULT_MAX_RECORD_BYTES:
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(limit)
        yield None


def _over_limit() -> bytes:
    """A line that stands, in a chunk, for a line over the record limit: the reader fails it
    with the same message and number."""
    return b"x" * (DEFAULT_MAX_RECORD_BYTES + 1) + b"\n"
