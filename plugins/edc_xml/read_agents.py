"""The EDC XML reader's people and organisations: ``credentialSubject`` and ``organization``."""

from __future__ import annotations

from typing import Any

from credbridge import vocab
from credbridge.errors import InputError
from credbridge.report import Code

from .names import clean_uri, q
from .read_values import ElementReader

NATIONAL_ID_SCHEME = "national id"
"""The scheme of the ``identifier`` credbridge writes for a national id of unknown country."""


class AgentReader(ElementReader):
    """Learner, organisations and the provider."""

    def learner(self, subject: Any) -> dict[str, Any]:
        """``credentialSubject`` -> canonical learner."""
        out: dict[str, Any] = {"id": clean_uri(subject.get("id"))}
        out["identifiers"] = [self.identifier(i) for i in self.children(subject, "identifier")]
        email = self.first_email(subject)
        if email:
            out["email"] = email
        nid = self.child(subject, "nationalId")
        if nid is not None:
            self.doc.use(nid, deep=True)
            out["national_id"] = {"value": (nid.text or "").strip(),
                                  "country": self._national_country(nid)}
        else:  # how credbridge writes a national id without a country (nationalId needs one)
            national = [i for i in out["identifiers"] if i.get("scheme") == NATIONAL_ID_SCHEME]
            if len(national) == 1:
                out["identifiers"].remove(national[0])
                out["national_id"] = {"value": national[0]["value"]}
        out["full_name"] = self.plain(self.child(subject, "fullName"), "learner.full_name")
        out["given_name"] = self.plain(self.child(subject, "givenNames"), "learner.given_name")
        out["family_name"] = self.plain(self.child(subject, "familyName"),
                                        "learner.family_name")
        dob = self.value(self.child(subject, "dateOfBirth"))
        if dob:
            out["birth_date"] = dob
        out["citizenship"] = [c for c in (self.country(self.code(e), "learner.citizenship")
                                          for e in self.children(subject, "citizenshipCountry"))
                              if c]
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def _national_country(self, nid: Any) -> str | None:
        """The country of a national id: ``@spatialID``, else the country ``@schemeAgencyName``
        names (the agency that issues the ids); an agency that is not the id's country is
        reported."""
        field = "learner.national_id.country"
        agency = (nid.get("schemeAgencyName") or "").strip()
        country = self.country(nid.get("spatialID"), field)
        try:
            named = vocab.country_code(agency) if agency else None
        except InputError:
            named = None
        if country is None and named is not None:
            self.ctx.say(Code.NOTE, field, f"the national id's country is read from its "
                         f"issuing agency {agency!r}")
            return named
        if agency and named != country:
            self.ctx.say(Code.IGNORED_INPUT, "learner.national_id",
                         f"the national id's issuing agency {agency!r} has no canonical field")
        return country

    def first_email(self, agent: Any) -> str | None:
        """The first ``contactPoint/mailBox`` address of a person or organisation (further
        ones stay unread and are reported)."""
        for cp in agent.findall(q("contactPoint")):
            box = cp.find(q("mailBox"))
            email = _mail(box.get("uri")) if box is not None else None
            if email:
                self.doc.use(cp)
                self.doc.use(box, deep=True)
                return email
        return None

    def organisation(self, org: Any) -> dict[str, Any]:
        """``organization`` -> canonical Organisation."""
        self.doc.use(org)
        out: dict[str, Any] = {"id": clean_uri(org.get("id"))}
        out["identifiers"] = [self.identifier(i) for i in self.children(org, "identifier")]
        email = self.first_email(org)
        if email:
            out["email"] = email
        reg = self.child(org, "registration")
        if reg is not None and (reg.text or "").strip():
            self.doc.use(reg, deep=True)
            legal: dict[str, Any] = {"value": reg.text.strip()}
            country = self.country(reg.get("spatialID"), "legal_identifier.country")
            if country:
                legal["country"] = country
            out["legal_identifier"] = legal
        out["name"] = self.text(self.child(org, "prefLabel"))
        homepage = org.find(q("homepage"))
        if homepage is not None:
            self.doc.use(homepage, deep=True)
            out["url"] = clean_uri(homepage.get("uri"))
        # the first location with an address gives country and address, the first spatial
        # code the region; further ones stay unread (reported)
        for location in org.findall(q("hasLocation")):
            address = location.find(q("hasAddress"))
            if address is not None and "country" not in out:
                self.doc.use(location)
                self.doc.use(address)
                country = self.country(self.code(self.child(address, "country")),
                                       "awarding_bodies[].country")
                if country:
                    out["country"] = country
                full = self.child(address, "fullAddress")
                if full is not None:
                    text = self.plain(full, "address")
                    if text:
                        out["address"] = text
            spatial = location.find(q("spatialCode"))
            if spatial is not None and "region" not in out:
                self.doc.use(location)
                out["region"] = self.code(spatial)
            if not len(location):
                self.doc.use(location)
        accreditations = self.children(org, "hasAccreditation")
        for a in accreditations:
            self.doc.use(a, deep=True)
        out["accreditations"] = [clean_uri(a.get("idref")) for a in accreditations]
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def provider(self, activities: list[Any]) -> dict[str, Any] | None:
        """The organisation that directed the first learning activity (or the first activity of
        ``credentialSubject/activities``)."""
        candidates = list(activities)
        subject_acts = self.root.find(f"{q('credentialSubject')}/{q('activities')}")
        if subject_acts is not None:
            candidates += subject_acts.findall(q("activity"))
        for activity in candidates:
            ref = activity.find(q("directedBy"))
            if ref is None:
                continue
            self.doc.use(activity)
            org = self.doc.resolve(ref, "organization")
            if org is not None:
                self.ctx.say(Code.APPROXIMATED, "provider",
                             "provider taken from the organisation that "
                             "directed the learning activity")
                return self.organisation(org)
        return None


def _mail(uri: str | None) -> str | None:
    cleaned = clean_uri(uri)
    if not cleaned:
        return None
    return cleaned[len("mailto:"):] if cleaned.lower().startswith("mailto:") else cleaned
