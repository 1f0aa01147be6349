"""Re-use of the original JSON on a same-format round trip ("raw if unchanged").

A reader keeps, for a few parts of the input (the issuer profile, the alignments, the results,
the recipient identifiers...), the original JSON together with a digest of the canonical values
it produced from them. A writer that finds the canonical values unchanged writes the original
JSON back, so OB → canonical → OB keeps every detail the canonical model has no place for; when
the values were changed, it writes them from the canonical model instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from credbridge.model import MicroCredential

if TYPE_CHECKING:
    from credbridge.context import Context


def _first_body(data: dict[str, Any]) -> Any:
    bodies = data.get("awarding_bodies") or []
    return bodies[0] if bodies else None


def _outcomes_and_levels(data: dict[str, Any]) -> Any:
    return {k: data.get(k) for k in ("learning_outcomes", "levels", "fields_of_study",
                                     "quality_assurance")}


SNAPSHOTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "issuer": _first_body,
    "creator": lambda d: d.get("provider"),
    "alignment": _outcomes_and_levels,
    "result": lambda d: (d.get("assessment") or {}).get("grade"),
    "identifier": lambda d: d.get("learner"),
    "evidence": lambda d: d.get("further_information"),
    "badge": lambda d: {k: d.get(k) for k in ("title", "description", "credential_type")},
    "badge_ref": lambda d: {k: d.get(k) for k in (
        "title", "description", "credential_type", "further_information", "learning_outcomes",
        "levels", "fields_of_study", "awarding_bodies")},
    "verification": lambda d: d.get("verification"),
    "edubadges": lambda d: {k: d.get(k) for k in ("workload", "levels", "languages",
                                                   "learning_outcomes")},
}
"""Section name -> the canonical values the section's JSON produced."""


def snapshot(cred: MicroCredential | dict[str, Any], name: str) -> str:
    """A digest of the canonical values of section ``name`` of ``cred`` (or of its canonical
    JSON): what the section's JSON gave on read; compared on write."""
    data = cred.to_json_dict() if isinstance(cred, MicroCredential) else cred
    text = json.dumps(SNAPSHOTS[name](data), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def keep(cred: MicroCredential, fmt: str, raws: dict[str, Any],
         ctx: Context | None = None) -> MicroCredential:
    """``cred`` with ``extensions["<fmt>:sections"]``: each raw part and its snapshot; a part
    that cannot be kept is said to ``ctx``."""
    from credbridge.model import not_json
    from credbridge.report import Code

    data = cred.to_json_dict()
    sections = {name: {"raw": raw, "read": snapshot(data, name)}
                for name, raw in raws.items() if raw not in (None, [], {})}
    # model_copy does not validate: a raw part the model would refuse (nested too deeply for
    # a written document to be read back, a lone surrogate) is not kept; the writer then makes
    # the section anew from the canonical values
    kept = {}
    for name, entry in sections.items():
        problem = not_json({f"{fmt}:sections": {name: entry}})
        if problem is None:
            kept[name] = entry
        elif ctx is not None:
            where, _, why = problem.partition(": ")
            ctx.say(Code.IGNORED_INPUT, f"extensions{where}",
                    f"the source's JSON of its {name} part is not kept for the {fmt} round "
                    f"trip ({why}); the {fmt} writer writes that part anew from the values "
                    "read")
    sections = kept
    if not sections:
        return cred
    extensions = dict(cred.extensions)
    extensions[f"{fmt}:sections"] = sections
    return cred.model_copy(update={"extensions": extensions})


def raw_if_unchanged(cred: MicroCredential, fmt: str, name: str,
                     data: dict[str, Any] | None = None) -> Any:
    """The original JSON of section ``name`` when the credential's values are unchanged;
    ``data`` is ``cred.to_json_dict()`` when the caller already has it."""
    sections = cred.extensions.get(f"{fmt}:sections")
    if not isinstance(sections, dict) or not isinstance(sections.get(name), dict):
        return None
    entry = sections[name]
    if entry.get("read") == snapshot(data if data is not None else cred, name):
        return entry.get("raw")
    return None


class KeptSections:
    """What the OB writers share to re-use kept sections: the canonical JSON of the credential
    being written is computed once, not once per section (kept on the writer, which lives for
    one write call, never in the module)."""

    fmt: str
    _memo: tuple[MicroCredential, dict[str, Any]] | None = None

    def canonical(self, cred: MicroCredential) -> dict[str, Any]:
        """``cred.to_json_dict()``, computed once per credential (the dict is only read)."""
        memo = self._memo
        if memo is not None and memo[0] is cred:
            return memo[1]
        data = cred.to_json_dict()
        self._memo = (cred, data)
        return data

    def raw(self, cred: MicroCredential, name: str, fmt: str | None = None) -> Any:
        """:func:`raw_if_unchanged` for this writer's format (or ``fmt``)."""
        return raw_if_unchanged(cred, fmt or self.fmt, name, self.canonical(cred))


def criteria_page(cred: MicroCredential) -> str | None:
    """The criteria page URL an Open Badges source named (``criteria`` as a URL or
    ``criteria.id``), when it is still among the further-information links."""
    info = cred.further_information
    for fmt in ("ob2", "ob3"):
        sections = cred.extensions.get(f"{fmt}:sections") or {}
        raw = (sections.get("evidence") or {}).get("raw") if isinstance(sections, dict) else None
        criteria = raw.get("criteria") if isinstance(raw, dict) else None
        page = criteria.get("id") if isinstance(criteria, dict) else criteria
        if isinstance(page, str) and info and page in info.links:
            return page
    return None
