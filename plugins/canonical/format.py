"""Reading and writing the canonical JSON form of :class:`~credbridge.model.MicroCredential`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, ClassVar

from credbridge.coverage import everything
from credbridge.errors import InputError, LimitExceededError
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
        ``ctx.record`` is the position in the array or the line (``line 3``)."""
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
            stream)  # type: ignore[type-var]
        first = buffered.peek(1)[:1]
        while first in (b" ", b"\t", b"\r", b"\n", b"\xef"):
            if first == b"\xef":
                buffered.read(3)
            else:
                buffered.read(1)
            first = buffered.peek(1)[:1]
        try:
            if first == b"[":
                yield from self._from_values(
                    load_json(buffered.read(), what="canonical JSON"), ctx)
            else:
                yield from self._read_lines(buffered, ctx)
        finally:
            ctx.record = None

    def _from_values(self, value: Any, ctx: Context) -> Iterator[MicroCredential]:
        items = value if isinstance(value, list) else [value]
        for position, item in enumerate(items, start=1):
            ctx.record = position
            cred = self._build(item, ctx)
            if cred is not None:
                yield cred

    def _read_lines(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """JSON Lines, or one (possibly pretty-printed) object: decided by the first line."""
        first_line = stream.readline(DEFAULT_MAX_RECORD_BYTES + 1)
        try:
            json.loads(first_line)
            is_lines = True
        except ValueError:
            is_lines = False
        if not is_lines:
            data = first_line + stream.read()
            yield from self._from_values(load_json(data, what="canonical JSON"), ctx)
            return
        line_no = ctx.record_offset  # lines of earlier chunks of a split batch
        line = first_line
        while line:
            line_no += 1
            if len(line) > DEFAULT_MAX_RECORD_BYTES:
                raise LimitExceededError(
                    f"line {line_no} is longer than {DEFAULT_MAX_RECORD_BYTES:,} bytes",
                    record=f"line {line_no}")
            if line.strip():
                ctx.record = f"line {line_no}"
                try:
                    value = load_json(line.rstrip(b"\r\n"), what="JSON line")
                except InputError as exc:
                    # the record is the line: give the column only ("at line 1, column 9"
                    # inside "line 2" would send the reader to the wrong line)
                    detail = re.sub(r" at line 1, column (\d+)$", r" at column \1", exc.message)
                    ctx.failed(detail)
                else:
                    cred = self._build(value, ctx)
                    if cred is not None:
                        yield cred
            line = stream.readline(DEFAULT_MAX_RECORD_BYTES + 1)

    def _build(self, value: Any, ctx: Context) -> MicroCredential | None:
        """The credential of one value (``ctx.record`` names it), or ``None`` (reported)."""
        if not isinstance(value, dict):
            ctx.failed("a canonical credential must be a JSON object")
            return None
        return self.build(value, ctx)

    def chunks(self, stream: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
        """JSON Lines split into chunks of ``size`` lines with the number of lines before each;
        a single JSON document (object or array) is one chunk."""
        first = stream.readline(DEFAULT_MAX_RECORD_BYTES + 1)
        if first.lstrip()[:1] == b"[" or not _is_json_line(first):
            yield first + stream.read(), 0
            return
        batch = [first]
        offset = 0
        for line in iter(lambda: stream.readline(DEFAULT_MAX_RECORD_BYTES + 1), b""):
            if len(batch) == size:
                yield b"".join(batch), offset
                offset += size
                batch = []
            batch.append(line)
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


def _is_json_line(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True
