"""Trust: proofs of incoming documents checked offline, and proofs made for what credbridge
writes (docs/trust.md). Every check ends in a typed :class:`Outcome`; nothing is fetched."""

from __future__ import annotations

from .keys import TrustStore, load_trust
from .outcome import Outcome, Status

__all__ = ["Outcome", "Status", "TrustStore", "load_trust"]
