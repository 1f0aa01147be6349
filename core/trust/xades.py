"""XAdES / XMLDSig enveloped signatures of EDC XML documents, verified offline: every
``Reference`` digest (the document without its signatures, and the XAdES ``SignedProperties``
by ``#id``), then the ``SignatureValue`` over the canonical ``SignedInfo`` under the
certificate of ``KeyInfo``, valid at the XAdES ``SigningTime`` and chained to the given
anchors. Canonicalisation: exclusive and inclusive C14N 1.0 (lxml); the document transforms
the EC uses (enveloped-signature, the XPath ``not(ancestor-or-self::ds:Signature)`` filter and
XPath Filter 2.0 subtracting the signatures). Anything else is ``unsupported``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
from typing import Any

from credbridge.errors import CredbridgeError
from credbridge.safety import parse_xml

from ._crypto import crypto
from .keys import TrustStore, check_chain, subject_of, valid_at
from .outcome import Outcome, invalid, unsupported, unverifiable, verified

SUITE = "xades"
DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = {
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (False, False),
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (False, True),
}
DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
SIGNATURES = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": ("RS", "SHA1"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("RS", "SHA256"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("RS", "SHA384"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("RS", "SHA512"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": ("ES", "SHA256"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": ("ES", "SHA384"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": ("ES", "SHA512"),
}
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"
XADES_NS = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")


class _Unsupported(Exception):
    pass


def _q(name: str) -> str:
    return f"{{{DS}}}{name}"


def verify_xml(data: bytes, store: TrustStore) -> list[Outcome]:
    """One outcome per ``ds:Signature`` of an XML document (``[]`` when it holds none)."""
    root = parse_xml(data, what="the signed XML")
    signatures = list(root.iter(_q("Signature")))
    return [_verify_one(root, sig, store, f"ds:Signature[{n}]")
            for n, sig in enumerate(signatures)]


def _c14n(node: Any, algorithm: str | None) -> bytes:
    exclusive, comments = C14N.get(algorithm or "", (None, None))
    if exclusive is None:
        raise _Unsupported(f"canonicalisation {algorithm!r} not implemented")
    from lxml import etree

    return bytes(etree.tostring(node, method="c14n", exclusive=exclusive,
                                with_comments=comments))


def _without_signatures(root: Any) -> Any:
    """A copy of the document without any ``ds:Signature`` (the enveloped transforms)."""
    doc = copy.deepcopy(root)
    for sig in list(doc.iter(_q("Signature"))):
        parent = sig.getparent()
        if parent is not None:
            tail = sig.tail
            previous = sig.getprevious()
            parent.remove(sig)
            if tail:  # the text after the signature stays in the document
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return doc


def _by_id(root: Any, ident: str) -> Any | None:
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attr in ("Id", "ID", "id"):
            if node.get(attr) == ident:
                return node
    return None


def _reference_bytes(root: Any, reference: Any) -> bytes:
    uri = reference.get("URI")
    transforms = [t.get("Algorithm") for t in reference.iterfind(
        f"{_q('Transforms')}/{_q('Transform')}")]
    if uri == "":
        node = root
    elif uri and uri.startswith("#"):
        node = _by_id(root, uri[1:])
        if node is None:
            raise ValueError(f"the reference {uri} names no element")
    else:
        raise _Unsupported(f"reference URI {uri!r} (only same-document references)")
    c14n: str | None = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    removed = False
    for transform in reference.iterfind(f"{_q('Transforms')}/{_q('Transform')}"):
        algorithm = transform.get("Algorithm")
        if algorithm in C14N:
            c14n = algorithm
        elif algorithm == ENVELOPED or (algorithm in (XPATH, FILTER2)
                                        and "Signature" in "".join(transform.itertext())):
            if algorithm == FILTER2 and "subtract" not in "".join(
                    str(child.get("Filter")) for child in transform):
                raise _Unsupported("XPath Filter 2.0 other than subtracting the signatures")
            removed = True
        else:
            raise _Unsupported(f"transform {algorithm!r} not implemented")
    if removed:
        if node is not root:
            raise _Unsupported("an enveloped transform of a part of the document")
        node = _without_signatures(root)
    del transforms
    return _c14n(node, c14n)


def _verify_one(root: Any, sig: Any, store: TrustStore, where: str) -> Outcome:
    facts: dict[str, Any] = {"where": where}
    info = sig.find(_q("SignedInfo"))
    value = sig.find(_q("SignatureValue"))
    if info is None or value is None:
        return invalid(SUITE, "a signature without SignedInfo or SignatureValue", **facts)
    signing_time = None
    for ns in XADES_NS:
        found = sig.find(f".//{{{ns}}}SigningTime")
        if found is not None and found.text:
            facts["signed_at"] = found.text.strip()
            signing_time = _time(found.text.strip())
    certificate = sig.find(f"{_q('KeyInfo')}//{_q('X509Certificate')}")
    c = crypto()
    cert = None
    if certificate is not None and certificate.text:
        try:
            cert = c.x509.load_der_x509_certificate(
                base64.b64decode("".join(certificate.text.split()), validate=True))
        except (ValueError, binascii.Error):
            return invalid(SUITE, "the KeyInfo certificate cannot be read", **facts)
        facts["signer"] = subject_of(cert)
    method = info.find(_q("SignatureMethod"))
    algorithm = SIGNATURES.get(method.get("Algorithm") if method is not None else "")
    if algorithm is None:
        return unsupported(SUITE, "signature method "
                           f"{method.get('Algorithm') if method is not None else None!r} "
                           "not implemented", **facts)
    try:
        for reference in info.iterfind(_q("Reference")):
            digest_method = reference.find(_q("DigestMethod"))
            name = DIGESTS.get(digest_method.get("Algorithm") if digest_method is not None
                               else "")
            if name is None:
                raise _Unsupported("digest method not implemented")
            expected = base64.b64decode("".join(
                (reference.findtext(_q("DigestValue")) or "").split()))
            if hashlib.new(name, _reference_bytes(root, reference)).digest() != expected:
                uri = reference.get("URI")
                what = "the document" if uri == "" else f"{uri}"
                return invalid(SUITE, f"the digest of {what} does not match: it was changed "
                               "after signing", **facts)
        canonical = _c14n(info, info.find(_q("CanonicalizationMethod")).get("Algorithm")
                          if info.find(_q("CanonicalizationMethod")) is not None else None)
    except _Unsupported as exc:
        return unsupported(SUITE, str(exc), **facts)
    except (ValueError, binascii.Error, CredbridgeError) as exc:
        return invalid(SUITE, str(exc), **facts)
    if cert is None:
        return unverifiable(SUITE, "the signature carries no certificate (KeyInfo)", **facts)
    if not valid_at(cert, signing_time):
        return invalid(SUITE, "the signer's certificate was not valid at signing time", **facts)
    try:
        signature = base64.b64decode("".join((value.text or "").split()), validate=True)
    except (ValueError, binascii.Error):
        return invalid(SUITE, "SignatureValue is not base64", **facts)
    from .jws import verify_signature

    public = cert.public_key()
    try:
        if algorithm[1] == "SHA1":  # EMREX/ELMO seals: legacy, still checkable
            holds = _verify_rsa_sha1(public, signature, canonical)
        else:
            holds = verify_signature(f"{algorithm[0]}{algorithm[1][3:]}", public, signature,
                                     canonical)
    except ValueError as exc:
        return invalid(SUITE, str(exc), **facts)
    if not holds:
        return invalid(SUITE, "the signature does not match SignedInfo", **facts)
    result = check_chain(cert, [], store, signing_time)
    if result.trusted is False:
        return invalid(SUITE, f"signature holds, but {result.detail}", **facts)
    notes = [] if result.trusted else [result.detail]
    if algorithm[1] == "SHA1":
        notes.append("signed with SHA-1, a weak algorithm")
    return verified(SUITE, detail="; ".join(notes), anchor=result.anchor, **facts)


def _verify_rsa_sha1(public: Any, signature: bytes, data: bytes) -> bool:
    c = crypto()
    if not isinstance(public, c.rsa.RSAPublicKey):
        raise ValueError("rsa-sha1 needs an RSA key")
    try:
        public.verify(signature, data, c.padding.PKCS1v15(), c.hashes.SHA1())
    except c.InvalidSignature:
        return False
    return True


def _time(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


XADES = "http://uri.etsi.org/01903/v1.3.2#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


def seal(data: bytes, private: Any, chain: list[Any], *,
         signing_time: dt.datetime | None = None) -> bytes:
    """A XAdES-B enveloped seal of an XML document (in the EDC's ``proof``, else the root's
    last child):
    the document and the XAdES ``SignedProperties`` (``SigningTime``,
    ``SigningCertificateV2``) referenced, exclusive C14N, SHA-256, RSA or ECDSA."""
    import secrets

    from lxml import etree

    from .jws import algorithm_for, sign_bytes

    c = crypto()
    root = parse_xml(data, what="the XML to seal")
    ident = secrets.token_hex(16)
    alg = algorithm_for(private)
    method = {"RS256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
              "ES256": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
              "ES384": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
              "ES512": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"}.get(alg)
    if method is None:
        raise ValueError(f"XAdES seals are made with RSA or ECDSA keys, not {alg}")
    when = (signing_time or dt.datetime.now(dt.UTC)).replace(microsecond=0)

    def ds(parent: Any, name: str, **attrs: str) -> Any:
        return etree.SubElement(parent, _q(name), attrs)

    sig = etree.SubElement(_seal_parent(root), _q("Signature"), {"Id": f"id-{ident}"},
                           nsmap={"ds": DS})
    info = ds(sig, "SignedInfo")
    ds(info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    ds(info, "SignatureMethod", Algorithm=method)
    refs = []
    for uri, kind, transforms in (
            ("", None, (ENVELOPED, EXC_C14N)),
            (f"#xades-id-{ident}", "http://uri.etsi.org/01903#SignedProperties", (EXC_C14N,))):
        attrs = {"URI": uri} | ({"Type": kind} if kind else {})
        reference = ds(info, "Reference", **attrs)
        holder = ds(reference, "Transforms")
        for transform in transforms:
            ds(holder, "Transform", Algorithm=transform)
        ds(reference, "DigestMethod", Algorithm=SHA256)
        refs.append((reference, ds(reference, "DigestValue")))
    value = ds(sig, "SignatureValue", Id=f"value-id-{ident}")
    x509 = ds(ds(sig, "KeyInfo"), "X509Data")
    for cert in chain:
        ds(x509, "X509Certificate").text = base64.b64encode(
            cert.public_bytes(c.serialization.Encoding.DER)).decode("ascii")
    obj = ds(sig, "Object")
    qualifying = etree.SubElement(obj, f"{{{XADES}}}QualifyingProperties",
                                  {"Target": f"#id-{ident}"}, nsmap={"xades": XADES})
    signed = etree.SubElement(qualifying, f"{{{XADES}}}SignedProperties",
                              {"Id": f"xades-id-{ident}"})
    props = etree.SubElement(signed, f"{{{XADES}}}SignedSignatureProperties")
    etree.SubElement(props, f"{{{XADES}}}SigningTime").text = when.strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    digest = etree.SubElement(etree.SubElement(etree.SubElement(
        props, f"{{{XADES}}}SigningCertificateV2"), f"{{{XADES}}}Cert"),
        f"{{{XADES}}}CertDigest")
    ds(digest, "DigestMethod", Algorithm=SHA256)
    ds(digest, "DigestValue").text = base64.b64encode(
        chain[0].fingerprint(c.hashes.SHA256())).decode("ascii")
    for reference, digest_value in refs:
        digest_value.text = base64.b64encode(hashlib.sha256(
            _reference_bytes(root, reference)).digest()).decode("ascii")
    value.text = base64.b64encode(sign_bytes(private, _c14n(info, EXC_C14N), alg)).decode()
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


EDC_NS = "http://data.europa.eu/snb"


def _seal_parent(root: Any) -> Any:
    """Where the seal goes: an EDC credential's ``proof`` (its last element, made when
    absent), else the root."""
    from lxml import etree

    if not isinstance(root.tag, str) or not root.tag.startswith(f"{{{EDC_NS}}}"):
        return root
    proof = root.find(f"{{{EDC_NS}}}proof")
    if proof is None:
        proof = etree.SubElement(root, f"{{{EDC_NS}}}proof")
    for child in list(proof):  # an empty proof of the writer, or a stale seal
        proof.remove(child)
    proof.text = None
    return proof
