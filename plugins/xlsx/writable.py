"""What a workbook can hold: a cell's text is XML inside the file, and XML 1.0 cannot carry
NUL or most control characters (openpyxl raises IllegalCharacterError)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential


def writable(credentials: Iterable[MicroCredential],
             ctx: Context) -> Iterator[MicroCredential]:
    """The credentials whose text a workbook can hold; one holding a character XML 1.0
    cannot carry is a failed record (reported), never a crash."""
    from credbridge.model import XML_INCOMPATIBLE, find_text

    for cred in credentials:
        problem = find_text(cred, XML_INCOMPATIBLE)
        if problem is None:
            yield cred
            continue
        field, char = problem
        ctx.failed(f"{field} holds U+{ord(char):04X}, a character a workbook cannot hold; the "
                   "credential is not written", field=field)
