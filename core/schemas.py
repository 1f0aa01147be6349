"""The official schemas the validators need: where they are, which are there, how to get them.

``credbridge validate`` checks documents against artefacts credbridge does not ship (XSDs, SHACL
shapes, a JSON Schema). They live in a *schemas folder*, found in this order:

1. the folder the caller names (``--schemas DIR``);
2. ``$CREDBRIDGE_SCHEMAS``;
3. the user cache, ``$XDG_CACHE_HOME/credbridge/schemas`` (default ``~/.cache/credbridge/
   schemas``), which :func:`fetch` (``credbridge schemas fetch``) fills.

Each artefact, its place in the folder, its publisher's URL and its SHA-256 are pinned in
``credbridge.mappings/schemas.toml``; :func:`fetch` refuses any download whose checksum differs.
Nothing here touches the network except :func:`fetch`.
"""

from __future__ import annotations

import os
import re
import tomllib
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Literal

from .errors import CredbridgeError, UsageError

SCHEMAS_ENV = "CREDBRIDGE_SCHEMAS"
MIRROR_ENV = "CREDBRIDGE_SCHEMAS_MIRROR"
DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for each publisher."""
MAX_BYTES = 16 * 1024 * 1024
"""Size cap of one downloaded artefact (the largest pinned one is under 400 KB)."""
INSTALL_HINT = "pip install 'credbridge[validate]'"
VALIDATOR_MODULES = frozenset({"jsonschema", "pyshacl"})
"""Modules the built-in validators import when they run (base dependencies; the `validate`
extra stays as an empty alias)."""

HOW_TO_GET = "run 'credbridge schemas fetch' or give --schemas DIR"

State = Literal["present", "missing", "corrupt"]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Artefact:
    """One official file: its place in a schemas folder, where its publisher serves it, and
    the SHA-256 of the bytes credbridge was tested with."""

    path: str
    url: str
    sha256: str
    formats: tuple[str, ...]
    source: str = ""

    def url_from(self, base_url: str | None) -> str:
        """The publisher's URL, or ``base_url/<path>`` on a mirror."""
        if not base_url:
            return self.url
        return base_url.rstrip("/") + "/" + urllib.parse.quote(self.path)


@dataclass(frozen=True)
class SchemaStatus:
    """Whether an artefact is in a schemas folder (``corrupt``: there, but not the pinned
    bytes)."""

    artefact: Artefact
    state: State
    file: Path


@dataclass(frozen=True)
class Fetched:
    """The outcome of :func:`fetch` for one artefact: ``fetched`` (downloaded and written),
    ``present`` (already there with the pinned checksum) or ``failed`` (``detail`` says why;
    nothing was written)."""

    artefact: Artefact
    outcome: Literal["fetched", "present", "failed"]
    file: Path
    detail: str = ""


class SchemaFetchError(CredbridgeError):
    """Some artefacts could not be fetched (network, size, checksum); the others were."""

    exit_code = 2

    def __init__(self, message: str, results: list[Fetched]) -> None:
        super().__init__(message)
        self.results = results


# --- the pins ---------------------------------------------------------------------------------


@cache
def artefacts() -> tuple[Artefact, ...]:
    """The pinned official artefacts, from ``mappings/schemas.toml``."""
    text = resources.files("credbridge.mappings").joinpath("schemas.toml").read_text("utf-8")
    return parse_pins(tomllib.loads(text))


def parse_pins(data: Mapping[str, object]) -> tuple[Artefact, ...]:
    """Artefacts from the parsed TOML; a malformed entry is a :class:`ValueError` (a bug of
    the data file, caught by the tests)."""
    entries = data.get("schema")
    if not isinstance(entries, list):
        raise ValueError("schemas.toml: no [[schema]] entries")
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(f"schemas.toml: not a table: {entry!r}")
        path, url, sha = entry.get("path"), entry.get("url"), entry.get("sha256")
        formats = entry.get("formats", [])
        if not (isinstance(path, str) and _safe_relative(path)):
            raise ValueError(f"schemas.toml: bad path {path!r}")
        if not (isinstance(url, str) and url.startswith("https://")):
            raise ValueError(f"schemas.toml: {path}: the url must be https")
        if not (isinstance(sha, str) and _SHA256.match(sha)):
            raise ValueError(f"schemas.toml: {path}: sha256 must be 64 lowercase hex digits")
        if not (isinstance(formats, list) and all(isinstance(f, str) for f in formats)):
            raise ValueError(f"schemas.toml: {path}: formats must be a list of names")
        out.append(Artefact(path, url, sha, tuple(formats), str(entry.get("source", ""))))
    return tuple(out)


def _safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts \
        and "\\" not in path and ":" not in path


def needed_by(format_name: str) -> list[Artefact]:
    """The artefacts the validator of ``format_name`` opens ([] for a format not pinned, e.g.
    a third-party one)."""
    return [a for a in artefacts() if format_name in a.formats]


# --- finding the folder -----------------------------------------------------------------------


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user cache of official schemas: ``$XDG_CACHE_HOME/credbridge/schemas``, default
    ``~/.cache/credbridge/schemas`` (a relative ``XDG_CACHE_HOME`` is ignored, as the XDG
    specification says)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "credbridge" / "schemas"


def locate(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path, str] | None:
    """The schemas folder and how it was found (``--schemas``, ``$CREDBRIDGE_SCHEMAS``, ``user
    cache``), or ``None``. A folder the caller or the environment names must exist (a
    :class:`UsageError` otherwise): a wrong setting is never skipped silently."""
    env = os.environ if environ is None else environ
    if explicit is not None and os.fspath(explicit) != "":
        folder = Path(explicit)
        if not folder.is_dir():
            raise UsageError(f"--schemas {folder}: no such folder")
        return folder, "--schemas"
    named = env.get(SCHEMAS_ENV, "")
    if named:
        folder = Path(named)
        if not folder.is_dir():
            raise UsageError(f"{SCHEMAS_ENV}={named}: no such folder")
        return folder, f"${SCHEMAS_ENV}"
    cached = cache_dir(env)
    if cached.is_dir():
        return cached, "user cache"
    return None


def find_schemas(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The schemas folder (see :func:`locate`); none found is a :class:`UsageError` whose one
    line says how to get them."""
    found = locate(explicit, environ)
    if found is None:
        raise UsageError(f"no official schemas found (not in {cache_dir(environ)}, "
                         f"${SCHEMAS_ENV} not set): {HOW_TO_GET}")
    return found[0]


# --- what a folder holds ----------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of ``data``, hex."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def list_schemas(folder: str | os.PathLike[str], pins: Iterable[Artefact] | None = None
                 ) -> list[SchemaStatus]:
    """Each pinned artefact and whether ``folder`` holds it with the pinned checksum."""
    root = Path(folder)
    out = []
    for artefact in artefacts() if pins is None else pins:
        file = root / artefact.path
        if not file.is_file():
            out.append(SchemaStatus(artefact, "missing", file))
            continue
        try:
            good = sha256_file(file) == artefact.sha256
        except OSError:
            good = False
        out.append(SchemaStatus(artefact, "present" if good else "corrupt", file))
    return out


def missing_for(format_name: str, folder: Path) -> list[str]:
    """The artefacts the validator of ``format_name`` needs that ``folder`` lacks. The
    validators also accept the format's own sub-folder (``--schemas …/elmo``), so a file is
    found at ``<folder>/<path>`` or at ``<folder>/<path without its first part>``."""
    lacking = []
    for artefact in needed_by(format_name):
        inner = PurePosixPath(artefact.path).parts[1:]
        if not ((folder / artefact.path).is_file()
                or (inner and folder.joinpath(*inner).is_file())):
            lacking.append(artefact.path)
    return lacking


def check_folder(format_name: str, folder: Path) -> None:
    """A :class:`UsageError` naming what the validator of ``format_name`` lacks in
    ``folder``, before validating (the validators' own errors are less helpful)."""
    lacking = missing_for(format_name, folder)
    if lacking:
        shown = ", ".join(lacking[:3]) + (f" and {len(lacking) - 3} more" if len(lacking) > 3
                                          else "")
        raise UsageError(f"the schemas folder {folder} lacks {shown} (needed to validate "
                         f"{format_name}): {HOW_TO_GET}")


def validator_import_error(exc: ImportError) -> UsageError | None:
    """The one-line error for a validator whose library is not installed (``None`` when the
    import error is about anything else: that one is a bug and must show)."""
    name = (exc.name or "").split(".", 1)[0]
    if name not in VALIDATOR_MODULES:
        return None
    return UsageError(f"validating needs the Python package {name!r}, which is not installed: "
                      f"{INSTALL_HINT}")


# --- fetching -----------------------------------------------------------------------------------


def fetch(
    dest: str | os.PathLike[str] | None = None,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    pins: Iterable[Artefact] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Fetched]:
    """Download every pinned artefact into ``dest`` (default: the user cache) and check it.

    Each file comes from its publisher's URL, or from ``base_url/<path>`` when ``base_url``
    (else ``$CREDBRIDGE_SCHEMAS_MIRROR``) is given. A file already present with the pinned
    checksum is not downloaded again. A download larger than ``max_bytes``, or whose SHA-256
    is not the pinned one, is refused: nothing is written for it. Files are written
    atomically. When some artefacts fail the others are still fetched, then
    :class:`SchemaFetchError` (exit 2) lists the failures (``.results`` has every outcome).
    """
    env = os.environ if environ is None else environ
    root = Path(dest) if dest is not None else cache_dir(env)
    mirror = base_url or env.get(MIRROR_ENV) or None
    if mirror is not None:
        scheme = urllib.parse.urlsplit(mirror).scheme
        if scheme not in ("http", "https", "file"):
            raise UsageError(f"mirror {mirror!r}: the URL must start with https://, http:// "
                             "or file://")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    results = [_fetch_one(a, root, mirror, timeout, max_bytes)
               for a in (artefacts() if pins is None else pins)]
    failed = [r for r in results if r.outcome == "failed"]
    if failed:
        more = f"; and {len(failed) - 1} more" if len(failed) > 1 else ""
        raise SchemaFetchError(f"{len(failed)} of {len(results)} official schema files not "
                               f"fetched: {failed[0].detail}{more}", results)
    return results


def _fetch_one(artefact: Artefact, root: Path, mirror: str | None, timeout: float,
               max_bytes: int) -> Fetched:
    file = root / artefact.path
    try:
        if file.is_file() and sha256_file(file) == artefact.sha256:
            return Fetched(artefact, "present", file)
    except OSError:
        pass  # unreadable: fetch it again
    url = artefact.url_from(mirror)
    try:
        data = download(url, timeout=timeout, max_bytes=max_bytes)
    except DownloadError as exc:
        return Fetched(artefact, "failed", file, f"{artefact.path}: {exc} ({url})")
    got = sha256_bytes(data)
    if got != artefact.sha256:
        return Fetched(artefact, "failed", file,
                       f"{artefact.path}: checksum mismatch, expected sha256 "
                       f"{artefact.sha256}, got {got} (from {url}; not written)")
    try:
        write_atomically(file, data)
    except OSError as exc:
        return Fetched(artefact, "failed", file,
                       f"{artefact.path}: cannot write {file}: {exc.strerror or exc}")
    return Fetched(artefact, "fetched", file, f"{len(data)} bytes from {url}")


class DownloadError(Exception):
    """A download did not produce the bytes of the file (network, HTTP status, size)."""


def download(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES) -> bytes:
    """The body at ``url`` (``https``, ``http`` or ``file``), at most ``max_bytes``."""
    import http.client  # the network modules load when a fetch runs, not with every command
    import urllib.error
    import urllib.request

    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise DownloadError(f"unsupported URL scheme {scheme!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "credbridge-schemas-fetch"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise DownloadError(f"larger than {max_bytes} bytes ({length})")
            data: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"cannot download: {exc.reason}") from None
    except TimeoutError:
        raise DownloadError(f"no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"cannot download: {getattr(exc, 'strerror', None) or exc}") \
            from None
    if len(data) > max_bytes:
        raise DownloadError(f"larger than {max_bytes} bytes")
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename, so that a
    reader never sees a half-written schema."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    # a unique name opened with "x" (not mkstemp, whose 0600 would ignore the umask)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
