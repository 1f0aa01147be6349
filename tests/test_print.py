"""The printable credential (``html``, ``pdf``): the text of the PDF (pypdf), not its pixels;
the QR code decoded from the rendered page (pdfium + zxing-cpp) where there is a verification
URL, a footnote where there is none; languages; a seal never printed with its signer."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from credbridge import MicroCredential, Report
from credbridge.convert import read, write
from credbridge.testing import FormatConformance

MC = ("samples", "elm", "Sample-MC-Annex1-unsigned.jsonld")
SEALED = ("corpus", "elm", "credentials--examples_edc-cas-signed.jsonld")
URL = "https://europa.eu/europass/digital-credentials/verify/urn:credential:3ef0ac26"


def pdf_text(data: bytes) -> str:
    """The text of every page, as a reader's search finds it."""
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def qr_codes(data: bytes) -> list[str]:
    """What the QR codes of the first page say, read from the page rendered at 144 dpi."""
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(data)[0]
    return [r.text for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())]


@pytest.fixture(scope="session")
def micro(shared: Path) -> MicroCredential:
    """The EC's Annex I micro-credential sample."""
    return next(read(shared.joinpath(*MC)))


def with_url(cred: MicroCredential) -> MicroCredential:
    """``cred`` with a verification address."""
    return MicroCredential.model_validate({**cred.to_json_dict(), "verification": {"url": URL}})


def test_the_ec_sample_as_pdf_through_the_cli(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    run = subprocess.run([sys.executable, "-m", "credbridge", "convert",
                          str(shared.joinpath(*MC)), "--to", "pdf", "-o", str(out)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    text = pdf_text(out.read_bytes())
    for expected in ("Digital micro-credential creation", "Ana Andromeda", "ECTS credits 2",
                     "EQF level 6", "University of Zed (Ireland)", "Developing digital content"):
        assert expected in text, expected
    assert "no verification address, so no QR code" in text
    assert qr_codes(out.read_bytes()) == []


def test_the_qr_code_decodes_to_the_verification_url(micro: MicroCredential) -> None:
    data = write([with_url(micro)], None, to="pdf")
    assert data is not None
    assert qr_codes(data) == [URL]
    assert URL in pdf_text(data).replace("\n", "")
    assert "no QR code" not in pdf_text(data)


def test_the_qr_code_of_a_real_hosted_badge_decodes_to_its_verification_url(
        shared: Path) -> None:
    """An OB 2.0 hosted assertion of the 1EdTech validator's fixtures carries its own
    verification address: the printed QR code says exactly that."""
    cred = next(read(shared / "corpus" / "ob2" /
                     "1edtech-dcpv--ob20_assertion-with-data-image.json"))
    assert cred.verification is not None and cred.verification.url
    data = write([cred], None, to="pdf")
    assert data is not None
    assert qr_codes(data) == [cred.verification.url]
    assert "no QR code" not in pdf_text(data)


def test_greek_and_cyrillic_are_text(micro: MicroCredential) -> None:
    cred = MicroCredential.model_validate({**micro.to_json_dict(), "title": {
        "en": "Digital micro-credential creation", "el": "Δημιουργία ψηφιακού περιεχομένου",
        "bg": "Създаване на цифрово съдържание"}})
    report = Report()
    greek = write([cred], None, to="pdf", options={"lang": "el"}, report=report)
    bulgarian = write([cred], None, to="pdf", options={"lang": "bg"})
    assert greek is not None and bulgarian is not None
    assert "Δημιουργία ψηφιακού περιεχομένου" in pdf_text(greek)
    assert "Създаване на цифрово съдържание" in pdf_text(bulgarian)
    # texts with no Greek version are printed in English, and the report says so
    assert any(m.code == "approximated" and m.field == "learning_outcomes[0].text"
               for m in report.messages)


def test_several_credentials_one_page_each(micro: MicroCredential) -> None:
    from pypdf import PdfReader

    data = write([micro, with_url(micro)], None, to="pdf")
    assert data is not None
    assert len(PdfReader(io.BytesIO(data)).pages) == 2


def test_a_seal_is_said_with_its_signer_and_time(shared: Path) -> None:
    # issue 16: the clerk reads who sealed the source and when, and that credbridge did not
    # verify it (the signer is the subject of the signing certificate)
    sealed = list(read(shared.joinpath(*SEALED)))
    (proof,) = sealed[0].proof
    assert proof.signer and proof.signer.startswith("CN=") and proof.created
    data = write(sealed, None, to="pdf")
    html = write(sealed, None, to="html")
    assert data is not None and html is not None
    text = " ".join(pdf_text(data).split())
    assert "Title of your Conference" in text and "Joe Doe" in text
    when = proof.created.isoformat().replace("+00:00", "Z")
    line = f"sealed by {proof.signer} on {when} (JAdES) — not verified by credbridge"
    assert f"Seal in the source: {line}" in text
    assert line.encode() in html


SEALED_DS = ("corpus", "elm",
             "educational-pilot--EUHEDS_euheds-highereducation-diplomasupplement-signed-john-doe.json")
"""A sealed (Data Integrity) DC4EU diploma supplement with ECTS credits and an EQF level."""


def test_a_sealed_elm_credential_with_ects_and_eqf_as_pdf_through_the_cli(
        shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    run = subprocess.run([sys.executable, "-m", "credbridge", "convert",
                          str(shared.joinpath(*SEALED_DS)), "--to", "pdf", "-o", str(out)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "approximated: proof [pdf]" in run.stderr  # the seal is a printed line, not carried
    text = " ".join(pdf_text(out.read_bytes()).split())
    for expected in ("Bachelor of Science in Computer Engineering", "John Doe",
                     "ECTS credits 240", "EQF level 6", "University of Example",
                     "Seal in the source: sealed by an unnamed signer (Data Integrity)"):
        assert expected in text, expected
    assert "no verification address, so no QR code" in text
    assert qr_codes(out.read_bytes()) == []


def test_every_sealed_elm_document_prints_what_it_holds(shared: Path) -> None:
    """Each sealed ELM document of samples and corpus, one page per credential: its title,
    learner, ECTS and EQF exactly when the source gives them, and its seal said."""
    from credbridge.errors import CredbridgeError
    from pypdf import PdfReader

    checked = 0
    paths = [p for base in ("samples", "corpus") for p in sorted((shared / base / "elm").glob("*"))]
    for path in paths:
        try:
            records = list(read(path, report=Report()))
        except CredbridgeError:
            continue
        sealed = [c for c in records if c.proof]
        if not sealed:
            continue
        data = write(sealed, None, to="pdf")
        assert data is not None
        assert len(PdfReader(io.BytesIO(data)).pages) >= len(sealed), path.name
        for cred in sealed:  # each alone: a long transcript continues on a second page
            text = " ".join(pdf_text(write([cred], None, to="pdf") or b"").split())
            if cred.title:  # a DC4EU transcript's claim has none
                assert any(" ".join(t.split()) in text for t in cred.title.values()), path.name
            if cred.learner is not None and cred.learner.full_name:
                assert cred.learner.full_name in text, path.name
            ects = cred.workload.ects if cred.workload else None
            assert ("ECTS credits" in text) == (ects is not None), path.name
            if ects is not None:
                assert f"ECTS credits {format(ects.normalize(), 'f')}" in text, path.name
            eqf = cred.levels.eqf if cred.levels else None
            assert ("EQF level" in text) == (eqf is not None), path.name
            if eqf is not None:
                assert f"EQF level {eqf}" in text, path.name
            assert "Seal in the source:" in text, path.name
        checked += 1
    assert checked >= 10  # 10 sealed documents at this writing (JAdES and Data Integrity)


def test_a_transcript_prints_its_components_with_credits_and_grades(shared: Path) -> None:
    """The parts of a record (a transcript's courses) are printed, nested ones indented."""
    from pypdf import PdfReader

    path = shared / "corpus" / "elmo" / "fi-emrex--resources_swedish_1_elmo1.0.xml"
    report = Report()
    records = list(read(path, report=report))
    record = max(records, key=lambda r: len(r.parts))
    assert len(record.parts) > 40 and any(p.part_of for p in record.parts)
    data = write([record], None, to="pdf")
    assert data is not None
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 2  # the components continue on the next page
    lines = pdf_text(data).splitlines()
    assert "Components" in lines
    text = " ".join(pdf_text(data).split())
    assert "• Methods and Tools for Computer Scientists — 7.5 ECTS — Grade G" in text
    nested = next(p for p in record.parts if p.part_of)
    [line] = [x for x in lines if x.lstrip("\u00a0 ").startswith("• " + nested.title["en"])]
    assert line[:1].isspace()  # indented under the part it belongs to (no-break spaces)
    html = (write([record], None, to="html") or b"").decode()
    assert "<h2>Components</h2>" in html and "Methods and Tools for Computer Scientists" in html


def test_html_is_a_printable_page_with_an_svg_qr(micro: MicroCredential) -> None:
    data = write([with_url(micro)], None, to="html")
    assert data is not None
    page = data.decode()
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4" in page
    assert "<svg" in page and f'href="{URL}"' in page
    assert "<h1>Digital micro-credential creation</h1>" in page
    assert "<th>EQF level</th><td>6</td>" in page


def test_html_escapes_the_credentials_text() -> None:
    cred = MicroCredential(title={"en": "<script>alert(1)</script>"})
    data = write([cred], None, to="html")
    assert data is not None and b"<script>" not in data and b"&lt;script&gt;" in data


def test_docs_previews_script_runs(shared: Path, tmp_path: Path, root: Path) -> None:
    run = subprocess.run([sys.executable, str(root / "docs" / "examples" / "print_previews.py"),
                          "--shared", str(shared), "--out", str(tmp_path)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) == 2, pngs
    assert all((tmp_path / p).read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_the_canonical_fixture_prints(fixtures: Path) -> None:
    cred = next(read(fixtures / "canonical" / "complete.canonical.json"))
    data = write([cred], None, to="pdf")
    assert data is not None
    text = pdf_text(data)
    title = json.loads((fixtures / "canonical" / "complete.canonical.json").read_text())
    assert next(iter(title["title"].values())) in text.replace("\n", " ")


class TestHtmlConformance(FormatConformance):
    """The plugin conformance kit for ``html`` (write only)."""

    format_name = "html"


class TestPdfConformance(FormatConformance):
    """The plugin conformance kit for ``pdf`` (write only)."""

    format_name = "pdf"
