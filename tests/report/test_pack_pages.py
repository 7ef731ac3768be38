"""The pages of the pack: the status file approve and release write, the table of contents, the headers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from kpro_econ.params.codes import RunState
from kpro_econ.run.pack_status import status_text, write_pack_status
from kpro_econ.run.render import DRAFT_STATUS, ReportHeader, ReportLink, add_contents, render_report

# 11:42 UTC on 29 November is 12:42 in Copenhagen (winter time).
WHEN = datetime(2026, 11, 29, 11, 42, tzinfo=UTC)


def _status_record(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^window\.kproPackStatus = (\{.*\});$", text, re.MULTILINE)
    assert match, text
    record: dict[str, object] = json.loads(match.group(1))
    return record


@pytest.mark.parametrize(("state", "text"), [
    (RunState.DRAFT, "Udkast – afventer intern godkendelse"),
    (RunState.APPROVED, "Godkendt internt af Anna Holm 29. november 2026 kl. 12.42"),
    (RunState.RELEASED, "Frigivet til forretningsstyregruppen 29. november 2026 kl. 12.42 "
                        "(godkendt internt af Anna Holm)"),
])
def test_status_texts_are_danish(state: RunState, text: str) -> None:
    assert status_text(state, "Anna Holm", WHEN) == text


def test_the_status_file_is_a_script_setting_data_only(tmp_path: Path) -> None:
    name = 'Anna "</script><script>alert(1)</script>'
    path = write_pack_status(tmp_path, RunState.APPROVED, name, WHEN)
    assert path == tmp_path / "approval-status.js"
    text = path.read_text(encoding="utf-8")
    assert "</script>" not in text and "<" not in text  # non-ASCII and markup characters are JSON escapes
    record = _status_record(path)
    assert record["state"] == "approved"
    assert record["approver"] == name
    assert record["text"] == f"Godkendt internt af {name} 29. november 2026 kl. 12.42"
    assert record["when"] == "2026-11-29T11:42:00+00:00"
    assert record["steering"] == []  # nothing released: nothing for the index to link
    write_pack_status(tmp_path, RunState.RELEASED, "Bent", WHEN, steering=["Bilag.pdf", "Bilag.html"])
    released = _status_record(path)
    assert released["state"] == "released"
    assert released["steering"] == ["Bilag.html", "Bilag.pdf"]
    assert [p.name for p in tmp_path.iterdir()] == ["approval-status.js"]  # no temporary file left


def _notebook(*markdown: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text) for text in markdown]
    return nb


def test_contents_list_every_section_heading_nested(tmp_path: Path) -> None:
    nb = _notebook("# Titel\n\nIndledning", "## Udgifter & <æøå>\n\ntekst", "### Pr. år", "### Pr. linje",
                   "## Risici", "## Kilder")
    html = render_report(nb, ReportHeader("Titel", "run", "p.yaml"))
    nav = re.search(r'<nav aria-label="Indhold" class="kpro-toc">(.*?)</nav>', html, re.DOTALL)
    assert nav, html[:2000]
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', nav.group(1))
    assert [text for _, text in links] == ["Udgifter &amp; &lt;æøå&gt;", "Pr. år", "Pr. linje", "Risici", "Kilder"]
    for anchor, _ in links:
        assert len(re.findall(rf'<h[23] id="{anchor}"', html)) == 1, anchor
    # The two `###` sit in a list inside the first `##`'s item.
    assert re.search(r"<li><a href=\"#afsnit-1\">[^<]*</a><ol><li><a href=\"#afsnit-2\">", nav.group(1))
    # Open (a phone's script folds it), and a link back to the top of the page.
    assert nav.group(1).startswith('<details open=""><summary class="kpro-toc-title">Indhold</summary><ol>')
    assert '<a class="kpro-top" href="#kpro-top">Til toppen</a>' in html and 'id="kpro-top"' in html


def test_a_page_with_one_section_or_none_wanted_gets_no_contents() -> None:
    one = render_report(_notebook("# Titel", "## Kun ét afsnit"), ReportHeader("Titel", "run", "p.yaml"))
    assert 'class="kpro-toc"' not in one
    unwanted = add_contents('<nav class="kpro-toc"></nav><div class="jp-RenderedMarkdown"><h2>a</h2><h2>b</h2></div>',
                            wanted=False)
    assert 'class="kpro-toc"' not in unwanted


def test_pack_header_links_the_other_reports_and_marks_this_one() -> None:
    reports = (ReportLink("Omkostninger", "cost_model.html"), ReportLink("Risici <&>", "risk_register.html"))
    html = render_report(_notebook("# Omkostninger"),
                         ReportHeader("Omkostninger", "run-1", "p.yaml", reports=reports, current="cost_model.html"))
    nav = re.search(r'<nav aria-label="Rapporterne i pakken" class="kpro-nav">(.*?)</nav>', html, re.DOTALL)
    assert nav
    assert re.findall(r'href="([^"]+)"', nav.group(1)) == ["index.html", "risk_register.html"]
    assert "Risici &lt;&amp;&gt;" in nav.group(1)
    assert '<span aria-current="page">Omkostninger</span>' in nav.group(1)
    assert "run-1" in html and "p.yaml" in html
    assert '<script src="approval-status.js">' in html  # a draft shows the run's later state


def test_steering_header_names_period_date_and_state_not_the_run() -> None:
    header = ReportHeader("Risikorapport", "20261129-114200-default", "default.yaml", style="steering",
                          period="2. halvår 2026", date="29. november 2026", contents=False)
    html = render_report(_notebook("# Risikorapport", "## A", "## B"), header)
    top = html[html.index('<header class="kpro-header'):html.index("</header>")]
    assert "2. halvår 2026" in top and "29. november 2026" in top and DRAFT_STATUS in top
    assert "20261129-114200-default" not in html and "default.yaml" not in html
    assert 'class="kpro-toc"' not in html and 'class="kpro-top"' not in html  # one printed page


def test_a_released_page_stands_alone() -> None:
    header = ReportHeader("Risikorapport", "run", "p.yaml", status="Godkendt internt af Anna", style="steering")
    html = render_report(_notebook("# Risikorapport"), header)
    assert "approval-status.js" not in html and "<script src" not in html
    assert 'href="index.html"' not in html  # nothing to go back to beside the released files


def test_a_run_changed_after_approval_names_its_changed_pages(tmp_path: Path) -> None:
    write_pack_status(tmp_path, RunState.CHANGED, "Anna", WHEN, changed=["risk_register.html", "cost_model.html"])
    record = _status_record(tmp_path / "approval-status.js")
    assert record["state"] == "changed"
    assert record["text"] == "Ændret efter godkendelse – må ikke bruges"
    assert record["changed"] == ["cost_model.html", "risk_register.html"]
    assert record["page_text"] == "Denne side er ændret efter godkendelsen – må ikke bruges"
    write_pack_status(tmp_path, RunState.APPROVED, "Anna", WHEN)
    assert "changed" not in _status_record(tmp_path / "approval-status.js")
