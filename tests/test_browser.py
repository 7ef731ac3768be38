"""Every page of a run opened in Debian's headless Chromium, offline, as an approver would open it.

Playwright drives the system browser at /usr/bin/chromium; it never downloads one. The tests skip
only when that browser is absent (CI installs it, see .ci/run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import APPROVERS, CHROMIUM, ApprovalProject, FixtureRun

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
            # The one file a page loads is the run's status script, from its own folder.
            status = (html.parent / "approval-status.js").as_uri()
            foreign = [url for url in visit.requests
                       if url not in (html.as_uri(), status) and not url.startswith("data:")]
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


def _reports(run_dir: Path) -> list[Path]:
    return [p for p in _pages(run_dir) if p.name != "index.html"]


def _local_target(href: str, run_dir: Path) -> tuple[Path, str]:
    url = urlparse(href)
    assert url.scheme == "file", href
    target = Path(unquote(url.path))
    assert target.is_file(), href
    assert run_dir in target.parents, f"{href} points outside the run folder"
    return target, url.fragment


def test_every_report_links_to_the_index_and_the_other_reports(browser: Browser, run_dir: Path) -> None:
    reports = _reports(run_dir)
    for html in reports:
        page, _ = _visit(browser, html)
        try:
            hrefs = page.eval_on_selector_all("nav.kpro-nav a[href]", "links => links.map(a => a.href)")
            current = page.inner_text("nav.kpro-nav [aria-current=page]")
        finally:
            page.close()
        linked = {_local_target(href, run_dir)[0].name for href in hrefs}
        assert linked == {"index.html"} | {r.name for r in reports} - {html.name}, html.name
        assert current.strip(), f"{html.name}: the page itself is not marked in the links"


def test_the_table_of_contents_leads_to_each_heading(browser: Browser, default_run_dir: Path) -> None:
    for name in ("cost_model", "risk_register", "kpi_status"):
        html = default_run_dir / f"{name}.html"
        page, _ = _visit(browser, html)
        try:
            links = page.eval_on_selector_all(
                "nav.kpro-toc a", "links => links.map(a => [a.getAttribute('href'), a.textContent])")
            headings = page.eval_on_selector_all(
                ".jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3",
                "hs => hs.map(h => ['#' + h.id, h.textContent.trim()])")
            # Following the last entry scrolls down to its heading, which is then in view.
            target = links[-1][0]
            page.click(f"nav.kpro-toc a[href='{target}']")
            top = page.evaluate(f"document.getElementById('{target[1:]}').getBoundingClientRect().top")
            scrolled, height = page.evaluate("[window.scrollY, window.innerHeight]")
        finally:
            page.close()
        assert len(links) >= 4, f"{name}: {links}"
        assert [list(link) for link in links] == [list(h) for h in headings], name
        # Within a pixel: the browser scrolls to fractional positions and rounds (seen: -0.33 px).
    assert scrolled > 0 and -1 < top < height, f"{name}: {target} at {top}px, scrolled {scrolled}px"


def test_every_chart_is_described_by_its_title(browser: Browser, default_run_dir: Path) -> None:
    described = 0
    for html in _reports(default_run_dir):
        page, _ = _visit(browser, html)
        try:
            alts = page.eval_on_selector_all("img", "imgs => imgs.map(img => img.alt)")
        finally:
            page.close()
        for alt in alts:
            # `Diagram: <title>` from report.charts; a page that places a chart itself may describe it itself.
            assert alt.strip() and "uden titel" not in alt and "uden beskrivelse" not in alt, f"{html.name}: {alt!r}"
            assert "No description" not in alt
        described += len(alts)
    assert described >= 15  # every chart of the four reports


def test_the_steering_page_is_headed_for_the_steering_group(browser: Browser, default_run_dir: Path) -> None:
    page, _ = _visit(browser, default_run_dir / "steering_summary.html")
    try:
        header = page.inner_text("header.kpro-header")
        has_contents = page.locator("nav.kpro-toc").count()
    finally:
        page.close()
    assert "Periode" in header and "2. halvår 2026" in header  # summary.period in params/default.yaml
    assert "Dato" in header and "Status" in header
    assert default_run_dir.name not in header and "default.yaml" not in header
    assert "Kørsel" not in header and "Parametre" not in header
    assert has_contents == 0  # one printed page: no table of contents


def test_an_approved_run_shows_its_approval_on_every_page(browser: Browser, approved_project: ApprovalProject) -> None:
    run = approved_project.runs()[0]
    _, name, role = APPROVERS["anna"]
    for html in _pages(run):
        page, visit = _visit(browser, html)
        try:
            shown = page.eval_on_selector_all("[data-kpro-status]", "els => els.map(e => e.textContent)")
            body = page.inner_text("body")
        finally:
            page.close()
        assert visit.problems == [], f"{html.name}: {visit.problems}"
        assert shown, html.name
        assert all(text.startswith(f"Godkendt internt af {name} ({role}) ") for text in shown), f"{html.name}: {shown}"
        assert "Udkast" not in body and "UDKAST" not in body, html.name
