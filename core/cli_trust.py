"""``credbridge verify``: every proof of each FILE checked offline (docs/trust.md).

Exit 0 when every file carries proofs and all of them verified (and, with ``--status-list``,
no status entry is set or unknown), 1 when one is invalid, unverifiable, unsupported, a file
carries none or a credential is revoked, 2 for an error of the call or an unreadable input.
Keys come from ``did:key`` and the files given with ``--trust``; nothing is fetched.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .cli_support import EXIT_ERROR, EXIT_NEGATIVE, handle_errors
from .errors import CredbridgeError, InputError


@click.command("verify")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--trust", "trust_paths", multiple=True, metavar="FILE|DIR",
              help="Keys and trust anchors (repeatable): DID documents, JWK sets, PEM "
                   "certificates (self-signed ones are anchors that seals must chain to).")
@click.option("--payload", "payload_path", metavar="FILE",
              help="The detached payload of a JAdES seal (a seal without its payload).")
@click.option("--status-list", "status_paths", multiple=True, metavar="FILE",
              help="A status list credential (BitstringStatusList, StatusList2021; "
                   "repeatable): each FILE's status entries are looked up in it offline.")
@click.option("-r", "--recursive", is_flag=True, help="Take the files of sub-directories too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def verify_command(files: tuple[str, ...], trust_paths: tuple[str, ...],
                   payload_path: str | None, status_paths: tuple[str, ...], recursive: bool,
                   as_json: bool) -> None:
    """Check every proof of each FILE offline (JAdES and XAdES seals, Data Integrity, VC-JWT,
    OB 2.0 signed badges, baked badge images): verified, invalid, unverifiable or unsupported,
    one line each. Exit 0 when all verified."""
    from .batch import expand_inputs
    from .trust import load_trust
    from .trust.proofs import check_document
    from .trust.status import load_status_lists

    store = load_trust(trust_paths)
    lists = load_status_lists(status_paths, store) if status_paths else None
    detached = _read(payload_path) if payload_path else None
    results: dict[str, dict[str, Any]] = {}
    errors = False
    for path in map(str, expand_inputs(files, recursive=recursive)):
        try:
            checked = check_document(_read(path), store, lists, detached)
        except CredbridgeError as exc:
            errors = True
            results[path] = {"verified": False, "error": exc.message, "proofs": []}
            if not as_json:
                click.echo(f"credbridge: error: {path}: {exc.message}", err=True)
            continue
        results[path] = checked.result
        if as_json:
            continue
        outcomes = checked.outcomes
        if not outcomes:
            click.echo(f"{path}: no proof")
        for outcome in outcomes:
            where = f" {outcome.where}" if outcome.where and len(outcomes) > 1 else ""
            click.echo(f"{path}:{where} {outcome.line()}")
        for result in checked.statuses:
            click.echo(f"{path}: {result.line()}")
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    if errors:
        sys.exit(EXIT_ERROR)
    if not all(r["verified"] for r in results.values()):
        sys.exit(EXIT_NEGATIVE)


MAX_BYTES = 64 * 1024 * 1024
"""The largest document ``verify`` reads (the default input limit of ``convert``)."""


def _read(path: str) -> bytes:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(path).open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    if len(data) > MAX_BYTES:
        raise InputError("larger than 64 MiB: not read", file=path)
    return data
