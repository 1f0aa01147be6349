"""Reading EC EDC issuer workbooks: one credential per data row of the credentials sheet, its
owner, issuer, achievements, learning outcomes and assessments found through the cross-sheet
references (row numbers in ``Association`` columns, ids in EDC 1.x, labels otherwise)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from credbridge import vocab
from credbridge.errors import CredbridgeError, InputError
from credbridge.model import MicroCredential, build
from credbridge.report import Code

from .cells import formula_cells
from .edc_sheets import Cell, Entity, Sheet, content_cells, parse_sheet
from .workbook import open_workbook, read_archive, sheet_rows

if TYPE_CHECKING:
    from credbridge.context import Context

    from .options import EdcXlsxOptions

MAX_CELLS = 20_000_000
NOT_READ = ("LearningActivity", "Entitlement")
"""Classes with no canonical field: their sheets are reported, not read."""


class CellError(ValueError):
    """A cell whose value does not fit its field."""

    def __init__(self, cell: Cell, message: str) -> None:
        super().__init__(message)
        self.cell = cell
        self.message = message


def read_workbook(stream: IO[bytes], ctx: Context,
                  options: EdcXlsxOptions) -> Iterator[MicroCredential]:
    """The credentials of an EC issuer workbook, one per data row of its credentials sheet
    (``ctx.record`` is ``row N`` of that sheet)."""
    budget = options.budget()
    data = read_archive(stream, budget)
    values = open_workbook(data, budget)
    formulas = open_workbook(data, budget, formulas=True)
    sheets: dict[str, Sheet] = {}
    for name in values.sheetnames:
        sheet = parse_sheet(name, sheet_rows(values[name], MAX_CELLS),
                            formula_cells(formulas[name], MAX_CELLS))
        if sheet is not None and sheet.root not in sheets:
            sheets[sheet.root] = sheet
    main = sheets.get("EuropassCredential")
    if main is None:
        raise InputError("not an EC issuer workbook: no credentials sheet (a sheet whose "
                         "Class row names EuropassCredential)")
    if ctx.record_offset == 0:
        unread = [s.name for root, s in sheets.items() if root in NOT_READ and s.entities]
        if unread:
            ctx.say(Code.IGNORED_INPUT, None, f"sheets not read (no canonical field holds "
                    f"them): {', '.join(unread)}", record="header")
    try:
        for entity in main.entities:
            ctx.record = f"row {entity.row}"
            cred = Credential(sheets, ctx).build(entity)
            if cred is not None:
                yield cred
    finally:
        ctx.record = None


class Credential:
    """The canonical data of one credential row, with the cell each value came from."""

    def __init__(self, sheets: dict[str, Sheet], ctx: Context) -> None:
        self.sheets = sheets
        self.ctx = ctx
        self.where: dict[str, Cell] = {}
        self.formulas: list[Cell] = []

    # --- entry point ---------------------------------------------------------------------------

    def build(self, row: Entity) -> MicroCredential | None:
        """The credential of a row of the credentials sheet, or ``None`` (reported)."""
        try:
            data = self._credential(row)
        except CellError as exc:
            self.ctx.failed(f"{exc.cell.ref} ({exc.cell.column.path}): {exc.message}")
            return None
        self._report_formulas()
        try:
            return build(data, record=self.ctx.record)
        except InputError as exc:
            cell = self._cell_for(exc.field)
            where = f"{cell.ref} ({cell.column.path}): " if cell else ""
            self.ctx.failed(f"{where}{exc.message}", field=exc.field)
            return None

    def _cell_for(self, field: str | None) -> Cell | None:
        while field:
            if field in self.where:
                return self.where[field]
            parent = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", field)
            if parent == field:
                break
            field = parent
        return None

    def _report_formulas(self) -> None:
        cached = [c for c in self.formulas if c.value is not None]
        empty = [c for c in self.formulas if c.value is None]
        if cached:
            refs = ", ".join(c.ref for c in cached[:5]) + (", ..." if len(cached) > 5 else "")
            self.ctx.say(Code.NOTE, None, f"{len(cached)} formula cell(s) read as their cached "
                         f"values ({refs}); formulas are never computed")
        if empty:
            refs = ", ".join(c.ref for c in empty[:5]) + (", ..." if len(empty) > 5 else "")
            self.ctx.say(Code.IGNORED_INPUT, None, f"{len(empty)} formula cell(s) without a "
                         f"cached value read as empty ({refs}); formulas are never computed")

    # --- cell values ---------------------------------------------------------------------------

    def _use(self, cells: list[Cell]) -> list[Cell]:
        out = []
        for c in cells:
            if c.formula is not None and c not in self.formulas:
                self.formulas.append(c)
            if c.value is not None and not (isinstance(c.value, str) and not c.value.strip()):
                out.append(c)
        return out

    def texts(self, e: Entity, path: str, field: str) -> dict[str, str]:
        """A multilingual text: one content cell per language."""
        out: dict[str, str] = {}
        for c in self._use(content_cells(e.get(path))):
            lang = c.language or "und"
            if lang not in out:
                out[lang] = _text(c.value)
                self.where.setdefault(field, c)
        return out

    def text(self, e: Entity, path: str, field: str) -> str | None:
        """One text (the first language given)."""
        found = self.texts(e, path, field)
        return next(iter(found.values()), None)

    def date(self, e: Entity, path: str, field: str) -> Any:
        """A date cell (or text ``YYYY-MM-DD``, ``DD/MM/YYYY``)."""
        cells = self._use(e.get(path))
        if not cells:
            return None
        c = cells[0]
        self.where[field] = c
        return _date(c)

    def codes(self, e: Entity, path: str, field: str,
              check: Callable[[str], Any]) -> list[Any]:
        """The coded values of a property (the code in its ``Association`` column, else the
        label in its ``Reference`` or content column), each checked with ``check``: a value
        it refuses is reported (invalid-value) and left out."""
        cells = self._use([c for c in e.cells if _plain(c.column.path) == path])
        groups = _by_kind(cells)
        out: list[Any] = []
        for c in groups:
            coded = c.column.type == "association"
            for item in _items(c.value, numbers=coded):
                value, problem = _checked(self._candidates(item, coded), check)
                if problem is not None:
                    self.ctx.say(Code.INVALID_VALUE, field, f"{c.ref} ({c.column.path}): "
                                 f"{item!r} left out: {problem}")
                    continue
                if value is not None and value not in out:
                    out.append(value)
                    self.where.setdefault(field, c)
            if out:
                break
        return out

    def _candidates(self, item: Any, coded: bool) -> list[Any]:
        """What an item may stand for: itself, or for a row number in an ``Association``
        column the URI, code and label of that row of the code lists sheet."""
        codes = self.sheets.get("Code")
        if not (coded and isinstance(item, int) and codes is not None):
            return [item]
        row = codes.at_row(item)
        if row is None:
            return [item]
        by_path = {c.column.path: c.value for c in row.cells if c.value is not None}
        return [by_path[k] for k in CODE_COLUMNS if k in by_path] or [item]

    def refs(self, e: Entity, path: str, root: str, field: str) -> list[Entity]:
        """The entities a reference property points to (row numbers, EDC 1.x ids, labels)."""
        target = self.sheets.get(root)
        cells = [c for c in e.cells if _plain(c.column.path) == path]
        assoc = self._use([c for c in cells if c.column.type != "reference"])
        labels = self._use([c for c in cells if c.column.type == "reference"])
        if target is None:
            if assoc or labels:
                self.ctx.say(Code.IGNORED_INPUT, field, f"{(assoc or labels)[0].ref}: the "
                             f"workbook has no {root} sheet to resolve the reference")
            return []
        found: list[Entity] = []
        for c in assoc:
            for item in _items(c.value, numbers=True):
                hit = _resolve(target, item)
                if hit is None:
                    self.ctx.say(Code.INVALID_VALUE, field, f"{c.ref} ({c.column.path}): "
                                 f"{item!r} names no row of sheet {target.name}: not linked")
                else:  # the same row twice is two references (two equal awarding bodies)
                    found.append(hit)
        if not found:
            for c in labels:
                hit = _by_label(target, _text(c.value))
                if hit is None:
                    self.ctx.say(Code.INVALID_VALUE, field, f"{c.ref} ({c.column.path}): "
                                 f"{_text(c.value)!r} names no entry of sheet {target.name}: "
                                 "not linked")
                elif hit not in found:
                    found.append(hit)
        return found

    # --- classes -------------------------------------------------------------------------------

    def _credential(self, row: Entity) -> dict[str, Any]:
        d: dict[str, Any] = {}
        ident = self.text(row, "identifier", "id")
        if ident:
            d["id"] = ident
        by_name: list[tuple[str, str]] = []

        def check(value: Any) -> str:
            code, named = _credential_type(value)
            if named:
                by_name.append((_text(value), code))
            return code

        types = self.codes(row, "type", "credential_type", check)
        if types:
            d["credential_type"] = types[0]
        for text, code in by_name[:1]:
            self.ctx.say(Code.APPROXIMATED, "credential_type", f"{text!r} is no credential type "
                         f"of the EU vocabulary: read as {code!r}, the type its last segment "
                         "names (an EDC 1 type URI)")
        d["title"] = self.texts(row, "title", "title")
        d["description"] = self.texts(row, "description", "description")
        d["issued"] = self.date(row, "issuanceDate", "issued")
        d["valid_until"] = self.date(row, "expirationDate", "valid_until")
        owners = self.refs(row, "credentialSubject", "Person", "learner")
        if owners:
            d["learner"] = self._person(owners[0], "learner")
        issuers = self.refs(row, "issuer", "Organisation", "issuer")
        if issuers:
            d["issuer"] = self._organisation(issuers[0], "issuer")
        achievements = self.refs(owners[0], "achieved", "LearningAchievement",
                                 "title") if owners else []
        if achievements:
            self._achievement(achievements[0], d)
            for extra in achievements[1:]:
                self.ctx.say(Code.DROPPED, None, f"achievement {extra.label} is another "
                             "achievement of the learner: a credential holds one (split the "
                             "workbook row, one credential per achievement)")
        return {k: v for k, v in d.items() if v not in (None, {}, [])}

    def _person(self, p: Entity, at: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "full_name": self.text(p, "fullName", f"{at}.full_name"),
            "given_name": self.text(p, "givenNames", f"{at}.given_name"),
            "family_name": self.text(p, "familyName", f"{at}.family_name"),
            "birth_date": self.date(p, "dateOfBirth", f"{at}.birth_date"),
            "email": self.text(p, "contactPoint.email", f"{at}.email"),
        }
        national = self.text(p, "nationalId.content", f"{at}.national_id")
        if national:
            country = self.codes(p, "nationalId.spatialId", f"{at}.national_id.country",
                                 vocab.country_code)
            out["national_id"] = {"value": national, **({"country": country[0]} if country
                                                        else {})}
        out["citizenship"] = self.codes(p, "citizenshipCountry", f"{at}.citizenship",
                                        vocab.country_code)
        out["identifiers"] = self._identifiers(p, f"{at}.identifiers")
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def _identifiers(self, e: Entity, field: str) -> list[dict[str, str]]:
        out = []
        numbers = sorted({m.group(1) for c in e.cells
                          if (m := re.match(r"identifier#(\d+)\.", c.column.path))})
        for n in numbers:
            value = self.text(e, f"identifier#{n}.content", field)
            if value:
                scheme = self.text(e, f"identifier#{n}.identifierSchemeId", field)
                out.append({"value": value, **({"scheme": scheme} if scheme else {})})
        return out

    def _organisation(self, o: Entity, at: str) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.texts(o, "preferredName", f"{at}.name")}
        legal = self.text(o, "legalIdentifier.content", f"{at}.legal_identifier") or \
            self.text(o, "vatIdentifier.content", f"{at}.legal_identifier")
        if legal:
            out["legal_identifier"] = {"value": legal}
        countries = self.codes(o, "hasLocation.hasAddress.countryCode", f"{at}.country",
                               vocab.country_code)
        if countries:
            out["country"] = countries[0]
        out["url"] = self.text(o, "homepage.id", f"{at}.url")
        out["email"] = self.text(o, "contactPoint.email", f"{at}.email")
        out["identifiers"] = self._identifiers(o, f"{at}.identifiers")
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def _achievement(self, a: Entity, d: dict[str, Any]) -> None:
        if not d.get("title"):
            d["title"] = self.texts(a, "title", "title")
        if not d.get("description"):
            d["description"] = self.texts(a, "description", "description")
        bodies = self.refs(a, "wasAwardedBy.awardingBody", "Organisation", "awarding_bodies")
        d["awarding_bodies"] = [self._organisation(b, f"awarding_bodies[{i}]")
                                for i, b in enumerate(bodies)]
        if not d.get("issued"):
            d["issued"] = self.date(a, "wasAwardedBy.awardingDate", "issued")
        levels: dict[str, Any] = {}
        eqf = self.codes(a, "specifiedBy.eqfLevel", "levels.eqf", vocab.eqf_level)
        if eqf:
            levels["eqf"] = eqf[0]
        nqf = self.codes(a, "specifiedBy.nqfLevel", "levels.nqf", _uri)
        if nqf:
            levels["nqf"] = [{"uri": u} for u in nqf]
        d["levels"] = levels
        workload: dict[str, Any] = {}
        ects = self.codes(a, "specifiedBy.ectsCreditPoints.content", "workload.ects", _decimal)
        if ects:
            workload["ects"] = ects[0]
        hours = self.codes(a, "specifiedBy.volumeOfLearning", "workload.hours", _hours)
        if hours:
            workload["hours"] = hours[0]
        d["workload"] = workload
        d["fields_of_study"] = self.codes(a, "specifiedBy.iscedFCode", "fields_of_study",
                                          vocab.isced_f_code)
        d["languages"] = self.codes(a, "specifiedBy.language", "languages", vocab.language_code)
        participation: dict[str, Any] = {
            "modes": self.codes(a, "specifiedBy.mode", "participation.modes",
                                _coded("mode", uri=True)),
        }
        setting = self.codes(a, "specifiedBy.learningSetting", "participation.setting",
                             _coded("setting", uri=False))
        if setting:
            participation["setting"] = setting[0]
        d["participation"] = participation
        d["access_requirements"] = self.texts(a, "specifiedBy.entryRequirementNote",
                                              "access_requirements")
        partial = self.codes(a, "specifiedBy.isPartialQualification",
                             "stackability.partial_qualification", _boolean)
        if partial:
            d["stackability"] = {"partial_qualification": partial[0]}
        links = self.codes(a, "specifiedBy.homePage.id", "further_information.links", _uri)
        if links:
            d["further_information"] = {"links": links}
        outcomes = self.refs(a, "specifiedBy.learningOutcome", "LearningOutcome",
                             "learning_outcomes")
        d["learning_outcomes"] = [self._outcome(o, i) for i, o in enumerate(outcomes)]
        assessments = self.refs(a, "wasDerivedFrom", "Assessment", "assessment")
        if assessments:
            d["assessment"] = self._assessment(assessments[0])
            if d["assessment"].get("date"):
                d["assessed"] = d["assessment"].pop("date")

    def _outcome(self, o: Entity, i: int) -> dict[str, Any]:
        at = f"learning_outcomes[{i}]"
        text = self.texts(o, "name", f"{at}.text") or self.texts(o, "description", f"{at}.text")
        skills = self.codes(o, "relatedESCOSkill.uri", f"{at}.esco_skill", _uri)
        return {"text": text, **({"esco_skill": skills[0]} if skills else {})}

    def _assessment(self, s: Entity) -> dict[str, Any]:
        out: dict[str, Any] = {
            "description": self.texts(s, "title", "assessment.description"),
            "types": self.codes(s, "specifiedBy.assessmentType", "assessment.types",
                                _coded("assessment_type", uri=True)),
            "date": self.date(s, "issuedDate", "assessed"),
        }
        supervision = self.codes(s, "idVerification", "assessment.supervision",
                                 _coded("supervision", uri=True))
        if supervision:
            out["supervision"] = supervision[0]
        assessors = self.refs(s, "assessedBy", "Organisation", "assessment.assessors")
        out["assessors"] = [self._organisation(o, f"assessment.assessors[{i}]")
                            for i, o in enumerate(assessors)]
        return {k: v for k, v in out.items() if v not in (None, [], {})}


CODE_COLUMNS = ("uri", "codeId", "targetNotation", "name", "targetName", "content")
"""The columns of a code list row (References sheet), the most exact first."""


def _checked(candidates: list[Any], check: Callable[[Any], Any]) -> tuple[Any, str | None]:
    """The first candidate ``check`` accepts, else the problem with the first."""
    problem: str | None = None
    for candidate in candidates:
        try:
            return check(candidate), None
        except (CredbridgeError, ValueError) as exc:
            problem = problem or str(getattr(exc, "message", exc))
    return None, problem


# --- helpers -----------------------------------------------------------------------------------


def _plain(path: str) -> str:
    return re.sub(r"#\d+", "", path)


def _by_kind(cells: list[Cell]) -> list[Cell]:
    """Code cells, the machine code first: Association and codeId/uri columns, then the
    labels."""
    def rank(c: Cell) -> int:
        rp = c.column.range_property.lower()
        if c.column.type == "association" or rp in ("codeid", "uri", "id"):
            return 0
        return 1
    return sorted(cells, key=rank)


def _items(value: Any, *, numbers: bool = False) -> list[Any]:
    """The items of a cell: a number, or text split on commas (``15,13``) when every part
    is a number or a short id."""
    if isinstance(value, bool):
        return [value]
    if isinstance(value, float) and value.is_integer():
        return [int(value)]
    if isinstance(value, int | float):
        return [value]
    text = _text(value)
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if len(parts) > 1 and all(re.fullmatch(r"\S+", p) for p in parts):
        # row numbers (15,13) or codes (en, fr); a label with a comma has spaces in a part
        return [int(p) if numbers and p.isdigit() else p for p in parts]
    if numbers and re.fullmatch(r"\d+", text.strip()):
        return [int(text.strip())]
    return [text.strip()]


def _resolve(sheet: Sheet, item: Any) -> Entity | None:
    if isinstance(item, int):
        return sheet.at_row(item)
    key = str(item).strip()
    return sheet.ids.get(key) or _by_label(sheet, key)


def _by_label(sheet: Sheet, label: str) -> Entity | None:
    wanted = label.strip().casefold()
    for e in sheet.entities:
        for c in e.cells:
            if c.column.type == "property" and c.column.path in (
                    "title", "preferredName", "fullName", "name") and \
                    c.value is not None and _text(c.value).strip().casefold() == wanted:
                return e
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip() if isinstance(value, str) else str(value)


_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def _date(c: Cell) -> Any:
    value = c.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.date() if value.time() == dt.time() else \
                value.replace(tzinfo=dt.UTC)
        return value
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    m = _DMY.match(text)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            raise CellError(c, f"not a date (DD/MM/YYYY): {text!r}") from None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 and "T" not in text \
            else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CellError(c, f"not a date (DD/MM/YYYY or YYYY-MM-DD): {text!r}") from None


def _credential_type(value: Any) -> tuple[str, bool]:
    """The credential type code of a cell, and whether it was found by the URI's last
    segment only."""
    text = _text(value)
    code = vocab.vocabulary("credential_type").lookup(text)
    if code is not None:
        return code, False
    name = text.rstrip("/").rsplit("/", 1)[-1]
    code = vocab.vocabulary("credential_type").lookup(name)
    if code is not None:
        return code, name != text
    raise ValueError(f"unknown credential type {text!r}")


def _uri(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text):
        raise ValueError("not a URI")
    return text


def _decimal(value: Any) -> str:
    text = _text(value).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if number <= 0:
        raise ValueError("must be greater than 0")
    return text


def _hours(value: Any) -> str:
    text = _text(value)
    m = re.fullmatch(r"P(?:(\d+)D)?T?(?:(\d+(?:\.\d+)?)H)?(?:(\d+)M)?", text)
    if not m or not any(m.groups()):
        return _decimal(text)
    days, hours, minutes = m.groups()
    total = Decimal(days or 0) * 24 + Decimal(hours or 0) + Decimal(minutes or 0) / 60
    if total <= 0:
        raise ValueError("must be greater than 0")
    return format(total.normalize(), "f")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError("not true or false")


def _coded(name: str, *, uri: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = _text(value)
        code = vocab.vocabulary(name).lookup(text)
        if code is not None:
            return code
        if uri and re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text):
            return text
        raise ValueError(f"unknown {name} value")
    return check
