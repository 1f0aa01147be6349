"""One line that says what an Open Badges family document is when it is not a credential
credbridge reads (an endorsement, an issuer profile alone, a Blockcerts 3 credential, a
presentation of other credentials), so a refusal names the document rather than the format."""

from __future__ import annotations

from typing import Any

from .common import as_list, types_of


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def endorsement_2_0(data: dict[str, Any]) -> str:
    """An OB 2.0 ``Endorsement``: who claims what about which badge, issuer or assertion."""
    claim = data.get("claim")
    about = _id_of(claim) or "something"
    by = _id_of(data.get("issuer"))
    return (f"an Open Badges 2.0 endorsement (a claim{f' by {by}' if by else ''} about "
            f"{about}), not a credential: give the assertion or badge class it endorses")


def endorsement_3_0(data: dict[str, Any]) -> str:
    """An OB 3.0 ``EndorsementCredential``: who endorses which achievement, profile or
    credential."""
    subject = as_list(data.get("credentialSubject"))
    about = _id_of(subject[0]) if subject else None
    by = _id_of(data.get("issuer"))
    return (f"an Open Badges 3.0 EndorsementCredential (an endorsement{f' by {by}' if by else ''}"
            f" of {about or 'an achievement'}), not an achievement credential: give the "
            "credential it endorses")


DRAFT_ASSERTION = ("an Open Badges 3.0 draft AssertionCredential (the 2021 drafts' name) "
                   "whose subject names no achievement: not a credential to read")

ISSUER_PROFILE = ("an Open Badges 2.0 issuer profile, not a credential: give it with the "
                  "assertion")


def blockcerts_3(data: dict[str, Any]) -> str:
    """A Blockcerts 3 credential: a W3C VC with no Open Badges achievement."""
    return ("a Blockcerts 3 credential (a W3C Verifiable Credential with no Open Badges "
            "achievement): credbridge reads Blockcerts 2 certificates (Open Badges 2.0) as ob2, "
            "not Blockcerts 3")


def presentation(types: list[list[str]]) -> str:
    """A presentation whose credentials are not Open Badges ones (their types listed)."""
    kinds = sorted({t for ts in types for t in ts if t != "VerifiableCredential"})
    return (f"a Verifiable Presentation of {len(types)} credential(s), none an Open Badges "
            f"credential ({', '.join(kinds) or 'no type'}): not read")


def is_blockcerts_3(data: dict[str, Any]) -> bool:
    """True for a Blockcerts 3 credential (type ``BlockcertsCredential``)."""
    return "BlockcertsCredential" in types_of(data)
