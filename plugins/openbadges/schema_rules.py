"""Lenient read, strict check: the rules of the 1EdTech OB 3.0 JSON Schema
(``ob_v3p0_achievementcredential_schema.json``) that a reader can check without a schema
engine, as a small table. Reading stays tolerant; each broken rule is reported as
``schema-rule`` naming it, and ``--strict-input`` makes it a failed record.

Only the rules whose breach the reader would otherwise pass over in silence are here: a
property the schema requires, the ``type`` an object of a given class must contain (checked
when a ``type`` is given: a missing one is left to ``validate``), and a proof's
``verificationMethod`` that must be a URI of a known scheme (what the 1EdTech validator
resolves).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("issuer", "Profile"),
    ("issuer.parentOrg", "Profile"),
    ("issuer.otherIdentifier[]", "IdentifierEntry"),
    ("credentialSubject.source", "Profile"),
    ("credentialSubject.identifier[]", "IdentityObject"),
    ("credentialSubject.achievement", "Achievement"),
    ("credentialSubject.achievement.creator", "Profile"),
    ("credentialSubject.achievement.alignment[]", "Alignment"),
    ("credentialSubject.achievement.resultDescription[]", "ResultDescription"),
    ("credentialSubject.achievement.otherIdentifier[]", "IdentifierEntry"),
    ("credentialSubject.result[]", "Result"),
    ("credentialSubject.result[].alignment[]", "Alignment"),
    ("evidence[]", "Evidence"),
    ("endorsement[]", "EndorsementCredential"),
)
"""(path, class): the object at ``path`` is a ``class`` and its ``type`` must contain it."""

REQUIRED: tuple[tuple[str, str], ...] = (
    ("", "issuer"),
    ("", "credentialSubject"),
    ("credentialSubject", "achievement"),
)
"""(path of an object, property it must have) in an AchievementCredential."""

KNOWN_SCHEMES = frozenset({"did", "https", "http", "urn"})
"""URI schemes of a verification method the 1EdTech validator can resolve."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _at(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) of every value at ``path`` (``a.b[].c``; a list where one
    object is expected is looked into too, as readers do)."""
    if not path:
        yield "", node
        return
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    items = node if isinstance(node, list) else [node]
    for position, item in enumerate(items):
        if not isinstance(item, dict) or key not in item:
            continue
        value = item[key]
        here = key if len(items) == 1 else f"{position}.{key}"
        if many and isinstance(value, list):
            for index, element in enumerate(value):
                for sub, found in _at(element, rest):
                    yield f"{here}[{index}]" + (f".{sub}" if sub else ""), found
        else:
            for sub, found in _at(value, rest):
                yield here + (f".{sub}" if sub else ""), found


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("type", node.get("@type"))
    return [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]


def broken_rules(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, rule broken, named with its source) for each rule ``data`` breaks."""
    out: list[tuple[str, str]] = []
    for path, prop in REQUIRED:
        for where, node in _at(data, path):
            if isinstance(node, dict) and node.get(prop) in (None, [], {}):
                field = f"{where}.{prop}" if where else prop
                out.append((field, f"OB 3.0 JSON Schema: '{prop}' is required"
                            + (f" in {where}" if where else "")))
    for path, cls in TYPE_RULES:
        for where, node in _at(data, path):
            if isinstance(node, dict) and ("type" in node or "@type" in node) and \
                    cls not in _types(node):
                given = "/".join(_types(node)) or repr(node.get("type", node.get("@type")))
                out.append((where, f"OB 3.0 JSON Schema: the type of {where} must contain "
                            f"'{cls}' (it is {given})"))
    proofs = data.get("proof")
    for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
            continue
        method = proof["verificationMethod"]
        where = "proof.verificationMethod" if not isinstance(proofs, list) else \
            f"proof[{index}].verificationMethod"
        match = _SCHEME.match(method)
        if match is None:
            out.append((where, f"OB 3.0 proof: {where} must be a URI (it has no scheme: "
                        f"{method[:40]!r})"))
        elif match.group(1).lower() not in KNOWN_SCHEMES:
            out.append((where, f"OB 3.0 proof: {where} has the unknown URI scheme "
                        f"{match.group(1)!r} (known: {', '.join(sorted(KNOWN_SCHEMES))})"))
    return out


def expired(data: dict[str, Any], now: dt.datetime | None = None) -> str | None:
    """The end of validity (``validUntil``, VC 1.1 ``expirationDate``) when it has passed."""
    value = data.get("validUntil", data.get("expirationDate"))
    if not isinstance(value, str):
        return None
    try:
        until = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # the reader reports a value that is no date-time
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt.UTC)
    return value if until < (now or dt.datetime.now(dt.UTC)) else None
