"""What every ``credbridge`` command shares: one-line errors with the documented exit codes.

Exit codes (docs/cli.md): 0 success; 1 a negative answer (records failed, ``--strict`` or
``--fail-on`` hit, ``check`` incomplete, ``diff`` differ, ``validate`` invalid); 2 an error of
the call or its input (unknown format or option, missing or unreadable file or document);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from .errors import CredbridgeError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``credbridge: error: MESSAGE`` on stderr and exit with ``code``."""
    click.echo(f"credbridge: error: {message}", err=True)
    sys.exit(code)


def interrupted(exc: BaseException) -> bool:
    """True when ``exc`` stands for a Ctrl-C that a library wrapped on its way up (pydantic's
    serializer turns a KeyboardInterrupt into a PydanticSerializationError that names it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt) or "KeyboardInterrupt" in str(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def handle_errors(func: F) -> F:
    """Turn credbridge errors into one line on stderr and the right exit code; Ctrl-C exits
    130; any other exception is a bug, still one line (the traceback with CREDBRIDGE_DEBUG=1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CredbridgeError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            click.echo("credbridge: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.exit(EXIT_NEGATIVE)
        except Exception as exc:
            if interrupted(exc):
                click.echo("credbridge: interrupted", err=True)
                sys.exit(EXIT_INTERRUPTED)
            if os.environ.get("CREDBRIDGE_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set CREDBRIDGE_DEBUG=1 for the "
                 "traceback, and please report it)", EXIT_ERROR)

    return wrapper  # type: ignore[return-value]
