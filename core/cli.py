"""The ``credbridge`` command line: argument parsing and printing only (docs/cli.md).

The work is done by the library: :mod:`credbridge.batch` converts, the other commands are in
:mod:`credbridge.cli_commands` and :mod:`credbridge.cli_schemas`. Errors print one line, never
a traceback; exit codes are those of :mod:`credbridge.cli_support`.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .cli_commands import check, detect, diff, formats, plugins, show
from .cli_options import FormatOptionsCommand, collect_options
from .cli_schemas import schemas_group, validate_command
from .cli_support import EXIT_NEGATIVE, fail, handle_errors
from .cli_trust import verify_command
from .errors import UsageError
from .serve.command import serve_command

if TYPE_CHECKING:  # the engine is imported when a command runs, not at start-up
    from .batch import BatchResult


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="credbridge")
def cli() -> None:
    """Convert micro-credentials between Europass EDC, ELM, Open Badges, Diploma Supplement /
    ELMO and CSV, and report everything a conversion cannot carry."""


def parse_size(value: str | None) -> int | str | None:
    """``--max-bytes``: ``64M``, ``500000``, ``0``/``none`` for no limit; ``None``: default."""
    if value is None:
        return "default"
    if value.strip().lower() in ("0", "none", "unlimited"):
        return None
    m = re.fullmatch(r"(\d+)\s*([kKmMgG]?)i?[bB]?", value.strip())
    if not m:
        raise UsageError(f"--max-bytes: not a size: {value!r} (e.g. 500000, 64M, 1G)")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


@cli.command(cls=FormatOptionsCommand)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--to", "to_format", help="Output format (see `credbridge formats`); default: "
                                        "from -o's extension when only one format fits.")
@click.option("--from", "from_format", help="Input format; default: by extension, else content.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file, '-' for stdout, or a directory (existing, or ending in '/') "
                   "for one file per credential.")
@click.option("-r", "--recursive", is_flag=True, help="Take the files of sub-directories too.")
@click.option("--report", "report_path", help="Write the full report as JSON to FILE ('-' for "
                                              "stdout, only when -o is a file or directory).")
@click.option("--strict", is_flag=True, help="Exit 1 when anything was dropped (--fail-on "
                                             "dropped).")
@click.option("--strict-input", is_flag=True,
              help="A record whose input breaks a rule of its format's schema fails (default: "
                   "read it and warn, naming the rule).")
@click.option("--text-lang", metavar="LANG",
              help="Language tag for texts of unknown language when the target needs one "
                   "(default: the credential's language of instruction, else its title's "
                   "language, else en; docs/design.md §2.2); every re-tagged field is "
                   "reported (retagged).")
@click.option("--validate", is_flag=True,
              help="Check each output against the target's official schema or shapes before "
                   "writing it; an invalid one is a failed record naming the rule.")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False),
              help="Schemas folder for --validate (default: $CREDBRIDGE_SCHEMAS, else the "
                   "user cache filled by 'credbridge schemas fetch').")
@click.option("--map", "map_file", metavar="FILE",
              help="Mapping overrides for JSON formats (TOML): a path of the vendor's document "
                   "read into a canonical field and written back there; see docs/mapping.md.")
@click.option("--verify", "verify_proofs", is_flag=True,
              help="Check the proofs of every input offline and report each (proof-verified, "
                   "proof-invalid, proof-unchecked); see docs/trust.md.")
@click.option("--trust", "trust_paths", multiple=True, metavar="FILE|DIR",
              help="Keys and trust anchors for --verify (repeatable): DID documents, JWK sets, "
                   "PEM certificates. Nothing is fetched.")
@click.option("--status-list", "status_paths", multiple=True, metavar="FILE",
              help="A status list credential (BitstringStatusList, StatusList2021; "
                   "repeatable): the inputs' status entries are looked up in it offline and "
                   "reported (code status).")
@click.option("--sign", "sign_key", metavar="KEY",
              help="Sign every output with this private key (PEM or JWK): ob3 gets an "
                   "eddsa-rdfc-2022 proof (Ed25519), clr a VC-JWT, ob2 becomes a signed badge "
                   "(JWS), each with the signing DID as issuer; elm a JAdES seal, edc-xml a "
                   "XAdES seal (with --cert).")
@click.option("--cert", "cert_chain", metavar="CHAIN",
              help="The signer's certificate chain (PEM, signer first) for a JAdES seal.")
@click.option("--sign-suite", metavar="SUITE",
              help="The proof suite of --sign: eddsa-rdfc-2022 (default for ob3), jwt "
                   "(VC-JWT, default for clr; EC and RSA keys too), jws (ob2), jades (elm), "
                   "xades (edc-xml).")
@click.option("--fail-on", "fail_on", help="Comma-separated message codes that make the exit code "
                                           "1, e.g. dropped,approximated.")
@click.option("--fail-if-warnings", is_flag=True, help="Exit 1 on any warning.")
@click.option("--stop-on-error", is_flag=True,
              help="Stop at the first bad record and write nothing (default: convert every good "
                   "record, report the bad ones, exit 1).")
@click.option("--force", is_flag=True,
              help="With -o DIR: replace files that exist there (default: such a credential is "
                   "a failed record and the file is kept).")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no progress line on stderr.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (CSV and JSON Lines inputs are split into chunks; output "
                   "order equals --jobs 1). Needs a JSON Lines target.")
@click.option("--max-bytes", help="Input size limit (e.g. 64M; 0 for none). Default: 64 MiB "
                                  "per input document; none for CSV, which is streamed row by "
                                  "row (each cell is limited to 8 MiB).")
@click.option("--limit", "limit_values", multiple=True, metavar="NAME=N",
              help="Change a budget for untrusted input (repeatable): nodes, triples, depth, "
                   "items, declarations, comments or seconds; see docs/security.md.")
@click.option("-O", "assignments", multiple=True, metavar="FORMAT.KEY=VALUE",
              help="A format option by name, e.g. -O ob3.omit_learner=all (repeatable).")
@click.pass_context
@handle_errors
def convert(ctx: click.Context, /, inputs: tuple[str, ...], to_format: str | None,
            from_format: str | None, output: str, recursive: bool, report_path: str | None,
            strict: bool, strict_input: bool, text_lang: str | None, validate: bool,
            schemas_dir: str | None, map_file: str | None, verify_proofs: bool,
            trust_paths: tuple[str, ...], status_paths: tuple[str, ...],
            sign_key: str | None, cert_chain: str | None,
            sign_suite: str | None, fail_on: str | None,
            fail_if_warnings: bool, stop_on_error: bool,
            force: bool, quiet: bool, jobs: int, max_bytes: str | None,
            limit_values: tuple[str, ...], assignments: tuple[str, ...],
            **format_flags: Any) -> None:
    """Convert INPUT... (files, directories, or '-' for stdin) to another format."""
    from .batch import Batch, run
    from .progress import Progress
    from .safety import with_limits

    options = collect_options(ctx.command, format_flags, assignments)
    _check_report_path(report_path, output)
    paths = [p for p in inputs if p != "-"]
    progress = Progress(_total_size(paths), quiet=quiet)
    result = run(Batch(list(inputs), to=to_format, output=output, from_format=from_format,
                       options=options, recursive=recursive, stop_on_error=stop_on_error,
                       force=force, list_files=False, strict=strict,
                       strict_input=strict_input,
                       text_lang=text_lang, validate=validate, schemas=schemas_dir,
                       mapping=map_file, verify=verify_proofs, trust=trust_paths,
                       sign=sign_key, cert=cert_chain, sign_suite=sign_suite,
                       status_lists=status_paths,
                       fail_on=(fail_on or "").split(","),
                       fail_if_warnings=fail_if_warnings, jobs=jobs,
                       max_bytes=parse_size(max_bytes), progress=progress,
                       limits=with_limits(limit_values) if limit_values else None))
    finish(result, report_path, quiet)


def _check_report_path(report_path: str | None, output: str) -> None:
    """Refuse, before converting, a report that cannot be written or would mix with output."""
    if report_path == "-" and output == "-":
        raise UsageError("--report - and the output would both go to stdout: give -o FILE, or "
                         "--report FILE")
    if report_path and report_path != "-":
        from .outputs import check_target

        parent = Path(report_path).parent
        if not parent.is_dir():
            raise UsageError(f"output directory {parent} does not exist", file=report_path)
        check_target(Path(report_path), replace=True)  # a symbolic link is refused now


def _total_size(paths: list[str]) -> int | None:
    try:
        return sum(os.path.getsize(p) for p in paths if os.path.isfile(p)) or None
    except OSError:
        return None


def finish(result: BatchResult, report_path: str | None, quiet: bool) -> None:
    """Write the report, print the summary, exit with the result's exit code."""
    import json

    from .report import Severity

    report = result.report
    if report_path:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        if report_path == "-":
            click.echo(text, nl=False)
        else:
            from .outputs import write_file

            write_file(report_path, text.encode("utf-8"))  # never through a symbolic link
    if not quiet:
        for line in report.summary_lines():
            click.echo(line, err=True)
        click.echo(f"{report.records_written} written, {report.records_failed} failed",
                   err=True)
    elif report.has_errors:  # quiet drops the summary, never the reason for exit 1
        for line in report.summary_lines():
            if line.startswith((f"{Severity.ERROR}:", "... and")):
                click.echo(line, err=True)
    if result.failing:
        listed = ", ".join(f"{n} {code}" for code, n in sorted(result.failing.items()))
        click.echo(f"credbridge: error: the conversion has {listed} (--fail-on/--strict)",
                   err=True)
    if result.warnings_failed:
        click.echo("credbridge: error: --fail-if-warnings: the conversion has warnings", err=True)
    if result.exit_code:
        sys.exit(EXIT_NEGATIVE)


for _command in (formats, detect, show, check, validate_command, verify_command, diff, plugins,
                 schemas_group, serve_command):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    import logging

    # The command line is an application: rdflib's warnings about ill-typed literals of an
    # input (with a traceback) are not ours to print; the report says what was not read.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        cli(prog_name="credbridge")
    except KeyboardInterrupt:  # outside a command (while parsing)
        fail("interrupted", 130)
