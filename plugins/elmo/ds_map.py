"""Canonical credential <-> :class:`DiplomaSupplement` (the section convention applied)."""

from __future__ import annotations

from typing import Any

from credbridge import clock
from credbridge.context import Context
from credbridge.edc_dates import calendar_day
from credbridge.model import MicroCredential
from credbridge.report import Code

from .ds_xml import DiplomaSupplement
from .merge import fits, put
from .section_read import interpret, parse_date
from .section_write import compose

KEPT_LANGUAGE = "ds:language"
"""The language of a supplement read inside ELMO, kept so that it is written in it again."""


def ds_language(cred: MicroCredential, language: str | None = None) -> str:
    """The one language of the supplement: ``language`` (the option), else the language of the
    supplement the credential was read from, else English when the title has it, else the
    title's first language (``und`` when unknown)."""
    chosen = language or cred.extensions.get(KEPT_LANGUAGE)
    if chosen:
        return str(chosen)
    langs = [k for k in cred.title if k != "und"]
    if "en" in langs or (not langs and "en" in cred.description):
        return "en"
    return langs[0] if langs else "und"


def to_supplement(cred: MicroCredential, ctx: Context, kept_key: str,
                  language: str | None = None, *, clerk: bool = False,
                  elsewhere: frozenset[str] = frozenset()) -> DiplomaSupplement:
    """The Diploma Supplement of ``cred`` in ``language`` (see :func:`ds_language`); sections
    kept verbatim under ``kept_key`` in its extensions are written back as they were (the
    credential's values they replace are reported dropped unless the enclosing document
    carries them: ``elsewhere``). With ``clerk`` it is the page for a person (see
    :func:`~.section_write.compose`)."""
    lang = ds_language(cred, language)
    kept = cred.extensions.get(kept_key)
    sections = compose(cred, lang, ctx, kept if isinstance(kept, dict) else None, clerk=clerk,
                       elsewhere=elsewhere | {"issued"})  # the header's issueDate
    if cred.issued:
        issue_date = calendar_day(cred.issued).isoformat()
    else:
        issue_date = clock.today().isoformat()
        ctx.say(Code.DEFAULTED, "issued",
                "the supplement needs an issue date: today's date is written")
    return DiplomaSupplement(lang=lang, issue_date=issue_date, sections=sections)


def from_supplement(ds: DiplomaSupplement, data: dict[str, Any], ctx: Context,
                    kept_key: str) -> None:
    """Merge what the supplement's sections say into canonical ``data`` (values already there
    win). Sections credbridge cannot read, or that disagree with ``data``, are kept verbatim in
    ``data["extensions"][kept_key]`` and reported."""
    found = interpret(ds.sections, ds.lang)
    kept: dict[str, Any] = {}
    for number, values in found.values.items():
        if fits(data, values):
            for path, value in values:
                put(data, path, value)
        else:
            section = next(s for s in ds.sections if s.number == number)
            found.kept[number] = (section, "it disagrees with a value read elsewhere")
    for number, (section, why) in sorted(found.kept.items()):
        kept[number] = section.to_json()
        ctx.say(Code.KEPT_AS_EXTENSION, f"extensions.{kept_key}",
                f"Diploma Supplement section {number} is kept verbatim: {why}")
    if kept:
        data.setdefault("extensions", {})[kept_key] = kept
    if ds.introduction:
        ctx.say(Code.IGNORED_INPUT, None, "the supplement's introduction text is not mapped")
    if ds.signed:
        data.setdefault("proof", []).append(
            {"kind": "other", "detail": "XML-DSig signature (ds:Signature) on the Diploma "
             "Supplement; not verified"})
    if ds.issue_date and "issued" not in data:
        data["issued"] = ds.issue_date
        ctx.say(Code.NOTE, "issued", "the supplement's issueDate is read as the issuing date")
    elif ds.issue_date and not _same_day(str(data["issued"]), ds.issue_date):
        ctx.say(Code.IGNORED_INPUT, "issued",
                f"the supplement's issueDate {ds.issue_date} differs from "
                f"the issuing date {data['issued']} and is not kept")


def _same_day(issued: str, day: str) -> bool:
    """Whether the supplement's header date ``day`` is the calendar day of ``issued``."""
    if issued.startswith(day):
        return True
    try:
        return calendar_day(parse_date(issued)).isoformat() == day
    except ValueError:
        return False
