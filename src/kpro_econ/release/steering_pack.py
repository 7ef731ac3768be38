"""Release an approved run to the steering group: the summary as HTML and as an A4 PDF attachment.

The summary is made from the approved run's own tables (no model run), after checking that every
file is still exactly as approved; the PDF is printed by headless Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from babel.dates import format_date

from kpro_econ.errors import KproError
from kpro_econ.inputs.overrides import ParamsReader, parse_overrides
from kpro_econ.inputs.run_records import read_manifest
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.release.approval import RELEASE, STEERING, check_release
from kpro_econ.run.execute import NotebookJob, execute_and_render
from kpro_econ.run.runfolder import sha256_file
from kpro_econ.run.runner import default_notebooks_dir

SUMMARY_NOTEBOOK = "steering_summary.ipynb"
CHROMIUM = "/usr/bin/chromium"
# Flags for a headless Chromium that prints and never reaches out to the network.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")


def attachment_name(period: str) -> str:
    """What the steering group's papers call it: `Bilag - Risikorapport Kommunal PRO <period>`."""
    return f"Bilag - Risikorapport Kommunal PRO {period}".replace("/", "-")


def release(run_dir: Path, notebooks_dir: Path | None = None, chromium: str = CHROMIUM) -> Path:
    """Write `RUN/steering/` (HTML, PDF, release.json) for an approved, unchanged run; return the PDF."""
    approval = check_release(run_dir)
    if (run_dir / STEERING).exists():
        raise KproError(f"{run_dir}: kørslen er allerede frigivet ({run_dir / STEERING})")
    manifest = read_manifest(run_dir)
    params_path = Path(manifest["params"]["path"])
    # as the run read them: its extends chain and its --set overrides
    reader = ParamsReader(parse_overrides(manifest.get("overrides", [])))
    params = load_params(params_path, reader)[0][BASE_SCENARIO]
    period = params.summary.period or str(format_date(datetime.now(UTC), "MMMM y", locale="da"))
    name = attachment_name(period)
    role = f", {approval['role']}" if approval.get("role") else ""
    status = f"Godkendt internt af {approval['approved_by']}{role}"
    with tempfile.TemporaryDirectory(prefix="kpro-release-") as scratch:
        work = Path(scratch)
        job = NotebookJob(
            source=(notebooks_dir or default_notebooks_dir()) / SUMMARY_NOTEBOOK,
            executed=work / SUMMARY_NOTEBOOK,
            params_path=params_path.resolve(),
            run_id=run_dir.name,
            params_name=params_path.name,
            cell_timeout=300,
            run_dir=str(run_dir.resolve()),
            status=status,
        )
        result = execute_and_render(job)
        if result.html is None:
            failure = result.failure
            raise KproError(f"{SUMMARY_NOTEBOOK}: resuméet kunne ikke laves: {failure}")
        pack = work / STEERING
        pack.mkdir()
        page = pack / f"{name}.html"
        page.write_text(result.html, encoding="utf-8")
        pdf = pack / f"{name}.pdf"
        print_pdf(page, pdf, chromium)
        record = {
            "run_id": run_dir.name,
            "released_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "approved_by": approval["approved_by"],
            "period": period,
            "files": {path.name: sha256_file(path) for path in (page, pdf)},
        }
        (pack / RELEASE).write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        # Copied next to its final place, then renamed: the pack appears whole or not at all.
        staged = run_dir / f".{STEERING}-{os.getpid()}"
        shutil.copytree(pack, staged)
        os.rename(staged, run_dir / STEERING)
    return run_dir / STEERING / pdf.name


def print_pdf(page: Path, pdf: Path, chromium: str = CHROMIUM) -> None:
    """Print `page` to an A4 PDF (the page's own @page rule sets the size) with headless Chromium."""
    if not Path(chromium).is_file():
        raise KproError(f"{chromium}: Chromium mangler; installer Debians pakke (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="kpro-chromium-") as profile:
        done = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )
    if done.returncode != 0 or not pdf.is_file():
        raise KproError(f"{pdf.name}: Chromium kunne ikke udskrive PDF (kode {done.returncode}): {done.stderr[-300:]}")
