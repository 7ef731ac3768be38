"""The whole pack as one PDF for the reader on paper: a table of contents, then every report as it prints
(the reports A4 landscape, the summary A4 portrait: their own @page rules), numbered "side X af Y".

Each report is printed on its own by the browser, then the PDFs are merged with pypdf. The numbers run
across the whole pack, which one print of one page cannot know: they are printed by the browser's footer
template on blank pages of each size, and each is laid over the page it numbers.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from kpro_econ.run.pdf import DEFAULT_BROWSER, browser_tab, in_a_thread_of_its_own, print_page
from kpro_econ.run.render import ReportLink

# Kept in the bottom margin of every page (the summary's is 7 mm, the reports' 12 mm).
FOOTER = ('<div style="width:100%;font:7pt sans-serif;text-align:right;padding:0 10mm 2mm 0;color:#444">'
          'side <span class="pageNumber"></span> af <span class="totalPages"></span></div>')
CONTENTS_TITLE = "Indhold"
INDEX_TITLE = "Forside"
DRAFT_PACK_PDF = "pakke.pdf"  # `run --pdf`: in the run folder, among its hashed outputs


@dataclass(frozen=True)
class PackPage:
    """One report of the pack: its title (for the table of contents) and its HTML page."""

    title: str
    page: Path


def pack_pages(run_dir: Path, reports: Sequence[ReportLink],
               instead: Mapping[str, Path] | None = None) -> list[PackPage]:
    """The index, then each of `reports` the run made, in the pack's order; a page named in `instead`
    (by its file name in the run folder) is taken from the path given there."""
    pages = [PackPage(INDEX_TITLE, run_dir / "index.html")]
    chosen = [(r.title, (instead or {}).get(r.href, run_dir / r.href)) for r in reports]
    return pages + [PackPage(title, page) for title, page in chosen if page.is_file()]


def contents_html(heading: str, entries: Sequence[tuple[str, int]]) -> str:
    """The first page: the pack's heading and each report with the page it starts on."""
    rows = "".join(f"<tr><td>{html.escape(title)}</td><td class=n>{start}</td></tr>" for title, start in entries)
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><style>'
        "@page { size: A4; margin: 20mm; } body { font: 11pt sans-serif; }"
        "table { border-collapse: collapse; width: 100%; } td { padding: 4pt 0; border-bottom: 1px solid #ccc; }"
        ".n { text-align: right; }</style></head><body>"
        f"<h1>{html.escape(heading)}</h1><h2>{CONTENTS_TITLE}</h2>"
        f"<table><tr><th style='text-align:left'>Rapport</th><th class=n>Side</th></tr>{rows}</table>"
        "</body></html>"
    )


def blank_pages_html(count: int, size: str) -> str:
    """`count` empty pages of `size` (CSS `@page` size), for the footer to number."""
    pages = '<div style="break-after: page; height: 1px"></div>' * (count - 1) + '<div style="height: 1px"></div>'
    return (f'<!doctype html><html><head><meta charset="utf-8"><style>@page {{ size: {size}; margin: 0 0 7mm 0; }}'
            f"body {{ margin: 0; }}</style></head><body>{pages}</body></html>")


def print_pack(heading: str, reports: Sequence[PackPage], pdf: Path, browser: str = DEFAULT_BROWSER) -> None:
    """Write `pdf`: a table of contents headed `heading`, then every report in order, numbered throughout."""
    in_a_thread_of_its_own(lambda: _print_pack(heading, reports, pdf, browser))


def _print_pack(heading: str, reports: Sequence[PackPage], pdf: Path, browser: str) -> None:
    from pypdf import PdfReader, PdfWriter

    with TemporaryDirectory(prefix="kpro-pack-") as scratch, browser_tab(browser, pdf.name) as tab:
        work = Path(scratch)
        printed = []
        for i, report in enumerate(reports):
            out = work / f"{i}.pdf"
            print_page(tab, report.page, out)
            printed.append(PdfReader(out))
        contents = work / "contents.html"
        contents_pages = 1
        while True:  # the starts depend on how many pages the contents take (one, for any real pack)
            starts, page = [], contents_pages + 1
            for report, reader in zip(reports, printed, strict=True):
                starts.append((report.title, page))
                page += len(reader.pages)
            contents.write_text(contents_html(heading, starts), encoding="utf-8")
            print_page(tab, contents, work / "contents.pdf")
            first = PdfReader(work / "contents.pdf")
            if len(first.pages) == contents_pages:
                break
            contents_pages = len(first.pages)
        writer = PdfWriter()
        for reader in (first, *printed):
            for sheet in reader.pages:
                writer.add_page(sheet)
        writer.add_metadata({"/Title": heading})
        writer.add_outline_item(title=CONTENTS_TITLE, page_number=0)  # bookmarks, for reading on screen
        for title, start in starts:
            writer.add_outline_item(title=title, page_number=start - 1)
        total = len(writer.pages)
        numbers = {}
        for landscape in (False, True):
            blank = work / f"numbers-{landscape}.html"
            blank.write_text(blank_pages_html(total, "A4 landscape" if landscape else "A4"), encoding="utf-8")
            print_page(tab, blank, work / f"numbers-{landscape}.pdf", footer=FOOTER)
            numbers[landscape] = PdfReader(work / f"numbers-{landscape}.pdf")
        for i, sheet in enumerate(writer.pages):
            landscape = float(sheet.mediabox.width) > float(sheet.mediabox.height)
            sheet.merge_page(numbers[landscape].pages[i])
        with pdf.open("wb") as out_file:
            writer.write(out_file)
