"""The default run's budget follow-up: both CSVs in data/ and in tables.xlsx, the section in the cost report
and the line on the steering summary; and the section opened in Debian's headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import CHROMIUM

pytestmark = pytest.mark.e2e

FIRST_IMAGE_AFTER = """heading => {
  const h = [...document.querySelectorAll('h3')].find(e => e.textContent.includes(heading));
  const img = [...document.images].find(i => h.compareDocumentPosition(i) & Node.DOCUMENT_POSITION_FOLLOWING);
  return img.decode().then(() => [img.naturalWidth, img.getAttribute('src').slice(0, 11)]);
}"""


def test_the_default_run_writes_both_tables(default_run_dir: Path) -> None:
    followup = pd.read_csv(default_run_dir / "data" / "budget_followup.csv")
    reconciliation = pd.read_csv(default_run_dir / "data" / "invoice_reconciliation.csv")
    assert list(followup.columns) == ["year", "line_code", "line", "budget_dkk", "actual_dkk", "forecast_dkk",
                                      "variance_dkk", "variance_pct", "budget_run"]
    assert list(reconciliation.columns) == ["agreement", "agreement_name", "period", "expected_dkk", "booked_dkk",
                                            "difference_dkk", "status", "references"]
    assert set(reconciliation["status"]) == {"ok", "mangler", "dobbelt", "afvigelse"}
    # The workbook is for people: Danish headers, the line's name without its code (report/excel.py).
    sheet = pd.read_excel(default_run_dir / "data" / "tables.xlsx", sheet_name="Budgetopfølgning", engine="openpyxl")
    assert len(sheet) == len(followup)
    assert list(sheet.columns) == ["År", "Udgiftslinje", "Budget", "Bogført", "Forventet regnskab", "Afvigelse",
                                   "Afvigelse i %", "Budget fra kørsel"]


def test_the_cost_report_has_the_section_and_the_summary_the_line(default_run_dir: Path) -> None:
    cost = (default_run_dir / "cost_model.html").read_text(encoding="utf-8")
    for text in ("Budgetopfølgning", "Advarsel: eksempeldata.", "Fakturaer, der ikke stemmer",
                 "kørslens eget skøn bruges som budget"):
        assert text in cost, text
    steering = (default_run_dir / "steering_summary.html").read_text(encoding="utf-8")
    # one 2026 figure: the headline names it, the budget line says what it is and whose budget it meets
    assert "Forventet regnskab 2026 (bogført + resten af året)" in steering
    assert "Forventet regnskab 2026 (nøgletallet) er det bogførte" in steering
    assert "kørslens eget skøn, da ingen kørsel er godkendt endnu" in steering and "størst på" in steering
    assert "Udgifter 2026" not in steering


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")
def test_the_section_in_the_browser(browser, default_run_dir: Path) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto((default_run_dir / "cost_model.html").as_uri(), wait_until="load")
        heading = page.get_by_role("heading", name="Budgetopfølgning", exact=True)
        assert heading.count() == 1 and heading.is_visible()
        warning = page.locator(".kpro-warning", has_text="De bogførte udgifter er genererede eksempeldata")
        assert warning.is_visible()
        current = page.locator("table", has=page.locator("caption", has_text="Budgetopfølgning 2026"))
        assert current.count() == 1
        assert current.locator("tbody tr").last.inner_text().startswith("I alt")
        listed = page.locator("table", has=page.locator("caption", has_text="Fakturaer, der ikke stemmer"))
        rows = [row.split("\t") for row in listed.locator("tbody tr").all_inner_texts()]
        assert [(r[1], r[5]) for r in rows] == [("2025K3", "Mangler"), ("2025", "Afvigelse"), ("2025-03", "Dobbelt")]
        # The first image after the chart's heading, in document order, is the chart: embedded and decoded.
        width, source = page.evaluate(FIRST_IMAGE_AFTER, "Budget, bogført og forventet regnskab pr. år")
        assert width > 0 and source.startswith("data:image/")
        assert problems == []
    finally:
        page.close()
