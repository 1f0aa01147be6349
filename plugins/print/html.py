"""The printable credential as one HTML page: print CSS for A4, text as text, the QR code as
inline SVG."""

from __future__ import annotations

from html import escape

from .view import View

CSS = """
@page { size: A4; margin: 18mm; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #1a1a1a;
       max-width: 180mm; margin: 0 auto; }
.credential { border: 3px double #1d3a6e; padding: 14mm 12mm; page-break-after: always; }
.credential:last-child { page-break-after: auto; }
h1 { font-size: 22pt; margin: 0 0 4mm; color: #1d3a6e; text-align: center; }
.learner { font-size: 16pt; text-align: center; margin: 2mm 0; }
.awarded { text-align: center; color: #555; }
.bodies { text-align: center; font-size: 12pt; margin-bottom: 6mm; }
table.facts { border-collapse: collapse; width: 100%; margin: 4mm 0; }
table.facts th { text-align: left; width: 45%; color: #555; font-weight: normal; }
table.facts th, table.facts td { padding: 1mm 2mm; border-bottom: 1px solid #ddd; }
h2 { font-size: 12pt; color: #1d3a6e; margin: 5mm 0 1mm; }
.verify { display: flex; gap: 6mm; align-items: center; margin-top: 6mm; }
.verify svg { width: 32mm; height: 32mm; }
.footnote { font-size: 8.5pt; color: #555; margin-top: 6mm; }
@media print { a { color: inherit; text-decoration: none; } }
"""


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG."""
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=4, border=2))


def render_one(view: View) -> str:
    """The ``<section>`` of one credential."""
    w = view.labels
    out = [f'<section class="credential" lang="{escape(view.lang)}">',
           f"<h1>{escape(view.title)}</h1>"]
    if view.learner:
        out.append(f'<p class="learner">{escape(view.learner)}</p>')
    if view.awarding:
        out.append(f'<p class="awarded">{escape(w["by"])}</p>')
        out.append(f'<p class="bodies">{"<br>".join(escape(b) for b in view.awarding)}</p>')
    if view.description:
        out.append(f"<p>{escape(view.description)}</p>")
    if view.facts:
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                       for k, v in view.facts)
        out.append(f'<table class="facts">{rows}</table>')
    for heading, items in ((w["outcomes"], view.outcomes), (w["parts"], view.parts),
                           (w["qa"], view.quality)):
        if items:
            out.append(f"<h2>{escape(heading)}</h2><ul>"
                       + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    if view.seal:
        out.append(f"<p><strong>{escape(w['seal'])}:</strong> {escape(view.seal)}</p>")
    if view.url:
        out.append(f'<div class="verify">{qr_svg(view.url)}<p>{escape(w["verify"])}:<br>'
                   f'<a href="{escape(view.url, quote=True)}">{escape(view.url)}</a></p></div>')
    notes = []
    if view.identifier:
        notes.append(f"{escape(w['id'])}: {escape(view.identifier)}")
    if not view.url:
        notes.append(escape(w["no_url"]))
    if notes:
        out.append(f'<p class="footnote">{"<br>".join(notes)}</p>')
    out.append("</section>")
    return "\n".join(out)


def render(views: list[View]) -> str:
    """A whole page: every credential, one per printed page."""
    lang = views[0].lang if views else "en"
    title = escape(views[0].title) if len(views) == 1 else "Credentials"
    body = "\n".join(render_one(v) for v in views)
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="generator" content="credbridge">\n<title>{title}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
