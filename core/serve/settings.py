"""The service's limits and where it finds things, set by ``credbridge serve``'s flags.

A :class:`Settings` is passed to :func:`credbridge.serve.app.create_app`; worker processes
started by uvicorn (``--workers N``) get it through one environment variable holding JSON.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..safety import DEFAULT_MAX_BYTES

SETTINGS_ENV = "CREDBRIDGE_SERVE_SETTINGS"
"""The variable through which ``credbridge serve --workers N`` hands its settings to the
worker processes (JSON of :class:`Settings`)."""


@dataclass(frozen=True)
class Settings:
    """Limits of one service process (each of ``--workers`` has its own)."""

    max_body_bytes: int = DEFAULT_MAX_BYTES
    """Largest request body read whole: one document, or the files of a multipart upload
    (the CLI's default limit per document)."""
    max_stream_bytes: int = 4 * 1024**3
    """Largest CSV or JSON Lines body, converted as it arrives (memory stays flat)."""
    timeout_s: float = 60.0
    """Wall time of one request, from its arrival to the last byte of its answer."""
    max_conversions: int = 4
    """Conversions running at once in this process; more wait for a free one."""
    max_pending: int = 64
    """Requests waiting for a free conversion; beyond, the service answers 503 at once."""
    chunk_records: int = 500
    """Records per chunk of a streamed body (each chunk is one unit of the batch engine)."""
    schemas: str | None = None
    """The official schemas folder for ``/validate`` (else ``$CREDBRIDGE_SCHEMAS``, else
    the user cache)."""

    def to_env(self) -> str:
        """The JSON form handed to worker processes."""
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """The settings a parent process put in :data:`SETTINGS_ENV` (defaults without)."""
        env = os.environ if environ is None else environ
        text = env.get(SETTINGS_ENV)
        if not text:
            return cls()
        data: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def public(self) -> dict[str, Any]:
        """The limits a client may know (``GET /health``); no paths of this machine."""
        data = asdict(self)
        data["schemas"] = self.schemas is not None
        return data
