"""``credbridge serve``: the click command (the ASGI stack is imported when it runs)."""

from __future__ import annotations

import os
import re

import click

from ..cli_support import handle_errors
from ..errors import UsageError

INSTALL_HINT = "pip install 'credbridge[serve]'"


def _size(option: str, value: str) -> int:
    """``64M``, ``4G``, ``500000``: a size in bytes (binary units)."""
    m = re.fullmatch(r"(\d+)\s*([kKmMgG]?)i?[bB]?", value.strip())
    if not m or not int(m.group(1)):
        raise UsageError(f"{option}: not a size: {value!r} (e.g. 500000, 64M, 4G)")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface; put a reverse proxy "
                   "in front, see docs/serve.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (each converts on its own; the service is stateless).")
@click.option("--max-body", default="64M", show_default=True,
              help="Largest body read whole (one document, or a multipart upload).")
@click.option("--max-stream", default="4G", show_default=True,
              help="Largest CSV or JSON Lines body, converted as it arrives.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, help="Seconds a request may take, body and answer included.")
@click.option("--max-conversions", type=click.IntRange(1), default=4, show_default=True,
              help="Conversions at once per worker; more requests wait (up to --timeout).")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False),
              help="Folder of the official schemas for POST /validate; default: "
                   "$CREDBRIDGE_SCHEMAS, else the user cache.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                "debug"]), default="info", show_default=True,
              help="What the server logs (one line per request at info).")
@handle_errors
def serve_command(host: str, port: int, workers: int, max_body: str, max_stream: str,
                  timeout: float, max_conversions: int, schemas_dir: str | None,
                  log_level: str) -> None:
    """Serve the HTTP API and the clerk's page (docs/serve.md); needs the serve extra."""
    try:
        import uvicorn
    except ImportError:
        raise UsageError(f"credbridge serve needs the serve extra: {INSTALL_HINT}") from None
    from ..schemas import locate
    from .settings import SETTINGS_ENV, Settings

    if schemas_dir is not None:
        locate(schemas_dir)  # a folder named but missing is an error now, not at /validate
    settings = Settings(max_body_bytes=_size("--max-body", max_body),
                        max_stream_bytes=_size("--max-stream", max_stream),
                        timeout_s=timeout, max_conversions=max_conversions,
                        schemas=schemas_dir)
    # worker processes read their settings from the environment (set for this process only)
    os.environ[SETTINGS_ENV] = settings.to_env()
    uvicorn.run("credbridge.serve.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=log_level in ("info", "debug"),
                proxy_headers=True, server_header=False, timeout_graceful_shutdown=10)
