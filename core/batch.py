"""The batch engine: the one conversion loop behind the library, the CLI, ``--jobs``, dask and
the HTTP service.

A :class:`Batch` names the inputs (paths, directories, ``-``, bytes or streams), the target,
the output (``None`` for bytes, ``-``, a file, or a directory for one file per credential), the
options and the failure policy; :func:`run` converts it and returns a :class:`BatchResult`
with the report and the exit status a script can trust (``0`` success, ``1`` a negative
answer). Errors of the call itself (unknown format or option, missing file, a single input that
cannot be read) raise :class:`~credbridge.errors.CredbridgeError` (exit code 2).

The unit of work below the batch is :func:`convert_unit`: one input (or one self-contained
chunk of a CSV or JSON Lines input) read and written in one go, returning a :class:`Part`.
Worker processes (``--jobs``) and dask partitions run exactly this function, and the parent
merges parts with :func:`merge_part`, so every path gives the same bytes and the same report.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .context import Context, Policy, Source
from .coverage import declared_prefixes, report_coverage
from .errors import CredbridgeError, InputError, RecordsFailedError, UsageError
from .formats import SNIFF_BYTES, Format
from .options import FormatOptions, OptionsInput, resolve_options
from .outputs import NameLedger, OutputExistsError, OutputFile, atomic_file, check_target
from .plugin_manager import get_formats
from .report import Code, Message, Report, Severity
from .safety import DEFAULT_MAX_BYTES, LIMITS_KEY, LimitedReader, Limits, PrefixedReader

if TYPE_CHECKING:
    from .mapping import Mapping
    from .model import MicroCredential
    from .progress import Progress

InputLike = str | os.PathLike[str] | bytes | IO[bytes]
OutputLike = str | os.PathLike[str] | IO[bytes] | None
MaxBytes = int | str | None
"""A size limit: bytes, ``"default"`` (64 MiB per one-document input, none for streamed
formats), or ``None`` for no limit."""

CHUNK_RECORDS = 2000
"""Records per chunk when ``--jobs`` splits a CSV or JSON Lines input."""


# --- inputs ----------------------------------------------------------------------------------


def input_name(source: InputLike) -> str | None:
    """The name messages give an input: its path, ``-``, a stream's name, or ``None``."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    if isinstance(source, bytes):
        return None
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def expand_inputs(inputs: Iterable[InputLike], *, recursive: bool = False) -> list[InputLike]:
    """Inputs as given; a directory stands for the non-hidden files in it, sorted (and, with
    ``recursive``, those of its sub-directories)."""
    out: list[InputLike] = []
    for item in inputs:
        if isinstance(item, str | os.PathLike) and os.fspath(item) != "-" \
                and os.path.isdir(item):
            root = Path(item)
            found = root.rglob("*") if recursive else root.iterdir()
            out.extend(str(p) for p in sorted(found)
                       if p.is_file() and not any(part.startswith(".")
                                                  for part in p.relative_to(root).parts))
        else:
            out.append(item)
    return out


def open_input(source: InputLike, stack: ExitStack) -> IO[bytes]:
    """A binary stream of ``source``; a missing or unreadable file is an :class:`InputError`."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return sys.stdin.buffer
        try:
            return stack.enter_context(open(path, "rb"))
        except FileNotFoundError:
            raise InputError("no such file", file=path) from None
        except IsADirectoryError:
            raise InputError("is a directory (convert takes the files in it)", file=path) \
                from None
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    return source


def detect_format(source: InputLike) -> Format:
    """The format of ``source`` (by extension, else by content)."""
    with ExitStack() as stack:
        head = open_input(source, stack).read(SNIFF_BYTES)
        return get_formats().detect(head, input_name(source))


def _limit(fmt: Format, max_bytes: MaxBytes) -> int | None:
    if max_bytes == "default":
        return None if fmt.many else DEFAULT_MAX_BYTES
    return max_bytes if isinstance(max_bytes, int) else None


# --- reading and writing with a context ------------------------------------------------------


@dataclass
class Item:
    """A credential on its way from a reader to a writer, with where it came from."""

    credential: MicroCredential
    source: Source
    file: str | None
    label: str | int
    """How messages name the record: the credential's id, else the reader's label
    (``row 3``), else its position in the input."""


@dataclass
class Session:
    """What the inputs and outputs of one batch share: the options of every format involved,
    the report, the list of inputs given together, one scratch dict and the progress line."""

    options: dict[str, FormatOptions]
    report: Report = field(default_factory=Report)
    documents: tuple[str, ...] = ()
    scratch: dict[Any, Any] = field(default_factory=dict)
    progress: Progress | None = None
    max_bytes: MaxBytes = "default"
    policy: Policy = field(default_factory=Policy)
    validate: Path | None = None
    """The schemas folder each output is validated against before it is written (``None``:
    outputs are not validated)."""
    mapping: Mapping | None = None
    """The user's mapping overrides of JSON formats (``--map``, :mod:`credbridge.mapping`)."""
    trust: Any = None
    """``--verify``: the :class:`~credbridge.trust.TrustStore` each input's proofs are checked
    with (``None``: proofs are only recorded)."""
    signer: Any = None
    """``--sign``: the :class:`~credbridge.trust.sign.Signer` of the outputs."""
    status_lists: Any = None
    """``--status-list``: the status list credentials by id (``None``: statuses unchecked)."""

    def options_for(self, fmt: Format) -> FormatOptions:
        """The options of ``fmt`` (its defaults when the batch gave none)."""
        found = self.options.get(fmt.name)
        return found if found is not None else fmt.Options()


def read_items(
    source: InputLike, fmt: Format | None, session: Session, *, record_offset: int = 0
) -> Iterator[Item]:
    """The credentials of one input, each with its provenance; bad records are reported in
    ``session.report`` and skipped; an unreadable document raises :class:`InputError`."""
    name = input_name(source)
    with ExitStack() as stack:
        raw = open_input(source, stack)
        head = raw.read(SNIFF_BYTES)
        if fmt is None:
            fmt = get_formats().detect(head, name)
        progress = session.progress
        limited = LimitedReader(PrefixedReader(head, raw),  # type: ignore[arg-type]
                                _limit(fmt, session.max_bytes), name, progress)
        data: bytes | None = None
        if fmt.many:
            stream: IO[bytes] = io.BufferedReader(limited)
        else:  # one document: read whole (within the limit), kept for ctx.source
            data = limited.readall()
            stream = io.BytesIO(data)
        src = Source(name, fmt.name, data)
        if session.trust is not None and data is not None:
            from .trust.proofs import report_proofs

            report_proofs(data, session.trust, Context(
                format=fmt.name, options=session.options_for(fmt), report=session.report,
                file=name), session.status_lists)
        ctx = Context(format=fmt.name, options=session.options_for(fmt), report=session.report,
                      source=src, file=name, documents=session.documents,
                      record_offset=record_offset, scratch=session.scratch,
                      policy=session.policy)
        position = record_offset
        mapping = session.mapping
        rules = mapping.for_reading(fmt.name) if mapping is not None else ()
        try:
            for cred in fmt.read(stream, ctx):
                if rules:
                    from .mapping import apply_on_read

                    assert mapping is not None
                    cred = apply_on_read(cred, rules, mapping, ctx)
                position += 1
                session.report.records_read += 1
                label = cred.id or (ctx.record if ctx.record is not None else position)
                yield Item(cred, src, name, label)
        except CredbridgeError as exc:
            raise exc.with_context(file=name) from None


def write_items(
    items: Iterable[Item], stream: IO[bytes], fmt: Format, session: Session, *,
    destination: str | None = None, json_lines: bool = False,
) -> None:
    """Write ``items`` with ``fmt``: before each credential the fields the format does not
    declare are reported, and the writer's context names the credential's file and record."""
    ctx = Context(format=fmt.name, options=session.options_for(fmt), report=session.report,
                  documents=session.documents, json_lines=json_lines, destination=destination,
                  scratch=session.scratch, policy=session.policy)
    prefixes = declared_prefixes(fmt.fields)
    signed = session.signer.wrap(stream, ctx) if session.signer is not None else None
    if signed is not None:  # the writer's output is held back and signed when it is done
        stream = signed.buffer
    edit = None
    if session.mapping is not None and session.mapping.for_writing(fmt.name):
        from .mapping import OutputEdit  # the output is held back and edited (docs/mapping.md)

        edit = OutputEdit(session.mapping, session.mapping.for_writing(fmt.name), stream, ctx)
        stream = edit.buffer

    report = session.report
    # records handed to the writer, and failures that were not the writer's (a record the
    # reader could not read, an output that failed --validate)
    counts = {"handed": 0, "not_writer": 0}

    def checked() -> Iterator[MicroCredential]:
        source = iter(items)
        while True:
            before = report.records_failed
            item = next(source, None)
            if item is None:
                counts["not_writer"] += report.records_failed - before
                break
            ctx.source, ctx.file, ctx.record = item.source, item.file, item.label
            if signed is not None:  # which source each signed document has (--embed-source)
                signed.note(item.source, item.label, item.credential.id)
            report_coverage(item.credential, fmt.fields, ctx, prefixes)
            valid = session.validate is None or _valid_output(item, fmt, ctx,
                                                              session.validate)
            counts["not_writer"] += report.records_failed - before
            if not valid:
                continue
            failed = report.records_failed
            counts["handed"] += 1
            yield item.credential
            if report.records_failed == failed:  # a writer that refuses it says so (failed)
                report.records_written += 1
                if edit is not None:
                    edit.written(item.credential, item.label)
        ctx.record = None

    written_before, failed_before = report.records_written, report.records_failed
    fmt.write(checked(), stream, ctx)
    # A writer that groups the records of one document (ELM, EDC XML) asks for the next record
    # before it refuses the document, so a refused record may have been counted written: each
    # failure of the writer is the refusal of one record it was handed.
    refused = report.records_failed - failed_before - counts["not_writer"]
    report.records_written = written_before + max(0, counts["handed"] - refused)
    if edit is not None:
        edit.finish()
    if signed is not None:
        signed.finish()


def _valid_output(item: Item, fmt: Format, ctx: Context, folder: Path) -> bool:
    """Whether ``fmt``'s output for ``item`` alone passes the format's official validator;
    when it does not, the record fails naming the rule (the trial's own messages are not
    reported: the real write reports them)."""
    trial = Context(format=fmt.name, options=ctx.options, source=item.source, file=item.file,
                    record=item.label, documents=ctx.documents, policy=ctx.policy,
                    scratch=dict(ctx.scratch))
    buffer = io.BytesIO()
    fmt.write(iter([item.credential]), buffer, trial)
    if trial.report.has_errors:
        return True  # the writer refuses it: the real write reports why
    problems = fmt.validate(buffer.getvalue(), folder)
    if not problems:
        return True
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    ctx.failed(f"not written: the {fmt.name} output is not valid: {problems[0]}{more}")
    return False


def validation_folder(fmt: Format, schemas: str | os.PathLike[str] | None) -> Path:
    """The schemas folder that ``--validate`` checks ``fmt``'s outputs against; a format
    without a validator, or a folder that lacks its artefacts, is a usage error."""
    from .schemas import check_folder, find_schemas

    if not fmt.can_validate:
        raise UsageError(f"--validate: credbridge has no validator for format {fmt.name}")
    folder = find_schemas(schemas)
    check_folder(fmt.name, folder)
    return folder


def bare_items(credentials: Iterable[MicroCredential]) -> Iterator[Item]:
    """Credentials given by a caller (no input document) as items."""
    for position, cred in enumerate(credentials, start=1):
        yield Item(cred, Source(None, "canonical"), None, cred.id or position)


@contextmanager
def atomic_output(path: Path, *, replace: bool = True) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only when the block completes: written to a
    temporary file that ``mkstemp`` makes beside it and renamed, so an interrupted run never
    leaves a truncated file that looks complete; a symbolic link at ``path`` is refused, never
    followed (:mod:`credbridge.outputs`)."""
    with atomic_file(path, replace=replace) as out:
        yield out


# --- the unit of work ------------------------------------------------------------------------


@dataclass
class Part:
    """The converted bytes of one unit (an input, or a chunk of one) and its report."""

    data: bytes = b""
    messages: list[Message] = field(default_factory=list)
    read: int = 0
    written: int = 0
    failed: int = 0
    overflow: dict[tuple[str, str, str, str], int] = field(default_factory=dict)


@dataclass
class Unit:
    """One self-contained piece of input to convert (picklable: sent to workers)."""

    data: bytes | None
    """The chunk's bytes, or ``None`` to read ``path``."""
    path: str | None
    source_format: str
    target_format: str
    options: dict[str, FormatOptions]
    record_offset: int = 0
    documents: tuple[str, ...] = ()
    max_bytes: MaxBytes = "default"
    limits: Limits | None = None
    """The batch's budgets (``None``: the defaults of :mod:`credbridge.safety`)."""
    policy: Policy = field(default_factory=Policy)
    validate: Path | None = None
    """The schemas folder outputs are validated against (``Session.validate``)."""
    mapping: Mapping | None = None


def convert_unit(unit: Unit) -> Part:
    """Convert one unit to JSON Lines (or the target's many-record form); a unit that cannot be
    read at all is one failed record of its file, never an exception."""
    registry = get_formats()
    source, target = registry.get(unit.source_format), registry.get(unit.target_format)
    session = Session(unit.options, documents=unit.documents,
                      max_bytes=None if unit.data is not None else unit.max_bytes,
                      policy=unit.policy, validate=unit.validate, mapping=unit.mapping)
    if unit.limits is not None:
        session.scratch[LIMITS_KEY] = unit.limits
    buffer = io.BytesIO()
    if unit.data is not None:
        stream: InputLike = _Named(unit.data, unit.path)
    else:
        stream = unit.path or "-"
    try:
        write_items(read_items(stream, source, session, record_offset=unit.record_offset),
                    buffer, target, session, json_lines=True)
    except CredbridgeError as exc:
        exc.with_context(file=unit.path)
        fail_input(session.report, exc)
        buffer = io.BytesIO()
    report = session.report
    return Part(buffer.getvalue(), report.messages, report.records_read,
                report.records_written, report.records_failed, dict(report.overflow))


class _Named(io.BytesIO):
    """Bytes that carry the name of the file they were cut from."""

    def __init__(self, data: bytes, name: str | None) -> None:
        super().__init__(data)
        self.name = name


def merge_part(part: Part, report: Report, out: IO[bytes]) -> int:
    """Append a converted part to ``out`` and its messages and counts to ``report``."""
    out.write(part.data)
    for m in part.messages:
        report.add_message(m)
    report.absorb_overflow(part.overflow)
    report.records_read += part.read
    report.records_written += part.written
    report.records_failed += part.failed
    return part.written


def fail_input(report: Report, exc: CredbridgeError) -> None:
    """An input of a batch that cannot be read: one error naming it, and the batch goes on."""
    report.add(Code.INVALID_RECORD, exc.message, file=exc.file, record=exc.record,
               field=exc.field)
    report.records_failed += 1


def units(paths: Sequence[str], from_format: str | None, to: str,
          options: dict[str, FormatOptions], max_bytes: MaxBytes,
          documents: tuple[str, ...] = ()) -> Iterator[Unit]:
    """The units of work of ``paths``: chunks of ``CHUNK_RECORDS`` records for formats that
    split (``Format.chunks``), else one unit per file."""
    registry = get_formats()
    for path in paths:
        if path == "-":
            raise UsageError("--jobs reads files, not standard input")
        try:
            with open(path, "rb") as raw:
                fmt = registry.get(from_format, need="read") if from_format else \
                    registry.detect(raw.read(SNIFF_BYTES), path)
                raw.seek(0)
                splitter = getattr(fmt, "chunks", None)
                if splitter is None:
                    yield Unit(None, path, fmt.name, to, options, 0, documents, max_bytes)
                    continue
                for data, offset in splitter(raw, CHUNK_RECORDS):
                    yield Unit(data, path, fmt.name, to, options, offset, documents, max_bytes)
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror}", file=path) from None


# --- the batch -------------------------------------------------------------------------------


@dataclass
class Batch:
    """A conversion of one or many inputs; see :func:`run`."""

    inputs: Sequence[InputLike]
    to: str | None = None
    """The target format; ``None`` infers it from ``output``'s extension when unambiguous."""
    output: OutputLike = None
    """``None``: return the bytes; ``"-"``: stdout; a path: one file; a directory (existing,
    or a path ending in ``/``): one file per credential."""
    from_format: str | None = None
    options: OptionsInput = None
    recursive: bool = False
    stop_on_error: bool = False
    """Stop at the first bad record and write nothing anywhere (outputs are staged and
    committed only when every record converted)."""
    force: bool = False
    """Replace files that exist in an output directory (``-o DIR``); without it such a
    credential is a failed record and the file is left as it was."""
    list_files: bool = True
    """Name each file written in ``BatchResult.written_files``; the command line says
    ``False``, so that ``-o DIR`` of a million credentials keeps no list of a million paths."""
    strict: bool = False
    """Fail (exit status 1) when anything was dropped: ``fail_on`` with ``dropped``; writers
    also refuse to default a property the target requires (``Policy.strict``)."""
    strict_input: bool = False
    """What a schema forbids in an input fails the record (``Policy.strict_input``)."""
    text_lang: str | None = None
    """The language for texts of unknown language (``Policy.text_lang``)."""
    validate: bool = False
    """Check each output against the target's official schema or shapes before it is written;
    an invalid one is a failed record naming the rule (the batch goes on)."""
    schemas: str | os.PathLike[str] | None = None
    """The schemas folder for ``validate`` (default: ``$CREDBRIDGE_SCHEMAS``, else the user
    cache that ``credbridge schemas fetch`` fills)."""
    fail_on: Collection[str] = ()
    fail_if_warnings: bool = False
    jobs: int = 1
    max_bytes: MaxBytes = "default"
    limits: Limits | None = None
    """The budgets every reader works within (``None``: the defaults of
    :mod:`credbridge.safety`; docs/security.md)."""
    progress: Progress | None = None
    mapping: Mapping | str | os.PathLike[str] | None = None
    """Mapping overrides for JSON formats: a :class:`~credbridge.mapping.Mapping` or the path
    of its TOML file (``--map``, docs/mapping.md)."""
    verify: bool = False
    """Check the proofs of every input offline and report each (docs/trust.md)."""
    trust: Sequence[str | os.PathLike[str]] = ()
    """Key and trust-anchor files for ``verify`` (DID documents, JWK sets, PEM certificates)."""
    sign: str | os.PathLike[str] | None = None
    """A private key file (PEM or JWK): every output is signed with it (docs/trust.md)."""
    cert: str | os.PathLike[str] | None = None
    """The signer's certificate chain (PEM), for a JAdES seal."""
    sign_suite: str | None = None
    """The proof suite of ``sign`` (default: the target's first, e.g. eddsa-rdfc-2022)."""
    status_lists: Sequence[str | os.PathLike[str]] = ()
    """Status list credentials for ``verify``: each input's status entries are looked up in
    them offline and reported."""


@dataclass
class BatchResult:
    """What :func:`run` returns."""

    report: Report
    target_format: str
    source_formats: list[str] = field(default_factory=list)
    output: bytes | None = None
    """The output bytes when the batch had no ``output``."""
    written_files: list[str] = field(default_factory=list)
    credentials: int = 0
    failing: dict[str, int] = field(default_factory=dict)
    """The ``fail_on`` codes the report holds, with their counts."""
    warnings_failed: bool = False

    @property
    def source_format(self) -> str | None:
        """The source format when every input had the same one."""
        return self.source_formats[0] if len(set(self.source_formats)) == 1 else None

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.report.has_errors

    @property
    def exit_code(self) -> int:
        """0 when every record was converted and no failure policy was hit, else 1."""
        return 0 if self.ok and not self.failing and not self.warnings_failed else 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: the source and target formats, counts and messages."""
        return {"source_format": self.source_format, "target_format": self.target_format,
                **self.report.to_dict()}


def fail_codes(fail_on: Collection[str], strict: bool) -> set[str]:
    """The codes that make a batch fail; unknown codes are a usage error."""
    codes = {c.strip() for c in fail_on if c.strip()}
    if strict:
        codes.add(str(Code.DROPPED))
    known = {str(c) for c in Code}
    unknown = codes - known
    if unknown:
        raise UsageError(f"--fail-on: unknown code(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(sorted(known))}")
    return codes


def infer_target(output: OutputLike) -> str:
    """The format named by ``output``'s extension; a usage error when none or several match."""
    if not isinstance(output, str | os.PathLike) or os.fspath(output) in ("-", ""):
        raise UsageError("name the output format with --to (see 'credbridge formats')")
    path = os.fspath(output)
    writable = [f for f in get_formats() if f.can_write]
    lower = Path(path).name.lower()
    matches = [(len(e), f.name) for f in writable for e in f.extensions
               if lower.endswith(e.lower())]
    best = max((n for n, _ in matches), default=0)
    names = sorted({name for n, name in matches if n == best})
    if len(names) == 1:
        return names[0]
    if names:
        raise UsageError(f"-o {path}: the extension fits several formats ({', '.join(names)}); "
                         "name one with --to")
    raise UsageError(f"-o {path}: no format writes this extension; name one with --to")


def _is_dir_output(output: OutputLike) -> bool:
    if not isinstance(output, str | os.PathLike):
        return False
    path = os.fspath(output)
    return path != "-" and (path.endswith(("/", os.sep)) or os.path.isdir(path))


def policy_of(batch: Batch) -> Policy:
    """The :class:`Policy` every format of ``batch`` works under."""
    return make_policy(strict=batch.strict, strict_input=batch.strict_input,
                       text_lang=batch.text_lang)


def with_text_lang(options: dict[str, FormatOptions], text_lang: str | None
                   ) -> dict[str, FormatOptions]:
    """``options`` where a format with its own ``text_lang`` option (the language of CSV and
    spreadsheet plain text columns) that was not given one takes the batch's ``--text-lang``."""
    if not text_lang:
        return options
    lang = make_policy(text_lang=text_lang).text_lang
    return {name: opts.model_copy(update={"text_lang": lang})
            if "text_lang" in type(opts).model_fields and getattr(opts, "text_lang", None) is None
            else opts for name, opts in options.items()}


def make_policy(*, strict: bool = False, strict_input: bool = False,
                text_lang: str | None = None) -> Policy:
    """A :class:`Policy`; a ``text_lang`` that is not a language tag is a usage error."""
    from .vocab import language_code

    if text_lang is not None:
        try:
            text_lang = language_code(text_lang, field="--text-lang")
        except CredbridgeError as exc:
            raise UsageError(f"--text-lang: {exc.message}") from None
    return Policy(strict=strict, strict_input=strict_input, text_lang=text_lang)


def run(batch: Batch) -> BatchResult:
    """Convert a batch; see the module docstring. The returned result's ``exit_code`` is what
    a command line should exit with; errors of the call itself raise."""
    registry = get_formats()
    to = batch.to or infer_target(batch.output)
    target = registry.get(to, need="write")
    source = registry.get(batch.from_format, need="read") if batch.from_format else None
    failing_codes = fail_codes(batch.fail_on, batch.strict)
    inputs = expand_inputs(batch.inputs, recursive=batch.recursive)
    if not inputs:
        raise UsageError("no input files (the directories given hold none)")
    from .trust.evidence import take_option  # ob3/clr --embed-source: done after the writer

    given, embed_source = take_option(batch.options, target.name,
                                      "embed_source" in target.Options.model_fields)
    # the inputs' formats are told in advance only to check options meant for them (a reader
    # without any keeps its defaults): each file would otherwise be detected twice
    told = source is not None or not (given or batch.text_lang)
    involved = [target] + ([source] if source else [] if told else _detectable(inputs))
    options = with_text_lang(resolve_options(_unique(involved), given), batch.text_lang)
    paths = tuple(os.fspath(p) for p in inputs if isinstance(p, str | os.PathLike))
    session = Session(options, documents=paths, progress=batch.progress,
                      max_bytes=batch.max_bytes, policy=policy_of(batch),
                      validate=validation_folder(target, batch.schemas) if batch.validate
                      else None, mapping=_mapping(batch.mapping))
    if batch.limits is not None:  # readers find them with safety.limits_of(ctx)
        session.scratch[LIMITS_KEY] = batch.limits
    _trust_session(batch, target, session, embed_source)
    result = BatchResult(session.report, target.name)
    if batch.jobs > 1:
        _run_parallel(batch, inputs, source, target, session, result)
    else:
        _run_serial(batch, inputs, source, target, session, result)
    if batch.progress is not None:
        batch.progress.close()
    apply_failure_policy(result, failing_codes, batch.fail_if_warnings)
    return result


def apply_failure_policy(result: BatchResult, failing_codes: Collection[str],
                         fail_if_warnings: bool) -> None:
    """Set ``result.failing`` and ``result.warnings_failed`` from its report (the batch's
    ``--fail-on``/``--strict`` codes, see :func:`fail_codes`, and ``--fail-if-warnings``):
    every caller of the engine (the CLI, the library, ``serve``) decides the same way."""
    counts = result.report.counts()
    result.failing = {c: n for c, n in counts.items() if c in failing_codes}
    result.warnings_failed = fail_if_warnings and any(
        k[0] != Severity.INFO for k, _n in result.report.grouped())


def _trust_session(batch: Batch, target: Format, session: Session,
                   embed_source: bool = False) -> None:
    """``verify``/``sign``/``embed_source`` (ob3, clr): the trust store and the signer,
    checked before anything is read."""
    if batch.sign is None and (batch.cert or batch.sign_suite):
        raise UsageError("--cert and --sign-suite go with --sign KEY")
    if not (batch.verify or batch.trust or batch.sign or batch.status_lists or embed_source):
        return
    if batch.jobs > 1:
        raise UsageError("--verify, --sign and --embed-source work with --jobs 1")
    from .trust import load_trust
    from .trust.sign import Signer

    if batch.verify or batch.trust or batch.status_lists:
        session.trust = load_trust(batch.trust)
    if batch.status_lists:
        from .trust.status import load_status_lists

        session.status_lists = load_status_lists(batch.status_lists, session.trust)
    if batch.sign is not None or embed_source:
        session.signer = Signer.make(os.fspath(batch.sign) if batch.sign is not None else None,
                                     target.name, batch.sign_suite,
                                     os.fspath(batch.cert) if batch.cert else None,
                                     embed_source=embed_source)


def _mapping(given: Mapping | str | os.PathLike[str] | None) -> Mapping | None:
    """The batch's mapping, read from its file when a path is given."""
    if given is None or not isinstance(given, str | os.PathLike):
        return given
    from .mapping import load_mapping

    return load_mapping(given)


def _unique(formats: Iterable[Format]) -> list[Format]:
    seen: dict[str, Format] = {}
    for f in formats:
        seen.setdefault(f.name, f)
    return list(seen.values())


def _detectable(inputs: Sequence[InputLike]) -> list[Format]:
    """The formats the inputs are in, told before reading so that their options are checked.
    When some input cannot be told in advance (standard input, a stream), every readable
    format is involved; an undetectable file is left to the read, which reports it."""
    found: list[Format] = []
    for item in inputs:
        peekable = isinstance(item, bytes) or (
            isinstance(item, str | os.PathLike) and os.fspath(item) != "-")
        if not peekable:
            return [f for f in get_formats() if f.can_read]
        try:
            found.append(detect_format(item))
        except CredbridgeError:
            continue
    return found


def _all_items(batch: Batch, inputs: Sequence[InputLike], source: Format | None,
               session: Session, result: BatchResult) -> Iterator[Item]:
    """The items of every input in turn; with several inputs an unreadable one is reported
    and skipped (a single unreadable input raises)."""
    for item in inputs:
        try:
            for it in read_items(item, source, session):
                if not result.source_formats or result.source_formats[-1] != it.source.format:
                    result.source_formats.append(it.source.format)
                if batch.progress is not None:
                    batch.progress.advance(1)
                yield it
                result.credentials += 1
        except CredbridgeError as exc:
            if isinstance(exc, UsageError) or len(inputs) == 1:
                raise
            fail_input(session.report, exc)


def _stopping(items: Iterator[Item], report: Report) -> Iterator[Item]:
    """Raise at the first reported bad record (``stop_on_error``)."""
    for item in items:
        if report.has_errors:
            break
        yield item
    _check_stopped(report)


def _check_stopped(report: Report) -> None:
    """``stop_on_error``: raise when a record failed (read or written), before any output is
    committed."""
    if report.has_errors:
        first = report.errors[0]
        raise RecordsFailedError(
            f"stopped at the first bad record (--stop-on-error): {first.detail}",
            file=first.file, record=first.record, field=first.field)


def _run_serial(batch: Batch, inputs: Sequence[InputLike], source: Format | None,
                target: Format, session: Session, result: BatchResult) -> None:
    items: Iterator[Item] = _all_items(batch, inputs, source, session, result)
    if batch.stop_on_error:
        items = _stopping(items, session.report)
    output = batch.output
    stop = batch.stop_on_error
    if _is_dir_output(output):
        assert isinstance(output, str | os.PathLike)
        _write_each(items, Path(output), target, session, result, force=batch.force,
                    stage=stop, list_files=batch.list_files)
        return
    if output is None:
        buffer = io.BytesIO()
        write_items(items, buffer, target, session)
        if stop:
            _check_stopped(session.report)
        result.output = buffer.getvalue()
        return
    if not isinstance(output, str | os.PathLike):
        _write_stream(items, output, target, session, stop)
        return
    path = os.fspath(output)
    items = _one_document_check(items, target, path)
    if path == "-":
        _write_stream(items, sys.stdout.buffer, target, session, stop)
        sys.stdout.buffer.flush()
        return
    with atomic_output(Path(path)) as out:
        write_items(items, out, target, session, destination=path)
        if stop:
            _check_stopped(session.report)
    result.written_files.append(path)


def _write_stream(items: Iterator[Item], stream: IO[bytes], target: Format, session: Session,
                  stop: bool) -> None:
    """Write to a stream the batch does not own (stdout); with ``stop`` (``stop_on_error``)
    the output is held back (in memory, on disk past 64 MiB) until every record converted,
    so that a bad record leaves nothing on the stream."""
    if not stop:
        write_items(items, stream, target, session)
        return
    import shutil
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as held:
        write_items(items, held, target, session)
        _check_stopped(session.report)
        held.seek(0)
        shutil.copyfileobj(held, stream)


def _one_document_check(items: Iterator[Item], target: Format, path: str) -> Iterator[Item]:
    """Several credentials to one file that holds one document are refused before anything is
    written: a one-document format needs ``-o DIR/``, and a ``.json`` file never gets JSON
    Lines (``.jsonl`` does)."""
    if target.many:
        return items
    lines_ok = target.json_lines and (path == "-" or not path.lower().endswith(".json"))
    if lines_ok:
        return items
    first = next(items, None)
    if first is None:
        return iter([])
    return _one_document(first, items, target, path)


def _one_document(first: Item, items: Iterator[Item], target: Format,
                  path: str) -> Iterator[Item]:
    """``first`` and the items that are records of the same many-claim document (written back
    as one document, docs/design.md §2.1); any other item is refused."""
    from .documents import same_document

    groups = _groups_documents(target)
    yield first
    for item in items:
        if not (groups and same_document(first.credential, item.credential)):
            hint = "use -o DIR/ (one file per credential)" + \
                (" or a .jsonl file" if target.json_lines else "")
            where = "standard output" if path == "-" else path
            raise UsageError(f"the input holds several credentials and {target.name} holds "
                             f"one per document, so they cannot all go to {where}: {hint}")
        yield item


def _write_each(items: Iterable[Item], directory: Path, target: Format, session: Session,
                result: BatchResult, *, force: bool = False, stage: bool = False,
                list_files: bool = True) -> None:
    """One file per credential in ``directory`` (made if needed), named after its id, made
    safe; a name an earlier credential of the batch took gets a suffix (``-2``), reported. A
    file that exists is replaced only with ``force``: otherwise that credential is a failed
    record and the file stays as it was. With ``stage`` (``stop_on_error``) no file appears
    until every record converted. Memory stays flat however many files are written: the
    names given are kept in a :class:`~credbridge.outputs.NameLedger`, the paths listed only
    with ``list_files``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output directory: {exc.strerror}",
                         file=str(directory)) from None
    ext = target.extensions[0] if target.extensions else ""
    report = session.report
    used = NameLedger()
    staged: list[OutputFile] = []
    try:
        for position, group in enumerate(_by_document(items, target), start=1):
            base = safe_name(group[0].credential, position)
            name = _free_name(base, used)
            if name != base:
                report.add(Code.NOTE, f"the file name {base}{ext} is taken by an earlier "
                           f"credential of this batch: written as {name}{ext}",
                           file=group[0].file, record=group[0].label, severity=Severity.WARNING)
            out = _write_group(group, directory / f"{name}{ext}", target, session, force)
            if out is None:
                continue
            if stage:
                staged.append(out)
            elif _commit(out, group, report) and list_files:
                result.written_files.append(str(out.path))
        if stage:
            _check_stopped(report)
            for out in staged:
                check_target(out.path, replace=force)
            for out in staged:
                out.commit()
                if list_files:
                    result.written_files.append(str(out.path))
    finally:
        used.close()
        for out in staged:
            out.discard()


def _write_group(group: list[Item], path: Path, target: Format, session: Session,
                 force: bool) -> OutputFile | None:
    """The written (not yet committed) file of one credential, or ``None`` when there is none
    to commit: the name is taken, or the writer refused the credential (raising an
    :class:`InputError`, or reporting every record failed); each is a failed record."""
    report = session.report
    try:
        out = OutputFile(path, replace=force)
    except OutputExistsError as exc:
        _fail_items(report, group, f"{exc.file}: {exc.message}")
        return None
    failed, written = report.records_failed, report.records_written
    try:
        write_items(group, out.stream, target, session, destination=str(path))
    except InputError as exc:  # the writer refused this credential: its file only
        out.discard()
        report.records_written = written
        _fail_items(report, group, exc.message)
        return None
    except BaseException:
        out.discard()
        raise
    if report.records_failed - failed >= len(group):  # no file for credentials not written
        out.discard()
        return None
    return out


def _commit(out: OutputFile, group: list[Item], report: Report) -> bool:
    """Commit one file of ``-o DIR``; a name taken meanwhile fails its records instead."""
    try:
        out.commit()
    except OutputExistsError as exc:
        out.discard()
        report.records_written -= len(group)
        _fail_items(report, group, f"{exc.file}: {exc.message}")
        return False
    return True


def _fail_items(report: Report, items: list[Item], detail: str) -> None:
    for item in items:
        report.add(Code.INVALID_RECORD, detail, file=item.file, record=item.label)
        report.records_failed += 1


def _free_name(base: str, used: NameLedger) -> str:
    """``base``, or ``base-2``, ``base-3``... when an earlier file of the batch has it (case
    folded: some file systems do not tell ``A`` from ``a``)."""
    return used.free(base)


def _groups_documents(target: Format) -> bool:
    """True when ``target`` writes the records of one document as one document."""
    return any(p == "*" or p == "document" or p.startswith("document.") for p in target.fields)


def _by_document(items: Iterable[Item], target: Format) -> Iterator[list[Item]]:
    """One item per file, except that consecutive records of one many-claim document go to
    one file when the target holds many claims per document (docs/design.md §2.1)."""
    from .documents import same_document

    if not _groups_documents(target):
        for item in items:
            yield [item]
        return
    group: list[Item] = []
    for item in items:
        if group and not same_document(group[0].credential, item.credential):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


NAME_LENGTH = 80
"""The longest file name :func:`safe_name` makes (before the extension)."""


def safe_name(cred: MicroCredential, position: int) -> str:
    """A file name for a credential: the last segment of its id (of its document's, for a
    record of a many-claim document), made safe, or its position."""
    import re

    own = cred.document.id if cred.document is not None and cred.document.id else cred.id
    base = own.rsplit("/", 1)[-1] if own else ""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")
    if len(base) > NAME_LENGTH:
        # cut where a segment or a word ends (never "learningAchievemen"), else hard
        ends = [m.start() for m in re.finditer(r"[._-]|(?<=[a-z0-9])(?=[A-Z])", base)
                if NAME_LENGTH // 2 <= m.start() <= NAME_LENGTH]
        base = base[:ends[-1] if ends else NAME_LENGTH].rstrip("._-")
    if base.split(".", 1)[0].upper() in _RESERVED_NAMES:
        base = f"_{base}"
    return base or f"credential-{position}"


_RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                             *(f"LPT{i}" for i in range(1, 10))})
"""Names Windows gives to devices whatever the extension (``NUL.json`` is not a file)."""


def _run_parallel(batch: Batch, inputs: Sequence[InputLike], source: Format | None,
                  target: Format, session: Session, result: BatchResult) -> None:
    """``jobs`` worker processes over the units of the inputs, merged in input order."""
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    if batch.stop_on_error:
        raise UsageError("--stop-on-error works with --jobs 1 only")
    if not (target.json_lines or target.many):
        raise UsageError(f"--jobs needs a target written as JSON Lines (canonical, ob3, ...); "
                         f"{target.name} is not")
    if target.many:
        raise UsageError(f"--jobs cannot join {target.name} outputs; use --jobs 1")
    if _is_dir_output(batch.output):
        raise UsageError("--jobs writes one JSON Lines stream, not -o DIR/")
    paths = [os.fspath(p) for p in inputs if isinstance(p, str | os.PathLike)]
    if len(paths) != len(inputs):
        raise UsageError("--jobs reads files, not bytes or streams")
    jobs = max(1, min(batch.jobs, os.cpu_count() or 1))
    src = source.name if source else None

    def go(out: IO[bytes]) -> None:
        pending: deque[Future[Part]] = deque()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for unit in units(paths, src, target.name, session.options, batch.max_bytes,
                              session.documents):
                unit.limits = batch.limits
                unit.policy = session.policy
                unit.validate = session.validate
                unit.mapping = session.mapping
                if unit.source_format not in result.source_formats:
                    result.source_formats.append(unit.source_format)
                pending.append(pool.submit(convert_unit, unit))
                if len(pending) >= 2 * jobs:
                    _collect(pending.popleft().result(), session, out, batch, result)
            while pending:
                _collect(pending.popleft().result(), session, out, batch, result)

    output = batch.output
    if output is None:
        buffer = io.BytesIO()
        go(buffer)
        result.output = buffer.getvalue()
    elif not isinstance(output, str | os.PathLike):
        go(output)
    elif os.fspath(output) == "-":
        go(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(output)) as out:
            go(out)
        result.written_files.append(os.fspath(output))


def _collect(part: Part, session: Session, out: IO[bytes], batch: Batch,
             result: BatchResult) -> None:
    done = merge_part(part, session.report, out)
    result.credentials += done
    if batch.progress is not None:
        batch.progress.advance(done)
