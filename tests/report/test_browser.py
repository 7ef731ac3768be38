"""Every page of a run opened in Debian's headless Chromium, offline, as an approver would open it.

Playwright drives the system browser at /usr/bin/chromium; it never downloads one. The tests skip
only when that browser is absent (CI installs it, see .ci/run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

import pytest
from alt_helpers import split_alt
from conftest import APPROVERS, CHROMIUM, ApprovalProject, FixtureRun, copy_project, run_in_process

pytestmark = pytest.mark.browser

# Waits for every image to decode (rejects if one cannot) and gives its natural width.
DECODED_WIDTHS = """
Promise.all([...document.images].map(async img => { await img.decode(); return img.naturalWidth; }))
"""
# Text that only appears where Python source leaked into a page.
PYTHON_SOURCE_MARKERS = ("import ", "params_path", "def ", "from kpro_econ")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, ViewportSize  # noqa: E402  (only with a browser)

# Loading a page of the default run costs Chromium 0.6–0.85 CPU-s (its charts are embedded, up to 1 MB);
# laying out one already loaded at another size or medium costs 0.1–0.16. So each page of the default
# run is loaded once for this module and shared by the tests below, and each test sets the layout it reads
# (`_lay_out`) before reading: none relies on what an earlier test left (a size, print, a scroll).
# A report's own script folds its contents only when it loads on a phone, which no later change of size
# does: what a phone shows is read from pages loaded at a phone's width (`default_pages_on_a_phone`).

# The size a page opens at when a test asks for none: Playwright's default viewport.
SCREEN = 1280, 720


@dataclass
class PageVisit:
    """What happened while one page loaded."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# Each page of a run, opened, with what happened while it loaded.
Visits = dict[Path, tuple[Page, PageVisit]]


@pytest.fixture(scope="session", params=["default_run_dir", "fixture_run"])
def run_name(request: pytest.FixtureRequest) -> str:
    """The fixture that makes each run."""
    return str(request.param)


@pytest.fixture(scope="session")
def run_dir(request: pytest.FixtureRequest, run_name: str) -> Path:
    """Both runs: the real notebooks, and the fixture notebook (which always has a chart)."""
    value = request.getfixturevalue(run_name)
    return value.run_dir if isinstance(value, FixtureRun) else Path(value)


def _pages(run_dir: Path) -> list[Path]:
    return [run_dir / "index.html", *sorted(p for p in run_dir.glob("*.html") if p.name != "index.html")]


def _visit(browser: Browser, html: Path, viewport: ViewportSize | None = None) -> tuple[Page, PageVisit]:
    page = browser.new_page(viewport=viewport)
    visit = PageVisit()
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and visit.problems.append(message.text))
    page.on("pageerror", lambda error: visit.problems.append(str(error)))
    page.goto(html.as_uri(), wait_until="load")
    return page, visit


def _lay_out(page: Page, width: int, height: int, media: Literal["screen", "print"] = "screen") -> Page:
    """`page` at `width` × `height` CSS px for `media`, scrolled to the top, whatever an earlier test left."""
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media=media)
    page.evaluate("window.scrollTo(0, 0)")
    return page


def _load(browser: Browser, run_dir: Path, viewport: ViewportSize | None = None) -> Iterator[Visits]:
    visits = {html: _visit(browser, html, viewport) for html in _pages(run_dir)}
    yield visits
    for page, _ in visits.values():
        page.close()


@pytest.fixture(scope="module")
def default_pages(browser: Browser, default_run_dir: Path) -> Iterator[Visits]:
    """Every page of the default run, loaded once for this module at the size a page opens at."""
    yield from _load(browser, default_run_dir)


@pytest.fixture(scope="module")
def fixture_run_pages(browser: Browser, fixture_run: FixtureRun) -> Iterator[Visits]:
    yield from _load(browser, fixture_run.run_dir)


@pytest.fixture
def opened(request: pytest.FixtureRequest, run_name: str) -> Visits:
    """Every page of the run, opened once for this module, on a screen of the size a page opens at."""
    visits = request.getfixturevalue("default_pages" if run_name == "default_run_dir" else "fixture_run_pages")
    for page, _ in visits.values():
        _lay_out(page, *SCREEN)
    return visits


def test_every_page_loads_without_errors_or_network(opened: Visits) -> None:
    for html, (_, visit) in opened.items():
        assert visit.problems == [], f"{html.name}: {visit.problems}"
        # Chromium does not report data: URIs (the embedded images) as requests; they are let
        # through anyway, should a future version do so. Anything else is a download.
        # The one file a page loads is the run's status script, from its own folder.
        status = (html.parent / "approval-status.js").as_uri()
        foreign = [url for url in visit.requests if url not in (html.as_uri(), status) and not url.startswith("data:")]
        assert foreign == [], f"{html.name} requested {foreign}"


def test_every_image_decodes(opened: Visits) -> None:
    for html, (page, _) in opened.items():
        widths = page.evaluate(DECODED_WIDTHS)
        assert all(width > 0 for width in widths), f"{html.name}: {widths}"
        sources = page.eval_on_selector_all("img", "imgs => imgs.map(img => img.getAttribute('src'))")
        assert all(src.startswith("data:image/") for src in sources), f"{html.name}: not embedded"


def test_no_code_is_visible(opened: Visits) -> None:
    for html, (page, _) in opened.items():
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


def test_every_link_on_the_index_resolves_to_a_file_in_the_run(opened: Visits, run_dir: Path) -> None:
    page, _ = opened[run_dir / "index.html"]
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
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


def test_pages_are_danish_and_titled(opened: Visits) -> None:
    for html, (page, _) in opened.items():
        assert page.get_attribute("html", "lang") == "da", html.name
        assert page.title().strip(), html.name
        assert "Udkast – afventer intern godkendelse" in page.inner_text("body"), html.name


# A4 at CSS pixels (96 per inch): 210 mm wide, less the summary's 10 mm side margins.
A4_CONTENT_WIDTH_PX = round((210 - 2 * 10) / 25.4 * 96)


def test_the_steering_summary_prints_on_one_a4_page_with_nothing_cut_off(
    default_pages: Visits, default_run_dir: Path
) -> None:
    page, _ = default_pages[default_run_dir / "steering_summary.html"]
    _lay_out(page, A4_CONTENT_WIDTH_PX, 1100, "print")
    overflow = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        f"{A4_CONTENT_WIDTH_PX} + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert overflow == []
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
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


def test_every_report_links_to_the_index_and_the_other_reports(opened: Visits, run_dir: Path) -> None:
    reports = _reports(run_dir)
    for html in reports:
        page, _ = opened[html]
        hrefs = page.eval_on_selector_all("nav.kpro-nav a[href]", "links => links.map(a => a.href)")
        current = page.inner_text("nav.kpro-nav [aria-current=page]")
        linked = {_local_target(href, run_dir)[0].name for href in hrefs}
        assert linked == {"index.html"} | {r.name for r in reports} - {html.name}, html.name
        assert current.strip(), f"{html.name}: the page itself is not marked in the links"


def test_the_table_of_contents_leads_to_each_heading(default_pages: Visits, default_run_dir: Path) -> None:
    for name in ("cost_model", "risk_register", "kpi_status"):
        page, _ = default_pages[default_run_dir / f"{name}.html"]
        _lay_out(page, *SCREEN)
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
        assert len(links) >= 4, f"{name}: {links}"
        assert [list(link) for link in links] == [list(h) for h in headings], name
        # Within a pixel: the browser scrolls to fractional positions and rounds (seen: -0.33 px).
        assert scrolled > 0 and -1 < top < height, f"{name}: {target} at {top}px, scrolled {scrolled}px"


# Each image's text alternative: an <img>'s alt, an inline <svg role="img">'s aria-label.
TEXT_ALTERNATIVES = """
[...document.querySelectorAll('img, svg[role=img]')].map(e => e.getAttribute('alt') ?? e.getAttribute('aria-label'))
"""


def test_every_chart_says_what_it_shows_not_only_its_title(
    browser: Browser, default_pages: Visits, released_project: ApprovalProject
) -> None:
    released = sorted((released_project.runs()[0] / "steering").glob("*.html"))
    described = 0
    for html in [*default_pages, *released]:
        if html in default_pages:
            alts = _lay_out(default_pages[html][0], *SCREEN).evaluate(TEXT_ALTERNATIVES)
        else:
            page, _ = _visit(browser, html)
            try:
                alts = page.evaluate(TEXT_ALTERNATIVES)
            finally:
                page.close()
        for alt in alts:
            # `Diagram: <title>. <what it shows>` from report.charts: more than the title
            assert alt is not None, html.name
            unsaid = ("uden titel", "uden beskrivelse", "No description")
            assert not any(m in alt for m in unsaid), f"{html.name}: {alt!r}"
            title, shows = split_alt(alt)
            assert title and shows and len(alt) > len(f"Diagram: {title}."), f"{html.name}: {alt!r}"
        described += len(alts)
    assert released and described >= 22  # every chart of the four reports and the released summary's heat map


def test_the_steering_page_is_headed_for_the_steering_group(default_pages: Visits, default_run_dir: Path) -> None:
    page, _ = default_pages[default_run_dir / "steering_summary.html"]
    _lay_out(page, *SCREEN)
    header = page.inner_text("header.kpro-header")
    has_contents = page.locator("nav.kpro-toc").count()
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


def test_a_page_changed_after_approval_says_so_once_status_has_checked(
    browser: Browser, approved_project: ApprovalProject, tmp_path: Path
) -> None:
    project = copy_project(approved_project, tmp_path / "project")
    run = project.runs()[0]
    edited = run / "cost_model.html"
    edited.write_text(edited.read_text(encoding="utf-8").replace("</body>", "<p>Rettet bagefter</p></body>"),
                      encoding="utf-8")
    status = run_in_process("status", cwd=project.root)
    assert status.stdout.splitlines()[0] == f"{run.name}  ændret efter godkendelse"
    shown: dict[str, list[str]] = {}
    for html in (edited, run / "kpi_status.html", run / "index.html", run / "steering_summary.html"):
        page, visit = _visit(browser, html)
        try:
            shown[html.name] = page.eval_on_selector_all(
                "[data-kpro-status]", "els => els.map(e => e.textContent + ' | ' + e.className)")
        finally:
            page.close()
        assert visit.problems == [], f"{html.name}: {visit.problems}"
    assert shown["cost_model.html"] == ["Denne side er ændret efter godkendelsen – må ikke bruges | kpro-status"]
    assert shown["kpi_status.html"] == ["Ændret efter godkendelse – må ikke bruges | kpro-status"]
    assert shown["index.html"] == ["Ændret efter godkendelse – må ikke bruges | status"]
    # the summary's draft mark keeps its warning box: no green stamp on a changed run
    assert "Ændret efter godkendelse – må ikke bruges | kpro-draft" in shown["steering_summary.html"]
    assert not any("Godkendt" in text for texts in shown.values() for text in texts)


# --- Every reader: printed, on a phone, on a wide screen -------------------------------------------------

MM_PER_INCH, CSS_PX_PER_INCH = 25.4, 96
WIDE, PHONE = 1400, 390
# Printed, a report is A4 landscape (297 mm, 12 mm side margins) and the steering summary A4 portrait
# (210 mm, 10 mm side margins): the width their pages lay out in, in CSS pixels.
A4_LANDSCAPE_CONTENT_PX = round((297 - 2 * 12) / MM_PER_INCH * CSS_PX_PER_INCH)  # 1032
A4_PORTRAIT_CONTENT_PX = round((210 - 2 * 10) / MM_PER_INCH * CSS_PX_PER_INCH)  # 718
# A4 in PDF points (1/72 inch): 595 × 842, landscape the other way round.
A4_POINTS = (210 / MM_PER_INCH * 72, 297 / MM_PER_INCH * 72)

# Every table whose right edge is past the page, or past the box that clips it. A table in a box that scrolls
# sideways is listed apart: on a phone that is allowed, if the box itself is on the page and can show it all.
TABLES_PAST_THE_PAGE = """
() => {
  const page = document.documentElement.clientWidth;
  const cut = [], scrolled = [];
  for (const table of document.querySelectorAll('table')) {
    const right = table.getBoundingClientRect().right;
    let box = table.parentElement;
    while (box && getComputedStyle(box).overflowX === 'visible') { box = box.parentElement; }
    const edge = box ? box.getBoundingClientRect().left + box.clientLeft + box.clientWidth : page;
    if (right <= Math.min(edge, page) + 1) { continue; }
    const name = (table.querySelector('th') || table).textContent.trim().slice(0, 40);
    const style = box ? getComputedStyle(box) : null;
    const scrolls = style && ['auto', 'scroll'].includes(style.overflowX) && style.visibility === 'visible'
      && box.clientWidth > 0 && box.getBoundingClientRect().right <= page + 1
      && box.scrollWidth + 1 >= table.getBoundingClientRect().width;
    (scrolls ? scrolled : cut).push(`${name} (${Math.round(right)} px > ${Math.round(Math.min(edge, page))} px)`);
  }
  return {cut, scrolled, page: document.documentElement.scrollWidth <= page + 1};
}
"""


def _paper(pdf: bytes) -> set[str]:
    """`A4 portrait` or `A4 landscape` for each page of `pdf` (within a point), else its size."""
    import re

    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes
    found = set()
    for width, height in ((float(w), float(h)) for w, h in boxes):
        for name, size in (("A4 portrait", A4_POINTS), ("A4 landscape", A4_POINTS[::-1])):
            if abs(width - size[0]) <= 1.5 and abs(height - size[1]) <= 1.5:
                found.add(name)
                break
        else:
            found.add(f"{width} × {height} pt")
    return found


@pytest.fixture(scope="module")
def default_pages_on_a_phone(browser: Browser, default_run_dir: Path) -> Iterator[Visits]:
    """Every page of the default run, loaded once for this module at a phone's width: a report's script folds
    its contents as it loads there, not when a page loaded wider is narrowed."""
    yield from _load(browser, default_run_dir, {"width": PHONE, "height": 800})


@pytest.mark.parametrize("medium", ["wide", "phone", "print"])
def test_no_table_is_wider_than_its_page(request: pytest.FixtureRequest, medium: str) -> None:
    """At 1400 px and printed on A4 every table fits its page; on a phone one may scroll sideways in its own box."""
    pages = request.getfixturevalue("default_pages_on_a_phone" if medium == "phone" else "default_pages")
    problems = []
    for html, (page, _) in pages.items():
        portrait = html.name in ("steering_summary.html", "index.html")
        width = {"wide": WIDE, "phone": PHONE}.get(medium) or (
            A4_PORTRAIT_CONTENT_PX if portrait else A4_LANDSCAPE_CONTENT_PX)
        _lay_out(page, width, 900, "print" if medium == "print" else "screen")
        if medium == "print":
            # The page's own @page decides the paper: the summary portrait, the reports landscape.
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            assert _paper(pdf) == {"A4 portrait" if portrait else "A4 landscape"}, html.name
        found = page.evaluate(TABLES_PAST_THE_PAGE)
        allowed = found["scrolled"] if medium == "phone" else []
        problems += [f"{html.name}: {table}" for table in found["cut"] + found["scrolled"] if table not in allowed]
        if not found["page"]:
            problems.append(f"{html.name}: the page scrolls sideways")
    assert problems == []


def _register_rows(run_dir: Path) -> list[dict[str, str]]:
    import csv

    with (run_dir / "data" / "risk_register.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_steering_heat_map_prints_readable_and_says_what_it_shows(
    default_pages: Visits, default_run_dir: Path
) -> None:
    import pandas as pd
    from matplotlib.text import Text

    from kpro_econ.params.models import RiskSettings
    from kpro_econ.report.risk_charts import residual_heat_map

    page, _ = default_pages[default_run_dir / "steering_summary.html"]
    _lay_out(page, A4_PORTRAIT_CONTENT_PX, 1100, "print")
    shown = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.alt, i.getBoundingClientRect().width, i.naturalWidth])")
    assert len(shown) == 1
    alt, displayed, natural = shown[0]

    # The figure as the summary draws it, from the run's register (default params: the default bands).
    register = pd.read_csv(default_run_dir / "data" / "risk_register.csv", dtype=str)
    fig = residual_heat_map(register, RiskSettings().bands)
    fig.canvas.draw()
    inches = float(fig.get_size_inches()[0])
    assert natural == round(inches * CSS_PX_PER_INCH)  # the page shows this figure, drawn at this size
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    # A point in the figure is a point on paper when it is shown at its own size (96 CSS px per inch).
    printed = min(sizes) * displayed / (inches * CSS_PX_PER_INCH)
    assert printed >= 7, f"the smallest text prints at {printed:.1f} pt"

    # The alt text names the open risks in each band by their score after mitigation: the default bands
    # are lav 1–4, middel 5–9, høj 10–14, kritisk 15–25.
    bands: dict[str, list[str]] = {"Kritisk": [], "Høj": [], "Middel": [], "Lav": []}
    for risk in _register_rows(default_run_dir):
        if risk["status"] == "open":
            score = int(risk["likelihood_residual"]) * int(risk["impact_residual"])
            name = "Kritisk" if score >= 15 else "Høj" if score >= 10 else "Middel" if score >= 5 else "Lav"
            bands[name].append(risk["id"])
    said = "; ".join(f"{name}: {', '.join(sorted(ids)) or 'ingen'}" for name, ids in bands.items())
    assert alt == f"Diagram: Åbne risici efter tiltag. {said}."
    assert sum(len(ids) for ids in bands.values()) >= 10  # the default register's open risks


# Every element whose own text holds an amount (`6.966.636 kr.`), where its text does not fit it, or where a
# box around it cuts it off, or where it leaves the screen.
AMOUNTS_CUT = r"""
() => {
  const amount = /\d kr\./;
  const screen = document.documentElement.clientWidth;
  const cut = [];
  for (const element of document.querySelectorAll('body *')) {
    const own = [...element.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (!amount.test(own)) { continue; }
    const box = element.getBoundingClientRect();
    let clipped = element.scrollWidth > element.clientWidth + 1 || box.left < -1 || box.right > screen + 1;
    for (let up = element.parentElement; up && !clipped; up = up.parentElement) {
      if (getComputedStyle(up).overflowX === 'visible') { continue; }
      const outer = up.getBoundingClientRect();
      clipped = box.left < outer.left - 1 || box.right > outer.left + up.clientLeft + up.clientWidth + 1;
    }
    if (clipped) { cut.push(own.trim().slice(0, 60)); }
  }
  return cut;
}
"""


def _summary_on_a_phone(page: Page, html: Path) -> None:
    """The summary `html`, loaded in `page` at a phone's width, read on that phone."""
    _lay_out(page, PHONE, 800)
    cut = page.evaluate(AMOUNTS_CUT)
    amounts = page.evaluate(r"[...document.querySelectorAll('td')].filter(c => /\d kr\./.test(c.innerText)).length")
    columns = page.eval_on_selector_all(".kpro-row", """rows => rows.map(row => [...row.children].map(col => {
        const box = col.getBoundingClientRect(); return [box.left, box.top, box.bottom]; }))""")
    title = page.eval_on_selector(".jp-RenderedHTMLCommon h1", "h => [h.scrollWidth, h.clientWidth]")
    sideways = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert amounts >= 10  # headline figures, economy and the largest risks
    assert cut == [], f"{html.name}: {cut}"
    assert len(columns) >= 2 and all(len(row) == 2 for row in columns)
    for row in columns:  # one column: the second block starts under the first, at the same left edge
        (left, _, bottom), (second_left, second_top, _) = row
        assert second_left == left and second_top >= bottom - 1, f"{html.name}: {row}"
    assert title[0] <= title[1], f"{html.name}: the title is {title[0]} px wide in {title[1]} px"
    assert not sideways, html.name


def test_the_steering_summary_reads_on_a_phone(default_pages_on_a_phone: Visits, default_run_dir: Path) -> None:
    html = default_run_dir / "steering_summary.html"
    _summary_on_a_phone(default_pages_on_a_phone[html][0], html)


def test_the_released_summary_reads_on_a_phone_and_the_index_links_it(
    browser: Browser, released_project: ApprovalProject
) -> None:
    run = released_project.runs()[0]
    pack = sorted((run / "steering").iterdir())
    assert {p.suffix for p in pack} == {".html", ".pdf"}
    summary = next(p for p in pack if p.suffix == ".html")
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    try:
        page.goto(summary.as_uri())
        _summary_on_a_phone(page, summary)
    finally:
        page.close()

    page, visit = _visit(browser, run / "index.html")
    try:
        shown = page.is_visible("[data-kpro-released]")
        hrefs = page.eval_on_selector_all("[data-kpro-released] a", "links => links.map(a => a.href)")
    finally:
        page.close()
    assert visit.problems == []
    assert shown
    assert sorted(_local_target(href, run)[0] for href in hrefs) == pack


def test_a_draft_index_shows_no_steering_pack(default_pages: Visits, default_run_dir: Path) -> None:
    page, _ = default_pages[default_run_dir / "index.html"]
    _lay_out(page, *SCREEN)
    assert page.locator("[data-kpro-released]").count() == 1
    assert not page.is_visible("[data-kpro-released]")


def test_the_status_file_links_only_files_in_the_steering_folder(browser: Browser, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from kpro_econ.params.codes import RunState
    from kpro_econ.run.pack_status import write_pack_status
    from kpro_econ.run.render import IndexPage, render_index

    index = IndexPage(title="Kommunal PRO", run_id="run", params_name="p.yaml", params_sha256="0" * 64,
                      started=datetime(2026, 11, 29, tzinfo=UTC), reports=[], workbook="data/tables.xlsx")
    (tmp_path / "index.html").write_text(render_index(index), encoding="utf-8")
    names = ["Bilag.pdf", "../manifest.json", "../../x.html", ".skjult.html", "a/b.html", "x.js", "Bilag 1 & 2.html"]
    write_pack_status(tmp_path, RunState.RELEASED, "Anna", datetime(2026, 11, 29, tzinfo=UTC), steering=names)
    page, visit = _visit(browser, tmp_path / "index.html")
    try:
        hrefs = page.eval_on_selector_all("[data-kpro-released] a", "links => links.map(a => a.getAttribute('href'))")
    finally:
        page.close()
    assert visit.problems == []
    assert sorted(hrefs) == ["steering/Bilag%201%20%26%202.html", "steering/Bilag.pdf"]


def test_long_pages_keep_their_contents_and_a_way_back_to_the_top(
    default_pages: Visits, default_pages_on_a_phone: Visits, default_run_dir: Path
) -> None:
    for name in ("cost_model", "risk_register", "kpi_status"):
        page, _ = default_pages[default_run_dir / f"{name}.html"]
        _lay_out(page, WIDE, 900)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        contents = page.eval_on_selector("nav.kpro-toc", "n => { const b = n.getBoundingClientRect(); return "
                                         "[b.top, b.bottom, b.left, b.right, n.querySelectorAll('a').length]; }")
        page.click("a.kpro-top")
        back = page.eval_on_selector("header.kpro-header", "h => [h.getBoundingClientRect().top, window.scrollY]")
        top, bottom, left, right, links = contents
        assert links >= 4 and 0 <= top < 900 and bottom > 0 and 0 <= left < right <= WIDE, f"{name}: {contents}"
        assert back[0] >= 0 and back[1] < 50, f"{name}: back at {back}"  # the header in view, at the top
    for html, (page, _) in list(default_pages_on_a_phone.items())[1:]:
        _lay_out(page, PHONE, 800)
        height = page.eval_on_selector("header.kpro-header", "h => h.getBoundingClientRect().height")
        assert height < 120, f"{html.name}: the header is {height:.0f} px high on a phone"
