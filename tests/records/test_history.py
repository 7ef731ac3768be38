import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kpro_econ.errors import ParamsError
from kpro_econ.records.history import AUTO, compared_run, find_previous_run, previous_run


def make_run(reports: Path, name: str, params: str, status: str = "ok", started: str = "2026-01-01T00:00:00") -> Path:
    run = reports / name
    (run / "data").mkdir(parents=True)
    (run / "data" / "risk_register.csv").write_text("id\n", encoding="utf-8")
    manifest = {"status": status, "params": {"path": params, "sha256": "0" * 64}, "started": started}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run


def test_the_newest_successful_run_of_the_same_params_file(tmp_path: Path):
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("x", encoding="utf-8")
    reports = tmp_path / "reports"
    make_run(reports, "20260101-000000-default", str(params), started="2026-01-01T00:00:00")
    wanted = make_run(reports, "20260201-000000-default", str(params), started="2026-02-01T00:00:00")
    make_run(reports, "20260301-000000-default", str(params), status="failed", started="2026-03-01T00:00:00")
    make_run(reports, "20260401-000000-other", str(tmp_path / "params" / "other.yaml"), started="2026-04-01T00:00:00")
    make_run(reports, ".tmp-20260501-000000-default", str(params), started="2026-05-01T00:00:00")
    assert find_previous_run(reports, params) == wanted


def test_an_unreadable_manifest_is_skipped(tmp_path: Path):
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("x", encoding="utf-8")
    reports = tmp_path / "reports"
    wanted = make_run(reports, "20260101-000000-default", str(params), started="2026-01-01T00:00:00")
    newer = make_run(reports, "20260201-000000-default", str(params), started="2026-02-01T00:00:00")
    text = (newer / "manifest.json").read_text(encoding="utf-8")
    (newer / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    assert find_previous_run(reports, params) == wanted


def test_a_relative_params_path_is_read_from_the_folder_above_the_reports(tmp_path: Path):
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("x", encoding="utf-8")
    wanted = make_run(tmp_path / "reports", "20260101-000000-default", "params/default.yaml")
    assert find_previous_run(tmp_path / "reports", params) == wanted


def test_no_reports_folder_means_nothing_to_compare_with(tmp_path: Path):
    assert find_previous_run(tmp_path / "missing", tmp_path / "p.yaml") is None


def test_the_trend_compares_only_with_an_approved_run(tmp_path: Path):
    # Two successful runs of the same params, neither in an approvals ledger: a draft and a what-if run.
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("x", encoding="utf-8")
    reports = tmp_path / "reports"
    make_run(reports, "20260101-000000-default", str(params), started="2026-01-01T00:00:00")
    make_run(reports, "20260201-000000-default", str(params), started="2026-02-01T00:00:00")
    assert previous_run(AUTO, params, reports) is None


def test_a_named_run_to_compare_with_must_be_approved(tmp_path: Path):
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("x", encoding="utf-8")
    make_run(tmp_path / "reports", "20260101-000000-default", str(params))
    with pytest.raises(ParamsError) as raised:
        previous_run("../reports/20260101-000000-default", params, tmp_path / "reports")
    [problem] = raised.value.problems
    assert problem.field == "risk.compare_to"
    assert problem.message.startswith("kørslen er ikke godkendt")


def test_the_run_compared_with_is_named_with_its_start(tmp_path: Path):
    run = make_run(tmp_path / "reports", "20261125-184512-default", "p.yaml", started="2026-11-25T18:45:12+00:00")
    compared = compared_run(run)
    assert compared is not None and compared.run_id == "20261125-184512-default"
    assert compared.started == datetime(2026, 11, 25, 18, 45, 12, tzinfo=UTC)
    assert compared_run(None) is None
