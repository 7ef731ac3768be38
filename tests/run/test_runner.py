"""The runner's machinery on fixture notebooks: run folder, manifest, failures, ids, rendering."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import (
    FIXTURE_SEED,
    FIXTURE_TITLE,
    FixtureRun,
    fake_inputs,
    files_in,
    make_key,
    notebooks_folder,
    use_fixture_stand_ins,
)

from kpro_econ import cli, workbook
from kpro_econ.errors import ApprovalError, KproError, NotebookRunError
from kpro_econ.inputs import load as inputs_loader
from kpro_econ.inputs.load import WorkbookInputs
from kpro_econ.records.run_records import read_manifest
from kpro_econ.release import approval as approvals
from kpro_econ.report.excel import unique_sheet_names
from kpro_econ.run import runfolder, runner
from kpro_econ.run.render import DRAFT_STATUS, read_notebook

# --- a successful run -------------------------------------------------------------------------


def test_successful_run_folder_holds_exactly_the_reports_data_and_manifest(fixture_run: FixtureRun) -> None:
    run_dir = fixture_run.run_dir
    assert files_in(run_dir) == {
        "index.html",
        "tiny_ok.html",
        "data/cost_by_year.csv",
        "data/montecarlo_summary.csv",
        "data/tables.xlsx",
        "manifest.json",
        "approval-status.js",
    }
    assert not list(run_dir.parent.glob(".tmp-*")), "the temporary folder must be gone after success"


def test_run_id_is_time_stamp_and_params_stem(fixture_run: FixtureRun) -> None:
    assert re.fullmatch(r"\d{8}-\d{6}-tiny", fixture_run.run_dir.name)


def test_manifest_records_status_seed_versions_and_every_hash(fixture_run: FixtureRun) -> None:
    run_dir = fixture_run.run_dir
    manifest = read_manifest(run_dir)
    assert manifest.status == "ok"
    assert manifest.error is None
    assert manifest.run_id == run_dir.name
    assert manifest.seed == FIXTURE_SEED
    params_hash = hashlib.sha256(fixture_run.params_path.read_bytes()).hexdigest()
    assert manifest.params is not None and manifest.params.sha256 == params_hash
    assert list(manifest.inputs.values()) == [params_hash]
    # Every file but the manifest and the pages' status file, which approve and release rewrite.
    assert set(manifest.outputs) == files_in(run_dir) - {"manifest.json", "approval-status.js"}
    for name, digest in manifest.outputs.items():
        assert hashlib.sha256((run_dir / name).read_bytes()).hexdigest() == digest, name
    for package in ("python", "kpro-econ", "pandas", "numpy", "scipy", "papermill", "nbconvert", "pydantic"):
        assert manifest.versions[package], package
    assert set(manifest.git.model_dump()) == {"commit", "dirty"}
    assert manifest.notebooks["tiny_ok"].status == "ok"
    assert manifest.notebooks["tiny_ok"].title == "Lille prøverapport"
    assert datetime.fromisoformat(str(manifest.started)) <= datetime.fromisoformat(str(manifest.finished))


def test_manifest_is_written_with_sorted_keys(fixture_run: FixtureRun) -> None:
    text = (fixture_run.run_dir / "manifest.json").read_text(encoding="utf-8")
    top_level_keys = re.findall(r'^  "([^"]+)":', text, flags=re.MULTILINE)
    assert top_level_keys == sorted(top_level_keys)


def test_kernel_is_the_runners_own_python_despite_a_decoy_kernelspec(fixture_run: FixtureRun) -> None:
    import sys

    executed = read_notebook(fixture_run.run_dir.parents[1] / "build" / fixture_run.run_dir.name / "tiny_ok.ipynb")
    printed = "".join(
        output.get("text", "") for cell in executed.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert f"python: {sys.executable}" in printed


def test_executed_notebooks_go_to_build_not_over_the_sources(fixture_run: FixtureRun) -> None:
    build = fixture_run.run_dir.parents[1] / "build" / fixture_run.run_dir.name
    assert (build / "tiny_ok.ipynb").is_file()
    source = read_notebook(fixture_run.run_dir.parents[1] / "notebooks" / "tiny_ok.ipynb")
    assert all(not cell.get("outputs") for cell in source.cells if cell.cell_type == "code")


def test_progress_lines_are_danish_with_decimal_comma(fixture_run: FixtureRun) -> None:
    assert any(re.fullmatch(r"\[1/1\] tiny_ok … færdig \(\d+,\d s\)", line) for line in fixture_run.progress)


def test_csv_files_are_utf8_comma_dot_decimals_without_index(fixture_run: FixtureRun) -> None:
    text = (fixture_run.run_dir / "data" / "cost_by_year.csv").read_text(encoding="utf-8")
    # The declared columns, with each cost line's Danish name beside its code.
    assert text.splitlines() == [
        "scenario,year,line_code,line,kind,amount_dkk,basis",
        "Basis,2025,support,Supportaftale,drift,1234.5,booked",
        "Højere årsværkspris,2026,fut_fee,Tilslutningsafgift til FUT,engangs,0.30000000000000004,estimated",
    ]


def test_xlsx_holds_every_table_under_a_valid_sheet_name(fixture_run: FixtureRun) -> None:
    sheets = pd.read_excel(fixture_run.run_dir / "data" / "tables.xlsx", sheet_name=None)
    # The run first, then each table under its Danish name, with Danish headers and labels; no code column.
    # The costs as the report shows them: lines down, years across, totals; one sheet per scenario.
    assert list(sheets) == ["Om kørslen", "Udgifter pr. år", "Udgifter, Højere årsværkspris", "Monte Carlo"]
    expected = pd.DataFrame({"Udgiftslinje": ["Supportaftale", "I alt"], "Art": ["Drift", None],
                             "2025 (Bogført)": [1234.5, 1234.5], "I alt": [1234.5, 1234.5]})
    pd.testing.assert_frame_equal(sheets["Udgifter pr. år"], expected, check_dtype=False)
    expected = pd.DataFrame({"Udgiftslinje": ["Tilslutningsafgift til FUT", "I alt"], "Art": ["Engangs", None],
                             "2026 (Skøn)": [0.1 + 0.2] * 2, "I alt": [0.1 + 0.2] * 2})
    pd.testing.assert_frame_equal(sheets["Udgifter, Højere årsværkspris"], expected, check_dtype=False)
    pd.testing.assert_frame_equal(sheets["Monte Carlo"], pd.DataFrame({"Størrelse": ["Middelværdi", "Reserve"],
                                                                        "Beløb": [10.0, 2.5]}), check_dtype=False)


# --- what the HTML shows ----------------------------------------------------------------------


def test_report_is_offline_danish_and_shows_no_code(fixture_run: FixtureRun) -> None:
    html = (fixture_run.run_dir / "tiny_ok.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert "<title>Lille prøverapport</title>" in html
    for loads_something in ("http://", "https://", "@import", "<link"):
        assert loads_something not in html, loads_something
    # The one script a page loads is the run's status, from its own folder.
    assert re.findall(r"<script[^>]*\bsrc=[^>]*>", html) == ['<script src="approval-status.js">']
    for hidden in (
        "params_path",
        "import ",
        "kun til stderr",
        "advarsel",
        "Traceback",
        'class="jp-InputPrompt',
        'class="jp-InputArea-editor',
    ):
        assert hidden not in html, hidden
    assert "data:image/png;base64," in html
    assert fixture_run.run_dir.name in html
    assert DRAFT_STATUS in html


def test_index_links_every_report_and_data_file_and_escapes_text(fixture_run: FixtureRun) -> None:
    html = (fixture_run.run_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert FIXTURE_TITLE not in html
    assert "Prøvepakke &lt;med&gt; &amp; tegn" in html
    for href in ("tiny_ok.html", "data/tables.xlsx", "data/cost_by_year.csv", "data/montecarlo_summary.csv"):
        assert f'href="{href}"' in html
    assert ">Lille prøverapport</a>" in html
    assert DRAFT_STATUS in html
    assert re.findall(r"<script[^>]*\bsrc=[^>]*>", html) == ['<script src="approval-status.js">']


# --- failures ---------------------------------------------------------------------------------


def _tree_digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in sorted(files_in(folder))}


@pytest.mark.e2e
def test_failing_notebook_exits_1_and_leaves_a_failed_manifest_and_no_html(
    fixture_run: FixtureRun,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out_dir = fixture_run.run_dir.parent  # beside the earlier successful run, which must stay as it is
    earlier = _tree_digest(fixture_run.run_dir)
    notebooks = notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb", "tiny_raises.ipynb")
    use_fixture_stand_ins(monkeypatch, notebooks)
    # A params file beside these notebooks: a run uses the notebooks of its params file's project folder.
    params = tmp_path / fixture_run.params_path.name
    params.write_bytes(fixture_run.params_path.read_bytes())

    code = cli.main(["run", str(params), "--out", str(out_dir), "--run-id", "fails"])

    assert code == 1
    err = capsys.readouterr().err
    # The fourth cell (index 3): numbered from 1, as a person counts the cells in JupyterLab.
    assert "tiny_raises, celle 4: ValueError: bevidst fejl i testnotesbogen" in err
    executed = out_dir.resolve().parent / "build" / "fails" / "tiny_raises.ipynb"
    assert f"Den kørte notesbog med output og fejl: {executed}\n" in err
    assert executed.is_file()
    failed = out_dir / "fails"
    assert files_in(failed) == {"manifest.json"}, "a failed run holds no finished-looking HTML or data"
    manifest = read_manifest(failed)
    assert manifest.status == "failed"
    assert manifest.error is not None and manifest.error.model_dump() == {
        "notebook": "tiny_raises",
        "cell_index": 3,
        "ename": "ValueError",
        "evalue": "bevidst fejl i testnotesbogen",
    }
    assert manifest.outputs == {}
    assert manifest.notebooks["tiny_plain"].status == "ok"
    assert manifest.notebooks["tiny_raises"].status == "failed"
    assert not list(out_dir.glob(".tmp-*")), "the temporary folder must be gone after a failure"
    assert _tree_digest(fixture_run.run_dir) == earlier, "an earlier run folder was touched"


@pytest.mark.e2e
def test_failing_table_computation_leaves_a_failed_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebooks = notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb")
    use_fixture_stand_ins(monkeypatch, notebooks)

    def broken(computed: object) -> dict[str, pd.DataFrame]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(workbook.Workbook, "tables", broken)
    params = tmp_path / "p.yaml"
    params.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(KproError, match="Tabellerne kunne ikke beregnes: ZeroDivisionError"):
        runner.run_workbook(params, out_dir=tmp_path / "reports", run_id="broken", progress=lambda line: None)
    manifest = read_manifest(tmp_path / "reports" / "broken")
    assert manifest.status == "failed"
    assert manifest.error is not None and manifest.error.ename == "ZeroDivisionError"
    assert files_in(tmp_path / "reports" / "broken") == {"manifest.json"}


def test_invalid_params_exit_2_and_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "broken.yaml"
    params.write_text("title: [unclosed\n", encoding="utf-8")
    out_dir = tmp_path / "reports"

    code = cli.main(["run", str(params), "--out", str(out_dir)])

    assert code == 2
    assert str(params) in capsys.readouterr().err
    assert not out_dir.exists()
    assert not (tmp_path / "build").exists()


def test_an_interrupted_build_leaves_no_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_fixture_stand_ins(monkeypatch, notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb"))

    def interrupted(*args: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_build_and_publish", interrupted)
    params = tmp_path / "p.yaml"
    params.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        runner.run_workbook(params, out_dir=tmp_path / "reports")
    assert list((tmp_path / "reports").iterdir()) == []


def test_a_chosen_run_id_that_exists_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fixture_stand_ins(monkeypatch, notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb"))
    (tmp_path / "reports" / "taken").mkdir(parents=True)
    params = tmp_path / "p.yaml"
    params.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(KproError, match="findes allerede"):
        runner.run_workbook(params, out_dir=tmp_path / "reports", run_id="taken")
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["taken"]


# --- run ids and the run folder ---------------------------------------------------------------


def test_new_run_id_sorts_by_time_and_names_the_params() -> None:
    moment = datetime(2026, 11, 25, 18, 45, 12, tzinfo=UTC)
    assert runfolder.new_run_id(Path("params/default.yaml"), moment) == "20261125-184512-default"
    assert runfolder.new_run_id(Path("my params/høj pris.yaml"), moment) == "20261125-184512-høj_pris"


@pytest.mark.parametrize("bad", ["../escape", ".hidden", "a/b", "", "with space"])
def test_check_run_id_refuses_anything_but_one_plain_name(bad: str) -> None:
    with pytest.raises(KproError):
        runfolder.check_run_id(bad)


def test_claims_in_the_same_second_get_distinct_names(tmp_path: Path) -> None:
    first = runfolder.claim_run_folder(tmp_path, "20261125-184512-default")
    runfolder.publish(first)
    second = runfolder.claim_run_folder(tmp_path, "20261125-184512-default")
    third = runfolder.claim_run_folder(tmp_path, "20261125-184512-default")
    assert [first.run_id, second.run_id, third.run_id] == [
        "20261125-184512-default",
        "20261125-184512-default-2",
        "20261125-184512-default-3",
    ]
    assert second.tmp.name == ".tmp-20261125-184512-default-2"


def test_concurrent_claims_never_share_a_name(tmp_path: Path) -> None:
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def claim() -> None:
        start.wait()
        folder = runfolder.claim_run_folder(tmp_path, "same-second")
        runfolder.publish(folder)
        with lock:
            claimed.append(folder.run_id)

    threads = [threading.Thread(target=claim) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(claimed)) == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(claimed)


def test_an_exact_claim_never_renames(tmp_path: Path) -> None:
    held = runfolder.claim_run_folder(tmp_path, "mine", exact=True)  # held: a live run is building it
    with pytest.raises(KproError):
        runfolder.claim_run_folder(tmp_path, "mine", exact=True)
    runfolder.publish(held)
    with pytest.raises(KproError, match="findes allerede"):
        runfolder.claim_run_folder(tmp_path, "mine", exact=True)
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


@pytest.mark.parametrize(("requires", "applies"), [(["allocation"], True), (["allocation", "risk"], False),
                                                  (["no_such_section"], False)])
def test_a_notebook_runs_only_when_the_params_have_every_section_it_requires(
    tmp_path: Path, requires: list[str], applies: bool
) -> None:
    notebook = tmp_path / "report.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {"kpro": {"requires": requires}}}), encoding="utf-8")
    said: list[str] = []
    params = fake_inputs(tmp_path / "p.yaml").base.params  # no risk section
    assert runner._applies(notebook, params, said.append) is applies
    missing = ", ".join(r for r in requires if r != "allocation")
    assert said == ([] if applies else [f"Springer report over: parametrene har ingen {missing}-sektion"])


def test_excel_sheet_names_are_short_unique_and_valid() -> None:
    long = "x" * 40
    names = unique_sheet_names([long, long + "y", "a/b:c", "A_B_C"])
    assert names == ["x" * 31, "x" * 27 + " (2)", "a_b_c", "A_B_C (2)"]


@pytest.mark.e2e
def test_a_cell_over_its_time_limit_fails_the_run_naming_that_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebooks = notebooks_folder(tmp_path / "notebooks", "tiny_sleeps.ipynb")
    use_fixture_stand_ins(monkeypatch, notebooks)
    params = tmp_path / "p.yaml"
    params.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(NotebookRunError) as raised:
        runner.run_workbook(
            params, out_dir=tmp_path / "reports", run_id="slow", cell_timeout=2, progress=lambda line: None
        )
    assert (raised.value.notebook, raised.value.cell) == ("tiny_sleeps", 3)
    assert str(raised.value).startswith("tiny_sleeps, celle 4: ")
    assert raised.value.executed == str(tmp_path / "build" / "slow" / "tiny_sleeps.ipynb")
    error = read_manifest(tmp_path / "reports" / "slow").error
    assert error is not None
    assert (error.notebook, error.cell_index, error.ename) == ("tiny_sleeps", 3, "CellTimeoutError")


# --- the maker's signature and partial runs ------------------------------------------------------


def _project_with_a_maker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *notebooks: str) -> tuple[Path, Path]:
    """Fixture notebooks, params whose approval section names an allowed signers file in which Bent may
    sign runs, and keys for Bent and a stranger; returns the params and the allowed signers file."""
    use_fixture_stand_ins(monkeypatch, notebooks_folder(tmp_path / "notebooks", *notebooks))
    bent = make_key(tmp_path / "keys", "bent")
    make_key(tmp_path / "keys", "stranger")
    signers = tmp_path / "approvers"
    public = bent.with_name("bent.pub").read_text(encoding="utf-8").strip()
    signers.write_text(f'bent@rn.dk namespaces="kpro-econ-run" {public}\n', encoding="utf-8")
    params = tmp_path / "tiny.yaml"
    params.write_text("title: prøve\napproval:\n  allowed_signers: approvers\n", encoding="utf-8")

    def with_signers(params_path: Path, *args: Any, **kwargs: Any) -> WorkbookInputs:
        # the allowed signers file is an input, as load_inputs makes it
        return replace(fake_inputs(params_path, *args, **kwargs), files=[params_path, signers])

    monkeypatch.setattr(inputs_loader, "load_inputs", with_signers)
    return params, signers


@pytest.mark.e2e
def test_a_run_made_with_key_and_as_is_signed_by_its_maker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    params, signers = _project_with_a_maker(tmp_path, monkeypatch, "tiny_plain.ipynb")
    key = tmp_path / "keys" / "bent"
    out = tmp_path / "reports"

    code = cli.main(["run", str(params), "--out", str(out), "--run-id", "signed", "--key", str(key),
                     "--as", "bent@rn.dk"])

    assert code == 0, capsys.readouterr().err
    run = out / "signed"
    manifest = read_manifest(run)
    assert manifest.made_by == "bent@rn.dk" and "manifest.sig" not in manifest.outputs
    # OpenSSH itself accepts the signature of the manifest as Bent's, for runs only
    verify = ["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "bent@rn.dk", "-s", str(run / "manifest.sig")]
    done = subprocess.run([*verify, "-n", "kpro-econ-run"], input=(run / "manifest.json").read_bytes(),
                          capture_output=True, check=False)
    listed = subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], capture_output=True, text=True, check=True)
    fingerprint = listed.stdout.split()[1]
    assert done.returncode == 0 and fingerprint in done.stdout.decode()
    assert f"Kørslen er signeret af bent@rn.dk (nøgle {fingerprint})" in capsys.readouterr().err
    as_approval = subprocess.run([*verify, "-n", "kpro-econ-approval"], input=(run / "manifest.json").read_bytes(),
                                 capture_output=True, check=False)
    assert as_approval.returncode != 0
    assert approvals.changed_files(run) == []  # the signature is a file approve knows


@pytest.mark.e2e
def test_a_run_signed_with_a_key_the_project_does_not_allow_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    params, _ = _project_with_a_maker(tmp_path, monkeypatch, "tiny_plain.ipynb")
    out = tmp_path / "reports"

    code = cli.main(["run", str(params), "--out", str(out), "--run-id", "stranger",
                     "--key", str(tmp_path / "keys" / "stranger"), "--as", "bent@rn.dk"])

    assert code == 1
    err = capsys.readouterr().err
    assert "--as bent@rn.dk: signaturen fra bent@rn.dk kan ikke verificeres mod approvers" in err
    assert not (out / "stranger").exists() and not list(out.glob(".tmp-*"))


@pytest.mark.e2e
def test_a_partial_run_says_so_on_every_page_and_in_its_manifest_and_cannot_be_approved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params, _ = _project_with_a_maker(tmp_path, monkeypatch, "tiny_plain.ipynb", "tiny_raises.ipynb")
    out = tmp_path / "reports"

    assert cli.main(["run", str(params), "--out", str(out), "--run-id", "part", "--only", "tiny_plain"]) == 0

    run = out / "part"
    manifest = read_manifest(run)
    assert (manifest.only, manifest.left_out) == (["tiny_plain"], ["tiny_raises"])
    notice = ("Delvis kørsel (--only tiny_plain): Fejlende prøverapport blev ikke lavet. "
              "Kørslen kan ikke godkendes; lav en hel kørsel til godkendelse.")
    for page in ("index.html", "tiny_plain.html"):
        assert notice in (run / page).read_text(encoding="utf-8"), page
    with pytest.raises(ApprovalError, match=r"delvis kørsel \(--only tiny_plain\): tiny_raises blev ikke lavet"):
        approvals.approve(run, "anna@rn.dk")
    assert approvals.check_run(run).label == "udkast (delvis)"
