"""Hostile text in the risk register shows as text and runs nowhere, in Debian's Chromium.

The real command line runs the real notebooks on a copy of the default params whose register (a copy
of `data/risk_register.csv`) has risks titled `<script>alert(1)</script>` and
`<img src=x onerror=alert(2)>`, an owner and a mitigation with markup too. Every page of the run is
opened in /usr/bin/chromium through Playwright (it never downloads a browser): no dialog may open,
no element may carry an event handler, and the titles must be readable text on the risk report.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CHROMIUM, REPO, CliRun, run_in_process

pytestmark = pytest.mark.browser


if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page  # noqa: E402  (only with a browser)

SCRIPT_TITLE = "<script>alert(1)</script>"
IMG_TITLE = "<img src=x onerror=alert(2)>"
HOVER_OWNER = '<b onmouseover="alert(3)">Ejer</b>'
SCRIPT_MITIGATION = "<script>alert(4)</script>"
HOSTILE = {  # risk id → field → text; R02 and R07 are in the pool, the top 10 and the tornado
    "R02": {"title": SCRIPT_TITLE},
    "R07": {"title": IMG_TITLE, "owner": HOVER_OWNER},
    "R14": {"mitigation": SCRIPT_MITIGATION},  # closed: shown in "Lukkede og indtrufne risici"
}
RISK_REPORT = "risk_register.html"
REGISTER_PAGES = ("risk_register", "steering_summary")


def hostile_register(target: Path) -> None:
    """`data/risk_register.csv` with the HOSTILE fields, written as a controller's CSV."""
    with (REPO / "data" / "risk_register.csv").open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [{**row, **HOSTILE.get(row["id"], {})} for row in reader]
        columns = list(reader.fieldnames or [])
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)


def hostile_params(folder: Path) -> Path:
    """The default params pointing at the hostile register; the other inputs by absolute path."""
    folder.mkdir(parents=True)
    hostile_register(folder / "risk_register.csv")
    text = (REPO / "params" / "default.yaml").read_text(encoding="utf-8")
    assert "../data/risk_register.csv" in text
    text = text.replace("../data/risk_register.csv", (folder / "risk_register.csv").as_posix())
    text = text.replace("../data/", (REPO / "data").as_posix() + "/")
    text = text.replace("allowed_signers: approvers", f"allowed_signers: {(REPO / 'params' / 'approvers').as_posix()}")
    params = folder / "hostile.yaml"
    params.write_text(text, encoding="utf-8")
    return params


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile-run")
    params = hostile_params(base / "params")
    out_dir = base / "reports"
    # The pages that show the register's text (the cost and KPI reports show none of it): a whole run
    # would double this module's time for pages that cannot hold the hostile text.
    done = run_in_process("run", str(params), "--out", str(out_dir), *(f"--only={name}" for name in REGISTER_PAGES),
                          cwd=base)
    run = CliRun(out_dir, done.returncode, done.stdout, done.stderr)
    assert run.returncode == 0, run.stderr
    return run.run_dir


def pages_of(run_dir: Path) -> list[Path]:
    pages = sorted(run_dir.glob("*.html"))
    assert [p.stem for p in pages] == sorted(["index", *REGISTER_PAGES])
    return pages


@dataclass
class Visit:
    """One page opened with its dialogs recorded (and dismissed) and its requests listed."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def open_page(browser: Browser, html: Path) -> Visit:
    visit = Visit(browser.new_page())
    visit.page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    visit.page.on("request", lambda request: visit.requests.append(request.url))
    visit.page.goto(html.as_uri(), wait_until="load")
    return visit


def test_no_dialog_opens_and_no_markup_is_live(browser: Browser, hostile_run: Path) -> None:
    for html in pages_of(hostile_run):
        visit = open_page(browser, html)
        page = visit.page
        try:
            for cell in page.locator("td", has_text="Ejer").all():  # markup there would fire on hover
                cell.hover()
            page.wait_for_timeout(300)
            assert visit.dialogs == [], f"{html.name}: dialogs {visit.dialogs}"
            live = page.locator("[onerror], [onmouseover], img[src='x']").count()
            assert live == 0, f"{html.name}: {live} elements with hostile attributes"
            scripts = page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert')).length")
            assert scripts == 0, html.name
            fetched = [url for url in visit.requests if url.endswith("/x")]
            assert fetched == [], f"{html.name} fetched {fetched}"
        finally:
            page.close()


def test_hostile_text_is_shown_as_text(browser: Browser, hostile_run: Path) -> None:
    page = open_page(browser, hostile_run / RISK_REPORT).page
    try:
        body = page.inner_text("body")
        for text in (SCRIPT_TITLE, IMG_TITLE, HOVER_OWNER, SCRIPT_MITIGATION):
            assert text in body, text
        # In the register, the top 10 and the pool: each a visible table cell of its own.
        for title in (SCRIPT_TITLE, IMG_TITLE):
            cells = page.locator("td").filter(has_text=title)
            assert cells.count() >= 3, title
            assert cells.first.is_visible()
            assert page.get_by_text(title, exact=True).first.is_visible()
    finally:
        page.close()


def test_hostile_text_is_escaped_in_the_file(hostile_run: Path) -> None:
    source = (hostile_run / RISK_REPORT).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert "&lt;img src=x onerror=alert(2)&gt;" in source
    assert SCRIPT_TITLE not in source and IMG_TITLE not in source and HOVER_OWNER not in source
