"""The human view of a Diploma Supplement: a printable HTML page with the same sections."""

from __future__ import annotations

from html import escape

from .ds_xml import DiplomaSupplement
from .section import Section
from .section_write import NOT_KNOWN
from .template import parent_number, sort_key

STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 48em; margin: 2em auto;
       padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta { color: #444; margin-top: 0; }
section.main { border-top: 2px solid #333; margin-top: 1.5em; page-break-inside: avoid; }
h2 { font-size: 1.2em; } h3 { font-size: 1em; margin-bottom: 0.2em; }
.num { display: inline-block; min-width: 2.5em; font-weight: bold; }
.na { color: #777; font-style: italic; }
ul.info { margin-top: 0.2em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
""".strip()


def render(ds: DiplomaSupplement, heading: str) -> bytes:
    """The HTML page (UTF-8) of ``ds``. Every text is escaped: HTML content of a foreign section
    is shown as text, never run."""
    lang = ds.lang if ds.lang != "und" else ""
    out = ["<!DOCTYPE html>", f'<html lang="{escape(lang)}">' if lang else "<html>", "<head>",
           '<meta charset="utf-8">', f"<title>{escape(heading)}</title>",
           f"<style>\n{STYLE}\n</style>", "</head>", "<body>",
           "<h1>Diploma Supplement</h1>",
           f'<p class="meta">{escape(heading)}<br>Template {escape(ds.version or "")}'
           f' · issued {escape(ds.issue_date or "")}</p>']
    sections = sorted(ds.sections, key=lambda s: sort_key(s.number))
    open_main = False
    for s in sections:
        if parent_number(s.number) is None:
            if open_main:
                out.append("</section>")
            out.append('<section class="main">')
            open_main = True
            out.append(f'<h2><span class="num">{escape(s.number)}</span>{escape(s.title)}</h2>')
            out += _body(s)
        else:
            out.append(f'<h3><span class="num">{escape(s.number)}</span>{escape(s.title)}</h3>')
            out += _body(s)
    if open_main:
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _body(s: Section) -> list[str]:
    out = []
    if s.content:
        css = ' class="na"' if s.is_empty() or s.content == NOT_KNOWN else ""
        out.append(f"<p{css}>{_text(s.content)}</p>")
    if s.info:
        out.append('<ul class="info">')
        out += [f"<li>{_text(line)}</li>" for line in s.info]
        out.append("</ul>")
    if s.attachments:
        out.append(f"<p>{len(s.attachments)} attachment(s) (see the XML form)</p>")
    return out


def _text(value: str) -> str:
    text = escape(value)
    if value.startswith(("http://", "https://")) and " " not in value:
        return f'<a href="{text}">{text}</a>'
    return text.replace("\n", "<br>")
