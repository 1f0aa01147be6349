"""What an EDC XML achievement links to (docs/design.md §2.1): its own learning activities
(``wasInfluencedBy``: title, director, dates, workload, mode, languages), its sub-achievements
(``hasPart``) and the provider, which is taken only from the achievement's own activities; and
the activities of a credential that holds no achievement (a certificate of participation)."""

from __future__ import annotations

from typing import Any

from credbridge.report import Code

from .names import clean_uri, local, q
from .read_specification import SpecificationReader
from .values import duration_hours

ACHIEVEMENTS = ("learningAchievement", "qualificationAward")
PROVIDER_ACTIVITY = "Learning activity"
"""Title of the activity credbridge writes to carry a provider (not read back as one)."""


class ClaimReader(SpecificationReader):
    """Activities, parts and the provider of an achievement; activity-only records."""

    def activity(self, element: Any, field: str = "activities[]") -> dict[str, Any]:
        """A learning activity (inline or referenced) as a canonical activity."""
        act = self.doc.resolve(element, "activity", "wasInfluencedBy") if element.get(
            "idref") else element
        if act is None:
            return {}
        self.doc.use(act)
        out: dict[str, Any] = {}
        ident = clean_uri(act.get("id"))
        if ident:
            out["id"] = ident
        for name in ("title", "description"):
            text = self.text(self.child(act, name))
            if text:
                out[name] = text
        director = self.doc.resolve(self.child(act, "directedBy"), "organization")
        if director is not None:
            out["provider"] = self.organisation(director)
        period: dict[str, Any] = {}
        for name, key in (("startedAtTime", "start"), ("endedAtTime", "end")):
            value = self.value(self.child(act, name))
            if value:
                period[key] = self.date(value, f"{field}.period.{key}")
        if period:
            out["period"] = period
        workload = self.value(self.child(act, "workload"))
        if workload:
            hours = duration_hours(workload)
            if hours is not None:
                out["hours"] = format(hours[0], "f")
                if not hours[1]:
                    self.ctx.say(Code.APPROXIMATED, f"{field}.hours", f"activity workload "
                                 f"{workload}: a day is read as 24 hours")
            else:
                self.ctx.say(Code.IGNORED_INPUT, f"{field}.hours", f"activity workload "
                             f"{workload} is not a number of hours; not kept")
        spec = self.doc.resolve(self.child(act, "specifiedBy"), "learningActivitySpecification")
        if spec is not None:
            self.doc.use(spec)
            modes = [m for m in (self.coded(self.code(e), "mode", f"{field}.modes")
                                 for e in self.children(spec, "mode")) if m]
            languages = [lang for lang in (self.language(self.code(e))
                                           for e in self.children(spec, "language")) if lang]
            if modes:
                out["modes"] = modes
            if languages:
                out["languages"] = languages
            if "title" not in out and self.text(self.child(spec, "title")):
                out["title"] = self.text(self.child(spec, "title"))
        return out

    def own_activities(self, ach: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """The achievement's activities and its provider: the director of its first activity
        that names one (never an activity of another achievement)."""
        activities = [a for a in (self.activity(e) for e in self.children(ach, "wasInfluencedBy"))
                      if a]
        directors = [a["provider"] for a in activities if a.get("provider")]
        provider = directors[0] if directors else None
        if len({repr(d) for d in directors}) > 1:
            self.ctx.say(Code.APPROXIMATED, "provider", f"the achievement's activities were "
                         f"directed by {len({repr(d) for d in directors})} organisations: the "
                         "first is the provider")
        if provider is None and self._directed_activities():
            self.ctx.say(Code.NOTE, "provider", "the achievement names no activity of its own "
                         "that says who provided it: no provider (an activity of another "
                         "achievement is never taken)")
        return activities, provider

    def _directed_activities(self) -> bool:
        # from each directedBy element to its parent: not a find() on every element
        return any(parent is not None and local(parent) in ("activity", "wasInfluencedBy")
                   for parent in (d.getparent() for d in self.root.iter(q("directedBy"))))

    def sub_achievements(self, ach: Any, parent: str | None = None,
                         seen: set[int] | None = None) -> list[dict[str, Any]]:
        """The achievement's ``hasPart`` achievements at any depth, flat (``part_of``)."""
        seen = set() if seen is None else seen
        out: list[dict[str, Any]] = []
        for has_part in self.children(ach, "hasPart"):
            for sub in has_part:
                target = self.doc.resolve(sub, *ACHIEVEMENTS) if sub.get("idref") else sub
                if target is None or local(target) not in ACHIEVEMENTS or id(target) in seen:
                    continue
                seen.add(id(target))
                self.doc.use(sub)
                self.doc.use(target)
                part: dict[str, Any] = {}
                ident = clean_uri(target.get("id"))
                if ident:
                    part["id"] = ident
                if parent is not None:
                    part["part_of"] = parent
                title = self.text(target.find(q("title")))
                self.doc.use(target.find(q("title")), deep=True)
                if title:
                    part["title"] = title
                below = [c for c in target if local(c) == "hasPart"]
                if below and "id" not in part:
                    part["id"] = f"urn:credbridge:part:{len(seen)}"
                out.append(part)
                if below:
                    out += self.sub_achievements(target, part["id"], seen)
        return out

    def activity_records(self, common: dict[str, Any],
                         cred_id: str | None) -> list[tuple[dict[str, Any], str]]:
        """One record per activity of a credential without achievements (a certificate of
        participation): the activity's title, provider, mode, languages, dates and hours."""
        subject = self.child(self.root, "credentialSubject")
        section = self.child(subject, "activities")
        activities = [a for a in (section if section is not None else [])
                      if local(a) == "activity"]
        if section is not None:
            self.doc.use(section)
        out = []
        texts = common.get("_texts", {})
        for position, element in enumerate(activities, start=1):
            data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in common.items()
                    if k != "_texts"}
            data["extensions"] = dict(common.get("extensions", {}))
            with self.ctx.at(clean_uri(element.get("id")) or position):
                act = self.activity(element, "activities[]")
            data["kind"] = "activity"
            own_title = act.pop("title", None)
            own_description = act.pop("description", None)
            data["title"] = own_title or texts.get("credential_title") or {}
            data["description"] = own_description or texts.get("credential_description") or {}
            kept = {k: texts[k] for k in ("credential_title", "credential_description")
                    if texts.get(k) and texts[k] != data[k.split("_")[1]]}
            if kept:
                data["extensions"]["edc-xml:texts"] = kept
            if act.get("provider"):
                data["provider"] = act["provider"]
            participation = {"modes": act.get("modes", [])} if act.get("modes") else {}
            if participation:
                data["participation"] = participation
            if act.get("languages"):
                data["languages"] = act["languages"]
            if act.get("period"):
                data["period"] = act["period"]
            if act.get("hours"):
                data["workload"] = {"hours": act["hours"]}
            ident = act.get("id")
            if len(activities) > 1:
                data["document"] = {"id": cred_id, "title": texts.get("credential_title") or {},
                                    "description": texts.get("credential_description") or {},
                                    "position": position, "count": len(activities)}
                data["id"] = ident or f"{cred_id or 'urn:credential'}#activity-{position}"
            else:
                data["extensions"]["edc-xml:ids"] = {"activity": ident} if ident else {}
            out.append((data, str(data.get("id") or f"activity {position}")))
        return out
