"""Faults a run must survive: killed outright, an `--out` it cannot write, one broken manifest among runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from conftest import REPO, FixtureRun, kpro_econ_command, notebooks_folder, use_fixture_stand_ins

from kpro_econ import cli
from kpro_econ.errors import KproError
from kpro_econ.run import runfolder

TESTS = REPO / "tests"
# Every process of a run started here inherits this variable (workers and kernels copy the environment),
# so the test finds them all, whoever their parent is by then, and no process of anyone else.
MARKER = "KPRO_TEST_PROCESS_TREE"
STAGE_TIMEOUT_S = 180
# Workers die at once on Linux (a parent-death signal) and kernels within a second (ipykernel polls its
# parent); elsewhere the worker's watchdog polls once a second. Generous, for a loaded machine.
DEATH_TIMEOUT_S = 30


def marked_processes(token: str) -> list[psutil.Process]:
    """The live processes carrying `token` in MARKER (zombies are dead, only not yet reaped)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() != psutil.STATUS_ZOMBIE and process.environ().get(MARKER) == token:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)


def describe(processes: list[psutil.Process]) -> list[str]:
    described = []
    for process in processes:
        try:
            described.append(f"{process.pid}: {' '.join(process.cmdline())[:160]}")
        except psutil.Error:
            continue
    return described


def runs(process: psutil.Process, what: str) -> bool:
    """Whether `what` is part of the process's command line (`ipykernel`: a kernel; `spawn_main`: a worker)."""
    try:
        return any(what in part for part in process.cmdline())
    except psutil.Error:
        return False


@pytest.fixture
def token() -> Iterator[str]:
    """A fresh marker; whatever still carries it when the test ends is killed (only this test's processes)."""
    value = uuid.uuid4().hex
    yield value
    for process in marked_processes(value):
        try:
            process.kill()
        except psutil.Error:
            continue


# --- 7: kill -9 of a run ------------------------------------------------------------------------------


def started_run(tmp_path: Path, token: str) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """`kpro-econ run --run-id killed` on the notebook that sleeps, as a process of its own."""
    notebooks = notebooks_folder(tmp_path / "notebooks", "tiny_sleeps.ipynb")
    params = tmp_path / "p.yaml"
    params.write_text("title: prøve\n", encoding="utf-8")
    out = tmp_path / "reports"
    command = [sys.executable, str(TESTS / "fixture_cli.py"), str(notebooks),
               "run", str(params), "--out", str(out), "--run-id", "killed"]
    runner = subprocess.Popen(command, cwd=tmp_path, env={**os.environ, MARKER: token},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return runner, params, out


def workers_started(token: str, tmp_path: Path) -> bool:
    return any(runs(process, "spawn_main") for process in marked_processes(token))


def cell_running(token: str, tmp_path: Path) -> bool:
    # Papermill writes the executed notebook as soon as it starts executing it.
    started = (tmp_path / "build" / "killed" / "tiny_sleeps.ipynb").is_file()
    return started and any(runs(process, "ipykernel") for process in marked_processes(token))


STAGES = {"while the workers start": workers_started, "while a cell runs": cell_running}


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX; the watchdog covers Windows")
@pytest.mark.parametrize("stage", STAGES)
def test_kill_9_takes_workers_and_kernels_with_it_and_the_same_run_id_runs_again(
    stage: str, token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runner, params, out = started_run(tmp_path, token)
    try:
        wait_for(lambda: STAGES[stage](token, tmp_path) or runner.poll() is not None,
                 STAGE_TIMEOUT_S, stage)
        assert runner.poll() is None, "the run ended before it could be killed"
        if stage == "while a cell runs":
            time.sleep(1.0)  # into the sleeping cell
        os.kill(runner.pid, signal.SIGKILL)
    finally:
        runner.kill()
        runner.wait(timeout=30)

    deadline = time.monotonic() + DEATH_TIMEOUT_S
    while marked_processes(token) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert describe(marked_processes(token)) == [], "the killed run's processes live on"
    assert (out / ".tmp-killed").is_dir(), "the killed run left its temporary folder (what the rerun must handle)"
    assert not (out / "killed").exists()

    if stage != "while a cell runs":  # one full rerun is enough; here the claim that failed before
        runfolder.publish(runfolder.claim_run_folder(out, "killed", exact=True))
        assert sorted(p.name for p in out.iterdir()) == ["killed"]
        return
    # The rerun's notebook beside the params file (a run uses its project folder's notebooks).
    shutil.rmtree(tmp_path / "notebooks")
    use_fixture_stand_ins(monkeypatch, notebooks_folder(tmp_path / "notebooks", "tiny_plain.ipynb"))
    code = cli.main(["run", str(params), "--out", str(out), "--run-id", "killed"])

    err = capsys.readouterr().err
    assert code == 0, err
    assert f"Fjernede {out / '.tmp-killed'}" in err
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "killed"]  # the run and the runs' overview
    assert (out / "killed" / "tiny_plain.html").is_file()


def test_a_run_being_built_is_not_taken_for_a_dead_one(tmp_path: Path) -> None:
    building = runfolder.claim_run_folder(tmp_path, "mine", exact=True)
    (building.tmp / "half.html").write_text("…", encoding="utf-8")
    with pytest.raises(KproError, match="en anden kørsel med --run-id mine er i gang"):
        runfolder.claim_run_folder(tmp_path, "mine", exact=True)
    other = runfolder.claim_run_folder(tmp_path, "other")  # sweeps dead runs: not this live one
    assert (building.tmp / "half.html").is_file()
    assert other.cleaned == ()
    runfolder.publish(building)
    runfolder.publish(other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "other"]


@pytest.mark.e2e
def test_a_dead_runs_temporary_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = tmp_path / ".tmp-20260101-000000-default"
    (dead / "data").mkdir(parents=True)  # as a killed run leaves it: no process holds its lock
    folder = runfolder.claim_run_folder(tmp_path, "20261129-101010-default")
    assert folder.cleaned == (dead.name,)
    assert not dead.exists()
    runfolder.publish(folder)
    assert [p.name for p in tmp_path.iterdir()] == ["20261129-101010-default"]


# --- 8: an --out folder that cannot be written ----------------------------------------------------


def read_only_prefix(folder: Path) -> list[str]:
    """A command prefix under which `folder` is read-only, or skip: root writes through permissions, so
    root gets a read-only file system mounted there, in a mount namespace of its own."""
    if os.name != "posix":
        pytest.skip("a read-only folder is made with POSIX permissions or a mount")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    prefix = ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs -o ro kpro-read-only "$0" && exec "$@"', str(folder)]
    probe = subprocess.run([*prefix, "touch", str(folder / "x")], capture_output=True, text=True)
    if shutil.which("unshare") is None or "Read-only file system" not in probe.stderr:
        pytest.skip(f"cannot make a read-only folder here: {probe.stderr.strip()}")
    return prefix


@pytest.mark.e2e
def test_run_into_a_read_only_folder_says_so_in_one_danish_line(tmp_path: Path) -> None:
    read_only = tmp_path / "skrivebeskyttet"
    read_only.mkdir()
    prefix = read_only_prefix(read_only)
    try:
        done = subprocess.run(
            [*prefix, *kpro_econ_command(), "run", str(REPO / "params" / "default.yaml"), "--out", str(read_only)],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )
    finally:
        read_only.chmod(0o755)

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()  # one line
    reason = "filsystemet er skrivebeskyttet" if prefix else "ingen skriveadgang"
    assert line.startswith(f"{read_only}: kan ikke skrive kørselsmappen her: {reason} (")
    assert line.endswith("); vælg en anden mappe med --out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skrivebeskyttet"], "nothing written beside it"


# --- 9: one manifest cut short among good runs ----------------------------------------------------


def test_status_lists_a_run_with_a_truncated_manifest_as_unreadable_and_the_others_normally(
    fixture_run: FixtureRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    for name in ("20260101-000000-a", "20260101-000001-b", "20260101-000002-c"):
        shutil.copytree(fixture_run.run_dir, reports / name)
    manifest = reports / "20260101-000001-b" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:200])  # as a full disk or a crash leaves it

    assert cli.main(["status", "--out", str(reports)]) == 0
    assert cli.main(["status", str(reports / "20260101-000001-b")]) == 0

    out, err = capsys.readouterr()
    states = [line for line in out.splitlines() if not line.startswith(" ")]
    assert states == [
        "20260101-000000-a  udkast",
        "20260101-000001-b  ulæselig",
        "20260101-000002-c  udkast",
        f"{reports / 'approvals.jsonl'}: ingen godkendelseslog endnu",  # the folder's ledger, after its runs
        "20260101-000001-b  ulæselig",
    ]
    assert "manifest.json" in out.split("20260101-000001-b  ulæselig")[1]
    assert err == ""
