"""Baked badges: OB 2.0 and OB 3.0 in PNG iTXt chunks and SVG elements, both directions."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from credbridge.convert import read, write
from credbridge.errors import InputError, UsageError
from credbridge.plugin_manager import get_formats
from credbridge.plugins.openbadges import baking


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (baking.PNG_SIGNATURE + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
       b'height="10"><circle r="4" cx="5" cy="5"/></svg>')


@pytest.fixture(scope="session")
def mc(fixtures: Path) -> object:
    """The complete micro-credential."""
    return next(read(fixtures / "ob3" / "microcredential.canonical.json"))


def image_file(folder: Path, data: bytes, name: str = "badge.png") -> Path:
    """``data`` as an image file to bake into (``bake`` names a file)."""
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["ob3", "ob2"])
@pytest.mark.parametrize("image", ["png", "svg"])
def test_bake_and_unbake(mc: object, fmt: str, image: str, tmp_path: Path) -> None:
    picture = image_file(tmp_path, tiny_png() if image == "png" else SVG, f"badge.{image}")
    baked = write([mc], None, to=fmt, options={"bake": picture}) or b""  # type: ignore[list-item]
    plain = write([mc], None, to=fmt) or b""  # type: ignore[list-item]
    assert baked.startswith(b"\x89PNG") if image == "png" else b"<svg" in baked
    found = baking.unbake(baked)
    assert (found.version, found.container) == (fmt, image)
    assert json.loads(found.text) == json.loads(plain)
    assert get_formats().detect(baked[:8192]).name == fmt
    [back] = list(read(baked))
    assert back.title == mc.title  # type: ignore[attr-defined]
    assert back.to_json_dict() == next(read(plain)).to_json_dict()


def test_png_chunk_is_well_formed() -> None:
    baked = baking.bake_png(tiny_png(), '{"a": 1}', "ob3")
    kinds = [kind for kind, _ in baking.png_chunks(baked)]
    assert kinds == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    rebaked = baking.bake_png(baked, '{"a": 2}', "ob3")
    assert baking.unbake_png(rebaked).text == '{"a": 2}'
    assert [k for k, _ in baking.png_chunks(rebaked)].count(b"iTXt") == 1


def test_cli_bake(fixtures: Path, tmp_path: Path) -> None:
    image = tmp_path / "badge.png"
    image.write_bytes(tiny_png())
    out = tmp_path / "baked.png"
    result = CliRunner().invoke(cli, ["convert", str(fixtures / "ob3" / "vc11-hashed-"
                                      "recipient.json"), "--to", "ob3", "--bake", str(image),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["show", str(out)])
    assert result.exit_code == 0, result.output
    assert "Circular Product Design" in result.output


def test_image_without_badge_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no baked badge"):
        list(read(tiny_png(), from_format="ob3"))
    with pytest.raises(InputError, match="no baked badge"):
        list(read(SVG, from_format="ob2"))
    with pytest.raises(InputError, match="truncated"):
        baking.png_chunks(tiny_png()[:20])


def test_badge_chunk_beyond_the_sniffed_bytes(mc: object, tmp_path: Path) -> None:
    """A PNG whose badge chunk comes after a large image chunk is still detected (as ob3, whose
    reader reads either version) and read."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    png = tiny_png()
    padded = image_file(tmp_path, png[:-12] + chunk(b"tEXt", b"Comment\x00" + b"x" * 20000)
                        + png[-12:])
    for fmt in ("ob2", "ob3"):
        baked = write([mc], None, to=fmt, options={"bake": padded}) or b""  # type: ignore[list-item]
        # move the badge chunk to the end: after the big tEXt chunk
        chunks = baking.png_chunks(baked)
        badge = next(c for c in chunks if c[0] == b"iTXt")
        rest = [c for c in chunks if c[0] != b"iTXt"]
        rebuilt = baking.PNG_SIGNATURE + b"".join(chunk(k, b) for k, b in rest[:-1]) + \
            chunk(*badge) + chunk(b"IEND", b"")
        assert get_formats().detect(rebuilt[:8192]).name == "ob3"
        [back] = list(read(rebuilt))
        assert back.title == mc.title  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["ob3", "ob2"])
def test_bake_is_one_credential_per_image(mc: object, fmt: str, tmp_path: Path) -> None:
    """Two credentials cannot go into one image, and a missing image is named: both are errors
    of the call (exit code 2), before anything is written."""
    picture = image_file(tmp_path, tiny_png())
    with pytest.raises(UsageError, match="one credential per image"):
        write([mc, mc], None, to=fmt, options={"bake": picture})  # type: ignore[list-item]
    missing = tmp_path / "missing.png"
    with pytest.raises(UsageError, match="cannot read the image to bake"):
        write([mc], None, to=fmt, options={"bake": missing})  # type: ignore[list-item]


def test_bake_into_a_directory_of_badges(fixtures: Path, tmp_path: Path) -> None:
    """``-o DIR/`` bakes every credential of the input into its own copy of the image."""
    from credbridge.batch import Batch, run

    picture = image_file(tmp_path, tiny_png())
    result = run(Batch([fixtures / "csv" / "two-credentials.csv"], to="ob3",
                       output=str(tmp_path / "out") + "/", options={"bake": picture}))
    assert result.exit_code == 0
    assert len(result.written_files) == 2
    for name in result.written_files:
        baked = Path(name).read_bytes()
        assert baking.unbake(baked).version == "ob3"
        assert [k for k, _ in baking.png_chunks(baked)].count(b"iTXt") == 1
