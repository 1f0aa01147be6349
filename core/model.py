"""The canonical micro-credential (docs/design.md §2, sub-structure per crosswalk §0).

Strict about types, tolerant about absence: almost everything is optional and
``credbridge check`` says what a credential lacks. Values are stored in one normal form
(countries alpha-2, languages ISO 639-1, EQF as int, codes as short stable codes) whatever
spelling the source used; an unknown value is a validation error naming the field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from . import vocab
from .errors import InputError, VocabularyError

# --- normal forms -----------------------------------------------------------------------------


def _norm_langtext_checked(value: Any) -> Any:
    try:
        return _norm_langtext(value)
    except VocabularyError as exc:
        raise ValueError(exc.message) from None


def _norm_langtext(value: Any) -> Any:
    if isinstance(value, str):
        return {"und": value} if value.strip() else {}
    if not isinstance(value, dict):
        return value
    out: dict[str, str] = {}
    for lang, text in value.items():
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValueError(f"text for language {lang!r} must be a string")
        # the tag is looked up even for an empty text: an unknown one is an error
        tag = vocab.language_code(lang if type(lang) is str else str(lang)) if lang else "und"
        if text.strip():
            out[tag] = text
    return out


LangText = Annotated[dict[str, str], BeforeValidator(_norm_langtext_checked)]
"""Multilingual text: language tag (ISO 639-1 / BCP 47, ``und`` when unknown) -> text.

A plain string is accepted and stored under ``und``; empty texts are removed.
"""


def _plain(func: Any) -> Any:
    """Re-raise a vocabulary error as the plain ValueError pydantic expects (it adds the path)."""

    def wrapper(value: Any) -> Any:
        try:
            return func(value)
        except VocabularyError as exc:
            raise ValueError(exc.message) from None

    return wrapper


@_plain
def _country(value: Any) -> Any:
    return vocab.country_code(value) if isinstance(value, str) else value


@_plain
def _language(value: Any) -> Any:
    return vocab.language_code(value) if isinstance(value, str) else value


_CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRACTION = re.compile(r":\d{2}[.,](\d+)")
_ZONED_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)")
"""An ``xs:date`` with a time zone (``2014-11-28+02:00``, ``2009-08-31Z``): the zone says
where the day was counted, not a time of day, so the day is kept and no time is invented."""


def _date_or_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a date-time needs a time zone (e.g. 2024-06-30T10:00:00Z)")
        return value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        v = value.strip()
        # Python also reads week dates (2024-W01) and basic forms (20240101) as calendar
        # dates: a week is not a day, so only the extended calendar form is a date here
        if not _CALENDAR_DATE.match(v):
            raise ValueError(f"not an ISO 8601 date (YYYY-MM-DD): {value!r}")
        if "T" in v or " " in v:
            if v[10:11] not in ("T", " "):
                raise ValueError(f"not an ISO 8601 date-time: {value!r}")
            fraction = _FRACTION.search(v)
            if fraction and fraction.group(1)[6:].strip("0"):  # Python keeps microseconds
                raise ValueError(f"the seconds of {value!r} are finer than microseconds, "
                                 "which would be cut")
            try:
                parsed = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"not an ISO 8601 date-time: {value!r}") from None
            if parsed.tzinfo is None:
                raise ValueError(f"a date-time needs a time zone: {value!r}")
            return parsed
        zoned = _ZONED_DATE.fullmatch(v)
        if zoned:
            v = zoned.group(1)
        if len(v) != 10:
            raise ValueError(f"not an ISO 8601 date (YYYY-MM-DD): {value!r}")
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None
    raise ValueError(f"not a date: {value!r}")


DateOrDateTime = Annotated[dt.date | dt.datetime, BeforeValidator(_date_or_datetime)]
"""An ISO date, or a timezone-aware date-time."""


def _date_only(value: Any) -> Any:
    parsed = _date_or_datetime(value)
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


Date = Annotated[dt.date, BeforeValidator(_date_only)]

Country = Annotated[str, BeforeValidator(_country)]
"""ISO 3166-1 alpha-2 (alpha-3, EU country URIs, ``UK`` and ``EL`` accepted on input)."""

Language = Annotated[str, BeforeValidator(_language)]
"""ISO 639-1 code or BCP 47 tag (EU 3-letter codes and URIs accepted on input)."""


def _coded(vocab_name: str, *, allow_uri: bool) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        voc = vocab.vocabulary(vocab_name)
        code = voc.lookup(value)
        if code is not None:
            return code
        if allow_uri and re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value.strip()):
            return value.strip()
        raise ValueError(
            f"unknown {voc.name} value {value!r} (known: {', '.join(voc.codes)}"
            + ("; or an absolute URI)" if allow_uri else ")")
        )

    return BeforeValidator(check)


ModeCode = Annotated[str, _coded("mode", allow_uri=True)]
SettingCode = Annotated[str, _coded("setting", allow_uri=False)]
SupervisionCode = Annotated[str, _coded("supervision", allow_uri=True)]
AssessmentTypeCode = Annotated[str, _coded("assessment_type", allow_uri=True)]
CreditSystemCode = Annotated[str, _coded("credit_system", allow_uri=True)]
CredentialTypeCode = Annotated[str, _coded("credential_type", allow_uri=True)]
SkillTypeCode = Annotated[str, _coded("skill_type", allow_uri=True)]
GradeStatusCode = Annotated[str, _coded("grade_status", allow_uri=True)]


@_plain
def _eqf(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"an EQF level is a number from 1 to 8, not {value!r}")
    if isinstance(value, str | int):
        return vocab.eqf_level(value)
    return value


EQFLevel = Annotated[int, BeforeValidator(_eqf), Field(ge=1, le=8)]


@_plain
def _qf_ehea(value: Any) -> Any:
    return vocab.vocabulary("qf_ehea").normalise(value) if isinstance(value, str | int) else value


def _isced_level(value: Any) -> Any:
    if isinstance(value, str):
        m = re.fullmatch(r"(?i)\s*(?:isced\s*(?:2011\s*)?(?:level\s*)?)?([0-8])\s*", value)
        if not m:
            raise ValueError(f"not an ISCED 2011 level (0-8): {value!r}")
        return int(m.group(1))
    return value


@_plain
def _isced_f(value: Any) -> Any:
    return vocab.isced_f_code(value) if isinstance(value, str) else value


ISCEDFCode = Annotated[str, BeforeValidator(_isced_f)]

MAX_DECIMAL_EXPONENT = 20
"""Largest power of ten of a decimal (credits, hours): ``1e999998`` would be written as a
million digits, ``1e999999999`` cannot be written at all."""

MAX_DECIMAL_DIGITS = 40
"""Most significant digits of a decimal."""


def _bounded(d: Decimal) -> Decimal:
    if d.is_finite() and d:
        if abs(d.adjusted()) > MAX_DECIMAL_EXPONENT:
            raise ValueError(f"the number {d} is out of range (up to 1e{MAX_DECIMAL_EXPONENT}, "
                             f"down to 1e-{MAX_DECIMAL_EXPONENT})")
        if len(d.normalize().as_tuple().digits) > MAX_DECIMAL_DIGITS:
            raise ValueError(f"the number has more than {MAX_DECIMAL_DIGITS} digits")
    return d


DecimalNumber = Annotated[
    Decimal,
    AfterValidator(_bounded),
    PlainSerializer(lambda d: _decimal_text(d), return_type=str, when_used="json"),
]


def _decimal_text(d: Decimal) -> str:
    """Decimals as plain strings without exponent or useless trailing zeros (``5``, ``2.5``)."""
    text = format(d.normalize(), "f")
    return text


def _not_negative(d: Decimal | None) -> Decimal | None:
    # 0 is a real value (a webinar with 0 ECTS, EBSI `creditPoint: "0"`, `engagementHours` 0.0)
    if d is not None and d < 0:
        raise ValueError("must be 0 or more")
    return d


NonNegativeDecimal = Annotated[DecimalNumber, AfterValidator(_not_negative)]


_NOT_IN_ADDRESS = re.compile(r'[\s<>"\\^`{|}\x00-\x1f\x7f]')


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    address = value.removeprefix("mailto:")
    local, at, domain = address.rpartition("@")
    bad = _NOT_IN_ADDRESS.search(address)
    if bad or not at or not local or not domain:
        why = f" ({bad.group()!r} is never part of one)" if bad else ""
        raise ValueError(f"not an e-mail address: {value!r}{why}")
    return value


Email = Annotated[str, AfterValidator(_email)]
"""An e-mail address (``mailto:`` accepted): something ``@`` something, without spaces or the
characters an address or a ``mailto:`` IRI never holds (``<``, ``>``, ``"``...)."""

XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry, not even as a character reference: writers of XML refuse
a credential whose text holds one (:func:`find_text` finds it)."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\ud[89a-f]")


class CanonicalModel(BaseModel):
    """Base of all canonical models: unknown keys are errors, values re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True,
                              defer_build=True)

    def is_empty(self) -> bool:
        """True when no field holds a value."""
        return not self.model_dump(exclude_defaults=True)


# --- parts ------------------------------------------------------------------------------------


class Identifier(CanonicalModel):
    """An identifier in some scheme (learner number, ESI, hashed e-mail...)."""

    value: str
    scheme: str | None = None
    hashed: bool | None = None
    salt: str | None = None


class LegalIdentifier(CanonicalModel):
    """A legal or national identifier with the country that issued it."""

    value: str
    country: Country | None = None


class Organisation(CanonicalModel):
    """Provider, awarding body, issuer, assessor or quality-assurance body."""

    id: str | None = None
    name: LangText = Field(default_factory=dict)
    legal_identifier: LegalIdentifier | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    country: Country | None = None
    region: str | None = None
    address: str | None = None
    url: str | None = None
    email: Email | None = None
    accreditations: list[str] = Field(default_factory=list)


class Learner(CanonicalModel):
    """The learner (Annex I: identification of the learner)."""

    id: str | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    given_name: str | None = None
    family_name: str | None = None
    full_name: str | None = None
    birth_date: Date | None = None
    national_id: LegalIdentifier | None = None
    email: Email | None = None
    citizenship: list[Country] = Field(default_factory=list)


class LearningOutcome(CanonicalModel):
    """One learning outcome: text, optionally an ESCO skill, a skill type and a code."""

    text: LangText = Field(default_factory=dict)
    esco_skill: str | None = None
    skill_type: SkillTypeCode | None = None
    code: str | None = None
    related: list[str] = Field(default_factory=list)


class Credit(CanonicalModel):
    """Credit points in a credit system."""

    system: CreditSystemCode
    value: NonNegativeDecimal


class Workload(CanonicalModel):
    """Notional workload; ``ects`` is the ECTS entry of ``credits`` made prominent."""

    ects: NonNegativeDecimal | None = None
    hours: NonNegativeDecimal | None = None
    credits: list[Credit] = Field(default_factory=list)


class NQFLevel(CanonicalModel):
    """A national qualifications framework level."""

    uri: str | None = None
    label: LangText = Field(default_factory=dict)
    country: Country | None = None


class SQFLevel(CanonicalModel):
    """A sectoral qualifications framework level."""

    level: str
    sector: str | None = None


class Levels(CanonicalModel):
    """Levels of the learning experience."""

    eqf: EQFLevel | None = None
    qf_ehea: Annotated[Literal["short", "first", "second", "third"], BeforeValidator(_qf_ehea)] | None = None  # noqa: E501
    nqf: list[NQFLevel] = Field(default_factory=list)
    isced_level: Annotated[int, BeforeValidator(_isced_level), Field(ge=0, le=8)] | None = None
    sqf: SQFLevel | None = None


class GradingScheme(CanonicalModel):
    """How grades are given."""

    name: LangText = Field(default_factory=dict)
    min: str | None = None
    max: str | None = None
    pass_: str | None = Field(default=None, alias="pass")
    description: LangText = Field(default_factory=dict)

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Grade(CanonicalModel):
    """The grade achieved."""

    value: str | None = None
    status: GradeStatusCode | None = None
    scheme: GradingScheme | None = None


class Assessment(CanonicalModel):
    """Type of assessment, grade, supervision and identity verification."""

    types: list[AssessmentTypeCode] = Field(default_factory=list)
    description: LangText = Field(default_factory=dict)
    grade: Grade | None = None
    supervision: SupervisionCode | None = None
    identity_checked: bool | None = None
    date: DateOrDateTime | None = None
    assessors: list[Organisation] = Field(default_factory=list)


class Participation(CanonicalModel):
    """Form of participation: modes and learning setting."""

    modes: list[ModeCode] = Field(default_factory=list)
    setting: SettingCode | None = None
    languages: list[Language] = Field(default_factory=list)


class QualityAssurance(CanonicalModel):
    """One quality-assurance arrangement underpinning the credential."""

    type: str | None = None
    description: LangText = Field(default_factory=dict)
    body: Organisation | None = None
    register_entry: str | None = None
    decision: str | None = None
    valid_until: Date | None = None


class Reference(CanonicalModel):
    """A reference to another credential or specification."""

    id: str | None = None
    title: LangText = Field(default_factory=dict)


class Stackability(CanonicalModel):
    """Integration / stackability options."""

    standalone: bool | None = None
    partial_qualification: bool | None = None
    stacks_into: list[Reference] = Field(default_factory=list)
    parts: list[Reference] = Field(default_factory=list)
    note: LangText = Field(default_factory=dict)


class FurtherInformation(CanonicalModel):
    """Further information: text and links."""

    text: LangText = Field(default_factory=dict)
    links: list[str] = Field(default_factory=list)


class Verification(CanonicalModel):
    """How authenticity can be verified."""

    url: str | None = None
    status_service: str | None = None
    method: str | None = None


class Proof(CanonicalModel):
    """What the source said about its seal or signature; informative, never written out."""

    kind: Literal["xades", "jades", "data-integrity", "vc-jwt", "ob2-jws", "hosted", "other"]
    signer: str | None = None
    created: DateOrDateTime | None = None
    detail: str | None = None


ClaimKind = Literal["achievement", "activity", "assessment", "entitlement"]
"""What a record's claim is (ELM ``LearningAchievement``, ``LearningActivity``...)."""


class Period(CanonicalModel):
    """When something took place; either end may be unknown."""

    start: DateOrDateTime | None = None
    end: DateOrDateTime | None = None


class Activity(CanonicalModel):
    """A learning activity of the record, linked through the document's own links (ELM
    ``influencedBy``, EDC XML ``wasInfluencedBy``): who directed it, how, when and how long."""

    id: str | None = None
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    provider: Organisation | None = None
    modes: list[ModeCode] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    period: Period | None = None
    hours: NonNegativeDecimal | None = None


class Part(CanonicalModel):
    """An achievement that is part of the record (a course of a programme, a subject of a
    diploma): ELM and EDC XML ``hasPart``, the ELMO hierarchy. The list is flat and in document
    order; ``part_of`` names the part it belongs to (absent: the record itself)."""

    id: str | None = None
    part_of: str | None = None
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    learning_outcomes: list[LearningOutcome] = Field(default_factory=list)
    workload: Workload | None = None
    levels: Levels | None = None
    fields_of_study: list[ISCEDFCode] = Field(default_factory=list)
    assessment: Assessment | None = None
    assessed: DateOrDateTime | None = None
    languages: list[Language] = Field(default_factory=list)


class Container(CanonicalModel):
    """The document a record shares with the other records of a many-claim document (a
    transcript of records): what a writer needs to write them back as one document."""

    id: str | None = None
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    position: int = Field(ge=1)
    count: int = Field(ge=1)

    @model_validator(mode="after")
    def _position_in_range(self) -> Container:
        if self.position > self.count:
            raise ValueError(f"position {self.position} is beyond the document's "
                             f"{self.count} record(s)")
        return self


class MicroCredential(CanonicalModel):
    """A micro-credential: "a certified small volume of learning" (Annex I elements)."""

    id: str | None = None
    credential_type: CredentialTypeCode | None = None
    kind: ClaimKind | None = None
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    learner: Learner | None = None
    provider: Organisation | None = None
    awarding_bodies: list[Organisation] = Field(default_factory=list)
    issuer: Organisation | None = None
    issued: DateOrDateTime | None = None
    assessed: DateOrDateTime | None = None
    valid_until: DateOrDateTime | None = None
    period: Period | None = None
    learning_outcomes: list[LearningOutcome] = Field(default_factory=list)
    workload: Workload | None = None
    levels: Levels | None = None
    fields_of_study: list[ISCEDFCode] = Field(default_factory=list)
    assessment: Assessment | None = None
    participation: Participation | None = None
    activities: list[Activity] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)
    quality_assurance: list[QualityAssurance] = Field(default_factory=list)
    access_requirements: LangText = Field(default_factory=dict)
    stackability: Stackability | None = None
    languages: list[Language] = Field(default_factory=list)
    further_information: FurtherInformation | None = None
    verification: Verification | None = None
    document: Container | None = None
    proof: list[Proof] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _unicode_text(cls, data: Any) -> Any:
        # JSON's "\ud800" escape and Python callers can give a lone surrogate: it is not a
        # character, and no format (UTF-8 included) can write it
        if not isinstance(data, dict) or not _ESCAPED_SURROGATE.search(repr(data)):
            return data  # repr (fast, in C) escapes each lone surrogate as \udXXX
        problem = find_text(data, _LONE_SURROGATE)
        if problem is not None:
            where, char = problem
            where = where.encode("utf-8", "backslashreplace").decode("utf-8")  # in a key too
            raise ValueError(f"{where} holds a lone surrogate (U+{ord(char):04X}), which is not "
                             "Unicode text")
        return data

    @field_validator("extensions")
    @classmethod
    def _extension_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if ":" not in key:
                raise ValueError(f"extension key {key!r} must be '<format>:<name>'")
        problem = not_json(value)
        if problem is not None:
            raise ValueError(f"extensions{problem}")
        return value

    @model_validator(mode="after")
    def _parts_link_parts(self) -> MicroCredential:
        known: set[str] = set()
        for index, part in enumerate(self.parts):
            if part.part_of is not None and part.part_of not in known:
                raise ValueError(f"parts[{index}].part_of {part.part_of!r} names no earlier "
                                 "part of the record")
            if part.id is not None:
                known.add(part.id)
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The canonical JSON form: only fields that hold a value."""
        data: dict[str, Any] = prune(
            self.model_dump(mode="json", by_alias=True, exclude_defaults=True))
        return data

    def to_json(self, indent: int | None = None) -> str:
        """The canonical JSON text (fast path of :meth:`to_json_dict`)."""
        return self.model_dump_json(by_alias=True, exclude_defaults=True, indent=indent)


def find_text(value: Any, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    """The first string of ``value`` (a credential, or the data of one), keys included, in
    which ``pattern`` matches: its canonical path (``title.en``) and the matched text."""
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_defaults=True)
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            m = pattern.search(node)
            if m:
                return path or "(credential)", m.group()
        elif isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and (m := pattern.search(key)):
                    return f"{path}.{key}".lstrip("."), m.group()
                stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(node, list | tuple):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(node))
    return None


def fit_extensions(cred: MicroCredential, shapes: Mapping[str, Any],
                   unfit: Callable[[str, str], None]) -> MicroCredential:
    """``cred`` without the extensions whose value lacks the shape a writer reads: ``shapes``
    maps an extension key to a type (``dict[str, str]``, ``list[str]``, a pydantic model),
    checked as pydantic checks a field. ``unfit(key, shape)`` is told each one left out.
    Extensions are the formats' own data, kept as JSON: a canonical document or a caller can
    give any JSON there, and a writer must never fail on it."""
    bad = {}
    for key, shape in shapes.items():
        if key in cred.extensions:
            try:
                _adapter(shape).validate_python(cred.extensions[key])
            except ValidationError:
                bad[key] = _shape_name(shape)
    if not bad:
        return cred
    for key, shape in bad.items():
        unfit(key, shape)
    kept = {k: v for k, v in cred.extensions.items() if k not in bad}
    return cred.model_copy(update={"extensions": kept})


@cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def _shape_name(shape: Any) -> str:
    """``dict[str, str]``; a model by its fields (``{value: str, ...}``)."""
    hints = getattr(shape, "__annotations__", None)
    if isinstance(shape, type) and hints:
        return "{" + ", ".join(f"{k}: {_shape_name(v)}" for k, v in hints.items()) + ", ...}"
    if isinstance(shape, type):
        return shape.__name__
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", str(shape))  # typing.Any -> Any


MAX_EXTENSION_DEPTH = 60
"""Deepest nesting inside ``extensions``: a written document (the canonical JSON puts them two
levels down) stays within the JSON depth budget of 64 its reader applies."""


def not_json(value: Any) -> str | None:
    """Where ``value`` (extensions) holds something a format cannot write back (a path
    suffix and why), or ``None``: only JSON values, nested at most
    :data:`MAX_EXTENSION_DEPTH` levels (what every format's reader keeps there), and text
    that is Unicode (no lone surrogate: a JSON ``\\ud800`` escape, which no format can
    write)."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth > MAX_EXTENSION_DEPTH:
            return f"{path}: nested deeper than {MAX_EXTENSION_DEPTH} levels"
        if isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str):
                    return f"{path}: the key {key!r} is not a string"
                if not key.isascii() and _LONE_SURROGATE.search(key):
                    return f"{path}: a key holds a lone surrogate, which is not Unicode text"
                stack.append((f"{path}.{key}" if path else f".{key}", item, depth + 1))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(node))
        elif isinstance(node, str):
            if not node.isascii() and _LONE_SURROGATE.search(node):
                return f"{path}: holds a lone surrogate, which is not Unicode text"
        elif isinstance(node, float) and not math.isfinite(node):
            return f"{path}: {node} is not a JSON number"
        elif not (node is None or isinstance(node, str | int | float)):
            return f"{path}: a {type(node).__name__} is not a JSON value"
    return None


def prune(value: Any) -> Any:
    """Remove ``None``, empty lists and empty dicts, recursively (keeps ``False`` and ``0``)."""
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if item is None:
                continue
            if type(item) is dict or type(item) is list:
                item = prune(item)
                if not item:
                    continue
            out[key] = item
        return out
    if kind is list:
        items = []
        for item in value:
            if item is None:
                continue
            if type(item) is dict or type(item) is list:
                item = prune(item)
                if not item:
                    continue
            items.append(item)
        return items
    return value


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(canonical path, message) for each problem of a pydantic validation error."""
    out = []
    for err in exc.errors():
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"])
        path = path.replace(".[", "[")
        msg = err["msg"].removeprefix("Value error, ")
        out.append((path or "(credential)", msg))
    return out


def build(data: dict[str, Any], *, file: str | None = None,
          record: str | int | None = None) -> MicroCredential:
    """Validate a dict into a :class:`MicroCredential`; a problem raises :class:`InputError`
    naming file, record and the first bad field (the others follow in the message)."""
    try:
        return MicroCredential.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        field, msg = problems[0]
        more = f" (and {len(problems) - 1} more: " + "; ".join(
            f"{f}: {m}" for f, m in problems[1:4]) + ")" if len(problems) > 1 else ""
        raise InputError(msg + more, file=file, record=record, field=field) from None
