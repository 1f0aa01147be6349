"""The clerk's page in a real browser: Playwright driving Debian's chromium (never a browser
download) against ``credbridge serve`` on a loopback port. It loads the page, uploads a shared
sample, reads the card, the Annex I checklist and the heat-map, converts to ob3, checks the
loss table and downloads the output. Skipped where chromium or Playwright is absent, except
in CI (.ci/run installs chromium), where that is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.enable_socket

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI (.ci/run installs chromium; playwright is in the "
                    "test extra)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright")
    if CHROMIUM is None:
        _need("chromium")
    pytest.importorskip("uvicorn", reason="the serve extra is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import httpx

    folder = tmp_path_factory.mktemp("serve-browser")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "credbridge", "serve", "--port",
                                str(port), "--log-level", "warning"], stdout=log,
                               stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((folder / "server.log").read_text()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(15)
        log.close()


def test_the_clerk_converts_a_sample_to_ob3(browser: Any, service: str, shared: Path,
                                            tmp_path: Path) -> None:
    import httpx

    sample = shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
    page = browser.new_page(accept_downloads=True)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(service + "/")
    # accessible: every control has a label, the file input takes the keyboard focus
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select')]
        .filter(e => !document.querySelector(`label[for="${e.id}"]`)).map(e => e.id)""")
    assert unlabelled == []
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file"

    page.set_input_files("#file", str(sample))
    page.wait_for_selector("#detected:not([hidden])")
    assert page.inner_text("#format-name") == "elm"
    page.wait_for_selector("#coverage-section:not([hidden])")
    assert "Micro" in page.inner_text("#card h3") or page.inner_text("#card h3")
    rows = page.locator("#checklist tbody tr")
    assert rows.count() >= 16
    assert page.locator("#heatmap tbody tr").count() > 5
    page.wait_for_function("!document.getElementById('verify-note').textContent"
                           ".startsWith('Checking')")
    assert "no proof" in page.inner_text("#proofs")  # an unsigned sample

    page.select_option("#target", "ob3")
    page.click("#convert")
    page.wait_for_selector("#result:not([hidden])")
    summary = page.inner_text("#result-summary")
    assert summary.startswith("1 written, 0 failed"), summary
    expected = httpx.post(f"{service}/convert", params={"to": "ob3", "filename": sample.name,
                                                        "report": "only"},
                          content=sample.read_bytes()).json()
    lossy = {(m["code"], m.get("field") or "-") for m in expected["messages"]
             if m["code"] in ("dropped", "approximated", "defaulted")}
    shown = {(r.locator("td").nth(0).inner_text(), r.locator("td").nth(1).inner_text())
             for r in page.locator("#losses tbody tr.loss").all()}
    assert shown == lossy and shown, (shown, lossy)

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.name.endswith(".ob3.json")
    cli = subprocess.run([sys.executable, "-m", "credbridge", "convert", sample.name, "--to",
                          "ob3", "-q"], cwd=sample.parent, capture_output=True, check=True)
    assert target.read_bytes() == cli.stdout

    # nothing was asked of any other host
    assert all(u.startswith((service, "blob:", "data:")) for u in requested), requested
    page.close()


def test_the_clerk_sees_the_verifiers_outcomes(browser: Any, service: str, shared: Path
                                              ) -> None:
    import httpx

    sealed = sorted((shared / "corpus" / "elm").glob("credentials--*-signed.jsonld"))
    if not sealed:
        pytest.skip("no sealed EDC in ../shared/corpus/elm")
    expected = httpx.post(f"{service}/verify", params={"filename": sealed[0].name},
                          content=sealed[0].read_bytes()).json()[sealed[0].name]
    proof, = expected["proofs"]
    assert proof["status"] == "verified"
    page = browser.new_page()
    page.goto(service + "/")
    page.set_input_files("#file", str(sealed[0]))
    page.wait_for_selector("#proofs li.proof")
    line = page.inner_text("#proofs li.proof")
    assert line.startswith(f"verified ({proof['suite']})"), line
    assert proof["signer"] in line and proof["signed_at"] in line
    assert page.inner_text("#verify-note").startswith("Every proof verified")
    page.close()


def test_an_unreadable_file_is_one_sentence(browser: Any, service: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ob3.json"
    broken.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ')
    page = browser.new_page()
    page.goto(service + "/")
    page.set_input_files("#file", str(broken))
    page.wait_for_selector("#error:not([hidden])")
    message = page.inner_text("#error")
    assert message and "\n" not in message and "Traceback" not in message
    page.close()
