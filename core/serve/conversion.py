"""What a conversion request runs in its worker thread, on the batch engine.

- A document read whole (a JSON or XML body, or the files of a multipart upload) is one
  :class:`~credbridge.batch.Batch` run by :func:`~credbridge.batch.run`, exactly as
  ``credbridge convert`` runs it: to a stream for formats that hold many credentials in one
  output (JSON Lines, CSV), to a temporary directory for one-document formats (one file per
  credential, as ``-o DIR/``), which gives the document itself or a zip of them.
- A CSV or JSON Lines body is converted as it arrives: the format's splitter cuts it into
  chunks and each chunk is one unit of the engine (:func:`~credbridge.batch.convert_unit`,
  merged with :func:`~credbridge.batch.merge_part`), as ``--jobs`` does; the output is JSON
  Lines. Other targets of a streamed body go through :func:`~credbridge.batch.run` with the
  body as the input stream.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, cast

from ..batch import (
    Batch,
    BatchResult,
    InputLike,
    Unit,
    apply_failure_policy,
    convert_unit,
    fail_codes,
    make_policy,
    merge_part,
    run,
    validation_folder,
    with_text_lang,
)
from ..formats import Format
from ..options import resolve_options
from ..plugin_manager import get_formats
from ..report import Report
from .params import Params
from .streams import BodyReader, Sink, SpoolSink

JSON_LINES = "application/jsonl"
ZIP = "application/zip"


# --- names and media types ----------------------------------------------------------------


def output_name(input_name: str | None, target: Format, kind: str) -> str:
    """The file name of an output: the input's stem and the target's extension (``.jsonl``
    for JSON Lines, ``.zip`` for an archive)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(input_name or "").name).split(".", 1)[0]
    stem = stem.strip("._-") or ("credentials" if kind != "document" else "credential")
    exts = target.extensions
    if kind == "zip":
        return f"{stem}.zip"
    if kind == "lines":
        lines = [e for e in exts if e.endswith(".jsonl")]
        return stem + (lines[0] if lines else ".jsonl")
    return stem + (exts[0] if exts else "")


def media_type_of(target: Format, head: bytes) -> str:
    """The media type of one output document: an image when the writer baked one, else the
    format's first media type."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.lstrip()[:5] in (b"<svg ", b"<svg>") or b"<svg" in head[:256]:
        return "image/svg+xml"
    return target.media_types[0] if target.media_types else "application/octet-stream"


def one_document(target: Format) -> bool:
    """True when ``target`` holds one credential per document (several need a zip)."""
    return not (target.many or target.json_lines)


# --- documents read whole -----------------------------------------------------------------


def convert_documents(inputs: Sequence[InputLike], params: Params, sink: Sink, *,
                      max_bytes: int | None, input_name: str | None,
                      from_format: str | None) -> BatchResult:
    """Convert ``inputs`` with :func:`~credbridge.batch.run` and write the output to
    ``sink``: the engine's bytes for JSON Lines and CSV targets, else the one document, or a
    zip of one file per credential (``zip`` or several credentials)."""
    registry = get_formats()
    if not params.to:
        from ..errors import UsageError

        raise UsageError("name the output format with the to parameter (GET /formats lists "
                         "them)")
    target = registry.get(params.to, need="write")

    def batch(output: Any) -> Batch:
        return Batch(list(inputs), to=target.name, output=output, from_format=from_format,
                     options=params.options, strict=params.strict, fail_on=params.fail_on,
                     fail_if_warnings=params.fail_if_warnings, max_bytes=max_bytes,
                     strict_input=params.strict_input, text_lang=params.text_lang,
                     validate=params.validate, schemas=params.schemas,
                     verify=params.verify, trust=params.trust,
                     status_lists=params.status_lists)

    if not params.zip and target.many:
        sink.start(target.media_types[0] if target.media_types else "text/csv",
                   output_name(input_name, target, "document"))
        return run(batch(sink))
    if not params.zip and target.json_lines:
        # one credential is one (indented) document, several are JSON Lines: known once the
        # run is over, so the output is spooled (streamed bodies go to convert_stream)
        assert isinstance(sink, SpoolSink), "a JSON Lines target needs a spooled sink"
        result = run(batch(sink))
        if result.report.records_written == 1:
            sink.start(media_type_of(target, sink.head()), output_name(input_name, target,
                                                                      "document"))
        else:
            sink.start(JSON_LINES, output_name(input_name, target, "lines"))
        return result
    with tempfile.TemporaryDirectory(prefix="credbridge-serve-") as tmp:
        out = Path(tmp) / "out"
        result = run(batch(str(out) + os.sep))
        files = [Path(f) for f in result.written_files]
        if len(files) == 1 and not params.zip:
            data = files[0].read_bytes()
            sink.start(media_type_of(target, data[:512]),
                       output_name(input_name, target, "document"))
            sink.write(data)
        elif files:
            sink.start(ZIP, output_name(input_name, target, "zip"))
            write_zip(files, sink)
    return result


def write_zip(files: Sequence[Path], out: IO[bytes] | Sink) -> None:
    """A zip archive of ``files`` (by their names) written to ``out``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)


# --- a streamed body ------------------------------------------------------------------------


def convert_stream(reader: BodyReader, source: Format, params: Params, sink: Sink, *,
                   input_name: str | None, chunk_records: int) -> BatchResult:
    """Convert a body in ``source`` (a format that splits: CSV, JSON Lines) as it arrives:
    each chunk of ``chunk_records`` records is one unit of the engine; the output is JSON
    Lines, the report the merge of the units'."""
    registry = get_formats()
    assert params.to is not None
    target = registry.get(params.to, need="write")
    failing_codes = fail_codes(params.fail_on, params.strict)
    options = with_text_lang(resolve_options(list({f.name: f for f in (target, source)}
                                                  .values()), params.options),
                             params.text_lang)
    report = Report()
    result = BatchResult(report, target.name, [source.name])
    policy = make_policy(strict=params.strict, strict_input=params.strict_input,
                         text_lang=params.text_lang)
    folder = validation_folder(target, params.schemas) if params.validate else None
    splitter = source.chunks  # type: ignore[attr-defined]
    sink.start(JSON_LINES, output_name(input_name, target, "lines"))
    for data, offset in splitter(reader, chunk_records):
        reader.mark()
        part = convert_unit(Unit(data, input_name, source.name, target.name, options, offset,
                                 policy=policy, validate=folder))
        result.credentials += merge_part(part, report, cast(IO[bytes], sink))
    apply_failure_policy(result, failing_codes, params.fail_if_warnings)
    return result


def streams(source: Format, target: Format | None, params: Params, head: bytes) -> bool:
    """True when a body in ``source`` is converted by chunks as it arrives: the format
    splits (CSV always; a JSON format when the body is JSON Lines) and the target takes JSON
    Lines (CSV and one-document targets go through :func:`convert_documents`)."""
    if getattr(source, "chunks", None) is None or params.zip or target is None:
        return False
    if not target.json_lines or target.many:
        return False
    return source.many or looks_like_lines(head)


def looks_like_lines(head: bytes) -> bool:
    """True when ``head`` starts with a whole JSON object on its first line (JSON Lines)."""
    import json

    first, newline, _ = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")
    if not newline or first[:1] != b"{":
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def relabel(value: Any, prefix: str) -> Any:
    """``value`` (a report or problem as JSON) with the temporary folder of an upload taken
    out of every string: messages name the uploaded files as the client named them."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, list):
        return [relabel(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: relabel(v, prefix) for k, v in value.items()}
    return value
