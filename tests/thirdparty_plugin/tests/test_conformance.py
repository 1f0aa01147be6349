"""The plugin's own test suite: credbridge's conformance kit, in a few lines."""

from pathlib import Path

from credbridge.testing import FormatConformance

SAMPLES = Path(__file__).parent / "samples"


class TestExampleJson(FormatConformance):
    format_name = "example-json"
    sample_files = tuple(sorted(SAMPLES.glob("*.example.json")))
