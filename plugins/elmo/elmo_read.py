"""Read an EMREX ELMO report (v1.x or v2.0): one credential per top-level learning opportunity."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from credbridge import vocab
from credbridge.context import Context
from credbridge.errors import InputError, VocabularyError
from credbridge.formats import Format
from credbridge.model import MicroCredential
from credbridge.report import Code
from credbridge.safety import limits_of

from .ds_map import KEPT_LANGUAGE, from_supplement
from .ds_xml import read_element
from .schema import detect_major
from .section import KEPT_SECTIONS
from .upgrade import elmo_roots
from .xmlutil import (
    DSIG_NS,
    child,
    children,
    lang_of,
    parse_xml,
    q,
    report_unknown,
    text,
    token,
    verbatim,
)

OUTCOMES_HEADING = "Learning outcomes:"
NATIONAL_ID = "nationalIdentifier"
ORG_ID = "id"
"""Issuer identifier type credbridge writes for an organisation's ``id``."""
LEGAL_ID = "legal"
"""Issuer identifier type credbridge writes for an organisation's legal identifier."""

LEARNER_KNOWN = {"citizenship", "identifier", "givenNames", "familyName", "bday", "dateOfBirth"}
ISSUER_KNOWN = {"country", "identifier", "title", "url"}
LOS_KNOWN = {"identifier", "title", "type", "iscedCode", "url", "description", "specifies",
             "hasPart"}
LOI_KNOWN = {"start", "date", "status", "gradingSchemeLocalId", "resultLabel", "credit", "level",
             "languageOfInstruction", "engagementHours", "attachments", "diplomaSupplement"}
REPORT_KNOWN = {"issuer", "learningOpportunitySpecification", "issueDate", "gradingScheme",
                "attachment"}
ROOT_KNOWN = {"generatedDate", "learner", "report", "attachment"}


def read_elmo(fmt: Format, source: bytes, ctx: Context) -> Iterator[MicroCredential]:
    """Yield one credential per top-level ``learningOpportunitySpecification`` of each report;
    ``ctx.record`` is its local identifier (else its position) while it is read and yielded."""
    tree = parse_xml(source, "the ELMO document", limits_of(ctx))
    roots = elmo_roots(tree, ctx)  # one, or several in an EWP ToR response
    if not any(child(rep, "learningOpportunitySpecification") is not None
               for root in roots for rep in children(root, "report")):
        raise InputError("an ELMO document with no learning opportunity in any <report> "
                         "(no <learningOpportunitySpecification>): it holds no credential")
    for root in roots:
        yield from _read_root(fmt, root, ctx)


def _read_root(fmt: Format, root: Any, ctx: Context) -> Iterator[MicroCredential]:
    major = detect_major(root)
    ctx.say(Code.NOTE, None, f"read as ELMO v{'2.0' if major == '2' else '1.x'} (by structure)")
    report_unknown(root, ROOT_KNOWN | {"Signature"}, ctx, "<elmo>")
    learner = _learner(child(root, "learner"), ctx)
    common: dict[str, Any] = {}
    generated = token(child(root, "generatedDate"))
    if generated:
        common["extensions"] = {"elmo:generated-date": generated}
    global_attachments = list(children(root, "attachment"))
    signature = root.find(f"{{{DSIG_NS}}}Signature")
    if signature is not None:
        subject = signature.findtext(f".//{{{DSIG_NS}}}X509SubjectName")
        signer = " ".join(subject.split()) if subject else None  # wrapped over lines
        common["proof"] = [{"kind": "other", "signer": signer,
                            "detail": "XML-DSig enveloped signature (ds:Signature) on the ELMO "
                                      "document; not verified"}]
    position = 0
    total = sum(len(list(children(rep, "learningOpportunitySpecification")))
                for rep in children(root, "report"))
    for rep in children(root, "report"):
        report_unknown(rep, REPORT_KNOWN, ctx, "<report>")
        issuer = _issuer(child(rep, "issuer"), ctx)
        issued = _issue_date(token(child(rep, "issueDate")))
        schemes = {(g.get("localId") or "").strip(): g for g in children(rep, "gradingScheme")}
        attachments = list(children(rep, "attachment"))
        specs = list(children(rep, "learningOpportunitySpecification"))
        if len(specs) > 1 and attachments:
            ctx.say(Code.NOTE, None, "report attachments that no learning opportunity references "
                    "are not kept (the report holds several)")
        if not specs:
            ctx.say(Code.IGNORED_INPUT, None, f"a report (line {rep.sourceline}) without learning "
                    "opportunities holds no credential")
        for los in specs:
            position += 1
            record = text(_identifier(los, "local")) or position
            with ctx.at(record):
                data: dict[str, Any] = _deep_copy(common)
                if learner:
                    data["learner"] = _deep_copy(learner)
                if issuer:
                    data["awarding_bodies"] = [_deep_copy(issuer)]
                if issued:
                    data["issued"] = issued
                usable = attachments if len(specs) == 1 else []
                _los(los, data, schemes, usable, attachments + global_attachments, ctx)
                if total > 1:  # one learning opportunity of many (docs/design.md §2.1)
                    data["document"] = {"position": position, "count": total}
                cred = fmt.build(data, ctx)
                if cred is not None:
                    yield cred


PART_KEYS = ("id", "title", "description", "learning_outcomes", "workload", "levels",
             "fields_of_study", "assessment", "assessed", "languages")
"""What a part of a learning opportunity carries (the ELMO hierarchy, docs/design.md §2.1)."""


def _parts(los: Any, schemes: dict[str, Any], referable: list[Any], ctx: Context,
           parent: str | None, counter: list[int]) -> list[dict[str, Any]]:
    """The learning opportunities below ``los`` (``hasPart``, at any depth) as flat canonical
    parts with their results; ``part_of`` names the parent (a part without a local id that has
    parts of its own gets a minted one)."""
    out: list[dict[str, Any]] = []
    for holder in children(los, "hasPart"):
        inner = child(holder, "learningOpportunitySpecification")
        if inner is None:
            continue
        counter[0] += 1
        facts: dict[str, Any] = {}
        _los(inner, facts, schemes, [], referable, ctx, nested=False)
        part = {k: facts.pop(k) for k in PART_KEYS if facts.get(k)}
        ext = facts.pop("extensions", {})
        ext.pop("elmo:type", None)
        dropped = sorted(k for k, v in {**facts, **ext}.items() if v)
        if dropped:
            ctx.say(Code.IGNORED_INPUT, "parts", f"part {part.get('id', '(no id)')} (line "
                    f"{inner.sourceline}): {', '.join(dropped)} not kept for a part")
        if parent is not None:
            part["part_of"] = parent
        below = [h for h in children(inner, "hasPart")
                 if child(h, "learningOpportunitySpecification") is not None]
        if below and "id" not in part:
            part["id"] = f"urn:credbridge:part:{counter[0]}"
        out.append(part)
        if below:
            out += _parts(inner, schemes, referable, ctx, part["id"], counter)
    return out


def _deep_copy(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)


def _identifier(el: Any, kind: str) -> Any | None:
    return next((i for i in children(el, "identifier") if i.get("type") == kind), None)


def _issue_date(value: str | None) -> str | None:
    """A report issue date at midnight UTC is read as a date (credbridge writes a date so)."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:00)", value)
    return m.group(1) if m else value


def _learner(el: Any | None, ctx: Context) -> dict[str, Any]:
    if el is None:
        raise InputError("the ELMO document has no <learner>")
    report_unknown(el, LEARNER_KNOWN, ctx, "<learner>")
    out: dict[str, Any] = {}
    if given := token(child(el, "givenNames")):
        out["given_name"] = given
    if family := token(child(el, "familyName")):
        out["family_name"] = family
    if birth := token(child(el, "bday")) or token(child(el, "dateOfBirth")):
        out["birth_date"] = birth
    if country := token(child(el, "citizenship")):
        out["citizenship"] = [country]
    ids = []
    for i in children(el, "identifier"):
        value, kind = token(i), (i.get("type") or "").strip()
        if not value:
            continue
        if kind == NATIONAL_ID and "national_id" not in out:
            out["national_id"] = {"value": value}
        else:
            ids.append({"value": value, "scheme": kind} if kind else {"value": value})
    if ids:
        out["identifiers"] = ids
    return out


def _issuer(el: Any | None, ctx: Context) -> dict[str, Any]:
    if el is None:
        return {}
    report_unknown(el, ISSUER_KNOWN, ctx, "<issuer>")
    org: dict[str, Any] = {}
    names = {lang_of(t): token(t) for t in children(el, "title") if token(t)}
    if names:
        org["name"] = names
    if country := token(child(el, "country")):
        org["country"] = country
    ids = []
    for i in children(el, "identifier"):
        value, kind = token(i), (i.get("type") or "").strip()
        if not value:
            continue
        if kind == ORG_ID and "id" not in org:
            org["id"] = value
        elif kind == LEGAL_ID and "legal_identifier" not in org:
            org["legal_identifier"] = {"value": value}
        else:
            ids.append({"value": value, "scheme": kind} if kind else {"value": value})
    if ids:
        org["identifiers"] = ids
    if url := token(child(el, "url")):
        org["url"] = url
    return org


def _outcome_items(lines: list[str]) -> list[str]:
    """The items of a learning-outcomes block: a line each, where a line indented by two
    spaces (not a bullet) continues the item above it (credbridge writes a multi-line
    outcome so)."""
    items: list[str] = []
    # bullets at the margin (credbridge's): an indented line continues, bullet or not
    flush = bool(lines) and re.match(r"[-*•]\s", lines[0]) is not None
    for line in lines:
        if items and items[-1] and line.startswith("  ") and (
                flush or not re.match(r"\s*[-*•]\s", line)):
            items[-1] += "\n" + line[2:]
            continue
        items.append(re.sub(r"^\s*[-*•]\s*", "", line).strip())
    return [item.strip() for item in items if item.strip()]


def _split_description(value: str) -> tuple[str | None, list[str]]:
    """A description "...\\nLearning outcomes:\\n- a\\n- b" -> (text before, [a, b])."""
    lines = value.splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower() == OUTCOMES_HEADING.lower():
            before = "\n".join(lines[:i]).strip() or None
            return before, _outcome_items(lines[i + 1:])
    return value.strip() or None, []


def _los(los: Any, data: dict[str, Any], schemes: dict[str, Any], attachments: list[Any],
         referable: list[Any], ctx: Context, *, nested: bool = True) -> None:
    report_unknown(los, LOS_KNOWN, ctx, "<learningOpportunitySpecification>")
    ext = data.setdefault("extensions", {})
    local_id = _identifier(los, "local")
    if local_id is not None and token(local_id):
        data["id"] = token(local_id)
    others = [[i.get("type"), token(i)] for i in children(los, "identifier")
              if i is not local_id and token(i)]
    if others:
        ext["elmo:identifiers"] = others
    titles = {lang_of(t): token(t) for t in children(los, "title") if token(t)}
    if titles:
        data["title"] = titles
    if kind := token(child(los, "type")):
        ext["elmo:type"] = kind
    if isced := token(child(los, "iscedCode")):
        try:
            data["fields_of_study"] = [vocab.isced_f_code(isced)]
        except VocabularyError:
            ctx.say(Code.INVALID_VALUE, "fields_of_study",
                    f"iscedCode {isced!r} is not an ISCED-F 2013 code")
    if url := token(child(los, "url")):
        data["further_information"] = {"links": [url]}
    descriptions: dict[str, str] = {}
    outcomes: dict[str, list[str]] = {}
    for d in children(los, "description"):
        before, items = _split_description(text(d) or "")
        if before:
            descriptions[lang_of(d)] = before
        if items:
            outcomes[lang_of(d)] = items
    if descriptions:
        data["description"] = descriptions
    if outcomes:
        count = max(len(v) for v in outcomes.values())
        data["learning_outcomes"] = [
            {"text": {lang: items[n] for lang, items in outcomes.items() if n < len(items)}}
            for n in range(count)]
    parts = _parts(los, schemes, referable, ctx, None, [0]) if nested else []
    if parts:
        data["parts"] = parts
    specifies = child(los, "specifies")
    loi = child(specifies, "learningOpportunityInstance") if specifies is not None else None
    if loi is not None:
        _loi(loi, data, schemes, attachments, referable, ctx)
    if not ext:
        data.pop("extensions", None)  # a record may have none (fuzzing: KeyError)


def _loi(loi: Any, data: dict[str, Any], schemes: dict[str, Any], attachments: list[Any],
         referable: list[Any], ctx: Context) -> None:
    report_unknown(loi, LOI_KNOWN, ctx, "<learningOpportunityInstance>")
    ext = data.setdefault("extensions", {})
    if start := token(child(loi, "start")):
        ext["elmo:start"] = start
    if date := token(child(loi, "date")):
        data["assessed"] = date
    grade: dict[str, Any] = {}
    if status := token(child(loi, "status")):
        grade["status"] = status
    if label := token(child(loi, "resultLabel")):
        grade["value"] = label
    if scheme_id := token(child(loi, "gradingSchemeLocalId")):
        ext["elmo:grading-scheme-id"] = scheme_id
        scheme_el = schemes.get(scheme_id)
        if scheme_el is None:
            ctx.say(Code.INVALID_VALUE, "assessment.grade.scheme",
                    f"gradingSchemeLocalId {scheme_id!r} names no gradingScheme of the report")
        else:
            desc = {lang_of(d): text(d) for d in children(scheme_el, "description") if text(d)}
            grade["scheme"] = {"description": desc} if desc else {"name": {"und": scheme_id}}
    if grade:
        data["assessment"] = {"grade": grade}
    workload: dict[str, Any] = {}
    for credit in children(loi, "credit"):
        scheme = (token(child(credit, "scheme")) or "").strip()
        value = token(child(credit, "value"))
        if (lvl := token(child(credit, "level"))) is not None:
            cycle = {"Bachelor": "first", "Master": "second", "PhD": "third"}.get(lvl)
            if cycle:
                data.setdefault("levels", {}).setdefault("qf_ehea", cycle)
                ctx.say(Code.APPROXIMATED, "levels.qf_ehea",
                        f"credit level {lvl!r} (deprecated in ELMO) is "
                        f"read as the QF-EHEA {cycle} cycle")
        if not value:
            continue
        if scheme.lower() == "ects" and "ects" not in workload:
            workload["ects"] = value
        elif vocab.vocabulary("credit_system").lookup(scheme):
            workload.setdefault("credits", []).append({"system": scheme, "value": value})
        else:
            ctx.say(Code.IGNORED_INPUT, "workload.credits",
                    f"credit scheme {scheme!r} is not a known credit system")
    if hours := token(child(loi, "engagementHours")):
        workload["hours"] = hours
        ctx.say(Code.APPROXIMATED, "workload.hours",
                "engagementHours (hours of classes) is read as the notional workload in hours")
    if workload:
        data["workload"] = workload
    for level in children(loi, "level"):
        _level(level, data, ctx)
    if lang := token(child(loi, "languageOfInstruction")):
        data["languages"] = [lang]
    refs = [r for r in (token(r) for r in loi.iter(q("ref"))) if r]
    _attachments(refs, referable if refs else attachments, data, ctx)
    ds_el = child(loi, "diplomaSupplement")
    if ds_el is not None:
        ds = read_element(ds_el, ctx)
        from_supplement(ds, data, ctx, KEPT_SECTIONS)
        if ds.lang != "und":
            ext[KEPT_LANGUAGE] = ds.lang
    if not ext:
        data.pop("extensions", None)  # a record may have none (fuzzing: KeyError)


def _level(level: Any, data: dict[str, Any], ctx: Context) -> None:
    kind = (token(child(level, "type")) or "").upper()
    value = token(child(level, "value"))
    description = text(child(level, "description"))
    levels = data.setdefault("levels", {})
    if kind == "EQF" and value:
        try:
            levels["eqf"] = vocab.eqf_level(value)
        except VocabularyError:
            ctx.say(Code.INVALID_VALUE, "levels.eqf", f"EQF level {value!r} is not 1-8")
    elif kind == "NQF" and value:
        if re.match(r"^https?://\S+$", value):
            nqf: dict[str, Any] = {"uri": value}
            if description:
                nqf["label"] = {"und": description}
        else:
            nqf = {"label": {"und": f"{description}, level {value}" if description else value}}
            ctx.say(Code.APPROXIMATED, "levels.nqf", f"NQF level {value!r} is read as a label")
        levels.setdefault("nqf", []).append(nqf)
    else:
        empty = " without a value" if kind in ("EQF", "NQF") and not value else ""
        ctx.say(Code.IGNORED_INPUT, "levels", f"level of type {kind or '(none)'}{empty} (line "
                f"{level.sourceline}) is not mapped")
    if not levels:
        del data["levels"]


def _attachments(refs: list[str], attachments: list[Any], data: dict[str, Any],
                 ctx: Context) -> None:
    """Attachments are kept verbatim (``elmo:attachments``); one of type "Micro Credential"
    makes the credential a micro-credential."""
    if refs:
        attachments = [a for a in attachments if token(_identifier(a, "internal")) in refs]
    if not attachments:
        return
    kept = [verbatim(a) for a in attachments]
    data.setdefault("extensions", {})["elmo:attachments"] = kept
    if refs:
        data["extensions"]["elmo:attachment-refs"] = list(refs)
    types = {token(child(a, "type")) for a in attachments}
    if "Micro Credential" in types:
        data["credential_type"] = "micro-credential"
    ctx.say(Code.KEPT_AS_EXTENSION, "extensions.elmo:attachments",
            f"{len(kept)} attachment(s) kept as they are")
