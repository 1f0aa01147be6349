"""Draw docs/images/serve-clerk.png: the clerk's page after a real conversion.

Run from the repository root with the serve extra, Playwright and Debian's chromium installed
(no browser download): ``python docs/serve_screenshot.py [--sample PATH]``. It starts
``credbridge serve`` on a free loopback port, uploads the sample (default: the EC's Annex I
ELM sample in ../shared/samples), converts it to ob3 and photographs the page.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
OUT = ROOT / "docs" / "images" / "serve-clerk.png"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT)
    parser.add_argument("--to", default="ob3")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium (apt-get install chromium)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "credbridge", "serve", "--port", str(port),
                               "--log-level", "warning"])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url + "/")
            page.set_input_files("#file", str(args.sample))
            page.wait_for_selector("#coverage-section:not([hidden])")
            page.select_option("#target", args.to)
            page.click("#convert")
            page.wait_for_selector("#result:not([hidden])")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            # the page down to the conversion's loss table (the heat-map below is long)
            page.evaluate("window.scrollTo(0, 0)")
            box = page.locator("#convert-section").bounding_box()
            height = int(box["y"] + box["height"] + 16) if box else 1600
            page.set_viewport_size({"width": 1200, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
