"""Privacy options of the Open Badges writers: hash the recipient, omit learner fields.

``hash_recipient`` (bool) replaces the plain e-mail by ``sha256$…`` with ``salt`` (given, or a
random one); ``omit_learner`` (a list of learner field names, or ``"all"``) removes them before
anything is written — also from the credbridge extension.
"""

from __future__ import annotations

from typing import Any

from credbridge.errors import UsageError
from credbridge.model import MicroCredential
from credbridge.options import Options
from credbridge.report import Code, Report

from .hashing import hash_identity, new_salt

LEARNER_FIELDS = ("id", "identifiers", "given_name", "family_name", "full_name", "birth_date",
                  "national_id", "email", "citizenship")


def omitted_fields(options: Options) -> list[str]:
    """The learner fields the user asked to omit (``"all"`` or a comma-separated list)."""
    value = options.get("omit_learner")
    if not value:
        return []
    names = value if isinstance(value, list | tuple) else str(value).split(",")
    names = [n.strip() for n in names if n.strip()]
    if "all" in names:
        return list(LEARNER_FIELDS)
    unknown = [n for n in names if n not in LEARNER_FIELDS]
    if unknown:
        raise UsageError(f"unknown learner field(s) to omit: {', '.join(unknown)} "
                         f"(known: all, {', '.join(LEARNER_FIELDS)})")
    return names


def apply(cred: MicroCredential, options: Options, report: Report, fmt: str) -> MicroCredential:
    """``cred`` with the privacy options applied (reported as notes)."""
    learner = cred.learner
    if learner is None:
        return cred
    data: dict[str, Any] = learner.model_dump(exclude_defaults=True)
    changed = False
    for name in omitted_fields(options):
        if data.pop(name, None) not in (None, [], {}):
            changed = True
            report.add(Code.NOTE, "omitted on request (--omit-learner)", field=f"learner.{name}",
                       format=fmt)
    if options.get("hash_recipient") and data.get("email"):
        salt = options.get("salt") or new_salt()
        email = data.pop("email")
        data.setdefault("identifiers", []).insert(0, {
            "value": hash_identity(email.strip().lower(), salt), "scheme": "emailAddress",
            "hashed": True, "salt": salt})
        changed = True
        report.add(Code.NOTE, "the e-mail is written only as a salted SHA-256 hash "
                   "(--hash-recipient)", field="learner.email", format=fmt)
    if not changed:
        return cred
    return cred.model_copy(update={"learner": type(learner).model_validate(data) if data
                                   else None})
