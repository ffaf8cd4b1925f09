"""Open every page of the built book in headless Chromium and check what a reader would see.

The book must already be built (`make test` builds it first; alone: `make book`). Each page must load with
no request to any host but 127.0.0.1, no console error, every image decoded, a figure on every notebook
page, and its math typeset by the vendored MathJax. What it shows is checked too: every Markdown table is an
HTML table (none left as a paragraph of pipes), a notebook page opens with its title and claim before any
code, no output shows a path of the build machine or a Python warning, and no code block is wider than the
page.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("DEBIASOOD_SITE", ROOT / "_build" / "html"))  # another built copy, e.g. an old one
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# Pages of the executed notebooks (book/generated/*.ipynb); each must show at least one figure.
NOTEBOOK_PAGES = "book/generated/"
# Browser-internal schemes that never reach the network.
LOCAL_SCHEMES = {"data", "blob", "about"}
MATHJAX_TIMEOUT_MS = 10_000
# A laptop-sized window: code blocks must fit the page at this width without a horizontal scroll bar.
VIEWPORT = {"width": 1280, "height": 900}
# The delimiter row of a Markdown pipe table (|---|:--:|): left in a page's text, a table was not rendered.
TABLE_DELIMITER = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")
# Absolute paths of the build machine: the checkout, the home folder, and the usual system roots.
MACHINE_PATH = re.compile("|".join([re.escape(str(Path(__file__).resolve().parents[1])),
                                    re.escape(os.path.expanduser("~")) + r"(?=/)", r"site-packages",
                                    r"(?<![\w.~])/(?:home|root|tmp|usr|opt|var|work|mnt|srv|etc|proc)/"]))
# What a Python warning or a traceback prints (`path.py:12: SomeWarning: text`, `warnings.warn(...)`).
PYTHON_WARNING = re.compile(r"\b[A-Z]\w*Warning\b:|\bwarnings\.warn\(|Traceback \(most recent call last\)")

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


# Everything the checks below need from a loaded page, measured in the browser.
LAYOUT_JS = """() => {
  const article = document.querySelector('article') || document.body;
  const hidden = el => el.offsetParent === null;
  const firstCell = article.querySelector('div.cell');
  const firstHeading = article.querySelector('h1');
  const claim = Array.from(article.querySelectorAll('strong')).find(el => el.textContent.trim() === 'Claim.');
  const before = (a, b) => !!a && (!b || !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));
  const text = el => el.innerText || '';
  return {
    outputTables: article.querySelectorAll('div.cell_output table').length,
    outputs: Array.from(article.querySelectorAll('div.cell_output')).map(text),
    headingBeforeCode: before(firstHeading, firstCell),
    claimBeforeCode: before(claim, firstCell),
    methodReferenceLinks: Array.from(article.querySelectorAll('a[href]'))
      .filter(a => a.getAttribute('href').split('#')[0].endsWith('method_reference.html')).length,
    overflowing: Array.from(article.querySelectorAll('pre')).filter(el => !hidden(el))
      .filter(el => el.scrollWidth > el.clientWidth + 1)
      .map(el => ({width: el.scrollWidth, room: el.clientWidth,
                   line: text(el).split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '')})),
  };
}"""


def _markdown_tables(page_path: str) -> int:
    """How many Markdown tables the notebook behind a page prints: the delimiter rows of its text/markdown
    outputs, read from the copy of the executed notebook that the site keeps under _sources/."""
    notebook = json.loads((SITE / "_sources" / Path(page_path).with_suffix(".ipynb")).read_text())
    markdown = [output["data"]["text/markdown"] for cell in notebook["cells"] for output in cell.get("outputs", [])
                if "text/markdown" in output.get("data", {})]
    return sum(len(TABLE_DELIMITER.findall("".join(text))) for text in markdown)


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

    page = browser.new_page(viewport=VIEWPORT)
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
    layout = page.evaluate(LAYOUT_JS)
    page.close()

    assert not foreign, f"requests to other hosts: {foreign}"
    assert not errors, f"console errors: {errors}"
    undecoded = [image["src"] for image in images if image["width"] == 0]
    assert not undecoded, f"images that did not decode: {undecoded}"
    if page_path.startswith(NOTEBOOK_PAGES):
        assert images, "a notebook page shows no image: were its figures lost (MPLBACKEND set)?"
    raw = [delimiter for delimiter in ("$$", "\\(", "\\[") if delimiter in raw_text]
    assert not raw, f"raw TeX delimiters {raw} left in the page text: math was not rendered"

    pipes = TABLE_DELIMITER.findall(raw_text)
    assert not pipes, f"Markdown tables shown as text, not as HTML tables: {pipes[:3]}"
    if page_path.startswith(NOTEBOOK_PAGES):
        printed = _markdown_tables(page_path)
        assert layout["outputTables"] == printed, (
            f"the notebook prints {printed} Markdown table(s) but the page shows {layout['outputTables']} HTML "
            "table(s) in its outputs (nb_render_markdown_format in _config.yml?)")
        assert layout["headingBeforeCode"], "the page opens with code: its H1 title must come first"
        assert layout["claimBeforeCode"], "the page must state its **Claim.** before the first code cell"
        assert layout["methodReferenceLinks"], "the page does not link the method reference (method_reference.md)"
    paths = [match.group(0) for output in layout["outputs"] for match in [MACHINE_PATH.search(output)] if match]
    assert not paths, f"outputs show paths of the build machine: {paths}"
    warned = [match.group(0) for output in layout["outputs"] for match in [PYTHON_WARNING.search(output)] if match]
    assert not warned, f"outputs show Python warnings or tracebacks: {warned}"
    assert not layout["overflowing"], f"code blocks wider than the page (scroll bars): {layout['overflowing']}"
