"""Writes `reports/index.html`, the overview of every run in the reports folder (`report.run_overview`).

Each run's state is the one `kpro-econ status` decides (`check_run`); the page is a convenience for
readers, rewritten by run, approve, release and status, and never trusted by any of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kpro_econ.errors import KproError
from kpro_econ.inputs.files import write_atomically
from kpro_econ.inputs.overrides import ParamsReader, parse_overrides
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.params.codes import BASE_SCENARIO, RunState
from kpro_econ.records.run_records import Manifest, os_reason, read_manifest, read_tables
from kpro_econ.release.approval import RunCheck, StartedElsewhere, check_run, run_folders
from kpro_econ.report.formatting import approver_names
from kpro_econ.report.run_overview import OVERVIEW, KeyFigures, RunRow, key_figures, overview_html
from kpro_econ.report.times import DANISH_TIME


def write_overview(out_dir: Path) -> str | None:
    """Rewrite `OUT/index.html` from the runs in `out_dir`; None when written, else one Danish line saying
    why not (the command that asked goes on: the overview is never worth failing a run for)."""
    try:
        rows = [run_row(folder) for folder in run_folders(out_dir)]
        page, text = out_dir / OVERVIEW, overview_html(rows)
        if not page.is_file() or page.read_text(encoding="utf-8", errors="replace") != text:
            write_atomically(page, text)
    except OSError as exc:
        return f"Oversigten {out_dir / OVERVIEW} blev ikke skrevet: {os_reason(exc)}"
    except (KproError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"Oversigten {out_dir / OVERVIEW} blev ikke skrevet: {reason}"
    return None


def run_row(run_dir: Path) -> RunRow:
    """One run as the overview shows it; what cannot be read is left out, the state says why."""
    try:
        check = check_run(run_dir)
    except StartedElsewhere:
        return unchecked_row(run_dir, "ikke kontrolleret")
    except KproError:
        return unchecked_row(run_dir, "ulæselig")
    return checked_row(check)


def unchecked_row(run_dir: Path, state: str) -> RunRow:
    """A run its check could not judge: what its manifest and tables still say."""
    return _row(run_dir, _manifest(run_dir), state)


def checked_row(check: RunCheck) -> RunRow:
    """A checked run as the overview shows it (`status` shows the same, from the check it already made)."""
    run_dir = check.run_dir
    approved = approver_names(check.approvals)
    released = check.state == RunState.RELEASED
    period = check.release.period if released and check.release is not None else None
    # The signed maker only when the signature verifies; else the login name, which anyone can set.
    maker = check.maker
    made_by = f"{maker.identity} (signeret)" if maker is not None and maker.signed else None
    return _row(run_dir, check.manifest, check.label, approved, released, period, made_by)


def _row(run_dir: Path, manifest: Manifest | None, state: str, approved: str = "",
         released: bool = False, period: str | None = None, made_by: str | None = None) -> RunRow:
    if manifest is None:
        return RunRow(run_dir.name, state)
    started = _started(manifest)
    year = started.astimezone(DANISH_TIME).year if started is not None else None
    return RunRow(
        run_id=run_dir.name, state=state, started=started, period=period or _period(manifest),
        overrides=manifest.overrides, only=manifest.only, made_by=made_by or manifest.run_by,
        approved_by=approved, figures=_figures(run_dir, year), released=released,
    )


def _manifest(run_dir: Path) -> Manifest | None:
    try:
        return read_manifest(run_dir)
    except (KproError, OSError):
        return None


def _started(manifest: Manifest) -> datetime | None:
    try:
        moment = datetime.fromisoformat(manifest.started) if manifest.started else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _period(manifest: Manifest) -> str | None:
    """`summary.period` from the run's params file as the run read it (its `--set` too), if still readable."""
    if manifest.params is None:
        return None
    try:
        reader = ParamsReader(parse_overrides(manifest.overrides))
        return load_params(Path(manifest.params.path), reader)[0][BASE_SCENARIO].summary.period
    except (KproError, OSError, KeyError):
        return None


def _figures(run_dir: Path, year: int | None) -> KeyFigures:
    try:
        return key_figures(read_tables(run_dir), year)
    except (OSError, ValueError, KeyError, TypeError):  # a table a colleague broke: its figures left out
        return KeyFigures()
