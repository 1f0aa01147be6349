"""XAdES-B seals credbridge makes (convert --to edc-xml --sign) verified by an independent
implementation: Debian's xmlsec1 (the XML Security Library, on OpenSSL), offline, with the
test CA as its only trusted certificate. The SignedProperties reference is found by its Id
(`--id-attr`); a byte changed in the credential, a foreign root, or a seal without the CA
fails there too. Skips, naming the reason, when xmlsec1 is not installed
(`apt-get install xmlsec1`; .ci/run installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from credbridge.cli import cli
from cryptography.hazmat.primitives import serialization
from trust_kit import make_ca, sealer

XADES = "http://uri.etsi.org/01903/v1.3.2#"
AT = "2026-06-01+00:00:00"
"""The time xmlsec1 checks the certificates at (within the test certificates' validity)."""


def _xmlsec() -> str:
    found = shutil.which("xmlsec1")
    if found is None:
        pytest.skip("xmlsec1 is not installed (Debian: apt-get install xmlsec1)")
    return found


def _pem(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _verify(xmlsec: str, document: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [xmlsec, "--verify", "--id-attr:Id", f"{XADES}:SignedProperties",
         "--trusted-pem", str(root), "--verification-gmt-time", AT, str(document)],
        capture_output=True, text=True, timeout=60, check=False)


def _sources(shared: Path, fixtures: Path) -> list[Path]:
    """An ELM fixture and the shared EDC XML samples (each re-sealed as EDC XML)."""
    found = [fixtures / "elm" / "microcredential-full.jsonld"]
    found += sorted((shared / "samples" / "edc-xml").glob("*.xml"))
    return found


def test_xmlsec1_verifies_credbridge_xades(tmp_path: Path, fixtures: Path,
                                           shared: Path) -> None:
    xmlsec = _xmlsec()
    ca_key, ca = make_ca()
    key, cert = sealer(ca_key, ca)
    private = _pem(tmp_path, "seal.pem", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    chain = _pem(tmp_path, "chain.pem", cert.public_bytes(serialization.Encoding.PEM))
    root = _pem(tmp_path, "root.pem", ca.public_bytes(serialization.Encoding.PEM))
    _, other = make_ca()
    foreign = _pem(tmp_path, "foreign.pem", other.public_bytes(serialization.Encoding.PEM))
    runner = CliRunner()
    checked = []
    for n, source in enumerate(_sources(shared, fixtures)):
        out = tmp_path / f"sealed-{n}.xml"
        done = runner.invoke(cli, ["convert", str(source), "--to", "edc-xml", "--sign",
                                   str(private), "--cert", str(chain), "-o", str(out), "-q"])
        assert done.exit_code == 0, (source.name, done.output)
        result = _verify(xmlsec, out, root)
        assert result.returncode == 0 and "OK" in result.stdout + result.stderr, (
            source.name, result.stdout, result.stderr)
        assert "References (ok/all): 2/2" in result.stdout + result.stderr  # doc + props
        checked.append(source.name)
        data = out.read_bytes()
        spot = data.index(b"</title>") - 1  # a byte of the credential's title
        tampered = _pem(tmp_path, f"tampered-{n}.xml",
                        data[:spot] + bytes([data[spot] ^ 1]) + data[spot + 1:])
        assert _verify(xmlsec, tampered, root).returncode != 0, source.name
        assert _verify(xmlsec, out, foreign).returncode != 0, source.name  # not its CA
    assert len(checked) == len(_sources(shared, fixtures)), checked
