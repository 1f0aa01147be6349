"""The canonical OB 3.0 JSON form the 1EdTech schema expects, whatever the input used.

Real OB 3.0 files write ``type`` as a string or an array and single objects where the schema
wants arrays; re-used input JSON is brought to the schema's form before it is written.
"""

from __future__ import annotations

from typing import Any

from . import contexts as C

SINGLE_TYPES = frozenset({
    "Image", "IdentityObject", "IdentifierEntry", "GeoCoordinates", "CredentialSchema",
    "CredentialStatus", "RefreshService", "TermsOfUse", "Proof", "DataIntegrityProof",
    "1EdTechRevocationList", "1EdTechCredentialRefresh", "BitstringStatusListEntry",
    C.SCHEMA_VALIDATOR_TYPE,
})
"""Types the schema declares as a single string (the others are arrays)."""

ARRAY_PROPERTIES = frozenset({
    "identifier", "alignment", "evidence", "result", "resultDescription", "otherIdentifier",
    "endorsement", "endorsementJwt", "tag", "credentialSchema", "related", "allowedValue",
    "rubricCriterionLevel", "termsOfUse",
})
"""Properties the schema declares as arrays of objects (a single object is wrapped; the same
names hold a plain string elsewhere, e.g. ``IdentifierEntry.identifier``)."""

STRING_ARRAYS = frozenset({"tag", "allowedValue", "endorsementJwt"})
"""Array properties whose items are strings (a single string is wrapped)."""

SINGLE_TYPED = frozenset({"credentialStatus", "refreshService", "credentialSchema",
                          "termsOfUse", "image", "identifier", "otherIdentifier", "geo"})
"""Properties whose objects the schema types with a single string."""

_OPAQUE = frozenset({"@context", C.CREDBRIDGE_TERM, C.CREDBRIDGE_IRI, "proof"})


def normal_form(value: Any, key: str | None = None) -> Any:
    """``value`` with ``type`` and array-valued properties in the schema's form."""
    if isinstance(value, list):
        return [normal_form(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k in _OPAQUE:
            out[k] = v
        elif k == "type":
            types = v if isinstance(v, list) else [v]
            single = len(types) == 1 and isinstance(types[0], str) and (
                types[0] in SINGLE_TYPES or key in SINGLE_TYPED)
            out[k] = types[0] if single else list(types)
        elif k in ARRAY_PROPERTIES and (isinstance(v, dict) or (
                isinstance(v, str) and k in STRING_ARRAYS)):
            out[k] = [normal_form(v, k)]
        elif k in SINGLE_TYPED and isinstance(v, list):
            out[k] = [normal_form(item, k) for item in v]
        else:
            out[k] = normal_form(v, k)
    return out
