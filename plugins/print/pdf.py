"""The printable credential as PDF (fpdf2): text as text (searchable), a Unicode TrueType font
that covers Latin, Greek and Cyrillic, the QR code drawn as vector squares."""

from __future__ import annotations

from pathlib import Path

from credbridge import clock
from credbridge.errors import UsageError

from .view import View

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian's fonts-dejavu-core
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
BLUE = (29, 58, 110)
GREY = (85, 85, 85)


def find_font(given: Path | None) -> tuple[Path, Path]:
    """The regular and bold font files: ``given`` (bold beside it when it exists), else DejaVu
    Sans from the usual system folders."""
    if given is not None:
        if not given.is_file():
            raise UsageError(f"font file {given} does not exist")
        bold = given.with_name(given.stem + "-Bold" + given.suffix)
        return given, bold if bold.is_file() else given
    for folder in FONT_DIRS:
        regular = Path(folder) / REGULAR
        if regular.is_file():
            bold = Path(folder) / BOLD
            return regular, bold if bold.is_file() else regular
    raise UsageError("no Unicode font for the PDF: install DejaVu Sans (Debian: "
                     "fonts-dejavu-core) or give a TrueType file with -O pdf.font=FILE.ttf")


def render(views: list[View], font: Path | None) -> bytes:
    """The PDF of every credential, one per A4 page."""
    from fpdf import FPDF

    regular, bold = find_font(font)
    pdf = FPDF(format="A4")
    pdf.set_creator("credbridge")
    pdf.set_creation_date(clock.now())  # SOURCE_DATE_EPOCH makes the bytes reproducible
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    if views:
        pdf.set_title(views[0].title)
        pdf.set_lang(views[0].lang)
    for view in views:
        _page(pdf, view)
    return bytes(pdf.output())


def _page(pdf: object, view: View) -> None:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    assert isinstance(pdf, FPDF)
    w = view.labels
    pdf.add_page()
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(24)
    pdf.set_text_color(*BLUE)
    pdf.set_font("Body", "B", 22)
    pdf.multi_cell(0, 10, view.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_text_color(0, 0, 0)
    if view.learner:
        pdf.set_font("Body", "", 16)
        pdf.multi_cell(0, 9, view.learner, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if view.awarding:
        pdf.set_font("Body", "", 10)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 7, w["by"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Body", "", 12)
        for body in view.awarding:
            pdf.multi_cell(0, 6, body, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    if view.description:
        pdf.set_font("Body", "", 10)
        pdf.multi_cell(0, 5, view.description, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.set_font("Body", "", 10)
    for label, value in view.facts:
        pdf.set_text_color(*GREY)
        pdf.cell(70, 6, label)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for heading, items in ((w["outcomes"], view.outcomes), (w["parts"], view.parts),
                           (w["qa"], view.quality)):
        if items:
            pdf.ln(2)
            pdf.set_font("Body", "B", 11)
            pdf.set_text_color(*BLUE)
            pdf.cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("Body", "", 10)
            pdf.set_text_color(0, 0, 0)
            for item in items:
                rest = item.lstrip("\u00a0")  # a part's depth: the indent goes before the bullet
                pdf.multi_cell(0, 5, f"{item[:len(item) - len(rest)]}• {rest}",
                               new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if view.seal:
        pdf.ln(2)
        pdf.set_font("Body", "", 9)
        pdf.multi_cell(0, 5, f"{w['seal']}: {view.seal}", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    if view.url:
        pdf.ln(4)
        y = min(pdf.get_y(), 230)
        _qr(pdf, view.url, 20, y, 40)
        pdf.set_xy(66, y + 10)
        pdf.set_font("Body", "B", 10)
        pdf.cell(0, 6, w["verify"], new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("Body", "", 9)
        pdf.multi_cell(120, 5, view.url, link=view.url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(-32)
    pdf.set_font("Body", "", 8)
    pdf.set_text_color(*GREY)
    notes = []
    if view.identifier:
        notes.append(f"{w['id']}: {view.identifier}")
    if not view.url:
        notes.append(w["no_url"])
    if notes:
        pdf.multi_cell(0, 4, "\n".join(notes), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _qr(pdf: object, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` as black squares (vector: sharp at any scale)."""
    import segno
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    quiet = 4
    n = len(matrix) + 2 * quiet
    cell = size / n
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell, cell, style="F")
