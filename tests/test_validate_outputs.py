"""``convert --validate``: each output is checked against the official artefact before it is
written; an invalid one is a failed record naming the rule, and the batch goes on (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge import UsageError
from credbridge.batch import Batch, run
from credbridge.cli import cli
from credbridge.plugin_manager import get_formats

VALIDATING = [f.name for f in get_formats() if f.can_write and f.can_validate]


@pytest.fixture
def two_csv(fixtures: Path) -> Path:
    return fixtures / "csv" / "two-credentials.csv"


def _ids(csv_path: Path) -> list[str]:
    from credbridge import read

    return [c.id or "" for c in read(csv_path)]


def test_an_invalid_output_is_a_failed_record_and_the_batch_goes_on(
        two_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _ids(two_csv)
    ob3 = get_formats().get("ob3")
    seen: list[bytes] = []

    def validate(data: bytes, schemas: Path) -> list[str]:
        seen.append(data)
        return ["credentialSubject: required property 'type' (rule X)"] \
            if first.encode() in data else []

    monkeypatch.setattr(ob3, "validate", validate)
    monkeypatch.setattr("credbridge.schemas.check_folder", lambda name, folder: None)
    out = tmp_path / "out.jsonl"
    result = run(Batch([two_csv], to="ob3", output=str(out), validate=True,
                       schemas=tmp_path))
    assert len(seen) == 2
    assert result.exit_code == 1 and result.report.records_written == 1
    failed = [m for m in result.report.messages if m.code == "invalid-record"]
    assert len(failed) == 1 and failed[0].record == first
    assert "is not valid" in failed[0].detail and "rule X" in failed[0].detail
    written = out.read_text()
    assert second in written and first not in written


def test_validate_refuses_a_target_without_a_validator(two_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no validator for format csv"):
        run(Batch([two_csv], to="csv", validate=True, schemas=tmp_path))


def test_validate_without_schemas_says_how_to_get_them(
        two_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDBRIDGE_SCHEMAS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    result = CliRunner().invoke(cli, ["convert", str(two_csv), "--to", "elm", "--validate"])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "credbridge schemas fetch" in lines[0]


def test_validating_targets_are_the_ones_with_official_artefacts() -> None:
    assert {"elm", "edc-xml", "ob3", "elmo", "ds", "clr"} <= set(VALIDATING)
