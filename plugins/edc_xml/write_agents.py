"""The EDC XML writer's people and organisations (PersonType / OrganizationType order)."""

from __future__ import annotations

from typing import Any

from credbridge import vocab
from credbridge.model import Organisation
from credbridge.report import Code
from lxml import etree

from .names import (
    q,
)
from .write_base import WriterBase, sub


class AgentWriter(WriterBase):
    """The learner (``credentialSubject``) and the organisations of ``agentReferences``."""

    def subject(self, root: Any) -> Any:
        """``credentialSubject`` (PersonType order) from the learner."""
        learner = self.cred.learner
        subject = sub(root, "credentialSubject")
        learner_id = learner.id if learner and learner.id else None
        if not learner_id:
            learner_id = "urn:epass:person:1"
            if learner is not None:
                self.note(Code.DEFAULTED, f"the learner has no id; {learner_id} is written "
                          "(the schema requires one)", "learner.id")
        subject.set("id", learner_id)
        if learner is None:
            self.note(Code.DEFAULTED, "no learner: empty givenNames and familyName are written "
                      "(required)", "learner")
            sub(subject, "givenNames")
            sub(subject, "familyName")
            return subject
        for ident in learner.identifiers:
            el = sub(subject, "identifier", ident.value)
            if ident.scheme:
                el.set("schemeID", ident.scheme)
            if ident.hashed:
                self.note(Code.APPROXIMATED, "a hashed identifier is written as a plain "
                          "identifier (EDC XML has no hash flag)", "learner.identifiers")
        nid = learner.national_id
        if nid is not None and not nid.country:
            self.note(Code.APPROXIMATED, "national id without country written as an "
                      "identifier (nationalId needs a country)", "learner.national_id")
            sub(subject, "identifier", nid.value, schemeID="national id")
        if learner.email:
            cp = sub(subject, "contactPoint")
            sub(cp, "mailBox", uri=f"mailto:{learner.email}")
        if nid is not None and nid.country:
            alpha3 = vocab.countries().get(nid.country).extra["alpha3"]
            sub(subject, "nationalId", nid.value, spatialID=alpha3)
        self.one_text(subject, "fullName", learner.full_name, "learner.full_name")
        if learner.given_name is None or learner.family_name is None:
            self.note(Code.DEFAULTED, "givenNames and familyName are required: a missing one is "
                      "written empty", "learner.given_name")
        self.one_text(subject, "givenNames", learner.given_name, "learner.given_name",
                      always=True)
        self.one_text(subject, "familyName", learner.family_name, "learner.family_name",
                      always=True)
        if learner.birth_date:
            sub(subject, "dateOfBirth", learner.birth_date.isoformat())
        for country in learner.citizenship:
            self.country_el(subject, "citizenshipCountry", country)
        return subject

    def org_id(self, org: Organisation, role: str) -> str:
        """The id under which ``org`` is written in ``agentReferences`` (deduplicated);
        ``role`` is its canonical path (``awarding_bodies[]``, ``issuer``...)."""
        key = org.id or org.model_dump_json()
        if key in self.orgs:
            known = self.orgs[key][0]
            if org.id and known != org:
                self.note(Code.APPROXIMATED, f"two different organisations share the id "
                          f"{org.id}: the first one is written", f"{role}.id")
            if org.id is None and self.orgs[key][2] != role:  # the same one in another role
                self.note(Code.DEFAULTED, f"an organisation without id is written as "
                          f"{self.orgs[key][1]} (the schema links organisations by id)",
                          f"{role}.id")
            return self.orgs[key][1]
        ident = org.id or self._free_org_id()
        if org.id is None:
            self.note(Code.DEFAULTED, f"an organisation without id is written as {ident} (the "
                      "schema links organisations by id)", f"{role}.id")
            if role.endswith("[]"):
                self.note(Code.APPROXIMATED, "organisations without id read back with the "
                          "generated ids", f"{role}.id")
        self.orgs[key] = (org, ident, role)
        return ident

    def _free_org_id(self) -> str:
        """A generated organisation id that no organisation of the credential uses."""
        c = self.cred
        taken = {o.id for o in [*c.awarding_bodies, c.issuer, c.provider,
                                *(c.assessment.assessors if c.assessment else [])]
                 if o is not None and o.id}
        taken |= {i for _, i, _r in self.orgs.values()}
        n = len(self.orgs) + 1
        while f"urn:epass:org:{n}" in taken:
            n += 1
        return f"urn:epass:org:{n}"

    def organisation(self, org: Organisation, ident: str, role: str) -> Any:
        """An ``organization`` (OrganizationType order); ``role`` is its canonical path."""
        el = etree.Element(q("organization"), id=ident)
        for i in org.identifiers:
            x = sub(el, "identifier", i.value)
            if i.scheme:
                x.set("schemeID", i.scheme)
        if org.email:
            cp = sub(el, "contactPoint")
            sub(cp, "mailBox", uri=f"mailto:{org.email}")
        legal = org.legal_identifier
        reg = sub(el, "registration", legal.value if legal else "")
        if legal is not None and legal.country:
            reg.set("spatialID", legal.country)
        if legal is None:
            self.note(Code.DEFAULTED, f"organisation {ident}: registration is required; an "
                      "empty one is written", f"{role}.legal_identifier")
        if not org.name:
            self.note(Code.DEFAULTED, f"organisation {ident}: prefLabel is required; an empty "
                      "one is written", f"{role}.name")
        self.text_el(el, "prefLabel", org.name, f"{role}.name", always=True)
        if org.url:
            if org.url.startswith(("http://", "https://")):
                sub(el, "homepage", uri=org.url)
            else:
                self.note(Code.APPROXIMATED, f"organisation {ident}: homepage {org.url!r} is not "
                          "an http(s) URL (the schema requires one); not written", f"{role}.url")
        location = sub(el, "hasLocation")
        if org.country or org.address:
            address = sub(location, "hasAddress")
            if org.address:
                self.text_el(address, "fullAddress", {"und": org.address},
                             f"{role}.address", note=True)
            if org.country:
                self.country_el(address, "country", org.country)
            else:
                self.note(Code.APPROXIMATED, f"organisation {ident}: an address needs a country; "
                          "the address is not written", f"{role}.address")
                location.remove(address)
        if org.region:
            if org.region.startswith(("http://", "https://")):
                self.code_el(location, "spatialCode", org.region,
                             org.region.rsplit("/", 1)[0], org.region)
            else:
                self.note(Code.APPROXIMATED, f"region {org.region!r} is not a URI; not written",
                          f"{role}.region")
        return el
