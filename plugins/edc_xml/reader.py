"""Read ``europassCredential`` documents (XSD 1.0-1.2, plain, sealed or in a presentation).

One canonical micro-credential per top-level achievement of ``credentialSubject/achievements``
(a document without achievements gives one credential from the credential-level data). Every
``@idref`` is resolved through :class:`~.references.Document`; dangling ones are reported, and
so is every element that has no place in the canonical model (``ignored-input``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from credbridge.context import Context
from credbridge.errors import InputError
from credbridge.model import MicroCredential
from credbridge.report import Code
from credbridge.safety import Limits, limits_of, parse_xml
from lxml import etree

from . import seals
from .names import CRED, SNB, VP, clean_uri, local, q
from .read_claims import PROVIDER_ACTIVITY, ClaimReader
from .read_prerelease import is_prerelease, prerelease_record
from .references import Document


def parse(stream: IO[bytes], limits: Limits | None = None) -> Any:
    """Parse the document with credbridge's one XML policy (the hardened parser over the whole
    document, within ``limits``: no DOCTYPE, processing instruction or XInclude anywhere); a
    syntax error is an InputError."""
    return parse_xml(stream.read(), what="the EDC XML document", limits=limits)


PRESENTED = (q("europassCredential"), q("presentedCredential", VP))
"""How a presentation holds a credential: a ``europassCredential`` or (EC software, XSD 1.1
mandated presentations) the same content as ``vp:presentedCredential``."""


def credentials_in(root: Any) -> tuple[list[Any], list[dict[str, Any]], list[Any]]:
    """The ``europassCredential`` elements of a document (itself, or inside a
    ``vp:verifiablePresentation``), the seals of the wrapper, and wrapper elements to report."""
    if root.tag == q("europassCredential"):
        return [root], [], []
    if root.tag == q("verifiablePresentation", VP):
        creds = [c for c in root if c.tag in PRESENTED]
        if not creds:
            raise InputError("an EDC XML vp:verifiablePresentation that holds no "
                             "europassCredential (nor vp:presentedCredential): no credential")
        wrapper_seals = []
        others = []
        for child in root:
            if child.tag in PRESENTED:
                continue
            if local(child) == "proof":
                seal = seals.summarise(child, "presentation")
                if seal:
                    wrapper_seals.append(seal)
                continue
            others.append(child)
        return creds, wrapper_seals, others
    raise InputError(
        f"the root element is {{{etree.QName(root).namespace}}}{etree.QName(root).localname}, "
        f"not europassCredential ({SNB}) or vp:verifiablePresentation"
    )


Build = Callable[[dict[str, Any]], MicroCredential | None]
"""Turns the reader's dict into a credential (or reports it and returns ``None``); messages name
``ctx.record``, set to the record's label around the call."""


def read_document(stream: IO[bytes], ctx: Context, build: Build) -> Iterator[MicroCredential]:
    """Yield the canonical credentials of an EDC XML document; ``ctx.record`` is the label of
    each credential while it is built and when it is yielded."""
    root = parse(stream, limits_of(ctx))
    if is_prerelease(root):
        data, label = prerelease_record(root, ctx)
        with ctx.at(label):
            cred = build(data)
            if cred is not None:
                yield cred
        return
    creds, wrapper_seals, wrapper_rest = credentials_in(root)
    for element in wrapper_rest:
        ctx.say(Code.IGNORED_INPUT, None, f"vp:verifiablePresentation/{local(element)} (the "
                "presentation's own data) has no place in the canonical model")
    for cred_element in creds:
        doc = Document(cred_element, ctx)
        reader = _CredentialReader(doc, wrapper_seals)
        records = reader.records()
        label = clean_uri(cred_element.get(q("id", CRED))) or "europassCredential"
        doc.report_unused(record=label)
        for data, record in records:
            with ctx.at(record):
                cred = build(data)
                if cred is not None:
                    seals.report_not_carried(list(data.get("proof", [])), ctx)
                    yield cred


class _CredentialReader(ClaimReader):
    """Maps one ``europassCredential`` to canonical dicts (one per top-level achievement)."""

    def __init__(self, doc: Document, wrapper_seals: list[dict[str, Any]]) -> None:
        super().__init__(doc)
        self.wrapper_seals = wrapper_seals

    def records(self) -> list[tuple[dict[str, Any], str]]:
        """(canonical dict, record label) for each top-level achievement."""
        root = self.root
        cred_id = clean_uri(root.get(q("id", CRED)))
        common = self.common()
        subject = self.child(root, "credentialSubject")
        achievements_el = self.child(subject, "achievements")
        achievements = [a for a in (achievements_el if achievements_el is not None else [])
                        if local(a) in ("learningAchievement", "qualificationAward")]
        for a in achievements:
            self.doc.use(a)
        if not achievements:
            if common.get("issuer"):
                self.ctx.say(Code.NOTE, "awarding_bodies",
                             "the credential has no achievement: its issuer is "
                             "taken as the awarding body", record=cred_id)
                common["awarding_bodies"] = [common.pop("issuer")]
            activities = self.activity_records(common, cred_id)
            if activities:
                return [(self._finish(d), label if len(activities) > 1 else cred_id or label)
                        for d, label in activities]
            data = dict(common)
            data.pop("_texts", None)
            return [(self._finish(data), cred_id or "1")]
        out = []
        many = len(achievements) > 1
        for position, achievement in enumerate(achievements, start=1):
            with self.ctx.at(clean_uri(achievement.get("id")) or position):
                data = self.achievement(achievement, common, many)
            if many:
                texts = common["_texts"]
                data["document"] = {"id": cred_id, "title": texts["credential_title"] or {},
                                    "description": texts["credential_description"] or {},
                                    "position": position, "count": len(achievements)}
            label = data.get("id") or f"{cred_id or 'credential'} achievement {position}"
            out.append((self._finish(data), str(label)))
        if many:
            self.ctx.say(Code.NOTE, None, f"the credential holds {len(achievements)} top-level "
                         "achievements: one canonical credential each", record=cred_id)
        return out

    def _body_accreditations(self, org: Any, data: dict[str, Any]) -> None:
        """The accreditations of an awarding body (``organization/hasAccreditation``: an
        institutional quality assurance) are quality assurance of the credential (Annex I)."""
        qas = data.setdefault("quality_assurance", [])
        for ref in org.findall(q("hasAccreditation")):
            target = self.doc.resolve(ref, "accreditation")
            if target is not None:
                qa = self.accreditation(target)
                if qa and qa not in qas:
                    qas.append(qa)
        if not qas:
            del data["quality_assurance"]

    def _finish(self, data: dict[str, Any]) -> dict[str, Any]:
        issuer = data.get("issuer")
        if issuer and any(b.get("id") == issuer.get("id") for b in data.get("awarding_bodies",
                                                                             [])):
            data.pop("issuer")
        ext = data.get("extensions", {})
        for key in [k for k, v in ext.items() if v in ({}, [], None)]:
            del ext[key]
        if not ext:
            data.pop("extensions", None)
        return data

    def common(self) -> dict[str, Any]:
        """Credential-level fields shared by every achievement of the document."""
        root = self.root
        data: dict[str, Any] = {"extensions": {}}
        texts: dict[str, Any] = {}
        for section in root:
            if local(section).endswith("References"):
                self.doc.use(section)
        data["id"] = clean_uri(root.get(q("id", CRED)))
        ctype = self.code(self.child(root, "type"))
        if ctype:
            data["credential_type"] = self.coded(ctype, "credential_type", "credential_type")
        self.child(root, "primaryLanguage")
        self.doc.use(self.child(root, "availableLanguages"), deep=True)
        # EC software writes <language><language>en</language></language> (fails XSD 1.2)
        self.doc.use(self.child(root, "language"), deep=True)
        valid_from = self.value(self.child(root, "validFrom", CRED))
        issued = self.value(self.child(root, "issued", CRED))
        if valid_from:
            data["issued"] = self.date(valid_from, "issued")
            if issued:
                data["extensions"]["edc-xml:sealed"] = issued
        elif issued:
            data["issued"] = self.date(issued, "issued")
            self.ctx.say(Code.NOTE, "issued", "no cred:validFrom: the sealing time cred:issued is "
                         "taken as the date of issuing")
        valid_until = self.value(self.child(root, "validUntil", CRED))
        if valid_until:
            data["valid_until"] = self.date(valid_until, "valid_until")
        issuer = self.doc.resolve(self.child(root, "issuer", CRED), "organization")
        if issuer is not None:
            data["issuer"] = self.organisation(issuer)
        texts["credential_title"] = self.text(self.child(root, "title"))
        texts["credential_description"] = self.text(self.child(root, "description"))
        data["_texts"] = texts
        subject = self.child(root, "credentialSubject")
        if subject is not None:
            data["learner"] = self.learner(subject)
        proof_el = self.child(root, "proof")
        seal = seals.summarise(proof_el, "credential")
        if seal:
            self.doc.use(proof_el, deep=True)
        data["proof"] = ([seal] if seal else []) + list(self.wrapper_seals)
        data["title"] = texts["credential_title"]
        if texts["credential_description"]:
            data["description"] = texts["credential_description"]
        return data

    def achievement(self, ach: Any, common: dict[str, Any], many: bool) -> dict[str, Any]:
        """A top-level achievement (with its specification) -> canonical dict."""
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in common.items()}
        data["extensions"] = dict(common["extensions"])
        texts: dict[str, Any] = dict(common["_texts"])
        ids: dict[str, Any] = {"achievement": clean_uri(ach.get("id"))}
        if many:  # the achievement's id, which every format keeps
            data["id"] = ids["achievement"] or f"{data.get('id') or 'urn:credential'}#" \
                f"achievement-{ach.getparent().index(ach) + 1}"
        if local(ach) == "qualificationAward":
            data["extensions"]["edc-xml:achievement_kind"] = "qualificationAward"
        texts["achievement_title"] = self.text(self.child(ach, "title"))
        texts["achievement_description"] = self.text(self.child(ach, "description"))
        spec = self.doc.resolve(self.child(ach, "specifiedBy"), "qualification",
                                "learningSpecification")
        if spec is not None:
            self.doc.use(spec)
            ids["specification"] = clean_uri(spec.get("id"))
            self.specification(spec, data, texts, ids)
        derived = self.children(ach, "wasDerivedFrom")
        if derived:
            self.assessment(derived[0], data, texts, ids)
        activities, provider = self.own_activities(ach)
        if provider:
            data["provider"] = provider
        if activities:
            # the activity credbridge writes to carry the provider is not an activity
            own = [a for a in activities if not (set(a) <= {"id", "title", "provider"} and
                                                 list(a.get("title", {}).values())
                                                 == [PROVIDER_ACTIVITY])]
            if own:
                data["activities"] = own
        awarded = self.doc.resolve(self.child(ach, "wasAwardedBy"), "awardingProcess")
        if awarded is not None:
            self.doc.use(awarded)
            ids["awarding_process"] = clean_uri(awarded.get("id"))
            bodies = []
            for ref in self.children(awarded, "awardingBody"):
                org = self.doc.resolve(ref, "organization")
                if org is not None:
                    bodies.append(self.organisation(org))
                    self._body_accreditations(org, data)
            data["awarding_bodies"] = bodies
        parts = self.sub_achievements(ach)
        if parts:
            data["parts"] = parts
            self.ctx.say(Code.APPROXIMATED, "parts", f"{len(parts)} sub-achievement(s) kept "
                         "as parts with their id and title (their results are not read)")
        # canonical title/description: credential texts for one achievement, else its own
        title_keys = ("credential_title", "achievement_title", "specification_title")
        if many:
            title_keys = ("achievement_title", "specification_title", "credential_title")
        data["title"] = next((texts[k] for k in title_keys if texts.get(k)), {})
        desc_keys: tuple[str, ...] = ("credential_description", "achievement_description",
                                      "specification_description")
        if many:
            desc_keys = desc_keys[1:]
        data["description"] = next((texts[k] for k in desc_keys if texts.get(k)), {})
        kept = {k: v for k, v in texts.items() if v and
                v != (data["title"] if k.endswith("title") else data["description"])
                and not k.startswith("_")}
        if kept:
            data["extensions"]["edc-xml:texts"] = kept
        data["extensions"]["edc-xml:ids"] = {k: v for k, v in ids.items() if v}
        data.pop("_texts", None)
        return data
