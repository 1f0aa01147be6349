"""The plugin's own test suite: credbridge's conformance kit, in three lines."""

from credbridge.testing import FormatConformance


class TestExampleJson(FormatConformance):
    format_name = "example-json"
