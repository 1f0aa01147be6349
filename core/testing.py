"""Test helpers for credbridge and for authors of format plugins (a pytest plugin).

:class:`FormatConformance` is the conformance suite a format plugin runs with a few lines::

    from credbridge.testing import FormatConformance

    class TestMyFormat(FormatConformance):
        format_name = "my-format"

``write_read`` (meshio's round-trip helper, defined in :mod:`credbridge.roundtrip`) and
``carried_subset`` (from :mod:`credbridge.laws`) are re-exported here.

This module is registered as a pytest plugin (``pytest11`` entry point). It registers the
hypothesis profiles ``credbridge-ci`` (derandomised, enough examples to find a re-tagged
language) and ``credbridge-thorough`` (500 examples) and loads none of them: other projects'
hypothesis settings are left as they are. The kit applies the profile named by
``CREDBRIDGE_HYPOTHESIS_PROFILE`` (default ``credbridge-ci``) to its own property tests only.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from .laws import carried_subset
from .model import MicroCredential
from .plugin_manager import get_formats
from .report import Report
from .roundtrip import write_read

if TYPE_CHECKING:
    from hypothesis import settings as Settings

    from .formats import Format

__all__ = [
    "CI_PROFILE",
    "NO_SCHEMAS",
    "PROFILE_ENV",
    "SHARED_ENV",
    "THOROUGH_PROFILE",
    "FormatConformance",
    "carried_subset",
    "example_credential",
    "kit_settings",
    "register_profiles",
    "shared_dir",
    "write_read",
]

SHARED_ENV = "CREDBRIDGE_SHARED"
PROFILE_ENV = "CREDBRIDGE_HYPOTHESIS_PROFILE"
CI_PROFILE = "credbridge-ci"
THOROUGH_PROFILE = "credbridge-thorough"
NO_SCHEMAS = "official schemas not found"
"""The start of the reason a validator test is skipped for (no shared data)."""
CI_EXAMPLES = 100
"""Examples per property in ``credbridge-ci``: enough that the derandomised run meets the
shapes that break formats (a text only in ``fr`` or ``und`` beside an English one), few enough
that the suite stays fast."""

_T = TypeVar("_T", bound=Callable[..., Any])


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


# --- hypothesis profiles ---------------------------------------------------------------------


def register_profiles() -> None:
    """Register ``credbridge-ci`` and ``credbridge-thorough`` with hypothesis (never load
    them: loading is the choice of the suite that runs, e.g. in its ``conftest.py``)."""
    from hypothesis import HealthCheck, settings

    quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile(CI_PROFILE, max_examples=CI_EXAMPLES, deadline=None,
                              derandomize=True, database=None, suppress_health_check=quiet)
    settings.register_profile(THOROUGH_PROFILE, max_examples=500, deadline=None,
                              suppress_health_check=quiet)


def kit_settings() -> Settings:
    """The settings the kit's property tests run with: the profile named by
    ``$CREDBRIDGE_HYPOTHESIS_PROFILE`` (default ``credbridge-ci``)."""
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    name = os.environ.get(PROFILE_ENV) or CI_PROFILE
    try:
        return settings.get_profile(name)
    except InvalidArgument:
        _fail(f"{PROFILE_ENV}={name!r} is not a registered hypothesis profile (credbridge "
              f"registers {CI_PROFILE} and {THOROUGH_PROFILE})")


def _with_kit_settings(test: _T) -> _T:
    """``test`` (a ``@given`` function) with the kit's profile applied to it alone."""
    from hypothesis import settings

    return settings(kit_settings())(test)


def _skip(reason: str) -> NoReturn:
    import pytest

    pytest.skip(reason)


def _fail(reason: str) -> NoReturn:
    import pytest

    pytest.fail(reason, pytrace=False)


with contextlib.suppress(ImportError):  # hypothesis is in the test extra; the rest works without
    register_profiles()


class FormatConformance:
    """The laws every format must obey (docs/design.md §5), as a test class to subclass.

    Set ``format_name``; optionally ``sample_files`` (real documents the reader must read),
    and ``schemas`` (the folder of official schemas for formats with a validator). A test that
    does not apply to the format (a round trip for a write-only format, samples that were not
    given) is skipped with the reason, never passed silently.
    """

    format_name: str = ""
    sample_files: tuple[Path, ...] = ()
    schemas: Path | None = None
    carries_proof_summary: bool = False
    """True only for a format whose document *is* the canonical model (``canonical``), where
    the informative proof summary is part of the data."""

    def _format(self) -> Format:
        if not self.format_name:
            _fail(f"{type(self).__name__}: set format_name to the format under test")
        return get_formats().get(self.format_name)

    def _reads_and_writes(self, what: str) -> Format:
        fmt = self._format()
        if not (fmt.can_read and fmt.can_write):
            can = "reads" if fmt.can_read else "writes"
            _skip(f"{what}: format {self.format_name} only {can}")
        return fmt

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
        the report (hypothesis-generated credentials, the kit's profile)."""
        fmt = self._reads_and_writes("no round trip")
        from hypothesis import given

        from .laws import round_trip_violations
        from .strategies import micro_credentials

        @_with_kit_settings
        @given(micro_credentials())
        def law(cred: MicroCredential) -> None:
            back, _data, report = write_read(self.format_name, cred)
            assert len(back) == 1, f"wrote one credential, read back {len(back)}"
            problems = round_trip_violations(cred, back[0], fmt.fields, report)
            assert not problems, "\n".join(problems)

        law()

    def test_sniffs_its_own_output(self) -> None:
        """Detection recognises what the format writes (by content)."""
        fmt = self._reads_and_writes("no output to sniff")
        data = _example_output(self.format_name)
        assert fmt.sniff(data[:8192]), f"{self.format_name} does not recognise its own output"

    def test_never_writes_a_proof(self) -> None:
        """A seal or signature of the input is never carried to the output. A view for people
        (a format that writes only: html, pdf, ds-html) may name who sealed the source, as a
        fact about it ("sealed by X on D — not verified by credbridge"); a format that reads
        back never does, so no output looks sealed by someone who did not seal it."""
        fmt = self._format()
        if not fmt.can_write:
            _skip(f"format {self.format_name} does not write")
        if self.carries_proof_summary:
            _skip(f"format {self.format_name} is the canonical model: its proof summary is data")
        cred = MicroCredential.model_validate({
            **_example().to_json_dict(),
            "proof": [{"kind": "jades", "signer": "CN=Sealing Authority XYZ",
                       "detail": "SIGNATUREVALUE-0123456789"}],
        })
        report = Report()
        from .convert import write

        data = write([cred], None, to=self.format_name, report=report) or b""
        assert b"SIGNATUREVALUE-0123456789" not in data
        if fmt.can_read:
            assert b"Sealing Authority XYZ" not in data
            from .convert import read

            back = list(read(data, from_format=self.format_name))
            assert all(not c.proof for c in back), "a proof came back from the output"

    def test_garbage_gives_a_credbridge_error(self) -> None:
        """Empty, truncated or binary input ends in a credbridge error or a reported record,
        never in another exception."""
        fmt = self._format()
        if not fmt.can_read:
            _skip(f"format {self.format_name} does not read")
        from .convert import read
        from .errors import CredbridgeError

        for data in (b"", b"\x00\x01\x02garbage", b"{", b"<", b"\xff\xfe\xfd"):
            report = Report()
            with contextlib.suppress(CredbridgeError):
                list(read(data, from_format=self.format_name, report=report))

    def test_reads_sample_files(self) -> None:
        """Every sample file reads into at least one credential without a failed record."""
        fmt = self._format()
        if not fmt.can_read:
            _skip(f"format {self.format_name} does not read")
        if not self.sample_files:
            _skip(f"no sample_files given for {self.format_name} (set sample_files to real "
                  "documents the reader must read)")
        from .convert import read

        for path in self.sample_files:
            report = Report()
            creds = list(read(path, from_format=self.format_name, report=report))
            assert creds, f"no credential read from {path}"
            assert not report.has_errors, [str(m) for m in report.errors]

    def test_output_passes_the_official_validator(self) -> None:
        """Where the format has an official schema, what it writes is valid against it."""
        fmt = self._format()
        if not fmt.can_write:
            _skip(f"format {self.format_name} does not write")
        if not fmt.can_validate:
            _skip(f"format {self.format_name} has no official validator (Format.validate)")
        shared = shared_dir()
        schemas = self.schemas or (shared / "schemas" if shared else None)
        if schemas is None or not schemas.is_dir():
            _skip(f"{NO_SCHEMAS} (set schemas, or {SHARED_ENV})")
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


def varied_credentials(n: int) -> list[MicroCredential]:
    """``n`` complete micro-credentials, each with its own id, learner, title, ECTS and EQF
    level (the example credential varied): inputs for benchmarks and many-record tests."""
    base = example_credential().to_json_dict()
    out = []
    for i in range(n):
        data = json.loads(json.dumps(base))
        data["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        data["learner"]["given_name"] = f"Given{i}"
        data["learner"]["family_name"] = f"Family{i}"
        data["title"] = {"en": f"Micro-credential {i}"}
        data["workload"]["ects"] = str(1 + i % 30)
        data["levels"]["eqf"] = 1 + i % 8
        out.append(MicroCredential.model_validate(data))
    return out
