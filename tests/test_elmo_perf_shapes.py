"""The Diploma Supplement built from a copied shape is the one built element by element."""

from __future__ import annotations

import pytest
from credbridge.plugins.elmo.ds_xml import DiplomaSupplement, _build_new, build_element
from credbridge.plugins.elmo.section import Section
from credbridge.plugins.elmo.template import sort_key
from credbridge.plugins.elmo.xmlutil import NS, q, serialise
from lxml import etree

SUPPLEMENTS = [
    DiplomaSupplement(lang="en", issue_date="2024-01-02", sections=[
        Section("1", "One"), Section("1.1", "Family", "Doe"),
        Section("4.3", "Details", "x", "text", ["a", "", "b & <c>"])]),
    DiplomaSupplement(introduction="Intro", sections=[
        Section("a", "A", ""), Section("b", "B", None, None, ["x"]), Section("a.1", "A1", "y"),
        Section("4.1", "Dup", "1"), Section("4.1", "Dup", "2"), Section("4.1.2", "Deep", "3"),
        Section("7.²", "Odd", "z")]),
    DiplomaSupplement(version=None, sections=[]),
]


def _old(ds: DiplomaSupplement, parent: object | None = None) -> object:
    return _build_new(ds, sorted(ds.sections, key=lambda s: sort_key(s.number)), parent)


@pytest.mark.parametrize("ds", SUPPLEMENTS)
def test_same_bytes_as_built(ds: DiplomaSupplement) -> None:
    """Alone and inside a parent, twice (the second from the kept shape): the same bytes."""
    for _ in range(2):
        assert serialise(build_element(ds)) == serialise(_old(ds))
        roots = [etree.Element(q("elmo"), nsmap={None: NS}) for _ in range(2)]
        build_element(ds, etree.SubElement(roots[0], q("loi")))
        _old(ds, etree.SubElement(roots[1], q("loi")))
        assert serialise(roots[0]) == serialise(roots[1])
