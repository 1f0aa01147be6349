"""Open Badges 2.0 Assertion (+ BadgeClass + Issuer profile) -> canonical credential data.

A BadgeClass or issuer named by URL is completed from documents given alongside (matched by
``id``), never fetched; what stays unresolved is reported. Unknown properties and
``extensions:`` objects are kept in ``extensions["ob2:…"]`` for a same-format round trip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credbridge.errors import InputError
from credbridge.report import Code

from . import contexts as C
from . import refusals
from .common import Node, as_list, text_value, types_of
from .ob3_read import PROFILE_KEYS, Ob3Reader
from .text_language import badgeclass_language, tag_texts

if TYPE_CHECKING:
    from credbridge.context import Context

_RECIPIENT_SCHEMES = {"email", "url", "telephone", "id"}
EDUBADGES = {
    "ECTSExtension": ("ECTS", "workload.ects"),
    "EQFExtension": ("EQF", "levels.eqf"),
    "TimeInvestmentExtension": ("TimeInvestment", "workload.hours"),
    "LanguageExtension": ("Language", "languages"),
    "LearningOutcomeExtension": ("LearningOutcome", "learning_outcomes"),
}
"""eduBadges (SURF) BadgeClass extensions: extension name -> (its property, canonical field).
Their ``en_EN``/``nl_NL`` language values are read as ``en``/``nl``."""


def ob2_kind(data: dict[str, Any]) -> str | None:
    """``Assertion``, ``BadgeClass``, ``Issuer`` (or ``Profile``) or None."""
    types = types_of(data)
    for kind in ("Assertion", "BadgeClass", "Issuer", "Profile"):
        if kind in types:
            return kind
    if "recipient" in data and "badge" in data:
        return "Assertion"
    return None


class Ob2Reader:
    """Maps one OB 2.0 assertion (with its badge class and issuer) to canonical data."""

    def __init__(self, ctx: Context, documents: dict[str, dict[str, Any]]) -> None:
        self.ctx = ctx
        self.documents = documents
        self.helper = Ob3Reader(ctx)
        self.raws: dict[str, Any] = {}
        self.extensions: dict[str, Any] = {}
        self.unresolved: list[str] = []

    def note(self, code: Code, detail: str, field: str | None = None) -> None:
        """Report ``code`` about ``field`` for this format."""
        self.ctx.say(code, field, detail)

    def resolve(self, value: Any, what: str, missing: str) -> dict[str, Any] | None:
        """An embedded object, or the document given alongside whose id is ``value``."""
        if isinstance(value, dict):
            return value
        if isinstance(value, str):
            found = self.documents.get(value)
            if found is not None:
                self.note(Code.NOTE, f"{what} {value} completed from a document given "
                          "alongside")
                return found
            self.unresolved.append(value)
            self.note(Code.NOTE, f"{what} is named by URL only ({value}) and no document with "
                      f"that id was given alongside; credbridge never fetches it: {missing} "
                      "unknown")
        return None

    def read_assertion(self, data: dict[str, Any]) -> dict[str, Any]:
        """The canonical data of an Assertion."""
        root = Node(data, "assertion")
        root.skip("@context", "type")
        out: dict[str, Any] = {}
        if isinstance(data.get("id"), str):
            out["id"] = root.take("id")
        self._recipient(root.take("recipient"), out)
        for key, target in (("issuedOn", "issued"), ("expires", "valid_until")):
            if root.data.get(key) is not None:
                out[target] = root.take(key)
        badge_ref = root.take("badge")
        badge = self.resolve(badge_ref, "the BadgeClass", "title, description, criteria, "
                             "alignments and issuer")
        self.extensions["ob2:source"] = {
            "assertion": out.get("id"),
            "badgeclass": badge_ref if isinstance(badge_ref, str) else
            (badge or {}).get("id")}
        if badge is None:
            self.raws["badge_ref"] = {"badge": badge_ref}
        if badge is not None:
            self.read_badgeclass(badge, out)
        links = []
        for item in as_list(root.take("evidence")):
            if isinstance(item, str):
                links.append(item)
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                links.append(item["id"])
        if links:
            info = out.setdefault("further_information", {})
            info["links"] = list(dict.fromkeys([*info.get("links", []), *links]))
        self.raws["evidence"] = {"evidence": data.get("evidence"),
                                 "criteria": (badge or {}).get("criteria")}
        verification = root.take("verification")
        self._verification(verification, out)
        rest = root.rest()
        if rest:
            self.extensions["ob2:assertion"] = rest
        out["extensions"] = self.extensions
        return out

    def _recipient(self, value: Any, out: dict[str, Any]) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("identity"), str):
            self.note(Code.INVALID_VALUE, "the assertion has no recipient identity", "learner")
            return
        kind = str(value.get("type") or "email").removeprefix(C.OB2_IDENTITY_TYPE_NS)
        hashed = bool(value.get("hashed"))
        identity = value["identity"]
        learner: dict[str, Any] = {}
        if not hashed and kind == "email":
            learner["email"] = identity
        else:
            scheme = {"email": "emailAddress"}.get(kind, kind)
            ident: dict[str, Any] = {"value": identity, "scheme": scheme, "hashed": hashed}
            if isinstance(value.get("salt"), str):
                ident["salt"] = value["salt"]
            learner["identifiers"] = [ident]
        out["learner"] = learner
        self.raws["identifier"] = {"recipient": value}
        if kind not in _RECIPIENT_SCHEMES:
            self.note(Code.NOTE, f"unusual recipient type {kind!r} kept as the identifier "
                      "scheme", "learner.identifiers")

    def read_badgeclass(self, badge: dict[str, Any], out: dict[str, Any]) -> None:
        """Map a BadgeClass (and its issuer) into ``out``."""
        node = Node(badge, "badge")
        node.skip("@context", "type", "id")
        name = text_value(node.take("name"))
        if name:
            out["title"] = {"und": name}
        desc = text_value(node.take("description"))
        if desc:
            out["description"] = {"und": desc}
        criteria = node.take("criteria")
        info: dict[str, Any] = {}
        if isinstance(criteria, str):
            info["links"] = [criteria]
        elif isinstance(criteria, dict):
            if isinstance(criteria.get("narrative"), str):
                info["text"] = {"und": criteria["narrative"]}
            if isinstance(criteria.get("id"), str):
                info["links"] = [criteria["id"]]
        if info:
            out["further_information"] = info
        alignments = as_list(node.take("alignment"))
        for al in alignments:
            if isinstance(al, dict):
                self.helper.alignment(al, out)
        if not out.get("levels"):
            out.pop("levels", None)
        if alignments:
            self.raws["alignment"] = alignments
        issuer_ref = node.take("issuer")
        issuer = self.resolve(issuer_ref, "the issuer profile", "awarding body name, url and "
                              "email")
        if issuer is not None:
            org = self.helper.profile(issuer, "awarding_bodies[]")
            for key in ("url", "email"):  # credbridge's stand-ins are not the source's
                if org and org.get(key) in C.OB2_STAND_INS:
                    del org[key]
            if org:
                out["awarding_bodies"] = [org]
                self.raws["issuer"] = issuer
            rest = {k: v for k, v in issuer.items() if k not in PROFILE_KEYS}
            if rest:
                self.extensions["ob2:issuer"] = rest
        elif isinstance(issuer_ref, str):
            out["awarding_bodies"] = [{"id": issuer_ref}]
            self.raws["issuer"] = issuer_ref
        self.raws["badge"] = {"id": badge.get("id"), "type": badge.get("type")}
        if badge.get("image") == C.OB2_DEFAULT_IMAGE:
            node.take("image")  # credbridge's stand-in for a missing image, not the source's
        self._edubadges(node, out)
        tag_texts(out, badgeclass_language(badge))
        rest = node.rest()
        if rest:
            self.extensions["ob2:badge"] = rest

    def _edubadges(self, node: Node, out: dict[str, Any]) -> None:
        """eduBadges BadgeClass extensions (``extensions:ECTSExtension`` {"ECTS": 2.5}...)."""
        found: dict[str, Any] = {}
        for name, (key, target) in EDUBADGES.items():
            ext = node.data.get(f"extensions:{name}")
            value = ext.get(key) if isinstance(ext, dict) else None
            if value is None:
                continue
            if target in ("workload.ects", "workload.hours"):
                number = self.helper.number(value, target)
                if number is None:
                    continue
                out.setdefault("workload", {})[target.split(".")[1]] = str(number)
            elif target == "levels.eqf":
                out.setdefault("levels", {})["eqf"] = value
            elif target == "languages" and isinstance(value, str):
                lang = value.replace("_", "-")
                out["languages"] = [lang.split("-")[0] if lang.lower() in ("en-en", "nl-nl")
                                    else lang]
            elif target == "learning_outcomes" and isinstance(value, str):
                out.setdefault("learning_outcomes", []).append({"text": {"und": value}})
            else:
                continue
            found[f"extensions:{name}"] = node.take(f"extensions:{name}")
        if found:
            self.raws["edubadges"] = found

    def _verification(self, value: Any, out: dict[str, Any]) -> None:
        if not isinstance(value, dict):
            return
        kind = str(value.get("type") or "")
        if kind in ("hosted", "HostedBadge"):
            out["verification"] = {"method": "hosted"}
            if out.get("id", "").startswith(("http://", "https://")):
                out["verification"]["url"] = out["id"]
        elif kind in ("signed", "SignedBadge"):
            out["verification"] = {"method": "signed"}
            self.note(Code.NOTE, "OB 2.0 signed verification: the signature is not verified "
                      "and never carried to an output", "proof")
        elif kind:
            self.note(Code.IGNORED_INPUT, f"unknown verification type {kind!r}",
                      "verification")
        self.raws["verification"] = value


def read_document(data: dict[str, Any], ctx: Context,
                  documents: dict[str, dict[str, Any]]) -> tuple[dict[str, Any] | None,
                                                                  Ob2Reader | None]:
    """Canonical data of an OB 2.0 document: an Assertion, or a BadgeClass read on its own
    (no learner); an Issuer profile alone is not a credential (None)."""
    kind = ob2_kind(data)
    reader = Ob2Reader(ctx, documents)
    if kind == "Assertion":
        return reader.read_assertion(data), reader
    if kind == "BadgeClass":
        out: dict[str, Any] = {}
        reader.read_badgeclass(data, out)
        reader.extensions["ob2:source"] = {"badgeclass": data.get("id")}
        out["extensions"] = reader.extensions
        reader.note(Code.NOTE, "a BadgeClass alone: the achievement is read, but there is no "
                    "recipient and no issue date (give the assertion too)")
        return out, reader
    if kind in ("Issuer", "Profile"):
        if len(ctx.documents) < 2:  # given alone: nothing it could complete
            raise InputError(refusals.ISSUER_PROFILE)
        reader.note(Code.NOTE, f"an OB 2.0 issuer profile ({data.get('id')}) is not a "
                    "credential; give it alongside the assertion or badge class that names it")
        return None, None
    if "Endorsement" in types_of(data):
        raise InputError(refusals.endorsement_2_0(data))
    if refusals.is_blockcerts_3(data):
        raise InputError(refusals.blockcerts_3(data))
    raise InputError("not an Open Badges 2.0 document: no Assertion, BadgeClass or Issuer "
                     "type")
