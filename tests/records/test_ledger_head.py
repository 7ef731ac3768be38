"""The ledger's head, and the ledger's faults.

A chain of hashes cannot show lines dropped at its end, nor a new consistent chain written in place of
the old; the heads recorded beside it (the runs' convenience copies, the released pack, the release
line) can. A ledger that cannot be read or written is one Danish line, never a traceback or a draft.
`kpro-econ verify` says whether a PDF or HTML is exactly the summary that was released.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from approval_helpers import ROLES, tiny_run
from bs4 import BeautifulSoup
from conftest import ApprovalProject, copy_project, run_in_process

from kpro_econ import cli
from kpro_econ.errors import ApprovalError
from kpro_econ.params.codes import RunState
from kpro_econ.records.approvals import approved_as_written
from kpro_econ.records.run_records import read_manifest, write_manifest
from kpro_econ.release import approval as approvals

LEDGER = "approvals.jsonl"
PACK = "Bilag - Risikorapport Kommunal PRO 2. halvår 2026"


def sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def lines_of(ledger: Path) -> list[str]:
    return ledger.read_text(encoding="utf-8").splitlines()


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approve, status and release run from the project folder; a hand-made project lives in tmp_path.
    A project's first approval also records its allowed signers: the ledger's first line (the genesis)."""
    monkeypatch.chdir(tmp_path)


# ---------- a ledger cut at the end, or written anew ----------

def test_a_ledger_cut_at_the_end_is_named_and_blocks_approval(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent", "carl"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    approvals.approve(run, "bent@rn.dk", keys["bent"])
    ledger = run.resolve().parent / LEDGER
    genesis, first, second = lines_of(ledger)
    ledger.write_text(f"{genesis}\n{first}\n", encoding="utf-8")  # Bent's approval dropped: a consistent chain

    check = approvals.check_run(run)

    assert check.state == RunState.CHANGED  # not "udkast, 1 af 2 godkendelser"
    for copy in ("approval.json", "approval-status.json"):
        assert (f"{ledger}: godkendelsesloggen er afkortet: den har 2 linjer, men {run.name}/{copy} viser hovedet "
                f"3 linjer, sha256 {sha(second)}") in check.problems
    with pytest.raises(ApprovalError, match=r"godkendelsesloggen er afkortet: den har 2 linjer"):
        approvals.approve(run, "carl@rn.dk", keys["carl"])
    assert lines_of(ledger) == [genesis, first]


def test_a_removed_ledger_is_named_not_taken_for_a_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    ledger = run.resolve().parent / LEDGER
    _, line = lines_of(ledger)
    ledger.unlink()

    assert cli.main(["status", str(run)]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{run.name}  ændret efter godkendelse"
    assert (f"    afviger: {ledger}: godkendelsesloggen er afkortet: den findes ikke, men {run.name}/approval.json "
            f"viser hovedet 2 linjer, sha256 {sha(line)}") in out


def test_a_new_consistent_chain_in_place_of_the_old_is_named_as_rewritten(tmp_path: Path):
    """Anna approved A, then B; the ledger is written anew holding only B's approval, chained from the start
    (the signature covers the statement, not the link, so it still verifies)."""
    a, keys = tiny_run(tmp_path, ROLES, ["anna"])
    b = a.with_name("20260101-000001-tiny")
    shutil.copytree(a, b)
    write_manifest(b, read_manifest(b).model_copy(update={"run_id": b.name}))
    approvals.approve(a, "anna@rn.dk", keys["anna"])
    approvals.approve(b, "anna@rn.dk", keys["anna"])
    ledger = a.resolve().parent / LEDGER
    genesis, first, second = lines_of(ledger)
    rechained = json.loads(second)
    rechained["prev"] = sha(genesis)
    ledger.write_text(genesis + "\n" + json.dumps(rechained, sort_keys=True, separators=(",", ":"),
                                                  ensure_ascii=False) + "\n", encoding="utf-8")

    check_a, check_b = approvals.check_run(a), approvals.check_run(b)

    assert (f"{ledger}: godkendelsesloggen er omskrevet: linje 2 passer ikke til hovedet i {a.name}/approval.json "
            f"(2 linjer, sha256 {sha(first)})") in check_a.problems
    assert (f"{ledger}: godkendelsesloggen er afkortet: den har 2 linjer, men {b.name}/approval.json viser hovedet "
            f"3 linjer, sha256 {sha(second)}") in check_b.problems
    assert check_a.state == check_b.state == RunState.CHANGED  # B's line alone would have made B approved
    assert not approved_as_written(b, tmp_path)


def test_status_prints_the_head_and_approve_records_the_head_it_left(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]):
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    reports = run.parent
    assert cli.main(["status", "--out", str(reports)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{reports / LEDGER}: ingen godkendelseslog endnu"

    approvals.approve(run, "anna@rn.dk", keys["anna"])
    _, line = lines_of(reports / LEDGER)
    assert cli.main(["status", "--out", str(reports)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == \
        f"{reports / LEDGER}: godkendelsesloggens hoved: 2 linjer, sha256 {sha(line)}"
    for copy in ("approval.json", "approval-status.json"):
        recorded = json.loads((run / copy).read_text(encoding="utf-8"))["ledger_head"]
        assert recorded == {"lines": 2, "sha256": sha(line)}


# ---------- a ledger that cannot be read or written ----------

def test_a_ledger_that_is_a_folder_is_one_line_never_a_traceback_nor_a_draft(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    copy_before = (run / "approval.json").read_bytes()
    ledger = run.resolve().parent / LEDGER
    ledger.rename(ledger.with_name("gemt.jsonl"))
    ledger.mkdir()

    assert cli.main(["approve", str(run), "--key", str(keys["bent"]), "--as", "bent@rn.dk"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{ledger}: godkendelsesloggen kan ikke skrives (det er en mappe, ikke en fil); "
                                "intet er tilføjet"]
    assert list(ledger.iterdir()) == [] and (run / "approval.json").read_bytes() == copy_before

    assert cli.main(["status", "--out", str(run.parent)]) == 0
    out = capsys.readouterr().out.splitlines()
    why = f"{ledger}: godkendelsesloggen kan ikke læses (det er en mappe, ikke en fil)"
    assert out[:2] == [f"{run.name}  ulæselig", f"    {why}"]  # not "udkast"
    assert out[-1] == f"{run.parent / LEDGER}: godkendelsesloggen kan ikke læses (det er en mappe, ikke en fil)"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` cannot be written, not even by root (who ignores permission bits): immutable then."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_ledger_is_one_line_and_nothing_is_appended(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    ledger = run.resolve().parent / LEDGER
    before = ledger.read_bytes()

    with read_only(ledger):
        code = cli.main(["approve", str(run), "--key", str(keys["bent"]), "--as", "bent@rn.dk"])

    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{ledger}: godkendelsesloggen kan ikke skrives (ingen adgang); intet er tilføjet"]
    assert ledger.read_bytes() == before
    assert approvals.check_run(run).notes == ["1 af 2 godkendelser"]


# ---------- the released pack carries the head; verify ----------

@pytest.fixture(scope="module")
def released(released_project: ApprovalProject) -> ApprovalProject:
    """The project whose first run Anna approved and that was then released (shared: `conftest.released_project`;
    read only, a test that changes anything takes `released_copy`)."""
    return released_project


@pytest.fixture
def released_copy(released: ApprovalProject, tmp_path: Path) -> ApprovalProject:
    return copy_project(released, tmp_path / "project")


@pytest.mark.e2e
def test_the_release_records_the_head_in_its_line_in_the_pack_and_in_the_copies(released: ApprovalProject):
    run = released.runs()[0]
    _, approval_line, release_line = lines_of(released.root / "reports" / LEDGER)
    record = json.loads(release_line)["record"]
    assert record["ledger_head"] == {"lines": 2, "sha256": sha(approval_line)}  # the ledger the release found
    for copy in ("approval.json", "approval-status.json"):  # the ledger the release left
        assert json.loads((run / copy).read_text(encoding="utf-8"))["ledger_head"] == \
            {"lines": 3, "sha256": sha(release_line)}

    page = BeautifulSoup((run / "steering" / f"{PACK}.html").read_text(encoding="utf-8"), "html.parser")
    footer = page.select_one("footer.kpro-footer")
    assert footer is not None and footer["data-kpro-ledger-head"] == f"2:{sha(approval_line)}"
    assert [" ".join(span.get_text(" ", strip=True).split()) for span in footer.find_all("span", recursive=False)] == [
        f"Kørsel: {run.name}",
        f"manifest.json, sha256: {sha((run / 'manifest.json').read_bytes())}",
        "Godkendt af: Anna (afdelingsleder)",
        f"Godkendelseslog: 2 linjer, sha256 {sha(approval_line)}",
    ]
    pdf = (run / "steering" / f"{PACK}.pdf").read_bytes()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # the footer kept it on one A4 page


def verify(project: ApprovalProject, file: Path) -> subprocess.CompletedProcess[str]:
    return run_in_process("verify", str(file), cwd=project.root)


@pytest.mark.e2e
def test_verify_knows_the_released_pdf_and_html_and_refuses_an_edited_copy(released: ApprovalProject,
                                                                          tmp_path: Path):
    run = released.runs()[0]
    mailed = tmp_path / f"{PACK}.pdf"  # the attachment as the steering group received it
    shutil.copy(run / "steering" / mailed.name, mailed)
    for file in (mailed, run / "steering" / f"{PACK}.html"):
        done = verify(released, file)
        assert done.returncode == 0, done.stderr
        assert re.fullmatch(rf"Frigivet: {re.escape(file.name)} er den fil, der blev frigivet fra kørsel "
                            rf"{run.name}, godkendt af Anna \(afdelingsleder\), frigivet "
                            r"\d{1,2}\. \w+ \d{4} kl\. \d{2}\.\d{2}\n", done.stdout), done.stdout

    edited = tmp_path / "rettet.pdf"
    edited.write_bytes(mailed.read_bytes().replace(b"%%EOF", b"%%EOF\n%rettet", 1))
    done = verify(released, edited)
    assert done.returncode == 1
    ledger = (released.root / "reports" / LEDGER).resolve()
    assert done.stderr.splitlines() == [f"{edited}: filen er ikke frigivet: dens sha256 {sha(edited.read_bytes())} "
                                        f"står ikke i nogen frigivelse i {ledger}"]


@pytest.mark.e2e
def test_verify_refuses_a_released_file_whose_ledger_was_cut_or_whose_run_changed(released_copy: ApprovalProject):
    root = released_copy.root
    run = released_copy.runs()[0]
    pdf = run / "steering" / f"{PACK}.pdf"
    table = run / "data" / "risk_pool.csv"
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    done = verify(released_copy, pdf)
    assert done.returncode == 1 and done.stderr.splitlines() == [f"{run.name}/data/risk_pool.csv: ændret"]

    ledger = root / "reports" / LEDGER
    genesis, approval_line, release_line = lines_of(ledger)
    ledger.write_text(f"{genesis}\n{approval_line}\n", encoding="utf-8")  # the release dropped
    cut = (f"{ledger.resolve()}: godkendelsesloggen er afkortet: den har 2 linjer, men {run.name}/approval.json "
           f"viser hovedet 3 linjer, sha256 {sha(release_line)}")
    done = verify(released_copy, pdf)
    assert done.returncode == 1
    assert cut in done.stderr.splitlines()
    assert f"{pdf}: filen er ikke frigivet" in done.stderr
    status = run_in_process("status", cwd=root).stdout.splitlines()
    assert status[0] == f"{run.name}  ændret efter godkendelse" and f"    afviger: {cut}" in status
    again = run_in_process("release", str(run.relative_to(root)), cwd=root)
    assert again.returncode == 1 and f"  {cut}" in again.stderr.splitlines()
