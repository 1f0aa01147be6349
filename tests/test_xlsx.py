"""The ``xlsx`` format: the CSV columns in a workbook — the shared CSV sample through a
workbook, typed cells, column maps, formula cells (cached values, reported), bad cells named by
sheet!cell, text never written as a formula, and an untrusted workbook's budgets."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from credbridge import MicroCredential, Report, get_formats
from credbridge.convert import read, write
from credbridge.errors import InputError, LimitExceededError, UnsafeInputError
from credbridge.testing import FormatConformance
from openpyxl import Workbook, load_workbook

SAMPLE = ("samples", "csv", "microcredentials.csv")


def read_xlsx(data: bytes, **options: Any) -> tuple[list[MicroCredential], Report]:
    """Credentials and report of reading workbook bytes."""
    report = Report()
    return list(read(data, from_format="xlsx", report=report, options=options)), report


def workbook(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    """An .xlsx with ``rows`` in one sheet, as a clerk's spreadsheet program would save it."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_cached_value(data: bytes, cell: str, cached: str) -> bytes:
    """``data`` with a cached value given to the formula in ``cell`` of the first sheet (what
    Excel stores when it saves; openpyxl writes formulas without one)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                text = text[:end].replace("<v></v>", "") + f"<v>{cached}</v>" + text[end:]
                text = text.replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
                body = text.encode()
            dst.writestr(info, body)
    return out.getvalue()


# --- the shared sample through a workbook ----------------------------------------------------


def test_the_shared_csv_sample_survives_a_workbook(shared: Path, tmp_path: Path) -> None:
    sample = shared.joinpath(*SAMPLE)
    from_csv = list(read(sample))
    report = Report()
    data = write(from_csv, None, to="xlsx", report=report)
    assert data is not None
    back, _ = read_xlsx(data)
    assert [c.to_json_dict() for c in back] == [c.to_json_dict() for c in from_csv]
    assert not [m for m in report.messages if m.code == "dropped"]
    first = back[0]
    assert first.title == {"und": "Data Analysis with Python"}
    assert first.issued == dt.date(2024, 6, 30)
    assert first.levels is not None and first.levels.eqf == 6


def test_cells_are_typed_for_a_clerk(shared: Path) -> None:
    data = write(list(read(shared.joinpath(*SAMPLE))), None, to="xlsx")
    assert data is not None
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None and ws.title == "Credentials"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["credential_id", "learner_given_names", "learner_family_name"]
    row = {h: c.value for h, c in zip(header, ws[2], strict=False)}
    assert row["issue_date"] == dt.datetime(2024, 6, 30)  # a date cell
    assert ws.cell(2, header.index("issue_date") + 1).number_format == "yyyy-mm-dd"
    assert row["eqf_level"] == 6 and row["ects"] == 5  # numbers
    assert row["isced_f"] == "0613; 0542"  # multi-valued as in CSV


def test_detected_by_content_and_extension(tmp_path: Path) -> None:
    data = write([MicroCredential(title={"en": "Welding"})], None, to="xlsx")
    assert data is not None
    registry = get_formats()
    assert registry.detect(data[:8192], "out.xlsx").name == "xlsx"
    assert registry.detect(data[:8192]).name == "xlsx"
    clerk = workbook([["title", "issue_date"], ["Welding", dt.date(2024, 1, 2)]])
    assert registry.detect(clerk[:8192], "made-by-hand.xlsx").name == "xlsx"


# --- a clerk's own spreadsheet ---------------------------------------------------------------


def test_a_hand_made_sheet_reads_with_types_and_languages() -> None:
    data = workbook([
        [None],
        ["title", "title.fr", "issue_date", "eqf_level", "ects", "standalone", "notes"],
        ["Welding", "Soudure", dt.datetime(2024, 3, 1), 4, 2.5, True, "ignored"],
        [],
        ["Baking", None, "2024-03-02", "5", "3", "no", None],
    ])
    creds, report = read_xlsx(data, text_lang="en")
    assert [c.title for c in creds] == [{"en": "Welding", "fr": "Soudure"}, {"en": "Baking"}]
    assert creds[0].issued == dt.date(2024, 3, 1)
    assert str(creds[0].workload.ects) == "2.5"  # type: ignore[union-attr]
    assert creds[0].stackability.standalone is True  # type: ignore[union-attr]
    assert creds[1].stackability.standalone is False  # type: ignore[union-attr]
    assert creds[1].levels.eqf == 5  # type: ignore[union-attr]
    ignored = [m for m in report.messages if m.code == "ignored-input"]
    assert len(ignored) == 1 and "notes" in ignored[0].detail


def test_a_column_map_works_as_for_csv(tmp_path: Path) -> None:
    columns = tmp_path / "map.toml"
    columns.write_text('[columns]\n"Course" = "title"\n"Awarded on" = "issue_date"\n')
    data = workbook([["Course", "Awarded on"], ["Welding", dt.date(2024, 1, 2)]])
    creds, _ = read_xlsx(data, columns=str(columns))
    assert creds[0].title == {"und": "Welding"} and creds[0].issued == dt.date(2024, 1, 2)
    out = write(creds, None, to="xlsx", options={"columns": str(columns)})
    assert out is not None
    ws = load_workbook(io.BytesIO(out)).active
    assert ws is not None and [c.value for c in ws[1]] == ["Course", "Awarded on"]


def test_another_sheet_by_name() -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.append(["instructions"])
    wb.create_sheet("Data").append(["title"])
    wb["Data"].append(["Welding"])
    out = io.BytesIO()
    wb.save(out)
    creds, _ = read_xlsx(out.getvalue(), sheet="Data")
    assert creds[0].title == {"und": "Welding"}
    with pytest.raises(InputError, match="no sheet 'Nope'"):
        read_xlsx(out.getvalue(), sheet="Nope")


# --- bad cells, formulas, text that looks like a formula --------------------------------------


def test_a_bad_cell_names_sheet_and_cell_and_the_other_rows_convert() -> None:
    data = workbook([
        ["title", "eqf_level", "awarding_body_country"],
        ["Welding", 4, "IE"],
        ["Baking", 11, "FR"],
        ["Brewing", 5, "Atlantis"],
        ["Sewing", 3, "DE"],
    ], title="Data")
    creds, report = read_xlsx(data)
    assert [c.title["und"] for c in creds] == ["Welding", "Sewing"]
    errors = [m for m in report.messages if m.code == "invalid-record"]
    assert [(m.record, m.field) for m in errors] == [
        ("row 3", "levels.eqf"), ("row 4", "awarding_bodies[0].country")]
    assert errors[0].detail.startswith("Data!B3 (column eqf_level): ")
    assert errors[1].detail.startswith("Data!C4 (column awarding_body_country): ")
    assert report.records_failed == 2


def test_formula_cells_are_read_as_cached_values_and_reported() -> None:
    data = workbook([["title", "description"], ["Welding", '=CONCAT("Weld", "ing")'],
                     ["Baking", "=1+1"]])
    data = with_cached_value(data, "B2", "Welding basics")
    creds, report = read_xlsx(data)
    assert creds[0].description == {"und": "Welding basics"}
    assert creds[1].description == {}
    notes = [m for m in report.messages if "formula" in m.detail]
    assert [(m.code, m.record) for m in notes] == [("note", "row 2"), ("ignored-input", "row 3")]
    assert "Sheet1!B2" in notes[0].detail and "never computed" in notes[0].detail


def test_text_is_never_written_as_a_formula() -> None:
    cred = MicroCredential(title={"und": '=HYPERLINK("http://evil.example","x")'})
    data = write([cred], None, to="xlsx")
    assert data is not None
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    back, _ = read_xlsx(data)
    assert back[0].title == cred.title


# --- untrusted workbooks ---------------------------------------------------------------------


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """``data`` with parts replaced or added."""
    change = dict(change)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change.pop(info.filename, src.read(info)))
        for name, body in change.items():
            dst.writestr(name, body)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_parsing() -> None:
    data = workbook([["title"], ["Welding"]])
    bomb = _rezip(data, {"xl/media/padding.bin": b" " * (3 * 1024 * 1024)})
    with pytest.raises(LimitExceededError, match="zip bomb"):
        read_xlsx(bomb, max_unpacked_mb=2)


def test_an_entity_declaration_is_refused() -> None:
    data = workbook([["title"], ["Welding"]])
    evil = (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with pytest.raises(UnsafeInputError, match="DTD"):
        read_xlsx(_rezip(data, {"xl/worksheets/sheet1.xml": evil}))


def test_not_a_workbook() -> None:
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_xlsx(b"title\r\nWelding\r\n")


# --- the conformance kit ---------------------------------------------------------------------


class TestXlsxConformance(FormatConformance):
    """The plugin conformance kit for ``xlsx``."""

    format_name = "xlsx"


def test_a_part_marked_encrypted_is_refused_in_one_line() -> None:
    """A workbook whose zip entries carry the encryption flag (found by the long fuzzing run:
    zipfile raised a RuntimeError of its own) is refused as an input error."""
    book = Workbook()
    book.active.append(["title"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    # set bit 0 (encrypted) of the general-purpose flags in each central-directory entry
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(InputError, match=r"is encrypted \(a password-protected zip\)"):
        list(read(bytes(data), from_format="xlsx"))


def test_a_workbook_without_sheets_is_refused_in_one_line() -> None:
    """A workbook that lists no sheet (found by the long fuzzing run: an internal IndexError)."""
    import re

    data = workbook([["title"], ["Welding"]])
    part = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    empty = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", part)
    assert empty != part
    with pytest.raises(InputError, match="the workbook has no sheet"):
        list(read(_rezip(data, {"xl/workbook.xml": empty}), from_format="xlsx"))
