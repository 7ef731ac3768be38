"""Release an approved run to the steering group: the summary as HTML and as an A4 PDF attachment.

Release first verifies everything the approval stands on (`approval.check_run`: the ledger, the
signatures, every file of the manifest) and that the code it is about to use has the fingerprint
that was approved. Only then is the summary made from the run's own tables (no model run) and
printed; the pack appears whole in `RUN/steering/` and its files' sha256 go into the ledger.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kpro_econ.errors import ApprovalError, KproError
from kpro_econ.inputs.overrides import ParamsReader, parse_overrides
from kpro_econ.inputs.yaml_params import load_params
from kpro_econ.params.codes import BASE_SCENARIO, RunState, SignatureMode
from kpro_econ.records import ledger as ledgers
from kpro_econ.records.approvals import release_problem
from kpro_econ.records.ledger_heads import RecordedHead, head_text
from kpro_econ.records.run_records import LedgerHead, ReleaseRecord, RunApprovals, manifest_sha256
from kpro_econ.records.signatures import sign
from kpro_econ.release.approval import (
    STEERING,
    RunCheck,
    check_run,
    refusal,
    require_uncut,
    write_convenience_copies,
)
from kpro_econ.report.dates import danish_month
from kpro_econ.report.formatting import approver_names
from kpro_econ.report.labels import UNSIGNED_LABEL
from kpro_econ.run.execute import NotebookJob, execute_and_render, failure_text
from kpro_econ.run.fingerprint import code_differences, code_fingerprint
from kpro_econ.run.pack_pdf import pack_pages, print_pack
from kpro_econ.run.pdf import DEFAULT_BROWSER, check_browser, print_pdf
from kpro_econ.run.runfolder import current_user, sha256_file
from kpro_econ.run.runner import PACK, find_notebooks, pack_links, project_notebooks

SUMMARY_STEM = "steering_summary"
SUMMARY_NOTEBOOK = f"{SUMMARY_STEM}.ipynb"


def attachment_name(period: str) -> str:
    """What the steering group's papers call it: `Bilag - Risikorapport Kommunal PRO <period>`."""
    return f"Bilag - Risikorapport Kommunal PRO {period}".replace("/", "-")


def pack_name(period: str) -> str:
    """The whole pack as one PDF, for the approver who reads on paper: `Pakke - Kommunal PRO <period>`."""
    return f"Pakke - Kommunal PRO {period}".replace("/", "-")


def release_footer(check: RunCheck, head: LedgerHead) -> tuple[tuple[str, str], ...]:
    """What the released summary says it is, in its footer: the run, its manifest's sha256, who approved
    it and the ledger's head (so that a printed copy can be checked against the ledger)."""
    who = approver_names(check.approvals)
    return (
        ("Kørsel", check.run_dir.name),
        ("manifest.json, sha256", manifest_sha256(check.run_dir)),
        ("Godkendt af", who),
        ("Godkendelseslog", head_text(head)),
    )


def release(run_dir: Path, notebooks_dir: Path | None = None, browser: str = DEFAULT_BROWSER,
            key: Path | None = None, identity: str | None = None) -> Path:
    """Write `RUN/steering/` (HTML and PDF) for an approved, unchanged run and record it in the ledger,
    signed by `identity` with `key` as an approval is; return the PDF. Refused, with nothing written, when
    anything differs from what was approved."""
    check_browser(browser)
    check = check_run(run_dir)
    refused = refusal(check, "frigives")
    if refused is not None:
        raise refused
    ledgers.require_writable(ledgers.ledger_path(run_dir))  # before the summary is made and printed
    manifest = check.manifest
    assert manifest.code is not None and manifest.params is not None  # noqa: S101 (an approved run has both)
    # The notebooks the run used: its params file's project folder's (release runs from that folder).
    notebooks_dir = notebooks_dir or project_notebooks(Path(manifest.params.path))[0]
    code = code_differences(manifest.code, code_fingerprint(notebooks_dir))
    if code:
        raise ApprovalError("kan ikke frigives, fordi koden er ændret siden godkendelsen:", run_dir, code)
    settings, signers = check.settings, check.signers
    assert settings is not None and signers is not None  # noqa: S101 (an approved run was judged by both)
    signed = key is not None and bool(identity)
    if settings.signatures == SignatureMode.REQUIRED and not signed:
        raise ApprovalError("--key og --as mangler: frigivelsen signeres med en godkenders SSH-nøgle, ellers kan "
                            "enhver med skriveadgang til godkendelsesloggen udpege en fil som frigivet", run_dir)
    if signed and settings.roles and identity not in settings.roles:
        raise ApprovalError(f"--as: {identity} er ikke godkender i params (approval.roles)", run_dir)
    head = check.ledger_head
    assert head is not None  # noqa: S101 (the check read the ledger)
    approvals = RunApprovals(run_id=run_dir.name, required=check.required, approvals=check.approvals,
                             ledger_head=head)
    params_path = Path(manifest.params.path)
    # as the run read them: its extends chain and its --set overrides
    params = load_params(params_path, ParamsReader(parse_overrides(manifest.overrides)))[0][BASE_SCENARIO]
    period = params.summary.period or danish_month(datetime.now(UTC))
    name = attachment_name(period)
    who = approver_names(approvals.approvals)
    status = f"Godkendt internt af {who}{f' ({UNSIGNED_LABEL})' if approvals.unsigned else ''}"
    # The page's stamp is read from approval.json: rewritten from the verified ledger first.
    write_convenience_copies(run_dir, approvals, RunState.APPROVED)
    staged = run_dir.resolve().parent / f".{STEERING}-{run_dir.name}-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="kpro-release-") as scratch:
        work = Path(scratch)
        job = NotebookJob(
            source=notebooks_dir / SUMMARY_NOTEBOOK,
            executed=work / SUMMARY_NOTEBOOK,
            params_path=params_path.resolve(),
            run_id=run_dir.name,
            params_name=params_path.name,
            cell_timeout=300,
            run_dir=str(run_dir.resolve()),
            status=status,
            period=period,
            footer=release_footer(check, head),
            ledger_head=head.text(),
            overrides=tuple(manifest.overrides),
        )
        result = execute_and_render(job)
        if result.html is None:
            why = failure_text(result.failure) if result.failure is not None else ""
            raise KproError(f"{SUMMARY_NOTEBOOK}: resuméet kunne ikke laves{why}")
        pack = work / STEERING
        pack.mkdir()
        page = pack / f"{name}.html"
        page.write_text(result.html, encoding="utf-8")
        pdf = pack / f"{name}.pdf"
        print_pdf(page, pdf, browser)
        # Every report as the run made it (stamped approved above), the summary as released.
        reports = pack_links(find_notebooks(notebooks_dir, PACK))
        whole = pack / f"{pack_name(period)}.pdf"
        print_pack(f"{params.title} – {period}", pack_pages(run_dir, reports, {f"{SUMMARY_STEM}.html": page}),
                   whole, browser)
        record = ReleaseRecord(
            run_id=run_dir.name, manifest_sha256=approvals.approvals[0].manifest_sha256,
            released_at=datetime.now(UTC).isoformat(timespec="seconds"), released_by=current_user(),
            period=period, files={path.name: sha256_file(path) for path in (page, pdf, whole)}, ledger_head=head,
            identity=identity if signed else None,
        )
        if key is not None and signed:
            record = record.model_copy(update={"signature": sign(record.statement(), key)})
        not_counted = release_problem(record, settings, signers)  # a key the signers file does not list
        if not_counted is not None:
            raise ApprovalError(not_counted, run_dir)
        # Copied beside the run folder (never into it), then renamed: the pack appears whole or not at all.
        shutil.copytree(pack, staged)
    try:
        with ledgers.locked(ledgers.ledger_path(run_dir)) as ledger:
            if ledger.releases(run_dir.name) or (run_dir / STEERING).exists():
                raise ApprovalError(f"kørslen er allerede frigivet ({run_dir / STEERING})", run_dir)
            ledgers.require_intact(ledger)
            # The pack shows the head the check read: the ledger must still reach it.
            require_uncut(ledger, [RecordedHead(head, f"{STEERING}/{page.name}")])
            ledgers.require_writable(ledger.path)
            os.rename(staged, run_dir / STEERING)
            try:
                after = ledgers.append(ledger, record)
            except ApprovalError:  # not in the ledger, so not released: no pack either
                shutil.rmtree(run_dir / STEERING, ignore_errors=True)
                raise
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    write_convenience_copies(run_dir, approvals.model_copy(update={"release": record, "ledger_head": after}),
                             RunState.RELEASED)
    return run_dir / STEERING / pdf.name
