"""The whole pack as one PDF, for the approver who reads on paper: `release` writes it beside the summary
(recorded in the ledger's release line), `run --pdf` into a draft's run folder (among its hashed outputs).
Printed by the system Chromium and read back with pypdf."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import (
    CHROMIUM,
    ApprovalProject,
    copy_project,
    notebooks_folder,
    run_in_process,
    use_fixture_stand_ins,
)
from pypdf import PdfReader

WHOLE = "Pakke - Kommunal PRO 2. halvår 2026.pdf"  # summary.period in params/default.yaml
# The pack's order (runner.PACK), each report by its notebook's title; the index first, as "Forside".
RELEASED_TITLES = [
    "Forside",
    "Omkostningsmodel for Kommunal PRO",
    "Drift, udbredelse og roadmap – Kommunal PRO",
    "Risikorapport for Kommunal PRO",
    "Risikoresumé til forretningsstyregruppen – Kommunal PRO",
]


def texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def contents(first_page: str, titles: list[str]) -> list[int]:
    """The start page the table of contents gives for each title, in the order listed."""
    starts = []
    for title in titles:
        found = re.search(rf"^{re.escape(title)} (\d+)$", first_page, re.MULTILINE)
        assert found, f"{title} is not in the contents:\n{first_page}"
        starts.append(int(found.group(1)))
    return starts


def check_numbered_pack(pdf: Path, titles: list[str], first_lines: list[str]) -> list[str]:
    """Every page numbered "side i af N"; the contents list `titles` in order, each starting on the page
    whose text begins with the matching entry of `first_lines`. Returns the pages' text."""
    pages = texts(pdf)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"side {number} af {total}"), (number, text[-80:])
    flat = [" ".join(text.split()) for text in pages]  # a long heading wraps
    assert flat[0].startswith(first_lines[0])  # the pack's heading above the contents
    starts = contents(pages[0], titles)
    assert starts[0] == 2 and starts == sorted(starts) and len(set(starts)) == len(starts) and starts[-1] <= total
    for start, first_line in zip(starts, first_lines[1:], strict=True):
        assert flat[start - 1].startswith(first_line), (start, flat[start - 1][:120])
    return pages


@pytest.fixture
def released_copy(released_project: ApprovalProject, tmp_path: Path) -> ApprovalProject:
    return copy_project(released_project, tmp_path / "project")


def test_release_writes_the_whole_pack_numbered_with_contents_and_records_it(released_project: ApprovalProject,
                                                                             tmp_path: Path) -> None:
    run = released_project.runs()[0]
    whole = run / "steering" / WHOLE
    # The index's heading is the params' title; every report page begins with its own title.
    title = "Kommunal PRO – økonomi og risici"  # params/default.yaml
    pages = check_numbered_pack(whole, RELEASED_TITLES, [f"{title} – 2. halvår 2026", title, *RELEASED_TITLES[1:]])
    # The summary as released (its release footer names the approver), not the run's draft page.
    assert "Godkendt af" in pages[-1] and "Anna (afdelingsleder)" in pages[-1]
    # Reports print A4 landscape, the contents and the summary A4 portrait (their own @page rules): A4 is
    # 210 × 297 mm = 595.3 × 841.9 pt, to within a point as Chromium rounds it.
    cost_model = contents(pages[0], RELEASED_TITLES)[1]
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(whole).pages]
    for number, (width, height) in ((1, sizes[0]), (len(sizes), sizes[-1])):
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1, (number, width, height)
    width, height = sizes[cost_model - 1]
    assert abs(width - 841.9) < 1 and abs(height - 595.3) < 1, (cost_model, width, height)

    release_line = [line for line in (released_project.root / "reports" / "approvals.jsonl").read_text(
        encoding="utf-8").splitlines() if '"kind":"release"' in line.replace(" ", "")]
    assert len(release_line) == 1 and hashlib.sha256(whole.read_bytes()).hexdigest() in release_line[0]

    mailed = tmp_path / WHOLE  # as the approver received it
    shutil.copy(whole, mailed)
    done = run_in_process("verify", str(mailed), cwd=released_project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Frigivet: {WHOLE} er den fil, der blev frigivet fra kørsel {run.name}")


def test_an_edited_whole_pack_is_reported_ændret(released_copy: ApprovalProject) -> None:
    run = released_copy.runs()[0]
    with (run / "steering" / WHOLE).open("ab") as stream:
        stream.write(b"\n%rettet\n")
    status = run_in_process("status", str(run.relative_to(released_copy.root)), cwd=released_copy.root).stdout
    assert status.splitlines()[0] == f"{run.name}  ændret efter godkendelse"
    assert f"    afviger: {run.name}/steering/{WHOLE}: ændret" in status.splitlines()
    done = run_in_process("verify", str(run / "steering" / WHOLE), cwd=released_copy.root)
    assert done.returncode == 1


@pytest.mark.e2e
@pytest.mark.browser
def test_run_pdf_writes_the_drafts_pack_among_the_hashed_outputs(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from kpro_econ.records.run_records import read_manifest
    from kpro_econ.run import runner

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    notebooks = notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb")
    use_fixture_stand_ins(monkeypatch, notebooks)
    params = tmp_path / "p.yaml"
    params.write_text("title: prøve\n", encoding="utf-8")
    said: list[str] = []
    run = runner.run_workbook(params, out_dir=tmp_path / "reports", run_id="udkast", notebooks_dir=notebooks,
                              progress=said.append, pdf_browser=str(CHROMIUM))
    pdf = run / "pakke.pdf"
    assert read_manifest(run).outputs["pakke.pdf"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    # The fixture's title (conftest.FIXTURE_TITLE) heads the index and the contents.
    pages = check_numbered_pack(pdf, ["Forside", "Enkel prøverapport"],
                        ["Prøvepakke <med> & tegn – kørsel udkast", "Prøvepakke <med> & tegn", "Enkel prøverapport"])
    assert "Udskriver hele pakken til pakke.pdf" in said
    reader = PdfReader(pdf)
    assert reader.metadata is not None and reader.metadata.title == "Prøvepakke <med> & tegn – kørsel udkast"
    # Bookmarks to the contents and to each report's first page (0-based), as the contents give it.
    report_start = contents(pages[0], ["Enkel prøverapport"])[0]
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("Indhold", 0), ("Forside", 1), ("Enkel prøverapport", report_start - 1)]


def test_run_pdf_refuses_a_browser_that_is_not_there_before_any_work(tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("title: prøve\n", encoding="utf-8")
    done = run_in_process("run", str(params), "--out", str(tmp_path / "reports"), "--pdf",
                          "--browser", str(tmp_path / "ingen-browser"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"--browser: {tmp_path / 'ingen-browser'} findes ikke")
    assert not (tmp_path / "reports").exists()


@pytest.mark.e2e
def test_a_pdf_prints_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    """As from a Jupyter kernel (or beside the tests' own browser): Playwright's sync API refuses a thread
    whose asyncio loop runs, so the printing gets a thread of its own."""
    import asyncio
    import threading

    from kpro_econ.run.pdf import print_pdf

    page = tmp_path / "side.html"
    page.write_text('<!doctype html><html lang="da"><body><p>Prøve</p></body></html>', encoding="utf-8")

    async def inside_a_loop() -> None:
        print_pdf(page, tmp_path / "side.pdf")

    # A thread of the test's own, whose loop runs while it prints (this worker's may run one already).
    failed: list[BaseException] = []

    def loop_in_a_thread() -> None:
        try:
            asyncio.run(inside_a_loop())
        except BaseException as exc:  # reported below, in the test's thread
            failed.append(exc)

    thread = threading.Thread(target=loop_in_a_thread)
    thread.start()
    thread.join(timeout=300)
    assert failed == []
    assert (tmp_path / "side.pdf").read_bytes().startswith(b"%PDF")
