"""Input-format detection: --from, else extension, else content; ambiguous or unknown input is
an error that lists the candidates."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import credbridge
import pytest
from credbridge.context import Context
from credbridge.errors import AmbiguousFormatError, PluginError, UnknownFormatError, UsageError
from credbridge.formats import Format, FormatRegistry
from credbridge.model import MicroCredential


class Fake(Format):
    """A readable format that claims inputs starting with its ``magic``."""

    title = "fake"

    def __init__(self, name: str, extensions: tuple[str, ...], magic: bytes | None) -> None:
        self.name = name  # type: ignore[misc]
        self.extensions = extensions  # type: ignore[misc]
        self.magic = magic

    def sniff(self, head: bytes) -> bool:
        """Ours when the input starts with the magic bytes."""
        if self.magic == b"boom":
            raise RuntimeError("a sniffer that crashes")
        return self.magic is not None and head.startswith(self.magic)

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """Never used here."""
        yield MicroCredential()


class WriteOnly(Format):
    """A format that can only be written."""

    name = "write-only"
    title = "write only"
    extensions = (".wo",)

    def write(self, credentials: object, stream: IO[bytes],  # type: ignore[override]
              ctx: Context) -> None:
        """Write nothing."""


@pytest.fixture
def registry() -> FormatRegistry:
    """alpha and beta share .xml and are told apart by content; gamma sniffs "{"; delta
    claims "{" too; .alpha.xml is alpha's alone."""
    reg = FormatRegistry()
    reg.register(Fake("alpha", (".xml", ".alpha.xml"), b"<alpha"), "test")
    reg.register(Fake("beta", (".xml",), b"<beta"), "test")
    reg.register(Fake("gamma", (".gamma",), b"{"), "test")
    reg.register(Fake("delta", (".delta",), b"{"), "test")
    reg.register(Fake("crashy", (".crash",), b"boom"), "test")
    reg.register(WriteOnly(), "test")
    return reg


def test_extension_decides_when_it_is_unique(registry: FormatRegistry) -> None:
    assert registry.detect(b"anything", "cred.gamma").name == "gamma"
    assert registry.detect(b"<beta/>", "x.ALPHA.XML").name == "alpha"  # longest, any case


def test_content_decides_between_formats_sharing_an_extension(registry: FormatRegistry) -> None:
    assert registry.detect(b"<alpha/>", "cred.xml").name == "alpha"
    assert registry.detect(b"<beta/>", "cred.xml").name == "beta"


def test_content_alone_without_a_known_extension(registry: FormatRegistry) -> None:
    assert registry.detect(b"<beta/>", "cred.bin").name == "beta"
    assert registry.detect(b"<alpha/>", None).name == "alpha"


def test_ambiguous_content_lists_the_candidates(registry: FormatRegistry) -> None:
    with pytest.raises(AmbiguousFormatError) as caught:
        registry.detect(b'{"x": 1}', "cred.json")
    assert caught.value.candidates == ["gamma", "delta"]
    assert "could be gamma, delta" in str(caught.value)
    assert "--from" in str(caught.value)
    assert caught.value.file == "cred.json"


def test_unknown_input_lists_the_readable_formats(registry: FormatRegistry) -> None:
    with pytest.raises(UnknownFormatError) as caught:
        registry.detect(b"plain text", "notes.txt")
    message = str(caught.value)
    assert message.startswith("notes.txt: cannot tell the format")
    assert "(one of: alpha, beta, gamma, delta, crashy)" in message  # not write-only
    assert caught.value.exit_code == 2  # an input error, not a negative answer


def test_shared_extension_and_no_content_match(registry: FormatRegistry) -> None:
    with pytest.raises(UnknownFormatError, match="extension matches alpha, beta, content "
                                                 "matches none"):
        registry.detect(b"<gamma/>", "cred.xml")


def test_a_crashing_sniffer_counts_as_no(registry: FormatRegistry) -> None:
    # crashy's sniffer raises on every input: detection goes on without it
    assert registry.detect(b"<alpha/>", None).name == "alpha"
    with pytest.raises(UnknownFormatError):
        registry.detect(b"boom", "x.bin")


def test_by_name_and_capabilities(registry: FormatRegistry) -> None:
    assert registry.get("alpha").name == "alpha"
    with pytest.raises(UnknownFormatError, match="unknown format 'omega'; known formats: alpha"):
        registry.get("omega")
    with pytest.raises(UsageError, match="cannot be read"):
        registry.get("write-only", need="read")
    with pytest.raises(UsageError, match="cannot be written"):
        registry.get("alpha", need="write")
    assert registry.by_extension("cred.wo") == []  # only readable formats are detected


def test_duplicate_format_names_are_a_plugin_error(registry: FormatRegistry) -> None:
    with pytest.raises(PluginError, match="'alpha' from plugin other is already registered"):
        registry.register(Fake("alpha", (), None), "other")


# --- the installed formats -------------------------------------------------------------------


def test_builtin_formats_detected_by_extension(fixtures: Path) -> None:
    assert credbridge.detect(fixtures / "csv" / "two-credentials.csv").name == "csv"
    assert credbridge.detect(
        fixtures / "canonical" / "complete.canonical.json").name == "canonical"


def test_builtin_formats_detected_by_content(fixtures: Path) -> None:
    canonical = (fixtures / "canonical" / "complete.canonical.json").read_bytes()
    assert credbridge.detect(canonical).name == "canonical"
    assert credbridge.detect(io.BytesIO(canonical)).name == "canonical"
    csv_data = (fixtures / "csv" / "two-credentials.csv").read_bytes()
    assert credbridge.detect(csv_data).name == "csv"


def test_renamed_file_is_detected_by_content(fixtures: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((fixtures / "canonical" / "complete.canonical.json").read_bytes())
    assert credbridge.detect(renamed).name == "canonical"
    lines = tmp_path / "batch.txt"
    lines.write_bytes(b'{"title":{"en":"A"},"learning_outcomes":[{"text":{"en":"x"}}]}\n')
    assert credbridge.detect(lines).name == "canonical"


def test_unknown_content_is_an_error_naming_the_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear registry,\nplease find attached...\n", "utf-8")
    with pytest.raises(UnknownFormatError) as caught:
        credbridge.detect(notes)
    assert caught.value.file == str(notes)
    assert "canonical" in str(caught.value) and "csv" in str(caught.value)


def test_explicit_from_wins_over_detection(fixtures: Path) -> None:
    data = (fixtures / "canonical" / "complete.canonical.json").read_bytes()
    (cred,) = credbridge.read(data, from_format="canonical")
    assert cred.levels is not None and cred.levels.eqf == 4
    with pytest.raises(UnknownFormatError):
        list(credbridge.read(b"hello", from_format="nosuch"))


def test_a_verifiable_credential_of_no_family_says_what_it_is() -> None:
    """A W3C VC that is no Open Badges, CLR or ELM credential (DCC's vc-test-fixtures hold
    such): the refusal says what the document is before it asks for --from."""
    import json

    import pytest
    from credbridge.errors import UnknownFormatError
    from credbridge.plugin_manager import get_formats

    doc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
           "issuer": "did:example:1", "issuanceDate": "2021-09-06T00:00:00Z",
           "credentialSubject": {"id": "did:example:2", "name": "Ya Ya Na"}}
    with pytest.raises(UnknownFormatError, match=r"^vc.json: a W3C Verifiable Credential "
                       r"\(VerifiableCredential\) that names no Open Badges, CLR or European "
                       r"Learning Model type or context .*cannot tell the format"):
        get_formats().detect(json.dumps(doc).encode(), "vc.json")
    with pytest.raises(UnknownFormatError, match=r"^plain.json: cannot tell the format"):
        get_formats().detect(b'{"a": 1}', "plain.json")


def test_an_xml_document_of_no_format_names_its_root_and_namespace() -> None:
    """An XML document no reader claims (an EWP response without ELMO, an EDCI 0.4 draft
    presentation): the refusal names its root element and namespace, read from the text."""
    import pytest
    from credbridge.errors import UnknownFormatError
    from credbridge.plugin_manager import get_formats

    doc = (b'<?xml version="1.0"?>\n<!-- a comment <elmo> -->\n'
           b'<ewp:response xmlns:ewp="https://github.com/erasmus-without-paper/ewp-specs-api-tors'
           b'/tree/master" xmlns="urn:other"><ewp:tor/></ewp:response>')
    with pytest.raises(UnknownFormatError, match=r"an XML document \(root element 'response', "
                       r"namespace 'https://github.com/erasmus-without-paper/ewp-specs-api-tors"
                       r"/tree/master'\) that no format reads: cannot tell the format"):
        get_formats().detect(doc, "tor.xml")
    with pytest.raises(UnknownFormatError, match=r"root element 'note', no namespace"):
        get_formats().detect(b"<note><to>x</to></note>", "note.xml")
