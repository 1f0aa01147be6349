"""Proofs for what credbridge writes (``convert --sign KEY``): ob3 and clr outputs get an
``eddsa-rdfc-2022`` Data Integrity proof (or a VC-JWT with ``--sign-suite jwt``), ob2 outputs
become OB 2.0 signed badges (a JWS of the assertion), elm outputs a JAdES-B seal in the EC's
form and edc-xml a XAdES-B seal (with ``--cert``). The issuer of a signed Open Badge / CLR is
the signing identity (a ``did:key`` for Ed25519 keys, else a ``did:jwk``), and the report says
so. Only what a writer wrote is signed: a record that failed (or failed ``--validate``) never
reaches the output. With ``--embed-source`` (ob3, clr) the source document is added as
evidence first (:mod:`.evidence`), so the proof covers it too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from credbridge.clock import source_date
from credbridge.context import Context, Source
from credbridge.errors import CredbridgeError, InputError, UsageError
from credbridge.report import Code

from . import dataintegrity, jades, vcjwt
from ._crypto import crypto
from .keys import b64url_encode, did_key_of, jwk_of, subject_of

SUITES = {"ob3": ("eddsa-rdfc-2022", "jwt"), "clr": ("jwt",), "ob2": ("jws",),
          "elm": ("jades",), "edc-xml": ("xades",)}
"""Target format -> the suites credbridge signs it with (the first is the default). CLR is
signed as a VC-JWT only: the unversioned CLR 2.0 context its writer names is not bundled (its
published versions differ), so an RDFC-1.0 proof over it could not be checked offline."""


@dataclass(frozen=True)
class SigningKey:
    """A private key and the identity it signs as."""

    private: Any
    method: str
    """The verification method id (``did:key:z…#z…`` or ``did:jwk:…#0``)."""
    did: str


def load_signing_key(path: str | Path) -> SigningKey:
    """A private key from a PEM (PKCS#8, traditional) or JWK file (with ``d``)."""
    c = crypto()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"--sign {path}: cannot open: {exc.strerror}") from None
    try:
        if data.lstrip().startswith(b"{"):
            private = _jwk_private(json.loads(data))
        else:
            private = c.serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"--sign {path}: not an unencrypted PEM private key or a private "
                         f"JWK ({exc})") from None
    if isinstance(private, c.ed25519.Ed25519PrivateKey):
        method = did_key_of(private.public_key())
    elif isinstance(private, c.ec.EllipticCurvePrivateKey | c.rsa.RSAPrivateKey):
        body = b64url_encode(json.dumps(jwk_of(private.public_key()),
                                        separators=(",", ":")).encode())
        method = f"did:jwk:{body}#0"
    else:
        raise UsageError(f"--sign {path}: key type not supported (Ed25519, EC or RSA)")
    return SigningKey(private, method, method.split("#", 1)[0])


def _jwk_private(jwk: Any) -> Any:
    from .keys import b64url_decode

    c = crypto()
    if not isinstance(jwk, dict) or "d" not in jwk:
        raise ValueError("a JWK without 'd' is a public key")
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return c.ed25519.Ed25519PrivateKey.from_private_bytes(b64url_decode(str(jwk["d"])))
    if jwk.get("kty") == "EC":
        from .keys import jwk_public

        public = jwk_public(jwk)
        value = int.from_bytes(b64url_decode(str(jwk["d"])), "big")
        return c.ec.derive_private_key(value, public.curve)
    raise ValueError("only OKP Ed25519 and EC private JWKs are read; give RSA keys as PEM")


def load_chain(path: str | Path) -> list[Any]:
    """The signer's certificate chain (PEM), signer first."""
    c = crypto()
    try:
        return list(c.x509.load_pem_x509_certificates(Path(path).read_bytes()))
    except OSError as exc:
        raise UsageError(f"--cert {path}: cannot open: {exc.strerror}") from None
    except ValueError:
        raise UsageError(f"--cert {path}: not PEM certificates") from None


@dataclass
class Signer:
    """How one batch signs its outputs."""

    key: SigningKey | None
    """``None``: nothing is signed, the outputs only get their source (``--embed-source``
    alone)."""
    target: str
    suite: str
    chain: list[Any] = field(default_factory=list)
    when: dt.datetime | None = None
    """The signing time written (``None``: now); ``SOURCE_DATE_EPOCH`` sets it, for
    reproducible outputs."""
    embed_source: bool = False
    """Add each output's source document as evidence before signing (ob3, clr)."""

    @classmethod
    def make(cls, key_path: str | None, target: str, suite: str | None = None,
             cert_path: str | None = None, *, embed_source: bool = False) -> Signer:
        """Check the combination (target, suite, key, certificate) before anything is read;
        without a key, the outputs are only given their source (``embed_source``)."""
        if key_path is None:
            if not embed_source:
                raise UsageError("--sign KEY: no key given")
            return cls(None, target, "", embed_source=True)
        suites = SUITES.get(target)
        if suites is None:
            raise UsageError(f"--sign: credbridge signs {', '.join(SUITES)} outputs, not "
                             f"{target}")
        chosen = suite or suites[0]
        if chosen not in suites:
            raise UsageError(f"--sign-suite {chosen}: {target} is signed with "
                             f"{' or '.join(suites)}")
        key = load_signing_key(key_path)
        c = crypto()
        if chosen == "eddsa-rdfc-2022" and not isinstance(key.private,
                                                         c.ed25519.Ed25519PrivateKey):
            raise UsageError("--sign: eddsa-rdfc-2022 needs an Ed25519 key (or --sign-suite "
                             "jwt for EC and RSA keys)")
        chain = load_chain(cert_path) if cert_path else []
        if chosen in ("jades", "xades"):
            if not chain:
                raise UsageError(f"--sign for {target} (a {chosen.upper()[:2]}{chosen[2:]} "
                                 "seal) needs --cert CHAIN: the sealing certificate (PEM, "
                                 "signer first)")
            public = key.private.public_key()
            if jwk_of(public) != jwk_of(chain[0].public_key()):
                raise UsageError("--cert: the first certificate is not the --sign key's")
        return cls(key, target, chosen, chain, source_date(), embed_source)

    def seal_xml(self, data: bytes, ctx: Context) -> bytes:
        """The XAdES-B sealed bytes of one written XML document."""
        from . import xades

        assert self.key is not None
        ctx.say(Code.SIGNED, "proof", f"sealed with XAdES-B by {subject_of(self.chain[0])}")
        return xades.seal(data, self.key.private, self.chain, signing_time=self.when)

    def wrap(self, stream: IO[bytes], ctx: Context) -> SignedOutput:
        """A buffer the writer writes into; :meth:`SignedOutput.finish` signs and writes."""
        return SignedOutput(self, stream, ctx)

    def sign_document(self, doc: dict[str, Any], ctx: Context) -> bytes:
        """The signed bytes of one written document (:class:`InputError` when it cannot be
        signed: nothing unsigned is written in its place)."""
        try:
            return self._sign(doc, ctx)
        except CredbridgeError:
            raise
        except Exception as exc:  # pyld and cryptography raise their own errors
            raise InputError(f"--sign: the output cannot be signed ({type(exc).__name__}: "
                             f"{exc})") from None

    def _sign(self, doc: dict[str, Any], ctx: Context) -> bytes:
        if self.key is None:  # --embed-source alone
            return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")
        if self.suite == "jws":
            return self._sign_ob2(doc, ctx)
        if self.suite == "jades":
            payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
            signer = subject_of(self.chain[0])
            ctx.say(Code.SIGNED, "proof", f"sealed with JAdES-B by {signer}")
            return jades.seal(payload, self.key.private, self.chain,
                              signing_time=self.when).encode("utf-8")
        previous = _issuer_id(doc)
        doc = _with_issuer(doc, self.key.did)
        changed = f" (was {previous})" if previous and previous != self.key.did else ""
        ctx.say(Code.SIGNED, "issuer", f"signed with {self.suite} by {self.key.did}; the "
                f"issuer is the signing identity{changed}")
        if self.suite == "jwt":
            return vcjwt.sign_vc_jwt(doc, self.key.private, self.key.method,
                                     issued_at=self.when).encode("ascii")
        signed = dataintegrity.sign(doc, self.key.private, self.key.method, created=self.when)
        return json.dumps(signed, indent=2, ensure_ascii=False).encode("utf-8")


    def _sign_ob2(self, doc: dict[str, Any], ctx: Context) -> bytes:
        """An OB 2.0 signed badge: the assertion, its ``verification`` a ``SignedBadge``
        whose ``creator`` is the signing key's id and its issuer the signing identity (whose
        ``publicKey`` is that key), as a compact JWS."""
        assert self.key is not None
        previous = doc.get("verification")
        badge = doc.get("badge")
        issuer = badge.get("issuer") if isinstance(badge, dict) else None
        out = dict(doc)
        out["verification"] = {"type": "SignedBadge", "creator": self.key.method}
        was = _verification_kind(previous)
        replaced = (f" (replaces the writer's {was} verification: the badge is signed, not "
                    "hosted)" if was and was.lower() not in ("signedbadge", "signed") else "")
        ctx.say(Code.SIGNED, "verification", f"verification written: SignedBadge, creator "
                f"{self.key.method} (the signing key's id){replaced}")
        if isinstance(badge, dict) and isinstance(issuer, dict):
            former = issuer.get("id")
            out["badge"] = {**badge, "issuer": {**issuer, "id": self.key.did,
                                                 "publicKey": self.key.method}}
            changed = f" (was {former})" if isinstance(former, str) and former != \
                self.key.did else ""
            ctx.say(Code.SIGNED, "issuer", f"signed as an OB 2.0 signed badge (JWS) by "
                    f"{self.key.did}; the issuer is the signing identity{changed}")
        else:
            ctx.say(Code.SIGNED, "issuer", f"signed as an OB 2.0 signed badge (JWS) by "
                    f"{self.key.did}; the badge's issuer is not embedded, so nothing in the "
                    "badge names the key's owner as its issuer")
        return vcjwt.sign_ob2(out, self.key.private).encode("ascii")


def _verification_kind(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else None


class SignedOutput:
    """What a writer writes, held back and signed document by document (one JSON document,
    or JSON Lines) when the writer is done."""

    def __init__(self, signer: Signer, stream: IO[bytes], ctx: Context) -> None:
        self.signer = signer
        self.stream = stream
        self.ctx = ctx
        self.buffer = io.BytesIO()
        self.origins: list[_Origin] = []

    def note(self, source: Source | None, record: str | int | None, ident: str | None) -> None:
        """The engine hands each credential to the writer: its source, record and id (which
        written document came from which source, for ``--embed-source``)."""
        self.origins.append(_Origin(source, record, ident))

    def finish(self) -> None:
        """Sign what was written and write it to the real stream."""
        data = self.buffer.getvalue()
        if not data.strip():
            return
        if self.signer.suite == "xades":
            self.stream.write(self.signer.seal_xml(data, self.ctx))
            return
        from .baked import baked

        inner = baked(data)
        if inner is not None:  # a baked badge (--bake): the credential in it is signed
            self.stream.write(self._rebaked(data, inner))
            return
        try:
            whole = json.loads(data)
        except ValueError:
            whole = None
        if isinstance(whole, dict):
            doc = self._with_source(whole, self._origin(whole, 0, 1))
            self.stream.write(self.signer.sign_document(doc, self.ctx).rstrip(b"\n") + b"\n")
            return
        lines = [line for line in data.splitlines() if line.strip()]
        for n, line in enumerate(lines):
            doc = json.loads(line)
            doc = self._with_source(doc, self._origin(doc, n, len(lines)))
            signed = self.signer.sign_document(doc, self.ctx)
            self.stream.write(json.dumps(json.loads(signed), ensure_ascii=False).encode()
                              if signed.lstrip().startswith(b"{") else signed.rstrip(b"\n"))
            self.stream.write(b"\n")

    def _rebaked(self, image: bytes, inner: bytes) -> bytes:
        """The badge image with its credential signed (and given its source)."""
        from .baked import rebake

        try:
            doc = json.loads(inner)
        except ValueError:
            raise InputError("--sign: the credential baked into the image is not JSON "
                             "(already signed?): not signed") from None
        if not isinstance(doc, dict):
            raise InputError("--sign: the credential baked into the image is not one JSON "
                             "object: not signed")
        signed = self.signer.sign_document(self._with_source(doc, self._origin(doc, 0, 1)),
                                           self.ctx)
        if self.signer.key is None or not signed.lstrip().startswith(b"{"):
            text = signed.strip()
        else:  # the JSON baked compactly, as the writer bakes it
            text = json.dumps(json.loads(signed), ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
        out = rebake(image, text)
        if out is None:
            raise InputError("--sign: the baked credential could not be replaced: not signed")
        return out

    def _origin(self, doc: Any, position: int, count: int) -> _Origin | None:
        """The credential a written document came from: the one with its id, else the one at
        its position when each credential gave one document, else the only source there
        is; ``None`` when it cannot be told."""
        ident = doc.get("id") if isinstance(doc, dict) else None
        if isinstance(ident, str):
            same = [o for o in self.origins if o.ident == ident]
            if len(same) == 1:
                return same[0]
        if len(self.origins) == count:
            return self.origins[position]
        sources = {id(o.source) for o in self.origins}
        return self.origins[0] if len(sources) == 1 else None

    def _with_source(self, doc: Any, origin: _Origin | None) -> Any:
        """``doc`` with its source document as evidence (``--embed-source``), or as it is."""
        if not self.signer.embed_source or not isinstance(doc, dict):
            return doc
        from .evidence import OPTION, with_source

        source = origin.source if origin is not None else None
        record = origin.record if origin is not None else None
        if origin is None or source is None or source.data is None:
            why = ("which input this document came from cannot be told (several credentials "
                   "of several inputs in one output: write them to -o DIR)" if origin is None
                   else "the credential was not read from an input document" if source is None
                   else f"no source document of this credential is kept (a {source.format} "
                   "input is read record by record)")
            self.ctx.say(Code.DROPPED, "evidence", f"{OPTION}: {why}; no source is embedded",
                         record=record)
            return doc
        self.ctx.say(Code.NOTE, "evidence", f"{OPTION}: the {source.format} source document "
                     f"({len(source.data)} bytes) is embedded as evidence (a base64 data: URL)"
                     + ("" if self.signer.key is None else ", covered by the output's proof"),
                     record=record)
        return with_source(doc, source.data, source.format)


@dataclass(frozen=True)
class _Origin:
    source: Source | None
    record: str | int | None
    ident: str | None


def _issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _with_issuer(doc: dict[str, Any], did: str) -> dict[str, Any]:
    issuer = doc.get("issuer")
    out = dict(doc)
    out["issuer"] = {**issuer, "id": did} if isinstance(issuer, dict) else did
    return out
