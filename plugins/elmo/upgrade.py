"""ELMO documents that are not plain v1.x: the pre-1.0 namespace, no namespace, and ELMO inside an
Erasmus Without Paper ToR response. Each is read through upgrade steps to the v1 structure the
reader knows; every step taken is reported (``upgraded``) by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from credbridge.context import Context
from credbridge.errors import InputError
from credbridge.report import Code, Severity
from lxml import etree

from .xmlutil import NS, child, children, local, q

PRE_1_NS = "http://purl.org/net/elmo"
"""The namespace of ELMO before 1.0 (EMREX FI/SE/NO 2015-2016 examples)."""

EWP_MARK = "erasmus-without-paper"
"""Every EWP namespace URL holds this; a ToR response carries ELMO documents in ``<tor>``."""

ELMO_NAMESPACES = (NS, PRE_1_NS, None)
"""Namespaces of an ``<elmo>`` element credbridge reads (None: no namespace)."""


def namespace(el: Any) -> str | None:
    """The namespace URI of an element (None when it has none)."""
    return etree.QName(el).namespace if isinstance(el.tag, str) else None


def seen(el: Any) -> str:
    """How a message names an element: ``<name>`` and its namespace."""
    ns = namespace(el)
    return f"<{local(el)}> in {'the namespace ' + repr(ns) if ns else 'no namespace'}"


def elmo_roots(root: Any, ctx: Context) -> list[Any]:
    """The ELMO documents of a parsed tree, upgraded to the v1 structure: the root itself, or the
    ``elmo`` elements of an EWP ToR response. Anything else is an :class:`InputError` that
    names the element and namespace seen."""
    name, ns = local(root), namespace(root)
    if name == "elmo":
        if ns not in ELMO_NAMESPACES:
            raise InputError(f"not an ELMO document: the root is {seen(root)}, not an ELMO "
                             f"namespace ({NS!r}, or before 1.0 {PRE_1_NS!r})")
        return [upgrade(root, ctx)]
    if ns is not None and EWP_MARK in ns:
        found = [e for e in root.iter() if isinstance(e.tag, str) and local(e) == "elmo"
                 and namespace(e) in ELMO_NAMESPACES
                 and not any(local(a) == "elmo" for a in e.iterancestors())]
        if not found:
            raise InputError(f"an Erasmus Without Paper document ({seen(root)}) holding no ELMO "
                             "document: no credential to read")
        ctx.say(Code.UPGRADED, None, f"read through the upgrade step 'EWP {name} -> ELMO': "
                f"{len(found)} ELMO document(s) taken out of the response (the EWP wrapper's "
                "own elements, such as omobility-id, are not kept)")
        return [upgrade(e, ctx) for e in found]
    raise InputError(f"not an ELMO document: the root is {seen(root)}; expected <elmo> in the "
                     f"ELMO namespace {NS!r}")


def upgrade(elmo: Any, ctx: Context) -> Any:
    """``elmo`` with every upgrade step it needs applied (in place); the steps taken are
    reported in one message, in order."""
    done = [name for name in (step(elmo, ctx) for step in STEPS) if name]
    if done:
        ctx.say(Code.UPGRADED, None, f"read through the upgrade step(s): {'; '.join(done)}")
    return elmo


def _namespace(elmo: Any, ctx: Context) -> str | None:
    ns = namespace(elmo)
    if ns == NS:
        return None
    for el in elmo.iter():
        if isinstance(el.tag, str) and namespace(el) == ns:
            el.tag = q(local(el))
    old = f"pre-1.0 namespace {PRE_1_NS}" if ns else "no namespace"
    return f"ELMO {old} -> ELMO v1 namespace"


def _learner_in_report(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 the learner was inside each ``report``; v1 has one at the top."""
    if child(elmo, "learner") is not None:
        return None
    inner = [lrn for rep in children(elmo, "report") for lrn in children(rep, "learner")]
    if not inner:
        return None
    first = inner[0]
    differ = 0
    for other in inner[1:]:
        differ += _compact(other) != _compact(first)
        other.getparent().remove(other)
    elmo.insert(0, first)
    if differ:
        ctx.say(Code.IGNORED_INPUT, "learner", f"pre-1.0 ELMO: {differ} report(s) name another "
                "learner than the first report; the document's learner is the first one",
                severity=Severity.WARNING)
    return "pre-1.0 <report>/<learner> -> <elmo>/<learner>"


def _compact(el: Any) -> str:
    """An element's text content without whitespace (to compare two learners)."""
    return "".join("".join(el.itertext()).split())


_PATTERN_PART = re.compile(r"yyyy|MM|dd|[^yMd]+")


def _dtf_value(value: str, pattern: str) -> str | None:
    """``18-07-1966`` with the Java pattern ``dd-MM-yyyy`` -> ``1966-07-18``."""
    regex = ""
    for part in _PATTERN_PART.findall(pattern):
        regex += {"yyyy": r"(?P<y>\d{4})", "MM": r"(?P<m>\d{1,2})",
                  "dd": r"(?P<d>\d{1,2})"}.get(part, re.escape(part))
    try:
        m = re.fullmatch(regex, value.strip())
    except re.error:
        return None
    if m is None or set(m.groupdict()) != {"y", "m", "d"}:
        return None
    return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"


@lru_cache(maxsize=1)
def _dtf_attributes() -> Any:
    """The compiled XPath of every ``@dtf`` (compiled once, when first needed)."""
    return etree.XPath("descendant-or-self::*/@dtf")


def _dated(elmo: Any, ctx: Context) -> str | None:
    """Pre-1.0 dates name their pattern (``<bday dtf="dd-MM-yyyy">``)."""
    changed = False
    # one compiled XPath over the tree finds the @dtf attributes (most documents: none), in
    # document order; selecting attributes is ~4x faster in libxml2 than an element predicate
    for found in _dtf_attributes()(elmo):
        el = found.getparent()
        pattern = el.attrib.pop("dtf")
        iso = _dtf_value(el.text or "", pattern)
        if iso is not None:
            el.text = iso
            changed = True
    return "pre-1.0 dates with @dtf -> ISO 8601 dates" if changed else None


def _instance(los: Any) -> Any:
    specifies = child(los, "specifies")
    if specifies is None:
        specifies = etree.SubElement(los, q("specifies"))
    loi = child(specifies, "learningOpportunityInstance")
    if loi is None:
        loi = etree.SubElement(specifies, q("learningOpportunityInstance"))
    return loi


def _credit_on_specification(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 ``credit`` sat on the specification; v1 has it on the instance."""
    changed = False
    for los in list(elmo.iter(q("learningOpportunitySpecification"))):
        credits = list(children(los, "credit"))
        if not credits:
            continue
        loi = _instance(los)
        if child(loi, "credit") is None:
            for credit in credits:
                loi.append(credit)
            changed = True
    return "pre-1.0 specification <credit> -> instance <credit>" if changed else None


def _result(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 the grade was ``<result>``; v1 calls it ``resultLabel``."""
    changed = False
    for loi in elmo.iter(q("learningOpportunityInstance")):
        result = child(loi, "result")
        if result is not None and child(loi, "resultLabel") is None:
            result.tag = q("resultLabel")
            changed = True
    return "pre-1.0 <result> -> <resultLabel>" if changed else None


def _issuer_url(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 the issuer's web site was an identifier of type ``url``."""
    changed = False
    for issuer in elmo.iter(q("issuer")):
        ids = [i for i in children(issuer, "identifier") if i.get("type") == "url"]
        if ids and child(issuer, "url") is None:
            ids[0].tag = q("url")
            del ids[0].attrib["type"]
            changed = True
    return "pre-1.0 issuer <identifier type=\"url\"> -> <url>" if changed else None


CYCLES = {"BACHELOR": "Bachelor", "MASTER": "Master", "PHD": "PhD"}
"""Pre-1.0 specification levels and the (deprecated) v1 credit levels that say the same."""


def _cycle_level(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 a specification's cycle was ``<level>BACHELOR</level>``; v1 (deprecated) says
    it as the level of its credit (read as the QF-EHEA cycle)."""
    changed = False
    for los in elmo.iter(q("learningOpportunitySpecification")):
        level = child(los, "level")
        cycle = CYCLES.get((level.text or "").strip().upper()) if level is not None and \
            not len(level) else None
        if cycle is None:
            continue
        loi = child(child(los, "specifies"), "learningOpportunityInstance") \
            if child(los, "specifies") is not None else None
        credit = child(loi, "credit") if loi is not None else None
        if credit is None:
            continue
        credit_level = child(credit, "level")
        if credit_level is None:
            credit_level = etree.SubElement(credit, q("level"))
        credit_level.text = cycle
        los.remove(level)
        changed = True
    return "pre-1.0 specification <level>BACHELOR|MASTER|PHD -> credit level" if changed \
        else None


def _nationality(elmo: Any, ctx: Context) -> str | None:
    """Before 1.0 citizenship could be a learner identifier of type ``nationality``."""
    learner = child(elmo, "learner")
    if learner is None or child(learner, "citizenship") is not None:
        return None
    ids = [i for i in children(learner, "identifier") if i.get("type") == "nationality"]
    if not ids:
        return None
    ids[0].tag = q("citizenship")
    del ids[0].attrib["type"]
    return "pre-1.0 learner <identifier type=\"nationality\"> -> <citizenship>"


STEPS: tuple[Callable[[Any, Context], str | None], ...] = (
    _namespace, _learner_in_report, _dated, _credit_on_specification, _cycle_level, _result,
    _issuer_url, _nationality)
"""The upgrade steps, in order; each returns its name when it changed the document (and says
itself what it could not carry)."""
