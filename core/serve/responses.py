"""How answers are made: the report as headers, multipart answers, problem answers."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from ..batch import BatchResult
from .problems import MEDIA_TYPE, Problem

REPORT_JSON = "application/json"


def summary_headers(result: BatchResult) -> dict[str, str]:
    """The report in brief, for every answer of a conversion: the CLI's exit code, the
    formats, the record counts and the number of messages per code (Structured Field
    dictionaries, RFC 8941)."""
    report = result.report
    headers = {
        "Credbridge-Exit-Code": str(result.exit_code),
        "Credbridge-Target-Format": result.target_format,
        "Credbridge-Records": f"read={report.records_read}, written={report.records_written}, "
                              f"failed={report.records_failed}",
    }
    if result.source_format:
        headers["Credbridge-Source-Format"] = result.source_format
    counts = report.counts()
    if counts:
        headers["Credbridge-Counts"] = ", ".join(f"{code}={n}" for code, n in counts.items())
    return headers


def disposition(filename: str, kind: str = "attachment") -> str:
    """A Content-Disposition value for ``filename`` (ASCII-safe: the names are made so)."""
    safe = filename.replace('"', "_").replace("\\", "_")
    return f'{kind}; filename="{safe}"'


def json_bytes(value: Any) -> bytes:
    """JSON as the CLI prints it (indented, UTF-8), with a final newline."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None,
                  media_type: str = REPORT_JSON) -> Response:
    """A JSON answer formatted as the CLI's ``--json`` output."""
    return Response(json_bytes(value), status, headers=headers, media_type=media_type)


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    """The ``application/problem+json`` answer of ``problem``."""
    headers = dict(problem.headers)
    return JSONResponse(problem.to_dict(instance), problem.status, headers=headers,
                        media_type=MEDIA_TYPE)


class Multipart:
    """A ``multipart/form-data`` answer: named parts, written as they come (RFC 7578; a
    browser reads it with ``Response.formData()``)."""

    def __init__(self) -> None:
        self.boundary = "credbridge-" + secrets.token_hex(16)

    @property
    def media_type(self) -> str:
        """The Content-Type of the answer."""
        return f"multipart/form-data; boundary={self.boundary}"

    def head(self, name: str, media_type: str, filename: str | None = None) -> bytes:
        """The delimiter and headers that open one part."""
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        return (f"--{self.boundary}\r\nContent-Disposition: {disp}\r\n"
                f"Content-Type: {media_type}\r\n\r\n").encode()

    def tail(self) -> bytes:
        """The closing delimiter."""
        return f"\r\n--{self.boundary}--\r\n".encode()

    def between(self) -> bytes:
        """The line break that ends a part's body before the next delimiter."""
        return b"\r\n"

    def whole(self, parts: Iterable[tuple[str, str, str | None, Iterable[bytes]]]
              ) -> Iterator[bytes]:
        """Every part in turn: (name, media type, file name, body blocks)."""
        first = True
        for name, media_type, filename, body in parts:
            if not first:
                yield self.between()
            first = False
            yield self.head(name, media_type, filename)
            yield from body
        yield self.tail()


async def aiter_blocks(blocks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """Blocks of an in-memory or spooled body, for a streaming answer."""
    for block in blocks:
        yield block


class BodyStream(Response):
    """An answer sent while the request body is still being read (a streamed conversion).

    Starlette's ``StreamingResponse`` listens for the client's disconnect by calling
    ``receive`` meanwhile, which would take the request body's messages from the conversion
    that reads them; this one only sends. A client that goes away stops the conversion at
    its deadline at the latest."""

    def __init__(self, body: AsyncIterator[bytes], media_type: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(None, 200, headers=headers, media_type=media_type)
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})
        async for block in self._body:
            await send({"type": "http.response.body", "body": block, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
