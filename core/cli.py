"""The ``credbridge`` command line (DESIGN.md §7). Errors print one line, never a traceback."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import CredbridgeError, InputError, UsageError
from .options import Options
from .plugin_manager import get_formats, load_failures, plugin_info
from .progress import Progress
from .report import Code, Report

if TYPE_CHECKING:
    from .model import MicroCredential

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"credbridge: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn credbridge errors into one line on stderr and the right exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CredbridgeError as exc:
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as exc:  # a bug: still one line; the traceback on request
            if os.environ.get("CREDBRIDGE_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set CREDBRIDGE_DEBUG=1 for "
                  "the traceback, and please report it)")
        return None

    return wrapper  # type: ignore[return-value]


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Paths as given; a directory stands for the (non-hidden) files in it, sorted."""
    out: list[str] = []
    for item in inputs:
        if item != "-" and os.path.isdir(item):
            out.extend(str(p) for p in sorted(Path(item).iterdir())
                       if p.is_file() and not p.name.startswith("."))
        else:
            out.append(item)
    return out


def read_all(inputs: list[str], from_format: str | None, report: Report, options: Options,
             max_bytes: int | str | None) -> Iterator[MicroCredential]:
    """Credentials of every input in turn; an unreadable file is reported and skipped."""
    from .convert import read

    for path in inputs:
        try:
            yield from read(path, from_format=from_format, report=report, options=options,
                            max_bytes=max_bytes)
        except CredbridgeError as exc:
            if isinstance(exc, UsageError) or len(inputs) == 1:
                raise
            report.add(Code.INVALID_RECORD, str(exc), file=path, record=exc.record,
                       field=exc.field)
            report.records_failed += 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="credbridge")
def cli() -> None:
    """Convert micro-credentials between Europass EDC, ELM, Open Badges, Diploma Supplement /
    ELMO and CSV, and report everything a conversion cannot carry."""


def _max_bytes(value: str | None) -> int | str | None:
    if value is None:
        return "default"
    if value in ("0", "none", "unlimited"):
        return None
    m = re.fullmatch(r"(\d+)\s*([kKmMgG]?)i?[bB]?", value.strip())
    if not m:
        raise click.BadParameter(f"not a size: {value!r} (e.g. 500000, 64M, 1G)")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * factor


def _safe_name(cred: MicroCredential, position: int) -> str:
    base = cred.id.rsplit("/", 1)[-1] if cred.id else ""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:80]
    return base or f"credential-{position}"


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--to", "to_format", required=True, help="Output format (see `credbridge formats`).")
@click.option("--from", "from_format", help="Input format; default: by extension, else content.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file, '-' for stdout, or an existing directory for one file per "
                   "credential.")
@click.option("--report", "report_path", help="Write the full conversion report as JSON to FILE "
                                              "('-' for stdout).")
@click.option("--strict", is_flag=True,
              help="Exit 1 when anything was dropped (--fail-on dropped).")
@click.option("--fail-on", "fail_on", help="Comma-separated message codes that make the exit code "
                                           "1, e.g. dropped,approximated.")
@click.option("--fail-if-warnings", is_flag=True, help="Exit 1 on any warning.")
@click.option("--stop-on-error", is_flag=True,
              help="Stop at the first bad record and write nothing (default: convert every good "
                   "record, report the bad ones, exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no progress line on stderr.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (CSV and JSON Lines inputs are split into chunks; output "
                   "order equals --jobs 1). Needs a JSON Lines target.")
@click.option("--max-bytes", help="Input size limit (e.g. 64M; 0 for none). Default: 64 MiB "
                                  "per input document; none for CSV, which is streamed row by "
                                  "row (each cell is limited to 8 MiB).")
@click.option("--columns", "columns_map", type=click.Path(dir_okay=False),
              help="CSV: TOML column map (header in the file = credbridge column).")
@click.option("--csvw", is_flag=True, help="CSV: write CSVW metadata beside the output file.")
@click.option("--raw-cells", is_flag=True,
              help="CSV: keep cells that start with = + - @ as they are (not neutralised).")
@click.option("--text-lang", help="CSV: language of plain text columns such as 'title' "
                                  "(default: und, unknown).")
@click.option("--hash-recipient", is_flag=True,
              help="Open Badges: write the learner's e-mail only as a salted SHA-256 hash.")
@click.option("--salt", help="Open Badges: the salt for --hash-recipient (default: random).")
@click.option("--omit-learner", metavar="FIELDS",
              help="Open Badges: learner fields not to write (comma-separated, or 'all').")
@click.option("--bake", "bake_image", type=click.Path(dir_okay=False, exists=True),
              help="Open Badges: bake the credential into this PNG or SVG badge image.")
@click.option("--embed-source", is_flag=True,
              help="ELM: embed the input document as evidence (EC 'converted' profile).")
@handle_errors
def convert(inputs: tuple[str, ...], to_format: str, from_format: str | None, output: str,
            report_path: str | None, strict: bool, fail_on: str | None, fail_if_warnings: bool,
            stop_on_error: bool, quiet: bool, jobs: int, max_bytes: str | None,
            columns_map: str | None,
            csvw: bool, raw_cells: bool, text_lang: str | None, hash_recipient: bool,
            salt: str | None, omit_learner: str | None, bake_image: str | None,
            embed_source: bool) -> None:
    """Convert INPUT... (files, directories, or '-' for stdin) to another format."""
    from .convert import write

    registry = get_formats()
    target = registry.get(to_format, need="write")
    if from_format:
        registry.get(from_format, need="read")
    options = Options()
    if columns_map:
        options["columns"] = columns_map
    if raw_cells:
        options["raw_cells"] = True
    if text_lang:
        options["text_language"] = text_lang
    if csvw:
        if output == "-" or os.path.isdir(output):
            raise UsageError("--csvw needs -o FILE (the metadata is written beside it)")
        options["csvw_path"] = output + "-metadata.json"
    for key, value in (("hash_recipient", hash_recipient), ("salt", salt),
                       ("omit_learner", omit_learner), ("bake", bake_image),
                       ("embed_source", embed_source)):
        if value:
            options[key] = value
    fail_codes = _fail_codes(fail_on, strict)
    report = Report()
    paths = expand_inputs(inputs)
    # Documents given together (an OB 2.0 assertion and the BadgeClass/issuer it names by URL)
    # complete each other; formats that need this read them from here, never from a network.
    options["documents"] = paths
    progress = Progress(_total_size(paths), quiet=quiet)
    report.progress = progress
    if jobs > 1:
        if stop_on_error:
            raise UsageError("--stop-on-error works with --jobs 1 only")
        _convert_parallel(paths, from_format, target.name, jobs, options, report, output,
                          _max_bytes(max_bytes), progress)
        progress.close()
        _finish(report, report_path, quiet, fail_codes, fail_if_warnings)
        return
    credentials = progress.track(read_all(paths, from_format, report, options,
                                          _max_bytes(max_bytes)))
    if stop_on_error:
        credentials = _stopping(credentials, report)
    if output != "-" and os.path.isdir(output):
        _write_each(credentials, Path(output), target.name, target.extensions, report, options)
    elif target.many or target.json_lines:
        write(credentials, output, to=target.name, report=report, options=options)
    else:
        _write_single(credentials, output, target.name, report, options)
    progress.close()
    _finish(report, report_path, quiet, fail_codes, fail_if_warnings)


def _convert_parallel(paths: list[str], from_format: str | None, to: str, jobs: int,
                      options: Options, report: Report, output: str,
                      max_bytes: int | str | None, progress: Progress) -> None:
    from .convert import atomic_output
    from .parallel import convert_parallel

    def run(out: Any) -> None:
        for done in convert_parallel(paths, from_format=from_format, to=to, jobs=jobs,
                                     options=options, report=report, out=out,
                                     max_bytes=max_bytes):
            progress.count += done

    if output == "-":
        run(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(output)) as out:
            run(out)


def _fail_codes(fail_on: str | None, strict: bool) -> set[str]:
    codes = {c.strip() for c in (fail_on or "").split(",") if c.strip()}
    if strict:
        codes.add(Code.DROPPED)
    known = {str(c) for c in Code}
    unknown = codes - known
    if unknown:
        raise UsageError(f"--fail-on: unknown code(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(sorted(known))}")
    return codes


def _total_size(paths: list[str]) -> int | None:
    try:
        return sum(os.path.getsize(p) for p in paths if p != "-") or None
    except OSError:
        return None


def _stopping(credentials: Iterator[MicroCredential], report: Report) -> Iterator[MicroCredential]:
    """Raise at the first reported bad record (``--stop-on-error``)."""
    for cred in credentials:
        if report.has_errors:
            break
        yield cred
    if report.has_errors:
        first = report.errors[0]
        raise InputError(f"stopped at the first bad record (--stop-on-error): {first.detail}",
                         file=first.file, record=first.record, field=first.field)


def _write_single(credentials: Iterator[MicroCredential], output: str, to: str, report: Report,
                  options: Options) -> None:
    from .convert import write

    first = next(credentials, None)
    second = next(credentials, None)
    if second is not None:
        raise UsageError(f"the input holds several credentials and {to} holds one per document: "
                         "use -o DIR")
    write([first] if first else [], output, to=to, report=report, options=options)


def _write_each(credentials: Iterable[MicroCredential], directory: Path, to: str,
                extensions: tuple[str, ...], report: Report, options: Options) -> None:
    from .convert import write

    ext = extensions[0] if extensions else ""
    used: set[str] = set()
    for position, cred in enumerate(credentials, start=1):
        name = _safe_name(cred, position)
        while name in used:
            name = f"{name}-{position}"
        used.add(name)
        write([cred], directory / f"{name}{ext}", to=to, report=report, options=options)


def _finish(report: Report, report_path: str | None, quiet: bool, fail_codes: set[str],
            fail_if_warnings: bool) -> None:
    if report_path:
        text = report.to_json() + "\n"
        if report_path == "-":
            click.echo(text, nl=False)
        else:
            Path(report_path).write_text(text, "utf-8")
    if not quiet:
        for line in report.summary_lines():
            click.echo(line, err=True)
        click.echo(f"{report.records_written} written, {report.records_failed} failed",
                   err=True)
    elif report.has_errors:  # quiet drops the summary, never the reason for exit 1
        for line in report.summary_lines():
            if line.startswith(("error:", "... and")):
                click.echo(line, err=True)
    if report.has_errors:
        sys.exit(1)
    failing = {code: n for code, n in report.counts().items() if code in fail_codes}
    if failing:
        listed = ", ".join(f"{n} {code}" for code, n in sorted(failing.items()))
        click.echo(f"credbridge: error: the conversion has {listed} (--fail-on/--strict)",
                   err=True)
        sys.exit(1)
    if fail_if_warnings and any(m.severity != "info" for m in report.messages):
        click.echo("credbridge: error: --fail-if-warnings: the conversion has warnings", err=True)
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def formats(as_json: bool) -> None:
    """List the formats credbridge can read and write."""
    registry = get_formats()
    if as_json:
        click.echo(json.dumps([f.describe() for f in registry], indent=2))
        return
    for f in registry:
        rw = ("r" if f.can_read else "-") + ("w" if f.can_write else "-")
        exts = " ".join(f.extensions)
        click.echo(f"{f.name:<12} {rw}  {f.title}  [{exts}]  ({f.plugin})")


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def detect(files: tuple[str, ...], as_json: bool) -> None:
    """Print the format each FILE is in."""
    from .convert import detect as detect_format

    results: dict[str, str | None] = {}
    failed = False
    for path in expand_inputs(files):
        try:
            results[path] = detect_format(path).name
        except CredbridgeError as exc:
            failed = True
            results[path] = None
            if not as_json:
                click.echo(f"credbridge: error: {exc}", err=True)
                continue
        if not as_json:
            click.echo(f"{path}: {results[path]}")
    if as_json:
        click.echo(json.dumps(results, indent=2))
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("file")
@click.option("--from", "from_format", help="Input format; default: detected.")
@handle_errors
def show(file: str, from_format: str | None) -> None:
    """Print the canonical JSON of what credbridge reads in FILE."""
    from .convert import read, write

    report = Report()
    write(read(file, from_format=from_format, report=report), "-", to="canonical", report=report)
    for line in report.summary_lines():
        click.echo(line, err=True)
    if report.has_errors:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--from", "from_format", help="Input format; default: detected.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def check(files: tuple[str, ...], from_format: str | None, as_json: bool) -> None:
    """Check Annex I completeness (EU Council Recommendation 2022): each element present or
    missing. Exit 1 when a mandatory element is missing."""
    from .check import check as check_credential
    from .convert import read

    report = Report()
    results = []
    for path in expand_inputs(files):
        for position, cred in enumerate(read(path, from_format=from_format, report=report), 1):
            result = check_credential(cred)
            results.append((path, position, result))
    if as_json:
        click.echo(json.dumps([dict(file=p, record=n, **r.to_dict()) for p, n, r in results],
                              indent=2, ensure_ascii=False))
    else:
        for path, position, result in results:
            label = result.credential_id or f"record {position}"
            verdict = "complete" if result.complete else "INCOMPLETE"
            click.echo(f"{path}: {label}: {verdict}")
            for r in result.results:
                mark = {"present": "ok  ", "missing": "MISS", "warning": "--  "}[r.status]
                num = f"{r.element.number:>2}" if r.element.number else " ."
                element = r.element
                click.echo(f"  {mark} {num} {element.name} [{element.kind}] ({element.paths})")
    for line in report.summary_lines():
        click.echo(line, err=True)
    if report.has_errors or any(not r.complete for _, _, r in results):
        missing = sorted({m.element.name for _, _, r in results for m in r.missing})
        if missing and not as_json:
            click.echo("credbridge: missing mandatory Annex I elements: " + "; ".join(missing),
                       err=True)
        sys.exit(1)


@cli.command()
@click.argument("file")
@click.option("--from", "from_format", help="Input format; default: detected.")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False),
              help="Folder of the official schemas (XSD, SHACL, JSON Schema); default: "
                   "$CREDBRIDGE_SHARED/schemas, else ../shared/schemas.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def validate(file: str, from_format: str | None, schemas_dir: str | None, as_json: bool) -> None:
    """Validate FILE against its format's official schema or shapes (offline). Exit 1 when it
    is not valid."""
    from .convert import detect as detect_format
    from .testing import shared_dir

    fmt = get_formats().get(from_format) if from_format else detect_format(file)
    if not fmt.can_validate:
        raise UsageError(f"credbridge has no validator for format {fmt.name}")
    shared = shared_dir()
    folder = Path(schemas_dir) if schemas_dir else (shared / "schemas" if shared else None)
    if folder is None or not folder.is_dir():
        raise UsageError("no schemas folder: give --schemas DIR (the official schemas)")
    data = sys.stdin.buffer.read() if file == "-" else _read_bytes(file)
    problems = fmt.validate(data, folder)
    if as_json:
        click.echo(json.dumps({"file": file, "format": fmt.name, "valid": not problems,
                               "problems": problems}, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(f"{file}: {problem}")
        click.echo(f"{file}: {fmt.name}: {'valid' if not problems else 'NOT VALID'}", err=True)
    if problems:
        sys.exit(1)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None


@cli.command()
@click.argument("left")
@click.argument("right")
@click.option("--from-left", help="Format of LEFT; default: detected.")
@click.option("--from-right", help="Format of RIGHT; default: detected.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def diff(left: str, right: str, from_left: str | None, from_right: str | None,
         as_json: bool) -> None:
    """Compare two credentials, in any formats, at the canonical level: print each differing
    field. Exit 0 when equal, 1 when they differ. Files holding several credentials are
    compared record by record."""
    from .convert import read
    from .diff import diff as canonical_diff

    report = Report()
    a = list(read(left, from_format=from_left, report=report))
    b = list(read(right, from_format=from_right, report=report))
    results: list[dict[str, Any]] = []
    for index in range(max(len(a), len(b))):
        if index >= len(a) or index >= len(b):
            results.append({"record": index + 1, "differences": [
                {"path": "(credential)", "kind": "only-left" if index < len(a) else "only-right"}
            ]})
            continue
        found = [d.to_dict() for d in canonical_diff(a[index], b[index])]
        if found:
            results.append({"record": index + 1, "differences": found})
    if as_json:
        click.echo(json.dumps({"equal": not results, "records": results}, indent=2,
                              ensure_ascii=False, default=str))
    else:
        for rec in results:
            prefix = f"record {rec['record']}: " if max(len(a), len(b)) > 1 else ""
            for d in rec["differences"]:
                if d["kind"] == "changed":
                    click.echo(f"{prefix}{d['path']}: {d['left']!r} != {d['right']!r}")
                elif d["kind"] == "only-left":
                    click.echo(f"{prefix}{d['path']}: only in {left}: {d.get('left')!r}")
                else:
                    click.echo(f"{prefix}{d['path']}: only in {right}: {d.get('right')!r}")
        if not results:
            click.echo("equal at the canonical level")
    for line in report.summary_lines():
        click.echo(line, err=True)
    if results or report.has_errors:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def plugins(as_json: bool) -> None:
    """List the loaded plugins (built-in and third-party) and those that failed to load."""
    info = plugin_info()
    failures = [{"name": f.name, "error": f.error} for f in load_failures()]
    if as_json:
        click.echo(json.dumps({"plugins": info, "failed": failures}, indent=2))
        return
    for p in info:
        kind = "built-in" if p["builtin"] else p.get("distribution", "third-party")
        version = f" {p['version']}" if p.get("version") else ""
        click.echo(f"{p['name']}  ({kind}{version})  formats: {', '.join(p['formats']) or '-'}")
    for f in failures:
        click.echo(f"{f['name']}  FAILED: {f['error']}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="credbridge")
