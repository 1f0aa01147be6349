"""The commands besides ``convert``: formats, detect, show, check, diff, plugins.

Each parses its arguments, calls the library and prints; exit codes follow
:mod:`credbridge.cli_support` (0 yes, 1 a negative answer, 2 an error of the call or input).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from .cli_support import EXIT_ERROR, EXIT_NEGATIVE, handle_errors
from .errors import CredbridgeError

if TYPE_CHECKING:  # the engine and the plugins are imported when a command runs
    from .model import MicroCredential
    from .report import Report


def _print_summary(report: Report) -> None:
    for line in report.summary_lines():
        click.echo(line, err=True)


def _read_all(path: str, from_format: str | None, report: Report) -> list[MicroCredential]:
    from .convert import read

    return list(read(path, from_format=from_format, report=report))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def formats(as_json: bool) -> None:
    """List the formats credbridge can read and write."""
    from .plugin_manager import format_listing, get_formats

    if as_json:
        click.echo(json.dumps([f.describe() for f in get_formats()], indent=2))
        return
    for f in format_listing():  # the built-in ones without importing them
        rw = ("r" if f.read else "-") + ("w" if f.write else "-")
        exts = " ".join(f.extensions)
        click.echo(f"{f.name:<12} {rw}  {f.title}  [{exts}]  ({f.plugin})")


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Take the files of sub-directories too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def detect(files: tuple[str, ...], recursive: bool, as_json: bool) -> None:
    """Print the format each FILE is in (exit 2 when one cannot be told)."""
    from .batch import detect_format, expand_inputs

    results: dict[str, str | None] = {}
    for path in map(str, expand_inputs(files, recursive=recursive)):
        try:
            results[path] = detect_format(path).name
        except CredbridgeError as exc:
            results[path] = None
            if not as_json:
                click.echo(f"credbridge: error: {exc}", err=True)
                continue
        if not as_json:
            click.echo(f"{path}: {results[path]}")
    if as_json:
        click.echo(json.dumps(results, indent=2))
    if any(v is None for v in results.values()):
        sys.exit(EXIT_ERROR)


@click.command()
@click.argument("file")
@click.option("--from", "from_format", help="Input format; default: detected.")
@click.option("--verify", "verify_proofs", is_flag=True,
              help="Check the proofs of FILE offline and report each (docs/trust.md).")
@click.option("--trust", "trust_paths", multiple=True, metavar="FILE|DIR",
              help="Keys and trust anchors for --verify (repeatable).")
@handle_errors
def show(file: str, from_format: str | None, verify_proofs: bool,
         trust_paths: tuple[str, ...]) -> None:
    """Print the canonical JSON of what credbridge reads in FILE."""
    from .batch import Batch, run

    result = run(Batch([file], to="canonical", output="-", from_format=from_format,
                       verify=verify_proofs, trust=trust_paths))
    _print_summary(result.report)
    if result.exit_code:
        sys.exit(EXIT_NEGATIVE)


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--from", "from_format", help="Input format; default: detected.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def check(files: tuple[str, ...], from_format: str | None, as_json: bool) -> None:
    """Check Annex I completeness (EU Council Recommendation 2022): each element present or
    missing. Exit 1 when a mandatory element is missing."""
    from .batch import expand_inputs
    from .check import check as check_credential
    from .report import Report

    report = Report()
    results = []
    for path in map(str, expand_inputs(files)):
        for position, cred in enumerate(_read_all(path, from_format, report), 1):
            results.append((path, position, check_credential(cred)))
    if as_json:
        click.echo(json.dumps([dict(file=p, record=n, **r.to_dict()) for p, n, r in results],
                              indent=2, ensure_ascii=False))
    else:
        for path, position, result in results:
            label = result.credential_id or f"record {position}"
            click.echo(f"{path}: {label}: {'complete' if result.complete else 'INCOMPLETE'}")
            for r in result.results:
                mark = {"present": "ok  ", "missing": "MISS", "warning": "--  "}[r.status]
                num = f"{r.element.number:>2}" if r.element.number else " ."
                click.echo(f"  {mark} {num} {r.element.name} [{r.element.kind}] "
                           f"({r.element.paths})")
    _print_summary(report)
    if report.has_errors or any(not r.complete for _, _, r in results):
        missing = sorted({m.element.name for _, _, r in results for m in r.missing})
        if missing and not as_json:
            click.echo("credbridge: missing mandatory Annex I elements: " + "; ".join(missing),
                       err=True)
        sys.exit(EXIT_NEGATIVE)


@click.command()
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
    from .diff import diff as canonical_diff
    from .report import Report

    report = Report()
    a, b = _read_all(left, from_left, report), _read_all(right, from_right, report)
    results: list[dict[str, Any]] = []
    for index in range(max(len(a), len(b))):
        if index >= len(a) or index >= len(b):
            kind = "only-left" if index < len(a) else "only-right"
            results.append({"record": index + 1,
                            "differences": [{"path": "(credential)", "kind": kind}]})
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
                else:
                    side, name = ("left", left) if d["kind"] == "only-left" else ("right", right)
                    click.echo(f"{prefix}{d['path']}: only in {name}: {d.get(side)!r}")
        if not results:
            click.echo("equal at the canonical level")
    _print_summary(report)
    if results or report.has_errors:
        sys.exit(EXIT_NEGATIVE)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def plugins(as_json: bool) -> None:
    """List the loaded plugins (built-in and third-party) and those that failed to load."""
    from .plugin_manager import load_failures, plugin_info

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
