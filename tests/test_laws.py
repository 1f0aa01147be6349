"""The fidelity laws (DESIGN.md §5) for every registered format, via the conformance kit."""

from __future__ import annotations

import pytest
from credbridge import get_formats
from credbridge.testing import FormatConformance


def _formats() -> list[str]:
    return [f.name for f in get_formats() if not f.plugin.startswith("credbridge_example")
            and f.plugin != "example-json"]


@pytest.fixture(params=_formats())
def format_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestEveryFormat(FormatConformance):
    """Runs the conformance suite once per registered format."""

    @pytest.fixture(autouse=True)
    def _select(self, format_name: str) -> None:
        self.format_name = format_name
        self.carries_proof_summary = format_name == "canonical"
