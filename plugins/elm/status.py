"""A credential's status (revocation / suspension) in EDC 3, read and written by its kind.

Reading: ``credentialStatus``, and the status entries some issuers put in ``status`` instead
(MyNextID: ``elm:status`` is an EDC 3 text property of accreditations and specifications, not
a credential status), become ``verification.status_service`` (the entry's id) and
``verification.method`` (its type: ``CredentialStatus``, ``BitstringStatusListEntry``,
``StatusList2021Entry``...), each reported as what it is.

Writing: the EC shapes require the status node to be an ``elm:CredentialStatus``; the status
mechanism is written beside it, as its own type. That type is the source's, else the VC 2.0
``BitstringStatusListEntry``. The VC 1.1 + edc-ap contexts of an EDC 3 document do not define
the mechanisms' names, so each is written by its IRI (the RDF type a VC 2.0 document gives it),
never as a name no context defines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credbridge.report import Code
from rdflib import BNode, URIRef

from .graphs import BASE
from .terms import ELM

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import Verification
    from rdflib.term import Node

    from .nodes import GraphView

ELM_STATUS = "CredentialStatus"
DEFAULT_MECHANISM = "BitstringStatusListEntry"
STATUS_IRIS = {
    ELM_STATUS: ELM + "CredentialStatus",
    "BitstringStatusListEntry": "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry",
    "StatusList2021Entry": "https://w3id.org/vc/status-list#StatusList2021Entry",
    "RevocationList2020Status": "https://w3id.org/vc-revocation-list-2020#RevocationList2020Status",
    "1EdTechRevocationList":
        "https://purl.imsglobal.org/spec/vcrl/v1p0/context.json#1EdTechRevocationList",
}
"""Status types by name, with the IRI their own context gives them."""
KINDS = {
    ELM_STATUS: "an EDC 3 credential status",
    "BitstringStatusListEntry": "a W3C Bitstring Status List entry (VC 2.0)",
    "StatusList2021Entry": "a W3C Status List 2021 entry",
    "RevocationList2020Status": "a W3C CCG Revocation List 2020 entry",
    "1EdTechRevocationList": "a 1EdTech revocation list (deprecated by OB 3.0)",
    "TrustedCredentialStatus2021": "an EBSI trusted credential status",
    "CredentialsStatusList2020": "an EBSI 2020 status list entry",
}
_NAMES = {iri: name for name, iri in STATUS_IRIS.items()}
_NOT_A_STATUS = ("hosted", "signed")  # OB 2.0 verification methods


def read_status(view: GraphView, cred: Node, ctx: Context) -> dict[str, str] | None:
    """The canonical ``verification`` of the credential's status, or ``None``; each entry is
    reported as what it is, a further one as not carried."""
    entries = [(n, "credentialStatus") for n in view.objects(cred, "cred:credentialStatus")]
    for node in view.graph.objects(cred, URIRef(ELM + "status")):
        if isinstance(node, URIRef | BNode) and _types(view, node):
            view.used.add((cred, URIRef(ELM + "status")))
            entries.append((node, "status"))
    out: dict[str, str] | None = None
    for node, key in entries:
        names = _types(view, node)
        view.use_all(node)
        mechanism = next((n for n in names if n != ELM_STATUS), names[0] if names else None)
        ident = str(node) if isinstance(node, URIRef) else None
        where = "credentialStatus" if key == "credentialStatus" else (
            "status (elm:status is an EDC 3 text of accreditations and specifications, not a "
            "credential status; read as the credentialStatus)")
        what = KINDS.get(mechanism or "", f"of type {mechanism}" if mechanism else "untyped")
        if mechanism and mechanism not in STATUS_IRIS and mechanism not in KINDS:
            what += " (a type the document's contexts do not define)"
        if out is not None:
            ctx.say(Code.IGNORED_INPUT, "verification.status_service",
                    f"a further status entry in {key} ({what}, {ident or 'no id'}) is not "
                    "carried: credbridge carries one status")
            continue
        if ident is None:
            ctx.say(Code.IGNORED_INPUT, "verification.status_service",
                    f"the status entry in {where} ({what}) has no id: not carried")
            continue
        out = {"status_service": ident}
        if mechanism:
            out["method"] = mechanism
        ctx.say(Code.NOTE, "verification.status_service",
                f"{where}: {what}, {ident}, read as the status service")
    return out


def _types(view: GraphView, node: Node) -> list[str]:
    """The status type names of ``node``: known IRIs by name, a name no context defined (the
    parser made it relative to the input) as written."""
    names = []
    for iri in sorted(view.types(node)):
        if iri in _NAMES:
            names.append(_NAMES[iri])
        elif iri.startswith(BASE):
            names.append(iri.removeprefix(BASE))
        else:
            names.append(iri)
    return names


def status_node(verification: Verification | None, ctx: Context) -> dict[str, Any] | None:
    """The ``credentialStatus`` of an EDC 3 document for ``verification``, or ``None`` when
    there is no status service; what cannot be written as it was is reported."""
    if verification is None or not verification.status_service:
        if verification is not None and verification.method:
            ctx.say(Code.DROPPED, "verification.method",
                    f"verification method {verification.method!r} without a status service: "
                    "EDC 3 has no place for it")
        return None
    method = verification.method
    if not method or method in _NOT_A_STATUS:
        method = DEFAULT_MECHANISM
        ctx.say(Code.DEFAULTED, "verification.method",
                "the status service has no status type: written as a W3C Bitstring Status "
                "List entry (BitstringStatusListEntry, VC 2.0) beside the EDC 3 "
                "CredentialStatus the EC shapes require")
    types: list[str] = [ELM_STATUS]
    if method != ELM_STATUS:
        iri = STATUS_IRIS.get(method) or (method if _is_iri(method) else None)
        if iri is None:
            ctx.say(Code.DROPPED, "verification.method",
                    f"status type {method!r} has no IRI credbridge knows (the document's "
                    "contexts do not define it): the status is written as an EDC 3 "
                    "CredentialStatus only")
        else:
            types.append(iri)
    return {"id": verification.status_service, "type": types if len(types) > 1 else types[0]}


def _is_iri(value: str) -> bool:
    scheme, colon, rest = value.partition(":")
    return bool(colon and scheme.isalpha() and rest)
