"""Status lists checked offline (``--status-list FILE``): a credential's
``BitstringStatusListEntry`` (or ``StatusList2021Entry``) looked up in a status list
credential the user gives. Nothing is fetched: an entry whose list was not given is reported
as such. The list credential's own proofs are checked with the same keys.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from credbridge.errors import UsageError

from .keys import TrustStore
from .outcome import Outcome

ENTRY_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
LIST_TYPES = ("BitstringStatusListCredential", "StatusList2021Credential")
MAX_LIST_BYTES = 16 * 1024 * 1024
"""The largest decompressed list read (a list is a bitstring: 16 MiB is 134 million entries)."""


@dataclass(frozen=True)
class StatusList:
    """A status list credential given by the user."""

    id: str
    purpose: str | None
    bits: bytes
    proofs: tuple[Outcome, ...]
    source: str


@dataclass(frozen=True)
class StatusResult:
    """One status entry of a credential, looked up offline."""

    purpose: str
    """``revocation``, ``suspension`` (or the entry's own purpose)."""
    state: str
    """``set`` (revoked / suspended), ``clear``, ``unknown`` (list not given or unreadable)."""
    list: str | None
    index: int | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (no empty values)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def line(self) -> str:
        """One line for people: ``status (revocation): revoked``."""
        word = {"revocation": "revoked", "suspension": "suspended"}.get(self.purpose, "set")
        state = {"set": word, "clear": f"not {word}"}.get(self.state, "unknown")
        return f"status ({self.purpose}): {state}" + (f": {self.detail}" if self.detail else "")


def decode_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``: multibase base64url (``u``, Bitstring Status List)
    or plain base64url (Status List 2021), GZIP-compressed."""
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        stream = zlib.decompressobj(wbits=31)  # gzip, bounded
        bits = stream.decompress(packed, MAX_LIST_BYTES)
    except (binascii.Error, ValueError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"encodedList is not base64url GZIP ({exc})") from None
    if stream.unconsumed_tail:
        raise ValueError("encodedList is larger than credbridge reads (16 MiB)")
    return bits


def encode_list(bits: bytes) -> str:
    """The ``encodedList`` of a bitstring (multibase base64url of GZIP)."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def load_status_lists(paths: Iterable[str | os.PathLike[str]], store: TrustStore
                      ) -> dict[str, StatusList]:
    """The status list credentials of the given files, by their ``id``."""
    from .verify import verify_bytes

    lists: dict[str, StatusList] = {}
    for given in paths:
        path = Path(given)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"--status-list {given}: cannot open: {exc.strerror}") from None
        proofs = verify_bytes(data, store)
        doc = _credential(data)
        if doc is None:
            raise UsageError(f"--status-list {given}: not a status list credential")
        subject = doc.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        if not isinstance(subject, dict) or not isinstance(subject.get("encodedList"), str):
            raise UsageError(f"--status-list {given}: no credentialSubject.encodedList")
        try:
            bits = decode_list(subject["encodedList"])
        except ValueError as exc:
            raise UsageError(f"--status-list {given}: {exc}") from None
        ident = doc.get("id")
        if not isinstance(ident, str):
            raise UsageError(f"--status-list {given}: the list credential has no id")
        purpose = subject.get("statusPurpose")
        lists[ident] = StatusList(ident, purpose if isinstance(purpose, str) else None, bits,
                                  tuple(proofs), str(given))
    return lists


def _credential(data: bytes) -> dict[str, Any] | None:
    """The list credential of a file: JSON, or the payload of a compact JWS (a VC-JWT)."""
    text = data.strip()
    try:
        if text.startswith(b"{"):
            doc = json.loads(text)
        else:
            from .jws import split_compact

            doc = json.loads(split_compact(text.decode("ascii"))[1])
            doc = doc.get("vc", doc) if isinstance(doc, dict) else doc
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    return doc if any(t in LIST_TYPES for t in types) else None


def check_status(doc: Any, lists: dict[str, StatusList]) -> list[StatusResult]:
    """One result per status entry of a credential (JSON; a VC-JWT's payload)."""
    if not isinstance(doc, dict):
        return []
    entries = doc.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    results = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") not in ENTRY_TYPES:
            kind = entry.get("type") if isinstance(entry, dict) else None
            results.append(StatusResult("?", "unknown", None, None,
                                        f"status entry type {kind!r} not implemented"))
            continue
        purpose = str(entry.get("statusPurpose") or "revocation")
        url = entry.get("statusListCredential")
        try:
            index = int(str(entry.get("statusListIndex")))
        except ValueError:
            results.append(StatusResult(purpose, "unknown", _str(url), None,
                                        "statusListIndex is not a number"))
            continue
        found = lists.get(str(url))
        if found is None:
            results.append(StatusResult(purpose, "unknown", _str(url), index,
                                        "the status list was not given (--status-list); it "
                                        "is never fetched"))
            continue
        size = int(str(entry.get("statusSize") or 1)) if str(
            entry.get("statusSize") or 1).isdigit() else 0
        if size != 1:
            results.append(StatusResult(purpose, "unknown", found.id, index,
                                        "status entries of more than one bit not implemented"))
            continue
        if index < 0 or index >= len(found.bits) * 8:
            results.append(StatusResult(purpose, "unknown", found.id, index,
                                        "the index is outside the list"))
            continue
        bit = found.bits[index // 8] >> (7 - index % 8) & 1
        state = "set" if bit else "clear"
        notes = []
        if not found.proofs or not all(o.ok for o in found.proofs):
            why = "; ".join(o.line() for o in found.proofs) or "it carries no proof"
            notes.append(f"the status list's own proof did not verify ({why}); its bit is "
                         f"{bit}")
            state = "unknown"  # a list nobody vouches for establishes nothing
        if found.purpose and found.purpose != purpose:
            notes.append(f"the list is for {found.purpose}")
            state = "unknown"
        results.append(StatusResult(purpose, state, found.id, index, "; ".join(notes)))
    return results


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
