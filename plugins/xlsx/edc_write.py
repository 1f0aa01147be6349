"""Writing EC EDC issuer workbooks: the credentials as data rows of the class sheets, linked by
row numbers (``Association`` columns) and labels (``Reference`` columns) as the EC template
links them.

With ``template`` (the EC's ``EDC_template-generic.xlsm``) only the data rows of its class
sheets (row 13 on) and the ranges of their tables change: every other part of the archive —
the macros (``xl/vbaProject.bin``), styles, drawings, lists, data validations, the header rows
— is copied unchanged. Without a template, a plain workbook with the same sheets and header
rows (the columns the credentials use) is made, which this format reads back.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.errors import InputError, UsageError
from credbridge.languages import Retagger
from credbridge.report import Code

from .cells import column_letter
from .edc_sheets import Column, Sheet, parse_sheet
from .reproducible import pinned
from .workbook import Budget, check_archive, open_workbook, sheet_rows

if TYPE_CHECKING:
    from credbridge.context import Context
    from credbridge.model import MicroCredential, Organisation

    from .options import EdcXlsxOptions

FIRST_DATA_ROW = 13
MARKER = "credbridge edc-xlsx workbook"
"""Kept in the keywords of a workbook made without the template (how detection knows it)."""
SHEETS = {
    "EuropassCredential": "Credentials", "Person": "Persons", "Organisation": "Organisations",
    "LearningAchievement": "Achievements", "LearningOutcome": "Learning Outcomes",
    "Assessment": "Assessments",
}
"""The class sheets written, with their names in the EC template."""
CLASS_OF = {"EuropassCredential": "EuropassCredential", "Person": "Person",
            "Organisation": "Organisation", "LearningAchievement": "LearningAchievement",
            "LearningOutcome": "LearningOutcome", "Assessment": "Assessment"}
SCALARS = {"issuanceDate", "expirationDate"}

Key = tuple[str, str, str | None]
"""(property path, column type, language)."""


@dataclass
class Rows:
    """The data rows of one class sheet: each a dict of column key -> value."""

    rows: list[dict[Key, Any]] = field(default_factory=list)

    def add(self, row: dict[Key, Any]) -> int:
        """Append a row; its sheet row number."""
        self.rows.append(row)
        return FIRST_DATA_ROW + len(self.rows) - 1


class Codes:
    """The template's code lists (References sheet): a code's row and label, found by any of
    its URIs or notations."""

    def __init__(self, sheet: Sheet | None) -> None:
        self.index: dict[str, tuple[int, str]] = {}
        for e in sheet.entities if sheet else []:
            values = {c.column.path: c.value for c in e.cells if c.value is not None}
            label = str(values.get("targetName", values.get("name", values.get("content", ""))))
            for v in values.values():
                self.index.setdefault(str(v).strip().casefold(), (e.row, label))

    def find(self, candidates: list[str]) -> tuple[int, str] | None:
        """The row and label of the first candidate the lists hold."""
        for c in candidates:
            hit = self.index.get(c.strip().casefold())
            if hit is not None:
                return hit
        return None


class Builder:
    """The rows of every class sheet for a sequence of credentials."""

    def __init__(self, ctx: Context, codes: Codes | None) -> None:
        self.ctx = ctx
        self.codes = codes
        self.retag: Retagger | None = None
        """With the EC template (one column per bare language: en, fr...), the texts of the
        credential being written re-tagged to the template's languages (reported)."""
        self.sheets: dict[str, Rows] = {root: Rows() for root in SHEETS}
        self.organisations: dict[str, int] = {}

    def code(self, row: dict[Key, Any], path: str, values: list[str],
             candidates: list[list[str]], field: str) -> None:
        """A coded property: the label in its Reference column and, with a template, the row
        of the code list in its Association column (without one, the code itself)."""
        if not values:
            return
        if self.codes is None:
            row[(path, "reference", None)] = ", ".join(values)
            row[(path, "association", None)] = ", ".join(candidates[i][0]
                                                         for i in range(len(values)))
            return
        labels, rows = [], []
        for value, cands in zip(values, candidates, strict=True):
            hit = self.codes.find(cands)
            if hit is None:
                self.ctx.say(Code.DROPPED, field, f"{value!r} is in no code list of the "
                             "template (References sheet)")
                continue
            rows.append(str(hit[0]))
            labels.append(hit[1])
        if rows:
            row[(path, "reference", None)] = ", ".join(labels)
            row[(path, "association", None)] = ",".join(rows)

    def texts(self, row: dict[Key, Any], path: str, texts: dict[str, str],
              field: str) -> None:
        """A multilingual property: one column per language."""
        if self.retag is not None:
            texts = self.retag.text(texts, field)
        for lang, text in texts.items():
            row[(path, "property", lang)] = text

    def organisation(self, org: Organisation, field: str) -> tuple[int, str]:
        """The row of an organisation (one row per distinct organisation) and its label."""
        data = org.to_json_dict() if hasattr(org, "to_json_dict") else org.model_dump(
            mode="json", exclude_defaults=True)
        key = repr(sorted(data.items()))
        label = next(iter(org.name.values()), org.id or "organisation")
        if key in self.organisations:
            return self.organisations[key], label
        row: dict[Key, Any] = {}
        self.texts(row, "preferredName", org.name, f"{field}.name")
        if org.url:
            row[("homepage#1.id", "property", None)] = org.url
        if org.email:
            row[("contactPoint#1.email", "property", None)] = org.email
        if org.country:
            self.code(row, "hasLocation#1.hasAddress#1.countryCode", [org.country],
                      [[vocab.country_uri(org.country), org.country]], f"{field}.country")
        number = self.sheets["Organisation"].add(row)
        self.organisations[key] = number
        return number, label

    def credential(self, cred: MicroCredential) -> None:
        """The rows of one credential: its credentials row, owner, organisations,
        achievement, learning outcomes and assessment."""
        if self.codes is not None:
            self.retag = Retagger(self.ctx, cred, regions=False,
                                  target="the EC workbook template")
        row: dict[Key, Any] = {}
        self.texts(row, "title", cred.title, "title")
        self.texts(row, "description", cred.description, "description")
        if cred.issued is not None:
            row[("issuanceDate", "property", None)] = cred.issued
        if cred.valid_until is not None:
            row[("expirationDate", "property", None)] = cred.valid_until
        if cred.credential_type:
            types = vocab.vocabulary("credential_type")
            uri = types.uri(cred.credential_type) if cred.credential_type in types else None
            self.code(row, "type", [cred.credential_type],
                      [[c for c in (uri, cred.credential_type) if c]], "credential_type")
        if cred.issuer is not None:
            number, label = self.organisation(cred.issuer, "issuer")
            row[("issuer", "reference", None)] = label
            row[("issuer", "association", None)] = number
        achievement = self._achievement(cred)
        person = self._person(cred, achievement, _first(cred.title, "achievement"))
        row[("credentialSubject", "reference", None)] = person[1]
        row[("credentialSubject", "association", None)] = person[0]
        self.sheets["EuropassCredential"].add(row)

    def _person(self, cred: MicroCredential, achievement: int,
                achievement_label: str) -> tuple[int, str]:
        row: dict[Key, Any] = {}
        p = cred.learner
        label = "learner"
        if p is not None:
            for path, value in (("fullName", p.full_name), ("givenNames", p.given_name),
                                ("familyName", p.family_name)):
                if value:
                    row[(path, "property", "en")] = value
            label = p.full_name or " ".join(x for x in (p.given_name, p.family_name) if x) \
                or p.email or p.id or label
            if p.birth_date is not None:
                row[("dateOfBirth", "property", None)] = p.birth_date
            if p.national_id is not None:
                row[("nationalId.content", "property", None)] = p.national_id.value
            if p.email:
                row[("contactPoint#1.email", "property", None)] = p.email
        row[("achieved", "reference", None)] = achievement_label
        row[("achieved", "association", None)] = achievement
        return self.sheets["Person"].add(row), label

    def _achievement(self, cred: MicroCredential) -> int:
        row: dict[Key, Any] = {}
        self.texts(row, "title", cred.title, "title")
        self.texts(row, "description", cred.description, "description")
        bodies = [self.organisation(b, f"awarding_bodies[{i}]")
                  for i, b in enumerate(cred.awarding_bodies)]
        if bodies:
            row[("wasAwardedBy.awardingBody", "reference", None)] = ", ".join(b[1] for b in bodies)
            row[("wasAwardedBy.awardingBody", "association", None)] = \
                ",".join(str(b[0]) for b in bodies)
        levels = cred.levels
        if levels is not None and levels.eqf is not None:
            n = levels.eqf
            self.code(row, "specifiedBy.eqfLevel", [str(n)],
                      [[f"http://data.europa.eu/snb/eqf/{n}", f"http://data.europa.eu/esco/eqf/{n}",
                        str(n)]], "levels.eqf")
        workload = cred.workload
        if workload is not None and workload.ects is not None:
            row[("specifiedBy.ectsCreditPoints.content", "property", None)] = \
                format(workload.ects.normalize(), "f")
        if cred.fields_of_study:
            self.code(row, "specifiedBy.iscedFCode", list(cred.fields_of_study),
                      [[f"http://data.europa.eu/snb/isced-f/{c}", c]
                       for c in cred.fields_of_study], "fields_of_study")
        if cred.languages:
            self.code(row, "specifiedBy.language", list(cred.languages),
                      [[vocab.language_uri(c), c] for c in cred.languages], "languages")
            regional = [c for c in cred.languages if "-" in c]
            if regional:
                self.ctx.say(Code.APPROXIMATED, "languages",
                             f"{', '.join(regional)} written as the language alone: the EU "
                             "language table the workbook codes against has no regions")
        self.texts(row, "specifiedBy.entryRequirementNote", cred.access_requirements,
                   "access_requirements")
        stack = cred.stackability
        if stack is not None and stack.partial_qualification is not None:
            row[("specifiedBy.isPartialQualification", "property", None)] = \
                stack.partial_qualification
        info = cred.further_information
        if info is not None and info.links:
            row[("specifiedBy.homePage#1.id", "property", None)] = info.links[0]
            if len(info.links) > 1:
                self.ctx.say(Code.DROPPED, "further_information.links",
                             f"{len(info.links) - 1} link(s) after the first: the workbook "
                             "holds one home page")
        outcomes, outcome_labels = [], []
        for lo in cred.learning_outcomes:
            outcome_labels.append(_first(lo.text, "outcome"))
            lo_row: dict[Key, Any] = {}
            self.texts(lo_row, "name", lo.text, "learning_outcomes[].text")
            if lo.esco_skill:
                lo_row[("relatedESCOSkill#1.uri", "property", None)] = lo.esco_skill
            outcomes.append(self.sheets["LearningOutcome"].add(lo_row))
        if outcomes:
            row[("specifiedBy.learningOutcome", "reference", None)] = ", ".join(outcome_labels)
            row[("specifiedBy.learningOutcome", "association", None)] = \
                ",".join(str(n) for n in outcomes)
        assessment = self._assessment(cred)
        if assessment is not None:
            row[("wasDerivedFrom", "reference", None)] = _first(
                cred.assessment.description if cred.assessment else {}, "assessment")
            row[("wasDerivedFrom", "association", None)] = assessment
        return self.sheets["LearningAchievement"].add(row)

    def _assessment(self, cred: MicroCredential) -> int | None:
        a = cred.assessment
        description = a.description if a is not None else {}
        if not description and cred.assessed is None:
            return None
        row: dict[Key, Any] = {}
        self.texts(row, "title", description, "assessment.description")
        if cred.assessed is not None:
            row[("issuedDate", "property", None)] = cred.assessed
        return self.sheets["Assessment"].add(row)


def _first(texts: dict[str, str], default: str) -> str:
    """The label of an entry: its first text."""
    return next(iter(texts.values()), default)


# --- writing -----------------------------------------------------------------------------------


def write_workbook(credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context,
                   options: EdcXlsxOptions) -> None:
    """Fill the template (``options.template``) or make a plain workbook of the same layout."""
    template = _template(options)
    budget = options.budget()
    if template is None:
        builder = Builder(ctx, None)
        for cred in credentials:
            builder.credential(cred)
        stream.write(_bare(builder))
        return
    values = open_workbook(template, budget)
    sheets = {name: parse_sheet(name, sheet_rows(values[name], 20_000_000), {})
              for name in values.sheetnames}
    by_root = {s.root: s for s in sheets.values() if s is not None}
    builder = Builder(ctx, Codes(by_root.get("Code")))
    for cred in credentials:
        builder.credential(cred)
    stream.write(_fill(template, by_root, builder, ctx, budget))


def _template(options: EdcXlsxOptions) -> bytes | None:
    if options.template is None:
        return None
    try:
        return options.template.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the template {options.template}: {exc.strerror}") \
            from None


def _keys_used(rows: Rows) -> list[Key]:
    seen: dict[Key, None] = {}
    for row in rows.rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _bare(builder: Builder) -> bytes:
    """A plain workbook: the class sheets with the header rows of the EC template and the
    columns the credentials use."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.keywords = MARKER
    wb.properties.creator = "credbridge"
    first = wb.active
    if first is not None:
        wb.remove(first)
    labels = ["Class", "Field", "Type", "RangeProperty", "RangeRef", "Language", "Label",
              "Definition", "Language", "Default Value"]
    for root, name in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.cell(1, 1, f"{name} (written by credbridge without the EC template)")
        for i, label in enumerate(labels, start=2):
            ws.cell(i, 1, label)
        rows = builder.sheets[root]
        keys = sorted(_keys_used(rows), key=_key_order)
        for c, (path, kind, lang) in enumerate(keys, start=2):
            head, _, fld = path.rpartition(".")
            ws.cell(2, c, f"{CLASS_OF[root]}.{head}" if head else CLASS_OF[root])
            ws.cell(3, c, fld)
            ws.cell(4, c, {"property": "Property", "reference": "Reference",
                           "association": "Association"}[kind])
            if lang:
                ws.cell(5, c, "content")
                ws.cell(7, c, lang)
            ws.cell(12, c, f"{CLASS_OF[root]}.{path}.{kind}{'.' + lang if lang else ''}")
        for r, row in enumerate(rows.rows, start=FIRST_DATA_ROW):
            for c, key in enumerate(keys, start=2):
                if key in row:
                    cell = ws.cell(r, c, _plain_value(row[key]))
                    if isinstance(row[key], str):
                        cell.data_type = "s"
                    elif isinstance(row[key], dt.date):
                        cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return pinned(out.getvalue())


def _key_order(key: Key) -> tuple[str, int, str]:
    return (key[0], {"property": 0, "reference": 1, "association": 2}[key[1]], key[2] or "")


def _plain_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# --- filling the template at the level of its parts ---------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _fill(template: bytes, sheets: dict[str, Sheet], builder: Builder, ctx: Context,
          budget: Budget) -> bytes:
    archive = check_archive(template, budget)
    parts = _sheet_parts(archive)
    changed: dict[str, bytes] = {}
    for root, rows in builder.sheets.items():
        sheet = sheets.get(root)
        if sheet is None:
            if rows.rows:
                ctx.say(Code.DROPPED, None, f"the template has no {SHEETS[root]} sheet: "
                        f"{len(rows.rows)} row(s) not written")
            continue
        columns = _columns_for(sheet, rows, ctx)
        part = parts[sheet.name]
        changed[part] = _write_rows(archive.read(part), rows, columns)
        for table in _tables_of(archive, part):
            changed[table] = _extend_table(archive.read(table), len(rows.rows))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in archive.infolist():
            dst.writestr(info, changed.get(info.filename, archive.read(info)))
    return out.getvalue()


def _columns_for(sheet: Sheet, rows: Rows, ctx: Context) -> dict[Key, int]:
    """Column numbers of the keys the rows use; a key the template lacks is reported."""
    out: dict[Key, int] = {}
    for key in _keys_used(rows):
        path, kind, lang = key
        plain = re.sub(r"#\d+", "", path)
        match = [c for c in sheet.columns if c.type == kind and c.path == path and
                 (c.language == lang or lang is None)] or \
            [c for c in sheet.columns if c.type == kind and re.sub(r"#\d+", "", c.path) == plain
             and (c.language == lang or lang is None)]
        if not match and lang is not None:
            ctx.say(Code.DROPPED, None, f"the template's {sheet.name} sheet has no {path} "
                    f"column in language {lang}")
            continue
        if not match:
            ctx.say(Code.DROPPED, None, f"the template's {sheet.name} sheet has no {path} "
                    f"({kind}) column")
            continue
        out[key] = _best(match).index
    return out


def _best(columns: list[Column]) -> Column:
    return columns[0]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part (``xl/worksheets/sheet2.xml``)."""
    from credbridge.safety import parse_xml

    book = parse_xml(archive.read("xl/workbook.xml"), what="the template's workbook.xml")
    rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"),
                     what="the template's workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG}}}Relationship")}
    out = {}
    for s in book.iter(f"{{{MAIN}}}sheet"):
        target = targets.get(s.get(f"{{{REL}}}id")) or ""
        out[s.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _tables_of(archive: zipfile.ZipFile, part: str) -> list[str]:
    from credbridge.safety import parse_xml

    folder, _, name = part.rpartition("/")
    rels_name = f"{folder}/_rels/{name}.rels"
    if rels_name not in archive.namelist():
        return []
    rels = parse_xml(archive.read(rels_name), what=f"the template's {rels_name}")
    out = []
    for r in rels.iter(f"{{{PKG}}}Relationship"):
        if r.get("Type", "").endswith("/table"):
            target = r.get("Target", "")
            out.append(_resolve_part(folder, target))
    return out


def _resolve_part(folder: str, target: str) -> str:
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _excel_date(value: dt.date) -> int:
    return (value - dt.date(1899, 12, 30)).days


def _write_rows(xml: bytes, rows: Rows, columns: dict[Key, int]) -> bytes:
    """The sheet part with its data rows (row 13 on) replaced by ``rows``; each cell takes the
    style of the template's first data row."""
    from credbridge.safety import parse_xml
    from lxml import etree

    root = parse_xml(xml, what="a sheet of the template")
    data = root.find(f"{{{MAIN}}}sheetData")
    if data is None:
        raise InputError("the template sheet has no sheetData")
    styles: dict[int, str] = {}
    row_style: dict[str, str] = {}
    for r in list(data):
        number = int(r.get("r", "0"))
        if number >= FIRST_DATA_ROW:
            if number == FIRST_DATA_ROW:
                row_style = {k: v for k, v in r.attrib.items() if k in ("s", "customFormat")}
                for c in r:
                    ref = c.get("r", "")
                    col = _column_number(ref)
                    if c.get("s"):
                        styles[col] = c.get("s", "")
            data.remove(r)
    last = FIRST_DATA_ROW - 1
    for i, row in enumerate(rows.rows):
        number = FIRST_DATA_ROW + i
        last = number
        r = etree.SubElement(data, f"{{{MAIN}}}row", r=str(number), **row_style)
        for key, col in sorted(((k, c) for k, c in columns.items() if k in row),
                               key=lambda kc: kc[1]):
            _cell(r, f"{column_letter(col)}{number}", row[key], styles.get(col))
    dimension = root.find(f"{{{MAIN}}}dimension")
    if dimension is not None and ":" in dimension.get("ref", ""):
        start, _, end = dimension.get("ref", "").partition(":")
        letters = re.match(r"[A-Z]+", end)
        if letters:
            dimension.set("ref", f"{start}:{letters.group()}{max(last, 12)}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _column_number(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]*", ref).group():  # type: ignore[union-attr]
        n = n * 26 + ord(ch) - 64
    return n


def _cell(row: Any, ref: str, value: Any, style: str | None) -> None:
    from lxml import etree

    attrs = {"r": ref, **({"s": style} if style else {})}
    if isinstance(value, bool):
        c = etree.SubElement(row, f"{{{MAIN}}}c", t="b", **attrs)
        etree.SubElement(c, f"{{{MAIN}}}v").text = "1" if value else "0"
    elif isinstance(value, int | float):
        c = etree.SubElement(row, f"{{{MAIN}}}c", **attrs)
        etree.SubElement(c, f"{{{MAIN}}}v").text = str(value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        c = etree.SubElement(row, f"{{{MAIN}}}c", **attrs)
        etree.SubElement(c, f"{{{MAIN}}}v").text = str(_excel_date(value))
    else:
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        c = etree.SubElement(row, f"{{{MAIN}}}c", t="inlineStr", **attrs)
        is_ = etree.SubElement(c, f"{{{MAIN}}}is")
        t = etree.SubElement(is_, f"{{{MAIN}}}t")
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _extend_table(xml: bytes, count: int) -> bytes:
    """A table part whose range ends at the last data row written (at least one row)."""
    from credbridge.safety import parse_xml
    from lxml import etree

    root = parse_xml(xml, what="a sheet of the template")
    last = FIRST_DATA_ROW - 1 + max(count, 1)

    def extend(node: Any) -> None:
        ref = node.get("ref", "")
        m = re.fullmatch(r"([A-Z]+\d+):([A-Z]+)(\d+)", ref)
        if m:
            node.set("ref", f"{m.group(1)}:{m.group(2)}{last}")

    extend(root)
    auto = root.find(f"{{{MAIN}}}autoFilter")
    if auto is not None:
        extend(auto)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
