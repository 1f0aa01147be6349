"""The ASGI application: routes, limits and problem answers (docs/serve.md).

:func:`create_app` builds a Starlette application for one process. Every conversion runs in a
worker thread of :class:`~credbridge.serve.runner.Conversions` within the request's deadline;
every error is an RFC 9457 problem (:mod:`credbridge.serve.problems`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..batch import BatchResult
from ..errors import CredbridgeError, UsageError
from ..formats import SNIFF_BYTES, Format
from ..plugin_manager import get_formats
from ..report import Report
from . import inspect, proofs
from .conversion import convert_documents, convert_stream, looks_like_lines, relabel
from .openapi import openapi_document
from .pages import page, problem_page, static_file
from .params import MATERIAL, Params, parse
from .problems import KINDS, Problem, from_error
from .responses import (
    REPORT_JSON,
    BodyStream,
    Multipart,
    aiter_blocks,
    disposition,
    json_bytes,
    json_response,
    problem_response,
    summary_headers,
)
from .runner import Conversions
from .settings import Settings
from .streams import (
    BodyLimit,
    BodyReader,
    BodyTooLarge,
    Cancelled,
    Deadline,
    PipeSink,
    ServiceTimeout,
    Sink,
    SpoolSink,
)

LOG = logging.getLogger("credbridge.serve")
LIMIT_KEY = "credbridge.limit"
Handler = Callable[[Request], Awaitable[Response]]
SMALL_ANSWER = 1 << 20
"""Outputs up to this size are answered in one piece; larger ones stream from the spool."""


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The service for one process (``settings``: the limits; default: those a parent
    ``credbridge serve`` handed down, else the defaults)."""
    service = Service(settings or Settings.from_env())
    return service.asgi()


def app_from_env() -> ASGIApp:
    """The factory uvicorn calls in each worker process of ``credbridge serve --workers N``
    (a process of its own: what it loads at start is frozen out of the garbage collector)."""
    return Service(Settings.from_env(), own_process=True).asgi()


class Service:
    """The handlers of one process and what they share (the settings, the threads)."""

    def __init__(self, settings: Settings, *, own_process: bool = False) -> None:
        self.settings = settings
        self.own_process = own_process
        self.conversions = Conversions(settings.max_conversions, settings.max_pending)
        self.schemas = _schemas_folder(settings.schemas)

    # --- the application ------------------------------------------------------------------

    def asgi(self) -> ASGIApp:
        """The Starlette application behind the body-limit wrapper."""
        routes = [
            Route("/convert", self.convert, methods=["POST"]),  # first: the most asked
            Route("/health", self.health, methods=["GET"]),
            Route("/", self.page, methods=["GET"]),
            Route("/docs", self.docs, methods=["GET"]),
            Route("/static/{name}", self.static, methods=["GET"]),
            Route("/problems/{name}", self.problem_page, methods=["GET"]),
            Route("/openapi.json", self.openapi, methods=["GET"]),
            Route("/formats", self.formats, methods=["GET"]),
            Route("/show", self.show, methods=["POST"]),
            Route("/check", self.check, methods=["POST"]),
            Route("/validate", self.validate, methods=["POST"]),
            Route("/detect", self.detect, methods=["POST"]),
            Route("/coverage", self.coverage, methods=["POST"]),
            Route("/verify", self.verify, methods=["POST"]),
        ]
        app = Starlette(routes=routes, lifespan=self.lifespan,
                        exception_handlers={Problem: _problem,
                                            HTTPException: _http_problem,
                                            Exception: _internal_problem})
        return _Limited(app, self.settings)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Load the plugins before the first request; stop the threads at the end. In a
        worker process of its own, what is loaded by then (modules, plugins, vocabularies)
        is moved out of the collector's sight (:func:`gc.freeze`): it lives as long as the
        process, and a full collection that walked it paused every request in the worker
        (about 0.1 s, measured)."""
        get_formats()
        if self.own_process:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            self.conversions.close()

    # --- pages and descriptions -------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        """The clerk's page."""
        return page("index.html")

    async def docs(self, request: Request) -> Response:
        """The API's documentation, drawn from /openapi.json (no CDN)."""
        return page("docs.html")

    async def static(self, request: Request) -> Response:
        """The page's scripts and style sheet."""
        return static_file(request.path_params["name"])

    async def problem_page(self, request: Request) -> Response:
        """What one problem type means (the target of a problem's ``type``)."""
        return problem_page(request.path_params["name"])

    async def openapi(self, request: Request) -> Response:
        """The OpenAPI 3.1 document, generated from the registered formats' options."""
        return Response(self._openapi_json, media_type=REPORT_JSON)

    async def formats(self, request: Request) -> Response:
        """``credbridge formats --json``."""
        _no_params(request, "GET /formats")
        return Response(self._formats_json, media_type=REPORT_JSON)

    # The formats and the settings of a process do not change once its plugins are loaded:
    # these answers are made once (the OpenAPI document took about 25 ms to generate).

    @cached_property
    def _openapi_json(self) -> bytes:
        return json_bytes(openapi_document(self.settings))

    @cached_property
    def _formats_json(self) -> bytes:
        return json_bytes([f.describe() for f in get_formats()])

    async def health(self, request: Request) -> Response:
        """Alive, the version, the limits and the conversions running now."""
        _no_params(request, "GET /health")
        c = self.conversions
        return json_response({
            "status": "ok", "version": __version__, "pid": os.getpid(),
            "formats": len(get_formats().names()),
            "conversions": {"running": c.running, "waiting": c.waiting, "done": c.done},
            "limits": {k: v for k, v in self.settings.public().items() if k != "schemas"},
            "validate": self.schemas is not None,
        })

    # --- conversions ------------------------------------------------------------------------

    async def convert(self, request: Request) -> Response:
        """``POST /convert?to=FMT``: the output and the report."""
        return await self._guarded(request, self._convert, None)

    async def show(self, request: Request) -> Response:
        """``POST /show``: the canonical JSON of the document (``credbridge show``)."""
        return await self._guarded(request, self._convert, ("from", "filename", "report",
                                                            "verify"))

    async def _convert(self, request: Request, allowed: tuple[str, ...] | None,
                       deadline: Deadline) -> Response:
        upload = await _Upload.receive(request, allowed, options=allowed is None,
                                       endpoint=request.scope["path"],
                                       material=("trust", "status_list") if allowed is None
                                       else ("trust",))
        params = upload.params
        if allowed is not None:
            params.to = "canonical"
        if not params.to:
            raise UsageError("name the output format with the to parameter (GET /formats "
                             "lists them)")
        target = get_formats().get(params.to, need="write")
        if params.validate:
            if self.schemas is None:
                upload.cleanup()
                raise Problem("schemas-unavailable", "this service has no official schemas to "
                              "validate outputs: start it with --schemas DIR (or run "
                              "'credbridge schemas fetch' on the server)")
            params.schemas = self.schemas
        try:
            if upload.files is not None:
                return await self._convert_files(upload, target, deadline)
            return await self._convert_body(request, upload, target, deadline)
        finally:
            upload.cleanup()

    async def _convert_files(self, upload: _Upload, target: Format,
                             deadline: Deadline) -> Response:
        """A multipart upload: the files saved, converted together as the CLI would."""
        params = upload.params
        paths = upload.save()
        sink = SpoolSink()
        name = upload.names[0] if len(upload.names) == 1 else None

        def work() -> BatchResult:
            return convert_documents(paths, params, sink, max_bytes=self.settings.max_body_bytes,
                                     input_name=name, from_format=params.from_format)

        result = await self._run(work, deadline, upload.prefix)
        return self._answer(result, sink, params, upload.prefix)

    async def _convert_body(self, request: Request, upload: _Upload, target: Format,
                            deadline: Deadline) -> Response:
        """A raw body: a CSV or JSON Lines body streams, any other is read whole."""
        params = upload.params
        limit: BodyLimit = request.scope[LIMIT_KEY]
        limit.limit = max(limit.limit, self.settings.max_stream_bytes)  # until it is known
        chunks = request.stream()
        head, ended = await _read_start(chunks)
        source = inspect.source_format(head, params.filename, params.from_format)
        streamed = getattr(source, "chunks", None) is not None and (
            source.many or (looks_like_lines(head) and not params.verify))
        # (proofs are checked on a document read whole, as the CLI reads JSON Lines)
        loop = asyncio.get_running_loop()
        if not streamed:
            limit.limit = self.settings.max_body_bytes
            _check_length(request, limit.limit)
            if limit.seen > limit.limit:
                limit.exceeded = True
                _check_limit(limit)
            data = head if ended else head + await _read_rest(chunks)
            sink = SpoolSink()

            def whole() -> BatchResult:
                return convert_documents([inspect.Named(data, params.filename)], params, sink,
                                         max_bytes=self.settings.max_body_bytes,
                                         input_name=params.filename, from_format=source.name)

            return self._answer(await self._run(whole, deadline), sink, params)
        limit.limit = self.settings.max_stream_bytes
        _check_length(request, limit.limit)
        reader = BodyReader(chunks, loop, deadline, head=head, ended=ended,
                            per_mark=max(self.settings.max_body_bytes, 1 << 20),
                            name=params.filename)
        by_chunks = target.json_lines and not target.many and not params.zip

        def streamed_work(out: Sink) -> Callable[[], BatchResult]:
            def work() -> BatchResult:
                try:
                    if by_chunks:
                        return convert_stream(reader, source, params, out,
                                              input_name=params.filename,
                                              chunk_records=self.settings.chunk_records)
                    return convert_documents([cast(IO[bytes], reader)], params, out,
                                             max_bytes=None,
                                             input_name=params.filename,
                                             from_format=source.name)
                finally:
                    out.close()
            return work

        if params.report == "multipart":
            return await self._stream_multipart(streamed_work, deadline, loop)
        sink = SpoolSink()
        result = await self._run(streamed_work(sink), deadline)
        _check_limit(limit)
        return self._answer(result, sink, params)

    async def _stream_multipart(self, make: Callable[[Sink], Callable[[], BatchResult]],
                                deadline: Deadline,
                                loop: asyncio.AbstractEventLoop) -> Response:
        """A streamed conversion answered as it goes: the output part, then the report part
        (or a problem part when the conversion fails after the answer began)."""
        sink = PipeSink(loop)
        task = asyncio.ensure_future(self._run(make(sink), deadline))
        while sink.started is None and not task.done():
            await _either(sink, task)
        if sink.started is None and task.exception() is not None:
            sink.release()
            raise task.exception()  # type: ignore[misc]
        multipart = Multipart()

        async def body() -> AsyncIterator[bytes]:
            offset = 0
            try:
                if sink.started is not None:
                    yield multipart.head("output", sink.started.media_type,
                                         sink.started.filename)
                while True:
                    if offset < sink.size:
                        data = sink.read_from(offset)
                        offset += len(data)
                        yield data
                    elif task.done():
                        break
                    else:
                        await _either(sink, task)
                try:
                    result = await task
                    policy = _policy(result)
                    name, value = ("problem", policy.to_dict()) if policy else \
                        ("report", result.to_dict())
                except Problem as problem:
                    name, value = "problem", problem.to_dict()
                if sink.started is not None:
                    yield multipart.between()
                yield multipart.head(name, "application/problem+json" if name == "problem"
                                     else "application/json")
                yield json_bytes(value)
                yield multipart.tail()
            finally:
                if task.done():
                    sink.release()
                else:  # the client went away: the conversion stops, then its file goes
                    deadline.stop(cancelled=True)
                    task.add_done_callback(lambda _task: sink.release())

        return BodyStream(body(), multipart.media_type)

    async def _run(self, work: Callable[[], BatchResult], deadline: Deadline,
                   prefix: str | None = None) -> BatchResult:
        """``work`` in a conversion thread; its credbridge errors become problems."""
        try:
            return await self.conversions.call(work, deadline)
        except BodyTooLarge as exc:
            raise Problem("too-large", exc.message) from None
        except ServiceTimeout as exc:
            raise Problem("timeout", exc.message) from None
        except CredbridgeError as exc:
            raise _relabelled(from_error(exc), prefix) from None

    def _answer(self, result: BatchResult, sink: SpoolSink, params: Params,
                prefix: str | None = None) -> Response:
        """The answer of a finished conversion in the mode the request asked for."""
        def report() -> dict[str, Any]:  # made only when it is sent (it costs more than a
            whole = result.to_dict()       # small conversion's HTTP answer)
            return relabel(whole, prefix) if prefix else whole

        headers = summary_headers(result)
        policy = _policy(result, report)
        if policy is not None:
            policy.headers.update(headers)
            raise policy
        if params.report == "only":
            return json_response(report(), headers=headers)
        small = sink.size <= SMALL_ANSWER
        if params.report == "multipart":
            multipart = Multipart()
            parts: list[tuple[str, str, str | None, Any]] = []
            if sink.size:
                parts.append(("output", sink.media_type, sink.filename,
                              [sink.getvalue()] if small else sink.chunks()))
            parts.append(("report", "application/json", None, [json_bytes(report())]))
            if small:
                return Response(b"".join(multipart.whole(parts)), 200, headers=headers,
                                media_type=multipart.media_type)
            return StreamingResponse(aiter_blocks(multipart.whole(parts)), 200,
                                     headers=headers, media_type=multipart.media_type)
        headers["Content-Disposition"] = disposition(sink.filename)
        if small:  # a plain answer: a streaming one costs more than small outputs take
            return Response(sink.getvalue(), 200, headers=headers, media_type=sink.media_type)
        headers["Content-Length"] = str(sink.size)
        return StreamingResponse(aiter_blocks(sink.chunks()), 200, headers=headers,
                                 media_type=sink.media_type)

    # --- the other commands -----------------------------------------------------------------

    async def check(self, request: Request) -> Response:
        """``POST /check``: the Annex I checklist (``credbridge check --json``)."""
        return await self._guarded(request, self._check, ("from", "filename"))

    async def _check(self, request: Request, allowed: tuple[str, ...], deadline: Deadline
                     ) -> Response:
        data, name, params = await _one_document(request, allowed)
        report = Report()

        def work() -> list[dict[str, Any]]:
            return inspect.check_document(data, name, params.from_format,
                                          self.settings.max_body_bytes, report)

        results = await self._call(work, deadline)
        negative = report.has_errors or any(not r["complete"] for r in results)
        headers = {"Credbridge-Exit-Code": "1" if negative else "0",
                   "Credbridge-Records": f"read={report.records_read}, written=0, "
                                         f"failed={report.records_failed}"}
        return json_response(results, headers=headers)

    async def validate(self, request: Request) -> Response:
        """``POST /validate``: against the official schemas (``credbridge validate --json``)."""
        return await self._guarded(request, self._validate, ("from", "filename"))

    async def _validate(self, request: Request, allowed: tuple[str, ...], deadline: Deadline
                        ) -> Response:
        data, name, params = await _one_document(request, allowed)
        folder = self.schemas
        if folder is None:
            raise Problem("schemas-unavailable", "this service has no official schemas: start "
                          "it with --schemas DIR (or run 'credbridge schemas fetch' on the "
                          "server)")

        def work() -> dict[str, Any]:
            return inspect.validate_document(data, name, params.from_format, folder)

        result = await self._call(work, deadline)
        return json_response(result, headers={
            "Credbridge-Exit-Code": "0" if result["valid"] else "1"})

    async def detect(self, request: Request) -> Response:
        """``POST /detect``: the format of the document (``credbridge detect --json``)."""
        return await self._guarded(request, self._detect, ("filename",))

    async def _detect(self, request: Request, allowed: tuple[str, ...], deadline: Deadline
                      ) -> Response:
        data, name, _params = await _one_document(request, allowed, whole=False)
        return json_response(inspect.detect(data, name))

    async def coverage(self, request: Request) -> Response:
        """``POST /coverage``: how every writable format carries each field it holds."""
        return await self._guarded(request, self._coverage, ("from", "filename"))

    async def _coverage(self, request: Request, allowed: tuple[str, ...], deadline: Deadline
                        ) -> Response:
        data, name, params = await _one_document(request, allowed)
        report = Report()

        def work() -> dict[str, Any]:
            return inspect.coverage(data, name, params.from_format,
                                    self.settings.max_body_bytes, report)

        return json_response(await self._call(work, deadline))

    async def verify(self, request: Request) -> Response:
        """``POST /verify``: every proof of each document checked offline (``credbridge
        verify --json``)."""
        return await self._guarded(request, self._verify, ("filename",))

    async def _verify(self, request: Request, allowed: tuple[str, ...], deadline: Deadline
                      ) -> Response:
        upload = await _Upload.receive(request, allowed, options=False,
                                       endpoint=request.scope["path"],
                                       material=("trust", "status_list", "payload"))
        try:
            if upload.files is None:
                documents = [(upload.params.filename or "-",
                              await _read_rest(request.stream()))]
            else:
                upload.save()
                documents = [(name, await file.read())
                             for name, file in zip(upload.names, upload.files, strict=True)]
            params, payload = upload.params, upload.payload

            def work() -> dict[str, Any]:
                return proofs.verify_documents(documents, params.trust, params.status_lists,
                                               payload)

            try:
                results = await self._call(work, deadline)
            except CredbridgeError as exc:
                raise _relabelled(from_error(exc), upload.prefix) from None
        finally:
            upload.cleanup()
        failed = [r for r in results.values() if "error" in r]
        if failed and len(failed) == len(results):  # nothing could be read: a problem
            name, first = next((n, r) for n, r in results.items() if "error" in r)
            raise Problem(first["kind"], first["error"],
                          {"exit_code": 2, "file": name,
                           "messages": [proofs.error_message(name, first["error"])]})
        for result in failed:
            del result["kind"]
        code = 2 if failed else 0 if all(r["verified"] for r in results.values()) else 1
        return json_response(results, headers={"Credbridge-Exit-Code": str(code)})

    async def _call(self, work: Callable[[], Any], deadline: Deadline) -> Any:
        try:
            return await self.conversions.call(work, deadline)
        except BodyTooLarge as exc:
            raise Problem("too-large", exc.message) from None
        except ServiceTimeout as exc:
            raise Problem("timeout", exc.message) from None

    async def _guarded(self, request: Request, handler: Callable[..., Awaitable[Response]],
                       allowed: tuple[str, ...] | None) -> Response:
        """Run a handler within the request's deadline; every error becomes a problem."""
        deadline = Deadline(self.settings.timeout_s)
        limit: BodyLimit = request.scope[LIMIT_KEY]
        try:
            return await handler(request, allowed, deadline)
        except Problem as raised:
            problem = raised if not limit.exceeded else Problem(
                "too-large", f"the request body is larger than the limit of {limit.limit:,} "
                "bytes")
            return problem_response(problem, request.url.path)
        except BodyTooLarge as exc:
            return problem_response(Problem("too-large", exc.message), request.url.path)
        except CredbridgeError as exc:
            if limit.exceeded:
                return problem_response(Problem("too-large", f"the request body is larger "
                                                f"than the limit of {limit.limit:,} bytes"),
                                        request.url.path)
            return problem_response(from_error(exc), request.url.path)
        except (ClientDisconnect, Cancelled):
            return Response(status_code=499)


# --- requests ---------------------------------------------------------------------------------


class _Upload:
    """What a request sent: its parameters, and the files of a multipart upload (``None``
    for a raw body, read later by the handler)."""

    def __init__(self, params: Params, files: list[UploadFile] | None,
                 material: dict[str, list[tuple[str, bytes]]] | None = None) -> None:
        self.params = params
        self.files = files
        self.material = material or {}
        """Trust material by field name (:data:`~credbridge.serve.params.MATERIAL`): the
        (file name, bytes) of each part."""
        self.names: list[str] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    async def receive(cls, request: Request, allowed: tuple[str, ...] | None, *,
                      options: bool, endpoint: str, material: tuple[str, ...] = ()
                      ) -> _Upload:
        """The parameters (query string, then form fields), the uploaded files and the
        trust material (the fields named in ``material``; any other field of
        :data:`~credbridge.serve.params.MATERIAL` is refused)."""
        # the pairs as Starlette's QueryParams parses them, without its dictionaries
        pairs = parse_qsl(request.scope["query_string"].decode("latin-1"),
                          keep_blank_values=True)
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            return cls(parse(pairs, allowed=allowed, options=options, endpoint=endpoint), None)
        _check_length(request, request.scope[LIMIT_KEY].limit)
        form = await request.form(max_files=1000, max_fields=1000)
        files: list[UploadFile] = []
        given: dict[str, list[tuple[str, bytes]]] = {}
        for key, value in form.multi_items():
            if key in MATERIAL:
                if key not in material:
                    valid = ", ".join(material) or "none"
                    raise UsageError(f"{endpoint} takes no field {key!r} (its trust fields: "
                                     f"{valid})")
                if isinstance(value, UploadFile):
                    await value.seek(0)
                    given.setdefault(key, []).append((value.filename or key,
                                                      await value.read()))
                    await value.close()
                else:
                    given.setdefault(key, []).append((key, value.encode("utf-8")))
            elif isinstance(value, UploadFile):
                files.append(value)
            else:
                pairs.append((key, value))
        if len(given.get("payload", ())) > 1:
            raise UsageError(f"{endpoint} takes one payload field")
        if not files:
            raise UsageError("the multipart upload holds no file (send the documents as "
                             "file fields)")
        return cls(parse(pairs, allowed=allowed, options=options, endpoint=endpoint), files,
                   given)

    @property
    def payload(self) -> bytes | None:
        """The detached payload given (``payload`` field), if any."""
        found = self.material.get("payload")
        return found[0][1] if found else None

    @property
    def prefix(self) -> str | None:
        """The temporary folder of the saved files, as messages would name it."""
        return self._tmp.name + os.sep if self._tmp is not None else None

    def save(self) -> list[str]:
        """The uploaded files in a temporary folder (each under its own name, made safe), so
        that documents given together complete each other as on the command line."""
        assert self.files is not None
        self._tmp = tempfile.TemporaryDirectory(prefix="credbridge-upload-")
        paths: list[str] = []
        for position, upload in enumerate(self.files, 1):
            name = _safe_name(upload.filename, position)
            while name in self.names:
                name = f"{position}-{name}"
            self.names.append(name)
            path = Path(self._tmp.name) / name
            upload.file.seek(0)
            with open(path, "wb") as out:
                shutil.copyfileobj(upload.file, out)
            upload.file.seek(0)
            paths.append(str(path))
        for key, folder, saved in (("trust", ".trust", self.params.trust),
                                   ("status_list", ".status-lists", self.params.status_lists)):
            for position, (filename, data) in enumerate(self.material.get(key, ()), 1):
                where = Path(self._tmp.name) / folder
                where.mkdir(exist_ok=True)
                name = _safe_name(filename, position)
                while str(where / name) in saved:
                    name = f"{position}-{name}"
                (where / name).write_bytes(data)
                saved.append(str(where / name))
        return paths

    def cleanup(self) -> None:
        """Remove the saved files and the spooled uploads."""
        for upload in self.files or []:
            upload.file.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _relabelled(problem: Problem, prefix: str | None) -> Problem:
    """``problem`` with the upload's temporary folder taken out of its texts."""
    if prefix:
        problem.detail = relabel(problem.detail, prefix)
        problem.extra = relabel(problem.extra, prefix)
    return problem


def _safe_name(filename: str | None, position: int) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename or "").name).strip("._")[:120]
    return base or f"upload-{position}"


async def _one_document(request: Request, allowed: tuple[str, ...], *, whole: bool = True
                        ) -> tuple[bytes, str | None, Params]:
    """The one document of a request (a raw body, or a multipart upload of one file)."""
    upload = await _Upload.receive(request, allowed, options=False, endpoint=request.scope["path"])
    try:
        if upload.files is None:
            chunks = request.stream()
            data = await _read_head(chunks) if not whole else await _read_rest(chunks)
            return data, upload.params.filename, upload.params
        if len(upload.files) != 1:
            raise UsageError(f"{request.url.path} takes one document (the upload holds "
                             f"{len(upload.files)} files)")
        file = upload.files[0]
        await file.seek(0)
        data = await file.read()
        return data, upload.params.filename or file.filename, upload.params
    finally:
        upload.cleanup()


async def _read_head(chunks: AsyncIterator[bytes]) -> bytes:
    """At least :data:`SNIFF_BYTES` of the body (all of it when shorter)."""
    return (await _read_start(chunks))[0]


async def _read_start(chunks: AsyncIterator[bytes]) -> tuple[bytes, bool]:
    """At least :data:`SNIFF_BYTES` of the body (all of it when shorter), and whether that
    is the whole body (a small one: its conversion need not ask the loop for more)."""
    head = bytearray()
    while len(head) < SNIFF_BYTES:
        try:
            head += await chunks.__anext__()
        except StopAsyncIteration:
            return bytes(head), True
    return bytes(head), False


async def _read_rest(chunks: AsyncIterator[bytes]) -> bytes:
    """The rest of the body (the body limit stops it)."""
    rest = bytearray()
    async for data in chunks:
        rest += data
    return bytes(rest)


async def _either(sink: PipeSink, task: asyncio.Future[BatchResult]) -> None:
    """Wait for more output or the end of the conversion."""
    waiter: asyncio.Future[None] = asyncio.ensure_future(sink.changed())
    waited: set[asyncio.Future[Any]] = {waiter, task}
    await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
    if not waiter.done():
        waiter.cancel()


def _check_length(request: Request, limit: int) -> None:
    """Refuse at once a body whose announced length is over the limit."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise Problem("too-large", f"the request body ({int(length):,} bytes) is larger than "
                      f"the limit of {limit:,} bytes")


def _check_limit(limit: BodyLimit) -> None:
    if limit.exceeded:
        raise Problem("too-large", f"the request body is larger than the limit of "
                      f"{limit.limit:,} bytes")


def _no_params(request: Request, endpoint: str) -> None:
    if request.query_params:
        name = next(iter(request.query_params))
        raise_problem = Problem("usage-error", f"{endpoint} takes no parameter {name!r}")
        raise raise_problem


def _policy(result: BatchResult,
            report_of: Callable[[], dict[str, Any]] | None = None) -> Problem | None:
    """The problem of a finished conversion the request must refuse: nothing converted (every
    record failed), or the failure policy hit (``strict``, ``fail_on``, ``fail_if_warnings``);
    ``report_of`` makes the report's JSON (only when there is a problem)."""
    counts = result.report
    if not (counts.records_failed and not counts.records_written) and not (
            result.failing or result.warnings_failed):
        return None
    report = report_of() if report_of is not None else result.to_dict()
    if counts.records_failed and not counts.records_written:
        errors = [m for m in report["messages"] if m.get("severity") == "error"]
        first = errors[0]["detail"] if errors else "every record failed"
        return Problem("records-failed", f"no record could be converted: {first}",
                       {"exit_code": 1, "messages": errors[:100], "report": report})
    if result.failing or result.warnings_failed:
        listed = ", ".join(f"{n} {code}" for code, n in sorted(result.failing.items()))
        detail = (f"the conversion has {listed} (fail_on/strict)" if listed else
                  "fail_if_warnings: the conversion has warnings")
        return Problem("failure-policy", detail, {"exit_code": 1, "report": report})
    return None


class _Limited:
    """The application behind a body limit: a body announced or sent past the largest limit
    is refused (413); handlers lower or raise the request's own :class:`BodyLimit`."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = BodyLimit(self.settings.max_body_bytes)
        scope[LIMIT_KEY] = limit
        await self.app(scope, limit.wrap(receive), send)


# --- errors outside the handlers --------------------------------------------------------------


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, request.url.path)


async def _http_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        problem = Problem("method-not-allowed", f"{request.method} is not allowed on "
                          f"{request.url.path}", headers=dict(exc.headers or {}))
    elif exc.status_code == 404:
        problem = Problem("not-found", f"no endpoint at {request.url.path} (GET /docs lists "
                          "them)")
    else:
        kind = next((k.name for k in KINDS.values() if k.status == exc.status_code),
                    "usage-error")
        problem = Problem(kind, str(exc.detail))
    return problem_response(problem, request.url.path)


async def _internal_problem(request: Request, exc: Exception) -> Response:
    LOG.error("internal error on %s %s: %s: %s", request.method, request.url.path,
              type(exc).__name__, exc)
    problem = Problem("internal-error", f"internal error: {type(exc).__name__} (please report "
                      "it with the request that caused it)")
    return problem_response(problem, request.url.path)


def _schemas_folder(explicit: str | None) -> Path | None:
    """The official schemas folder for /validate (``None``: validation unavailable)."""
    from ..schemas import locate

    try:
        found = locate(explicit)
    except UsageError:
        if explicit:
            raise
        return None
    return found[0] if found else None

