"""SVG pictures for the docs, drawn in pure Python: the layers of credbridge and the coverage
heat-map of the crosswalk.

The functions here only draw: they take plain data and return the SVG text, the same bytes on
every machine (integer coordinates, no fonts measured, no clock). :mod:`credbridge.docgen`
feeds them ``docs/layers.toml`` and ``mappings/crosswalk.toml`` and writes
``docs/images/layers.svg`` and ``docs/images/coverage.svg``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

SANS = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"

# Text is never measured: widths are estimated per character, generously, so that a label
# fits whatever font the viewer substitutes.
_SANS_EM = 0.62
_MONO_EM = 0.62


def text_width(text: str, size: int, mono: bool = False) -> int:
    """An upper estimate of the width of ``text`` in pixels at font size ``size``."""
    return int(len(text) * size * (_MONO_EM if mono else _SANS_EM)) + 1


def _text(x: int, y: int, content: str, *, size: int = 12, mono: bool = False,
          weight: str | None = None, anchor: str | None = None, fill: str = "#1b1b1b",
          extra: str = "") -> str:
    attrs = [f'x="{x}"', f'y="{y}"', f'font-size="{size}"',
             f"font-family={quoteattr(MONO if mono else SANS)}", f'fill="{fill}"']
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if anchor:
        attrs.append(f'text-anchor="{anchor}"')
    if extra:
        attrs.append(extra)
    return f"<text {' '.join(attrs)}>{escape(content)}</text>"


def _svg(width: int, height: int, title: str, body: Iterable[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">')
    lines = [head, f"<title>{escape(title)}</title>",
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>', *body,
             "</svg>"]
    return "\n".join(lines) + "\n"


# --- the layers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One box of a layer: a name, the lines under it (modules, formats), and whether it is
    only planned (drawn dashed)."""

    name: str
    lines: tuple[str, ...] = ()
    planned: bool = False
    note: str = ""
    """Prose under the lines (the side column's)."""


@dataclass(frozen=True)
class Layer:
    """One band of the picture; ``uses`` labels the arrow to the layer below it."""

    name: str
    summary: str = ""
    parts: tuple[Part, ...] = ()
    uses: str = ""


@dataclass(frozen=True)
class Layers:
    """The whole picture: layers top to bottom and a side column shared by all of them."""

    title: str
    layers: tuple[Layer, ...]
    caption: str = ""
    side: Part | None = None


def layers_from(spec: Mapping[str, Any]) -> Layers:
    """A :class:`Layers` from the parsed ``docs/layers.toml``."""

    def part(entry: Mapping[str, Any]) -> Part:
        lines = [*entry.get("modules", ()), *entry.get("names", ()), *entry.get("formats", ())]
        if entry.get("planned"):
            lines.append("(planned)")
        return Part(str(entry["name"]), tuple(str(x) for x in lines), bool(entry.get("planned")),
                    str(entry.get("note", "")))

    layers = tuple(
        Layer(str(layer["name"]), str(layer.get("summary", "")),
              tuple(part(p) for p in layer.get("part", ())), str(layer.get("uses", "")))
        for layer in spec.get("layer", ())
    )
    side = spec.get("side")
    return Layers(str(spec.get("title", "")), layers, str(spec.get("caption", "")),
                  part(side) if side else None)


_WIDTH = 1080
_LABEL_W = 190
_SIDE_W = 124
_GAP = 12
_PAD = 10
_ARROW_H = 34
_BOX_NAME = 13
_BOX_LINE = 11
_LINE_H = 14


def _box_size(part: Part) -> tuple[int, int]:
    width = max([text_width(part.name, _BOX_NAME)]
                + [text_width(line, _BOX_LINE, mono=True) for line in part.lines]) + 2 * _PAD
    height = 2 * _PAD + _LINE_H + 2 + len(part.lines) * _LINE_H
    return width, height


def _flow(parts: Sequence[Part], width: int) -> list[list[tuple[Part, int, int]]]:
    """Boxes in rows of at most ``width`` pixels (a box wider than a row gets a row)."""
    rows: list[list[tuple[Part, int, int]]] = [[]]
    used = 0
    for part in parts:
        w, h = _box_size(part)
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0
        rows[-1].append((part, w, h))
        used += w + _GAP
    return rows


def _draw_box(part: Part, x: int, y: int, w: int, h: int, fill: str) -> list[str]:
    dash = ' stroke-dasharray="5 4"' if part.planned else ""
    colour = "#8a8a8a" if part.planned else "#3b5b7a"
    out = [f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" '
           f'stroke="{colour}" stroke-width="1.2"{dash}/>',
           _text(x + _PAD, y + _PAD + _BOX_NAME, part.name, size=_BOX_NAME, weight="bold",
                 fill="#5f5f5f" if part.planned else "#14283c")]
    for i, line in enumerate(part.lines):
        out.append(_text(x + _PAD, y + _PAD + _LINE_H + 2 + (i + 1) * _LINE_H - 3, line,
                         size=_BOX_LINE, mono=True, fill="#3d3d3d"))
    return out


_BAND_FILLS = ("#eef3f8", "#f6f1e7", "#eef6ee", "#f3eef6", "#f7f0f0", "#eef5f5")


def layers_svg(picture: Layers) -> str:
    """The layers as an SVG: one band per layer, top to bottom, an arrow labelled with what
    each layer calls in the one below, and the side column spanning every band."""
    content_x = _LABEL_W + _GAP
    content_w = _WIDTH - content_x - _SIDE_W - 2 * _GAP
    body: list[str] = [
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"9\" "
        "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
        "<path d=\"M0,0 L10,0 L5,10 z\" fill=\"#3b5b7a\"/></marker></defs>",
        _text(_GAP, 28, picture.title, size=18, weight="bold", fill="#14283c"),
    ]
    y = 46
    if picture.caption:
        body.append(_text(_GAP, y + 4, picture.caption, size=12, fill="#444444"))
        y += 18
    top = y
    for index, layer in enumerate(picture.layers):
        rows = _flow(layer.parts, content_w - 2 * _PAD)
        rows_h = sum(max(h for _p, _w, h in row) for row in rows if row) \
            + _GAP * (len(rows) - 1)
        summary = _wrap(layer.summary, _LABEL_W - 2 * _GAP, 11)
        band_h = max(rows_h + 2 * _PAD, 36 + 14 * len(summary) + _PAD)
        fill = _BAND_FILLS[index % len(_BAND_FILLS)]
        body.append(f'<rect x="{_GAP}" y="{y}" width="{_WIDTH - _SIDE_W - 3 * _GAP}" '
                    f'height="{band_h}" rx="8" fill="{fill}" stroke="#b9c4cf"/>')
        body.append(_text(2 * _GAP, y + 24, layer.name, size=15, weight="bold",
                          fill="#14283c"))
        for i, line in enumerate(summary):
            body.append(_text(2 * _GAP, y + 42 + i * 14, line, size=11, fill="#444444"))
        row_y = y + _PAD
        for row in rows:
            x = content_x + _PAD
            row_h = max(h for _p, _w, h in row)
            for part, w, _h in row:
                body += _draw_box(part, x, row_y, w, row_h, "#ffffff")
                x += w + _GAP
            row_y += row_h + _GAP
        y += band_h
        if index < len(picture.layers) - 1:
            mid = content_x + 40
            body.append(f'<line x1="{mid}" y1="{y + 2}" x2="{mid}" y2="{y + _ARROW_H - 4}" '
                        'stroke="#3b5b7a" stroke-width="1.6" marker-end="url(#arrow)"/>')
            if layer.uses:
                body.append(_text(mid + 12, y + _ARROW_H // 2 + 4, layer.uses, size=11,
                                  mono=True, fill="#3b5b7a"))
            y += _ARROW_H
    if picture.side is not None:
        side = picture.side
        x = _WIDTH - _SIDE_W - _GAP
        body.append(f'<rect x="{x}" y="{top}" width="{_SIDE_W}" height="{y - top}" rx="8" '
                    'fill="#f4f4f4" stroke="#b9c4cf"/>')
        body.append(_text(x + _PAD, top + 24, side.name, size=13, weight="bold",
                          fill="#14283c"))
        for i, line in enumerate(side.lines):
            body.append(_text(x + _PAD, top + 44 + i * _LINE_H, line, size=_BOX_LINE, mono=True,
                              fill="#3d3d3d"))
        note_y = top + 44 + len(side.lines) * _LINE_H + 8
        for i, line in enumerate(_wrap(side.note, _SIDE_W - 2 * _PAD, 11)):
            body.append(_text(x + _PAD, note_y + i * 14, line, size=11, fill="#444444"))
    return _svg(_WIDTH, y + _GAP, picture.title, body)


def _wrap(text: str, width: int, size: int) -> list[str]:
    """``text`` in lines of at most ``width`` pixels (estimated), broken at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


# --- the coverage heat-map --------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One kind of cell of the heat-map: the letter shown, its fill and its meaning."""

    letter: str
    fill: str
    meaning: str


@dataclass
class HeatMap:
    """Rows of canonical fields, columns of formats, one mark key per cell."""

    title: str
    formats: tuple[str, ...]
    marks: Mapping[str, Mark]
    """Mark key -> how it is drawn, in legend order."""
    rows: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """(field path, one mark key per format)."""
    carried: frozenset[str] = frozenset()
    """The mark keys counted in the footer."""
    footer: str = ""


_CELL_W = 46
_CELL_H = 16
_PATH_SIZE = 11
_HEADER_H = 92
_INK = "#1b1b1b"


def _runs(keys: Sequence[str]) -> Iterable[tuple[int, int, str]]:
    """(first column, number of columns, key) for each run of equal keys."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield start, i - start, keys[start]
            start = i


def heatmap_svg(heat: HeatMap) -> str:
    """The heat-map as an SVG: a coloured, lettered cell per field and format (the letter
    keeps it readable without colour), a legend, and a footer counting the fields each format
    carries. Equal neighbouring cells are one rectangle and each row's letters one text
    element, which keeps the file small."""
    label_w = max(text_width(path, _PATH_SIZE, mono=True) for path, _ in heat.rows) + 16
    grid_x = label_w
    grid_w = _CELL_W * len(heat.formats)
    legend_y = 40
    grid_y = legend_y + 30 + _HEADER_H
    classes = {key: f"m{i}" for i, key in enumerate(heat.marks)}
    style = [f"text{{fill:{_INK}}}", f".p{{font:{_PATH_SIZE}px {MONO}}}",
             ".h{font-weight:bold}", f".l{{font:11px {SANS}}}",
             f".c{{font:10px {SANS};text-anchor:middle}}",
             f".f{{font:12px {MONO}}}", f".n{{font:bold 11px {SANS};text-anchor:middle}}"]
    style += [f".{classes[k]}{{fill:{m.fill}}}" for k, m in heat.marks.items()]
    body = [f"<style>{' '.join(style)}</style>",
            _text(8, 24, heat.title, size=16, weight="bold", fill="#14283c")]
    x = 8
    for key, mark in heat.marks.items():
        body.append(f'<rect x="{x}" y="{legend_y}" width="18" height="{_CELL_H}" '
                    f'class="{classes[key]}" stroke="#9a9a9a" stroke-width="0.5"/>')
        body.append(f'<text x="{x + 9}" y="{legend_y + 12}" class="c">'
                    f"{escape(mark.letter)}</text>")
        body.append(f'<text x="{x + 24}" y="{legend_y + 12}" class="l">'
                    f"{escape(mark.meaning)}</text>")
        x += 24 + text_width(mark.meaning, 11) + 14
    width = max(grid_x + grid_w + 24, x)
    for col, name in enumerate(heat.formats):
        cx = grid_x + col * _CELL_W + _CELL_W // 2
        body.append(f'<text x="{cx}" y="{grid_y - 8}" class="f" '
                    f'transform="rotate(-50 {cx} {grid_y - 8})">{escape(name)}</text>')
    centres = " ".join(str(grid_x + col * _CELL_W + _CELL_W // 2)
                       for col in range(len(heat.formats)))
    previous_head = None
    for index, (path, keys) in enumerate(heat.rows):
        y = grid_y + index * _CELL_H
        for first, count, key in _runs(keys):
            body.append(f'<rect x="{grid_x + first * _CELL_W}" y="{y}" '
                        f'width="{count * _CELL_W}" height="{_CELL_H}" class="{classes[key]}"/>')
        letters = " ".join(heat.marks[k].letter for k in keys)
        body.append(_spans(centres, y + 12, letters, "c"))
        head = path.split(".", 1)[0].removesuffix("[]")
        bold = " h" if "." not in path else ""
        body.append(f'<text x="{grid_x - 8}" y="{y + 12}" class="p{bold}" '
                    f'text-anchor="end">{escape(path)}</text>')
        if head != previous_head and index:
            body.append(f'<line x1="4" y1="{y}" x2="{grid_x + grid_w}" y2="{y}" '
                        'stroke="#7d7d7d" stroke-width="0.8"/>')
        previous_head = head
    bottom = grid_y + len(heat.rows) * _CELL_H
    grid = [f"M{grid_x + col * _CELL_W} {grid_y}V{bottom}"
            for col in range(1, len(heat.formats))]
    grid += [f"M{grid_x} {grid_y + row * _CELL_H}H{grid_x + grid_w}"
             for row in range(1, len(heat.rows))]
    body.append(f'<path d="{"".join(grid)}" stroke="#ffffff" stroke-width="1" fill="none"/>')
    y = bottom + 6
    body.append(f'<line x1="4" y1="{y - 3}" x2="{grid_x + grid_w}" y2="{y - 3}" '
                'stroke="#4a4a4a" stroke-width="1"/>')
    if heat.footer:
        body.append(f'<text x="{grid_x - 8}" y="{y + 12}" class="l" text-anchor="end">'
                    f"{escape(heat.footer)}</text>")
    counts = " ".join(str(sum(1 for _p, keys in heat.rows if keys[col] in heat.carried))
                      for col in range(len(heat.formats)))
    body.append(_spans(centres, y + 12, counts, "n"))
    return _svg(width, y + 24, heat.title, body)


def _spans(centres: str, y: int, words: str, css: str) -> str:
    """One text line with a word centred on each column (a ``tspan`` each: per-character
    ``x`` lists are not drawn by every SVG renderer)."""
    spans = "".join(f'<tspan x="{x}">{escape(w)}</tspan>'
                    for x, w in zip(centres.split(), words.split(), strict=True))
    return f'<text y="{y}" class="{css}">{spans}</text>'
