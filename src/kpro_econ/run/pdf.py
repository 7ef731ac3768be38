"""Print a page to an A4 PDF with Playwright, in a Chromium-family browser the user names.

`--browser` is a path to a Chrome, Edge or Chromium executable, or the name of an installed
channel (`chrome`, `msedge`); the default is Debian's `/usr/bin/chromium`. Playwright is never
asked to download a browser, and the page may load nothing from the network.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kpro_econ.errors import KproError

if TYPE_CHECKING:
    from playwright.sync_api import Page

DEFAULT_BROWSER = "/usr/bin/chromium"
# Installed browsers Playwright can find by channel name ("chromium" would mean its own download).
CHANNELS = ("chrome", "chrome-beta", "chrome-dev", "chrome-canary", "msedge", "msedge-beta", "msedge-dev",
            "msedge-canary")
# No background traffic: a closed network refuses it, and the pack must not depend on it.
_FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync"]
_TIMEOUT_MS = 120_000
_T = TypeVar("_T")


def in_a_thread_of_its_own(work: Callable[[], _T]) -> _T:
    """`work()` in a fresh thread: Playwright's sync API refuses a thread whose asyncio loop is running
    (a Jupyter kernel's, or another Playwright session's), and a fresh thread has none."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def check_browser(browser: str) -> str | None:
    """The channel `browser` names, or None for a path to an executable; an error if there is none."""
    if browser in CHANNELS:
        return browser
    if not Path(browser).is_file():
        hint = "msedge" if sys.platform == "win32" else "chrome"
        raise KproError(f"--browser: {browser} findes ikke; angiv stien til Chrome, Edge eller Chromium "
                        f"eller en installeret kanal som --browser {hint}")
    return None


@contextmanager
def browser_tab(browser: str, what: str) -> Iterator[Page]:
    """A tab of `browser` (a path or a channel) that may load only `file:` and `data:` URLs; Playwright's
    errors become one line naming `what` is being printed."""
    from playwright.sync_api import Error, Route, sync_playwright

    channel = check_browser(browser)

    def local_only(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    try:
        with sync_playwright() as playwright:
            launched = (playwright.chromium.launch(channel=channel, args=_FLAGS, timeout=_TIMEOUT_MS) if channel
                        else playwright.chromium.launch(executable_path=browser, args=_FLAGS, timeout=_TIMEOUT_MS))
            try:
                tab = launched.new_page()
                tab.route("**/*", local_only)
                yield tab
            finally:
                launched.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KproError(f"{what}: {browser} kunne ikke udskrive PDF: {first}") from None


def print_page(tab: Page, page: Path, pdf: Path, footer: str | None = None, css_size: bool = True) -> None:
    """Print `page` to `pdf` in `tab`: A4 unless its own @page rules say otherwise (with `css_size`), with
    `footer` (a Chromium footer template) in the bottom margin when given."""
    tab.goto(page.resolve().as_uri(), wait_until="load", timeout=_TIMEOUT_MS)
    tab.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=css_size,
            display_header_footer=footer is not None, header_template="<span></span>", footer_template=footer or "")
    if not pdf.is_file():
        raise KproError(f"{pdf.name}: browseren skrev ingen PDF")


def print_pdf(page: Path, pdf: Path, browser: str = DEFAULT_BROWSER) -> None:
    """Print `page` to `pdf` as A4 through Playwright's `page.pdf`, in `browser` (a path or a channel)."""
    def work() -> None:
        with browser_tab(browser, pdf.name) as tab:
            print_page(tab, page, pdf, css_size=False)  # the size its one-page layout was set for

    in_a_thread_of_its_own(work)
