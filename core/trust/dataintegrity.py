"""Data Integrity proofs: ``eddsa-rdfc-2022`` (sign and verify) and ``Ed25519Signature2020``
(verify), canonicalised with RDFC-1.0 (pyld) through the bundled-only document loader.

Both hash the same way: SHA-256 of the canonical proof options, then SHA-256 of the canonical
document without its proof, signed with Ed25519; ``proofValue`` is base58btc multibase.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

from credbridge.errors import CredbridgeError

from ._crypto import crypto
from .contexts import loader
from .keys import TrustStore, b58decode, b58encode
from .outcome import Outcome, invalid, unsupported, unverifiable, verified
from .rdfc import CanonicalisationBudgetError

EDDSA_RDFC = "eddsa-rdfc-2022"
ED25519_2020 = "Ed25519Signature2020"


def canonical(doc: Any) -> bytes:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (contexts from the bundle only;
    an unknown context raises :class:`~credbridge.errors.UnsafeInputError`; a graph past the
    canonicalisation budget :class:`~.rdfc.CanonicalisationBudgetError`)."""
    from .rdfc import canonical_nquads

    documents = loader()
    documents.check(doc)
    return canonical_nquads(doc, documents).encode("utf-8")


def _hash_data(doc: dict[str, Any], options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = doc.get("@context")
    return hashlib.sha256(canonical(config)).digest() + hashlib.sha256(
        canonical(unsecured)).digest()


def suite_of(proof: Any) -> str:
    """The suite name of a proof object (``cryptosuite`` of a ``DataIntegrityProof``)."""
    if not isinstance(proof, dict):
        return "unknown"
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        return str(proof.get("cryptosuite") or "DataIntegrityProof")
    return str(kind or "unknown")


def proofs_of(doc: dict[str, Any]) -> list[Any]:
    """The proof objects of a document (``proof`` is one or a list)."""
    found = doc.get("proof")
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def verify_proof(doc: dict[str, Any], proof: Any, store: TrustStore, where: str) -> Outcome:
    """The outcome of one Data Integrity proof of ``doc``."""
    suite = suite_of(proof)
    facts: dict[str, Any] = {"where": where, "signer": _issuer(doc)}
    if suite not in (EDDSA_RDFC, ED25519_2020) or not isinstance(proof, dict):
        return unsupported(suite, "proof suite not implemented", **facts)
    facts["signed_at"] = proof.get("created") if isinstance(proof.get("created"), str) else None
    method = proof.get("verificationMethod")
    if isinstance(method, dict):
        method = method.get("id")
    if not isinstance(method, str):
        return invalid(suite, "the proof names no verificationMethod", **facts)
    facts["key_id"] = method
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return invalid(suite, "proofValue is not base58btc multibase", **facts)
    try:
        signature = b58decode(value[1:])
    except ValueError:
        return invalid(suite, "proofValue is not base58btc", **facts)
    info = store.resolve(method)
    if info is None:
        return unverifiable(suite, f"the key {method} is not available offline (did:key "
                            "resolves locally; give others with --trust)", **facts)
    c = crypto()
    if not isinstance(info.public, c.ed25519.Ed25519PublicKey):
        return invalid(suite, "the verification method is not an Ed25519 key", **facts)
    try:
        data = _hash_data(doc, proof)
    except CanonicalisationBudgetError as exc:
        return unsupported(suite, exc.message, **facts)
    except CredbridgeError as exc:
        return unverifiable(suite, f"cannot canonicalise offline: {exc}", **facts)
    except Exception as exc:  # pyld raises its own JsonLdError (and others) on broken input
        return invalid(suite, f"the document cannot be canonicalised: {type(exc).__name__}",
                       **facts)
    try:
        info.public.verify(signature, data)
    except c.InvalidSignature:
        return invalid(suite, "the signature does not match the canonical document", **facts)
    issuer = facts["signer"]
    if info.controller and issuer != info.controller and info.source == "did:key":
        if isinstance(issuer, str) and issuer.startswith("did:"):
            return invalid(suite, f"the signature holds, but the key belongs to "
                           f"{info.controller}, not to the issuer {issuer}", **facts)
        # an issuer that is no DID cannot name its key: the signer is the key's controller
        return verified(suite, **{**facts, "signer": info.controller},
                        detail=f"the issuer {issuer or '(none)'} is not a DID: the key is not "
                        "bound to it")
    return verified(suite, **facts)


def sign(doc: dict[str, Any], private: Any, verification_method: str, *,
         created: dt.datetime | None = None, purpose: str = "assertionMethod") -> dict[str, Any]:
    """A copy of ``doc`` with an ``eddsa-rdfc-2022`` proof under ``private`` (an Ed25519 key)
    named by ``verification_method``; an existing proof is replaced."""
    c = crypto()
    if not isinstance(private, c.ed25519.Ed25519PrivateKey):
        raise ValueError("eddsa-rdfc-2022 signs with an Ed25519 key")
    signed = {k: copy.deepcopy(v) for k, v in doc.items() if k != "proof"}
    when = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": EDDSA_RDFC,
        "created": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }
    proof["proofValue"] = "z" + b58encode(private.sign(_hash_data(signed, proof)))
    # a list: the OB 3.0 and CLR 2.0 JSON Schemas require an array (VC allows either)
    signed["proof"] = [proof]
    return signed


def _issuer(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None
