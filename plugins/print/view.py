"""What a printed credential shows: the certificate's lines in one language, from a credential
(shared by the ``html`` and ``pdf`` renderings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from credbridge import vocab
from credbridge.edc_dates import calendar_day
from credbridge.report import Code

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential

LABELS: dict[str, dict[str, str]] = {
    "en": {"awarded": "is awarded", "by": "Awarded by", "on": "Date of issue",
           "until": "Valid until", "outcomes": "Learning outcomes", "ects": "ECTS credits",
           "hours": "Workload (hours)", "eqf": "EQF level", "nqf": "NQF level",
           "isced": "Fields of study (ISCED-F)", "assessment": "Assessment",
           "grade": "Grade", "qa": "Quality assurance", "parts": "Components",
           "participation": "Form of participation",
           "languages": "Languages", "setting": "Learning setting",
           "verify": "Verify this credential", "seal": "Seal in the source",
           "no_url": "This credential gives no verification address, so no QR code is printed.",
           "not_verified": "not verified by credbridge: verify it at the address of the QR code",
           "not_verified_no_url": "not verified by credbridge",
           "sealed_by": "sealed by {who}", "sealed_on": " on {when}",
           "unnamed": "an unnamed signer",
           "learner": "Learner", "id": "Credential"},
    "fr": {"awarded": "a obtenu", "by": "Délivré par", "on": "Date de délivrance",
           "until": "Valable jusqu'au", "outcomes": "Acquis d'apprentissage",
           "ects": "Crédits ECTS", "hours": "Charge de travail (heures)", "eqf": "Niveau CEC",
           "nqf": "Niveau du cadre national", "isced": "Domaines d'études (CITE-F)",
           "assessment": "Évaluation", "grade": "Note", "qa": "Assurance qualité",
           "parts": "Composantes",
           "participation": "Modalité de participation", "languages": "Langues",
           "setting": "Cadre d'apprentissage", "verify": "Vérifier ce titre",
           "seal": "Cachet dans la source",
           "no_url": "Ce titre ne donne pas d'adresse de vérification : aucun code QR.",
           "not_verified": "non vérifié par credbridge : vérifiez-le à l'adresse du code QR",
           "not_verified_no_url": "non vérifié par credbridge",
           "sealed_by": "scellé par {who}", "sealed_on": " le {when}",
           "unnamed": "un signataire non nommé",
           "learner": "Apprenant", "id": "Titre"},
}
"""The printed labels, by language (English for the others)."""


@dataclass
class View:
    """The lines of one printed credential."""

    lang: str
    title: str
    learner: str
    awarding: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    """(label, value) rows: dates, ECTS, levels, assessment, participation, languages."""
    outcomes: list[str] = field(default_factory=list)
    quality: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    """One line per part (a course of a transcript), indented by its depth: title, ECTS
    credits, grade."""
    description: str = ""
    seal: str | None = None
    url: str | None = None
    identifier: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


def labels_for(lang: str) -> dict[str, str]:
    """The printed labels in ``lang`` (English when there are none)."""
    return LABELS.get(lang.split("-")[0], LABELS["en"])


class Texts:
    """Picks one language of each multilingual text, saying when another had to be shown or
    others were left out."""

    def __init__(self, ctx: Context, lang: str | None) -> None:
        self.ctx = ctx
        self.lang = lang

    def pick(self, texts: dict[str, str], field: str) -> str:
        """The text in the asked language, else English, else the first; reported."""
        if not texts:
            return ""
        order = [x for x in (self.lang, "en", "und") if x] + list(texts)
        chosen = next(lang for lang in order if lang in texts)
        others = [lang for lang in texts if lang != chosen]
        if self.lang and chosen != self.lang:
            self.ctx.say(Code.APPROXIMATED, field, f"no text in {self.lang}: printed in "
                         f"{chosen}")
        elif others:
            self.ctx.say(Code.APPROXIMATED, field, f"printed in {chosen}; not printed: "
                         f"{', '.join(others)}")
        return texts[chosen]


def view_of(cred: MicroCredential, ctx: Context, lang: str | None) -> View:
    """The printed view of ``cred`` in ``lang`` (default: the title's first language)."""
    shown = lang or next((x for x in cred.title if x != "und"), "en")
    texts = Texts(ctx, lang)
    words = labels_for(shown)
    learner = cred.learner
    name = ""
    if learner is not None:
        name = learner.full_name or " ".join(
            x for x in (learner.given_name, learner.family_name) if x)
    view = View(shown, texts.pick(cred.title, "title"), name, labels=words,
                identifier=cred.id)
    view.description = texts.pick(cred.description, "description")
    for i, body in enumerate(cred.awarding_bodies):
        label = texts.pick(body.name, f"awarding_bodies[{i}].name")
        if body.country:
            label += f" ({_country(body.country)})"
        view.awarding.append(label)
    facts = view.facts
    if cred.issued is not None:
        facts.append((words["on"], calendar_day(cred.issued).isoformat()))
    if cred.valid_until is not None:
        facts.append((words["until"], calendar_day(cred.valid_until).isoformat()))
    if cred.workload is not None:
        if cred.workload.ects is not None:
            facts.append((words["ects"], format(cred.workload.ects.normalize(), "f")))
        if cred.workload.hours is not None:
            facts.append((words["hours"], format(cred.workload.hours.normalize(), "f")))
    levels = cred.levels
    if levels is not None:
        if levels.eqf is not None:
            facts.append((words["eqf"], str(levels.eqf)))
        for i, nqf in enumerate(levels.nqf):
            shown_nqf = texts.pick(nqf.label, f"levels.nqf[{i}].label") or nqf.uri or ""
            if shown_nqf:
                facts.append((words["nqf"], shown_nqf))
    if cred.fields_of_study:
        facts.append((words["isced"], ", ".join(cred.fields_of_study)))
    assessment = cred.assessment
    if assessment is not None:
        parts = [vocab.vocabulary("assessment_type").label(t)
                 if t in vocab.vocabulary("assessment_type") else t for t in assessment.types]
        description = texts.pick(assessment.description, "assessment.description")
        if description:
            parts.append(description)
        if parts:
            facts.append((words["assessment"], "; ".join(parts)))
        if assessment.grade is not None and assessment.grade.value:
            facts.append((words["grade"], assessment.grade.value))
    participation = cred.participation
    if participation is not None:
        if participation.modes:
            facts.append((words["participation"], ", ".join(participation.modes)))
        if participation.setting:
            facts.append((words["setting"], participation.setting))
    if cred.languages:
        facts.append((words["languages"], ", ".join(cred.languages)))
    view.outcomes = [texts.pick(lo.text, f"learning_outcomes[{i}].text")
                     for i, lo in enumerate(cred.learning_outcomes) if lo.text]
    for i, qa in enumerate(cred.quality_assurance):
        line = texts.pick(qa.description, f"quality_assurance[{i}].description")
        if qa.body is not None and qa.body.name:
            qa_body = texts.pick(qa.body.name, f"quality_assurance[{i}].body.name")
            line = f"{line} ({qa_body})" if line else qa_body
        if line:
            view.quality.append(line)
    view.parts = _parts(cred, texts, words)
    view.url = cred.verification.url if cred.verification is not None else None
    if cred.proof:
        proof = cred.proof[0]
        kind = {"xades": "XAdES", "jades": "JAdES", "data-integrity": "Data Integrity",
                "vc-jwt": "VC-JWT", "ob2-jws": "JWS", "hosted": "hosted"}.get(proof.kind,
                                                                              proof.kind)
        who = words["sealed_by"].format(who=proof.signer or words["unnamed"])
        when = words["sealed_on"].format(when=_when(proof.created)) \
            if proof.created is not None else ""
        note = words["not_verified"] if view.url else words["not_verified_no_url"]
        view.seal = f"{who}{when} ({kind}) — {note}"
        more = f"; {len(cred.proof) - 1} further seal(s) not printed" \
            if len(cred.proof) > 1 else ""
        ctx.say(Code.APPROXIMATED, "proof", "printed as a line naming the signer, the time "
                f"and the kind of the source's seal, said not verified; the seal itself is "
                f"not carried{more}")
    return view


def _parts(cred: MicroCredential, texts: Texts, words: dict[str, str]) -> list[str]:
    """The printed line of each part, in document order, indented two spaces (no-break) per
    level of ``part_of``: its title, ECTS credits and grade where given."""
    depth: dict[str, int] = {}
    lines = []
    for i, part in enumerate(cred.parts):
        level = depth.get(part.part_of, 0) + 1 if part.part_of else 0
        if part.id:
            depth[part.id] = level
        bits = [texts.pick(part.title, f"parts[{i}].title") or "—"]
        if part.workload is not None and part.workload.ects is not None:
            bits.append(f"{format(part.workload.ects.normalize(), 'f')} ECTS")
        grade = part.assessment.grade if part.assessment is not None else None
        if grade is not None and grade.value:
            bits.append(f"{words['grade']} {grade.value}")
        lines.append("\u00a0\u00a0" * level + " — ".join(bits))
    return lines


def _when(value: dt.date) -> str:
    """A seal's time as printed: ISO 8601, UTC written as ``Z``."""
    return value.isoformat().replace("+00:00", "Z")


def _country(code: str) -> str:
    try:
        return vocab.countries().label(code)
    except Exception:
        return code
