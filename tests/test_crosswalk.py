"""mappings/crosswalk.toml says what the code does: each built-in format's declared ``fields``
are exactly its crosswalk column, every path is a canonical path, every predicate is known."""

from __future__ import annotations

import subprocess
import sys

import credbridge
import pytest
from credbridge import crosswalk
from credbridge.laws import model_paths

BUILT_IN = [f for f in credbridge.get_formats()
            if type(f).__module__.startswith("credbridge.plugins.")]


def _differences(declared: dict[str, str], table: dict[str, str]) -> list[str]:
    lines = []
    for path in sorted(set(declared) | set(table)):
        code, data = declared.get(path, "none"), table.get(path, "none")
        if code != data:
            lines.append(f"  {path}: the format declares {code}, crosswalk.toml says {data}")
    return lines


def test_every_built_in_format_has_a_column() -> None:
    names = {f.name for f in BUILT_IN}
    assert {"canonical", "csv", "ob3", "ob2", "edc-xml", "elm", "elm-ttl", "elm-rdfxml",
            "elmo", "ds", "ds-html"} <= names
    assert names <= set(crosswalk.formats()), sorted(names - set(crosswalk.formats()))


@pytest.mark.parametrize("fmt", [f for f in BUILT_IN if f.name != "canonical"],
                         ids=lambda f: f.name)
def test_declared_fields_equal_the_crosswalk(fmt: credbridge.Format) -> None:
    diff = _differences(dict(fmt.fields), crosswalk.fields_for(fmt.name))
    assert not diff, (
        f"the fields of {fmt.name} ({type(fmt).__module__}) and its column in "
        "mappings/crosswalk.toml differ:\n" + "\n".join(diff) + "\nUpdate mappings/crosswalk.toml "
        "(how, target, note of each path) so that it says what the code does, then run "
        "`python -m credbridge.docgen --update docs` to regenerate docs/formats.md.")


def test_canonical_carries_every_row_exactly() -> None:
    fmt = credbridge.get_formats().get("canonical")
    assert dict(fmt.fields) == {"*": "exact"}
    column = crosswalk.fields_for("canonical")
    assert [r.path for r in crosswalk.rows()] == list(column)
    assert set(column.values()) == {"exact"}
    assert all(r.cells["canonical"].target for r in crosswalk.rows())


def test_every_path_is_a_canonical_model_path() -> None:
    known = model_paths()
    unknown = [r.path for r in crosswalk.rows()
               if r.path not in known and not r.path.startswith("extensions.")]
    assert not unknown, f"mappings/crosswalk.toml: not canonical model paths: {unknown}"
    paths = [r.path for r in crosswalk.rows()]
    assert len(paths) == len(set(paths)), "mappings/crosswalk.toml: a path appears twice"


def test_every_cell_is_complete() -> None:
    for row in crosswalk.rows():
        assert row.element, f"{row.path}: no element"
        assert set(row.cells) == set(crosswalk.formats()), f"{row.path}: missing columns"
        for name, cell in row.cells.items():
            assert cell.how in ("exact", "lossy", "extension", "none"), (row.path, name)
            if cell.how != "none":
                assert cell.target, f"{row.path} / {name}: carried but no target"


def test_known_facts() -> None:
    assert crosswalk.cell("levels.eqf", "csv").target == "eqf_level"
    assert crosswalk.cell("levels.eqf", "elm").how == "exact"
    assert crosswalk.cell("workload.ects", "ob3").target.startswith("ach.creditsAvailable")
    assert crosswalk.cell("assessment.grade.status", "edc-xml").how == "none"
    assert {c.how for c in crosswalk.rows()[-1].cells.values()} <= set(crosswalk.HOWS)
    proof = next(r for r in crosswalk.rows() if r.path == "proof")
    # never written as a seal; the printed views say it in a line (lossy)
    assert {n for n, c in proof.cells.items() if c.how != "none"} == {"canonical", "html", "pdf"}
    assert {proof.cells[n].how for n in ("html", "pdf")} == {"lossy"}
    with pytest.raises(KeyError):
        crosswalk.fields_for("no-such-format")


def test_fields_for_needs_no_pydantic() -> None:
    code = ("import sys, credbridge.crosswalk as c; c.fields_for('csv'); "
            "assert 'pydantic' not in sys.modules, 'pydantic was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fields_for_is_a_fresh_dict() -> None:
    first = crosswalk.fields_for("csv")
    first["title"] = "none"  # type: ignore[assignment]
    assert crosswalk.fields_for("csv")["title"] == "exact"
