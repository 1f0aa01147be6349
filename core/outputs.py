"""Output files, written so that no input and no other user of the machine can redirect them.

Every file credbridge writes (a conversion's output, one file per credential in ``-o DIR``,
``--report``, CSVW metadata) goes through :class:`OutputFile`: the bytes go to a temporary file
that :func:`tempfile.mkstemp` creates beside the target (a name nobody can guess or plant a
link at, opened with ``O_EXCL``), which is then renamed into place. The target is never opened,
so a symbolic link there is never followed; it is refused. An existing file is replaced only
when the caller says so (``replace``); otherwise the rename is a hard link that fails when the
name is taken, so even a file that appears meanwhile is never overwritten.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    import sqlite3

TMP_SUFFIX = ".credbridge-tmp"
"""How the temporary files end (their name before it is random)."""


EXISTS = "the file exists and is kept (give --force to replace it)"


class OutputExistsError(UsageError):
    """The output file exists and may not be replaced (``-o DIR`` without ``--force``)."""


class OutputFile:
    """A file being written: ``stream`` takes the bytes; :meth:`commit` puts them at ``path``;
    :meth:`discard` (also after a commit) leaves no temporary file behind."""

    def __init__(self, path: str | os.PathLike[str], *, replace: bool = True) -> None:
        self.path = Path(path)
        self.replace = replace
        parent = self.path.parent
        if not parent.is_dir():
            raise UsageError(f"output directory {parent} does not exist", file=str(self.path))
        self.tmp: Path | None = None
        if replace and _is_stream_device(self.path):  # /dev/null, a named pipe: no file
            try:  # to make atomic; opened without following a link, never created
                fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
            except OSError as exc:
                raise UsageError(f"cannot write: {exc.strerror}", file=str(self.path)) from None
            self.stream: IO[bytes] = os.fdopen(fd, "wb")
            self.device = True
            return
        self.device = False
        check_target(self.path, replace=replace)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name[:64]}.", suffix=TMP_SUFFIX,
                                       dir=parent)
        except OSError as exc:
            raise UsageError(f"cannot write in {parent}: {exc.strerror}",
                             file=str(self.path)) from None
        self.tmp = Path(tmp)
        if os.chmod in os.supports_fd:
            os.chmod(fd, _new_file_mode(self.path))
        self.stream = os.fdopen(fd, "wb")

    def commit(self) -> None:
        """Move the written bytes to ``path`` (checked again: a link or, without ``replace``,
        any file that appeared there meanwhile is refused)."""
        if self.device:
            self.stream.close()
            return
        assert self.tmp is not None, "committed twice"
        self.stream.close()
        check_target(self.path, replace=self.replace)
        try:
            if self.replace:
                os.replace(self.tmp, self.path)  # renames over the name, never through a link
            else:
                _link_new(self.tmp, self.path)
        except FileExistsError:
            raise OutputExistsError(EXISTS, file=str(self.path)) from None
        except OSError as exc:
            raise UsageError(f"cannot write {self.path}: {exc.strerror}",
                             file=str(self.path)) from None
        self.tmp = None

    def discard(self) -> None:
        """Close and remove the temporary file, if it is still there."""
        self.stream.close()
        if self.tmp is not None:
            with suppress(FileNotFoundError):
                self.tmp.unlink()
            self.tmp = None


def _is_stream_device(path: Path) -> bool:
    """Whether ``path`` is (not a link to) a character device or a named pipe."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def check_target(path: Path, *, replace: bool) -> None:
    """Refuse a target that is a symbolic link, not a regular file, or (without ``replace``)
    that exists."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UsageError("the output is a symbolic link: credbridge never writes through one "
                         "(remove it, or give the real path)", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise UsageError("the output exists and is not a regular file", file=str(path))
    if not replace:
        raise OutputExistsError(EXISTS, file=str(path))


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if that name is free (atomically, where the file
    system has hard links), then drop the temporary name."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _new_file_mode(path: Path) -> int:
    """The permissions of the output: those of the file it replaces, else what ``open()``
    would give under the process' umask (mkstemp's own 0600 would surprise)."""
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process' umask, read without changing it (Linux names it in /proc), else 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


@contextmanager
def atomic_file(path: str | os.PathLike[str], *, replace: bool = True) -> Iterator[IO[bytes]]:
    """A binary stream whose bytes appear at ``path`` only when the block completes (see
    :class:`OutputFile`); an exception leaves neither the file nor a temporary one."""
    out = OutputFile(path, replace=replace)
    try:
        yield out.stream
        out.commit()
    finally:
        out.discard()


def write_file(path: str | os.PathLike[str], data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` as :func:`atomic_file` does."""
    with atomic_file(path, replace=replace) as out:
        out.write(data)


class NameLedger:
    """The file names a batch has given in one directory (case folded: some file systems do
    not tell ``A`` from ``a``), in bounded memory: the first ``in_memory`` in a set, the rest
    in a private temporary SQLite database, which keeps a small page cache and spills to a
    file SQLite deletes when the ledger is closed. A million-file ``-o DIR`` run stays flat.

    The names are the batch's own record, not the directory's: a credential refused (its file
    never written) still holds its name, and a file that was there before is not this batch's.
    """

    IN_MEMORY = 10_000
    """Names kept in the set before the rest go to the database."""

    def __init__(self, in_memory: int | None = None) -> None:
        self._names: set[str] = set()
        self._limit = self.IN_MEMORY if in_memory is None else in_memory
        self._db: sqlite3.Connection | None = None
        self._suffixes: dict[str, int] = {}
        """The last suffix given to a base name (at most ``in_memory`` of them, the oldest
        forgotten first): many credentials with one id take ``-2``, ``-3``... without probing
        every name before theirs each time."""

    def free(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``... (the first this ledger does not hold), now
        held. The same name as probing from ``-2`` every time: every suffix up to the last one
        given for ``base`` is held, and names are never let go."""
        if base not in self:
            self.add(base)
            return base
        key = base.casefold()
        n = self._suffixes.pop(key, 1)
        name = f"{base}-{n + 1}"
        while name in self:
            n += 1
            name = f"{base}-{n + 1}"
        self.add(name)
        self._suffixes[key] = n + 1
        if len(self._suffixes) > self._limit:
            del self._suffixes[next(iter(self._suffixes))]
        return name

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.casefold()
        if key in self._names:
            return True
        if self._db is None:
            return False
        row = self._db.execute("SELECT 1 FROM names WHERE name = ?", (key,)).fetchone()
        return row is not None

    def add(self, name: str) -> None:
        """Remember ``name`` (a name already there stays once)."""
        key = name.casefold()
        if len(self._names) < self._limit:
            self._names.add(key)
            return
        if key in self._names:
            return
        if self._db is None:
            self._db = _spill_database()
        self._db.execute("INSERT OR IGNORE INTO names VALUES (?)", (key,))

    def close(self) -> None:
        """Forget every name (the database and its file go)."""
        self._names.clear()
        self._suffixes.clear()
        if self._db is not None:
            self._db.close()
            self._db = None


def _spill_database() -> sqlite3.Connection:
    """A private temporary database (the empty file name: SQLite's own temporary file, removed
    on close) with a table of names, tuned for a scratch table nobody else reads."""
    import sqlite3

    db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -8192")  # KiB: the memory it may keep
    db.execute("CREATE TABLE names (name TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("BEGIN")  # one transaction, never committed: no write per name
    return db
