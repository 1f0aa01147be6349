"""Test helpers for credbridge and for authors of format plugins (a pytest plugin).

``write_read`` is meshio's round-trip helper for credentials: write with a format, read the
bytes back with the same format, and return what came back with the report of both steps.

:class:`FormatConformance` is the conformance suite a format plugin runs with a few lines::

    from credbridge.testing import FormatConformance

    class TestMyFormat(FormatConformance):
        format_name = "my-format"

This module is registered as a pytest plugin (``pytest11`` entry point): it also registers the
hypothesis profiles ``credbridge-ci`` (the default: few examples, derandomised) and
``thorough`` (500 examples; ``pytest --hypothesis-profile=thorough``).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .coverage import carried_as, present_fields
from .model import MicroCredential
from .options import OptionsInput
from .plugin_manager import get_formats
from .report import Report

SHARED_ENV = "CREDBRIDGE_SHARED"


def write_read(
    format_name: str,
    credentials: MicroCredential | Iterable[MicroCredential],
    options: OptionsInput = None,
) -> tuple[list[MicroCredential], bytes, Report]:
    """Write ``credentials`` as ``format_name``, read them back; return (credentials, bytes,
    report of both steps)."""
    from .convert import read, write

    creds = [credentials] if isinstance(credentials, MicroCredential) else list(credentials)
    report = Report()
    data = write(creds, None, to=format_name, report=report, options=options) or b""
    back = list(read(io.BytesIO(data), from_format=format_name, report=report, options=options))
    return back, data, report


def carried_subset(credential: MicroCredential, format_name: str) -> dict[str, Any]:
    """The canonical JSON of ``credential`` restricted to the fields ``format_name`` carries
    exactly or as an extension (what a round trip through it must keep)."""
    fmt = get_formats().get(format_name)
    keep = {p for p in present_fields(credential)
            if carried_as(p, fmt.fields) in ("exact", "extension")}
    return {p: _value_at(credential.to_json_dict(), p) for p in sorted(keep)}


def _value_at(data: Any, path: str) -> Any:
    head, sep, tail = path.partition(".")
    if head.endswith("[]"):
        items = data.get(head[:-2], []) if isinstance(data, dict) else []
        return [_value_at(i, tail) if tail else i for i in items]
    value = data.get(head) if isinstance(data, dict) else None
    return _value_at(value, tail) if sep and value is not None else value


def shared_dir(start: Path | None = None) -> Path | None:
    """The shared data folder: ``$CREDBRIDGE_SHARED``, else ``../shared`` beside the repo root."""
    env = os.environ.get(SHARED_ENV)
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    here = (start or Path.cwd()).resolve()
    for parent in (here, *here.parents):
        candidate = parent.parent / "shared"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate
    return None


# --- pytest plugin ---------------------------------------------------------------------------

try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "credbridge-ci", max_examples=25, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.register_profile(
        "thorough", max_examples=500, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.load_profile(os.environ.get("CREDBRIDGE_HYPOTHESIS_PROFILE", "credbridge-ci"))
except ImportError:  # hypothesis is in the test extra; the helpers above work without it
    pass


class FormatConformance:
    """The laws every format must obey (DESIGN.md §5), as a test class to subclass.

    Set ``format_name``; optionally ``sample_files`` (real documents the reader must read),
    and ``schemas`` (the folder of official schemas for formats with a validator).
    """

    format_name: str = ""
    sample_files: tuple[Path, ...] = ()
    schemas: Path | None = None
    carries_proof_summary: bool = False
    """True only for a format whose document *is* the canonical model (``canonical``), where
    the informative proof summary is part of the data."""

    def _format(self) -> Any:
        return get_formats().get(self.format_name)

    def test_is_registered_and_described(self) -> None:
        """The format is registered with a name, title, extensions and media types."""
        fmt = self._format()
        info = fmt.describe()
        assert info["name"] == self.format_name
        assert info["title"], "a format needs a human title"
        assert fmt.can_read or fmt.can_write
        assert all(ext.startswith(".") for ext in fmt.extensions), fmt.extensions

    def test_declared_fields_are_canonical_paths(self) -> None:
        """Every path in ``fields`` is a canonical field path and has a known predicate."""
        from .laws import unknown_field_paths

        fmt = self._format()
        assert fmt.fields, "declare the canonical fields the format carries"
        assert not unknown_field_paths(fmt.fields), unknown_field_paths(fmt.fields)
        assert set(fmt.fields.values()) <= {"exact", "lossy", "extension"}

    def test_round_trip_law(self) -> None:
        """canonical -> format -> canonical keeps what the format declares; the rest is in
        the report (hypothesis-generated credentials)."""
        fmt = self._format()
        if not (fmt.can_read and fmt.can_write):
            return
        from hypothesis import given

        from .laws import round_trip_violations
        from .strategies import micro_credentials

        @given(micro_credentials())
        def law(cred: MicroCredential) -> None:
            back, _data, report = write_read(self.format_name, cred)
            assert len(back) == 1, f"wrote one credential, read back {len(back)}"
            problems = round_trip_violations(cred, back[0], fmt.fields, report)
            assert not problems, "\n".join(problems)

        law()

    def test_sniffs_its_own_output(self) -> None:
        """Detection recognises what the format writes (by content)."""
        fmt = self._format()
        if not (fmt.can_read and fmt.can_write):
            return
        data = _example_output(self.format_name)
        assert fmt.sniff(data[:8192]), f"{self.format_name} does not recognise its own output"

    def test_never_writes_a_proof(self) -> None:
        """A seal or signature of the input is never carried to the output."""
        fmt = self._format()
        if not fmt.can_write or self.carries_proof_summary:
            return
        cred = MicroCredential.model_validate({
            **_example().to_json_dict(),
            "proof": [{"kind": "jades", "signer": "CN=Sealing Authority XYZ",
                       "detail": "SIGNATUREVALUE-0123456789"}],
        })
        report = Report()
        from .convert import write

        data = write([cred], None, to=self.format_name, report=report) or b""
        assert b"SIGNATUREVALUE-0123456789" not in data
        assert b"Sealing Authority XYZ" not in data
        if fmt.can_read:
            from .convert import read

            back = list(read(data, from_format=self.format_name))
            assert all(not c.proof for c in back), "a proof came back from the output"

    def test_garbage_gives_a_credbridge_error(self) -> None:
        """Empty, truncated or binary input ends in a credbridge error or a reported record,
        never in another exception."""
        fmt = self._format()
        if not fmt.can_read:
            return
        from .convert import read
        from .errors import CredbridgeError

        for data in (b"", b"\x00\x01\x02garbage", b"{", b"<", b"\xff\xfe\xfd"):
            report = Report()
            with contextlib.suppress(CredbridgeError):
                list(read(data, from_format=self.format_name, report=report))

    def test_reads_sample_files(self) -> None:
        """Every sample file reads into at least one credential without a failed record."""
        from .convert import read

        for path in self.sample_files:
            report = Report()
            creds = list(read(path, from_format=self.format_name, report=report))
            assert creds, f"no credential read from {path}"
            assert not report.has_errors, [str(m) for m in report.errors]

    def test_output_passes_the_official_validator(self) -> None:
        """Where the format has an official schema, what it writes is valid against it."""
        fmt = self._format()
        if not (fmt.can_validate and fmt.can_write):
            return
        schemas = self.schemas or ((shared_dir() or Path("/nonexistent")) / "schemas")
        if not schemas.is_dir():
            import pytest

            pytest.skip("official schemas not found (set CREDBRIDGE_SHARED)")
        problems = fmt.validate(_example_output(self.format_name), schemas)
        assert not problems, problems


def _example() -> MicroCredential:
    """A complete micro-credential with every Annex I element (for the conformance suite)."""
    return MicroCredential.model_validate({
        "id": "urn:uuid:3f2a1c9e-0b7d-4e8a-9c61-5d4e3f2a1b0c",
        "credential_type": "micro-credential",
        "title": {"en": "Data Analysis with Python", "fr": "Analyse de données avec Python"},
        "description": {"en": "A short course in data analysis."},
        "learner": {"given_name": "Síofra", "family_name": "Ní Bhriain",
                    "birth_date": "2001-03-17", "email": "siofra@example.ie"},
        "awarding_bodies": [{"id": "https://example.org/org/zed",
                             "name": {"en": "University of Zed"}, "country": "IE"}],
        "issued": "2025-06-30",
        "learning_outcomes": [{"text": {"en": "Clean and transform tabular data"},
                               "esco_skill": "http://data.europa.eu/esco/skill/"
                                             "9bf9c1b6-0c6e-4e49-8f6f-4a1b6fbb8a0a"},
                              {"text": {"en": "Build reproducible notebooks"}}],
        "workload": {"ects": "5"},
        "levels": {"eqf": 6},
        "fields_of_study": ["0613"],
        "assessment": {"types": ["written-exam"], "grade": {"value": "A"},
                       "supervision": "supervised-with-id"},
        "participation": {"modes": ["online"], "setting": "non-formal"},
        "quality_assurance": [{"description": {"en": "Internal QA (ESG Part 1)"}}],
        "languages": ["en"],
    })


def _example_output(format_name: str) -> bytes:
    from .convert import write

    return write([_example()], None, to=format_name) or b""


def example_credential() -> MicroCredential:
    """A complete example micro-credential (every Annex I element present)."""
    return _example()
