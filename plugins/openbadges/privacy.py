"""Privacy options of the Open Badges writers: hash the recipient, omit learner fields.

``hash_recipient`` replaces the plain e-mail by ``sha256$…`` with ``salt`` (given, or a random
one); ``omit_learner`` (learner field names, or ``all``) removes them before anything is
written — also from the credbridge extension.
"""

from __future__ import annotations

from typing import Any

from credbridge.context import Context
from credbridge.model import MicroCredential
from credbridge.report import Code

from .hashing import hash_identity, new_salt
from .options import BadgeOptions


def apply(cred: MicroCredential, options: BadgeOptions, ctx: Context) -> MicroCredential:
    """``cred`` with the privacy options applied (reported as notes); ``options`` are only
    read."""
    learner = cred.learner
    if learner is None:
        return cred
    data: dict[str, Any] = learner.model_dump(exclude_defaults=True)
    changed = False
    for name in options.omitted():
        if data.pop(name, None) not in (None, [], {}):
            changed = True
            ctx.say(Code.NOTE, f"learner.{name}", "omitted on request (--omit-learner)")
    if options.hash_recipient and data.get("email"):
        salt = options.salt or new_salt()
        email = data.pop("email")
        data.setdefault("identifiers", []).insert(0, {
            "value": hash_identity(email.strip().lower(), salt), "scheme": "emailAddress",
            "hashed": True, "salt": salt})
        changed = True
        ctx.say(Code.NOTE, "learner.email", "the e-mail is written only as a salted SHA-256 "
                "hash (--hash-recipient)")
    if not changed:
        return cred
    return cred.model_copy(update={"learner": type(learner).model_validate(data) if data
                                   else None})
