"""``-o DIR`` keeps the names it gave in bounded memory (issue 21): credbridge.outputs.NameLedger
spills to a temporary SQLite table past ``IN_MEMORY`` names, and the files get the same names
either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from credbridge.batch import Batch, run
from credbridge.outputs import NameLedger

IDS = ["urn:x:A", "urn:x:a", "urn:x:A", "urn:x:b", "urn:x:kept", "urn:x:kept", "urn:x:A-2",
       "urn:x:c", "urn:x:B"]
"""Ids whose names collide (case folded, a suffix an earlier one took, a file that was there)."""


def test_the_ledger_remembers_names_past_its_memory() -> None:
    ledger = NameLedger(in_memory=2)
    for name in ("one", "Two", "three", "FOUR", "three"):
        ledger.add(name)
    try:
        assert all(n in ledger for n in ("ONE", "two", "Three", "four"))
        assert "five" not in ledger and 5 not in ledger
        assert ledger._db is not None  # the last two live in the database
    finally:
        ledger.close()
    assert "one" not in ledger and "four" not in ledger


def _csv(path: Path) -> Path:
    rows = ["credential_id,title,awarding_body,awarding_body_country,issue_date"]
    rows += [f"{i},Course {n},University of Zed,IE,2025-06-30" for n, i in enumerate(IDS)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def _convert(tmp: Path) -> tuple[list[str], list[tuple[str, str, str | None]]]:
    out = tmp / "out"
    out.mkdir()
    (out / "urn_x_kept.canonical.json").write_bytes(b"there before\n")
    result = run(Batch([str(_csv(tmp / "in.csv"))], to="canonical", output=str(out) + "/"))
    files = sorted(p.name for p in out.iterdir())
    said = [(str(m.code), m.detail.replace(str(tmp), "TMP"), m.record)
            for m in result.report.messages]
    assert (out / "urn_x_kept.canonical.json").read_bytes() == b"there before\n"
    return files, said


@pytest.mark.parametrize("in_memory", [0, 1, 3])
def test_spilled_names_are_the_names_kept_in_memory(tmp_path: Path, in_memory: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "memory").mkdir()
    (tmp_path / "spilled").mkdir()
    expected = _convert(tmp_path / "memory")
    monkeypatch.setattr(NameLedger, "IN_MEMORY", in_memory)
    assert NameLedger()._limit == in_memory
    assert _convert(tmp_path / "spilled") == expected
    files = expected[0]
    assert "urn_x_a-2.canonical.json" in files and "urn_x_A-3.canonical.json" in files
    assert "urn_x_A-2-2.canonical.json" in files  # the id's own -2 was taken
    assert "urn_x_kept-2.canonical.json" in files  # the refused one held its name
    assert len(files) == len(IDS)  # every credential but the refused one, and the old file


def test_the_library_lists_the_files_and_the_command_line_need_not(tmp_path: Path) -> None:
    src = _csv(tmp_path / "in.csv")
    listed = run(Batch([str(src)], to="canonical", output=str(tmp_path / "a") + "/"))
    assert len(listed.written_files) == len(IDS)
    unlisted = run(Batch([str(src)], to="canonical", output=str(tmp_path / "b") + "/",
                         list_files=False))
    assert unlisted.written_files == []
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == \
        sorted(Path(p).name for p in listed.written_files)


def _probing(base: str, held: set[str]) -> str:
    """The name the batch gave before the ledger remembered suffixes: probe from -2."""
    name, n = base, 1
    while name.casefold() in held:
        n += 1
        name = f"{base}-{n}"
    held.add(name.casefold())
    return name


@pytest.mark.parametrize("in_memory", [3, 10_000])
def test_free_gives_the_names_probing_gave(in_memory: int) -> None:
    """Many credentials with one id, ids that look like suffixed names, case variants, and a
    ledger small enough to spill and forget its suffixes: the same names as probing."""
    import random

    rng = random.Random(7)
    bases = ["x", "X", "x-3", "x-2", "y", "x-2-2", "cred"]
    ledger, held = NameLedger(in_memory=in_memory), set()
    try:
        for _ in range(600):
            base = rng.choice(bases)
            assert ledger.free(base) == _probing(base, held)
    finally:
        ledger.close()


def test_many_records_with_one_id_take_linear_time() -> None:
    """2,000 records with one id: each name is found without probing the ones before it (the
    probing cost 2,001,000 look-ups; the ledger now asks about 2 per name)."""
    ledger = NameLedger()
    asked = 0
    contains = NameLedger.__contains__

    def counting(self: NameLedger, name: object) -> bool:
        nonlocal asked
        asked += 1
        return contains(self, name)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(NameLedger, "__contains__", counting)
            names = [ledger.free("same-id") for _ in range(2000)]
    finally:
        ledger.close()
    assert names[:3] == ["same-id", "same-id-2", "same-id-3"] and names[-1] == "same-id-2000"
    assert asked <= 3 * len(names)
