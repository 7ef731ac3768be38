"""Render executed notebooks and the front page as self-contained, offline HTML for approvers.

Reports use nbconvert's HTMLExporter with the `kpro_report` template (derived from `lab`): no code,
no prompts, no parameters cell, no stderr, nothing fetched from the internet, images as data: URIs.
The front page `index.html` is a plain Jinja2 page with autoescaping on.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from kpro_econ.report.times import danish_datetime
from kpro_econ.run.page_script import PAGE_SCRIPT

if TYPE_CHECKING:
    import nbformat

# nbformat and nbconvert are imported where they are used: the parent process of a run only
# renders the front page, and importing them costs it about a second (their schema validators).

TEMPLATES = Path(__file__).parent / "templates"
REPORT_TEMPLATE = "kpro_report"
INDEX_TEMPLATE = "index.html.j2"
DRAFT_STATUS = "Udkast – afventer intern godkendelse"

# Cells the reader must never see: Papermill's parameters (the defaults and the injected values)
# and anything an author tags to hide.
REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class ReportLink:
    title: str
    href: str


@dataclass(frozen=True)
class ReportHeader:
    """What the small header at the top of every report says, and where it links to.

    `style` "steering" is the steering group's page: title, period, date and state, nothing about
    runs or params files. `reports` are the pack's pages, linked from each (none on a page that
    stands alone, like the released summary). A draft page loads the pack's status script, so it
    shows the run's state after approve and release.
    """

    title: str
    run_id: str
    params_name: str
    status: str = DRAFT_STATUS
    style: str = "pack"
    period: str = ""
    date: str = ""
    reports: tuple[ReportLink, ...] = ()
    current: str = ""
    contents: bool = True
    footer: tuple[tuple[str, str], ...] = ()
    """A small footer of (label, value) pairs: the released summary's run, manifest, approvers, ledger head."""
    ledger_head: str = ""
    notice: str = ""
    """A partial run's notice (`run --only`), shown on every page of the run."""
    overrides: tuple[str, ...] = ()
    """`run --set PATH=VALUE`: the steering summary's footer names them."""

    @property
    def status_script(self) -> str:
        return PAGE_SCRIPT if self.status == DRAFT_STATUS else ""


@dataclass(frozen=True)
class IndexPage:
    """Everything on the approval pack's front page."""

    title: str
    run_id: str
    params_name: str
    params_sha256: str
    started: datetime
    reports: list[ReportLink]
    workbook: str
    csv_files: list[str] = field(default_factory=list)
    status: str = DRAFT_STATUS
    overrides: list[str] = field(default_factory=list)
    """`run --set PATH=VALUE`: the run differs from the params file in these values."""
    notice: str = ""
    """A partial run's notice (`run --only`)."""

    @property
    def status_script(self) -> str:
        return PAGE_SCRIPT


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` as nbformat 4."""
    import nbformat

    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return nb


def notebook_title(nb: Mapping[str, Any], fallback: str) -> str:
    """The Danish title: the `# heading` that opens the notebook's first markdown cell.

    Takes a notebook as nbformat reads it or as plain JSON (whose sources may be lists of lines).
    """
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"]
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            if line.startswith("# "):
                return line[2:].strip() or fallback
            if line.strip():
                return fallback
        return fallback
    return fallback


def prepare_for_report(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """A copy without parameter cells, stderr, warnings and error outputs, titled for the reader."""
    report = copy.deepcopy(nb)
    report.cells = [cell for cell in report.cells if not REMOVED_CELL_TAGS & set(_tags(cell))]
    for cell in report.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if _shown(output)]
    report.metadata["title"] = title
    return report


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    tags: list[str] = cell.get("metadata", {}).get("tags", [])
    return tags


def _shown(output: nbformat.NotebookNode) -> bool:
    if output.output_type == "error":
        return False
    return not (output.output_type == "stream" and output.get("name") == "stderr")


def render_report(nb: nbformat.NotebookNode, header: ReportHeader) -> str:
    """One executed notebook as a self-contained HTML page in Danish."""
    exporter = _report_exporter()
    resources: dict[str, Any] = {"kpro": header}
    body, _ = exporter.from_notebook_node(prepare_for_report(nb, header.title), resources=resources)
    return add_contents(body, header.contents)


def add_contents(page: str, wanted: bool = True) -> str:
    """The page with its table of contents: a link to each `##` and `###` heading of its text.

    nbconvert gives headings no ids when anchor links are off, so each gets `afsnit-N` (in page
    order, the same for the same notebook). A page with fewer than two headings gets none. The list
    is a `<details>`, open; the page's script folds it on a phone (the template's CSS makes it a
    sidebar on a wide window).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    nav = soup.find("nav", class_="kpro-toc")
    if nav is None:
        return page
    headings = soup.select(".jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3")
    if not wanted or len(headings) < 2:
        nav.decompose()
        return str(soup)
    # Open unless a phone folds it (the page's script): without scripts every reader sees it.
    folding = soup.new_tag("details", attrs={"open": ""})
    nav.append(folding)
    title = soup.new_tag("summary", attrs={"class": "kpro-toc-title"})
    title.string = "Indhold"
    folding.append(title)
    top = soup.new_tag("ol")
    folding.append(top)
    sub = None  # the list of `###` under the latest `##`
    for number, heading in enumerate(headings, start=1):
        anchor = str(heading.get("id") or f"afsnit-{number}")
        heading["id"] = anchor
        item = soup.new_tag("li")
        link = soup.new_tag("a", href=f"#{anchor}")
        link.string = heading.get_text(" ", strip=True)
        item.append(link)
        if heading.name == "h3" and sub is not None:
            sub.append(item)
            continue
        top.append(item)
        if heading.name == "h2":
            sub = soup.new_tag("ol")
            item.append(sub)
    for empty in [ol for ol in top.find_all("ol") if not ol.find("li")]:
        empty.decompose()
    return str(soup)


def _report_exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(  # type: ignore[no-untyped-call]  # nbconvert's traitlets are untyped
        template_name=REPORT_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        language_code="da",
        # Empty as a second line of defence: the template drops the blocks that would use them.
        require_js_url="",
        mathjax_url="",
        mermaid_js_url="",
        mermaid_layout_elk_js_url="",
        jquery_url="",
        jupyter_widgets_base_url="",
        filters={"strip_css_comments": strip_css_comments},
    )


def strip_css_comments(css: str) -> str:
    """CSS without its `/* … */` comments."""
    return _CSS_COMMENT.sub("", css)


def render_index(page: IndexPage) -> str:
    """The front page of the approval pack, every value HTML-escaped."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = environment.get_template(INDEX_TEMPLATE)
    return template.render(page=page, started=danish_datetime(page.started))
