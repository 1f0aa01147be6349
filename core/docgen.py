"""Documentation generated from the code: the CLI reference, the format matrix, the CSV column
table and the canonical field tables, so that the docs cannot drift from what credbridge really
does.

``docs/cli.md``, ``docs/formats.md`` (the format matrix, from ``mappings/crosswalk.toml``) and
``docs/images/coverage.svg`` (the same matrix as a heat-map) are generated whole, and so is
``docs/images/layers.svg``, the picture of the layers drawn from ``docs/layers.toml``;
``docs/formats/csv.md`` and ``docs/formats/canonical.md`` hold generated blocks between
``<!-- BEGIN GENERATED name -->`` and ``<!-- END GENERATED name -->`` markers. After changing
the CLI, the crosswalk, ``mappings/csv/columns.toml``, the model or ``docs/layers.toml``, run
from the repository root::

    python -m credbridge.docgen --update docs

``tests/test_docs.py`` fails while a generated page or block is stale. The output depends only
on credbridge's own code and data (no terminal width, no click help formatter), so it is the
same on every machine and every click 8.x.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import tomllib
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

REGENERATE = "python -m credbridge.docgen --update docs"
"""The command that regenerates every generated page and block (run from the repository root)."""

_BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED (?P<name>[a-z0-9-]+)[^>]*-->\n)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- END GENERATED (?P=name) -->)",
    re.DOTALL,
)


# --- helpers ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _paragraphs(doc: str | None) -> list[str]:
    """A docstring (or click help) as paragraphs, each on one line; ``\\f`` ends the help and
    click's ``\\b`` (no re-wrap) markers are removed."""
    if not doc:
        return []
    text = inspect.cleandoc(doc).split("\f", 1)[0]
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip() != "\b"]
        if lines:
            out.append(re.sub(r"``([^`]+)``", r"`\1`", " ".join(lines)))
    return out


def _first_sentence(paragraph: str) -> str:
    """The first sentence of a paragraph (``INPUT...`` does not end a sentence)."""
    m = re.match(r"(.+?\.)(?=\s+[A-Z]|$)", paragraph)
    return m.group(1) if m else paragraph


# --- the CLI reference ------------------------------------------------------------------------


def _value(param: click.Option) -> str:
    """What an option takes: ``flag``, or its type, and whether it is required / its default."""
    kind = "flag" if param.is_flag else _type_label(param.type)
    notes = []
    if param.required:
        notes.append("required")
    if param.multiple:
        notes.append("repeatable")
    if not param.is_flag and param.default is not None and param.show_default:
        notes.append(f"default `{param.default}`")
    return ", ".join([kind, *notes])


def _type_label(kind: click.ParamType[Any]) -> str:
    """``TEXT``, ``INTEGER (>= 1)``, ``FILE``, or the choices of a ``click.Choice``."""
    if isinstance(kind, click.Choice):
        return " \\| ".join(f"`{c}`" for c in kind.choices)
    if isinstance(kind, click.IntRange | click.FloatRange):
        base = "INTEGER" if isinstance(kind, click.IntRange) else "FLOAT"
        low = f"{'>' if kind.min_open else '>='} {kind.min}" if kind.min is not None else ""
        high = f"{'<' if kind.max_open else '<='} {kind.max}" if kind.max is not None else ""
        bounds = ", ".join(b for b in (low, high) if b)
        return f"{base} ({bounds})" if bounds else base
    return kind.name.upper()


def _options_table(command: click.Command) -> list[str]:
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    lines = ["| Option | Value | Description |", "|---|---|---|"]
    for opt in options:
        names = ", ".join(f"`{n}`" for n in [*opt.opts, *opt.secondary_opts])
        lines.append(f"| {names} | {_value(opt)} | {_cell(opt.help or '')} |")
    lines.append("| `-h`, `--help` | flag | Show the help of the command and exit. |")
    return lines


def _usage(command: click.Command, ctx: click.Context) -> str:
    pieces = command.collect_usage_pieces(ctx)
    if isinstance(command, click.Group) and command.invoke_without_command:
        # click < 8.3 spells an optional sub-command as COMMAND; the page must not depend on it
        pieces = [p.replace("COMMAND", "[COMMAND]", 1) if p.startswith("COMMAND") else p
                  for p in pieces]
    return " ".join([ctx.command_path, *pieces])


def _command_section(command: click.Command, ctx: click.Context, level: str) -> list[str]:
    lines = [f"{level} `{ctx.command_path}`", "", "```text", _usage(command, ctx), "```", ""]
    for para in _paragraphs(command.help):
        lines += [para, ""]
    lines += _options_table(command)
    lines.append("")
    return lines


def cli_reference(group: click.Group | None = None) -> str:
    """The Markdown CLI reference of ``group`` (default: the ``credbridge`` command): usage,
    help and options of every command, in name order."""
    if group is None:
        from .cli import cli

        group = cli
    from .cli_support import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_NEGATIVE, EXIT_OK

    root = click.Context(group, info_name="credbridge")
    lines = [
        "# CLI reference",
        "",
        "<!-- Generated from the click app in core/cli.py: do not edit by hand; after changing "
        f"the CLI run `{REGENERATE}` from the repository root. -->",
        "",
        "## Exit codes",
        "",
        "Every command exits with one of these codes (`core/cli_support.py`). Errors are one "
        "line on stderr, `credbridge: error: ...`, never a traceback.",
        "",
        "| Exit code | Meaning |",
        "|---|---|",
        f"| `{EXIT_OK}` | success |",
        f"| `{EXIT_NEGATIVE}` | a negative answer: records failed, `--strict` or `--fail-on` "
        "hit, `check` incomplete, `diff` differ, `validate` invalid |",
        f"| `{EXIT_ERROR}` | an error of the call or its input: unknown format or option, "
        "missing or unreadable file, unreadable document |",
        f"| `{EXIT_INTERRUPTED}` | interrupted (Ctrl-C) |",
        "",
    ]
    lines += _command_section(group, root, "##")
    lines += ["Commands:", ""]
    names = group.list_commands(root)
    for name in names:
        sub = group.get_command(root, name)
        if sub is None or sub.hidden:
            continue
        summary = _paragraphs(sub.help)[:1]
        first = _first_sentence(summary[0]) if summary else ""
        lines.append(f"- [`{name}`](#credbridge-{name}): {first}")
    lines.append("")
    for name in names:
        sub = group.get_command(root, name)
        if sub is None or sub.hidden:
            continue
        ctx = click.Context(sub, info_name=name, parent=root)
        lines += _command_section(sub, ctx, "##")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the CSV column table ---------------------------------------------------------------------


def csv_columns() -> str:
    """The Markdown table of the CSV columns, from ``mappings/csv/columns.toml``."""
    text = resources.files("credbridge.mappings").joinpath("csv/columns.toml").read_text("utf-8")
    columns = tomllib.loads(text)["column"]
    lines = [
        "| Column | Canonical field | Multi-valued | Multilingual | Datatype | Description |",
        "|---|---|---|---|---|---|",
    ]
    for col in columns:
        multi = "yes (`; `)" if col.get("multi") else ""
        lang = "yes (`.<lang>`)" if col.get("lang") else ""
        lines.append(
            f"| `{col['name']}` | `{col['field']}` | {multi} | {lang} | "
            f"{col.get('datatype', 'string')} | {_cell(col.get('description', ''))} |"
        )
    return "\n".join(lines) + "\n"


# --- the canonical field tables ---------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    name: str
    funcs: frozenset[int]


def _metadata_funcs(metadata: typing.Iterable[Any]) -> frozenset[int]:
    return frozenset(id(m.func) for m in metadata if callable(getattr(m, "func", None)))


def _aliases() -> list[_Alias]:
    """The named value types of credbridge.model (``LangText``, ``Country``...)."""
    from . import model

    found = []
    for name, value in vars(model).items():
        if name.startswith("_") or typing.get_origin(value) is not typing.Annotated:
            continue
        funcs = _metadata_funcs(value.__metadata__)
        if funcs:
            found.append(_Alias(name, funcs))
    return found


def _constraints(metadata: typing.Iterable[Any]) -> str:
    flat: list[Any] = []
    for m in metadata:
        flat.extend(getattr(m, "metadata", None) or [m])  # a pydantic Field(ge=...) holds Ge/Le
    bounds = {type(m).__name__: getattr(m, type(m).__name__.lower(), None) for m in flat}
    lo, hi = bounds.get("Ge"), bounds.get("Le")
    if lo is not None and hi is not None:
        return f" ({lo}-{hi})"
    return ""


def _type_name(tp: Any, metadata: tuple[Any, ...] = ()) -> str:
    """A short readable name of a field type, linking nested models to their table."""
    if typing.get_origin(tp) is typing.Annotated:
        return _type_name(tp.__origin__, (*metadata, *tp.__metadata__))
    if metadata:
        funcs = _metadata_funcs(metadata)
        named = [a for a in _aliases() if a.funcs and a.funcs <= funcs]
        if named:
            best = max(named, key=lambda a: len(a.funcs))
            return f"[{best.name}](#normal-forms)"
        return _type_name(tp) + _constraints(metadata)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return "object"
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    simple = {str: "string", int: "integer", bool: "boolean", typing.Any: "any"}
    if tp in simple:
        return simple[tp]
    return getattr(tp, "__name__", str(tp))


def _models(root: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """``root`` and every model it uses, breadth first, each once."""
    seen: list[type[BaseModel]] = []
    queue = [root]
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.append(current)
        yield current
        for info in current.model_fields.values():
            queue.extend(_nested_models(info.annotation))


def _nested_models(tp: Any) -> Iterator[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        yield tp
        return
    for arg in typing.get_args(tp):
        yield from _nested_models(arg)


def canonical_fields(root: type[BaseModel] | None = None) -> str:
    """Markdown tables of the canonical model: one per model class, every field with its
    type (``MicroCredential`` first, then the parts it uses)."""
    if root is None:
        from .model import MicroCredential

        root = MicroCredential
    lines: list[str] = []
    for cls in _models(root):
        lines += [f"### {cls.__name__}", ""]
        lines += _paragraphs(cls.__doc__)[:1]
        lines += ["", "| Field | Type | Required |", "|---|---|---|"]
        for name, info in cls.model_fields.items():
            key = info.alias or name
            tp = _type_name(info.annotation, tuple(info.metadata))
            required = "yes" if info.is_required() else ""
            lines.append(f"| `{key}` | {tp} | {required} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


CODE_TYPES: dict[str, str] = {
    "CredentialTypeCode": "credential_type",
    "ModeCode": "mode",
    "SettingCode": "setting",
    "SupervisionCode": "supervision",
    "AssessmentTypeCode": "assessment_type",
    "CreditSystemCode": "credit_system",
    "SkillTypeCode": "skill_type",
    "GradeStatusCode": "grade_status",
}
"""The coded value types of the model and the vocabulary (``credbridge.vocab``) of each."""


def code_vocabularies() -> str:
    """A Markdown table of the codes of each coded value type, with the EU vocabulary URI
    that each code stands for where one exists."""
    from . import vocab

    lines = ["| Type | Code | EU vocabulary URI |", "|---|---|---|"]
    for type_name, vocab_name in CODE_TYPES.items():
        voc = vocab.vocabulary(vocab_name)
        for position, code in enumerate(voc.codes):
            uri = voc.uri(code)
            label = type_name if position == 0 else ""
            lines.append(f"| {label} | `{code}` | {f'<{uri}>' if uri else ''} |")
    return "\n".join(lines) + "\n"


# --- the format matrix ------------------------------------------------------------------------

FORMAT_PAGES: dict[str, str] = {
    "canonical": "formats/canonical.md", "csv": "formats/csv.md", "ob3": "formats/ob3.md",
    "ob2": "formats/ob2.md", "edc-xml": "formats/edc-xml.md", "elm": "formats/elm.md",
    "elm-ttl": "formats/elm.md", "elm-rdfxml": "formats/elm.md", "elmo": "formats/elmo.md",
    "ds": "formats/ds.md", "ds-html": "formats/ds.md",
}
"""The page of each built-in format, relative to the docs folder."""

BELOW = "\u2193"
"""The matrix mark (a down arrow) of a field a format carries only in part: see the rows below."""

ABSENT = "\u2013"
"""The matrix mark (an en dash) of a field a format does not carry."""


def _effective(path: str, fields: dict[str, Any], prefixes: frozenset[str]) -> str:
    """The matrix mark of ``path`` for a format with ``fields``: the predicate of the path or
    of the nearest declared path above it (which covers it), ``↓`` when only paths below it
    are declared, :data:`ABSENT` when the format does not carry it."""
    from .coverage import carried_as
    from .crosswalk import MARK

    how = carried_as(path, fields)
    if how is not None:
        return MARK[how]
    if path in prefixes or f"{path}[]" in prefixes:
        return BELOW
    return ABSENT


def _matrix_marks() -> tuple[list[str], dict[tuple[str, str], str]]:
    """The formats of the crosswalk and the matrix mark of each (field path, format)."""
    from .coverage import declared_prefixes
    from .crosswalk import fields_for, formats, rows

    names = list(formats())
    fields = {n: dict(fields_for(n)) for n in names}
    prefixes = {n: declared_prefixes(fields[n]) for n in names}
    marks = {(r.path, n): _effective(r.path, fields[n], prefixes[n]) for r in rows() for n in names}
    return names, marks


def formats_matrix() -> str:
    """``docs/formats.md``: which canonical fields each format carries, how and where, from
    ``mappings/crosswalk.toml``."""
    from .crosswalk import rows

    names, marks = _matrix_marks()
    lines = [
        "# Formats: what each one carries",
        "",
        "<!-- Generated from mappings/crosswalk.toml by credbridge.docgen: do not edit by hand; "
        f"after changing the crosswalk run `{REGENERATE}` from the repository root. -->",
        "",
        "Which canonical fields each format carries, how well, and where: read it to pick a "
        "format, or to know what a conversion will keep. The table is the crosswalk as the code "
        "behaves (`mappings/crosswalk.toml`; the tests fail when a format's declared fields and "
        "the crosswalk differ). A conversion A → B keeps, for each field, at best the weaker of "
        "the two marks, and its report names every field it drops or approximates.",
        "",
        "| Mark | Meaning (round trip canonical → format → canonical) |",
        "|---|---|",
        "| **E** exact | carried with the same meaning and value |",
        "| **L** lossy | carried approximately (one language of several, code → free text, the "
        "first of several, unit assumed); the writer reports `approximated` |",
        "| **X** extension | the format has no standard place; carried in a community profile or "
        "a documented credbridge extension; reported `kept-as-extension` |",
        f"| **{ABSENT}** none (N) | the format cannot hold it; reported `dropped` |",
        f"| **{BELOW}** | carried in part: see the rows below it |",
        "",
        "A mark on a field covers everything below it (`learner` covers `learner.email`). "
        "`ds-html` is written only (the HTML view of a Diploma Supplement).",
        "",
        "The same matrix as a picture, generated from the same file: the "
        "[coverage heat-map](images/coverage.svg).",
        "",
        "## Matrix",
        "",
        "| Field | Element | " + " | ".join(f"[{n}](#{n})" for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for row in rows():
        cells = " | ".join(marks[(row.path, n)] for n in names)
        lines.append(f"| `{row.path}` | {_cell(row.element)} | {cells} |")
    lines.append("")
    columns: dict[str, str] = {}
    for name in names:
        page = FORMAT_PAGES.get(name)
        link = f" See [{page.split('/')[-1]}]({page})." if page else ""
        lines += [f"## {name}", ""]
        key = repr([(r.path, r.cells[name].how, r.cells[name].target) for r in rows()])
        if key in columns:
            lines += [f"Carries the same fields as [`{columns[key]}`](#{columns[key]}), in the "
                      f"same places.{link}", ""]
            continue
        columns[key] = name
        if link:
            lines += [link.strip(), ""]
        if all(r.cells[name].how == "exact" for r in rows()):
            lines += ["Carries every field exactly, under the paths above (its JSON keys).", ""]
            continue
        lines += ["| Field | Mark | Where | Note |", "|---|---|---|---|"]
        dropped: list[str] = []
        for row in rows():
            cell = row.cells[name]
            mark = marks[(row.path, name)]
            if cell.how == "none":
                if mark == ABSENT and not any(row.path.startswith((f"{d}.", f"{d}[]"))
                                           for d in dropped):
                    dropped.append(row.path)
                continue
            lines.append(f"| `{row.path}` | {mark} | {_cell(cell.target)} | {_cell(cell.note)} |")
        lines.append("")
        if dropped:
            listed = ", ".join(f"`{d}`" for d in dropped)
            lines += [f"Not carried (reported `dropped`), with everything below them: {listed}.",
                      ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- pictures ---------------------------------------------------------------------------------

HEAT_MARKS: dict[str, tuple[str, str, str]] = {
    "E": ("exact", "#5cb874", "exact"),
    "L": ("lossy", "#f4b04f", "lossy (approximated)"),
    "X": ("extension", "#86b6e3", "extension"),
    BELOW: ("partial", "#d7eedc", "in part: see the rows below"),
    ABSENT: ("none", "#eeeeee", "none (dropped)"),
}
"""Matrix mark -> (heat-map key, fill, legend text)."""


def coverage_heatmap() -> str:
    """``docs/images/coverage.svg``: the format matrix of ``docs/formats.md`` as a heat-map,
    one row per canonical field of ``mappings/crosswalk.toml`` and one column per format."""
    from .crosswalk import rows
    from .diagrams import HeatMap, Mark, heatmap_svg

    names, marks = _matrix_marks()
    legend = {key: Mark(letter, fill, meaning)
              for letter, (key, fill, meaning) in HEAT_MARKS.items()}
    heat = HeatMap("Coverage: canonical fields by format (mappings/crosswalk.toml)",
                   tuple(names), legend, carried=frozenset({"exact", "lossy", "extension"}),
                   footer="rows marked E, L or X")
    for row in rows():
        heat.rows.append((row.path, tuple(HEAT_MARKS[marks[(row.path, n)]][0] for n in names)))
    return heatmap_svg(heat)


LAYERS_SOURCE = "layers.toml"
"""The text source of the layers picture, relative to the docs folder."""


def layers_picture(source: Path) -> str:
    """``docs/images/layers.svg``: the layers described in ``source`` (``docs/layers.toml``)."""
    from .diagrams import layers_from, layers_svg

    return layers_svg(layers_from(tomllib.loads(source.read_text("utf-8"))))


# --- generated files and blocks ---------------------------------------------------------------

PAGES: dict[str, Callable[[], str]] = {
    "cli.md": cli_reference,
    "formats.md": formats_matrix,
    "images/coverage.svg": coverage_heatmap,
}
"""Pages and pictures generated whole, relative to the docs folder."""

DRAWN: dict[str, tuple[str, Callable[[Path], str]]] = {
    "images/layers.svg": (LAYERS_SOURCE, layers_picture),
}
"""Pictures drawn from a text source in the docs folder: picture -> (source, drawer)."""

BLOCKS: dict[str, Callable[[], str]] = {
    "csv-columns": csv_columns,
    "canonical-fields": canonical_fields,
    "code-vocabularies": code_vocabularies,
}
"""Generated blocks, by the name used in their markers."""

BLOCK_PAGES: dict[str, tuple[str, ...]] = {
    "formats/csv.md": ("csv-columns",),
    "formats/canonical.md": ("canonical-fields", "code-vocabularies"),
}
"""Which hand-written pages hold which generated blocks."""


def fill_blocks(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""

    def replace(m: re.Match[str]) -> str:
        make = BLOCKS.get(m.group("name"))
        if make is None:
            raise ValueError(f"unknown generated block {m.group('name')!r}")
        return m.group("begin") + make() + m.group("end")

    return _BLOCK.sub(replace, text)


def expected(docs: Path) -> dict[Path, str]:
    """What each generated page and picture, and each page holding generated blocks, must
    contain."""
    out = {docs / rel: make() for rel, make in PAGES.items()}
    for rel, (source, draw) in DRAWN.items():
        if not (docs / source).exists():
            raise ValueError(f"{docs / source} (the source of {rel}) does not exist")
        out[docs / rel] = draw(docs / source)
    for rel, names in BLOCK_PAGES.items():
        path = docs / rel
        text = path.read_text("utf-8") if path.exists() else ""
        present = {m.group("name") for m in _BLOCK.finditer(text)}
        missing = [n for n in names if n not in present]
        if missing:
            raise ValueError(f"{path} lacks the generated block(s) {', '.join(missing)}")
        out[path] = fill_blocks(text)
    out.update(_generated_sources())
    return out


def _generated_sources() -> dict[Path, str]:
    """The generated parts of the package itself: the index of the built-in formats
    (``credbridge formats`` lists them without importing a plugin) and the parsed crosswalk."""
    from importlib import resources

    from . import crosswalk, format_index
    from .plugin_manager import DEFAULT_PLUGINS, get_formats

    index = Path(format_index.__file__)
    listings = [format_index.listing(f) for f in get_formats() if f.plugin in DEFAULT_PLUGINS]
    folder = Path(str(resources.files("credbridge.mappings")))
    return {index: format_index.source_text(listings, index.read_text("utf-8")),
            folder / crosswalk.PARSED:
                crosswalk.parsed_text((folder / "crosswalk.toml").read_bytes())}


def stale(docs: Path) -> list[Path]:
    """The pages under ``docs`` whose generated content is out of date."""
    return [p for p, text in expected(docs).items()
            if not p.exists() or p.read_text("utf-8") != text]


def update(docs: Path) -> list[Path]:
    """Rewrite the stale pages under ``docs``; returns them."""
    changed = []
    for path, text in expected(docs).items():
        if not path.exists() or path.read_text("utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m credbridge.docgen [cli|formats|csv-columns|...] [--update DOCS]``."""
    parser = argparse.ArgumentParser(prog="python -m credbridge.docgen",
                                     description="Print or update credbridge's generated docs.")
    parser.add_argument("part", nargs="?",
                        choices=["cli", "formats", "coverage-svg", "layers-svg", *BLOCKS],
                        help="print one generated part on stdout (layers-svg reads "
                             f"docs/{LAYERS_SOURCE})")
    parser.add_argument("--update", metavar="DOCS", type=Path,
                        help="rewrite the generated pages and blocks in the DOCS folder")
    parser.add_argument("--check", metavar="DOCS", type=Path,
                        help="exit 1 when a generated page or block in DOCS is stale")
    args = parser.parse_args(argv)
    if args.update:
        for path in update(args.update):
            print(f"updated {path}", file=sys.stderr)
    if args.check:
        old = stale(args.check)
        for path in old:
            print(f"stale: {path} (run `{REGENERATE}`)", file=sys.stderr)
        if old:
            return 1
    if args.part:
        whole: dict[str, Callable[[], str]] = {
            "cli": cli_reference, "formats": formats_matrix, "coverage-svg": coverage_heatmap,
            "layers-svg": lambda: layers_picture(Path("docs") / LAYERS_SOURCE),
        }
        make = whole.get(args.part) or BLOCKS[args.part]
        sys.stdout.write(make())
    elif not (args.update or args.check):
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
