"""The typed outcome of checking one proof: verified, invalid, unverifiable or unsupported."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What checking a proof established."""

    VERIFIED = "verified"
    """The signature holds for the signed bytes under the signer's key."""
    INVALID = "invalid"
    """Something failed: the digest, the signature, a certificate's validity at signing time,
    a chain to the given anchors (``detail`` names it)."""
    UNVERIFIABLE = "unverifiable"
    """The key or certificate is not available offline (give it with ``--trust``)."""
    UNSUPPORTED = "unsupported"
    """The proof's suite (or algorithm, or a critical header) is not implemented."""


@dataclass(frozen=True)
class Outcome:
    """One proof's outcome. ``signer`` names who signed (a certificate subject DN, a DID, an
    issuer); ``key_id`` the key (a verification method, a JOSE ``kid``, a certificate
    thumbprint); ``anchor`` the trust anchor the certificate chains to, when one was given."""

    status: Status
    suite: str
    detail: str = ""
    signer: str | None = None
    key_id: str | None = None
    signed_at: str | None = None
    anchor: str | None = None
    where: str | None = None
    """Which proof of the document (``proof[1]``, ``signatures[0]``)."""

    @property
    def ok(self) -> bool:
        """True when verified."""
        return self.status is Status.VERIFIED

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (no empty values)."""
        return {k: str(v) if isinstance(v, StrEnum) else v for k, v in asdict(self).items()
                if v not in (None, "")}

    def line(self) -> str:
        """One line for people: ``verified (jades): by CN=...``."""
        text = f"{self.status} ({self.suite})"
        if self.signer:
            text += f" signed by {self.signer}"
        if self.signed_at:
            text += f" at {self.signed_at}"
        if self.anchor:
            text += f", chained to {self.anchor}"
        if self.detail:
            text += f": {self.detail}"
        return text


def verified(suite: str, **facts: Any) -> Outcome:
    """A verified outcome."""
    return Outcome(Status.VERIFIED, suite, **facts)


def invalid(suite: str, detail: str, **facts: Any) -> Outcome:
    """An invalid outcome naming what failed."""
    return Outcome(Status.INVALID, suite, detail, **facts)


def unverifiable(suite: str, detail: str, **facts: Any) -> Outcome:
    """An unverifiable outcome naming the missing key or certificate."""
    return Outcome(Status.UNVERIFIABLE, suite, detail, **facts)


def unsupported(suite: str, detail: str, **facts: Any) -> Outcome:
    """An unsupported outcome naming what is not implemented."""
    return Outcome(Status.UNSUPPORTED, suite, detail, **facts)
