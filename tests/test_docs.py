"""The docs cannot drift from the code.

1. Generated pages, pictures and blocks (docs/cli.md, docs/formats.md, the CSV column table,
   the canonical field tables, the coverage heat-map docs/images/coverage.svg and the layers
   picture docs/images/layers.svg drawn from docs/layers.toml) must equal what
   ``credbridge.docgen`` produces now: after changing the CLI, the crosswalk, the CSV columns,
   the model or docs/layers.toml, run ``python -m credbridge.docgen --update docs`` from the
   repository root. What the layers picture claims is checked against the imports of every
   module (see :func:`test_layers_picture_matches_the_imports`).
2. Every ``$ command`` line in a ```` ```console ```` block of a docs page is run (bash, one
   page's commands in order, in a directory that links the repository root's files and folders,
   so paths are those of the checkout and the files examples write stay out of it). It must
   print exactly the output shown below it (stdout and stderr together) and exit with status 0,
   or with the status named by a trailing ``# exit status N`` comment. ```` ```bash ```` and
   ```` ```text ```` blocks are not run. docs/plugins.md runs with the example plugin of
   tests/thirdparty_plugin installed.
3. Every page is in the site's navigation (mkdocs.yml); CI builds the site with
   ``mkdocs build --strict``, which also fails on broken links and anchors.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from credbridge import crosswalk, docgen
from credbridge.plugins.csv.columns import standard_columns
from credbridge.testing import shared_dir

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


# --- generated docs ---------------------------------------------------------------------------


def test_generated_docs_are_up_to_date() -> None:
    stale = [p.relative_to(ROOT).as_posix() for p in docgen.stale(DOCS)]
    assert not stale, (
        f"generated docs are stale: {', '.join(stale)}. Regenerate them from the repository "
        f"root with\n\n    {docgen.REGENERATE}\n\nand commit the result."
    )


def test_cli_reference_documents_every_command_and_option() -> None:
    from credbridge.cli import cli

    text = (DOCS / "cli.md").read_text("utf-8")
    for name, command in cli.commands.items():
        assert f"## `credbridge {name}`" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert f"`{opt}`" in text, f"{opt} of {name} is not in docs/cli.md"
    assert "| `--to` | TEXT | Output format (see `credbridge formats`)" in text
    assert "| `130` | interrupted (Ctrl-C) |" in text  # the exit-code table
    assert "credbridge convert [OPTIONS] INPUT..." in text


def test_csv_page_lists_every_column() -> None:
    text = (DOCS / "formats" / "csv.md").read_text("utf-8")
    for col in standard_columns():
        assert f"| `{col.name}` | `{col.field}` |" in text
    assert "| `eqf_level` | `levels.eqf` |  |  | integer | EQF level, 1-8 |" in text


def test_canonical_page_lists_every_model_field() -> None:
    text = (DOCS / "formats" / "canonical.md").read_text("utf-8")
    assert "| `awarding_bodies` | list of [Organisation](#organisation) |  |" in text
    assert "| `isced_level` | integer (0-8) |  |" in text
    assert "| `pass` | string |  |" in text  # the JSON key, not the Python name pass_


def test_formats_page_shows_the_crosswalk_matrix() -> None:
    text = (DOCS / "formats.md").read_text("utf-8")
    assert "| Field | Element | [canonical](#canonical) | [csv](#csv) | [ob3](#ob3) |" in text
    assert ("| `levels.eqf` | Annex I 8: level (EQF, QF-EHEA) | E | E | X | X | E | E | E | E | "
            "E | E | E |") in text
    assert ("| `assessment.grade.status` | Annex I 14: grade achieved | E | E | E | X | "
            f"{docgen.ABSENT} | E |") in text
    assert "| `levels.eqf` | E | eqf_level |  |" in text  # the csv list: field, mark, column
    assert "Carries the same fields as [`elm`](#elm), in the same places." in text


def test_docgen_update_rewrites_a_stale_page(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "formats").mkdir(parents=True)
    for source, _draw in docgen.DRAWN.values():
        (docs / source).write_text((DOCS / source).read_text("utf-8"), "utf-8")
    for rel in docgen.BLOCK_PAGES:  # the hand-written pages with their generated blocks emptied
        text = (DOCS / rel).read_text("utf-8")
        emptied = re.sub(r"(<!-- BEGIN GENERATED [^>]*-->\n).*?(<!-- END GENERATED)", r"\1\2",
                         text, flags=re.DOTALL)
        assert emptied != text
        (docs / rel).write_text(emptied, "utf-8")
    assert set(docgen.stale(docs)) == {*(docs / r for r in docgen.PAGES),
                                       *(docs / r for r in docgen.DRAWN),
                                       *(docs / r for r in docgen.BLOCK_PAGES)}
    docgen.update(docs)
    assert docgen.stale(docs) == []
    for rel in [*docgen.PAGES, *docgen.DRAWN, *docgen.BLOCK_PAGES]:
        assert (docs / rel).read_text("utf-8") == (DOCS / rel).read_text("utf-8")
    assert docgen.main(["--check", str(docs)]) == 0


# --- the pictures -----------------------------------------------------------------------------


def test_pictures_are_up_to_date() -> None:
    """The heat-map and the layers picture equal what docgen draws now (the same check as
    the generated-docs test, for the pictures alone and with a precise message)."""
    for rel, make in (("images/coverage.svg", docgen.coverage_heatmap),
                      ("images/layers.svg",
                       lambda: docgen.layers_picture(DOCS / docgen.LAYERS_SOURCE))):
        path = DOCS / rel
        assert path.exists() and path.read_text("utf-8") == make(), (
            f"docs/{rel} is stale: run `{docgen.REGENERATE}` from the repository root")


def test_heatmap_shows_every_crosswalk_row_and_format() -> None:
    svg = (DOCS / "images" / "coverage.svg").read_text("utf-8")
    for row in crosswalk.rows():
        assert f">{row.path}</text>" in svg, row.path
    for name in crosswalk.formats():
        assert f">{name}</text>" in svg, name
    # levels.eqf: canonical, csv exact, ob3, ob2 extension (docs/formats.md says the same)
    line = next(ln for ln in svg.splitlines() if ">levels.eqf</text>" in ln)
    before = svg.splitlines()[svg.splitlines().index(line) - 1]
    assert re.findall(r">([^<])</tspan>", before)[:4] == ["E", "E", "X", "X"]


LAYERS: dict[str, Any] = tomllib.loads((DOCS / docgen.LAYERS_SOURCE).read_text("utf-8"))
SIDE = -1
"""The layer index of the side column (importable from every layer)."""


def _module_files() -> list[str]:
    """The package's Python files, relative to the repository root."""
    return sorted(p.relative_to(ROOT).as_posix() for folder in ("core", "plugins", "mappings")
                  for p in (ROOT / folder).rglob("*.py"))


def _module_name(path: str) -> str:
    """``core/batch.py`` -> ``credbridge.batch``; ``plugins/csv/__init__.py`` ->
    ``credbridge.plugins.csv`` (the layout of setup.py)."""
    folder, *rest = Path(path).with_suffix("").parts
    top = {"core": ["credbridge"], "plugins": ["credbridge", "plugins"],
           "mappings": ["credbridge", "mappings"]}[folder]
    if rest and rest[-1] == "__init__":
        rest = rest[:-1]
    return ".".join(top + rest)


def _covers(pattern: str, path: str) -> bool:
    return path.startswith(pattern) if pattern.endswith("/") else fnmatch.fnmatch(path, pattern)


def _places() -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Each pattern of docs/layers.toml as (layer index, part name), and the problems of the
    file itself (patterns that match nothing, modules in no part or in several)."""
    files = _module_files()
    owners: dict[str, list[tuple[int, str]]] = {f: [] for f in files}
    problems = []
    entries: list[tuple[int, str, list[str]]] = []
    for index, layer in enumerate(LAYERS["layer"]):
        entries.append((index, f"{layer['name']} (layer)", layer.get("modules", [])))
        for part in layer.get("part", []):
            if part.get("planned") and part.get("modules"):
                problems.append(f"planned part {part['name']!r} lists modules")
            entries.append((index, part["name"], part.get("modules", [])))
    entries.append((SIDE, LAYERS["side"]["name"], LAYERS["side"].get("modules", [])))
    for index, name, patterns in entries:
        for pattern in patterns:
            matched = [f for f in files if _covers(pattern, f)]
            if not matched:
                problems.append(f"{name}: {pattern!r} matches no module")
            for f in matched:
                owners[f].append((index, name))
    for f, found in owners.items():
        if len(found) != 1:
            problems.append(f"{f} is in {len(found)} parts of docs/layers.toml: {found}")
    return {f: found[0] for f, found in owners.items() if len(found) == 1}, problems


def _imports(path: str, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports, anywhere in it (also inside functions and
    ``TYPE_CHECKING`` blocks): ``from . import vocab`` imports ``credbridge.vocab``."""
    name = _module_name(path)
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:
                    found.add(sub)
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def test_layers_picture_matches_the_imports() -> None:
    """docs/layers.toml (and so the picture) places every module in one part, and a module
    imports only its own layer, the layers below it and the side column; the parts of an
    isolated layer (the formats) never import each other."""
    places, problems = _places()
    by_name = {_module_name(f): f for f in places}
    layers = LAYERS["layer"]
    for path, (index, part) in places.items():
        for target in sorted(_imports(path, set(by_name))):
            t_index, t_part = places[by_name[target]]
            if index == SIDE and t_index != SIDE:
                problems.append(f"{path} (side column) imports {target} ({t_part})")
            elif index != SIDE and t_index != SIDE and t_index < index:
                problems.append(f"{path} ({layers[index]['name']}) imports {target} of the "
                                f"layer above it ({layers[t_index]['name']})")
            elif (index == t_index != SIDE and layers[index].get("isolated")
                  and part != t_part):
                problems.append(f"{path} ({part}) imports {target} of another part ({t_part})")
    assert not problems, "docs/layers.toml and the code disagree:\n" + "\n".join(problems)


def test_layers_picture_names_every_format() -> None:
    drawn = [name for layer in LAYERS["layer"] for part in layer.get("part", [])
             for name in part.get("formats", [])]
    assert sorted(drawn) == sorted(crosswalk.formats())
    svg = (DOCS / "images" / "layers.svg").read_text("utf-8")
    for layer in LAYERS["layer"]:
        assert f">{layer['name']}</text>" in svg


# --- the site ---------------------------------------------------------------------------------


def test_every_page_is_in_the_site_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    nav = set(re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w/.-]+\.md)\s*$", config, re.MULTILINE))
    pages = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert pages == nav, (f"not in mkdocs.yml nav: {sorted(pages - nav)}; "
                          f"in nav but missing: {sorted(nav - pages)}")


# --- console examples -------------------------------------------------------------------------


@dataclass
class Example:
    """One ``$ command`` of a docs page with the output and exit status it documents."""

    page: Path
    line: int
    command: str
    output: str
    status: int


_FENCE = re.compile(r"^```(\w*)\s*$")
_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")


def console_examples(page: Path) -> list[Example]:
    """The commands of the ```console blocks of ``page``, in order."""
    examples: list[Example] = []
    in_console = in_block = False
    current: Example | None = None
    for number, line in enumerate(page.read_text("utf-8").splitlines(), start=1):
        fence = _FENCE.match(line)
        if fence and not in_block:
            in_block, in_console = True, fence.group(1) == "console"
            continue
        if fence and in_block:
            in_block = in_console = False
            current = None
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            command = line[2:]
            m = _STATUS.search(command)
            current = Example(page, number, command, "", int(m.group(1)) if m else 0)
            examples.append(current)
        elif current is not None:
            current.output += line + "\n"
    return examples


def _normalise(text: str) -> str:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


PLUGIN_SOURCE = ROOT / "tests" / "thirdparty_plugin"
PLUGIN_PAGES = {"plugins.md"}
"""Pages whose examples run with the third-party example plugin installed; the others see the
built-in formats only."""


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin of tests/thirdparty_plugin installed (pip, offline) in a folder of its
    own, put on the path of the example commands: the shared environment is left alone."""
    target = tmp_path_factory.mktemp("docs-plugin-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(PLUGIN_SOURCE)],
        check=True, capture_output=True, text=True,
    )
    return target


def _run(example: Example, plugin_site: Path | None, cwd: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDBRIDGE_")}
    # as for a user who ran `credbridge schemas fetch` once: the official schemas are found
    env["XDG_CACHE_HOME"] = str(cwd / ".cache")
    shared = shared_dir(ROOT)
    if shared is not None and (shared / "schemas").is_dir():
        env["CREDBRIDGE_SCHEMAS"] = str(shared / "schemas")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    if plugin_site is None:
        env["CREDBRIDGE_LOAD_PLUGINS"] = ""  # built-in formats only, whatever is installed
    else:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugin_site),
                                                          env.get("PYTHONPATH")]))
    done = subprocess.run(["bash", "-c", example.command], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return done.returncode, done.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("page", [p for p in PAGES if console_examples(p)],
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_console_examples_run_as_documented(page: Path, request: pytest.FixtureRequest,
                                            tmp_path: Path) -> None:
    site = request.getfixturevalue("plugin_site") if page.name in PLUGIN_PAGES else None
    # The repository root as the commands see it: its folders and files linked into a fresh
    # directory, so that relative paths resolve as in the checkout while the files an example
    # writes (and removes) stay out of it, even when several test runs share the checkout.
    # ../shared is linked beside it when present, for examples on the public samples.
    work = tmp_path / "repo"
    work.mkdir()
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (work / entry.name).symlink_to(entry)
    shared = shared_dir(ROOT)
    if shared is not None:
        (tmp_path / "shared").symlink_to(shared)
    problems = []
    examples = console_examples(page)
    for position, example in enumerate(examples):
        if _needs_shared(example) and not _has_schemas(shared):
            # this one and the rest of the page (which may use what it wrote) need ../shared
            assert not problems, "\n\n".join(problems)
            pytest.skip(f"{len(examples) - position} of {len(examples)} examples need ../shared "
                        "(public samples or official schemas): set CREDBRIDGE_SHARED")
        status, output = _run(example, site, work)
        where = f"{page.relative_to(ROOT).as_posix()}:{example.line}: $ {example.command}"
        if status != example.status:
            problems.append(f"{where}\n  exit status {status}, documented {example.status}"
                            f"\n  output:\n{output}")
        elif _normalise(output) != _normalise(example.output):
            problems.append(f"{where}\n  the output differs from the page; run the command "
                            f"from the repository root and paste its output:\n{output}")
    assert not problems, "\n\n".join(problems)


def _needs_shared(example: Example) -> bool:
    """The example reads public samples or validates against the official schemas."""
    return "../shared" in example.command or "credbridge validate" in example.command


def _has_schemas(shared: Path | None) -> bool:
    return shared is not None and (shared / "schemas").is_dir() and \
        (shared / "samples").is_dir()


def test_csv_worked_example_is_run() -> None:
    commands = [e.command for e in console_examples(DOCS / "formats" / "csv.md")]
    worked = [c for c in commands if "fixtures/csv/two-credentials.csv" in c]
    assert len(worked) >= 5, commands
    assert any("--csvw" in c for c in worked)
    assert any(e.status == 1 for e in console_examples(DOCS / "formats" / "csv.md"))


def test_index_links_to_every_page() -> None:
    index = (DOCS / "index.md").read_text("utf-8")
    links = set(re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", index))
    pages = {p.relative_to(DOCS).as_posix() for p in PAGES} - {"index.md"}
    assert pages <= links, f"docs/index.md does not link to: {', '.join(sorted(pages - links))}"
    assert {"cli.md", "plugins.md", "formats/csv.md", "formats/canonical.md"} <= links


def test_relative_links_point_to_existing_files() -> None:
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)}: {target}"
