"""Hand-made approval projects for the tests of the approval and its ledger: keys, signers files, run folders.

Approve reads nothing but the manifest, the files it lists and the params' `approval` section, so a small
hand-made run folder is enough where only the approval logic is tested.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import APPROVERS, REPO, allowed_signers_line, make_key

from kpro_econ.records.run_records import write_manifest
from kpro_econ.run import runfolder

ROLES = "  roles:\n" + "".join(f"    {i}: {{name: {n}, role: {r}}}\n" for i, n, r in APPROVERS.values())


def tiny_run(root: Path, approval_yaml: str, signers: list[str],
             makers: tuple[str, ...] = (), keys_of: dict[str, str] | None = None) -> tuple[Path, dict[str, Path]]:
    """A hand-made successful run folder whose params hold `approval_yaml`, and keys for every approver.

    `signers` are the approvers (anna, bent, carl) put in the allowed signers file, each with their own key
    unless `keys_of` names another's; `makers` those whose keys it allows to sign runs (the `kpro-econ-run`
    namespace). Approve from `root` or its parent (tests run in tmp_path: `in_tmp_path`).
    """
    keys = {name: make_key(root / "keys", name) for name in APPROVERS}
    keys_of = keys_of or {}
    (root / "approvers").write_text(
        "".join(allowed_signers_line(APPROVERS[n][0], keys[keys_of.get(n, n)]) for n in signers)
        + "".join(maker_line(APPROVERS[n][0], keys[n]) for n in makers), encoding="utf-8")
    params = root / "params.yaml"
    params.write_text(f"approval:\n  allowed_signers: approvers\n{approval_yaml}", encoding="utf-8")
    return another_run(root, "20260101-000000-tiny"), keys


def another_run(root: Path, run_id: str) -> Path:
    """A hand-made successful run of `root/params.yaml` as the files are now."""
    params = root / "params.yaml"
    run = root / "reports" / run_id
    run.mkdir(parents=True)
    (run / "index.html").write_text("<p>rapport</p>\n", encoding="utf-8")
    manifest = runfolder.new_manifest(run_id=run.name, params_path=params, input_files=[params, root / "approvers"],
                                      notebooks={}, seed=1, workbook_dir=REPO / "notebooks", started=datetime.now(UTC))
    write_manifest(run, runfolder.finish_manifest(manifest, run, errors=[]))
    return run


def maker_line(identity: str, key: Path) -> str:
    """An allowed signers line for someone who makes runs and signs them (`run --key`)."""
    return allowed_signers_line(identity, key).replace('namespaces="kpro-econ-approval"', 'namespaces="kpro-econ-run"')
