"""``credbridge validate`` and ``credbridge schemas [list|fetch]``: the official schemas.

The schemas folder is ``--schemas DIR``, else ``$CREDBRIDGE_SCHEMAS``, else the user cache that
``credbridge schemas fetch`` fills (:mod:`credbridge.schemas`). Exit codes follow
:mod:`credbridge.cli_support`: 0 yes, 1 a negative answer (a file is not valid, a schema is
missing), 2 an error of the call or its input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cli_support import EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK, handle_errors
from .errors import CredbridgeError, InputError, UsageError
from .schemas import (
    HOW_TO_GET,
    MIRROR_ENV,
    SCHEMAS_ENV,
    SchemaFetchError,
    cache_dir,
    check_folder,
    fetch,
    list_schemas,
    locate,
    validator_import_error,
)

if TYPE_CHECKING:
    from .formats import Format
    from .schemas import Fetched

SCHEMAS_HELP = (f"Folder of the official schemas (XSD, SHACL, JSON Schema); default: "
                f"${SCHEMAS_ENV}, else the user cache filled by 'credbridge schemas fetch'.")


# --- validate ---------------------------------------------------------------------------------


@click.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option("--from", "from_format", help="Input format; default: detected.")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False), help=SCHEMAS_HELP)
@click.option("--json", "as_json", is_flag=True,
              help="Machine-readable output (an object for one FILE, a list for several).")
@handle_errors
def validate_command(files: tuple[str, ...], from_format: str | None, schemas_dir: str | None,
                     as_json: bool) -> None:
    """Validate FILE... against its format's official schema or shapes (offline; '-' reads
    stdin; a directory stands for its files). Exit 1 when a file is not valid, 2 on an
    error."""
    from .batch import expand_inputs
    from .plugin_manager import get_formats
    from .schemas import find_schemas

    named = get_formats().get(from_format) if from_format else None
    if named is not None and not named.can_validate:
        raise UsageError(f"credbridge has no validator for format {named.name}")
    paths = [str(p) for p in expand_inputs(files)]
    if not paths:
        raise UsageError(f"no files to validate in {', '.join(files)}")
    several = len(paths) > 1 or paths[0] != files[0]  # a directory counts as several
    folder: Path | None = None
    results: list[dict[str, Any]] = []
    code = EXIT_OK
    for path in paths:
        try:
            data = _read(path)
            fmt = named or _detect(data, path)
        except CredbridgeError as exc:
            code = _file_error(exc, path, several)
            continue
        # looked up once, and only when a file can be validated; none found stops everything
        folder = folder or find_schemas(schemas_dir)
        try:
            problems = _validate(fmt, data, folder)
        except CredbridgeError as exc:
            code = _file_error(exc, path, several)
            continue
        results.append({"file": path, "format": fmt.name, "valid": not problems,
                        "problems": problems})
        if not as_json:
            for problem in problems:
                click.echo(f"{path}: {problem}")
            click.echo(f"{path}: {fmt.name}: {'valid' if not problems else 'NOT VALID'}",
                       err=True)
        if problems and code == EXIT_OK:
            code = EXIT_NEGATIVE
    if as_json:
        shown: Any = results if several else (results[0] if results else None)
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    sys.exit(code)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None


def _detect(data: bytes, path: str) -> Format:
    from .formats import SNIFF_BYTES
    from .plugin_manager import get_formats

    fmt = get_formats().detect(data[:SNIFF_BYTES], None if path == "-" else path)
    if not fmt.can_validate:
        raise UsageError(f"credbridge has no validator for format {fmt.name}")
    return fmt


def _file_error(exc: CredbridgeError, path: str, several: bool) -> int:
    """One file of several failed: say so and go on (exit 2 at the end); alone, it stops."""
    if not several:
        raise exc.with_context(file=path)
    click.echo(f"credbridge: error: {exc.with_context(file=path)}", err=True)
    return EXIT_ERROR


def _validate(fmt: Format, data: bytes, folder: Path) -> list[str]:
    """The format's problems with ``data``; a missing schema file or validator library is a
    one-line usage error, not a traceback."""
    check_folder(fmt.name, folder)
    try:
        return fmt.validate(data, folder)
    except ImportError as exc:
        error = validator_import_error(exc)
        if error is None:
            raise
        raise error from None
    except FileNotFoundError as exc:  # a third-party validator, or a layout we do not pin
        raise UsageError(f"the schemas folder {folder} lacks a file the {fmt.name} validator "
                         f"needs ({exc}): {HOW_TO_GET}") from None


# --- schemas ----------------------------------------------------------------------------------


@click.group("schemas", invoke_without_command=True)
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False), help=SCHEMAS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@handle_errors
def schemas_group(ctx: click.Context, schemas_dir: str | None, as_json: bool) -> None:
    """The official schemas 'validate' needs: list what is present (the default) or fetch
    them from their publishers."""
    if ctx.invoked_subcommand is None:
        _list(schemas_dir, as_json)
    elif schemas_dir or as_json:
        raise UsageError(f"give --schemas/--json after 'schemas {ctx.invoked_subcommand}'")


@schemas_group.command("list")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False), help=SCHEMAS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def list_command(schemas_dir: str | None, as_json: bool) -> None:
    """List each official schema file and whether the schemas folder holds it (exit 1 when
    one is missing or corrupt, or no folder is found)."""
    _list(schemas_dir, as_json)


def _list(schemas_dir: str | None, as_json: bool) -> None:
    found = locate(schemas_dir)
    if found is None:
        if as_json:
            click.echo(json.dumps({"folder": None, "found_by": None, "files": []}, indent=2))
        click.echo(f"credbridge: no schemas folder (${SCHEMAS_ENV} not set, no {cache_dir()}): "
                   f"{HOW_TO_GET}", err=True)
        sys.exit(EXIT_NEGATIVE)
    folder, how = found
    statuses = list_schemas(folder)
    if as_json:
        click.echo(json.dumps({
            "folder": str(folder), "found_by": how,
            "files": [{"path": s.artefact.path, "state": s.state, "formats": s.artefact.formats,
                       "sha256": s.artefact.sha256, "url": s.artefact.url} for s in statuses],
        }, indent=2))
    else:
        click.echo(f"{folder} ({how})")
        for s in statuses:
            click.echo(f"  {s.state:<8} {s.artefact.path}  [{', '.join(s.artefact.formats)}]")
    counts = {state: sum(s.state == state for s in statuses)
              for state in ("present", "missing", "corrupt")}
    click.echo(f"{len(statuses)} official files: " + ", ".join(f"{n} {state}" for state, n in
                                                               counts.items()), err=True)
    if counts["missing"] or counts["corrupt"]:
        click.echo("credbridge: get the missing ones with 'credbridge schemas fetch'"
                   + (f" --dest {folder}" if how != "user cache" else ""), err=True)
        sys.exit(EXIT_NEGATIVE)


@schemas_group.command("fetch")
@click.option("--dest", type=click.Path(file_okay=False),
              help="Folder to fill; default: the user cache ($XDG_CACHE_HOME/credbridge/schemas,"
                   " else ~/.cache/credbridge/schemas).")
@click.option("--mirror", metavar="URL",
              help=f"Fetch each file from URL/<path> instead of its publisher (also "
                   f"${MIRROR_ENV}); the pinned checksums still apply.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds to wait for each download.")
@handle_errors
def fetch_command(dest: str | None, mirror: str | None, timeout: float) -> None:
    """Download the official schemas from their publishers and check each against the
    SHA-256 pinned in credbridge; a file whose checksum differs is refused (not written)."""
    target = Path(dest) if dest else cache_dir()
    try:
        results = fetch(target, base_url=mirror, timeout=timeout)
    except SchemaFetchError as exc:
        _print_fetched(exc.results)
        raise
    _print_fetched(results)
    fetched = sum(r.outcome == "fetched" for r in results)
    click.echo(f"{target}: {fetched} fetched, {len(results) - fetched} already present",
               err=True)
    _note_lookup(target)


def _note_lookup(target: Path) -> None:
    """Say so when ``validate`` would not read the folder just filled."""
    try:
        found = locate()
    except UsageError as exc:  # $CREDBRIDGE_SCHEMAS names a missing folder
        click.echo(f"credbridge: note: {exc}; validate will refuse it", err=True)
        return
    if found is None or found[0].resolve() != target.resolve():
        where = f"reads {found[0]} ({found[1]})" if found else "does not look there by itself"
        click.echo(f"credbridge: note: validate {where}: give --schemas {target} or set "
                   f"{SCHEMAS_ENV}={target}", err=True)


def _print_fetched(results: list[Fetched]) -> None:
    for r in results:
        click.echo(f"{r.outcome:<8} {r.detail if r.outcome == 'failed' else r.artefact.path}")
