"""Open every page of the built book in headless Chromium and check what a reader would see.

The book must already be built (`make test` builds it first; alone: `make book`). Each page must load with
no request to any host but 127.0.0.1, no console error, every image decoded, a figure on every notebook
page, and its math typeset by the vendored MathJax.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# Pages of the executed notebooks (book/generated/*.ipynb); each must show at least one figure.
NOTEBOOK_PAGES = "book/generated/"
# Browser-internal schemes that never reach the network.
LOCAL_SCHEMES = {"data", "blob", "about"}
MATHJAX_TIMEOUT_MS = 10_000

# Text of the page outside code and typeset math, where a raw TeX delimiter means math was not rendered.
RAW_TEXT_JS = """() => {
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA', 'MJX-CONTAINER']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    }});
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
  return parts.join(' ');
}"""

# Load every image now (even lazy ones) and report which failed to decode.
IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth}));
}"""


def _pages() -> list[str]:
    """Every built HTML page, relative to the site root (assets under _static are not pages)."""
    return sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
                  if "_static" not in path.relative_to(SITE).parts)


PAGES = _pages() if SITE.is_dir() else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site_url():
    """Serve the built book on 127.0.0.1; the server is ended by its PID."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(SITE)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"http.server did not start on port {port}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by playwright (never `playwright install`: nothing is downloaded)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` as root or `sudo apt-get install -y chromium`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_book_is_built():
    assert SITE.is_dir() and PAGES, f"no built book in {SITE}: run `make book` first (`make test` does)"
    assert any(page.startswith(NOTEBOOK_PAGES) for page in PAGES), f"no notebook page under {NOTEBOOK_PAGES}"


@pytest.mark.browser
@pytest.mark.parametrize("page_path", PAGES)
def test_page(page_path, site_url, browser):
    """One page: offline, quiet console, decoded images, typeset math."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = browser.new_page()
    foreign, errors = [], []

    def on_request(request):
        url = urlparse(request.url)
        if url.scheme not in LOCAL_SCHEMES and url.hostname != "127.0.0.1":
            foreign.append(request.url)

    page.on("request", on_request)
    page.on("response", lambda response: errors.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 400 else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site_url}/{page_path}", wait_until="networkidle")

    if page.locator(".math").count() > 0:
        try:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=MATHJAX_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            pytest.fail(f"the page has math but MathJax did not start within {MATHJAX_TIMEOUT_MS} ms")
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("mjx-container").count() > 0, "math on this page was not typeset by MathJax"
    raw_text = page.evaluate(RAW_TEXT_JS)
    images = page.evaluate(IMAGES_JS)
    page.wait_for_load_state("networkidle")  # fonts MathJax asked for, images loaded late
    page.close()

    assert not foreign, f"requests to other hosts: {foreign}"
    assert not errors, f"console errors: {errors}"
    undecoded = [image["src"] for image in images if image["width"] == 0]
    assert not undecoded, f"images that did not decode: {undecoded}"
    if page_path.startswith(NOTEBOOK_PAGES):
        assert images, "a notebook page shows no image: were its figures lost (MPLBACKEND set)?"
    raw = [delimiter for delimiter in ("$$", "\\(", "\\[") if delimiter in raw_text]
    assert not raw, f"raw TeX delimiters {raw} left in the page text: math was not rendered"
