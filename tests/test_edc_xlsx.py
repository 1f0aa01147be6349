"""The ``edc-xlsx`` format: the EC EDC issuer's workbooks — the shared filled workbooks read
with their values, cross-sheet references, languages, dates, formula cells; the EC template
filled with its macros and every other part unchanged; bad cells named by sheet!cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from credbridge import MicroCredential, Report, get_formats
from credbridge.convert import read, write
from credbridge.testing import FormatConformance, shared_dir
from openpyxl import load_workbook

XLSX = ("samples", "xlsx")
TEMPLATE = "EDC_template-generic.xlsm"


def read_edc(source: Any, **options: Any) -> tuple[list[MicroCredential], Report]:
    """Credentials and report of reading an EC workbook."""
    report = Report()
    creds = list(read(source, from_format="edc-xlsx", report=report, options=options))
    return creds, report


@pytest.fixture(scope="session")
def samples(shared: Path) -> Path:
    """The shared EC issuer workbooks."""
    return shared.joinpath(*XLSX)


# --- the filled workbooks of the EC issuer ---------------------------------------------------


def test_edc1_credential_data_input(samples: Path) -> None:
    creds, report = read_edc(samples / "credential_data_input.xlsx")
    assert len(creds) == 1
    cred = creds[0]
    assert cred.id == "UoM-Cred-1"
    assert cred.title == {"en": "Diploma in Sociology", "mt": "Diploma fis-Soċjoloġija"}
    assert cred.issued == dt.date(2019, 9, 15) and cred.valid_until == dt.date(2022, 5, 30)
    # the issuer is named once, by id in the Default Value row, and found on its own sheet
    assert cred.issuer is not None
    assert cred.issuer.name == {"en": "University of Malta", "mt": "Universita ta' Malta"}
    assert report.records_failed == 0


def test_edc1_workbook_with_unread_sheets(samples: Path) -> None:
    creds, report = read_edc(samples / "credential_data_input_2.xlsx")
    assert [c.title["mt"] for c in creds] == ["Diploma fis-Soċjoloġija"]
    assert any("Entitlement" in m.detail for m in report.messages if m.code == "ignored-input")


def test_demo_workbook_cross_sheet_references_and_languages(samples: Path) -> None:
    creds, report = read_edc(samples / "demo_edci_template.xlsx")
    cred = creds[0]
    assert cred.title == {"en": "Diploma of Jordiness", "es": "Diploma de Jordicidad",
                          "el": "Δεν έχω ιδέα για το τι κάνω"}  # noqa: RUF001
    assert cred.credential_type == "generic"
    assert cred.issued == dt.date(2020, 2, 26) and cred.valid_until == dt.date(2021, 2, 26)
    # Owner -> Persons row 13 (Association column), then its achievement on Achievements
    learner = cred.learner
    assert learner is not None
    assert (learner.given_name, learner.family_name) == ("Jordi", "Castillo")
    assert learner.birth_date == dt.date(1714, 9, 11)  # text DD/MM/YYYY
    assert cred.issuer is not None and cred.issuer.name["en"] == \
        "Universitat Politècnica de Catalunya"  # Organisations row 14
    assert [b.name["el"] for b in cred.awarding_bodies] == ["Πανεπιστήμιο Βαρκελώνης"]
    assert cred.workload is not None and str(cred.workload.ects) == "45.5"
    assert cred.assessed == dt.date(2019, 12, 20)
    # a code no list knows is left out, naming the cell
    bad = [m for m in report.messages if m.code == "invalid-value"]
    assert any(m.detail.startswith("Assessments!L13 (idVerification)") for m in bad)


def test_edc2_macro_workbook_codes_through_the_references_sheet(samples: Path) -> None:
    creds, report = read_edc(samples / "EDC.xlsm")
    cred = creds[0]
    assert cred.title == {"en": "Diploma of Jordiness"}  # the other 25 languages are empty
    assert cred.issued == dt.date(2020, 3, 31)
    assert cred.levels is not None and cred.levels.eqf == 2  # References row 756
    assert [lo.text for lo in cred.learning_outcomes] == [{"en": "Computer Programming"}]
    assert cred.learner is not None and cred.learner.national_id is not None
    assert cred.learner.national_id.value == "23526T"
    notes = [m for m in report.messages if m.code == "note" and "formula" in m.detail]
    assert notes and "cached values" in notes[0].detail and "never computed" in notes[0].detail
    dropped = [m for m in report.messages if m.code == "dropped"]
    assert any("Achievements!row 14" in m.detail for m in dropped)


def test_the_empty_template_holds_no_credential(samples: Path) -> None:
    creds, report = read_edc(samples / TEMPLATE)
    assert creds == [] and report.records_failed == 0


def test_detection(samples: Path) -> None:
    registry = get_formats()
    for name in ("EDC.xlsm", TEMPLATE, "credential_data_input.xlsx", "demo_edci_template.xlsx"):
        head = (samples / name).read_bytes()[:8192]
        assert registry.detect(head, name).name == "edc-xlsx", name


# --- writing into the EC template ------------------------------------------------------------


def _csv_credentials(shared: Path) -> list[MicroCredential]:
    """The shared CSV sample, its texts in English (the template has a column per language,
    none for text of unknown language)."""
    return list(read(shared / "samples" / "csv" / "microcredentials.csv",
                     options={"text_lang": "en"}))


def test_csv_to_template_and_back_keeps_what_the_workbook_carries(
        shared: Path, samples: Path) -> None:
    creds = _csv_credentials(shared)
    report = Report()
    data = write(creds, None, to="edc-xlsx", report=report,
                 options={"template": str(samples / TEMPLATE)})
    assert data is not None
    back, _ = read_edc(data)
    assert len(back) == len(creds)
    fmt = get_formats().get("edc-xlsx")
    from credbridge.laws import carried_subset

    for original, again in zip(creds, back, strict=True):
        kept = carried_subset(original, "edc-xlsx")
        assert carried_subset(again, "edc-xlsx") == kept
        assert kept, "the sample carries fields the workbook holds"
    assert fmt.fields["title"] == "exact"


def test_the_template_keeps_its_macros_and_every_other_part(shared: Path, samples: Path) -> None:
    template = (samples / TEMPLATE).read_bytes()
    data = write(_csv_credentials(shared), None, to="edc-xlsx",
                 options={"template": str(samples / TEMPLATE)})
    assert data is not None
    before, after = zipfile.ZipFile(io.BytesIO(template)), zipfile.ZipFile(io.BytesIO(data))
    assert after.namelist() == before.namelist()
    assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")  # byte for byte
    changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
    assert all(n.startswith(("xl/worksheets/sheet", "xl/tables/table")) for n in changed), changed
    wb = load_workbook(io.BytesIO(data), read_only=True)
    ws = wb["Credentials"]
    header = list(ws.iter_rows(min_row=2, max_row=12, values_only=True))
    wb_before = load_workbook(io.BytesIO(template), read_only=True)
    assert header == list(wb_before["Credentials"].iter_rows(min_row=2, max_row=12,
                                                            values_only=True))
    assert wb.sheetnames == wb_before.sheetnames


def test_openpyxl_keep_vba_would_lose_the_templates_lists(samples: Path) -> None:
    """Why the template is filled part by part: openpyxl keeps the macros with keep_vba, but
    saving drops the data validation extensions (the dropdowns of every code column)."""
    template = (samples / TEMPLATE).read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(template)).read("xl/worksheets/sheet2.xml")
    assert b"x14:dataValidation" in sheet
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(template), keep_vba=True)
    out = io.BytesIO()
    wb.save(out)
    saved = zipfile.ZipFile(out)
    assert saved.read("xl/vbaProject.bin") == \
        zipfile.ZipFile(io.BytesIO(template)).read("xl/vbaProject.bin")
    assert b"x14:dataValidation" not in saved.read("xl/worksheets/sheet2.xml")


def test_without_a_template_a_plain_workbook_of_the_same_layout(shared: Path) -> None:
    creds = _csv_credentials(shared)
    data = write(creds, None, to="edc-xlsx")
    assert data is not None
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames[:4] == ["Credentials", "Persons", "Organisations", "Achievements"]
    back, _ = read_edc(data)
    assert [c.title for c in back] == [c.title for c in creds]


# --- bad cells -------------------------------------------------------------------------------


def _with_cell(data: bytes, sheet_part: str, cell: str, text: str) -> bytes:
    """``data`` with an inline-string value put into ``cell`` of a sheet part."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == sheet_part:
                xml = body.decode()
                start = xml.index(f'<c r="{cell}"')
                end = xml.index("</c>", start) + 4
                style = xml[start:end].split(">", 1)[0]
                xml = xml[:start] + style.replace(' t="inlineStr"', "") + \
                    f' t="inlineStr"><is><t>{text}</t></is></c>' + xml[end:]
                body = xml.encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_a_bad_cell_names_sheet_cell_and_field_and_other_rows_convert(
        shared: Path, samples: Path) -> None:
    creds = _csv_credentials(shared)
    data = write(creds, None, to="edc-xlsx", options={"template": str(samples / TEMPLATE)})
    assert data is not None
    wb = load_workbook(io.BytesIO(data), read_only=True)
    header = next(wb["Credentials"].iter_rows(min_row=3, max_row=3, values_only=True))
    column = header.index("issuanceDate") + 1
    from credbridge.plugins.xlsx.cells import column_letter

    ref = f"{column_letter(column)}14"
    broken = _with_cell(data, "xl/worksheets/sheet2.xml", ref, "31/02/2024")
    back, report = read_edc(broken)
    assert len(back) == len(creds) - 1
    errors = [m for m in report.messages if m.code == "invalid-record"]
    assert len(errors) == 1
    assert errors[0].record == "row 14"
    assert errors[0].detail.startswith(f"Credentials!{ref} (issuanceDate): not a date")


# --- the conformance kit ---------------------------------------------------------------------

_SHARED = shared_dir(Path(__file__).resolve().parent.parent)


class TestEdcXlsxConformance(FormatConformance):
    """The plugin conformance kit for ``edc-xlsx``, with the EC's filled workbooks."""

    format_name = "edc-xlsx"
    sample_files = tuple(
        _SHARED.joinpath(*XLSX, n) for n in (
            "credential_data_input.xlsx", "credential_data_input_2.xlsx",
            "demo_edci_template.xlsx", "EDC.xlsm")
    ) if _SHARED else ()


def test_a_template_with_an_entity_declaration_is_refused_not_expanded(
        shared: Path, tmp_path: Path) -> None:
    """The template is a file the caller names, so it is untrusted input like any other: its
    parts go through the hardened parser (issue 14), which refuses a DTD before parsing."""
    from credbridge.errors import CredbridgeError

    creds = _csv_credentials(shared)
    plain = write(creds, None, to="edc-xlsx")
    assert plain is not None
    hostile = tmp_path / "template.xlsx"
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                head, sep, rest = data.partition(b"?>")
                doctype = b'<!DOCTYPE w [<!ENTITY x "xx">]>'
                data = head + sep + doctype + rest if sep else doctype + data
            dst.writestr(item, data)
    with pytest.raises(CredbridgeError, match=r"DOCTYPE|DTD|entit"):
        write(creds, None, to="edc-xlsx", options={"template": str(hostile)})
