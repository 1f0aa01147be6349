"""Canonical credential -> Open Badges 2.0 Assertion with embedded BadgeClass and Issuer.

Hosted verification by default (the assertion must then be published at its ``id``). What
OB 2.0 has no term for goes into the ``extensions:CredbridgeExtension`` extension object (the
OB 2.0 extension mechanism), holding canonical credbridge JSON.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

from credbridge import vocab
from credbridge.context import Context
from credbridge.errors import InputError
from credbridge.model import MicroCredential, Organisation, build
from credbridge.report import Code, Report, Severity

from . import contexts as C
from .achievement_texts import alignment_name
from .common import iso_datetime, pick_text, prune_json, stable_urn
from .jsonld_safe import absolute_ids
from .options import BadgeOptions
from .overlay import deep_diff
from .sections import KeptSections, criteria_page

_NOT_IN_EXTENSION = ("extensions", "proof")
UNKNOWN_ISSUER_URL = C.OB2_UNKNOWN_ISSUER_URL
UNKNOWN_ISSUER_EMAIL = C.OB2_UNKNOWN_ISSUER_EMAIL


class Ob2Writer(KeptSections):
    """Builds the OB 2.0 JSON of one canonical credential."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.fmt = ctx.format
        options = ctx.options
        self.no_extension = isinstance(options, BadgeOptions) and options.no_extension
        self.missing: list[tuple[str, str | None]] = []
        """OB 2.0 properties the source could not give (a default written, or none), each
        with the canonical field it would come from."""

    def note(self, code: Code, detail: str, field: str | None = None,
             severity: Severity | None = None) -> None:
        """Report ``code`` about ``field`` for this format."""
        self.ctx.say(code, field, detail, severity=severity)

    def defaulted(self, prop: str, detail: str, field: str | None) -> None:
        """A property OB 2.0 requires that the source lacks: ``detail`` says the default
        written (reported ``defaulted``); under ``--strict`` the record is refused instead
        (:meth:`document`), so nothing is said here."""
        self.missing.append((prop, field))
        if not self.ctx.policy.strict:
            self.note(Code.DEFAULTED, detail, field)

    def document(self, cred: MicroCredential) -> dict[str, Any] | None:
        """The complete OB 2.0 assertion for ``cred`` (with the credbridge extension unless
        ``no_extension``): JSON-LD 1.0 throughout, the extension's canonical JSON a JSON
        text in a string (JSON-LD 1.0 has no JSON literals). ``None`` under ``--strict``
        when a property OB 2.0 requires is missing from the source (a failed record naming
        the properties)."""
        self.missing = []
        doc = self.standard(cred)
        if self.missing and self.ctx.policy.strict:
            names = ", ".join(dict.fromkeys(prop for prop, _ in self.missing))
            self.ctx.failed(f"OB 2.0 requires {names}, which the source does not give "
                            "(--strict: not written rather than defaulted)",
                            field=self.missing[0][1])
            return None
        extension = self.extension(cred, doc)
        if extension and self.no_extension:
            for key in extension:
                self.note(Code.DROPPED, "not written (--no-extension): the OB 2.0 terms "
                          "cannot hold it", key)
        elif extension:
            doc[C.OB2_CREDBRIDGE_EXTENSION] = {
                "@context": copy.deepcopy(C.OB2_CREDBRIDGE_CONTEXT),
                "type": ["Extension", C.OB2_CREDBRIDGE_EXTENSION],
                C.CREDBRIDGE_TERM: json.dumps(extension, ensure_ascii=False,
                                              separators=(",", ":"), sort_keys=True)}
        return doc

    def standard(self, cred: MicroCredential) -> dict[str, Any]:
        """The OB 2.0 JSON of ``cred`` without the credbridge extension."""
        ext = cred.extensions
        if C.is_absolute_iri(cred.id):
            assertion_id = str(cred.id)
        elif cred.id:
            assertion_id = stable_urn("credential-id", cred.id)
            self.note(Code.APPROXIMATED, f"the id {cred.id!r} is not an absolute IRI (OB 2.0 and "
                      f"JSON-LD need one): {assertion_id} written, derived from it; the "
                      "original id is kept in the credbridge extension", "id")
        else:
            assertion_id = stable_urn("assertion", self.canonical(cred))
            self.defaulted("id", f"OB 2.0 requires an id: {assertion_id} generated", "id")
        doc: dict[str, Any] = {"@context": C.OB2_CONTEXT, "type": "Assertion",
                               "id": assertion_id}
        doc["recipient"] = self._recipient(cred)
        badge_raw = self.raw(cred, "badge_ref")
        doc["badge"] = badge_raw["badge"] if badge_raw and isinstance(
            badge_raw.get("badge"), str) else self._badgeclass(cred, assertion_id)
        if cred.issued:
            doc["issuedOn"] = iso_datetime(cred.issued)
        else:
            self.defaulted("issuedOn", "OB 2.0 requires issuedOn: none known, "
                           "1970-01-01T00:00:00Z written", "issued")
            doc["issuedOn"] = "1970-01-01T00:00:00Z"
        if cred.valid_until:
            doc["expires"] = iso_datetime(cred.valid_until)
        evidence = self._evidence(cred)
        if evidence:
            doc["evidence"] = evidence
        raw_ver = self.raw(cred, "verification")
        if raw_ver:
            doc["verification"] = raw_ver
        elif assertion_id.startswith(("http://", "https://")):
            doc["verification"] = {"type": "hosted"}
            if not (cred.verification and cred.verification.method == "hosted"):
                self.note(Code.DEFAULTED, "hosted verification written: publish the assertion "
                          f"at its id {assertion_id}", "verification")
        else:
            # hosted verification needs an HTTP(S) id and signed a JWS: neither can be
            # claimed, so none is written (docs/formats/ob2.md)
            self.missing.append(("verification", "verification"))
            if not self.ctx.policy.strict:
                self.note(Code.NOTE, f"OB 2.0 requires verification, but the id "
                          f"{assertion_id} cannot be hosted (not an HTTP(S) URL) and credbridge "
                          "does not sign: no verification written (publish the assertion at "
                          "an HTTPS id, or sign it)", "verification",
                          severity=Severity.WARNING)
        if cred.verification and (cred.verification.status_service or
                                  cred.verification.method not in (None, "hosted", "signed")):
            self.note(Code.APPROXIMATED, "OB 2.0 has no status service: kept in the credbridge "
                      "extension", "verification")
        for key, value in (ext.get("ob2:assertion") or {}).items():
            doc.setdefault(key, value)
        self._from_ob3(cred, doc)
        if isinstance(doc["badge"], dict) and "image" not in doc["badge"]:
            doc["badge"]["image"] = C.OB2_DEFAULT_IMAGE
            self.defaulted("badge image", "OB 2.0 requires a BadgeClass image and none is "
                           "known: credbridge's generic badge image written (a data: SVG; "
                           "docs/formats/ob2.md), replace it with yours", "image")
        if cred.proof:
            self.note(Code.NOTE, "the source's proof/signature is not carried: the written "
                      "assertion is unsigned", "proof")
        out: dict[str, Any] = prune_json(doc)
        absolute_ids(out, lambda code, detail, field: self.note(code, detail, field))
        if any(key.startswith(("ob3:", "ob2:")) for key in ext):
            from . import jsonld_safe

            def dropped(path: str, message: str) -> None:
                self.note(Code.DROPPED, f"{path} of the source: {message}; not written")

            # source JSON a JSON-LD 1.0 processor would drop (Blockcerts terms, bad types)
            jsonld_safe.remove(out, jsonld_safe.problems(out, json_ld_10=True), dropped)
        return out

    def _text(self, text: dict[str, str], field: str) -> str | None:
        lang, value = pick_text(text)
        if value and len(text) > 1:
            self.note(Code.APPROXIMATED, f"OB 2.0 holds one language: {lang} written; all "
                      "languages kept in the credbridge extension", field)
        return value

    def _recipient(self, cred: MicroCredential) -> dict[str, Any]:
        raw = self.raw(cred, "identifier")
        if raw and isinstance(raw.get("recipient"), dict):
            return dict(raw["recipient"])
        learner = cred.learner
        if learner and learner.email:
            if learner.identifiers:
                self.note(Code.APPROXIMATED, "OB 2.0 has one recipient identity: the e-mail "
                          "written; the other identifiers are kept in the credbridge "
                          "extension", "learner.identifiers")
            return {"type": "email", "hashed": False, "identity": learner.email}
        if learner and learner.identifiers:
            ident = learner.identifiers[0]
            kind = {"emailAddress": "email"}.get(ident.scheme or "", ident.scheme or "")
            if kind not in C.OB2_IDENTITY_TYPES and not C.is_absolute_iri(kind):
                # a type no OB 2.0 term defines would be a relative IRI: dropped by JSON-LD
                # percent-encoded: a scheme with a space ("Student ID") is no IRI either
                kind = C.OB2_IDENTITY_TYPE_NS + quote(kind or "identifier", safe="")
            out: dict[str, Any] = {"type": kind, "hashed": bool(ident.hashed),
                                   "identity": ident.value}
            if ident.salt:
                out["salt"] = ident.salt
            return out
        if learner and learner.id:
            return {"type": "url", "hashed": False, "identity": learner.id}
        self.defaulted("recipient", "OB 2.0 requires a recipient: none known, an empty "
                       "hashed identity written", "learner")
        return {"type": "email", "hashed": True, "identity": "sha256$" + "0" * 64}

    def _badgeclass(self, cred: MicroCredential, assertion_id: str) -> dict[str, Any]:
        badge_raw = (cred.extensions.get("ob2:sections") or {}).get("badge", {}).get("raw", {})
        badge: dict[str, Any] = {
            "type": "BadgeClass",
            "id": badge_raw.get("id") or stable_urn("badgeclass", assertion_id)}
        name = self._text(cred.title, "title")
        if not name:
            name = "Untitled credential"
            self.defaulted("badge name", f"OB 2.0 requires a badge name: {name!r} written",
                           "title")
        badge["name"] = name
        description = self._text(cred.description, "description")
        if not description:
            description = name
            self.defaulted("badge description", "OB 2.0 requires a badge description: the "
                           "title written", "description")
        badge["description"] = description
        badge["criteria"] = self._criteria(cred)
        raw_issuer = self.raw(cred, "issuer")
        if isinstance(raw_issuer, dict):  # the source's own profile: what it lacks, defaulted
            raw_issuer = dict(raw_issuer)
            for key in ("url", "email"):
                if not raw_issuer.get(key):
                    self._contact_default(raw_issuer, key)
        badge["issuer"] = raw_issuer or self._issuer(cred, assertion_id)
        alignments = self.raw(cred, "alignment") or [
            {k: v for k, v in al.items() if k not in ("type", "targetType")}
            for al in self.raw(cred, "alignment", "ob3") or [] if isinstance(al, dict)
        ] or self._alignments(cred)
        if alignments:
            badge["alignment"] = alignments
        for key, value in (cred.extensions.get("ob2:badge") or {}).items():
            badge.setdefault(key, value)
        for key, value in (self.raw(cred, "edubadges") or {}).items():
            badge.setdefault(key, value)
        return badge

    def _criteria(self, cred: MicroCredential) -> Any:
        raw = self.raw(cred, "evidence")
        if raw and raw.get("criteria"):
            return raw["criteria"]
        info = cred.further_information
        page = criteria_page(cred)
        if info and info.text:
            text = pick_text(info.text)[1]
            return {"id": page, "narrative": text} if page else {"narrative": text}
        if page:
            return page
        outcomes = [pick_text(lo.text)[1] for lo in cred.learning_outcomes if lo.text]
        self.defaulted("badge criteria", "OB 2.0 requires criteria: a narrative written from "
                       "the learning outcomes" if outcomes else "OB 2.0 requires criteria: a "
                       "generic narrative written", "further_information.text")
        return {"narrative": ("Learning outcomes: " + "; ".join(o for o in outcomes if o))
                if outcomes else "Awarded as described."}

    def _evidence(self, cred: MicroCredential) -> Any:
        raw = self.raw(cred, "evidence")
        if raw:
            return raw.get("evidence")
        info = cred.further_information
        page = criteria_page(cred)
        links = [link for link in info.links if link != page] if info else []
        return links or None

    def _issuer(self, cred: MicroCredential, assertion_id: str) -> dict[str, Any]:
        org = cred.awarding_bodies[0] if cred.awarding_bodies else cred.issuer
        if org is None:
            org = Organisation()
            self.defaulted("issuer", "OB 2.0 requires an issuer: an unnamed profile written",
                           "awarding_bodies")
        elif len(cred.awarding_bodies) > 1:
            self.note(Code.APPROXIMATED, f"OB 2.0 has one issuer: the first of "
                      f"{len(cred.awarding_bodies)} awarding bodies written; all kept in the "
                      "credbridge extension", "awarding_bodies")
        profile: dict[str, Any] = {"type": "Issuer",
                                   "id": org.id or stable_urn("issuer", assertion_id)}
        kept = cred.extensions.get("ob2:issuer") or {}
        name = self._text(org.name, "awarding_bodies[].name")
        if name:
            profile["name"] = name
        for key in ("url", "email"):
            value = getattr(org, key)
            if key == "url" and value and not C.is_absolute_iri(value) and " " not in value \
                    and "." in value:
                self.note(Code.APPROXIMATED, f"the issuer url {value!r} has no scheme: written "
                          f"as https://{value}", "awarding_bodies[].url")
                value = "https://" + value
            elif key == "url" and value and not C.is_absolute_iri(value):
                self.note(Code.DROPPED, f"the issuer url {value!r} is not a URL (OB 2.0 and "
                          "JSON-LD need an absolute IRI): not written", "awarding_bodies[].url")
                value = None
            if value:
                profile[key] = value
            else:
                self._contact_default(profile, key)
        for key, value in kept.items():
            profile.setdefault(key, value)
        return profile

    def _contact_default(self, profile: dict[str, Any], key: str) -> None:
        """The issuer ``url`` or ``email`` OB 2.0 requires and the source lacks: the issuer's
        id for an HTTP(S) one (url), else the reserved ``.invalid`` placeholder (reported
        ``defaulted``; refused under ``--strict``)."""
        if key == "url" and str(profile.get("id")).startswith(("http://", "https://")):
            profile["url"] = profile["id"]
            self.note(Code.DEFAULTED, "OB 2.0 requires the issuer url: the issuer's id "
                      "(an HTTP(S) URL) written", "awarding_bodies[].url")
            return
        placeholder = UNKNOWN_ISSUER_URL if key == "url" else UNKNOWN_ISSUER_EMAIL
        profile[key] = placeholder
        self.defaulted(f"issuer {key}", f"OB 2.0 requires the issuer {key} and the source "
                       f"gives none: {placeholder} written (a reserved name no one owns, "
                       "docs/formats/ob2.md); replace it with the issuer's",
                       f"awarding_bodies[].{key}")

    def _alignments(self, cred: MicroCredential) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for lo in cred.learning_outcomes:
            url = lo.esco_skill or (lo.related[0] if lo.related else None)
            text = pick_text(lo.text)[1]
            if not url or not (text or lo.esco_skill):
                continue
            name, fallback = alignment_name(cred, text, url)
            if fallback:
                self.note(Code.DEFAULTED, f"OB 2.0 requires an alignment's targetName and the "
                          f"source names {url} by its URI only: {name!r} written",
                          "learning_outcomes[].text")
            al = {"targetName": name, "targetUrl": url}
            if lo.esco_skill:
                al["targetFramework"] = C.ESCO_FRAMEWORK
            if lo.code:
                al["targetCode"] = lo.code
            out.append(al)
        if cred.levels and cred.levels.eqf:
            n = cred.levels.eqf
            out.append({"targetName": f"EQF level {n}", "targetUrl": f"{C.EQF_URI}{n}",
                        "targetCode": str(n), "targetFramework": C.EQF_FRAMEWORK})
        isced = vocab.vocabulary("isced_f")
        for code in cred.fields_of_study:
            out.append({"targetName": isced.label(code), "targetUrl": isced.uri(code),
                        "targetCode": code, "targetFramework": C.ISCED_F_FRAMEWORK})
        return out

    def _from_ob3(self, cred: MicroCredential, doc: dict[str, Any]) -> None:
        """Carry what an OB 3.0 source kept that OB 2.0 can hold; report the rest dropped."""
        ach = cred.extensions.get("ob3:achievement") or {}
        badge = doc.get("badge") if isinstance(doc.get("badge"), dict) else None
        for key, value in ach.items():
            if badge is not None and key == "image" and isinstance(value, dict) and \
                    value.get("id"):
                badge.setdefault("image", self._image(value, "extensions.ob3:achievement"))
            elif badge is not None and key == "tag" and isinstance(value, list):
                badge.setdefault("tags", value)
            elif badge is not None and key == "related" and _ob2_badge_id(value):
                badge["id"] = _ob2_badge_id(value)
            else:
                self.note(Code.DROPPED, f"OB 3.0 achievement element {key!r} has no OB 2.0 "
                          "place", f"extensions.ob3:achievement.{key}")
        subject = cred.extensions.get("ob3:subject") or {}
        for key, value in subject.items():
            if key == "narrative" and isinstance(value, str):
                doc.setdefault("narrative", value)
            elif key == "image" and isinstance(value, dict) and value.get("id"):
                doc.setdefault("image", self._image(value, "extensions.ob3:subject"))
            else:
                self.note(Code.DROPPED, f"OB 3.0 subject element {key!r} has no OB 2.0 place",
                          f"extensions.ob3:subject.{key}")
        issuer = badge.get("issuer") if badge is not None else None
        for key, value in (cred.extensions.get("ob3:issuer") or {}).items():
            # an Image object without an id (a URL) has nothing OB 2.0 can hold
            usable = key != "image" or not isinstance(value, dict) or isinstance(
                value.get("id"), str)
            if isinstance(issuer, dict) and usable and key in ("image", "description",
                                                               "telephone", "phone"):
                target = "telephone" if key == "phone" else key
                image = self._image(value, "extensions.ob3:issuer") if key == "image" and \
                    isinstance(value, dict) else value
                issuer.setdefault(target, image)
            else:
                self.note(Code.DROPPED, f"OB 3.0 issuer element {key!r} has no OB 2.0 place",
                          f"extensions.ob3:issuer.{key}")
        for key in (cred.extensions.get("ob3:creator") or {}):
            self.note(Code.DROPPED, f"OB 3.0 achievement creator element {key!r} has no OB 2.0 "
                      "place", f"extensions.ob3:creator.{key}")
        for key, what in (("ob3:sections", "the original OB 3.0 JSON of the issuer, "
                            "alignments, results, identifiers and evidence"),
                          ("ob3:contexts", "the other contexts the OB 3.0 source named")):
            if cred.extensions.get(key):
                self.note(Code.APPROXIMATED, f"OB 2.0 is written from the canonical values: "
                          f"{what} (kept for an ob3 round trip) is not carried",
                          f"extensions.{key}")
        if cred.extensions.get("ob3:more_subjects"):
            self.note(Code.DROPPED, "OB 2.0 has one recipient: the other credential subjects "
                      "of the OB 3.0 source are not written", "extensions.ob3:more_subjects")
        if cred.extensions.get("ob3:credentialSchema"):
            self.note(Code.DROPPED, "the OB 3.0 source's other credentialSchema entries have no "
                      "OB 2.0 place", "extensions.ob3:credentialSchema")
        for key in (cred.extensions.get("ob3:credential") or {}):
            self.note(Code.DROPPED, f"OB 3.0 credential element {key!r} has no OB 2.0 place"
                      + (" (the badge name and description are shown)" if key in (
                          "name", "description") else ""), f"extensions.ob3:credential.{key}")

    def _image(self, image: dict[str, Any], field: str) -> Any:
        """An OB 2.0 image (its URL) for an OB 3.0 Image; a caption is reported."""
        if set(image) - {"id", "type"}:
            self.note(Code.APPROXIMATED, "OB 2.0 images are URLs: the caption of the OB 3.0 "
                      "image is not carried", field)
        return image["id"]

    def extension(self, cred: MicroCredential, doc: dict[str, Any]) -> dict[str, Any]:
        """Canonical JSON of what a standard reading of ``doc`` does not give back."""
        from .ob2_read import read_document

        # a standard reading of the written document: its messages are not the user's
        silent = Context(format=self.fmt, options=self.ctx.options, report=Report())
        data, _ = read_document(copy.deepcopy(doc), silent, {})
        if data is not None:
            data.pop("extensions", None)
        try:
            back = build(data or {}).to_json_dict()
        except InputError:
            back = {}
        want = self.canonical(cred)
        out = {k: v for k, v in deep_diff(want, back).items() if k not in _NOT_IN_EXTENSION}
        kept = [k for k, v in out.items() if v is not None and not (
            k in ("issued", "valid_until") and str(back.get(k, "")).startswith(str(v)))]
        if kept:
            self.note(Code.NOTE, "only credbridge-aware readers will understand in full: "
                      + ", ".join(kept) + " (extensions:CredbridgeExtension)")
        return out


def _ob2_badge_id(related: Any) -> str | None:
    """The OB 2.0 BadgeClass an upgraded OB 3.0 achievement names in ``related``."""
    for item in related if isinstance(related, list) else []:
        if isinstance(item, dict) and item.get("version") == "Open Badges v2p0" and \
                isinstance(item.get("id"), str):
            return str(item["id"])
    return None
