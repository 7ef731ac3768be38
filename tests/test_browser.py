"""Every page of a run opened in Debian's headless Chromium, offline, as an approver would open it.

Playwright drives the system browser at /usr/bin/chromium; it never downloads one. The tests skip
only when that browser is absent (CI installs it, see .ci/run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import CHROMIUM, FixtureRun

pytestmark = pytest.mark.browser

# Waits for every image to decode (rejects if one cannot) and gives its natural width.
DECODED_WIDTHS = """
Promise.all([...document.images].map(async img => { await img.decode(); return img.naturalWidth; }))
"""
# Text that only appears where Python source leaked into a page.
PYTHON_SOURCE_MARKERS = ("import ", "params_path", "def ", "from kpro_econ")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page  # noqa: E402  (only with a browser)


@dataclass
class PageVisit:
    """What happened while one page loaded."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="session", params=["default_run_dir", "fixture_run"])
def run_dir(request: pytest.FixtureRequest) -> Path:
    """Both runs: the real notebooks, and the fixture notebook (which always has a chart)."""
    value = request.getfixturevalue(request.param)
    return value.run_dir if isinstance(value, FixtureRun) else Path(value)


def _pages(run_dir: Path) -> list[Path]:
    return [run_dir / "index.html", *sorted(p for p in run_dir.glob("*.html") if p.name != "index.html")]


def _visit(browser: Browser, html: Path) -> tuple[Page, PageVisit]:
    page = browser.new_page()
    visit = PageVisit()
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and visit.problems.append(message.text))
    page.on("pageerror", lambda error: visit.problems.append(str(error)))
    page.goto(html.as_uri(), wait_until="load")
    return page, visit


def test_every_page_loads_without_errors_or_network(browser: Browser, run_dir: Path) -> None:
    for html in _pages(run_dir):
        page, visit = _visit(browser, html)
        try:
            assert visit.problems == [], f"{html.name}: {visit.problems}"
            # Chromium does not report data: URIs (the embedded images) as requests; they are let
            # through anyway, should a future version do so. Anything else is a download.
            foreign = [url for url in visit.requests if url != html.as_uri() and not url.startswith("data:")]
            assert foreign == [], f"{html.name} requested {foreign}"
        finally:
            page.close()


def test_every_image_decodes(browser: Browser, run_dir: Path) -> None:
    for html in _pages(run_dir):
        page, _ = _visit(browser, html)
        try:
            widths = page.evaluate(DECODED_WIDTHS)
            assert all(width > 0 for width in widths), f"{html.name}: {widths}"
            sources = page.eval_on_selector_all("img", "imgs => imgs.map(img => img.getAttribute('src'))")
            assert all(src.startswith("data:image/") for src in sources), f"{html.name}: not embedded"
        finally:
            page.close()


def test_no_code_is_visible(browser: Browser, run_dir: Path) -> None:
    for html in _pages(run_dir):
        page, _ = _visit(browser, html)
        try:
            for selector in (
                ".jp-CodeCell .jp-InputArea",
                ".jp-InputArea-editor",
                ".jp-InputPrompt",
                ".jp-OutputPrompt",
            ):
                assert page.locator(selector).count() == 0, f"{html.name}: {selector}"
            for text in page.locator("pre").all_inner_texts():
                leaked = [marker for marker in PYTHON_SOURCE_MARKERS if marker in text]
                assert not leaked, f"{html.name}: code in <pre>: {text[:200]!r}"
            assert "Traceback" not in page.inner_text("body"), html.name
        finally:
            page.close()


def test_every_link_on_the_index_resolves_to_a_file_in_the_run(browser: Browser, run_dir: Path) -> None:
    page, _ = _visit(browser, run_dir / "index.html")
    try:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    finally:
        page.close()
    reports = {p.name for p in _pages(run_dir)} - {"index.html"}
    linked = set()
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", href
        target = Path(unquote(url.path))
        assert target.is_file(), href
        assert run_dir in target.parents, f"{href} points outside the run folder"
        linked.add(target.relative_to(run_dir).as_posix())
    assert reports <= linked, f"reports without a link: {reports - linked}"
    assert "data/tables.xlsx" in linked
    assert {p.relative_to(run_dir).as_posix() for p in (run_dir / "data").glob("*.csv")} <= linked


def test_pages_are_danish_and_titled(browser: Browser, run_dir: Path) -> None:
    for html in _pages(run_dir):
        page, _ = _visit(browser, html)
        try:
            assert page.get_attribute("html", "lang") == "da", html.name
            assert page.title().strip(), html.name
            assert "Udkast – afventer intern godkendelse" in page.inner_text("body"), html.name
        finally:
            page.close()


# A4 at CSS pixels (96 per inch): 210 mm wide, less the summary's 12 mm side margins.
A4_CONTENT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)


def test_the_steering_summary_prints_on_one_a4_page_with_nothing_cut_off(
    browser: Browser, default_run_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": A4_CONTENT_WIDTH_PX, "height": 1100})
    page.goto((default_run_dir / "steering_summary.html").as_uri())
    page.emulate_media(media="print")
    overflow = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        f"{A4_CONTENT_WIDTH_PX} + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert overflow == []
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    page.close()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1
    assert b"%PDF" in pdf[:8]
