"""The approval withstands what `shared/design/approval.md` lists: forged records, changed code,
simultaneous approvers, an edited pack, hidden files; and release prints with the browser the user names.

Real runs (the session's `approval_project`) where the command line or a release is involved;
small hand-made run folders where only the approval logic is (approve reads nothing but the manifest,
the files it lists and the params' `approval` section). Keys are throw-away ed25519 keys from
`ssh-keygen`, made in tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from approval_helpers import ROLES, another_run, tiny_run
from cli_cases import copy_project as copy_params_and_data
from conftest import (
    APPROVERS,
    REPO,
    ApprovalProject,
    allowed_signers_line,
    copy_project,
    kpro_econ_command,
    make_key,
    run_cli,
    run_in_process,
)

from kpro_econ import cli
from kpro_econ.errors import ApprovalError
from kpro_econ.params.codes import RunState
from kpro_econ.records.approvals import approved_as_written
from kpro_econ.records.maker import Maker, sign_manifest
from kpro_econ.records.run_records import (
    GENESIS,
    Approval,
    LedgerLine,
    ReleaseRecord,
    RunApprovals,
    RunRecordError,
    SignersRecord,
    manifest_sha256,
    read_approval,
    read_approval_status,
    read_manifest,
    write_approval,
    write_manifest,
)
from kpro_econ.records.signatures import sign, signing_key
from kpro_econ.release import approval as approvals
from kpro_econ.release.approvers import record_signers
from kpro_econ.run import fingerprint

LEDGER = "approvals.jsonl"
PACK = "Bilag - Risikorapport Kommunal PRO 2. halvår 2026"


# ---------- helpers ----------

def ledger_lines(root: Path) -> list[dict[str, object]]:
    path = root / "reports" / LEDGER
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def kinds(root: Path) -> list[object]:
    """The kind of each ledger line: `signers` (the allowed signers file recorded), `approval`, `release`."""
    return [line["record"]["kind"] for line in ledger_lines(root)]  # type: ignore[index]


def approvers_in(ledger: Path) -> list[str]:
    """The identity of each approval in the ledger, in order."""
    records = [json.loads(line)["record"] for line in ledger.read_text(encoding="utf-8").splitlines()]
    return [r["identity"] for r in records if r["kind"] == "approval"]


def append_to_ledger(reports: Path, record: Approval | SignersRecord) -> None:
    """What a forger with write access does: a line whose chain link is right."""
    ledger = reports / LEDGER
    lines = ledger.read_text(encoding="utf-8").splitlines() if ledger.is_file() else []
    prev = hashlib.sha256(lines[-1].encode("utf-8")).hexdigest() if lines else GENESIS
    with ledger.open("a", encoding="utf-8") as stream:
        stream.write(LedgerLine(prev=prev, record=record).text() + "\n")


def approval_of(run: Path, who: str, signature: str | None = None) -> Approval:
    identity, name, role = APPROVERS[who]
    manifest = read_manifest(run)
    assert manifest.code is not None
    return Approval(run_id=run.name, manifest_sha256=manifest_sha256(run), code_fingerprint=manifest.code.sha256,
                    identity=identity, name=name, role=role, approved_at="2026-11-29T10:00:00+00:00",
                    signature=signature)


def status_of(root: Path, run: Path) -> list[str]:
    return run_in_process("status", str(run.relative_to(root)), cwd=root).stdout.splitlines()


def signed_by_maker(run: Path, who: str, key: Path) -> None:
    """What `run --key KEY --as IDENTITY` does as a run ends: names the maker in the manifest, and signs it."""
    identity = APPROVERS[who][0]
    write_manifest(run, read_manifest(run).model_copy(update={"made_by": identity}))
    sign_manifest(run, Maker(key, identity), run.parent.parent / "approvers")


def fingerprint_of(key: Path) -> str:
    """The key's SHA256 fingerprint as `ssh-keygen -l` prints it (`256 SHA256:… comment (ED25519)`)."""
    done = subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], capture_output=True, text=True, check=True)
    return done.stdout.split()[1]


# ---------- fixtures ----------

@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approve, status and release run from the project folder; a hand-made project lives in tmp_path."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def approved(approved_project: ApprovalProject, tmp_path: Path) -> ApprovalProject:
    """A copy of the project whose first run Anna has approved (signed); the second run is a draft."""
    return copy_project(approved_project, tmp_path / "project")


@pytest.fixture(scope="module")
def released(released_project: ApprovalProject) -> ApprovalProject:
    """The project whose first run is approved and released (shared: `conftest.released_project`)."""
    return released_project


@pytest.fixture
def released_copy(released: ApprovalProject, tmp_path: Path) -> ApprovalProject:
    return copy_project(released, tmp_path / "project")


# ---------- threat 2: forged records ----------

def test_a_forged_manifest_and_approval_json_are_not_released(approved: ApprovalProject):
    run = approved.runs()[0]
    table = run / "data" / "cost_by_year.csv"
    text = table.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    digit = next(i for i, c in enumerate(first) if c.isdigit() and c != "9")
    table.write_text(f"{header}\n{first[:digit]}9{first[digit + 1:]}\n{rest}", encoding="utf-8")  # a figure
    manifest = read_manifest(run)
    outputs = {**manifest.outputs, "data/cost_by_year.csv": hashlib.sha256(table.read_bytes()).hexdigest()}
    write_manifest(run, manifest.model_copy(update={"outputs": outputs}))
    write_approval(run, RunApprovals(run_id=run.name, required=1, approvals=[approval_of(run, "anna")]))

    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)

    assert done.returncode == 1
    assert f"{run.name}/manifest.json: ændret siden godkendelsen" in done.stderr
    assert not (run / "steering").exists()
    assert status_of(approved.root, run)[0].endswith("ændret efter godkendelse")


def test_a_forged_ledger_line_or_a_key_added_to_the_allowed_signers_is_caught(approved: ApprovalProject):
    run = approved.runs()[1]  # nobody approved it
    forged = approval_of(run, "anna")
    forged = forged.model_copy(update={"signature": sign(forged.statement(), approved.keys["carl"])})
    append_to_ledger(approved.root / "reports", forged)

    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)
    assert done.returncode == 1
    assert "godkendelsen fra anna@rn.dk: signaturen fra anna@rn.dk kan ikke verificeres" in done.stderr

    signers = approved.root / "params" / "approvers"
    signers.write_text(signers.read_text(encoding="utf-8") + allowed_signers_line("anna@rn.dk", approved.keys["carl"]),
                       encoding="utf-8")
    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)
    assert done.returncode == 1 and "params/approvers: ændret" in done.stderr
    assert not (run / "steering").exists()


def test_a_hand_written_approval_json_in_a_run_nobody_approved_is_refused(approved: ApprovalProject):
    run = approved.runs()[1]
    write_approval(run, RunApprovals(run_id=run.name, required=1, approvals=[approval_of(run, "bent", "x")]))

    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)

    assert done.returncode == 1 and "kørslen er ikke godkendt" in done.stderr
    assert not (run / "steering").exists()
    status = status_of(approved.root, run)
    assert status[0].endswith("udkast")
    assert "approval.json findes, men godkendelsen står ikke i godkendelsesloggen" in status[1]


# ---------- the root of trust: nothing an unsigned file names decides who signs ----------

def signed(record: Approval, key: Path) -> Approval:
    return record.model_copy(update={"signature": sign(record.statement(), key)})


def change_a_figure_and_rehash(run: Path, inputs: dict[str, Path], params: str | None = None) -> None:
    """What a forger does to a run: a figure in a table changed, and the manifest rewritten so that every
    hash it lists matches (the table, and the `inputs` given, by the path the manifest shall name)."""
    table = run / "data" / "cost_by_year.csv"
    header, first, rest = table.read_text(encoding="utf-8").split("\n", 2)
    digit = next(i for i, c in enumerate(first) if c.isdigit() and c != "9")
    table.write_text(f"{header}\n{first[:digit]}9{first[digit + 1:]}\n{rest}", encoding="utf-8")
    manifest = read_manifest(run)
    sha = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in inputs.items()}
    update: dict[str, object] = {
        "outputs": {**manifest.outputs, "data/cost_by_year.csv": hashlib.sha256(table.read_bytes()).hexdigest()},
        "inputs": {**manifest.inputs, **sha},
    }
    if params is not None:
        assert manifest.params is not None
        update["params"] = manifest.params.model_copy(update={"path": params, "sha256": sha[params]})
    write_manifest(run, manifest.model_copy(update=update))


def test_own_params_and_signers_beside_the_runs_decide_nothing(approved: ApprovalProject):
    root, run = approved.root, approved.runs()[1]  # a draft nobody approved
    rel = str(run.relative_to(root))
    hidden = root / "reports" / ".godkendere"
    hidden.mkdir()
    (hidden / "approvers").write_text(allowed_signers_line("carl@rn.dk", approved.keys["carl"]), encoding="utf-8")
    # The project's own params with Carl as the one approver, its registers named from the hidden folder.
    text = (root / "params" / "default.yaml").read_text(encoding="utf-8")
    roles = next(line for line in text.splitlines() if line.startswith("  roles: {"))
    text = text.replace(roles, "  roles: {carl@rn.dk: {name: Carl, role: afdelingsleder}}")
    (hidden / "default.yaml").write_text(text.replace("../data/", "../../data/"), encoding="utf-8")
    own = {f"reports/.godkendere/{name}": hidden / name for name in ("default.yaml", "approvers")}
    change_a_figure_and_rehash(run, own, params="reports/.godkendere/default.yaml")
    append_to_ledger(root / "reports", signed(approval_of(run, "carl"), approved.keys["carl"]))

    done = run_in_process("release", rel, cwd=root)
    assert done.returncode == 1 and not (run / "steering").exists()
    assert "reports/.godkendere/default.yaml: params-filen ligger i rapportmappen reports" in done.stderr
    status = status_of(root, run)
    assert status[0] == f"{run.name}  ændret efter godkendelse" and not any("signatur ok" in s for s in status)

    # The same two files where the controller may write too, in params/: no signed line introduced them.
    for name in ("approvers", "default.yaml"):
        (hidden / name).rename(root / "params" / f"egne_{name}")
    params = root / "params" / "egne_default.yaml"
    params.write_text(text.replace("signers: approvers", "signers: egne_approvers"), encoding="utf-8")
    own = {f"params/egne_{name}": root / "params" / f"egne_{name}" for name in ("default.yaml", "approvers")}
    change_a_figure_and_rehash(run, own, params="params/egne_default.yaml")
    append_to_ledger(root / "reports", signed(approval_of(run, "carl"), approved.keys["carl"]))

    done = run_in_process("release", rel, cwd=root)
    assert done.returncode == 1 and not (run / "steering").exists()
    assert "params/egne_approvers: filen med godkendere (sha256 " in done.stderr
    assert "er ikke indført ved en signeret linje i godkendelsesloggen" in done.stderr
    assert status_of(root, run)[0] == f"{run.name}  ændret efter godkendelse"


def test_a_key_slipped_into_params_approvers_with_its_hash_recomputed_signs_nothing(approved: ApprovalProject):
    root, run = approved.root, approved.runs()[1]
    rel = str(run.relative_to(root))
    signers = root / "params" / "approvers"
    signers.write_text(signers.read_text(encoding="utf-8") + allowed_signers_line("anna@rn.dk", approved.keys["carl"]),
                       encoding="utf-8")
    sha = hashlib.sha256(signers.read_bytes()).hexdigest()
    change_a_figure_and_rehash(run, {"params/approvers": signers})
    append_to_ledger(root / "reports", signed(approval_of(run, "anna"), approved.keys["carl"]))

    done = run_in_process("release", rel, cwd=root)
    assert done.returncode == 1 and not (run / "steering").exists()
    assert f"params/approvers: filen med godkendere (sha256 {sha[:12]}…) er ikke indført ved en signeret linje" \
        in done.stderr
    assert status_of(root, run)[0] == f"{run.name}  ændret efter godkendelse"

    # Nor can the forger introduce it: a signers line signed by a key the recorded file does not list.
    genesis = SignersRecord.model_validate(ledger_lines(root)[0]["record"])
    forged = genesis.model_copy(update={"content": signers.read_text(encoding="utf-8"), "sha256": sha,
                                        "prev_sha256": genesis.sha256, "recorded_at": "2026-11-30T10:00:00+00:00"})
    signature = sign(forged.statement(), approved.keys["carl"])
    fingerprint = signing_key(forged.statement(), signature)
    assert fingerprint is not None
    append_to_ledger(root / "reports", forged.model_copy(update={"signature": signature, "fingerprint": fingerprint}))
    done = run_in_process("release", rel, cwd=root)
    assert done.returncode == 1
    assert "er ikke signeret af en nøgle, den forrige fil med godkendere nævner" in done.stderr
    assert "er ikke indført ved en signeret linje" in done.stderr


def test_one_key_under_two_identities_is_one_pair_of_eyes(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent"], keys_of={"bent": "anna"})
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    with pytest.raises(ApprovalError, match=r"nøglen SHA256:\S+ har allerede godkendt kørslen som anna@rn\.dk"):
        approvals.approve(run, "bent@rn.dk", keys["anna"])

    append_to_ledger(run.parent, signed(approval_of(run, "bent"), keys["anna"]))  # signed and chained, by hand
    check = approvals.check_run(run)
    assert check.state == RunState.DRAFT and [a.identity for a in check.approvals] == ["anna@rn.dk"]
    assert check.notes[0] == "1 af 2 godkendelser"
    assert check.notes[1].startswith("godkendelsen fra bent@rn.dk: tæller ikke, den er signeret med samme nøgle")
    assert not approved_as_written(run, tmp_path)


def test_a_new_approver_is_added_by_a_signed_ledger_line_and_approves_new_runs_only(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    first, keys = tiny_run(tmp_path, ROLES, ["anna", "bent"])
    signers = tmp_path / "approvers"
    genesis_sha = hashlib.sha256(signers.read_bytes()).hexdigest()
    outcome = approvals.approve(first, "anna@rn.dk", keys["anna"])  # nothing recorded yet: this is the genesis
    assert outcome.genesis is not None
    assert (outcome.genesis.sha256, outcome.genesis.identity, outcome.genesis.prev_sha256) == \
        (genesis_sha, "anna@rn.dk", GENESIS)
    before = another_run(tmp_path, "20260102-000000-tiny")  # made before Carl's key goes in

    signers.write_text(signers.read_text(encoding="utf-8") + allowed_signers_line("carl@rn.dk", keys["carl"]),
                       encoding="utf-8")
    after = another_run(tmp_path, "20260103-000000-tiny")
    with pytest.raises(ApprovalError, match=r"approvers: filen med godkendere \(sha256 \w+…\) er ikke indført"):
        approvals.approve(after, "carl@rn.dk", keys["carl"])  # nobody recorded the change yet
    assert cli.main(["approvers", "add", "params.yaml", "--key", str(keys["carl"]), "--as", "carl@rn.dk"]) == 1
    assert "nøglen står ikke for carl@rn.dk i filen med godkendere" in capsys.readouterr().err  # not by himself

    assert cli.main(["approvers", "add", "params.yaml", "--key", str(keys["bent"]), "--as", "bent@rn.dk"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Registreret i godkendelsesloggen: approvers (sha256 ") and "tilføjet: carl@rn.dk" in out
    assert kinds(tmp_path) == ["signers", "approval", "signers"]
    assert cli.main(["approvers", "add", "params.yaml", "--key", str(keys["bent"]), "--as", "bent@rn.dk"]) == 0
    assert "er allerede registreret" in capsys.readouterr().out and len(kinds(tmp_path)) == 3

    with pytest.raises(ApprovalError, match=r"approvers er ændret siden kørslen .* lav en ny kørsel"):
        approvals.approve(before, "carl@rn.dk", keys["carl"])
    approvals.approve(after, "carl@rn.dk", keys["carl"])
    assert approvals.check_run(after).state == RunState.APPROVED
    # Anna's approval of the first run still verifies (made while its file was in force); like any input
    # changed since, the signers file is named.
    assert approvals.check_run(first).problems == ["approvers: ændret"]

    assert cli.main(["approvers", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].endswith("registreret af anna@rn.dk (" + outcome.genesis.fingerprint + ")  (første udgave)")
    assert listing[1] == "   godkendere: anna@rn.dk, bent@rn.dk; kræver 1"
    assert listing[3] == "   godkendere: anna@rn.dk, bent@rn.dk, carl@rn.dk; kræver 1"

    # The genesis line appended again (a replay) does not bring the old file back.
    ledger = tmp_path / "reports" / LEDGER
    text = ledger.read_text(encoding="utf-8").splitlines()
    append_to_ledger(tmp_path / "reports", SignersRecord.model_validate(json.loads(text[0])["record"]))
    assert any("bygger ikke på den forrige registrerede fil med godkendere" in p
               for p in approvals.check_run(after).problems)


def test_approvals_from_before_the_genesis_count_once_an_approver_records_it(tmp_path: Path):
    """A ledger written before the signers file was recorded is read as it is; its approvals count once an
    approver records the file they were made against."""
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    append_to_ledger(run.parent, signed(approval_of(run, "anna"), keys["anna"]))
    check = approvals.check_run(run)
    assert check.state == RunState.CHANGED
    assert any("er ikke registreret i godkendelsesloggen endnu" in p for p in check.problems)
    record_signers(tmp_path / "params.yaml", "anna@rn.dk", keys["anna"], run.parent)
    assert approvals.check_run(run).state == RunState.APPROVED


def test_a_run_whose_params_lie_outside_the_project_folder_is_refused(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    elsewhere = tmp_path / "andet"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # approve is run from here, the project's files lie beside it
    run, keys = tiny_run(tmp_path / "projekt", ROLES, ["anna"])  # recorded by absolute path
    with pytest.raises(ApprovalError, match=r"params\.yaml: params-filen ligger uden for projektmappen"):
        approvals.approve(run, "anna@rn.dk", keys["anna"])
    assert not (run.parent / LEDGER).exists()


# ---------- threat 3: the code changes between approval and release ----------

def _add_markdown_cell(notebooks: Path) -> None:
    path = notebooks / "steering_summary.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["Tekst ingen har godkendt"]})
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")


def _edit_package_file(package: Path, rel: str) -> None:
    path = package / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n<!-- x -->\n", encoding="utf-8")


CODE_CHANGES = {
    "notebook": ("notebooks/steering_summary.ipynb", None),
    "package source": ("kpro_econ/report/steering.py", "report/steering.py"),
    "template": ("kpro_econ/run/templates/kpro_report/index.html.j2", "run/templates/kpro_report/index.html.j2"),
}


@pytest.mark.parametrize("case", CODE_CHANGES)
def test_code_changed_after_approval_blocks_the_release(approved: ApprovalProject, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, case: str):
    from kpro_econ.release.steering_pack import release

    shown, package_file = CODE_CHANGES[case]
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks)
    if package_file is None:
        _add_markdown_cell(notebooks)
    else:
        package = tmp_path / "kpro_econ"
        shutil.copytree(fingerprint.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
        _edit_package_file(package, package_file)
        monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    monkeypatch.chdir(approved.root)  # the run's params are recorded relative to the project
    run = approved.runs()[0]

    with pytest.raises(ApprovalError, match="koden er ændret siden godkendelsen") as refused:
        release(run.relative_to(approved.root), notebooks_dir=notebooks)

    assert f"  {shown}: ændret" in str(refused.value).splitlines()
    assert not (run / "steering").exists()
    assert kinds(approved.root) == ["signers", "approval"]


# ---------- threat 4: two approvals at the same moment ----------

def test_two_simultaneous_approvers_one_wins_the_other_is_told_why(approved: ApprovalProject):
    run = approved.runs()[1]
    rel = str(run.relative_to(approved.root))
    reports = approved.root / "reports"
    for _ in range(3):
        (reports / LEDGER).unlink()  # a fresh ledger each round (the first run's approval goes with it)
        for folder in approved.runs():  # and the copies that recorded the old ledger's head
            for copy in ("approval.json", "approval-status.json"):
                (folder / copy).unlink(missing_ok=True)
        started = {
            who: subprocess.Popen([*kpro_econ_command(), "approve", rel, "--key", str(approved.keys[who]),
                                   "--as", APPROVERS[who][0]], cwd=approved.root, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
            for who in ("anna", "bent")
        }
        done = {who: (p.wait(timeout=300), *p.communicate()) for who, p in started.items()}
        winners = [who for who, (code, _, _) in done.items() if code == 0]
        assert len(winners) == 1, done
        loser = "bent" if winners == ["anna"] else "anna"
        winner_name = APPROVERS[winners[0]][1]
        assert done[loser][0] == 1 and f"allerede godkendt af {winner_name}" in done[loser][2]
        assert approvers_in(reports / LEDGER) == [APPROVERS[winners[0]][0]]
        assert kinds(approved.root) == ["signers", "approval"]  # one genesis, whoever wrote it
        approval = read_approval(run)
        assert approval is not None and [a.identity for a in approval.approvals] == [APPROVERS[winners[0]][0]]


def test_simultaneous_approvals_under_four_eyes_both_count_none_lost(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent"])
    for _ in range(5):
        (run.parent / LEDGER).unlink(missing_ok=True)
        for copy in ("approval.json", "approval-status.json"):  # they recorded the old ledger's head
            (run / copy).unlink(missing_ok=True)
        outcomes: dict[str, object] = {}

        def approve(who: str, outcomes: dict[str, object] = outcomes) -> None:
            try:
                outcomes[who] = approvals.approve(run, APPROVERS[who][0], keys[who])
            except ApprovalError as exc:
                outcomes[who] = exc

        threads = [threading.Thread(target=approve, args=(who,)) for who in ("anna", "bent")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(isinstance(o, approvals.ApprovalOutcome) for o in outcomes.values()), outcomes
        lines = (run.parent / LEDGER).read_text(encoding="utf-8").splitlines()
        assert sorted(approvers_in(run.parent / LEDGER)) == ["anna@rn.dk", "bent@rn.dk"]
        assert [json.loads(line)["record"]["kind"] for line in lines] == ["signers", "approval", "approval"]
        assert json.loads(lines[2])["prev"] == hashlib.sha256(lines[1].encode("utf-8")).hexdigest()
        assert approvals.check_run(run).state == RunState.APPROVED


# ---------- four eyes, the runner, unsigned approvals, the ledger's chain ----------

def test_four_eyes_need_two_approvers_and_not_the_one_who_ran_it(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n  exclude_runner: true\n{ROLES}", ["anna", "bent", "carl"],
                         makers=("anna",))
    signed_by_maker(run, "anna", keys["anna"])

    with pytest.raises(ApprovalError, match=r"anna@rn\.dk kan ikke godkende: lavede selv kørslen"):
        approvals.approve(run, "anna@rn.dk", keys["anna"])
    first = approvals.approve(run, "bent@rn.dk", keys["bent"])
    assert (first.count, first.required) == (1, 2)
    check = approvals.check_run(run)
    assert check.state == RunState.DRAFT and check.notes == ["1 af 2 godkendelser"]
    status = read_approval_status(run)
    assert status is not None and status.state == RunState.DRAFT
    approvals.approve(run, "carl@rn.dk", keys["carl"])
    check = approvals.check_run(run)
    assert check.state == RunState.APPROVED and [a.name for a in check.approvals] == ["Bent", "Carl"]


# ---------- exclude_runner rests on the maker's signature, not on `run_by` ----------

EXCLUDE = f"  exclude_runner: true\n{ROLES}"


def test_the_maker_is_known_by_the_key_that_signed_the_run_not_by_the_login_name(tmp_path: Path):
    """`run_by` is the login name (`LOGNAME=bent kpro-econ run` sets it): Bent's signed run is his, whatever
    it says, and he cannot approve it; Anna can, and status shows who made and signed the run."""
    run, keys = tiny_run(tmp_path, EXCLUDE, ["anna", "bent"], makers=("bent",))
    signed_by_maker(run, "bent", keys["bent"])
    assert read_manifest(run).run_by not in {"bent", "bent@rn.dk"}  # the tests' own login name

    with pytest.raises(ApprovalError, match=r"bent@rn\.dk kan ikke godkende: lavede selv kørslen") as refused:
        approvals.approve(run, "bent@rn.dk", keys["bent"])
    assert fingerprint_of(keys["bent"]) in str(refused.value)
    assert not (run.parent / LEDGER).exists()

    approvals.approve(run, "anna@rn.dk", keys["anna"])
    check = approvals.check_run(run)
    assert check.state == RunState.APPROVED
    lines = status_of(tmp_path, run)
    assert f"    lavet og signeret af bent@rn.dk (nøgle {fingerprint_of(keys['bent'])}): signatur ok" in lines


def test_one_key_under_another_identity_is_still_the_maker(tmp_path: Path):
    run, keys = tiny_run(tmp_path, "  exclude_runner: true\n", ["anna"], makers=("bent",))
    signers = tmp_path / "approvers"  # Bent's key also listed as an approver under another name
    signers.write_text(signers.read_text(encoding="utf-8") + allowed_signers_line("b.nielsen@rn.dk", keys["bent"]),
                       encoding="utf-8")
    manifest = read_manifest(run)
    name = next(n for n in manifest.inputs if Path(n).resolve() == signers.resolve())  # as the run recorded it
    inputs = {**manifest.inputs, name: hashlib.sha256(signers.read_bytes()).hexdigest()}
    write_manifest(run, manifest.model_copy(update={"inputs": inputs}))
    signed_by_maker(run, "bent", keys["bent"])

    with pytest.raises(ApprovalError, match=r"b\.nielsen@rn\.dk kan ikke godkende: lavede selv kørslen"):
        approvals.approve(run, "b.nielsen@rn.dk", keys["bent"])


def test_a_run_nobody_signed_cannot_pass_exclude_runner(tmp_path: Path):
    run, keys = tiny_run(tmp_path, EXCLUDE, ["anna", "bent"])
    with pytest.raises(ApprovalError, match="kørslen er ikke signeret af den, der lavede den"):
        approvals.approve(run, "anna@rn.dk", keys["anna"])
    assert not (run.parent / LEDGER).exists()


@pytest.mark.parametrize("forgery", ["run_by edited", "re-signed with a throw-away key",
                                     "re-signed with an approval key", "signature removed"])
def test_a_manifest_edited_after_the_run_breaks_the_makers_signature(tmp_path: Path, forgery: str):
    """Bent made and signed the run; he edits the manifest to approve it himself. The edit breaks his
    signature, and so does every way of signing it again without a key allowed to sign runs."""
    run, keys = tiny_run(tmp_path, EXCLUDE, ["anna", "bent"], makers=("bent",))
    signed_by_maker(run, "bent", keys["bent"])
    manifest = read_manifest(run)
    if forgery == "run_by edited":
        write_manifest(run, manifest.model_copy(update={"run_by": "anna"}))
    elif forgery == "re-signed with a throw-away key":
        throwaway = make_key(tmp_path / "mine", "throwaway")
        write_manifest(run, manifest.model_copy(update={"made_by": "carl@rn.dk"}))
        (run / "manifest.sig").write_text(sign((run / "manifest.json").read_bytes(), throwaway, "kpro-econ-run"),
                                          encoding="ascii")
    elif forgery == "re-signed with an approval key":  # Anna's key may sign approvals, not runs
        write_manifest(run, manifest.model_copy(update={"made_by": "anna@rn.dk"}))
        (run / "manifest.sig").write_text(sign((run / "manifest.json").read_bytes(), keys["anna"], "kpro-econ-run"),
                                          encoding="ascii")
    else:
        (run / "manifest.sig").unlink()

    for who in ("bent", "anna"):
        with pytest.raises(ApprovalError, match=r"kan ikke godkende|manifest\.sig"):
            approvals.approve(run, APPROVERS[who][0], keys[who])
    assert not (run.parent / LEDGER).exists()
    if forgery != "signature removed":
        lines = status_of(tmp_path, run)
        assert lines[0] == f"{run.name}  udkast"
        assert any(line.startswith("    kørslens signatur: manifest.json passer ikke til kørslens signatur")
                   for line in lines), lines


def test_a_signed_run_approved_then_edited_is_changed(tmp_path: Path):
    run, keys = tiny_run(tmp_path, EXCLUDE, ["anna", "bent"], makers=("bent",))
    signed_by_maker(run, "bent", keys["bent"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    (run / "manifest.sig").unlink()
    check = approvals.check_run(run)
    assert check.state == RunState.CHANGED
    assert "manifest.sig mangler (kørslen blev signeret af bent@rn.dk)" in check.problems


def test_unsigned_approvals_only_when_the_params_allow_them_and_then_shown_as_usigneret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    run, keys = tiny_run(tmp_path, f"  signatures: optional\n{ROLES}", ["anna"])
    with pytest.raises(ApprovalError, match="den første godkendelse registrerer approvers"):
        approvals.approve(run, "anna@rn.dk")  # the rules themselves rest on a signature
    record_signers(tmp_path / "params.yaml", "anna@rn.dk", keys["anna"], run.parent)
    outcome = approvals.approve(run, "anna@rn.dk")
    assert outcome.approval.signature is None
    check = approvals.check_run(run)
    assert (check.state, check.label) == (RunState.APPROVED, "godkendt (usigneret)")
    status = read_approval_status(run)
    assert status is not None and status.unsigned and status.label == "godkendt (usigneret)"
    assert cli.main(["status", str(run)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{run.name}  godkendt (usigneret)"
    assert next(line for line in out if "godkendt af" in line).endswith(": usigneret")

    signed, keys = tiny_run(tmp_path / "signed", ROLES, ["anna"])  # signatures: required (the default)
    record_signers(tmp_path / "signed" / "params.yaml", "anna@rn.dk", keys["anna"], signed.parent)
    append_to_ledger(signed.parent, approval_of(signed, "anna"))
    check = approvals.check_run(signed)
    assert check.state == RunState.CHANGED
    assert "godkendelsen fra anna@rn.dk: er ikke signeret, og params kræver signaturer" in check.problems


def test_an_edited_or_removed_ledger_line_breaks_the_chain(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent", "carl"])
    approvals.approve(run, "anna@rn.dk", keys["anna"], note="ok")
    approvals.approve(run, "bent@rn.dk", keys["bent"])
    ledger = run.parent / LEDGER
    genesis, first, second = ledger.read_text(encoding="utf-8").splitlines()
    ledger.write_text("\n".join([genesis, first.replace('"note":"ok"', '"note":"ok, men kun pris"'), second, ""]),
                      encoding="utf-8")
    check = approvals.check_run(run)
    assert check.state == RunState.CHANGED
    assert f"{LEDGER}:3: kæden er brudt (forrige linjes sha256 passer ikke)" in check.problems
    assert any("godkendelsen fra anna@rn.dk: signaturen fra anna@rn.dk kan ikke verificeres" in p
               for p in check.problems)

    ledger.write_text(f"{genesis}\n{second}\n", encoding="utf-8")  # the first approval removed
    assert f"{LEDGER}:2: kæden er brudt (forrige linjes sha256 passer ikke)" in approvals.check_run(run).problems
    with pytest.raises(ApprovalError, match="godkendelsesloggen er ikke intakt"):
        approvals.approve(run, "carl@rn.dk", keys["carl"])


# ---------- threat 5: the released pack, the browser ----------

def test_release_prints_with_the_browser_named_by_path_and_records_the_pack(released: ApprovalProject):
    run = released.runs()[0]
    pack = run / "steering"
    pdf, page = pack / f"{PACK}.pdf", pack / f"{PACK}.html"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert b"/MediaBox [0 0 595.9" in pdf.read_bytes()  # A4: 210 mm = 595.3 pt, as Chromium rounds it
    text = page.read_text(encoding="utf-8")
    assert "Godkendt internt i Digitalisering og IT" in text and "Anna (afdelingsleder)" in text
    assert "UDKAST" not in text
    lines = ledger_lines(released.root)
    assert kinds(released.root) == ["signers", "approval", "release"]
    files = lines[2]["record"]["files"]  # type: ignore[index]
    whole = pack / "Pakke - Kommunal PRO 2. halvår 2026.pdf"  # the whole pack, for reading on paper
    assert files == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (page, pdf, whole)}
    status = status_of(released.root, run)
    assert status[0] == f"{run.name}  frigivet" and "pakken er uændret" in status[-1]
    assert not [p for p in (released.root / "reports").iterdir() if p.name.startswith(".steering")]


PACK_CHANGES = {
    "bytes appended to the PDF": (f"{PACK}.pdf", "ændret"),
    "the HTML edited": (f"{PACK}.html", "ændret"),
    "a file added to the pack": ("ekstra.pdf", "tilføjet"),
    "the PDF removed": (f"{PACK}.pdf", "fjernet"),
    "bytes appended to the whole pack's PDF": ("Pakke - Kommunal PRO 2. halvår 2026.pdf", "ændret"),
}


@pytest.mark.parametrize("case", PACK_CHANGES)
def test_an_edited_release_is_not_frigivet(released_copy: ApprovalProject, case: str):
    run = released_copy.runs()[0]
    name, change = PACK_CHANGES[case]
    path = run / "steering" / name
    if change == "fjernet":
        path.unlink()
    else:
        with path.open("ab") as stream:
            stream.write(b"\n%tilfoejet\n")
    status = status_of(released_copy.root, run)
    assert status[0] == f"{run.name}  ændret efter godkendelse"
    assert f"    afviger: {run.name}/steering/{name}: {change}" in status


def test_a_release_without_a_key_is_refused_and_nothing_written(approved: ApprovalProject):
    run = approved.runs()[0]
    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)
    assert done.returncode == 1 and "--key og --as mangler: frigivelsen signeres" in done.stderr
    assert not (run / "steering").exists() and kinds(approved.root) == ["signers", "approval"]


def test_a_release_signed_with_a_key_the_signers_do_not_list_is_refused(approved: ApprovalProject):
    # carl's key, claiming to be anna (an approver in the params): the allowed signers do not list it for her
    run = approved.runs()[0]
    done = run_cli("release", str(run.relative_to(approved.root)), "--key", str(approved.keys["carl"]),
                   "--as", "anna@rn.dk", cwd=approved.root)
    assert done.returncode == 1 and "frigivelsen" in done.stderr and "anna@rn.dk" in done.stderr, done.stderr
    assert not (run / "steering").exists() and kinds(approved.root) == ["signers", "approval"]


def test_a_release_line_written_by_hand_releases_nothing(released_copy: ApprovalProject):
    """A colleague without a key copies the real release line, names a summary of their own in it and drops
    the signature: the run is no longer shown as released, and verify refuses the forged summary."""
    root, run = released_copy.root, released_copy.runs()[0]
    forged = run / "steering" / "Bilag - forfalsket.html"
    forged.write_text("<p>forfalsket resumé</p>\n", encoding="utf-8")
    real = next(line["record"] for line in ledger_lines(root) if line["record"]["kind"] == "release")
    files = {**real["files"], forged.name: hashlib.sha256(forged.read_bytes()).hexdigest()}
    append_to_ledger(root / "reports", ReleaseRecord(**{**real, "files": files, "signature": None}))

    verified = run_in_process("verify", str(forged), cwd=root)
    assert verified.returncode == 1 and "er ikke signeret, og params kræver signaturer" in verified.stderr
    status = status_of(root, run)
    assert status[0] == f"{run.name}  ændret efter godkendelse"
    assert any("er ikke signeret, og params kræver signaturer" in line for line in status)


def test_a_release_is_made_once(released_copy: ApprovalProject):
    run = released_copy.runs()[0]
    again = run_in_process("release", str(run.relative_to(released_copy.root)), cwd=released_copy.root)
    assert again.returncode == 1 and "allerede frigivet" in again.stderr
    assert kinds(released_copy.root) == ["signers", "approval", "release"]


def test_a_browser_that_is_not_there_is_named_and_nothing_is_written(approved: ApprovalProject):
    run = approved.runs()[0]
    done = run_in_process("release", str(run.relative_to(approved.root)), "--browser", "/ingen/chrome",
                          cwd=approved.root)
    assert done.returncode == 1 and "--browser: /ingen/chrome findes ikke" in done.stderr
    assert not (run / "steering").exists() and kinds(approved.root) == ["signers", "approval"]


# ---------- threat 6: hidden staging folders ----------

def test_a_hidden_steering_folder_added_after_approval_is_reported(approved: ApprovalProject):
    run = approved.runs()[0]
    (run / ".steering-1").mkdir()
    (run / ".steering-1" / "Bilag.pdf").write_bytes(b"%PDF-1.4 falsk\n")

    done = run_in_process("release", str(run.relative_to(approved.root)), cwd=approved.root)

    assert done.returncode == 1 and f"{run.name}/.steering-1/Bilag.pdf: tilføjet" in done.stderr
    status = status_of(approved.root, run)
    assert status[0].endswith("ændret efter godkendelse")
    assert f"    afviger: {run.name}/.steering-1/Bilag.pdf: tilføjet" in status


def test_a_later_run_relies_only_on_approvals_release_would_accept(tmp_path: Path):
    """The budget and the summary's comparison ask `approved_as_written`: a real approval counts; a line
    signed with a key slipped into the allowed signers afterwards does not (release says "ændret")."""
    run, keys = tiny_run(tmp_path / "real", ROLES, ["anna"])
    assert not approved_as_written(run, tmp_path)  # a draft (started in tmp_path, like approve)
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    assert approved_as_written(run, tmp_path)

    run, keys = tiny_run(tmp_path / "forged", ROLES, ["anna"])
    signers = tmp_path / "forged" / "approvers"
    signers.write_text(signers.read_text(encoding="utf-8") + allowed_signers_line("anna@rn.dk", keys["carl"]),
                       encoding="utf-8")
    forged = approval_of(run, "anna")
    append_to_ledger(run.parent, forged.model_copy(update={"signature": sign(forged.statement(), keys["carl"])}))
    assert not approved_as_written(run, tmp_path)


def test_a_copy_being_written_is_no_change_but_any_other_hidden_file_is(tmp_path: Path):
    """Of two approvers at once, the one told "already approved" must not first see the other's
    half-written convenience copy as a file added to the run."""
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    approvals.approve(run, "anna@rn.dk", keys["anna"])
    (run / ".approval-status.json.4242.tmp").write_text("{", encoding="utf-8")
    (run / ".approval-status.js.17.tmp").write_text("", encoding="utf-8")
    assert approvals.changed_files(run) == []

    strangers = [".approval.json.tmp", ".approval.json.x.tmp", ".index.html.12.tmp", ".manifest.json.1.tmp.pdf"]
    for name in strangers:
        (run / name).write_text("x", encoding="utf-8")
    assert approvals.changed_files(run) == sorted(f"{run.name}/{name}: tilføjet" for name in strangers)


# ---------- the run-folder contract ----------

def test_a_truncated_manifest_is_a_named_problem_not_a_traceback(tmp_path: Path):
    run, _ = tiny_run(tmp_path, ROLES, ["anna"])
    text = (run / "manifest.json").read_text(encoding="utf-8")
    (run / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(RunRecordError, match=r"manifest\.json"):
        read_manifest(run)


# ---------- who may approve is an input, validated like the others ----------

def test_the_approval_section_and_the_allowed_signers_are_validated(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]):
    root = copy_params_and_data(tmp_path / "project")
    params = root / "params" / "default.yaml"
    (root / "params" / "approvers").write_text("# kommentar\nanna@rn.dk ssh-ed25519\n", encoding="utf-8")
    assert cli.main(["validate", str(params)]) == 2
    assert "approvers:2: -: en godkender skal skrives IDENTITET NØGLETYPE NØGLE (fik 'anna@rn.dk ssh-ed25519')" in \
        capsys.readouterr().err

    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("  allowed_signers: approvers", "  allowed_signers: ingen_fil"), encoding="utf-8")
    assert cli.main(["validate", str(params)]) == 2
    err = capsys.readouterr().err
    assert ": approval.allowed_signers: " in err and "ingen_fil: filen findes ikke (fik 'ingen_fil')" in err

    params.write_text(text.replace("  allowed_signers: approvers", ""), encoding="utf-8")
    assert cli.main(["validate", str(params)]) == 2
    assert "allowed_signers skal udfyldes, medmindre signatures er optional" in capsys.readouterr().err


def test_approval_rules_come_from_the_reviewed_files_never_from_run_set(tmp_path: Path):
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    manifest = read_manifest(run)
    write_manifest(run, manifest.model_copy(update={"overrides": ["approval.signatures=optional"]}))
    with pytest.raises(ApprovalError, match="ændrede godkendelsesregler"):
        approvals.approve(run, "anna@rn.dk")
    with pytest.raises(ApprovalError, match="ændrede godkendelsesregler"):
        approvals.approve(run, "anna@rn.dk", keys["anna"])
    assert not (run.parent / LEDGER).exists()


def test_an_approval_section_inherited_through_extends_applies(tmp_path: Path):
    run, keys = tiny_run(tmp_path, f"  required: 2\n{ROLES}", ["anna", "bent"])
    child = tmp_path / "child.yaml"
    child.write_text("extends: params.yaml\n", encoding="utf-8")
    manifest = read_manifest(run)
    assert manifest.params is not None
    inputs = {**manifest.inputs, child.resolve().as_posix(): hashlib.sha256(child.read_bytes()).hexdigest()}
    params = manifest.params.model_copy(update={"path": child.resolve().as_posix(),
                                                "sha256": hashlib.sha256(child.read_bytes()).hexdigest()})
    write_manifest(run, manifest.model_copy(update={"params": params, "inputs": inputs}))
    outcome = approvals.approve(run, "anna@rn.dk", keys["anna"])
    assert (outcome.count, outcome.required) == (1, 2)  # the parent's four-eyes rule


# ---------- messages: control characters, passphrases, empty brackets, the wrong folder ----------

def test_as_with_control_characters_is_refused_in_one_danish_line(tmp_path: Path):
    run, keys = tiny_run(tmp_path, ROLES, ["anna"])
    for bad in ("anna@rn.dk\x1b[2K", "anna@rn.dk\nGodkendt: alt er fint"):
        done = run_in_process("approve", str(run), "--key", str(keys["anna"]), "--as", bad, cwd=tmp_path)
        assert done.returncode == 1
        assert done.stderr == f"--as: må ikke indeholde styretegn som ESC eller linjeskift (fik {bad!r})\n"
        assert "\x1b" not in done.stderr
    assert not (run.parent / LEDGER).exists()

    (tmp_path / "p.yaml").write_text("title: x\n", encoding="utf-8")
    done = run_in_process("run", "p.yaml", "--out", "ud", "--key", str(keys["bent"]), "--as", "bent\x1b]0;x\x07@rn.dk",
                          cwd=tmp_path)
    assert done.returncode == 1 and "--as: må ikke indeholde styretegn" in done.stderr and "\x1b" not in done.stderr
    assert not (tmp_path / "ud").exists()


@pytest.mark.e2e  # the installed script, ssh-keygen asking on a terminal
def test_a_passphrase_not_given_is_said_in_danish_without_the_prompt(tmp_path: Path):
    run, _ = tiny_run(tmp_path, ROLES, ["anna"])
    locked = tmp_path / "keys" / "locked"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "hemmelig", "-f", str(locked)], check=True)
    # no terminal to ask on (a new session, stdin empty): ssh-keygen gets no passphrase
    done = subprocess.run([*kpro_econ_command(), "approve", str(run), "--key", str(locked), "--as", "anna@rn.dk"],
                          cwd=tmp_path, stdin=subprocess.DEVNULL, start_new_session=True, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Enter passphrase" not in done.stderr and "incorrect" not in done.stderr
    assert done.stderr.startswith(f"{locked}: kunne ikke signere med nøglen: nøglen er beskyttet af en "
                                  "adgangssætning, som ikke blev givet eller var forkert")


def test_no_message_holds_an_empty_pair_of_brackets(tmp_path: Path):
    run, _ = tiny_run(tmp_path, ROLES, ["anna"])
    done = run_in_process("release", str(run), cwd=tmp_path)  # a draft nobody has approved
    assert done.returncode == 1
    assert done.stderr == f"{run}: kørslen er ikke godkendt; kør først kpro-econ approve\n"

    write_manifest(run, read_manifest(run).model_copy(update={"run_id": ""}))
    done = run_in_process("approve", str(run), "--as", "anna@rn.dk", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"{run}: manifest.json nævner ikke, hvilken kørsel det er (run_id mangler)\n"


def test_approve_status_and_release_from_another_folder_name_the_project_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project, elsewhere = (tmp_path / "projekt").resolve(), (tmp_path / "andetsted").resolve()
    project.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(project)  # the run is made here: its manifest names its inputs relative to this folder
    run, keys = tiny_run(project, ROLES, ["anna"])
    assert read_manifest(run).inputs.keys() == {"params.yaml", "approvers"}
    approvals.approve(run, "anna@rn.dk", keys["anna"])

    said = (f"{run}: kør fra projektmappen {project}: manifest.json nævner kørslens inputfiler i forhold til den "
            f"(fx approvers), og du står i {elsewhere}")
    for args in (("release", str(run)), ("approve", str(run), "--key", str(keys["bent"]), "--as", "bent@rn.dk")):
        done = run_in_process(*args, cwd=elsewhere)
        assert (done.returncode, done.stderr) == (1, said + "\n"), args
    status = run_in_process("status", str(run), cwd=elsewhere).stdout.splitlines()
    assert status == [f"{run.name}  ikke kontrolleret", f"    {said}"]
    assert status_of(project, run)[0] == f"{run.name}  godkendt"
