"""The EBSI profile of EDC 3: a VCDM 2.0 European Digital Credential (``--ebsi``).

EBSI's Europass EDC JSON Schema (``@cef-ebsi/vcdm2.0-europass-edc-schema``, which builds on its
VCDM 2.0 attestation schema) asks of an EDC, beyond the EC shapes: the VC 2.0 context
first, the types ``VerifiableCredential``, ``VerifiableAttestation`` and
``EuropeanDigitalCredential``, both ``validFrom`` and ``issued``, date-times in RFC 3339 (with
a time zone), durations without fractions, one language per personal name, and a
``credentialStatus`` of type ``CredentialStatus`` or ``TrustedCredentialStatus2021`` with
nothing else in it. :func:`ebsi_document` turns the writer's EDC 3 document into that profile,
reporting each change; :func:`schema_problems` checks a document against the schema, read
from the official schemas folder (never fetched).

As JSON-LD the profile has limits of its own, which no writer can lift while the schema asks
for context URLs only: the VC 2.0 context protects ``description``, which the edc-ap 3.2
context redefines, so a JSON-LD 1.1 processor refuses the pair (``protected term
redefinition``); and neither context defines ``VerifiableAttestation`` or ``issued``.
credbridge reads the profile back with its own term table (docs/formats/elm.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credbridge.report import Code

from .concepts import provisional_country
from .contexts import EDC_AP_URL, VC2_URL
from .terms import elm_terms
from .values import duration_hours

if TYPE_CHECKING:
    from credbridge.context import Context
    from jsonschema.protocols import Validator

TYPES = ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"]
STATUS_TYPES = ("CredentialStatus", "TrustedCredentialStatus2021")
"""The status types the EBSI EDC schema allows."""
SCHEMA_FILE = "vcdm2.0-europass-edc-schema.schema.json"
ATTESTATION_FILE = "vcdm2.0-attestation-schema.schema.json"
SCHEMA_FOLDER = "edc-json-schema"

# Properties whose value the schema types as one language-tagged string (LangStringType).
_ONE_LANGUAGE = {"Person": ("fullName", "givenName", "familyName")}
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")  # the schema's list is ISO 639-1 codes
_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$")
_DURATION_KEYS = ("volumeOfLearning", "workload", "maximumDuration", "duration")
_DATE_KEYS = ("validFrom", "validUntil", "issued", "issuanceDate", "expirationDate",
              "dateOfBirth", "dateIssued", "awardingDate", "expiryDate", "startDate",
              "endDate", "dateModified", "reviewDate", "applicationDeadline")


def ebsi_document(doc: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    """The EBSI profile of the writer's EDC 3 document ``doc`` (a new dict); every value it
    has to change or add is reported on ``ctx``. ``None`` when the source lacks what the
    schema requires and no honest default exists (:func:`missing_required`): the record is
    reported failed, naming each missing property."""
    missing = missing_required(doc)
    if missing:
        detail = ("the EBSI EDC schema requires " + ", ".join(missing) + ", which the source "
                  "does not give (credbridge invents no issuer, date of issuing or awarding "
                  "body): the credential is not written")
        field = _MISSING_FIELD[missing[0].split(" ")[0]]
        claims = doc.get("credentialSubject", {}).get("hasClaim")
        if isinstance(claims, list):  # a many-claim document: each of its records is refused
            for claim in claims:
                ctx.failed(detail, field=field, record=claim.get("id") if isinstance(
                    claim, dict) else None)
        else:
            ctx.failed(detail, field=field)
        return None
    out: dict[str, Any] = {"@context": [VC2_URL, EDC_AP_URL], **{
        k: v for k, v in doc.items() if k != "@context"}}
    out["type"] = list(TYPES)
    if "issued" not in out and isinstance(out.get("validFrom"), str):
        out["issued"] = out["validFrom"]
        ctx.say(Code.DEFAULTED, "issued", "EBSI requires issued (when the credential was "
                "issued): written as validFrom, the date of issuing")
    status = out.get("credentialStatus")
    if isinstance(status, dict):
        out["credentialStatus"] = _status(status, ctx)
    display = out.get("displayParameter")
    title = display.get("title") if isinstance(display, dict) else None
    language = next(iter(title), "en") if isinstance(title, dict) and title else "en"
    _Walker(ctx, language).node(out)
    return out


_MISSING_FIELD = {"issuer": "issuer", "validFrom": "issued", "awardingBody": "awarding_bodies"}
"""The canonical field of each required property :func:`missing_required` looks for."""


def missing_required(doc: dict[str, Any]) -> list[str]:
    """The properties the EBSI EDC schema requires that the writer's document ``doc`` lacks
    and that no honest default gives: the issuer, the date of issuing (``validFrom``, of
    which ``issued`` is written when the source has no sealing time) and the awarding body
    of each awarding process (named with the JSON path of the process). The writer defaults
    the others (display, grade, titles, country) with a message."""
    out = [name for name in ("issuer", "validFrom") if name not in doc]
    if "validFrom" in out and "issued" not in doc:
        out.append("issued")
    paths = [path for path, node in _nodes(doc, "")
             if node.get("type") == "AwardingProcess" and "awardingBody" not in node]
    if paths:
        where = sorted(set(paths), key=lambda p: (p.count("/"), p))
        more = f" and {len(where) - 2} more" if len(where) > 3 else ""
        out.append(f"awardingBody (of {', '.join(where[:2] if more else where)}{more})")
    return out


def _nodes(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object under ``value`` with its path (``credentialSubject/hasClaim``)."""
    if isinstance(value, list):
        for number, item in enumerate(value):
            yield from _nodes(item, f"{path}/{number}")
    elif isinstance(value, dict):
        yield path.lstrip("/"), value
        for key, item in value.items():
            yield from _nodes(item, f"{path}/{key}")


def _status(status: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A ``credentialStatus`` of a type the EBSI EDC schema allows (nothing but id and type)."""
    types = status.get("type")
    names = types if isinstance(types, list) else [types]
    kept = next((t for t in STATUS_TYPES[::-1] if t in names), "CredentialStatus")
    others = [str(t) for t in names if t not in STATUS_TYPES]
    extra = sorted(k for k in status if k not in ("id", "type"))
    if others or extra:
        what = f"type {', '.join(others)}" if others else ""
        if extra:
            what += (" and " if what else "") + ", ".join(extra)
        ctx.say(Code.APPROXIMATED, "verification.status_service",
                f"the EBSI EDC schema allows a credentialStatus of type {' or '.join(STATUS_TYPES)}"
                f" with an id only: written as {kept}; its {what} not written")
    out: dict[str, Any] = {"type": kept}
    if "id" in status:
        out = {"id": status["id"], **out}
    return out


class _Walker:
    """Rewrites the values the schema types more strictly than the EC shapes, once each kind
    reported."""

    def __init__(self, ctx: Context, language: str) -> None:
        self.ctx = ctx
        self.language = language
        self._said: set[str] = set()
        self._lang_maps = {n for n, t in elm_terms().items() if t.kind == "@language"}

    def _say(self, key: str, code: Code, field: str | None, detail: str) -> None:
        if key not in self._said:
            self._said.add(key)
            self.ctx.say(code, field, detail)

    def node(self, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self.node(item)
            return
        if not isinstance(value, dict):
            return
        kind = value.get("type")
        for key in _ONE_LANGUAGE.get(kind, ()) if isinstance(kind, str) else ():
            texts = value.get(key)
            if isinstance(texts, dict) and len(texts) > 1:
                lang = next(iter(texts))
                value[key] = {lang: texts[lang]}
                self._say(f"lang:{key}", Code.DROPPED, f"learner.{_snake(key)}",
                          f"EBSI allows one language for {key}: the '{lang}' text is written, "
                          f"{', '.join(repr(k) for k in list(texts)[1:])} not")
        if kind == "LearningAchievementSpecification" and "accreditation" in value:
            # the EBSI schema has accreditation on a Qualification, not on this type
            del value["accreditation"]
            self._say("spec-accreditation", Code.DROPPED, "quality_assurance",
                      "EBSI allows an accreditation on a Qualification only: the "
                      "specification's accreditation is not written")
        if kind == "LegalIdentifier" and "spatial" not in value:
            value["spatial"] = provisional_country()
            self._say("spatial", Code.DEFAULTED, None, "EBSI requires the country (spatial) of "
                      "a legal identifier: one without is written with the EU country "
                      "authority's 'Provisional data' (OP_DATPRO), read back as no country")
        for key, item in value.items():
            if key in _DATE_KEYS and isinstance(item, str):
                value[key] = self._date_time(key, item)
            elif key in _DURATION_KEYS and isinstance(item, str):
                value[key] = self._duration(key, item)
            elif key in self._lang_maps and isinstance(item, dict):
                value[key] = self._languages(key, item)
            elif key == "contentURL" and isinstance(item, str):
                value[key] = self._url(item)
            else:
                self.node(item)

    def _languages(self, key: str, texts: dict[str, Any]) -> dict[str, Any]:
        """A language map with the two-letter tags EBSI allows: ``und`` (unknown) becomes the
        document's language, ``en-GB`` becomes ``en``, unless that language has a text."""
        out: dict[str, Any] = {}
        for tag, text in texts.items():
            if _LANGUAGE.match(tag):
                out.setdefault(tag, text)
        for tag, text in texts.items():
            if _LANGUAGE.match(tag):
                continue
            base = self.language if tag.lower() == "und" else tag.split("-")[0].lower()
            if _LANGUAGE.match(base) and base not in out:
                out[base] = text
                self._say(f"tag:{tag}", Code.APPROXIMATED, key, f"EBSI allows two-letter "
                          f"language tags only: '{tag}' texts are written as '{base}'")
            else:
                self._say(f"tag-drop:{tag}", Code.DROPPED, key, f"EBSI allows two-letter "
                          f"language tags only: a '{tag}' text beside a '{base}' one is not "
                          "written")
        return out

    def _url(self, url: str) -> str:
        """A web address EBSI accepts (a URI): a bare host name gets ``https://`` (reported)."""
        if _URI.match(url) or not _HOST.match(url):
            return url
        written = f"https://{url}"
        self._say(f"url:{url}", Code.APPROXIMATED, "url", f"{url!r} has no scheme, which EBSI "
                  f"(a URI) requires: written as {written}")
        return written

    def _date_time(self, key: str, text: str) -> str:
        """An RFC 3339 date-time: one without a time zone is written as UTC (reported)."""
        if _DATE_TIME.match(text):
            return text
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text  # the schema check says what is wrong
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
            self._say(f"tz:{key}", Code.APPROXIMATED, key, f"{key} {text} has no time zone, "
                      "which EBSI (RFC 3339) requires: written as UTC")
        return parsed.isoformat().replace("+00:00", "Z")

    def _duration(self, key: str, text: str) -> str:
        """A duration without a fraction (``PT2.5H`` is ``PT2H30M``): same length of time."""
        if "." not in text and "," not in text:
            return text
        hours = duration_hours(text.replace(",", "."))
        if hours is None:
            return text
        seconds = int((hours * 3600).to_integral_value())
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        written = "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + \
            (f"{s}S" if s or not (h or m) else "")
        if Decimal(seconds) != hours * 3600:
            self._say(f"dur:{key}", Code.APPROXIMATED, key,
                      f"{key} {text} written as {written} (EBSI durations have no fractions; "
                      "rounded to the second)")
        return written


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def is_ebsi(doc: Any) -> bool:
    """True for a document of the EBSI profile (it names VC 2.0 and VerifiableAttestation)."""
    if not isinstance(doc, dict):
        return False
    types = doc.get("type")
    contexts = doc.get("@context")
    return "VerifiableAttestation" in (types if isinstance(types, list) else [types]) and \
        VC2_URL in (contexts if isinstance(contexts, list) else [contexts])


# --- the schema ------------------------------------------------------------------------------

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*"
                  r"(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$")
_ISO_DURATION = re.compile(
    r"^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$")


def _date_time_ok(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _format_checker() -> Any:
    """jsonschema's checker with ``uri``, ``date-time`` and ``duration`` checked as EBSI's
    validators check them (RFC 3986, RFC 3339, ISO 8601 without fractions): jsonschema
    itself checks them only with optional packages."""
    import jsonschema

    checker = jsonschema.FormatChecker()
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(_URI.match(v)))
    checker.checks("date-time")(_date_time_ok)
    checker.checks("duration")(lambda v: not isinstance(v, str) or bool(_ISO_DURATION.match(v)))
    return checker


def schema_folder(schemas: Path) -> Path:
    """The folder holding the EBSI EDC schema under a schemas folder (or the folder itself)."""
    for candidate in (schemas / SCHEMA_FOLDER, schemas):
        if (candidate / SCHEMA_FILE).is_file():
            return candidate
    from credbridge.errors import UsageError

    raise UsageError(f"no {SCHEMA_FILE} under {schemas} (give the official schemas folder)")


@cache
def schema_validator(folder: Path) -> Validator:
    """A validator of the EBSI EDC schema in ``folder``; its reference to the attestation
    schema is served from the same folder."""
    from urllib.parse import urljoin

    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    edc = json.loads((folder / SCHEMA_FILE).read_text("utf-8"))
    attestation = json.loads((folder / ATTESTATION_FILE).read_text("utf-8"))
    ref = next(part["$ref"] for part in edc["allOf"] if not part["$ref"].startswith("#"))
    registry: Registry[Any] = Registry().with_resource(
        urljoin(edc["$id"], ref), Resource.from_contents(attestation, DRAFT202012))
    validator: Validator = jsonschema.Draft202012Validator(
        edc, registry=registry, format_checker=_format_checker())
    return validator


def schema_problems(doc: Any, schemas: Path) -> list[str]:
    """What the EBSI EDC schema finds wrong with ``doc`` ([] when it is valid), one line per
    innermost error with its JSON path."""
    validator = schema_validator(schema_folder(schemas))
    problems = []
    for error in validator.iter_errors(doc):
        leaves = _leaves(error)
        for leaf in leaves:
            path = "/".join(str(p) for p in leaf.absolute_path) or "(document)"
            problems.append(f"{path}: {leaf.message[:200]}")
    return sorted(set(problems))


def _leaves(error: Any) -> list[Any]:
    """The innermost errors of an anyOf/oneOf error: those of the branch meant for the node
    (the one whose ``type``, JSON or EDC, fits it), else of the branch with fewest errors."""
    if not error.context:
        return [error]
    branches = _branches(error)
    fitting = [b for b in branches if not any(_mismatch(e) for e in b)] or branches
    best = min(fitting, key=len)
    return [leaf for sub in best for leaf in _leaves(sub)]


def _branches(error: Any) -> list[list[Any]]:
    by_branch: dict[Any, list[Any]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    return list(by_branch.values())


def _mismatch(error: Any) -> bool:
    """True when ``error`` says the branch is for another kind of node."""
    if error.validator == "type" and not error.relative_path:
        return True
    if error.validator == "const" and list(error.relative_path) == ["type"]:
        return True
    if error.validator in ("anyOf", "oneOf") and not error.relative_path and error.context:
        return all(any(_mismatch(e) for e in b) for b in _branches(error))
    return False
